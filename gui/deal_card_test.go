package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

// The deal's days per stage read in the board's order of stages, not the alphabet's.
func TestDealHistoryDaysInStageOrder(t *testing.T) {
	// Given a deal moved lead → initial contact → proposal
	u, o := newBoard(t)
	for _, to := range []string{"initial_contact", "proposal"} {
		var err error
		if o, err = u.store.MoveStage(data.Move{ID: o.ID, Version: o.Version, To: to}); err != nil {
			t.Fatalf("move to %s: %v", to, err)
		}
	}

	// When its window opens
	dw := u.openDeal(o)

	// Then the days per stage list the stages as the board does
	text := dw.history.Text
	i := strings.Index(text, T("deal.days_per_stage"))
	if i < 0 {
		t.Fatalf("no days per stage in %q", text)
	}
	days := text[i:]
	var at []int
	for _, key := range []string{"lead", "initial_contact", "proposal"} {
		at = append(at, strings.Index(days, stageName(mustStage(t, u, key))+":"))
	}
	if at[0] < 0 || at[1] < at[0] || at[2] < at[1] {
		t.Errorf("days per stage not in the board's order (positions %v):\n%s", at, days)
	}
}

// An amount reads the same everywhere: typed as 300000 (or 30万) and saved, its entry shows it as the
// card does when opened again, with thousands separators.
func TestSavedAmountsReadAsEverywhere(t *testing.T) {
	// Given a card and a deal
	u, o := newBoard(t)
	cw := u.openCard(o.CustomerID)

	// When the annual purchase is typed without separators and saved
	cw.annual.SetText("")
	test.Type(cw.annual, "300000")
	cw.budget.SetText("")
	test.Type(cw.budget, "30万")
	test.Tap(cw.saveBtn)

	// Then the entries show the amounts as saved, the way they load
	if cw.c.AnnualPurchase != data.AmountFromYuan(300_000) {
		t.Fatalf("annual purchase saved as %v", cw.c.AnnualPurchase)
	}
	if cw.annual.Text != "300,000" || cw.budget.Text != "300,000" {
		t.Errorf("after the save: annual %q, budget %q; want 300,000 both", cw.annual.Text, cw.budget.Text)
	}
	delete(u.cards, o.CustomerID) // a second window, as the card opens next time
	if again := u.openCard(o.CustomerID); again == cw || again.annual.Text != cw.annual.Text {
		t.Errorf("reopened: %q, after the save: %q", again.annual.Text, cw.annual.Text)
	}

	// When the deal's amount is typed without separators and saved
	dw := u.openDeal(o)
	dw.amount.SetText("")
	test.Type(dw.amount, "280000")
	test.Tap(dw.saveBtn)

	// Then it reads as on the board
	if dw.o.Amount != data.AmountFromYuan(280_000) || dw.amount.Text != "280,000" {
		t.Errorf("deal amount %v shows %q, want 280,000", dw.o.Amount, dw.amount.Text)
	}
	if got := formatMoney(dw.o.Amount); got != "¥280,000" {
		t.Errorf("the board writes %q", got)
	}
}
