package gui

import (
	"image/color"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Text that does not fit, and windows smaller than their screens were drawn for:
//
//   - newFitLabel: a one-line label that ends in "…" where it is cut and shows its whole text on hover.
//     It is a *widget.Label underneath (SetText, TextStyle, Importance, Alignment work as usual); as a
//     list or table cell it takes the hover from the row. Its tip is drawn in the window, under any
//     dialog: in a dialog prefer wrapping.
//   - withTips: a window's content wrapped so that fit labels can show their tips and saves their
//     "saved" line (showToast); every window holding fit labels sets its content through it.
//   - showToast(window canvas, text): a line at the window's foot that fades after toastTime.
//   - newFitSelect: a select as wide as its widest option (Fyne sizes a select by its placeholder only).
//   - newReflowScroll: columns side by side where the width allows, one under the other where it does
//     not, in one vertical scroll.

// tipDelay is how long the pointer rests on a cut label before its whole text shows.
const tipDelay = 500 * time.Millisecond

// toastTime is how long a transient status line stays before it fades.
const toastTime = 3 * time.Second

// afterDelay runs f on the UI thread after d. Tests replace it to run the delayed work when they say.
var afterDelay = func(d time.Duration, f func()) {
	time.AfterFunc(d, func() { fyne.Do(f) })
}

// tipArea is a window's content with a layer above it for tips and toasts. The layer holds no
// hoverable or tappable object, so the pointer and clicks still reach the content under it — which a
// pop-up (an overlay, searched alone) would take from it.
type tipArea struct {
	widget.BaseWidget
	content fyne.CanvasObject

	tip      *fyne.Container
	tipBg    *canvas.Rectangle
	tipText  *widget.Label
	tipOwner fyne.CanvasObject

	toast     *fyne.Container
	toastBg   *canvas.Rectangle
	toastIcon *widget.Icon
	toastText *canvas.Text
	// toasts counts the toasts shown, so that an older one's timer leaves a newer one alone.
	toasts int
	fade   *fyne.Animation
}

// withTips wraps a window's content so that fit labels can show their tips and saves a toast.
func withTips(content fyne.CanvasObject) fyne.CanvasObject {
	a := &tipArea{content: content}
	a.ExtendBaseWidget(a)
	a.tipBg = canvas.NewRectangle(color.Transparent)
	a.tipBg.StrokeWidth = 1
	a.tipBg.CornerRadius = theme.InputRadiusSize()
	a.tipText = widget.NewLabel("")
	a.tipText.Wrapping = proseWrap()
	a.tip = container.NewStack(a.tipBg, a.tipText)
	a.tip.Hide()
	a.toastBg = canvas.NewRectangle(color.Transparent)
	a.toastBg.StrokeWidth = 1
	a.toastBg.CornerRadius = theme.InputRadiusSize()
	a.toastIcon = widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	a.toastText = canvas.NewText("", color.Transparent)
	a.toastText.TextStyle.Bold = true
	a.toast = container.NewStack(a.toastBg, container.NewPadded(container.NewHBox(a.toastIcon, a.toastText)))
	a.toast.Hide()
	return a
}

func (a *tipArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(a.content, container.NewWithoutLayout(a.tip, a.toast)))
}

// tipAreaOf finds the tip layer of the window o is shown in; nil when the window has none.
func tipAreaOf(o fyne.CanvasObject) *tipArea {
	app := fyne.CurrentApp()
	if app == nil {
		return nil
	}
	c := app.Driver().CanvasForObject(o)
	if c == nil {
		return nil
	}
	a, _ := c.Content().(*tipArea)
	return a
}

// showTip shows text under owner, kept inside the window.
func (a *tipArea) showTip(owner fyne.CanvasObject, text string) {
	d := fyne.CurrentApp().Driver()
	at := d.AbsolutePositionForObject(owner).Subtract(d.AbsolutePositionForObject(a))
	// The theme's colours now: the theme may have changed since the window was built.
	a.tipBg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	a.tipBg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	a.tipText.SetText(text)
	width := min(fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width+4*theme.InnerPadding(), 480, a.Size().Width)
	a.tipText.Resize(fyne.NewSize(width, 0)) // so that the wrapped height is measured at this width
	size := fyne.NewSize(width, a.tipText.MinSize().Height)
	pos := fyne.NewPos(at.X, at.Y+owner.Size().Height)
	if pos.Y+size.Height > a.Size().Height { // no room below: above
		pos.Y = at.Y - size.Height
	}
	pos.X = max(0, min(pos.X, a.Size().Width-size.Width))
	pos.Y = max(0, pos.Y)
	a.tip.Resize(size)
	a.tip.Move(pos)
	a.tipOwner = owner
	a.tip.Show()
	a.repaint(a.tip)
}

// repaint redraws o in the layer. Showing an object never drawn before does not mark its window for
// drawing (the window does not know it yet): the window is asked through the tip area, which it knows.
func (a *tipArea) repaint(o fyne.CanvasObject) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(a); c != nil {
		c.Refresh(o)
		return
	}
	o.Refresh()
}

// hideTip hides owner's tip; another's stays.
func (a *tipArea) hideTip(owner fyne.CanvasObject) {
	if a.tipOwner == owner {
		a.tipOwner = nil
		a.tip.Hide()
	}
}

// showToast shows text briefly at the foot of the window, without a dialog to dismiss, then fades it.
// A window whose content was not set through withTips shows nothing: the save has happened either way.
// It takes the window's canvas, not an object in it: a screen built again for the save has not been
// drawn yet, and the window does not know its objects until it has.
func showToast(c fyne.Canvas, text string) {
	if a, ok := c.Content().(*tipArea); ok {
		a.showToast(text)
	}
}

func (a *tipArea) showToast(text string) {
	if a.fade != nil {
		a.fade.Stop()
		a.fade = nil
	}
	a.toasts++
	n := a.toasts
	a.toastBg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	a.toastBg.StrokeColor = theme.Color(theme.ColorNameSuccess)
	a.toastText.Color = theme.Color(theme.ColorNameForeground)
	a.toastText.Text = text
	a.toastIcon.Show()
	size := a.toast.MinSize()
	a.toast.Resize(size)
	a.toast.Move(fyne.NewPos((a.Size().Width-size.Width)/2, a.Size().Height-size.Height-2*theme.Padding()))
	a.toast.Show()
	a.repaint(a.toast)
	afterDelay(toastTime, func() {
		if a.toasts != n {
			return
		}
		bg, line, fg := nrgbaOf(a.toastBg.FillColor), nrgbaOf(a.toastBg.StrokeColor), nrgbaOf(a.toastText.Color)
		a.toastIcon.Hide() // an icon cannot fade; it goes first
		a.fade = fyne.NewAnimation(300*time.Millisecond, func(f float32) {
			if a.toasts != n {
				return
			}
			a.toastBg.FillColor = fade(bg, f)
			a.toastBg.StrokeColor = fade(line, f)
			a.toastText.Color = fade(fg, f)
			if f >= 1 {
				a.toast.Hide()
				a.toastText.Text = ""
			}
			a.toast.Refresh()
		})
		a.fade.Start()
	})
}

// toastShown is the toast's text while it shows, "" once it has gone.
func (a *tipArea) toastShown() string {
	if !a.toast.Visible() {
		return ""
	}
	return a.toastText.Text
}

func nrgbaOf(c color.Color) color.NRGBA { return color.NRGBAModel.Convert(c).(color.NRGBA) }

func fade(c color.NRGBA, f float32) color.NRGBA {
	c.A = uint8(float32(c.A) * (1 - f))
	return c
}

// fitLabel is a one-line label that ends in "…" where it is cut and shows its whole text when the
// pointer rests on it. It takes the hover from what it sits in (a list row's hover shade, for one).
type fitLabel struct {
	widget.Label
	hovered bool
	hovers  int  // counts the pointer's entries, so a tip asked for before it left is not shown
	tipping bool // its tip shows
}

// newFitLabel makes a label that truncates with an ellipsis; its tip needs its window's content set
// through withTips.
func newFitLabel(text string) *fitLabel {
	l := &fitLabel{}
	l.Text = text
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// cut tells whether the label is too narrow for its text.
func (l *fitLabel) cut() bool {
	w := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
	return w > l.Size().Width+0.5
}

func (l *fitLabel) MouseIn(*desktop.MouseEvent) {
	l.hovered = true
	l.hovers++
	n := l.hovers
	if !l.cut() {
		return
	}
	afterDelay(tipDelay, func() {
		if l.hovered && l.hovers == n && l.cut() {
			if a := tipAreaOf(l); a != nil {
				a.showTip(l, l.Text)
				l.tipping = true
			}
		}
	})
}

func (l *fitLabel) MouseMoved(*desktop.MouseEvent) {}

func (l *fitLabel) MouseOut() {
	l.hovered = false
	l.hideTip()
}

func (l *fitLabel) hideTip() {
	if !l.tipping {
		return
	}
	l.tipping = false
	if a := tipAreaOf(l); a != nil {
		a.hideTip(l)
	}
}

// SetText changes the text; a tip showing the old text goes (a list reuses its rows while scrolling).
func (l *fitLabel) SetText(text string) {
	if text != l.Text {
		l.hideTip()
	}
	l.Label.SetText(text)
}

// fitSelect is a select at least as wide as its widest option, so a chosen option shows whole.
type fitSelect struct {
	widget.Select
}

func newFitSelect(options []string, changed func(string)) *fitSelect {
	s := &fitSelect{}
	s.Options = options
	s.OnChanged = changed
	s.PlaceHolder = T("select.placeholder")
	s.ExtendBaseWidget(s)
	return s
}

func (s *fitSelect) MinSize() fyne.Size {
	m := s.Select.MinSize()
	widest := float32(0)
	for _, o := range s.Options {
		widest = max(widest, fyne.MeasureText(o, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	// The select's own sum: its text, three inner paddings, the arrow icon and one more padding.
	m.Width = max(m.Width, widest+4*theme.InnerPadding()+theme.IconInlineSize())
	return m
}

// reflowScroll shows its parts side by side in equal columns when the width gives each its minimum,
// otherwise one under the other; either way in one vertical scroll, so nothing is ever off to the side.
type reflowScroll struct {
	widget.BaseWidget
	parts  []fyne.CanvasObject
	box    *fyne.Container
	scroll *container.Scroll
	wheel  *wheelSheet
}

func newReflowScroll(parts ...fyne.CanvasObject) *reflowScroll {
	r := &reflowScroll{parts: parts, box: container.NewVBox(parts...)}
	r.scroll = container.NewVScroll(r.box)
	r.wheel = newWheelSheet(r.scroll)
	r.ExtendBaseWidget(r)
	return r
}

// sideBySide tells whether width holds every part at its minimum in one row.
func (r *reflowScroll) sideBySide(width float32) bool {
	need := float32(0)
	for _, p := range r.parts {
		need = max(need, p.MinSize().Width)
	}
	need = need*float32(len(r.parts)) + theme.Padding()*float32(len(r.parts)-1)
	return width-theme.ScrollBarSize() >= need
}

func (r *reflowScroll) CreateRenderer() fyne.WidgetRenderer {
	return &reflowRenderer{r: r}
}

type reflowRenderer struct{ r *reflowScroll }

// Layout picks the arrangement before the scroll sizes its content, so the content's height is the
// one of the arrangement shown.
func (rr *reflowRenderer) Layout(size fyne.Size) {
	r := rr.r
	if r.sideBySide(size.Width) {
		if _, ok := r.box.Layout.(*sideBySideLayout); !ok {
			r.box.Layout = &sideBySideLayout{}
		}
	} else if _, ok := r.box.Layout.(*sideBySideLayout); ok {
		r.box.Layout = layout.NewVBoxLayout()
	}
	r.scroll.Resize(size)
	r.wheel.Resize(size)
	r.box.Refresh()
}

func (rr *reflowRenderer) MinSize() fyne.Size {
	w := float32(0)
	for _, p := range rr.r.parts {
		w = max(w, p.MinSize().Width)
	}
	return fyne.NewSize(w+theme.ScrollBarSize(), rr.r.scroll.MinSize().Height)
}

func (rr *reflowRenderer) Refresh() { rr.r.scroll.Refresh() }
func (rr *reflowRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{rr.r.scroll, rr.r.wheel}
}
func (rr *reflowRenderer) Destroy() {}

// sideBySideLayout is equal columns in one row, each part as tall as it needs (top aligned).
type sideBySideLayout struct{}

func (sideBySideLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	n := float32(len(objs))
	pad := theme.Padding()
	w := (size.Width - pad*(n-1)) / n
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i)*(w+pad), 0))
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
	}
}

func (sideBySideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width += m.Width
		s.Height = max(s.Height, m.Height)
	}
	s.Width += theme.Padding() * float32(max(len(objs)-1, 0))
	return s
}

// scrollTo scrolls so that o, somewhere in sc's content, shows near the top with a line above it.
func scrollTo(sc *container.Scroll, o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(sc.Content).Y
	y = max(0, min(y-3*theme.Padding()-theme.TextSize(), sc.Content.Size().Height-sc.Size().Height))
	sc.ScrollToOffset(fyne.NewPos(sc.Offset.X, y))
}

// newGrowingMultiLine is a multi-line entry that grows with its lines instead of scrolling inside the
// screen's scroll; it shows at least rows lines.
func newGrowingMultiLine(text string, rows int) *textEntry {
	e := newMultiLine(text)
	grow := func(s string) {
		// Wrapped lines count too: at the entry's width once laid out, at a narrow guess before.
		width := e.Size().Width - 4*theme.InnerPadding()
		if width <= 0 {
			width = 260
		}
		n := 1 // a free line for the cursor
		for _, line := range strings.Split(s, "\n") {
			n += max(1, int(math.Ceil(float64(fyne.MeasureText(line, theme.TextSize(), fyne.TextStyle{}).Width/width))))
		}
		e.SetMinRowsVisible(max(rows, n))
	}
	grow(text)
	prev := e.OnChanged
	e.OnChanged = func(s string) {
		grow(s)
		if prev != nil {
			prev(s)
		}
	}
	return e
}

// wheelSheet is a transparent sheet over a scroll that takes the mouse wheel only and hands it to the
// scroll. Fyne gives the wheel to the innermost scrollable under the pointer, and every entry scrolls
// its own text: without the sheet a form stops scrolling whenever an entry comes under the pointer.
// Clicks, hovers and keys go through to what lies under it.
type wheelSheet struct {
	widget.BaseWidget
	to *container.Scroll
}

func newWheelSheet(to *container.Scroll) *wheelSheet {
	w := &wheelSheet{to: to}
	w.ExtendBaseWidget(w)
	return w
}

func (w *wheelSheet) Scrolled(ev *fyne.ScrollEvent) { w.to.Scrolled(ev) }

func (w *wheelSheet) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// scrollOverEntries is sc with the wheel taken over its whole area, entries included; for a form in a
// scroll whose entries are one line or grow with their text (an entry that scrolls its own lines would
// no longer get the wheel).
func scrollOverEntries(sc *container.Scroll) fyne.CanvasObject {
	return container.NewStack(sc, newWheelSheet(sc))
}
