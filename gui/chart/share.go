package chart

import (
	"image/color"
	"math"
	"slices"

	"fyne.io/fyne/v2"
)

// ShareConfig configures a Share chart.
type ShareConfig struct {
	Config
	// OtherName labels the slice that gathers the smallest parts when there are more than
	// MaxSlices (e.g. "其他", "Other").
	OtherName string
	// MaxSlices is how many slices are drawn, the "other" slice included; 0 means 7. At most 8:
	// more colours are hard to tell apart.
	MaxSlices int
}

// Share is a composition: a donut of each part's share of the total, largest first, with a
// legend of names and percentages and the total in the middle. Customer composition by business
// category uses it.
type Share struct {
	base
	other  string
	most   int
	names  []string
	values Series

	// The drawn slices: index into names (-1 for "other"), value and angles in degrees.
	slices []slice
	total  float64

	cx, cy, outer, inner  float32
	legendTop, legendRowH float32
	legendX0, legendX1    float32
	legendRows            int
}

type slice struct {
	part       int // index in names, -1 for the gathered "other"
	value      float64
	start, end float32
}

const cutout = 0.58 // the donut's hole, as a share of its radius

// NewShare makes an empty composition chart; give it data with SetData.
func NewShare(cfg ShareConfig) *Share {
	c := &Share{other: cfg.OtherName, most: min(cfg.MaxSlices, len(palette))}
	if c.most <= 1 {
		c.most = 7
	}
	if c.other == "" {
		c.other = "…"
	}
	c.init(cfg.Config, c)
	c.ExtendBaseWidget(c)
	return c
}

// SetData shows each name's share of the sum of values; values that are negative or missing
// count as zero, as a share cannot be negative.
func (c *Share) SetData(names []string, values Series) {
	c.names = append([]string(nil), names...)
	c.values = copySeries(values)
	c.slices, c.total = nil, 0
	var parts []slice
	for i := range c.names {
		if v := c.values.at(i); finite(v) && v > 0 {
			parts = append(parts, slice{part: i, value: v})
			c.total += v
		}
	}
	slices.SortStableFunc(parts, func(a, b slice) int {
		switch {
		case a.value > b.value:
			return -1
		case a.value < b.value:
			return 1
		}
		return 0
	})
	if len(parts) > c.most {
		rest := slice{part: -1}
		for _, p := range parts[c.most-1:] {
			rest.value += p.value
		}
		parts = append(parts[:c.most-1], rest)
	}
	if c.total > 0 && finite(c.total) {
		var at float64
		for i := range parts {
			parts[i].start = float32(360 * at / c.total)
			at += parts[i].value
			parts[i].end = float32(360 * at / c.total)
		}
		c.slices = parts
	}
	c.dataChanged()
}

func (c *Share) empty() bool { return len(c.slices) == 0 }

func (c *Share) name(sl slice) string {
	if sl.part < 0 {
		return c.other
	}
	return c.names[sl.part]
}

// color gives "other" the last, grey palette colour so it reads as the remainder; with at most
// len(palette) slices, no two share a colour.
func (c *Share) color(i int) color.Color {
	if c.slices[i].part < 0 {
		return palette[len(palette)-1]
	}
	return palette[i%len(palette)]
}

func (c *Share) draw(s *scene) {
	top := s.header(c.cfg.Title, nil)
	h := s.size.Height - top - s.pad
	w := s.size.Width - 2*s.pad
	d := max(min(h, w*0.42), 1)

	// The legend: swatch, name, percentage; as wide as its longest name allows, and the donut and
	// legend centred together so a wide chart has no gap between them.
	var nameW, pctW float32
	for _, sl := range c.slices {
		nameW = max(nameW, s.measure(c.name(sl), s.captionSize, false).Width)
		pctW = max(pctW, s.measure(c.percent(sl.value/c.total), s.captionSize, false).Width)
	}
	room := w - d - 3*s.pad
	nameW = max(min(nameW, room-swatch-4*s.pad-pctW), 0)
	legendW := swatch + s.pad + nameW + 3*s.pad + pctW
	x := s.pad + max((w-d-3*s.pad-legendW)/2, 0)

	c.outer, c.inner = d/2, d/2*cutout
	c.cx, c.cy = x+d/2, top+h/2
	for i, sl := range c.slices {
		a := s.arc(layerMarks, c.cx-d/2, c.cy-d/2, d, sl.start, sl.end, cutout, c.color(i))
		if len(c.slices) > 1 {
			// A background-coloured edge parts neighbouring slices.
			a.StrokeColor, a.StrokeWidth = s.bg, 1.5
		}
	}
	// The total in the hole, when it fits.
	if total := c.values.format(c.total); s.measure(total, s.captionSize, true).Width <= 2*c.inner*0.85 {
		s.text(layerText, total, c.cx, c.cy-s.captionH/2, s.captionSize, s.fg, true, fyne.TextAlignCenter)
	}

	c.legendX0 = c.cx + d/2 + 3*s.pad
	c.legendX1 = min(c.legendX0+legendW, s.size.Width-s.pad)
	c.legendRowH = min(s.captionH+s.pad, max(s.captionH+1, h/float32(max(len(c.slices), 1))))
	c.legendRows = min(len(c.slices), int(h/c.legendRowH))
	c.legendTop = c.cy - float32(c.legendRows)*c.legendRowH/2
	for i := 0; i < c.legendRows; i++ {
		sl := c.slices[i]
		cy := c.legendTop + (float32(i)+0.5)*c.legendRowH
		s.rect(layerText, c.legendX0, cy-swatch/2, swatch, swatch, c.color(i)).CornerRadius = 2
		name := s.fit(c.name(sl), nameW, s.captionSize, false)
		s.text(layerText, name, c.legendX0+swatch+s.pad, cy-s.captionH/2, s.captionSize, s.fg, false, fyne.TextAlignLeading)
		s.text(layerText, c.percent(sl.value/c.total), c.legendX1, cy-s.captionH/2, s.captionSize, s.muted, false, fyne.TextAlignTrailing)
	}
}

func (c *Share) hit(p fyne.Position) int {
	if c.outer <= 0 {
		return -1 // not drawn yet
	}
	// A legend row.
	if p.X >= c.legendX0 && p.X <= c.legendX1 && p.Y >= c.legendTop && c.legendRowH > 0 {
		if i := int((p.Y - c.legendTop) / c.legendRowH); i < c.legendRows {
			return i
		}
	}
	// A slice: inside the ring, at an angle clockwise from 12 o'clock.
	dx, dy := float64(p.X-c.cx), float64(p.Y-c.cy)
	r := math.Hypot(dx, dy)
	if r < float64(c.inner) || r > float64(c.outer) {
		return -1
	}
	deg := float32(math.Mod(math.Atan2(dx, -dy)*180/math.Pi+360, 360))
	for i, sl := range c.slices {
		if deg >= sl.start && deg < sl.end {
			return i
		}
	}
	return len(c.slices) - 1 // 360° itself
}

// highlight pulls the slice out: a copy of it drawn a little bigger, over the others.
func (c *Share) highlight(s *scene, i int) {
	sl := c.slices[i]
	grow := max(1.5*s.pad, 5)
	d := 2 * (c.outer + grow)
	r := s.ring
	r.FillColor, r.StartAngle, r.EndAngle = c.color(i), sl.start, sl.end
	r.CutoutRatio = max(c.inner-grow/2, 0) / (c.outer + grow)
	r.StrokeColor, r.StrokeWidth = s.bg, 1.5
	place(r, c.cx-d/2, c.cy-d/2, d, d)
	r.Refresh()
	if i < c.legendRows {
		s.showBand(c.legendX0-s.pad, c.legendTop+float32(i)*c.legendRowH, c.legendX1-c.legendX0+2*s.pad, c.legendRowH)
	}
}

func (c *Share) tip(i int) (string, []tipRow) {
	sl := c.slices[i]
	return c.name(sl), []tipRow{{
		color: c.color(i),
		name:  c.values.Name,
		value: c.values.format(sl.value) + " · " + c.percent(sl.value/c.total),
	}}
}
