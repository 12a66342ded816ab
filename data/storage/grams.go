package storage

import (
	"bytes"
	"cmp"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
)

// gramIndex answers a search term from postings instead of scanning every card's texts: for each
// gram of the cards' search texts, the set of cards that hold it.
//
//   - The text haystack (what was typed, lower-cased: hanzi and all) has a posting per character and
//     per pair of characters. One or two hanzi are what a Chinese user types most ("北", "北京") and
//     what trigrams (SQLite's FTS5) cannot answer; pairs of hanzi are rare enough that a longer term's
//     candidates, the cards holding all its pairs, are few.
//   - The ASCII keys (pinyin spellings and initials, phones, emails, card numbers) have a posting per
//     byte, pair and triple: their pairs are common ("an", "13"), so a term of three or more is
//     answered from its triples, and one of up to three is a single posting. A triple's posting is
//     kept in four, by where in the keys it begins (modulo 4), so that a longer term's triples must
//     also lie in step: a card with "zhang"'s zha, han and ang at unrelated places is a candidate a
//     quarter as often (at 100k, 11.8k candidates for 5.7k cards instead of 18.9k). Eight places
//     would cut that to 8.7k for 5 more MiB and a slower build: not worth it.
//   - Whole values of small vocabularies (tags and their pinyin, the stem of card numbers) have a
//     posting of their own: a term inside such a value finds its cards with nothing to check, which is
//     what keeps "重点客户" (a sixth of the cards) or "kh2025" (most of them) as fast as a rare term.
//   - Syllables of four letters or more, and the words most cards share (mined at each build), have
//     postings of the cards whose keys or text hold them (syllables.go): "zhang", "gong" and
//     "有限公司" find most of their cards there, with nothing to check.
//
// A term longer than its grams is checked against each candidate's texts, since its grams may occur
// apart. Postings are roaring bitmaps (github.com/RoaringBitmap/roaring): sorted arrays for rare
// grams and plain bitmaps for common ones, intersected a container at a time, changed in place.
type gramIndex struct {
	keys map[uint32]*roaring.Bitmap // see keyGram
	// syl and words are the postings of the keys' syllables and spellings and of the text's words,
	// by their number in vocab (syllables.go), which the build mined them for.
	syl   map[uint32]*roaring.Bitmap
	words map[uint32]*roaring.Bitmap
	vocab *wordVocab
	text  map[uint64]*roaring.Bitmap // a<<32|b for the pair ab, a<<32 for a alone
	vals  valPostings
	// where and slot are each card's arena and slot there, by id, for checking candidates.
	where []*hayArena
	slot  []uint32
	// built is set once the postings hold every card. Until then searches scan the arenas; dirty is
	// then the cards written since the snapshot the postings are being built from.
	built bool
	dirty map[uint64]struct{}
}

func newGramIndex() *gramIndex { return &gramIndex{} }

// ready tells whether the postings hold every card.
func (g *gramIndex) ready() bool { return g.built }

// locate records where a card's texts are now; a nil arena forgets it.
func (g *gramIndex) locate(id uint64, a *hayArena, slot int) {
	if id >= uint64(len(g.where)) {
		if a == nil {
			return
		}
		n := max(id+1, uint64(len(g.where))+uint64(len(g.where))/4)
		g.where = slices.Grow(g.where, int(n)-len(g.where))[:n]
		g.slot = slices.Grow(g.slot, int(n)-len(g.slot))[:n]
	}
	g.where[id], g.slot[id] = a, uint32(slot)
}

// texts are a card's search texts in its arena, or false for an unknown card.
func (g *gramIndex) texts(id uint64) (text, keys []byte, ok bool) {
	if id >= uint64(len(g.where)) || g.where[id] == nil {
		return nil, nil, false
	}
	text, keys = g.where[id].slotTexts(int(g.slot[id]))
	return text, keys, true
}

// valPostings are the postings of whole values, by kind: valText the tags as typed, valKeys their
// pinyin, valStems the stems of card numbers (both in the keys).
//
// The grams leave a card's tags out (they follow hayValues in its haystacks), so a tag's posting
// must hold every card with it: each tag has one, however many tags the file has. A tag is a word
// from the team's small vocabulary ("重点客户", "展会线索"); put into the grams, its triples would
// make a candidate of every card with it for terms it does not hold ("zhanhuixiansuo" and an "ang"
// elsewhere made zhang's candidates twice its cards at 100k).
type valPostings [3]map[string]*roaring.Bitmap

const (
	valText = iota
	valKeys
	valStems
)

// maxStems bounds the stems' vocabulary: past it, a new stem's cards are found through their grams
// and checked, as any other term's. A stem's posting only ever holds cards that have it, so leaving
// some out costs time, never a result.
const maxStems = 1 << 14

func newValPostings() valPostings { return valPostings{{}, {}, {}} }

// rowValues are a row's values with postings of their own: its tags as typed, their pinyin, and the
// stem of its card number (without its last three digits: "kh2026-00"), each as its haystack holds it.
func rowValues(r *indexRow, cache map[*[]string][2][]string) (vals [3][]string) {
	if r == nil {
		return vals
	}
	if r.tags != nil && len(*r.tags) > 0 {
		tv, ok := cache[r.tags]
		if !ok {
			for _, t := range *r.tags {
				lt, full, ini := tagHay(t)
				tv[0] = append(tv[0], lt)
				tv[1] = append(tv[1], full, ini)
			}
			if cache != nil {
				cache[r.tags] = tv
			}
		}
		vals[valText], vals[valKeys] = tv[0], tv[1]
	}
	if st := cardStem(r.CardNo); st != "" {
		vals[valStems] = []string{st}
	}
	return vals
}

// eachHeld calls fn with each value its haystack holds, by kind. A value the haystack does not hold
// (a stale one; never so today) is passed over: a posting of values must never list a card the term
// would not find.
func eachHeld(vals [3][]string, text, keys []byte, fn func(kind int, val string)) {
	for kind, vs := range vals {
		hay := keys
		if kind == valText {
			hay = text
		}
		for _, val := range vs {
			if val != "" && bytes.Contains(hay, []byte(val)) {
				fn(kind, val)
			}
		}
	}
}

// cardStem is a card number, lower-cased as the keys hold it, without up to three of its last digits:
// the numbers of a year share a few hundred stems, so that typing a number's beginning ("kh2026-0")
// finds the cards from the stems' postings.
func cardStem(no string) string {
	no = strings.ToLower(no)
	n := len(no)
	for n > 0 && len(no)-n < 3 && no[n-1] >= '0' && no[n-1] <= '9' {
		n--
	}
	if n < 2 {
		return ""
	}
	return no[:n]
}

// addValues puts id into the postings of the values its texts hold.
func (v *valPostings) addValues(id uint32, vals [3][]string, text, keys []byte) {
	eachHeld(vals, text, keys, func(kind int, val string) {
		p := v[kind][val]
		if p == nil {
			if kind == valStems && len(v[kind]) >= maxStems {
				return
			}
			p = roaring.New()
			v[kind][val] = p
		}
		p.Add(id)
	})
}

func (v *valPostings) removeValues(id uint32, vals [3][]string) {
	for kind, vs := range vals {
		for _, val := range vs {
			if p := v[kind][val]; p != nil {
				if p.Remove(id); p.IsEmpty() {
					delete(v[kind], val)
				}
			}
		}
	}
}

// rowChange tells the postings of values that a card's row went from old to new (nil: none); the
// caller has put the new row's texts in place.
func (g *gramIndex) rowChange(id uint64, old, new *indexRow) {
	switch {
	case g.built:
		g.vals.removeValues(uint32(id), rowValues(old, nil))
		if new != nil {
			if text, keys, ok := g.texts(id); ok {
				g.vals.addValues(uint32(id), rowValues(new, nil), text, keys)
			}
		}
	case g.dirty != nil:
		g.dirty[id] = struct{}{}
	}
}

// change tells the postings that a card's texts went from old to new (nil: none). old must be the
// texts the postings were last told of: a stale gram only adds a candidate that its check drops, but a
// stale syllable or value would be returned as known, unchecked.
func (g *gramIndex) change(id uint64, oldText, oldKeys, newText, newKeys []byte) {
	switch {
	case g.built:
		g.apply(id, oldText, oldKeys, newText, newKeys)
	case g.dirty != nil:
		g.dirty[id] = struct{}{} // the build under way read the texts before this
	}
}

// apply moves a card between postings, touching only the grams that differ.
func (g *gramIndex) apply(id uint64, oldText, oldKeys, newText, newKeys []byte) {
	x := uint32(id)
	diff(textGramSet(oldText), textGramSet(newText), func(k uint64) {
		if p := g.text[k]; p != nil {
			if p.Remove(x); p.IsEmpty() {
				delete(g.text, k)
			}
		}
	}, func(k uint64) { posting(g.text, k).Add(x) })
	diff(keyGramSet(oldKeys), keyGramSet(newKeys), func(k uint32) {
		if p := g.keys[k]; p != nil {
			if p.Remove(x); p.IsEmpty() {
				delete(g.keys, k)
			}
		}
	}, func(k uint32) { posting(g.keys, k).Add(x) })
	for _, m := range []struct {
		postings map[uint32]*roaring.Bitmap
		each     func([]byte, func(uint32))
		old, new []byte
	}{{g.syl, g.vocab.eachKeyWord, oldKeys, newKeys}, {g.words, g.vocab.eachTextWord, oldText, newText}} {
		diff(wordSet(m.each, m.old), wordSet(m.each, m.new), func(w uint32) {
			if p := m.postings[w]; p != nil {
				if p.Remove(x); p.IsEmpty() {
					delete(m.postings, w)
				}
			}
		}, func(w uint32) { posting(m.postings, w).Add(x) })
	}
}

func posting[K comparable](m map[K]*roaring.Bitmap, k K) *roaring.Bitmap {
	p := m[k]
	if p == nil {
		p = roaring.New()
		m[k] = p
	}
	return p
}

// diff calls gone for each key only in a and came for each only in b; both are sorted and distinct.
func diff[K uint64 | uint32](a, b []K, gone, came func(K)) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			gone(a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			came(b[j])
			j++
		default:
			i++
			j++
		}
	}
}

// gramFields is a haystack's fields before its whole values: what the grams, syllables and words
// are taken from.
func gramFields(hay []byte) []byte {
	if i := bytes.IndexByte(hay, hayValues); i >= 0 {
		return hay[:i]
	}
	return hay
}

// eachTextGram calls fn with each character and pair of characters of a text haystack up to its
// whole values (hayValues), repeats included. A NUL ends a field: no pair spans two fields.
func eachTextGram(hay []byte, fn func(k uint64)) {
	hay = gramFields(hay)
	var prev rune
	for len(hay) > 0 {
		r, n := utf8.DecodeRune(hay)
		hay = hay[n:]
		if r == 0 {
			prev = 0
			continue
		}
		fn(uint64(r) << 32)
		if prev != 0 {
			fn(uint64(prev)<<32 | uint64(r))
		}
		prev = r
	}
}

// keyCode numbers the bytes the keys are made of in six bits, so that a gram of three is 18 bits and
// the build's table of them (a megabyte) stays in the processor's cache: letters 1–26, digits 27–36,
// the punctuation of emails, phones and card numbers after them, and keyOther for the rest of ASCII,
// whose grams are shared (a term with such a byte has its candidates checked). 0: not in the keys.
var keyCode = func() (t [128]uint8) {
	n := uint8(1)
	for _, set := range []string{"abcdefghijklmnopqrstuvwxyz", "0123456789", "@.-_+ #/&()',:;!?*=%$~|^<>[]{}\\\"`"} {
		for i := 0; i < len(set) && n < keyOther; i++ {
			t[set[i]] = n
			n++
		}
	}
	for c := 1; c < 128; c++ {
		if t[c] == 0 {
			t[c] = keyOther
		}
	}
	return t
}()

const keyOther = 63

const (
	placeShift = 18
	places     = 4
)

// keyGram is the posting key of one to three ASCII bytes: a<<12|b<<6|c in keyCode, b and c 0 when
// absent; exact is false when a byte shares its code with others. A triple's postings are four, one
// per place modulo 4 where it begins in the keys: key|place<<placeShift.
func keyGram(s string) (k uint32, exact bool) {
	exact = true
	for i := range 3 {
		k <<= 6
		if i < len(s) {
			c := keyCode[s[i]]
			exact = exact && c != keyOther
			k |= uint32(c)
		}
	}
	return k, exact
}

// eachKeyGram calls fn with each byte, pair and placed triple of the ASCII keys up to their whole
// values (hayValues), repeats included. Other bytes are left out (an ASCII term cannot match them)
// and end a run as a NUL does.
func eachKeyGram(hay []byte, fn func(k uint32)) {
	hay = gramFields(hay)
	var p1, p2 uint32 // the codes of the two bytes before, 0 at a run's start
	for i, c := range hay {
		if c == 0 || c >= 0x80 {
			p1, p2 = 0, 0
			continue
		}
		b := uint32(keyCode[c])
		fn(b << 12)
		if p1 != 0 {
			fn(p1<<12 | b<<6)
			if p2 != 0 {
				fn(uint32((i-2)%places)<<placeShift | p2<<12 | p1<<6 | b)
			}
		}
		p2, p1 = p1, b
	}
}

func textGramSet(hay []byte) []uint64 {
	var out []uint64
	eachTextGram(hay, func(k uint64) { out = append(out, k) })
	slices.Sort(out)
	return slices.Compact(out)
}

func keyGramSet(hay []byte) []uint32 {
	var out []uint32
	eachKeyGram(hay, func(k uint32) { out = append(out, k) })
	slices.Sort(out)
	return slices.Compact(out)
}

// gramSnapshot is the cards' texts as they were when a build of the postings began: the arenas'
// slices then, which later writes only append to or replace, never change in place.
type gramSnapshot struct {
	views []arenaView
	at    []int32 // by id: the card's view + 1, 0 for none
	slot  []uint32
	rows  []*indexRow // by id, for the values (rows are replaced on a write, never changed)
}

// postingSet is what a build makes.
type postingSet struct {
	keys  map[uint32]*roaring.Bitmap
	syl   map[uint32]*roaring.Bitmap
	words map[uint32]*roaring.Bitmap
	vocab *wordVocab
	text  map[uint64]*roaring.Bitmap
	vals  valPostings
}

type arenaView struct {
	text, keys       []byte
	textOff, keysOff []uint32
}

func (v *gramSnapshot) texts(id uint64) (text, keys []byte, ok bool) {
	if id >= uint64(len(v.at)) || v.at[id] == 0 {
		return nil, nil, false
	}
	a, s := &v.views[v.at[id]-1], v.slot[id]
	return a.text[a.textOff[s]:a.textOff[s+1]], a.keys[a.keysOff[s]:a.keysOff[s+1]], true
}

// snapshot begins a build: the texts and rows as they are now, and from now on a note of every card
// written. The caller holds the store's write lock.
func (g *gramIndex) snapshot(arenas map[uint64]*hayArena, rows map[uint64]*indexRow) *gramSnapshot {
	snap := &gramSnapshot{at: make([]int32, len(g.where)), slot: slices.Clone(g.slot), rows: make([]*indexRow, len(g.where))}
	for id, r := range rows {
		if id < uint64(len(snap.rows)) {
			snap.rows[id] = r
		}
	}
	seen := map[*hayArena]int32{}
	for id, a := range g.where {
		if a == nil {
			continue
		}
		v, ok := seen[a]
		if !ok {
			snap.views = append(snap.views, arenaView{a.text, a.keys, a.textOff, a.keysOff})
			v = int32(len(snap.views))
			seen[a] = v
		}
		snap.at[id] = v
	}
	g.dirty = map[uint64]struct{}{}
	return snap
}

// buildPart is the fewest cards a core builds the postings of; a test makes it small.
var buildPart = 16384

// buildStep is how many cards a build takes in before it puts their ids into the postings: their
// lists stay small (a few megabytes) and roaring receives them sorted, in bulk.
const buildStep = 8192

// build makes the postings of a snapshot's cards, on every core; it needs no lock, and returns false
// if stop closed first.
func (v *gramSnapshot) build(stop <-chan struct{}) (*postingSet, bool) {
	vocab := mineWords(func(yield func([]byte) bool) {
		step := max(1, len(v.at)/mineSample)
		for id := 0; id < len(v.at); id += step {
			if text, _, ok := v.texts(uint64(id)); ok && !yield(text) {
				return
			}
		}
	})
	parts := min(runtime.GOMAXPROCS(0), max(1, len(v.at)/buildPart))
	res := make([]*postingSet, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			res[p] = v.buildRange(p*len(v.at)/parts, (p+1)*len(v.at)/parts, vocab, stop)
		})
	}
	wg.Wait()
	if slices.Contains(res, nil) {
		return nil, false
	}
	// The parts hold ids of their own ranges: each posting is the union of its parts'.
	ps := res[0]
	for _, r := range res[1:] {
		merge(ps.keys, r.keys)
		merge(ps.text, r.text)
		merge(ps.syl, r.syl)
		merge(ps.words, r.words)
		for kind := range ps.vals {
			merge(ps.vals[kind], r.vals[kind])
		}
	}
	if m := ps.vals[valStems]; len(m) > maxStems {
		// The largest postings save the most checking.
		stems := slices.Collect(maps.Keys(m))
		slices.SortFunc(stems, func(a, b string) int { return cmp.Compare(m[b].GetCardinality(), m[a].GetCardinality()) })
		for _, st := range stems[maxStems:] {
			delete(m, st)
		}
	}
	// Grams that nearly every card holds (the "kh" of card numbers, a common digit) are long runs of
	// ids: run-length containers keep them in a few bytes instead of 8 KiB a container.
	for _, p := range ps.keys {
		p.RunOptimize()
	}
	for _, p := range ps.text {
		p.RunOptimize()
	}
	for _, p := range ps.syl {
		p.RunOptimize()
	}
	for _, p := range ps.words {
		p.RunOptimize()
	}
	for _, m := range ps.vals {
		for _, p := range m {
			p.RunOptimize()
		}
	}
	return ps, true
}

func merge[K comparable](into, from map[K]*roaring.Bitmap) {
	for k, q := range from {
		if p := into[k]; p != nil {
			p.Or(q)
		} else {
			into[k] = q
		}
	}
}

// buildRange makes the postings of the cards with ids in [lo, hi); nil if stop closed first.
func (v *gramSnapshot) buildRange(lo, hi int, vocab *wordVocab, stop <-chan struct{}) *postingSet {
	keys, text := map[uint32]*roaring.Bitmap{}, map[uint64]*roaring.Bitmap{}
	syl, words := map[uint32]*roaring.Bitmap{}, map[uint32]*roaring.Bitmap{}
	sylLists, wordLists := make([][]uint32, vocab.keyWords()), make([][]uint32, len(vocab.text))
	vals := newValPostings()
	valLists := [3]map[string][]uint32{{}, {}, {}}
	tagCache := map[*[]string][2][]string{}
	// A gram's ids of the current step. keyAt indexes keyLists by gram without its place, 0 for none
	// yet: a triple's four places are four lists in a row, so that the table stays a megabyte and in
	// the processor's cache.
	keyAt := make([]int32, 1<<placeShift)
	var keyLists [][]uint32
	var keyOf []uint32
	textLists := map[uint64][]uint32{}
	flush := func() {
		for i, l := range keyLists {
			if len(l) > 0 {
				posting(keys, keyOf[i]).AddMany(l)
				keyLists[i] = l[:0]
			}
		}
		for k, l := range textLists {
			if len(l) > 0 {
				posting(text, k).AddMany(l)
				textLists[k] = l[:0]
			}
		}
		for w, l := range sylLists {
			if len(l) > 0 {
				posting(syl, uint32(w)).AddMany(l)
				sylLists[w] = l[:0]
			}
		}
		for w, l := range wordLists {
			if len(l) > 0 {
				posting(words, uint32(w)).AddMany(l)
				wordLists[w] = l[:0]
			}
		}
		for kind, m := range valLists {
			for k, l := range m {
				if len(l) > 0 {
					posting(vals[kind], k).AddMany(l)
					m[k] = l[:0]
				}
			}
		}
	}
	var x uint32
	addKey := func(k uint32) {
		g := k & (1<<placeShift - 1)
		i := keyAt[g]
		if i == 0 {
			i = int32(len(keyLists)) + 1
			keyAt[g] = i
			for place := range uint32(places) {
				keyLists = append(keyLists, nil)
				keyOf = append(keyOf, g|place<<placeShift)
			}
		}
		i += int32(k >> placeShift)
		if l := keyLists[i-1]; len(l) == 0 || l[len(l)-1] != x {
			keyLists[i-1] = append(l, x)
		}
	}
	addSyllable := func(w uint32) {
		if l := sylLists[w]; len(l) == 0 || l[len(l)-1] != x {
			sylLists[w] = append(l, x)
		}
	}
	addWord := func(w uint32) {
		if l := wordLists[w]; len(l) == 0 || l[len(l)-1] != x {
			wordLists[w] = append(l, x)
		}
	}
	addText := func(k uint64) {
		if l := textLists[k]; len(l) == 0 || l[len(l)-1] != x {
			textLists[k] = append(l, x)
		}
	}
	for id := lo; id < hi; id++ {
		if (id-lo)%buildStep == 0 && id > lo {
			select {
			case <-stop:
				return nil
			default:
			}
			flush()
		}
		text, keys, ok := v.texts(uint64(id))
		if !ok {
			continue
		}
		x = uint32(id)
		eachTextGram(text, addText)
		eachKeyGram(keys, addKey)
		vocab.eachKeyWord(keys, addSyllable)
		vocab.eachTextWord(text, addWord)
		eachHeld(rowValues(v.rows[id], tagCache), text, keys, func(kind int, val string) {
			if l := valLists[kind][val]; len(l) == 0 || l[len(l)-1] != x {
				valLists[kind][val] = append(l, x)
			}
		})
	}
	flush()
	return &postingSet{keys: keys, syl: syl, words: words, vocab: vocab, text: text, vals: vals}
}

// install puts the postings built from snap in place, with the cards written since brought up to
// date. The caller holds the store's write lock.
func (g *gramIndex) install(snap *gramSnapshot, ps *postingSet, rows map[uint64]*indexRow) {
	g.keys, g.syl, g.words, g.vocab, g.text, g.vals = ps.keys, ps.syl, ps.words, ps.vocab, ps.text, ps.vals
	g.built = true
	for id := range g.dirty {
		oldText, oldKeys, _ := snap.texts(id)
		newText, newKeys, _ := g.texts(id)
		g.apply(id, oldText, oldKeys, newText, newKeys)
		var old *indexRow
		if id < uint64(len(snap.rows)) {
			old = snap.rows[id]
		}
		g.rowChange(id, old, rows[id])
	}
	g.dirty = nil
}

// find is the cards whose texts hold every term, of those within (nil: all) if they had to be
// checked; the postings must be ready.
func (g *gramIndex) find(terms []searchTerm, maxID uint64, within idSet) idSet {
	var set idSet
	for _, t := range terms {
		ts := make(idSet, maxID/64+1)
		g.term(t, ts, within)
		if set == nil {
			set = ts
			continue
		}
		for i := range set {
			set[i] &= ts[i]
		}
	}
	if set == nil {
		set = make(idSet, maxID/64+1)
	}
	return set
}

// term adds to set the cards holding one term; of those that need checking, only those within (nil:
// all).
func (g *gramIndex) term(t searchTerm, set, within idSet) {
	// The cards with a value that holds the term are found; only the others are checked. (The known
	// are written first: WriteDenseTo copies whole words of its bitmaps.)
	known := g.known(t)
	groups, exact := g.candidates(t)
	if exact {
		posts := make([]*roaring.Bitmap, 0, len(groups)+1)
		for _, grp := range groups {
			posts = append(posts, grp[0])
		}
		if known != nil {
			posts = append(posts, known)
		}
		if u := orOf(posts); u != nil {
			u.WriteDenseTo(set)
		}
		return
	}
	if known != nil {
		known.WriteDenseTo(set)
	}
	if len(groups) == 0 {
		return
	}
	// Each group's intersection is made on a core of its own: a long pinyin term has four, one per
	// place it may begin at, and at 1M each reads postings of a fifth of the cards.
	cands := make([]*roaring.Bitmap, len(groups))
	if len(groups) == 1 {
		cands[0] = andOf(groups[0])
	} else {
		var wg sync.WaitGroup
		for i, grp := range groups {
			wg.Go(func() { cands[i] = andOf(grp) })
		}
		wg.Wait()
	}
	g.check(t, cands, known, set, within)
}

// manyCandidates are worth checking on every core; tests lower it.
var manyCandidates = 4096

// check adds to set the candidates (the union of cands) whose own texts hold the term, since its
// grams may lie apart; of those known (written to set already) or not within, none is read. Many candidates
// are checked on every core, each part on whole words of the set.
func (g *gramIndex) check(t searchTerm, cands []*roaring.Bitmap, known *roaring.Bitmap, set, within idSet) {
	union := orOf(cands)
	if known != nil {
		// The known are taken out a container at a time: "gong" knows nine cards in ten of 1M.
		union = roaring.AndNot(union, known)
	}
	ids := union.ToArray()
	if within != nil {
		ids = slices.DeleteFunc(ids, func(id uint32) bool { return !within.has(uint64(id)) })
	}
	needle := []byte(t.s)
	check := func(ids []uint32) {
		// The candidates' texts are scattered over the arenas, and reading them was two thirds of a
		// common syllable's time at 1M (zhang: 60k candidates). They are touched a batch at a time
		// before any is searched, so that their cache misses overlap instead of following each other.
		const batch = 16
		var hays [batch][]byte
		var touched byte
		for lo := 0; lo < len(ids); lo += batch {
			part := ids[lo:min(lo+batch, len(ids))]
			for i, id := range part {
				text, keys, _ := g.texts(uint64(id))
				if t.ascii {
					text = keys
				}
				hays[i] = text
			}
			for _, h := range hays[:len(part)] {
				for o := 0; o < len(h); o += 64 {
					touched += h[o]
				}
			}
			for i, id := range part {
				if bytes.Contains(hays[i], needle) {
					set[id/64] |= 1 << (id % 64)
				}
			}
		}
		runtime.KeepAlive(touched)
	}
	parts := 1
	if len(ids) >= manyCandidates {
		parts = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := wordStart(ids, p*len(ids)/parts), wordStart(ids, (p+1)*len(ids)/parts)
		if p == parts-1 {
			check(ids[lo:hi])
			break
		}
		wg.Go(func() { check(ids[lo:hi]) })
	}
	wg.Wait()
}

// wordStart moves i back to the first of the ids that share ids[i]'s word of a bitset.
func wordStart(ids []uint32, i int) int {
	if i >= len(ids) {
		return len(ids)
	}
	for i > 0 && ids[i-1]/64 == ids[i]/64 {
		i--
	}
	return i
}

// known is the cards with a value (a tag, a card number's stem), a syllable or a word (syllables.go)
// that holds the term, nil for none.
func (g *gramIndex) known(t searchTerm) *roaring.Bitmap {
	kinds := []int{valText}
	if t.ascii {
		kinds = []int{valKeys, valStems}
	}
	var hits []*roaring.Bitmap
	for _, kind := range kinds {
		for val, p := range g.vals[kind] {
			if strings.Contains(val, t.s) {
				hits = append(hits, p)
			}
		}
	}
	switch {
	case t.ascii && len(t.s) >= minSyllable:
		for w := range g.vocab.keyWords() {
			if p := g.syl[uint32(w)]; p != nil && strings.Contains(g.vocab.keyWord(uint32(w)), t.s) {
				hits = append(hits, p)
			}
		}
	case !t.ascii && utf8.RuneCountInString(t.s) >= minWord && g.vocab != nil:
		for w, word := range g.vocab.text {
			if p := g.words[uint32(w)]; p != nil && strings.Contains(word, t.s) {
				hits = append(hits, p)
			}
		}
	}
	return orOf(hits)
}

// candidates are the cards that might hold a term: the union of groups, each the cards holding every
// posting of the group; none for none. exact tells that they are the answer, each group then one
// posting. The postings are read, never changed.
func (g *gramIndex) candidates(t searchTerm) (groups [][]*roaring.Bitmap, exact bool) {
	if t.ascii {
		k, exact := keyGram(t.s)
		switch {
		case len(t.s) < 3:
			if p := g.keys[k]; p != nil {
				return [][]*roaring.Bitmap{{p}}, exact
			}
			return nil, false
		case len(t.s) == 3:
			for place := range uint32(places) {
				if p := g.keys[k|place<<placeShift]; p != nil {
					groups = append(groups, []*roaring.Bitmap{p})
				}
			}
			return groups, exact && groups != nil
		}
		// The term begins at some place modulo 4 in the keys: its i-th triple then begins at place+i.
		for place := range places {
			posts := make([]*roaring.Bitmap, 0, len(t.s)-2)
			for i := 0; i+3 <= len(t.s); i++ {
				k, _ := keyGram(t.s[i : i+3])
				p := g.keys[k|uint32((place+i)%places)<<placeShift]
				if p == nil {
					posts = nil
					break
				}
				posts = append(posts, p)
			}
			if len(posts) > 0 {
				groups = append(groups, posts)
			}
		}
		return groups, false
	}
	rs := []rune(t.s)
	if len(rs) <= 2 {
		k := uint64(rs[0]) << 32
		if len(rs) == 2 {
			k |= uint64(rs[1])
		}
		if p := g.text[k]; p != nil {
			return [][]*roaring.Bitmap{{p}}, true
		}
		return nil, false
	}
	posts := make([]*roaring.Bitmap, 0, len(rs)-1)
	for i := 1; i < len(rs); i++ {
		p := g.text[uint64(rs[i-1])<<32|uint64(rs[i])]
		if p == nil {
			return nil, false
		}
		posts = append(posts, p)
	}
	return [][]*roaring.Bitmap{posts}, false
}

// andOf intersects postings, the rarest first: the intersection shrinks fastest. One posting is
// returned itself.
func andOf(posts []*roaring.Bitmap) *roaring.Bitmap {
	if len(posts) == 1 {
		return posts[0]
	}
	slices.SortFunc(posts, func(a, b *roaring.Bitmap) int {
		return cmp.Compare(a.GetCardinality(), b.GetCardinality())
	})
	return roaring.FastAnd(posts...)
}

func orOf(posts []*roaring.Bitmap) *roaring.Bitmap {
	switch len(posts) {
	case 0:
		return nil
	case 1:
		return posts[0]
	}
	return roaring.FastOr(posts...)
}
