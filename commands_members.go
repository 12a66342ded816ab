package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"salesdesk/data"
)

// newPasswordEnv holds the password `members add` and `members reset` set, for scripts; on a
// terminal without it, it is asked for twice.
const newPasswordEnv = "SALESDESK_NEW_PASSWORD"

func init() {
	for en, zh := range map[string]string{"LOGIN": "登录名", "ROLE": "角色", "ACTIVE": "启用", "LOCKED": "锁定"} {
		zhTableHeaders[en] = zh
	}
}

// memberJSON is one member in `members --format json`: never a password or a hash.
type memberJSON struct {
	Login  string `json:"login"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Active bool   `json:"active"`
	Locked bool   `json:"locked"`
}

// members manages the team (admin): list, add, deactivate, activate, reset, unlock.
func (c *cli) members(args []string, globalDB string) error {
	action := "list"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	fs, db := c.newFlags("members " + action)
	var format, login, name, role *string
	switch action {
	case "list":
		format = fs.String("format", "table", "table or json")
		if err := parse(fs, args); err != nil {
			return err
		}
		if *format != "table" && *format != "json" {
			return badUsage("members: --format %q: use table or json", *format)
		}
	case "add":
		login = fs.String("login", "", "the login name the member signs in with")
		name = fs.String("name", "", "the member's name")
		role = fs.String("role", string(data.MemberRep), "rep, manager or admin")
		if err := parse(fs, args); err != nil {
			return err
		}
		if !slices.Contains(data.MemberRoles, data.MemberRole(*role)) {
			return badUsage("members add: --role %q: use rep, manager or admin", *role)
		}
	case "deactivate", "activate", "reset", "unlock":
		l, err := parseWithFile(fs, args, "member's login")
		if err != nil {
			return err
		}
		login = &l
	default:
		return badUsage("members: unknown action %q (list, add, deactivate, activate, reset, unlock)", action)
	}

	se, end, err := c.signedIn(*db, globalDB, c.user, false)
	if err != nil {
		return err
	}
	defer end()
	switch action {
	case "list":
		return c.listMembers(se, *format)
	case "add":
		password, err := c.newPassword("password for " + strings.TrimSpace(*login))
		if err != nil {
			return err
		}
		m, err := se.AddMember(data.Member{Login: *login, Name: *name, Role: data.MemberRole(*role)}, password)
		if err != nil {
			return memberError("members add", err)
		}
		fmt.Fprintf(c.stdout, "added %s (%s, %s)\n", m.Login, m.Name, m.Role)
		return nil
	}
	members, err := se.Members()
	if err != nil {
		return err
	}
	m, ok := findLogin(members, *login)
	if !ok {
		return fmt.Errorf("members %s: no member signs in as %q", action, *login)
	}
	switch action {
	case "deactivate", "activate":
		err = se.SetActive(m.ID, action == "activate")
	case "reset":
		var temp string
		if temp, err = c.newPassword("temporary password for " + m.Login); err != nil {
			return err
		}
		err = se.ResetPassword(m.ID, temp)
	case "unlock":
		err = se.Unlock(m.ID)
	}
	if err != nil {
		return memberError("members "+action, err)
	}
	done := map[string]string{"deactivate": "deactivated", "activate": "activated", "unlock": "unlocked",
		"reset": "reset the password of"}[action]
	fmt.Fprintf(c.stdout, "%s %s (%s)\n", done, m.Login, m.Name)
	if action == "reset" {
		fmt.Fprintf(c.stdout, "%s chooses a new password at the next sign-in\n", m.Login)
	}
	return nil
}

func (c *cli) listMembers(se data.Service, format string) error {
	st, err := se.MemberStatuses()
	if err != nil {
		return err
	}
	if format == "json" {
		out := make([]memberJSON, len(st))
		for i, m := range st {
			out[i] = memberJSON{Login: m.Login, Name: m.Name, Role: string(m.Role), Active: m.Active, Locked: m.Locked}
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	cells := [][]string{{"LOGIN", "NAME", "ROLE", "ACTIVE", "LOCKED"}}
	for _, m := range st {
		cells = append(cells, []string{m.Login, m.Name, string(m.Role), yes(m.Active), yes(m.Locked)})
	}
	return writeColumns(c.stdout, cells, []int{24, 20, 8, 6, 6}, fmt.Sprintf("%d members", len(st)))
}

// newPassword is the password to set: from SALESDESK_NEW_PASSWORD, else asked twice on the terminal.
func (c *cli) newPassword(what string) (string, error) {
	if pw, ok := os.LookupEnv(newPasswordEnv); ok {
		return pw, nil
	}
	first, asked, err := readPassword(what+": ", c.stderr)
	if err != nil {
		return "", err
	}
	if !asked {
		return "", fmt.Errorf("no new password: set %s or run on a terminal", newPasswordEnv)
	}
	again, _, err := readPassword("again: ", c.stderr)
	if err != nil {
		return "", err
	}
	if again != first {
		return "", fmt.Errorf("the two passwords differ; nothing was changed")
	}
	return first, nil
}

func findLogin(members []data.Member, login string) (data.Member, bool) {
	for _, m := range members {
		if strings.EqualFold(m.Login, strings.TrimSpace(login)) {
			return m, true
		}
	}
	return data.Member{}, false
}

// memberError names the flag a member's field error is about, and keeps refusals as they are (their
// exit code comes from their error code).
func memberError(cmd string, err error) error {
	var fe data.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	flags := map[string]string{"login": "--login", "name": "--name", "role": "--role", "password": newPasswordEnv}
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = fmt.Sprintf("%s: %v", firstNonEmpty(flags[e.Field], e.Field), e.Err)
	}
	return fmt.Errorf("%s: %s; nothing was changed", cmd, strings.Join(parts, "; "))
}
