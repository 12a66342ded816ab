package gui

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// Delayed work (tips, a toast's fading) runs in tests only when a test runs it: a timer firing on its
// own goroutine would touch widgets under the race detector.
func init() {
	afterDelay = func(time.Duration, func()) {}
}

// delayed holds the work asked for with afterDelay until the test runs it.
type delayed struct{ fs []func() }

func fakeDelays(t *testing.T) *delayed {
	t.Helper()
	d := &delayed{}
	old := afterDelay
	afterDelay = func(_ time.Duration, f func()) { d.fs = append(d.fs, f) }
	t.Cleanup(func() { afterDelay = old })
	return d
}

// elapse runs what was waiting, as if its delay had passed.
func (d *delayed) elapse() {
	fs := d.fs
	d.fs = nil
	for _, f := range fs {
		f()
	}
}

// menuBarHeight is about what the main window's menu bar takes from its height (30 px measured).
const menuBarHeight = 32

// small is a 13-inch laptop's window with a scaled display.
var small = fyne.NewSize(800, 560)

// withDemo fills the test window's file with a small demo, so the screens show real rows and charts.
func withDemo(t *testing.T, u *ui) {
	t.Helper()
	if err := storage.GenerateDemo(u.file, storage.DemoOptions{Customers: 40, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if err := u.store.LoadDeals(); err != nil {
		t.Fatal(err)
	}
	u.buildUI()
}

func TestEveryScreenFitsA13InchWindow(t *testing.T) {
	for _, l := range Languages {
		t.Run(l, func(t *testing.T) {
			u := newTestUI(t, l)
			withDemo(t, u)
			u.win.Resize(small)
			screens := []struct {
				name string
				tab  int
			}{{"agenda", tabAgenda}, {"customers", tabCustomers}, {"board", tabPipeline}, {"metrics", tabMetrics}, {"pool", tabPool},
				{"team", tabTeam}, {"settings", tabSettings}, {"audit", tabSettings + 1}}
			for _, sc := range screens {
				t.Run(sc.name, func(t *testing.T) {
					// Given the window at 800×560, when the screen shows, then it gets at least its minimum:
					// a screen wider or taller than the space left beside the sidebar forces the window larger.
					u.tabs.SelectIndex(sc.tab)
					c := u.tabs.Items[sc.tab].Content
					// The real window draws its menu bar above the content; the test driver does not.
					checkFits(t, sc.name, c.MinSize(), c.Size().SubtractWidthHeight(0, menuBarHeight))
				})
			}
			t.Run("card", func(t *testing.T) {
				rows := listed(u.store, data.CustomerFilter{})
				if len(rows) == 0 {
					t.Fatal("no demo customers")
				}
				cw := u.openCard(rows[0].ID)
				cw.win.Resize(small)
				checkFits(t, "card", cw.win.Content().MinSize(), cw.win.Canvas().Size())
			})
		})
	}
}

func checkFits(t *testing.T, name string, need, got fyne.Size) {
	t.Helper()
	if need.Width <= got.Width+0.5 && need.Height <= got.Height+0.5 {
		return
	}
	t.Errorf("%s needs %.0f×%.0f, but the window at 800×560 gives it %.0f×%.0f", name, need.Width, need.Height, got.Width, got.Height)
}

// scrollsIn counts the scroll containers under o; an entry's own text box is part of the entry.
func scrollsIn(o fyne.CanvasObject) int {
	n := 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *container.Scroll:
			n++
			walk(x.Content)
		case *fyne.Container:
			for _, k := range x.Objects {
				walk(k)
			}
		case *textEntry, *widget.Entry:
		case fyne.Widget:
			for _, k := range test.WidgetRenderer(x).Objects() {
				walk(k)
			}
		}
	}
	walk(o)
	return n
}

func TestSettingsHasOneScrollArea(t *testing.T) {
	u := newTestUI(t, "zh")
	withDemo(t, u)
	u.win.Resize(small)
	u.tabs.SelectIndex(tabSettings)
	if n := scrollsIn(u.settings.content); n != 1 {
		t.Fatalf("Settings holds %d scroll areas, want 1", n)
	}
	if len(u.settings.members.rows.Objects) != len(u.members()) {
		t.Fatalf("team rows = %d, members = %d", len(u.settings.members.rows.Objects), len(u.members()))
	}
	// A multi-line field grows with its lines rather than scrolling inside the screen's scroll.
	e := u.settings.categories
	before := e.MinSize().Height
	e.SetText(strings.Repeat("业种\n", 12))
	if after := e.MinSize().Height; after <= before {
		t.Fatalf("the categories box stayed %.0f high with 12 lines", after)
	}
}

func TestSettingsScrollsWithTheWheelOverAnEntry(t *testing.T) {
	u := newTestUI(t, "zh")
	u.win.Resize(small)
	u.tabs.SelectIndex(tabSettings)
	s := u.settings
	// Given the pointer over the A threshold's entry (which scrolls its own text),
	d := fyne.CurrentApp().Driver()
	at := d.AbsolutePositionForObject(s.aAnnual).AddXY(10, 10)
	// a click goes through the sheet that takes the wheel (here: on the check box below the entry),
	was := s.aHighRP.Checked
	test.TapCanvas(u.win.Canvas(), d.AbsolutePositionForObject(s.aHighRP).AddXY(10, 10))
	if s.aHighRP.Checked == was {
		t.Fatal("a click on the check box did not reach it")
	}
	// and when the wheel turns down, the screen scrolls rather than the entry swallowing the wheel.
	test.Scroll(u.win.Canvas(), at, 0, -200)
	if s.scroll.scroll.Offset.Y <= 0 {
		t.Fatal("the wheel over an entry did not scroll Settings")
	}
}

func TestSettingsReflowIntoOneColumnWhenNarrow(t *testing.T) {
	u := newTestUI(t, "en")
	u.tabs.SelectIndex(tabSettings)
	r := u.settings.scroll
	u.win.Resize(fyne.NewSize(1600, 900))
	if !r.sideBySide(r.Size().Width) || r.parts[0].Position().Y != r.parts[1].Position().Y {
		t.Fatalf("wide: the columns are not side by side (%v, %v)", r.parts[0].Position(), r.parts[1].Position())
	}
	u.win.Resize(small)
	if r.parts[1].Position().Y <= r.parts[0].Position().Y {
		t.Fatalf("narrow: the second column is not under the first (%v, %v)", r.parts[0].Position(), r.parts[1].Position())
	}
	if w := r.parts[1].Size().Width; w > r.Size().Width {
		t.Fatalf("narrow: a column is %.0f wide in %.0f", w, r.Size().Width)
	}
}

func TestSettingsSaveSaysSavedThenFades(t *testing.T) {
	for _, l := range Languages {
		t.Run(l, func(t *testing.T) {
			later := fakeDelays(t)
			u := newTestUI(t, l)
			u.tabs.SelectIndex(tabSettings)
			// When a setting is changed and saved, then the window says so at once, without a dialog …
			u.settings.lostAfter.SetText("200")
			test.Tap(u.settings.saveBtn)
			if got := u.teamSettings().LostAfterDays; got != 200 {
				t.Fatalf("not saved: lost after %d days", got)
			}
			host := u.win.Content().(*tipArea)
			want := map[string]string{"zh": "已保存", "en": "Saved"}[l]
			if got := host.toastShown(); got != want {
				t.Fatalf("toast = %q, want %q", got, want)
			}
			if len(u.dialogs) != 0 {
				t.Fatal("a save opened a dialog")
			}
			// … and once its time has passed, the line goes.
			later.elapse()
			if got := host.toastShown(); got != "" {
				t.Fatalf("toast still shows %q after its time", got)
			}
		})
	}
}

func TestSettingsBadValueScrollsToItsField(t *testing.T) {
	u := newTestUI(t, "en")
	withDemo(t, u)
	u.win.Resize(small)
	u.tabs.SelectIndex(tabSettings)
	s := u.settings
	sc := s.scroll.scroll
	// Given the screen scrolled down to the pipeline's Save button,
	sc.ScrollToOffset(fyne.NewPos(0, sc.Content.Size().Height))
	bottom := sc.Offset.Y
	if bottom <= 0 {
		t.Fatal("Settings does not scroll at 800×560; the test needs it to")
	}
	// when the A threshold is not a number and Save is pressed,
	s.aAnnual.SetText("lots")
	test.Tap(s.saveBtn)
	// then the screen scrolls up to the field, shows its message and puts the cursor in it.
	f := s.fields["a_min_annual"]
	if f.msg.Text != T("err.amount") {
		t.Fatalf("message = %q", f.msg.Text)
	}
	if sc.Offset.Y >= bottom {
		t.Fatalf("offset %.0f: did not scroll up from %.0f", sc.Offset.Y, bottom)
	}
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(f.input).Y - d.AbsolutePositionForObject(sc).Y
	if y < 0 || y+f.input.Size().Height > sc.Size().Height {
		t.Fatalf("the field is at %.0f in a view %.0f high", y, sc.Size().Height)
	}
	if got := u.win.Canvas().Focused(); got != s.aAnnual {
		t.Fatalf("focus is on %v, want the field", reflect.TypeOf(got))
	}
	if s.aAnnual.Text != "lots" {
		t.Fatal("the refused value was not kept")
	}
}

func TestCardSaveSaysSaved(t *testing.T) {
	later := fakeDelays(t)
	u := newTestUI(t, "zh")
	cw := u.openCard(0)
	test.Type(cw.name, "杭州明远贸易有限公司")
	test.Tap(cw.saveBtn)
	if cw.c.ID == 0 {
		t.Fatalf("not saved: %s", cw.problems.Text)
	}
	host := cw.win.Content().(*tipArea)
	if got := host.toastShown(); got != "已保存" {
		t.Fatalf("toast = %q, want 已保存", got)
	}
	later.elapse()
	if got := host.toastShown(); got != "" {
		t.Fatalf("toast still shows %q", got)
	}
	// A refused save says nothing of saving.
	cw.name.SetText("")
	test.Tap(cw.saveBtn)
	if got := host.toastShown(); got != "" {
		t.Fatalf("a refused save shows %q", got)
	}
}

// A deal's save says so at the window's foot, as a card's does: nothing else in view changes.
func TestDealSaveSaysSaved(t *testing.T) {
	later := fakeDelays(t)
	u, o := newBoard(t)
	dw := u.openDeal(o)
	dw.amount.SetText("")
	test.Type(dw.amount, "280000")
	test.Tap(dw.saveBtn)
	if dw.o.Amount != data.AmountFromYuan(280_000) {
		t.Fatalf("not saved: amount %v", dw.o.Amount)
	}
	host := dw.win.Content().(*tipArea)
	if got := host.toastShown(); got != T("settings.saved") {
		t.Fatalf("toast = %q, want %q", got, T("settings.saved"))
	}
	later.elapse()
	// A refused save says nothing of saving.
	dw.amount.SetText("abc")
	test.Tap(dw.saveBtn)
	if got := host.toastShown(); got != "" {
		t.Fatalf("a refused save shows %q", got)
	}
}

func TestFitLabelCutsWithEllipsisAndShowsAllOnHover(t *testing.T) {
	later := fakeDelays(t)
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	long := "▲ 停滞 2026-12-09 · 杨帆 · 已停滞 23 天，请尽快跟进"
	cut, whole := newFitLabel(long), newFitLabel("短")
	tapped := false
	under := widget.NewButton("按钮", func() { tapped = true })
	w := test.NewWindow(withTips(container.NewVBox(container.NewGridWrap(fyne.NewSize(120, 36), cut), container.NewHBox(under), whole)))
	defer w.Close()
	w.Resize(fyne.NewSize(400, 300))
	host := w.Content().(*tipArea)
	if cut.MinSize().Width > 120 {
		t.Fatalf("a cut label asks for %.0f", cut.MinSize().Width)
	}
	if !cut.cut() || whole.cut() {
		t.Fatalf("cut() = %v for the long text, %v for the short", cut.cut(), whole.cut())
	}
	// When the pointer rests on the cut label, its whole text shows after the delay, inside the window.
	cut.MouseIn(nil)
	if host.tip.Visible() {
		t.Fatal("the tip showed before the delay")
	}
	later.elapse()
	if !host.tip.Visible() || host.tipText.Text != long {
		t.Fatalf("tip visible %v, text %q", host.tip.Visible(), host.tipText.Text)
	}
	if p, s := host.tip.Position(), host.tip.Size(); p.X < 0 || p.X+s.Width > 400.5 {
		t.Fatalf("tip at %v size %v leaves the window", p, s)
	}
	// The tip covers the button under the label, and a click there still reaches the button.
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(under).AddXY(5, 5)
	if tp, ts := host.tip.Position(), host.tip.Size(); at.Y < tp.Y || at.Y > tp.Y+ts.Height {
		t.Fatalf("the tip (%v %v) does not cover the button at %v; the check below would prove nothing", tp, ts, at)
	}
	test.TapCanvas(w.Canvas(), at)
	if !tapped {
		t.Fatal("a click under the tip did not reach the button")
	}
	// When it leaves, the tip goes; a pointer that left before the delay shows none.
	cut.MouseOut()
	if host.tip.Visible() {
		t.Fatal("the tip stayed after the pointer left")
	}
	cut.MouseIn(nil)
	cut.MouseOut()
	later.elapse()
	if host.tip.Visible() {
		t.Fatal("a tip showed after the pointer had left")
	}
	// A label that fits has no tip.
	whole.MouseIn(nil)
	later.elapse()
	if host.tip.Visible() {
		t.Fatal("a label that fits showed a tip")
	}
}

func TestPeriodPickerShowsTheWholePeriod(t *testing.T) {
	u := newMetricsUI(t, "zh")
	u.win.Resize(small)
	p := u.metrics.period
	need := fyne.MeasureText(p.Selected, theme.TextSize(), fyne.TextStyle{}).Width + 4*theme.InnerPadding() + theme.IconInlineSize()
	if !strings.Contains(p.Selected, "季度") || p.Size().Width+0.5 < need {
		t.Fatalf("the picker is %.0f wide for %q, which needs %.0f", p.Size().Width, p.Selected, need)
	}
}
