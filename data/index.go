package data

import (
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// CustomerRow is what lists, search and the agenda need of a card. Rows are immutable once built: a
// write replaces the row, so a slice handed to the GUI stays valid while the store moves on.
type CustomerRow struct {
	ID           uint64
	CardNo       string
	Name         string
	Kind         CustomerKind
	Grade        Grade // in force: the override, else the suggestion
	Suggested    Grade
	Overridden   bool
	Status       Status
	OwnerID      uint64
	Industry     string
	Category     string
	Region       string
	Source       Source
	Tags         []string
	LastFollowUp time.Time
	NextFollowUp time.Time
	NextAction   string
	LastReviewed time.Time
	FirstContact time.Time
	Archived     bool
	Completeness int
	Contacts     []ContactBrief

	// sortName orders Chinese names by pinyin, as Chinese users expect, instead of by code point.
	sortName string
	normName string
	// gradeIn keeps what the grade rules read, so new thresholds regrade rows without a file read.
	gradeIn Customer
	phones  []string
	emails  []string
	// haystack holds every searchable text, lower-cased, fields separated by a NUL so that a match
	// cannot run across two fields.
	haystack string
}

// ContactBrief is what the agenda and the duplicate check need of a contact.
type ContactBrief struct {
	Name     string
	Phone    string
	Email    string
	Birthday time.Time
	Primary  bool
}

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Fallback = func(r rune, a pinyin.Args) []string { return []string{string(r)} }
	return a
}()

// pinyinKeys returns the full spelling and the initials of s: "北京科技" → "beijingkeji", "bjkj".
// Characters without a reading (Latin, digits) are kept as they are in both, so "ABC电子" → "abcdianzi",
// "abcdz". Polyphonic characters take their most common reading.
func pinyinKeys(s string) (full, initials string) {
	var f, in strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.Is(unicode.Han, r) {
			ps := pinyin.SinglePinyin(r, pinyinArgs)
			if len(ps) > 0 && ps[0] != "" {
				f.WriteString(ps[0])
				in.WriteByte(ps[0][0])
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

func buildRow(c *Customer, rules GradeRules, now time.Time) *CustomerRow {
	sug, _ := SuggestGrade(c, rules, now)
	grade := sug
	if c.GradeOverride != GradeNone {
		grade = c.GradeOverride
	}
	r := &CustomerRow{
		ID: c.ID, CardNo: c.CardNo, Name: c.Name, Kind: c.Kind, Grade: grade, Suggested: sug,
		Overridden: c.GradeOverride != GradeNone && c.GradeOverride != sug,
		Status:     c.Status, OwnerID: c.OwnerID, Industry: c.Industry, Category: c.Category,
		Region: c.Region, Source: c.Source, Tags: c.Tags, LastFollowUp: c.LastFollowUp,
		NextFollowUp: c.NextFollowUp, NextAction: c.NextAction, LastReviewed: c.LastReviewed,
		FirstContact: c.FirstContact, Archived: c.Archived, Completeness: c.Completeness().Percent(),
		normName: NormalizeName(c.Name),
		gradeIn: Customer{AnnualPurchase: c.AnnualPurchase, CooperationSince: c.CooperationSince,
			Referral: c.Referral, Status: c.Status, MAN: c.MAN, Needs: c.Needs, GradeOverride: c.GradeOverride},
	}
	var hay strings.Builder
	add := func(s string) {
		if s != "" {
			hay.WriteString(strings.ToLower(s))
			hay.WriteByte(0)
		}
	}
	addWithPinyin := func(s string) {
		add(s)
		full, ini := pinyinKeys(s)
		add(full)
		add(ini)
	}
	addWithPinyin(c.Name)
	r.sortName, _ = pinyinKeys(c.Name)
	add(c.CardNo)
	for _, t := range c.Tags {
		addWithPinyin(t)
	}
	for _, ct := range c.Contacts {
		r.Contacts = append(r.Contacts, ContactBrief{Name: ct.Name, Phone: ct.Phone, Email: ct.Email, Birthday: ct.Birthday, Primary: ct.Primary})
		addWithPinyin(ct.Name)
		if ct.Phone != "" {
			p := NormalizePhone(ct.Phone)
			r.phones = append(r.phones, p)
			add(p)
			add(ct.Phone)
		}
		if ct.Email != "" {
			e := NormalizeEmail(ct.Email)
			r.emails = append(r.emails, e)
			add(e)
		}
	}
	r.haystack = hay.String()
	return r
}

// index is the in-memory view of the file that lists and searches read. The store's mutex guards it.
type index struct {
	settings    Settings
	members     map[uint64]Member
	rows        map[uint64]*CustomerRow
	cardNos     map[string]uint64
	byName      map[string][]uint64
	byPhone     map[string][]uint64
	byEmail     map[string][]uint64
	openActions map[uint64]OpenAction
	// sorted caches every row in one order per sort key; a write drops them and the next list rebuilds.
	sorted  map[SortKey][]*CustomerRow
	builtAt time.Time
}

// OpenAction is a follow-up whose action waits for its result by a deadline.
type OpenAction struct {
	FollowUpID uint64    `msgpack:"f"`
	CustomerID uint64    `msgpack:"c"`
	Deadline   time.Time `msgpack:"d"`
	Action     string    `msgpack:"a"`
}

func newIndex(st Settings) *index {
	return &index{
		settings: st, members: map[uint64]Member{}, rows: map[uint64]*CustomerRow{},
		cardNos: map[string]uint64{}, byName: map[string][]uint64{}, byPhone: map[string][]uint64{},
		byEmail: map[string][]uint64{}, openActions: map[uint64]OpenAction{}, sorted: map[SortKey][]*CustomerRow{},
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

func (ix *index) put(r *CustomerRow) {
	if old, ok := ix.rows[r.ID]; ok {
		ix.drop(old)
	}
	ix.rows[r.ID] = r
	ix.cardNos[r.CardNo] = r.ID
	appendID(ix.byName, r.normName, r.ID)
	for _, p := range r.phones {
		appendID(ix.byPhone, p, r.ID)
	}
	for _, e := range r.emails {
		appendID(ix.byEmail, e, r.ID)
	}
	clear(ix.sorted)
}

func (ix *index) drop(r *CustomerRow) {
	delete(ix.rows, r.ID)
	delete(ix.cardNos, r.CardNo)
	removeID(ix.byName, r.normName, r.ID)
	for _, p := range r.phones {
		removeID(ix.byPhone, p, r.ID)
	}
	for _, e := range r.emails {
		removeID(ix.byEmail, e, r.ID)
	}
	clear(ix.sorted)
}

// setSettings swaps the settings; grades depend on the thresholds, so rows are regraded.
func (ix *index) setSettings(st Settings, now time.Time) {
	old := ix.settings.GradeRules
	ix.settings = st
	if old == st.GradeRules {
		return
	}
	for id, r := range ix.rows {
		sug, _ := SuggestGrade(&r.gradeIn, st.GradeRules, now)
		if sug == r.Suggested {
			continue
		}
		c := *r
		c.Suggested = sug
		if c.gradeIn.GradeOverride == GradeNone {
			c.Grade = sug
		}
		c.Overridden = c.gradeIn.GradeOverride != GradeNone && c.gradeIn.GradeOverride != sug
		ix.rows[id] = &c
	}
	clear(ix.sorted)
}

// SortKey is a column the customer list sorts by.
type SortKey string

const (
	SortCardNo       SortKey = "card_no"
	SortName         SortKey = "name"
	SortGrade        SortKey = "grade"
	SortStatus       SortKey = "status"
	SortOwner        SortKey = "owner"
	SortIndustry     SortKey = "industry"
	SortLastFollowUp SortKey = "last_follow_up"
	SortNextFollowUp SortKey = "next_follow_up"
)

// SortKeys lists the sortable columns.
var SortKeys = []SortKey{SortCardNo, SortName, SortGrade, SortStatus, SortOwner, SortIndustry, SortLastFollowUp, SortNextFollowUp}

func statusRank(s Status) int {
	for i, x := range Statuses {
		if x == s {
			return i
		}
	}
	return len(Statuses)
}

func (ix *index) less(k SortKey) func(a, b *CustomerRow) int {
	byID := func(a, b *CustomerRow) int { return cmp3(a.ID < b.ID, a.ID > b.ID) }
	then := func(c int, a, b *CustomerRow) int {
		if c != 0 {
			return c
		}
		return byID(a, b)
	}
	switch k {
	case SortCardNo:
		return func(a, b *CustomerRow) int { return then(strings.Compare(a.CardNo, b.CardNo), a, b) }
	case SortGrade:
		return func(a, b *CustomerRow) int {
			return then(strings.Compare(gradeKey(a.Grade), gradeKey(b.Grade)), a, b)
		}
	case SortStatus:
		return func(a, b *CustomerRow) int { return then(statusRank(a.Status)-statusRank(b.Status), a, b) }
	case SortOwner:
		return func(a, b *CustomerRow) int {
			ka, _ := pinyinKeys(ix.members[a.OwnerID].Name)
			kb, _ := pinyinKeys(ix.members[b.OwnerID].Name)
			return then(strings.Compare(ka, kb), a, b)
		}
	case SortIndustry:
		return func(a, b *CustomerRow) int { return then(strings.Compare(a.Industry, b.Industry), a, b) }
	case SortLastFollowUp:
		return func(a, b *CustomerRow) int { return then(a.LastFollowUp.Compare(b.LastFollowUp), a, b) }
	case SortNextFollowUp:
		// Cards with no plan go last: they are the least urgent to read.
		return func(a, b *CustomerRow) int {
			za, zb := a.NextFollowUp.IsZero(), b.NextFollowUp.IsZero()
			if za != zb {
				return cmp3(zb, za)
			}
			return then(a.NextFollowUp.Compare(b.NextFollowUp), a, b)
		}
	default:
		return func(a, b *CustomerRow) int { return then(strings.Compare(a.sortName, b.sortName), a, b) }
	}
}

func gradeKey(g Grade) string {
	if g == GradeNone {
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
func (ix *index) order(k SortKey) []*CustomerRow {
	if rows, ok := ix.sorted[k]; ok {
		return rows
	}
	rows := make([]*CustomerRow, 0, len(ix.rows))
	for _, r := range ix.rows {
		rows = append(rows, r)
	}
	if k == SortOwner {
		keys := map[uint64]string{}
		for id, m := range ix.members {
			keys[id], _ = pinyinKeys(m.Name)
		}
		sort.Slice(rows, func(i, j int) bool {
			a, b := rows[i], rows[j]
			if c := strings.Compare(keys[a.OwnerID], keys[b.OwnerID]); c != 0 {
				return c < 0
			}
			return a.ID < b.ID
		})
	} else {
		cmp := ix.less(k)
		sort.Slice(rows, func(i, j int) bool { return cmp(rows[i], rows[j]) < 0 })
	}
	ix.sorted[k] = rows
	return rows
}
