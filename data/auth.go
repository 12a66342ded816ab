package data

import (
	"errors"
	"fmt"
	"time"
)

// The sign-in API. Placeholders (marked PLACEHOLDER) are replaced by the auth data helper; the
// window's sign-in screens are written against these signatures at the same time.

var (
	// ErrBadLogin is a sign-in with an unknown login or a wrong password: it never says which.
	ErrBadLogin = errors.New("the login name or the password is wrong")
	// ErrAccountLocked is a member locked after too many failed sign-ins, until an admin unlocks it.
	ErrAccountLocked = errors.New("the account is locked after too many failed sign-ins: an administrator must unlock it")
	// ErrInactive is a deactivated member's sign-in.
	ErrInactive = errors.New("the member was deactivated and cannot sign in")
	// ErrLastAdmin refuses to remove, demote or deactivate the team's last active administrator.
	ErrLastAdmin = errors.New("the team must keep at least one active administrator")
	// ErrWeakPassword is a new password too short to be safe.
	ErrWeakPassword = errors.New("the password must have at least 8 characters")
)

// SlowDown is a sign-in refused before the password was checked: after failed tries each next try
// must wait longer (the account is not locked yet).
type SlowDown struct {
	Wait time.Duration // until the next try is allowed
}

func (e *SlowDown) Error() string {
	return fmt.Sprintf("too many failed sign-ins: wait %s before trying again", e.Wait.Round(time.Second))
}

// Code is the error's stable code.
func (e *SlowDown) Code() string { return CodeSlowDown }

// SignIn checks a member's login and password and returns the member's session. PLACEHOLDER.
func (s *Store) SignIn(login, password string) (*Session, error) {
	return nil, ErrBadLogin
}

// OpensWithoutSignIn is the session of a file that needs no sign-in: a team of one member (or
// none, a new file), until a second member is added. PLACEHOLDER.
func (s *Store) OpensWithoutSignIn() (*Session, bool) {
	return nil, false
}

// MustChangePassword reports whether the member signed in with a password an admin reset, and must
// choose a new one before going on. PLACEHOLDER.
func (s *Session) MustChangePassword() bool { return false }

// ChangePassword changes the signed-in member's own password. PLACEHOLDER.
func (s *Session) ChangePassword(old, new string) error { return ErrBadLogin }

// AddMember adds a member with a login and a first password (admin). PLACEHOLDER.
func (s *Session) AddMember(m Member, password string) (Member, error) {
	return m, s.require(PermMembers)
}

// ResetPassword sets a member's password to temp, to be changed at the next sign-in (admin). PLACEHOLDER.
func (s *Session) ResetPassword(memberID uint64, temp string) error { return s.require(PermMembers) }

// SetActive deactivates (no sign-in) or reactivates a member (admin). PLACEHOLDER.
func (s *Session) SetActive(memberID uint64, active bool) error { return s.require(PermMembers) }

// Unlock lets a member locked by failed sign-ins sign in again (admin). PLACEHOLDER.
func (s *Session) Unlock(memberID uint64) error { return s.require(PermMembers) }

// MemberStatus is what the members screen shows beside each member.
type MemberStatus struct {
	Member
	HasPassword bool
	Locked      bool
	Failures    int
	LastSignIn  time.Time
}

// MemberStatuses lists the team with each member's sign-in state (admin). PLACEHOLDER.
func (s *Session) MemberStatuses() ([]MemberStatus, error) { return nil, s.require(PermMembers) }
