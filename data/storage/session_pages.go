package storage

import (
	"reflect"
	"salesdesk/data"
)

// pageBounds clamps a requested page to a list of n: the rows [lo, hi).
func pageBounds(offset, limit, max, n int) (lo, hi int) {
	if limit <= 0 || limit > max {
		limit = max
	}
	lo = min(n, offset)
	if lo < 0 {
		lo = 0
	}
	return lo, min(n, lo+limit)
}

// listCache keeps the last list a paged call filtered, so that the pages of one list (the window reads
// them as the user scrolls) filter the index once. It is keyed by what decides the list: the filter,
// the index's generation (every commit that changed it) and the day (grades and due dates move at
// midnight).
type listCache struct {
	customers struct {
		key  data.CustomerFilter
		gen  uint64
		day  data.Day
		rows []*indexRow
		over bool
		ok   bool
	}
	deals struct {
		key  data.OpportunityFilter
		gen  uint64
		rows []*data.OpportunityRow
		ok   bool
	}
}

// customerList is the whole list f selects as the member may see it, and whether any of it has a grade
// set by hand. A filter on a chosen set (Only) is not kept: it is a selection's, asked once.
func (s *Session) customerList(f data.CustomerFilter) ([]*indexRow, bool) {
	if me, scoped := s.scope(); scoped {
		f.OwnerID = me // a rep's list is its own cards; the pool has a screen of its own
	}
	f.Offset, f.Limit = 0, 0
	gen, day := s.st.generation(), data.DayOf(s.st.now())
	if f.Only == nil {
		s.cacheMu.Lock()
		c := &s.cache.customers
		// The filter holds a map (Only, nil here), so it compares field by field.
		if c.ok && c.gen == gen && c.day == day && reflect.DeepEqual(c.key, f) {
			rows, over := c.rows, c.over
			s.cacheMu.Unlock()
			return rows, over
		}
		s.cacheMu.Unlock()
	}
	rows, over := s.st.customerList(f)
	if f.Only == nil {
		s.cacheMu.Lock()
		c := &s.cache.customers
		c.key, c.gen, c.day, c.rows, c.over, c.ok = f, gen, day, rows, over, true
		s.cacheMu.Unlock()
	}
	return rows, over
}

func (s *Session) Customers(f data.CustomerFilter) (data.CustomerPage, error) {
	// The first page of a list not made yet (a keystroke in the search box) is taken without making
	// the rest; the next page makes the whole list, which is kept for the pages after it.
	if page, ok := s.firstPage(f); ok {
		return page, nil
	}
	rows, over := s.customerList(f)
	lo, hi := pageBounds(f.Offset, f.Limit, data.MaxCustomerPage, len(rows))
	page := data.CustomerPage{Rows: make([]data.CustomerRow, hi-lo), Offset: lo, Total: len(rows), Overridden: over}
	for i, r := range rows[lo:hi] {
		page.Rows[i] = *r.public()
	}
	return page, nil
}

// firstPage is Customers for the first page of a plain filter whose list is not kept.
func (s *Session) firstPage(f data.CustomerFilter) (data.CustomerPage, bool) {
	if _, scoped := s.scope(); scoped || f.Offset != 0 || f.Limit <= 0 || f.Only != nil {
		return data.CustomerPage{}, false
	}
	key := f
	key.Offset, key.Limit = 0, 0
	gen, day := s.st.generation(), data.DayOf(s.st.now())
	s.cacheMu.Lock()
	c := &s.cache.customers
	kept := c.ok && c.gen == gen && c.day == day && reflect.DeepEqual(c.key, key)
	s.cacheMu.Unlock()
	if kept {
		return data.CustomerPage{}, false
	}
	f.Limit = min(f.Limit, data.MaxCustomerPage)
	rows, total, over, ok := s.st.firstPage(f)
	if !ok {
		return data.CustomerPage{}, false
	}
	page := data.CustomerPage{Rows: make([]data.CustomerRow, len(rows)), Total: total, Overridden: over}
	for i, r := range rows {
		page.Rows[i] = *r.public()
	}
	return page, true
}

func (s *Session) CustomerIDs(f data.CustomerFilter) ([]uint64, error) {
	rows, _ := s.customerList(f)
	if len(rows) > data.MaxCustomerIDs {
		return nil, data.ErrTooMany
	}
	ids := make([]uint64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}

func (s *Session) Opportunities(f data.OpportunityFilter) (data.OpportunityPage, error) {
	if me, scoped := s.scope(); scoped {
		f.OwnerID = me
	}
	offset, limit := f.Offset, f.Limit
	f.Offset, f.Limit = 0, 0
	_ = s.st.LoadDeals() // before the generation is read: loading the deals changes it
	gen := s.st.generation()
	s.cacheMu.Lock()
	c := &s.cache.deals
	rows := c.rows
	hit := c.ok && c.gen == gen && c.key == f
	s.cacheMu.Unlock()
	if !hit {
		rows = s.st.Opportunities(f)
		s.cacheMu.Lock()
		c.key, c.gen, c.rows, c.ok = f, gen, rows, true
		s.cacheMu.Unlock()
	}
	lo, hi := pageBounds(offset, limit, data.MaxOpportunityPage, len(rows))
	page := data.OpportunityPage{Rows: make([]data.OpportunityRow, hi-lo), Offset: lo, Total: len(rows)}
	for i, r := range rows[lo:hi] {
		page.Rows[i] = *r
	}
	return page, nil
}

func (s *Session) Activities(f data.ActivityFilter) (data.ActivityPage, error) {
	owner := f.OwnerID
	if me, scoped := s.scope(); scoped {
		owner = me
	}
	all := s.st.Activities(f.From, f.To, owner)
	lo, hi := pageBounds(f.Offset, f.Limit, data.MaxActivityPage, len(all))
	return data.ActivityPage{Items: all[lo:hi:hi], Offset: lo, Total: len(all)}, nil
}

// generation is the count of commits that changed the index.
func (s *Store) generation() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.gen
}

// DropListCache forgets the session's last lists, so that the next one is read as a new filter's
// (data/perf measures each keystroke so).
func (s *Session) DropListCache() {
	s.cacheMu.Lock()
	s.cache = listCache{}
	s.cacheMu.Unlock()
}
