package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

func TestClaimFromThePool(t *testing.T) {
	u := newTestUI(t, "zh")
	asRep(t, u)
	me := u.store.Me()
	free, err := u.file.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: "公海客户", Status: data.StatusProspect})
	if err != nil {
		t.Fatal(err)
	}
	u.tabs.SelectIndex(tabPool)
	s := u.pool
	if len(s.page.Rows) != 1 || s.page.Rows[0].Row.ID != free.ID {
		t.Fatalf("pool lists %d cards, want the one free card", len(s.page.Rows))
	}
	if s.claimBtn.Disabled() == false {
		t.Fatal("Claim is enabled with nothing selected")
	}
	if s.assignBtn.Visible() {
		t.Fatal("a rep is offered Assign")
	}
	s.list.Select(0)
	test.Tap(s.claimBtn)
	if r, _ := u.file.Row(free.ID); r.OwnerID != me.ID {
		t.Fatalf("owner after claim %d, want %d", r.OwnerID, me.ID)
	}
	if len(s.page.Rows) != 0 || !strings.Contains(s.message.Text, "公海客户") {
		t.Fatalf("after the claim: %d rows, message %q", len(s.page.Rows), s.message.Text)
	}

	// Over the daily limit the screen says which limit, in Chinese, and nothing changes.
	st := u.file.Settings()
	st.Pool.ClaimsPerDay = 1
	if err := u.file.SaveSettings(data.System, st); err != nil {
		t.Fatal(err)
	}
	other, _ := u.file.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: "第二家", Status: data.StatusProspect})
	s.reload()
	s.list.Select(0)
	test.Tap(s.claimBtn)
	if r, _ := u.file.Row(other.ID); r.OwnerID != 0 {
		t.Fatal("a claim over the limit went through")
	}
	if !strings.Contains(s.message.Text, "每天最多领取 1 张") {
		t.Fatalf("limit message %q", s.message.Text)
	}
	// The card's history shows the claim.
	h, _ := u.store.PoolHistory(free.ID)
	if text := u.poolHistoryText(h); !strings.Contains(text, "领取") || !strings.Contains(text, me.Name) {
		t.Fatalf("history text %q", text)
	}
}

func TestHandoverDialog(t *testing.T) {
	u := newTestUI(t, "en")
	rep := u.store.Me()
	mgr, err := u.file.SaveMember(data.System, data.Member{Name: "Boss", Role: data.MemberManager, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	next, _ := u.file.SaveMember(data.System, data.Member{Name: "Heir", Role: data.MemberRep, Active: true})
	var ids []uint64
	for _, n := range []string{"One", "Two"} {
		c, err := u.file.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: n, Status: data.StatusProspect, OwnerID: rep.ID})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	givePassword(t, u.file, mgr.ID)
	u.enter(u.file.SessionAs(mgr.ID), "") // the window now acts as the manager
	h := u.showHandover(rep.ID)
	if h == nil {
		t.Fatal("no handover dialog")
	}
	if !h.confirm.Disabled() {
		t.Fatal("confirm is enabled before the preview")
	}
	h.to.SetSelected("Heir")
	if !strings.Contains(h.counts.Text, "Moves 2 customers, 0 open deals") {
		t.Fatalf("preview %q", h.counts.Text)
	}
	if r, _ := u.file.Row(ids[0]); r.OwnerID != rep.ID {
		t.Fatal("the preview moved a card")
	}
	test.Tap(h.confirm)
	if h.done == nil || h.done.Customers != 2 {
		t.Fatalf("handover result %+v", h.done)
	}
	for _, id := range ids {
		if r, _ := u.file.Row(id); r.OwnerID != next.ID {
			t.Errorf("card %d owner %d, want %d", id, r.OwnerID, next.ID)
		}
	}
}

func TestReviewScreenForManagers(t *testing.T) {
	u := newTestUI(t, "zh")
	asRep(t, u)
	if !u.tabs.Items[tabTeam].Disabled() {
		t.Fatal("a rep may open the team review")
	}
	rep := u.store.Me()
	mgr, _ := u.file.SaveMember(data.System, data.Member{Name: "经理", Role: data.MemberManager, Active: true})
	if _, err := u.file.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: "乙级客户", Status: data.StatusInterested, OwnerID: rep.ID, GradeOverride: data.GradeB}); err != nil {
		t.Fatal(err)
	}
	givePassword(t, u.file, mgr.ID)
	u.enter(u.file.SessionAs(mgr.ID), "") // the window now acts as the manager
	u.review.reload()
	var row = -1
	for i, l := range u.review.lines {
		if l.Member.ID == rep.ID {
			row = i
		}
	}
	if row < 0 || u.review.lines[row].Due != 1 {
		t.Fatalf("review lines %+v, want the rep with 1 card due", u.review.lines)
	}
	u.review.pick(row)
	if len(u.review.dueRows) != 1 || u.review.handBtn.Disabled() {
		t.Fatalf("due rows %d, hand over disabled %v", len(u.review.dueRows), u.review.handBtn.Disabled())
	}
}
