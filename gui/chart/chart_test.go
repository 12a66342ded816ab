package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

var variants = []struct {
	name string
	v    fyne.ThemeVariant
}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}}

func TestGoldenImages(t *testing.T) {
	for _, vr := range variants {
		for _, tc := range []struct {
			name  string
			chart func() fyne.CanvasObject
		}{
			{"barline", func() fyne.CanvasObject { return sampleBarLine() }},
			{"pareto", func() fyne.CanvasObject { return samplePareto(100_000) }},
		} {
			t.Run(tc.name+"-"+vr.name, func(t *testing.T) {
				newTestApp(t, vr.v)
				img := Render(tc.chart(), fyne.NewSize(480, 300), testTheme(vr.v))
				assertGolden(t, tc.name+"-"+vr.name+".png", img)
			})
		}
	}
}

// TestGoldenHover pins the hover look: the band behind the category and the tooltip.
func TestGoldenHover(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	c := sampleBarLine()
	size := fyne.NewSize(480, 300)
	Render(c, size, testTheme(theme.VariantLight))
	c.MouseIn(mouseAt(c.plotX+5.5*c.slot, (c.plotTop+c.plotBottom)/2))
	assertGolden(t, "barline-hover-light.png", Render(c, size, testTheme(theme.VariantLight)))
}

// TestGoldenSmall pins every chart at its minimum size, where labels are most crowded.
func TestGoldenSmall(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	th := testTheme(theme.VariantLight)
	for name, c := range allCharts() {
		t.Run(name, func(t *testing.T) {
			assertGolden(t, "small-"+name+".png", Render(c, fyne.NewSize(MinWidth, MinHeight), th))
		})
	}
}

func allCharts() map[string]fyne.Widget {
	return map[string]fyne.Widget{
		"barline": sampleBarLine(),
		"lines":   sampleLines(),
		"funnel":  sampleFunnel(),
		"share":   sampleShare(),
		"pareto":  samplePareto(5000),
		"bars":    sampleBars(),
		"target":  sampleTarget(),
	}
}

func mouseAt(x, y float32) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, y)}}
}

func TestHoverPicksCategory(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	c := sampleBarLine()
	win := show(t, c, 480, 300)
	y := (c.plotTop + c.plotBottom) / 2
	for i, q := range quarters {
		// Near the right edge of the slot, so a slot computed from the wrong origin would miss.
		test.MoveMouse(win.Canvas(), fyne.NewPos(c.plotX+(float32(i)+0.9)*c.slot, y))
		if c.Hovered() != i {
			t.Fatalf("pointer over %s: hovered %d, want %d", q, c.Hovered(), i)
		}
		want := []string{q, "线索=" + count(c.bars[0].Values[i]), "成交客户=" + count(c.bars[1].Values[i]), "转化率=" + pct(c.line.Values[i])}
		if got := tipText(c.r.s); !slices.Equal(got, want) {
			t.Errorf("tooltip over %s = %q, want %q", q, got, want)
		}
		if !c.r.s.band.Visible() {
			t.Errorf("hovered %s is not highlighted", q)
		}
	}

	// Over the title there is nothing to explain.
	test.MoveMouse(win.Canvas(), fyne.NewPos(c.plotX+c.slot/2, 2))
	if c.Hovered() != -1 || tipText(c.r.s) != nil || c.r.s.band.Visible() {
		t.Errorf("over the title: hovered %d, tooltip %q", c.Hovered(), tipText(c.r.s))
	}

	c.MouseIn(mouseAt(c.plotX+c.slot/2, y))
	c.MouseOut()
	if tipText(c.r.s) != nil || c.r.s.band.Visible() {
		t.Error("the tooltip stays after the pointer left")
	}
}

// TestHoverSurvivesResize: a resize under a still pointer re-picks the item from the new layout.
func TestHoverSurvivesResize(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	c := sampleBarLine()
	win := show(t, c, 480, 300)
	p := fyne.NewPos(c.plotX+7.5*c.slot, (c.plotTop+c.plotBottom)/2)
	c.MouseIn(mouseAt(p.X, p.Y))
	win.Resize(fyne.NewSize(960, 300))
	if want := slotAt(p.X, c.plotX, c.slot, len(quarters)); c.Hovered() != want {
		t.Errorf("after resize hovered %d, want %d", c.Hovered(), want)
	}
	if got := tipText(c.r.s); got == nil || got[0] != quarters[c.Hovered()] {
		t.Errorf("after resize the tooltip is %q", got)
	}
}

func TestTapShowsTooltip(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	c := sampleFunnel()
	show(t, c, 480, 300)
	test.TapAt(c, fyne.NewPos(240, c.top+2.5*c.rowH))
	want := []string{"需求确认", "商机数=410", "金额=¥33000000", "转化率=64%"}
	if got := tipText(c.r.s); !slices.Equal(got, want) {
		t.Errorf("tapped stage 3: tooltip %q, want %q", got, want)
	}
	test.TapAt(c, fyne.NewPos(240, 2))
	if got := tipText(c.r.s); got != nil {
		t.Errorf("tapped the title: tooltip %q, want none", got)
	}
}

// TestParetoHover checks the aggregated bars of 100,000 customers: each pointer position picks a
// run of customers whose total and cumulative share match the sorted data.
func TestParetoHover(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	const n = 100_000
	c := samplePareto(n)
	win := show(t, c, 640, 360)
	_, values := paretoValues(n)
	sort.Sort(sort.Reverse(sort.Float64Slice(values)))
	var total float64
	for _, v := range values {
		total += v
	}

	if c.buckets >= n || c.buckets > int(c.plotW) {
		t.Fatalf("%d bars for %d customers in %.0f px", c.buckets, n, c.plotW)
	}
	prevShare := -1.0
	for _, f := range []float32{0.001, 0.1, 0.3, 0.5, 0.8, 0.999} {
		x := c.plotX + f*c.plotW
		test.MoveMouse(win.Canvas(), fyne.NewPos(x, (c.plotTop+c.plotBottom)/2))
		j := c.Hovered()
		if j < 0 {
			t.Fatalf("no bucket at %.1f%% of the width", f*100)
		}
		lo, hi := c.bucket(j)
		if rank := int(float64(f) * n); rank < lo || rank >= hi {
			t.Errorf("at %.1f%%: bucket has ranks [%d, %d), want rank %d in it", f*100, lo, hi, rank)
		}
		var sum, cum float64
		for r := range hi {
			cum += values[r]
			if r >= lo {
				sum += values[r]
			}
		}
		tip := tipText(c.r.s)
		if len(tip) != 3 || !strings.Contains(tip[0], "#") {
			t.Fatalf("tooltip %q", tip)
		}
		if want := "销售额=" + yuan(sum); tip[1] != want {
			t.Errorf("at %.1f%%: %s, want %s", f*100, tip[1], want)
		}
		if want := "累计占比=" + defaultPercent(cum/total); tip[2] != want {
			t.Errorf("at %.1f%%: %s, want %s", f*100, tip[2], want)
		}
		if cum/total < prevShare {
			t.Errorf("cumulative share fell from %v to %v", prevShare, cum/total)
		}
		prevShare = cum / total
	}
	// The first bucket is the biggest customers, class A.
	test.MoveMouse(win.Canvas(), fyne.NewPos(c.plotX+0.5, (c.plotTop+c.plotBottom)/2))
	if tip := tipText(c.r.s); !strings.HasPrefix(tip[0], "A · #1") {
		t.Errorf("first bucket: %q", tip[0])
	}
}

// TestParetoSmallData: with few customers each has its own bar, named in the tooltip.
func TestParetoSmallData(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	c := NewPareto(ParetoConfig{CumulativeName: "cum", Classes: []string{"A", "B", "C"}})
	c.SetData([]string{"tiny", "big", "mid", "small"}, Series{Name: "sales", Values: []float64{4, 70, 20, 6}})
	show(t, c, 480, 300)
	if c.buckets != 4 {
		t.Fatalf("%d bars for 4 customers", c.buckets)
	}
	// Classed where its sales start, as data.ABCOf does: "mid" starts at 70 %, below 75 %, so it
	// is A; "small" starts at 90 %, B; "tiny" at 96 %, C.
	for i, want := range [][]string{
		{"A · #1 big", "sales=70", "cum=70%"},
		{"A · #2 mid", "sales=20", "cum=90%"},
		{"B · #3 small", "sales=6", "cum=96%"},
		{"C · #4 tiny", "sales=4", "cum=100%"},
	} {
		c.MouseMoved(mouseAt(c.plotX+c.plotW*(float32(i)+0.5)/4, (c.plotTop+c.plotBottom)/2))
		if got := tipText(c.r.s); !slices.Equal(got, want) {
			t.Errorf("tooltip %q, want %q", got, want)
		}
	}
}

func TestShareMergesSmallestIntoOther(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	c := NewShare(ShareConfig{OtherName: "其他", MaxSlices: 3})
	c.SetData([]string{"a", "b", "c", "d", "e"}, Series{Name: "v", Values: []float64{5, 40, -3, 25, 30}})
	var got []string
	for _, sl := range c.slices {
		got = append(got, c.name(sl))
	}
	if want := []string{"b", "e", "其他"}; !slices.Equal(got, want) {
		t.Errorf("slices %q, want %q", got, want)
	}
	if last := c.slices[len(c.slices)-1]; last.value != 30 || last.end != 360 {
		t.Errorf("other = %+v, want 30 ending at 360°", last)
	}
}

// badData is data no chart may panic on or draw NaN from.
var badData = []struct {
	name   string
	cats   []string
	values []float64
	// drawable: some value is finite and positive, so even shares and Pareto have a total.
	drawable, anyFinite bool
}{
	{"no categories", nil, nil, false, false},
	{"categories without values", []string{"a", "b"}, nil, false, false},
	{"all NaN", []string{"a", "b"}, []float64{math.NaN(), math.NaN()}, false, false},
	{"infinities", []string{"a", "b"}, []float64{math.Inf(1), math.Inf(-1)}, false, false},
	{"all zero", []string{"a", "b", "c"}, []float64{0, 0, 0}, false, true},
	{"negative", []string{"a", "b"}, []float64{-5, -20}, false, true},
	{"one value", []string{"a"}, []float64{3}, true, true},
	{"mixed", []string{"a", "b", "c", "d"}, []float64{math.NaN(), 4, math.Inf(1), -2}, true, true},
	{"more values than categories", []string{"a"}, []float64{1, 2, 3}, true, true},
	{"huge", []string{"a", "b"}, []float64{1e308, 1e308}, false, true},
}

func buildWith(kind string, cats []string, values []float64) fyne.Widget {
	s := Series{Name: "s", Values: values}
	cfg := Config{Title: "t", NoData: "no data"}
	switch kind {
	case "barline":
		c := NewBarLine(cfg)
		c.SetData(cats, []Series{s}, &s)
		return c
	case "lines":
		c := NewLines(cfg)
		c.SetData(cats, []Series{s}, []Series{s})
		return c
	case "funnel":
		c := NewFunnel(FunnelConfig{Config: cfg})
		c.SetData(cats, s, s)
		return c
	case "share":
		c := NewShare(ShareConfig{Config: cfg})
		c.SetData(cats, s)
		return c
	case "pareto":
		c := NewPareto(ParetoConfig{Config: cfg})
		c.SetData(cats, s)
		return c
	case "bars":
		c := NewBars(cfg)
		c.SetData(cats, s)
		return c
	default:
		c := NewTarget(TargetConfig{Config: cfg})
		c.SetData(cats, s, s)
		return c
	}
}

func TestBadDataNeverPanicsOrDrawsNaN(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	for _, kind := range []string{"barline", "lines", "funnel", "share", "pareto", "bars", "target"} {
		for _, d := range badData {
			t.Run(kind+"/"+d.name, func(t *testing.T) {
				c := buildWith(kind, d.cats, d.values)
				win := show(t, c, 300, 200)
				// Funnel counts and shares cannot be negative or zero-only; lines and bars can.
				wantNoData := !d.anyFinite
				if kind == "share" || kind == "pareto" {
					wantNoData = !d.drawable
				}
				shown := slices.Contains(visibleTexts(c), "no data")
				if shown != wantNoData {
					t.Errorf("\"no data\" shown: %v, want %v (texts %q)", shown, wantNoData, visibleTexts(c))
				}
				assertFiniteGeometry(t, c)
				sweepPointer(t, c, win)
				if d.name == "mixed" || d.name == "huge" {
					// Paint the oddest geometry too (painting is slow under -race, so not all).
					Render(c, fyne.NewSize(MinWidth, MinHeight), testTheme(theme.VariantLight))
				}
			})
		}
	}
}

// assertFiniteGeometry fails on a visible object at a NaN or infinite place.
func assertFiniteGeometry(t *testing.T, w fyne.Widget) {
	t.Helper()
	ok := func(fs ...float32) bool {
		for _, f := range fs {
			if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
				return false
			}
		}
		return true
	}
	for _, o := range test.WidgetRenderer(w).Objects() {
		if !o.Visible() {
			continue
		}
		p, s := o.Position(), o.Size()
		if !ok(p.X, p.Y, s.Width, s.Height) {
			t.Fatalf("%T at %v size %v", o, p, s)
		}
		if l, isLine := o.(*canvas.Line); isLine && !ok(l.Position1.X, l.Position1.Y, l.Position2.X, l.Position2.Y) {
			t.Fatalf("line from %v to %v", l.Position1, l.Position2)
		}
	}
}

type hoverable interface {
	fyne.Widget
	desktop.Hoverable
}

// sweepPointer moves the pointer over the whole chart: no position may panic, and every tooltip
// must lie inside the chart.
func sweepPointer(t *testing.T, w fyne.Widget, win fyne.Window) {
	t.Helper()
	h := w.(hoverable)
	size := w.Size()
	for y := float32(0); y < size.Height; y += 11 {
		for x := float32(0); x < size.Width; x += 13 {
			h.MouseMoved(mouseAt(x, y))
			s := test.WidgetRenderer(w).(*renderer).s
			if !s.tip.bg.Visible() {
				continue
			}
			p, sz := s.tip.bg.Position(), s.tip.bg.Size()
			if p.X < 0 || p.Y < 0 || p.X+sz.Width > size.Width+0.5 || p.Y+sz.Height > size.Height+0.5 {
				t.Fatalf("pointer at (%.0f, %.0f): tooltip at %v size %v leaves the %v chart", x, y, p, sz, size)
			}
		}
	}
	h.MouseOut()
	assertFiniteGeometry(t, w)
}

func TestEveryChartHovers(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	for name, c := range allCharts() {
		t.Run(name, func(t *testing.T) {
			win := show(t, c, 480, 300)
			sweepPointer(t, c, win)
			hovered := false
			h := c.(hoverable)
			for y := float32(0); y < 300 && !hovered; y += 5 {
				for x := float32(0); x < 480 && !hovered; x += 5 {
					h.MouseMoved(mouseAt(x, y))
					hovered = tipText(test.WidgetRenderer(c).(*renderer).s) != nil
				}
			}
			if !hovered {
				t.Error("no position shows a tooltip")
			}
		})
	}
}

// TestLabelsStayApart checks, at the minimum and a roomy size, that no two labels overlap and
// none leaves the chart: long labels must be cut or thinned out instead.
func TestLabelsStayApart(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	charts := allCharts()
	for name, c := range crowdedCharts() {
		charts[name] = c
	}
	for name, c := range charts {
		for _, size := range []fyne.Size{{Width: MinWidth, Height: MinHeight}, {Width: 480, Height: 300}, {Width: 900, Height: 240}} {
			t.Run(name, func(t *testing.T) {
				show(t, c, size.Width, size.Height)
				var boxes []fyne.CanvasObject
				for _, o := range test.WidgetRenderer(c).(*renderer).s.layers[layerText].texts {
					if o.Visible() && o.Text != "" {
						boxes = append(boxes, o)
					}
				}
				for i, a := range boxes {
					p, s := a.Position(), a.Size()
					if p.X < -0.5 || p.Y < -0.5 || p.X+s.Width > size.Width+0.5 || p.Y+s.Height > size.Height+0.5 {
						t.Errorf("%v: %q at %v size %v leaves the chart", size, a.(*canvas.Text).Text, p, s)
					}
					for _, b := range boxes[i+1:] {
						if overlap(a, b) {
							t.Errorf("%v: %q and %q overlap", size, a.(*canvas.Text).Text, b.(*canvas.Text).Text)
						}
					}
				}
			})
		}
	}
}

// crowdedCharts have more and longer labels than fit at the minimum size.
func crowdedCharts() map[string]fyne.Widget {
	var months, long []string
	var v []float64
	for i := range 36 {
		months = append(months, fmt.Sprintf("2023年%02d月", i%12+1))
		long = append(long, fmt.Sprintf("华东大区第%d销售小组（重点客户）", i))
		v = append(v, float64(100+i*37%200))
	}
	bl := NewBarLine(Config{Title: "一个很长很长很长很长很长很长很长很长的标题"})
	bl.SetData(months, []Series{{Name: "线索数量（含重复线索）", Values: v}, {Name: "成交客户数量", Values: v}}, &Series{Name: "转化率", Values: v})
	ln := NewLines(Config{})
	ln.SetData(long, []Series{{Name: "a", Values: v}}, nil)
	bars := NewBars(Config{Title: "RFM"})
	bars.SetData(long, Series{Values: v})
	target := NewTarget(TargetConfig{})
	target.SetData(long[:20], Series{Values: v}, Series{Values: v})
	funnel := NewFunnel(FunnelConfig{ConversionName: "阶段转化率（相对上一阶段）"})
	funnel.SetData(long[:12], Series{Values: v}, Series{Values: v})
	share := NewShare(ShareConfig{MaxSlices: 12})
	share.SetData(long, Series{Values: v})
	return map[string]fyne.Widget{"crowded-barline": bl, "crowded-lines": ln, "crowded-bars": bars,
		"crowded-target": target, "crowded-funnel": funnel, "crowded-share": share}
}

// overlap allows a pixel: text boxes include line spacing above and below the glyphs.
func overlap(a, b fyne.CanvasObject) bool {
	const slack = 1
	ap, as, bp, bs := a.Position(), a.Size(), b.Position(), b.Size()
	return ap.X+as.Width-slack > bp.X && bp.X+bs.Width-slack > ap.X &&
		ap.Y+as.Height-2*slack > bp.Y && bp.Y+bs.Height-2*slack > ap.Y
}

// TestThemeChangeRecolours: a theme change reaches a shown chart through its renderer's Refresh.
func TestThemeChangeRecolours(t *testing.T) {
	a := newTestApp(t, theme.VariantLight)
	c := sampleBars()
	show(t, c, 480, 300)
	title := test.WidgetRenderer(c).(*renderer).s.layers[layerText].texts[0]
	light := testTheme(theme.VariantLight).Color(theme.ColorNameForeground, 0)
	dark := testTheme(theme.VariantDark).Color(theme.ColorNameForeground, 0)
	if title.Text != "RFM 客户分群" || title.Color != light {
		t.Fatalf("title %q in %v, want the light foreground %v", title.Text, title.Color, light)
	}
	a.Settings().SetTheme(testTheme(theme.VariantDark))
	if title.Color != dark {
		t.Errorf("after switching to dark the title is %v, want %v", title.Color, dark)
	}
}

func TestRenderPNG(t *testing.T) {
	a := newTestApp(t, theme.VariantLight)
	before := a.Settings().Theme()
	var buf bytes.Buffer
	if err := RenderPNG(&buf, sampleShare(), fyne.NewSize(400, 250), testTheme(theme.VariantDark)); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 400 || b.Dy() != 250 {
		t.Errorf("image is %v, want 400×250", b)
	}
	// The dark theme's background, not the app's light one.
	if got, want := color.NRGBAModel.Convert(img.At(1, 1)), color.NRGBAModel.Convert(testTheme(theme.VariantDark).Color(theme.ColorNameBackground, 0)); got != want {
		t.Errorf("corner pixel %v, want the dark background %v", got, want)
	}
	if a.Settings().Theme() != before {
		t.Error("RenderPNG changed the app's theme")
	}
	if err := RenderPNG(&buf, sampleShare(), fyne.NewSize(0, 10), nil); err == nil {
		t.Error("an empty size gave no error")
	}
}

// TestPaletteContrast keeps the series colours readable on both of Fyne's backgrounds.
func TestPaletteContrast(t *testing.T) {
	def := theme.DefaultTheme()
	for _, vr := range variants {
		bg := def.Color(theme.ColorNameBackground, vr.v)
		for i, c := range palette {
			if r := contrast(c, bg); r < 3 {
				t.Errorf("palette[%d] %v on the %s background: contrast %.2f, want ≥ 3", i, c, vr.name, r)
			}
		}
	}
}

func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		lin := func(v uint32) float64 {
			f := float64(v) / 0xffff
			if f <= 0.03928 {
				return f / 12.92
			}
			return math.Pow((f+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestSetDataCopies: the caller may reuse its slices once SetData returns.
func TestSetDataCopies(t *testing.T) {
	newTestApp(t, theme.VariantLight)
	cats := []string{"a", "b"}
	vals := []float64{1, 2}
	c := NewBars(Config{})
	c.SetData(cats, Series{Values: vals})
	cats[0], vals[0] = "x", 99
	if c.cats[0] != "a" || c.values.Values[0] != 1 {
		t.Error("SetData kept the caller's slices")
	}
}
