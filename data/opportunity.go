package data

import (
	"fmt"
	"time"
)

// The pipeline (domain.md §3): every potential deal starts as a lead in the first column and moves
// through the stages until it is won or lost. This file holds the records and the pure rules over
// them; the store and the board build on it.

// StageKind tells the lead column, the open stages and the two closed ends apart.
type StageKind string

const (
	StageLead StageKind = "lead"
	StageOpen StageKind = "open"
	StageWon  StageKind = "won"
	StageLost StageKind = "lost"
)

// StageDef is one column of the board, kept in Settings so a manager can rename, reorder and tune it.
type StageDef struct {
	Key  string    `json:"key"`
	Name string    `json:"name"`
	Kind StageKind `json:"kind"`
	// Probability is the chance of winning from this stage, in percent (seed 002's funnel).
	Probability int `json:"probability"`
	// IdleDays marks a deal idle when nothing happened on it for longer; 0 never marks it.
	IdleDays int `json:"idle_days"`
	// Committed stages count in the committed forecast (negotiation and later).
	Committed bool `json:"committed"`
}

// DefaultStages are seed 000's stages with seed 002's probabilities.
func DefaultStages() []StageDef {
	return []StageDef{
		{Key: "lead", Name: "线索", Kind: StageLead, Probability: 5, IdleDays: 14},
		{Key: "initial_contact", Name: "初步接触", Kind: StageOpen, Probability: 10, IdleDays: 14},
		{Key: "needs_discovery", Name: "需求挖掘", Kind: StageOpen, Probability: 30, IdleDays: 14},
		{Key: "proposal", Name: "方案呈现", Kind: StageOpen, Probability: 50, IdleDays: 21},
		{Key: "negotiation", Name: "商务谈判", Kind: StageOpen, Probability: 70, IdleDays: 21, Committed: true},
		{Key: "won", Name: "成交签约", Kind: StageWon, Probability: 100, Committed: true},
		{Key: "lost", Name: "丢单", Kind: StageLost, Probability: 0},
	}
}

// LeadScores are seed 000's lead scores, each 0–15.
type LeadScores struct {
	Budget    int `json:"budget" msgpack:"b"`
	Urgency   int `json:"urgency" msgpack:"u"`
	Authority int `json:"authority" msgpack:"a"`
}

// QualifyThresholds are the minimum scores a lead needs to become an opportunity.
type QualifyThresholds struct {
	Budget    int `json:"budget"`
	Urgency   int `json:"urgency"`
	Authority int `json:"authority"`
}

// DefaultQualifyThresholds are seed 000's: budget ≥ 10, urgency ≥ 8, authority ≥ 7, all three.
var DefaultQualifyThresholds = QualifyThresholds{Budget: 10, Urgency: 8, Authority: 7}

// MaxLeadScore is the top of each score's scale.
const MaxLeadScore = 15

// ErrScoreRange refuses a lead score outside 0–15.
var ErrScoreRange = fmt.Errorf("must be a whole number from 0 to %d", MaxLeadScore)

// Validate names each score outside 0–15.
func (s LeadScores) Validate() FieldErrors {
	var fe FieldErrors
	for _, f := range []struct {
		key string
		v   int
	}{{"budget_score", s.Budget}, {"urgency_score", s.Urgency}, {"authority_score", s.Authority}} {
		if f.v < 0 || f.v > MaxLeadScore {
			fe.Add(f.key, ErrScoreRange)
		}
	}
	return fe
}

// ScoreShortfall is one score below its threshold, for the record's "why not" line.
type ScoreShortfall struct {
	Score string // "budget", "urgency" or "authority"
	Have  int
	Need  int
}

// Qualify tells whether the scores make the lead an opportunity, and which fall short.
func (s LeadScores) Qualify(t QualifyThresholds) (bool, []ScoreShortfall) {
	var short []ScoreShortfall
	for _, c := range []ScoreShortfall{{"budget", s.Budget, t.Budget}, {"urgency", s.Urgency, t.Urgency}, {"authority", s.Authority, t.Authority}} {
		if c.Have < c.Need {
			short = append(short, c)
		}
	}
	return len(short) == 0, short
}

// Risk is the deal's risk assessment (风险评估).
type Risk struct {
	Level Level  `json:"level" msgpack:"l"`
	Note  string `json:"note" msgpack:"n"`
}

// Milestone is a key point of the deal (关键节点).
type Milestone struct {
	Date time.Time `json:"date" msgpack:"d"`
	Text string    `json:"text" msgpack:"t"`
	Done bool      `json:"done" msgpack:"x"`
}

// Opportunity is a lead or a sales opportunity (template 2 of seed 000).
type Opportunity struct {
	ID          uint64      `json:"id" msgpack:"id"`
	Number      string      `json:"number" msgpack:"no"` // XS202403 + sequence
	CustomerID  uint64      `json:"customer_id" msgpack:"ci"`
	Title       string      `json:"title" msgpack:"ti"`
	Source      Source      `json:"source" msgpack:"so"`
	Amount      Amount      `json:"amount" msgpack:"am"`
	CloseDate   time.Time   `json:"close_date" msgpack:"cd"`
	Stage       string      `json:"stage" msgpack:"st"`
	StageSince  time.Time   `json:"stage_since" msgpack:"ss"`
	OwnerID     uint64      `json:"owner_id" msgpack:"oi"`
	Scores      LeadScores  `json:"scores" msgpack:"sc"`
	Milestones  []Milestone `json:"milestones" msgpack:"ms"`
	Summary     string      `json:"summary" msgpack:"su"`
	Competition string      `json:"competition" msgpack:"cp"`
	Risk        Risk        `json:"risk" msgpack:"ri"`
	// LastActivity is when anything last happened on the deal; idle detection reads it.
	LastActivity time.Time `json:"last_activity" msgpack:"la"`
	WonDate      time.Time `json:"won_date" msgpack:"wd"`
	LostReason   string    `json:"lost_reason" msgpack:"lr"`
	LostTo       string    `json:"lost_to" msgpack:"lt"`
	Unqualified  bool      `json:"unqualified" msgpack:"uq"`
	CreatedAt    time.Time `json:"created_at" msgpack:"ct"`
	CreatedBy    uint64    `json:"created_by" msgpack:"cb"`
	UpdatedAt    time.Time `json:"updated_at" msgpack:"ut"`
	// UpdatedBy is the member who last changed the deal, so that a stale save can say who it was;
	// deals written before it was kept read 0 (unknown).
	UpdatedBy uint64 `json:"updated_by" msgpack:"ub"`
	Version   uint64 `json:"version" msgpack:"v"`
}

// OpportunityRow is what the board, the lists and the forecast need of a deal, kept in memory for
// every deal; the whole record (milestones, texts) is read from the file when a deal is opened. Rows
// are immutable: a write replaces the row.
type OpportunityRow struct {
	ID, CustomerID, OwnerID, Version uint64
	Amount                           Amount
	Number, Title, Stage             string
	Risk                             Level
	Scores                           LeadScores
	Close, StageSince, LastActivity  Day
	Created, Won                     Day
	Unqualified                      bool
}

// Row makes the list row of a deal.
func (o *Opportunity) Row() *OpportunityRow {
	return &OpportunityRow{ID: o.ID, CustomerID: o.CustomerID, OwnerID: o.OwnerID, Version: o.Version,
		Amount: o.Amount, Number: o.Number, Title: o.Title, Stage: o.Stage, Risk: o.Risk.Level, Scores: o.Scores,
		Close: DayOf(o.CloseDate), StageSince: DayOf(o.StageSince), LastActivity: DayOf(o.LastActivity),
		Created: DayOf(o.CreatedAt), Won: DayOf(o.WonDate), Unqualified: o.Unqualified}
}

// StageChange is one line of a deal's stage history, written with the move in one transaction.
type StageChange struct {
	At   time.Time `json:"at" msgpack:"t"`
	From string    `json:"from" msgpack:"f"`
	To   string    `json:"to" msgpack:"o"`
	By   uint64    `json:"by" msgpack:"b"`
	// Override records a manager moving an unqualified lead on anyway.
	Override bool `json:"override" msgpack:"x"`
	// Undo marks the line that took the move before it back: both stay, so the history shows what
	// happened, and the funnel does not count a stage reached only by a move that was undone.
	Undo bool `json:"undo,omitempty" msgpack:"u,omitempty"`
}

// OpportunityNumber formats seed 000's number: XS, year and month of creation, then a sequence within
// the month (XS2024030001 is the first of March 2024).
func OpportunityNumber(created time.Time, seq int) string {
	return fmt.Sprintf("XS%04d%02d%04d", created.Year(), int(created.Month()), seq)
}

// StageDays returns how many days the deal spent in each stage, from its history and up to now for the
// stage it is in. The history must be oldest first; the deal's creation opens its first stage.
func StageDays(created time.Time, first string, history []StageChange, now time.Time) map[string]int {
	days := map[string]int{}
	stage, since := first, created
	for _, h := range history {
		days[stage] += DaysBetween(DateOf(since), DateOf(h.At))
		stage, since = h.To, h.At
	}
	days[stage] += DaysBetween(DateOf(since), DateOf(now))
	return days
}

// Idle reports whether nothing happened on an open deal for longer than its stage allows.
func (r *OpportunityRow) Idle(def StageDef, now time.Time) bool {
	if def.IdleDays <= 0 || def.Kind == StageWon || def.Kind == StageLost {
		return false
	}
	last := r.LastActivity
	if last == 0 {
		last = r.StageSince
	}
	if last == 0 {
		last = r.Created
	}
	return int(DayOf(now)-last) > def.IdleDays
}

// StagesReached lists the stages a deal's history (oldest first) moved it to, leaving out each move
// that the next line undid: a card dragged to won by mistake and taken back never reached won.
func StagesReached(history []StageChange) []string {
	var out []string
	for i, h := range history {
		if i+1 < len(history) && history[i+1].Undo {
			continue
		}
		if h.Undo {
			continue // back to a stage the line before last already reached
		}
		out = append(out, h.To)
	}
	return out
}

// opportunityFields are the fields of a deal its form edits, each with how to compare it and how to
// copy it from one version to another; the stage moves only through MoveStage.
var opportunityFields = []struct {
	key  string
	same func(a, b *Opportunity) bool
	take func(dst *Opportunity, src *Opportunity)
}{
	{"customer", func(a, b *Opportunity) bool { return a.CustomerID == b.CustomerID }, func(d, s *Opportunity) { d.CustomerID = s.CustomerID }},
	{"title", func(a, b *Opportunity) bool { return a.Title == b.Title }, func(d, s *Opportunity) { d.Title = s.Title }},
	{"source", func(a, b *Opportunity) bool { return a.Source == b.Source }, func(d, s *Opportunity) { d.Source = s.Source }},
	{"amount", func(a, b *Opportunity) bool { return a.Amount == b.Amount }, func(d, s *Opportunity) { d.Amount = s.Amount }},
	{"close_date", func(a, b *Opportunity) bool { return DateOf(a.CloseDate).Equal(DateOf(b.CloseDate)) }, func(d, s *Opportunity) { d.CloseDate = s.CloseDate }},
	{"owner", func(a, b *Opportunity) bool { return a.OwnerID == b.OwnerID }, func(d, s *Opportunity) { d.OwnerID = s.OwnerID }},
	{"budget_score", func(a, b *Opportunity) bool { return a.Scores.Budget == b.Scores.Budget }, func(d, s *Opportunity) { d.Scores.Budget = s.Scores.Budget }},
	{"urgency_score", func(a, b *Opportunity) bool { return a.Scores.Urgency == b.Scores.Urgency }, func(d, s *Opportunity) { d.Scores.Urgency = s.Scores.Urgency }},
	{"authority_score", func(a, b *Opportunity) bool { return a.Scores.Authority == b.Scores.Authority }, func(d, s *Opportunity) { d.Scores.Authority = s.Scores.Authority }},
	{"risk", func(a, b *Opportunity) bool { return a.Risk.Level == b.Risk.Level }, func(d, s *Opportunity) { d.Risk.Level = s.Risk.Level }},
	{"risk_note", func(a, b *Opportunity) bool { return a.Risk.Note == b.Risk.Note }, func(d, s *Opportunity) { d.Risk.Note = s.Risk.Note }},
	{"summary", func(a, b *Opportunity) bool { return a.Summary == b.Summary }, func(d, s *Opportunity) { d.Summary = s.Summary }},
	{"competition", func(a, b *Opportunity) bool { return a.Competition == b.Competition }, func(d, s *Opportunity) { d.Competition = s.Competition }},
	{"milestones", sameMilestones, func(d, s *Opportunity) { d.Milestones = append([]Milestone(nil), s.Milestones...) }},
}

func sameMilestones(a, b *Opportunity) bool {
	if len(a.Milestones) != len(b.Milestones) {
		return false
	}
	for i, m := range a.Milestones {
		n := b.Milestones[i]
		if m.Text != n.Text || m.Done != n.Done || !DateOf(m.Date).Equal(DateOf(n.Date)) {
			return false
		}
	}
	return true
}

// OpportunityChanges names the form fields (the keys of ValidateOpportunity's errors) in which two
// versions of a deal differ, in the form's order.
func OpportunityChanges(a, b Opportunity) []string {
	var out []string
	for _, f := range opportunityFields {
		if !f.same(&a, &b) {
			out = append(out, f.key)
		}
	}
	return out
}

// MergeOpportunity merges what was typed (mine, edited from base) into the version saved since
// (theirs): a field only they changed keeps theirs, one only I changed takes mine, and a field we
// both changed differently is a conflict, left as I typed it and named. The result carries theirs'
// version, so that saving it overwrites nothing the user was not shown.
func MergeOpportunity(base, theirs, mine Opportunity) (Opportunity, []string) {
	merged := theirs
	var conflicts []string
	for _, f := range opportunityFields {
		iChanged, theyChanged := !f.same(&base, &mine), !f.same(&base, &theirs)
		switch {
		case iChanged && theyChanged && !f.same(&mine, &theirs):
			conflicts = append(conflicts, f.key)
			f.take(&merged, &mine)
		case iChanged:
			f.take(&merged, &mine)
		}
	}
	return merged, conflicts
}
