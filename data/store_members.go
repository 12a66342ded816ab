package data

import (
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Members returns the team, by name.
func (s *Store) Members() []Member {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Member, 0, len(s.idx.members))
	for _, m := range s.idx.members {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Member returns one team member.
func (s *Store) Member(id uint64) (Member, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.idx.members[id]
	return m, ok
}

// ValidateMember checks a team member before saving.
func ValidateMember(m Member) FieldErrors {
	var fe FieldErrors
	if strings.TrimSpace(m.Name) == "" {
		fe.Add("name", ErrRequired)
	}
	switch m.Role {
	case MemberRep, MemberManager, MemberAdmin:
	default:
		fe.Add("role", ErrChoiceInvalid)
	}
	if m.Phone != "" {
		if _, err := ParsePhone(m.Phone); err != nil {
			fe.Add("phone", err)
		}
	}
	if m.Email != "" {
		if _, err := ValidateEmail(m.Email); err != nil {
			fe.Add("email", err)
		}
	}
	return fe
}

// SaveMember creates (ID 0) or updates a team member. Members are never deleted, because cards and
// follow-ups point at them; one who left is made inactive.
func (s *Store) SaveMember(by Actor, m Member) (Member, error) {
	m.Name = strings.TrimSpace(m.Name)
	if fe := ValidateMember(m); fe.Any() {
		return m, fe
	}
	action := "update"
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		b := tx.Bucket(bucketMembers)
		if m.ID == 0 {
			seq, err := b.NextSequence()
			if err != nil {
				return nil, err
			}
			m.ID = seq
			action = "create"
		} else if b.Get(encodeUint(m.ID)) == nil {
			return nil, fmt.Errorf("data: member %d: %w", m.ID, ErrNotFound)
		}
		if err := putRecord(b, encodeUint(m.ID), m); err != nil {
			return nil, fmt.Errorf("data: save member %d: %w", m.ID, err)
		}
		if err := audit(tx, s.now(), by, action, "member", m.ID); err != nil {
			return nil, err
		}
		saved := m
		return func(ix *index) { ix.members[saved.ID] = saved }, nil
	})
	return m, err
}

// checkMember adds a problem at field when id is set but names no team member: cards and follow-ups
// must point at someone who exists (check reports any that do not).
func (s *Store) checkMember(fe *FieldErrors, field string, id uint64) {
	if id == 0 {
		return
	}
	if _, ok := s.Member(id); !ok {
		fe.Add(field, ErrUnknownMember)
	}
}
