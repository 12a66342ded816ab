package storage

import (
	"bytes"
	"errors"
	"fmt"
	"salesdesk/data"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketOpps    = []byte("opportunities")
	bucketOppRows = []byte("opp_rows")    // deal id → its list row, what opening reads
	bucketHistory = []byte("opp_history") // opportunity id ‖ sequence → stage change
)

func (s *Store) checkOpportunityRefs(fe *data.FieldErrors, o *data.Opportunity) {
	s.checkMember(fe, "owner", o.OwnerID)
	if o.CustomerID != 0 {
		if _, ok := s.Row(o.CustomerID); !ok {
			fe.Add("customer", data.ErrUnknownCustomer)
		}
	}
}

// nextOpportunityNumber issues XS + year + month + a sequence within the month.
func nextOpportunityNumber(tx *bolt.Tx, now time.Time) (string, error) {
	b := tx.Bucket(bucketCounters)
	key := []byte(fmt.Sprintf("opp:%04d%02d", now.Year(), int(now.Month())))
	n := decodeUint(b.Get(key)) + 1
	if err := b.Put(key, encodeUint(n)); err != nil {
		return "", err
	}
	return data.OpportunityNumber(now, int(n)), nil
}

func putHistory(tx *bolt.Tx, oppID uint64, ch data.StageChange) error {
	b := tx.Bucket(bucketHistory)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putRecord(b, pairKey(oppID, seq), ch)
}

// CreateOpportunity stores a new lead: it starts in the board's lead column whatever stage it names,
// and its history opens with that column.
func (s *Store) CreateOpportunity(by data.Actor, o data.Opportunity) (data.Opportunity, error) {
	now := s.now()
	st := s.Settings()
	o.Title = strings.TrimSpace(o.Title)
	fe := data.ValidateOpportunity(&o, now)
	s.checkOpportunityRefs(&fe, &o)
	if r, ok := s.Row(o.CustomerID); ok && r.Archived {
		fe.Add("customer", data.ErrArchived)
	}
	if fe.Any() {
		return o, fe
	}
	lead, ok := st.FirstStage(data.StageLead)
	if !ok {
		return o, fmt.Errorf("data: create opportunity: %w", data.ErrStageKinds)
	}
	o.Stage, o.StageSince, o.LastActivity = lead.Key, now, now
	o.CreatedAt, o.CreatedBy, o.UpdatedAt, o.UpdatedBy, o.Version = now, by.MemberID, now, by.MemberID, 1
	o.WonDate, o.LostReason, o.LostTo, o.Unqualified = time.Time{}, "", "", false
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		b := tx.Bucket(bucketOpps)
		id, err := b.NextSequence()
		if err != nil {
			return nil, err
		}
		o.ID = id
		if o.Number, err = nextOpportunityNumber(tx, now); err != nil {
			return nil, err
		}
		if err := putDeal(tx, &o); err != nil {
			return nil, err
		}
		if err := putHistory(tx, o.ID, data.StageChange{At: now, To: lead.Key, By: by.MemberID}); err != nil {
			return nil, err
		}
		if err := auditCard(tx, now, by, "create", "opportunity", o.ID, o.CustomerID, diffFields(nil, &o)); err != nil {
			return nil, err
		}
		saved := o
		return func(ix *index) { ix.putDeal(&saved) }, nil
	})
	if err != nil {
		return o, fmt.Errorf("data: create opportunity: %w", err)
	}
	return o, nil
}

// UpdateOpportunity saves an edited deal. The stage only moves through MoveStage, which records it.
func (s *Store) UpdateOpportunity(by data.Actor, o data.Opportunity) (data.Opportunity, error) {
	now := s.now()
	var saved data.Opportunity
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		var old data.Opportunity
		if err := getRecord(tx.Bucket(bucketOpps), encodeUint(o.ID), &old); err != nil {
			return nil, fmt.Errorf("opportunity %d: %w", o.ID, err)
		}
		if old.Version != o.Version {
			return nil, data.ErrConflict
		}
		fe := data.ValidateOpportunity(&o, old.CreatedAt)
		s.checkOpportunityRefs(&fe, &o)
		if fe.Any() {
			return nil, fe
		}
		saved = o
		saved.Number, saved.CreatedAt, saved.CreatedBy = old.Number, old.CreatedAt, old.CreatedBy
		saved.Stage, saved.StageSince, saved.WonDate = old.Stage, old.StageSince, old.WonDate
		saved.LostReason, saved.LostTo, saved.Unqualified = old.LostReason, old.LostTo, old.Unqualified
		saved.Title = strings.TrimSpace(saved.Title)
		saved.UpdatedAt, saved.UpdatedBy, saved.LastActivity, saved.Version = now, by.MemberID, now, old.Version+1
		if err := putDeal(tx, &saved); err != nil {
			return nil, err
		}
		if err := auditCard(tx, now, by, "update", "opportunity", o.ID, saved.CustomerID, diffFields(&old, &saved)); err != nil {
			return nil, err
		}
		cp := saved
		return func(ix *index) { ix.putDeal(&cp) }, nil
	})
	if err != nil {
		var fe data.FieldErrors
		if errors.As(err, &fe) {
			return o, fe
		}
		return o, fmt.Errorf("data: update opportunity %d: %w", o.ID, err)
	}
	return saved, nil
}

// MoveStage moves a deal to another stage and records the change in the same transaction. Leaving the
// lead column needs the lead to qualify, or a manager's override (recorded). Winning sets the
// customer's status to 成交 and plans the after-sale follow-up three days later; losing needs a reason.
// A move to the stage the deal is in changes nothing.
func (s *Store) MoveStage(by data.Actor, m data.Move) (data.Opportunity, error) {
	o, _, err := s.MoveStageUndoable(by, m)
	return o, err
}

// MoveStageUndoable is MoveStage that also returns what UndoMove needs to take the move back.
func (s *Store) MoveStageUndoable(by data.Actor, m data.Move) (data.Opportunity, data.MoveUndo, error) {
	var undo data.MoveUndo
	now := s.now()
	st := s.Settings()
	to, ok := st.Stage(m.To)
	if !ok {
		return data.Opportunity{}, undo, fmt.Errorf("data: move to %q: %w", m.To, data.ErrUnknownStage)
	}
	if m.Override {
		member, ok := s.Member(by.MemberID)
		if !ok || (member.Role != data.MemberManager && member.Role != data.MemberAdmin) {
			return data.Opportunity{}, undo, data.ErrOverrideRole
		}
	}
	if to.Kind == data.StageLost && strings.TrimSpace(m.LostReason) == "" {
		var fe data.FieldErrors
		fe.Add("lost_reason", data.ErrRequired)
		return data.Opportunity{}, undo, fe
	}
	if m.Amount != nil && *m.Amount < 0 {
		var fe data.FieldErrors
		fe.Add("amount", data.ErrAmountNegative)
		return data.Opportunity{}, undo, fe
	}
	rules := st.GradeRules
	var o data.Opportunity
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		if err := getRecord(tx.Bucket(bucketOpps), encodeUint(m.ID), &o); err != nil {
			return nil, fmt.Errorf("opportunity %d: %w", m.ID, err)
		}
		if o.Version != m.Version {
			return nil, data.ErrConflict
		}
		if o.Stage == to.Key {
			return nil, nil
		}
		undo.Before = o
		from, _ := st.Stage(o.Stage)
		if from.Kind == data.StageLead && (to.Kind == data.StageOpen || to.Kind == data.StageWon) {
			if ok, _ := o.Scores.Qualify(st.Qualify); !ok && !m.Override {
				return nil, data.ErrNotQualified
			}
		}
		change := data.StageChange{At: now, From: o.Stage, To: to.Key, By: by.MemberID, Override: m.Override}
		o.Stage, o.StageSince, o.LastActivity, o.UpdatedAt, o.UpdatedBy = to.Key, now, now, now, by.MemberID
		o.Version++
		var apply func(*index)
		switch to.Kind {
		case data.StageWon:
			o.WonDate = data.DateOf(now)
			if !m.WonDate.IsZero() {
				o.WonDate = data.DateOf(m.WonDate)
			}
			if m.Amount != nil {
				o.Amount = *m.Amount
			}
			o.LostReason, o.LostTo = "", ""
			var before data.Customer
			if err := getRecord(tx.Bucket(bucketCustomers), encodeUint(o.CustomerID), &before); err == nil {
				undo.Customer = &before
			}
			row, err := s.markCustomerWon(tx, by, o, rules, now)
			if err != nil {
				return nil, err
			}
			undo.CustomerVersion = before.Version + 1 // markCustomerWon's write
			apply = func(ix *index) { ix.put(row) }
		case data.StageLost:
			o.LostReason, o.LostTo, o.WonDate = strings.TrimSpace(m.LostReason), strings.TrimSpace(m.LostTo), time.Time{}
		default:
			o.WonDate, o.LostReason, o.LostTo = time.Time{}, "", ""
		}
		if err := putDeal(tx, &o); err != nil {
			return nil, err
		}
		if err := putHistory(tx, o.ID, change); err != nil {
			return nil, err
		}
		if err := auditCard(tx, now, by, "move "+change.From+"→"+change.To, "opportunity", o.ID, o.CustomerID,
			[]data.FieldChange{{Field: "stage", Old: change.From, New: change.To}}); err != nil {
			return nil, err
		}
		saved := o
		return func(ix *index) {
			ix.putDeal(&saved)
			if apply != nil {
				apply(ix)
			}
		}, nil
	})
	if err != nil {
		return o, data.MoveUndo{}, fmt.Errorf("data: move opportunity %d: %w", m.ID, err)
	}
	if undo.Before.ID != 0 {
		undo.After = o
	}
	return o, undo, nil
}

// UndoMove takes a move back in one transaction: the deal returns to its stage, with the date it
// entered it, its amount and its won or lost details as they were, and the history gains a line
// marked Undo (the move's own line stays). A customer the win marked 成交 returns to its status and
// plan unless it was edited since. A deal changed after the move is left alone (ErrUndoStale).
func (s *Store) UndoMove(by data.Actor, u data.MoveUndo) (data.Opportunity, error) {
	if !u.Moved() {
		return data.Opportunity{}, fmt.Errorf("data: undo move: %w", data.ErrNotFound)
	}
	now := s.now()
	rules := s.Settings().GradeRules
	var o data.Opportunity
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		if err := getRecord(tx.Bucket(bucketOpps), encodeUint(u.After.ID), &o); err != nil {
			return nil, fmt.Errorf("opportunity %d: %w", u.After.ID, err)
		}
		if o.Version != u.After.Version || o.Stage != u.After.Stage {
			return nil, data.ErrUndoStale
		}
		b := u.Before
		change := data.StageChange{At: now, From: o.Stage, To: b.Stage, By: by.MemberID, Undo: true}
		o.Stage, o.StageSince, o.LastActivity = b.Stage, b.StageSince, b.LastActivity
		o.Amount, o.WonDate, o.LostReason, o.LostTo, o.Unqualified = b.Amount, b.WonDate, b.LostReason, b.LostTo, b.Unqualified
		o.UpdatedAt, o.UpdatedBy = now, by.MemberID
		o.Version++
		var row *indexRow
		if u.Customer != nil {
			var c data.Customer
			if err := getRecord(tx.Bucket(bucketCustomers), encodeUint(u.Customer.ID), &c); err != nil {
				return nil, fmt.Errorf("customer %d: %w", u.Customer.ID, err)
			}
			if c.Version == u.CustomerVersion {
				c.Status, c.NextFollowUp, c.NextAction = u.Customer.Status, u.Customer.NextFollowUp, u.Customer.NextAction
				c.NextTime, c.NextKind, c.NextRemind = u.Customer.NextTime, u.Customer.NextKind, u.Customer.NextRemind
				c.Version++
				c.UpdatedAt, c.UpdatedBy = now, by.MemberID
				var err error
				if row, err = s.writeCustomer(tx, &c, c.CardNo, rules, now); err != nil {
					return nil, err
				}
				if err := audit(tx, now, by, "undo won "+o.Number, "customer", c.ID); err != nil {
					return nil, err
				}
			}
		}
		if err := putDeal(tx, &o); err != nil {
			return nil, err
		}
		if err := putHistory(tx, o.ID, change); err != nil {
			return nil, err
		}
		if err := audit(tx, now, by, "undo move "+b.Stage+"→"+change.From, "opportunity", o.ID); err != nil {
			return nil, err
		}
		saved := o
		return func(ix *index) {
			ix.putDeal(&saved)
			if row != nil {
				ix.put(row)
			}
		}, nil
	})
	if err != nil {
		return o, fmt.Errorf("data: undo move of opportunity %d: %w", u.After.ID, err)
	}
	return o, nil
}

// markCustomerWon sets the won deal's customer to 成交 and plans the after-sale follow-up.
func (s *Store) markCustomerWon(tx *bolt.Tx, by data.Actor, o data.Opportunity, rules data.GradeRules, now time.Time) (*indexRow, error) {
	var c data.Customer
	if err := getRecord(tx.Bucket(bucketCustomers), encodeUint(o.CustomerID), &c); err != nil {
		return nil, fmt.Errorf("customer %d: %w", o.CustomerID, err)
	}
	c.Status = data.StatusCustomer
	c.NextFollowUp, c.NextAction = o.WonDate.AddDate(0, 0, data.AfterSaleDays), "plan.after_sale"
	c.DropActivityDetails()
	c.Version++
	c.UpdatedAt, c.UpdatedBy = now, by.MemberID
	row, err := s.writeCustomer(tx, &c, c.CardNo, rules, now)
	if err != nil {
		return nil, err
	}
	return row, audit(tx, now, by, "won "+o.Number, "customer", c.ID)
}

// CloseUnqualified closes a lead that never qualified: it moves to the lost stage, marked unqualified.
func (s *Store) CloseUnqualified(by data.Actor, id, version uint64) (data.Opportunity, error) {
	lost, ok := s.Settings().FirstStage(data.StageLost)
	if !ok {
		return data.Opportunity{}, data.ErrStageKinds
	}
	o, err := s.MoveStage(by, data.Move{ID: id, Version: version, To: lost.Key, LostReason: "unqualified"})
	if err != nil {
		return o, err
	}
	o.Unqualified = true
	err = s.update(func(tx *bolt.Tx) (func(*index), error) {
		if err := putDeal(tx, &o); err != nil {
			return nil, err
		}
		saved := o
		return func(ix *index) { ix.putDeal(&saved) }, nil
	})
	return o, err
}

// History returns a deal's stage changes, oldest first.
func (s *Store) History(id uint64) ([]data.StageChange, error) {
	var out []data.StageChange
	err := s.view(func(tx *bolt.Tx) error {
		prefix := encodeUint(id)
		c := tx.Bucket(bucketHistory).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var ch data.StageChange
			if err := codec.Unmarshal(v, &ch); err != nil {
				return err
			}
			out = append(out, ch)
		}
		return nil
	})
	return out, err
}

// Opportunity reads one whole deal from the file.
func (s *Store) Opportunity(id uint64) (data.Opportunity, bool) {
	var o data.Opportunity
	err := s.view(func(tx *bolt.Tx) error { return getRecord(tx.Bucket(bucketOpps), encodeUint(id), &o) })
	return o, err == nil
}

// Opportunities returns the rows of the deals that pass the filter, by expected close date, then number.
func (s *Store) Opportunities(f data.OpportunityFilter) []*data.OpportunityRow {
	out := s.matchingDeals(f)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Close != out[j].Close {
			return out[i].Close < out[j].Close
		}
		return out[i].Number < out[j].Number
	})
	return out
}

// matchingDeals is Opportunities in no order.
func (s *Store) matchingDeals(f data.OpportunityFilter) []*data.OpportunityRow {
	_ = s.LoadDeals() // a failure shows in every write and in Check
	terms := strings.Fields(strings.ToLower(f.Search))
	s.mu.RLock()
	defer s.mu.RUnlock()
	// A deal matches when its title or number holds every term, or its customer matches the way the
	// customer list would (names, pinyin, contacts, phones).
	var customers idSet
	if len(terms) > 0 {
		customers = s.idx.find(0, searchTerms(f.Search))
	}
	var out []*data.OpportunityRow
	from, until := data.DayOf(f.CloseFrom), data.DayOf(f.Close)
	for _, o := range s.idx.opps {
		if (f.Stage != "" && o.Stage != f.Stage) || (f.OwnerID != 0 && o.OwnerID != f.OwnerID) ||
			(f.CustomerID != 0 && o.CustomerID != f.CustomerID) ||
			(from != 0 && o.Close < from) || (until != 0 && o.Close > until) {
			continue
		}
		row := s.idx.rows[o.CustomerID]
		if f.Grade != data.GradeNone && (row == nil || row.Grade != f.Grade) {
			continue
		}
		if len(terms) > 0 && !customers.has(o.CustomerID) {
			hay := strings.ToLower(o.Title + "\x00" + o.Number)
			match := true
			for _, t := range terms {
				if !strings.Contains(hay, t) {
					match = false
					break
				}
			}
			if !match {
				continue
			}
		}
		out = append(out, o)
	}
	return out
}

// StageTotals sums the filtered deals per stage, in board order. The sums need no order: sorting
// every deal of the file was most of the board's first frame.
func (s *Store) StageTotals(f data.OpportunityFilter) []data.StageTotal {
	f.Stage = ""
	return data.Totals(s.matchingDeals(f), s.Settings().Stages)
}

// BulkCreateOpportunities stores many deals with their histories in one transaction, all or none. Each
// gets an id and a number from the month of its CreatedAt; dates and stages are kept as given.
func (s *Store) BulkCreateOpportunities(by data.Actor, deals []data.NewOpportunity) error {
	return s.bulkCreateOpportunities(by, deals, nil)
}

// bulkCreateOpportunities is BulkCreateOpportunities with also, when set, written in the same
// transaction (the demo's progress, so that it always matches the deals in the file).
func (s *Store) bulkCreateOpportunities(by data.Actor, deals []data.NewOpportunity, also func(tx *bolt.Tx) error) error {
	now := s.now()
	st := s.Settings()
	for i := range deals {
		o := &deals[i].Opportunity
		if o.CreatedAt.IsZero() {
			o.CreatedAt = now
		}
		fe := data.ValidateOpportunity(o, o.CreatedAt)
		s.checkOpportunityRefs(&fe, o)
		if _, ok := st.Stage(o.Stage); !ok {
			fe.Add("stage", data.ErrUnknownStage)
		}
		if h := deals[i].History; len(h) == 0 || h[len(h)-1].To != o.Stage {
			fe.Add("history", ErrHistoryEnd)
		}
		if fe.Any() {
			return fmt.Errorf("data: bulk create opportunities: deal %d (%s): %w", i, o.Title, fe)
		}
	}
	saved := make([]data.Opportunity, len(deals))
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		b := tx.Bucket(bucketOpps)
		// The deals, their rows and their history lines are all put in key order: pages filled to
		// 90% instead of bbolt's half, which at 1M cards halves the rows' pages that opening reads.
		b.FillPercent = 0.9
		hb := tx.Bucket(bucketHistory)
		tx.Bucket(bucketOppRows).FillPercent, hb.FillPercent = 0.9, 0.9
		// The ids, numbers and history keys in order, as the sequences and counters are the
		// transaction's; then the encoding on every core; then the writes, in the order of the keys.
		historyKeys := make([][][]byte, len(deals))
		for i := range deals {
			o := deals[i].Opportunity
			id, err := b.NextSequence()
			if err != nil {
				return nil, err
			}
			o.ID, o.Version = id, 1
			if o.UpdatedAt.IsZero() {
				o.UpdatedAt = now
			}
			if o.CreatedBy == 0 {
				o.CreatedBy = by.MemberID
			}
			if o.Number, err = nextOpportunityNumber(tx, o.CreatedAt); err != nil {
				return nil, err
			}
			historyKeys[i] = make([][]byte, len(deals[i].History))
			for j := range deals[i].History {
				seq, err := hb.NextSequence()
				if err != nil {
					return nil, err
				}
				historyKeys[i][j] = pairKey(id, seq)
			}
			saved[i] = o
		}
		type encodedDeal struct {
			deal, row []byte
			history   [][]byte
		}
		enc := make([]encodedDeal, len(deals))
		if err := eachOnCores(len(deals), func(i int) (err error) {
			o, e := &saved[i], &enc[i]
			if e.deal, e.row, err = encodeDeal(o); err != nil {
				return err
			}
			e.history = make([][]byte, len(deals[i].History))
			for j, h := range deals[i].History {
				if e.history[j], err = codec.Marshal(h); err != nil {
					return fmt.Errorf("save deal %d's history: %w", o.ID, err)
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
		for i := range saved {
			e := &enc[i]
			if err := putEncodedDeal(tx, saved[i].ID, e.deal, e.row); err != nil {
				return nil, err
			}
			for j, raw := range e.history {
				if err := hb.Put(historyKeys[i][j], raw); err != nil {
					return nil, err
				}
			}
		}
		if err := audit(tx, now, by, fmt.Sprintf("bulk_create %d", len(deals)), "opportunity", 0); err != nil {
			return nil, err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return nil, err
			}
		}
		return func(ix *index) {
			for i := range saved {
				ix.putDeal(&saved[i])
			}
		}, nil
	})
	if err != nil {
		return fmt.Errorf("data: bulk create opportunities: %w", err)
	}
	return nil
}

// ErrHistoryEnd refuses a bulk deal whose history does not end in its stage.
var ErrHistoryEnd = errors.New("the stage history must end in the deal's stage")

// dealRow is the stored list row of a deal, written with the deal in one transaction: dates as day
// numbers and only the milestones still open, so opening a file with many deals decodes little.
type dealRow struct {
	ID          uint64      `msgpack:"i"`
	Customer    uint64      `msgpack:"c"`
	Owner       uint64      `msgpack:"o"`
	Version     uint64      `msgpack:"v"`
	Amount      data.Amount `msgpack:"a"`
	Number      string      `msgpack:"n"`
	Title       string      `msgpack:"t"`
	Stage       string      `msgpack:"s"`
	Risk        data.Level  `msgpack:"r"`
	Scores      [3]int8     `msgpack:"sc"`
	Days        [5]data.Day `msgpack:"d"` // close, stage since, last activity, created, won
	Unqualified bool        `msgpack:"u"`
	Open        []dealStep  `msgpack:"m"`
}

// dealStep is an open milestone in a stored row.
type dealStep struct {
	Day  data.Day `msgpack:"d"`
	Text string   `msgpack:"t"`
}

func dealRowOf(o *data.Opportunity) dealRow {
	r := o.Row()
	d := dealRow{ID: r.ID, Customer: r.CustomerID, Owner: r.OwnerID, Version: r.Version, Amount: r.Amount,
		Number: r.Number, Title: r.Title, Stage: r.Stage, Risk: r.Risk,
		Scores:      [3]int8{int8(r.Scores.Budget), int8(r.Scores.Urgency), int8(r.Scores.Authority)},
		Days:        [5]data.Day{r.Close, r.StageSince, r.LastActivity, r.Created, r.Won},
		Unqualified: r.Unqualified}
	for _, m := range o.Milestones {
		if !m.Done && !m.Date.IsZero() {
			d.Open = append(d.Open, dealStep{Day: data.DayOf(m.Date), Text: m.Text})
		}
	}
	return d
}

// deal turns a stored row back into the index's row and open milestones.
func (d *dealRow) deal() (*data.OpportunityRow, []dealStep) {
	r := &data.OpportunityRow{ID: d.ID, CustomerID: d.Customer, OwnerID: d.Owner, Version: d.Version, Amount: d.Amount,
		Number: d.Number, Title: d.Title, Stage: d.Stage, Risk: d.Risk,
		Scores: data.LeadScores{Budget: int(d.Scores[0]), Urgency: int(d.Scores[1]), Authority: int(d.Scores[2])},
		Close:  d.Days[0], StageSince: d.Days[1], LastActivity: d.Days[2], Created: d.Days[3], Won: d.Days[4],
		Unqualified: d.Unqualified}
	return r, d.Open
}

// putDeal writes a deal and its list row.
func putDeal(tx *bolt.Tx, o *data.Opportunity) error {
	deal, row, err := encodeDeal(o)
	if err != nil {
		return err
	}
	return putEncodedDeal(tx, o.ID, deal, row)
}

// encodeDeal is the part of writing a deal that needs no transaction (a bulk write runs it on every
// core): the record and its row.
func encodeDeal(o *data.Opportunity) (deal, row []byte, err error) {
	if deal, err = codec.Marshal(o); err != nil {
		return nil, nil, fmt.Errorf("save deal %d: %w", o.ID, err)
	}
	if row, err = codec.Marshal(dealRowOf(o)); err != nil {
		return nil, nil, fmt.Errorf("save deal %d's row: %w", o.ID, err)
	}
	return deal, row, nil
}

func putEncodedDeal(tx *bolt.Tx, id uint64, deal, row []byte) error {
	key := encodeUint(id)
	if err := tx.Bucket(bucketOpps).Put(key, deal); err != nil {
		return fmt.Errorf("save deal %d: %w", id, err)
	}
	if err := tx.Bucket(bucketOppRows).Put(key, row); err != nil {
		return fmt.Errorf("save deal %d's row: %w", id, err)
	}
	return nil
}

// FunnelOf is the funnel of the deals created in [from, to), reading each one's stage history.
func (s *Store) FunnelOf(from, to time.Time) ([]data.FunnelStep, error) {
	rows := s.Opportunities(data.OpportunityFilter{})
	var in []*data.OpportunityRow
	history := map[uint64][]data.StageChange{}
	for _, r := range rows {
		if r.Created < data.DayOf(from) || r.Created >= data.DayOf(to) {
			continue
		}
		h, err := s.History(r.ID)
		if err != nil {
			return nil, err
		}
		in = append(in, r)
		history[r.ID] = h
	}
	return data.Funnel(in, history, s.Settings().Stages, from, to), nil
}
