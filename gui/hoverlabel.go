package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// cutLabel is a label that ends a text too long for it in an ellipsis and shows the whole text in a
// tip while the pointer rests on it: a list's cells keep their widths and nothing is lost.
type cutLabel struct {
	widget.Label
	tips *tipLayer
}

var _ desktop.Hoverable = (*cutLabel)(nil)

func newCutLabel(tips *tipLayer) *cutLabel {
	l := &cutLabel{tips: tips}
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// cut reports whether the text is wider than the label shows.
func (l *cutLabel) cut() bool {
	full := widget.NewLabel(l.Text)
	full.TextStyle = l.TextStyle
	return full.MinSize().Width > l.Size().Width+1
}

func (l *cutLabel) MouseIn(*desktop.MouseEvent) {
	if l.tips != nil && l.Text != "" && l.cut() {
		l.tips.show(l, l.Text)
	}
}

func (l *cutLabel) MouseMoved(*desktop.MouseEvent) {}

func (l *cutLabel) MouseOut() {
	if l.tips != nil {
		l.tips.hide()
	}
}

// SetText hides a tip left over from the cell's previous text: table cells are reused as they scroll.
func (l *cutLabel) SetText(text string) {
	if l.Text != text {
		l.MouseOut()
	}
	l.Label.SetText(text)
}

// tipLayer lies over a screen's content and draws the tips of its cut labels. Nothing in it takes the
// pointer, so the label under a tip keeps its hover (a pop-up would take it, and the tip would flicker).
type tipLayer struct {
	layer *fyne.Container
	bg    *canvas.Rectangle
	text  *canvas.Text
}

func newTipLayer() *tipLayer {
	t := &tipLayer{bg: canvas.NewRectangle(color.Transparent), text: canvas.NewText("", color.Black)}
	t.bg.CornerRadius = theme.InputRadiusSize()
	t.layer = container.NewWithoutLayout(t.bg, t.text)
	t.hide()
	return t
}

// over stacks the layer on top of content.
func (t *tipLayer) over(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(content, t.layer)
}

func (t *tipLayer) show(over fyne.CanvasObject, text string) {
	d := fyne.CurrentApp().Driver()
	pad := theme.Padding()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	th := fyne.CurrentApp().Settings().Theme()
	t.bg.FillColor = th.Color(theme.ColorNameMenuBackground, v)
	t.bg.StrokeColor = th.Color(theme.ColorNameSeparator, v)
	t.bg.StrokeWidth = 1
	t.text.Color = th.Color(theme.ColorNameForeground, v)
	t.text.TextSize = theme.TextSize()
	t.text.Text = text
	size := t.text.MinSize()
	at := d.AbsolutePositionForObject(over).Subtract(d.AbsolutePositionForObject(t.layer))
	at = at.Add(fyne.NewPos(0, over.Size().Height))
	box := fyne.NewSize(size.Width+4*pad, size.Height+2*pad)
	// Kept inside the layer: to the left of a cell at the right edge, above a cell at the bottom.
	if over := at.X + box.Width - t.layer.Size().Width; over > 0 {
		at.X = max(0, at.X-over)
	}
	if at.Y+box.Height > t.layer.Size().Height {
		at.Y = max(0, at.Y-over.Size().Height-box.Height)
	}
	t.bg.Move(at)
	t.bg.Resize(box)
	t.text.Move(at.Add(fyne.NewPos(2*pad, pad)))
	t.text.Resize(size)
	t.bg.Show()
	t.text.Show()
	t.layer.Refresh()
}

func (t *tipLayer) hide() {
	t.bg.Hide()
	t.text.Hide()
}

// shown is the text of the tip on screen, "" for none.
func (t *tipLayer) shown() string {
	if !t.text.Visible() {
		return ""
	}
	return t.text.Text
}
