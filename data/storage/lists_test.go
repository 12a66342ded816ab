package storage

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"salesdesk/data"
	"slices"
	"strings"
	"testing"
)

func TestSavedFiltersArePerMember(t *testing.T) {
	s := newStore(t, nil)
	yang, wang := mustMember(t, s, "杨帆", data.MemberRep), mustMember(t, s, "王建国", data.MemberRep)
	asYang, asWang := data.Actor{MemberID: yang.ID, Name: yang.Name}, data.Actor{MemberID: wang.ID, Name: wang.Name}

	// Given two members who each save a filter, and one who saves again under the same name,
	saved, err := s.SaveFilter(asYang, data.SavedFilter{Name: " 我的A类 ", Filter: data.CustomerFilter{Grade: data.GradeA, OwnerID: yang.ID, Search: "科技"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveFilter(asWang, data.SavedFilter{Name: "我的A类", Filter: data.CustomerFilter{Grade: data.GradeB}}); err != nil {
		t.Fatal(err)
	}
	again, err := s.SaveFilter(asYang, data.SavedFilter{Name: "我的A类", Filter: data.CustomerFilter{Grade: data.GradeA, Status: data.StatusCustomer}})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != saved.ID {
		t.Errorf("saving under the same name made filter %d, want %d replaced", again.ID, saved.ID)
	}
	// then each member reads only their own, after a reopen too.
	s = reopen(t, s, Options{})
	mine, err := s.SavedFilters(yang.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].Name != "我的A类" || mine[0].Filter.Status != data.StatusCustomer || mine[0].MemberID != yang.ID {
		t.Fatalf("yang's filters = %+v", mine)
	}
	theirs, _ := s.SavedFilters(wang.ID)
	if len(theirs) != 1 || theirs[0].Filter.Grade != data.GradeB {
		t.Fatalf("wang's filters = %+v", theirs)
	}
	// A member cannot delete another's filter.
	if err := s.DeleteFilter(asWang, saved.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("wang deleting yang's filter: %v", err)
	}
	if mine, _ := s.SavedFilters(yang.ID); len(mine) != 1 {
		t.Fatalf("yang's filter went away with another member's delete")
	}
	if err := s.DeleteFilter(asYang, saved.ID); err != nil {
		t.Fatal(err)
	}
	if mine, _ := s.SavedFilters(yang.ID); len(mine) != 0 {
		t.Errorf("after delete: %+v", mine)
	}
}

func TestSavedFilterRefusals(t *testing.T) {
	s := newStore(t, nil)
	m := mustMember(t, s, "杨帆", data.MemberRep)
	by := data.Actor{MemberID: m.ID}
	for _, tc := range []struct {
		name string
		by   data.Actor
		f    data.SavedFilter
		want error
	}{
		{"no name", by, data.SavedFilter{Name: "  "}, data.ErrRequired},
		{"too long", by, data.SavedFilter{Name: strings.Repeat("客", MaxFilterName+1)}, data.ErrTooLong},
		{"no member", data.Actor{}, data.SavedFilter{Name: "x"}, data.ErrNoMember},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.SaveFilter(tc.by, tc.f); !errors.Is(err, tc.want) {
				t.Errorf("SaveFilter = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestListLayoutRemembered(t *testing.T) {
	s := newStore(t, nil)
	m := mustMember(t, s, "杨帆", data.MemberRep)
	if l, err := s.ListLayout(m.ID); err != nil || len(l.Columns) != 0 {
		t.Fatalf("a new member's layout = %+v, %v", l, err)
	}
	if err := s.SaveListLayout(data.Actor{MemberID: m.ID}, data.ListLayout{Columns: []string{"name", "phone"}}); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, Options{})
	l, err := s.ListLayout(m.ID)
	if err != nil || !slices.Equal(l.Columns, []string{"name", "phone"}) {
		t.Fatalf("layout = %+v, %v", l, err)
	}
	// The layout is not one of the member's saved filters.
	if fs, _ := s.SavedFilters(m.ID); len(fs) != 0 {
		t.Errorf("filters = %+v", fs)
	}
}

func TestBulkActions(t *testing.T) {
	s := newStore(t, nil)
	wang, yang := mustMember(t, s, "王建国", data.MemberRep), mustMember(t, s, "杨帆", data.MemberRep)
	var ids []uint64
	for _, n := range []string{"北京科技有限公司", "上海贸易有限公司", "广州电子有限公司"} {
		ids = append(ids, mustCreate(t, s, company(n, func(c *data.Customer) { c.OwnerID = wang.ID; c.Tags = []string{"展会"} })).ID)
	}
	before := auditCount(t, s)

	n, err := s.BulkSetOwner(stActor, ids[:2], yang.ID)
	if err != nil || n != 2 {
		t.Fatalf("BulkSetOwner = %d, %v", n, err)
	}
	if got := rowIDs(s.Customers(data.CustomerFilter{OwnerID: yang.ID})); !slices.Equal(sortedIDs(got), ids[:2]) {
		t.Errorf("yang's cards = %v, want %v", got, ids[:2])
	}
	c, _ := s.Customer(ids[0])
	if c.OwnerID != yang.ID || c.Version != 2 {
		t.Errorf("stored card: owner %d version %d", c.OwnerID, c.Version)
	}

	// A tag already on a card is not added twice; the count says how many changed.
	if n, err := s.BulkAddTag(stActor, ids, " 重点 "); err != nil || n != 3 {
		t.Fatalf("BulkAddTag = %d, %v", n, err)
	}
	if n, err := s.BulkAddTag(stActor, ids, "展会"); err != nil || n != 0 {
		t.Fatalf("BulkAddTag of a present tag = %d, %v", n, err)
	}
	if got := s.Customers(data.CustomerFilter{Tag: "重点"}); len(got) != 3 {
		t.Errorf("cards tagged 重点: %d", len(got))
	}

	if n, err := s.BulkArchive(stActor, ids[1:]); err != nil || n != 2 {
		t.Fatalf("BulkArchive = %d, %v", n, err)
	}
	if active, archived := s.CustomerCount(); active != 1 || archived != 2 {
		t.Errorf("counts = %d active, %d archived", active, archived)
	}
	// One audit line per batch that changed something (3), and one per card it changed (2+3+2), so
	// that each card's history shows the change.
	if got := auditCount(t, s) - before; got != 10 {
		t.Errorf("audit lines = %d, want 10", got)
	}
	mustCheck(t, s)
}

func TestBulkActionIsAllOrNothing(t *testing.T) {
	s := newStore(t, nil)
	wang, yang := mustMember(t, s, "王建国", data.MemberRep), mustMember(t, s, "杨帆", data.MemberRep)
	a := mustCreate(t, s, company("北京科技有限公司", func(c *data.Customer) { c.OwnerID = wang.ID }))
	b := mustCreate(t, s, company("上海贸易有限公司", func(c *data.Customer) { c.OwnerID = wang.ID }))
	const gone = 999 // a card deleted by a colleague's import undo since the list was shown

	for _, tc := range []struct {
		name string
		run  func() (int, error)
	}{
		{"owner", func() (int, error) { return s.BulkSetOwner(stActor, []uint64{a.ID, gone, b.ID}, yang.ID) }},
		{"tag", func() (int, error) { return s.BulkAddTag(stActor, []uint64{a.ID, b.ID, gone}, "重点") }},
		{"archive", func() (int, error) { return s.BulkArchive(stActor, []uint64{a.ID, gone}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n, err := tc.run(); !errors.Is(err, data.ErrNotFound) || n != 0 {
				t.Fatalf("= %d, %v; want 0, not found", n, err)
			}
			for _, id := range []uint64{a.ID, b.ID} {
				c, _ := s.Customer(id)
				r, _ := s.Row(id)
				if c.OwnerID != wang.ID || len(c.Tags) != 0 || c.Archived || c.Version != 1 || r.OwnerID != wang.ID || r.Archived {
					t.Errorf("card %d changed by a failed batch: %+v", id, c)
				}
			}
		})
	}
	// An owner who is not on the team is refused at the field, before anything is read.
	var fe data.FieldErrors
	if _, err := s.BulkSetOwner(stActor, []uint64{a.ID}, 12345); !errors.As(err, &fe) || fe[0].Field != "owner" {
		t.Errorf("unknown owner: %v", err)
	}
}

func TestSearchHitNamesTheMatchedField(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("北京科技有限公司", withContact("张伟", "13812345678", "zhang@bjkj.cn"), func(c *data.Customer) {
		c.Tags = []string{"展会客户"}
	}))
	for _, tc := range []struct {
		query, field, value string
	}{
		{"科技", "name", "北京科技有限公司"},
		{"bjkj", "name", "北京科技有限公司"},
		{"138 1234", "phone", "13812345678"},
		{"1381234", "phone", "13812345678"},
		{"zhang@", "email", "zhang@bjkj.cn"},
		{"张伟", "contact", "张伟"},
		{"zw", "contact", "张伟"},
		{"展会", "tag", "展会客户"},
		{"北京 5678", "phone", "13812345678"}, // the name holds the first term, the phone the second
		{c.CardNo, "card_no", c.CardNo},
	} {
		t.Run(tc.query, func(t *testing.T) {
			rows := s.Customers(data.CustomerFilter{Search: tc.query})
			if len(rows) != 1 {
				t.Fatalf("search found %d cards", len(rows))
			}
			hits, err := s.SearchHits(rowIDs(rows), tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if h := hits[c.ID]; h.Field != tc.field || h.Value != tc.value {
				t.Errorf("hit = %+v, want %s %s", h, tc.field, tc.value)
			}
		})
	}
	if hits, err := s.SearchHits([]uint64{c.ID}, ""); err != nil || len(hits) != 0 {
		t.Errorf("an empty query has hits: %v %v", hits, err)
	}
}

func TestFilterOnlyKeepsTheSelection(t *testing.T) {
	s := newStore(t, nil)
	a := mustCreate(t, s, company("北京科技有限公司"))
	mustCreate(t, s, company("上海贸易有限公司"))
	got := rowIDs(s.Customers(data.CustomerFilter{Only: map[uint64]bool{a.ID: true}}))
	if !slices.Equal(got, []uint64{a.ID}) {
		t.Errorf("Only = %v, want %v", got, []uint64{a.ID})
	}
}

func TestSavedFiltersSurviveAJSONExport(t *testing.T) {
	s := newStore(t, nil)
	m := mustMember(t, s, "杨帆", data.MemberRep)
	by := data.Actor{MemberID: m.ID}
	f, err := s.SaveFilter(by, data.SavedFilter{Name: "我的A类", Filter: data.CustomerFilter{Grade: data.GradeA, Tag: "展会"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveListLayout(by, data.ListLayout{Columns: []string{"name", "phone"}}); err != nil {
		t.Fatal(err)
	}
	s2 := newStore(t, nil)
	if _, err := s2.ImportJSON(stActor, bytes.NewReader(exportJSON(t, s, data.JSONExportOptions{}))); err != nil {
		t.Fatal(err)
	}
	got, err := s2.SavedFilters(m.ID)
	if err != nil || len(got) != 1 || got[0].ID != f.ID || got[0].Filter.Tag != "展会" {
		t.Fatalf("imported filters = %+v, %v", got, err)
	}
	if l, _ := s2.ListLayout(m.ID); !slices.Equal(l.Columns, []string{"name", "phone"}) {
		t.Errorf("imported columns = %v", l.Columns)
	}
	// A filter saved after the import takes a new id instead of overwriting the imported one.
	next, err := s2.SaveFilter(by, data.SavedFilter{Name: "另一个"})
	if err != nil || next.ID == f.ID {
		t.Fatalf("new filter %+v, %v", next, err)
	}
}

// Reading a card builds the duplicate map of names in the background; cards renamed, made and
// taken out while it builds are in it as they are at the end, as the map ensureDups makes would have
// them, and a save finds a duplicate by the new name.
func TestDuplicatesPreparedInTheBackground(t *testing.T) {
	s := demoStore(t, 400)
	rows := s.Customers(data.CustomerFilter{Sort: data.SortName})
	renamed, removed := rows[3].ID, rows[7].ID
	defer func(f func()) { dupsBuilt = f }(dupsBuilt)
	dupsBuilt = func() {
		c, err := s.Customer(renamed)
		if err != nil {
			t.Error(err)
			return
		}
		c.Name = "改名后的重复测试有限公司"
		if _, err := s.UpdateCustomer(data.System, c); err != nil {
			t.Error(err)
		}
		if _, err = s.CreateCustomer(data.System, data.Customer{Name: "新建的重复测试有限公司", Kind: data.KindCompany, Status: data.StatusProspect}); err != nil {
			t.Error(err)
		}
		s.mu.Lock() // as an undone import takes its cards out
		s.idx.removeCustomers(map[uint64]bool{removed: true})
		s.mu.Unlock()
	}
	if _, err := s.Customer(rows[0].ID); err != nil {
		t.Fatal(err)
	}
	s.mu.RLock()
	done := s.idx.dupsDone
	s.mu.RUnlock()
	if done == nil {
		t.Fatal("reading a card did not start the duplicate map")
	}
	<-done
	s.mu.RLock()
	got, built := s.idx.byName, s.idx.dupsBuilt
	want := map[string][]uint64{}
	for id, r := range s.idx.rows {
		appendID(want, data.NormalizeName(r.Name), id)
	}
	s.mu.RUnlock()
	if !built || len(got) != len(want) {
		t.Fatalf("built %v, %d names; want %d", built, len(got), len(want))
	}
	for n, ids := range want {
		if g := slices.Sorted(slices.Values(got[n])); !slices.Equal(g, slices.Sorted(slices.Values(ids))) {
			t.Fatalf("%q: %v; want %v", n, g, ids)
		}
	}
	for _, name := range []string{"改名后的重复测试有限公司", "新建的重复测试有限公司"} {
		dups := s.Duplicates(data.Customer{Name: name})
		if len(dups) != 1 {
			t.Errorf("a card named %s finds %d duplicates; want 1", name, len(dups))
		}
	}
}

// The name and card-number orders sort on an eight-byte prefix first: the result must be the order
// the comparison alone gives, for names shorter than the prefix, sharing it, or holding NUL bytes.
func TestSortByPrefixIsTheComparisonsOrder(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"\x00", "a", "b", "张", "zhang", "wei", "1"}
	for _, n := range []int{3, 100, 5000} { // below and above the parallel sort's threshold
		rows := make([]*indexRow, n)
		for i := range rows {
			var b strings.Builder
			for range rnd.IntN(6) {
				b.WriteString(alphabet[rnd.IntN(len(alphabet))])
			}
			rows[i] = &indexRow{ID: uint64(i + 1), SortName: b.String(), CardNo: b.String()}
		}
		ix := newIndex(data.DefaultSettings())
		for _, k := range []data.SortKey{data.SortName, data.SortCardNo} {
			cmp := ix.sortFunc(k, rows)
			want := slices.Clone(rows)
			slices.SortFunc(want, cmp)
			got := slices.Clone(rows)
			sortByPrefix(got, prefixKeyOf(k), cmp)
			if !slices.Equal(got, want) {
				t.Errorf("%d rows by %s: the prefixed sort differs from the comparison's", n, k)
			}
		}
	}
	if prefixKeyOf(data.SortGrade) != nil || prefixKeyOf(data.SortName) == nil {
		t.Error("prefixKeyOf: a prefix for grades or none for names")
	}
}
