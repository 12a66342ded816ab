package gui

import (
	"io"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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

	filter data.CustomerFilter
	rows   []*data.CustomerRow
	// owners maps the owner select's labels to member ids.
	owners map[string]uint64
}

type column struct {
	key   data.SortKey
	title string
	width float32
	cell  func(u *ui, r *data.CustomerRow) string
}

func customerColumns() []column {
	return []column{
		{data.SortCardNo, "col.card_no", 130, func(_ *ui, r *data.CustomerRow) string { return r.CardNo }},
		{data.SortName, "col.name", 260, func(_ *ui, r *data.CustomerRow) string { return r.Name }},
		{data.SortGrade, "col.grade", 70, func(_ *ui, r *data.CustomerRow) string {
			if r.Overridden {
				return string(r.Grade) + "*" // a manager's decision, not the rules'
			}
			return string(r.Grade)
		}},
		{data.SortStatus, "col.status", 100, func(_ *ui, r *data.CustomerRow) string { return enumLabel("status", r.Status) }},
		{data.SortOwner, "col.owner", 90, func(u *ui, r *data.CustomerRow) string { return u.memberName(r.OwnerID) }},
		{data.SortIndustry, "col.industry", 120, func(_ *ui, r *data.CustomerRow) string { return r.Industry }},
		{data.SortLastFollowUp, "col.last_follow_up", 120, func(_ *ui, r *data.CustomerRow) string { return formatDate(r.LastFollowUp.Time()) }},
		{data.SortNextFollowUp, "col.next_follow_up", 120, func(_ *ui, r *data.CustomerRow) string { return formatDate(r.NextFollowUp.Time()) }},
	}
}

func newCustomersScreen(u *ui) *customersScreen {
	s := &customersScreen{u: u, filter: data.CustomerFilter{Sort: data.SortName}}
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

	cols := customerColumns()
	s.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.rows), len(cols) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateClip
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < 0 || id.Row >= len(s.rows) {
				return
			}
			o.(*widget.Label).SetText(cols[id.Col].cell(s.u, s.rows[id.Row]))
		})
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewButton("", nil)
	}
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 {
			return
		}
		c := cols[id.Col]
		b.SetText(T(c.title))
		b.Importance = widget.LowImportance
		b.SetIcon(nil)
		if s.filter.Sort == c.key {
			if s.filter.Desc {
				b.SetIcon(theme.MoveDownIcon())
			} else {
				b.SetIcon(theme.MoveUpIcon())
			}
		}
		b.OnTapped = func() { s.onHeaderTapped(c.key) }
	}
	for i, c := range cols {
		s.table.SetColumnWidth(i, c.width)
	}
	s.table.OnSelected = s.onRowSelected

	exportBtn := widget.NewButtonWithIcon(T("customers.export"), theme.DownloadIcon(), s.onExport)
	newBtn := widget.NewButtonWithIcon(T("action.new_customer"), theme.ContentAddIcon(), s.u.newCustomer)
	newBtn.Importance = widget.HighImportance
	// Two rows of four: eight selects in one row would make the window wider than a laptop screen in
	// English.
	filters := container.NewGridWithColumns(4,
		labelled(T("col.grade"), s.grade), labelled(T("col.status"), s.status), labelled(T("col.owner"), s.owner),
		labelled(T("col.industry"), s.industry), labelled(T("field.source"), s.source), labelled(T("field.tags"), s.tag),
		labelled(T("segment.abc"), s.abc), labelled(T("segment.rfm"), s.rfm))
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.archived, exportBtn, newBtn), s.search),
		filters,
		s.count,
	)
	s.content = container.NewBorder(top, nil, nil, nil, s.table)
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
	for _, m := range s.u.store.Members() {
		owners = append(owners, m.Name)
		s.owners[m.Name] = m.ID
	}
	s.owner.Options = owners
	ch := s.u.store.Choices()
	s.industry.Options = append([]string{all}, ch.Industries...)
	s.tag.Options = append([]string{all}, ch.Tags...)
}

func (s *customersScreen) onSearchChanged(text string) {
	s.filter.Search = text
	s.reload()
}

func (s *customersScreen) onFilterChanged(string) {
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
	if s.filter.Sort == k {
		s.filter.Desc = !s.filter.Desc
	} else {
		s.filter.Sort, s.filter.Desc = k, false
	}
	s.reload()
}

func (s *customersScreen) onRowSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(s.rows) {
		return
	}
	s.table.UnselectAll()
	s.u.openCard(s.rows[id.Row].ID)
}

// reload runs the filter against the store's memory index; it is fast enough to run per keystroke.
func (s *customersScreen) reload() {
	s.rows = s.u.store.Customers(s.filter)
	active, archived := s.u.store.CustomerCount()
	total := active
	if s.filter.Archived {
		total = archived
	}
	count := Tf("customers.count", formatInt(len(s.rows)), formatInt(total))
	// The grade column's "*" is explained where it shows.
	for _, r := range s.rows {
		if r.Overridden {
			count += "    " + T("customers.override_legend")
			break
		}
	}
	s.count.SetText(count)
	s.table.Refresh()
}

// rowIndex finds a card in the current list, for tests and for keeping the selection visible.
func (s *customersScreen) rowIndex(name string) int {
	for i, r := range s.rows {
		if strings.Contains(r.Name, name) {
			return i
		}
	}
	return -1
}

// onExport writes the customers the list shows (its search and filters), with their follow-ups, as
// CSV or as a workbook, with the headers an import reads back.
func (s *customersScreen) onExport() {
	f, lang := s.filter, currentLanguage()
	var d dialog.Dialog
	export := func(format string, what data.ExportWhat, ext string) func() {
		return func() {
			d.Hide()
			s.u.exportFile("salesdesk-"+string(what)+"."+ext, func(w io.Writer, _ *atomic.Bool) error {
				_, err := s.u.store.Export(w, data.ExportOptions{Format: format, What: what, Customers: f, Lang: lang})
				return err
			})
		}
	}
	box := container.NewVBox(
		widget.NewButtonWithIcon(T("customers.export_xlsx"), theme.GridIcon(), export("xlsx", data.ExportAll, "xlsx")),
		widget.NewButtonWithIcon(T("customers.export_csv"), theme.DocumentIcon(), export("csv", data.ExportCustomers, "csv")),
		widget.NewButtonWithIcon(T("customers.export_followups_csv"), theme.DocumentIcon(), export("csv", data.ExportFollowUps, "csv")),
	)
	d = dialog.NewCustom(Tf("customers.export_title", len(s.rows)), T("action.cancel"), box, s.u.win)
	s.u.track(d)
	d.Show()
}
