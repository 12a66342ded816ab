package chart

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// palette holds the series colours. Each has a contrast of at least 3:1 (WCAG's minimum for
// graphics) against both the light (#ffffff) and the dark (#171718) background of Fyne's theme,
// so one palette serves both variants; neighbours differ in hue, the first two most of all.
var palette = []color.NRGBA{
	{R: 0x3b, G: 0x7d, B: 0xdd, A: 0xff}, // blue
	{R: 0xe8, G: 0x71, B: 0x0a, A: 0xff}, // orange
	{R: 0x1e, G: 0x9e, B: 0x5a, A: 0xff}, // green
	{R: 0x9b, G: 0x59, B: 0xd0, A: 0xff}, // purple
	{R: 0xd6, G: 0x45, B: 0x6b, A: 0xff}, // rose
	{R: 0x0f, G: 0x9b, B: 0xa8, A: 0xff}, // teal
	{R: 0xb0, G: 0x8a, B: 0x1e, A: 0xff}, // ochre
	{R: 0x8a, G: 0x8f, B: 0x98, A: 0xff}, // grey, last: it reads as "other"
}

func seriesColor(i int) color.Color { return palette[i%len(palette)] }

// Layers fix the drawing order whatever order a chart asks for objects in.
type layerID int

const (
	layerGrid   layerID = iota // grid lines and axes
	layerMarks                 // bars and slices
	layerSeries                // lines and points, over the bars
	layerText                  // labels, over everything but the tooltip
	layerCount
)

// pool reuses a layer's objects from one draw to the next: a draw takes objects from the front
// and the ones left over are hidden, so a redraw moves objects instead of allocating them.
type pool struct {
	rects   []*canvas.Rectangle
	arcs    []*canvas.Arc
	lines   []*canvas.Line
	circles []*canvas.Circle
	texts   []*canvas.Text

	nRects, nArcs, nLines, nCircles, nTexts int
}

// scene is a chart's canvas objects and what a draw needs from the theme.
type scene struct {
	size    fyne.Size
	th      fyne.Theme
	variant fyne.ThemeVariant

	fg, muted, grid, axis, bg, track, primary, hoverFill color.Color
	textSize, captionSize, pad                           float32
	lineH, captionH                                      float32

	layers [layerCount]pool

	// The hover highlight: a band behind a category, a bigger copy of a slice, a guide line and a
	// point. Kinds place the ones they use in highlight.
	band  *canvas.Rectangle
	ring  *canvas.Arc
	guide *canvas.Line
	dot   *canvas.Circle
	tip   tooltip

	objects []fyne.CanvasObject
	grown   bool
}

func newScene() *scene {
	s := &scene{
		band:  canvas.NewRectangle(color.Transparent),
		ring:  &canvas.Arc{},
		guide: canvas.NewLine(color.Transparent),
		dot:   canvas.NewCircle(color.Transparent),
		tip:   newTooltip(),
		grown: true,
	}
	hide(s.band, s.ring, s.guide, s.dot)
	return s
}

// begin starts a draw: it reads the theme and returns every object to its pool.
func (s *scene) begin(size fyne.Size, th fyne.Theme, v fyne.ThemeVariant) {
	s.size, s.th, s.variant = size, th, v
	s.fg = th.Color(theme.ColorNameForeground, v)
	s.muted = th.Color(theme.ColorNamePlaceHolder, v)
	s.bg = th.Color(theme.ColorNameBackground, v)
	s.primary = th.Color(theme.ColorNamePrimary, v)
	s.track = th.Color(theme.ColorNameDisabled, v)
	// Fyne's dark separator is black on a near-black background, so the grid is mixed from the
	// foreground instead: the same faint line on both variants.
	s.grid = mix(s.fg, s.bg, 0.14)
	s.axis = mix(s.fg, s.bg, 0.45)
	s.hoverFill = withAlpha(s.fg, 0x1c)
	s.textSize = th.Size(theme.SizeNameText)
	s.captionSize = th.Size(theme.SizeNameCaptionText)
	s.pad = th.Size(theme.SizeNamePadding)
	s.lineH = s.measure("Ag国", s.textSize, true).Height
	s.captionH = s.measure("Ag国", s.captionSize, false).Height
	for i := range s.layers {
		p := &s.layers[i]
		p.nRects, p.nArcs, p.nLines, p.nCircles, p.nTexts = 0, 0, 0, 0, 0
	}
}

// end hides the objects this draw did not use.
func (s *scene) end() {
	for i := range s.layers {
		p := &s.layers[i]
		hideFrom(p.rects, p.nRects)
		hideFrom(p.arcs, p.nArcs)
		hideFrom(p.lines, p.nLines)
		hideFrom(p.circles, p.nCircles)
		hideFrom(p.texts, p.nTexts)
	}
}

func hideFrom[T fyne.CanvasObject](objs []T, n int) {
	for _, o := range objs[n:] {
		if o.Visible() {
			o.Hide()
		}
	}
}

// Objects lists every object in drawing order; it is rebuilt only when a pool grew.
func (s *scene) Objects() []fyne.CanvasObject {
	if !s.grown {
		return s.objects
	}
	s.grown = false
	// A new slice: the canvas may still hold the old one.
	objs := make([]fyne.CanvasObject, 0, len(s.objects)+16)
	add := func(l layerID) {
		p := &s.layers[l]
		for _, o := range p.rects {
			objs = append(objs, o)
		}
		for _, o := range p.arcs {
			objs = append(objs, o)
		}
		for _, o := range p.lines {
			objs = append(objs, o)
		}
		for _, o := range p.circles {
			objs = append(objs, o)
		}
		for _, o := range p.texts {
			objs = append(objs, o)
		}
	}
	add(layerGrid)
	objs = append(objs, s.band, s.guide)
	add(layerMarks)
	objs = append(objs, s.ring)
	add(layerSeries)
	objs = append(objs, s.dot)
	add(layerText)
	objs = append(objs, s.tip.objects()...)
	s.objects = objs
	return objs
}

func (s *scene) rect(l layerID, x, y, w, h float32, fill color.Color) *canvas.Rectangle {
	p := &s.layers[l]
	if p.nRects == len(p.rects) {
		p.rects = append(p.rects, &canvas.Rectangle{})
		s.grown = true
	}
	r := p.rects[p.nRects]
	p.nRects++
	r.FillColor, r.StrokeColor, r.StrokeWidth, r.CornerRadius = fill, nil, 0, 0
	place(r, x, y, w, h)
	return r
}

func (s *scene) line(l layerID, x1, y1, x2, y2 float32, c color.Color, width float32) *canvas.Line {
	p := &s.layers[l]
	if p.nLines == len(p.lines) {
		p.lines = append(p.lines, &canvas.Line{})
		s.grown = true
	}
	ln := p.lines[p.nLines]
	p.nLines++
	ln.StrokeColor, ln.StrokeWidth = c, width
	ln.Position1, ln.Position2 = fyne.NewPos(x1, y1), fyne.NewPos(x2, y2)
	ln.Show()
	return ln
}

func (s *scene) circle(l layerID, cx, cy, radius float32, fill color.Color) *canvas.Circle {
	p := &s.layers[l]
	if p.nCircles == len(p.circles) {
		p.circles = append(p.circles, &canvas.Circle{})
		s.grown = true
	}
	c := p.circles[p.nCircles]
	p.nCircles++
	c.FillColor, c.StrokeColor, c.StrokeWidth = fill, nil, 0
	place(c, cx-radius, cy-radius, 2*radius, 2*radius)
	return c
}

// arc draws a donut slice in the square of side d at (x, y), from start to end degrees
// clockwise from 12 o'clock.
func (s *scene) arc(l layerID, x, y, d, start, end, cutout float32, fill color.Color) *canvas.Arc {
	p := &s.layers[l]
	if p.nArcs == len(p.arcs) {
		p.arcs = append(p.arcs, &canvas.Arc{})
		s.grown = true
	}
	a := p.arcs[p.nArcs]
	p.nArcs++
	a.FillColor, a.StartAngle, a.EndAngle, a.CutoutRatio = fill, start, end, cutout
	a.StrokeColor, a.StrokeWidth, a.CornerRadius = nil, 0, 0
	place(a, x, y, d, d)
	return a
}

// text draws str with its top at y; x is its left edge, centre or right edge as align says. It
// returns the text's size.
func (s *scene) text(l layerID, str string, x, y, size float32, c color.Color, bold bool, align fyne.TextAlign) fyne.Size {
	p := &s.layers[l]
	if p.nTexts == len(p.texts) {
		p.texts = append(p.texts, &canvas.Text{})
		s.grown = true
	}
	t := p.texts[p.nTexts]
	p.nTexts++
	setText(t, str, size, c, bold)
	m := s.measure(str, size, bold)
	switch align {
	case fyne.TextAlignCenter:
		x -= m.Width / 2
	case fyne.TextAlignTrailing:
		x -= m.Width
	}
	place(t, x, y, m.Width, m.Height)
	return m
}

// setText changes a reused text; the canvas only needs telling when what it shows changed.
func setText(t *canvas.Text, str string, size float32, c color.Color, bold bool) {
	if t.Text == str && t.TextSize == size && t.Color == c && t.TextStyle.Bold == bold {
		return
	}
	t.Text, t.TextSize, t.Color, t.TextStyle = str, size, c, fyne.TextStyle{Bold: bold}
	t.Alignment = fyne.TextAlignLeading
	canvas.Refresh(t)
}

func place(o fyne.CanvasObject, x, y, w, h float32) {
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(max(w, 0), max(h, 0)))
	if !o.Visible() {
		o.Show()
	}
}

func (s *scene) measure(str string, size float32, bold bool) fyne.Size {
	return fyne.MeasureText(str, size, fyne.TextStyle{Bold: bold})
}

// fit shortens str with an ellipsis until it is at most w wide; "" if not even one character and
// the ellipsis fit. Labels are cut rather than allowed to overlap; the tooltip has them in full.
func (s *scene) fit(str string, w, size float32, bold bool) string {
	if s.measure(str, size, bold).Width <= w {
		return str
	}
	runes := []rune(str)
	lo, hi := 0, len(runes)-1 // the longest prefix known to fit, the shortest known not to
	if s.measure("…", size, bold).Width > w {
		return ""
	}
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if s.measure(string(runes[:mid])+"…", size, bold).Width <= w {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		if s.measure(string(runes[:1])+"…", size, bold).Width <= w && len(runes) > 1 {
			return string(runes[:1]) + "…"
		}
		return ""
	}
	return string(runes[:lo]) + "…"
}

// legendItem is one entry of a chart's legend: a box for bars, a short line for a line series, an
// upright tick for a target marker.
type legendItem struct {
	name  string
	color color.Color
	line  bool
	tick  bool
}

const swatch = 10 // side of a legend or tooltip colour box

// header draws the title and the legend, on one row when they fit and the legend wrapped below
// the title otherwise, and returns where the plot may start.
func (s *scene) header(title string, legend []legendItem) float32 {
	pad, w := s.pad, s.size.Width
	y := pad
	widths := make([]float32, len(legend))
	var total float32
	for i, it := range legend {
		widths[i] = swatch + pad + s.measure(it.name, s.captionSize, false).Width
		total += widths[i]
		if i > 0 {
			total += 3 * pad
		}
	}
	rowH := max(s.captionH, swatch)
	if title != "" {
		titleW := s.measure(title, s.textSize, true).Width
		avail := w - 2*pad
		oneRow := len(legend) > 0 && titleW+4*pad+total <= avail
		if oneRow {
			s.text(layerText, title, pad, y, s.textSize, s.fg, true, fyne.TextAlignLeading)
			s.legendRow(legend, widths, w-pad-total, y+(s.lineH-rowH)/2, rowH)
			return y + s.lineH + pad
		}
		s.text(layerText, s.fit(title, avail, s.textSize, true), pad, y, s.textSize, s.fg, true, fyne.TextAlignLeading)
		y += s.lineH + pad/2
	}
	if len(legend) == 0 {
		return y
	}
	// Wrap the legend from the left edge.
	x := pad
	for i, it := range legend {
		iw := min(widths[i], w-2*pad)
		if x > pad && x+iw > w-pad {
			x, y = pad, y+rowH+pad/2
		}
		s.legendItem(it, x, y, iw, rowH)
		x += iw + 3*pad
	}
	return y + rowH + pad
}

func (s *scene) legendRow(legend []legendItem, widths []float32, x, y, rowH float32) {
	for i, it := range legend {
		s.legendItem(it, x, y, widths[i], rowH)
		x += widths[i] + 3*s.pad
	}
}

func (s *scene) legendItem(it legendItem, x, y, w, rowH float32) {
	cy := y + rowH/2
	switch {
	case it.line:
		s.line(layerText, x-2, cy, x+swatch+2, cy, it.color, 2)
		s.circle(layerText, x+swatch/2, cy, 3, it.color)
	case it.tick:
		s.line(layerText, x+swatch/2, cy-swatch/2-1, x+swatch/2, cy+swatch/2+1, it.color, 2)
	default:
		s.rect(layerText, x, cy-swatch/2, swatch, swatch, it.color).CornerRadius = 2
	}
	name := s.fit(it.name, w-swatch-s.pad, s.captionSize, false)
	s.text(layerText, name, x+swatch+s.pad, cy-s.captionH/2, s.captionSize, s.fg, false, fyne.TextAlignLeading)
}

// noData draws the title and the caller's "no data" text in the middle.
func (s *scene) noData(title, msg string) {
	top := s.header(title, nil)
	if msg == "" {
		return
	}
	msg = s.fit(msg, s.size.Width-2*s.pad, s.textSize, false)
	y := top + (s.size.Height-top-s.lineH)/2
	s.text(layerText, msg, s.size.Width/2, y, s.textSize, s.muted, false, fyne.TextAlignCenter)
}

// axis is a value axis: round ticks, their labels and the widest label.
type axis struct {
	ticks  []float64
	labels []string
	width  float32
}

func (s *scene) valueAxis(lo, hi float64, intervals int, format func(float64) string) axis {
	a := axis{ticks: niceTicks(lo, hi, intervals)}
	a.labels = make([]string, len(a.ticks))
	for i, t := range a.ticks {
		a.labels[i] = format(t)
		a.width = max(a.width, s.measure(a.labels[i], s.captionSize, false).Width)
	}
	return a
}

func (a axis) lo() float64 { return a.ticks[0] }
func (a axis) hi() float64 { return a.ticks[len(a.ticks)-1] }

// at maps v on the axis to a coordinate between from (the low end) and to (the high end),
// clamped so out-of-range values cannot draw outside the plot.
func (a axis) at(v float64, from, to float32) float32 {
	span := a.hi() - a.lo()
	if !(span > 0) || !finite(v) {
		return from
	}
	f := (v - a.lo()) / span
	f = math.Max(0, math.Min(1, f))
	return from + float32(f)*(to-from)
}

// intervalsFor is how many tick intervals fit along length with room for a label each.
func (s *scene) intervalsFor(length, labelSpace float32) int {
	n := int(length / labelSpace)
	return max(1, min(n, 8))
}

// yLabels draws an axis' labels beside the plot: right-aligned on its left (x is the plot's left
// edge) or left-aligned on its right (x is its right edge).
func (s *scene) yLabels(a axis, x, top, bottom float32, right bool) {
	for i, t := range a.ticks {
		y := a.at(t, bottom, top) - s.captionH/2
		if right {
			s.text(layerText, a.labels[i], x+s.pad, y, s.captionSize, s.muted, false, fyne.TextAlignLeading)
		} else {
			s.text(layerText, a.labels[i], x-s.pad, y, s.captionSize, s.muted, false, fyne.TextAlignTrailing)
		}
	}
}

// gridLines draws a horizontal line at each tick, the zero line darker.
func (s *scene) gridLines(a axis, left, right, top, bottom float32) {
	for _, t := range a.ticks {
		y := a.at(t, bottom, top)
		c := s.grid
		if t == 0 {
			c = s.axis
		}
		s.line(layerGrid, left, y, right, y, c, 1)
	}
}

// xLabelGap is the room between a plot's bottom and its x labels: half a label, so the lowest
// y-axis label, centred on the bottom line, cannot touch them.
func (s *scene) xLabelGap() float32 { return s.captionH/2 + 1 }

// plotBottom is the bottom of a plot with x labels under it.
func (s *scene) plotBottom() float32 {
	return s.size.Height - s.pad/2 - s.captionH - s.xLabelGap()
}

// categoryLabels writes n labels centred under slots of width slot starting at x0. Long labels
// are thinned out (every 2nd or 3rd, as a time axis reads fine that way) and otherwise cut short.
func (s *scene) categoryLabels(cats []string, x0, slot, y float32) {
	var widest float32
	for _, c := range cats {
		widest = max(widest, s.measure(c, s.captionSize, false).Width)
	}
	step := 1
	if widest+s.pad > slot {
		step = int(math.Ceil(float64((widest + s.pad) / slot)))
		if step > 3 {
			short := min(widest, s.measure("国国国…", s.captionSize, false).Width)
			step = max(1, int(math.Ceil(float64((short+s.pad)/slot))))
		}
	}
	room := float32(step)*slot - s.pad
	for i := 0; i < len(cats); i += step {
		label := s.fit(cats[i], room, s.captionSize, false)
		cx := x0 + (float32(i)+0.5)*slot
		// Keep the first and last labels inside the chart when they are wider than their slot.
		w := s.measure(label, s.captionSize, false).Width
		cx = max(cx, w/2+1)
		cx = min(cx, s.size.Width-w/2-1)
		s.text(layerText, label, cx, y, s.captionSize, s.muted, false, fyne.TextAlignCenter)
	}
}

// rows splits top…bottom into n rows and returns where they start and their height. Rows lower
// than a label (which are then labelled one in a few) keep half a label free at each end, so the
// first and last labels, centred on their rows, stay inside.
func (s *scene) rows(top, bottom float32, n int) (float32, float32) {
	n = max(n, 1)
	if (bottom-top)/float32(n) < s.captionH {
		top, bottom = top+s.captionH/2, bottom-s.captionH/2
	}
	return top, max(bottom-top, 0) / float32(n)
}

// slotAt is the slot under x, or -1.
func slotAt(x, x0, slot float32, n int) int {
	if slot <= 0 || x < x0 {
		return -1
	}
	i := int((x - x0) / slot)
	if i >= n {
		return -1
	}
	return i
}

func mix(a, b color.Color, t float32) color.Color {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	f := func(x, y uint32) uint8 {
		return uint8((float32(x)*t + float32(y)*(1-t)) / 257)
	}
	return color.NRGBA{R: f(ar, br), G: f(ag, bg), B: f(ab, bb), A: f(aa, ba)}
}

func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}
