package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// drawnRows are the rows a wrapped label draws, top to bottom.
func drawnRows(o fyne.CanvasObject) []*canvas.Text {
	var out []*canvas.Text
	switch v := o.(type) {
	case *canvas.Text:
		if v.Text != "" {
			out = append(out, v)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, drawnRows(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			out = append(out, drawnRows(c)...)
		}
	}
	return out
}

// A long message in a narrow dialog takes several lines, none wider than the dialog; Chinese fills
// each line though a name with a space stands in it, English breaks only between words.
func TestLongMessageWrapsInANarrowDialog(t *testing.T) {
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			u := newTestUI(t, lang)
			leaving, _, _ := leavingRep(t, u)
			a := u.settings.members.askHandoverFirst(leaving, 2, func() {})
			a.d.Resize(fyne.NewSize(380, 320))
			top := u.win.Canvas().Overlays().Top()
			var msg *widget.Label
			for _, o := range test.LaidOutObjects(top) {
				if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "Leaving ") {
					msg = l
				}
			}
			if msg == nil {
				t.Fatal("no message in the dialog")
			}
			d := fyne.CurrentApp().Driver()
			box := top.(*widget.PopUp).Content // the dialog's frame
			dlgLeft := d.AbsolutePositionForObject(box).X
			dlgRight := dlgLeft + box.Size().Width
			if box.Size().Width > 400 {
				t.Fatalf("the dialog is %.0f px wide, not narrow", box.Size().Width)
			}
			rows := drawnRows(msg)
			if len(rows) < 3 {
				t.Fatalf("%d lines in a 380 px dialog: %q", len(rows), msg.Text)
			}
			var joined []string
			for i, r := range rows {
				p := d.AbsolutePositionForObject(r)
				if w := r.MinSize().Width; p.X < dlgLeft-1 || p.X+w > dlgRight+1 {
					t.Errorf("line %d %q spans %.0f–%.0f, the dialog %.0f–%.0f", i, r.Text, p.X, p.X+w, dlgLeft, dlgRight)
				}
				if lang == "zh" && i < len(rows)-1 && r.MinSize().Width < 0.8*msg.Size().Width {
					t.Errorf("line %d %q fills %.0f of %.0f px", i, r.Text, r.MinSize().Width, msg.Size().Width)
				}
				joined = append(joined, strings.TrimSpace(r.Text))
			}
			if lang == "en" && strings.Join(joined, " ") != msg.Text {
				t.Errorf("English lines break inside a word: %q", joined)
			}
		})
	}
}
