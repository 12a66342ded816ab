package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

// newBoard is the real window with one customer and a qualified lead, showing the board.
func newBoard(t *testing.T) (*ui, data.Opportunity) {
	t.Helper()
	u := newTestUI(t, "zh")
	c, err := u.store.CreateCustomer(data.Customer{Name: "杭州云帆网络科技有限公司", OwnerID: u.me().MemberID})
	if err != nil {
		t.Fatal(err)
	}
	o, err := u.store.CreateOpportunity(data.Opportunity{CustomerID: c.ID, Title: "ERP 升级", OwnerID: u.me().MemberID,
		Amount: data.AmountFromYuan(100_000), CloseDate: fixedNow.AddDate(0, 1, 0),
		Scores: data.LeadScores{Budget: 12, Urgency: 9, Authority: 8}})
	if err != nil {
		t.Fatal(err)
	}
	u.tabs.SelectIndex(tabPipeline)
	return u, o
}

func center(o fyne.CanvasObject) fyne.Position {
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	return p.Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
}

func TestDragACardToAnotherColumn(t *testing.T) {
	u, o := newBoard(t)
	s := u.pipeline
	lead, target := s.column("lead"), s.column("initial_contact")
	if len(lead.deals) != 1 || lead.totals.Text == "" {
		t.Fatalf("lead column: %d deals, header %q", len(lead.deals), lead.totals.Text)
	}
	// Drag the card from its column's list to the next column.
	from := center(lead.list)
	from.Y = fyne.CurrentApp().Driver().AbsolutePositionForObject(lead.list).Y + 20
	to := center(target.box)
	test.Drag(u.win.Canvas(), from, to.X-from.X, to.Y-from.Y)

	got, _ := u.deal(o.ID)
	if got.Stage != "initial_contact" {
		t.Fatalf("stage after the drag = %s", got.Stage)
	}
	h, _ := u.store.History(o.ID)
	if len(h) != 2 || h[1].From != "lead" || h[1].To != "initial_contact" {
		t.Fatalf("history = %+v", h)
	}
	if len(lead.deals) != 0 || len(target.deals) != 1 {
		t.Fatalf("columns after the drag: lead %d, initial contact %d", len(lead.deals), len(target.deals))
	}
	if want := Tf("pipeline.totals", 1, formatMoney(data.AmountFromYuan(100_000)), formatMoney(data.AmountFromYuan(10_000))); target.totals.Text != want {
		t.Fatalf("target header = %q, want %q", target.totals.Text, want)
	}
	if want := Tf("pipeline.totals", 0, formatMoney(0), formatMoney(0)); lead.totals.Text != want {
		t.Fatalf("lead header = %q, want %q", lead.totals.Text, want)
	}

	// A drop onto the card's own column changes nothing.
	from = center(target.list)
	from.Y = fyne.CurrentApp().Driver().AbsolutePositionForObject(target.list).Y + 20
	test.Drag(u.win.Canvas(), from, 0, 30)
	if h2, _ := u.store.History(o.ID); len(h2) != 2 {
		t.Fatalf("a drop on its own column recorded %d changes", len(h2))
	}
}

func TestWonDialogAndKeyboardMove(t *testing.T) {
	u, o := newBoard(t)
	s := u.pipeline
	// The keyboard moves the selected deal one stage right.
	s.selected = o.ID
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyRight, Modifier: fyne.KeyModifierShortcutDefault})
	got, _ := u.deal(o.ID)
	if got.Stage != "initial_contact" {
		t.Fatalf("after Ctrl+→: %s", got.Stage)
	}
	// Moving to Won asks for the date and the amount, then marks the customer a customer.
	s.moveTo(got.Row(), mustStage(t, u, "won"))
	if s.wonForm == nil {
		t.Fatal("no Won dialog")
	}
	s.wonForm.amount.SetText("")
	test.Type(s.wonForm.amount, "120,000")
	test.Tap(s.wonForm.ok)
	won, _ := u.deal(o.ID)
	if won.Stage != "won" || won.Amount != data.AmountFromYuan(120_000) || !won.WonDate.Equal(data.DateOf(fixedNow)) {
		t.Fatalf("won deal = %+v", won)
	}
	c, _ := u.store.Customer(won.CustomerID)
	if c.Status != data.StatusCustomer || !c.NextFollowUp.Equal(data.DateOf(fixedNow).AddDate(0, 0, data.AfterSaleDays)) {
		t.Fatalf("customer after the win: %s, next %v", c.Status, c.NextFollowUp)
	}
}

func mustStage(t *testing.T, u *ui, key string) data.StageDef {
	t.Helper()
	d, ok := u.teamSettings().Stage(key)
	if !ok {
		t.Fatalf("no stage %s", key)
	}
	return d
}

// A new lead from the customer's card: problems at their fields, then saved into the lead column.
func TestNewLeadFromTheCard(t *testing.T) {
	u := newTestUI(t, "en")
	c, err := u.store.CreateCustomer(data.Customer{Name: "杭州云帆网络科技有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	cw := u.openCard(c.ID)
	test.Tap(cw.newDealBt)
	dw := u.openDeal(data.Opportunity{CustomerID: c.ID, OwnerID: c.OwnerID}) // what the button opened
	dw.budget.SetText("")
	test.Type(dw.budget, "20")
	test.Tap(dw.saveBtn)
	if dw.fields["deal_title"].msg.Text != T("err.required") || dw.fields["budget_score"].msg.Text != T("err.score_range") {
		t.Fatalf("messages: title %q, budget %q", dw.fields["deal_title"].msg.Text, dw.fields["budget_score"].msg.Text)
	}
	test.Type(dw.title, "设备更新")
	dw.budget.SetText("12")
	test.Tap(dw.saveBtn)
	if dw.o.ID == 0 || dw.o.Stage != "lead" {
		t.Fatalf("not saved: %+v", dw.o)
	}
	if len(cw.deals) != 1 || cw.deals[0].Title != "设备更新" {
		t.Fatalf("the card lists %d deals", len(cw.deals))
	}
}

// A manager adds a stage in Settings and the board grows a column; a stage holding deals stays.
func TestStagesEditedInSettings(t *testing.T) {
	u, _ := newBoard(t)
	ed := u.settings.stages
	before := len(ed.stages)
	test.Tap(ed.add)
	i := len(ed.stages) - 3 // the new stage sits before won and lost
	ed.names[i].SetText("")
	test.Type(ed.names[i], "技术验证")
	ed.probs[i].SetText("")
	test.Type(ed.probs[i], "60")
	test.Tap(u.settings.saveBtn)
	if got := u.teamSettings().Stages; len(got) != before+1 || got[i].Name != "技术验证" || got[i].Probability != 60 {
		t.Fatalf("stages = %+v", got)
	}
	if len(u.pipeline.columns) != before+1 {
		t.Fatalf("board has %d columns", len(u.pipeline.columns))
	}
	// The lead column holds the test's deal: it has no remove button, and an open stage with deals
	// refuses removal with a message.
	ed = u.settings.stages
	lead := listedDeals(u.store, data.OpportunityFilter{Stage: "lead"})[0]
	if _, err := u.store.MoveStage(data.Move{ID: lead.ID, Version: lead.Version, To: "initial_contact"}); err != nil {
		t.Fatal(err)
	}
	ed.onRemove(1) // initial contact
	if !ed.msg.Visible() || len(ed.stages) != before+1 {
		t.Fatalf("a stage with deals was removed: %d stages, message %q", len(ed.stages), ed.msg.Text)
	}
	// A probability over 100 is refused.
	ed.probs[1].SetText("150")
	test.Tap(u.settings.saveBtn)
	if u.teamSettings().Stages[1].Probability == 150 || !u.settings.stages.msg.Visible() {
		t.Fatal("a probability of 150% was saved")
	}
}

// The forecast window shows the open deal in its quarter and the funnel of the quarter it was made.
func TestForecastWindow(t *testing.T) {
	u, o := newBoard(t)
	fw := u.openForecast()
	if len(fw.rows) != 1 || fw.rows[0].Deals != 1 || fw.rows[0].Weighted != data.AmountFromYuan(5_000) {
		t.Fatalf("forecast = %+v", fw.rows)
	}
	if len(fw.steps) == 0 || fw.steps[0].Reached != 1 {
		t.Fatalf("funnel = %+v (deal %s)", fw.steps, o.Number)
	}
}

// A new customer is created on the spot from the deal form, and a duplicate name is pointed at.
func TestNewCustomerFromTheDeal(t *testing.T) {
	u, _ := newBoard(t)
	dw := u.openDeal(data.Opportunity{})
	test.Tap(dw.newCustomer)
	test.Type(dw.customerName, "杭州云帆网络科技股份有限公司") // the board's customer, another suffix
	test.Tap(dw.customerOK)
	if active, _ := counts(u.store); active != 1 {
		t.Fatal("a duplicate customer was created")
	}
	dw.customerName.SetText("")
	test.Type(dw.customerName, "苏州恒达精密机械有限公司")
	test.Tap(dw.customerOK)
	id := dw.customerIDs[dw.customer.Text]
	r, ok := u.row(id)
	if !ok || r.Name != "苏州恒达精密机械有限公司" {
		t.Fatalf("the deal's customer is %q (%d)", dw.customer.Text, id)
	}
}

// The board reads its deals off the UI thread: it keeps its columns until the reply comes, and a reply
// for an earlier search than the last one typed is dropped.
func TestBoardReadsLeaveTheWindowAndDropStaleReplies(t *testing.T) {
	u, o := newBoard(t)
	s := u.pipeline
	lead := s.column("lead")
	if len(lead.deals) != 1 {
		t.Fatalf("lead column holds %d deals", len(lead.deals))
	}
	h := holdReads(u)
	s.search.SetText("没有这个客户")
	s.search.SetText("云帆")
	if len(h.queue) != 2 {
		t.Fatalf("two searches held %d reads", len(h.queue))
	}
	if len(lead.deals) != 1 {
		t.Fatal("the board emptied its column before the read came back")
	}
	// The newer search's reply lands first; the older one's (no deal matches it) comes after and is
	// dropped, so the deal stays.
	h.run(1, 0)
	if len(lead.deals) != 1 || lead.deals[0].ID != o.ID {
		t.Fatalf("after both replies the lead column holds %d deals", len(lead.deals))
	}
	s.search.SetText("没有这个客户")
	h.run(0)
	if len(lead.deals) != 0 {
		t.Fatalf("a search matching nothing leaves %d deals", len(lead.deals))
	}
}

// The forecast window reads off the UI thread too, and only the last choice's reply is shown.
func TestForecastReadsLeaveTheWindow(t *testing.T) {
	u, _ := newBoard(t)
	h := holdReads(u)
	fw := u.openForecast()
	if len(fw.rows) != 0 || len(h.queue) != 2 {
		t.Fatalf("the window opened with %d rows and %d reads held; want none shown and the forecast's and funnel's read held", len(fw.rows), len(h.queue))
	}
	fw.quarterly.SetChecked(false) // by month: a third read
	h.run(2, 0, 1)
	if len(fw.rows) != 1 || fw.rows[0].Period == data.PeriodKey(fixedNow.AddDate(0, 1, 0), true) {
		t.Fatalf("forecast = %+v; want the monthly rows, not the quarterly reply that came last", fw.rows)
	}
	if len(fw.steps) == 0 {
		t.Fatal("the funnel's reply was not shown")
	}
}
