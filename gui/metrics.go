package gui

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
	"salesdesk/gui/chart"
)

// chartIcon is the metrics tab's icon, drawn in the theme's colours: Fyne's set has no chart.
var chartIcon = theme.NewThemedResource(fyne.NewStaticResource("chart.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">`+
	`<path fill="#000" d="M3 20h18v2H3zM5 11h3v8H5zM10.5 6h3v13h-3zM16 13h3v6h-3z"/></svg>`)))

// trendPeriods is how many periods the table and the trend charts cover: two years of quarters.
const trendPeriods = 8

// metricsScreen is the manager's view (template 4 of seed 000): a period's figures against their
// targets over the last eight periods, the charts of where the funnel leaks and who carries the
// business, and the period's problems and measures.
type metricsScreen struct {
	u       *ui
	content fyne.CanvasObject

	kind      *widget.Select
	period    *fitSelect
	periods   []data.Period
	busy      *widget.ProgressBarInfinite
	status    *widget.Label
	table     *widget.Table
	reps      *widget.Table
	hints     *widget.Label
	problems  *textEntry
	measures  *textEntry
	notesMsg  *widget.Label
	notesSave *widget.Button
	charts    *chartSet
	targets   *targetsForm // the targets form last opened

	// notes are the period's problems and measures as last read from the file or saved.
	notes       data.PeriodNotes
	notesPeriod data.Period

	dash data.Dashboard
	// loads counts the dashboards asked for, so that a slow one finishing after a newer one is dropped.
	loads uint64
}

// chartSet is one of each chart of the screen; exports build a second set, since a chart drawn in the
// window cannot be drawn offscreen at the same time.
type chartSet struct {
	trend  *chart.BarLine
	values *chart.Lines
	funnel *chart.Funnel
	share  *chart.Share
	pareto *chart.Pareto
	rfm    *chart.Bars
	target *chart.Target
}

func newMetricsScreen(u *ui) *metricsScreen {
	s := &metricsScreen{u: u}
	s.buildUI()
	return s
}

var periodKinds = []data.PeriodKind{data.PeriodQuarter, data.PeriodMonth, data.PeriodYear}

func (s *metricsScreen) buildUI() {
	s.kind = newSelect([]string{T("metrics.kind.quarter"), T("metrics.kind.month"), T("metrics.kind.year")}, nil)
	s.kind.SetSelectedIndex(0)
	s.kind.OnChanged = func(string) { s.onKindChanged() }
	s.period = newFitSelect(nil, func(string) { s.reload() }) // "2026年第4季度" whole
	s.fillPeriods()
	s.busy = widget.NewProgressBarInfinite()
	s.busy.Hide()
	s.status = widget.NewLabel("")
	s.status.Importance = widget.WarningImportance

	targets := widget.NewButtonWithIcon(T("metrics.targets"), theme.DocumentCreateIcon(), s.onEditTargets)
	export := widget.NewButtonWithIcon(T("metrics.export"), theme.DownloadIcon(), s.onExport)
	s.u.allowIf(targets, data.PermTargets)
	s.u.allowIf(export, data.PermExport)
	top := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel(T("metrics.period")), s.kind, s.period, s.status),
		container.NewHBox(targets, export), s.busy)

	s.table = s.newFiguresTable("metrics.col.period", func() int { return len(s.dash.Trend) + 1 }, s.trendCell)
	s.reps = s.newFiguresTable("metrics.col.rep", func() int { return len(s.dash.Report.Owners) }, s.repCell)
	s.hints = widget.NewLabel("")
	s.hints.Wrapping = proseWrap()
	s.hints.Importance = widget.DangerImportance

	s.charts = newChartSet(true)
	grid := container.NewGridWithColumns(2,
		chartCell(s.charts.trend), chartCell(s.charts.values),
		chartCell(s.charts.funnel), chartCell(s.charts.share),
		chartCell(s.charts.pareto), chartCell(s.charts.rfm),
	)

	s.problems = newMultiLine("")
	s.measures = newMultiLine("")
	s.notesMsg = widget.NewLabel("")
	s.notesSave = widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), s.onSaveNotes)
	save := s.notesSave
	notes := container.NewGridWithColumns(2,
		widget.NewCard("", T("metrics.problems"), s.problems),
		widget.NewCard("", T("metrics.measures"), s.measures))

	body := container.NewVBox(
		sizedAtLeast(s.table, 0, 412),
		s.hints,
		grid,
		widget.NewCard("", T("metrics.by_rep"), container.NewVBox(sizedAtLeast(s.reps, 0, 270), chartCell(s.charts.target))),
		notes,
		container.NewHBox(save, s.notesMsg),
	)
	s.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(body))
}

// sizedAtLeast gives o a minimum size inside a VBox, where a table or chart would otherwise shrink
// to its own small minimum.
func sizedAtLeast(o fyne.CanvasObject, w, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, h))
	return container.NewStack(r, o)
}

func chartCell(c fyne.CanvasObject) fyne.CanvasObject { return sizedAtLeast(c, chart.MinWidth, 280) }

func newChartSet(titled bool) *chartSet {
	noData := T("metrics.no_data")
	cfg := func(key string) chart.Config {
		if !titled {
			return chart.Config{NoData: noData}
		}
		return chart.Config{Title: T(key), NoData: noData}
	}
	return &chartSet{
		trend:  chart.NewBarLine(cfg("metrics.chart.trend")),
		values: chart.NewLines(cfg("metrics.chart.values")),
		funnel: chart.NewFunnel(chart.FunnelConfig{Config: cfg("metrics.chart.funnel"), ConversionName: T("metrics.conversion_next")}),
		share:  chart.NewShare(chart.ShareConfig{Config: cfg("metrics.chart.composition"), OtherName: T("metrics.other")}),
		pareto: chart.NewPareto(chart.ParetoConfig{Config: cfg("metrics.chart.pareto"), CumulativeName: T("metrics.cumulative"),
			Marks: []float64{0.75, 0.95}, Classes: []string{"A", "B", "C"}}),
		rfm:    chart.NewBars(cfg("metrics.chart.rfm")),
		target: chart.NewTarget(chart.TargetConfig{Config: cfg("metrics.chart.reps"), AttainmentName: T("metrics.attainment")}),
	}
}

// named lists the charts with the names their PNG files take.
func (c *chartSet) named() []struct {
	file  string
	chart fyne.CanvasObject
} {
	return []struct {
		file  string
		chart fyne.CanvasObject
	}{{"trend", c.trend}, {"order-value-and-cycle", c.values}, {"funnel", c.funnel}, {"composition", c.share},
		{"pareto", c.pareto}, {"rfm", c.rfm}, {"reps", c.target}}
}

// fill gives every chart of the set the dashboard's figures.
func (c *chartSet) fill(d data.Dashboard, u *ui) {
	var cats []string
	for _, r := range d.Trend {
		cats = append(cats, periodLabel(r.Period))
	}
	count := func(f float64) string { return formatInt(int(math.Round(f))) }
	leads := chart.Series{Name: T("metrics.col.leads"), Values: seriesOf(d.Trend, data.MetricLeads), Format: count}
	closed := chart.Series{Name: T("metrics.col.closed"), Values: seriesOf(d.Trend, data.MetricClosedCustomers), Format: count}
	conv := chart.Series{Name: T("metrics.col.conversion"), Values: seriesOf(d.Trend, data.MetricConversionRate), Format: formatPercent}
	c.trend.SetData(cats, []chart.Series{leads, closed}, &conv)

	aov := chart.Series{Name: T("metrics.col.aov"), Values: seriesOf(d.Trend, data.MetricAverageOrderValue),
		Format: func(f float64) string { return formatMoney(data.Amount(math.Round(f * 100))) }, Tick: compactMoney}
	cycle := chart.Series{Name: T("metrics.col.cycle"), Values: seriesOf(d.Trend, data.MetricAverageSalesCycle), Format: formatDays}
	c.values.SetData(cats, []chart.Series{aov}, []chart.Series{cycle})

	stageNames := map[string]string{}
	for _, st := range u.teamSettings().Stages {
		stageNames[st.Key] = stageName(st)
	}
	var stages []string
	var counts, amounts []float64
	for _, f := range d.Funnel {
		stages = append(stages, stageNames[f.Stage])
		counts = append(counts, float64(f.Reached))
		amounts = append(amounts, f.Amount.Yuan())
	}
	c.funnel.SetData(stages, chart.Series{Name: T("metrics.reached"), Values: counts, Format: count},
		chart.Series{Name: T("metrics.amount"), Values: amounts, Format: yuan, Tick: compactMoney})

	var catNames []string
	var catSales []float64
	var names []string
	var sales []float64
	var segNames []string
	var segCounts []float64
	{
		sg := d.Segments
		for _, cs := range sg.Categories {
			name := cs.Category
			if name == "" {
				name = T("metrics.uncategorised")
			}
			catNames = append(catNames, name)
			catSales = append(catSales, cs.Sales.Yuan())
		}
		for _, p := range sg.Top {
			names = append(names, p.Name)
		}
		for _, v := range sg.Sales {
			sales = append(sales, v.Yuan())
		}
		for _, sc := range sg.RFM {
			segNames = append(segNames, sc.Segment.Label(currentLanguage()))
			segCounts = append(segCounts, float64(sc.Customers))
		}
	}
	c.share.SetData(catNames, chart.Series{Name: T("metrics.sales"), Values: catSales, Format: yuan})
	c.pareto.SetData(names, chart.Series{Name: T("metrics.sales"), Values: sales, Format: yuan, Tick: compactMoney})
	c.rfm.SetData(segNames, chart.Series{Name: T("metrics.customers"), Values: segCounts, Format: count})

	// Each rep against the target a rep is given a count of: closed customers.
	var reps []string
	var actual, target []float64
	for _, o := range d.Report.Owners {
		reps = append(reps, ownerLabel(o))
		actual = append(actual, float64(o.ClosedCustomers))
		t, ok := o.Targets[data.MetricClosedCustomers]
		if !ok {
			t = math.NaN() // no target: no marker, rather than a target of 0
		}
		target = append(target, t)
	}
	c.target.SetData(reps, chart.Series{Name: T("metrics.col.closed"), Values: actual, Format: count},
		chart.Series{Name: T("metrics.target"), Values: target, Format: count})
}

func ownerLabel(o data.OwnerReport) string {
	if o.Name == "" {
		return T("metrics.unassigned")
	}
	return o.Name
}

// The table: one row per period of the trend, then the targets in force for the chosen period.
var metricColumns = []struct {
	metric data.Metric
	key    string
}{
	{data.MetricLeads, "metrics.col.leads"},
	{data.MetricClosedCustomers, "metrics.col.closed"},
	{data.MetricConversionRate, "metrics.col.conversion"},
	{data.MetricAverageOrderValue, "metrics.col.aov"},
	{data.MetricRepurchaseRate, "metrics.col.repurchase"},
	{data.MetricAverageSalesCycle, "metrics.col.cycle"},
}

// newFiguresTable is a table of a name column and the six figures; a cell that misses its target is
// drawn in the danger colour with a ▼ so that it also reads without colour.
func (s *metricsScreen) newFiguresTable(first string, rows func() int, cell func(r, c int) (string, bool)) *widget.Table {
	headers := []string{T(first)}
	for _, c := range metricColumns {
		headers = append(headers, T(c.key))
	}
	t := widget.NewTableWithHeaders(func() (int, int) { return rows(), len(headers) },
		// English headers and amounts can outgrow a column: cut with "…", whole on hover.
		func() fyne.CanvasObject { return newFitLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*fitLabel)
			if id.Row < 0 || id.Row >= rows() {
				return
			}
			text, miss := cell(id.Row, id.Col)
			l.Importance = widget.MediumImportance
			if miss {
				l.Importance = widget.DangerImportance
				text = "▼ " + text
			}
			l.SetText(text)
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		l := newFitLabel("")
		l.TextStyle.Bold = true
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(headers) {
			o.(*fitLabel).SetText(headers[id.Col])
		}
	}
	t.SetColumnWidth(0, 150)
	for i := 1; i < len(headers); i++ {
		t.SetColumnWidth(i, 130)
	}
	return t
}

func (s *metricsScreen) trendCell(r, c int) (string, bool) {
	if r == len(s.dash.Trend) {
		// The last row: what the chosen period aims at.
		if c == 0 {
			return T("metrics.target"), false
		}
		m := metricColumns[c-1].metric
		if v, ok := s.dash.Report.Targets[m]; ok {
			return formatMetric(m, v), false
		}
		return "—", false
	}
	rep := s.dash.Trend[r]
	if c == 0 {
		if rep.Figures.NoData {
			return periodLabel(rep.Period) + "  " + T("metrics.no_data"), false
		}
		return periodLabel(rep.Period), false
	}
	m := metricColumns[c-1].metric
	return figureText(rep.Figures, m), missed(rep.Misses, m)
}

// figureText writes a figure, or — for one that does not exist (an average over no closed customer
// is not 0 days).
func figureText(f data.Figures, m data.Metric) string {
	if !f.Defined(m) {
		return "—"
	}
	return formatMetric(m, f.Value(m))
}

// seriesOf is a metric over the trend for a chart: NaN, which the charts leave out, where it does
// not exist.
func seriesOf(trend []data.PeriodReport, m data.Metric) []float64 {
	out := make([]float64, len(trend))
	for i, r := range trend {
		out[i] = math.NaN()
		if r.Figures.Defined(m) {
			out[i] = r.Figures.Value(m)
		}
	}
	return out
}

func (s *metricsScreen) repCell(r, c int) (string, bool) {
	o := s.dash.Report.Owners[r]
	if c == 0 {
		return ownerLabel(o), false
	}
	m := metricColumns[c-1].metric
	text := figureText(o.Figures, m)
	if t, ok := o.Targets[m]; ok {
		text += " / " + formatMetric(m, t)
	}
	return text, missed(o.Misses, m)
}

func missed(misses []data.Miss, m data.Metric) bool {
	for _, x := range misses {
		if x.Metric == m {
			return true
		}
	}
	return false
}

// formatMetric writes a figure in its unit.
func formatMetric(m data.Metric, v float64) string {
	switch m {
	case data.MetricLeads, data.MetricClosedCustomers:
		return formatInt(int(math.Round(v)))
	case data.MetricConversionRate, data.MetricRepurchaseRate:
		return formatPercent(v)
	case data.MetricAverageOrderValue:
		return formatMoney(data.Amount(math.Round(v * 100)))
	default:
		return formatDays(v)
	}
}

func formatPercent(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }

func formatDays(v float64) string { return Tf("metrics.days", strconv.FormatFloat(v, 'f', 1, 64)) }

func yuan(f float64) string { return formatMoney(data.Amount(math.Round(f * 100))) }

// compactMoney writes an axis tick short: 1.2万 or 1.2M, whichever the language counts in.
func compactMoney(f float64) string {
	a := math.Abs(f)
	if currentLanguage() == "zh" {
		switch {
		case a >= 1e8:
			return trimZero(f/1e8) + "亿"
		case a >= 1e4:
			return trimZero(f/1e4) + "万"
		}
		return trimZero(f)
	}
	switch {
	case a >= 1e6:
		return trimZero(f/1e6) + "M"
	case a >= 1e3:
		return trimZero(f/1e3) + "k"
	}
	return trimZero(f)
}

func trimZero(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}

// periodLabel names a period for people in the window's language: 2024年第1季度, 2024 Q1.
func periodLabel(p data.Period) string { return periodLabelIn(p, currentLanguage()) }

// fillPeriods offers the periods of the chosen kind, newest first, the current one selected.
func (s *metricsScreen) fillPeriods() {
	kind := periodKinds[max(s.kind.SelectedIndex(), 0)]
	n := map[data.PeriodKind]int{data.PeriodQuarter: 12, data.PeriodMonth: 24, data.PeriodYear: 5}[kind]
	now := data.PeriodOf(kind, s.u.now())
	s.periods = s.periods[:0]
	opts := make([]string, 0, n)
	for i := range n {
		p := now.Add(-i)
		s.periods = append(s.periods, p)
		opts = append(opts, periodLabel(p))
	}
	s.period.Options = opts
	s.period.Selected = opts[0] // not SetSelected: the first load comes with the tab
	s.period.Refresh()
}

func (s *metricsScreen) onKindChanged() {
	s.fillPeriods()
	s.reload()
}

func (s *metricsScreen) selected() data.Period {
	i := s.period.SelectedIndex()
	if i < 0 || i >= len(s.periods) {
		return s.periods[0]
	}
	return s.periods[i]
}

// reload computes the dashboard off the UI thread (100k customers and 200k deals take a good part of
// a second on a slow machine) and shows it when it is ready, unless a newer one was asked for meanwhile.
func (s *metricsScreen) reload() {
	p := s.selected()
	s.loads++
	load := s.loads
	s.busy.Show()
	s.busy.Start()
	st := s.u.store // read here: a restore may replace it while the work runs
	s.u.background(func() {
		d, err := st.Dashboard(p, trendPeriods)
		notes, nerr := st.PeriodNotes(p)
		fyne.Do(func() {
			if load != s.loads {
				return
			}
			s.busy.Stop()
			s.busy.Hide()
			if err == nil {
				err = nerr
			}
			if err != nil {
				s.u.showError(s.u.win, err)
				return
			}
			s.show(d, notes)
		})
	})
}

// show puts a computed dashboard on the screen.
func (s *metricsScreen) show(d data.Dashboard, notes data.PeriodNotes) {
	s.dash = d
	s.status.SetText("")
	if d.Report.Figures.NoData {
		s.status.SetText(T("metrics.no_data"))
	}
	s.table.Refresh()
	s.reps.Refresh()
	var hints []string
	for _, m := range d.Report.Misses {
		hints = append(hints, "▼ "+data.HintText(m.Hint, currentLanguage()))
	}
	s.hints.SetText(strings.Join(hints, "\n"))
	if len(hints) == 0 {
		s.hints.Hide()
	} else {
		s.hints.Show()
	}
	s.charts.fill(d, s.u)
	// Notes typed and not yet saved stay: a reload of the same period (after a save elsewhere, or
	// the tab shown again) must not throw them away.
	typed := s.problems.Text != s.notes.Problems || s.measures.Text != s.notes.Measures
	if d.Period != s.notesPeriod || !typed {
		s.problems.SetText(notes.Problems)
		s.measures.SetText(notes.Measures)
		s.notesMsg.SetText("")
	}
	s.notes, s.notesPeriod = notes, d.Period
}

func (s *metricsScreen) onSaveNotes() {
	n, p, st := data.PeriodNotes{Problems: s.problems.Text, Measures: s.measures.Text}, s.dash.Period, s.u.store
	// What was typed stays in the fields whatever the result.
	s.u.write(s.notesSave, func() error { return st.SavePeriodNotes(p, n) }, s.u.showErrorOr(s.u.win, func() {
		if s.notesPeriod == p {
			s.notes = n
		}
		s.notesMsg.SetText(Tf("metrics.notes_saved", periodLabel(p)))
	}))
}
