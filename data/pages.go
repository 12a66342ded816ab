package data

import (
	"errors"
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
