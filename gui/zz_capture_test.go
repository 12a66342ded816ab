package gui

import (
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

// Not committed: renders the agenda and the week at 800×560 on the test driver to look at.
func TestZZCapture(t *testing.T) {
	for _, l := range []string{"zh", "en"} {
		u := newTestUI(t, l)
		if err := data.GenerateDemo(u.file, data.DemoOptions{Customers: 300}); err != nil {
			t.Fatal(err)
		}
		u.buildUI()
		w := test.NewWindow(u.win.Content())
		w.Resize(fyne.NewSize(800, 560))
		save := func(name string) {
			f, _ := os.Create("/tmp/acts/cap-" + name + "-" + l + ".png")
			_ = png.Encode(f, w.Canvas().Capture())
			f.Close()
		}
		u.agenda.scope.SetSelected(T("agenda.team"))
		save("agenda")
		t.Logf("min %v agenda %v week %v", u.win.Content().MinSize(), u.agenda.content.MinSize(), u.agenda.week.content.MinSize())
		test.Tap(u.agenda.viewBtn)
		save("week")
		w.Close()
	}
}
