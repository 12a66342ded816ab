package storage

import (
	"fmt"
	"salesdesk/data"
	"sort"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Members returns the team, by name.
func (s *Store) Members() []data.Member {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]data.Member, 0, len(s.idx.members))
	for _, m := range s.idx.members {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Member returns one team member.
func (s *Store) Member(id uint64) (data.Member, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.idx.members[id]
	return m, ok
}

// ValidateMember checks a team member before saving.
func ValidateMember(m data.Member) data.FieldErrors {
	var fe data.FieldErrors
	if strings.TrimSpace(m.Name) == "" {
		fe.Add("name", data.ErrRequired)
	}
	switch m.Role {
	case data.MemberRep, data.MemberManager, data.MemberAdmin:
	default:
		fe.Add("role", data.ErrChoiceInvalid)
	}
	if m.Phone != "" {
		if _, err := data.ParsePhone(m.Phone); err != nil {
			fe.Add("phone", err)
		}
	}
	if m.Email != "" {
		if _, err := data.ValidateEmail(m.Email); err != nil {
			fe.Add("email", err)
		}
	}
	return fe
}

// SaveMember creates (ID 0) or updates a team member. Members are never deleted, because cards and
// follow-ups point at them; one who left is made inactive. A member saved without a login keeps the one
// it had, and a new one gets one from the name's pinyin. Demoting or deactivating the team's last
// active administrator is refused (ErrLastAdmin), checked in the same transaction as the write.
func (s *Store) SaveMember(by data.Actor, m data.Member) (data.Member, error) {
	m.Name = strings.TrimSpace(m.Name)
	m.Login = strings.TrimSpace(m.Login)
	if fe := ValidateMember(m); fe.Any() {
		return m, fe
	}
	return s.saveMember(by, m, "", nil)
}

// saveMember writes a validated member; also, when set, runs in the same transaction. The audit line
// says action, or create or update when it is empty.
func (s *Store) saveMember(by data.Actor, m data.Member, action string, also func(tx *bolt.Tx, saved data.Member) error) (data.Member, error) {
	given := action
	if action == "" {
		action = "update"
	}
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		b := tx.Bucket(bucketMembers)
		team, err := readMembers(tx)
		if err != nil {
			return nil, err
		}
		var old *data.Member
		if m.ID == 0 {
			seq, err := b.NextSequence()
			if err != nil {
				return nil, err
			}
			m.ID = seq
			if given == "" {
				action = "create"
			}
		} else {
			prev, ok := team[m.ID]
			if !ok {
				return nil, fmt.Errorf("data: member %d: %w", m.ID, data.ErrNotFound)
			}
			old = &prev
			if m.Login == "" {
				m.Login = prev.Login
			}
			if isActiveAdmin(prev) && !isActiveAdmin(m) && activeAdmins(team) == 1 {
				return nil, data.ErrLastAdmin
			}
		}
		if m.Login == "" {
			m.Login = uniqueLogin(m.Name, m.ID, team)
		}
		for _, o := range team {
			if o.ID != m.ID && normalizeLogin(o.Login) == normalizeLogin(m.Login) {
				return nil, data.FieldErrors{{Field: "login", Err: data.ErrLoginTaken}}
			}
		}
		if err := putRecord(b, encodeUint(m.ID), m); err != nil {
			return nil, fmt.Errorf("data: save member %d: %w", m.ID, err)
		}
		if also != nil {
			if err := also(tx, m); err != nil {
				return nil, err
			}
		}
		if err := auditFields(tx, s.now(), by, action, "member", m.ID, diffFields(old, &m)); err != nil {
			return nil, err
		}
		saved := m
		return func(ix *index) { ix.members[saved.ID] = saved }, nil
	})
	return m, err
}

func isActiveAdmin(m data.Member) bool { return m.Active && m.Role == data.MemberAdmin }

func activeAdmins(team map[uint64]data.Member) int {
	n := 0
	for _, m := range team {
		if isActiveAdmin(m) {
			n++
		}
	}
	return n
}

// readMembers reads the team inside a transaction, so that a rule over the whole team (the last
// admin, unique logins) holds against a concurrent write.
func readMembers(tx *bolt.Tx) (map[uint64]data.Member, error) {
	team := map[uint64]data.Member{}
	err := tx.Bucket(bucketMembers).ForEach(func(k, v []byte) error {
		var m data.Member
		if err := codec.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("data: member %d: %w", decodeUint(k), err)
		}
		team[m.ID] = m
		return nil
	})
	return team, err
}

// uniqueLogin makes a login from a name's pinyin (王建国 → wangjianguo), numbered when another
// member has it already (wangjianguo2).
func uniqueLogin(name string, id uint64, team map[uint64]data.Member) string {
	base, _ := pinyinKeys(name)
	if base == "" {
		base = "member" + strconv.FormatUint(id, 10)
	}
	taken := func(login string) bool {
		for _, o := range team {
			if o.ID != id && normalizeLogin(o.Login) == login {
				return true
			}
		}
		return false
	}
	login := base
	for n := 2; taken(login); n++ {
		login = base + strconv.Itoa(n)
	}
	return login
}

// checkMember adds a problem at field when id is set but names no team member: cards and follow-ups
// must point at someone who exists (check reports any that do not).
func (s *Store) checkMember(fe *data.FieldErrors, field string, id uint64) {
	if id == 0 {
		return
	}
	if _, ok := s.Member(id); !ok {
		fe.Add(field, data.ErrUnknownMember)
	}
}
