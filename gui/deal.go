package gui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// dealWindow is the opportunity record (template 2 of seed 000) in a window of its own.
type dealWindow struct {
	u      *ui
	win    fyne.Window
	o      data.Opportunity
	fields map[string]*field

	customer    *widget.SelectEntry
	customerIDs map[string]uint64
	title       *textEntry
	source      *enumSelect[data.Source]
	amount      *textEntry
	closeDate   *textEntry
	owner       *widget.Select
	owners      []data.Member
	budget      *textEntry
	urgency     *textEntry
	authority   *textEntry
	qualify     *widget.Label
	risk        *enumSelect[data.Level]
	riskNote    *textEntry
	summary     *textEntry
	competition *textEntry
	milestones  *textEntry
	history     *widget.Label
	head        *widget.Label
	saveBtn     *widget.Button
	wonBtn      *widget.Button
	lostBtn     *widget.Button
	newCustomer *widget.Button
	// unsaved asks before a window with changes closes; stale shows a save that came too late.
	unsaved *dialog.CustomDialog
	stale   *staleForm
	// customerName is the quick new-customer form, held so tests drive it.
	customerName *textEntry
	customerOK   *widget.Button
	// saving is set while a save is under way; closeAfter closes the window once it succeeds.
	saving, closeAfter bool
}

// onNewCustomer creates a customer card on the spot from its name; the rest is filled in on the card
// later. A name that matches an existing card is pointed at instead of creating a duplicate.
func (dw *dealWindow) onNewCustomer() {
	name := newEntry("")
	f := newField("name", name)
	var d *dialog.CustomDialog
	ok := widget.NewButton(T("action.create"), func() {
		c := data.Customer{Name: strings.TrimSpace(name.Text), Kind: data.KindCompany, Status: data.StatusProspect,
			OwnerID: dw.u.me().MemberID, FirstContact: data.DateOf(dw.u.now())}
		if dups, _ := dw.u.store.Duplicates(c); len(dups) > 0 {
			f.setError(fmt.Errorf("%s", Tf("deal.customer_exists", customerLabel(*dups[0].Row))))
			return
		}
		var saved data.Customer
		st := dw.u.store
		dw.u.write(dw.customerOK, func() (err error) {
			saved, err = st.CreateCustomer(c)
			return err
		}, func(err error) {
			if err != nil {
				var fe data.FieldErrors
				if errors.As(err, &fe) {
					f.setError(fe.For("name"))
					return
				}
				dw.u.showError(dw.win, err)
				return
			}
			r, _ := dw.u.row(saved.ID)
			dw.customerIDs[customerLabel(r)] = saved.ID
			dw.customer.SetText(customerLabel(r))
			dw.u.refreshAll()
			d.Hide()
		})
	})
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(T("action.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("deal.new_customer"), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), cancel, ok), nil, nil, formGrid(f)), dw.win)
	d.Resize(fyne.NewSize(460, 200))
	dw.customerName, dw.customerOK = name, ok
	dw.u.track(d)
	d.Show()
}

// openDealID shows a deal, in the window already open for it if there is one.
func (u *ui) openDealID(id uint64) {
	if _, open := u.windows[windowKey("deal", id)]; open {
		u.openDeal(data.Opportunity{ID: id})
		return
	}
	o, ok := u.deal(id)
	if !ok {
		u.showError(u.win, data.ErrNotFound)
		return
	}
	u.openDeal(o)
}

// openDeal shows a deal, one window per deal: a deal already open is brought forward. A zero deal
// is a new lead.
func (u *ui) openDeal(o data.Opportunity) *dealWindow {
	return openOnce(u, windowKey("deal", o.ID), func() (*dealWindow, fyne.Window) {
		dw := u.newDealWindow(o)
		return dw, dw.win
	})
}

func (u *ui) newDealWindow(o data.Opportunity) *dealWindow {
	dw := &dealWindow{u: u, o: o, fields: map[string]*field{}, customerIDs: map[string]uint64{}}
	if o.ID == 0 && o.OwnerID == 0 {
		dw.o.OwnerID = u.me().MemberID
	}
	dw.win = u.app.NewWindow(T("deal.new") + " — SalesDesk")
	u.trackWindow(dw.win)
	w := dw.win
	w.SetOnClosed(func() {
		delete(u.others, w)
		u.forgetWindow(dw.key(), w)
	})
	if o.ID == 0 {
		// A new lead is filed too, under a key of its own, so that quitting asks about its typing.
		u.rememberWindow(dw.key(), w, dw)
	}
	w.SetCloseIntercept(dw.onClose)
	if o.ID != 0 {
		dw.win.SetTitle(o.Number + " " + o.Title + " — SalesDesk")
	}
	dw.buildUI()
	// No larger than the main window, so that it fits a small screen too.
	main := u.win.Canvas().Size()
	dw.win.Resize(fyne.NewSize(min(760, max(main.Width, 600)), min(700, max(main.Height, 480))))
	u.addShortcuts(dw.win, dw.onSave)
	dw.win.Show()
	return dw
}

// key files the window: the deal's, or one of its own while the deal is not saved yet.
func (dw *dealWindow) key() string {
	if dw.o.ID == 0 {
		return fmt.Sprintf("deal:new:%p", dw)
	}
	return windowKey("deal", dw.o.ID)
}

// dealChanged shows a deal changed elsewhere (a move on the board, an undo) in its open window,
// unless the window holds typing not saved yet: that typing is merged when it is saved.
func (u *ui) dealChanged(id uint64) {
	e, ok := u.windows[windowKey("deal", id)]
	if !ok {
		return
	}
	if dw, ok := e.v.(*dealWindow); ok && !dw.dirty() {
		if o, ok := u.deal(id); ok {
			dw.o = o
			dw.rebuild()
		}
	}
}

// rebuild shows dw.o afresh in the window's form.
func (dw *dealWindow) rebuild() {
	dw.fields = map[string]*field{}
	dw.buildUI()
	dw.win.SetTitle(dw.o.Number + " " + dw.o.Title + " — SalesDesk")
}

// focusScores puts the cursor on the budget score, for a lead refused for its scores.
func (dw *dealWindow) focusScores() {
	dw.win.RequestFocus()
	dw.win.Canvas().Focus(dw.budget)
}

func (dw *dealWindow) add(key string, o fyne.CanvasObject) *field {
	f := newField(key, o)
	dw.fields[key] = f
	return f
}

// customerLabel is how a customer stands in the picker: name and card number, unique.
func customerLabel(r data.CustomerRow) string { return r.Name + "  " + r.CardNo }

func (dw *dealWindow) buildUI() {
	o := &dw.o
	dw.customer = widget.NewSelectEntry(nil)
	dw.customer.SetPlaceHolder(T("deal.customer_hint"))
	if r, ok := dw.u.row(o.CustomerID); ok {
		dw.customerIDs[customerLabel(r)] = r.ID
		dw.customer.SetText(customerLabel(r))
	}
	// The picker offers the first matches of what is typed, by name, pinyin or card number.
	dw.customer.OnChanged = func(text string) {
		if _, ok := dw.customerIDs[text]; ok {
			return
		}
		var opts []string
		page, _ := dw.u.store.Customers(data.CustomerFilter{Search: text, Sort: data.SortName, Limit: 12})
		for _, r := range page.Rows {
			l := customerLabel(r)
			dw.customerIDs[l] = r.ID
			opts = append(opts, l)
		}
		dw.customer.SetOptions(opts)
	}
	dw.newCustomer = widget.NewButtonWithIcon("", theme.ContentAddIcon(), dw.onNewCustomer)
	dw.title = newEntry(o.Title)
	dw.source = newEnumSelect("source", data.Sources, true, o.Source)
	dw.amount = newAmountEntry(o.Amount)
	dw.closeDate = newDateEntry(o.CloseDate)
	dw.owners = dw.u.members()
	var names []string
	for _, m := range dw.owners {
		names = append(names, m.Name)
	}
	dw.owner = newSelect(names, nil)
	dw.owner.SetSelected(dw.u.memberName(o.OwnerID))
	dw.u.allowIf(dw.owner, data.PermReassign)
	score := func(v int) *textEntry {
		e := newEntry(strconv.Itoa(v))
		e.OnChanged = func(string) { dw.showQualification() }
		return e
	}
	dw.budget, dw.urgency, dw.authority = score(o.Scores.Budget), score(o.Scores.Urgency), score(o.Scores.Authority)
	dw.qualify = widget.NewLabel("")
	dw.qualify.Wrapping = proseWrap()
	dw.risk = newEnumSelect("level", data.Levels, true, o.Risk.Level)
	dw.riskNote = newEntry(o.Risk.Note)
	dw.summary = newMultiLine(o.Summary)
	dw.competition = newMultiLine(o.Competition)
	dw.milestones = newMultiLine(milestonesText(o.Milestones))
	dw.milestones.SetPlaceHolder(T("deal.milestones_hint"))
	dw.history = widget.NewLabel("")
	dw.history.Wrapping = proseWrap()

	form := formGrid(dw.add("customer", container.NewBorder(nil, nil, nil, dw.newCustomer, dw.customer)), dw.add("deal_title", dw.title), dw.add("source", dw.source),
		dw.add("amount", dw.amount), dw.add("close_date", dw.closeDate), dw.add("owner", dw.owner),
		dw.add("budget_score", dw.budget), dw.add("urgency_score", dw.urgency), dw.add("authority_score", dw.authority),
		dw.add("qualification", dw.qualify), dw.add("risk", dw.risk), dw.add("risk_note", dw.riskNote),
		dw.add("summary", dw.summary), dw.add("competition", dw.competition), dw.add("milestones", dw.milestones))
	dw.saveBtn = widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), dw.onSave)
	dw.saveBtn.Importance = widget.HighImportance
	head := widget.NewLabelWithStyle(T("deal.new"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Truncation = fyne.TextTruncateEllipsis
	dw.head = head
	dw.wonBtn = widget.NewButtonWithIcon(T("deal.won"), theme.ConfirmIcon(), func() { dw.onWonLost(data.StageWon) })
	dw.lostBtn = widget.NewButtonWithIcon(T("deal.lost"), theme.CancelIcon(), func() { dw.onWonLost(data.StageLost) })
	dw.wonBtn.Importance, dw.lostBtn.Importance = widget.SuccessImportance, widget.DangerImportance
	if o.ID == 0 {
		dw.wonBtn.Hide()
		dw.lostBtn.Hide()
	} else {
		def, _ := dw.u.teamSettings().Stage(o.Stage)
		head.SetText(o.Number + "  ·  " + stageName(def))
		if def.Kind == data.StageWon {
			dw.wonBtn.Disable()
		}
		if def.Kind == data.StageLost {
			dw.lostBtn.Disable()
		}
	}
	tabs := container.NewAppTabs(
		container.NewTabItem(T("deal.tab.record"), container.NewVScroll(form)),
		container.NewTabItem(T("deal.tab.history"), container.NewVScroll(dw.history)),
	)
	// withTips for the saved line, as the card window has: a save otherwise changes nothing in view.
	dw.win.SetContent(withTips(container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(dw.wonBtn, dw.lostBtn, dw.saveBtn), head), nil, nil, nil, tabs)))
	dw.showQualification()
	dw.showHistory()
}

func milestonesText(ms []data.Milestone) string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		mark := ""
		if m.Done {
			mark = " ✓"
		}
		lines[i] = data.FormatDate(m.Date) + " " + m.Text + mark
	}
	return strings.Join(lines, "\n")
}

// parseMilestones reads one milestone a line: a date, the text, and ✓ when done.
func parseMilestones(s string) ([]data.Milestone, error) {
	var out []data.Milestone
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		first, rest, _ := strings.Cut(line, " ")
		d, err := data.ParseDate(first)
		if err != nil {
			return nil, err
		}
		rest = strings.TrimSpace(rest)
		done := strings.HasSuffix(rest, "✓")
		out = append(out, data.Milestone{Date: d, Text: strings.TrimSpace(strings.TrimSuffix(rest, "✓")), Done: done})
	}
	return out, nil
}

func (dw *dealWindow) scores() (data.LeadScores, data.FieldErrors) {
	var fe data.FieldErrors
	read := func(key string, e *textEntry) int {
		n, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil || n < 0 || n > data.MaxLeadScore {
			fe.Add(key, data.ErrScoreRange)
		}
		return n
	}
	return data.LeadScores{Budget: read("budget_score", dw.budget), Urgency: read("urgency_score", dw.urgency),
		Authority: read("authority_score", dw.authority)}, fe
}

// showQualification shows the score breakdown and whether the lead qualifies, and why not.
func (dw *dealWindow) showQualification() {
	sc, fe := dw.scores()
	if fe.Any() {
		dw.qualify.SetText(T("err.score_range"))
		return
	}
	th := dw.u.teamSettings().Qualify
	ok, short := sc.Qualify(th)
	text := Tf("deal.scores", sc.Budget, th.Budget, sc.Urgency, th.Urgency, sc.Authority, th.Authority)
	if ok {
		text += "\n" + T("deal.qualifies")
	} else {
		for _, s := range short {
			text += "\n" + Tf("pipeline.short", T("field."+s.Score+"_score"), s.Have, s.Need)
		}
	}
	dw.qualify.SetText(text)
}

// showHistory lists the stage changes and the days spent in each stage.
func (dw *dealWindow) showHistory() {
	if dw.o.ID == 0 {
		dw.history.SetText(T("deal.no_history"))
		return
	}
	hist, err := dw.u.store.History(dw.o.ID)
	if err != nil {
		dw.history.SetText(errorText(err))
		return
	}
	st := dw.u.teamSettings()
	name := func(k string) string {
		if d, ok := st.Stage(k); ok {
			return stageName(d)
		}
		return k
	}
	var lines []string
	for _, h := range hist {
		line := formatDate(h.At) + "  " + name(h.From) + " → " + name(h.To) + "  " + dw.u.memberName(h.By)
		if h.From == "" {
			line = formatDate(h.At) + "  " + name(h.To) + "  " + dw.u.memberName(h.By)
		}
		if h.Override {
			line += "  (" + T("deal.override") + ")"
		}
		if h.Undo {
			line += "  (" + T("deal.undone") + ")"
		}
		lines = append(lines, line)
	}
	first := ""
	if len(hist) > 0 {
		first = hist[0].To
		hist = hist[1:]
	}
	days := data.StageDays(dw.o.CreatedAt, first, hist, dw.u.now())
	lines = append(lines, "", T("deal.days_per_stage"))
	for _, sp := range data.StageDaysInOrder(days, st.Stages) {
		lines = append(lines, fmt.Sprintf("  %s: %d", name(sp.Stage), sp.Days))
	}
	dw.history.SetText(strings.Join(lines, "\n"))
}

// collect reads the form into a copy of the deal; what does not even parse is named.
func (dw *dealWindow) collect() (data.Opportunity, data.FieldErrors) {
	o := dw.o
	var fe data.FieldErrors
	o.CustomerID = dw.customerIDs[dw.customer.Text]
	o.Title = dw.title.Text
	o.Source = dw.source.value()
	var err error
	if o.Amount, err = parseOptionalAmount(dw.amount.Text); err != nil {
		fe.Add("amount", err)
	}
	if o.CloseDate, err = parseOptionalDate(dw.closeDate.Text); err != nil {
		fe.Add("close_date", err)
	}
	o.OwnerID = 0
	for _, m := range dw.owners {
		if m.Name == dw.owner.Selected {
			o.OwnerID = m.ID
		}
	}
	var sfe data.FieldErrors
	o.Scores, sfe = dw.scores()
	fe = append(fe, sfe...)
	o.Risk = data.Risk{Level: dw.risk.value(), Note: dw.riskNote.Text}
	o.Summary, o.Competition = dw.summary.Text, dw.competition.Text
	if o.Milestones, err = parseMilestones(dw.milestones.Text); err != nil {
		fe.Add("milestones", err)
	}
	return o, fe
}

// dirty reports typing not saved yet.
func (dw *dealWindow) dirty() bool {
	o, fe := dw.collect()
	return fe.Any() || len(data.OpportunityChanges(o, dw.o)) > 0
}

// onSave creates or updates the deal; problems show at their fields and nothing typed is lost.
func (dw *dealWindow) onSave() { dw.saveThen(nil) }

// saveThen is onSave with then to run once the deal is saved.
func (dw *dealWindow) saveThen(then func()) {
	o, fe := dw.collect()
	created := dw.u.now()
	if o.ID != 0 {
		created = o.CreatedAt
	}
	fe = mergeProblems(fe, data.ValidateOpportunity(&o, created))
	if fe.Any() {
		dw.show(fe)
		return
	}
	dw.save(o, then)
}

// save writes the deal; a deal saved elsewhere since it was opened is shown side by side with what
// was typed (onStale) and nothing typed is lost.
// The write runs off the UI thread with the Save button disabled; then runs once it succeeded.
func (dw *dealWindow) save(o data.Opportunity, then func()) {
	var saved data.Opportunity
	st := dw.u.store
	dw.u.writeMarking(&dw.saving, dw.saveBtn, func() (err error) {
		if o.ID == 0 {
			saved, err = st.CreateOpportunity(o)
		} else {
			saved, err = st.UpdateOpportunity(o)
		}
		return err
	}, func(err error) { dw.saved(o, saved, err, then) })
}

func (dw *dealWindow) saved(o, saved data.Opportunity, err error, then func()) {
	dw.saving = false
	closeAfter := dw.closeAfter
	dw.closeAfter = false
	if err != nil {
		if closeAfter {
			dw.u.quitting, dw.u.signingOut = false, false // the typing stays in view with the refusal
		}
		var sfe data.FieldErrors
		switch {
		case errors.As(err, &sfe):
			dw.show(sfe)
		case errors.Is(err, data.ErrConflict):
			dw.onStale(o)
		default:
			dw.u.showError(dw.win, err)
		}
		return
	}
	isNew := dw.o.ID == 0
	if isNew {
		dw.u.forgetWindow(dw.key(), dw.win)
	}
	dw.o = saved
	if isNew {
		dw.u.rememberWindow(dw.key(), dw.win, dw)
		dw.rebuild() // the number, the stage and the Won and Lost buttons; the title and history too
	} else {
		// The amount as saved, in the one form amounts take everywhere (300,000), not as typed (300000).
		dw.amount.SetText(editAmount(saved.Amount))
		dw.show(nil)
		dw.win.SetTitle(saved.Number + " " + saved.Title + " — SalesDesk")
		dw.showHistory()
	}
	showToast(dw.win.Canvas(), T("settings.saved"))
	dw.u.pipeline.reload()
	if cw, ok := dw.u.cards[saved.CustomerID]; ok {
		cw.reloadDeals()
	}
	if then != nil {
		then()
	}
	if closeAfter && !dw.dirty() {
		dw.closeNow()
	}
}

// staleForm is the dialog of a save that came after someone else's, held so tests drive it.
type staleForm struct {
	dialog      *dialog.CustomDialog
	message     *widget.Label
	rows        [][3]string // field, theirs, what was typed
	merge, take *widget.Button
}

// onStale shows what changed since the window was opened, by whom and when, beside what was typed.
// A change that touched none of the form's fields (a move on the board) is merged and saved at once.
// Otherwise the user merges (their fields where nothing was typed, the typing elsewhere), takes their
// version, or goes back to the form, where the typing is kept either way until they choose.
func (dw *dealWindow) onStale(mine data.Opportunity) {
	theirs, ok := dw.u.deal(mine.ID)
	if !ok {
		dw.u.showError(dw.win, data.ErrNotFound)
		return
	}
	merged, conflicts := data.MergeOpportunity(dw.o, theirs, mine)
	if len(data.OpportunityChanges(dw.o, theirs)) == 0 {
		dw.save(merged, dw.rebuild)
		return
	}
	who := dw.u.memberName(theirs.UpdatedBy)
	if who == "" {
		who = T("deal.someone")
	}
	f := &staleForm{}
	f.message = widget.NewLabel(Tf("deal.stale", who, formatDateTime(theirs.UpdatedAt)))
	f.message.Wrapping = proseWrap()
	grid := container.NewGridWithColumns(3, bold(T("deal.stale_field")), bold(T("deal.stale_theirs")), bold(T("deal.stale_mine")))
	for _, key := range data.OpportunityChanges(theirs, mine) {
		label := T("field." + formKey(key))
		if slices.Contains(conflicts, key) {
			label = "▲ " + label
		}
		row := [3]string{label, dw.fieldText(key, &theirs), dw.fieldText(key, &mine)}
		f.rows = append(f.rows, row)
		for _, t := range row {
			l := widget.NewLabel(t)
			l.Wrapping = proseWrap()
			grid.Add(l)
		}
	}
	note := widget.NewLabel(T("deal.stale_merge_note"))
	note.Wrapping = proseWrap()
	note.Importance = widget.LowImportance
	var d *dialog.CustomDialog
	f.merge = widget.NewButton(T("deal.stale_merge"), func() {
		d.Hide()
		dw.save(merged, dw.rebuild)
	})
	f.merge.Importance = widget.HighImportance
	f.take = widget.NewButton(T("deal.stale_take"), func() {
		d.Hide()
		dw.o = theirs
		dw.rebuild()
		dw.u.pipeline.reload()
	})
	back := widget.NewButton(T("deal.stale_back"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("deal.stale_title"), container.NewBorder(f.message,
		container.NewVBox(note, container.NewHBox(layout.NewSpacer(), back, f.take, f.merge)), nil, nil,
		container.NewVScroll(grid)), dw.win)
	d.Resize(fyne.NewSize(min(680, dw.win.Canvas().Size().Width-20), min(460, dw.win.Canvas().Size().Height-20)))
	f.dialog = d
	dw.stale = f
	dw.u.track(d)
	d.Show()
}

// formKey is the form's key of a record's field: a deal's "title" is the form's "deal_title".
func formKey(key string) string {
	if key == "title" {
		return "deal_title"
	}
	return key
}

// fieldText shows one field of a version of the deal as the form would.
func (dw *dealWindow) fieldText(key string, o *data.Opportunity) string {
	var t string
	switch key {
	case "customer":
		if r, ok := dw.u.row(o.CustomerID); ok {
			t = customerLabel(r)
		}
	case "title":
		t = o.Title
	case "source":
		t = enumLabel("source", o.Source)
	case "amount":
		t = formatMoney(o.Amount)
	case "close_date":
		t = formatDate(o.CloseDate)
	case "owner":
		t = dw.u.memberName(o.OwnerID)
	case "budget_score":
		t = strconv.Itoa(o.Scores.Budget)
	case "urgency_score":
		t = strconv.Itoa(o.Scores.Urgency)
	case "authority_score":
		t = strconv.Itoa(o.Scores.Authority)
	case "risk":
		t = enumLabel("level", o.Risk.Level)
	case "risk_note":
		t = o.Risk.Note
	case "summary":
		t = o.Summary
	case "competition":
		t = o.Competition
	case "milestones":
		t = milestonesText(o.Milestones)
	}
	if strings.TrimSpace(t) == "" {
		return "—"
	}
	return t
}

// onClose asks before unsaved changes are thrown away (the window's close button, Alt+F4, quitting).
func (dw *dealWindow) onClose() {
	if dw.saving {
		// The save under way closes the window when it succeeds; asking to save again would save twice.
		dw.closeAfter = true
		return
	}
	if !dw.dirty() {
		dw.win.Close()
		return
	}
	dw.unsaved = askUnsaved(dw.u, dw.win, T("deal.unsaved"), func() {
		dw.saveThen(func() {
			if !dw.dirty() {
				dw.closeNow()
			}
		})
	}, dw.closeNow)
}

// closeNow closes the window and goes on quitting if that was asked. It leaves the registry first:
// a driver may report the close later, and quitting must not find this window again.
func (dw *dealWindow) closeNow() {
	dw.u.forgetWindow(dw.key(), dw.win)
	dw.win.Close()
	dw.u.continueQuit()
}

// onWonLost closes the deal as won or lost from its window, asking what the board's drag asks (the
// amount and date, the reason). Typing not saved yet is saved first, so the move starts from it.
func (dw *dealWindow) onWonLost(kind data.StageKind) {
	if dw.dirty() {
		// The form shows what stops the save; the move starts only from what was saved.
		dw.saveThen(func() {
			if !dw.dirty() {
				dw.moveTo(kind)
			}
		})
		return
	}
	dw.moveTo(kind)
}

func (dw *dealWindow) moveTo(kind data.StageKind) {
	to, ok := dw.u.teamSettings().FirstStage(kind)
	if !ok {
		dw.u.showError(dw.win, data.ErrStageKinds)
		return
	}
	dw.u.pipeline.move(dw.o.Row(), to, dw.win)
}

func (dw *dealWindow) show(fe data.FieldErrors) {
	for k, f := range dw.fields {
		key := k
		if k == "deal_title" {
			key = "title" // the record's title; "title" on a form is a contact's job title
		}
		err := fe.For(key)
		if err == nil && key != k {
			err = fe.For(k)
		}
		f.setError(err)
	}
}
