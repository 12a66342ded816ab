package chart

import (
	"math"

	"fyne.io/fyne/v2"
)

// Bars is one horizontal bar per category with its value at the end: customer counts per RFM
// segment. Horizontal, because segment names are long (重要价值客户, "At risk – big spenders")
// and read best on the left, one per row.
type Bars struct {
	base
	cats   []string
	values Series

	rows rowGeometry
}

// rowGeometry is where the rows of a horizontal chart lie, for hit testing.
type rowGeometry struct {
	top, rowH float32
	n         int
}

func (g rowGeometry) at(p fyne.Position) int {
	if g.rowH <= 0 || p.Y < g.top {
		return -1
	}
	i := int((p.Y - g.top) / g.rowH)
	if i >= g.n {
		return -1
	}
	return i
}

// NewBars makes an empty horizontal bar chart; give it data with SetData.
func NewBars(cfg Config) *Bars {
	c := &Bars{}
	c.init(cfg, c)
	c.ExtendBaseWidget(c)
	return c
}

// SetData shows one bar per category, top to bottom in the order given.
func (c *Bars) SetData(categories []string, values Series) {
	c.cats = append([]string(nil), categories...)
	c.values = copySeries(values)
	c.dataChanged()
}

func (c *Bars) empty() bool {
	_, _, ok := extent(len(c.cats), &c.values)
	return !ok
}

// labelColumn is the width of the category names: their widest, but no more than a third of the
// chart, so the bars keep room.
func labelColumn(s *scene, cats []string) float32 {
	var w float32
	for _, c := range cats {
		w = max(w, s.measure(c, s.captionSize, false).Width)
	}
	return min(w, s.size.Width/3)
}

func (c *Bars) draw(s *scene) {
	n := len(c.cats)
	top := s.header(c.cfg.Title, nil)
	bottom := s.size.Height - s.pad
	top, rowH := s.rows(top, bottom, n)
	c.rows = rowGeometry{top: top, rowH: rowH, n: n}

	nameW := labelColumn(s, c.cats)
	var valueW float32
	for i := 0; i < n; i++ {
		valueW = max(valueW, s.measure(c.values.format(c.values.at(i)), s.captionSize, false).Width)
	}
	x0 := s.pad + nameW + s.pad
	x1 := max(s.size.Width-s.pad-valueW-s.pad, x0+1)
	lo, hi, _ := extent(n, &c.values)
	a := axis{ticks: []float64{math.Min(lo, 0), math.Max(hi, 0)}}
	if a.hi() == a.lo() {
		a.ticks[1] = 1
	}
	zero := a.at(0, x0, x1)
	s.line(layerGrid, zero, top, zero, bottom, s.axis, 1)

	barH := min(rowH*0.7, 28)
	every := max(1, int(math.Ceil(float64(s.captionH/rowH))))
	for i := 0; i < n; i++ {
		cy := top + (float32(i)+0.5)*rowH
		v := c.values.at(i)
		end := zero
		if finite(v) {
			end = a.at(v, x0, x1)
			if w := abs32(end - zero); w > 0 {
				s.rect(layerMarks, min(zero, end), cy-barH/2, max(w, 1), barH, seriesColor(0)).CornerRadius = min(2, barH/4)
			}
		}
		if i%every != 0 {
			continue
		}
		name := s.fit(c.cats[i], nameW, s.captionSize, false)
		s.text(layerText, name, x0-s.pad, cy-s.captionH/2, s.captionSize, s.fg, false, fyne.TextAlignTrailing)
		s.text(layerText, c.values.format(v), max(end, zero)+s.pad, cy-s.captionH/2, s.captionSize, s.muted, false, fyne.TextAlignLeading)
	}
}

func (c *Bars) hit(p fyne.Position) int { return c.rows.at(p) }

func (c *Bars) highlight(s *scene, i int) {
	s.showBand(0, c.rows.top+float32(i)*c.rows.rowH, s.size.Width, c.rows.rowH)
}

func (c *Bars) tip(i int) (string, []tipRow) {
	return c.cats[i], []tipRow{{color: seriesColor(0), name: c.values.Name, value: c.values.format(c.values.at(i))}}
}
