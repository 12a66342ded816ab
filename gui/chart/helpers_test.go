package chart

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"salesdesk/assets"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

// fontTheme is Fyne's default theme with the app's embedded Chinese font, as gui.NewTheme is; the
// chart package cannot import gui (gui imports it), so the tests build the same thing.
type fontTheme struct{ fyne.Theme }

var (
	testRegular = fyne.NewStaticResource("NotoSansSC-Regular-subset.otf", assets.FontRegular)
	testBold    = fyne.NewStaticResource("NotoSansSC-Bold-subset.otf", assets.FontBold)
)

func (t fontTheme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace, s.Symbol:
		return t.Theme.Font(s)
	case s.Bold:
		return testBold
	}
	return testRegular
}

func testTheme(v fyne.ThemeVariant) fyne.Theme {
	return FixedVariant(fontTheme{theme.DefaultTheme()}, v)
}

// newTestApp starts Fyne's test app with the Chinese font in variant v.
func newTestApp(t testing.TB, v fyne.ThemeVariant) fyne.App {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(testTheme(v))
	return a
}

// show puts a chart alone in a test window of the given size, with no padding, so chart and
// canvas coordinates are the same.
func show(t testing.TB, c fyne.CanvasObject, w, h float32) fyne.Window {
	t.Helper()
	win := test.NewTempWindow(t, c)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(w, h))
	return win
}

func assertGolden(t *testing.T, name string, img image.Image) {
	t.Helper()
	if *update {
		f, err := os.Create(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		return
	}
	test.AssertImageMatches(t, name, img)
}

func count(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
func yuan(v float64) string  { return "¥" + strconv.FormatFloat(v, 'f', 0, 64) }
func wan(v float64) string   { return strconv.FormatFloat(v/1e4, 'f', -1, 64) + "万" }
func pct(v float64) string   { return strconv.FormatFloat(v*100, 'f', 1, 64) + "%" }
func pct0(v float64) string  { return strconv.FormatFloat(v*100, 'f', -1, 64) + "%" }
func days(v float64) string  { return strconv.FormatFloat(v, 'f', 0, 64) + " 天" }

var quarters = []string{"2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4"}

func sampleBarLine() *BarLine {
	c := NewBarLine(Config{Title: "季度趋势", NoData: "暂无数据"})
	c.SetData(quarters, []Series{
		{Name: "线索", Values: []float64{120, 150, 138, 170, 210, 190, 230, 260}, Format: count},
		{Name: "成交客户", Values: []float64{30, 42, 35, 51, 66, 58, 74, 90}, Format: count},
	}, &Series{Name: "转化率", Values: []float64{0.25, 0.28, 0.2536, 0.3, 0.314, 0.305, 0.32, 0.346}, Format: pct, Tick: pct0})
	return c
}

func sampleLines() *Lines {
	c := NewLines(Config{Title: "客单价与销售周期", NoData: "暂无数据"})
	c.SetData(quarters,
		[]Series{{Name: "平均客单价", Values: []float64{52000, 54000, 51000, 58000, 61000, math.NaN(), 64000, 66000}, Format: yuan, Tick: wan}},
		[]Series{{Name: "销售周期", Values: []float64{45, 42, 44, 40, 38, 37, 35, 33}, Format: days}})
	return c
}

func sampleFunnel() *Funnel {
	c := NewFunnel(FunnelConfig{Config: Config{Title: "销售漏斗", NoData: "暂无数据"}, ConversionName: "转化率"})
	c.SetData([]string{"线索", "初步接触", "需求确认", "方案报价", "谈判审批", "赢单"},
		Series{Name: "商机数", Values: []float64{1200, 640, 410, 220, 120, 75}, Format: count},
		Series{Name: "金额", Values: []float64{96e6, 51e6, 33e6, 18e6, 9.6e6, 6.1e6}, Format: yuan})
	return c
}

func sampleShare() *Share {
	c := NewShare(ShareConfig{Config: Config{Title: "客户构成（按行业）", NoData: "暂无数据"}, OtherName: "其他"})
	c.SetData([]string{"制造业", "批发零售", "信息技术与软件服务", "建筑工程", "医疗健康", "教育培训", "餐饮酒店", "物流运输", "金融保险"},
		Series{Name: "销售额", Values: []float64{3.2e6, 2.1e6, 1.8e6, 1.2e6, 0.9e6, 0.5e6, 0.3e6, 0.2e6, 0.1e6}, Format: yuan})
	return c
}

// paretoValues are n customers' sales, log-normal like real sales: a few large, many small.
func paretoValues(n int) ([]string, []float64) {
	rng := rand.New(rand.NewSource(1))
	names, values := make([]string, n), make([]float64, n)
	for i := range values {
		values[i] = math.Round(math.Exp(rng.NormFloat64()) * 20000)
		names[i] = fmt.Sprintf("客户%05d", i)
	}
	return names, values
}

func samplePareto(n int) *Pareto {
	c := NewPareto(ParetoConfig{Config: Config{Title: "ABC 帕累托", NoData: "暂无数据"}, CumulativeName: "累计占比", Classes: []string{"A", "B", "C"}})
	names, values := paretoValues(n)
	c.SetData(names, Series{Name: "销售额", Values: values, Format: yuan, Tick: wan})
	return c
}

func sampleBars() *Bars {
	c := NewBars(Config{Title: "RFM 客户分群", NoData: "暂无数据"})
	c.SetData([]string{"重要价值客户", "重要发展客户", "重要保持客户", "重要挽留客户", "一般价值客户", "一般发展客户", "一般保持客户", "一般挽留客户"},
		Series{Name: "客户数", Values: []float64{320, 540, 210, 160, 880, 1300, 640, 2100}, Format: count})
	return c
}

func sampleTarget() *Target {
	c := NewTarget(TargetConfig{Config: Config{Title: "销售目标完成", NoData: "暂无数据"}, AttainmentName: "完成率"})
	c.SetData([]string{"张伟", "王芳", "李娜", "刘洋（华东大区）", "陈静"},
		Series{Name: "实际", Values: []float64{1.2e6, 0.86e6, 1.5e6, 0.42e6, 0.97e6}, Format: yuan, Tick: wan},
		Series{Name: "目标", Values: []float64{1e6, 1e6, 1.2e6, 0.9e6, 1e6}, Format: yuan})
	return c
}

// visibleTexts are the strings a widget shows.
func visibleTexts(w fyne.Widget) []string {
	var out []string
	for _, o := range test.WidgetRenderer(w).Objects() {
		if t, ok := o.(*canvas.Text); ok && t.Visible() && t.Text != "" {
			out = append(out, t.Text)
		}
	}
	return out
}

// tipText is the tooltip as shown: its title and "name=value" per row; nil when it is hidden.
func tipText(s *scene) []string {
	if !s.tip.bg.Visible() {
		return nil
	}
	out := []string{s.tip.title.Text}
	for i := range s.tip.names {
		if s.tip.values[i].Visible() {
			out = append(out, s.tip.names[i].Text+"="+s.tip.values[i].Text)
		}
	}
	return out
}
