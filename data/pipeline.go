package data

import (
	"errors"
	"strings"
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

// Errors of the pipeline.
var (
	ErrNotQualified    = errors.New("the lead does not qualify yet")
	ErrOverrideRole    = errors.New("only a sales manager or an administrator may move an unqualified lead on")
	ErrUnknownStage    = errors.New("no such stage")
	ErrUnknownCustomer = errors.New("no such customer")
	ErrCloseBeforeOpen = errors.New("must not be before the deal was created")
)

// AfterSaleDays is how soon after a won deal the after-sale follow-up falls due (seed 000).
const AfterSaleDays = 3

// ValidateOpportunity checks a deal's fields; created bounds the close date.
func ValidateOpportunity(o *Opportunity, created time.Time) FieldErrors {
	var fe FieldErrors
	if strings.TrimSpace(o.Title) == "" {
		fe.Add("title", ErrRequired)
	}
	if o.CustomerID == 0 {
		fe.Add("customer", ErrRequired)
	}
	if o.Amount < 0 {
		fe.Add("amount", ErrAmountNegative)
	}
	if !o.CloseDate.IsZero() && DateOf(o.CloseDate).Before(DateOf(created)) {
		fe.Add("close_date", ErrCloseBeforeOpen)
	}
	if o.Source != SourceNone && !ValidChoice(o.Source, Sources) {
		fe.Add("source", ErrChoiceInvalid)
	}
	if o.Risk.Level != LevelNone && !ValidChoice(o.Risk.Level, Levels) {
		fe.Add("risk", ErrChoiceInvalid)
	}
	fe = append(fe, o.Scores.Validate()...)
	return fe
}

// ErrUndoStale refuses to take a move back once the deal (or nothing else) changed after it.
var ErrUndoStale = errors.New("the deal changed after the move: it can no longer be undone")

// NewOpportunity is a deal with its stage history, for bulk creation (demo data, later import). The
// history must be oldest first and end in the deal's stage.
type NewOpportunity struct {
	Opportunity Opportunity
	History     []StageChange
}

// Totals sums deals per stage, in board order: a column header's count, amount and weighted amount.
func Totals(opps []*OpportunityRow, stages []StageDef) []StageTotal {
	idx := StageIndex(stages)
	totals := make([]StageTotal, len(stages))
	for i, d := range stages {
		totals[i].Stage = d.Key
	}
	for _, o := range opps {
		i, ok := idx[o.Stage]
		if !ok {
			continue
		}
		totals[i].Count++
		totals[i].Amount += o.Amount
		totals[i].Weighted += Weighted(o.Amount, stages[i].Probability)
	}
	return totals
}
