package data

import (
	"fmt"
	"slices"
	"time"
)

// PoolAction is what moved a card into or out of the pool.
type PoolAction string

// PoolMove is one line of a card's pool history.
type PoolMove struct {
	CustomerID uint64     `json:"customer_id" msgpack:"c"`
	At         time.Time  `json:"at" msgpack:"t"`
	By         uint64     `json:"by" msgpack:"b"`
	From       uint64     `json:"from" msgpack:"f"` // owner before (0: the pool)
	To         uint64     `json:"to" msgpack:"o"`   // owner after (0: the pool)
	Action     PoolAction `json:"action" msgpack:"a"`
	Reason     string     `json:"reason,omitempty" msgpack:"r,omitempty"`
	// IdleDays is the rule a return applied: the days without a follow-up its status allows.
	IdleDays int `json:"idle_days,omitempty" msgpack:"d,omitempty"`
}

// PoolSettings are the pool's rules. ReturnAfter is per status: a card whose owner logged no
// follow-up for that many days goes back to the pool (0: never); grades in KeepGrades never return by
// themselves, whatever their status, since losing a best customer to a sweep costs more than it frees.
type PoolSettings struct {
	ClaimsPerDay  int            `json:"claims_per_day"`
	MaxOwned      int            `json:"max_owned"`       // 库容: active cards one rep may own
	NoReclaimDays int            `json:"no_reclaim_days"` // a card one released may not be reclaimed by the same rep
	ReturnAfter   map[Status]int `json:"return_after"`
	KeepGrades    []Grade        `json:"keep_grades"`
	// NoticeDays is how long before a return the owner's agenda warns of it.
	NoticeDays int `json:"notice_days"`
}

// Validate names the pool setting that cannot work.
func (p PoolSettings) Validate(fe *FieldErrors) {
	for _, f := range []struct {
		key string
		v   int
	}{{"pool_claims_per_day", p.ClaimsPerDay}, {"pool_max_owned", p.MaxOwned}, {"pool_no_reclaim_days", p.NoReclaimDays}, {"pool_notice_days", p.NoticeDays}} {
		if f.v < 0 {
			fe.Add(f.key, ErrNegativeNumber)
		}
	}
	for st, d := range p.ReturnAfter {
		if d < 0 {
			fe.Add("pool_return_"+string(st), ErrNegativeNumber)
		}
	}
}

// returnDays is how many idle days send a card of this status and grade back (0: never).
func (p PoolSettings) ReturnDays(st Status, g Grade) int {
	if slices.Contains(p.KeepGrades, g) {
		return 0
	}
	return p.ReturnAfter[st]
}

// LimitError is a claim over one of the pool's limits; Limit names which and Max its number.
type LimitError struct {
	Limit string // "claims_per_day", "max_owned" or "no_reclaim_days"
	Max   int
}

func (e *LimitError) Error() string {
	switch e.Limit {
	case "claims_per_day":
		return fmt.Sprintf("limit reached: at most %d claims from the pool per day", e.Max)
	case "max_owned":
		return fmt.Sprintf("limit reached: a rep may own at most %d cards (库容)", e.Max)
	}
	return fmt.Sprintf("limit: a card one released may not be reclaimed for %d days", e.Max)
}

// Code is the stable code of every pool limit.
func (e *LimitError) Code() string { return CodeLimit }

// poolError is an error of a pool move with its own stable code.
type poolError struct{ msg, code string }

func (e *poolError) Error() string { return e.msg }
func (e *poolError) Code() string  { return e.code }

// PoolFilter selects pool cards. Days keeps the cards that have been in the pool at least that long.
type PoolFilter struct {
	Search   string
	Grade    Grade
	Status   Status
	Industry string
	Region   string
	MinDays  int
	Limit    int // 0: 100
	Offset   int
}

// PoolRow is a card in the pool as its list shows it.
type PoolRow struct {
	Row   *CustomerRow
	Since time.Time // when it came to the pool (zero: never owned)
	Days  int       // days in the pool
	// LastOwner is who had it before (0: nobody).
	LastOwner uint64
}

// PoolPage is one page of the pool list and the number of cards that passed the filter.
type PoolPage struct {
	Rows  []PoolRow
	Total int
}

// PoolService is what the pool, handover and review screens ask of the data layer.
type PoolService interface {
	PoolCards(f PoolFilter) (PoolPage, error)
	PoolHistory(customerID uint64) ([]PoolMove, error)
	Claim(customerID uint64) (Customer, error)
	Release(customerID uint64, reason string) (Customer, error)
	Assign(customerID, to uint64) (Customer, error)
	PoolDue(ownerID uint64) ([]PoolDueCard, error)
	HandoverPreview(h HandoverRequest) (HandoverCounts, error)
	Handover(h HandoverRequest) (HandoverCounts, error)
	SweepPool() (int, error)
	WeeklyReview() ([]RepReview, error)
	ReviewCards(memberID uint64, limit int) ([]*CustomerRow, error)
	Reviews(customerID uint64) ([]Review, error)
}

// PoolDueCard is an owned card that the sweep will return on ReturnsOn unless followed up.
type PoolDueCard struct {
	Row       *CustomerRow
	ReturnsOn time.Time
}

// Errors of the pool's moves.
var (
	ErrNotInPool      error = &poolError{"the card is no longer in the pool: someone else has it", CodeTaken}
	ErrNotOwner       error = &poolError{"only the card's owner may release it", CodeNotYours}
	ErrInactiveTarget error = &poolError{"the member is deactivated and cannot receive cards", CodeInactive}
)

// ErrSameMember refuses a handover to the member who has the cards.
var ErrSameMember = &poolError{"the cards already belong to this member", CodeInvalid}

// ErrNotTheirs refuses a chosen card the handover's source member does not own.
var ErrNotTheirs = &poolError{"the card does not belong to the member handing over", CodeInvalid}

const (
	PoolClaim    PoolAction = "claim"    // a rep took a card from the pool
	PoolRelease  PoolAction = "release"  // the owner gave a card back, with a reason
	PoolAssign   PoolAction = "assign"   // a manager gave a pool card to a rep
	PoolReturn   PoolAction = "return"   // the sweep took back a card its owner left idle
	PoolHandover PoolAction = "handover" // a manager moved a rep's card to another rep or the pool
)

// DefaultPoolSettings are the rules of a new file and of files saved before the pool existed.
func DefaultPoolSettings() PoolSettings {
	return PoolSettings{ClaimsPerDay: 10, MaxOwned: 300, NoReclaimDays: 7,
		ReturnAfter: map[Status]int{StatusProspect: 30, StatusInterested: 60, StatusCustomer: 90},
		KeepGrades:  []Grade{GradeA, GradeB}, NoticeDays: 3}
}
