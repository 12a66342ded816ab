package gui

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// twoMemberFile is a team of two with logins: such a file always asks for a sign-in.
func twoMemberFile(t *testing.T) (*storage.Store, data.Member, data.Member) {
	t.Helper()
	st, err := storage.Open(filepath.Join(t.TempDir(), "team.db"), storage.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	admin, err := st.SaveMember(data.System, data.Member{Name: "赵敏", Login: "zhao", Role: data.MemberAdmin, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := st.SaveMember(data.System, data.Member{Name: "李雷", Login: "li", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return st, admin, rep
}

func TestSignInScreenForATeamOfTwo(t *testing.T) {
	a := test.NewTempApp(t)
	st, _, _ := twoMemberFile(t)
	a.Preferences().SetString(prefLastLogin, "li")
	setLanguage("zh")
	u := newUI(a, st, Config{})
	inlineWork(u)
	u.begin()
	f := u.signIn
	if f == nil || u.tabs != nil || u.session != nil {
		t.Fatal("a team of two opened without the sign-in screen")
	}
	if f.login.Text != "li" || f.password.Text != "" {
		t.Fatalf("login %q password %q, want the remembered login and no password", f.login.Text, f.password.Text)
	}
	// An empty password and a wrong one say the same, without saying which part was wrong.
	test.Tap(f.button)
	if f.msg.Text != "用户名或密码不正确" {
		t.Fatalf("empty password: message %q", f.msg.Text)
	}
	test.Type(f.password, "wrong-password")
	f.password.OnSubmitted(f.password.Text) // Enter submits
	if f.msg.Text != "用户名或密码不正确" || u.session != nil || u.tabs != nil {
		t.Fatalf("wrong password: message %q, signed in %v", f.msg.Text, u.session != nil)
	}
	if f.button.Disabled() || f.password.Text != "" {
		t.Fatalf("after a refused sign-in: button disabled %v, password %q", f.button.Disabled(), f.password.Text)
	}
	if got := a.Preferences().String(prefLastLogin); got != "li" {
		t.Fatalf("remembered login %q", got)
	}
}

func TestSignInOpensTheScreens(t *testing.T) {
	a := test.NewTempApp(t)
	st, err := storage.Open(filepath.Join(t.TempDir(), "team.db"), storage.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	admin, err := st.SessionAs(0).AddMember(data.Member{Name: "赵敏", Login: "zhao", Role: data.MemberAdmin, Active: true}, "zhao-password")
	if err == nil {
		_, err = st.SessionAs(admin.ID).AddMember(data.Member{Name: "李雷", Login: "li", Role: data.MemberRep, Active: true}, "li-password")
	}
	if _, err2 := st.SignIn("li", "li-password"); errors.Is(err2, data.ErrBadLogin) || err != nil {
		t.Fatalf("sign-in as li: %v, %v", err, err2)
	}
	setLanguage("en")
	u := newUI(a, st, Config{})
	inlineWork(u)
	u.begin()
	test.Type(u.signIn.login, "li")
	test.Type(u.signIn.password, "li-password")
	test.Tap(u.signIn.button)
	if u.tabs == nil || u.store.Me().Login != "li" {
		t.Fatalf("not signed in: %q", u.signIn.msg.Text)
	}
	if !strings.Contains(u.win.Title(), "李雷") {
		t.Errorf("title %q does not name the member", u.win.Title())
	}
	if got := a.Preferences().String(prefLastLogin); got != "li" {
		t.Errorf("remembered login %q", got)
	}
}

func TestSignInErrorsByCode(t *testing.T) {
	setLanguage("en")
	for _, c := range []struct {
		err  error
		want string
	}{
		{data.ErrBadLogin, T("signin.bad_login")},
		{fmt.Errorf("sign in: %w", data.ErrAccountLocked), T("signin.account_locked")},
		{data.ErrInactive, T("signin.inactive")},
		{&data.SlowDown{Wait: 30 * time.Second}, Tf("signin.slow_down", 30)},
		{data.ErrLastAdmin, T("members.last_admin")},
		{&data.Refusal{Perm: data.PermMembers, Role: data.MemberRep}, Tf("members.forbidden", enumLabel("role", data.MemberAdmin))},
	} {
		if got := signInErrorText(c.err); got != c.want {
			t.Errorf("%v: %q, want %q", c.err, got, c.want)
		}
	}
}

func TestIdleLockKeepsTyping(t *testing.T) {
	u := newTestUI(t, "zh")
	givePassword(t, u.file, u.store.Me().ID)
	clock := fixedNow
	u.now = func() time.Time { return clock }
	u.lastInput = clock
	cw := u.openCard(0)
	test.Type(cw.name, "未保存的公司")
	main := u.win.Content()

	// Input resets the count: a mouse move over the window and a key in an entry.
	clock = clock.Add(14 * time.Minute)
	u.idleTick()
	if u.lock != nil {
		t.Fatal("locked before the idle time")
	}
	watch, ok := main.(*tipArea).content.(*inputWatch)
	if !ok {
		t.Fatal("the main window's content is not watched for mouse moves")
	}
	watch.Cursor()
	if !u.lastInput.Equal(clock) {
		t.Fatal("a mouse move over the window was not counted as input")
	}
	clock = clock.Add(10 * time.Minute)
	test.Type(cw.name, "甲")
	if !u.lastInput.Equal(clock) {
		t.Fatal("typing was not counted as input")
	}
	clock = clock.Add(15 * time.Minute)
	u.idleTick()
	if u.lock == nil {
		t.Fatal("not locked after 15 idle minutes")
	}
	if u.win.Content() == main || u.win.MainMenu() != nil {
		t.Fatal("the lock does not cover the main window")
	}
	hidden := false
	for _, w := range u.lock.hidden {
		hidden = hidden || w == cw.win
	}
	if !hidden {
		t.Fatal("the card window stayed visible behind the lock")
	}
	// A wrong password keeps the lock.
	l := u.lock
	test.Type(l.password, "wrong-password")
	test.Tap(l.unlock)
	if u.lock == nil || l.msg.Text != "用户名或密码不正确" {
		t.Fatalf("a wrong password: locked %v, message %q", u.lock != nil, l.msg.Text)
	}
	// The right one (checked by SignIn) puts everything back as it was.
	u.unlockWith(u.session)
	if u.lock != nil || u.win.Content() != main || u.win.MainMenu() == nil {
		t.Fatal("the window was not put back after unlocking")
	}
	if cw.name.Text != "未保存的公司甲" || !u.open[cw] {
		t.Fatalf("after unlocking the card shows %q, open %v", cw.name.Text, u.open[cw])
	}
}

func TestIdleLockOffWhenZero(t *testing.T) {
	u := newTestUI(t, "en")
	st := u.teamSettings()
	st.IdleLockMinutes = 0
	if err := u.file.SaveSettings(data.System, st); err != nil {
		t.Fatal(err)
	}
	clock := fixedNow
	u.now = func() time.Time { return clock }
	u.lastInput = clock
	clock = clock.Add(24 * time.Hour)
	u.idleTick()
	if u.lock != nil {
		t.Fatal("locked although the idle lock is off")
	}
	if data.DefaultSettings().IdleLockMinutes != 15 {
		t.Fatalf("default idle lock %d minutes, want 15", data.DefaultSettings().IdleLockMinutes)
	}
}

func TestMembersScreenListsMembers(t *testing.T) {
	u := newTestUI(t, "zh")
	wang := u.store.Me()
	admin, err := u.file.SaveMember(data.System, data.Member{Name: "赵敏", Login: "zhao", Role: data.MemberAdmin, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	demoteToRep(t, u)
	if _, err := u.store.CreateCustomer(data.Customer{Name: "杭州云帆网络科技有限公司", OwnerID: wang.ID}); err != nil {
		t.Fatal(err)
	}

	// A rep sees the team without the editing buttons; the data layer refuses the call anyway.
	u.tabs.SelectIndex(tabSettings) // the team is read again when Settings shows
	p := u.settings.members
	if p.add.Visible() || len(p.rows.Objects) != 2 {
		t.Fatalf("rep: add button shown %v, %d rows", p.add.Visible(), len(p.rows.Objects))
	}
	if _, ok := p.rows.Objects[0].(*fitLabel); !ok {
		t.Fatalf("a rep's member row is %T, want a plain label", p.rows.Objects[0])
	}
	p.run(nil, func() error { return u.session.SetActive(admin.ID, false) }, nil)
	if len(u.dialogs) != 1 {
		t.Fatalf("%d dialogs: the refusal was not shown", len(u.dialogs))
	}
	u.dialogs[0].Hide()

	// An admin gets the buttons, every member's login, and the count of cards in the deactivation.
	givePassword(t, u.file, admin.ID)
	u.enter(u.file.SessionAs(admin.ID), "")
	p = u.settings.members
	if !p.add.Visible() || len(p.rows.Objects) != 2 {
		t.Fatalf("admin: add button shown %v, %d rows", p.add.Visible(), len(p.rows.Objects))
	}
	var texts []string
	for _, m := range p.statuses {
		texts = append(texts, rowText(m))
	}
	if all := strings.Join(texts, "\n"); !strings.Contains(all, "zhao") || !strings.Contains(all, "wang") || !strings.Contains(all, "管理员") {
		t.Fatalf("member rows:\n%s", all)
	}
	if n := p.ownedCards(wang.ID); n != 1 {
		t.Fatalf("王建国 owns %d cards, want 1", n)
	}

	// Adding a member with a short password is refused at the field, and nothing is written.
	f := p.addMember()
	test.Type(f.login, "han")
	test.Type(f.name, "韩梅梅")
	test.Type(f.password, "short")
	test.Tap(f.save)
	if got := f.fields["password"].msg.Text; got != T("signin.weak_password") {
		t.Fatalf("password message %q", got)
	}
	if len(u.members()) != 2 || f.name.Text != "韩梅梅" {
		t.Fatalf("%d members, name field %q", len(u.members()), f.name.Text)
	}
	f.login.SetText("")
	test.Tap(f.save)
	if got := f.fields["login"].msg.Text; got != T("err.required") {
		t.Fatalf("login message %q", got)
	}
}

func TestFirstRunAsksForAPassword(t *testing.T) {
	a := test.NewTempApp(t)
	st, err := storage.Open(filepath.Join(t.TempDir(), "empty.db"), storage.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	setLanguage("zh")
	u := newUI(a, st, Config{})
	inlineWork(u)
	u.begin()
	u.startup()
	w := u.welcome
	if w.password == nil || w.repeat == nil || w.demo == nil {
		t.Fatal("the welcome form asks no password or lost the demo")
	}
	test.Type(w.name, "赵敏")
	test.Type(w.login, "zhao")
	test.Type(w.password, "short")
	test.Type(w.repeat, "other")
	test.Tap(w.empty)
	if got := w.passwordField.msg.Text; got != "密码至少需要 8 个字符" {
		t.Fatalf("short password: %q", got)
	}
	if got := w.repeatField.msg.Text; got != "两次输入的密码不一致" {
		t.Fatalf("repeat: %q", got)
	}
	if len(st.Members()) != 0 {
		t.Fatal("a member was created with a refused password")
	}
	w.password.SetText("")
	w.repeat.SetText("")
	test.Type(w.password, "zhao-password")
	test.Type(w.repeat, "zhao-password")
	test.Tap(w.empty)
	if w.passwordField.msg.Visible() || w.repeatField.msg.Visible() {
		t.Fatal("an accepted password still shows a message")
	}
	ms := st.Members()
	if len(ms) == 0 {
		t.Fatal("the first run added no member")
	}
	if ms[0].Role != data.MemberAdmin || ms[0].Login != "zhao" || u.store.Me().ID != ms[0].ID || u.tabs == nil {
		t.Fatalf("members %+v, signed in as %+v", ms, u.store.Me())
	}
}

func TestChangePasswordShowsErrorsAtTheField(t *testing.T) {
	u := newTestUI(t, "en")
	givePassword(t, u.file, u.store.Me().ID)
	f := u.changePassword()
	test.Type(f.old.entry, "old-password")
	test.Type(f.pw.entry, "new-password")
	test.Type(f.repeat.entry, "new-passw0rd")
	test.Tap(f.ok)
	if f.repeat.msg.Text != T("signin.repeat_differs") {
		t.Fatalf("repeat message %q", f.repeat.msg.Text)
	}
	f.repeat.entry.SetText("new-password")
	test.Tap(f.ok)
	// The member's password is not "old-password": the data layer says the old one is wrong.
	if f.old.msg.Text != T("signin.old_wrong") {
		t.Fatalf("old password message %q", f.old.msg.Text)
	}
	if f.pw.entry.Text != "new-password" {
		t.Fatal("a refused change lost the typing")
	}
}

func TestSignOutAsksAboutUnsavedCards(t *testing.T) {
	u := newTestUI(t, "en")
	clean := u.openCard(0)
	u.signOut()
	if u.signIn == nil || len(u.open) != 0 {
		t.Fatalf("sign-out: sign-in screen %v, %d card windows open", u.signIn != nil, len(u.open))
	}
	_ = clean

	u = newTestUI(t, "en")
	cw := u.openCard(0)
	test.Type(cw.name, "未保存")
	u.signOut()
	if u.signIn != nil || len(u.dialogs) != 1 || !u.open[cw] {
		t.Fatalf("sign-out over unsaved typing: sign-in %v, %d dialogs", u.signIn != nil, len(u.dialogs))
	}
}

// givePassword sets a member's password, so that a session of theirs on a team of several is not
// sent to the forced password change first.
func givePassword(t *testing.T, st *storage.Store, id uint64) {
	t.Helper()
	if err := st.SessionAs(id).ChangePassword("", "member-password"); err != nil {
		t.Fatal(err)
	}
}

// demoteToRep makes the test window's member (newTestUI's, an admin) a rep, with a password, and
// signs the window in again as that rep. The team must have another admin by then.
func demoteToRep(t *testing.T, u *ui) {
	t.Helper()
	m := u.store.Me()
	m.Role = data.MemberRep
	if _, err := u.file.SaveMember(data.System, m); err != nil {
		t.Fatal(err)
	}
	givePassword(t, u.file, m.ID)
	u.enter(u.file.SessionAs(m.ID), "")
}

// asRep gives the test window's team an administrator and makes the window's member a rep.
func asRep(t *testing.T, u *ui) {
	t.Helper()
	if _, err := u.file.SaveMember(data.System, data.Member{Name: "管理员", Login: "admin", Role: data.MemberAdmin, Active: true}); err != nil {
		t.Fatal(err)
	}
	demoteToRep(t, u)
}

// The sign-in screen of a demo file gives its public password; a real team's file never does, even
// one that holds the demo's members and one of its own.
func TestSignInShowsTheDemoPasswordOnlyForTheDemo(t *testing.T) {
	a := test.NewTempApp(t)
	t.Cleanup(func() { setLanguage("en") })
	st, err := storage.Open(filepath.Join(t.TempDir(), "demo.db"), storage.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := storage.GenerateDemo(st, storage.DemoOptions{Customers: 3, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	signIn := func(st *storage.Store) *signInForm {
		u := newUI(a, st, Config{})
		inlineWork(u)
		u.begin()
		if u.signIn == nil {
			t.Fatal("no sign-in screen")
		}
		return u.signIn
	}
	for lang, want := range map[string]string{"zh": "演示数据：用户 zhaomin 等，密码 demo1234",
		"en": "Demo data: user zhaomin and others, password demo1234"} {
		setLanguage(lang)
		f := signIn(st)
		if f.demoHint == nil || f.demoHint.Text != want || !slices.Contains(drawnTexts(f.content), want) {
			t.Fatalf("%s: demo hint %v, want %q drawn", lang, f.demoHint, want)
		}
		// What it says works.
		f.login.SetText("zhaomin") // the second time, the remembered login
		test.Type(f.password, storage.DemoPassword)
		test.Tap(f.button)
		if f.msg.Text != "" {
			t.Fatalf("%s: the hint's login and password were refused: %q", lang, f.msg.Text)
		}
	}

	setLanguage("zh")
	real, _, _ := twoMemberFile(t)
	if f := signIn(real); f.demoHint != nil {
		t.Fatalf("a team of two is told the demo password: %q", f.demoHint.Text)
	}
	if _, err := st.SaveMember(data.System, data.Member{Name: "孙悦", Login: "sunyue", Role: data.MemberRep, Active: true}); err != nil {
		t.Fatal(err)
	}
	if f := signIn(st); f.demoHint != nil {
		t.Fatal("the demo's team with a member of its own is told the demo password")
	}
}
