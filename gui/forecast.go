package gui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// forecastWindow shows the weighted forecast by month or quarter of expected close, beside the best
// case and the committed, and the funnel of a quarter with each stage's conversion to the next.
type forecastWindow struct {
	u         *ui
	win       fyne.Window
	quarterly *widget.Check
	period    *fitSelect
	forecast  *widget.Table
	funnel    *widget.Table
	rows      []data.ForecastRow
	steps     []data.FunnelStep
	starts    map[string]time.Time
	// forecastGen and funnelGen count the reads asked for; only the last one's reply is shown.
	forecastGen, funnelGen int
}

func (u *ui) openForecast() *forecastWindow {
	fw := &forecastWindow{u: u, starts: map[string]time.Time{}}
	fw.win = u.app.NewWindow(T("forecast.title") + " — SalesDesk")
	u.trackWindow(fw.win)
	fw.quarterly = widget.NewCheck(T("forecast.by_quarter"), func(bool) { fw.reloadForecast() })
	fw.quarterly.Checked = true // not SetChecked: the tables do not exist yet
	// The funnel's period: this quarter and the seven before it.
	now := u.now()
	q := time.Date(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.Local)
	var opts []string
	for i := range 8 {
		start := q.AddDate(0, -3*i, 0)
		key := data.PeriodKey(start, true)
		fw.starts[key] = start
		opts = append(opts, key)
	}
	fw.period = newFitSelect(opts, func(string) { fw.reloadFunnel() })
	headers := []string{T("forecast.period"), T("forecast.deals"), T("forecast.weighted"), T("forecast.best_case"), T("forecast.committed")}
	fw.forecast = newTextTable(headers, func() int { return len(fw.rows) }, func(r, c int) string {
		x := fw.rows[r]
		return []string{x.Period, formatInt(x.Deals), formatMoney(x.Weighted), formatMoney(x.BestCase), formatMoney(x.Committed)}[c]
	})
	fheaders := []string{T("forecast.stage"), T("forecast.reached"), T("forecast.amount"), T("forecast.conversion")}
	stageNames := map[string]string{}
	for _, d := range u.teamSettings().Stages {
		stageNames[d.Key] = stageName(d)
	}
	fw.funnel = newTextTable(fheaders, func() int { return len(fw.steps) }, func(r, c int) string {
		x := fw.steps[r]
		conv := ""
		if r+1 < len(fw.steps) {
			conv = fmt.Sprintf("%.1f%%", x.Conversion)
		}
		return []string{stageNames[x.Stage], formatInt(x.Reached), formatMoney(x.Amount), conv}[c]
	})
	fw.win.SetContent(withTips(container.NewGridWithRows(2,
		container.NewBorder(container.NewHBox(widget.NewLabelWithStyle(T("forecast.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), fw.quarterly), nil, nil, nil, fw.forecast),
		container.NewBorder(container.NewHBox(widget.NewLabelWithStyle(T("forecast.funnel"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), fw.period), nil, nil, nil, fw.funnel))))
	fw.reloadForecast()
	fw.period.SetSelectedIndex(0)
	// No larger than the main window: on a small screen (800×560) the whole window stays on it.
	main := u.win.Canvas().Size()
	fw.win.Resize(fyne.NewSize(min(760, max(main.Width, 480)), min(600, max(main.Height, 400))))
	fw.win.Show()
	return fw
}

// reloadForecast and reloadFunnel read off the UI thread (a forecast over every open deal takes a
// moment at 100k cards); a reply for an earlier choice than the one shown is dropped.
func (fw *forecastWindow) reloadForecast() {
	fw.forecastGen++
	gen, quarterly, st := fw.forecastGen, fw.quarterly.Checked, fw.u.store
	fw.u.background(func() {
		rows, err := st.Forecast(quarterly)
		fyne.Do(func() {
			if gen != fw.forecastGen {
				return
			}
			if err != nil {
				fw.u.showError(fw.win, err)
				return
			}
			fw.rows = rows
			fw.forecast.Refresh()
		})
	})
}

func (fw *forecastWindow) reloadFunnel() {
	start, ok := fw.starts[fw.period.Selected]
	if !ok {
		return
	}
	fw.funnelGen++
	gen, st := fw.funnelGen, fw.u.store
	fw.u.background(func() {
		steps, err := st.FunnelOf(start, start.AddDate(0, 3, 0))
		fyne.Do(func() {
			if gen != fw.funnelGen {
				return
			}
			if err != nil {
				fw.u.showError(fw.win, err)
				return
			}
			fw.steps = steps
			fw.funnel.Refresh()
		})
	})
}

// newTextTable is a read-only table of text with a header row.
func newTextTable(headers []string, rows func() int, cell func(r, c int) string) *widget.Table {
	t := widget.NewTableWithHeaders(func() (int, int) { return rows(), len(headers) },
		func() fyne.CanvasObject { return newFitLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row >= 0 && id.Row < rows() {
				o.(*fitLabel).SetText(cell(id.Row, id.Col))
			}
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
	for i := range headers {
		t.SetColumnWidth(i, 140)
	}
	return t
}
