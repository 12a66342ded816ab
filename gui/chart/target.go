package chart

import (
	"math"

	"fyne.io/fyne/v2"
)

// TargetConfig configures a Target chart.
type TargetConfig struct {
	Config
	// AttainmentName names actual over target in the tooltip (e.g. "完成率", "Attainment").
	AttainmentName string
}

// Target is a bullet bar per person: a pale track as long as the target, the actual as a bar
// along it, a tick at the target and the attainment at the end of the row.
type Target struct {
	base
	attainName     string
	names          []string
	actual, target Series

	rows rowGeometry
}

// NewTarget makes an empty actual-against-target chart; give it data with SetData.
func NewTarget(cfg TargetConfig) *Target {
	c := &Target{attainName: cfg.AttainmentName}
	c.init(cfg.Config, c)
	c.ExtendBaseWidget(c)
	return c
}

// SetData shows one row per name with its actual and target.
func (c *Target) SetData(names []string, actual, target Series) {
	c.names = append([]string(nil), names...)
	c.actual, c.target = copySeries(actual), copySeries(target)
	c.dataChanged()
}

func (c *Target) empty() bool {
	_, _, ok := extent(len(c.names), &c.actual, &c.target)
	return !ok
}

// attainment is actual over target, NaN where there is no positive target.
func (c *Target) attainment(i int) float64 {
	a, t := c.actual.at(i), c.target.at(i)
	if !finite(a) || !finite(t) || t <= 0 {
		return math.NaN()
	}
	return a / t
}

func (c *Target) draw(s *scene) {
	n := len(c.names)
	legend := []legendItem{
		{name: c.actual.Name, color: seriesColor(0)},
		{name: c.target.Name, color: s.fg, tick: true},
	}
	top := s.header(c.cfg.Title, legend)
	bottom := s.size.Height - s.captionH - 2*s.pad
	top, rowH := s.rows(top, bottom, n)
	c.rows = rowGeometry{top: top, rowH: rowH, n: n}

	nameW := labelColumn(s, c.names)
	pctW := s.measure("100%", s.captionSize, false).Width
	for i := 0; i < n; i++ {
		pctW = max(pctW, s.measure(c.percent(c.attainment(i)), s.captionSize, false).Width)
	}
	x0 := s.pad + nameW + s.pad
	x1 := max(s.size.Width-s.pad-pctW-2*s.pad, x0+1)
	_, hi, _ := extent(n, &c.actual, &c.target)
	intervals := max(2, int((x1-x0)/(2*s.measure(c.actual.tick(hi), s.captionSize, false).Width+1)))
	a := s.valueAxis(0, math.Max(hi, 0), min(intervals, 6), c.actual.tick)

	for k, t := range a.ticks {
		x := a.at(t, x0, x1)
		col := s.grid
		if t == 0 {
			col = s.axis
		}
		s.line(layerGrid, x, top, x, bottom, col, 1)
		label := a.labels[k]
		w := s.measure(label, s.captionSize, false).Width
		lx := min(max(x, w/2+1), s.size.Width-w/2-1)
		s.text(layerText, label, lx, bottom+s.pad, s.captionSize, s.muted, false, fyne.TextAlignCenter)
	}

	trackH := min(rowH*0.7, 26)
	barH := trackH * 0.5
	every := max(1, int(math.Ceil(float64(s.captionH/rowH))))
	for i := 0; i < n; i++ {
		cy := top + (float32(i)+0.5)*rowH
		if t := c.target.at(i); finite(t) && t > 0 {
			tx := a.at(t, x0, x1)
			s.rect(layerMarks, x0, cy-trackH/2, tx-x0, trackH, s.track).CornerRadius = 2
			s.line(layerSeries, tx, cy-trackH/2-2, tx, cy+trackH/2+2, s.fg, 2)
		}
		if v := c.actual.at(i); finite(v) && v > 0 {
			s.rect(layerMarks, x0, cy-barH/2, a.at(v, x0, x1)-x0, barH, seriesColor(0)).CornerRadius = min(2, barH/4)
		}
		if i%every != 0 {
			continue
		}
		name := s.fit(c.names[i], nameW, s.captionSize, false)
		s.text(layerText, name, x0-s.pad, cy-s.captionH/2, s.captionSize, s.fg, false, fyne.TextAlignTrailing)
		s.text(layerText, c.percent(c.attainment(i)), s.size.Width-s.pad, cy-s.captionH/2, s.captionSize, s.fg, false, fyne.TextAlignTrailing)
	}
}

func (c *Target) hit(p fyne.Position) int { return c.rows.at(p) }

func (c *Target) highlight(s *scene, i int) {
	s.showBand(0, c.rows.top+float32(i)*c.rows.rowH, s.size.Width, c.rows.rowH)
}

func (c *Target) tip(i int) (string, []tipRow) {
	return c.names[i], []tipRow{
		{color: seriesColor(0), name: c.actual.Name, value: c.actual.format(c.actual.at(i))},
		{name: c.target.Name, value: c.target.format(c.target.at(i))},
		{name: c.attainName, value: c.percent(c.attainment(i))},
	}
}
