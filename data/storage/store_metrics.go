package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"salesdesk/data"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
	bolt "go.etcd.io/bbolt"
)

// bucketPeriodPlans holds what a manager writes per period (migration 5): period text ("2024Q1",
// "2024-03", "2024") → its targets and its notes.
var bucketPeriodPlans = []byte("period_plans")

// periodPlan is one period's stored record. Targets and notes share it: a period has few of either,
// and one record keeps one key per period.
type periodPlan struct {
	Team      data.Targets            `msgpack:"t"`
	Owners    map[uint64]data.Targets `msgpack:"o"`
	Problems  string                  `msgpack:"p"`
	Measures  string                  `msgpack:"m"`
	UpdatedAt time.Time               `msgpack:"u"`
	UpdatedBy uint64                  `msgpack:"b"`
}

func (pl periodPlan) targets() data.TargetSet {
	return data.TargetSet{Team: pl.Team, Owners: pl.Owners}
}

// loadPlan reads a period's plan; a file from before migration 5 (opened read-only, unmigrated) has
// none.
func loadPlan(tx *bolt.Tx, p data.Period) (periodPlan, error) {
	var pl periodPlan
	b := tx.Bucket(bucketPeriodPlans)
	if b == nil {
		return pl, nil
	}
	if err := getRecord(b, []byte(p.String()), &pl); err != nil && err != data.ErrNotFound {
		return pl, fmt.Errorf("data: read the plan of %s: %w", p, err)
	}
	return pl, nil
}

// updatePlan changes a period's plan in one transaction with its audit line.
func (s *Store) updatePlan(by data.Actor, p data.Period, what string, change func(*periodPlan)) error {
	if !p.Valid() {
		return fmt.Errorf("data: save %s: %w", what, data.ErrPeriod)
	}
	now := s.now()
	return s.update(func(tx *bolt.Tx) (func(*index), error) {
		pl, err := loadPlan(tx, p)
		if err != nil {
			return nil, err
		}
		before := pl
		before.Owners = maps.Clone(pl.Owners)
		change(&pl)
		pl.UpdatedAt, pl.UpdatedBy = now, by.MemberID
		if err := putRecord(tx.Bucket(bucketPeriodPlans), []byte(p.String()), pl); err != nil {
			return nil, fmt.Errorf("data: save %s of %s: %w", what, p, err)
		}
		return nil, auditFields(tx, now, by, what+" "+p.String(), "period", 0, diffFields(&before, &pl))
	})
}

// Targets returns the targets set for a period itself (what the targets form edits); a report shows
// the targets in force, which may come from the enclosing quarter or year (Effective).
func (s *Store) Targets(p data.Period) (data.TargetSet, error) {
	var pl periodPlan
	err := s.view(func(tx *bolt.Tx) (err error) { pl, err = loadPlan(tx, p); return err })
	return pl.targets(), err
}

// SaveTargets replaces a period's targets, the team's and each rep's. A target must be a positive
// number (a percent at most 100); a problem is reported at its metric (TargetField), and a rep must
// be a member of the team.
func (s *Store) SaveTargets(by data.Actor, p data.Period, t data.TargetSet) error {
	fe := t.Validate()
	for id := range t.Owners {
		if id != 0 {
			s.checkMember(&fe, "owners."+fmt.Sprint(id), id)
		}
	}
	if fe.Any() {
		return fe
	}
	team := data.Targets{}
	for m, v := range t.Team {
		team[m] = v
	}
	owners := map[uint64]data.Targets{}
	for id, ot := range t.Owners {
		if len(ot) == 0 {
			continue
		}
		cp := data.Targets{}
		for m, v := range ot {
			cp[m] = v
		}
		owners[id] = cp
	}
	return s.updatePlan(by, p, "targets", func(pl *periodPlan) { pl.Team, pl.Owners = team, owners })
}

// PeriodNotes returns a period's main problems and measures.
func (s *Store) PeriodNotes(p data.Period) (data.PeriodNotes, error) {
	var pl periodPlan
	err := s.view(func(tx *bolt.Tx) (err error) { pl, err = loadPlan(tx, p); return err })
	return data.PeriodNotes{Problems: pl.Problems, Measures: pl.Measures}, err
}

// SavePeriodNotes replaces a period's main problems and measures.
func (s *Store) SavePeriodNotes(by data.Actor, p data.Period, n data.PeriodNotes) error {
	n.Problems, n.Measures = strings.TrimSpace(n.Problems), strings.TrimSpace(n.Measures)
	var fe data.FieldErrors
	if len(n.Problems) > data.MaxText {
		fe.Add("problems", data.ErrTooLong)
	}
	if len(n.Measures) > data.MaxText {
		fe.Add("measures", data.ErrTooLong)
	}
	if fe.Any() {
		return fe
	}
	return s.updatePlan(by, p, "notes", func(pl *periodPlan) { pl.Problems, pl.Measures = n.Problems, n.Measures })
}

// metricsSnapshot is what the metrics read of memory, taken under the lock in one go; the rows are
// immutable, so the figures are computed after letting go of it.
type metricsSnapshot struct {
	deals   []*data.OpportunityRow
	stages  []data.StageDef
	members []data.Member
	gen     uint64
	l       *data.Ledger
}

// ledger is the snapshot's deals as the metrics read them, built on first use.
func (snap *metricsSnapshot) ledger() *data.Ledger {
	if snap.l == nil {
		snap.l = data.NewLedger(snap.deals, snap.stages)
	}
	return snap.l
}

func (s *Store) snapshot() *metricsSnapshot {
	_ = s.LoadDeals() // a failure shows in every write and in Check
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := &metricsSnapshot{deals: make([]*data.OpportunityRow, 0, len(s.idx.opps)),
		stages: slices.Clone(s.idx.settings.Stages), members: make([]data.Member, 0, len(s.idx.members)), gen: s.gen}
	for _, o := range s.idx.opps {
		snap.deals = append(snap.deals, o)
	}
	for _, m := range s.idx.members {
		snap.members = append(snap.members, m)
	}
	return snap
}

// customerInfo names customers for the segmentation, from the rows in memory.
func (s *Store) customerInfo(ids []uint64) []data.CustomerInfo {
	out := make([]data.CustomerInfo, len(ids))
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i, id := range ids {
		if r, ok := s.idx.rows[id]; ok {
			out[i] = data.CustomerInfo{Name: r.Name, CardNo: r.CardNo, Category: r.Category}
		}
	}
	return out
}

// plansFor reads the plans of the periods and of the quarters and years holding them, in one read.
func (s *Store) plansFor(periods []data.Period) (map[data.Period]periodPlan, error) {
	plans := map[data.Period]periodPlan{}
	err := s.view(func(tx *bolt.Tx) error {
		for _, p := range periods {
			for q, ok := p, true; ok; q, ok = q.Parent() {
				if _, done := plans[q]; done {
					continue
				}
				pl, err := loadPlan(tx, q)
				if err != nil {
					return err
				}
				plans[q] = pl
			}
		}
		return nil
	})
	return plans, err
}

// reportsOf builds the reports of periods from one snapshot and one read of the plans.
func (s *Store) reportsOf(snap *metricsSnapshot, periods []data.Period) ([]data.PeriodReport, error) {
	for _, p := range periods {
		if !p.Valid() {
			return nil, fmt.Errorf("data: report: %w", data.ErrPeriod)
		}
	}
	plans, err := s.plansFor(periods)
	if err != nil {
		return nil, err
	}
	l := snap.ledger()
	out := make([]data.PeriodReport, len(periods))
	for i, p := range periods {
		var sets []data.TargetSet
		for q, ok := p, true; ok; q, ok = q.Parent() {
			sets = append(sets, plans[q].targets())
		}
		team, owners := l.Figures(p)
		pl := plans[p]
		out[i] = data.BuildReport(p, team, owners, sets, snap.members, data.PeriodNotes{Problems: pl.Problems, Measures: pl.Measures})
	}
	return out, nil
}

// Report is a period's row of the quarterly table, the team's and each rep's, against the targets in
// force, with the period's notes.
func (s *Store) Report(p data.Period) (data.PeriodReport, error) {
	r, err := s.reportsOf(s.snapshot(), []data.Period{p})
	if err != nil {
		return data.PeriodReport{}, err
	}
	return r[0], nil
}

// Reports are the n periods of end's kind that finish with end, oldest first: the quarterly table
// and the trend charts.
func (s *Store) Reports(end data.Period, n int) ([]data.PeriodReport, error) {
	if !end.Valid() {
		return nil, fmt.Errorf("data: reports: %w", data.ErrPeriod)
	}
	return s.reportsOf(s.snapshot(), data.LastPeriods(end, n))
}

// Dashboard computes the metrics screen for a period with trend periods (at least 1) of history.
//
// The funnel reads the deals' histories from the file while the figures are computed in memory: on
// two cores that is most of a third of the screen's time saved at 200k deals.
func (s *Store) Dashboard(p data.Period, trend int) (data.Dashboard, error) {
	if !p.Valid() {
		return data.Dashboard{}, fmt.Errorf("data: dashboard: %w", data.ErrPeriod)
	}
	snap := s.snapshot()
	// The funnel's goroutine reads the file in a transaction of its own; it ends before Dashboard
	// returns, whatever happens here, so that no read runs on after the caller closes the store.
	var g group
	defer func() { _ = g.wait() }()
	var funnel []data.FunnelStep
	g.do(func() error {
		var err error
		funnel, err = s.funnelOf(snap, p)
		return err
	})
	reports, err := s.reportsOf(snap, data.LastPeriods(p, max(trend, 1)))
	if err != nil {
		return data.Dashboard{}, err
	}
	d := data.Dashboard{Period: p, Report: reports[len(reports)-1], Trend: reports}
	from, to := p.Days()
	d.Segments = snap.ledger().Segment(s.customerInfo, from, to).Summary()
	if err := g.wait(); err != nil {
		return data.Dashboard{}, err
	}
	d.Funnel = funnel
	return d, nil
}

// PeriodFunnel is the funnel of the leads created in a period.
func (s *Store) PeriodFunnel(p data.Period) ([]data.FunnelStep, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("data: funnel: %w", data.ErrPeriod)
	}
	return s.funnelOf(s.snapshot(), p)
}

// funnelOf reads the histories of the period's leads in one read transaction, in key order (FunnelOf
// opens one per deal, which at tens of thousands of deals is most of the screen's time).
func (s *Store) funnelOf(snap *metricsSnapshot, p data.Period) ([]data.FunnelStep, error) {
	from, to := p.Days()
	var in []*data.OpportunityRow
	for _, o := range snap.deals {
		if o.Created >= from && o.Created < to {
			in = append(in, o)
		}
	}
	slices.SortFunc(in, func(a, b *data.OpportunityRow) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	// Funnel counts a deal up to the furthest stage it reached, so each deal's history is cut down to
	// that stage as it is read: one line per deal instead of all of them.
	rank := map[string]int{}
	for i, st := range snap.stages {
		if st.Kind != data.StageLost {
			rank[st.Key] = i + 1
		}
	}
	furthest := make([]data.StageChange, len(in))
	history := make(map[uint64][]data.StageChange, len(in))
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHistory)
		if b == nil {
			return nil
		}
		var rd bytes.Reader
		dec := msgpack.NewDecoder(&rd)
		c := b.Cursor()
		var buf [64]byte
		prefix := make([]byte, 8)
		for i, o := range in {
			binary.BigEndian.PutUint64(prefix, o.ID)
			// A line counts once the next is read: an undo line takes back the move before it.
			best, last := 0, 0
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				rd.Reset(v)
				to, undo, err := stageTo(dec, buf[:])
				if err != nil {
					return fmt.Errorf("data: history of deal %d: %w", o.ID, err)
				}
				if !undo {
					best = max(best, last)
				}
				last = rank[string(to)]
			}
			if best = max(best, last); best > 0 {
				furthest[i].To = snap.stages[best-1].Key
			}
			if best > 0 {
				history[o.ID] = furthest[i : i+1 : i+1]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return data.Funnel(in, history, snap.stages, p.Start(), p.End()), nil
}

// stageTo reads only the stage a history line moved to, into buf when it fits. The funnel needs
// nothing else (each line's "from" is the line before's "to"), and decoding whole lines by reflection,
// a string allocated per field, was most of the funnel's time at tens of thousands of deals.
func stageTo(dec *msgpack.Decoder, buf []byte) (to []byte, undo bool, err error) {
	n, err := dec.DecodeMapLen()
	if err != nil {
		return nil, false, err
	}
	var keyBuf [8]byte // the keys are the one-letter msgpack tags of StageChange
	for range n {
		kl, err := dec.DecodeBytesLen()
		if err != nil {
			return nil, false, err
		}
		key := keyBuf[:0]
		if kl > 0 {
			if kl > len(keyBuf) {
				key = make([]byte, kl)
			}
			key = key[:kl]
			if err := dec.ReadFull(key); err != nil {
				return nil, false, err
			}
		}
		if string(key) == "u" {
			if undo, err = dec.DecodeBool(); err != nil {
				return nil, false, err
			}
			continue
		}
		if string(key) != "o" {
			if err := dec.Skip(); err != nil {
				return nil, false, err
			}
			continue
		}
		vl, err := dec.DecodeBytesLen()
		if err != nil || vl <= 0 {
			return nil, undo, err
		}
		to = buf[:0]
		if vl > len(buf) {
			to = make([]byte, vl)
		}
		to = to[:vl]
		if err := dec.ReadFull(to); err != nil {
			return nil, false, err
		}
	}
	return to, undo, nil
}

// derivedCache keeps the all-time segmentation between writes: the customer card shows a customer's
// class and segment and the list filters by them, and neither should recompute 100k customers.
type derivedCache struct {
	mu  sync.Mutex
	gen uint64
	day data.Day
	seg *data.Segmentation
	// period is the last segmentation of a period asked for, which an export pages through.
	periodKey segmentKey
	period    *data.Segmentation
}

type segmentKey struct {
	gen, owner uint64
	from, to   data.Day
}

// Segments is the segmentation of every deal won up to today, as of today: the ABC class and RFM
// segment the customer card and the customer list's filter show. It is computed once per change of
// the file and per day (recency moves with the calendar) and shared: do not modify it.
func (s *Store) Segments() *data.Segmentation {
	today := data.DayOf(s.now())
	s.derived.mu.Lock()
	defer s.derived.mu.Unlock()
	s.mu.RLock()
	gen := s.gen
	s.mu.RUnlock()
	if c := &s.derived; c.seg != nil && c.gen == gen && c.day == today {
		return c.seg
	}
	snap := s.snapshot()
	seg := data.Segment(snap.deals, snap.stages, s.customerInfo, 0, today+1)
	s.derived.gen, s.derived.day, s.derived.seg = snap.gen, today, seg
	return seg
}

// SegmentsFor is the segmentation of a period's sales, with RFM as of the period's end.
func (s *Store) SegmentsFor(p data.Period) *data.Segmentation {
	from, to := p.Days()
	return s.segmentsFor(0, from, to)
}

// segmentsFor is the segmentation of [from, to) over owner's deals (0: the team's), kept while the
// file does not change, so that paging through it figures it once.
func (s *Store) segmentsFor(owner uint64, from, to data.Day) *data.Segmentation {
	s.mu.RLock()
	key := segmentKey{gen: s.gen, owner: owner, from: from, to: to}
	s.mu.RUnlock()
	c := &s.derived
	c.mu.Lock()
	seg := c.period
	hit := seg != nil && c.periodKey == key
	c.mu.Unlock()
	if hit {
		return seg
	}
	if owner != 0 {
		seg = s.segmentsOf(owner, from, to)
	} else {
		snap := s.snapshot()
		seg = data.Segment(snap.deals, snap.stages, s.customerInfo, from, to)
	}
	// Kept under the generation read before the work: a write meanwhile makes the next call figure
	// it again.
	c.mu.Lock()
	c.periodKey, c.period = key, seg
	c.mu.Unlock()
	return seg
}
