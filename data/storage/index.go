package storage

import (
	"cmp"
	"container/heap"
	"encoding/binary"
	"runtime"
	"runtime/debug"
	"salesdesk/data"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// indexRow is what lists, search and the agenda need of a card, as the store keeps it in memory; the
// service hands out copies as CustomerRow. Rows are immutable once built: a write replaces the row,
// so a list the store holds stays valid while the store moves on.
//
// A large file holds a row per card for the whole session, so the row is kept lean: dates are day
// numbers, the search texts live in the arena, and contacts stay in the file (the agenda keeps the
// birthdays apart). At 100k cards this is about 300 bytes a row instead of the 512 of the stored form.
type indexRow struct {
	ID, OwnerID        uint64
	CardNo, Name       string
	SortName           string // the name's pinyin, so Chinese names sort as Chinese users expect
	Kind               data.CustomerKind
	Status             data.Status
	Source             data.Source
	Industry, Category string
	NextAction         string
	// tags is shared between rows with the same tags (Tags reads it): most cards carry one of a few
	// sets, and a pointer is a third of a slice's header in a row kept 100k times.
	tags         *[]string
	LastFollowUp data.Day
	NextFollowUp data.Day
	next         rowActivity // the next follow-up's time, kind and reminder
	LastReviewed data.Day
	FirstContact data.Day
	Completeness int8
	Archived     bool
	Overridden   bool
	Grade        data.Grade // in force: the override, else the suggestion
	Suggested    data.Grade
	grading      rowGrading
	births       []ContactBirthday
	// pending carries the search texts of a new row to the arena, which keeps their only copy.
	pending *rowHay
}

type rowHay struct{ text, keys string }

// rowGrading keeps what the grade rules read, so a new day or new thresholds regrade without the card.
// The two enums are small numbers: with them the row fits Go's 320-byte allocation class.
type rowGrading struct {
	AnnualPurchase   data.Amount
	CooperationSince data.Day
	MAN              data.MAN
	HasNeeds         bool
	referral         uint8 // index in gradingLevels
	override         uint8 // index in gradingGrades
}

var (
	gradingLevels = []data.Level{data.LevelNone, data.LevelHigh, data.LevelMedium, data.LevelLow}
	gradingGrades = []data.Grade{data.GradeNone, data.GradeA, data.GradeB, data.GradeC, data.GradeD}
)

// enumIndex returns v's place in all, or 0 (none) for a value the rules do not know.
func enumIndex[T comparable](all []T, v T) uint8 {
	for i, x := range all {
		if x == v {
			return uint8(i)
		}
	}
	return 0
}

// rowRecord is the part of a row kept in the file (bucket customer_rows), written in the same
// transaction as its card. Opening a file reads these instead of whole cards and spends no time on
// pinyin or lower-casing, which is what keeps the first frame of a large list fast. The grade is not
// stored: it depends on today's date and the settings' thresholds.
type rowRecord struct {
	ID           uint64              `msgpack:"id"`
	CardNo       string              `msgpack:"cn"`
	Name         string              `msgpack:"nm"`
	Kind         data.CustomerKind   `msgpack:"k"`
	Status       data.Status         `msgpack:"st"`
	OwnerID      uint64              `msgpack:"oi"`
	Industry     string              `msgpack:"in"`
	Category     string              `msgpack:"ca"`
	Region       string              `msgpack:"rg"`
	Source       data.Source         `msgpack:"so"`
	Tags         []string            `msgpack:"tg"`
	LastFollowUp time.Time           `msgpack:"lf"`
	NextFollowUp time.Time           `msgpack:"nf"`
	NextAction   string              `msgpack:"na"`
	NextTime     data.TimeOfDay      `msgpack:"nt,omitempty"`
	NextKind     data.ActivityKind   `msgpack:"nk,omitempty"`
	NextRemind   data.Reminder       `msgpack:"nr,omitempty"`
	LastReviewed time.Time           `msgpack:"lr"`
	FirstContact time.Time           `msgpack:"fc"`
	Archived     bool                `msgpack:"ar"`
	Completeness int                 `msgpack:"cp"`
	Contacts     []data.ContactBrief `msgpack:"co"`

	// SortName orders Chinese names by pinyin, as Chinese users expect, instead of by code point.
	SortName string `msgpack:"sn"`
	// TextHay and KeyHay hold the searchable texts, lower-cased, fields separated by a NUL so that a
	// match cannot run across two fields: TextHay as typed, KeyHay the ASCII keys (pinyin, phones).
	TextHay string `msgpack:"th"`
	KeyHay  string `msgpack:"kh"`
	// Grading keeps what the grade rules read, so a new day or new thresholds regrade without the card.
	Grading gradeInputs `msgpack:"gi"`

	// tagSet is Tags shared with the other rows of the file that have the same (loadPool.tagSet).
	tagSet *[]string
}

// gradeInputs are the fields of a card that SuggestGrade reads.
type gradeInputs struct {
	AnnualPurchase   data.Amount `msgpack:"ap"`
	CooperationSince time.Time   `msgpack:"cs"`
	Referral         data.Level  `msgpack:"rf"`
	Status           data.Status `msgpack:"st"`
	MAN              data.MAN    `msgpack:"mn"`
	HasNeeds         bool        `msgpack:"nd"`
	Override         data.Grade  `msgpack:"go"`
}

// presentMark stands in for a text the grade rules only need to know is there.
const presentMark = "\u2026"

// settle lays out what a loaded row keeps for the session: repeating values shared, the rest copied
// out of the decoder's allocations (see loadPool).
func (rec *rowRecord) settle(p *loadPool) {
	for _, s := range []*string{(*string)(&rec.Kind), (*string)(&rec.Status), (*string)(&rec.Source), &rec.Industry,
		&rec.Category, &rec.Region, &rec.NextAction, (*string)(&rec.Grading.Referral), (*string)(&rec.Grading.Status),
		(*string)(&rec.Grading.Override)} {
		p.intern(s)
	}
	for i := range rec.Tags {
		p.intern(&rec.Tags[i])
	}
	rec.tagSet = p.tagSet(rec.Tags)
	p.keep(&rec.CardNo)
	p.keep(&rec.Name)
	p.keep(&rec.SortName)
	for i := range rec.Contacts {
		if !rec.Contacts[i].Birthday.IsZero() {
			p.keep(&rec.Contacts[i].Name)
		}
	}
}

// graded makes the in-memory row of a stored one, with its grade as of now.
func graded(rec *rowRecord, rules data.GradeRules, now time.Time) *indexRow {
	r := rowOf(rec)
	r.regrade(rules, now)
	return r
}

// rowOf is graded without the grade, for rows decoded before the settings are read (rowFeed).
func rowOf(rec *rowRecord) *indexRow {
	g := rec.Grading
	r := &indexRow{ID: rec.ID, OwnerID: rec.OwnerID, CardNo: rec.CardNo, Name: rec.Name, SortName: rec.SortName,
		Kind: rec.Kind, Status: rec.Status, Source: rec.Source, Industry: rec.Industry, Category: rec.Category,
		NextAction: rec.NextAction, tags: rec.tagSet,
		LastFollowUp: data.DayOf(rec.LastFollowUp), NextFollowUp: data.DayOf(rec.NextFollowUp),
		LastReviewed: data.DayOf(rec.LastReviewed), FirstContact: data.DayOf(rec.FirstContact),
		Completeness: int8(rec.Completeness), Archived: rec.Archived,
		grading: rowGrading{AnnualPurchase: g.AnnualPurchase, CooperationSince: data.DayOf(g.CooperationSince),
			MAN: g.MAN, HasNeeds: g.HasNeeds, referral: enumIndex(gradingLevels, g.Referral),
			override: enumIndex(gradingGrades, g.Override)},
		births: birthdaysOf(rec), pending: &rowHay{rec.TextHay, rec.KeyHay},
		next: packActivity(rec.NextTime, rec.NextKind, rec.NextRemind)}
	if r.tags == nil && len(rec.Tags) > 0 {
		// A written card's tags are the caller's slice: the row keeps its own copy.
		tags := slices.Clone(rec.Tags)
		r.tags = &tags
	}
	return r
}

// public is the row as the service hands it out: a copy with nothing shared with the index.
func (r *indexRow) public() *data.CustomerRow {
	return &data.CustomerRow{ID: r.ID, OwnerID: r.OwnerID, CardNo: r.CardNo, Name: r.Name, SortName: r.SortName,
		Kind: r.Kind, Status: r.Status, Source: r.Source, Industry: r.Industry, Category: r.Category,
		NextAction: r.NextAction, Tags: slices.Clone(r.Tags()), LastFollowUp: r.LastFollowUp,
		NextFollowUp: r.NextFollowUp, NextTime: r.NextTime(), NextKind: r.NextKind(), NextRemind: r.NextRemind(),
		LastReviewed: r.LastReviewed, FirstContact: r.FirstContact, Completeness: r.Completeness,
		Archived: r.Archived, Overridden: r.Overridden, Grade: r.Grade, Suggested: r.Suggested}
}

// Tags are the card's tags; the slice is shared and must not be changed.
func (r *indexRow) Tags() []string {
	if r.tags == nil {
		return nil
	}
	return *r.tags
}

// regrade sets the row's grades as of now; only a row not yet shared may be changed.
func (r *indexRow) regrade(rules data.GradeRules, now time.Time) {
	g := r.grading
	c := data.Customer{AnnualPurchase: g.AnnualPurchase, CooperationSince: g.CooperationSince.Time(),
		Referral: gradingLevels[g.referral], Status: r.Status, MAN: g.MAN, GradeOverride: gradingGrades[g.override]}
	if g.HasNeeds {
		c.Needs = presentMark
	}
	sug, _ := data.SuggestGrade(&c, rules, now)
	r.Grade, r.Suggested, r.Overridden = sug, sug, false
	if o := c.GradeOverride; o != data.GradeNone {
		r.Grade, r.Overridden = o, o != sug
	}
}

// ContactBirthday is a contact's birthday, kept for the agenda apart from the rows.
type ContactBirthday struct {
	Name     string
	Birthday data.Day
}

func birthdaysOf(rec *rowRecord) []ContactBirthday {
	var out []ContactBirthday
	for _, ct := range rec.Contacts {
		if !ct.Birthday.IsZero() {
			out = append(out, ContactBirthday{Name: ct.Name, Birthday: data.DayOf(ct.Birthday)})
		}
	}
	return out
}

// readings maps each character to its most common reading without tones, built once from go-pinyin's
// dictionary. go-pinyin's own lookup strips tones with a regexp on every call, which dominated opening
// a large file; a plain map read is safe from every loading goroutine.
var readings = sync.OnceValue(func() map[rune]string {
	plain := map[rune]rune{}
	for _, g := range []struct {
		base  rune
		toned string
	}{{'a', "āáǎà"}, {'e', "ēéěè"}, {'o', "ōóǒò"}, {'i', "īíǐì"}, {'u', "ūúǔù"}, {'v', "üǘǚǜ"}, {'n', "ńňǹ"}, {'m', "ḿ"}} {
		for _, r := range g.toned {
			plain[r] = g.base
		}
	}
	t := make(map[rune]string, len(pinyin.PinyinDict))
	for code, all := range pinyin.PinyinDict {
		first, _, _ := strings.Cut(all, ",")
		t[rune(code)] = strings.Map(func(r rune) rune {
			if p, ok := plain[r]; ok {
				return p
			}
			return r
		}, first)
	}
	return t
})

func readingOf(r rune) string { return readings()[r] }

// pinyinKeys returns the full spelling and the initials of s: "北京科技" → "beijingkeji", "bjkj".
// Characters without a reading (Latin, digits) are kept as they are in both, so "ABC电子" → "abcdianzi",
// "abcdz". Polyphonic characters take their most common reading.
func pinyinKeys(s string) (full, initials string) {
	var f, in strings.Builder
	rs := []rune(strings.ToLower(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if unicode.Is(unicode.Han, r) {
			if i+1 < len(rs) {
				if p, ok := phraseReadings[[2]rune{r, rs[i+1]}]; ok {
					for _, syl := range p {
						f.WriteString(syl)
						in.WriteByte(syl[0])
					}
					i++
					continue
				}
			}
			if p := readingOf(r); p != "" {
				f.WriteString(p)
				in.WriteByte(p[0])
				continue
			}
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			f.WriteRune(r)
			in.WriteRune(r)
		}
	}
	return f.String(), in.String()
}

// tagHay is a tag as the haystacks hold it (see buildRow): lower-cased in the text, its pinyin in the
// keys.
func tagHay(t string) (text, full, initials string) {
	full, initials = pinyinKeys(t)
	return hayField(t), full, initials
}

// hayValues ends the fields of a haystack that its grams are taken from: the fields after it are
// whole values with postings of their own. A haystack's fields end in a NUL.
const hayValues = 0x01

// hayField is a field as a haystack holds it: lower-cased, without the control characters that
// separate the fields and their parts.
func hayField(s string) string {
	s = strings.ToLower(s)
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// personPinyin spells a person's name, reading the surname as a surname: 曾 is zeng, 单 is shan.
func personPinyin(name string) (full, initials string) {
	rs := []rune(strings.TrimSpace(name))
	if len(rs) > 1 {
		if sur, ok := surnameReadings[rs[0]]; ok {
			f, in := pinyinKeys(string(rs[1:]))
			return sur + f, sur[:1] + in
		}
	}
	return pinyinKeys(name)
}

// surnameReadings are the surnames whose commonest reading as a word is not the surname's.
var surnameReadings = map[rune]string{
	'曾': "zeng", '单': "shan", '解': "xie", '仇': "qiu", '朴': "piao", '区': "ou", '查': "zha",
	'盖': "ge", '缪': "miao", '翟': "zhai", '覃': "qin", '尉': "yu", '乐': "yue",
	'重': "chong", '繁': "po", '员': "yun", '种': "chong", '华': "hua", '任': "ren", '沈': "shen",
	'召': "shao", '折': "she", '黑': "he", '秘': "bi", '谌': "chen", '藏': "zang",
}

// phraseReadings fixes words whose characters' most common readings are wrong together, chosen from
// what customer cards hold: cities, and the business words in company names. go-pinyin reads
// character by character, so 重庆 would come out as zhongqing and 银行 as yinxing.
var phraseReadings = map[[2]rune][2]string{
	{'重', '庆'}: {"chong", "qing"}, {'长', '沙'}: {"chang", "sha"}, {'长', '春'}: {"chang", "chun"},
	{'长', '治'}: {"chang", "zhi"}, {'长', '安'}: {"chang", "an"}, {'长', '城'}: {"chang", "cheng"},
	{'长', '江'}: {"chang", "jiang"}, {'厦', '门'}: {"xia", "men"}, {'蚌', '埠'}: {"beng", "bu"},
	{'六', '安'}: {"lu", "an"}, {'乐', '山'}: {"le", "shan"}, {'乐', '清'}: {"yue", "qing"},
	{'朝', '阳'}: {"chao", "yang"}, {'单', '县'}: {"shan", "xian"}, {'番', '禺'}: {"pan", "yu"},
	{'银', '行'}: {"yin", "hang"}, {'行', '业'}: {"hang", "ye"}, {'商', '行'}: {"shang", "hang"},
	{'车', '行'}: {"che", "hang"}, {'音', '乐'}: {"yin", "yue"}, {'快', '乐'}: {"kuai", "le"},
	{'曾', '经'}: {"ceng", "jing"}, {'供', '应'}: {"gong", "ying"}, {'应', '用'}: {"ying", "yong"},
	{'重', '要'}: {"zhong", "yao"}, {'传', '媒'}: {"chuan", "mei"}, {'调', '度'}: {"diao", "du"},
	{'成', '都'}: {"cheng", "du"}, {'首', '都'}: {"shou", "du"}, {'都', '市'}: {"du", "shi"},
	{'长', '兴'}: {"chang", "xing"}, {'长', '乐'}: {"chang", "le"}, {'长', '宁'}: {"chang", "ning"},
	{'长', '泰'}: {"chang", "tai"}, {'长', '汀'}: {"chang", "ting"}, {'长', '寿'}: {"chang", "shou"},
	{'都', '江'}: {"du", "jiang"}, {'大', '都'}: {"da", "du"}, {'重', '工'}: {"zhong", "gong"},
}

func buildRow(c *data.Customer, rules data.GradeRules, now time.Time) *indexRow {
	rec := buildRecord(c)
	return graded(&rec, rules, now)
}

// buildRecord makes the stored part of a card's row.
func buildRecord(c *data.Customer) rowRecord {
	r := rowRecord{
		ID: c.ID, CardNo: c.CardNo, Name: c.Name, Kind: c.Kind, Status: c.Status, OwnerID: c.OwnerID,
		Industry: c.Industry, Category: c.Category, Region: c.Region, Source: c.Source, Tags: c.Tags,
		LastFollowUp: c.LastFollowUp, NextFollowUp: c.NextFollowUp, NextAction: c.NextAction,
		NextTime: c.NextTime, NextKind: c.NextKind, NextRemind: c.NextRemind,
		LastReviewed: c.LastReviewed, FirstContact: c.FirstContact, Archived: c.Archived,
		Completeness: c.Completeness().Percent(),
		Grading: gradeInputs{AnnualPurchase: c.AnnualPurchase, CooperationSince: c.CooperationSince,
			Referral: c.Referral, Status: c.Status, MAN: c.MAN, HasNeeds: c.Needs != "", Override: c.GradeOverride},
	}
	// Two haystacks: what was typed (hanzi and all) and its ASCII keys (pinyin, phones, emails). A term
	// is looked for in one of them only, which halves the bytes a keystroke scans.
	var text, keys strings.Builder
	add := func(b *strings.Builder, s string) {
		if s = hayField(s); s != "" {
			b.WriteString(s)
			b.WriteByte(0)
		}
	}
	addWithPinyin := func(s string, person bool) {
		add(&text, s)
		full, ini := pinyinKeys(s)
		if person {
			full, ini = personPinyin(s)
		}
		add(&keys, full)
		add(&keys, ini)
	}
	addWithPinyin(c.Name, c.Kind == data.KindPerson)
	r.SortName, _ = pinyinKeys(c.Name)
	if c.Kind == data.KindPerson {
		r.SortName, _ = personPinyin(c.Name)
	}
	add(&keys, c.CardNo)
	for _, ct := range c.Contacts {
		r.Contacts = append(r.Contacts, data.ContactBrief{Name: ct.Name, Phone: ct.Phone, Email: ct.Email, Birthday: ct.Birthday, Primary: ct.Primary})
		addWithPinyin(ct.Name, true)
		if ct.Phone != "" {
			// Stored phones are already normalised; the digits alone let "010 1234" find "010-12345678".
			add(&keys, ct.Phone)
			if d := digitsOnly(ct.Phone); d != ct.Phone {
				add(&keys, d)
			}
		}
		add(&keys, ct.Email)
	}
	// The tags come last, after hayValues: the postings of grams leave them out, and the postings of
	// whole values find them (grams.go).
	if len(c.Tags) > 0 {
		text.WriteByte(hayValues)
		keys.WriteByte(hayValues)
	}
	for _, t := range c.Tags {
		text1, full, ini := tagHay(t) // as the postings of values take it
		add(&text, text1)
		add(&keys, full)
		add(&keys, ini)
	}
	r.TextHay, r.KeyHay = text.String(), keys.String()
	return r
}

// searchTerm is one word of a query; an ASCII one is looked for in the keys, any other in the text.
type searchTerm struct {
	s     string
	ascii bool
}

// index is the in-memory view of the file that lists and searches read. The store's mutex guards it.
type index struct {
	settings data.Settings
	members  map[uint64]data.Member
	rows     map[uint64]*indexRow
	// The duplicate map of names is built on first use: only a save needs it, and building it for
	// every card at open would slow the first frame of a large file. Phones and emails are looked up
	// in the search arena, which holds them already.
	dupsBuilt bool
	byName    map[string][]uint64
	// dupsBuilding is set while prepareDups builds byName in the background; dupsDone closes when it
	// has ended.
	dupsBuilding bool
	dupsDone     chan struct{}
	openActions  map[uint64]OpenAction
	opps         map[uint64]*data.OpportunityRow
	// milestones are the open deals' milestones not yet done, for the agenda.
	milestones map[uint64][]dealStep
	// dealsPending says opening left the deals in the file, until Store.LoadDeals decodes them.
	dealsPending bool
	// sorted caches every row in one order per sort key; writes keep them in step.
	sorted map[data.SortKey][]*indexRow
	// ranks holds each cached order's positions by card id (see rank).
	ranks map[data.SortKey]rankCache
	// sortJobs are orders being made off the lock since a first page was picked without them
	// (firstOf): order waits for one instead of sorting again.
	sortJobs map[data.SortKey]*sortJob
	// changes counts the writes to rows: an order made off the lock from the rows of an earlier
	// count is stale.
	changes uint64
	// hay holds the search texts for fast scanning, the rows' only copy of them, in one arena per
	// owner (0: the pool): a rep's search scans the rep's own cards only, and a manager's scans them
	// all. Every write goes through put, putMany or removeCustomers, which move a row between arenas
	// when its owner changes, so an owner's arena always holds exactly the owner's rows.
	hay map[uint64]*hayArena
	// grams are the postings of the arenas' texts, which a search reads once they are built.
	grams *gramIndex
	maxID uint64
	// active and archived count the cards, kept in step so the list's count costs nothing.
	active, archived int
	// live, archivedSet and overridden are the cards, the archived ones and those whose grade is set
	// by hand, as bitsets by id: a list without other filters is made from them and the sorted
	// order's ranks, without reading each row (which, scattered in memory, costs more than the rest).
	live, archivedSet, overridden idSet
}

func (ix *index) count(r *indexRow, delta int) {
	if r.Archived {
		ix.archived += delta
	} else {
		ix.active += delta
	}
	ix.live.put(r.ID, delta > 0)
	ix.archivedSet.put(r.ID, delta > 0 && r.Archived)
	ix.overridden.put(r.ID, delta > 0 && r.Overridden)
}

// OpenAction is a follow-up whose action waits for its result by a deadline.
type OpenAction struct {
	FollowUpID uint64    `msgpack:"f"`
	CustomerID uint64    `msgpack:"c"`
	Deadline   time.Time `msgpack:"d"`
	Action     string    `msgpack:"a"`
}

func newIndex(st data.Settings) *index {
	return &index{
		settings: st, members: map[uint64]data.Member{}, rows: map[uint64]*indexRow{},
		byName: map[string][]uint64{}, openActions: map[uint64]OpenAction{}, sorted: map[data.SortKey][]*indexRow{},
		hay: map[uint64]*hayArena{}, grams: newGramIndex(), opps: map[uint64]*data.OpportunityRow{}, milestones: map[uint64][]dealStep{},
	}
}

func appendID(m map[string][]uint64, k string, id uint64) {
	if k == "" {
		return
	}
	for _, x := range m[k] {
		if x == id {
			return
		}
	}
	m[k] = append(m[k], id)
}

func removeID(m map[string][]uint64, k string, id uint64) {
	ids := m[k]
	for i, x := range ids {
		if x == id {
			ids = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
	if len(ids) == 0 {
		delete(m, k)
	} else {
		m[k] = ids
	}
}

// arenaOf is the owner's arena, made on first use.
func (ix *index) arenaOf(owner uint64) *hayArena {
	a := ix.hay[owner]
	if a == nil {
		a = newArena(ix.grams)
		ix.hay[owner] = a
	}
	return a
}

// putHay takes r's search texts into its owner's arena; old is the row it replaces (nil: none).
func (ix *index) putHay(old, r *indexRow) {
	if old != nil && old.OwnerID != r.OwnerID {
		if text, keys, ok := ix.arenaOf(old.OwnerID).take(old.ID); ok && r.pending == nil {
			r.pending = &rowHay{text, keys} // regraded and moved: the texts come along
		}
		old = nil
	}
	a := ix.arenaOf(r.OwnerID)
	a.add(r, old != nil)
	ix.compactArena(r.OwnerID)
}

func (ix *index) compactArena(owner uint64) {
	if a := ix.hay[owner]; a != nil && a.stale() {
		ix.hay[owner] = a.compact()
	}
}

// eachArena calls fn with every owner's arena.
func (ix *index) eachArena(fn func(a *hayArena)) {
	for _, a := range ix.hay {
		fn(a)
	}
}

func (ix *index) put(r *indexRow) {
	ix.changes++
	old, had := ix.rows[r.ID]
	if had {
		ix.drop(old, false)
	}
	ix.rows[r.ID] = r
	ix.count(r, 1)
	ix.maxID = max(ix.maxID, r.ID)
	ix.putHay(old, r) // old is nil for a new row
	ix.grams.rowChange(r.ID, nil, r)
	if ix.dupsBuilt {
		ix.addDups(r)
	}
	// Keep every cached order instead of resorting a large list after each save. The slices may be in
	// the GUI's hands, so each is copied, never changed in place; a copy of 100k pointers is far cheaper
	// than a sort.
	for k, rows := range ix.sorted {
		cmp := ix.less(k)
		// The old row is found by its place in the order, compared by pointer: reading every row's id
		// to find it cost a save at a million cards half a second per cached order (each row is a
		// cache miss), where copying the pointers around it costs milliseconds.
		from := -1
		if had {
			if p, ok := slices.BinarySearchFunc(rows, old, cmp); ok && rows[p] == old {
				from = p
			} else if from = slices.Index(rows, old); from < 0 {
				// Not the pointer the order holds (never so today): by id, as a last resort.
				from = slices.IndexFunc(rows, func(x *indexRow) bool { return x.ID == r.ID })
			}
		}
		next := make([]*indexRow, 0, len(rows)+1)
		if from >= 0 {
			next = append(append(next, rows[:from]...), rows[from+1:]...)
		} else {
			next = append(next, rows...)
		}
		i, _ := slices.BinarySearchFunc(next, r, cmp)
		ix.sorted[k] = slices.Insert(next, i, r)
		ix.moveRank(k, rows, ix.sorted[k], from, i)
	}
}

// moveRank keeps order k's ranks in step with a write that moved one row from position from (-1: a
// new row) to position to, so that the first search after a save finds them ready instead of
// numbering every card again. Only the positions between the two change.
func (ix *index) moveRank(k data.SortKey, before, after []*indexRow, from, to int) {
	c, ok := ix.ranks[k]
	if !ok || len(c.of) != len(before) || (len(before) > 0 && &c.of[0] != &before[0]) {
		return // not numbered since the last change of the order: rank numbers it when asked
	}
	rank := c.rank
	if uint64(len(rank)) < ix.maxID+1 {
		rank = slices.Grow(rank, int(ix.maxID+1)-len(rank))[:ix.maxID+1]
	}
	lo, hi := to, len(after)-1 // a new row pushes every later one down
	if from >= 0 {
		lo, hi = min(from, to), max(from, to)
	}
	for p := lo; p <= hi; p++ {
		rank[after[p].ID] = uint32(p)
	}
	ix.ranks[k] = rankCache{after, rank}
}

// putMany adds many rows at once (opening, bulk creation): the orders are rebuilt when next asked for.
func (ix *index) putMany(rows []*indexRow) {
	ix.changes++
	clear(ix.sorted)
	// Opening fills an empty index, with no postings yet to tell of the texts: nothing is replaced,
	// so the texts go into the arenas on another core while the rows go into the map and the counts.
	// The two loops share only the rows, whose texts (pending) the map's loop does not read.
	fresh := len(ix.rows) == 0 && !ix.grams.built && ix.grams.dirty == nil
	if fresh {
		// A map grown to a million rows one doubling at a time moved each row many times.
		ix.rows = make(map[uint64]*indexRow, len(rows))
	}
	addHay := func() {
		type size struct{ n, text, keys int }
		sizes := map[uint64]size{}
		for _, r := range rows {
			if r.pending != nil {
				z := sizes[r.OwnerID]
				sizes[r.OwnerID] = size{z.n + 1, z.text + len(r.pending.text), z.keys + len(r.pending.keys)}
			}
		}
		for owner, z := range sizes {
			ix.arenaOf(owner).grow(z.n, z.text, z.keys)
		}
		for _, r := range rows {
			ix.arenaOf(r.OwnerID).add(r, false)
			ix.grams.rowChange(r.ID, nil, r)
		}
		for owner := range ix.hay {
			ix.compactArena(owner)
		}
	}
	var wg sync.WaitGroup
	var fault any
	if fresh {
		wg.Go(func() {
			// The texts may still be views of a mapping of the file (opening): a fault there, should
			// the file shrink, is a panic, carried to the caller's goroutine, which turns it into a
			// damaged file as before.
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() { fault = recover() }()
			addHay()
		})
	}
	// The replaced rows' slots are retired in one pass per arena: finding each one by itself scans
	// the arena's ids, which made a sweep that returns thousands of cards quadratic.
	retire := map[uint64]map[uint64]bool{}
	for _, r := range rows {
		old, had := ix.rows[r.ID]
		if had {
			ix.drop(old, false)
			if fresh {
				// Never so from a load, which refuses a row under another card's key (rowUnderItsKey);
				// the texts are the other goroutine's, so the older row's stay in its arena.
				continue
			}
			switch {
			case old.OwnerID != r.OwnerID && r.pending == nil:
				ix.putHay(old, r)
			case r.pending != nil:
				if retire[old.OwnerID] == nil {
					retire[old.OwnerID] = map[uint64]bool{}
				}
				retire[old.OwnerID][r.ID] = true
			}
		}
		ix.rows[r.ID] = r
		ix.count(r, 1)
		ix.maxID = max(ix.maxID, r.ID)
		if ix.dupsBuilt {
			ix.addDups(r)
		}
	}
	if fresh {
		wg.Wait()
		if fault != nil {
			panic(fault)
		}
		return
	}
	for owner, ids := range retire {
		ix.arenaOf(owner).retire(ids)
	}
	addHay()
}

func (ix *index) addDups(r *indexRow) {
	appendID(ix.byName, data.NormalizeName(r.Name), r.ID)
}

// ensureDups builds the duplicate map of names once; the caller holds the write lock.
func (ix *index) ensureDups() {
	if ix.dupsBuilt {
		return
	}
	for _, r := range ix.rows {
		ix.addDups(r)
	}
	ix.dupsBuilt = true
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// drop forgets a row; dropOrders also takes it out of the cached orders (put replaces it there itself).
func (ix *index) drop(r *indexRow, dropOrders bool) {
	ix.changes++
	delete(ix.rows, r.ID)
	ix.grams.rowChange(r.ID, r, nil)
	ix.count(r, -1)
	if ix.dupsBuilt {
		removeID(ix.byName, data.NormalizeName(r.Name), r.ID)
	}
	if dropOrders {
		clear(ix.sorted)
	}
}

// setSettings swaps the settings; grades depend on the thresholds, so rows are regraded.
func (ix *index) setSettings(st data.Settings, now time.Time) {
	old := ix.settings.GradeRules
	ix.settings = st
	if old == st.GradeRules {
		return
	}
	for id, r := range ix.rows {
		g := *r
		if g.regrade(st.GradeRules, now); g.Grade != r.Grade || g.Suggested != r.Suggested {
			ix.changes++
			ix.rows[id] = &g
			ix.overridden.put(id, g.Overridden)
		}
	}
	clear(ix.sorted)
}

func statusRank(s data.Status) int {
	for i, x := range data.Statuses {
		if x == s {
			return i
		}
	}
	return len(data.Statuses)
}

func (ix *index) less(k data.SortKey) func(a, b *indexRow) int {
	byID := func(a, b *indexRow) int { return cmp3(a.ID < b.ID, a.ID > b.ID) }
	then := func(c int, a, b *indexRow) int {
		if c != 0 {
			return c
		}
		return byID(a, b)
	}
	switch k {
	case data.SortCardNo:
		return func(a, b *indexRow) int { return then(strings.Compare(a.CardNo, b.CardNo), a, b) }
	case data.SortGrade:
		return func(a, b *indexRow) int {
			return then(strings.Compare(gradeKey(a.Grade), gradeKey(b.Grade)), a, b)
		}
	case data.SortStatus:
		return func(a, b *indexRow) int { return then(statusRank(a.Status)-statusRank(b.Status), a, b) }
	case data.SortOwner:
		return func(a, b *indexRow) int {
			ka, _ := pinyinKeys(ix.members[a.OwnerID].Name)
			kb, _ := pinyinKeys(ix.members[b.OwnerID].Name)
			return then(strings.Compare(ka, kb), a, b)
		}
	case data.SortIndustry:
		return func(a, b *indexRow) int {
			ka, _ := pinyinKeys(a.Industry)
			kb, _ := pinyinKeys(b.Industry)
			return then(strings.Compare(ka, kb), a, b)
		}
	case data.SortLastFollowUp:
		return func(a, b *indexRow) int { return then(cmp.Compare(a.LastFollowUp, b.LastFollowUp), a, b) }
	case data.SortNextFollowUp:
		// Cards with no plan go last: they are the least urgent to read.
		return func(a, b *indexRow) int {
			za, zb := a.NextFollowUp.IsZero(), b.NextFollowUp.IsZero()
			if za != zb {
				return cmp3(zb, za)
			}
			return then(cmp.Compare(a.NextFollowUp, b.NextFollowUp), a, b)
		}
	default:
		return func(a, b *indexRow) int { return then(strings.Compare(a.SortName, b.SortName), a, b) }
	}
}

func gradeKey(g data.Grade) string {
	if g == data.GradeNone {
		return "Z"
	}
	return string(g)
}

func cmp3(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

// order returns every row sorted by k; the result is cached until the next write. Owner names are
// resolved once per sort rather than per comparison.
func (ix *index) order(k data.SortKey) []*indexRow {
	if rows, ok := ix.sorted[k]; ok {
		return rows
	}
	if job := ix.sortJobs[k]; job != nil {
		delete(ix.sortJobs, k)
		<-job.done
		if job.changes == ix.changes {
			ix.sorted[k] = job.rows
			return job.rows
		}
	}
	rows := ix.allRows()
	sortRows(k, rows, ix.sortFunc(k, rows))
	ix.sorted[k] = rows
	return rows
}

func (ix *index) allRows() []*indexRow {
	rows := make([]*indexRow, 0, len(ix.rows))
	for _, r := range ix.rows {
		rows = append(rows, r)
	}
	return rows
}

// sortRows sorts rows by order k, whose comparison (sortFunc) is cmp.
func sortRows(k data.SortKey, rows []*indexRow, cmp func(a, b *indexRow) int) {
	if key := prefixKeyOf(k); key != nil {
		sortByPrefix(rows, key, cmp)
	} else {
		sortParallel(rows, cmp)
	}
}

// sortJob is an order being made off the lock from the rows as they were at a count of changes.
type sortJob struct {
	done    chan struct{} // closed once rows are sorted
	rows    []*indexRow
	changes uint64
}

// presortFrom is the number of cards from which the first page of an order not made yet is picked
// from the unsorted rows, and the order made after it: at 1M cards the sort by name was 0.7–1.0 s
// of the first frame after opening, where picking 200 rows is a pass over them.
var presortFrom = 50_000

// firstOf returns the first n rows that keep accepts in order k (reversed with desc) when that order
// is neither made nor being made and the list is large, and starts making the order off the lock;
// ok false means the caller should use order. The caller holds the write lock.
func (ix *index) firstOf(k data.SortKey, desc bool, n int, keep func(r *indexRow) bool) (first []*indexRow, ok bool) {
	if _, made := ix.sorted[k]; made || ix.sortJobs[k] != nil || len(ix.rows) < presortFrom || n <= 0 {
		return nil, false
	}
	rows := ix.allRows()
	// The comparison reads only the rows, which writes replace and never change, and what sortFunc
	// worked out from them: the job's sort needs neither the lock nor the index.
	cmp := ix.sortFunc(k, rows)
	pick := cmp
	if desc {
		pick = func(a, b *indexRow) int { return cmp(b, a) }
	}
	first = pickFirst(rows, n, keep, pick)
	job := &sortJob{done: make(chan struct{}), changes: ix.changes}
	if ix.sortJobs == nil {
		ix.sortJobs = map[data.SortKey]*sortJob{}
	}
	ix.sortJobs[k] = job
	go func() {
		defer close(job.done)
		sortRows(k, rows, cmp)
		job.rows = rows
	}()
	return first, true
}

// pickFirst is the first n of the rows that keep accepts, in cmp's order: a heap of the n first seen
// so far whose top is the last of them, which most rows do not get past.
func pickFirst(rows []*indexRow, n int, keep func(r *indexRow) bool, cmp func(a, b *indexRow) int) []*indexRow {
	h := &lastOnTop{cmp: cmp}
	for _, r := range rows {
		switch {
		case !keep(r):
		case len(h.rows) < n:
			heap.Push(h, r)
		case cmp(r, h.rows[0]) < 0:
			h.rows[0] = r
			heap.Fix(h, 0)
		}
	}
	slices.SortFunc(h.rows, cmp)
	return h.rows
}

// lastOnTop is a heap of rows whose top is the last in cmp's order.
type lastOnTop struct {
	rows []*indexRow
	cmp  func(a, b *indexRow) int
}

func (h *lastOnTop) Len() int           { return len(h.rows) }
func (h *lastOnTop) Less(i, j int) bool { return h.cmp(h.rows[i], h.rows[j]) > 0 }
func (h *lastOnTop) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *lastOnTop) Push(x any)         { h.rows = append(h.rows, x.(*indexRow)) }
func (h *lastOnTop) Pop() any {
	r := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return r
}

// prefixKeyOf is the text an order sorts on first, for the orders that compare a text of the row.
func prefixKeyOf(k data.SortKey) func(r *indexRow) string {
	switch k {
	case data.SortCardNo:
		return func(r *indexRow) string { return r.CardNo }
	case data.SortGrade, data.SortStatus, data.SortOwner, data.SortIndustry, data.SortLastFollowUp, data.SortNextFollowUp:
		return nil
	}
	return func(r *indexRow) string { return r.SortName } // less's default
}

// keyedRow is a row with the first eight bytes of its sort text, big-endian: two rows whose prefixes
// differ compare as their texts do without reading either row.
type keyedRow struct {
	prefix uint64
	r      *indexRow
}

// sortByPrefix sorts rows as cmp does, which must compare key(r) first. Sorting a million rows by
// their names read each name through its row's pointer some 40 million times, memory the caches did
// not hold; with the prefix beside the pointer most comparisons read neither row (the sort of the
// list's first frame at 1M cards: 1.3 s before).
func sortByPrefix(rows []*indexRow, key func(r *indexRow) string, cmp func(a, b *indexRow) int) {
	ks := make([]keyedRow, len(rows))
	for i, r := range rows {
		var b [8]byte
		copy(b[:], key(r))
		ks[i] = keyedRow{binary.BigEndian.Uint64(b[:]), r}
	}
	sortParallel(ks, func(a, b keyedRow) int {
		if a.prefix != b.prefix {
			return cmp3(a.prefix < b.prefix, a.prefix > b.prefix)
		}
		return cmp(a.r, b.r)
	})
	for i, k := range ks {
		rows[i] = k.r
	}
}

// rankCache is the position of each card in one cached order, and the order it was read from.
type rankCache struct {
	of   []*indexRow
	rank []uint32
}

// rank returns each card's position in order(k), by id. A search that matched a few thousand cards
// sorts them by these numbers instead of walking the whole sorted list, whose 100k rows scattered in
// memory cost a manager's keystroke more than the scan did. It is rebuilt on the first search after
// a write changed the order; the caller holds the write lock.
func (ix *index) rank(k data.SortKey, rows []*indexRow) []uint32 {
	if c, ok := ix.ranks[k]; ok && len(c.of) == len(rows) && (len(rows) == 0 || &c.of[0] == &rows[0]) {
		return c.rank
	}
	// Only callers holding the write lock read a rank slice, so the last one is filled again in place:
	// after every write it is rebuilt, and 100k numbers a write would otherwise be garbage.
	rank := ix.ranks[k].rank
	if uint64(cap(rank)) < ix.maxID+1 {
		rank = make([]uint32, ix.maxID+1, ix.maxID+1+ix.maxID/8)
	}
	rank = rank[:ix.maxID+1]
	for i, r := range rows {
		rank[r.ID] = uint32(i)
	}
	if ix.ranks == nil {
		ix.ranks = map[data.SortKey]rankCache{}
	}
	ix.ranks[k] = rankCache{rows, rank}
	return rank
}

// sortFunc is less(k) for sorting rows: owner names and industries are spelled in pinyin once per
// distinct value rather than per comparison.
func (ix *index) sortFunc(k data.SortKey, rows []*indexRow) func(a, b *indexRow) int {
	cmp := ix.less(k)
	switch k {
	case data.SortIndustry:
		// Industries sort by pinyin as the filter menu lists them; each distinct value is spelled once.
		keys := map[string]string{}
		for _, r := range rows {
			if _, ok := keys[r.Industry]; !ok {
				keys[r.Industry], _ = pinyinKeys(r.Industry)
			}
		}
		cmp = func(a, b *indexRow) int {
			if c := strings.Compare(keys[a.Industry], keys[b.Industry]); c != 0 {
				return c
			}
			return cmp3(a.ID < b.ID, a.ID > b.ID)
		}
	case data.SortOwner:
		keys := map[uint64]string{}
		for id, m := range ix.members {
			keys[id], _ = pinyinKeys(m.Name)
		}
		cmp = func(a, b *indexRow) int {
			if c := strings.Compare(keys[a.OwnerID], keys[b.OwnerID]); c != 0 {
				return c
			}
			return cmp3(a.ID < b.ID, a.ID > b.ID)
		}
	}
	return cmp
}

// sortParallel sorts halves on two cores and merges them: the first sort of a large list is part of
// the first frame after opening.
func sortParallel[T any](rows []T, cmp func(a, b T) int) {
	if len(rows) < 4096 || runtime.GOMAXPROCS(0) < 2 {
		slices.SortFunc(rows, cmp)
		return
	}
	half := len(rows) / 2
	lo, hi := rows[:half], rows[half:]
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(lo, cmp) })
	slices.SortFunc(hi, cmp)
	wg.Wait()
	merged := make([]T, 0, len(rows))
	i, j := 0, 0
	for i < len(lo) && j < len(hi) {
		if cmp(hi[j], lo[i]) < 0 {
			merged = append(merged, hi[j])
			j++
		} else {
			merged = append(merged, lo[i])
			i++
		}
	}
	merged = append(append(merged, lo[i:]...), hi[j:]...)
	copy(rows, merged)
}

// putDeal takes a deal's row and its undone milestones into the index.
func (ix *index) putDeal(o *data.Opportunity) {
	d := dealRowOf(o)
	ix.putDealRow(&d)
}

func (ix *index) putDeals(deals []dealRow) {
	for i := range deals {
		ix.putDealRow(&deals[i])
	}
}

func (ix *index) putDealRow(d *dealRow) {
	row, open := d.deal()
	ix.opps[row.ID] = row
	if len(open) > 0 {
		ix.milestones[row.ID] = open
	} else {
		delete(ix.milestones, row.ID)
	}
}
