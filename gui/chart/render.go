package chart

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// renderer draws any chart: the scene holds the objects, the chart's kind places them.
type renderer struct {
	b *base
	s *scene
}

func newRenderer(b *base) *renderer {
	r := &renderer{b: b, s: newScene()}
	r.redraw(b.Size())
	return r
}

func (r *renderer) Layout(size fyne.Size) { r.redraw(size) }

func (r *renderer) MinSize() fyne.Size { return fyne.NewSize(MinWidth, MinHeight) }

// Refresh redraws with the current theme, so colours and sizes follow a theme change.
func (r *renderer) Refresh() {
	r.redraw(r.b.Size())
	canvas.Refresh(r.b.super())
}

func (r *renderer) Objects() []fyne.CanvasObject { return r.s.Objects() }

func (r *renderer) Destroy() {}

func (r *renderer) redraw(size fyne.Size) {
	s := r.s
	s.begin(size, r.b.Theme(), currentVariant())
	switch {
	case size.Width < 1 || size.Height < 1:
	case r.b.kind.empty():
		s.noData(r.b.cfg.Title, r.b.cfg.NoData)
	default:
		r.b.kind.draw(s)
	}
	s.end()
	// The geometry moved under a still pointer: find what it is over now.
	r.b.findHovered()
	r.placeHover()
}

// showHover shows the hover's new state. The canvas is told through the widget: the tooltip's
// objects were hidden at the last paint, so the canvas does not know them to repaint them.
func (r *renderer) showHover() {
	r.placeHover()
	canvas.Refresh(r.b.super())
}

// placeHover places the highlight and the tooltip for the hovered item, or hides them.
func (r *renderer) placeHover() {
	s := r.s
	hide(s.band, s.ring, s.guide, s.dot)
	i := r.b.hovered
	if i < 0 || s.size.Width < 1 {
		s.tip.hide()
		return
	}
	r.b.kind.highlight(s, i)
	title, rows := r.b.kind.tip(i)
	s.tip.show(s, title, rows, r.b.pointer)
}

func currentVariant() fyne.ThemeVariant {
	if a := fyne.CurrentApp(); a != nil {
		return a.Settings().ThemeVariant()
	}
	return theme.VariantLight
}

// showBand highlights a rectangle behind the marks.
func (s *scene) showBand(x, y, w, h float32) {
	s.band.FillColor = s.hoverFill
	place(s.band, x, y, w, h)
	canvas.Refresh(s.band)
}

// showDot marks a point of a line, ringed in the background colour to stand off the line.
func (s *scene) showDot(x, y float32, c color.Color) {
	s.dot.FillColor, s.dot.StrokeColor, s.dot.StrokeWidth = c, s.bg, 2
	place(s.dot, x-5, y-5, 10, 10)
	canvas.Refresh(s.dot)
}

// tooltip is a small box with a title and a row per series, drawn over the chart near the
// pointer. Its objects are made once and grow with the number of rows, never per hover.
type tooltip struct {
	shadow, bg *canvas.Rectangle
	title      *canvas.Text
	swatches   []*canvas.Rectangle
	names      []*canvas.Text
	values     []*canvas.Text
}

func newTooltip() tooltip {
	t := tooltip{shadow: &canvas.Rectangle{}, bg: &canvas.Rectangle{}, title: &canvas.Text{}}
	t.hide()
	return t
}

func (t *tooltip) objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{t.shadow, t.bg, t.title}
	for i := range t.names {
		objs = append(objs, t.swatches[i], t.names[i], t.values[i])
	}
	return objs
}

func (t *tooltip) hide() {
	hide(t.shadow, t.bg, t.title)
	hideFrom(t.swatches, 0)
	hideFrom(t.names, 0)
	hideFrom(t.values, 0)
}

func hide(objs ...fyne.CanvasObject) {
	for _, o := range objs {
		if o.Visible() {
			o.Hide()
		}
	}
}

// show lays the tooltip out below and right of the pointer, flipped to the other side where it
// would leave the chart.
func (t *tooltip) show(s *scene, title string, rows []tipRow, at fyne.Position) {
	for len(t.names) < len(rows) {
		t.swatches = append(t.swatches, &canvas.Rectangle{})
		t.names = append(t.names, &canvas.Text{})
		t.values = append(t.values, &canvas.Text{})
		s.grown = true
	}
	pad, size := s.pad, s.textSize
	maxW := s.size.Width - 2*pad
	inner := maxW - 4*pad
	title = s.fit(title, inner, size, true)
	w := s.measure(title, size, true).Width
	var nameW, valueW float32
	for _, r := range rows {
		nameW = max(nameW, s.measure(r.name, size, false).Width)
		valueW = max(valueW, s.measure(r.value, size, false).Width)
	}
	nameX := float32(0)
	if hasSwatch(rows) {
		nameX = swatch + pad
	}
	nameW = min(nameW, max(inner-nameX-valueW-3*pad, inner/3))
	rowsW := nameX + nameW + 3*pad + valueW
	w = min(max(w, rowsW), inner) + 4*pad
	h := 2*pad + s.lineH + float32(len(rows))*(s.lineH+pad/2)

	x, y := at.X+14, at.Y+14
	if x+w > s.size.Width {
		x = at.X - 8 - w
	}
	if y+h > s.size.Height {
		y = at.Y - 8 - h
	}
	x = max(0, min(x, s.size.Width-w))
	y = max(0, min(y, s.size.Height-h))

	v := s.variant
	t.shadow.FillColor = s.th.Color(theme.ColorNameShadow, v)
	t.shadow.CornerRadius = 4
	place(t.shadow, x+1, y+2, w, h)
	t.bg.FillColor = s.th.Color(theme.ColorNameOverlayBackground, v)
	t.bg.StrokeColor = s.th.Color(theme.ColorNameInputBorder, v)
	t.bg.StrokeWidth, t.bg.CornerRadius = 1, 4
	place(t.bg, x, y, w, h)
	canvas.Refresh(t.bg)

	setText(t.title, title, size, s.fg, true)
	place(t.title, x+2*pad, y+pad, s.measure(title, size, true).Width, s.lineH)
	ry := y + pad + s.lineH + pad/2
	for i := range t.names {
		if i >= len(rows) {
			t.swatches[i].Hide()
			t.names[i].Hide()
			t.values[i].Hide()
			continue
		}
		r := rows[i]
		if r.color != nil {
			t.swatches[i].FillColor, t.swatches[i].CornerRadius = r.color, 2
			place(t.swatches[i], x+2*pad, ry+(s.lineH-swatch)/2, swatch, swatch)
			canvas.Refresh(t.swatches[i])
		} else {
			t.swatches[i].Hide()
		}
		name := s.fit(r.name, nameW, size, false)
		setText(t.names[i], name, size, s.muted, false)
		place(t.names[i], x+2*pad+nameX, ry, s.measure(name, size, false).Width, s.lineH)
		value := s.fit(r.value, w-4*pad-nameX-3*pad-min(nameW, s.measure(name, size, false).Width), size, false)
		vw := s.measure(value, size, false).Width
		setText(t.values[i], value, size, s.fg, false)
		place(t.values[i], x+w-2*pad-vw, ry, vw, s.lineH)
		ry += s.lineH + pad/2
	}
}

func hasSwatch(rows []tipRow) bool {
	for _, r := range rows {
		if r.color != nil {
			return true
		}
	}
	return false
}
