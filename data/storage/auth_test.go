package storage

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"salesdesk/data"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

const testPassword = "correct horse"

// newTeam opens a file with an admin (login "admin") and a rep (login "lina"), both with testPassword.
func newTeam(t *testing.T, now func() time.Time) (s *Store, admin *Session, rep data.Member) {
	t.Helper()
	s = newStore(t, now)
	first := s.SessionAs(0) // an empty file is its creator's
	a, err := first.AddMember(data.Member{Name: "赵敏", Login: "admin", Role: data.MemberRep}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if a.Role != data.MemberAdmin {
		t.Fatalf("the first member's role = %s, want admin", a.Role)
	}
	admin = s.SessionAs(a.ID)
	rep, err = admin.AddMember(data.Member{Name: "李娜", Login: "LiNa", Role: data.MemberRep}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return s, admin, rep
}

func TestSignIn(t *testing.T) {
	s, _, rep := newTeam(t, nil)
	deactivated, err := s.SessionAs(1).AddMember(data.Member{Name: "张伟", Login: "zhangwei", Role: data.MemberRep}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SessionAs(1).SetActive(deactivated.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, login, password string
		want                  error
	}{
		{"right, login without case and trimmed", "  lina ", testPassword, nil},
		{"wrong password", "lina", "wrong horse", data.ErrBadLogin},
		{"empty password", "lina", "", data.ErrBadLogin},
		{"unknown login", "nobody", testPassword, data.ErrBadLogin},
		{"empty login", "", "", data.ErrBadLogin},
		{"deactivated member", "zhangwei", testPassword, data.ErrInactive},
		{"deactivated member, wrong password says no more", "zhangwei", "wrong horse", data.ErrBadLogin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			se, err := s.SignIn(tc.login, tc.password)
			if !errors.Is(err, tc.want) {
				t.Fatalf("SignIn(%q) = %v, want %v", tc.login, err, tc.want)
			}
			if tc.want == nil && se.Me().ID != rep.ID {
				t.Fatalf("signed in as %v, want %s", se.Me(), rep.Name)
			}
			if tc.want != nil && se != nil {
				t.Fatal("a refused sign-in gave a session")
			}
		})
	}
	var actions []string
	ch, _ := s.Changes("member", rep.ID, 0)
	for _, c := range ch {
		actions = append(actions, c.Action)
	}
	if got := strings.Join(actions, ","); !strings.HasPrefix(got, "sign_in_failed,sign_in_failed,sign_in") {
		t.Errorf("audit of the rep's sign-ins, newest first: %s", got)
	}
}

// Five failures slow the next tries down, ten lock the account until an admin unlocks it.
func TestSignInLockout(t *testing.T) {
	clock := &testClock{T: stNow}
	s, admin, rep := newTeam(t, clock.Now)
	fail := func(want error) {
		t.Helper()
		if _, err := s.SignIn("lina", "wrong horse"); !errors.Is(err, want) {
			t.Fatalf("wrong password after %d failures: %v, want %v", s.credential(rep.ID).Failures, err, want)
		}
	}
	for range 4 {
		fail(data.ErrBadLogin)
	}
	// The fifth failure asks for a wait of 1 s before the sixth try; a try within it is refused before
	// the password is checked, even the right one, and does not count.
	fail(data.ErrBadLogin)
	_, err := s.SignIn("lina", testPassword)
	var sd *data.SlowDown
	if !errors.As(err, &sd) || sd.Wait != time.Second || data.ErrorCode(err) != data.CodeSlowDown {
		t.Fatalf("a try during the slow-down = %v, want SlowDown of 1s", err)
	}
	waits := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i, w := range waits {
		clock.Set(clock.Now().Add(w))
		if i < len(waits)-1 {
			fail(data.ErrBadLogin)
		} else {
			fail(data.ErrBadLogin) // the ninth
		}
		if got := s.credential(rep.ID).NextTry.Sub(clock.Now()); got != 2*w {
			t.Fatalf("after %d failures the wait is %s, want %s", 6+i, got, 2*w)
		}
	}
	clock.Set(clock.Now().Add(time.Hour))
	fail(data.ErrAccountLocked) // the tenth locks
	clock.Set(clock.Now().Add(24 * time.Hour))
	if _, err := s.SignIn("lina", testPassword); !errors.Is(err, data.ErrAccountLocked) {
		t.Fatalf("the right password on a locked account: %v", err)
	}
	if st, _ := admin.MemberStatuses(); !st[1].Locked || st[1].Failures != 10 {
		t.Fatalf("status of the locked rep: %+v", st[1])
	}

	// A rep cannot unlock; the admin can, and the failures start again from none.
	if err := s.SessionAs(rep.ID).Unlock(rep.ID); data.ErrorCode(err) != data.CodeForbidden {
		t.Fatalf("a rep's unlock: %v", err)
	}
	if err := admin.Unlock(rep.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn("lina", testPassword); err != nil {
		t.Fatalf("sign-in after unlock: %v", err)
	}
	if c := s.credential(rep.ID); c.Failures != 0 || c.Locked || !c.NextTry.IsZero() || !c.LastSignIn.Equal(clock.Now()) {
		t.Fatalf("credential after a success: %+v", c)
	}
}

func TestPasswordChangeAndReset(t *testing.T) {
	s, admin, rep := newTeam(t, nil)
	me := s.SessionAs(rep.ID)
	if err := me.ChangePassword(testPassword, "short"); !errors.Is(err, data.ErrWeakPassword) {
		t.Fatalf("a 5-character password: %v", err)
	}
	if err := me.ChangePassword("wrong horse", "new password"); !errors.Is(err, data.ErrBadLogin) {
		t.Fatalf("a wrong old password: %v", err)
	}
	if err := me.ChangePassword(testPassword, "new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn("lina", testPassword); !errors.Is(err, data.ErrBadLogin) {
		t.Fatalf("the old password still works: %v", err)
	}

	// The admin resets it: the temporary password works once, and must be changed.
	if err := me.ResetPassword(rep.ID, "temporary1"); data.ErrorCode(err) != data.CodeForbidden {
		t.Fatalf("a rep's reset: %v", err)
	}
	if err := admin.ResetPassword(rep.ID, "temporary1"); err != nil {
		t.Fatal(err)
	}
	se, err := s.SignIn("lina", "temporary1")
	if err != nil || !se.MustChangePassword() {
		t.Fatalf("sign-in with the temporary password: %v, must change %v", err, se != nil && se.MustChangePassword())
	}
	if err := se.ChangePassword("temporary1", "my own password"); err != nil || se.MustChangePassword() {
		t.Fatalf("change after reset: %v, must change %v", err, se.MustChangePassword())
	}
}

func TestAddMemberRefusals(t *testing.T) {
	s, admin, rep := newTeam(t, nil)
	for _, tc := range []struct {
		name     string
		m        data.Member
		password string
		field    string
		want     error
	}{
		{"no login", data.Member{Name: "陈静", Role: data.MemberRep}, testPassword, "login", data.ErrRequired},
		{"login taken, other case", data.Member{Name: "陈静", Login: " LINA", Role: data.MemberRep}, testPassword, "login", data.ErrLoginTaken},
		{"weak password", data.Member{Name: "陈静", Login: "chenjing", Role: data.MemberRep}, "1234567", "password", data.ErrWeakPassword},
		{"no name", data.Member{Login: "chenjing", Role: data.MemberRep}, testPassword, "name", data.ErrRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Members())
			_, err := admin.AddMember(tc.m, tc.password)
			var fe data.FieldErrors
			if !errors.As(err, &fe) || !errors.Is(fe.For(tc.field), tc.want) {
				t.Fatalf("AddMember = %v, want %v at %s", err, tc.want, tc.field)
			}
			if len(s.Members()) != before {
				t.Fatal("a refused member was saved")
			}
		})
	}
	_, err := s.SessionAs(rep.ID).AddMember(data.Member{Name: "陈静", Login: "chenjing", Role: data.MemberRep}, testPassword)
	var r *data.Refusal
	if !errors.As(err, &r) || !strings.Contains(err.Error(), "administrator") || len(s.Members()) != 2 {
		t.Fatalf("a rep's AddMember = %v", err)
	}
}

func TestLastAdminIsKept(t *testing.T) {
	s, admin, rep := newTeam(t, nil)
	me := admin.Me()
	if err := admin.SetActive(me.ID, false); !errors.Is(err, data.ErrLastAdmin) {
		t.Fatalf("deactivating oneself, the last admin: %v", err)
	}
	demoted := me
	demoted.Role = data.MemberManager
	if _, err := admin.SaveMember(demoted); !errors.Is(err, data.ErrLastAdmin) || data.ErrorCode(err) != data.CodeLastAdmin {
		t.Fatalf("demoting the last admin: %v", err)
	}
	if m, _ := s.Member(me.ID); m.Role != data.MemberAdmin || !m.Active {
		t.Fatalf("the refused change was written: %+v", m)
	}
	if _, err := s.SessionAs(rep.ID).SaveMember(data.Member{ID: rep.ID, Name: rep.Name, Role: data.MemberAdmin, Active: true}); data.ErrorCode(err) != data.CodeForbidden {
		t.Fatalf("a rep making itself admin: %v", err)
	}

	// With a second admin, the first may step down.
	rep.Role = data.MemberAdmin
	if _, err := admin.SaveMember(rep); err != nil {
		t.Fatal(err)
	}
	if err := admin.SetActive(me.ID, false); err != nil {
		t.Fatalf("deactivating one of two admins: %v", err)
	}
	if _, err := s.SignIn("admin", testPassword); !errors.Is(err, data.ErrInactive) {
		t.Fatalf("a deactivated admin's sign-in: %v", err)
	}
	if m, _ := s.Member(me.ID); m.Login != "admin" {
		t.Fatalf("a save without login lost it: %q", m.Login)
	}
}

func TestOpensWithoutSignIn(t *testing.T) {
	s := newStore(t, nil)
	se, ok := s.OpensWithoutSignIn()
	if !ok || se.Role() != data.MemberAdmin {
		t.Fatalf("an empty file: %v, role %s", ok, se.Role())
	}
	m, err := se.SaveMember(data.Member{Name: "赵敏", Role: data.MemberAdmin, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if se, ok = s.OpensWithoutSignIn(); !ok || se.Me().ID != m.ID {
		t.Fatalf("a team of one: %v", ok)
	}
	if _, err := s.SessionAs(m.ID).SaveMember(data.Member{Name: "李娜", Role: data.MemberRep, Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.OpensWithoutSignIn(); ok {
		t.Fatal("a team of two opens without sign-in")
	}
	// A rep without a password cannot sign in on a team of two.
	if _, err := s.SignIn("lina", ""); !errors.Is(err, data.ErrBadLogin) {
		t.Fatalf("sign-in without a password: %v", err)
	}
}

// The hashes never leave the credentials bucket: not in members, not in the JSON export.
func TestPasswordNeverExported(t *testing.T) {
	s, _, _ := newTeam(t, nil)
	var out strings.Builder
	if _, err := s.ExportJSON(&out, data.JSONExportOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{testPassword, "argon2id"} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("the JSON export contains %q", bad)
		}
	}
	raw, _ := json.Marshal(s.Members())
	if strings.Contains(string(raw), "argon2") {
		t.Error("members carry a hash")
	}
	h := s.credential(2).Hash
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=1$") {
		t.Errorf("stored hash %q", h)
	}
}

// A file at schema 8 with a current user and three members, none of them an admin.
func TestMigrationSignIn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v8.db")
	s, err := Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []data.Member{{Name: "王建国", Role: data.MemberRep}, {Name: "王建国", Role: data.MemberRep}, {Name: "刘芳", Role: data.MemberManager}} {
		if _, err := s.SaveMember(data.System, data.Member{Name: m.Name, Role: m.Role, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketCredentials); err != nil {
			return err
		}
		team, _ := readMembers(tx)
		for id, m := range team {
			m.Login = "" // schema 8 had no logins
			if err := putRecord(tx.Bucket(bucketMembers), encodeUint(id), m); err != nil {
				return err
			}
		}
		var fields map[string]any
		_ = json.Unmarshal(tx.Bucket(bucketSettings).Get(keySettings), &fields)
		fields["current_user"] = 2
		raw, _ := json.Marshal(fields)
		if err := tx.Bucket(bucketSettings).Put(keySettings, raw); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(8))
	}); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()

	s, err = Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ms := s.Members()
	if len(ms) != 3 {
		t.Fatalf("members after migration: %d", len(ms))
	}
	var logins []string
	admins := 0
	for _, m := range ms {
		logins = append(logins, m.Login)
		if m.Role == data.MemberAdmin {
			admins++
			if m.ID != 2 {
				t.Errorf("admin %d, want the former current user 2", m.ID)
			}
		}
	}
	if got := strings.Join(logins, ","); got != "wangjianguo,wangjianguo2,liufang" {
		t.Errorf("logins %s", got)
	}
	if admins != 1 {
		t.Errorf("%d admins", admins)
	}
	_ = s.view(func(tx *bolt.Tx) error {
		if strings.Contains(string(tx.Bucket(bucketSettings).Get(keySettings)), "current_user") {
			t.Error("the settings keep current_user")
		}
		if tx.Bucket(bucketCredentials) == nil {
			t.Error("no credentials bucket")
		}
		return nil
	})
	mustCheck(t, s)
}

// BenchmarkSignIn is one sign-in with the right password: the argon2id verify and the audit write.
func BenchmarkSignIn(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "b.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SessionAs(0).AddMember(data.Member{Name: "赵敏", Login: "admin", Role: data.MemberAdmin}, testPassword); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.SignIn("admin", testPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// A team that never set passwords (migrated or imported): its admin signs in without one, once, and
// must choose one; the reps cannot, and once the admin has a password, neither can the admin.
func TestFirstSignInOfATeamWithoutPasswords(t *testing.T) {
	s := newStore(t, nil)
	a, _ := s.SaveMember(data.System, data.Member{Name: "赵敏", Role: data.MemberAdmin, Active: true})
	if _, err := s.SaveMember(data.System, data.Member{Name: "李娜", Role: data.MemberRep, Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn("lina", ""); !errors.Is(err, data.ErrBadLogin) {
		t.Fatalf("a rep without a password: %v", err)
	}
	se, err := s.SignIn("zhaomin", "")
	if err != nil || !se.MustChangePassword() || se.Me().ID != a.ID {
		t.Fatalf("the admin's first sign-in: %v", err)
	}
	if err := se.ChangePassword("", testPassword); err != nil {
		t.Fatal(err)
	}
	if se.MustChangePassword() {
		t.Fatal("must still change")
	}
	if _, err := s.SignIn("zhaomin", ""); !errors.Is(err, data.ErrBadLogin) {
		t.Fatalf("sign-in without the new password: %v", err)
	}
}

func TestParseHashRefusesMalformed(t *testing.T) {
	good, err := hashPassword(testPassword, argonParams{Memory: 1024, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ok, stale := verifyPassword(good, testPassword); !ok || !stale {
		t.Fatalf("a weaker hash: ok %v, stale %v", ok, stale)
	}
	for _, tc := range []struct{ name, hash string }{
		{"empty", ""},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1)},
		{"other version", strings.Replace(good, "v=19", "v=16", 1)},
		{"no threads", strings.Replace(good, "p=1", "p=0", 1)},
		{"threads over 255", strings.Replace(good, "p=1", "p=256", 1)},
		{"bad salt", strings.Join(slices.Replace(strings.Split(good, "$"), 4, 5, "not base64!"), "$")},
		{"no key", good[:strings.LastIndex(good, "$")+1]},
		{"too few parts", "$argon2id$v=19$m=1024,t=1,p=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, _, err := parseHash(tc.hash); err == nil {
				t.Fatalf("parseHash(%q) accepted", tc.hash)
			}
			if ok, _ := verifyPassword(tc.hash, testPassword); ok {
				t.Fatal("verified against a malformed hash")
			}
		})
	}
}

func FuzzParseHash(f *testing.F) {
	f.Add("$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5")
	f.Add("$argon2id$v=19$m=,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, _, key, err := parseHash(s)
		if err == nil && (p.Memory == 0 || p.Time == 0 || p.Threads == 0 || len(key) == 0) {
			t.Fatalf("parseHash(%q) accepted %+v", s, p)
		}
	})
}

// A password hashed with older, weaker parameters is hashed again with the current ones at sign-in.
func TestSignInRehashesOlderParameters(t *testing.T) {
	s, _, rep := newTeam(t, nil)
	old, _ := hashPassword(testPassword, argonParams{Memory: 19 * 1024, Time: 2, Threads: 1})
	if err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		return nil, writeCredential(tx, rep.ID, credential{Hash: old})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn("lina", testPassword); err != nil {
		t.Fatal(err)
	}
	if h := s.credential(rep.ID).Hash; h == old || !strings.Contains(h, "m=65536,t=3,p=1") {
		t.Fatalf("hash after sign-in: %s", h)
	}
}

// Two wrong passwords at once both count.
func TestConcurrentFailuresAllCount(t *testing.T) {
	s, _, rep := newTeam(t, nil)
	done := make(chan error, 2)
	for range 2 {
		go func() { _, err := s.SignIn("lina", "wrong horse"); done <- err }()
	}
	for range 2 {
		if err := <-done; !errors.Is(err, data.ErrBadLogin) {
			t.Fatal(err)
		}
	}
	if n := s.credential(rep.ID).Failures; n != 2 {
		t.Fatalf("failures %d, want 2", n)
	}
}

// An export from before sign-in (no logins, no admin, a current user) imports into a team that can
// sign in: logins from the names, the former current user its admin, no current_user kept.
func TestImportOfAnExportFromBeforeSignIn(t *testing.T) {
	src := newStore(t, nil)
	for _, n := range []string{"王建国", "李娜"} {
		if _, err := src.SaveMember(data.System, data.Member{Name: n, Role: data.MemberRep, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	if _, err := src.ExportJSON(&out, data.JSONExportOptions{}); err != nil {
		t.Fatal(err)
	}
	old := regexp.MustCompile(`"login": ?"[a-z0-9]+",?`).ReplaceAllString(out.String(), "")
	old = strings.Replace(old, `"settings": {`, `"settings": {"current_user": 2,`, 1)
	if old == out.String() || !strings.Contains(old, "current_user") {
		t.Fatalf("the export was not turned into an old one:\n%.400s", out.String())
	}
	dst := newStore(t, nil)
	if _, err := dst.ImportJSON(data.System, strings.NewReader(old)); err != nil {
		t.Fatal(err)
	}
	ms := dst.Members()
	if len(ms) != 2 || ms[0].Login != "wangjianguo" || ms[1].Login != "lina" || ms[1].Role != data.MemberAdmin || ms[0].Role != data.MemberRep {
		t.Fatalf("members after import: %+v", ms)
	}
	_ = dst.view(func(tx *bolt.Tx) error {
		if strings.Contains(string(tx.Bucket(bucketSettings).Get(keySettings)), "current_user") {
			t.Error("current_user kept")
		}
		return nil
	})
}
