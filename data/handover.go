package data

import (
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// HandoverRequest moves a rep's customers, with their open deals and planned follow-ups, to another
// rep or (To 0) to the pool. An empty Customers list means every active card of From.
type HandoverRequest struct {
	From      uint64   `json:"from"`
	To        uint64   `json:"to"`
	Customers []uint64 `json:"customers,omitempty"`
	Reason    string   `json:"reason,omitempty"`
}

// HandoverCounts are what a handover moves (the preview) or moved (the result).
type HandoverCounts struct {
	Customers int `json:"customers"`
	OpenDeals int `json:"open_deals"`
	// Planned counts the planned next follow-ups and the actions awaiting their result on those
	// cards: they belong to the card and go with it.
	Planned int `json:"planned"`
}

// handoverPlan is what a handover would move, read from the index.
type handoverPlan struct {
	cards  []uint64
	deals  []uint64
	counts HandoverCounts
}

func (s *Store) checkHandover(h HandoverRequest) error {
	var fe FieldErrors
	if _, ok := s.Member(h.From); !ok {
		fe.Add("from", ErrUnknownMember)
	}
	if h.To != 0 {
		m, ok := s.Member(h.To)
		switch {
		case !ok:
			fe.Add("to", ErrUnknownMember)
		case !m.Active:
			return ErrInactiveTarget
		case h.To == h.From:
			fe.Add("to", ErrSameMember)
		}
	}
	if fe.Any() {
		return fe
	}
	return nil
}

// ErrSameMember refuses a handover to the member who has the cards.
var ErrSameMember = &poolError{"the cards already belong to this member", CodeInvalid}

func (s *Store) planHandover(h HandoverRequest) (handoverPlan, error) {
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
				return p, fmt.Errorf("customer %d: %w", id, ErrNotTheirs)
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
		if def, ok := st.Stage(o.Stage); ok && (def.Kind == StageWon || def.Kind == StageLost) {
			continue
		}
		p.deals = append(p.deals, id)
	}
	slices.Sort(p.cards)
	slices.Sort(p.deals)
	p.counts.Customers, p.counts.OpenDeals = len(p.cards), len(p.deals)
	return p, nil
}

// ErrNotTheirs refuses a chosen card the handover's source member does not own.
var ErrNotTheirs = &poolError{"the card does not belong to the member handing over", CodeInvalid}

// HandoverPreview counts what Handover would move, writing nothing.
func (s *Store) HandoverPreview(h HandoverRequest) (HandoverCounts, error) {
	if err := s.checkHandover(h); err != nil {
		return HandoverCounts{}, err
	}
	p, err := s.planHandover(h)
	return p.counts, err
}

// Handover moves the cards, their open deals and planned follow-ups in one transaction: all of it or
// nothing. Each card's pool history records the move; one audit line records the batch.
func (s *Store) Handover(by Actor, h HandoverRequest) (HandoverCounts, error) {
	if err := s.checkHandover(h); err != nil {
		return HandoverCounts{}, err
	}
	p, err := s.planHandover(h)
	if err != nil {
		return HandoverCounts{}, err
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
			var c Customer
			if err := getRecord(cb, encodeUint(id), &c); err != nil {
				return nil, fmt.Errorf("customer %d: %w", id, err)
			}
			if c.OwnerID != h.From {
				return nil, ErrConflict // changed since the plan: the manager previews again
			}
			row, err := s.moveCard(tx, by, &c, h.To, PoolHandover, reason, rules, now)
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
		return HandoverCounts{}, fmt.Errorf("data: handover: %w", err)
	}
	return p.counts, nil
}

// moveDeals gives the deals owned by from to to, in tx; a deal another member took meanwhile stays.
func moveDeals(tx *bolt.Tx, by Actor, ids []uint64, from, to uint64, now time.Time) ([]Opportunity, error) {
	var out []Opportunity
	b := tx.Bucket(bucketOpps)
	for _, id := range ids {
		var o Opportunity
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
