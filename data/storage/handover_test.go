package storage

import (
	"salesdesk/data"
	"testing"
)

func TestHandoverPreviewAndResult(t *testing.T) {
	s, mgr, rep1, rep2 := poolTeam(t, nil)
	act := data.Actor{MemberID: rep1.ID, Name: rep1.Name}
	var cards []uint64
	for _, n := range []string{"甲", "乙", "丙"} {
		cards = append(cards, mustCreate(t, s, company(n+"厂", func(c *data.Customer) { c.OwnerID = rep1.ID })).ID)
	}
	other := mustCreate(t, s, company("别人的", func(c *data.Customer) { c.OwnerID = rep2.ID })).ID
	// Card 0 has a planned follow-up and an action awaiting its result; card 1 an open deal.
	mustLog(t, s, data.FollowUp{CustomerID: cards[0], Date: stNow, ByID: rep1.ID, Action: "寄样品", Deadline: stNow.AddDate(0, 0, 5)},
		data.NextPlan{Date: stNow.AddDate(0, 0, 7), Action: "回访"})
	deal, err := s.CreateOpportunity(act, data.Opportunity{CustomerID: cards[1], Title: "设备", OwnerID: rep1.ID,
		Amount: data.AmountFromYuan(1000), CloseDate: stToday.AddDate(0, 2, 0)})
	if err != nil {
		t.Fatal(err)
	}
	mgrS, repS := s.SessionAs(mgr.ID), s.SessionAs(rep1.ID)
	all := data.HandoverRequest{From: rep1.ID, To: rep2.ID}
	if _, err := repS.HandoverPreview(all); data.ErrorCode(err) != data.CodeForbidden {
		t.Fatalf("rep previews a handover: %v, want forbidden", err)
	}
	before := auditCount(t, s)
	got, err := mgrS.HandoverPreview(all)
	if err != nil {
		t.Fatal(err)
	}
	// Cadences plan a next follow-up on new cards too: each plan counts, and card 0's awaited action.
	planned := 1
	for _, id := range cards {
		if r, _ := s.Row(id); !r.NextFollowUp.IsZero() {
			planned++
		}
	}
	want := data.HandoverCounts{Customers: 3, OpenDeals: 1, Planned: planned}
	if got != want {
		t.Fatalf("preview %+v, want %+v", got, want)
	}
	if auditCount(t, s) != before {
		t.Fatal("the preview wrote")
	}
	// A deactivated target is refused and nothing moves.
	gone := mustMember(t, s, "离职", data.MemberRep)
	gone.Active = false
	if _, err := s.SaveMember(stActor, gone); err != nil {
		t.Fatal(err)
	}
	if _, err := mgrS.Handover(data.HandoverRequest{From: rep1.ID, To: gone.ID}); data.ErrorCode(err) != data.CodeInactive {
		t.Fatalf("handover to a deactivated member: %v, want inactive", err)
	}
	// A chosen card not theirs is refused.
	if _, err := mgrS.Handover(data.HandoverRequest{From: rep1.ID, To: rep2.ID, Customers: []uint64{other}}); err == nil {
		t.Fatal("a card of another rep was handed over")
	}
	res, err := mgrS.Handover(all)
	if err != nil || res != want {
		t.Fatalf("handover %+v, %v; want %+v", res, err, want)
	}
	for _, id := range cards {
		if r, _ := s.Row(id); r.OwnerID != rep2.ID {
			t.Errorf("card %d owner %d after handover", id, r.OwnerID)
		}
		if h, _ := s.PoolHistory(id); len(h) != 1 || h[0].Action != data.PoolHandover || h[0].By != mgr.ID {
			t.Errorf("card %d history %+v", id, h)
		}
	}
	if o, _ := s.Opportunity(deal.ID); o.OwnerID != rep2.ID {
		t.Errorf("the open deal stayed with %d", o.OwnerID)
	}
	if c, _ := s.Customer(cards[0]); c.NextFollowUp.IsZero() || c.NextAction != "回访" {
		t.Error("the planned follow-up did not go with the card")
	}

	// Chosen cards to the pool: their deal goes unowned, and whoever claims the card gets it.
	res, err = mgrS.Handover(data.HandoverRequest{From: rep2.ID, To: 0, Customers: []uint64{cards[1]}})
	if err != nil || res.Customers != 1 || res.OpenDeals != 1 {
		t.Fatalf("handover to the pool %+v, %v", res, err)
	}
	if r, _ := s.Row(cards[1]); r.OwnerID != 0 {
		t.Fatal("the card is not in the pool")
	}
	if _, err := repS.Claim(cards[1]); err != nil {
		t.Fatal(err)
	}
	if o, _ := s.Opportunity(deal.ID); o.OwnerID != rep1.ID {
		t.Errorf("the claimed card's deal is owned by %d, want the claimer", o.OwnerID)
	}
}

func TestWeeklyReviewCounts(t *testing.T) {
	s, mgr, rep1, rep2 := poolTeam(t, nil)
	a := mustCreate(t, s, company("甲", func(c *data.Customer) { c.OwnerID = rep1.ID; c.GradeOverride = data.GradeA }))
	mustCreate(t, s, company("乙", func(c *data.Customer) { c.OwnerID = rep1.ID; c.GradeOverride = data.GradeB }))
	mustCreate(t, s, company("丙", func(c *data.Customer) { c.OwnerID = rep1.ID; c.GradeOverride = data.GradeD }))
	mustLog(t, s, data.FollowUp{CustomerID: a.ID, Date: stNow.AddDate(0, 0, -3), ByID: rep1.ID}, data.NextPlan{Date: stNow.AddDate(0, 0, -1), Action: "回访"})
	mgrS := s.SessionAs(mgr.ID)
	if _, err := mgrS.MarkReviewed(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionAs(rep1.ID).WeeklyReview(); data.ErrorCode(err) != data.CodeForbidden {
		t.Fatalf("rep reads the review: %v", err)
	}
	lines, err := mgrS.WeeklyReview()
	if err != nil {
		t.Fatal(err)
	}
	var l1, l2 *data.RepReview
	for i := range lines {
		switch lines[i].Member.ID {
		case rep1.ID:
			l1 = &lines[i]
		case rep2.ID:
			l2 = &lines[i]
		}
	}
	if l1 == nil || l2 == nil {
		t.Fatalf("lines %+v lack a rep", lines)
	}
	// A reviewed today (daily cadence: not due again until tomorrow), B due, D no cadence.
	if l1.Cards != 3 || l1.Due != 1 || l1.ReviewedThisWeek != 1 || l1.OverdueFollowUps != 1 {
		t.Errorf("rep1 %+v, want 3 cards, 1 due, 1 reviewed, 1 overdue", *l1)
	}
	if !l1.LastActivity.Equal(data.DateOf(stNow.AddDate(0, 0, -3))) {
		t.Errorf("last activity %v", l1.LastActivity)
	}
	if l2.Cards != 0 || l2.Due != 0 {
		t.Errorf("rep2 %+v, want empty", *l2)
	}
	due, _ := mgrS.ReviewCards(rep1.ID, 0)
	if len(due) != 1 || due[0].Grade != data.GradeB {
		t.Errorf("due cards %v, want the B card", due)
	}
}
