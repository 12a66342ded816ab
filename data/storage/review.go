package storage

import (
	"fmt"
	"salesdesk/data"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// putReview records who reviewed the card, in the transaction that marks it reviewed.
func putReview(tx *bolt.Tx, customerID uint64, r data.Review) error {
	b := tx.Bucket(bucketReviews)
	if b == nil {
		return nil // a file not yet migrated (read-only open): MarkReviewed cannot write there anyway
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putRecord(b, pairKey(customerID, seq), r)
}

// Reviews are the card's reviews, oldest first.
func (s *Store) Reviews(customerID uint64) ([]data.Review, error) {
	var out []data.Review
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReviews)
		if b == nil {
			return nil
		}
		prefix := string(encodeUint(customerID))
		c := b.Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
			var r data.Review
			if err := codec.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("review of customer %d: %w", customerID, err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// weekStart is the Monday of now's week.
func weekStart(now time.Time) data.Day {
	d := data.DayOf(now)
	wd := int(now.Weekday()+6) % 7 // Monday 0
	return d - data.Day(wd)
}

func reviewDue(r *indexRow, now time.Time) bool {
	return r.Status != data.StatusLost && r.Status != data.StatusInvalid && data.ReviewDue(r.Grade, r.LastReviewed.Time(), now)
}

// WeeklyReview is the team's review as of now, one line per member who owns cards or is a rep.
func (s *Store) WeeklyReview() ([]data.RepReview, error) {
	if err := s.LoadDeals(); err != nil {
		return nil, err
	}
	now := s.now()
	today, monday := data.DayOf(now), weekStart(now)
	st := s.Settings()
	s.mu.RLock()
	defer s.mu.RUnlock()
	by := map[uint64]*data.RepReview{}
	for _, m := range s.idx.members {
		if m.Role == data.MemberRep && m.Active {
			by[m.ID] = &data.RepReview{Member: m}
		}
	}
	line := func(id uint64) *data.RepReview {
		if rr, ok := by[id]; ok {
			return rr
		}
		m, ok := s.idx.members[id]
		if !ok {
			return nil
		}
		rr := &data.RepReview{Member: m}
		by[id] = rr
		return rr
	}
	for _, r := range s.idx.rows {
		if r.OwnerID == 0 || r.Archived {
			continue
		}
		rr := line(r.OwnerID)
		if rr == nil {
			continue
		}
		rr.Cards++
		if reviewDue(r, now) {
			rr.Due++
		}
		if r.LastReviewed >= monday {
			rr.ReviewedThisWeek++
		}
		if t := r.LastFollowUp.Time(); t.After(rr.LastActivity) {
			rr.LastActivity = t
		}
		if !r.NextFollowUp.IsZero() && r.NextFollowUp < today {
			rr.OverdueFollowUps++
		}
	}
	for _, o := range s.idx.opps {
		if o.OwnerID == 0 || o.Unqualified {
			continue
		}
		def, ok := st.Stage(o.Stage)
		if !ok || !o.Idle(def, now) {
			continue
		}
		if rr := line(o.OwnerID); rr != nil {
			rr.IdleDeals++
		}
	}
	out := make([]data.RepReview, 0, len(by))
	for _, rr := range by {
		out = append(out, *rr)
	}
	slices.SortFunc(out, func(a, b data.RepReview) int { return strings.Compare(a.Member.Name, b.Member.Name) })
	return out, nil
}

// ReviewCards are a member's cards due for review, never reviewed first, at most limit (0: 200).
func (s *Store) ReviewCards(memberID uint64, limit int) ([]*data.CustomerRow, error) {
	if limit <= 0 {
		limit = 200
	}
	now := s.now()
	s.mu.RLock()
	var out []*indexRow
	for _, r := range s.idx.rows {
		if r.OwnerID == memberID && !r.Archived && reviewDue(r, now) {
			out = append(out, r)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *indexRow) int {
		if a.LastReviewed != b.LastReviewed {
			return int(a.LastReviewed - b.LastReviewed)
		}
		return int(a.ID) - int(b.ID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	rows := make([]*data.CustomerRow, len(out))
	for i, r := range out {
		rows[i] = r.public()
	}
	return rows, nil
}
