package chart_test

import (
	"bytes"
	"fmt"
	"image/png"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"salesdesk/gui/chart"
)

// A screen builds its charts once, feeds them with SetData (inside fyne.Do when the numbers were
// computed on another goroutine) and exports a second chart with the same data. Hover, tap and
// theme changes need no wiring.
func Example() {
	percent := func(v float64) string { return strconv.FormatFloat(v*100, 'f', 1, 64) + "%" }
	feed := func(c *chart.BarLine) {
		c.SetData([]string{"2025Q1", "2025Q2", "2025Q3"},
			[]chart.Series{{Name: "线索", Values: []float64{210, 190, 230}}},
			&chart.Series{Name: "转化率", Values: []float64{0.314, 0.305, 0.32}, Format: percent})
	}
	cfg := chart.Config{Title: "季度趋势", NoData: "暂无数据"}

	onScreen := chart.NewBarLine(cfg) // goes into the screen's layout
	feed(onScreen)

	export := chart.NewBarLine(cfg)
	feed(export)
	var buf bytes.Buffer
	dark := chart.FixedVariant(theme.Current(), theme.VariantDark)
	if err := chart.RenderPNG(&buf, export, fyne.NewSize(800, 480), dark); err != nil {
		fmt.Println(err)
		return
	}
	img, _ := png.Decode(&buf)
	fmt.Println(img.Bounds().Size())
	// Output: (800,480)
}
