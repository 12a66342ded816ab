package storage

import (
	"salesdesk/data"
)

// The pool, handover and review as the session's member may use them. Any member may list the pool,
// claim from it and release their own cards; assigning, handing over and the review are a manager's.

func (s *Session) PoolCards(f data.PoolFilter) (data.PoolPage, error) { return s.st.PoolCards(f) }

// PoolHistory shows a card's moves to whoever may see the card: a rep sees pool cards and their own.
func (s *Session) PoolHistory(customerID uint64) ([]data.PoolMove, error) {
	if err := s.mayOpen(customerID); err != nil {
		return nil, err
	}
	return s.st.PoolHistory(customerID)
}

func (s *Session) mayOpen(customerID uint64) error {
	if s.Can(data.PermViewAll) {
		return nil
	}
	r, ok := s.st.Row(customerID)
	if !ok {
		return data.ErrNotFound
	}
	if r.OwnerID != 0 && r.OwnerID != s.memberID() {
		return data.ErrNotYours
	}
	return nil
}

func (s *Session) Claim(customerID uint64) (data.Customer, error) {
	return s.st.Claim(s.actor(), customerID)
}

func (s *Session) Release(customerID uint64, reason string) (data.Customer, error) {
	return s.st.Release(s.actor(), customerID, reason)
}

func (s *Session) Assign(customerID, to uint64) (data.Customer, error) {
	if err := s.require(data.PermPoolAssign); err != nil {
		return data.Customer{}, err
	}
	return s.st.Assign(s.actor(), customerID, to)
}

// PoolDue lists a member's cards about to return; a rep sees only their own.
func (s *Session) PoolDue(ownerID uint64) ([]data.PoolDueCard, error) {
	if ownerID != s.memberID() {
		if err := s.require(data.PermViewAll); err != nil {
			return nil, err
		}
	}
	return s.st.PoolDue(ownerID)
}

// SweepPool applies the pool's return rules now; it is the rules' doing, so any member may start it.
func (s *Session) SweepPool() (int, error) { return s.st.SweepPool(s.st.Now()) }

func (s *Session) HandoverPreview(h data.HandoverRequest) (data.HandoverCounts, error) {
	if err := s.require(data.PermHandover); err != nil {
		return data.HandoverCounts{}, err
	}
	return s.st.HandoverPreview(h)
}

func (s *Session) Handover(h data.HandoverRequest) (data.HandoverCounts, error) {
	if err := s.require(data.PermHandover); err != nil {
		return data.HandoverCounts{}, err
	}
	return s.st.Handover(s.actor(), h)
}

func (s *Session) WeeklyReview() ([]data.RepReview, error) {
	if err := s.require(data.PermReview); err != nil {
		return nil, err
	}
	return s.st.WeeklyReview()
}

func (s *Session) ReviewCards(memberID uint64, limit int) ([]*data.CustomerRow, error) {
	if memberID != s.memberID() {
		if err := s.require(data.PermReview); err != nil {
			return nil, err
		}
	}
	return s.st.ReviewCards(memberID, limit)
}

func (s *Session) Reviews(customerID uint64) ([]data.Review, error) {
	if err := s.mayOpen(customerID); err != nil {
		return nil, err
	}
	return s.st.Reviews(customerID)
}
