package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"salesdesk/data/storage"
)

func TestCommandLineSignIn(t *testing.T) {
	db := newDemoDB(t, t.TempDir(), 5)
	t.Setenv(userEnv, "") // the cases name their --user
	for _, tc := range []struct {
		name     string
		env      *string
		args     []string
		code     int
		inStderr string
	}{
		{"admin with the env password", ptr(storage.DemoPassword), []string{"--user", "zhaomin", "members"}, 0, ""},
		{"login without case, --user after the command", ptr(storage.DemoPassword), []string{"members", "--user", " ZhaoMin"}, 0, ""},
		{"by name", ptr(storage.DemoPassword), []string{"--user", "赵敏", "members"}, 0, ""},
		{"wrong password", ptr("wrong password"), []string{"--user", "zhaomin", "members"}, exitSignIn, "login name or the password is wrong"},
		{"empty password", ptr(""), []string{"--user", "zhaomin", "members"}, exitSignIn, "login name or the password is wrong"},
		{"unknown user", ptr(storage.DemoPassword), []string{"--user", "nobody", "members"}, exitSignIn, "login name or the password is wrong"},
		{"no --user on a team of eight", ptr(storage.DemoPassword), []string{"members"}, exitSignIn, "--user"},
		{"no password and no terminal", nil, []string{"--user", "zhaomin", "members"}, exitSignIn, "SALESDESK_PASSWORD"},
		{"a rep", ptr(storage.DemoPassword), []string{"--user", "lina", "members"}, exitRefused, "only an administrator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != nil {
				t.Setenv(passwordEnv, *tc.env)
			} else {
				unsetEnv(t, passwordEnv)
			}
			code, stdout, stderr := runCmd(append([]string{"--db", db}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.inStderr) {
				t.Fatalf("exit %d (want %d)\n%s\n%s", code, tc.code, stdout, stderr)
			}
		})
	}
}

// The prompt stands in for the terminal: what it returns is the password.
func TestCommandLineSignInPrompts(t *testing.T) {
	db := newDemoDB(t, t.TempDir(), 5)
	unsetEnv(t, passwordEnv)
	var prompted string
	old := readPassword
	t.Cleanup(func() { readPassword = old })
	readPassword = func(prompt string, _ io.Writer) (string, bool, error) {
		prompted = prompt
		return storage.DemoPassword, true, nil
	}
	if code, _, stderr := runCmd("--db", db, "--user", "zhaomin", "members"); code != 0 || prompted != "password for zhaomin: " {
		t.Fatalf("exit %d, prompt %q: %s", code, prompted, stderr)
	}
}

func TestMembersCommand(t *testing.T) {
	db := newDemoDB(t, t.TempDir(), 5)
	t.Setenv(passwordEnv, storage.DemoPassword)
	admin := func(args ...string) (int, string, string) {
		return runCmd(append([]string{"--db", db, "--user", "zhaomin", "members"}, args...)...)
	}
	list := func() map[string]memberJSON {
		t.Helper()
		code, stdout, stderr := admin("--format", "json")
		if code != 0 {
			t.Fatalf("list: exit %d %s", code, stderr)
		}
		if strings.Contains(stdout, "argon2") || strings.Contains(stdout, storage.DemoPassword) {
			t.Fatalf("the list shows a password or a hash:\n%s", stdout)
		}
		var ms []memberJSON
		if err := json.Unmarshal([]byte(stdout), &ms); err != nil {
			t.Fatal(err)
		}
		out := map[string]memberJSON{}
		for _, m := range ms {
			out[m.Login] = m
		}
		return out
	}
	if m := list()["lina"]; m.Name != "李娜" || m.Role != "rep" || !m.Active || m.Locked {
		t.Fatalf("lina: %+v", m)
	}

	// add: the new password from the environment; a short one or a taken login is refused.
	t.Setenv(newPasswordEnv, "short")
	if code, _, stderr := admin("add", "--login", "xiaowang", "--name", "小王"); code != 1 || !strings.Contains(stderr, "at least 8 characters") {
		t.Fatalf("weak password: exit %d %s", code, stderr)
	}
	t.Setenv(newPasswordEnv, "xiaowang-pw")
	if code, _, stderr := admin("add", "--login", "LINA", "--name", "小王"); code != 1 || !strings.Contains(stderr, "--login: another member already has this login") {
		t.Fatalf("taken login: exit %d %s", code, stderr)
	}
	if code, stdout, stderr := admin("add", "--login", "xiaowang", "--name", "小王", "--role", "manager"); code != 0 || !strings.Contains(stdout, "added xiaowang") {
		t.Fatalf("add: exit %d %s %s", code, stdout, stderr)
	}
	t.Setenv(passwordEnv, "xiaowang-pw")
	if code, stdout, stderr := runCmd("--db", db, "--user", "xiaowang", "members"); code != exitRefused {
		t.Fatalf("the new manager lists members: exit %d %s %s", code, stdout, stderr)
	}
	t.Setenv(passwordEnv, storage.DemoPassword)

	// deactivate: the member can no longer sign in; the last admin cannot be deactivated.
	if code, _, stderr := admin("deactivate", "xiaowang"); code != 0 {
		t.Fatalf("deactivate: %d %s", code, stderr)
	}
	if m := list()["xiaowang"]; m.Active {
		t.Fatal("still active")
	}
	t.Setenv(passwordEnv, "xiaowang-pw")
	if code, _, stderr := runCmd("--db", db, "--user", "xiaowang", "members"); code != exitSignIn || !strings.Contains(stderr, "deactivated") {
		t.Fatalf("a deactivated member's sign-in: exit %d %s", code, stderr)
	}
	t.Setenv(passwordEnv, storage.DemoPassword)
	if code, _, stderr := admin("deactivate", "zhaomin"); code != exitRefused || !strings.Contains(stderr, "administrator") {
		t.Fatalf("deactivating the last admin: exit %d %s", code, stderr)
	}
	if code, _, stderr := admin("unlock", "nobody"); code != 1 || !strings.Contains(stderr, `no member signs in as "nobody"`) {
		t.Fatalf("unknown login: exit %d %s", code, stderr)
	}

	// reset and unlock: a rep locked by ten wrong passwords is unlocked, and signs in with the
	// temporary password.
	// The wait after five failures is a second: a frozen clock keeps a slow machine from outwaiting it.
	frozen := time.Now()
	storeClock = func() time.Time { return frozen }
	defer func() { storeClock = nil }()
	t.Setenv(passwordEnv, "wrong password")
	for range 5 {
		runCmd("--db", db, "--user", "lina", "members")
	}
	t.Setenv(passwordEnv, storage.DemoPassword)
	if code, _, stderr := runCmd("--db", db, "--user", "lina", "members"); code != exitSignIn || !strings.Contains(stderr, "wait") {
		t.Fatalf("after 5 failures: exit %d %s", code, stderr)
	}
	if code, _, stderr := admin("unlock", "lina"); code != 0 {
		t.Fatalf("unlock: %d %s", code, stderr)
	}
	t.Setenv(newPasswordEnv, "temporary-pw")
	if code, stdout, stderr := admin("reset", "lina"); code != 0 || !strings.Contains(stdout, "new password at the next sign-in") {
		t.Fatalf("reset: %d %s %s", code, stdout, stderr)
	}
	t.Setenv(passwordEnv, "temporary-pw")
	if code, _, stderr := runCmd("--db", db, "--user", "lina", "members"); code != exitRefused || !strings.Contains(stderr, "must choose a new password") {
		t.Fatalf("the temporary password: exit %d %s", code, stderr)
	}
}

// A team of one needs no --user.
func TestTeamOfOneNeedsNoSignIn(t *testing.T) {
	db := oneMemberDB(t)
	unsetEnv(t, passwordEnv)
	code, stdout, stderr := runCmd("--db", db, "members", "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"login": "wangjingli"`) {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestDemoPrintsLoginsAndPassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	code, stdout, stderr := runCmd("demo", "--db", db, "--customers", "5")
	if code != 0 || !strings.Contains(stdout, "zhaomin") || !strings.Contains(stdout, "lina") ||
		!strings.Contains(stdout, "password: "+storage.DemoPassword) {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func ptr(s string) *string { return &s }

// unsetEnv removes an environment variable for the test, restoring it after.
func unsetEnv(t *testing.T, key string) {
	t.Helper()
	t.Setenv(key, "") // restores the old value at the end
	if err := os.Unsetenv(key); err != nil {
		t.Fatal(err)
	}
}
