package gui

import (
	"testing"

	"salesdesk/data"
)

// Test helpers over the paged calls: whole lists, read page by page as a screen would.

// shown is every row the customer list shows, read through its pages as the table reads them.
func (s *customersScreen) shown() []*data.CustomerRow {
	out := make([]*data.CustomerRow, 0, s.total)
	for i := range s.total {
		if r, ok := s.rowAt(i); ok {
			out = append(out, r)
		}
	}
	return out
}

// listed is every card f selects.
func listed(svc data.Service, f data.CustomerFilter) []*data.CustomerRow {
	var out []*data.CustomerRow
	for f.Offset, f.Limit = 0, data.MaxCustomerPage; ; f.Offset += f.Limit {
		page, err := svc.Customers(f)
		if err != nil {
			panic(err)
		}
		for i := range page.Rows {
			out = append(out, &page.Rows[i])
		}
		if len(page.Rows) == 0 || f.Offset+len(page.Rows) >= page.Total {
			return out
		}
	}
}

// listedDeals is every deal f selects.
func listedDeals(svc data.Service, f data.OpportunityFilter) []*data.OpportunityRow {
	out, err := allDeals(svc, f)
	if err != nil {
		panic(err)
	}
	return out
}

// counts is the active and archived cards the member sees.
func counts(svc data.Service) (active, archived int) {
	active, archived, err := svc.CustomerCount()
	if err != nil {
		panic(err)
	}
	return active, archived
}

func mustSegment(svc data.Service, id uint64) (data.CustomerSegment, bool) {
	cs, ok, err := svc.CustomerSegment(id)
	if err != nil {
		panic(err)
	}
	return cs, ok
}

// TestListReadsOnlyThePagesItShows: a list longer than a page reads its first page at reload, and a
// row further down only when the table asks for it; pages far from it are dropped.
func TestListReadsOnlyThePagesItShows(t *testing.T) {
	u := newTestUI(t, "zh")
	for i := range 2*listPage + 5 {
		if _, err := u.store.CreateCustomer(data.Customer{Name: "分页客户" + formatInt(i), Kind: data.KindCompany, Status: data.StatusProspect}); err != nil {
			t.Fatal(err)
		}
	}
	s := u.customers
	s.reload()
	if s.total < 2*listPage+5 {
		t.Fatalf("total = %d, want at least %d", s.total, 2*listPage+5)
	}
	if len(s.pages) != 1 {
		t.Fatalf("reload kept %d pages, want the first alone", len(s.pages))
	}
	last, ok := s.rowAt(s.total - 1)
	if !ok || last.ID == 0 {
		t.Fatal("the last row did not read")
	}
	if _, ok := s.pages[(s.total-1)/listPage]; !ok || len(s.pages) != 2 {
		t.Fatalf("after reading the last row the list keeps pages %v", keys(s.pages))
	}
	if _, ok := s.rowAt(s.total); ok {
		t.Fatal("a row past the end read")
	}
	if len(s.shown()) != s.total {
		t.Fatalf("reading every row gave %d of %d", len(s.shown()), s.total)
	}
}

func keys(m map[int][]data.CustomerRow) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	return out
}
