package gui

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

// asManager makes the test window's member a manager and rebuilds the window, as a sign-in would.
func asManager(t *testing.T, u *ui) data.Member {
	t.Helper()
	boss, err := u.file.SaveMember(data.System, data.Member{Name: "王经理", Role: data.MemberManager, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	givePassword(t, u.file, boss.ID)
	u.enter(u.file.SessionAs(boss.ID), "")
	return boss
}

func auditTexts(s *auditScreen) string {
	var b strings.Builder
	for r := range s.rows {
		for c := 0; c < 6; c++ {
			b.WriteString(s.cell(r, c))
			b.WriteString(" | ")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestAuditScreenShowsOldAndNewValue(t *testing.T) {
	u := newTestUI(t, "zh")
	asRep(t, u)
	if u.audit != nil {
		t.Fatal("a rep's window has the audit tab")
	}
	asManager(t, u)
	if u.audit == nil {
		t.Fatal("a manager's window has no audit tab")
	}
	me := u.store
	c, err := me.CreateCustomer(data.Customer{Kind: data.KindCompany, Name: "星河贸易", Status: data.StatusProspect})
	if err != nil {
		t.Fatal(err)
	}
	c.Name = "星河贸易有限公司"
	if _, err := me.UpdateCustomer(c); err != nil {
		t.Fatal(err)
	}

	// Filtered to customers and edits, the screen shows the name's old and new value.
	s := u.audit
	s.kind.SetSelected(auditKindText("customer"))
	s.action.SetSelected(auditActionText("update"))
	got := auditTexts(s)
	if len(s.rows) != 1 || !strings.Contains(got, "星河贸易 → 星河贸易有限公司") || !strings.Contains(got, "王经理") ||
		!strings.Contains(got, "修改") || !strings.Contains(got, "| "+T("field.name")+" |") {
		t.Fatalf("audit rows:\n%s\nwant one edit of the name by 王经理, old → new", got)
	}

	// A date that does not parse says so and keeps the rows.
	test.Type(s.from, "明天")
	s.onFilterChanged("")
	if !s.problem.Visible() || len(s.rows) != 1 {
		t.Errorf("a bad date: problem shown %v, %d rows", s.problem.Visible(), len(s.rows))
	}

	// The card's own history tab shows the same change.
	cw := u.openCard(c.ID)
	if cw.history == nil {
		t.Fatal("a saved card has no history tab")
	}
	cw.tabs.SelectIndex(len(cw.tabs.Items) - 1)
	var hist strings.Builder
	for _, r := range cw.history.rows {
		hist.WriteString(auditCell(r, 5) + "\n")
	}
	if !strings.Contains(hist.String(), "星河贸易 → 星河贸易有限公司") {
		t.Errorf("card history:\n%s", hist.String())
	}
}

// The pool's moves and a deal's stages are stored as keys and ids; the screen reads them in words.
func TestAuditNamesPoolMovesStagesAndTheSweep(t *testing.T) {
	u := newTestUI(t, "zh")
	rep, err := u.file.SaveMember(data.System, data.Member{Name: "张伟", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	name := memberNamer(u)
	id := strconv.FormatUint(rep.ID, 10)
	cases := []struct{ action, want string }{
		{"pool_return from=" + id + " to=0 reason=no follow-up for 60 days", "自动回收 张伟 → 公海  原因：60 天没有跟进"},
		{"pool_release from=" + id + " to=0 reason=客户已停业", "退回 张伟 → 公海  原因：客户已停业"},
		{"handover from=" + id + " to=0 customers=12 deals=3 planned=5", "交接 张伟 → 公海  客户 12  商机 3  计划跟进 5"},
		{"move lead→won", "阶段变更 " + T("stage.lead") + "→" + T("stage.won")},
		{"update", "修改"},
	}
	for _, c := range cases {
		if got := auditActionLine(c.action, name); got != c.want {
			t.Errorf("%q reads %q, want %q", c.action, got, c.want)
		}
	}
	sweep := data.Change{Actor: "pool sweep", Action: "pool_return from=1 to=0", Entity: "customer"}
	if got := auditRows(u, []data.Change{sweep})[0].actorText; got != T("pool.by_rules") {
		t.Errorf("the sweep's lines name their actor %q", got)
	}
}
