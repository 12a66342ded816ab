package gui

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// auditPageSize is how many audit lines one page of the screen shows.
const auditPageSize = 50

// auditKinds are the record kinds the screen filters by, as the trail names them.
var auditKinds = []string{"customer", "followup", "opportunity", "member", "settings", "period", "import",
	"export", "saved_filter", "audit", "pool", "session"}

// auditActions are the kinds of change the screen filters by (an action's first word).
var auditActions = []string{"create", "update", "move", "archive", "restore", "review", "confirm", "won", "undo",
	"bulk_create", "save", "delete", "import", "undo_import", "import_json", "export_csv", "export_xlsx",
	"export_json", "export_audit", "sign_in", "sign_in_failed", "pool_claim", "pool_release", "pool_assign",
	"pool_return", "pool_handover", "handover", "session_refused", "sign_in_throttled",
	"message_too_large", "message_malformed"}

// auditRow is one row of the table: a line's changed field, or the line itself when it has none.
type auditRow struct {
	first      bool // the line's first row, which shows its time, member, action and record
	line       data.Change
	field      data.FieldChange
	hasField   bool
	recordText string
	actorText  string // the member, or what acted for nobody (the pool's sweep)
	actionText string // the action in the window's language, members named
}

// auditScreen is the audit trail for managers and administrators: filters, a table of lines with
// each changed field's old and new value, paging and a CSV export.
type auditScreen struct {
	u       *ui
	content fyne.CanvasObject

	member, kind, action *widget.Select
	from, to             *textEntry
	table                *widget.Table
	prev, next, export   *widget.Button
	pageInfo, problem    *widget.Label

	members []data.Member
	rows    []auditRow
	page    int
	more    bool
}

func newAuditScreen(u *ui) *auditScreen {
	s := &auditScreen{u: u}
	all := T("audit.all")
	s.members = u.members()
	names := []string{all}
	for _, m := range s.members {
		names = append(names, m.Name)
	}
	s.member = newSelect(names, nil)
	kinds := []string{all}
	for _, k := range auditKinds {
		kinds = append(kinds, auditKindText(k))
	}
	s.kind = newSelect(kinds, nil)
	actions := []string{all}
	for _, a := range auditActions {
		actions = append(actions, auditActionText(a))
	}
	s.action = newSelect(actions, nil)
	// "All" is selected before the handler is set: the screen reads its first page when shown.
	for _, sel := range []*widget.Select{s.member, s.kind, s.action} {
		sel.SetSelectedIndex(0)
		sel.OnChanged = s.onFilterChanged
	}
	s.from, s.to = newDateEntry(time.Time{}), newDateEntry(time.Time{})
	s.from.OnSubmitted = func(string) { s.onFilterChanged("") }
	s.to.OnSubmitted = func(string) { s.onFilterChanged("") }
	apply := widget.NewButtonWithIcon(T("audit.apply"), theme.SearchIcon(), func() { s.onFilterChanged("") })
	s.problem = widget.NewLabel("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Hide()

	s.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.rows), 6 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.cell(id.Row, id.Col)) })
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			o.(*widget.Label).SetText(T([]string{"audit.col.time", "audit.col.member", "audit.col.action",
				"audit.col.record", "audit.col.field", "audit.col.change"}[id.Col]))
		}
	}
	for i, w := range []float32{150, 100, 230, 220, 150, 340} { // a pool move's members fit its action
		s.table.SetColumnWidth(i, w)
	}

	s.prev = widget.NewButtonWithIcon(T("audit.prev"), theme.NavigateBackIcon(), s.onPrev)
	s.next = widget.NewButtonWithIcon(T("audit.next"), theme.NavigateNextIcon(), s.onNext)
	s.export = widget.NewButtonWithIcon(T("audit.export"), theme.DocumentSaveIcon(), s.onExport)
	s.pageInfo = widget.NewLabel("")

	// Two rows: in one the filters need about 1,000 px, and the tabs' minimum is their widest screen's,
	// so one row would keep every manager's window from being 800 px wide.
	filters := container.NewVBox(
		container.NewHBox(
			widget.NewLabel(T("audit.member")), s.member,
			widget.NewLabel(T("audit.kind")), s.kind,
			widget.NewLabel(T("audit.action")), s.action),
		container.NewHBox(
			widget.NewLabel(T("audit.from")), sized(s.from, 140),
			widget.NewLabel(T("audit.to")), sized(s.to, 140),
			apply))
	bottom := container.NewHBox(s.prev, s.pageInfo, s.next, layout.NewSpacer(), s.export)
	s.content = container.NewBorder(container.NewVBox(filters, s.problem), bottom, nil, nil, s.table)
	return s
}

// sized gives an entry a fixed width inside an HBox, which would shrink it to its placeholder.
func sized(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

func (s *auditScreen) onFilterChanged(string) { s.page = 0; s.reload() }
func (s *auditScreen) onPrev()                { s.page = max(0, s.page-1); s.reload() }
func (s *auditScreen) onNext() {
	if s.more {
		s.page++
		s.reload()
	}
}

// filter reads the filters; a date that does not parse is reported beside the filters.
func (s *auditScreen) filter() (data.AuditFilter, bool) {
	var f data.AuditFilter
	if i := s.member.SelectedIndex(); i > 0 && i-1 < len(s.members) {
		f.MemberID, f.HasMember = s.members[i-1].ID, true
	}
	if i := s.kind.SelectedIndex(); i > 0 {
		f.Entity = auditKinds[i-1]
	}
	if i := s.action.SelectedIndex(); i > 0 {
		f.Action = auditActions[i-1]
	}
	from, err := parseOptionalDate(s.from.Text)
	if err != nil {
		s.showProblem(T("audit.from") + " " + errorText(err))
		return f, false
	}
	to, err := parseOptionalDate(s.to.Text)
	if err != nil {
		s.showProblem(T("audit.to") + " " + errorText(err))
		return f, false
	}
	f.From = from
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole day given
	}
	s.problem.Hide()
	return f, true
}

func (s *auditScreen) showProblem(text string) {
	s.problem.SetText(text)
	s.problem.Show()
}

// reload reads the page off the UI thread and shows it.
func (s *auditScreen) reload() {
	f, ok := s.filter()
	if !ok {
		return
	}
	f.Offset, f.Limit = s.page*auditPageSize, auditPageSize
	page := s.page
	s.u.background(func() {
		p, err := s.u.store.AuditTrail(f)
		rows := s.rowsOf(p.Lines)
		fyne.Do(func() {
			if err != nil {
				s.showProblem(errorText(err))
				return
			}
			s.rows, s.more = rows, p.More
			s.pageInfo.SetText(Tf("audit.page", page+1))
			s.prev.Disable()
			if page > 0 {
				s.prev.Enable()
			}
			s.next.Disable()
			if p.More {
				s.next.Enable()
			}
			s.table.Refresh()
		})
	})
}

func (s *auditScreen) rowsOf(lines []data.Change) []auditRow {
	return auditRows(s.u, lines)
}

func auditRows(u *ui, lines []data.Change) []auditRow {
	var rows []auditRow
	name := memberNamer(u)
	for _, l := range lines {
		first := auditRow{first: true, line: l, recordText: auditRecordText(u, l), actorText: auditActorText(l),
			actionText: auditActionLine(l.Action, name)}
		if len(l.Fields) == 0 {
			rows = append(rows, first)
		}
		for i, f := range l.Fields {
			r := first
			r.first, r.field, r.hasField = i == 0, f, true
			rows = append(rows, r)
		}
	}
	return rows
}

// memberNamer names members by id for the lines of one page, reading the team once; 0 is the pool
// in a pool move's from= and to=.
func memberNamer(u *ui) func(uint64) string {
	names := map[uint64]string{0: T("pool.the_pool")}
	for _, m := range u.members() {
		names[m.ID] = m.Name
	}
	return func(id uint64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "#" + strconv.FormatUint(id, 10)
	}
}

// auditActorText names who acted; a line with no member is the data layer's own work, named as the
// pool screen names the sweep.
func auditActorText(l data.Change) string {
	if l.ActorID == 0 && l.Actor == "pool sweep" {
		return T("pool.by_rules")
	}
	return l.Actor
}

func (s *auditScreen) cell(row, col int) string {
	if row >= len(s.rows) {
		return ""
	}
	return auditCell(s.rows[row], col)
}

func auditCell(r auditRow, col int) string {
	if col < 4 && !r.first {
		return ""
	}
	switch col {
	case 0:
		return r.line.At.Local().Format("2006-01-02 15:04")
	case 1:
		return r.actorText
	case 2:
		return r.actionText
	case 3:
		return r.recordText
	case 4:
		return auditFieldText(r.line.Entity, r.field.Field)
	case 5:
		if !r.hasField {
			return ""
		}
		if r.field.Field == "stage" {
			return auditValue(stageText(r.field.Old)) + " → " + auditValue(stageText(r.field.New))
		}
		return auditValue(r.field.Old) + " → " + auditValue(r.field.New)
	}
	return ""
}

// auditFieldText names a field path in the window's language where the form has a label for it:
// "contacts[0].phone" reads 联系人 1 · 电话; a name without a label stays as stored.
func auditFieldText(entity, path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		name, index, _ := strings.Cut(p, "[")
		// A member's name and role have labels of their own (a card's "name" is the customer's).
		text := tOr("field."+entity+"_"+name, tOr("field."+name, name))
		if n, err := strconv.Atoi(strings.TrimSuffix(index, "]")); err == nil {
			text += " " + strconv.Itoa(n+1)
		}
		parts[i] = text
	}
	return strings.Join(parts, " · ")
}

// auditValue shows an empty value as such, so that "→ 5" is told from a blank cell.
func auditValue(v string) string {
	if v == "" {
		return T("audit.empty")
	}
	return strings.ReplaceAll(v, "\n", " ")
}

func auditKindText(kind string) string { return tOr("audit.kind."+kind, kind) }

func auditActionText(a string) string {
	if kind, ok := strings.CutPrefix(a, "pool_"); ok {
		if key, ok := poolActionKeys[data.PoolAction(kind)]; ok {
			return T(key)
		}
	}
	return tOr("audit.action."+a, a)
}

// auditActionLine translates an action's first word and keeps the rest ("move lead→won" with the
// stages named), a pool move's or a handover's members by name ("from=3 to=0" reads 张伟 → 公海).
func auditActionLine(a string, name func(uint64) string) string {
	w, rest, _ := strings.Cut(a, " ")
	text := auditActionText(w)
	if rest == "" {
		return text
	}
	switch {
	case w == "move" || w == "undo" && strings.HasPrefix(rest, "move "):
		if from, to, ok := strings.Cut(strings.TrimPrefix(rest, "move "), "→"); ok {
			rest = stageText(from) + "→" + stageText(to)
			if w == "undo" {
				rest = auditActionText("move") + " " + rest
			}
		}
	case strings.HasPrefix(w, "pool_") || w == "handover":
		rest = auditMoveParams(rest, name)
	}
	return text + " " + rest
}

// auditMoveParams reads a move's "from=3 to=0 reason=…" (the reason last, it may hold spaces).
func auditMoveParams(rest string, name func(uint64) string) string {
	reason := ""
	if i := strings.Index(rest, "reason="); i >= 0 {
		rest, reason = rest[:i], rest[i+len("reason="):]
	}
	var from, to string
	var others []string
	for _, kv := range strings.Fields(rest) {
		k, v, _ := strings.Cut(kv, "=")
		id, err := strconv.ParseUint(v, 10, 64)
		switch {
		case k == "from" && err == nil:
			from = name(id)
		case k == "to" && err == nil:
			to = name(id)
		case err == nil:
			others = append(others, tOr("audit.param."+k, k)+" "+v) // a handover's counts
		default:
			others = append(others, kv)
		}
	}
	parts := []string{}
	if from != "" || to != "" {
		parts = append(parts, from+" → "+to)
	}
	parts = append(parts, others...)
	reason = strings.TrimSpace(reason)
	var days int
	if _, err := fmt.Sscanf(reason, "no follow-up for %d days", &days); err == nil {
		parts = append(parts, Tf("pool.return_reason", days)) // the sweep's words, as the pool screen says them
	} else if reason != "" {
		parts = append(parts, Tf("pool.reason_is", reason))
	}
	return strings.Join(parts, "  ")
}

// stageText names a default stage by its key in the window's language; another name stays as stored.
func stageText(key string) string { return tOr("stage."+key, key) }

// auditRecordText names the record: its kind and, for a card, its name.
func auditRecordText(u *ui, l data.Change) string {
	text := auditKindText(l.Entity)
	if l.EntityID == 0 {
		return text
	}
	switch l.Entity {
	case "customer":
		if r, ok := u.row(l.EntityID); ok {
			return text + " " + r.Name
		}
	case "member":
		if m, err := u.store.Member(l.EntityID); err == nil {
			return text + " " + m.Name
		}
	}
	return text + " " + strconv.FormatUint(l.EntityID, 10)
}

func (s *auditScreen) onExport() {
	f, ok := s.filter()
	if !ok {
		return
	}
	s.u.exportFile("audit.csv", func(w io.Writer, _ *atomic.Bool) error {
		raw, err := s.u.store.ExportAuditCSV(f)
		if err != nil {
			return err
		}
		_, err = w.Write(raw)
		return err
	})
}

// cardHistory is a card's own history, a tab of the card window.
type cardHistory struct {
	u       *ui
	id      uint64
	list    *widget.Table
	rows    []auditRow
	content fyne.CanvasObject
}

func newCardHistory(u *ui, id uint64) *cardHistory {
	h := &cardHistory{u: u, id: id}
	h.list = widget.NewTable(func() (int, int) { return len(h.rows), 5 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			text := ""
			if id.Row < len(h.rows) {
				text = auditCell(h.rows[id.Row], []int{0, 1, 2, 4, 5}[id.Col])
			}
			o.(*widget.Label).SetText(text)
		})
	for i, w := range []float32{130, 80, 120, 150, 300} {
		h.list.SetColumnWidth(i, w)
	}
	h.content = h.list
	return h
}

// reload reads the card's newest lines; the card's tab calls it when shown.
func (h *cardHistory) reload() {
	if h.id == 0 {
		return
	}
	h.u.background(func() {
		p, err := h.u.store.CardHistory(h.id, 0, 200)
		rows := auditRows(h.u, p.Lines)
		fyne.Do(func() {
			if err != nil {
				rows = []auditRow{{first: true, line: data.Change{Action: errorText(err)}}}
			}
			h.rows = rows
			h.list.Refresh()
		})
	})
}

// tOr translates key, or shows fallback for a value the translations do not know (an action a newer
// SalesDesk wrote).
func tOr(key, fallback string) string {
	if s := T(key); s != key {
		return s
	}
	return fallback
}

// addAuditTab adds the audit screen after the other tabs for a member who may read the trail; the
// data layer refuses the others anyway.
func (u *ui) addAuditTab() {
	u.audit = nil
	if !u.store.Can(data.PermAudit) {
		return
	}
	u.audit = newAuditScreen(u)
	u.tabs.Append(container.NewTabItemWithIcon(T("tab.audit"), theme.HistoryIcon(), u.audit.content))
}

func (u *ui) refreshAuditTab() {
	if u.audit != nil && u.tabs.Selected() != nil && u.tabs.Selected().Content == u.audit.content {
		u.audit.reload()
	}
}

// addHistoryTab gives a saved card its history tab, read when the tab is shown.
func (cw *cardWindow) addHistoryTab() {
	if cw.c.ID == 0 {
		return
	}
	cw.history = newCardHistory(cw.u, cw.c.ID)
	item := container.NewTabItem(T("card.tab.history"), cw.history.content)
	cw.tabs.Append(item)
	prev := cw.tabs.OnSelected
	cw.tabs.OnSelected = func(t *container.TabItem) {
		if prev != nil {
			prev(t)
		}
		if t == item {
			cw.history.reload()
		}
	}
}
