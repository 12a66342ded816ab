package gui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// The customer list's tools: the cells and their widths, saved filters, clearing, the column chooser
// and the selection that bulk actions (bulk.go) work on.

func (s *customersScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	if id.Row < 0 || id.Row >= s.total || id.Col > len(s.cols) {
		return
	}
	stack := o.(*fyne.Container)
	check, label := stack.Objects[0].(*widget.Check), stack.Objects[1].(*cutLabel)
	r, ok := s.rowAt(id.Row)
	if !ok {
		check.Hide()
		label.SetText("")
		return
	}
	if id.Col == 0 {
		label.Hide()
		check.Show()
		check.OnChanged = nil
		check.SetChecked(s.selected[r.ID])
		row := id.Row
		check.OnChanged = func(on bool) {
			if on != s.selected[r.ID] {
				s.toggleRow(row)
			}
		}
		return
	}
	check.Hide()
	label.Show()
	s.prefetch(id.Row)
	label.SetText(s.cols[id.Col-1].cell(s, r))
}

func (s *customersScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 || id.Col > len(s.cols) {
		return
	}
	b.Importance = widget.LowImportance
	if id.Col == 0 {
		b.SetText("")
		b.SetIcon(theme.CheckButtonIcon())
		if s.total > 0 && len(s.selected) == s.total {
			b.SetIcon(theme.CheckButtonCheckedIcon())
		}
		b.OnTapped = s.onSelectAllTapped
		return
	}
	c := s.cols[id.Col-1]
	b.SetText(T(c.title))
	b.SetIcon(nil)
	if c.key != "" && s.filter.Sort == c.key {
		if s.filter.Desc {
			b.SetIcon(theme.MoveDownIcon())
		} else {
			b.SetIcon(theme.MoveUpIcon())
		}
	}
	b.OnTapped = func() { s.onHeaderTapped(c.key) }
}

// nameCell is the name, and during a search the field that matched when the name did not.
func (s *customersScreen) nameCell(r *data.CustomerRow) string {
	if s.filter.Search == "" {
		return r.Name
	}
	if h, ok := s.hits[r.ID]; ok && h.Field != "name" && h.Field != "" {
		return r.Name + "  · " + Tf("list.matched", T("hit."+h.Field), h.Value)
	}
	return r.Name
}

func (s *customersScreen) extra(id uint64) data.RowExtra { return s.extras[id] }

// showsContacts reports whether a column shows the primary contact, which memory does not keep.
func (s *customersScreen) showsContacts() bool {
	return slices.ContainsFunc(s.cols, func(c column) bool { return c.id == "contact" || c.id == "phone" || c.id == "email" })
}

// prefetch reads what the rows around row need from the file, in one read for the screenful and off
// the UI thread: the primary contacts for their columns, and during a search the fields that matched.
func (s *customersScreen) prefetch(row int) {
	first, ok := s.rowAt(row)
	if !ok {
		return
	}
	id := first.ID
	_, haveExtra := s.extras[id]
	_, haveHit := s.hits[id]
	needExtras := s.showsContacts() && !haveExtra
	needHits := s.filter.Search != "" && !haveHit
	if !needExtras && !needHits || s.fetching[id] {
		return
	}
	lo, hi := max(0, row-30), min(s.total, row+60)
	ids := make([]uint64, 0, hi-lo)
	for i := lo; i < hi; i++ {
		if r, ok := s.rowAt(i); ok && !s.fetching[r.ID] {
			ids = append(ids, r.ID)
		}
	}
	if s.fetching == nil {
		s.fetching = map[uint64]bool{}
	}
	for _, id := range ids {
		s.fetching[id] = true
	}
	gen, query, st := s.gen, s.filter.Search, s.u.store
	s.u.background(func() {
		var extras map[uint64]data.RowExtra
		var hits map[uint64]data.SearchHit
		if needExtras {
			extras, _ = st.RowExtras(ids) // a card removed meanwhile leaves its cells empty
		}
		if needHits {
			hits, _ = st.SearchHits(ids, query)
		}
		fyne.Do(func() {
			if gen != s.gen {
				return
			}
			if needExtras && s.extras == nil {
				s.extras = map[uint64]data.RowExtra{}
			}
			if needHits && s.hits == nil {
				s.hits = map[uint64]data.SearchHit{}
			}
			for _, id := range ids {
				delete(s.fetching, id)
				if needExtras {
					s.extras[id] = extras[id]
				}
				if needHits {
					s.hits[id] = hits[id]
				}
			}
			s.table.Refresh()
		})
	})
}

// listLayout puts the filters above the table. On a narrow window the filters take more rows and the
// row of list tools drops under the count instead of pushing the window wider; and the columns widen
// or narrow to the width the table has: the name takes what is spare, and each column narrows down
// to its minimum before the table scrolls sideways. Cut texts end in an ellipsis and show whole under the pointer.
type listLayout struct {
	s       *customersScreen
	filters *flowGrid
	tools   *wrapRow
}

func (l listLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	top, table := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(top.Width, table.Width), top.Height+theme.Padding()+table.Height)
}

func (l listLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.filters.fit(size.Width)
	l.tools.two = size.Width < l.tools.oneRowWidth()
	top := objs[0].MinSize().Height
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, top))
	l.s.fitColumns(size.Width)
	y := top + theme.Padding()
	objs[1].Move(fyne.NewPos(0, y))
	objs[1].Resize(fyne.NewSize(size.Width, size.Height-y))
}

// flowGrid lays the filters out in as many equal columns as fit, from two to four; listLayout sets the
// count from the width before it measures the filters' height.
type flowGrid struct {
	objs []fyne.CanvasObject
	cols int
}

func (g *flowGrid) cell() fyne.Size {
	var c fyne.Size
	for _, o := range g.objs {
		c = c.Max(o.MinSize())
	}
	return c
}

// fit sets the columns for width; never fewer than two, which the grid's minimum width holds, so that
// a hidden screen laid out at no width does not make the window's minimum height grow.
func (g *flowGrid) fit(width float32) {
	pad := theme.Padding()
	g.cols = min(max(int((width+pad)/(g.cell().Width+pad)), 2), 4)
}

func (g *flowGrid) rows() int {
	cols := max(g.cols, 1)
	return (len(g.objs) + cols - 1) / cols
}

func (g *flowGrid) MinSize([]fyne.CanvasObject) fyne.Size {
	c, n := g.cell(), g.rows()
	return fyne.NewSize(2*c.Width+theme.Padding(), float32(n)*c.Height+float32(n-1)*theme.Padding())
}

func (g *flowGrid) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	pad, c, cols := theme.Padding(), g.cell(), max(g.cols, 1)
	w := (size.Width - float32(cols-1)*pad) / float32(cols)
	for i, o := range g.objs {
		o.Move(fyne.NewPos(float32(i%cols)*(w+pad), float32(i/cols)*(c.Height+pad)))
		o.Resize(fyne.NewSize(w, c.Height))
	}
}

// wrapRow lays its two objects out in a row, the first taking the spare width, or when two is set
// (listLayout decides) one above the other with the second at the right.
type wrapRow struct {
	objs [2]fyne.CanvasObject
	two  bool
}

func (w *wrapRow) oneRowWidth() float32 {
	return w.objs[0].MinSize().Width + theme.Padding() + w.objs[1].MinSize().Width
}

func (w *wrapRow) MinSize([]fyne.CanvasObject) fyne.Size {
	a, b := w.objs[0].MinSize(), w.objs[1].MinSize()
	if w.two {
		return fyne.NewSize(max(a.Width, b.Width), a.Height+theme.Padding()+b.Height)
	}
	return fyne.NewSize(max(a.Width, b.Width), max(a.Height, b.Height))
}

func (w *wrapRow) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	a, b := w.objs[0].MinSize(), w.objs[1].MinSize()
	if w.two {
		w.objs[0].Move(fyne.NewPos(0, 0))
		w.objs[0].Resize(fyne.NewSize(size.Width, a.Height))
		w.objs[1].Move(fyne.NewPos(max(0, size.Width-b.Width), a.Height+theme.Padding()))
		w.objs[1].Resize(b)
		return
	}
	left := size.Width - b.Width - theme.Padding()
	w.objs[0].Move(fyne.NewPos(0, (size.Height-a.Height)/2))
	w.objs[0].Resize(fyne.NewSize(left, a.Height))
	w.objs[1].Move(fyne.NewPos(left+theme.Padding(), (size.Height-b.Height)/2))
	w.objs[1].Resize(b)
}

func (s *customersScreen) fitColumns(width float32) {
	if len(s.cols) == 0 || width <= 0 {
		return
	}
	sep := theme.Padding()
	avail := width - checkWidth - sep*float32(len(s.cols)+1) - theme.ScrollBarSize()
	var total float32
	for _, c := range s.cols {
		total += c.width
	}
	widths := make([]float32, len(s.cols))
	for i, c := range s.cols {
		widths[i] = c.width
	}
	switch {
	case avail >= total:
		// setColumns always keeps the name, which takes what is spare.
		widths[slices.IndexFunc(s.cols, func(c column) bool { return c.id == "name" })] += avail - total
	default:
		// Each column gives up the same share of what it can spare above its minimum.
		var slack float32
		for _, c := range s.cols {
			slack += c.width - c.min
		}
		share := min((total-avail)/max(slack, 1), 1)
		for i, c := range s.cols {
			widths[i] = c.width - (c.width-c.min)*share
		}
	}
	if slices.Equal(widths, s.widths) {
		return
	}
	s.widths = widths
	s.table.SetColumnWidth(0, checkWidth)
	for i, w := range widths {
		s.table.SetColumnWidth(i+1, w)
	}
}

// buildTools makes the row of list tools under the filters.
func (s *customersScreen) buildTools() {
	s.saved = newSelect(nil, s.onSavedPicked)
	s.saved.PlaceHolder = T("filters.saved")
	s.saveFilter = widget.NewButtonWithIcon(T("filters.save"), theme.DocumentSaveIcon(), s.onSaveFilter)
	s.dropFilter = widget.NewButtonWithIcon("", theme.DeleteIcon(), s.onDropFilter)
	s.dropFilter.Disable()
	s.clearAll = widget.NewButtonWithIcon(T("filters.clear"), theme.ContentClearIcon(), s.clearFilters)
	s.columnsBtn = widget.NewButtonWithIcon(T("columns.button"), theme.ListIcon(), s.onChooseColumns)
	s.bulkBtn = widget.NewButtonWithIcon(T("bulk.button"), theme.MenuDropDownIcon(), s.onBulkMenu)
	s.bulkBtn.IconPlacement = widget.ButtonIconTrailingText
	s.note = widget.NewLabel("")
	s.note.Truncation = fyne.TextTruncateEllipsis
	s.loadFilters()
}

// toolsRow is the count and what the last action did, then the list's tools.
func (s *customersScreen) toolsRow() (fyne.CanvasObject, *wrapRow) {
	left := container.NewBorder(nil, nil, s.count, nil, s.note)
	right := container.NewHBox(container.NewGridWrap(fyne.NewSize(150, s.saved.MinSize().Height), s.saved),
		s.dropFilter, s.saveFilter, s.clearAll, s.columnsBtn, s.bulkBtn)
	w := &wrapRow{objs: [2]fyne.CanvasObject{left, right}}
	return container.New(w, left, right), w
}

// loadFilters reads the current user's saved filters into their menu.
func (s *customersScreen) loadFilters() {
	fs, err := s.u.store.SavedFilters(s.u.me().MemberID)
	if err != nil {
		s.u.showError(s.u.win, err)
	}
	s.filters = fs
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	s.saved.Options = names
	s.saved.Refresh()
}

func (s *customersScreen) savedByName(name string) (data.SavedFilter, bool) {
	for _, f := range s.filters {
		if f.Name == name {
			return f, true
		}
	}
	return data.SavedFilter{}, false
}

func (s *customersScreen) onSavedPicked(name string) {
	f, ok := s.savedByName(name)
	setEnabled(s.dropFilter, ok)
	if s.applying || !ok {
		return
	}
	s.applyFilter(f.Filter)
}

// applyFilter shows f in the filter widgets and lists what it keeps. The widgets' own callbacks are
// held back meanwhile, so the list reloads once.
func (s *customersScreen) applyFilter(f data.CustomerFilter) {
	s.applying = true
	all := T("filter.all")
	or := func(v string) string {
		if v == "" {
			return all
		}
		return v
	}
	s.search.SetText(f.Search)
	s.grade.SetSelected(or(string(f.Grade)))
	s.status.SetSelected(all)
	if f.Status != "" {
		s.status.SetSelected(enumLabel("status", f.Status))
	}
	s.source.SetSelected(all)
	if f.Source != data.SourceNone {
		s.source.SetSelected(enumLabel("source", f.Source))
	}
	s.owner.SetSelected(or(s.u.memberName(f.OwnerID)))
	s.industry.SetSelected(or(f.Industry))
	s.tag.SetSelected(or(f.Tag))
	s.abc.SetSelectedIndex(slices.Index(data.ABCClasses, f.ABC) + 1)
	s.rfm.SetSelectedIndex(slices.Index(data.RFMSegments, f.RFM) + 1)
	s.archived.SetChecked(f.Archived)
	s.applying = false
	f.Only, f.Limit = nil, 0
	if f.Sort == "" {
		f.Sort = data.SortName
	}
	s.filter = f
	s.reload()
}

// clearFilters shows every active card again, in the order the list had.
func (s *customersScreen) clearFilters() {
	s.applyFilter(data.CustomerFilter{Sort: s.filter.Sort, Desc: s.filter.Desc})
	s.saved.ClearSelected()
	s.note.SetText("")
}

// filterNameAsk is the dialog that names a filter to save.
type filterNameAsk struct {
	d    *dialog.CustomDialog
	name *textEntry
	msg  *widget.Label
	save *widget.Button
}

func (s *customersScreen) onSaveFilter() {
	a := &filterNameAsk{name: newEntry(s.saved.Selected), msg: widget.NewLabel("")}
	a.name.SetPlaceHolder(T("filters.name_hint"))
	a.msg.Importance = widget.DangerImportance
	a.msg.Hide()
	a.save = widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), func() { s.onFilterNamed(a) })
	a.save.Importance = widget.HighImportance
	a.name.OnSubmitted = func(string) { s.onFilterNamed(a) }
	cancel := widget.NewButton(T("action.cancel"), nil)
	form := container.NewVBox(widget.NewLabel(T("filters.name")), a.name, a.msg)
	a.d = dialog.NewCustomWithoutButtons(T("filters.save_title"), container.NewGridWrap(fyne.NewSize(360, form.MinSize().Height), form), s.u.win)
	cancel.OnTapped = a.d.Hide
	a.d.SetButtons([]fyne.CanvasObject{cancel, a.save})
	a.d.SetOnClosed(func() { s.nameAsk = nil })
	s.nameAsk = a
	s.u.track(a.d)
	a.d.Show()
	s.u.win.Canvas().Focus(a.name)
}

// onFilterNamed saves the list's filter under the typed name; a refused name keeps the dialog and
// what was typed, with the reason under the field.
func (s *customersScreen) onFilterNamed(a *filterNameAsk) {
	var saved data.SavedFilter
	f, st := data.SavedFilter{Name: a.name.Text, Filter: s.filter}, s.u.store
	s.u.write(a.save, func() (err error) {
		saved, err = st.SaveFilter(f)
		return err
	}, func(err error) {
		if err != nil {
			a.msg.SetText(errorText(err))
			a.msg.Show()
			return
		}
		a.d.Hide()
		s.loadFilters()
		s.applying = true
		s.saved.SetSelected(saved.Name)
		s.applying = false
		s.dropFilter.Enable()
		s.note.SetText(Tf("filters.saved_note", saved.Name))
	})
}

func (s *customersScreen) onDropFilter() {
	f, ok := s.savedByName(s.saved.Selected)
	if !ok {
		return
	}
	d := dialog.NewConfirm(T("filters.delete_title"), Tf("filters.delete_confirm", f.Name), func(yes bool) {
		if !yes {
			return
		}
		st := s.u.store
		s.u.write(s.dropFilter, func() error { return st.DeleteFilter(f.ID) }, s.u.showErrorOr(s.u.win, func() {
			s.saved.ClearSelected() // onSavedPicked("") disables the drop button and applies nothing
			s.loadFilters()
		}))
	}, s.u.win)
	s.u.track(d)
	d.Show()
}

// loadColumns reads the current user's columns, dropping ids this version does not know.
func (s *customersScreen) loadColumns() []string {
	l, err := s.u.store.ListLayout(s.u.me().MemberID)
	if err != nil || len(l.Columns) == 0 {
		return defaultColumns
	}
	return l.Columns
}

// setColumns shows the columns of ids, in the list's own order; the name is always shown.
func (s *customersScreen) setColumns(ids []string) {
	s.cols = s.cols[:0]
	for _, c := range customerColumns() {
		if c.id == "name" || slices.Contains(ids, c.id) {
			s.cols = append(s.cols, c)
		}
	}
	s.widths = nil
	s.extras = nil
	s.fitColumns(s.table.Size().Width)
	s.table.Refresh()
}

func (s *customersScreen) columnIDs() []string {
	ids := make([]string, len(s.cols))
	for i, c := range s.cols {
		ids[i] = c.id
	}
	return ids
}

// columnsAsk is the column chooser: a tick per column.
type columnsAsk struct {
	d      *dialog.CustomDialog
	checks map[string]*escCheck
	ok     *widget.Button
}

// onChooseColumns offers every column with a tick; the choice is kept for the current user.
func (s *customersScreen) onChooseColumns() {
	shown := s.columnIDs()
	a := &columnsAsk{checks: map[string]*escCheck{}}
	box := container.NewGridWithColumns(2)
	for _, c := range customerColumns() {
		ch := newDialogCheck(T(c.title), nil)
		ch.SetChecked(slices.Contains(shown, c.id))
		if c.id == "name" {
			ch.Disable() // a row must say whose it is
		}
		a.checks[c.id] = ch
		box.Add(ch)
	}
	a.d = dialog.NewCustomWithoutButtons(T("columns.title"), box, s.u.win)
	a.ok = widget.NewButton(T("action.ok"), func() {
		a.d.Hide()
		var ids []string
		for _, c := range customerColumns() {
			if a.checks[c.id].Checked {
				ids = append(ids, c.id)
			}
		}
		s.chooseColumns(ids)
	})
	a.ok.Importance = widget.HighImportance
	a.d.SetButtons([]fyne.CanvasObject{widget.NewButton(T("action.cancel"), a.d.Hide), a.ok})
	s.colAsk = a
	s.u.track(a.d)
	a.d.Show()
}

// chooseColumns shows ids and remembers them for the current user.
func (s *customersScreen) chooseColumns(ids []string) {
	s.setColumns(ids)
	ids = s.columnIDs()
	st := s.u.store
	s.u.write(nil, func() error { return st.SaveListLayout(data.ListLayout{Columns: ids}) }, s.u.showErrorOr(s.u.win, nil))
}

// The selection.

func (s *customersScreen) toggleRow(row int) {
	r, ok := s.rowAt(row)
	if !ok {
		return
	}
	id := r.ID
	if s.selected[id] {
		delete(s.selected, id)
	} else {
		s.selected[id] = true
	}
	s.anchor = row
	s.table.RefreshItem(widget.TableCellID{Row: row, Col: 0})
	s.showSelection()
}

// selectRange ticks every row between the anchor and row, both included.
func (s *customersScreen) selectRange(from, to int) {
	if from > to {
		from, to = to, from
	}
	for i := from; i <= min(to, s.total-1); i++ {
		if r, ok := s.rowAt(i); ok {
			s.selected[r.ID] = true
		}
	}
	s.anchor = to
	s.table.Refresh()
	s.showSelection()
}

func (s *customersScreen) onSelectAllTapped() {
	if s.total > 0 && len(s.selected) == s.total {
		s.clearSelection()
	} else {
		s.selectAllMatching()
	}
}

// selectAllMatching ticks every card the search and filters list, not only those on screen (at most
// data.MaxCustomerIDs: more says to narrow the list).
func (s *customersScreen) selectAllMatching() {
	ids, err := s.listIDs()
	if err != nil {
		s.u.showError(s.u.win, err)
		return
	}
	for _, id := range ids {
		s.selected[id] = true
	}
	s.table.Refresh()
	s.showSelection()
}

func (s *customersScreen) clearSelection() {
	clear(s.selected)
	s.anchor = -1
	s.table.Refresh()
	s.showSelection()
}

// showSelection keeps only the listed cards ticked, so that an action never reaches a card the user
// no longer sees, and says how many are.
func (s *customersScreen) showSelection() {
	if len(s.selected) > 0 {
		keep := make(map[uint64]bool, len(s.selected))
		ids, _ := s.listIDs() // unread, the list keeps no tick: better none than one on a hidden card
		for _, id := range ids {
			if s.selected[id] {
				keep[id] = true
			}
		}
		s.selected = keep
	}
	if n := len(s.selected); n > 0 {
		s.bulkBtn.SetText(Tf("bulk.button_n", formatInt(n)))
		s.bulkBtn.Importance = widget.HighImportance
	} else {
		s.bulkBtn.SetText(T("bulk.button"))
		s.bulkBtn.Importance = widget.MediumImportance
	}
	s.bulkBtn.Refresh()
}

// selectedIDs are the ticked cards in the list's order.
func (s *customersScreen) selectedIDs() []uint64 {
	ids := make([]uint64, 0, len(s.selected))
	all, _ := s.listIDs()
	for _, id := range all {
		if s.selected[id] {
			ids = append(ids, id)
		}
	}
	return ids
}
