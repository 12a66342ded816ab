package gui

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
	"salesdesk/data/storage"
	"salesdesk/gui/chart"
)

// targetsForm edits a period's targets: the team's, then each rep's, one scope at a time. Switching
// the scope keeps what was typed in the other, so one save writes them all.
type targetsForm struct {
	s      *metricsScreen
	period data.Period
	set    data.TargetSet
	scope  *escSelect
	owners []uint64 // the scope's choices: 0 for the team, then the reps
	shown  uint64   // the scope the entries show
	loaded bool     // whether the entries show shown's targets yet
	fields map[data.Metric]*field
	msg    *widget.Label
	save   *widget.Button
	dialog dialog.Dialog
}

func (s *metricsScreen) onEditTargets() {
	p := s.selected()
	set, err := s.u.store.Targets(p)
	if err != nil {
		s.u.showError(s.u.win, err)
		return
	}
	if set.Team == nil {
		set.Team = data.Targets{}
	}
	if set.Owners == nil {
		set.Owners = map[uint64]data.Targets{}
	}
	f := &targetsForm{s: s, period: p, set: set, fields: map[data.Metric]*field{}, msg: widget.NewLabel("")}
	f.msg.Wrapping = proseWrap()
	choices := []string{T("metrics.team")}
	f.owners = []uint64{0}
	members := s.u.members()
	names := map[string]int{}
	for _, m := range members {
		names[m.Name]++
	}
	for _, m := range members {
		if m.Active {
			label := m.Name
			if names[m.Name] > 1 { // a select tells its choices apart by their text
				label = fmt.Sprintf("%s (#%d)", m.Name, m.ID)
			}
			choices = append(choices, label)
			f.owners = append(f.owners, m.ID)
		}
	}
	f.scope = newDialogSelect(choices, func(string) { f.onScopeChanged() })
	var rows []*field
	for _, c := range metricColumns {
		e := newParsedEntry("", "metrics.target_hint."+string(c.metric), func(v string) error {
			_, err := parseTarget(v)
			return err
		})
		fl := newField("target."+string(c.metric), e)
		f.fields[c.metric] = fl
		rows = append(rows, fl)
	}
	f.scope.SetSelectedIndex(0)
	f.save = widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), f.onSave)
	f.save.Importance = widget.HighImportance
	cancel := widget.NewButton(T("action.cancel"), func() { f.dialog.Hide() })
	body := container.NewBorder(
		container.NewVBox(widget.NewLabel(Tf("metrics.targets_of", periodLabel(p))), container.NewBorder(nil, nil, widget.NewLabel(T("metrics.scope")), nil, f.scope)),
		container.NewVBox(f.msg, container.NewHBox(cancel, f.save)), nil, nil,
		container.NewVScroll(formGrid(rows...)))
	f.dialog = dialog.NewCustomWithoutButtons(T("metrics.targets_title"), body, s.u.win)
	f.dialog.Resize(fyne.NewSize(560, 520))
	s.u.track(f.dialog)
	s.targets = f
	f.dialog.Show()
}

func (f *targetsForm) onSave() {
	f.write(func() {
		f.dialog.Hide()
		f.s.reload()
	})
}

// parseTarget reads a target as typed: 35, 35%, 45,000, 4.5万, ¥45000. Empty means no target.
func parseTarget(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	mult := 1.0
	if rest, ok := strings.CutSuffix(t, "万"); ok {
		t, mult = rest, 1e4
	}
	t = strings.NewReplacer(",", "", "，", "", "%", "", "％", "", "¥", "", "￥", "", " ", "").Replace(t)
	for _, unit := range []string{"天", "days", "day"} {
		t = strings.TrimSuffix(t, unit)
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return 0, data.ErrTargetNotPositive
	}
	return v * mult, nil
}

// collect reads the entries into the shown scope's targets; it reports whether all of them parsed.
func (f *targetsForm) collect() bool {
	t := data.Targets{}
	ok := true
	for m, fl := range f.fields {
		v, err := parseTarget(fl.entry.Text)
		fl.setError(err)
		switch {
		case err != nil:
			ok = false
		case v > 0:
			t[m] = v
		}
	}
	if !ok {
		return false
	}
	if f.shown == 0 {
		f.set.Team = t
	} else if len(t) > 0 {
		f.set.Owners[f.shown] = t
	} else {
		delete(f.set.Owners, f.shown)
	}
	return true
}

func (f *targetsForm) onScopeChanged() {
	next := f.owners[max(f.scope.SelectedIndex(), 0)]
	if f.loaded && next == f.shown {
		return
	}
	if f.loaded && !f.collect() {
		// Stay on the scope whose entries are wrong: what was typed there is not lost.
		f.scope.SetSelectedIndex(indexOf(f.owners, f.shown))
		return
	}
	f.shown, f.loaded = next, true
	t := f.set.Team
	if next != 0 {
		t = f.set.Owners[next]
	}
	for m, fl := range f.fields {
		text := ""
		if v, ok := t[m]; ok {
			text = strconv.FormatFloat(v, 'f', -1, 64)
		}
		fl.entry.SetText(text)
		fl.setError(nil)
	}
}

func indexOf(ids []uint64, id uint64) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return 0
}

// write saves every scope's targets off the UI thread, then runs ok; a refused target is shown at its
// field, in its scope, and what was typed stays.
func (f *targetsForm) write(ok func()) {
	if !f.collect() {
		return
	}
	// The form goes on editing its own set (a scope change collects into it) while this one is written.
	set, p, st := cloneTargets(f.set), f.period, f.s.u.store
	f.s.u.write(f.save, func() error { return st.SaveTargets(p, set) }, func(err error) {
		if err == nil {
			ok()
			return
		}
		f.showRefusal(err)
	})
}

func cloneTargets(t data.TargetSet) data.TargetSet {
	out := data.TargetSet{Team: maps.Clone(t.Team), Owners: make(map[uint64]data.Targets, len(t.Owners))}
	for id, ts := range t.Owners {
		out.Owners[id] = maps.Clone(ts)
	}
	return out
}

func (f *targetsForm) showRefusal(err error) {
	var fe data.FieldErrors
	if !errors.As(err, &fe) {
		f.s.u.showError(f.s.u.win, err)
		return
	}
	var elsewhere []string
	for _, e := range fe {
		owner, metric := uint64(0), e.Field
		if rest, ok := strings.CutPrefix(e.Field, "owners."); ok {
			id, m, _ := strings.Cut(rest, ".")
			owner, _ = strconv.ParseUint(id, 10, 64)
			metric = m
		}
		if fl, ok := f.fields[data.Metric(metric)]; ok && owner == f.shown {
			fl.setError(e.Err)
			continue
		}
		elsewhere = append(elsewhere, f.scopeName(owner)+": "+T("field.target."+metric)+" — "+errorText(e.Err))
	}
	f.msg.SetText(strings.Join(elsewhere, "\n"))
}

func (f *targetsForm) scopeName(owner uint64) string {
	if owner == 0 {
		return T("metrics.team")
	}
	if m, err := f.s.u.store.Member(owner); err == nil {
		return m.Name
	}
	return fmt.Sprint(owner)
}

// onExport offers the exports of the shown period.
func (s *metricsScreen) onExport() {
	var d dialog.Dialog
	choice := func(key string, icon fyne.Resource, run func()) *widget.Button {
		return widget.NewButtonWithIcon(T(key), icon, func() { d.Hide(); run() })
	}
	base := "salesdesk-" + s.dash.Period.String()
	// What the exports write is taken now, on the UI thread: a reload may replace the dashboard
	// while they run.
	trend, sg, period, st, lang := s.dash.Trend, s.dash.Segments, s.dash.Period, s.u.store, currentLanguage()
	box := container.NewVBox(
		choice("metrics.export.table", theme.GridIcon(), func() {
			s.exportFile(base+".xlsx", func(w io.Writer, _ *atomic.Bool) error {
				return data.WriteReportXLSX(w, trend, lang)
			})
		}),
		choice("metrics.export.segments", theme.ListIcon(), func() {
			s.exportFile(base+"-segments.xlsx", func(w io.Writer, cancel *atomic.Bool) error {
				customers, err := data.AllSegmentCustomers(st, period, cancel.Load)
				if err != nil {
					return err
				}
				return data.WriteSegmentsXLSX(w, sg, customers, lang)
			})
		}),
		choice("metrics.export.charts", theme.MediaPhotoIcon(), s.exportCharts),
		choice("metrics.export.pdf", theme.DocumentPrintIcon(), s.exportPDF),
	)
	d = dialog.NewCustom(T("metrics.export_title"), T("action.cancel"), box, s.u.win)
	s.u.track(d)
	d.Show()
}

// exportFile saves an export of the screen (ui.exportFile).
func (s *metricsScreen) exportFile(name string, write func(io.Writer, *atomic.Bool) error) {
	s.u.exportFile(name, write)
}

// exportFile asks where to save, then writes off the UI thread with a progress dialog that can cancel:
// the file is written only once the whole export is in memory, so a cancelled or failed export leaves
// no half-written file behind.
func (u *ui) exportFile(name string, write func(io.Writer, *atomic.Bool) error) {
	save := dialog.NewFileSave(u.onExportChosen(write), u.win)
	save.SetFileName(name)
	showFileDialog(save, u.win, T("filedialog.export"))
}

// onExportChosen is the save dialog's callback of exportFile.
func (u *ui) onExportChosen(write func(io.Writer, *atomic.Bool) error) func(fyne.URIWriteCloser, error) {
	return func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError(u.win, err)
			return
		}
		if wc == nil {
			return // the user closed the dialog
		}
		if err := u.checkSave(wc); err != nil {
			u.showError(u.win, err)
			return
		}
		var cancelled atomic.Bool
		bar := widget.NewProgressBarInfinite()
		var prog dialog.Dialog
		stop := widget.NewButton(T("action.cancel"), func() { cancelled.Store(true); prog.Hide() })
		prog = dialog.NewCustomWithoutButtons(T("metrics.exporting"), container.NewVBox(widget.NewLabel(wc.URI().Name()), bar, stop), u.win)
		prog.Show()
		u.background(func() {
			var buf bytes.Buffer
			err := write(&buf, &cancelled)
			if err == nil && !cancelled.Load() {
				_, err = wc.Write(buf.Bytes())
			}
			if err != nil || cancelled.Load() {
				abortSave(wc) // a file the user had stays as it was
			} else {
				err = wc.Close()
			}
			fyne.Do(func() {
				prog.Hide()
				switch {
				case cancelled.Load():
				case err != nil:
					u.showError(u.win, err)
				default:
					dialog.ShowInformation(T("metrics.export_title"), Tf("metrics.exported", wc.URI().Path()), u.win)
				}
			})
		})
	}
}

// exportedChart is a chart drawn offscreen, with the name its PNG file takes.
type exportedChart struct {
	Title, File string
	Image       image.Image
}

// pngChartSize is an exported chart's size, for screens and slides; pdfChartSize is smaller, so that
// its labels print at a readable size when the chart is scaled to half an A4 page.
var (
	pngChartSize = fyne.NewSize(1200, 720)
	pdfChartSize = fyne.NewSize(800, 480)
)

// renderCharts draws a fresh set of the shown charts offscreen, in the light theme a printout needs.
// It runs on the UI thread: drawing reads the theme and the fonts as the window does.
// In the PDF each chart sits under a printed heading, so the chart's own title is left out there.
func (s *metricsScreen) renderCharts(size fyne.Size, titled bool) []exportedChart {
	set := newChartSet(titled)
	set.fill(s.dash, s.u)
	th := chart.FixedVariant(s.u.app.Settings().Theme(), theme.VariantLight)
	var out []exportedChart
	titles := []string{T("metrics.chart.trend"), T("metrics.chart.values"), T("metrics.chart.funnel"),
		T("metrics.chart.composition"), T("metrics.chart.pareto"), T("metrics.chart.rfm"), T("metrics.chart.reps")}
	for i, n := range set.named() {
		out = append(out, exportedChart{Title: titles[i], File: n.file, Image: chart.Render(n.chart, size, th)})
	}
	return out
}

func (s *metricsScreen) exportCharts() {
	open := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			s.u.showError(s.u.win, err)
			return
		}
		if dir == nil {
			return
		}
		charts := s.renderCharts(pngChartSize, true)
		guard := s.u.outputGuard()
		paths := make([]string, len(charts))
		var existing []string
		for i, c := range charts {
			paths[i] = filepath.Join(dir.Path(), "salesdesk-"+s.dash.Period.String()+"-"+c.File+".png")
			if err := guard.Check(paths[i]); err != nil {
				s.u.showError(s.u.win, err)
				return
			}
			if _, err := os.Lstat(paths[i]); err == nil {
				existing = append(existing, filepath.Base(paths[i]))
			}
		}
		write := func() {
			var written []string
			for i, c := range charts {
				if err := storage.WriteOutput(paths[i], guard, true, func(w io.Writer) error { return png.Encode(w, c.Image) }); err != nil {
					s.u.showError(s.u.win, err)
					return
				}
				written = append(written, filepath.Base(paths[i]))
			}
			dialog.ShowInformation(T("metrics.export_title"), Tf("metrics.exported", dir.Path()+"\n"+strings.Join(written, "\n")), s.u.win)
		}
		if len(existing) == 0 {
			write()
			return
		}
		// The names are fixed, so files of an earlier export are replaced only when the user agrees.
		confirm := dialog.NewConfirm(T("metrics.export_title"), Tf("metrics.export_replace", strings.Join(existing, "\n")),
			func(ok bool) {
				if ok {
					write()
				}
			}, s.u.win)
		s.u.track(confirm)
		confirm.Show()
	}, s.u.win)
	showFileDialog(open, s.u.win, T("filedialog.charts"))
}

func (s *metricsScreen) exportPDF() {
	charts := s.renderCharts(pdfChartSize, false)
	d := s.dash
	rc := make([]reportChart, len(charts))
	for i, c := range charts {
		rc[i] = reportChart{Title: c.Title, Image: c.Image}
	}
	lang := currentLanguage()
	s.exportFile("salesdesk-"+d.Period.String()+".pdf", func(w io.Writer, _ *atomic.Bool) error {
		return writeQuarterPDF(w, d, rc, lang, nil)
	})
}
