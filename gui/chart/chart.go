// Package chart draws the manager's metrics as Fyne widgets built from canvas primitives: bars with
// a line on a second axis, lines, a sales funnel, a composition donut, an ABC Pareto chart,
// horizontal bars and actual-against-target bullets.
//
// The API is data only. The caller passes translated strings (titles, series names, the "no data"
// text) and formatters for values (money, percent, days in the user's locale); the charts pick
// colours, sizes and the font from the current theme, so they follow light and dark and show
// Chinese with the app's embedded font. Every chart shows the value under the pointer (hover on
// desktop, tap on touch) and can be drawn offscreen to a PNG with RenderPNG.
//
// Like every Fyne widget, a chart is used from the UI goroutine: call SetData there (from a
// goroutine, wrap it in fyne.Do).
package chart

import (
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Series is one named row of numbers, one value per category. NaN and ±Inf are treated as
// missing: no bar, a gap in a line, "–" in the tooltip.
type Series struct {
	Name   string
	Values []float64
	// Format writes a value for the tooltip and value labels, in the user's locale; nil prints
	// the plain number.
	Format func(float64) string
	// Tick writes axis tick labels, which have less room (e.g. "¥1.2万" where Format writes
	// "¥12,000.00"); nil uses Format.
	Tick func(float64) string
}

// Config is what every chart takes.
type Config struct {
	// Title is drawn at the top left; empty leaves the room to the plot.
	Title string
	// NoData is shown instead of the plot when there is nothing to draw.
	NoData string
	// Percent writes a share (0.42 for 42 %); nil writes "42%" (one decimal under 10 %).
	Percent func(float64) string
}

// MinWidth and MinHeight are every chart's minimum size: small enough for two charts side by side
// in an 800×560 window, big enough for a title, an axis and a few bars.
const (
	MinWidth  = 240
	MinHeight = 160
)

// kind is what each chart type adds to the shared widget: drawing, hit testing and the tooltip.
type kind interface {
	// empty reports that there is nothing to plot, so the "no data" text is shown.
	empty() bool
	// draw lays out every object of the chart in s for s.size.
	draw(s *scene)
	// hit returns the item (category, stage, slice, bucket) under p, or -1.
	hit(p fyne.Position) int
	// highlight marks item i (never -1) with the scene's highlight objects.
	highlight(s *scene, i int)
	// tip is the tooltip of item i.
	tip(i int) (title string, rows []tipRow)
}

// tipRow is one line of a tooltip: a colour swatch (nil for none), a name and a value.
type tipRow struct {
	color       color.Color
	name, value string
}

// base is the widget shared by all charts: it owns the config, the pointer state and the
// renderer, and asks its kind for everything chart-specific.
type base struct {
	widget.BaseWidget
	cfg  Config
	kind kind
	r    *renderer

	// pointing is whether the pointer is over the chart (or it was tapped), at pointer; hovered
	// is the item there, found again whenever the layout or the data changes under it.
	pointing bool
	pointer  fyne.Position
	hovered  int
}

var (
	_ desktop.Hoverable = (*base)(nil)
	_ fyne.Tappable     = (*base)(nil)
)

func (b *base) init(cfg Config, k kind) {
	b.cfg, b.kind, b.hovered = cfg, k, -1
}

// CreateRenderer keeps the renderer, so pointer events can move the highlight and the tooltip
// without redrawing the chart.
func (b *base) CreateRenderer() fyne.WidgetRenderer {
	b.r = newRenderer(b)
	return b.r
}

// super is the outer chart (BarLine, Pareto …), which Fyne needs to find the renderer.
func (b *base) super() fyne.Widget {
	return b.kind.(fyne.Widget)
}

// MouseIn shows the tooltip of the item under the pointer.
func (b *base) MouseIn(e *desktop.MouseEvent) { b.pointAt(e.Position) }

// MouseMoved moves the tooltip with the pointer and switches item when it crosses one.
func (b *base) MouseMoved(e *desktop.MouseEvent) { b.pointAt(e.Position) }

// MouseOut hides the tooltip.
func (b *base) MouseOut() {
	b.pointing = false
	b.update()
}

// Tapped shows the tooltip where a touch screen has no hover; tapping off the items hides it.
func (b *base) Tapped(e *fyne.PointEvent) { b.pointAt(e.Position) }

// Hovered is the item under the pointer, or -1: the category (BarLine, Lines), stage (Funnel),
// row (Bars, Target), slice in drawn order, largest first (Share) or bar (Pareto).
func (b *base) Hovered() int { return b.hovered }

func (b *base) pointAt(p fyne.Position) {
	b.pointing, b.pointer = true, p
	b.update()
}

func (b *base) update() {
	if b.r != nil {
		b.findHovered()
		b.r.showHover()
	}
}

// findHovered looks up the item under the pointer in the last drawn layout.
func (b *base) findHovered() {
	b.hovered = -1
	if b.pointing && !b.kind.empty() {
		b.hovered = b.kind.hit(b.pointer)
	}
}

// dataChanged redraws; the pointer's item is found again in the new data.
func (b *base) dataChanged() {
	b.hovered = -1
	b.Refresh()
}

// percent formats a share with the caller's formatter or the default.
func (b *base) percent(f float64) string {
	if !finite(f) {
		return "–"
	}
	if b.cfg.Percent != nil {
		return b.cfg.Percent(f)
	}
	return defaultPercent(f)
}

func defaultPercent(f float64) string {
	p := f * 100
	if math.Abs(p) < 10 && math.Round(p) != p {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}

// format writes v with the series' formatter; missing values are a dash.
func (s *Series) format(v float64) string {
	if !finite(v) {
		return "–"
	}
	if s.Format != nil {
		return s.Format(v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// tick writes an axis label.
func (s *Series) tick(v float64) string {
	if s.Tick != nil && finite(v) {
		return s.Tick(v)
	}
	return s.format(v)
}

// at is value i, or NaN when the series is shorter than the categories.
func (s *Series) at(i int) float64 {
	if s == nil || i < 0 || i >= len(s.Values) {
		return math.NaN()
	}
	return s.Values[i]
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// extent is the range of the finite values of the series over n categories; ok is false when
// there are none.
func extent(n int, series ...*Series) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for i := 0; i < n; i++ {
			if v := s.at(i); finite(v) {
				lo, hi, ok = math.Min(lo, v), math.Max(hi, v), true
			}
		}
	}
	return lo, hi, ok
}

// copySeries keeps the caller free to reuse its slices after SetData.
func copySeries(s Series) Series {
	s.Values = append([]float64(nil), s.Values...)
	return s
}
