package chart

import (
	"math"

	"fyne.io/fyne/v2"
)

// FunnelConfig configures a Funnel.
type FunnelConfig struct {
	Config
	// ConversionName heads the column of stage-to-stage conversion rates and names them in the
	// tooltip (e.g. "转化率", "Conversion"); empty leaves the column unheaded.
	ConversionName string
}

// Funnel is the sales funnel: a centred bar per stage, as wide as its count, with the count and
// amount on it, the stage name on the left and the conversion from the stage above on the right.
type Funnel struct {
	base
	conv            string
	stages          []string
	counts, amounts Series

	top, rowH float32
}

// NewFunnel makes an empty funnel; give it data with SetData.
func NewFunnel(cfg FunnelConfig) *Funnel {
	c := &Funnel{conv: cfg.ConversionName}
	c.init(cfg.Config, c)
	c.ExtendBaseWidget(c)
	return c
}

// SetData shows the stages top to bottom with their counts (which set the bar widths and the
// conversion rates) and amounts; amounts may have no values.
func (c *Funnel) SetData(stages []string, counts, amounts Series) {
	c.stages = append([]string(nil), stages...)
	c.counts, c.amounts = copySeries(counts), copySeries(amounts)
	c.dataChanged()
}

func (c *Funnel) empty() bool {
	_, _, ok := extent(len(c.stages), &c.counts)
	return !ok
}

// conversion is count i over count i-1, NaN where there is no stage above or it is empty.
func (c *Funnel) conversion(i int) float64 {
	prev, cur := c.counts.at(i-1), c.counts.at(i)
	if i < 1 || !finite(prev) || !finite(cur) || prev <= 0 {
		return math.NaN()
	}
	return cur / prev
}

func (c *Funnel) label(i int) string {
	l := c.counts.format(c.counts.at(i))
	if a := c.amounts.at(i); finite(a) {
		l += " · " + c.amounts.format(a)
	}
	return l
}

func (c *Funnel) draw(s *scene) {
	n := len(c.stages)
	top := s.header(c.cfg.Title, nil)
	convW := s.measure("100%", s.captionSize, false).Width
	for i := 1; i < n; i++ {
		convW = max(convW, s.measure(c.percent(c.conversion(i)), s.captionSize, false).Width)
	}
	if c.conv != "" {
		head := s.fit(c.conv, s.size.Width/3, s.captionSize, false)
		convW = max(convW, s.measure(head, s.captionSize, false).Width)
		s.text(layerText, head, s.size.Width-s.pad, top, s.captionSize, s.muted, false, fyne.TextAlignTrailing)
		top += s.captionH + s.pad/2
	}
	bottom := s.size.Height - s.pad
	top, rowH := s.rows(top, bottom, n)
	c.top, c.rowH = top, rowH

	var nameW float32
	for _, st := range c.stages {
		nameW = max(nameW, s.measure(st, s.captionSize, false).Width)
	}
	nameW = min(nameW, s.size.Width*0.3)
	x0 := s.pad + nameW + s.pad
	x1 := s.size.Width - 2*s.pad - convW - s.pad
	width := max(x1-x0, 1)
	cx := (x0 + x1) / 2

	_, most, _ := extent(n, &c.counts)
	barH := min(rowH*0.78, 40)
	fill := mix(seriesColor(0), s.bg, 0.45)
	every := max(1, int(math.Ceil(float64(s.captionH/rowH))))
	for i := 0; i < n; i++ {
		y := top + float32(i)*rowH
		cy := y + rowH/2
		if v := c.counts.at(i); finite(v) && v > 0 && most > 0 {
			w := max(width*float32(v/most), 2)
			s.rect(layerMarks, cx-w/2, cy-barH/2, w, barH, fill).CornerRadius = min(3, barH/4)
		}
		if i%every != 0 {
			continue
		}
		name := s.fit(c.stages[i], nameW, s.captionSize, false)
		s.text(layerText, name, x0-s.pad, cy-s.captionH/2, s.captionSize, s.fg, false, fyne.TextAlignTrailing)
		label := c.label(i)
		if s.measure(label, s.captionSize, false).Width > width {
			label = s.fit(c.counts.format(c.counts.at(i)), width, s.captionSize, false)
		}
		s.text(layerText, label, cx, cy-s.captionH/2, s.captionSize, s.fg, false, fyne.TextAlignCenter)
		if i > 0 {
			// On the boundary between the two stages it compares.
			s.text(layerText, c.percent(c.conversion(i)), s.size.Width-s.pad, y-s.captionH/2,
				s.captionSize, s.muted, false, fyne.TextAlignTrailing)
		}
	}
}

func (c *Funnel) hit(p fyne.Position) int {
	if c.rowH <= 0 || p.Y < c.top {
		return -1
	}
	i := int((p.Y - c.top) / c.rowH)
	if i >= len(c.stages) {
		return -1
	}
	return i
}

func (c *Funnel) highlight(s *scene, i int) {
	s.showBand(0, c.top+float32(i)*c.rowH, s.size.Width, c.rowH)
}

func (c *Funnel) tip(i int) (string, []tipRow) {
	rows := []tipRow{{color: seriesColor(0), name: c.counts.Name, value: c.counts.format(c.counts.at(i))}}
	if i < len(c.amounts.Values) {
		rows = append(rows, tipRow{name: c.amounts.Name, value: c.amounts.format(c.amounts.at(i))})
	}
	if i > 0 {
		rows = append(rows, tipRow{name: c.conv, value: c.percent(c.conversion(i))})
	}
	return c.stages[i], rows
}
