package main

import "salesdesk/data"

// The command line prints whole lists; the session gives them in pages (data.Service), read here one
// after another.

func allCustomers(s data.Service, f data.CustomerFilter) ([]data.CustomerRow, error) {
	var out []data.CustomerRow
	for f.Offset, f.Limit = 0, data.MaxCustomerPage; ; f.Offset += f.Limit {
		page, err := s.Customers(f)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Rows...)
		if len(page.Rows) == 0 || f.Offset+len(page.Rows) >= page.Total {
			return out, nil
		}
	}
}

func allDeals(s data.Service, f data.OpportunityFilter) ([]*data.OpportunityRow, error) {
	var out []*data.OpportunityRow
	for f.Offset, f.Limit = 0, data.MaxOpportunityPage; ; f.Offset += f.Limit {
		page, err := s.Opportunities(f)
		if err != nil {
			return nil, err
		}
		for i := range page.Rows {
			out = append(out, &page.Rows[i])
		}
		if len(page.Rows) == 0 || f.Offset+len(page.Rows) >= page.Total {
			return out, nil
		}
	}
}
