package gui

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// fixedNow is a Monday morning; every date in these tests hangs off it.
var fixedNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.Local)

// newTestUI builds the real main window on Fyne's test driver over a temp database with one member,
// its admin, who may do everything (roles_test.go's newTestUIAs builds it for a chosen member).
func newTestUI(t *testing.T, language string) *ui {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	st, err := storage.Open(filepath.Join(t.TempDir(), "gui.db"), storage.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	m, err := st.SaveMember(data.System, data.Member{Name: "王建国", Login: "wang", Role: data.MemberAdmin, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	setLanguage(language)
	u := newUI(a, st, Config{DBPath: st.Path()})
	// The test driver runs fyne.Do in line, on whatever goroutine calls it: work meant for the
	// background runs in line too, so widgets are only touched from the test's goroutine. Before
	// enter, whose screens read their first rows in the background.
	inlineWork(u)
	u.enter(st.SessionAs(m.ID), "")
	u.win.Resize(fyne.NewSize(1280, 800))
	return u
}

func TestCreateCustomerThroughTheForm(t *testing.T) {
	u := newTestUI(t, "en")
	cw := u.openCard(0)

	// Given an empty form, when the user types a bad budget and saves,
	// then the name and the budget show their messages and nothing is stored.
	test.Type(cw.budget, "12abc")
	test.Tap(cw.saveBtn)
	if got := cw.fields["budget"].msg.Text; got != T("err.amount") {
		t.Fatalf("budget message = %q, want %q", got, T("err.amount"))
	}
	if cw.c.ID != 0 {
		t.Fatal("an invalid card was saved")
	}
	if got := cw.fields["name"].msg.Text; got != T("err.required") {
		t.Fatalf("name message = %q, want %q", got, T("err.required"))
	}
	cw.budget.SetText("")
	test.Type(cw.budget, "45,000")
	test.Tap(cw.saveBtn)
	if got := cw.fields["budget"].msg.Text; got != "" {
		t.Fatalf("the fixed budget still shows %q", got)
	}
	if got := cw.budget.Text; got != "45,000" {
		t.Fatalf("the form lost what was typed: budget = %q", got)
	}

	// When the user adds a contact with a bad phone, the contact form refuses it at the field.
	test.Tap(cw.addContactBtn)
	test.Type(cw.contactForm.name, "张伟")
	test.Type(cw.contactForm.phone, "12345")
	test.Tap(cw.contactOK)
	if got := cw.contactForm.fields[2].msg.Text; got != T("err.phone") {
		t.Fatalf("phone message = %q", got)
	}
	cw.contactForm.phone.SetText("")
	test.Type(cw.contactForm.phone, "138-0013-8000")
	test.Tap(cw.contactOK)
	if len(cw.contacts) != 1 || !cw.contacts[0].Primary {
		t.Fatalf("contacts = %+v, want one primary", cw.contacts)
	}

	// When the name is typed and the card saved, it is stored with a card number and the list finds it.
	test.Type(cw.name, "北京科技有限公司")
	test.Tap(cw.saveBtn)
	if cw.c.ID == 0 || cw.c.CardNo == "" {
		t.Fatalf("card not saved: %+v; problems: %s", cw.c, cw.problems.Text)
	}
	if cw.problems.Visible() {
		t.Fatalf("problems still shown: %s", cw.problems.Text)
	}
	stored, err := u.store.Customer(cw.c.ID)
	if err != nil || stored.Budget != data.AmountFromYuan(45000) || stored.Contacts[0].Phone != "13800138000" {
		t.Fatalf("stored = %+v, %v", stored, err)
	}

	for _, q := range []string{"北京", "bjkj", "beijing", "138-0013", cw.c.CardNo} {
		u.customers.search.SetText("")
		test.Type(u.customers.search, q)
		if u.customers.rowIndex("北京科技") < 0 {
			t.Errorf("search %q did not find the card; rows %d", q, len(u.customers.shown()))
		}
	}
	test.Type(u.customers.search, "zzz")
	if len(u.customers.shown()) != 0 {
		t.Errorf("search for a missing text found %d rows", len(u.customers.shown()))
	}
}

func TestDuplicateWarning(t *testing.T) {
	u := newTestUI(t, "en")
	if _, err := u.store.CreateCustomer(data.Customer{Name: "上海恒达机械有限公司"}); err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(0)
	test.Type(cw.name, "上海 恒达机械 股份有限公司")
	test.Tap(cw.saveBtn)
	if cw.c.ID != 0 {
		t.Fatal("saved without a duplicate warning")
	}
	if len(u.dialogs) != 1 {
		t.Fatalf("%d dialogs shown, want the duplicate warning", len(u.dialogs))
	}
	// Esc in the name field closes the warning and keeps what was typed.
	cw.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(u.dialogs) != 0 || cw.name.Text != "上海 恒达机械 股份有限公司" {
		t.Fatalf("after Esc: %d dialogs, name %q", len(u.dialogs), cw.name.Text)
	}
	active, _ := counts(u.store)
	if active != 1 {
		t.Fatalf("customers = %d, want 1 before the user decides", active)
	}
}

func TestLogFollowUpUpdatesCardAndAgenda(t *testing.T) {
	u := newTestUI(t, "zh")
	c, err := u.store.CreateCustomer(data.Customer{Name: "杭州云帆网络科技有限公司", OwnerID: u.me().MemberID,
		NextFollowUp: fixedNow.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(c.ID)
	if !cw.c.LastFollowUp.IsZero() {
		t.Fatal("a new card has a last follow-up")
	}

	// When a follow-up is logged from the card with the next plan set to today,
	test.Tap(cw.followBtn)
	f := cw.followUpForm
	test.Type(f.topic, "电话确认报价")
	test.Type(f.feedback, "客户希望下周演示")
	f.nextDate.SetText(data.FormatDate(fixedNow))
	test.Type(f.nextAction, "安排产品演示")
	test.Tap(cw.followUpOK)

	// then the card's last follow-up moves to today, the timeline shows it first,
	if !cw.c.LastFollowUp.Equal(data.DateOf(fixedNow)) {
		t.Fatalf("last follow-up = %v, want %v", cw.c.LastFollowUp, data.DateOf(fixedNow))
	}
	if len(cw.followUps) != 1 || cw.followUps[0].Topic != "电话确认报价" {
		t.Fatalf("timeline = %+v", cw.followUps)
	}
	// and today's agenda lists the card as due.
	due := u.agenda.sections[0].items
	if len(due) != 1 || due[0].Row.ID != c.ID || due[0].Text != "安排产品演示" {
		t.Fatalf("agenda due today = %+v", due)
	}
}

func TestFollowUpFormRefusesBadInput(t *testing.T) {
	u := newTestUI(t, "en")
	c, err := u.store.CreateCustomer(data.Customer{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(c.ID)
	test.Tap(cw.followBtn)
	f := cw.followUpForm
	f.date.SetText("2026-02-30")
	test.Tap(cw.followUpOK)
	if f.fields["date"].msg.Text != T("err.date") || f.fields["topic"].msg.Text != T("err.required") {
		t.Fatalf("messages: date %q topic %q", f.fields["date"].msg.Text, f.fields["topic"].msg.Text)
	}
	fs, _ := u.store.FollowUps(c.ID)
	if len(fs) != 0 {
		t.Fatal("an invalid follow-up was stored")
	}
}

func TestEveryScreenInBothLanguages(t *testing.T) {
	for _, l := range Languages {
		t.Run(l, func(t *testing.T) {
			u := newTestUI(t, l)
			if got := u.tabs.Items[1].Text; got != T("tab.customers") || got == "tab.customers" {
				t.Fatalf("tab text %q", got)
			}
			cw := u.openCard(0)
			if cw.fields["name"].label.Text == "field.name" {
				t.Fatal("untranslated field label")
			}
		})
	}
}

func TestFirstStartWithoutDemo(t *testing.T) {
	a := test.NewTempApp(t)
	st, err := storage.Open(filepath.Join(t.TempDir(), "empty.db"), storage.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	setLanguage("en")
	u := newUI(a, st, Config{})
	inlineWork(u)
	u.begin()
	u.startup()
	if u.welcome.empty == nil {
		t.Fatal("an empty database did not get the welcome dialog")
	}
	// Starting empty with no name is refused at the field; with a name, the user becomes the admin.
	test.Tap(u.welcome.empty)
	if len(st.Members()) != 0 {
		t.Fatal("a nameless member was created")
	}
	test.Type(u.welcome.name, "赵敏")
	test.Type(u.welcome.login, "zhaomin")
	test.Type(u.welcome.password, "secret-pass")
	test.Type(u.welcome.repeat, "secret-pass")
	test.Tap(u.welcome.empty)
	if len(st.Members()) == 0 {
		t.Fatal("the first run added no member")
	}
	ms := st.Members()
	if len(ms) != 1 || ms[0].Name != "赵敏" || ms[0].Role != data.MemberAdmin {
		t.Fatalf("members = %+v", ms)
	}
	if u.me().MemberID != ms[0].ID {
		t.Fatalf("current user = %+v", u.me())
	}
}

func TestSettingsRefuseAThresholdBelowB(t *testing.T) {
	u := newTestUI(t, "en")
	s := u.settings
	s.aAnnual.SetText("")
	test.Type(s.aAnnual, "100,000")
	s.perMonth.SetText("")
	test.Type(s.perMonth, "-1")
	test.Tap(s.saveBtn)
	if got := s.fields["a_min_annual"].msg.Text; got != T("err.a_below_b") {
		t.Fatalf("A threshold message = %q", got)
	}
	if got := s.fields["per_month"].msg.Text; got != T("err.negative") {
		t.Fatalf("per-month message = %q", got)
	}
	if u.teamSettings().GradeRules != data.DefaultGradeRules {
		t.Fatal("invalid thresholds were saved")
	}
	// Fixed, they are saved and regrade the list.
	s.aAnnual.SetText("")
	test.Type(s.aAnnual, "800,000")
	s.perMonth.SetText("")
	test.Type(s.perMonth, "3")
	test.Tap(s.saveBtn)
	if got := u.teamSettings(); got.GradeRules.AMinAnnual != data.AmountFromYuan(800_000) || got.Caps.PerMonth != 3 {
		t.Fatalf("settings = %+v", got)
	}
}

// Every choice on the card opens its list: a select must be laid out as itself to find its window.
func TestCardSelectsOpen(t *testing.T) {
	u := newTestUI(t, "zh")
	cw := u.openCard(0)
	// The real driver finds a pop-up's window through the object in the layout (the test driver has
	// one canvas for all, so it cannot show this): no wrapper may stand in for its widget there.
	for key, f := range cw.fields {
		if _, wrapper := f.input.(interface{ widget() fyne.CanvasObject }); wrapper {
			t.Errorf("field %s lays out a wrapper instead of its widget", key)
		}
	}
	for name, sel := range map[string]fyne.Tappable{
		"ownership": cw.ownership.escSelect, "source": cw.source.escSelect, "status": cw.status.escSelect,
		"override": cw.override.escSelect, "lifecycle": cw.lifecycle.escSelect, "referral": cw.referral.escSelect,
		"credit": cw.credit.escSelect, "owner": cw.owner,
	} {
		test.Tap(sel)
		overlay := cw.win.Canvas().Overlays().Top()
		if overlay == nil {
			t.Errorf("%s: tapping the select opened no list", name)
			continue
		}
		cw.win.Canvas().Overlays().Remove(overlay)
	}
}

// Ctrl+S typed while a field has the focus saves the card.
func TestCtrlSInAFieldSaves(t *testing.T) {
	u := newTestUI(t, "en")
	c, err := u.store.CreateCustomer(data.Customer{Name: "沈阳宝丰卫浴有限公司", Region: "沈阳"})
	if err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(c.ID)
	cw.win.Canvas().Focus(cw.region)
	test.Type(cw.region, "市")
	cw.region.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	got, _ := u.store.Customer(c.ID)
	if got.Region != "沈阳市" && got.Region != "市沈阳" {
		t.Fatalf("region after Ctrl+S = %q", got.Region)
	}
}

// Closing a card with unsaved typing asks first; an untouched card closes at once.
func TestCloseAsksAboutUnsavedChanges(t *testing.T) {
	u := newTestUI(t, "en")
	c, err := u.store.CreateCustomer(data.Customer{Name: "Acme", Region: "沈阳",
		FirstContact: data.DateOf(fixedNow), Tags: []string{"VIP"}})
	if err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(c.ID)
	if cw.dirty() {
		t.Fatal("a card just opened counts as changed")
	}
	test.Type(cw.notes, "call back")
	cw.onClose()
	if cw.unsaved == nil || len(u.dialogs) != 1 {
		t.Fatal("closing with unsaved changes did not ask")
	}
}

// The problems summary counts down as the fields are fixed, and goes with the last one.
func TestProblemsSummaryFollowsFixes(t *testing.T) {
	u := newTestUI(t, "en")
	cw := u.openCard(0)
	test.Type(cw.budget, "12abc")
	test.Tap(cw.saveBtn) // name and budget
	if !cw.problems.Visible() || cw.problems.Text != Tf("card.problems", 2) {
		t.Fatalf("summary = %q", cw.problems.Text)
	}
	test.Type(cw.name, "北京科技")
	if cw.problems.Text != Tf("card.problems", 1) {
		t.Fatalf("after fixing the name: %q", cw.problems.Text)
	}
	cw.budget.SetText("45000")
	if cw.problems.Visible() {
		t.Fatalf("summary still shown: %q", cw.problems.Text)
	}
}

// Archiving asks, hides the card from the list and keeps it restorable.
func TestArchiveAndRestoreFromTheCard(t *testing.T) {
	u := newTestUI(t, "en")
	c, err := u.store.CreateCustomer(data.Customer{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(c.ID)
	test.Tap(cw.archiveBtn)
	if len(u.dialogs) != 1 {
		t.Fatal("archiving did not ask first")
	}
	if got, _ := u.store.Customer(c.ID); got.Archived {
		t.Fatal("archived before the user confirmed")
	}
	cw.u.closeDialog()
	cw.archive() // what the dialog's Archive button does
	if active, archived := counts(u.store); active != 0 || archived != 1 {
		t.Fatalf("counts after archive: %d active, %d archived", active, archived)
	}
	test.Tap(cw.archiveBtn) // now Restore
	if active, _ := counts(u.store); active != 1 {
		t.Fatal("restore did not bring the card back")
	}
}

func TestWindowStateKeptInOneKey(t *testing.T) {
	cases := []struct {
		in   string
		want windowState
	}{
		{"1100,700", windowState{w: 1100, h: 700}},
		{"1100,700,210,130", windowState{w: 1100, h: 700, x: 210, y: 130, placed: true}},
		{"1100,700,-40,0", windowState{w: 1100, h: 700, x: -40, placed: true}},
		{"", windowState{w: 1280, h: 800}},
		{"50,20", windowState{w: 1280, h: 800}},
		{"a,b", windowState{w: 1280, h: 800}},
		{"1100,700,3", windowState{w: 1280, h: 800}},
		{"NaN,700", windowState{w: 1280, h: 800}},
	}
	for _, c := range cases {
		if got := parseWindowState(c.in); got != c.want {
			t.Errorf("parseWindowState(%q) = %+v; want %+v", c.in, got, c.want)
		}
		if c.want.w == 1100 && parseWindowState(c.want.String()) != c.want {
			t.Errorf("%+v does not survive its own string %q", c.want, c.want.String())
		}
	}
	// Quitting writes the size in that key, where the next start reads it.
	u := newTestUI(t, "en")
	u.win.Resize(fyne.NewSize(1000, 640))
	u.onMainClose()
	if got := parseWindowState(u.app.Preferences().String(prefWindow)); got.w != 1000 || got.h != 640 {
		t.Errorf("saved %+v; want 1000×640", got)
	}
}
