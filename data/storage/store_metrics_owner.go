package storage

import (
	"fmt"
	"salesdesk/data"
	"time"
)

// The metrics of one owner's deals: what a rep's metrics screen shows (a rep sees no other rep's
// rows). They are the team's computations over a snapshot that holds only that owner's deals, so the
// figures agree with the owner's row of the team's report.

func (s *Store) snapshotOf(owner uint64) *metricsSnapshot {
	snap := s.snapshot()
	mine := snap.deals[:0:0]
	for _, o := range snap.deals {
		if o.OwnerID == owner {
			mine = append(mine, o)
		}
	}
	snap.deals = mine
	return snap
}

// ownReport keeps of a report the owner's own row: the team's figures are the owner's own, computed
// from the owner's deals alone.
func ownReport(r data.PeriodReport, owner uint64) data.PeriodReport {
	var own []data.OwnerReport
	for _, o := range r.Owners {
		if o.OwnerID == owner {
			own = append(own, o)
		}
	}
	r.Owners = own
	if len(own) == 1 {
		r.Targets = own[0].Targets // the team's targets are not the rep's to measure against
	}
	r.Misses = nil // they compare the team's targets; a rep's own misses are not computed yet
	return r
}

func (s *Store) reportsOfOwner(owner uint64, periods []data.Period) ([]data.PeriodReport, error) {
	out, err := s.reportsOf(s.snapshotOf(owner), periods)
	for i := range out {
		out[i] = ownReport(out[i], owner)
	}
	return out, err
}

func (s *Store) dashboardOf(owner uint64, p data.Period, trend int) (data.Dashboard, error) {
	if !p.Valid() {
		return data.Dashboard{}, fmt.Errorf("data: dashboard: %w", data.ErrPeriod)
	}
	snap := s.snapshotOf(owner)
	reports, err := s.reportsOf(snap, data.LastPeriods(p, max(trend, 1)))
	if err != nil {
		return data.Dashboard{}, err
	}
	for i := range reports {
		reports[i] = ownReport(reports[i], owner)
	}
	d := data.Dashboard{Period: p, Report: reports[len(reports)-1], Trend: reports}
	from, to := p.Days()
	d.Segments = snap.ledger().Segment(s.customerInfo, from, to).Summary()
	if d.Funnel, err = s.funnelOf(snap, p); err != nil {
		return data.Dashboard{}, err
	}
	return d, nil
}

func (s *Store) segmentsOf(owner uint64, from, to data.Day) *data.Segmentation {
	snap := s.snapshotOf(owner)
	return data.Segment(snap.deals, snap.stages, s.customerInfo, from, to)
}

func (s *Store) funnelOfOwner(owner uint64, from, to time.Time) ([]data.FunnelStep, error) {
	var in []*data.OpportunityRow
	history := map[uint64][]data.StageChange{}
	for _, r := range s.Opportunities(data.OpportunityFilter{OwnerID: owner}) {
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
