package storage

import (
	"salesdesk/data"
	"slices"
	"testing"
)

// plainOwnerList is what a list of one owner's cards must be: the whole list's rows, in the whole
// list's order, filtered by owner. The owner's search reads its own arena instead; both must agree.
func plainOwnerList(s *Store, f data.CustomerFilter) []uint64 {
	owner := f.OwnerID
	f.OwnerID, f.Limit = 0, 0
	var out []uint64
	for _, r := range s.Customers(f) {
		if r.OwnerID == owner {
			out = append(out, r.ID)
		}
	}
	return out
}

func ids(rows []*indexRow) []uint64 {
	out := make([]uint64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// checkOwnerLists compares each owner's list with the plain filter for several queries and sorts.
func checkOwnerLists(t *testing.T, s *Store, when string) {
	t.Helper()
	owners := []uint64{}
	for _, m := range s.Members() {
		owners = append(owners, m.ID)
	}
	queries := []string{"", "北", "北京", "bj", "138", "zhang", "科技 bj", "有限"}
	for _, owner := range owners {
		for _, q := range queries {
			for _, f := range []data.CustomerFilter{
				{Search: q, Sort: data.SortName},
				{Search: q, Sort: data.SortIndustry, Desc: true},
				{Search: q, Sort: data.SortNextFollowUp},
				{Search: q, Sort: data.SortOwner, Grade: data.GradeC},
				{Search: q, Archived: true},
			} {
				f.OwnerID = owner
				want := plainOwnerList(s, f)
				got := ids(s.Customers(f))
				if !slices.Equal(got, want) {
					t.Fatalf("%s: owner %d, filter %+v: %d rows %v…, the plain filter %d rows %v…", when, owner, f,
						len(got), got[:min(5, len(got))], len(want), want[:min(5, len(want))])
				}
				f.Limit = 3
				if got := ids(s.Customers(f)); !slices.Equal(got, want[:min(3, len(want))]) {
					t.Fatalf("%s: owner %d, limit 3: %v, want %v", when, owner, got, want[:min(3, len(want))])
				}
			}
		}
	}
}

// TestOwnerSearchMatchesPlainFilter keeps the owner's arenas in step through every kind of owner
// change: a save, a bulk reassignment, a claim, a release, the sweep and a handover.
func TestOwnerSearchMatchesPlainFilter(t *testing.T) {
	s := demoStore(t, 600)
	checkOwnerLists(t, s, "opened")
	var reps []data.Member
	for _, m := range s.Members() {
		if m.Role == data.MemberRep {
			reps = append(reps, m)
		}
	}
	rows := s.Customers(data.CustomerFilter{Sort: data.SortName})
	a, b := reps[0], reps[1]

	moved := []uint64{rows[0].ID, rows[7].ID, rows[42].ID}
	if _, err := s.BulkSetOwner(data.System, moved, a.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range moved {
		if r, _ := s.Row(id); r.OwnerID != a.ID {
			t.Fatalf("card %d owner %d after the bulk move", id, r.OwnerID)
		}
	}
	checkOwnerLists(t, s, "bulk owner")

	c, err := s.Customer(rows[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	c.OwnerID = b.ID
	if _, err := s.UpdateCustomer(data.System, c); err != nil {
		t.Fatal(err)
	}
	checkOwnerLists(t, s, "saved with a new owner")

	if _, err := s.Release(data.Actor{MemberID: b.ID}, c.ID, "不再跟进"); err != nil {
		t.Fatal(err)
	}
	checkOwnerLists(t, s, "released")
	if _, err := s.Claim(data.Actor{MemberID: a.ID}, c.ID); err != nil {
		t.Fatal(err)
	}
	checkOwnerLists(t, s, "claimed")

	n, err := s.SweepPool(stNow.AddDate(0, 0, 400))
	if err != nil || n == 0 {
		t.Fatalf("sweep a year on: %d, %v; want some cards back", n, err)
	}
	checkOwnerLists(t, s, "swept")
	if got := len(s.Customers(data.CustomerFilter{OwnerID: 0})) - len(plainOwnerList(s, data.CustomerFilter{OwnerID: a.ID})); got <= 0 {
		t.Fatalf("the whole list is not longer than one owner's (%d)", got)
	}

	if _, err := s.Handover(data.System, data.HandoverRequest{From: a.ID, To: b.ID, Reason: "离职"}); err != nil {
		t.Fatal(err)
	}
	if got := s.Customers(data.CustomerFilter{OwnerID: a.ID}); len(got) != 0 {
		t.Fatalf("%d cards still listed for the rep who handed over everything", len(got))
	}
	checkOwnerLists(t, s, "handed over")
}

// TestRepChoicesOwnAndPool: a rep's filter menus offer the values of the rep's own cards and the
// pool's, never one that only another rep's cards hold.
func TestRepChoicesOwnAndPool(t *testing.T) {
	s, mgr, rep1, rep2 := poolTeam(t, nil)
	mustCreate(t, s, company("甲公司", func(c *data.Customer) { c.OwnerID, c.Industry, c.Tags = rep1.ID, "制造业", []string{"老客户"} }))
	mustCreate(t, s, company("乙公司", func(c *data.Customer) { c.OwnerID, c.Industry, c.Tags = rep2.ID, "金融", []string{"竞品客户"} }))
	mustCreate(t, s, company("丙公司", func(c *data.Customer) { c.OwnerID, c.Industry, c.Tags = 0, "教育", []string{"公海线索"} }))
	got, err := s.SessionAs(rep1.ID).Choices()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Industries, []string{"教育", "制造业"}) || !slices.Equal(got.Tags, []string{"公海线索", "老客户"}) {
		t.Errorf("rep's choices: industries %v, tags %v; want their own and the pool's only", got.Industries, got.Tags)
	}
	all, err := s.SessionAs(mgr.ID).Choices()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(all.Industries, "金融") || !slices.Contains(all.Tags, "竞品客户") {
		t.Errorf("manager's choices %v, %v lack another rep's values", all.Industries, all.Tags)
	}
}

// TestRankedSearchMatchesWalk: a search with few hits sorts them by rank; the rows and their order
// must be those the walk of the whole sorted list gives, before and after writes change the orders.
func TestRankedSearchMatchesWalk(t *testing.T) {
	s := demoStore(t, 600)
	s.WaitSearchIndex() // a page of a plain search is then taken from the postings' bitset
	compare := func(when string) {
		t.Helper()
		for _, q := range []string{"", "北", "北京", "bj", "138", "zhang", "科技 bj", "有限", "zzzz"} {
			for _, f := range []data.CustomerFilter{
				{Search: q, Sort: data.SortName},
				{Search: q, Sort: data.SortIndustry, Desc: true},
				{Search: q, Sort: data.SortOwner, Limit: 4},
				{Search: q, Sort: data.SortName, Limit: 3},
				{Search: q, Sort: data.SortName, Desc: true, Limit: 7},
				{Search: q, Archived: true, Limit: 2},
				{Search: q, Sort: data.SortLastFollowUp, Grade: data.GradeB},
				{Search: q, Archived: true},
			} {
				got := ids(s.Customers(f))
				rankedSearch = false
				want := ids(s.Customers(f))
				rankedSearch = true
				if !slices.Equal(got, want) {
					t.Fatalf("%s: %+v: ranked %v, walk %v", when, f, got, want)
				}
			}
		}
	}
	compare("opened")
	rows := s.Customers(data.CustomerFilter{Sort: data.SortName})
	c, err := s.Customer(rows[5].ID)
	if err != nil {
		t.Fatal(err)
	}
	c.Name = "北京阿尔法科技有限公司"
	if _, err := s.UpdateCustomer(data.System, c); err != nil {
		t.Fatal(err)
	}
	compare("renamed")
	if got := s.Customers(data.CustomerFilter{Search: "阿尔法", Sort: data.SortName}); len(got) != 1 || got[0].ID != c.ID {
		t.Fatalf("the renamed card is not found by its new name: %v", ids(got))
	}
	// The first by name too: a page walked in order must pass it by.
	for _, r := range []*indexRow{rows[9], rows[0]} {
		if _, err := s.ArchiveCustomer(data.System, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	compare("archived")
	// A new card moves every later one down each cached order, whose ranks follow.
	if _, err := s.CreateCustomer(data.System, data.Customer{Name: "阿北京测试有限公司", Kind: data.KindCompany, Status: data.StatusProspect}); err != nil {
		t.Fatal(err)
	}
	compare("created")
}
