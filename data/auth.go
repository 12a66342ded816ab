package data

import (
	"errors"
	"fmt"
	"time"
)

// Sign-in: each member has a login and a password hashed with argon2id. The hashes and the sign-in
// state live in their own bucket (credentials), never in Member, so that nothing that lists, logs or
// exports members can carry one by mistake.

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
	// ErrLoginTaken is a login another member already signs in with (compared without case).
	ErrLoginTaken = errors.New("another member already has this login name")
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

// MemberStatus is what the members screen shows beside each member.
type MemberStatus struct {
	Member
	HasPassword bool
	Locked      bool
	Failures    int
	LastSignIn  time.Time
}
