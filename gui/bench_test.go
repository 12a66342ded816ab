package gui

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

// The 100k-customer file is made once per run by the demo generator, like `salesdesk demo`.
var (
	bigOnce sync.Once
	bigPath string
	bigErr  error
)

func bigFile(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("needs a 100k-customer file")
	}
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "salesdesk-bench")
		if err != nil {
			bigErr = err
			return
		}
		bigPath = filepath.Join(dir, "big.db")
		s, err := data.Open(bigPath, data.Options{})
		if err != nil {
			bigErr = err
			return
		}
		defer s.Close()
		bigErr = data.GenerateDemo(s, data.DemoOptions{Customers: 100_000, Seed: 1, Now: fixedNow})
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigPath
}

// BenchmarkOpenToFirstFrame100k is the target "open the file and show the first frame of the customer
// list ≤ 1.0 s": open the store, build the window, switch to the list and render it.
func BenchmarkOpenToFirstFrame100k(b *testing.B) {
	path := bigFile(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(NewTheme())
	setLanguage("zh")
	var took []time.Duration
	for b.Loop() {
		t0 := time.Now()
		st, err := data.Open(path, data.Options{Now: func() time.Time { return fixedNow }})
		if err != nil {
			b.Fatal(err)
		}
		u := newUI(a, st, Config{DBPath: path})
		u.win.Resize(fyne.NewSize(1280, 800))
		u.tabs.SelectIndex(tabCustomers)
		if len(u.customers.rows) != 100_000 {
			b.Fatalf("list shows %d rows", len(u.customers.rows))
		}
		u.win.Canvas().Capture()
		took = append(took, time.Since(t0))
		u.win.Close()
		_ = st.Close()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "median-ms")
}

// BenchmarkSearchKeystroke100k types one character into the list's search box: filter, sort and the
// table's refresh, as the user sees it (target: median ≤ 16 ms).
func BenchmarkSearchKeystroke100k(b *testing.B) {
	path := bigFile(b)
	a := test.NewTempApp(b)
	setLanguage("zh")
	st, err := data.Open(path, data.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	u := newUI(a, st, Config{DBPath: path})
	u.win.Resize(fyne.NewSize(1280, 800))
	u.tabs.SelectIndex(tabCustomers)
	queries := []string{"北", "北京", "s", "sz", "szh", "138", "张"}
	var took []time.Duration
	i := 0
	for b.Loop() {
		t0 := time.Now()
		u.customers.search.SetText(queries[i%len(queries)])
		took = append(took, time.Since(t0))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
}

var (
	dealsOnce sync.Once
	dealsPath string
	dealsErr  error
)

// dealsFile is a demo of 15,000 customers, which gives about 20,000 deals.
func dealsFile(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("needs a 20k-deal file")
	}
	dealsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "salesdesk-bench-deals")
		if err != nil {
			dealsErr = err
			return
		}
		dealsPath = filepath.Join(dir, "deals.db")
		s, err := data.Open(dealsPath, data.Options{})
		if err != nil {
			dealsErr = err
			return
		}
		defer s.Close()
		dealsErr = data.GenerateDemo(s, data.DemoOptions{Customers: 15_000, Seed: 3, Now: fixedNow})
	})
	if dealsErr != nil {
		b.Fatal(dealsErr)
	}
	return dealsPath
}

// BenchmarkBoardFirstFrame20k: open the file, build the window, show the board and render it.
func BenchmarkBoardFirstFrame20k(b *testing.B) {
	path := dealsFile(b)
	a := test.NewTempApp(b)
	setLanguage("zh")
	var took []time.Duration
	var deals, open int
	for b.Loop() {
		t0 := time.Now()
		st, err := data.Open(path, data.Options{Now: func() time.Time { return fixedNow }})
		if err != nil {
			b.Fatal(err)
		}
		u := newUI(a, st, Config{DBPath: path})
		u.win.Resize(fyne.NewSize(1280, 800))
		u.tabs.SelectIndex(tabPipeline)
		u.win.Canvas().Capture()
		took = append(took, time.Since(t0))
		deals, open = 0, 0
		for _, c := range u.pipeline.columns {
			deals += len(c.deals)
			if c.def.Kind == data.StageLead || c.def.Kind == data.StageOpen {
				open += len(c.deals)
			}
		}
		u.win.Close()
		_ = st.Close()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "median-ms")
	b.ReportMetric(float64(deals), "deals")
	b.ReportMetric(float64(open), "open")
}

// BenchmarkDropAndTotals20k: a drop committed and both columns' totals redrawn.
func BenchmarkDropAndTotals20k(b *testing.B) {
	path := dealsFile(b)
	a := test.NewTempApp(b)
	setLanguage("zh")
	st, err := data.Open(path, data.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	u := newUI(a, st, Config{DBPath: path})
	u.win.Resize(fyne.NewSize(1280, 800))
	u.tabs.SelectIndex(tabPipeline)
	from, to := u.pipeline.column("proposal"), u.pipeline.column("negotiation")
	var took []time.Duration
	for b.Loop() {
		if len(from.deals) == 0 {
			from, to = to, from
		}
		o := from.deals[0]
		t0 := time.Now()
		u.pipeline.dragOver = to
		u.pipeline.onDrop(o)
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
}
