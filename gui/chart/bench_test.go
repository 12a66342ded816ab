package chart

import (
	"io"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The budget is a frame, 16 ms, for a redraw: Layout at a new size plus Refresh (which re-reads
// the theme). Sizes alternate so every iteration really moves the objects.
var benchSizes = []fyne.Size{{Width: 480, Height: 300}, {Width: 482, Height: 302}}

func benchRedraw(b *testing.B, c fyne.Widget) {
	newTestApp(b, theme.VariantLight)
	show(b, c, 480, 300)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Resize(benchSizes[i%2])
		c.Refresh()
		i++
	}
}

func BenchmarkRedrawBarLine8(b *testing.B)       { benchRedraw(b, sampleBarLine()) }
func BenchmarkRedrawLines8(b *testing.B)         { benchRedraw(b, sampleLines()) }
func BenchmarkRedrawFunnel6(b *testing.B)        { benchRedraw(b, sampleFunnel()) }
func BenchmarkRedrawShare9(b *testing.B)         { benchRedraw(b, sampleShare()) }
func BenchmarkRedrawBars8(b *testing.B)          { benchRedraw(b, sampleBars()) }
func BenchmarkRedrawTarget5(b *testing.B)        { benchRedraw(b, sampleTarget()) }
func BenchmarkRedrawPareto100k(b *testing.B)     { benchRedraw(b, samplePareto(100_000)) }
func BenchmarkRedrawParetoWide100k(b *testing.B) { benchRedrawAt(b, samplePareto(100_000), 1920, 1080) }

// benchRedrawAt is a full-screen redraw: the Pareto's bar count grows with the width.
func benchRedrawAt(b *testing.B, c fyne.Widget, w, h float32) {
	newTestApp(b, theme.VariantLight)
	show(b, c, w, h)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Resize(fyne.NewSize(w+float32(i%2), h))
		c.Refresh()
		i++
	}
}

// BenchmarkSetDataPareto100k is the sort and cumulative sums, paid once per data change.
func BenchmarkSetDataPareto100k(b *testing.B) {
	newTestApp(b, theme.VariantLight)
	names, values := paretoValues(100_000)
	c := NewPareto(ParetoConfig{})
	show(b, c, 480, 300)
	b.ReportAllocs()
	for b.Loop() {
		c.SetData(names, Series{Values: values})
	}
}

// BenchmarkHoverPareto100k is one pointer move: hit test, highlight and tooltip only.
func BenchmarkHoverPareto100k(b *testing.B) {
	newTestApp(b, theme.VariantLight)
	c := samplePareto(100_000)
	show(b, c, 480, 300)
	y := (c.plotTop + c.plotBottom) / 2
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.MouseMoved(mouseAt(c.plotX+float32(i%int(c.plotW)), y))
		i++
	}
}

// BenchmarkRenderPNGBarLine is an export: software painting and PNG encoding, not the window's
// GPU path.
func BenchmarkRenderPNGBarLine(b *testing.B) {
	newTestApp(b, theme.VariantLight)
	th := testTheme(theme.VariantLight)
	b.ReportAllocs()
	for b.Loop() {
		if err := RenderPNG(io.Discard, sampleBarLine(), fyne.NewSize(800, 500), th); err != nil {
			b.Fatal(err)
		}
	}
}
