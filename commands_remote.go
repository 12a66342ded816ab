package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	"report": true, "export": true, "backup": true}

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
