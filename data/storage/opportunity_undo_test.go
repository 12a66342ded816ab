package storage

import (
	"errors"
	"salesdesk/data"
	"slices"
	"testing"
)

// A win taken back: the deal returns to its stage with its amount, the customer to its status and
// plan, the history keeps both lines, and the funnel does not count the undone win.
func TestUndoWin(t *testing.T) {
	// Given a qualified deal in proposal and its customer, still a prospect.
	p := newPipeline(t)
	o := p.lead(t, qualified)
	o, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "proposal"})
	if err != nil {
		t.Fatal(err)
	}
	custBefore, _ := p.s.Customer(p.cust.ID)
	// When it is won at another amount and the win is undone.
	amount := data.AmountFromYuan(99_000)
	won, undo, err := p.s.MoveStageUndoable(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "won", Amount: &amount})
	if err != nil || !undo.Moved() || won.UpdatedBy != p.rep.ID {
		t.Fatalf("win: %v, undo %v, updated by %d", err, undo.Moved(), won.UpdatedBy)
	}
	back, err := p.s.UndoMove(p.as(p.mgr), undo)
	if err != nil {
		t.Fatal(err)
	}
	// Then the deal is as it was before the win.
	if back.Stage != "proposal" || back.Amount != o.Amount || !back.WonDate.IsZero() || !back.StageSince.Equal(o.StageSince) || back.UpdatedBy != p.mgr.ID {
		t.Fatalf("after the undo: %+v", back)
	}
	if row := p.s.Opportunities(data.OpportunityFilter{Stage: "proposal"}); len(row) != 1 || row[0].Version != back.Version {
		t.Fatalf("the board's rows after the undo: %+v", row)
	}
	c, _ := p.s.Customer(p.cust.ID)
	if c.Status != custBefore.Status || !c.NextFollowUp.Equal(custBefore.NextFollowUp) || c.NextAction != custBefore.NextAction {
		t.Fatalf("customer after the undo: %s %v %q, before %s %v %q", c.Status, c.NextFollowUp, c.NextAction,
			custBefore.Status, custBefore.NextFollowUp, custBefore.NextAction)
	}
	h, _ := p.s.History(o.ID)
	if len(h) != 4 || h[2].To != "won" || !h[3].Undo || h[3].From != "won" || h[3].To != "proposal" {
		t.Fatalf("history = %+v", h)
	}
	if got := data.StagesReached(h); slices.Contains(got, "won") {
		t.Fatalf("stages reached = %v", got)
	}
	steps, err := p.s.FunnelOf(stToday.AddDate(0, 0, -1), stToday.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		if st.Stage == "won" && st.Reached != 0 {
			t.Fatalf("the funnel counts the undone win: %+v", steps)
		}
	}
	// A second undo, or one after the deal changed, is refused.
	if _, err := p.s.UndoMove(p.as(p.rep), undo); !errors.Is(err, data.ErrUndoStale) {
		t.Fatalf("second undo: %v", err)
	}
	mustCheck(t, p.s)
}

// A loss taken back clears the reason again.
func TestUndoLoss(t *testing.T) {
	p := newPipeline(t)
	o := p.lead(t, qualified)
	_, undo, err := p.s.MoveStageUndoable(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "lost", LostReason: "价格过高"})
	if err != nil {
		t.Fatal(err)
	}
	back, err := p.s.UndoMove(p.as(p.rep), undo)
	if err != nil || back.Stage != "lead" || back.LostReason != "" {
		t.Fatalf("after the undo: %+v, %v", back, err)
	}
	// A move to the stage the deal is in has nothing to undo.
	_, undo, err = p.s.MoveStageUndoable(p.as(p.rep), data.Move{ID: o.ID, Version: back.Version, To: "lead"})
	if err != nil || undo.Moved() {
		t.Fatalf("a move to its own stage: %v, undoable %v", err, undo.Moved())
	}
}

func TestMergeOpportunity(t *testing.T) {
	base := data.Opportunity{Title: "ERP 升级", Amount: data.AmountFromYuan(100_000), Summary: "初稿"}
	for _, tc := range []struct {
		name             string
		theirs, mine     func(o *data.Opportunity)
		wantTitle        string
		wantAmount       data.Amount
		wantConflicts    []string
		wantMineVsTheirs []string
	}{
		{"they changed one field, I another",
			func(o *data.Opportunity) { o.Amount = data.AmountFromYuan(80_000) }, func(o *data.Opportunity) { o.Title = "ERP 二期" },
			"ERP 二期", data.AmountFromYuan(80_000), nil, []string{"title", "amount"}},
		{"both changed the amount alike",
			func(o *data.Opportunity) { o.Amount = data.AmountFromYuan(80_000) }, func(o *data.Opportunity) { o.Amount = data.AmountFromYuan(80_000) },
			"ERP 升级", data.AmountFromYuan(80_000), nil, nil},
		{"both changed the amount differently",
			func(o *data.Opportunity) { o.Amount = data.AmountFromYuan(80_000) }, func(o *data.Opportunity) { o.Amount = data.AmountFromYuan(90_000) },
			"ERP 升级", data.AmountFromYuan(90_000), []string{"amount"}, []string{"amount"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			theirs, mine := base, base
			theirs.Version = 5
			tc.theirs(&theirs)
			tc.mine(&mine)
			got, conflicts := data.MergeOpportunity(base, theirs, mine)
			if got.Title != tc.wantTitle || got.Amount != tc.wantAmount || got.Version != 5 || !slices.Equal(conflicts, tc.wantConflicts) {
				t.Fatalf("merged %q %v v%d, conflicts %v", got.Title, got.Amount, got.Version, conflicts)
			}
			if d := data.OpportunityChanges(theirs, mine); !slices.Equal(d, tc.wantMineVsTheirs) {
				t.Fatalf("changes = %v", d)
			}
		})
	}
}

// The win sets the after-sale call as an all-day plan; its undo gives the card back its planned
// time, kind and reminder along with the date and action.
func TestUndoWinKeepsThePlannedActivity(t *testing.T) {
	p := newPipeline(t)
	o := p.lead(t, qualified)
	o, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "proposal"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := p.s.Customer(p.cust.ID)
	c.NextFollowUp, c.NextAction = stToday.AddDate(0, 0, 3), "上门演示"
	c.NextTime, c.NextKind, c.NextRemind = data.TimeOfDay(14*60+30), data.KindVisit, data.Remind15Min
	if c, err = p.s.UpdateCustomer(p.as(p.rep), c); err != nil {
		t.Fatal(err)
	}
	_, undo, err := p.s.MoveStageUndoable(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "won"})
	if err != nil {
		t.Fatal(err)
	}
	if won, _ := p.s.Customer(p.cust.ID); won.NextTime == c.NextTime && won.NextKind == c.NextKind {
		t.Fatal("the win kept the old plan's time; the test needs it to set its own all-day plan")
	}
	if _, err := p.s.UndoMove(p.as(p.rep), undo); err != nil {
		t.Fatal(err)
	}
	got, _ := p.s.Customer(p.cust.ID)
	if got.NextTime != c.NextTime || got.NextKind != c.NextKind || got.NextRemind != c.NextRemind || got.NextAction != c.NextAction {
		t.Fatalf("after the undo: %v %q %q %q, want %v %q %q %q", got.NextTime, got.NextKind, got.NextRemind, got.NextAction,
			c.NextTime, c.NextKind, c.NextRemind, c.NextAction)
	}
}
