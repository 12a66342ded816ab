package gui

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// pipelineScreen is the kanban of deals: a column per stage from Settings, each a virtualised list,
// with headers that total every matching deal, not only the cards on screen.
type pipelineScreen struct {
	u       *ui
	content fyne.CanvasObject

	search      *textEntry
	owner       *widget.Select
	grade       *widget.Select
	from        *textEntry
	to          *textEntry
	newLead     *widget.Button
	forecastBtn *widget.Button
	columns     []*boardColumn
	filter      data.OpportunityFilter
	owners      map[string]uint64

	// selected is the deal the keyboard moves (Ctrl+← / Ctrl+→).
	selected uint64
	// drag is the column under the pointer while a card is dragged.
	dragFrom, dragOver *boardColumn
	wonForm            *wonForm
}

// boardColumn is one stage's column.
type boardColumn struct {
	def    data.StageDef
	title  *widget.Label
	totals *widget.Label
	list   *widget.List
	deals  []*data.OpportunityRow
	bg     *canvas.Rectangle
	box    fyne.CanvasObject
}

func newPipelineScreen(u *ui) *pipelineScreen {
	s := &pipelineScreen{u: u}
	s.buildUI()
	return s
}

func (s *pipelineScreen) buildUI() {
	s.search = newEntry("")
	s.search.SetPlaceHolder(T("pipeline.search_hint"))
	s.search.OnChanged = func(string) { s.onFilterChanged() }
	all := T("filter.all")
	s.owners = map[string]uint64{}
	owners := []string{all}
	for _, m := range s.u.store.Members() {
		owners = append(owners, m.Name)
		s.owners[m.Name] = m.ID
	}
	s.owner = newSelect(owners, func(string) { s.onFilterChanged() })
	s.grade = newSelect([]string{all, "A", "B", "C", "D"}, func(string) { s.onFilterChanged() })
	s.owner.PlaceHolder, s.grade.PlaceHolder = all, all
	s.from, s.to = newDateEntry(zeroTime), newDateEntry(zeroTime)
	s.from.SetPlaceHolder(T("pipeline.close_from"))
	s.to.SetPlaceHolder(T("pipeline.close_to"))
	s.from.OnChanged = func(string) { s.onFilterChanged() }
	s.to.OnChanged = func(string) { s.onFilterChanged() }
	s.newLead = widget.NewButtonWithIcon(T("action.new_lead"), theme.ContentAddIcon(), func() { s.u.openDeal(data.Opportunity{}) })
	s.newLead.Importance = widget.HighImportance
	s.forecastBtn = widget.NewButtonWithIcon(T("forecast.title"), theme.InfoIcon(), func() { s.u.openForecast() })
	exportBtn := widget.NewButtonWithIcon(T("pipeline.export"), theme.DownloadIcon(), s.onExport)

	cols := make([]fyne.CanvasObject, 0)
	s.columns = nil
	for _, def := range s.u.store.Settings().Stages {
		c := &boardColumn{def: def}
		c.title = widget.NewLabelWithStyle(stageName(def), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		c.totals = widget.NewLabel("")
		c.totals.Importance = widget.LowImportance
		c.totals.Wrapping = fyne.TextWrapWord
		c.list = widget.NewList(func() int { return len(c.deals) },
			func() fyne.CanvasObject { return newDealCard(s) },
			func(i widget.ListItemID, o fyne.CanvasObject) {
				if i < len(c.deals) {
					o.(*dealCard).show(c, c.deals[i])
				}
			})
		// The drop target is framed on top of the cards, so it shows over a full column too.
		c.bg = canvas.NewRectangle(color.Transparent)
		c.bg.CornerRadius = theme.InputRadiusSize()
		c.bg.StrokeWidth = 3
		c.box = container.NewStack(container.NewBorder(container.NewVBox(c.title, c.totals), nil, nil, nil, c.list), c.bg)
		s.columns = append(s.columns, c)
		cols = append(cols, c.box)
	}
	board := container.NewHScroll(container.New(columnsLayout{width: 236}, cols...))
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(exportBtn, s.forecastBtn, s.newLead),
		container.NewGridWithColumns(4, s.search, labelled(T("col.owner"), s.owner), labelled(T("col.grade"), s.grade),
			container.NewGridWithColumns(2, s.from, s.to)))
	s.content = container.NewBorder(filters, nil, nil, nil, board)
}

func (s *pipelineScreen) onFilterChanged() {
	all := T("filter.all")
	f := data.OpportunityFilter{Search: s.search.Text}
	if s.owner.Selected != all {
		f.OwnerID = s.owners[s.owner.Selected]
	}
	if s.grade.Selected != all {
		f.Grade = data.Grade(s.grade.Selected)
	}
	f.CloseFrom, _ = parseOptionalDate(s.from.Text)
	f.Close, _ = parseOptionalDate(s.to.Text)
	s.filter = f
	s.reload()
}

// reload refills every column and its header from the store.
func (s *pipelineScreen) reload() {
	deals := s.u.store.Opportunities(s.filter)
	byStage := map[string][]*data.OpportunityRow{}
	for _, o := range deals {
		byStage[o.Stage] = append(byStage[o.Stage], o)
	}
	// The headers total the deals just fetched: every one that passes the filter, on screen or not.
	totals := map[string]data.StageTotal{}
	for _, t := range data.Totals(deals, s.u.store.Settings().Stages) {
		totals[t.Stage] = t
	}
	for _, c := range s.columns {
		c.deals = byStage[c.def.Key]
		t := totals[c.def.Key]
		c.title.SetText(fmt.Sprintf("%s  %d%%", stageName(c.def), c.def.Probability))
		c.totals.SetText(Tf("pipeline.totals", t.Count, formatMoney(t.Amount), formatMoney(t.Weighted)))
		c.list.Refresh()
	}
}

// row finds a deal on the board.
func (s *pipelineScreen) row(id uint64) *data.OpportunityRow {
	for _, c := range s.columns {
		for _, o := range c.deals {
			if o.ID == id {
				return o
			}
		}
	}
	return nil
}

// column returns the column of a stage key.
func (s *pipelineScreen) column(stage string) *boardColumn {
	for _, c := range s.columns {
		if c.def.Key == stage {
			return c
		}
	}
	return nil
}

// columnAt finds the column under an absolute position on the board.
func (s *pipelineScreen) columnAt(pos fyne.Position) *boardColumn {
	d := fyne.CurrentApp().Driver()
	for _, c := range s.columns {
		p := d.AbsolutePositionForObject(c.box)
		size := c.box.Size()
		if pos.X >= p.X && pos.X < p.X+size.Width && pos.Y >= p.Y && pos.Y < p.Y+size.Height {
			return c
		}
	}
	return nil
}

func (s *pipelineScreen) highlight(c *boardColumn) {
	if s.dragOver == c {
		return
	}
	if s.dragOver != nil {
		s.dragOver.bg.FillColor, s.dragOver.bg.StrokeColor = color.Transparent, color.Transparent
		s.dragOver.bg.Refresh()
	}
	s.dragOver = c
	if c != nil && c != s.dragFrom {
		c.bg.FillColor = theme.Color(theme.ColorNameHover)
		c.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		c.bg.Refresh()
	}
}

// onDrop moves a dragged deal to the column it was dropped on; its own column changes nothing.
func (s *pipelineScreen) onDrop(o *data.OpportunityRow) {
	to := s.dragOver
	s.highlight(nil)
	s.dragFrom = nil
	if to == nil || to.def.Key == o.Stage {
		return
	}
	s.moveTo(o, to.def)
}

// moveTo asks what the target stage needs (a won date and amount, a loss reason) and moves the deal.
func (s *pipelineScreen) moveTo(o *data.OpportunityRow, to data.StageDef) {
	switch to.Kind {
	case data.StageWon:
		s.askWon(o, to)
	case data.StageLost:
		s.askLost(o, to)
	default:
		s.commit(data.Move{ID: o.ID, Version: o.Version, To: to.Key})
	}
}

// commit moves the deal; a refusal is explained, and a deal changed elsewhere reloads the board.
func (s *pipelineScreen) commit(m data.Move) bool {
	_, err := s.u.store.MoveStage(s.u.me(), m)
	switch {
	case err == nil:
		s.u.refreshAll()
		return true
	case errors.Is(err, data.ErrNotQualified):
		s.explainUnqualified(m)
	case errors.Is(err, data.ErrConflict), errors.Is(err, data.ErrNotFound):
		s.reload()
		s.u.showError(s.u.win, err)
	default:
		s.u.showError(s.u.win, err)
	}
	return false
}

// explainUnqualified says which scores fall short; a manager may move the lead on anyway.
func (s *pipelineScreen) explainUnqualified(m data.Move) {
	o, _ := s.u.store.Opportunity(m.ID)
	_, short := o.Scores.Qualify(s.u.store.Settings().Qualify)
	lines := []string{T("pipeline.not_qualified")}
	for _, sh := range short {
		lines = append(lines, Tf("pipeline.short", T("field."+sh.Score+"_score"), sh.Have, sh.Need))
	}
	msg := strings.Join(lines, "\n")
	me, _ := s.u.store.Member(s.u.me().MemberID)
	if me.Role != data.MemberManager && me.Role != data.MemberAdmin {
		l := widget.NewLabel(msg)
		l.Wrapping = fyne.TextWrapWord
		d := dialog.NewCustom(T("pipeline.not_qualified_title"), T("action.ok"), l, s.u.win)
		d.Resize(fyne.NewSize(460, 220))
		s.u.track(d)
		d.Show()
		return
	}
	d := confirm(T("pipeline.not_qualified_title"), msg+"\n\n"+T("pipeline.override_question"), T("action.override"), func(ok bool) {
		if ok {
			m.Override = true
			s.commit(m)
		}
	}, s.u.win)
	s.u.track(d)
	d.Show()
}

// askWon confirms the won date and the amount.
func (s *pipelineScreen) askWon(o *data.OpportunityRow, to data.StageDef) {
	date := newDateEntry(data.DateOf(s.u.now()))
	amount := newAmountEntry(o.Amount)
	fields := []*field{newField("won_date", date), newField("amount", amount)}
	var d *dialog.CustomDialog
	ok := widget.NewButton(T("action.confirm_won"), func() {
		when, derr := data.ParseDate(date.Text)
		fields[0].setError(derr)
		amt, aerr := parseOptionalAmount(amount.Text)
		fields[1].setError(aerr)
		if derr != nil || aerr != nil {
			return
		}
		d.Hide()
		s.commit(data.Move{ID: o.ID, Version: o.Version, To: to.Key, WonDate: when, Amount: &amt})
	})
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(T("action.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("pipeline.won_title"), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), cancel, ok), nil, nil, formGrid(fields...)), s.u.win)
	d.Resize(fyne.NewSize(440, 260))
	s.wonForm = &wonForm{date: date, amount: amount, ok: ok}
	s.u.track(d)
	d.Show()
}

// wonForm is the Won dialog, held so tests drive it as a user would.
type wonForm struct {
	date, amount *textEntry
	ok           *widget.Button
}

// askLost asks the reason, from Settings' list, and the competitor who won.
func (s *pipelineScreen) askLost(o *data.OpportunityRow, to data.StageDef) {
	reason := newSelect(s.u.store.Settings().LostReasons, nil)
	competitor := newEntry("")
	fields := []*field{newField("lost_reason", reason), newField("lost_to", competitor)}
	var d *dialog.CustomDialog
	ok := widget.NewButton(T("action.confirm_lost"), func() {
		if reason.Selected == "" {
			fields[0].setError(data.ErrRequired)
			return
		}
		d.Hide()
		s.commit(data.Move{ID: o.ID, Version: o.Version, To: to.Key, LostReason: reason.Selected, LostTo: competitor.Text})
	})
	ok.Importance = widget.DangerImportance
	cancel := widget.NewButton(T("action.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("pipeline.lost_title"), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), cancel, ok), nil, nil, formGrid(fields...)), s.u.win)
	d.Resize(fyne.NewSize(440, 260))
	s.u.track(d)
	d.Show()
}

// moveSelected moves the selected deal one stage left or right, for the keyboard.
func (s *pipelineScreen) moveSelected(step int) {
	o := s.row(s.selected)
	if o == nil {
		return
	}
	stages := s.u.store.Settings().Stages
	for i, def := range stages {
		if def.Key == o.Stage {
			if j := i + step; j >= 0 && j < len(stages) {
				s.moveTo(o, stages[j])
			}
			return
		}
	}
}

// dealCard is one deal on the board: customer, title, amount, close date, owner, a risk stripe, days
// in stage and an idle marker. It can be dragged to another column.
type dealCard struct {
	widget.BaseWidget
	s      *pipelineScreen
	col    *boardColumn
	deal   *data.OpportunityRow
	risk   *canvas.Rectangle
	top    *widget.Label
	middle *widget.Label
	bottom *widget.Label
	bg     *canvas.Rectangle
}

func newDealCard(s *pipelineScreen) *dealCard {
	c := &dealCard{s: s, risk: canvas.NewRectangle(color.Transparent), top: widget.NewLabel(""),
		middle: widget.NewLabel(""), bottom: widget.NewLabel(""), bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))}
	c.top.TextStyle.Bold = true
	for _, l := range []*widget.Label{c.top, c.middle, c.bottom} {
		l.Truncation = fyne.TextTruncateClip
	}
	c.risk.SetMinSize(fyne.NewSize(4, 4))
	c.bg.CornerRadius = theme.InputRadiusSize()
	c.ExtendBaseWidget(c)
	return c
}

func (c *dealCard) CreateRenderer() fyne.WidgetRenderer {
	body := container.NewVBox(c.top, c.middle, c.bottom)
	return widget.NewSimpleRenderer(container.NewStack(c.bg, container.NewBorder(nil, nil, c.risk, nil, body)))
}

var riskColors = map[data.Level]color.Color{
	data.LevelLow:    color.NRGBA{R: 0x2e, G: 0xa0, B: 0x43, A: 0xff},
	data.LevelMedium: color.NRGBA{R: 0xe0, G: 0x9b, B: 0x1b, A: 0xff},
	data.LevelHigh:   color.NRGBA{R: 0xd1, G: 0x32, B: 0x2f, A: 0xff},
}

func (c *dealCard) show(col *boardColumn, o *data.OpportunityRow) {
	c.col, c.deal = col, o
	customer := ""
	if r, ok := c.s.u.store.Row(o.CustomerID); ok {
		customer = r.Name
	}
	now := c.s.u.now()
	days := int(data.DayOf(now) - o.StageSince)
	c.top.SetText(customer)
	c.middle.SetText(o.Title + "  ·  " + formatMoney(o.Amount))
	line := formatDate(o.Close.Time()) + "  ·  " + c.s.u.memberName(o.OwnerID) + "  ·  " + Tf("pipeline.days_in_stage", days)
	if o.Idle(col.def, now) {
		line = T("pipeline.idle") + "  " + line // first, so a narrow column cannot clip it away
		c.bottom.Importance = widget.WarningImportance
	} else {
		c.bottom.Importance = widget.MediumImportance
	}
	c.bottom.SetText(line)
	c.risk.FillColor = color.Transparent
	if rc, ok := riskColors[o.Risk]; ok {
		c.risk.FillColor = rc
	}
	c.risk.Refresh()
	c.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	if o.ID == c.s.selected {
		c.bg.FillColor = theme.Color(theme.ColorNameSelection)
	}
	c.bg.Refresh()
}

// Tapped selects the card for the keyboard; a second tap opens the deal.
func (c *dealCard) Tapped(*fyne.PointEvent) {
	if c.s.selected == c.deal.ID {
		c.s.u.openDealID(c.deal.ID)
		return
	}
	c.s.selected = c.deal.ID
	for _, col := range c.s.columns {
		col.list.Refresh()
	}
}

// TappedSecondary offers the same moves as dragging, and the deal's other actions.
func (c *dealCard) TappedSecondary(ev *fyne.PointEvent) {
	o := c.deal
	var items []*fyne.MenuItem
	items = append(items, fyne.NewMenuItem(T("action.open"), func() { c.s.u.openDealID(o.ID) }))
	items = append(items, fyne.NewMenuItemSeparator())
	for _, def := range c.s.u.store.Settings().Stages {
		if def.Key == o.Stage {
			continue
		}
		items = append(items, fyne.NewMenuItem(Tf("pipeline.move_to", stageName(def)), func() { c.s.moveTo(o, def) }))
	}
	if c.col != nil && c.col.def.Kind == data.StageLead {
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(T("pipeline.close_unqualified"), func() {
			if _, err := c.s.u.store.CloseUnqualified(c.s.u.me(), o.ID, o.Version); err != nil {
				c.s.u.showError(c.s.u.win, err)
			}
			c.s.reload()
		}))
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c.s.u.win.Canvas(), ev.AbsolutePosition)
}

// Dragged follows the pointer and shows the column the card would land in.
func (c *dealCard) Dragged(ev *fyne.DragEvent) {
	c.s.dragFrom = c.col
	// The real driver gives the pointer's absolute position; Fyne's test driver gives only the start
	// relative to the card and the whole movement.
	pos := ev.AbsolutePosition
	if pos == (fyne.Position{}) {
		pos = fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Add(ev.Position).Add(ev.Dragged)
	}
	c.s.highlight(c.s.columnAt(pos))
}

// DragEnd drops the card on the column under the pointer.
func (c *dealCard) DragEnd() {
	c.s.onDrop(c.deal)
}

// formatMoney writes yuan with thousands separators, no fen when whole.
func formatMoney(a data.Amount) string {
	return "¥" + strings.TrimSuffix(a.String(), ".00")
}

// columnsLayout lays the board's columns side by side, each a fixed width and the full height, so a
// tall window shows more cards rather than empty space.
type columnsLayout struct{ width float32 }

func (l columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i)*(l.width+pad), 0))
		o.Resize(fyne.NewSize(l.width, size.Height))
	}
}

func (l columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	n := float32(len(objs))
	return fyne.NewSize(n*l.width+(n-1)*theme.Padding(), 300)
}

// stageName shows a stage in the UI's language while it keeps its default name; a name the team gave
// it in Settings is shown as typed.
func stageName(def data.StageDef) string {
	for _, d := range data.DefaultStages() {
		if d.Key == def.Key && d.Name == def.Name {
			return T("stage." + def.Key)
		}
	}
	return def.Name
}

// onExport writes the deals the board shows (its search and filters) as CSV or a workbook, with the
// headers an import reads back.
func (s *pipelineScreen) onExport() {
	f, lang := s.filter, currentLanguage()
	var d dialog.Dialog
	export := func(format string) func() {
		return func() {
			d.Hide()
			s.u.exportFile("salesdesk-opportunities."+format, func(w io.Writer, _ *atomic.Bool) error {
				_, err := s.u.store.Export(w, data.ExportOptions{Format: format, What: data.ExportOpportunities, Opportunities: f, Lang: lang})
				return err
			})
		}
	}
	box := container.NewVBox(
		widget.NewButtonWithIcon(T("pipeline.export_xlsx"), theme.GridIcon(), export("xlsx")),
		widget.NewButtonWithIcon(T("pipeline.export_csv"), theme.DocumentIcon(), export("csv")),
	)
	d = dialog.NewCustom(T("pipeline.export_title"), T("action.cancel"), box, s.u.win)
	s.u.track(d)
	d.Show()
}
