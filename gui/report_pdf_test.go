package gui

import (
	"bytes"
	"compress/zlib"
	"flag"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"salesdesk/data"
	"salesdesk/gui/chart"
)

var keepPDF = flag.Bool("keep-pdf", false, "write the test reports to testdata/failed/ to look at them")

// reportFixture is two years of quarters of a small team: rising sales, one quarter without any
// activity, targets for the last quarter that the team and one rep miss in part, a former member's
// deal, and notes long enough to wrap.
func reportFixture(t *testing.T) data.Dashboard {
	t.Helper()
	stages := data.DefaultStages()
	end := data.Quarter(2024, 1)
	periods := data.LastPeriods(end, 8)
	var deals []*data.OpportunityRow
	id := uint64(0)
	add := func(created time.Time, owner, customer uint64, yuan int64, wonAfterDays int) {
		id++
		o := &data.OpportunityRow{ID: id, CustomerID: customer, OwnerID: owner, Amount: data.AmountFromYuan(yuan),
			Stage: "lead", Created: data.DayOf(created)}
		if wonAfterDays >= 0 {
			o.Stage, o.Won = "won", data.DayOf(created.AddDate(0, 0, wonAfterDays))
		}
		deals = append(deals, o)
	}
	for i, p := range periods {
		if i == 2 {
			continue // a quarter with no data
		}
		start := p.Start()
		for j := 0; j < 6+i; j++ {
			won := -1
			if j%3 == 0 {
				won = 20 + j
			}
			owner := uint64(1 + j%2)
			add(start.AddDate(0, 0, j*5), owner, uint64(100+j%4), 30000+int64(i)*4000+int64(j)*1250, won)
		}
	}
	// A former member, no longer in the team list, closed one deal in the last quarter.
	add(end.Start().AddDate(0, 0, 3), 7, 200, 128000, 30)

	members := []data.Member{
		{ID: 1, Name: "张伟", Role: data.MemberRep, Active: true},
		{ID: 2, Name: "Li Na", Role: data.MemberRep, Active: true},
	}
	ledger := data.NewLedger(deals, stages)
	d := data.Dashboard{Period: end}
	for _, p := range periods {
		team, owners := ledger.Figures(p)
		var sets []data.TargetSet
		var notes data.PeriodNotes
		if p == end {
			sets = []data.TargetSet{{
				Team: data.Targets{data.MetricLeads: 12, data.MetricConversionRate: 45, data.MetricAverageOrderValue: 45000,
					data.MetricAverageSalesCycle: 25},
				Owners: map[uint64]data.Targets{1: {data.MetricClosedCustomers: 4, data.MetricRepurchaseRate: 20}},
			}}
			notes = data.PeriodNotes{
				Problems: "转化率低于目标：新线索多来自展会，需求挖掘不充分，方案呈现前没有确认预算与决策人；" +
					"平均销售周期偏长，商务谈判阶段的审批反复。\n第二段：客单价受两笔小单拉低。",
				Measures: "Qualify every trade-show lead within a week (5W1H) before a proposal; " +
					"agree the approval path with the customer's purchasing team at the first negotiation meeting.",
			}
		}
		d.Trend = append(d.Trend, data.BuildReport(p, team, owners, sets, members, notes))
	}
	d.Report = d.Trend[len(d.Trend)-1]
	return d
}

func testCharts() []reportChart {
	img := func(w, h int, c color.RGBA) image.Image {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if x < w*(y%40+10)/60 {
					m.SetRGBA(x, y, c)
				}
			}
		}
		return m
	}
	return []reportChart{
		{Title: "季度趋势：线索、成交客户与转化率", Image: img(600, 360, color.RGBA{40, 90, 200, 255})},
		{Title: "客单价与平均销售周期", Image: img(600, 360, color.RGBA{200, 90, 40, 255})},
	}
}

var reportMade = time.Date(2024, 4, 2, 9, 30, 0, 0, time.UTC)

func TestQuarterPDF(t *testing.T) {
	d := reportFixture(t)
	if len(d.Report.Misses) == 0 || len(d.Trend[2].Misses) != 0 || !d.Trend[2].NoData {
		t.Fatalf("fixture: want team misses in the last quarter and an empty third quarter, got %+v", d.Report.Misses)
	}
	for _, tc := range []struct {
		lang, period, made string
		want               []string
	}{
		{"zh", "2024年第1季度", "2024-04-02 09:30", []string{
			"SalesDesk · 2024年第1季度", "季度经营报告", "各期指标", "每位销售", "主要问题", "诊断提示", "优化措施",
			"2023年第2季度", "2022年第4季度 无数据", "▼", "张伟", "Li Na", "王芳（已离职）",
			data.HintText(d.Report.Misses[0].Hint, "zh"), "季度趋势：线索、成交客户与转化率", "目标 4",
		}},
		{"en", "2024 Q1", "2 Apr 2024 09:30", []string{
			"SalesDesk · 2024 Q1", "Quarterly sales report", "Figures by period", "By rep", "Main problems",
			"Diagnosis", "Measures", "2023 Q2", "2022 Q4 no data", "▼", "Target 4",
			data.HintText(d.Report.Misses[0].Hint, "en"),
		}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			var buf bytes.Buffer
			former := func(id uint64) string {
				if id == 7 {
					return "王芳（已离职）"
				}
				return ""
			}
			if err := writeQuarterPDFAt(&buf, d, testCharts(), tc.lang, former, reportMade); err != nil {
				t.Fatal(err)
			}
			keep(t, "report-"+tc.lang+".pdf", buf.Bytes())
			doc := readTestPDF(t, buf.Bytes())

			if len(doc.pages) != 2 {
				t.Errorf("%d pages, want 2 (the tables and notes, then the charts)", len(doc.pages))
			}
			for i, page := range doc.pages {
				footer := fmt.Sprintf("第 %d 页 / 共 %d 页", i+1, len(doc.pages))
				if tc.lang == "en" {
					footer = fmt.Sprintf("Page %d of %d", i+1, len(doc.pages))
				}
				if !strings.Contains(page, footer) {
					t.Errorf("page %d has no %q", i+1, footer)
				}
			}
			// Cells and notes wrap: what they say is all there, in order, whatever the line breaks.
			for _, s := range append(tc.want, tc.period, tc.made, "¥", d.Report.Notes.Problems, d.Report.Notes.Measures) {
				if !doc.contains(s) {
					t.Errorf("no %q in the report", s)
				}
			}
			if doc.images != 2 {
				t.Errorf("%d images, want the 2 charts", doc.images)
			}
		})
	}
}

// TestQuarterPDFWithRenderedChart embeds a chart as the metrics screen draws it for export: a real
// chart widget rendered offscreen in the light variant at the export size.
func TestQuarterPDFWithRenderedChart(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	d := reportFixture(t)
	var periods []string
	for _, r := range d.Trend {
		periods = append(periods, periodLabelIn(r.Period, "zh"))
	}
	c := chart.NewBarLine(chart.Config{Title: "季度趋势"})
	c.SetData(periods, []chart.Series{
		{Name: "线索数量", Values: data.Series(d.Trend, data.MetricLeads)},
		{Name: "成交客户数量", Values: data.Series(d.Trend, data.MetricClosedCustomers)},
	}, &chart.Series{Name: "转化率", Values: data.Series(d.Trend, data.MetricConversionRate)})
	img := chart.Render(c, fyne.NewSize(1200, 720), chart.FixedVariant(NewTheme(), theme.VariantLight))

	var buf bytes.Buffer
	if err := writeQuarterPDFAt(&buf, d, []reportChart{{Title: "季度趋势：线索、成交客户与转化率", Image: img}}, "zh", nil, reportMade); err != nil {
		t.Fatal(err)
	}
	keep(t, "report-chart-zh.pdf", buf.Bytes())
	doc := readTestPDF(t, buf.Bytes())
	if doc.images != 1 || !doc.contains("季度趋势：线索、成交客户与转化率") {
		t.Errorf("%d images; chart title printed: %v", doc.images, doc.contains("季度趋势：线索、成交客户与转化率"))
	}
}

// TestQuarterPDFRunsOntoMorePages fills the rep table and the notes past a page: the table goes on
// under a repeated header and nothing is drawn into the footer.
func TestQuarterPDFRunsOntoMorePages(t *testing.T) {
	p := data.Quarter(2024, 1)
	owners := map[uint64]data.Figures{}
	var members []data.Member
	for id := uint64(1); id <= 40; id++ {
		members = append(members, data.Member{ID: id, Name: fmt.Sprintf("销售代表第%d号", id), Role: data.MemberRep, Active: true})
	}
	// 𠮷 is outside the embedded subset: it must show as a box, not vanish.
	members = append(members, data.Member{ID: 41, Name: "吉𠮷\t祥", Role: data.MemberRep, Active: true})
	notes := data.PeriodNotes{
		Problems: strings.Repeat("线索来源单一，需求挖掘不足，方案呈现前没有确认预算。", 40),
		Measures: strings.Repeat("Qualify each lead within a week before any proposal is sent. ", 40),
	}
	rep := data.BuildReport(p, data.Figures{NoData: true}, owners, nil, members, notes)
	d := data.Dashboard{Period: p, Report: rep, Trend: []data.PeriodReport{rep}}

	var buf bytes.Buffer
	if err := writeQuarterPDFAt(&buf, d, testCharts(), "zh", nil, reportMade); err != nil {
		t.Fatal(err)
	}
	keep(t, "report-long-zh.pdf", buf.Bytes())
	doc := readTestPDF(t, buf.Bytes())
	if len(doc.pages) < 4 {
		t.Fatalf("%d pages for 40 reps, long notes and 2 charts", len(doc.pages))
	}
	if !strings.Contains(doc.pages[1], "成交客户数量") {
		t.Error("the rep table's header is not repeated on the page it runs onto")
	}
	for i := range doc.pages {
		if !strings.Contains(doc.pages[i], fmt.Sprintf("第 %d 页 / 共 %d 页", i+1, len(doc.pages))) {
			t.Errorf("page %d is not numbered", i+1)
		}
	}
	for _, s := range []string{"销售代表第40号", "吉□ 祥", notes.Problems, notes.Measures} {
		if !doc.contains(s) {
			t.Errorf("%.20q… is missing", s)
		}
	}
	// Nothing but the footer in the footer's band. PDF's y runs up from the foot of the page, and is
	// the text's baseline.
	for i, lines := range doc.lines {
		footer := []string{"SalesDesk · 2024年第1季度", fmt.Sprintf("第 %d 页 / 共 %d 页", i+1, len(doc.pages))}
		for _, l := range lines {
			if l.y < pdfFooterBand && !slices.Contains(footer, l.text) {
				t.Errorf("page %d: %q at y=%v is in the bottom margin", i+1, l.text, l.y)
			}
			if l.y < 10 || l.y > pdfPageH-pdfTop+2 {
				t.Errorf("page %d: %q at y=%v is off the page's printable area", i+1, l.text, l.y)
			}
		}
	}
}

func TestQuarterPDFWithoutData(t *testing.T) {
	empty := data.BuildReport(data.Quarter(2024, 1), data.Figures{NoData: true}, nil, nil, nil, data.PeriodNotes{})
	for name, d := range map[string]data.Dashboard{
		"empty quarter": {Period: empty.Period, Report: empty, Trend: []data.PeriodReport{empty}},
		"zero value":    {},
	} {
		for _, lang := range []string{"zh", "en"} {
			t.Run(name+"/"+lang, func(t *testing.T) {
				var buf bytes.Buffer
				if err := writeQuarterPDFAt(&buf, d, nil, lang, nil, reportMade); err != nil {
					t.Fatal(err)
				}
				keep(t, "report-empty-"+lang+".pdf", buf.Bytes())
				doc := readTestPDF(t, buf.Bytes())
				if len(doc.pages) != 1 {
					t.Errorf("%d pages, want 1", len(doc.pages))
				}
				// A NaN or an infinity would show in the text or, from a layout division, in the
				// drawing operators, where Go prints them so.
				if m := regexp.MustCompile(`NaN|[+-]Inf`).Find(doc.raw); m != nil || doc.contains("NaN") {
					t.Errorf("the report contains %q", m)
				}
				want := []string{"—", "无数据", "本期无数据", "（未填写）"}
				if lang == "en" {
					want = []string{"—", "no data", "No data for this period", "(none written)"}
				}
				for _, s := range want {
					if !doc.contains(s) {
						t.Errorf("no %q in the report", s)
					}
				}
				// A rate over no leads and an average over no customer are no figures: the report
				// says — as the window does, not 0.
				for _, s := range []string{"0.0%", "¥0", "0.0 天", "0.0 days"} {
					if doc.contains(s) {
						t.Errorf("the report prints %q for a figure that does not exist", s)
					}
				}
			})
		}
	}
}

func TestQuarterPDFInAnUnknownLanguageIsEnglish(t *testing.T) {
	var buf bytes.Buffer
	if err := writeQuarterPDF(&buf, reportFixture(t), nil, "fr", nil); err != nil {
		t.Fatal(err)
	}
	doc := readTestPDF(t, buf.Bytes())
	if !strings.Contains(doc.text(), "Page 1 of 1") || !doc.contains("2024 Q1") {
		t.Errorf("not an English report:\n%s", doc.text())
	}
}

func TestWrapText(t *testing.T) {
	// One unit per character, two for a wide one, as a monospaced CJK font measures.
	measure := func(s string) float64 {
		w := 0.0
		for _, r := range s {
			if isWideRune(r) {
				w += 2
			} else {
				w++
			}
		}
		return w
	}
	for _, tc := range []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"chinese breaks anywhere", "转化率低于目标需求挖掘", 8, []string{"转化率低", "于目标需", "求挖掘"}},
		{"closing punctuation stays on its line", "转化率低，于目标", 10, []string{"转化率低，", "于目标"}},
		{"closing punctuation takes its character along", "转化率低，于目标", 8, []string{"转化率", "低，于目", "标"}},
		{"an opening bracket goes with what it opens", "转化率低（目标", 9, []string{"转化率低", "（目标"}},
		{"english breaks at spaces", "agree the approval path", 10, []string{"agree the", "approval", "path"}},
		{"a word longer than a line is cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"mixed", "查看 CRM report 数据", 9, []string{"查看 CRM", "report 数", "据"}},
		{"line breaks are kept", "一\n\n二", 10, []string{"一", "", "二"}},
		{"empty", "", 10, []string{""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := wrapText(tc.text, tc.width, measure)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("wrapText(%q, %v) = %q, want %q", tc.text, tc.width, got, tc.want)
			}
			for _, l := range got {
				if measure(l) > tc.width && len([]rune(l)) > 1 {
					t.Errorf("line %q is wider than %v", l, tc.width)
				}
			}
		})
	}
}

func TestPeriodLabelIn(t *testing.T) {
	for _, tc := range []struct {
		p      data.Period
		zh, en string
	}{
		{data.Quarter(2024, 1), "2024年第1季度", "2024 Q1"},
		{data.Month(2024, 3), "2024年3月", "Mar 2024"},
		{data.Year(2024), "2024年", "2024"},
		{data.Period{}, "", ""},
	} {
		if got := periodLabelIn(tc.p, "zh"); got != tc.zh {
			t.Errorf("zh %v: %q, want %q", tc.p, got, tc.zh)
		}
		if got := periodLabelIn(tc.p, "en"); got != tc.en {
			t.Errorf("en %v: %q, want %q", tc.p, got, tc.en)
		}
	}
}

func keep(t *testing.T, name string, pdf []byte) {
	t.Helper()
	if !*keepPDF {
		return
	}
	dir := filepath.Join("testdata", "failed")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testPDF is what the tests read back of a report: the text of each page, decoded through the fonts'
// ToUnicode maps as a PDF viewer's copy and search do, and the document's other objects.
type testPDF struct {
	raw    []byte   // every stream, decompressed, and the objects between them
	pages  []string // each page's text, one drawn string a line
	lines  [][]pdfTextLine
	images int
}

// pdfTextLine is one string drawn on a page and where: y is its baseline, up from the page's foot.
type pdfTextLine struct {
	x, y float64
	text string
}

func (d testPDF) text() string { return strings.Join(d.pages, "\n") }

// pdfFooterBand is the height of the footer, up from the foot of the page, and above the footer's rule
// at 38 pt.
const pdfFooterBand = 40

// contains reports s in the text above the footers, ignoring white space: wrapping breaks lines and
// drops the spaces at the breaks, and a paragraph may go on over a page's footer.
func (d testPDF) contains(s string) bool {
	var body strings.Builder
	for _, page := range d.lines {
		for _, l := range page {
			if l.y >= pdfFooterBand {
				body.WriteString(l.text)
			}
		}
	}
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	return strings.Contains(squeeze(body.String()), squeeze(s))
}

var (
	pdfStreamRe   = regexp.MustCompile(`/Length (\d+)[^>]*>>\s*stream\r?\n`)
	pdfBfRangeRe  = regexp.MustCompile(`<([0-9A-F]{4})><([0-9A-F]{4})><([0-9A-F]{4,8})>`)
	pdfShowTextRe = regexp.MustCompile(`([-\d.]+) ([-\d.]+) TD\n[^\[]*\[<([0-9A-F]*)>\] TJ`)
	pdfPageRe     = regexp.MustCompile(`/Type\s*/Page\b`)
)

// readTestPDF checks the structure gopdf writes and decodes its text. It knows only what gopdf
// writes (one content stream per page, Identity-H fonts with four-digit glyph ids, no kerning), which
// is enough to check what a reader would see.
func readTestPDF(t *testing.T, pdf []byte) testPDF {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatalf("not a PDF: starts %q", pdf[:min(len(pdf), 16)])
	}
	var doc testPDF
	var contents [][]byte
	toUnicode := map[string]rune{}
	fonts := 0
	rest := pdf
	for {
		loc := pdfStreamRe.FindSubmatchIndex(rest)
		if loc == nil {
			doc.raw = append(doc.raw, rest...)
			break
		}
		dict := string(rest[max(0, loc[0]-400):loc[1]])
		n, _ := strconv.Atoi(string(rest[loc[2]:loc[3]]))
		if loc[1]+n > len(rest) {
			t.Fatalf("a stream runs past the end of the file")
		}
		body := rest[loc[1] : loc[1]+n]
		doc.raw = append(doc.raw, rest[:loc[1]]...)
		rest = rest[loc[1]+n:]
		if strings.Contains(dict, "FlateDecode") {
			zr, err := zlib.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("stream: %v", err)
			}
		}
		switch {
		case bytes.Contains(body, []byte("beginbfrange")):
			for _, m := range pdfBfRangeRe.FindAllSubmatch(body, -1) {
				if string(m[1]) != string(m[2]) {
					t.Fatalf("a ToUnicode range of several glyphs: %s", m[0])
				}
				cp, _ := strconv.ParseUint(string(m[3]), 16, 32)
				if prev, ok := toUnicode[string(m[1])]; ok && prev != rune(cp) {
					t.Fatalf("glyph %s maps to both %q and %q", m[1], prev, rune(cp))
				}
				toUnicode[string(m[1])] = rune(cp)
			}
		case strings.Contains(dict, "/Length1"):
			// An embedded TrueType font: a subset holds only the outlines used, far less than the
			// 2 MB faces.
			fonts++
			if !bytes.HasPrefix(body, []byte{0, 1, 0, 0}) {
				t.Errorf("embedded font is not TrueType: starts % x", body[:min(len(body), 4)])
			}
			if len(body) > 400<<10 {
				t.Errorf("embedded font is %d bytes: not subset", len(body))
			}
		case strings.Contains(dict, "/Subtype /Image") || strings.Contains(dict, "/Subtype/Image"):
			doc.images++
		default:
			// Every page has text, its footer at least.
			if bytes.Contains(body, []byte(" TJ")) {
				contents = append(contents, body)
			}
		}
		doc.raw = append(doc.raw, body...)
	}
	if fonts == 0 {
		t.Error("no font embedded")
	}
	if n := len(pdfPageRe.FindAll(doc.raw, -1)); n != len(contents) {
		t.Fatalf("%d pages but %d content streams", n, len(contents))
	}
	for _, c := range contents {
		var lines []pdfTextLine
		var texts []string
		for _, m := range pdfShowTextRe.FindAllSubmatch(c, -1) {
			var b strings.Builder
			for i := 0; i+4 <= len(m[3]); i += 4 {
				r, ok := toUnicode[string(m[3][i:i+4])]
				if !ok {
					t.Fatalf("glyph %s has no ToUnicode entry", m[3][i:i+4])
				}
				b.WriteRune(r)
			}
			x, _ := strconv.ParseFloat(string(m[1]), 64)
			y, _ := strconv.ParseFloat(string(m[2]), 64)
			lines = append(lines, pdfTextLine{x: x, y: y, text: b.String()})
			texts = append(texts, b.String())
		}
		if len(lines) == 0 {
			t.Fatal("a page without text: the extraction does not know this content stream")
		}
		doc.lines = append(doc.lines, lines)
		doc.pages = append(doc.pages, strings.Join(texts, "\n"))
	}
	return doc
}

// The report and the window agree on which figures do not exist: each prints — for the same ones.
func TestQuarterPDFFiguresMatchTheWindow(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		r := &reportPDF{tr: reportTexts(lang), lang: lang}
		for name, f := range map[string]data.Figures{
			"nothing":             {},
			"leads, no customer":  {Leads: 8},
			"customers and leads": {Leads: 8, WonDeals: 3, ClosedCustomers: 2, ConversionRate: 25, AverageOrderValue: data.AmountFromYuan(45_000)},
			"customers, no leads": {WonDeals: 1, ClosedCustomers: 1, AverageOrderValue: data.AmountFromYuan(30_000)},
		} {
			for _, m := range data.Metrics {
				if screen, paper := figureText(f, m), r.figure(m, f); (screen == "—") != (paper == "—") {
					t.Errorf("%s/%s %s: the window shows %q, the report prints %q", lang, name, m, screen, paper)
				}
			}
		}
	}
}
