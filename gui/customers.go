package gui

import (
	"io"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// customersScreen is the customer list: search as you type, filters, sortable columns.
type customersScreen struct {
	u       *ui
	content fyne.CanvasObject

	search   *textEntry
	grade    *widget.Select
	status   *widget.Select
	owner    *widget.Select
	industry *widget.Select
	source   *widget.Select
	tag      *widget.Select
	abc      *widget.Select
	rfm      *widget.Select
	archived *widget.Check
	count    *widget.Label
	table    *widget.Table
	tips     *tipLayer

	// The list's tools (listtools.go): saved filters, clearing, columns, the selection's actions.
	saved      *widget.Select
	saveFilter *widget.Button
	dropFilter *widget.Button
	clearAll   *widget.Button
	columnsBtn *widget.Button
	bulkBtn    *widget.Button
	note       *widget.Label // what the last bulk action did
	// The open dialogs: a bulk action's confirmation, a filter's name, the column chooser.
	ask     *bulkAsk
	nameAsk *filterNameAsk
	colAsk  *columnsAsk

	filter data.CustomerFilter
	// total is how many cards pass the filter; pages keeps the pages of them read around what the
	// table shows (rowAt), forgotten at each reload; overridden is the page's word that some have a
	// grade set by hand.
	total      int
	pages      map[int][]data.CustomerRow
	overridden bool
	// owners maps the owner select's labels to member ids.
	owners map[string]uint64
	// cols are the columns shown after the selection's tick column; widths are as last fitted.
	cols   []column
	widths []float32
	// selected are the cards ticked for a bulk action; anchor is the row a Shift-click extends from.
	selected map[uint64]bool
	anchor   int
	// filters are the current user's saved filters; applying is set while one is put in the widgets.
	filters  []data.SavedFilter
	applying bool
	// extras and hits are read from the file for the rows shown, and forgotten at each reload.
	extras map[uint64]data.RowExtra
	hits   map[uint64]data.SearchHit
	// Every read runs off the UI thread (over the network it takes a trip): gen counts the reloads,
	// showing is the reload whose first page the table shows, and a reply for an older one is dropped;
	// reading holds the pages on their way and fetching the rows whose extras are.
	gen, showing int
	reading      map[int]bool
	fetching     map[uint64]bool
}

type column struct {
	id    string
	key   data.SortKey // "" for a column the list cannot sort by
	title string
	// width is what the column takes on a wide window, min what it keeps on a narrow one.
	width, min float32
	cell       func(s *customersScreen, r *data.CustomerRow) string
}

// checkWidth is the width of the selection's column.
const checkWidth = 40

func customerColumns() []column {
	return []column{
		{"card_no", data.SortCardNo, "col.card_no", 130, 115, func(_ *customersScreen, r *data.CustomerRow) string { return r.CardNo }},
		{"name", data.SortName, "col.name", 260, 170, (*customersScreen).nameCell},
		{"grade", data.SortGrade, "col.grade", 70, 55, func(_ *customersScreen, r *data.CustomerRow) string {
			if r.Overridden {
				return string(r.Grade) + "*" // a manager's decision, not the rules'
			}
			return string(r.Grade)
		}},
		{"status", data.SortStatus, "col.status", 100, 80, func(_ *customersScreen, r *data.CustomerRow) string { return enumLabel("status", r.Status) }},
		{"owner", data.SortOwner, "col.owner", 90, 70, func(s *customersScreen, r *data.CustomerRow) string { return s.u.memberName(r.OwnerID) }},
		{"contact", "", "col.contact", 100, 70, func(s *customersScreen, r *data.CustomerRow) string { return s.extra(r.ID).Contact.Name }},
		{"phone", "", "col.phone", 130, 115, func(s *customersScreen, r *data.CustomerRow) string { return s.extra(r.ID).Contact.Phone }},
		{"email", "", "col.email", 170, 110, func(s *customersScreen, r *data.CustomerRow) string { return s.extra(r.ID).Contact.Email }},
		{"industry", data.SortIndustry, "col.industry", 120, 80, func(_ *customersScreen, r *data.CustomerRow) string { return r.Industry }},
		{"source", "", "col.source", 100, 70, func(_ *customersScreen, r *data.CustomerRow) string { return enumLabel("source", r.Source) }},
		{"tags", "", "col.tags", 140, 80, func(_ *customersScreen, r *data.CustomerRow) string { return strings.Join(r.Tags, ", ") }},
		{"last_follow_up", data.SortLastFollowUp, "col.last_follow_up", 120, 105, func(_ *customersScreen, r *data.CustomerRow) string { return formatDate(r.LastFollowUp.Time()) }},
		{"next_follow_up", data.SortNextFollowUp, "col.next_follow_up", 120, 105, func(_ *customersScreen, r *data.CustomerRow) string { return formatDate(r.NextFollowUp.Time()) }},
	}
}

// defaultColumns are shown until a user chooses.
var defaultColumns = []string{"card_no", "name", "grade", "status", "owner", "industry", "last_follow_up", "next_follow_up"}

func newCustomersScreen(u *ui) *customersScreen {
	s := &customersScreen{u: u, filter: data.CustomerFilter{Sort: data.SortName}, selected: map[uint64]bool{}, anchor: -1}
	// The list loads when its tab is first shown: sorting a large file is not the start screen's cost.
	s.buildUI()
	return s
}

func (s *customersScreen) buildUI() {
	s.search = newEntry("")
	s.search.SetPlaceHolder(T("customers.search_hint"))
	s.search.OnChanged = s.onSearchChanged

	all := T("filter.all")
	s.grade = newSelect(append([]string{all}, "A", "B", "C", "D"), s.onFilterChanged)
	s.status = newSelect(labels(all, "status", data.Statuses), s.onFilterChanged)
	s.source = newSelect(labels(all, "source", data.Sources), s.onFilterChanged)
	s.owner = newSelect(nil, s.onFilterChanged)
	s.industry = newSelect(nil, s.onFilterChanged)
	s.tag = newSelect(nil, s.onFilterChanged)
	// The segments of the metrics screen (seeds 003, 004), as of today.
	abc := []string{all}
	for _, c := range data.ABCClasses {
		abc = append(abc, Tf("segment.abc_class", string(c)))
	}
	s.abc = newSelect(abc, s.onFilterChanged)
	rfm := []string{all}
	for _, seg := range data.RFMSegments {
		rfm = append(rfm, seg.Label(currentLanguage()))
	}
	s.rfm = newSelect(rfm, s.onFilterChanged)
	for _, sel := range []*widget.Select{s.grade, s.status, s.source, s.owner, s.industry, s.tag, s.abc, s.rfm} {
		sel.PlaceHolder = all
	}
	s.archived = widget.NewCheck(T("customers.archived"), func(bool) { s.onFilterChanged("") })
	s.count = widget.NewLabel("")
	s.fillChoices()

	s.tips = newTipLayer()
	s.table = widget.NewTableWithHeaders(
		func() (int, int) { return s.total, len(s.cols) + 1 },
		func() fyne.CanvasObject {
			return container.NewStack(widget.NewCheck("", nil), newCutLabel(s.tips))
		},
		s.updateCell)
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewButton("", nil)
	}
	s.table.UpdateHeader = s.updateHeader
	s.table.OnSelected = s.onRowSelected
	s.buildTools()
	s.setColumns(s.loadColumns())

	exportBtn := widget.NewButtonWithIcon(T("customers.export"), theme.DownloadIcon(), s.onExport)
	s.u.allowIf(exportBtn, data.PermExport)
	newBtn := widget.NewButtonWithIcon(T("action.new_customer"), theme.ContentAddIcon(), s.u.newCustomer)
	newBtn.Importance = widget.HighImportance
	// Two rows of four where the window is wide: eight selects in one row would make the window wider
	// than a laptop screen in English.
	// On a narrow window they take three rows of three, or more: see flowGrid.
	grid := &flowGrid{cols: 4, objs: []fyne.CanvasObject{
		labelled(T("col.grade"), s.grade), labelled(T("col.status"), s.status), labelled(T("col.owner"), s.owner),
		labelled(T("col.industry"), s.industry), labelled(T("field.source"), s.source), labelled(T("field.tags"), s.tag),
		labelled(T("segment.abc"), s.abc), labelled(T("segment.rfm"), s.rfm)}}
	filters := container.New(grid, grid.objs...)
	tools, wrap := s.toolsRow()
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.archived, exportBtn, newBtn), s.search),
		filters,
		tools,
	)
	s.content = s.tips.over(container.New(listLayout{s, grid, wrap}, top, s.table))
}

func labelled(text string, o fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return container.NewBorder(nil, nil, l, nil, o)
}

func labels[E ~string](first, prefix string, vs []E) []string {
	out := []string{first}
	for _, v := range vs {
		out = append(out, enumLabel(prefix, v))
	}
	return out
}

// pick returns the value whose label the select shows, or the zero value for "all".
func pick[E ~string](sel *widget.Select, prefix string, vs []E) E {
	for _, v := range vs {
		if enumLabel(prefix, v) == sel.Selected {
			return v
		}
	}
	return ""
}

// fillChoices offers the owners, industries and tags in use.
func (s *customersScreen) fillChoices() {
	all := T("filter.all")
	s.owners = map[string]uint64{}
	owners := []string{all}
	for _, m := range s.u.members() {
		owners = append(owners, m.Name)
		s.owners[m.Name] = m.ID
	}
	s.owner.Options = owners
	ch, _ := s.u.store.Choices() // without them the menus offer "all" alone
	s.industry.Options = append([]string{all}, ch.Industries...)
	s.tag.Options = append([]string{all}, ch.Tags...)
	// Settings may have changed the current user: the list shows that user's filters and columns.
	if s.saved != nil {
		s.loadFilters()
		s.setColumns(s.loadColumns())
	}
}

func (s *customersScreen) onSearchChanged(text string) {
	s.filter.Search = text
	if !s.applying {
		s.saved.ClearSelected()
		s.note.SetText("") // a note on a saved filter or a bulk action is about the list before
		s.reload()
	}
}

func (s *customersScreen) onFilterChanged(string) {
	if s.applying {
		return
	}
	s.saved.ClearSelected()
	s.note.SetText("")
	all := T("filter.all")
	value := func(sel *widget.Select) string {
		if sel.Selected == all {
			return ""
		}
		return sel.Selected
	}
	s.filter.Grade = data.Grade(value(s.grade))
	s.filter.Status = pick(s.status, "status", data.Statuses)
	s.filter.Source = pick(s.source, "source", data.Sources)
	s.filter.OwnerID = s.owners[value(s.owner)]
	s.filter.Industry = value(s.industry)
	s.filter.Tag = value(s.tag)
	s.filter.ABC, s.filter.RFM = data.ClassNone, data.SegmentNone
	if i := s.abc.SelectedIndex(); i > 0 {
		s.filter.ABC = data.ABCClasses[i-1]
	}
	if i := s.rfm.SelectedIndex(); i > 0 {
		s.filter.RFM = data.RFMSegments[i-1]
	}
	s.filter.Archived = s.archived.Checked
	s.reload()
}

func (s *customersScreen) onHeaderTapped(k data.SortKey) {
	if k == "" {
		return
	}
	if s.filter.Sort == k {
		s.filter.Desc = !s.filter.Desc
	} else {
		s.filter.Sort, s.filter.Desc = k, false
	}
	s.reload()
}

// onRowSelected opens the card; with Ctrl held it ticks the row instead, with Shift every row from
// the last one ticked, as in a file manager.
func (s *customersScreen) onRowSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= s.total {
		return
	}
	s.table.UnselectAll()
	var mods fyne.KeyModifier
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		mods = d.CurrentKeyModifiers()
	}
	switch {
	case mods&fyne.KeyModifierShift != 0 && s.anchor >= 0:
		s.selectRange(s.anchor, id.Row)
	case mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 || id.Col == 0:
		s.toggleRow(id.Row)
	default:
		if r, ok := s.rowAt(id.Row); ok {
			s.u.openCard(r.ID)
		}
	}
}

// listPage is how many rows the list reads in one call: a few screenfuls, so that scrolling reads
// seldom; keptPages is how many such pages it keeps around what it shows.
const (
	listPage  = 200
	keptPages = 8
)

// reload runs the filter and reads the first page, off the UI thread; it is fast enough to run per
// keystroke. Until the page arrives the table keeps showing the last list, so that typing does not
// blank it; the table reads the other pages as it scrolls to them (rowAt).
func (s *customersScreen) reload() {
	s.gen++
	gen, f, st := s.gen, s.filter, s.u.store
	s.reading = map[int]bool{}
	s.u.background(func() {
		page, err := st.Customers(pageFilter(f, 0))
		active, archived, cerr := st.CustomerCount()
		fyne.Do(func() {
			if gen != s.gen {
				return
			}
			if err == nil {
				err = cerr
			}
			if err != nil {
				s.u.showError(s.u.win, err)
			}
			s.showing, s.pages = gen, map[int][]data.CustomerRow{}
			s.total, s.overridden = 0, false
			s.keepPage(0, page)
			s.extras, s.hits, s.fetching = nil, nil, nil
			s.anchor = -1
			s.showSelection()
			s.showCount(active, archived)
			s.table.Refresh()
		})
	})
}

// showCount says how many cards the list shows of how many there are.
func (s *customersScreen) showCount(active, archived int) {
	total := active
	if s.filter.Archived {
		total = archived
	}
	count := Tf("customers.count", formatInt(s.total), formatInt(total))
	if s.total == 0 && total > 0 {
		// An empty table under a search says why, and the way back.
		count += "    " + T("customers.none_match")
	}
	// The grade column's "*" is explained where it shows.
	if s.overridden {
		count += "    " + T("customers.override_legend")
	}
	s.count.SetText(count)
}

// pageFilter is f limited to page p of the list.
func pageFilter(f data.CustomerFilter, p int) data.CustomerFilter {
	f.Offset, f.Limit = p*listPage, listPage
	return f
}

// keepPage keeps page p of the list, dropping the kept page farthest from it when there are too many.
func (s *customersScreen) keepPage(p int, page data.CustomerPage) {
	if len(s.pages) >= keptPages {
		far := -1
		for k := range s.pages {
			if far < 0 || abs(k-p) > abs(far-p) {
				far = k
			}
		}
		delete(s.pages, far)
	}
	s.pages[p] = page.Rows
	s.total, s.overridden = page.Total, page.Overridden
}

// readPage asks for page p off the UI thread; the table shows it when it arrives.
func (s *customersScreen) readPage(p int) {
	if s.reading[p] || s.showing != s.gen {
		return // on its way, or the reload's first page is: rowAt asks again after it
	}
	if s.reading == nil {
		s.reading = map[int]bool{}
	}
	s.reading[p] = true
	gen, f, st := s.gen, s.filter, s.u.store
	s.u.background(func() {
		page, err := st.Customers(pageFilter(f, p))
		fyne.Do(func() {
			if gen != s.gen {
				return
			}
			delete(s.reading, p)
			if err != nil {
				return // the cells stay empty; the next reload asks again
			}
			s.keepPage(p, page)
			s.table.Refresh()
		})
	})
}

func abs(n int) int { return max(n, -n) }

// rowAt is row i of the list, or false past the end or while its page is on its way (the table
// refreshes when it comes).
func (s *customersScreen) rowAt(i int) (*data.CustomerRow, bool) {
	if i < 0 || i >= s.total {
		return nil, false
	}
	p := i / listPage
	rows, ok := s.pages[p]
	if !ok {
		s.readPage(p)
		if rows, ok = s.pages[p]; !ok {
			return nil, false
		}
	}
	if i%listPage >= len(rows) {
		return nil, false // the list shrank since the first page: the next reload shows it
	}
	return &rows[i%listPage], true
}

// listIDs are the ids of every card the list shows, in its order (at most data.MaxCustomerIDs).
func (s *customersScreen) listIDs() ([]uint64, error) {
	f := s.filter
	f.Offset, f.Limit = 0, 0
	return s.u.store.CustomerIDs(f)
}

// rowIndex finds a card in the current list, for tests and for keeping the selection visible.
func (s *customersScreen) rowIndex(name string) int {
	for i := range s.total {
		if r, ok := s.rowAt(i); ok && strings.Contains(r.Name, name) {
			return i
		}
	}
	return -1
}

// onExport writes the customers the list shows (its search and filters), with their follow-ups, as
// CSV or as a workbook, with the headers an import reads back.
func (s *customersScreen) onExport() {
	s.exportRows(s.filter, s.total)
}

// exportRows offers the export of the n cards f lists: the whole list's, or the selection's.
func (s *customersScreen) exportRows(f data.CustomerFilter, n int) {
	lang := currentLanguage()
	var d dialog.Dialog
	export := func(format string, what data.ExportWhat, ext string) func() {
		return func() {
			d.Hide()
			s.u.exportFile("salesdesk-"+string(what)+"."+ext, func(w io.Writer, _ *atomic.Bool) error {
				_, err := s.u.exporter().Export(w, data.ExportOptions{Format: format, What: what, Customers: f, Lang: lang})
				return err
			})
		}
	}
	box := container.NewVBox(
		widget.NewButtonWithIcon(T("customers.export_xlsx"), theme.GridIcon(), export("xlsx", data.ExportAll, "xlsx")),
		widget.NewButtonWithIcon(T("customers.export_csv"), theme.DocumentIcon(), export("csv", data.ExportCustomers, "csv")),
		widget.NewButtonWithIcon(T("customers.export_followups_csv"), theme.DocumentIcon(), export("csv", data.ExportFollowUps, "csv")),
	)
	d = dialog.NewCustom(Tf("customers.export_title", n), T("action.cancel"), box, s.u.win)
	s.u.track(d)
	d.Show()
}
