package storage

import (
	"errors"
	"salesdesk/data"
	"sync"
	"testing"
	"time"
)

// poolTeam is a manager and two reps on a file at stNow.
func poolTeam(t *testing.T, now func() time.Time) (s *Store, mgr, rep1, rep2 data.Member) {
	t.Helper()
	s = newStore(t, now)
	mgr = mustMember(t, s, "经理", data.MemberManager)
	rep1 = mustMember(t, s, "张三", data.MemberRep)
	rep2 = mustMember(t, s, "李四", data.MemberRep)
	return
}

func setPool(t *testing.T, s *Store, edit func(p *data.PoolSettings)) {
	t.Helper()
	st := s.Settings()
	edit(&st.Pool)
	if err := s.SaveSettings(stActor, st); err != nil {
		t.Fatal(err)
	}
}

func TestClaimLimits(t *testing.T) {
	s, _, rep1, rep2 := poolTeam(t, nil)
	setPool(t, s, func(p *data.PoolSettings) { p.ClaimsPerDay, p.MaxOwned, p.NoReclaimDays = 2, 3, 7 })
	var ids []uint64
	for _, n := range []string{"甲", "乙", "丙", "丁"} {
		ids = append(ids, mustCreate(t, s, company(n+"公司")).ID)
	}
	me := s.SessionAs(rep1.ID)
	for _, id := range ids[:2] {
		if _, err := me.Claim(id); err != nil {
			t.Fatalf("claim %d: %v", id, err)
		}
	}
	_, err := me.Claim(ids[2])
	var le *data.LimitError
	if !errors.As(err, &le) || le.Limit != "claims_per_day" || le.Max != 2 || data.ErrorCode(err) != data.CodeLimit {
		t.Fatalf("third claim of the day: %v, want the claims_per_day limit of 2", err)
	}
	if r, _ := s.Row(ids[2]); r.OwnerID != 0 {
		t.Fatal("a refused claim wrote the owner")
	}

	// A released card may not be reclaimed by the releaser for the set days, but another rep may.
	if _, err := me.Release(ids[0], ""); data.ErrorCode(err) != data.CodeInvalid {
		t.Fatalf("release without a reason: %v, want invalid", err)
	}
	if _, err := me.Release(ids[0], "没有需求"); err != nil {
		t.Fatal(err)
	}
	setPool(t, s, func(p *data.PoolSettings) { p.ClaimsPerDay = 10 })
	_, err = me.Claim(ids[0])
	if !errors.As(err, &le) || le.Limit != "no_reclaim_days" || le.Max != 7 {
		t.Fatalf("reclaim after release: %v, want no_reclaim_days 7", err)
	}
	if _, err := s.SessionAs(rep2.ID).Claim(ids[0]); err != nil {
		t.Fatalf("another rep's claim: %v", err)
	}

	// 库容: rep1 owns 1 card; with a maximum of 1 the next claim is refused.
	setPool(t, s, func(p *data.PoolSettings) { p.MaxOwned = 1 })
	_, err = me.Claim(ids[3])
	if !errors.As(err, &le) || le.Limit != "max_owned" || le.Max != 1 {
		t.Fatalf("claim over 库容: %v, want max_owned 1", err)
	}
	// Claiming a card someone else has says so.
	if _, err := me.Claim(ids[0]); data.ErrorCode(err) != data.CodeTaken {
		t.Fatalf("claim of an owned card: %v, want taken", err)
	}
	// The card keeps its whole history through the pool.
	h, err := s.PoolHistory(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []data.PoolAction{data.PoolClaim, data.PoolRelease, data.PoolClaim}
	if len(h) != len(want) {
		t.Fatalf("history %+v, want %v", h, want)
	}
	for i, m := range h {
		if m.Action != want[i] {
			t.Errorf("move %d = %s, want %s", i, m.Action, want[i])
		}
	}
	if h[1].Reason != "没有需求" || h[1].By != rep1.ID || h[1].From != rep1.ID || h[1].To != 0 {
		t.Errorf("release line %+v", h[1])
	}
}

func TestConcurrentClaimsOneWins(t *testing.T) {
	s, _, rep1, rep2 := poolTeam(t, nil)
	id := mustCreate(t, s, company("抢手公司")).ID
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, m := range []data.Member{rep1, rep2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.SessionAs(m.ID).Claim(id)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case data.ErrorCode(err) != data.CodeTaken:
			t.Errorf("loser's error %v, want taken", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d claims succeeded, want exactly 1 (%v)", won, errs)
	}
	h, _ := s.PoolHistory(id)
	if len(h) != 1 {
		t.Fatalf("history has %d claims, want 1", len(h))
	}
}

func TestAssignNeedsManager(t *testing.T) {
	s, mgr, rep1, _ := poolTeam(t, nil)
	id := mustCreate(t, s, company("分配公司")).ID
	before := auditCount(t, s)
	if _, err := s.SessionAs(rep1.ID).Assign(id, rep1.ID); data.ErrorCode(err) != data.CodeForbidden {
		t.Fatalf("rep assigns: %v, want forbidden", err)
	}
	if auditCount(t, s) != before {
		t.Fatal("a refused assign wrote an audit line")
	}
	c, err := s.SessionAs(mgr.ID).Assign(id, rep1.ID)
	if err != nil || c.OwnerID != rep1.ID {
		t.Fatalf("manager assigns: %v, owner %d", err, c.OwnerID)
	}
	if r, _ := s.Row(id); r.OwnerID != rep1.ID {
		t.Fatal("the index did not follow the assignment")
	}
}

func TestSweepPoolTwiceWithFixedClock(t *testing.T) {
	clock := &testClock{T: stNow}
	s, _, rep1, _ := poolTeam(t, clock.Now)
	mk := func(name string, st data.Status, edit func(*data.Customer)) uint64 {
		c := company(name, func(c *data.Customer) { c.Status, c.OwnerID = st, rep1.ID })
		if edit != nil {
			edit(&c)
		}
		return mustCreate(t, s, c).ID
	}
	prospect := mk("潜在甲", data.StatusProspect, nil)
	interested := mk("意向乙", data.StatusInterested, nil)
	keptA := mk("大客户丙", data.StatusCustomer, func(c *data.Customer) { c.GradeOverride = data.GradeA })
	followed := mk("跟进丁", data.StatusProspect, nil)
	// The prospect's owner follows up one card on day 20; the others stay idle.
	clock.Set(stNow.AddDate(0, 0, 20))
	mustLog(t, s, data.FollowUp{CustomerID: followed, Date: clock.Now(), ByID: rep1.ID}, data.NextPlan{})

	// Day 28: nothing returns yet, but the agenda warns of the prospect (returns on day 30).
	clock.Set(stNow.AddDate(0, 0, 28))
	due, err := s.SessionAs(rep1.ID).PoolDue(rep1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Row.ID != prospect {
		t.Fatalf("due within 3 days: %v, want the prospect only", due)
	}
	if n, _ := s.SweepPool(clock.Now()); n != 0 {
		t.Fatalf("sweep on day 28 returned %d", n)
	}

	// Day 31: the idle prospect returns; the followed one, the interested one and the A customer stay.
	clock.Set(stNow.AddDate(0, 0, 31))
	n, err := s.SweepPool(clock.Now())
	if err != nil || n != 1 {
		t.Fatalf("sweep day 31: %d, %v; want 1", n, err)
	}
	audits := auditCount(t, s)
	if n, _ := s.SweepPool(clock.Now()); n != 0 || auditCount(t, s) != audits {
		t.Fatalf("second sweep changed %d more", n)
	}
	for id, want := range map[uint64]uint64{prospect: 0, interested: rep1.ID, keptA: rep1.ID, followed: rep1.ID} {
		if r, _ := s.Row(id); r.OwnerID != want {
			t.Errorf("card %d owner %d, want %d", id, r.OwnerID, want)
		}
	}
	// Day 200: the interested one returns, the A customer never does.
	clock.Set(stNow.AddDate(0, 0, 200))
	if n, _ := s.SweepPool(clock.Now()); n != 2 {
		t.Fatalf("sweep day 200 returned %d, want 2 (interested, followed)", n)
	}
	if r, _ := s.Row(keptA); r.OwnerID != rep1.ID {
		t.Error("an A customer returned to the pool")
	}
	h, _ := s.PoolHistory(prospect)
	if len(h) != 1 || h[0].Action != data.PoolReturn || h[0].From != rep1.ID || h[0].IdleDays != 30 {
		t.Errorf("returned card's history %+v", h)
	}
	// A claimed card's idle time starts at the claim, not at its old last follow-up.
	if _, err := s.SessionAs(rep1.ID).Claim(prospect); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.SweepPool(clock.Now()); n != 0 {
		t.Fatalf("a card claimed today was swept back (%d)", n)
	}
}

func TestPoolCardsFilterAndPage(t *testing.T) {
	s, _, rep1, _ := poolTeam(t, nil)
	for i, n := range []string{"一", "二", "三", "四", "五"} {
		mustCreate(t, s, company("池"+n, func(c *data.Customer) {
			if i == 0 {
				c.OwnerID = rep1.ID
			}
			if i%2 == 0 {
				c.Status = data.StatusInterested
			}
			c.Region = []string{"华东", "华北"}[i%2]
		}))
	}
	p, err := s.PoolCards(data.PoolFilter{Limit: 2})
	if err != nil || p.Total != 4 || len(p.Rows) != 2 {
		t.Fatalf("page: %d of %d, %v; want 2 of 4", len(p.Rows), p.Total, err)
	}
	p, _ = s.PoolCards(data.PoolFilter{Limit: 2, Offset: 3})
	if len(p.Rows) != 1 {
		t.Fatalf("last page has %d rows", len(p.Rows))
	}
	p, _ = s.PoolCards(data.PoolFilter{Status: data.StatusInterested})
	if p.Total != 2 {
		t.Fatalf("interested in pool: %d, want 2", p.Total)
	}
	p, _ = s.PoolCards(data.PoolFilter{Region: "华北"})
	if p.Total != 2 {
		t.Fatalf("华北 in pool: %d, want 2", p.Total)
	}
}

func TestMarkReviewedRecordsReviewer(t *testing.T) {
	s, mgr, rep1, _ := poolTeam(t, nil)
	id := mustCreate(t, s, company("复核公司", func(c *data.Customer) { c.OwnerID = rep1.ID })).ID
	if _, err := s.SessionAs(mgr.ID).MarkReviewed(id); err != nil {
		t.Fatal(err)
	}
	rv, err := s.Reviews(id)
	if err != nil || len(rv) != 1 || rv[0].By != mgr.ID || !rv[0].At.Equal(stNow) {
		t.Fatalf("reviews %+v, %v; want one by the manager", rv, err)
	}
}
