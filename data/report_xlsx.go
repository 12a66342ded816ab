package data

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The quarterly table and the segment lists as Excel workbooks, with Chinese or English headers: the
// form a manager passes on (seed 004: exports are a manager's right). Figures are written as numbers,
// not text, so that Excel can sum and chart them; percents as 30 for 30%, amounts in yuan.

// xlsxLabels are the headers, Chinese first.
var xlsxLabels = map[string][2]string{
	"sheet.quarterly":               {"销售数据分析", "Sales metrics"},
	"sheet.owners":                  {"销售人员", "Sales reps"},
	"sheet.composition":             {"客户构成", "Composition"},
	"sheet.customers":               {"客户分级", "Customers"},
	"sheet.rfm":                     {"RFM分群", "RFM segments"},
	"period":                        {"期间", "Period"},
	"owner":                         {"销售人员", "Sales rep"},
	"target":                        {"目标", "Target"},
	"misses":                        {"未达目标与诊断", "Below target: diagnosis"},
	"no_data":                       {"无数据", "No data"},
	"problems":                      {"主要问题", "Main problems"},
	"measures":                      {"优化措施", "Measures"},
	"category":                      {"业种", "Business category"},
	"uncategorized":                 {"未分类", "Uncategorized"},
	"sales":                         {"销售额（元）", "Sales (yuan)"},
	"share":                         {"占比（%）", "Share (%)"},
	"category_share":                {"业种内占比（%）", "Share of category (%)"},
	"customers":                     {"客户数", "Customers"},
	"card_no":                       {"编号", "Card no."},
	"name":                          {"客户名称", "Customer"},
	"abc":                           {"ABC（业种内）", "ABC (in category)"},
	"overall_abc":                   {"ABC（全部）", "ABC (overall)"},
	"last_won":                      {"最近成交", "Last won"},
	"recency":                       {"距今天数", "Recency (days)"},
	"frequency":                     {"成交次数", "Frequency"},
	"monetary":                      {"成交总额（元）", "Monetary (yuan)"},
	"segment":                       {"RFM分群", "RFM segment"},
	"r":                             {"R", "R"},
	"f":                             {"F", "F"},
	"m":                             {"M", "M"},
	"a":                             {"A类", "A"},
	"b":                             {"B类", "B"},
	"c":                             {"C类", "C"},
	string(MetricLeads):             {"线索数量", "Leads"},
	string(MetricClosedCustomers):   {"成交客户数量", "Closed customers"},
	string(MetricConversionRate):    {"转化率（%）", "Conversion rate (%)"},
	string(MetricAverageOrderValue): {"客单价（元）", "Average order value (yuan)"},
	string(MetricRepurchaseRate):    {"复购率（%）", "Repurchase rate (%)"},
	string(MetricAverageSalesCycle): {"平均销售周期（天）", "Average sales cycle (days)"},
}

// XLSXLabel is a header of the exports in "zh" or "en" (anything else reads English).
func XLSXLabel(key, lang string) string {
	l, ok := xlsxLabels[key]
	if !ok {
		return key
	}
	if lang == "zh" {
		return l[0]
	}
	return l[1]
}

// round2 keeps two decimals: a rate of 29.268292682926827 reads 29.27 in a cell.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// metricCell is a metric as a cell: empty where the metric is not defined this period.
func metricCell(f Figures, m Metric) any {
	if !f.Defined(m) || f.NoData {
		if m == MetricLeads || m == MetricClosedCustomers {
			return f.Value(m)
		}
		return ""
	}
	return round2(f.Value(m))
}

func targetCell(t Targets, m Metric) any {
	if v, ok := t[m]; ok {
		return v
	}
	return ""
}

func missText(misses []Miss, lang string) string {
	parts := make([]string, len(misses))
	for i, m := range misses {
		parts[i] = HintText(m.Hint, lang)
	}
	return strings.Join(parts, "\n")
}

// xlsxBook wraps excelize with the project's few needs: a bold frozen header and numbers as numbers.
type xlsxBook struct {
	f      *excelize.File
	header int
	first  bool
	err    error
}

func newXLSXBook() *xlsxBook {
	f := excelize.NewFile()
	b := &xlsxBook{f: f, first: true}
	b.header, b.err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	return b
}

// sheet adds a sheet with its header row and data rows.
func (b *xlsxBook) sheet(name string, header []string, rows [][]any, widths []float64) {
	if b.err != nil {
		return
	}
	f := b.f
	if b.first {
		b.err = f.SetSheetName("Sheet1", name)
		b.first = false
	} else {
		_, b.err = f.NewSheet(name)
	}
	if b.err != nil {
		return
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	if b.err = f.SetSheetRow(name, "A1", &hdr); b.err != nil {
		return
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	if b.err = f.SetCellStyle(name, "A1", last+"1", b.header); b.err != nil {
		return
	}
	for i, r := range rows {
		if b.err = f.SetSheetRow(name, fmt.Sprintf("A%d", i+2), &r); b.err != nil {
			return
		}
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if b.err = f.SetColWidth(name, col, col, w); b.err != nil {
			return
		}
	}
	b.err = f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func (b *xlsxBook) write(w io.Writer) error {
	defer b.f.Close()
	if b.err != nil {
		return fmt.Errorf("data: xlsx: %w", b.err)
	}
	if _, err := b.f.WriteTo(w); err != nil {
		return fmt.Errorf("data: xlsx: %w", err)
	}
	return nil
}

// metricHeader is each metric followed by its target.
func metricHeader(lang string) []string {
	var h []string
	for _, m := range Metrics {
		h = append(h, XLSXLabel(string(m), lang), XLSXLabel(string(m), lang)+" "+XLSXLabel("target", lang))
	}
	return h
}

func metricRow(f Figures, t Targets) []any {
	var r []any
	for _, m := range Metrics {
		r = append(r, metricCell(f, m), targetCell(t, m))
	}
	return r
}

// WriteReportXLSX writes the quarterly table (one row per report, in the order given: the last 8
// quarters, oldest first, is the usual) and each rep's rows, headers in lang ("zh" or "en").
func WriteReportXLSX(w io.Writer, reports []PeriodReport, lang string) error {
	b := newXLSXBook()
	header := append([]string{XLSXLabel("period", lang)}, metricHeader(lang)...)
	header = append(header, XLSXLabel("misses", lang), XLSXLabel("problems", lang), XLSXLabel("measures", lang))
	var rows [][]any
	for _, r := range reports {
		row := append([]any{r.Period.String()}, metricRow(r.Figures, r.Targets)...)
		miss := missText(r.Misses, lang)
		if r.NoData {
			miss = XLSXLabel("no_data", lang)
		}
		rows = append(rows, append(row, miss, r.Notes.Problems, r.Notes.Measures))
	}
	widths := []float64{10}
	for range Metrics {
		widths = append(widths, 14, 10)
	}
	b.sheet(XLSXLabel("sheet.quarterly", lang), header, rows, append(widths, 40, 40, 40))

	header = append([]string{XLSXLabel("period", lang), XLSXLabel("owner", lang)}, metricHeader(lang)...)
	header = append(header, XLSXLabel("misses", lang))
	rows = nil
	for _, r := range reports {
		for _, o := range r.Owners {
			row := append([]any{r.Period.String(), o.Name}, metricRow(o.Figures, o.Targets)...)
			miss := missText(o.Misses, lang)
			if o.NoData {
				miss = XLSXLabel("no_data", lang)
			}
			rows = append(rows, append(row, miss))
		}
	}
	widths = []float64{10, 12}
	for range Metrics {
		widths = append(widths, 14, 10)
	}
	b.sheet(XLSXLabel("sheet.owners", lang), header, rows, append(widths, 40))
	return b.write(w)
}

// WriteSegmentsXLSX writes the segmentation: the composition by category, every customer with its
// shares, classes and RFM scores (biggest sales first), and the RFM segment counts.
func WriteSegmentsXLSX(w io.Writer, sg SegmentSummary, customers []CustomerSegment, lang string) error {
	b := newXLSXBook()
	category := func(c string) string {
		if c == "" {
			return XLSXLabel("uncategorized", lang)
		}
		return c
	}
	var rows [][]any
	for _, c := range sg.Categories {
		rows = append(rows, []any{category(c.Category), c.Sales.Yuan(), round2(c.Share), c.Customers, c.A, c.B, c.C})
	}
	b.sheet(XLSXLabel("sheet.composition", lang), []string{XLSXLabel("category", lang), XLSXLabel("sales", lang),
		XLSXLabel("share", lang), XLSXLabel("customers", lang), XLSXLabel("a", lang), XLSXLabel("b", lang), XLSXLabel("c", lang)},
		rows, []float64{22, 16, 10, 10, 8, 8, 8})

	rows = nil
	for _, c := range customers {
		rows = append(rows, []any{c.CardNo, c.Name, category(c.Category), c.Sales.Yuan(), round2(c.Share), round2(c.CategoryShare),
			string(c.ABC), string(c.OverallABC), FormatDate(c.LastWon.Time()), c.Recency, c.Frequency, c.Monetary.Yuan(),
			c.R, c.F, c.M, c.RFM.Label(lang)})
	}
	keys := []string{"card_no", "name", "category", "sales", "share", "category_share", "abc", "overall_abc", "last_won",
		"recency", "frequency", "monetary", "r", "f", "m", "segment"}
	header := make([]string, len(keys))
	for i, k := range keys {
		header[i] = XLSXLabel(k, lang)
	}
	b.sheet(XLSXLabel("sheet.customers", lang), header, rows,
		[]float64{14, 28, 18, 14, 10, 12, 10, 10, 12, 10, 10, 14, 5, 5, 5, 16})

	rows = nil
	for _, c := range sg.RFM {
		rows = append(rows, []any{c.Segment.Label(lang), c.Customers, c.Monetary.Yuan()})
	}
	b.sheet(XLSXLabel("sheet.rfm", lang), []string{XLSXLabel("segment", lang), XLSXLabel("customers", lang),
		XLSXLabel("monetary", lang)}, rows, []float64{18, 10, 16})
	return b.write(w)
}
