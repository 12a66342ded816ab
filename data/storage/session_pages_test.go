package storage

import (
	"fmt"
	"salesdesk/data"
	"slices"
	"testing"
)

func TestSessionCustomersComeInPages(t *testing.T) {
	s := newStore(t, nil)
	admin := mustMember(t, s, "张管理", data.MemberAdmin)
	for i := range 7 {
		mustCreate(t, s, company(fmt.Sprintf("分页测试%02d有限公司", i)))
	}
	sess := s.SessionAs(admin.ID)
	f := data.CustomerFilter{Sort: data.SortName, Offset: 2, Limit: 3}
	page, err := sess.Customers(f)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 7 || page.Offset != 2 || len(page.Rows) != 3 {
		t.Fatalf("page = total %d, offset %d, %d rows; want 7, 2, 3", page.Total, page.Offset, len(page.Rows))
	}
	all := s.Customers(data.CustomerFilter{Sort: data.SortName})
	for i, r := range page.Rows {
		if r.ID != all[2+i].ID {
			t.Fatalf("row %d is %s, want %s", i, r.Name, all[2+i].Name)
		}
	}
	// A page past the end is empty but still counts the list.
	if end, _ := sess.Customers(data.CustomerFilter{Offset: 50, Limit: 3}); len(end.Rows) != 0 || end.Total != 7 {
		t.Fatalf("page past the end = %d rows of %d", len(end.Rows), end.Total)
	}
	// The page is a copy: changing it leaves the index alone.
	page.Rows[0].Name = "改过"
	if r, _ := s.Row(page.Rows[0].ID); r.Name == "改过" {
		t.Fatal("the page's rows are the index's")
	}
	// A write after the first page shows in the next one (the cached list is dropped).
	mustCreate(t, s, company("分页测试新增有限公司"))
	if again, _ := sess.Customers(f); again.Total != 8 {
		t.Fatalf("after a new card, total = %d, want 8", again.Total)
	}
	ids, err := sess.CustomerIDs(data.CustomerFilter{Sort: data.SortName})
	if err != nil || len(ids) != 8 {
		t.Fatalf("ids = %d (%v), want 8", len(ids), err)
	}
}

func TestPageBoundsClampToTheMaximum(t *testing.T) {
	for _, c := range []struct{ offset, limit, n, lo, hi int }{
		{0, 0, 5000, 0, data.MaxCustomerPage},
		{0, data.MaxCustomerPage + 1, 5000, 0, data.MaxCustomerPage},
		{-3, 10, 5000, 0, 10},
		{4995, 10, 5000, 4995, 5000},
		{6000, 10, 5000, 5000, 5000},
	} {
		lo, hi := pageBounds(c.offset, c.limit, data.MaxCustomerPage, c.n)
		if lo != c.lo || hi != c.hi {
			t.Errorf("pageBounds(%d, %d, n=%d) = [%d, %d), want [%d, %d)", c.offset, c.limit, c.n, lo, hi, c.lo, c.hi)
		}
	}
	if data.ErrorCode(fmt.Errorf("x: %w", data.ErrTooMany)) != data.CodeTooMany {
		t.Fatal("ErrTooMany has no code of its own")
	}
}

func TestSessionMemberAndOpportunityNotFound(t *testing.T) {
	tm := newRolesTeam(t)
	sess := tm.s.SessionAs(tm.admin.ID)
	if _, err := sess.Member(999); data.ErrorCode(err) != data.CodeNotFound {
		t.Fatalf("Member(999): %v, want not found", err)
	}
	if m, err := sess.Member(tm.rep.ID); err != nil || m.Name != tm.rep.Name {
		t.Fatalf("Member(rep) = %v, %v", m.Name, err)
	}
	if _, err := sess.Opportunity(999); data.ErrorCode(err) != data.CodeNotFound {
		t.Fatalf("Opportunity(999): %v, want not found", err)
	}
	deals, err := sess.Opportunities(data.OpportunityFilter{Limit: 1})
	if err != nil || deals.Total != 2 || len(deals.Rows) != 1 {
		t.Fatalf("one deal of two: total %d, %d rows, %v", deals.Total, len(deals.Rows), err)
	}
}

// The first page of a list not kept yet is taken without making the whole list: its rows, their
// order, the count and the hand-set grades are those of the whole list's first page, for searches
// common and rare, in either direction, archived or not, and after writes.
func TestFirstPageIsTheWholeListsFirstPage(t *testing.T) {
	s := demoStore(t, 600)
	s.WaitSearchIndex()
	mgr := mustMember(t, s, "钱经理", data.MemberManager)
	sess := s.SessionAs(mgr.ID)
	compare := func(when string) {
		t.Helper()
		for _, q := range []string{"", "北", "有限", "zhang", "kh", "138", "zzzz", "北京 科技"} {
			for _, f := range []data.CustomerFilter{
				{Search: q, Sort: data.SortName, Limit: 20},
				{Search: q, Sort: data.SortLastFollowUp, Desc: true, Limit: 5},
				{Search: q, Sort: data.SortCardNo, Archived: true, Limit: 3},
			} {
				sess.DropListCache()
				first, err := sess.Customers(f)
				if err != nil {
					t.Fatal(err)
				}
				rows, over := s.customerList(data.CustomerFilter{Search: q, Sort: f.Sort, Desc: f.Desc, Archived: f.Archived})
				want := rows[:min(len(rows), f.Limit)]
				got := make([]uint64, len(first.Rows))
				for i, r := range first.Rows {
					got[i] = r.ID
				}
				if first.Total != len(rows) || first.Overridden != over || !slices.Equal(got, ids(want)) {
					t.Fatalf("%s: %+v: first page %v of %d (hand-set %v); whole list's %v of %d (%v)",
						when, f, got, first.Total, first.Overridden, ids(want), len(rows), over)
				}
			}
		}
	}
	compare("opened")
	rows := s.Customers(data.CustomerFilter{Sort: data.SortName})
	for _, r := range rows[:3] {
		if _, err := s.ArchiveCustomer(data.System, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Customer(rows[10].ID)
	if err != nil {
		t.Fatal(err)
	}
	c.GradeOverride = data.GradeA
	if _, err := s.UpdateCustomer(data.System, c); err != nil {
		t.Fatal(err)
	}
	compare("archived and graded by hand")
}

// A large list's first page, before its order is made, is picked from the unsorted rows while the
// order is made off the lock (firstOf). The page and its count are those of the sorted list, in every
// order and direction, archived or not; the order made that way is the one a sort makes; and a write
// before it is used makes the order again instead of keeping one without the write.
func TestFirstPageBeforeTheOrder(t *testing.T) {
	defer func(n int) { presortFrom = n }(presortFrom)
	presortFrom = 1
	s := demoStore(t, 600)
	mgr := mustMember(t, s, "钱经理", data.MemberManager)
	sess := s.SessionAs(mgr.ID)
	for _, r := range s.Customers(data.CustomerFilter{Sort: data.SortName})[:4] {
		if _, err := s.ArchiveCustomer(data.System, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	forget := func() {
		s.mu.Lock()
		clear(s.idx.sorted)
		clear(s.idx.sortJobs)
		s.mu.Unlock()
		sess.DropListCache()
	}
	picked := func(f data.CustomerFilter) data.CustomerPage {
		t.Helper()
		forget()
		page, err := sess.Customers(f)
		if err != nil {
			t.Fatal(err)
		}
		s.mu.Lock()
		job := s.idx.sortJobs[f.Sort]
		s.mu.Unlock()
		if job == nil {
			t.Fatalf("%+v: the first page was not picked before the order was made", f)
		}
		return page
	}
	for _, f := range []data.CustomerFilter{
		{Sort: data.SortName, Limit: 20},
		{Sort: data.SortName, Desc: true, Limit: 7},
		{Sort: data.SortCardNo, Archived: true, Limit: 3},
		{Sort: data.SortLastFollowUp, Desc: true, Limit: 5},
		{Sort: data.SortNextFollowUp, Limit: 50},
		{Sort: data.SortOwner, Limit: 9},
		{Sort: data.SortIndustry, Desc: true, Limit: 4},
		{Sort: data.SortGrade, Limit: 1000}, // more than the list
	} {
		page := picked(f)
		whole := data.CustomerFilter{Sort: f.Sort, Desc: f.Desc, Archived: f.Archived}
		made := ids(s.Customers(whole)) // the order the job made
		forget()
		sorted := ids(s.Customers(whole)) // and one sorted while the caller waits
		if !slices.Equal(made, sorted) {
			t.Fatalf("%+v: the order made off the lock differs from a sort's", f)
		}
		got := make([]uint64, len(page.Rows))
		for i, r := range page.Rows {
			got[i] = r.ID
		}
		if want := sorted[:min(len(sorted), f.Limit)]; page.Total != len(sorted) || !slices.Equal(got, want) {
			t.Fatalf("%+v: first page %v of %d; the sorted list's %v of %d", f, got, page.Total, want, len(sorted))
		}
	}
	picked(data.CustomerFilter{Sort: data.SortName, Limit: 20})
	c, err := s.CreateCustomer(data.System, data.Customer{Name: "阿阿测试有限公司", Kind: data.KindCompany, Status: data.StatusProspect})
	if err != nil {
		t.Fatal(err)
	}
	if rows := s.Customers(data.CustomerFilter{Sort: data.SortName}); len(rows) != 597 || rows[0].ID != c.ID {
		t.Fatalf("the order after a write that came before it was used: %d rows, first %d, want 597 and %d", len(rows), rows[0].ID, c.ID)
	}
}
