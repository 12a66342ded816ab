package storage

import (
	"fmt"
	"salesdesk/data"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// handoverPlan is what a handover would move, read from the index.
type handoverPlan struct {
	cards  []uint64
	deals  []uint64
	counts data.HandoverCounts
}

func (s *Store) checkHandover(h data.HandoverRequest) error {
	var fe data.FieldErrors
	if _, ok := s.Member(h.From); !ok {
		fe.Add("from", data.ErrUnknownMember)
	}
	if h.To != 0 {
		m, ok := s.Member(h.To)
		switch {
		case !ok:
			fe.Add("to", data.ErrUnknownMember)
		case !m.Active:
			return data.ErrInactiveTarget
		case h.To == h.From:
			fe.Add("to", data.ErrSameMember)
		}
	}
	if fe.Any() {
		return fe
	}
	return nil
}

func (s *Store) planHandover(h data.HandoverRequest) (handoverPlan, error) {
	if err := s.LoadDeals(); err != nil {
		return handoverPlan{}, err
	}
	st := s.Settings()
	var p handoverPlan
	s.mu.RLock()
	defer s.mu.RUnlock()
	pick := map[uint64]bool{}
	if len(h.Customers) > 0 {
		for _, id := range h.Customers {
			r, ok := s.idx.rows[id]
			if !ok || r.OwnerID != h.From || r.Archived {
				return p, fmt.Errorf("customer %d: %w", id, data.ErrNotTheirs)
			}
			pick[id] = true
		}
	} else {
		for id, r := range s.idx.rows {
			if r.OwnerID == h.From && !r.Archived {
				pick[id] = true
			}
		}
	}
	for id := range pick {
		p.cards = append(p.cards, id)
		if !s.idx.rows[id].NextFollowUp.IsZero() {
			p.counts.Planned++
		}
	}
	for _, oa := range s.idx.openActions {
		if pick[oa.CustomerID] {
			p.counts.Planned++
		}
	}
	for id, o := range s.idx.opps {
		if !pick[o.CustomerID] || o.OwnerID != h.From || o.Unqualified {
			continue
		}
		if def, ok := st.Stage(o.Stage); ok && (def.Kind == data.StageWon || def.Kind == data.StageLost) {
			continue
		}
		p.deals = append(p.deals, id)
	}
	slices.Sort(p.cards)
	slices.Sort(p.deals)
	p.counts.Customers, p.counts.OpenDeals = len(p.cards), len(p.deals)
	return p, nil
}

// HandoverPreview counts what Handover would move, writing nothing.
func (s *Store) HandoverPreview(h data.HandoverRequest) (data.HandoverCounts, error) {
	if err := s.checkHandover(h); err != nil {
		return data.HandoverCounts{}, err
	}
	p, err := s.planHandover(h)
	return p.counts, err
}

// Handover moves the cards, their open deals and planned follow-ups in one transaction: all of it or
// nothing. Each card's pool history records the move; one audit line records the batch.
func (s *Store) Handover(by data.Actor, h data.HandoverRequest) (data.HandoverCounts, error) {
	if err := s.checkHandover(h); err != nil {
		return data.HandoverCounts{}, err
	}
	p, err := s.planHandover(h)
	if err != nil {
		return data.HandoverCounts{}, err
	}
	now := s.now()
	rules := s.Settings().GradeRules
	reason := strings.TrimSpace(h.Reason)
	if reason == "" {
		reason = "handover"
	}
	err = s.update(func(tx *bolt.Tx) (func(*index), error) {
		rows := make([]*indexRow, 0, len(p.cards))
		cb := tx.Bucket(bucketCustomers)
		for _, id := range p.cards {
			var c data.Customer
			if err := getRecord(cb, encodeUint(id), &c); err != nil {
				return nil, fmt.Errorf("customer %d: %w", id, err)
			}
			if c.OwnerID != h.From {
				return nil, data.ErrConflict // changed since the plan: the manager previews again
			}
			row, err := s.moveCard(tx, by, &c, h.To, data.PoolHandover, reason, rules, now)
			if err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
		deals, err := moveDeals(tx, by, p.deals, h.From, h.To, now)
		if err != nil {
			return nil, err
		}
		if err := audit(tx, now, by, fmt.Sprintf("handover from=%d to=%d customers=%d deals=%d planned=%d",
			h.From, h.To, p.counts.Customers, p.counts.OpenDeals, p.counts.Planned), "member", h.From); err != nil {
			return nil, err
		}
		return func(ix *index) {
			ix.putMany(rows)
			for i := range deals {
				ix.putDeal(&deals[i])
			}
		}, nil
	})
	if err != nil {
		return data.HandoverCounts{}, fmt.Errorf("data: handover: %w", err)
	}
	return p.counts, nil
}

// moveDeals gives the deals owned by from to to, in tx; a deal another member took meanwhile stays.
func moveDeals(tx *bolt.Tx, by data.Actor, ids []uint64, from, to uint64, now time.Time) ([]data.Opportunity, error) {
	var out []data.Opportunity
	b := tx.Bucket(bucketOpps)
	for _, id := range ids {
		var o data.Opportunity
		if err := getRecord(b, encodeUint(id), &o); err != nil {
			return nil, fmt.Errorf("deal %d: %w", id, err)
		}
		if o.OwnerID != from {
			continue
		}
		o.OwnerID = to
		o.Version++
		o.UpdatedAt, o.UpdatedBy = now, by.MemberID
		if err := putDeal(tx, &o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
