package storage

import (
	"errors"
	"salesdesk/data"
	"testing"
)

// An archived card is read-only: every change but restore is refused with ErrArchived and writes
// nothing, and after a restore the same changes go through.
func TestArchivedCustomerIsReadOnly(t *testing.T) {
	// Given an archived card with an open action
	s := newStore(t, nil)
	c := mustCreate(t, s, company("归档只读客户"))
	fu, _ := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: stNow, Action: "寄样品", Deadline: stToday}, data.NextPlan{})
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
	_, _, errLog := s.LogFollowUp(stActor, data.FollowUp{CustomerID: c.ID, Date: stNow, Method: data.MethodPhone, Topic: "回访"}, data.NextPlan{})
	_, errConfirm := s.ConfirmResult(stActor, c.ID, fu.ID, "已寄出")
	_, errDeal := s.CreateOpportunity(stActor, data.Opportunity{CustomerID: c.ID, Title: "新项目", Amount: data.AmountFromYuan(10_000), CloseDate: stToday.AddDate(0, 1, 0)})

	// Then each is refused with the stable error, and the card is as it was
	for name, err := range map[string]error{"update": errUpdate, "review": errReview, "archive again": errArchive,
		"log follow-up": errLog, "confirm result": errConfirm, "new deal": errDeal} {
		if !errors.Is(err, data.ErrArchived) {
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

// An import is held to the same rule: a row that updates an archived card, or adds a follow-up to
// it, is rejected with ErrArchived and the card is unchanged; a row that restores it goes through.
func TestImportLeavesArchivedCardsAlone(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("归档导入客户"))
	archived, err := s.ArchiveCustomer(stActor, c.ID)
	if err != nil {
		t.Fatal(err)
	}

	rep := importText(t, s, "客户名称,备注\n归档导入客户,导入改的备注\n", data.ImportOptions{OnDuplicate: data.DuplicateUpdate})
	if len(rep.Rejected) != 1 || !errors.Is(rep.Rejected[0].Problems[0].Err, data.ErrArchived) {
		t.Fatalf("update of an archived card: rejected %+v, want one row refused with ErrArchived", rep.Rejected)
	}
	rep = importText(t, s, "客户名称,跟进日期,跟进方式,跟进主题\n归档导入客户,"+data.FormatDate(stToday)+",电话,回访\n", data.ImportOptions{OnDuplicate: data.DuplicateSkip})
	if len(rep.Rejected) != 1 || !errors.Is(rep.Rejected[0].Problems[0].Err, data.ErrArchived) {
		t.Fatalf("a follow-up for an archived card: rejected %+v, want one row refused with ErrArchived", rep.Rejected)
	}
	if got, _ := s.Customer(c.ID); got.Version != archived.Version || got.Notes != archived.Notes {
		t.Errorf("the archived card changed: version %d → %d, notes %q", archived.Version, got.Version, got.Notes)
	}
	if fs, _ := s.FollowUps(c.ID); len(fs) != 0 {
		t.Errorf("the archived card got %d follow-ups from an import", len(fs))
	}

	rep = importText(t, s, "客户名称,已归档,备注\n归档导入客户,否,恢复后的备注\n", data.ImportOptions{OnDuplicate: data.DuplicateUpdate})
	if got, _ := s.Customer(c.ID); len(rep.Rejected) != 0 || got.Archived || got.Notes != "恢复后的备注" {
		t.Errorf("a row restoring the card: rejected %+v, archived %v, notes %q", rep.Rejected, got.Archived, got.Notes)
	}
	mustCheck(t, s)
}
