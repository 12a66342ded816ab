package gui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
	"salesdesk/data/office"
)

// importWindow takes a CSV or XLSX file in: the columns matched to the card's fields (as found by
// the headers, or as remembered for this header row), a dry run over the first rows with each row's
// problems, then the import off the UI thread with progress and Cancel, its result with the rejected
// rows (savable as CSV) and an Undo of the whole import.
type importWindow struct {
	u     *ui
	win   fyne.Window
	src   *data.ImportSource
	sheet int

	info     *widget.Label
	sheets   *widget.Select
	columns  *widget.List
	problems *widget.Label
	// multiline is the user's yes to rows whose cells run over several lines, shown only when the file
	// has such rows: without it the import refuses them all.
	multiline *widget.Check
	policy    *widget.Select
	// owner is who gets the cards the file gives no owner; owners are its choices after "nobody".
	owner    *widget.Select
	owners   []data.Member
	preview  *widget.Button
	run      *widget.Button
	undo     *widget.Button
	saveRej  *widget.Button
	bar      *widget.ProgressBar
	cancel   *widget.Button
	result   *widget.Label
	rejected *widget.List

	fieldKeys   []data.ImportField // the choices of a column's select; "" leaves it out
	fieldLabels []string
	report      *data.ImportReport
	// lines are the report's rows to look at: the rejected ones, then the ones imported with a note.
	lines    []string
	stop     context.CancelFunc
	controls *fyne.Container
}

// importFilter is what the import takes: CSV, Excel workbooks and SalesDesk's JSON export.
var importFilter = storage.NewExtensionFileFilter([]string{".csv", ".xlsx", ".json"})

// onImport asks for a file, then opens the import window over it.
func (u *ui) onImport() {
	open := dialog.NewFileOpen(u.onImportFileChosen, u.win)
	open.SetFilter(importFilter)
	showFileDialog(open, u.win, T("filedialog.import"))
}

func (u *ui) onImportFileChosen(rc fyne.URIReadCloser, err error) {
	if err != nil || rc == nil {
		if err != nil {
			u.showError(u.win, err)
		}
		return
	}
	if strings.EqualFold(rc.URI().Extension(), ".json") {
		if u.local == nil {
			_ = rc.Close()
			// A JSON export fills an empty file: the host's is the office's, never empty.
			u.showError(u.win, errors.New(T("office.import_json_local")))
			return
		}
		u.importJSONFrom(rc, u.me(), nil)
		return
	}
	path := rc.URI().Path()
	_ = rc.Close()
	if u.local == nil {
		// A joined desktop sends the file to the host, which reads it again and remembers mappings.
		u.uploadImport(path)
		return
	}
	src, err := u.local.OpenImport(path)
	if err != nil {
		u.showError(u.win, err)
		return
	}
	u.openImport(src)
}

// uploadImport sends a file of this desktop to the office's host behind a progress bar, then opens
// the import window over it.
func (u *ui) uploadImport(path string) {
	cl, ok := u.session.(*office.Client)
	if !ok {
		return
	}
	var src *data.ImportSource
	u.withProgressThen(T("office.import_sending"), T("office.import_host_reading"), func(ctx context.Context, progress data.Progress) (err error) {
		src, err = cl.OpenImportContext(ctx, path, progress)
		return err
	}, func() { u.openImport(src) }, nil)
}

// importer reads and imports the wizard's file: the open file, or the office's host.
func (u *ui) importer() data.Importer {
	if u.local != nil {
		return u.local
	}
	return u.session.(*office.Client)
}

// importJSONFrom reads a SalesDesk JSON export into the file, which must be empty (data.ImportJSON),
// off the UI thread, as by; the screens are built again over what it brought.
func (u *ui) importJSONFrom(rc fyne.URIReadCloser, by data.Actor, done func()) {
	bar := widget.NewProgressBarInfinite()
	d := dialog.NewCustomWithoutButtons(T("welcome.loading"), bar, u.win)
	d.Show()
	st := u.local
	u.background(func() {
		_, err := st.ImportJSON(rc)
		_ = rc.Close()
		fyne.Do(func() {
			d.Hide()
			if err != nil {
				u.showError(u.win, err)
				return
			}
			if done != nil {
				done()
			}
			// The export brought its team: a team of several signs in.
			u.afterDemo()
		})
	})
}

func (u *ui) openImport(src *data.ImportSource) *importWindow {
	iw := &importWindow{u: u, src: src}
	lang := currentLanguage()
	iw.fieldKeys = []data.ImportField{""}
	iw.fieldLabels = []string{T("import.skip_column")}
	for _, f := range data.ImportFields() {
		iw.fieldKeys = append(iw.fieldKeys, f.Key)
		iw.fieldLabels = append(iw.fieldLabels, f.Key.Label(lang))
	}
	iw.win = u.app.NewWindow(T("import.title") + " — " + src.Name)
	u.trackWindow(iw.win)
	iw.buildUI()
	iw.showSheet(0)
	iw.win.SetOnClosed(func() {
		if iw.stop != nil {
			iw.stop()
		}
		_ = src.Close()
		delete(u.others, iw.win)
	})
	// No bigger than the main window: on a small screen the import must fit too.
	main := u.win.Canvas().Size()
	iw.win.Resize(fyne.NewSize(min(900, max(main.Width, 640)), min(680, max(main.Height, 480))))
	iw.win.Show()
	return iw
}

func (iw *importWindow) buildUI() {
	iw.info = widget.NewLabel("")
	iw.info.Wrapping = proseWrap()
	var names []string
	for _, sh := range iw.src.Sheets {
		names = append(names, sh.Name)
	}
	iw.sheets = newSelect(names, nil)
	if len(names) < 2 {
		iw.sheets.Hide()
	}
	iw.columns = widget.NewList(func() int { return len(iw.current().Header) },
		func() fyne.CanvasObject {
			head := widget.NewLabel("")
			head.Truncation = fyne.TextTruncateEllipsis
			sample := widget.NewLabel("")
			sample.Truncation = fyne.TextTruncateEllipsis
			sample.Importance = widget.LowImportance
			return container.NewGridWithColumns(3, head, sample, newSelect(iw.fieldLabels, nil))
		}, iw.updateColumn)
	iw.problems = widget.NewLabel("")
	iw.problems.Wrapping = proseWrap()
	iw.problems.Importance = widget.WarningImportance
	iw.multiline = widget.NewCheck(T("import.multiline_ok"), nil)
	if iw.src.TotalMultiline() == 0 {
		iw.multiline.Hide()
	}
	var policies []string
	for _, p := range data.DuplicatePolicies {
		policies = append(policies, T("import.dup."+string(p)))
	}
	// A select, not radio buttons side by side: the three choices do not fit an 800-wide window.
	iw.policy = newSelect(policies, nil)
	iw.policy.SetSelected(policies[0])
	// Cards without an owner reach nobody's agenda: by default they go to whoever imports them.
	iw.owners = iw.u.members()
	iw.owner = newOwnerSelect(iw.owners, iw.u.me().MemberID)
	iw.preview = widget.NewButtonWithIcon(T("import.preview"), theme.VisibilityIcon(), func() { iw.start(true) })
	iw.run = widget.NewButtonWithIcon(T("import.run"), theme.UploadIcon(), func() { iw.start(false) })
	iw.run.Importance = widget.HighImportance
	iw.undo = widget.NewButtonWithIcon(T("import.undo"), theme.ContentUndoIcon(), iw.onUndo)
	iw.undo.Hide()
	iw.saveRej = widget.NewButtonWithIcon(T("import.save_rejects"), theme.DocumentSaveIcon(), iw.onSaveRejects)
	iw.saveRej.Hide()
	iw.bar = widget.NewProgressBar()
	iw.bar.Hide()
	iw.cancel = widget.NewButton(T("action.cancel"), func() {
		if iw.stop != nil {
			iw.stop()
		}
	})
	iw.cancel.Hide()
	iw.result = widget.NewLabel("")
	iw.result.Wrapping = proseWrap()
	iw.rejected = widget.NewList(func() int { return len(iw.lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Wrapping = proseWrap()
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(iw.lines) {
				o.(*widget.Label).SetText(iw.lines[i])
				iw.rejected.SetItemHeight(i, o.MinSize().Height)
			}
		})
	head := container.NewGridWithColumns(3, bold(T("import.col.header")), bold(T("import.col.sample")), bold(T("import.col.field")))
	top := container.NewVBox(iw.info, iw.sheets, head)
	mapping := container.NewBorder(top, container.NewVBox(iw.problems, iw.multiline), nil, nil, iw.columns)
	iw.controls = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(T("import.default_owner")), nil, iw.owner),
		container.NewBorder(nil, nil, widget.NewLabel(T("import.duplicates")), nil, iw.policy),
		container.NewHBox(iw.preview, iw.run, iw.undo, iw.saveRej),
		container.NewBorder(nil, nil, nil, iw.cancel, iw.bar),
		iw.result)
	split := container.NewVSplit(mapping, container.NewBorder(iw.controls, nil, nil, nil, iw.rejected))
	split.Offset = 0.55
	iw.win.SetContent(split)
	iw.sheets.OnChanged = func(string) { iw.showSheet(iw.sheets.SelectedIndex()) }
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func (iw *importWindow) current() *data.ImportSheet { return iw.src.Sheets[iw.sheet] }

func (iw *importWindow) showSheet(i int) {
	if i < 0 || i >= len(iw.src.Sheets) {
		return
	}
	iw.sheet = i
	sh := iw.current()
	iw.info.SetText(Tf("import.info", iw.src.Name, iw.src.Format, iw.src.Encoding, sh.Rows, sh.HeaderRow))
	iw.columns.Refresh()
	iw.showProblems()
}

func (iw *importWindow) updateColumn(i widget.ListItemID, o fyne.CanvasObject) {
	sh := iw.current()
	if i >= len(sh.Header) {
		return
	}
	cells := o.(*fyne.Container).Objects
	// Excerpts: a label lays out all of its text before it truncates, and a cell may hold megabytes.
	cells[0].(*widget.Label).SetText(data.Excerpt(sh.Header[i]))
	sample := ""
	if len(sh.Sample) > 0 && i < len(sh.Sample[0].Cells) {
		sample = sh.Sample[0].Cells[i]
	}
	cells[1].(*widget.Label).SetText(data.Excerpt(sample))
	sel := cells[2].(*widget.Select)
	sel.OnChanged = nil // recycled rows: setting the shown choice is not the user's change
	current := sh.Mapping.Field(i)
	for k, f := range iw.fieldKeys {
		if f == current {
			sel.SetSelectedIndex(k)
		}
	}
	sel.OnChanged = func(string) {
		if k := sel.SelectedIndex(); k >= 0 {
			sh.Mapping.Set(i, iw.fieldKeys[k])
			// A field maps from one column: the one it left shows it left.
			iw.columns.Refresh()
			iw.showProblems()
		}
	}
}

func (iw *importWindow) showProblems() {
	lines := mappingProblems(iw.current().Mapping)
	if sh := iw.current(); sh.MultilineRows > 0 {
		lines = append(lines, Tf("import.multiline", sh.MultilineRows))
		for _, p := range sh.Multiline {
			lines = append(lines, "  "+Tf("import.row", p.Row)+"  "+p.Column+": "+p.Message)
		}
	}
	iw.problems.SetText(strings.Join(lines, "\n"))
}

// mappingProblems says, in the window's language, what the mapping still lacks (data.Mapping.Problems
// in words of its own; the window's selects cannot map a field twice or an unknown one).
func mappingProblems(m data.Mapping) []string {
	mapped := map[data.ImportField]bool{}
	for _, c := range m.Columns {
		if c.Field != "" {
			mapped[c.Field] = true
		}
	}
	if len(mapped) == 0 {
		return []string{T("import.map.none")}
	}
	var out []string
	if !mapped[data.FieldName] && !mapped[data.FieldCardNo] {
		out = append(out, T("import.map.no_customer"))
	}
	kind := m.Kind()
	for _, d := range data.ImportFields() {
		if d.Required && d.Group == kind && d.Group != data.GroupCustomer && !mapped[d.Key] {
			out = append(out, Tf("import.map.required", d.Key.Label(currentLanguage())))
		}
	}
	return out
}

func rejectText(r data.RejectedRow) string {
	var msgs []string
	for _, p := range r.Problems {
		what := p.Column
		if what == "" {
			what = string(p.Field)
		}
		msgs = append(msgs, what+": "+problemText(p))
	}
	return Tf("import.row", r.Row) + "  " + strings.Join(msgs, "；")
}

// defaultOwner is the member the owner select names, 0 for nobody.
func (iw *importWindow) defaultOwner() uint64 {
	return ownerOf(iw.owners, iw.owner)
}

// notedRows groups the warnings by row, in the report's order: one line per row in the window.
func notedRows(ws []data.RowProblem) [][]data.RowProblem {
	var out [][]data.RowProblem
	for _, w := range ws {
		if n := len(out); n > 0 && out[n-1][0].Row == w.Row && out[n-1][0].Sheet == w.Sheet {
			out[n-1] = append(out[n-1], w)
			continue
		}
		out = append(out, []data.RowProblem{w})
	}
	return out
}

// notedText says what became of a row imported with a note: which cell, why, and where its value went.
func (iw *importWindow) notedText(ws []data.RowProblem) string {
	var msgs []string
	for _, p := range ws {
		what := p.Column
		if what == "" {
			what = string(p.Field)
		}
		if p.Value != "" {
			what += " “" + p.Value + "”"
		}
		why := problemText(p)
		switch {
		case errors.Is(p.Err, data.ErrPhoneInvalid), errors.Is(p.Err, data.ErrEmailInvalid):
			why = errorText(p.Err) + T("import.kept_in_notes")
		case errors.Is(p.Err, data.ErrUnknownMember) && p.Field == data.FieldOwner:
			why = T("err.unknown_member") + T("import.owner_none")
			if id := iw.defaultOwner(); id != 0 {
				why = T("err.unknown_member") + Tf("import.owner_default", iw.u.memberName(id))
			}
		}
		msgs = append(msgs, what+": "+why)
	}
	return Tf("import.row", ws[0].Row) + " " + T("import.noted") + "  " + strings.Join(msgs, "；")
}

// problemText translates a row's problem when SalesDesk knows its error, else shows it as written.
func problemText(p data.RowProblem) string {
	// errorText knows SalesDesk's own errors; any other reads as "something went wrong: …", which a
	// row's own message says better.
	if p.Err != nil {
		if t := errorText(p.Err); t != Tf("err.other", p.Err.Error()) {
			return t
		}
	}
	return p.Message
}

// start runs a dry run over the first rows (a preview) or the import, off the UI thread.
func (iw *importWindow) start(dry bool) {
	var mappings []data.Mapping
	for _, sh := range iw.src.Sheets {
		if !sh.Skip {
			mappings = append(mappings, sh.Mapping)
		}
	}
	opt := data.ImportOptions{OnDuplicate: data.DuplicateSkip, DryRun: dry, AllowMultiline: iw.multiline.Checked,
		DefaultOwner: iw.defaultOwner()}
	for k, p := range data.DuplicatePolicies {
		if iw.policy.Selected == T("import.dup."+string(p)) {
			opt.OnDuplicate = data.DuplicatePolicies[k]
		}
	}
	if dry {
		opt.Limit = 20
	}
	ctx, cancel := context.WithCancel(context.Background())
	iw.stop = cancel
	iw.preview.Disable()
	iw.run.Disable()
	iw.bar.SetValue(0)
	iw.bar.Show()
	iw.cancel.Show()
	opt.Progress = func(p data.ImportProgress) {
		if p.Total > 0 {
			fyne.Do(func() { iw.bar.SetValue(float64(p.Done) / float64(p.Total)) })
		}
	}
	st, local, src := iw.u.store, iw.u.importer(), iw.src
	var rep *data.ImportReport
	iw.u.write(nil, func() (err error) {
		defer cancel()
		// The mappings chosen are remembered first, for the next file of the same shape.
		for _, m := range mappings {
			if err := st.SaveMapping(m); err != nil {
				return err
			}
		}
		rep, err = local.Import(ctx, src, opt)
		return err
	}, func(err error) { iw.finished(rep, err, dry) })
}

func (iw *importWindow) finished(rep *data.ImportReport, err error, dry bool) {
	iw.stop = nil
	iw.bar.Hide()
	iw.cancel.Hide()
	iw.preview.Enable()
	iw.run.Enable()
	if err != nil && rep == nil {
		iw.u.showError(iw.win, err)
		return
	}
	iw.report = rep
	args := []any{rep.Rows, rep.Customers.Created, rep.Customers.Updated, rep.Customers.Skipped,
		rep.Opportunities.Created + rep.Opportunities.Updated, rep.FollowUps.Created, len(rep.Rejected)}
	// The rejected rows are listed below the result; with none, nothing is.
	below := ""
	if len(rep.Rejected) > 0 {
		below = T("import.below")
	}
	var result string
	switch {
	case dry:
		result = Tf("import.previewed", append(args, below)...)
	case rep.Cancelled:
		result = Tf("import.cancelled", args...)
	default:
		result = Tf("import.done", append(args, below)...)
	}
	noted := notedRows(rep.Warnings)
	if len(noted) > 0 {
		result += "\n" + Tf("import.noted_count", len(noted))
	}
	iw.result.SetText(result)
	iw.lines = iw.lines[:0]
	for _, r := range rep.Rejected {
		iw.lines = append(iw.lines, rejectText(r))
	}
	for _, ws := range noted {
		iw.lines = append(iw.lines, iw.notedText(ws))
	}
	iw.rejected.Refresh()
	if len(rep.Rejected) > 0 {
		iw.saveRej.Show()
	} else {
		iw.saveRej.Hide()
	}
	if !dry && rep.ImportID != 0 {
		iw.undo.Show()
		iw.run.Disable() // the same file again would import it twice
		iw.u.refreshSelected()
	}
	// Buttons shown or hidden above: the row lays them out again.
	iw.controls.Refresh()
	// A cancel the user asked for is told by the result line above, not as an error.
	if err != nil && !(rep.Cancelled && errors.Is(err, data.ErrImportCancelled)) {
		iw.u.showError(iw.win, err)
	}
}

func (iw *importWindow) onSaveRejects() {
	if iw.report == nil {
		return
	}
	save := dialog.NewFileSave(iw.onRejectsFileChosen(iw.report), iw.win)
	save.SetFileName(strings.TrimSuffix(iw.src.Name, "."+strings.ToLower(string(iw.src.Format))) + "-rejected.csv")
	showFileDialog(save, iw.win, T("filedialog.rejects"))
}

// onRejectsFileChosen is the save dialog's callback of onSaveRejects.
func (iw *importWindow) onRejectsFileChosen(rep *data.ImportReport) func(fyne.URIWriteCloser, error) {
	return func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			if err != nil {
				iw.u.showError(iw.win, err)
			}
			return
		}
		if err := iw.u.checkSave(wc); err != nil {
			iw.u.showError(iw.win, err)
			return
		}
		if err = rep.WriteRejects(wc); err != nil {
			abortSave(wc)
		} else {
			err = wc.Close()
		}
		if err != nil {
			iw.u.showError(iw.win, err)
		}
	}
}

// onUndo takes the whole import back; records changed since are named, and reverted only if the
// user says so.
func (iw *importWindow) onUndo() { iw.undoImport(false) }

func (iw *importWindow) undoImport(force bool) {
	var rep *data.UndoReport
	st, importID := iw.u.store, iw.report.ImportID
	iw.u.write(iw.undo, func() (err error) {
		rep, err = st.UndoImport(importID, force)
		return err
	}, func(err error) { iw.undone(rep, err, force) })
}

func (iw *importWindow) undone(rep *data.UndoReport, err error, force bool) {
	var conflict *data.UndoConflictError
	if errors.As(err, &conflict) && !force {
		d := dialog.NewConfirm(T("import.undo"), Tf("import.undo_conflicts", conflict.Error()), func(ok bool) {
			if ok {
				iw.undoImport(true)
			}
		}, iw.win)
		d.Show()
		return
	}
	if err != nil {
		iw.u.showError(iw.win, err)
		return
	}
	iw.undo.Hide()
	iw.result.SetText(Tf("import.undone", rep.Customers.Removed+rep.Opportunities.Removed+rep.FollowUps.Removed,
		rep.Customers.Restored+rep.Opportunities.Restored+rep.FollowUps.Restored))
	iw.u.refreshSelected()
}

// importsDialog lists the imports made into the file, newest first, each with its counts and an
// Undo while it has not been undone.
type importsDialog struct {
	u       *ui
	records []data.ImportRecord
	list    *escList
	dialog  dialog.Dialog
}

func (u *ui) onImports() *importsDialog {
	id := &importsDialog{u: u}
	if err := id.load(); err != nil {
		u.showError(u.win, err)
		return nil
	}
	id.list = newDialogList(func() int { return len(id.records) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Wrapping = proseWrap()
			return container.NewBorder(nil, nil, nil, widget.NewButtonWithIcon(T("import.undo_short"), theme.ContentUndoIcon(), nil), l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(id.records) {
				return
			}
			r := id.records[i]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(importLine(r))
			b := c.Objects[1].(*widget.Button)
			b.OnTapped = func() { id.undo(r.ID, false) }
			if r.Undone {
				b.Disable()
			} else {
				b.Enable()
			}
		})
	id.dialog = dialog.NewCustom(T("import.history"), T("action.close"), id.list, u.win)
	id.dialog.Resize(fyne.NewSize(760, 480))
	u.track(id.dialog)
	id.dialog.Show()
	return id
}

func (id *importsDialog) load() error {
	recs, err := id.u.store.Imports()
	if err != nil {
		return err
	}
	// Newest first: the one to undo is usually the last.
	for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
		recs[i], recs[j] = recs[j], recs[i]
	}
	id.records = recs
	return nil
}

func importLine(r data.ImportRecord) string {
	line := Tf("import.history_line", formatDateTime(r.At), r.File, r.By, r.Rows,
		r.Customers.Created, r.Customers.Updated, r.Opportunities.Created, r.FollowUps.Created, r.Rejected)
	switch {
	case r.Undone:
		line += "  " + Tf("import.history_undone", formatDateTime(r.UndoneAt), r.UndoneBy)
	case r.Cancelled || !r.Finished:
		line += "  " + T("import.history_partial")
	}
	return line
}

func (id *importsDialog) undo(importID uint64, force bool) {
	st := id.u.store
	id.u.write(nil, func() error {
		_, err := st.UndoImport(importID, force)
		return err
	}, func(err error) { id.undone(importID, err, force) })
}

func (id *importsDialog) undone(importID uint64, err error, force bool) {
	var conflict *data.UndoConflictError
	if errors.As(err, &conflict) && !force {
		d := dialog.NewConfirm(T("import.undo"), Tf("import.undo_conflicts", conflict.Error()), func(ok bool) {
			if ok {
				id.undo(importID, true)
			}
		}, id.u.win)
		d.Show()
		return
	}
	if err != nil {
		id.u.showError(id.u.win, err)
		return
	}
	if err := id.load(); err != nil {
		id.u.showError(id.u.win, err)
	}
	id.list.Refresh()
	id.u.refreshSelected()
}
