package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

// dealWindows counts the open deal windows.
func dealWindows(u *ui) int { return len(openWindows[*dealWindow](u)) }

// findText finds the canvas text showing text in the tree under o, as a user would by reading.
func findText(o fyne.CanvasObject, text string) fyne.CanvasObject {
	if !o.Visible() {
		return nil
	}
	switch x := o.(type) {
	case *canvas.Text:
		if x.Text == text {
			return x
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			if f := findText(c, text); f != nil {
				return f
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			if f := findText(c, text); f != nil {
				return f
			}
		}
	}
	return nil
}

// moreLeads adds n qualified leads for the board's customer.
func moreLeads(t *testing.T, u *ui, customer uint64, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := u.store.CreateOpportunity(data.Opportunity{CustomerID: customer, Title: "扩容", OwnerID: u.me().MemberID,
			Amount: data.AmountFromYuan(50_000), Scores: data.LeadScores{Budget: 12, Urgency: 9, Authority: 8}}); err != nil {
			t.Fatal(err)
		}
	}
}

// Point 1: with the board moved sideways, a click on the sidebar reaches the sidebar: it opens the
// metrics, not the deal of a column moved out of view beneath it.
func TestSidebarClickOnAPagedBoardOpensNoDeal(t *testing.T) {
	// Given a board with a selected card in the first column, moved two columns to the right.
	u, o := newBoard(t)
	moreLeads(t, u, o.CustomerID, 5)
	s := u.pipeline
	s.reload()
	s.selected = o.ID
	s.board.page(2)
	if first, _ := s.board.inView(); first != 2 || s.column("lead").box.Visible() {
		t.Fatalf("after paging: first column %d, lead visible %v", first, s.column("lead").box.Visible())
	}
	// When the sidebar's metrics tab is clicked twice, where it is on the screen.
	tab := findText(u.win.Canvas().Content(), T("tab.metrics"))
	if tab == nil {
		t.Fatal("no metrics tab in the sidebar")
	}
	pos := center(tab)
	test.TapCanvas(u.win.Canvas(), pos)
	test.TapCanvas(u.win.Canvas(), pos)
	// Then the metrics show and no deal opened.
	if n := dealWindows(u); n != 0 {
		t.Fatalf("%d deal windows opened", n)
	}
	if u.tabs.SelectedIndex() != tabMetrics {
		t.Fatalf("selected tab %d, want the metrics", u.tabs.SelectedIndex())
	}
	// And nothing of a column lies outside the board.
	u.tabs.SelectIndex(tabPipeline)
	left := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.board).X
	for _, c := range s.columns {
		if c.box.Visible() && fyne.CurrentApp().Driver().AbsolutePositionForObject(c.box).X < left {
			t.Fatalf("column %s starts left of the board", c.def.Key)
		}
	}
}

// Point 6: at 800×560 the board pages through all its columns and the buttons stay on screen.
func TestBoardAt800x560(t *testing.T) {
	u, _ := newBoard(t)
	u.win.Resize(fyne.NewSize(800, 560))
	s := u.pipeline
	// The board asks no more than what is left of 800 pixels beside the sidebar (about 100).
	if min := s.content.MinSize(); min.Width > 680 || min.Height > 500 {
		t.Fatalf("the board needs %v", min)
	}
	first, n := s.board.inView()
	if first != 0 || n < 2 || n >= len(s.columns) {
		t.Fatalf("in view at 800: %d from %d", n, first)
	}
	for i := 0; i < len(s.columns); i++ {
		test.Tap(s.next)
	}
	if first, n = s.board.inView(); first+n != len(s.columns) || !s.next.Disabled() || s.prev.Disabled() {
		t.Fatalf("after paging right: %d from %d of %d", n, first, len(s.columns))
	}
	size := u.win.Canvas().Size()
	for _, b := range []fyne.CanvasObject{s.newLead, s.prev, s.next, s.column("lost").toggle} {
		p := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
		if p.X+b.Size().Width > size.Width+1 || p.Y+b.Size().Height > size.Height+1 || b.Size().Width == 0 {
			t.Fatalf("%T at %v size %v is off the 800×560 window", b, p, b.Size())
		}
	}
	// The keyboard's move follows the deal into view.
	test.Tap(s.prev)
	for first, _ = s.board.inView(); first > 0; first, _ = s.board.inView() {
		test.Tap(s.prev)
	}
	o := s.column("lead").deals[0]
	s.selected = o.ID
	for i := 0; i < 4; i++ {
		s.moveSelected(1)
		o = s.row(o.ID)
	}
	if f, n := s.board.inView(); o.Stage != "negotiation" || f+n <= 4 {
		t.Fatalf("after four moves right: %s, columns %d from %d in view", o.Stage, n, f)
	}
	test.Tap(s.next)
	test.Tap(s.next)
	first, _ = s.board.inView()
	// The wheel pages too.
	test.Scroll(u.win.Canvas(), center(s.column("lost").title), 0, 25)
	if f, _ := s.board.inView(); f != first-1 {
		t.Fatalf("after a wheel notch: first %d, was %d", f, first)
	}
}

// Point 2: clicks on a selected card, and opening the deal again, give one window, brought forward.
func TestOneWindowPerDeal(t *testing.T) {
	u, o := newBoard(t)
	s := u.pipeline
	pos := center(s.column("lead").list)
	pos.Y = fyne.CurrentApp().Driver().AbsolutePositionForObject(s.column("lead").list).Y + 20
	for i := 0; i < 4; i++ {
		test.TapCanvas(u.win.Canvas(), pos)
	}
	if n := dealWindows(u); n != 1 {
		t.Fatalf("%d deal windows after four clicks", n)
	}
	dw := openWindows[*dealWindow](u)[0]
	if again := u.openDeal(data.Opportunity{ID: o.ID}); again != dw {
		t.Fatal("opening the deal again made a second window")
	}
	u.openDealID(o.ID)
	if n := dealWindows(u); n != 1 {
		t.Fatalf("%d deal windows", n)
	}
	// Once closed, it opens afresh.
	dw.win.Close()
	if n := dealWindows(u); n != 0 {
		t.Fatalf("%d deal windows after closing", n)
	}
	if again := u.openDeal(o); again == dw {
		t.Fatal("a closed window came back")
	}
}

// Point 2: a save after someone else's says who and when, shows both versions and keeps the typing;
// merging keeps their change where nothing was typed.
func TestStaleDealSave(t *testing.T) {
	// Given a deal open in its window, and a colleague who changes its amount and summary meanwhile.
	u, o := newBoard(t)
	dw := u.openDeal(o)
	other, err := u.file.SaveMember(data.System, data.Member{Name: "杨帆", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	theirs := o
	theirs.Amount, theirs.Summary = data.AmountFromYuan(80_000), "客户要求分两期"
	if _, err := u.file.UpdateOpportunity(data.Actor{MemberID: other.ID, Name: other.Name}, theirs); err != nil {
		t.Fatal(err)
	}
	// When I change the title and the amount and save.
	dw.title.SetText("ERP 升级二期")
	dw.amount.SetText("90,000")
	test.Tap(dw.saveBtn)
	// Then the message names the deal's change, who made it, and both versions of what differs.
	f := dw.stale
	if f == nil {
		t.Fatal("no stale-save dialog")
	}
	if !strings.Contains(f.message.Text, "杨帆") || strings.Contains(f.message.Text, "客户卡") || !strings.Contains(f.message.Text, "销售机会") {
		t.Fatalf("message = %q", f.message.Text)
	}
	rows := map[string][3]string{}
	for _, r := range f.rows {
		rows[strings.TrimPrefix(r[0], "▲ ")] = r
	}
	amount := rows[T("field.amount")]
	if amount[1] != formatMoney(data.AmountFromYuan(80_000)) || amount[2] != formatMoney(data.AmountFromYuan(90_000)) || !strings.HasPrefix(amount[0], "▲") {
		t.Fatalf("amount row = %q (rows %q)", amount, f.rows)
	}
	if _, ok := rows[T("field.deal_title")]; !ok {
		t.Fatalf("no title row in %q", f.rows)
	}
	if dw.title.Text != "ERP 升级二期" || dw.amount.Text != "90,000" {
		t.Fatalf("the typing was lost: %q %q", dw.title.Text, dw.amount.Text)
	}
	got, _ := u.deal(o.ID)
	if got.Title != o.Title {
		t.Fatal("the stale save was written")
	}
	// When merged: my title and amount, their summary.
	test.Tap(f.merge)
	got, _ = u.deal(o.ID)
	if got.Title != "ERP 升级二期" || got.Amount != data.AmountFromYuan(90_000) || got.Summary != "客户要求分两期" || dw.summary.Text != "客户要求分两期" {
		t.Fatalf("merged = %q %v %q; form summary %q", got.Title, got.Amount, got.Summary, dw.summary.Text)
	}
	if dw.dirty() {
		t.Fatal("the window still has unsaved changes after the merge")
	}
}

// A move on the board while the deal's window holds typing is no conflict: the save goes through.
func TestSaveAfterABoardMove(t *testing.T) {
	u, o := newBoard(t)
	dw := u.openDeal(o)
	dw.title.SetText("ERP 升级（加急）")
	u.pipeline.moveTo(u.pipeline.row(o.ID), mustStage(t, u, "initial_contact"))
	test.Tap(dw.saveBtn)
	got, _ := u.deal(o.ID)
	if dw.stale != nil || got.Title != "ERP 升级（加急）" || got.Stage != "initial_contact" {
		t.Fatalf("after the save: stale dialog %v, %q in %s", dw.stale != nil, got.Title, got.Stage)
	}
}

// Point 3: closing a deal window with typing asks; an untouched one closes at once.
func TestClosingADirtyDealWindowAsks(t *testing.T) {
	u, o := newBoard(t)
	dw := u.openDeal(o)
	dw.summary.SetText("下周二拜访")
	dw.onClose() // what the window's close button and Alt+F4 call
	if dw.unsaved == nil || dealWindows(u) != 1 {
		t.Fatal("closing with unsaved changes did not ask")
	}
	// Quitting asks too.
	dw.unsaved.Hide()
	dw.unsaved = nil
	u.onMainClose()
	if dw.unsaved == nil || dealWindows(u) != 1 {
		t.Fatal("quitting with an unsaved deal did not ask")
	}
	dw.unsaved.Hide()
	u.quitting = false
	// Saved, it closes without asking.
	test.Tap(dw.saveBtn)
	dw.unsaved = nil
	dw.onClose()
	if dw.unsaved != nil || dealWindows(u) != 0 {
		t.Fatal("a saved deal asked before closing")
	}
	// A new lead with typing asks too.
	nw := u.openDeal(data.Opportunity{})
	nw.title.SetText("新线索")
	nw.onClose()
	if nw.unsaved == nil {
		t.Fatal("a new lead with typing closed without asking")
	}
}

// closedDeal makes a deal won or lost daysAgo days before the test's today.
func closedDeal(t *testing.T, u *ui, customer uint64, title, stage string, daysAgo int) data.Opportunity {
	t.Helper()
	at := fixedNow.AddDate(0, 0, -daysAgo)
	created := at.AddDate(0, 0, -10)
	o := data.Opportunity{CustomerID: customer, Title: title, OwnerID: u.me().MemberID, Amount: data.AmountFromYuan(10_000),
		Stage: stage, StageSince: at, CreatedAt: created, LastActivity: at}
	if stage == "won" {
		o.WonDate = at
	} else {
		o.LostReason = "价格过高"
	}
	if err := u.file.BulkCreateOpportunities(u.me(), []data.NewOpportunity{{Opportunity: o,
		History: []data.StageChange{{At: created, To: "lead"}, {At: at, From: "lead", To: stage}}}}); err != nil {
		t.Fatal(err)
	}
	for _, r := range listedDeals(u.store, data.OpportunityFilter{Stage: stage}) {
		if r.Title == title {
			got, _ := u.deal(r.ID)
			return got
		}
	}
	t.Fatalf("%s not made", title)
	return data.Opportunity{}
}

// Point 8: the closed columns start collapsed, show the latest first and the last 30 days, and a
// move is undone in one step.
func TestClosedColumnsAndUndo(t *testing.T) {
	u, o := newBoard(t)
	s := u.pipeline
	old := closedDeal(t, u, o.CustomerID, "旧单", "won", 1)
	s.reload()
	won := s.column("won")
	if won.expanded || won.list.Visible() || len(won.deals) != 0 || !strings.Contains(won.totals.Text, "1") {
		t.Fatalf("won column: expanded %v, %d cards, header %q", won.expanded, len(won.deals), won.totals.Text)
	}
	// A deal won now lands at the top of the expanded column.
	test.Tap(won.toggle)
	s.moveTo(s.row(o.ID), mustStage(t, u, "won"))
	if s.wonForm.fields[1].label.Text != T("field.won_amount") || T("field.won_amount") == T("field.amount") {
		t.Fatalf("the won dialog's amount reads %q", s.wonForm.fields[1].label.Text)
	}
	test.Tap(s.wonForm.ok)
	if len(won.deals) != 2 || won.deals[0].ID != o.ID || won.deals[1].ID != old.ID {
		t.Fatalf("won column order: %+v", won.deals)
	}
	// The undo offer takes it back to where it was.
	if !s.undoBar.Visible() {
		t.Fatal("no undo offered after the move")
	}
	test.Tap(s.undoBtn)
	got, _ := u.deal(o.ID)
	if got.Stage != "lead" || len(won.deals) != 1 || s.undoBar.Visible() {
		t.Fatalf("after undo: stage %s, won column %d", got.Stage, len(won.deals))
	}
	h, _ := u.store.History(o.ID)
	if len(h) != 3 || !h[2].Undo {
		t.Fatalf("history = %+v", h)
	}
}

// Closed deals older than 30 days wait behind "show older".
func TestClosedColumnKeepsTheLastDays(t *testing.T) {
	u, o := newBoard(t)
	s := u.pipeline
	closedDeal(t, u, o.CustomerID, "新丢单", "lost", 2)
	closedDeal(t, u, o.CustomerID, "旧丢单", "lost", 45)
	lost := s.column("lost")
	test.Tap(lost.toggle)
	if len(lost.deals) != 1 || lost.deals[0].Title != "新丢单" || !lost.olderBtn.Visible() {
		t.Fatalf("lost column: %d cards, older button %v", len(lost.deals), lost.olderBtn.Visible())
	}
	test.Tap(lost.olderBtn)
	if len(lost.deals) != 2 || lost.deals[1].Title != "旧丢单" {
		t.Fatalf("with older: %d cards", len(lost.deals))
	}
}

// Point 8: an unqualified lead's refusal opens the scores in the deal's window.
func TestUnqualifiedLeadOffersItsScores(t *testing.T) {
	u, o := newBoard(t)
	o.Scores = data.LeadScores{Budget: 3, Urgency: 9, Authority: 8}
	o, err := u.store.UpdateOpportunity(o)
	if err != nil {
		t.Fatal(err)
	}
	s := u.pipeline
	s.reload()
	s.moveTo(s.row(o.ID), mustStage(t, u, "initial_contact"))
	if s.unqualified == nil {
		t.Fatal("no refusal shown")
	}
	test.Tap(s.unqualified.scores)
	dws := openWindows[*dealWindow](u)
	if len(dws) != 1 || dws[0].win.Canvas().Focused() != dws[0].budget {
		t.Fatalf("%d deal windows; the budget score focused: %v", len(dws), len(dws) == 1 && dws[0].win.Canvas().Focused() == dws[0].budget)
	}
}

// Point 17: Won and Lost in the deal's window ask what the drag asks and move the deal.
func TestWonAndLostFromTheDealWindow(t *testing.T) {
	u, o := newBoard(t)
	dw := u.openDeal(o)
	test.Tap(dw.lostBtn)
	s := u.pipeline
	if s.lostForm == nil {
		t.Fatal("no Lost dialog")
	}
	test.Tap(s.lostForm.ok) // no reason: refused at the field
	if got, _ := u.deal(o.ID); got.Stage != "lead" {
		t.Fatalf("lost without a reason: %s", got.Stage)
	}
	s.lostForm.reason.SetSelectedIndex(0)
	test.Tap(s.lostForm.ok)
	got, _ := u.deal(o.ID)
	if got.Stage != "lost" || !dw.lostBtn.Disabled() || !strings.Contains(dw.head.Text, stageName(mustStage(t, u, "lost"))) {
		t.Fatalf("after Lost: %s, button disabled %v, head %q", got.Stage, dw.lostBtn.Disabled(), dw.head.Text)
	}
	test.Tap(dw.wonBtn)
	s.wonForm.amount.SetText("130,000")
	test.Tap(s.wonForm.ok)
	got, _ = u.deal(o.ID)
	if got.Stage != "won" || got.Amount != data.AmountFromYuan(130_000) || dw.amount.Text != newAmountEntry(got.Amount).Text {
		t.Fatalf("after Won: %s %v, form amount %q", got.Stage, got.Amount, dw.amount.Text)
	}
}

// Point 5: an idle card's day count comes first and what does not fit ends in an ellipsis; the
// status line shows the card whole on hover.
func TestIdleCardKeepsItsDayCount(t *testing.T) {
	u, o := newBoard(t)
	u.now = func() time.Time { return fixedNow.AddDate(0, 0, 40) }
	s := u.pipeline
	s.reload()
	c := newDealCard(s)
	c.show(s.column("lead"), s.row(o.ID))
	if !strings.HasPrefix(c.bottom.Text, T("pipeline.idle")+" "+Tf("pipeline.days_in_stage", 40)) || c.bottom.Truncation != fyne.TextTruncateEllipsis {
		t.Fatalf("bottom line %q", c.bottom.Text)
	}
	c.MouseIn(nil)
	if s.hover.Text != c.fullText() || !strings.Contains(s.hover.Text, u.memberName(o.OwnerID)) {
		t.Fatalf("hover %q", s.hover.Text)
	}
	c.MouseOut()
	if s.hover.Text != "" {
		t.Fatal("the hover text stayed")
	}
}

// A won or lost card says when it closed, not the expected close date it was planned for.
func TestClosedCardsShowWhenTheyClosed(t *testing.T) {
	u, o := newBoard(t)
	s := u.pipeline
	won := closedDeal(t, u, o.CustomerID, "已成交", "won", 3)
	lost := closedDeal(t, u, o.CustomerID, "已丢单", "lost", 5)
	s.reload()
	c := newDealCard(s)
	c.show(s.column("won"), won.Row())
	if want := Tf("pipeline.won_on", formatDate(won.WonDate)); !strings.HasPrefix(c.bottom.Text, want) {
		t.Errorf("won card %q, want it to start %q", c.bottom.Text, want)
	}
	c.show(s.column("lost"), lost.Row())
	if want := Tf("pipeline.lost_on", formatDate(lost.StageSince)); !strings.HasPrefix(c.bottom.Text, want) {
		t.Errorf("lost card %q, want it to start %q", c.bottom.Text, want)
	}
	c.show(s.column("lead"), s.row(o.ID))
	if !strings.Contains(c.bottom.Text, formatDate(o.CloseDate)) {
		t.Errorf("open card %q lost its expected close date", c.bottom.Text)
	}
}
