package gui

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
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
	// gen counts the board's reads; only the last one's reply is shown.
	gen int

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
	lostForm           *lostForm
	// unqualified is the refusal of an unqualified lead, held so tests press its button.
	unqualified *unqualifiedForm

	// board pages through the columns; prev and next step it, and place says which are in view.
	board      *boardView
	prev, next *widget.Button
	place      *widget.Label
	// hover shows the whole text of the card under the pointer, which a narrow card may cut.
	hover *widget.Label
	// undo takes the last move back for a few seconds after it.
	undoBar  *fyne.Container
	undoMsg  *widget.Label
	undoBtn  *widget.Button
	lastMove data.MoveUndo
	undoSeq  int
	// moving holds the moves under way: the board shows each deal where it was dropped at once,
	// also across a reload meanwhile, and a failed move puts the card back.
	moving map[uint64]data.Move
}

// undoFor is how long the board offers to take a move back.
const undoFor = 8 * time.Second

// closedDays is how far back the won and lost columns show deals; "show older" shows the rest.
const closedDays = 30

// boardColumn is one stage's column. The won and lost columns are collapsed to their header until
// expanded, show the latest moves first and only the last closedDays days unless asked for more.
type boardColumn struct {
	def    data.StageDef
	title  *widget.Label
	totals *widget.Label
	list   *widget.List
	deals  []*data.OpportunityRow
	bg     *canvas.Rectangle
	box    fyne.CanvasObject

	closed              bool
	expanded, showOlder bool
	older               int // closed deals left out for being older than closedDays
	recent              int // closed deals of the last closedDays days
	toggle, olderBtn    *widget.Button
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
	for _, m := range s.u.members() {
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
	s.u.allowIf(exportBtn, data.PermExport)

	cols := make([]fyne.CanvasObject, 0)
	s.columns = nil
	for _, def := range s.u.teamSettings().Stages {
		c := &boardColumn{def: def}
		c.title = widget.NewLabelWithStyle(stageName(def), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		c.totals = widget.NewLabel("")
		c.totals.Importance = widget.LowImportance
		c.totals.Wrapping = proseWrap()
		c.closed = def.Kind == data.StageWon || def.Kind == data.StageLost
		c.toggle = widget.NewButtonWithIcon("", theme.MenuExpandIcon(), func() { s.onToggleColumn(c) })
		c.olderBtn = widget.NewButton("", func() { c.showOlder = true; s.reload() })
		c.toggle.Importance, c.olderBtn.Importance = widget.LowImportance, widget.LowImportance
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
		head := container.NewVBox(c.title, c.totals)
		if c.closed {
			head.Add(c.toggle)
		} else {
			c.toggle.Hide()
		}
		c.olderBtn.Hide()
		c.box = container.NewStack(container.NewBorder(head, c.olderBtn, nil, nil, c.list), c.bg)
		s.columns = append(s.columns, c)
		cols = append(cols, c.box)
	}
	// The board pages through whole columns instead of scrolling them under the sidebar: Fyne finds
	// the object under the pointer within the innermost scroller only, so a column's list scrolled
	// off to the left took the clicks meant for the sidebar above it.
	s.board = newBoardView(columnWidth, cols)
	s.board.onPaged = s.showPlace
	s.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.board.page(-1) })
	s.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.board.page(1) })
	s.place = widget.NewLabel("")
	s.hover = widget.NewLabel("")
	s.hover.Truncation = fyne.TextTruncateEllipsis
	s.hover.Importance = widget.LowImportance
	s.undoMsg = widget.NewLabel("")
	s.undoBtn = widget.NewButtonWithIcon(T("pipeline.undo"), theme.ContentUndoIcon(), s.onUndo)
	s.undoBar = container.NewHBox(s.undoMsg, s.undoBtn)
	s.undoBar.Hide()
	bottom := container.NewBorder(nil, nil, container.NewHBox(s.prev, s.place, s.next), s.undoBar, s.hover)
	search := container.NewGridWithColumns(2, s.search, container.NewGridWithColumns(2, s.from, s.to))
	// Two rows, so that the filters and the buttons fit an 800 pixels wide window.
	filters := container.NewVBox(search, container.NewBorder(nil, nil, nil, container.NewHBox(exportBtn, s.forecastBtn, s.newLead),
		container.NewGridWithColumns(2, labelled(T("col.owner"), s.owner), labelled(T("col.grade"), s.grade))))
	s.content = container.NewBorder(filters, bottom, nil, nil, s.board)
	s.showPlace()
}

// columnWidth is the narrowest a board column gets; the columns in view share the spare width.
const columnWidth = 236

// showPlace says which columns are in view and enables the steps that lead somewhere.
func (s *pipelineScreen) showPlace() {
	first, n := s.board.inView()
	s.place.SetText(Tf("pipeline.place", first+1, first+n, len(s.columns)))
	if first > 0 {
		s.prev.Enable()
	} else {
		s.prev.Disable()
	}
	if first+n < len(s.columns) {
		s.next.Enable()
	} else {
		s.next.Disable()
	}
}

// onToggleColumn expands a closed column or collapses it to its header.
func (s *pipelineScreen) onToggleColumn(c *boardColumn) {
	c.expanded = !c.expanded
	if !c.expanded {
		c.showOlder = false
	}
	s.reload()
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

// reload refills every column and its header from the store. The deals are read off the UI thread
// (at 100k cards the board's thousands of deals take a moment); the board keeps what it shows until
// they come, and a reply for an older filter than the last one asked for is dropped.
func (s *pipelineScreen) reload() {
	s.gen++
	gen, f, st := s.gen, s.filter, s.u.store
	s.u.background(func() {
		deals, err := allDeals(st, f)
		fyne.Do(func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.u.showError(s.u.win, err)
			}
			s.show(deals)
		})
	})
}

// show fills the columns and their headers with the deals read, the moves in flight where they go.
func (s *pipelineScreen) show(deals []*data.OpportunityRow) {
	for i, o := range deals {
		if m, ok := s.moving[o.ID]; ok {
			deals[i] = movedRow(o, m)
		}
	}
	byStage := map[string][]*data.OpportunityRow{}
	for _, o := range deals {
		byStage[o.Stage] = append(byStage[o.Stage], o)
	}
	// The headers total the deals just fetched: every one that passes the filter, on screen or not.
	totals := map[string]data.StageTotal{}
	for _, t := range data.Totals(deals, s.u.teamSettings().Stages) {
		totals[t.Stage] = t
	}
	since := data.DayOf(s.u.now()) - closedDays
	for _, c := range s.columns {
		c.deals = byStage[c.def.Key]
		t := totals[c.def.Key]
		c.title.SetText(fmt.Sprintf("%s  %d%%", stageName(c.def), c.def.Probability))
		c.totals.SetText(Tf("pipeline.totals", t.Count, formatMoney(t.Amount), formatMoney(t.Weighted)))
		if c.closed {
			c.deals = recentFirst(c.deals)
			recent, older := closedSince(c.deals, since)
			c.recent, c.older = len(recent), older
			if c.showOlder {
				c.older = 0
			} else {
				c.deals = recent
			}
			if !c.expanded {
				c.deals = nil
			}
			s.showColumnState(c)
		}
		c.list.Refresh()
	}
}

// showColumnState shows a closed column's toggle and its "show older" button.
func (s *pipelineScreen) showColumnState(c *boardColumn) {
	if c.expanded {
		c.toggle.SetText(T("pipeline.collapse"))
		c.toggle.SetIcon(theme.MenuDropUpIcon())
		c.list.Show()
	} else {
		c.toggle.SetText(Tf("pipeline.expand", closedDays, c.recent))
		c.toggle.SetIcon(theme.MenuExpandIcon())
		c.list.Hide()
	}
	if c.expanded && c.older > 0 {
		c.olderBtn.SetText(Tf("pipeline.show_older", c.older, closedDays))
		c.olderBtn.Show()
	} else {
		c.olderBtn.Hide()
	}
}

// recentFirst orders closed deals by when they were closed, the latest first, so that a deal just won
// shows at the top of its column.
func recentFirst(deals []*data.OpportunityRow) []*data.OpportunityRow {
	out := append([]*data.OpportunityRow(nil), deals...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].StageSince != out[j].StageSince {
			return out[i].StageSince > out[j].StageSince
		}
		return out[i].Number > out[j].Number
	})
	return out
}

// closedSince keeps the deals closed on or after since (ordered latest first) and counts the rest.
func closedSince(deals []*data.OpportunityRow, since data.Day) ([]*data.OpportunityRow, int) {
	n := sort.Search(len(deals), func(i int) bool { return deals[i].StageSince < since })
	return deals[:n], len(deals) - n
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
	s.move(o, to, s.u.win)
}

// move is moveTo asked from a window: the board or a deal's own window, where its dialogs show.
func (s *pipelineScreen) move(o *data.OpportunityRow, to data.StageDef, w fyne.Window) {
	switch to.Kind {
	case data.StageWon:
		s.askWon(o, to, w)
	case data.StageLost:
		s.askLost(o, to, w)
	default:
		s.commit(data.Move{ID: o.ID, Version: o.Version, To: to.Key}, w)
	}
}

// commit moves the deal and offers to take the move back; a refusal is explained, and a deal changed
// elsewhere reloads the board.
// The board shows the move at once and writes it off the UI thread; a deal already on its way
// somewhere waits for that move to land (its version would be stale anyway).
func (s *pipelineScreen) commit(m data.Move, w fyne.Window) {
	if _, busy := s.moving[m.ID]; busy {
		return
	}
	if s.moving == nil {
		s.moving = map[uint64]data.Move{}
	}
	s.moving[m.ID] = m
	s.reload()
	var moved data.Opportunity
	var undo data.MoveUndo
	st := s.u.store
	s.u.write(nil, func() (err error) {
		moved, undo, err = st.MoveStageUndoable(m)
		return err
	}, func(err error) {
		delete(s.moving, m.ID)
		switch {
		case err == nil:
			s.u.refreshAll()
			s.u.dealChanged(moved.ID)
			if undo.Moved() {
				s.offerUndo(undo)
			}
			return
		case errors.Is(err, data.ErrNotQualified):
			s.explainUnqualified(m, w)
		case errors.Is(err, data.ErrConflict), errors.Is(err, data.ErrNotFound):
			s.u.showError(w, dealError(err))
		default:
			s.u.showError(w, err)
		}
		s.reload() // the card goes back to where the file has it
	})
}

// movedRow is a deal's row as a move under way will leave it.
func movedRow(o *data.OpportunityRow, m data.Move) *data.OpportunityRow {
	r := *o
	r.Stage = m.To
	if m.Amount != nil {
		r.Amount = *m.Amount
	}
	return &r
}

// dealError names a deal, not a customer card, when a deal changed since the board showed it.
func dealError(err error) error {
	if errors.Is(err, data.ErrConflict) {
		return textError{T("deal.conflict_move")}
	}
	return err
}

// offerUndo shows, for undoFor, a button that takes the move just made back.
func (s *pipelineScreen) offerUndo(undo data.MoveUndo) {
	s.lastMove = undo
	s.undoSeq++
	seq := s.undoSeq
	name := undo.After.Stage
	if def, ok := s.u.teamSettings().Stage(undo.After.Stage); ok {
		name = stageName(def)
	}
	s.undoMsg.SetText(Tf("pipeline.moved", undo.After.Number, name))
	s.undoBtn.Enable()
	s.undoBar.Show()
	afterDelay(undoFor, func() {
		if s.undoSeq == seq {
			s.undoBar.Hide()
			s.lastMove = data.MoveUndo{}
		}
	})
}

// onUndo takes the last move back through the data layer; a deal changed since stays as it is.
func (s *pipelineScreen) onUndo() {
	undo := s.lastMove
	s.lastMove = data.MoveUndo{}
	s.undoSeq++
	s.undoBar.Hide()
	if !undo.Moved() {
		return
	}
	var o data.Opportunity
	st := s.u.store
	s.u.write(nil, func() (err error) {
		o, err = st.UndoMove(undo)
		return err
	}, func(err error) {
		s.u.refreshAll()
		if err != nil {
			if errors.Is(err, data.ErrUndoStale) {
				err = textError{T("pipeline.undo_stale")}
			}
			s.u.showError(s.u.win, err)
			return
		}
		s.u.dealChanged(o.ID)
	})
}

// unqualifiedForm is the refusal of an unqualified lead, held so tests press its buttons.
type unqualifiedForm struct {
	scores *widget.Button
	dialog *dialog.CustomDialog
}

// explainUnqualified says which scores fall short and offers to edit them; a manager may move the
// lead on anyway.
func (s *pipelineScreen) explainUnqualified(m data.Move, w fyne.Window) {
	o, _ := s.u.deal(m.ID)
	_, short := o.Scores.Qualify(s.u.teamSettings().Qualify)
	lines := []string{T("pipeline.not_qualified")}
	for _, sh := range short {
		lines = append(lines, Tf("pipeline.short", T("field."+sh.Score+"_score"), sh.Have, sh.Need))
	}
	msg := strings.Join(lines, "\n")
	me, _ := s.u.store.Member(s.u.me().MemberID)
	manager := me.Role == data.MemberManager || me.Role == data.MemberAdmin
	if manager {
		msg += "\n\n" + T("pipeline.override_question")
	}
	l := widget.NewLabel(msg)
	l.Wrapping = proseWrap()
	f := &unqualifiedForm{}
	var d *dialog.CustomDialog
	// The scores live in the deal's window: open it there, at the budget score.
	f.scores = widget.NewButtonWithIcon(T("pipeline.edit_scores"), theme.DocumentCreateIcon(), func() {
		d.Hide()
		if dw := s.u.openDeal(o); dw != nil {
			dw.focusScores()
		}
	})
	buttons := container.NewHBox(layout.NewSpacer())
	if manager {
		cancel := widget.NewButton(T("action.cancel"), func() { d.Hide() })
		override := widget.NewButton(T("action.override"), func() {
			d.Hide()
			m.Override = true
			s.commit(m, w)
		})
		buttons.Add(cancel)
		buttons.Add(override)
		f.scores.Importance = widget.HighImportance
	} else {
		ok := widget.NewButton(T("action.ok"), func() { d.Hide() })
		buttons.Add(ok)
		f.scores.Importance = widget.HighImportance
	}
	buttons.Add(f.scores)
	d = dialog.NewCustomWithoutButtons(T("pipeline.not_qualified_title"), container.NewBorder(nil, buttons, nil, nil, l), w)
	d.Resize(fyne.NewSize(520, 260))
	f.dialog = d
	s.unqualified = f
	s.u.track(d)
	d.Show()
}

// askWon confirms the won date and the amount, from the window w it was asked in.
func (s *pipelineScreen) askWon(o *data.OpportunityRow, to data.StageDef, w fyne.Window) {
	date := newDateEntry(data.DateOf(s.u.now()))
	amount := newAmountEntry(o.Amount)
	// The amount signed, no longer the one expected.
	fields := []*field{newField("won_date", date), newField("won_amount", amount)}
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
		s.commit(data.Move{ID: o.ID, Version: o.Version, To: to.Key, WonDate: when, Amount: &amt}, w)
	})
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(T("action.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("pipeline.won_title"), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), cancel, ok), nil, nil, formGrid(fields...)), w)
	d.Resize(fyne.NewSize(440, 260))
	s.wonForm = &wonForm{date: date, amount: amount, ok: ok, fields: fields}
	s.u.track(d)
	d.Show()
}

// wonForm is the Won dialog, held so tests drive it as a user would.
type wonForm struct {
	date, amount *textEntry
	ok           *widget.Button
	fields       []*field
}

// lostForm is the Lost dialog, held so tests drive it.
type lostForm struct {
	reason *escSelect
	ok     *widget.Button
}

// askLost asks the reason, from Settings' list, and the competitor who won.
func (s *pipelineScreen) askLost(o *data.OpportunityRow, to data.StageDef, w fyne.Window) {
	reason := newDialogSelect(s.u.teamSettings().LostReasons, nil)
	competitor := newEntry("")
	fields := []*field{newField("lost_reason", reason), newField("lost_to", competitor)}
	var d *dialog.CustomDialog
	ok := widget.NewButton(T("action.confirm_lost"), func() {
		if reason.Selected == "" {
			fields[0].setError(data.ErrRequired)
			return
		}
		d.Hide()
		s.commit(data.Move{ID: o.ID, Version: o.Version, To: to.Key, LostReason: reason.Selected, LostTo: competitor.Text}, w)
	})
	ok.Importance = widget.DangerImportance
	cancel := widget.NewButton(T("action.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("pipeline.lost_title"), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), cancel, ok), nil, nil, formGrid(fields...)), w)
	d.Resize(fyne.NewSize(440, 260))
	s.lostForm = &lostForm{reason: reason, ok: ok}
	s.u.track(d)
	d.Show()
}

// moveSelected moves the selected deal one stage left or right, for the keyboard.
func (s *pipelineScreen) moveSelected(step int) {
	o := s.row(s.selected)
	if o == nil {
		return
	}
	stages := s.u.teamSettings().Stages
	for i, def := range stages {
		if def.Key == o.Stage {
			if j := i + step; j >= 0 && j < len(stages) {
				s.board.show(j) // the keyboard follows its deal to a column out of view
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
	// What does not fit ends in "…"; the board's status line shows it whole while the pointer is on it.
	for _, l := range []*widget.Label{c.top, c.middle, c.bottom} {
		l.Truncation = fyne.TextTruncateEllipsis
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
	if r, ok := c.s.u.row(o.CustomerID); ok {
		customer = r.Name
	}
	now := c.s.u.now()
	days := int(data.DayOf(now) - o.StageSince)
	c.top.SetText(customer)
	c.middle.SetText(o.Title + "  ·  " + formatMoney(o.Amount))
	// The days in stage come first, so that a narrow column cuts the owner rather than the count.
	line := Tf("pipeline.days_in_stage", days) + " · " + formatDate(o.Close.Time()) + " · " + c.s.u.memberName(o.OwnerID)
	// A closed deal's expected close date is history: the card says when it was won or lost.
	switch col.def.Kind {
	case data.StageWon:
		won := o.Won
		if won.IsZero() {
			won = o.StageSince
		}
		line = Tf("pipeline.won_on", formatDate(won.Time())) + " · " + c.s.u.memberName(o.OwnerID)
	case data.StageLost:
		line = Tf("pipeline.lost_on", formatDate(o.StageSince.Time())) + " · " + c.s.u.memberName(o.OwnerID)
	}
	if o.Idle(col.def, now) {
		line = T("pipeline.idle") + " " + line
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

// fullText is the card's three lines as one, for the board's status line.
func (c *dealCard) fullText() string {
	return c.top.Text + " · " + c.middle.Text + " · " + c.bottom.Text
}

// MouseIn shows the card's whole text in the board's status line.
func (c *dealCard) MouseIn(*desktop.MouseEvent) {
	if c.deal != nil {
		c.s.hover.SetText(c.fullText())
	}
}

// MouseMoved is part of desktop.Hoverable.
func (c *dealCard) MouseMoved(*desktop.MouseEvent) {}

// MouseOut clears the status line.
func (c *dealCard) MouseOut() { c.s.hover.SetText("") }

// Tapped selects the card for the keyboard; a second tap opens the deal (its one window).
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
	for _, def := range c.s.u.teamSettings().Stages {
		if def.Key == o.Stage {
			continue
		}
		items = append(items, fyne.NewMenuItem(Tf("pipeline.move_to", stageName(def)), func() { c.s.moveTo(o, def) }))
	}
	if c.col != nil && c.col.def.Kind == data.StageLead {
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(T("pipeline.close_unqualified"), func() {
			st := c.s.u.store
			c.s.u.write(nil, func() error {
				_, err := st.CloseUnqualified(o.ID, o.Version)
				return err
			}, func(err error) {
				if err != nil {
					c.s.u.showError(c.s.u.win, dealError(err))
				}
				c.s.reload()
			})
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

// boardView lays the board's columns side by side, the full height, as many whole columns as fit from
// the first in view, sharing the spare width; the others are hidden. Paging (buttons, the wheel)
// moves a column at a time. Nothing of a column ever lies outside the board, so nothing of it can
// take a click meant for what is beside it.
type boardView struct {
	widget.BaseWidget
	cols    []fyne.CanvasObject
	width   float32 // the narrowest a column gets
	first   int
	fit     int     // columns in view at the last layout
	wheel   float32 // wheel movement not yet a whole column
	onPaged func()
}

func newBoardView(width float32, cols []fyne.CanvasObject) *boardView {
	b := &boardView{cols: cols, width: width, fit: 1}
	b.ExtendBaseWidget(b)
	return b
}

// inView returns the first column in view and how many are.
func (b *boardView) inView() (first, n int) {
	return b.first, min(b.fit, len(b.cols)-b.first)
}

// page moves the view by step columns, within the board.
func (b *boardView) page(step int) {
	first := max(0, min(b.first+step, len(b.cols)-b.fit))
	if first == b.first {
		return
	}
	b.first = first
	b.Refresh()
	if b.onPaged != nil {
		b.onPaged()
	}
}

// show pages so that column i is in view.
func (b *boardView) show(i int) {
	switch {
	case i < b.first:
		b.page(i - b.first)
	case i >= b.first+b.fit:
		b.page(i - b.first - b.fit + 1)
	}
}

// Scrolled pages a column per wheel notch, either direction of the wheel.
func (b *boardView) Scrolled(ev *fyne.ScrollEvent) {
	b.wheel += ev.Scrolled.DX + ev.Scrolled.DY
	const notch = 20
	for b.wheel >= notch {
		b.wheel -= notch
		b.page(-1)
	}
	for b.wheel <= -notch {
		b.wheel += notch
		b.page(1)
	}
}

func (b *boardView) CreateRenderer() fyne.WidgetRenderer { return &boardRenderer{b: b} }

type boardRenderer struct{ b *boardView }

func (r *boardRenderer) Layout(size fyne.Size) {
	b, pad := r.b, theme.Padding()
	fit := max(1, int((size.Width+pad)/(b.width+pad)))
	fit = min(fit, max(1, len(b.cols)))
	paged := false
	if b.first > len(b.cols)-fit { // a wider window shows the last columns without a gap
		b.first, paged = max(0, len(b.cols)-fit), true
	}
	if fit != b.fit {
		b.fit, paged = fit, true
	}
	w := max(b.width, (size.Width-float32(fit-1)*pad)/float32(fit))
	for i, c := range b.cols {
		if i < b.first || i >= b.first+fit {
			c.Hide()
			continue
		}
		c.Move(fyne.NewPos(float32(i-b.first)*(w+pad), 0))
		c.Resize(fyne.NewSize(w, size.Height))
		c.Show()
	}
	if paged && b.onPaged != nil {
		b.onPaged()
	}
}

func (r *boardRenderer) MinSize() fyne.Size { return fyne.NewSize(r.b.width, 300) }

func (r *boardRenderer) Refresh() {
	r.Layout(r.b.Size())
	for _, c := range r.b.cols {
		if c.Visible() {
			c.Refresh()
		}
	}
}

func (r *boardRenderer) Objects() []fyne.CanvasObject { return r.b.cols }

func (r *boardRenderer) Destroy() {}

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
				_, err := s.u.exporter().Export(w, data.ExportOptions{Format: format, What: data.ExportOpportunities, Opportunities: f, Lang: lang})
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
