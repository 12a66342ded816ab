package storage

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"salesdesk/data"

	"github.com/RoaringBitmap/roaring/v2"
	bolt "go.etcd.io/bbolt"
)

// queriesFrom are what users type, taken from the cards' own texts so that each finds something:
// pieces of one to six characters of a name, a contact, a tag, a pinyin spelling, a phone or an
// email, some two to a query; and a few that find nothing.
func queriesFrom(ix *index, r *rand.Rand, n int) (found, none []string) {
	var cards []uint64
	for id := range ix.rows {
		cards = append(cards, id)
	}
	slices.Sort(cards)
	piece := func() string {
		text, keys, _ := ix.grams.texts(cards[r.IntN(len(cards))])
		hay := text
		if r.IntN(2) == 0 {
			hay = keys
		}
		fields := strings.FieldsFunc(string(hay), func(r rune) bool { return r == 0 || r == hayValues })
		if len(fields) == 0 {
			return ""
		}
		f := []rune(strings.TrimSpace(fields[r.IntN(len(fields))]))
		if len(f) == 0 || strings.ContainsRune(string(f), ' ') {
			return ""
		}
		from := r.IntN(len(f))
		to := min(len(f), from+1+r.IntN(6))
		return string(f[from:to])
	}
	for len(found) < n {
		q := piece()
		if q == "" || strings.ContainsAny(q, "-()") {
			continue // a phone's punctuation is dropped from the query: it may find nothing then
		}
		if r.IntN(5) == 0 {
			if q2 := piece(); q2 != "" {
				q += " " + q2 // two terms: may find nothing, which must agree too
				none = append(none, q)
				continue
			}
		}
		found = append(found, q)
	}
	none = append(none, "zzqx", "鑫鑫鑫鑫", "北京 zzqx", "q", "@", "a`b", "`", "1~")
	return found, none
}

// samePostings checks that the postings and the scan of the texts find the same cards for every
// query, and that each query taken from the cards finds at least one.
func samePostings(t *testing.T, ix *index, when string, seed uint64) {
	t.Helper()
	if !ix.grams.ready() {
		t.Fatalf("%s: the postings are not built", when)
	}
	found, none := queriesFrom(ix, rand.New(rand.NewPCG(seed, 7)), 400)
	// The tags and the beginnings of card numbers, which the postings of values answer.
	var values []string
	for _, r := range ix.rows {
		for _, tag := range r.Tags() {
			if !slices.Contains(values, tag) {
				values = append(values, tag, tag[:len(tag)-3])
				full, ini := pinyinKeys(tag)
				values = append(values, full, ini, full[1:])
			}
		}
		if len(values) < 200 {
			no := strings.ToLower(r.CardNo)
			for n := 2; n <= len(no); n++ {
				values = append(values, no[:n], no[1:n])
			}
		}
	}
	if len(values) < 20 {
		t.Fatalf("%s: only %d tags and card numbers to look for", when, len(values))
	}
	// Each syllable's, spelling's and word's posting is the cards whose keys or text hold it before
	// their values, as a scan finds them; its pieces are searched as every other query.
	g := ix.grams
	scan := func(word string, ofText bool) *roaring.Bitmap {
		b := roaring.New()
		for id := range ix.rows {
			if text, keys, ok := g.texts(id); ok {
				hay := keys
				if ofText {
					hay = text
				}
				if bytes.Contains(gramFields(hay), []byte(word)) {
					b.Add(uint32(id))
				}
			}
		}
		return b
	}
	held := 0
	for w := range g.vocab.keyWords() {
		word := g.vocab.keyWord(uint32(w))
		samePosting(t, when, word, g.syl[uint32(w)], scan(word, false))
		if g.syl[uint32(w)] != nil {
			held++
			values = append(values, word, word[1:], word[:len(word)-1])
		}
	}
	if held < 20 {
		t.Fatalf("%s: only %d syllables are in the keys", when, held)
	}
	if len(g.vocab.text) == 0 || len(g.vocab.keys) == 0 {
		t.Fatalf("%s: no words were mined (%q, %q)", when, g.vocab.text, g.vocab.keys)
	}
	for w, word := range g.vocab.text {
		samePosting(t, when, word, g.words[uint32(w)], scan(word, true))
		rs := []rune(word)
		values = append(values, word, string(rs[1:]), string(rs[:len(rs)-1]))
	}
	for i, q := range append(append(values, found...), none...) {
		terms := searchTerms(q)
		got := ix.grams.find(terms, ix.maxID, nil)
		want := scanFind(ix.arenas(0), terms, ix.maxID)
		if !slices.Equal(setIDs(got), setIDs(want)) {
			t.Fatalf("%s: %q: the postings find %d cards, the scan %d", when, q, got.count(), want.count())
		}
		if i < len(values)+len(found) && want.count() == 0 {
			t.Fatalf("%s: %q, taken from a card, finds nothing", when, q)
		}
	}
}

// samePosting fails unless a word's posting (nil: none) holds the cards a scan found.
func samePosting(t *testing.T, when, word string, got, want *roaring.Bitmap) {
	t.Helper()
	if got == nil {
		got = roaring.New()
	}
	if !got.Equals(want) {
		t.Fatalf("%s: the posting of %q holds %d cards, the texts of %d hold it", when, word, got.GetCardinality(), want.GetCardinality())
	}
}

func setIDs(s idSet) []uint64 {
	var out []uint64
	s.each(func(id uint64) { out = append(out, id) })
	return out
}

// The postings answer every query as the scan of the cards' texts does: kept in step by the demo's
// writes, built from the file at the next opening, and after each kind of write since: a rename, a
// new contact, cards moved to another owner in bulk, an archive, a new card, an import undone.
func TestPostingsMatchTheScan(t *testing.T) {
	defer func(n, m int) { buildPart, manyCandidates = n, m }(buildPart, manyCandidates)
	buildPart = 100     // built in parts on every core, as a large file is
	manyCandidates = 16 // and checked in spans on every core
	s := demoStore(t, 800)
	check := func(when string, seed uint64) {
		t.Helper()
		s.WaitSearchIndex()
		s.mu.RLock()
		defer s.mu.RUnlock()
		samePostings(t, s.idx, when, seed)
	}
	check("written by the demo", 1)

	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var err error
	if s, err = Open(path, Options{Now: fixedClock(stNow)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	check("opened again", 2)

	rows := s.Customers(data.CustomerFilter{Sort: data.SortName})
	c, err := s.Customer(rows[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	c.Name = "北京阿尔法量子科技有限公司"
	c.Contacts = append(c.Contacts, data.Contact{Name: "欧阳娜娜", Phone: "13912345678", Email: "nana@alpha.cn"})
	if _, err := s.UpdateCustomer(data.System, c); err != nil {
		t.Fatal(err)
	}
	check("renamed", 3)
	for _, q := range []string{"阿尔法量子", "oyn", "ouyangnana", "12345678", "nana@alpha"} {
		if got := s.Customers(data.CustomerFilter{Search: q}); len(got) != 1 || got[0].ID != c.ID {
			t.Errorf("%q finds %v; want the renamed card %d", q, ids(got), c.ID)
		}
	}
	for _, q := range []string{rows[3].Name} {
		for _, r := range s.Customers(data.CustomerFilter{Search: q}) {
			if r.ID == c.ID {
				t.Errorf("the card is still found by its old name %q", q)
			}
		}
	}

	members := s.Members()
	var moved []uint64
	for _, r := range rows[10:60] {
		moved = append(moved, r.ID)
	}
	if _, err := s.BulkSetOwner(data.System, moved, members[len(members)-1].ID); err != nil {
		t.Fatal(err)
	}
	check("moved to another owner", 4)
	if _, err := s.ArchiveCustomer(data.System, rows[70].ID); err != nil {
		t.Fatal(err)
	}
	created, err := s.CreateCustomer(data.System, data.Customer{Name: "苏州贝塔精密机械有限公司", Kind: data.KindCompany, Status: data.StatusProspect,
		Contacts: []data.Contact{{Name: "司马光", Phone: "0512-66881234", Primary: true}}})
	if err != nil {
		t.Fatal(err)
	}
	check("archived and created", 5)
	if got := s.Customers(data.CustomerFilter{Search: "smg"}); !slices.Contains(ids(got), created.ID) {
		t.Errorf("the new card is not found by its contact's initials: %v", ids(got))
	}
}

// Writes while the postings are being built from a snapshot (opening builds them with the lock
// free) are brought into them when they are put in place: a card changed, one created, one removed.
func TestPostingsBuiltWhileWritesGoOn(t *testing.T) {
	defer func(n int) { buildPart = n }(buildPart)
	buildPart = 100
	s := demoStore(t, 600)
	var ix *index
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		ix, err = loadIndex(tx, stNow, false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if ix.grams.ready() {
		t.Fatal("a loaded index has its postings already")
	}
	snap := ix.grams.snapshot(ix.hay, ix.rows)
	rows := s.Customers(data.CustomerFilter{Sort: data.SortName})
	rules := ix.settings.GradeRules
	c, err := s.Customer(rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	c.Name = "甲乙丙丁戊己有限公司"
	c.Tags = []string{"甲乙特约"}
	ix.put(buildRow(&c, rules, stNow))
	fresh := data.Customer{ID: ix.maxID + 1, Name: "庚辛壬癸子丑有限公司", Kind: data.KindCompany, Status: data.StatusProspect}
	ix.put(buildRow(&fresh, rules, stNow))
	ix.removeCustomers(map[uint64]bool{rows[1].ID: true})

	ps, ok := snap.build(nil)
	if !ok {
		t.Fatal("the build stopped")
	}
	ix.grams.install(snap, ps, ix.rows)
	samePostings(t, ix, "built while written", 9)
	for _, q := range []string{"甲乙丙丁", "庚辛壬癸", "jybdwj", "gxrgzc", "甲乙特约", "jiayiteyue"} {
		if n := ix.grams.find(searchTerms(q), ix.maxID, nil).count(); n != 1 {
			t.Errorf("%q finds %d cards; want 1", q, n)
		}
	}
	if ix.grams.find(searchTerms(rows[1].Name), ix.maxID, nil).has(rows[1].ID) {
		t.Error("the removed card is still found")
	}
}

// BenchmarkSearchPostings100k is the search alone, without the filters, the sort and the page: the
// postings against the scan of the texts they replace, per kind of query.
func BenchmarkSearchPostings100k(b *testing.B) {
	s := openBench(b, bench100k(b), true)
	for _, q := range keystrokeQueries {
		terms := searchTerms(q)
		for _, how := range []string{"postings", "scan"} {
			b.Run(q+"/"+how, func(b *testing.B) {
				var n int
				timed(b, func(int) {
					s.mu.RLock()
					var set idSet
					if how == "postings" {
						set = s.idx.find(0, terms)
					} else {
						set = scanFind(s.idx.arenas(0), terms, s.idx.maxID)
					}
					s.mu.RUnlock()
					n = set.count()
				})
				b.ReportMetric(float64(n), "rows")
			})
		}
	}
}

// BenchmarkSearchIndexBuild100k is the building of the postings after opening, and their size.
func BenchmarkSearchIndexBuild100k(b *testing.B) {
	s := openBench(b, bench100k(b), true)
	var size uint64
	timed(b, func(int) {
		b.StopTimer()
		var ix *index
		if err := s.view(func(tx *bolt.Tx) (err error) { ix, err = loadIndex(tx, benchNow, false); return err }); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		snap := ix.grams.snapshot(ix.hay, ix.rows)
		ps, _ := snap.build(nil)
		ix.grams.install(snap, ps, ix.rows)
		b.StopTimer()
		size = ix.grams.bytes()
		b.StartTimer()
	})
	b.ReportMetric(float64(size)/(1<<20), "postings-MiB")
}

// bytes is the postings' size in memory, roughly: the bitmaps and the tables that lead to them.
func (g *gramIndex) bytes() uint64 {
	n := uint64(len(g.keys)+len(g.text))*48 + uint64(len(g.where))*12
	for _, p := range g.keys {
		n += p.GetSizeInBytes()
	}
	for _, p := range g.text {
		n += p.GetSizeInBytes()
	}
	return n
}

// A card's tags are found from their postings of values alone: none of their grams is in the
// postings of grams, so that a common tag makes no card a candidate for what the tag does not hold.
func TestTagsAreFoundFromTheirValuesAlone(t *testing.T) {
	s := demoStore(t, 300)
	tagged, err := s.CreateCustomer(data.System, data.Customer{Name: "甲乙有限公司", Tags: []string{"鑫磊展会"},
		Contacts: []data.Contact{{Name: "王刚"}}})
	if err != nil {
		t.Fatal(err)
	}
	s.WaitSearchIndex()
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.idx.grams
	for _, gram := range []uint64{'鑫' << 32, '鑫'<<32 | '磊', '展'<<32 | '会'} {
		if p := g.text[gram]; p != nil && p.Contains(uint32(tagged.ID)) {
			t.Errorf("the text gram %x of the tag lists the card", gram)
		}
	}
	// nor the keys' triples
	groups, _ := g.candidates(searchTerm{"xinleizhan", true})
	for _, grp := range groups {
		if andOf(grp).Contains(uint32(tagged.ID)) {
			t.Error("the tag's pinyin is in the postings of grams")
		}
	}
	for _, q := range []string{"鑫", "鑫磊", "展会", "磊展会", "xinlei", "zhanhui", "xlzh", "lz"} {
		if !s.idx.grams.find(searchTerms(q), s.idx.maxID, nil).has(tagged.ID) {
			t.Errorf("%q does not find the card tagged 鑫磊展会", q)
		}
	}
}
