package chart

import "fyne.io/fyne/v2"

// Lines is one or more lines over categories, on a left axis and optionally a right one for a
// second unit: average order value (money) and sales cycle (days) over time.
type Lines struct {
	base
	cats        []string
	left, right []Series

	plotX, plotTop, plotBottom, slot float32
	leftAxis, rightAxis              axis
}

// NewLines makes an empty line chart; give it data with SetData.
func NewLines(cfg Config) *Lines {
	c := &Lines{}
	c.init(cfg, c)
	c.ExtendBaseWidget(c)
	return c
}

// SetData shows the left series on the left axis, whose ticks the first left series writes, and
// the right series (may be nil) on a right axis written by the first right series.
func (c *Lines) SetData(categories []string, left, right []Series) {
	c.cats = append([]string(nil), categories...)
	c.left, c.right = nil, nil
	for _, s := range left {
		c.left = append(c.left, copySeries(s))
	}
	for _, s := range right {
		c.right = append(c.right, copySeries(s))
	}
	c.dataChanged()
}

func ptrs(ss []Series) []*Series {
	p := make([]*Series, len(ss))
	for i := range ss {
		p[i] = &ss[i]
	}
	return p
}

func (c *Lines) empty() bool {
	_, _, ok := extent(len(c.cats), append(ptrs(c.left), ptrs(c.right)...)...)
	return !ok
}

// lineRange is the axis range for lines: from zero when the data sits near it, so changes are
// not exaggerated, but not when that would flatten lines far from zero.
func lineRange(lo, hi float64) (float64, float64) {
	if lo > 0 && lo <= hi/2 {
		lo = 0
	}
	if hi < 0 && hi >= lo/2 {
		hi = 0
	}
	return lo, hi
}

func (c *Lines) draw(s *scene) {
	n := len(c.cats)
	var legend []legendItem
	for i, l := range c.left {
		legend = append(legend, legendItem{name: l.Name, color: seriesColor(i), line: true})
	}
	for i, r := range c.right {
		legend = append(legend, legendItem{name: r.Name, color: seriesColor(len(c.left) + i), line: true})
	}
	top := s.header(c.cfg.Title, legend) + s.captionH/2
	bottom := s.plotBottom()
	intervals := s.intervalsFor(bottom-top, 1.6*s.captionH)

	makeAxis := func(ss []Series) axis {
		lo, hi, ok := extent(n, ptrs(ss)...)
		if !ok {
			lo, hi = 0, 1
		}
		lo, hi = lineRange(lo, hi)
		return s.valueAxis(lo, hi, intervals, ss[0].tick)
	}
	c.leftAxis, c.rightAxis = axis{}, axis{}
	hasLeft, hasRight := len(c.left) > 0, len(c.right) > 0
	x0, x1 := s.pad, s.size.Width-s.pad
	if hasLeft {
		c.leftAxis = makeAxis(c.left)
		x0 += c.leftAxis.width + s.pad
	}
	if hasRight {
		c.rightAxis = makeAxis(c.right)
		x1 -= c.rightAxis.width + s.pad
	}
	if x1-x0 < float32(n) {
		x1 = x0 + float32(n)
	}
	slot := (x1 - x0) / float32(max(n, 1))
	c.plotX, c.plotTop, c.plotBottom, c.slot = x0, top, bottom, slot

	if hasLeft {
		s.gridLines(c.leftAxis, x0, x1, top, bottom)
		s.yLabels(c.leftAxis, x0, top, bottom, false)
	} else {
		s.gridLines(c.rightAxis, x0, x1, top, bottom)
	}
	if hasRight {
		s.yLabels(c.rightAxis, x1, top, bottom, true)
	}
	for i := range c.left {
		drawLine(s, &c.left[i], n, seriesColor(i), x0, slot, c.leftAxis, top, bottom)
	}
	for i := range c.right {
		drawLine(s, &c.right[i], n, seriesColor(len(c.left)+i), x0, slot, c.rightAxis, top, bottom)
	}
	s.categoryLabels(c.cats, x0, slot, bottom+s.xLabelGap())
}

func (c *Lines) hit(p fyne.Position) int {
	if p.Y < c.plotTop-4 {
		return -1
	}
	return slotAt(p.X, c.plotX, c.slot, len(c.cats))
}

// highlight draws a guide through the category and rings its points.
func (c *Lines) highlight(s *scene, i int) {
	x := c.plotX + (float32(i)+0.5)*c.slot
	s.guide.StrokeColor, s.guide.StrokeWidth = s.axis, 1
	s.guide.Position1, s.guide.Position2 = fyne.NewPos(x, c.plotTop), fyne.NewPos(x, c.plotBottom)
	s.guide.Show()
	s.guide.Refresh()
	// One dot, on the first series with a value here: enough to show which point the tooltip is
	// about without a pool of highlight dots.
	for j, ser := range append(ptrs(c.left), ptrs(c.right)...) {
		v := ser.at(i)
		if !finite(v) {
			continue
		}
		a := c.leftAxis
		if j >= len(c.left) {
			a = c.rightAxis
		}
		y := a.at(v, c.plotBottom, c.plotTop)
		s.showDot(x, y, seriesColor(j))
		return
	}
}

func (c *Lines) tip(i int) (string, []tipRow) {
	var rows []tipRow
	for j, ser := range append(ptrs(c.left), ptrs(c.right)...) {
		rows = append(rows, tipRow{color: seriesColor(j), name: ser.Name, value: ser.format(ser.at(i))})
	}
	return c.cats[i], rows
}
