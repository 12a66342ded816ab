package main

import (
	"fmt"
	"io"
	"strings"

	"salesdesk/data"
)

// TEMPORARY: replaced by the auth helper's cliSignIn at merge.
//
// cliSignIn is the session a command works in: the same roles apply as in the window. Until sign-in
// exists there is no password: --user picks the member by login or name; without it the command acts
// as the first admin, else the first manager, else the settings' current user.
func cliSignIn(st *data.Store, user string, stderr io.Writer) (*data.Session, error) {
	_ = stderr
	if user = strings.TrimSpace(user); user != "" {
		for _, m := range st.Members() {
			if m.Active && (strings.EqualFold(m.Login, user) || m.Name == user) {
				return st.SessionAs(m.ID), nil
			}
		}
		return nil, fmt.Errorf("--user %s: %w", user, data.ErrBadLogin)
	}
	for _, role := range []data.MemberRole{data.MemberAdmin, data.MemberManager} {
		for _, m := range st.Members() {
			if m.Role == role && m.Active {
				return st.SessionAs(m.ID), nil
			}
		}
	}
	return st.SettingsUserSession(), nil
}
