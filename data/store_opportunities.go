package data

import (
	"time"
)

// Move is a stage change as the board asks for it.
type Move struct {
	ID uint64
	// Version is the deal's version as the board showed it; a deal changed since is not moved.
	Version uint64
	To      string
	// Override moves an unqualified lead on; only a manager or an administrator may.
	Override bool
	// WonDate and Amount confirm a win; a zero WonDate is today, a nil Amount keeps the deal's.
	WonDate time.Time
	Amount  *Amount
	// LostReason (from Settings' list) and LostTo (the competitor who won) describe a loss.
	LostReason, LostTo string
}

// MoveUndo is what taking a move back needs: the deal before and after it, and its customer before a
// win marked it 成交. It lives in memory for the few seconds the board offers the undo.
type MoveUndo struct {
	Before, After Opportunity
	// customer is the won deal's customer before the win, and customerVersion its version after.
	Customer        *Customer
	CustomerVersion uint64
}

// Moved reports whether the move changed anything to take back.
func (u MoveUndo) Moved() bool { return u.After.ID != 0 && u.After.Version != u.Before.Version }

// OpportunityFilter selects deals for the board, the lists and the forecast.
type OpportunityFilter struct {
	Stage   string
	OwnerID uint64
	// Grade filters by the customer's grade in force.
	Grade            Grade
	CloseFrom, Close time.Time // close date within [CloseFrom, Close]; zero ends are open
	Search           string
	CustomerID       uint64
	// Offset and Limit choose the page of the Session's list (Service.Opportunities); the Store's list
	// and the totals and exports ignore them.
	Offset, Limit int
}

// StageTotal is a board column's header: every matching deal, not only the cards on screen.
type StageTotal struct {
	Stage    string
	Count    int
	Amount   Amount
	Weighted Amount
}
