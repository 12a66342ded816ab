package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// Exit codes of refusals, documented in docs/cli.md, so that a script can tell them from a failure.
const (
	exitSignIn  = 5 // the sign-in failed: wrong login or password, locked, deactivated, slowed down
	exitRefused = 6 // the member's role does not allow the command, or the record is another's
)

// userEnv names the member a script signs in as when --user is not given, on a team that needs it.
const userEnv = "SALESDESK_USER"

// passwordEnv holds the password of --user for scripts; on a terminal without it, it is asked for.
const passwordEnv = "SALESDESK_PASSWORD"

// errNeedsUser is a command on a team of several members without --user.
var errNeedsUser = signInError{errors.New("this team has several members: sign in with --user LOGIN " +
	"(the password from " + passwordEnv + " or the prompt)")}

// signInError marks a failed sign-in, whatever its cause, for its exit code.
type signInError struct{ err error }

func (e signInError) Error() string { return "sign-in: " + e.err.Error() }
func (e signInError) Unwrap() error { return e.err }

// readPassword asks for a password on the terminal without echo. It is a variable so that tests can
// stand in for the terminal.
var readPassword = func(prompt string, stderr io.Writer) (string, bool, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", false, nil
	}
	fmt.Fprint(stderr, prompt)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(stderr)
	return string(b), true, err
}

// cliSignIn signs the command line in as user. Without --user, a file that needs no sign-in (a team
// of one, or none) opens as its member. The user may be given by login or, when no login matches, by
// the member's exact name.
func cliSignIn(st *storage.Store, user string, stderr io.Writer) (*storage.Session, error) {
	user = strings.TrimSpace(user)
	alone, open := st.OpensWithoutSignIn()
	if user == "" && !open {
		user = strings.TrimSpace(os.Getenv(userEnv)) // a script's member, beside its password
	}
	if user == "" {
		if open {
			return alone, nil
		}
		return nil, errNeedsUser
	}
	login := user
	if !hasLogin(st, user) {
		for _, m := range st.Members() {
			if m.Name == user {
				login = m.Login
				break
			}
		}
	}
	if open && alone.Me().ID != 0 && strings.EqualFold(alone.Me().Login, login) {
		return alone, nil // a team of one needs no password
	}
	password, err := cliPassword(fmt.Sprintf("password for %s: ", user), stderr)
	if err != nil {
		return nil, err
	}
	se, err := st.SignInScript(login, password)
	if err != nil {
		return nil, signInError{err}
	}
	if se.MustChangePassword() {
		fmt.Fprintf(stderr, "salesdesk: %s must choose a new password (in the window, or ask an administrator)\n", user)
	}
	return se, nil
}

// cliPassword is the password from SALESDESK_PASSWORD, else asked for on the terminal with prompt.
func cliPassword(prompt string, stderr io.Writer) (string, error) {
	if password, ok := os.LookupEnv(passwordEnv); ok {
		return password, nil
	}
	password, asked, err := readPassword(prompt, stderr)
	if err != nil {
		return "", signInError{err}
	}
	if !asked {
		return "", signInError{fmt.Errorf("no password: set %s or run on a terminal", passwordEnv)}
	}
	return password, nil
}

func hasLogin(st *storage.Store, login string) bool {
	for _, m := range st.Members() {
		if strings.EqualFold(m.Login, strings.TrimSpace(login)) {
			return true
		}
	}
	return false
}

// refusalExit is the exit code of a sign-in failure or a refusal, and 0 for any other error.
func refusalExit(err error) int {
	var se signInError
	if errors.As(err, &se) {
		return exitSignIn
	}
	switch data.ErrorCode(err) {
	case data.CodeBadLogin, data.CodeAccountLock, data.CodeInactive, data.CodeSlowDown:
		return exitSignIn
	case data.CodeForbidden, data.CodeNotYours, data.CodeLastAdmin:
		return exitRefused
	}
	return 0
}
