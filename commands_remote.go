package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"salesdesk/data"
	"salesdesk/data/office"
	"salesdesk/gui"
)

// fingerprintEnv holds the host's certificate fingerprint for scripts, beside --host.
const fingerprintEnv = "SALESDESK_FINGERPRINT"

// remoteCommands work against a host (--host) as they work on a file: they read through data.Service
// alone. The others still need the file itself.
var remoteCommands = map[string]bool{"customers": true, "opportunities": true, "forecast": true,
	"report": true, "export": true, "backup": true, "import": true, "undo-import": true, "imports": true,
	"pool": true, "handover": true, "members": true, "audit": true}

// signedIn is the session of --user on the file of the flags (read-only if asked), or at the host of
// --host; done closes the file or ends the session.
func (c *cli) signedIn(db, globalDB, user string, readOnly bool) (data.Service, func(), error) {
	if c.host != "" {
		if db != "" || globalDB != "" {
			return nil, nil, badUsage("give --db or --host, not both")
		}
		s, end, err := c.remoteSession()
		if err != nil {
			return nil, nil, err
		}
		return s, func() { _ = end() }, nil
	}
	st, _, err := storeAt(db, globalDB, readOnly)
	if err != nil {
		return nil, nil, err
	}
	ses, err := cliSignIn(st, user, c.stderr)
	if err != nil {
		_ = st.Close()
		return nil, nil, err
	}
	return ses, func() { _ = st.Close() }, nil
}

// remoteCommandList names the commands that take --host, for a usage message.
func remoteCommandList() string {
	names := slices.Sorted(maps.Keys(remoteCommands))
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// writableSession is what the commands that change records ask: the data layer's calls, and the
// import's file, read here and imported where the records are.
type writableSession interface {
	data.Service
	data.Importer
}

// writeSession opens the file of the flags for a command that changes it and signs in, or signs in
// to the host of --host. where names the file or the host in the command's report; guard keeps the
// command's own output files off the file, its backups and the window's preferences.
func (c *cli) writeSession(db, globalDB string) (s writableSession, where string, guard data.OutputGuard, end func() error, err error) {
	if c.host != "" {
		cl, end, err := c.hostSession(db, globalDB)
		if err != nil {
			return nil, "", guard, nil, err
		}
		return cl, "the host " + c.host, desktopOutputGuard(), end, nil
	}
	st, path, err := writeStore(db, globalDB)
	if err != nil {
		return nil, "", guard, nil, err
	}
	ses, err := c.session(st)
	if err != nil {
		st.Close()
		return nil, "", guard, nil, err
	}
	return ses, path, outputGuard(st), st.Close, nil
}

// hostSession is the session at the host of --host, refusing a --db beside it.
func (c *cli) hostSession(db, globalDB string) (*office.Client, func() error, error) {
	if db != "" || globalDB != "" {
		return nil, nil, badUsage("give --db or --host, not both")
	}
	s, end, err := c.remoteSession()
	if err != nil {
		return nil, nil, err
	}
	return s.(*office.Client), end, nil
}

// desktopOutputGuard keeps a command's output against a host off the window's preferences folder:
// the file it works on is on the host, out of this desktop's reach.
func desktopOutputGuard() data.OutputGuard {
	var g data.OutputGuard
	if dir, err := os.UserConfigDir(); err == nil {
		g.Folders = append(g.Folders, filepath.Join(dir, "fyne", gui.AppID))
	}
	return g
}

// remoteSession signs in to the host of --host as --user, over TLS with the host's pinned certificate.
func (c *cli) remoteSession() (data.Service, func() error, error) {
	fp := firstNonEmpty(c.fingerprint, os.Getenv(fingerprintEnv))
	if fp == "" {
		return nil, nil, badUsage("--host needs the host's certificate: --fingerprint SHA256:… (salesdesk serve prints it) or %s", fingerprintEnv)
	}
	pin, err := office.ParseFingerprint(fp)
	if err != nil {
		return nil, nil, badUsage("--fingerprint: %v", err)
	}
	user := strings.TrimSpace(firstNonEmpty(c.user, os.Getenv(userEnv)))
	if user == "" {
		return nil, nil, signInError{fmt.Errorf("the host needs a sign-in: --user LOGIN (the password from %s or the prompt)", passwordEnv)}
	}
	password, err := cliPassword(fmt.Sprintf("password for %s on %s: ", user, c.host), c.stderr)
	if err != nil {
		return nil, nil, err
	}
	desktop, _ := os.Hostname()
	cl, err := office.SignIn(context.Background(), office.Host{Addr: c.host, Pin: pin}, user, password,
		office.DialOptions{Desktop: desktop + " (command line)"})
	if err != nil {
		switch data.ErrorCode(err) {
		case data.CodeBadLogin, data.CodeAccountLock, data.CodeInactive, data.CodeSlowDown:
			return nil, nil, signInError{err}
		}
		return nil, nil, fmt.Errorf("host %s: %w", c.host, err)
	}
	return cl, cl.SignOut, nil
}

// hostFlagIn reports whether a subcommand's arguments give --host.
func hostFlagIn(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "host" {
			return true
		}
	}
	return false
}
