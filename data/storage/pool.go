package storage

import (
	"cmp"
	"fmt"
	"salesdesk/data"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The lead pool (公海): a card without an owner belongs to nobody and any rep may claim it, within the
// team's limits. Cards flow back by themselves when their owner stops following them up, so that
// leads nobody works do not sit in one rep's list. Every move is kept in the card's pool history.

var (
	// bucketPoolHistory: customer id ‖ sequence → PoolMove, a card's moves oldest first.
	bucketPoolHistory = []byte("pool_history")
	// bucketPoolClaims: member id ‖ sequence → PoolMove, each member's claims, for the daily limit.
	bucketPoolClaims = []byte("pool_claims")
	// bucketReviews: customer id ‖ sequence → Review, who reviewed a card when.
	bucketReviews = []byte("reviews")
)

// lastMoves reads the newest pool move of each card that has one: who had it and since when.
func lastMoves(tx *bolt.Tx) map[uint64]data.PoolMove {
	out := map[uint64]data.PoolMove{}
	b := tx.Bucket(bucketPoolHistory)
	if b == nil {
		return out
	}
	_ = b.ForEach(func(k, v []byte) error {
		var m data.PoolMove
		if codec.Unmarshal(v, &m) == nil {
			out[m.CustomerID] = m // keys are in order: the last one wins
		}
		return nil
	})
	return out
}

// PoolCards lists the cards in the pool, oldest in the pool first.
func (s *Store) PoolCards(f data.PoolFilter) (data.PoolPage, error) {
	var moves map[uint64]data.PoolMove
	if err := s.view(func(tx *bolt.Tx) error { moves = lastMoves(tx); return nil }); err != nil {
		return data.PoolPage{}, err
	}
	rows := s.Customers(data.CustomerFilter{Search: f.Search, Grade: f.Grade, Status: f.Status, Industry: f.Industry, OwnerID: 0})
	today := data.DayOf(s.now())
	var out []data.PoolRow
	for _, r := range rows {
		if r.OwnerID != 0 {
			continue
		}
		m := moves[r.ID]
		pr := data.PoolRow{Row: r.public(), Since: m.At, LastOwner: m.From}
		since := data.DayOf(m.At)
		if since == 0 {
			since = r.FirstContact
		}
		if since != 0 {
			pr.Days = int(today - since)
		}
		if pr.Days < f.MinDays {
			continue
		}
		out = append(out, pr)
	}
	if f.Region != "" {
		// Region is not in the list row; read it only when asked for.
		ids := make([]uint64, len(out))
		for i := range out {
			ids[i] = out[i].Row.ID
		}
		regions := map[uint64]string{}
		if err := s.eachRowRecord(ids, func(id uint64, rec *rowRecord) { regions[id] = rec.Region }); err != nil {
			return data.PoolPage{}, err
		}
		out = slices.DeleteFunc(out, func(p data.PoolRow) bool { return !strings.Contains(regions[p.Row.ID], f.Region) })
	}
	slices.SortStableFunc(out, func(a, b data.PoolRow) int { return b.Days - a.Days })
	page := data.PoolPage{Total: len(out)}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	if f.Offset < len(out) {
		page.Rows = out[f.Offset:min(len(out), f.Offset+limit)]
	}
	return page, nil
}

// PoolHistory is a card's moves through the pool, oldest first.
func (s *Store) PoolHistory(customerID uint64) ([]data.PoolMove, error) {
	var out []data.PoolMove
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPoolHistory)
		if b == nil {
			return nil
		}
		prefix := encodeUint(customerID)
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
			var m data.PoolMove
			if err := codec.Unmarshal(v, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// recordMove writes a pool move and its audit line, in tx.
func recordMove(tx *bolt.Tx, m data.PoolMove, by data.Actor) error {
	return recordMoveIn(tx, m, by, nil)
}

// recordMoveIn is recordMove with the audit line through ab (nil: on its own).
func recordMoveIn(tx *bolt.Tx, m data.PoolMove, by data.Actor, ab *auditBatch) error {
	return recordMoveAt(tx, m, by, m.At, ab)
}

// recordMoveAt records the move with its audit line dated auditAt.
func recordMoveAt(tx *bolt.Tx, m data.PoolMove, by data.Actor, auditAt time.Time, ab *auditBatch) error {
	b := tx.Bucket(bucketPoolHistory)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	if err := putRecord(b, pairKey(m.CustomerID, seq), m); err != nil {
		return err
	}
	if m.Action == data.PoolClaim {
		cb := tx.Bucket(bucketPoolClaims)
		cs, err := cb.NextSequence()
		if err != nil {
			return err
		}
		if err := putRecord(cb, pairKey(m.To, cs), m); err != nil {
			return err
		}
	}
	action := fmt.Sprintf("pool_%s from=%d to=%d", m.Action, m.From, m.To)
	if m.Reason != "" {
		action += " reason=" + m.Reason
	}
	return writeChangeIn(tx, data.Change{At: auditAt, ActorID: by.MemberID, Actor: by.Name, Action: action,
		Entity: "customer", EntityID: m.CustomerID, CustomerID: m.CustomerID}, ab)
}

// moveCard changes a card's owner in tx through the card's own write path and records the move.
func (s *Store) moveCard(tx *bolt.Tx, by data.Actor, c *data.Customer, to uint64, action data.PoolAction, reason string, rules data.GradeRules, now time.Time) (*indexRow, error) {
	return s.writeMove(tx, by, c, data.PoolMove{CustomerID: c.ID, At: now, By: by.MemberID, From: c.OwnerID, To: to, Action: action, Reason: reason}, rules, now)
}

func (s *Store) writeMove(tx *bolt.Tx, by data.Actor, c *data.Customer, m data.PoolMove, rules data.GradeRules, now time.Time) (*indexRow, error) {
	to := m.To
	c.OwnerID = to
	c.Version++
	c.UpdatedAt, c.UpdatedBy = now, by.MemberID
	row, err := s.writeCustomer(tx, c, c.CardNo, rules, now)
	if err != nil {
		return nil, err
	}
	return row, recordMove(tx, m, by)
}

// changeOwner re-reads the card in one transaction, lets check refuse the move, then moves it.
func (s *Store) changeOwner(by data.Actor, id uint64, action data.PoolAction, reason string, to uint64, check func(tx *bolt.Tx, c *data.Customer) error) (data.Customer, error) {
	now := s.now()
	rules := s.Settings().GradeRules
	var c data.Customer
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		if err := getRecord(tx.Bucket(bucketCustomers), encodeUint(id), &c); err != nil {
			return nil, fmt.Errorf("customer %d: %w", id, err)
		}
		if c.Archived {
			return nil, data.ErrArchived
		}
		if err := check(tx, &c); err != nil {
			return nil, err
		}
		row, err := s.moveCard(tx, by, &c, to, action, reason, rules, now)
		if err != nil {
			return nil, err
		}
		// Open deals a handover left in the pool with the card go to whoever takes the card.
		var deals []data.Opportunity
		if to != 0 {
			if deals, err = moveDeals(tx, by, s.unownedDeals(id), 0, to, now); err != nil {
				return nil, err
			}
		}
		return func(ix *index) {
			ix.put(row)
			for i := range deals {
				ix.putDeal(&deals[i])
			}
		}, nil
	})
	if err != nil {
		return c, fmt.Errorf("data: pool %s customer %d: %w", action, id, err)
	}
	return c, nil
}

// unownedDeals are the card's deals without an owner.
func (s *Store) unownedDeals(customerID uint64) []uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []uint64
	for id, o := range s.idx.opps {
		if o.CustomerID == customerID && o.OwnerID == 0 {
			out = append(out, id)
		}
	}
	return out
}

// Claim gives a pool card to the member, within the limits. The owner is re-read in the write
// transaction, and writes are serialised, so of two reps claiming at once exactly one gets it.
func (s *Store) Claim(by data.Actor, id uint64) (data.Customer, error) {
	if by.MemberID == 0 {
		return data.Customer{}, data.ErrNoMember // a pool card must go to someone
	}
	ps := s.Settings().Pool
	now := s.now()
	return s.changeOwner(by, id, data.PoolClaim, "", by.MemberID, func(tx *bolt.Tx, c *data.Customer) error {
		if c.OwnerID != 0 {
			return data.ErrNotInPool
		}
		return s.checkClaimLimits(tx, ps, by.MemberID, c.ID, now)
	})
}

func (s *Store) checkClaimLimits(tx *bolt.Tx, ps data.PoolSettings, member, card uint64, now time.Time) error {
	if ps.ClaimsPerDay > 0 {
		start := data.DateOf(now)
		n := 0
		prefix := encodeUint(member)
		c := tx.Bucket(bucketPoolClaims).Cursor()
		// The newest claims are last: walk back from the member's end until yesterday.
		var k, v []byte
		if k, _ = c.Seek(encodeUint(member + 1)); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Prev() {
			var m data.PoolMove
			if err := codec.Unmarshal(v, &m); err != nil {
				return err
			}
			if m.At.Before(start) {
				break
			}
			n++
		}
		if n >= ps.ClaimsPerDay {
			return &data.LimitError{Limit: "claims_per_day", Max: ps.ClaimsPerDay}
		}
	}
	if ps.MaxOwned > 0 {
		s.mu.RLock()
		n := 0
		for _, r := range s.idx.rows {
			if r.OwnerID == member && !r.Archived {
				n++
			}
		}
		s.mu.RUnlock()
		if n >= ps.MaxOwned {
			return &data.LimitError{Limit: "max_owned", Max: ps.MaxOwned}
		}
	}
	if ps.NoReclaimDays > 0 {
		prefix := encodeUint(card)
		c := tx.Bucket(bucketPoolHistory).Cursor()
		cutoff := data.DateOf(now).AddDate(0, 0, -ps.NoReclaimDays)
		for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
			var m data.PoolMove
			if err := codec.Unmarshal(v, &m); err != nil {
				return err
			}
			if m.From == member && m.To == 0 && m.Action == data.PoolRelease && !m.At.Before(cutoff) {
				return &data.LimitError{Limit: "no_reclaim_days", Max: ps.NoReclaimDays}
			}
		}
	}
	return nil
}

// Release gives the owner's card back to the pool; the reason is kept in its history.
func (s *Store) Release(by data.Actor, id uint64, reason string) (data.Customer, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		var fe data.FieldErrors
		fe.Add("reason", data.ErrRequired)
		return data.Customer{}, fe
	}
	return s.changeOwner(by, id, data.PoolRelease, reason, 0, func(_ *bolt.Tx, c *data.Customer) error {
		if c.OwnerID != by.MemberID {
			return data.ErrNotOwner
		}
		return nil
	})
}

// Assign gives a pool card to a member; the limits are a rep's own, not a manager's.
func (s *Store) Assign(by data.Actor, id, to uint64) (data.Customer, error) {
	m, ok := s.Member(to)
	if !ok {
		var fe data.FieldErrors
		fe.Add("owner", data.ErrUnknownMember)
		return data.Customer{}, fe
	}
	if !m.Active {
		return data.Customer{}, data.ErrInactiveTarget
	}
	return s.changeOwner(by, id, data.PoolAssign, "", to, func(_ *bolt.Tx, c *data.Customer) error {
		if c.OwnerID != 0 {
			return data.ErrNotInPool
		}
		return nil
	})
}

// idleSince is the day a card's owner last did anything with it: the last follow-up, or the day the
// card came to them, whichever is later. 0 when nothing tells.
func idleSince(r *indexRow, m data.PoolMove, owned bool) data.Day {
	d := r.LastFollowUp
	if owned && m.To == r.OwnerID && data.DayOf(m.At) > d {
		d = data.DayOf(m.At)
	}
	if d == 0 {
		d = r.FirstContact
	}
	return d
}

// poolCandidates are the owned cards the rules would return on day today + ahead.
// A card with no date in its row (never followed up, no first contact) counts from its creation,
// which only the stored card knows: created reads it.
func (s *Store) poolCandidates(moves map[uint64]data.PoolMove, ps data.PoolSettings, ownerID uint64, today data.Day, ahead int, created func(id uint64) data.Day) []data.PoolDueCard {
	var undated []*indexRow
	s.mu.RLock()
	var out []data.PoolDueCard
	for _, r := range s.idx.rows {
		if r.OwnerID == 0 || r.Archived || (ownerID != 0 && r.OwnerID != ownerID) {
			continue
		}
		days := ps.ReturnDays(r.Status, r.Grade)
		if days <= 0 {
			continue
		}
		m, ok := moves[r.ID]
		since := idleSince(r, m, ok)
		if since == 0 {
			undated = append(undated, r)
			continue
		}
		if at := since + data.Day(days); at <= today+data.Day(ahead) {
			out = append(out, data.PoolDueCard{Row: r.public(), ReturnsOn: at.Time()})
		}
	}
	s.mu.RUnlock()
	for _, r := range undated {
		since := created(r.ID)
		if since == 0 {
			continue
		}
		if at := since + data.Day(ps.ReturnDays(r.Status, r.Grade)); at <= today+data.Day(ahead) {
			out = append(out, data.PoolDueCard{Row: r.public(), ReturnsOn: at.Time()})
		}
	}
	return out
}

// createdIn reads a card's creation day in tx.
func createdIn(tx *bolt.Tx) func(id uint64) data.Day {
	b := tx.Bucket(bucketCustomers)
	return func(id uint64) data.Day {
		var c data.Customer
		if getRecord(b, encodeUint(id), &c) != nil {
			return 0
		}
		return data.DayOf(c.CreatedAt)
	}
}

// PoolDue lists the member's cards that return to the pool within the notice days (not yet due).
func (s *Store) PoolDue(ownerID uint64) ([]data.PoolDueCard, error) {
	ps := s.Settings().Pool
	today := data.DayOf(s.now())
	var all []data.PoolDueCard
	if err := s.view(func(tx *bolt.Tx) error {
		all = s.poolCandidates(lastMoves(tx), ps, ownerID, today, ps.NoticeDays, createdIn(tx))
		return nil
	}); err != nil {
		return nil, err
	}
	out := all[:0]
	for _, d := range all {
		if data.DayOf(d.ReturnsOn) > today {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b data.PoolDueCard) int { return a.ReturnsOn.Compare(b.ReturnsOn) })
	return out, nil
}

// SweepPool returns to the pool, in one transaction, every card whose owner logged no follow-up for
// the days its status and grade allow. A returned card's history starts its idle time anew only when
// someone takes it, so a second sweep finds nothing more to do.
func (s *Store) SweepPool(now time.Time) (int, error) { return s.sweepPool(now, false) }

// sweepPool is the sweep; with history it is the demo's, which makes a file look as if the sweep had
// run every day of the demo's past: each card returns on the day it fell due, and the audit line says
// so at now, when the file learns of it (the trail's lines stay in time order).
func (s *Store) sweepPool(now time.Time, history bool) (int, error) {
	ps := s.Settings().Pool
	rules := s.Settings().GradeRules
	today := data.DayOf(now)
	by := data.Actor{Name: "pool sweep"}
	var n int
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		moves := lastMoves(tx)
		due := s.poolCandidates(moves, ps, 0, today, 0, createdIn(tx))
		if len(due) == 0 {
			return nil, nil
		}
		if s.readOnly {
			return nil, data.ErrReadOnly
		}
		slices.SortFunc(due, func(a, b data.PoolDueCard) int { return cmp.Compare(a.Row.ID, b.Row.ID) })
		cb, rb := tx.Bucket(bucketCustomers), tx.Bucket(bucketRows)
		// The stored bytes are read in order, changed on every core (decoding and encoding are most of
		// a sweep of many cards, such as the demo's), and written back in order.
		type sweptCard struct {
			card, rec []byte // as stored, then as changed
			c         data.Customer
			from      uint64 // the owner it is taken from
			row       *indexRow
			skip      bool
		}
		swept := make([]sweptCard, len(due))
		for i, d := range due {
			key := encodeUint(d.Row.ID)
			if swept[i].card = cb.Get(key); swept[i].card == nil {
				return nil, fmt.Errorf("customer %d: %w", d.Row.ID, data.ErrNotFound)
			}
			swept[i].rec = rb.Get(key)
		}
		if err := eachOnCores(len(due), func(i int) error {
			w, id := &swept[i], due[i].Row.ID
			if err := codec.Unmarshal(w.card, &w.c); err != nil {
				return fmt.Errorf("customer %d: %w", id, err)
			}
			c := &w.c
			if w.skip = c.OwnerID == 0 || c.Archived; w.skip {
				return nil
			}
			w.from, c.OwnerID = c.OwnerID, 0
			c.Version++
			c.UpdatedAt, c.UpdatedBy = now, by.MemberID
			var err error
			if w.card, err = codec.Marshal(c); err != nil {
				return fmt.Errorf("save customer %d: %w", c.ID, err)
			}
			// Only the owner changes, and the stored row already holds the rest (its pinyin and
			// search texts, which are what building a row costs): it is read back and changed. The
			// owner is one of the card's fields, so its completeness changes too.
			var rec rowRecord
			if w.rec == nil || codec.Unmarshal(w.rec, &rec) != nil {
				rec = buildRecord(c)
			}
			rec.OwnerID = 0
			rec.Completeness = c.Completeness().Percent()
			if w.rec, err = codec.Marshal(rec); err != nil {
				return fmt.Errorf("save customer %d's row: %w", c.ID, err)
			}
			w.row = graded(&rec, rules, now)
			return nil
		}); err != nil {
			return nil, err
		}
		rows := make([]*indexRow, 0, len(due))
		var ab auditBatch
		for i, d := range due {
			w := &swept[i]
			if w.skip {
				continue
			}
			c := &w.c
			key := encodeUint(c.ID)
			if err := cb.Put(key, w.card); err != nil {
				return nil, fmt.Errorf("save customer %d: %w", c.ID, err)
			}
			if err := rb.Put(key, w.rec); err != nil {
				return nil, fmt.Errorf("save customer %d's row: %w", c.ID, err)
			}
			days := ps.ReturnDays(c.Status, d.Row.Grade)
			m := data.PoolMove{CustomerID: c.ID, At: now, From: w.from, Action: data.PoolReturn, IdleDays: days,
				Reason: fmt.Sprintf("no follow-up for %d days", days)}
			auditAt := now
			if history {
				m.At = d.ReturnsOn
			}
			if err := recordMoveAt(tx, m, by, auditAt, &ab); err != nil {
				return nil, err
			}
			rows = append(rows, w.row)
		}
		if err := ab.flush(tx); err != nil {
			return nil, err
		}
		n = len(rows)
		return func(ix *index) { ix.putMany(rows) }, nil
	})
	if err != nil {
		return 0, fmt.Errorf("data: pool sweep: %w", err)
	}
	return n, nil
}
