package chart

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
)

// BarLine is grouped bars on the left axis with an optional line on a right axis: the quarterly
// trend, with leads and closed customers as bars and the conversion rate as the line.
type BarLine struct {
	base
	cats []string
	bars []Series
	line *Series

	// Geometry of the last draw, for hit testing.
	plotX, plotTop, plotBottom, slot float32
}

// NewBarLine makes an empty bar-and-line chart; give it data with SetData.
func NewBarLine(cfg Config) *BarLine {
	c := &BarLine{}
	c.init(cfg, c)
	c.ExtendBaseWidget(c)
	return c
}

// SetData shows one group of bars per category and, when line is not nil, a line on the right
// axis, whose ticks line.Tick (or Format) writes, e.g. as percentages.
func (c *BarLine) SetData(categories []string, bars []Series, line *Series) {
	c.cats = append([]string(nil), categories...)
	c.bars = make([]Series, len(bars))
	for i, s := range bars {
		c.bars[i] = copySeries(s)
	}
	c.line = nil
	if line != nil {
		l := copySeries(*line)
		c.line = &l
	}
	c.dataChanged()
}

func (c *BarLine) series() []*Series {
	all := make([]*Series, 0, len(c.bars)+1)
	for i := range c.bars {
		all = append(all, &c.bars[i])
	}
	if c.line != nil {
		all = append(all, c.line)
	}
	return all
}

func (c *BarLine) empty() bool {
	_, _, ok := extent(len(c.cats), c.series()...)
	return !ok
}

func (c *BarLine) draw(s *scene) {
	n := len(c.cats)
	var legend []legendItem
	for i, b := range c.bars {
		legend = append(legend, legendItem{name: b.Name, color: seriesColor(i)})
	}
	if c.line != nil {
		legend = append(legend, legendItem{name: c.line.Name, color: seriesColor(len(c.bars)), line: true})
	}
	top := s.header(c.cfg.Title, legend) + s.captionH/2
	bottom := s.plotBottom()
	intervals := s.intervalsFor(bottom-top, 1.6*s.captionH)

	barPtrs := make([]*Series, len(c.bars))
	for i := range c.bars {
		barPtrs[i] = &c.bars[i]
	}
	var left, right axis
	hasLeft := len(c.bars) > 0
	if hasLeft {
		lo, hi, ok := extent(n, barPtrs...)
		if !ok {
			lo, hi = 0, 1
		}
		left = s.valueAxis(math.Min(lo, 0), math.Max(hi, 0), intervals, c.bars[0].tick)
		intervals = len(left.ticks) - 1
	}
	if c.line != nil {
		lo, hi, ok := extent(n, c.line)
		if !ok {
			lo, hi = 0, 1
		}
		if hasLeft && lo >= 0 && left.lo() >= 0 {
			right = axis{ticks: alignedTicks(hi, intervals)}
			right.labels = make([]string, len(right.ticks))
			for i, t := range right.ticks {
				right.labels[i] = c.line.tick(t)
				right.width = max(right.width, s.measure(right.labels[i], s.captionSize, false).Width)
			}
		} else {
			right = s.valueAxis(math.Min(lo, 0), math.Max(hi, 0), intervals, c.line.tick)
		}
	}

	x0 := s.pad
	if hasLeft {
		x0 += left.width + s.pad
	}
	x1 := s.size.Width - s.pad
	if c.line != nil {
		x1 -= right.width + s.pad
	}
	if x1-x0 < float32(n) {
		x1 = x0 + float32(n) // never a zero or negative slot, whatever the labels took
	}
	slot := (x1 - x0) / float32(max(n, 1))
	c.plotX, c.plotTop, c.plotBottom, c.slot = x0, top, bottom, slot

	if hasLeft {
		s.gridLines(left, x0, x1, top, bottom)
		s.yLabels(left, x0, top, bottom, false)
	} else {
		s.gridLines(right, x0, x1, top, bottom)
	}
	if c.line != nil {
		s.yLabels(right, x1, top, bottom, true)
	}

	// Bars: a group per category, 70 % of the slot, one bar per series with a hairline between.
	if nb := len(c.bars); nb > 0 {
		group := min(slot*0.7, float32(nb)*48)
		barW := group / float32(nb)
		gap := min(barW*0.15, 2)
		zero := left.at(0, bottom, top)
		for i := 0; i < n; i++ {
			gx := x0 + float32(i)*slot + (slot-group)/2
			for j := range c.bars {
				v := c.bars[j].at(i)
				if !finite(v) {
					continue
				}
				y := left.at(v, bottom, top)
				bx := gx + float32(j)*barW + gap/2
				r := s.rect(layerMarks, bx, min(y, zero), barW-gap, max(abs32(zero-y), 1), seriesColor(j))
				r.CornerRadius = min(2, (barW-gap)/4)
			}
		}
	}
	if c.line != nil {
		drawLine(s, c.line, n, seriesColor(len(c.bars)), x0, slot, right, top, bottom)
	}
	s.categoryLabels(c.cats, x0, slot, bottom+s.xLabelGap())
}

// drawLine draws a series as a polyline through the slot centres, broken at missing values, with
// a dot per point where the slots are wide enough for dots to read.
func drawLine(s *scene, ser *Series, n int, col color.Color, x0, slot float32, a axis, top, bottom float32) {
	prevOK := false
	var px, py float32
	for i := 0; i < n; i++ {
		v := ser.at(i)
		if !finite(v) {
			prevOK = false
			continue
		}
		x := x0 + (float32(i)+0.5)*slot
		y := a.at(v, bottom, top)
		if prevOK {
			s.line(layerSeries, px, py, x, y, col, 2)
		}
		if slot >= 10 || n == 1 {
			s.circle(layerSeries, x, y, 3, col)
		}
		px, py, prevOK = x, y, true
	}
}

func (c *BarLine) hit(p fyne.Position) int {
	if p.Y < c.plotTop-4 {
		return -1 // the title and legend
	}
	return slotAt(p.X, c.plotX, c.slot, len(c.cats))
}

func (c *BarLine) highlight(s *scene, i int) {
	s.showBand(c.plotX+float32(i)*c.slot, c.plotTop, c.slot, c.plotBottom-c.plotTop)
}

func (c *BarLine) tip(i int) (string, []tipRow) {
	var rows []tipRow
	for j := range c.bars {
		rows = append(rows, tipRow{color: seriesColor(j), name: c.bars[j].Name, value: c.bars[j].format(c.bars[j].at(i))})
	}
	if c.line != nil {
		rows = append(rows, tipRow{color: seriesColor(len(c.bars)), name: c.line.Name, value: c.line.format(c.line.at(i))})
	}
	return c.cats[i], rows
}

func abs32(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}
