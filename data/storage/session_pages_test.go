package storage

import (
	"fmt"
	"salesdesk/data"
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
