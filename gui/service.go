package gui

import (
	"salesdesk/data"
)

// The reads that screens make while they lay out, where an error has no place to show: each falls
// back to what the window can still draw (the last settings read, no members, no card) and the
// failure shows on the next write, whose error the window reports. On the local file none of them
// fails; over the network (issue 12) a lost connection would.

// teamSettings is the team's settings, or the last ones read when reading fails.
func (u *ui) teamSettings() data.Settings {
	st, err := u.store.Settings()
	if err != nil {
		if last := u.lastSettings.Load(); last != nil {
			return *last
		}
		return data.DefaultSettings()
	}
	u.lastSettings.Store(&st)
	return st
}

// members are the team's members, none when reading fails.
func (u *ui) members() []data.Member {
	ms, err := u.store.Members()
	if err != nil {
		return nil
	}
	return ms
}

// row is one card's list row, as the member may see it.
func (u *ui) row(id uint64) (data.CustomerRow, bool) {
	r, err := u.store.Row(id)
	return r, err == nil
}

// deal is one deal, as the member may see it.
func (u *ui) deal(id uint64) (data.Opportunity, bool) {
	o, err := u.store.Opportunity(id)
	return o, err == nil
}

// allDeals reads every deal f selects, page by page, for the screens that show or total them all
// (the board): each call stays within data.MaxOpportunityPage.
func allDeals(st data.Service, f data.OpportunityFilter) ([]*data.OpportunityRow, error) {
	f.Limit = data.MaxOpportunityPage
	var out []*data.OpportunityRow
	for f.Offset = 0; ; f.Offset += f.Limit {
		page, err := st.Opportunities(f)
		if err != nil {
			return out, err
		}
		if out == nil {
			out = make([]*data.OpportunityRow, 0, page.Total)
		}
		for i := range page.Rows {
			out = append(out, &page.Rows[i])
		}
		if len(page.Rows) == 0 || f.Offset+len(page.Rows) >= page.Total {
			return out, nil
		}
	}
}
