package data

import (
	"errors"
	"reflect"
	"time"
)

// The paged lists of Service. A page is a copy of the rows, never pointers into the index, so that a
// reply can be encoded as it stands and a caller cannot see (or disturb) the index change under it.

const (
	// MaxCustomerPage is the most rows one call of Customers returns: a few screenfuls, which the
	// window reads around what it shows (a 320-byte row makes a full page about 300 KB).
	MaxCustomerPage = 1000
	// MaxCustomerIDs bounds "select all matching": every card of a 100k file fits, at 8 bytes an id
	// (800 KB), and a bulk action on more than that is a job for an import, not a tick box.
	MaxCustomerIDs = 100_000
	// MaxOpportunityPage is the most deals one call of Opportunities returns; the board reads a
	// column's deals page by page.
	MaxOpportunityPage = 5000
	// MaxActivityPage is the most activities one call of Activities returns: more than a team plans
	// for a week (the week view's span) at the demo's 100k cards.
	MaxActivityPage = 5000
)

// ErrTooMany is a call that would return more than its bound (MaxCustomerIDs).
var ErrTooMany = errors.New("too many records for one call: narrow the filter")

// CustomerPage is one page of the customer list.
type CustomerPage struct {
	Rows []CustomerRow
	// Offset is the position of Rows[0] in the whole list; Total is how many cards pass the filter.
	Offset, Total int
	// Overridden says whether any card that passes the filter (on this page or not) has a grade set
	// by hand, for the legend of the grade column's "*".
	Overridden bool
}

// OpportunityPage is one page of the deals that pass a filter.
type OpportunityPage struct {
	Rows          []OpportunityRow
	Offset, Total int
}

// ActivityFilter chooses the planned activities: those from day From up to (not including) day To,
// of one owner (0: the whole team, as the member may see it), and the page.
type ActivityFilter struct {
	From, To      time.Time
	OwnerID       uint64
	Offset, Limit int
}

// ActivityPage is one page of the planned activities, in the agenda's order.
type ActivityPage struct {
	Items         []Activity
	Offset, Total int
}

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
		key  CustomerFilter
		gen  uint64
		day  Day
		rows []*indexRow
		over bool
		ok   bool
	}
	deals struct {
		key  OpportunityFilter
		gen  uint64
		rows []*OpportunityRow
		ok   bool
	}
}

// customerList is the whole list f selects as the member may see it, and whether any of it has a grade
// set by hand. A filter on a chosen set (Only) is not kept: it is a selection's, asked once.
func (s *Session) customerList(f CustomerFilter) ([]*indexRow, bool) {
	if me, scoped := s.scope(); scoped {
		f.OwnerID = me // a rep's list is its own cards; the pool has a screen of its own
	}
	f.Offset, f.Limit = 0, 0
	gen, day := s.st.generation(), DayOf(s.st.now())
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
	rows := s.st.Customers(f)
	over := false
	for _, r := range rows {
		if r.Overridden {
			over = true
			break
		}
	}
	if f.Only == nil {
		s.cacheMu.Lock()
		c := &s.cache.customers
		c.key, c.gen, c.day, c.rows, c.over, c.ok = f, gen, day, rows, over, true
		s.cacheMu.Unlock()
	}
	return rows, over
}

func (s *Session) Customers(f CustomerFilter) (CustomerPage, error) {
	rows, over := s.customerList(f)
	lo, hi := pageBounds(f.Offset, f.Limit, MaxCustomerPage, len(rows))
	page := CustomerPage{Rows: make([]CustomerRow, hi-lo), Offset: lo, Total: len(rows), Overridden: over}
	for i, r := range rows[lo:hi] {
		page.Rows[i] = *r.public()
	}
	return page, nil
}

func (s *Session) CustomerIDs(f CustomerFilter) ([]uint64, error) {
	rows, _ := s.customerList(f)
	if len(rows) > MaxCustomerIDs {
		return nil, ErrTooMany
	}
	ids := make([]uint64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}

func (s *Session) Opportunities(f OpportunityFilter) (OpportunityPage, error) {
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
	lo, hi := pageBounds(offset, limit, MaxOpportunityPage, len(rows))
	page := OpportunityPage{Rows: make([]OpportunityRow, hi-lo), Offset: lo, Total: len(rows)}
	for i, r := range rows[lo:hi] {
		page.Rows[i] = *r
	}
	return page, nil
}

func (s *Session) Activities(f ActivityFilter) (ActivityPage, error) {
	owner := f.OwnerID
	if me, scoped := s.scope(); scoped {
		owner = me
	}
	all := s.st.Activities(f.From, f.To, owner)
	lo, hi := pageBounds(f.Offset, f.Limit, MaxActivityPage, len(all))
	return ActivityPage{Items: all[lo:hi:hi], Offset: lo, Total: len(all)}, nil
}

// generation is the count of commits that changed the index.
func (s *Store) generation() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.gen
}
