package data

import (
	"errors"
	"testing"
)

// An archived card is read-only: every change but restore is refused with ErrArchived and writes
// nothing, and after a restore the same changes go through.
func TestArchivedCustomerIsReadOnly(t *testing.T) {
	// Given an archived card with an open action
	s := newStore(t, nil)
	c := mustCreate(t, s, company("归档只读客户"))
	fu, _ := mustLog(t, s, FollowUp{CustomerID: c.ID, Date: stNow, Action: "寄样品", Deadline: stToday}, NextPlan{})
	c, _ = s.Customer(c.ID)
	archived, err := s.ArchiveCustomer(stActor, c.ID)
	if err != nil {
		t.Fatal(err)
	}

	// When anything but restore tries to change it
	edited := archived
	edited.Notes = "归档后修改"
	_, errUpdate := s.UpdateCustomer(stActor, edited)
	_, errReview := s.MarkReviewed(stActor, c.ID)
	_, errArchive := s.ArchiveCustomer(stActor, c.ID)
	_, _, errLog := s.LogFollowUp(stActor, FollowUp{CustomerID: c.ID, Date: stNow, Method: MethodPhone, Topic: "回访"}, NextPlan{})
	_, errConfirm := s.ConfirmResult(stActor, c.ID, fu.ID, "已寄出")
	_, errDeal := s.CreateOpportunity(stActor, Opportunity{CustomerID: c.ID, Title: "新项目", Amount: AmountFromYuan(10_000), CloseDate: stToday.AddDate(0, 1, 0)})

	// Then each is refused with the stable error, and the card is as it was
	for name, err := range map[string]error{"update": errUpdate, "review": errReview, "archive again": errArchive,
		"log follow-up": errLog, "confirm result": errConfirm, "new deal": errDeal} {
		if !errors.Is(err, ErrArchived) {
			t.Errorf("%s of an archived card: %v, want ErrArchived", name, err)
		}
	}
	if got, _ := s.Customer(c.ID); got.Version != archived.Version || got.Notes != archived.Notes {
		t.Errorf("the archived card changed: version %d → %d, notes %q", archived.Version, got.Version, got.Notes)
	}
	if fs, _ := s.FollowUps(c.ID); len(fs) != 1 || fs[0].Result != "" {
		t.Errorf("follow-ups of the archived card: %+v, want the one, unconfirmed", fs)
	}
	mustCheck(t, s)

	// When it is restored, the same edit is taken
	restored, err := s.RestoreCustomer(stActor, c.ID)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	restored.Notes = "恢复后修改"
	if _, err := s.UpdateCustomer(stActor, restored); err != nil {
		t.Errorf("update after restore: %v", err)
	}
}
