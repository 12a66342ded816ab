package data

import "errors"

// ErrBadLogin is a sign-in with an unknown login or a wrong password: it never says which.
var ErrBadLogin = errors.New("the login name or the password is wrong")

// SignIn checks a member's login and password and returns the member's session.
//
// The helper building sign-in replaces this body (argon2id, lockout); until then no one signs in.
func (s *Store) SignIn(login, password string) (*Session, error) {
	return nil, ErrBadLogin
}
