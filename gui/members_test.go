package gui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

// leavingRep is a rep who owns two cards, and a second rep who may take them over.
func leavingRep(t *testing.T, u *ui) (leaving, heir data.Member, cards []uint64) {
	t.Helper()
	leaving, err := u.file.SaveMember(data.System, data.Member{Name: "Leaving", Login: "leaving", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	heir, err = u.file.SaveMember(data.System, data.Member{Name: "Heir", Login: "heir", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"One", "Two"} {
		c, err := u.file.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: n, Status: data.StatusProspect, OwnerID: leaving.ID})
		if err != nil {
			t.Fatal(err)
		}
		cards = append(cards, c.ID)
	}
	u.tabs.SelectIndex(tabSettings) // the team is read again when Settings shows
	return leaving, heir, cards
}

func TestDeactivatingAnOwnerOffersTheHandoverFirst(t *testing.T) {
	// Given an admin and a rep who still owns cards.
	u := newTestUI(t, "en")
	leaving, heir, cards := leavingRep(t, u)
	p := u.settings.members

	// When the admin deactivates the rep, the handover is offered first and nothing changes yet.
	p.setActive(leaving, false, nil)
	a := p.deactivating
	if a == nil {
		t.Fatal("deactivating an owner of cards asked nothing about them")
	}
	if m, _ := u.file.Member(leaving.ID); !m.Active {
		t.Fatal("the member was deactivated before the handover")
	}
	test.Tap(a.handover)
	h := a.handoverDialog
	if h == nil {
		t.Fatal("Hand over first opened no handover")
	}
	h.to.SetSelected("Heir")
	if h.preview.Customers != 2 {
		t.Fatalf("preview %+v, want 2 customers", h.preview)
	}
	if m, _ := u.file.Member(leaving.ID); !m.Active {
		t.Fatal("the member was deactivated by the preview")
	}

	// Then confirming moves the cards and deactivates the member after them.
	test.Tap(h.confirm)
	for _, id := range cards {
		if r, _ := u.file.Row(id); r.OwnerID != heir.ID {
			t.Errorf("card %d owner %d, want %d", id, r.OwnerID, heir.ID)
		}
	}
	if m, _ := u.file.Member(leaving.ID); m.Active {
		t.Fatal("the member is still active after the handover")
	}
}

func TestDeactivatingAnOwnerAnywayKeepsTheCards(t *testing.T) {
	u := newTestUI(t, "en")
	leaving, _, cards := leavingRep(t, u)
	p := u.settings.members
	p.setActive(leaving, false, nil)
	if p.deactivating == nil {
		t.Fatal("no question before the deactivation")
	}
	test.Tap(p.deactivating.anyway)
	if m, _ := u.file.Member(leaving.ID); m.Active {
		t.Fatal("Deactivate now left the member active")
	}
	// The cards keep their owner, for a manager to hand over later from the team list.
	for _, id := range cards {
		if r, _ := u.file.Row(id); r.OwnerID != leaving.ID {
			t.Errorf("card %d owner %d, want the deactivated member %d", id, r.OwnerID, leaving.ID)
		}
	}
	if h := u.showHandover(leaving.ID); h == nil {
		t.Fatal("a deactivated member's cards cannot be handed over any more")
	}
}

func TestDeactivatingAMemberWithoutCardsOnlyConfirms(t *testing.T) {
	u := newTestUI(t, "en")
	m, err := u.file.SaveMember(data.System, data.Member{Name: "Idle", Login: "idle", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	u.tabs.SelectIndex(tabSettings)
	p := u.settings.members
	p.setActive(m, false, nil)
	if p.deactivating != nil {
		t.Fatal("a member without cards was offered a handover")
	}
	if len(u.dialogs) != 1 {
		t.Fatalf("%d dialogs, want the confirmation", len(u.dialogs))
	}
}
