package storage

import (
	"salesdesk/data"
	"sync"
)

// Session is the data layer as one signed-in member sees it: the Service the window and the command
// line hold. Who makes a change comes from the session, never from an argument a caller fills in, and
// every rule about what a role may see or change is checked here, where a network server would check
// it (office mode serves the same calls).
type Session struct {
	st *Store
	id uint64 // the signed-in member; 0 only on a file that has no member yet
	// cache keeps the last lists the paged calls filtered (session_pages.go).
	cacheMu sync.Mutex
	cache   listCache
}

func (s *Session) memberID() uint64 { return s.id }

// SessionAs is the session of a member without a password check: for a file that opens without
// sign-in (a team of one) and for tests. The sign-in screen and the command line use SignIn.
func (s *Store) SessionAs(memberID uint64) *Session { return &Session{st: s, id: memberID} }

// Store is the file behind the session, for the local-only work (backups, restore, compaction).
func (s *Session) Store() *Store { return s.st }

// Me is the signed-in member as stored now (a role changed by an admin applies at once).
func (s *Session) Me() data.Member {
	m, _ := s.st.Member(s.memberID())
	return m
}

// Role is the signed-in member's role. A file with no member yet is its creator's, who may set it up.
func (s *Session) Role() data.MemberRole {
	if m, ok := s.st.Member(s.memberID()); ok {
		return m.Role
	}
	if len(s.st.Members()) == 0 {
		return data.MemberAdmin
	}
	return data.MemberRep
}

// Can reports whether the signed-in member may do p.
//
// The only active member of a team has every right whatever the role says: with nobody else on the
// file there is nobody to keep the data from, and such a file opens without sign-in.
func (s *Session) Can(p data.Permission) bool { return data.Allowed(s.Role(), p) || s.soleMember() }

func (s *Session) soleMember() bool {
	me := s.memberID()
	n, found := 0, false
	for _, m := range s.st.Members() {
		if m.Active {
			n++
			found = found || m.ID == me
		}
	}
	return n == 1 && found
}

// require refuses p unless the member's role allows it.
func (s *Session) require(p data.Permission) error {
	if s.Can(p) {
		return nil
	}
	return &data.Refusal{Perm: p, Role: s.Role()}
}

// Require refuses p unless the member's role allows it: for the local-only actions that work on the
// file itself (restore, compact), which the command line checks before it closes the store to do them.
func (s *Session) Require(p data.Permission) error { return s.require(p) }

// actor is who the store records as making a change.
func (s *Session) actor() data.Actor {
	if m, ok := s.st.Member(s.memberID()); ok {
		return data.Actor{MemberID: m.ID, Name: m.Name}
	}
	return data.Actor{Name: "unknown"}
}
