package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// `salesdesk report`: template 4's table (销售数据分析表) for a period, the team's row and each rep's,
// against the targets in force; or with --segments the composition, ABC and RFM lists of the
// period's sales. The JSON keys are a documented interface (docs/cli.md): add keys, never rename or
// remove one. Amounts are in yuan, percents as 30 for 30%, rates and days rounded to two decimals.

// reportFiguresJSON are the keys the team's row and each rep's share.
type reportFiguresJSON struct {
	Leads                 int                `json:"leads"`
	ClosedCustomers       int                `json:"closed_customers"`
	ConversionRate        float64            `json:"conversion_rate"`
	AverageOrderValue     float64            `json:"average_order_value"`
	RepurchaseRate        float64            `json:"repurchase_rate"`
	AverageSalesCycleDays float64            `json:"average_sales_cycle_days"`
	Targets               map[string]float64 `json:"targets"`
	Misses                []reportMissJSON   `json:"misses"`
	NoData                bool               `json:"no_data"`
	WonDeals              int                `json:"won_deals"`
	WonAmount             float64            `json:"won_amount"`
	RepeatCustomers       int                `json:"repeat_customers"`
}

type reportMissJSON struct {
	Metric    string  `json:"metric"`
	Actual    float64 `json:"actual"`
	Target    float64 `json:"target"`
	Hint      string  `json:"hint"`
	Diagnosis string  `json:"diagnosis"`
}

type reportOwnerJSON struct {
	OwnerID uint64 `json:"owner_id"`
	Owner   string `json:"owner"`
	reportFiguresJSON
}

type reportJSON struct {
	Period string `json:"period"`
	reportFiguresJSON
	From     string            `json:"from"`
	To       string            `json:"to"`
	Problems string            `json:"problems"`
	Measures string            `json:"measures"`
	Owners   []reportOwnerJSON `json:"owners"`
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func figuresJSON(f data.Figures, t data.Targets, misses []data.Miss, lang string) reportFiguresJSON {
	j := reportFiguresJSON{Leads: f.Leads, ClosedCustomers: f.ClosedCustomers, ConversionRate: round2(f.ConversionRate),
		AverageOrderValue: yuan(f.AverageOrderValue), RepurchaseRate: round2(f.RepurchaseRate),
		AverageSalesCycleDays: round2(f.AverageSalesCycle), Targets: map[string]float64{}, Misses: []reportMissJSON{},
		NoData: f.NoData, WonDeals: f.WonDeals, WonAmount: yuan(f.WonAmount), RepeatCustomers: f.RepeatCustomers}
	for m, v := range t {
		j.Targets[string(m)] = v
	}
	for _, m := range misses {
		j.Misses = append(j.Misses, reportMissJSON{Metric: string(m.Metric), Actual: round2(m.Actual), Target: m.Target,
			Hint: m.Hint, Diagnosis: data.HintText(m.Hint, lang)})
	}
	return j
}

func toReportJSON(r data.PeriodReport, lang string) reportJSON {
	j := reportJSON{Period: r.Period.String(), reportFiguresJSON: figuresJSON(r.Figures, r.Targets, r.Misses, lang),
		From: data.FormatDate(r.Period.Start()), To: data.FormatDate(r.Period.Last()),
		Problems: r.Notes.Problems, Measures: r.Notes.Measures, Owners: []reportOwnerJSON{}}
	for _, o := range r.Owners {
		j.Owners = append(j.Owners, reportOwnerJSON{OwnerID: o.OwnerID, Owner: o.Name,
			reportFiguresJSON: figuresJSON(o.Figures, o.Targets, o.Misses, lang)})
	}
	return j
}

// reportCSVHeader is the CSV's header: one row for the team (scope "team", owner_id empty) and one per
// rep (scope "owner"), per period.
var reportCSVHeader = []string{"period", "scope", "owner_id", "owner", "leads", "closed_customers", "conversion_rate",
	"average_order_value", "repurchase_rate", "average_sales_cycle_days", "no_data", "won_deals", "won_amount",
	"repeat_customers", "misses"}

func (j reportFiguresJSON) csvCells() []string {
	misses := make([]string, len(j.Misses))
	for i, m := range j.Misses {
		misses[i] = m.Metric
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return []string{strconv.Itoa(j.Leads), strconv.Itoa(j.ClosedCustomers), num(j.ConversionRate), money(j.AverageOrderValue),
		num(j.RepurchaseRate), num(j.AverageSalesCycleDays), strconv.FormatBool(j.NoData), strconv.Itoa(j.WonDeals),
		money(j.WonAmount), strconv.Itoa(j.RepeatCustomers), strings.Join(misses, ";")}
}

func (c *cli) report(args []string, globalDB string) error {
	fs, db := c.newFlags("report")
	periodText := fs.String("period", "", "the period: 2024Q1 (quarter), 2024-03 (month) or 2024 (year); default: this quarter")
	last := fs.Int("last", 0, "this many periods ending with --period (default 1; 8 for --format xlsx)")
	format := fs.String("format", "table", "output format: table, json, csv or xlsx")
	lang := fs.String("lang", "en", "language of the diagnoses and the xlsx headers: en or zh")
	out := fs.String("out", "", "write to this file instead of stdout")
	segments := fs.Bool("segments", false, "the period's customer composition, ABC classes and RFM segments instead")
	force := fs.Bool("force", false, "let --out replace an existing file")
	if err := parse(fs, args); err != nil {
		return err
	}
	p := data.PeriodOf(data.PeriodQuarter, time.Now())
	if *periodText != "" {
		var err error
		if p, err = data.ParsePeriod(*periodText); err != nil {
			return badUsage("report: --period %q: write 2024Q1 (quarter), 2024-03 (month) or 2024 (year)", *periodText)
		}
	}
	switch *format {
	case "table", "json", "csv", "xlsx":
	default:
		return badUsage("report: --format %q: use table, json, csv or xlsx", *format)
	}
	if *lang != "en" && *lang != "zh" {
		return badUsage("report: --lang %q: use en or zh", *lang)
	}
	n := *last
	switch {
	case n < 0 || n > 120:
		return badUsage("report: --last %d: use 1 to 120", n)
	case n == 0 && *format == "xlsx":
		n = 8 // the quarterly table of two years
	case n == 0:
		n = 1
	}
	// A report in a machine format is the team's figures taken out of SalesDesk: an export, a
	// manager's right, refused before anything is computed and audited once written. It counts
	// whether it goes to --out or to stdout, which a shell sends to a file as easily.
	exported := *format != "table"
	var s data.Service
	var guard data.OutputGuard
	if c.host != "" {
		svc, end, err := c.hostSession(*db, globalDB)
		if err != nil {
			return err
		}
		defer end()
		s, guard = svc, desktopOutputGuard()
	} else {
		open := readStore
		if exported {
			open = c.auditedStore
		}
		file, _, err := open(*db, globalDB)
		if err != nil {
			return err
		}
		defer file.Close()
		if s, err = c.session(file); err != nil {
			return err
		}
		guard = outputGuard(file)
	}
	if exported && !s.Can(data.PermExport) {
		return &data.Refusal{Perm: data.PermExport, Role: s.Me().Role}
	}
	var err error

	// Everything is made in memory first, so that a failure leaves no half-written --out file.
	var buf bytes.Buffer
	reportRows := 0
	if *segments {
		var seg data.SegmentSummary
		if seg, err = s.SegmentsFor(p); err == nil {
			var customers []data.CustomerSegment
			if customers, err = data.AllSegmentCustomers(s, p, nil); err == nil {
				err = writeSegments(&buf, seg, customers, p, *format, *lang)
			}
		}
		reportRows = 1
	} else {
		var reports []data.PeriodReport
		if reports, err = s.Reports(p, n); err != nil {
			return err
		}
		for _, r := range reports {
			reportRows += 1 + len(r.Owners)
		}
		err = writeReports(&buf, reports, *format, *lang)
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = c.stdout.Write(buf.Bytes())
	} else {
		err = outputError("report: --out", storage.WriteOutput(*out, guard, *force, func(w io.Writer) error {
			_, err := w.Write(buf.Bytes())
			return err
		}))
	}
	if err != nil || !exported {
		return err
	}
	return s.RecordReportExport(*format, n, reportRows)
}

func writeReports(w io.Writer, reports []data.PeriodReport, format, lang string) error {
	js := make([]reportJSON, len(reports))
	for i, r := range reports {
		js[i] = toReportJSON(r, lang)
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if len(js) == 1 {
			return enc.Encode(js[0])
		}
		return enc.Encode(js)
	case "csv":
		var records [][]string
		for _, j := range js {
			records = append(records, append([]string{j.Period, "team", "", ""}, j.csvCells()...))
			for _, o := range j.Owners {
				records = append(records, append([]string{j.Period, "owner", strconv.FormatUint(o.OwnerID, 10), o.Owner}, o.csvCells()...))
			}
		}
		return writeCSVRecords(w, reportCSVHeader, records)
	case "xlsx":
		return data.WriteReportXLSX(w, reports, lang)
	}
	return writeReportTable(w, js)
}

// pct prints a percent, or "-" where the rate has nothing to divide by.
func pct(v float64, defined bool) string {
	if !defined {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + "%"
}

func writeReportTable(w io.Writer, js []reportJSON) error {
	row := func(label string, j reportFiguresJSON) []string {
		closed := j.ClosedCustomers > 0
		cycle := "-"
		if closed {
			cycle = strconv.FormatFloat(j.AverageSalesCycleDays, 'f', 1, 64)
		}
		order := "-"
		if closed {
			order = money(j.AverageOrderValue)
		}
		r := []string{label, strconv.Itoa(j.Leads), strconv.Itoa(j.ClosedCustomers), pct(j.ConversionRate, j.Leads > 0),
			order, pct(j.RepurchaseRate, closed), cycle}
		if j.NoData {
			r = append(r, "no data")
		} else {
			var miss []string
			for _, m := range j.Misses {
				miss = append(miss, m.Metric)
			}
			r = append(r, strings.Join(miss, " "))
		}
		return r
	}
	header := []string{"PERIOD", "LEADS", "CLOSED", "CONVERSION", "AVG ORDER", "REPURCHASE", "CYCLE", "BELOW TARGET"}
	widths := []int{10, 6, 6, 10, 14, 10, 6, 40}
	table := [][]string{header}
	for _, j := range js {
		table = append(table, row(j.Period, j.reportFiguresJSON))
	}
	if err := writeColumns(w, table, widths, "closed = distinct customers with a won deal; cycle in days; amounts in yuan"); err != nil {
		return err
	}
	lastJ := js[len(js)-1]
	if len(lastJ.Owners) > 0 {
		header[0] = "REP " + lastJ.Period
		table = [][]string{header}
		for _, o := range lastJ.Owners {
			name := o.Owner
			if name == "" {
				name = fmt.Sprintf("(id %d)", o.OwnerID)
			}
			table = append(table, row(name, o.reportFiguresJSON))
		}
		fmt.Fprintln(w)
		if err := writeColumns(w, table, []int{14, 6, 6, 10, 14, 10, 6, 40}, fmt.Sprintf("%d reps", len(lastJ.Owners))); err != nil {
			return err
		}
	}
	var b strings.Builder
	for _, m := range lastJ.Misses {
		fmt.Fprintf(&b, "%s %s: %s %.2f, target %.2f. %s\n", lastJ.Period, "team", m.Metric, m.Actual, m.Target, m.Diagnosis)
	}
	if lastJ.Problems != "" {
		fmt.Fprintf(&b, "problems: %s\n", lastJ.Problems)
	}
	if lastJ.Measures != "" {
		fmt.Fprintf(&b, "measures: %s\n", lastJ.Measures)
	}
	if b.Len() > 0 {
		_, err := io.WriteString(w, "\n"+b.String())
		return err
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// report --segments

type segmentCategoryJSON struct {
	Category  string  `json:"category"`
	Sales     float64 `json:"sales"`
	Share     float64 `json:"share"`
	Customers int     `json:"customers"`
	A         int     `json:"a"`
	B         int     `json:"b"`
	C         int     `json:"c"`
}

type segmentCountJSON struct {
	Segment   string  `json:"segment"`
	Label     string  `json:"label"`
	Customers int     `json:"customers"`
	Monetary  float64 `json:"monetary"`
}

type segmentCustomerJSON struct {
	CustomerID    uint64  `json:"customer_id"`
	CardNo        string  `json:"card_no"`
	Name          string  `json:"name"`
	Category      string  `json:"category"`
	Sales         float64 `json:"sales"`
	Share         float64 `json:"share"`
	CategoryShare float64 `json:"category_share"`
	ABC           string  `json:"abc"`
	OverallABC    string  `json:"overall_abc"`
	LastWon       *string `json:"last_won"`
	RecencyDays   int     `json:"recency_days"`
	Frequency     int     `json:"frequency"`
	Monetary      float64 `json:"monetary"`
	R             int     `json:"r"`
	F             int     `json:"f"`
	M             int     `json:"m"`
	RFM           string  `json:"rfm"`
}

type segmentsJSON struct {
	Period     string                `json:"period"`
	From       string                `json:"from"`
	To         string                `json:"to"`
	Total      float64               `json:"total"`
	Categories []segmentCategoryJSON `json:"categories"`
	RFM        []segmentCountJSON    `json:"rfm"`
	Customers  []segmentCustomerJSON `json:"customers"`
}

var segmentCSVHeader = []string{"customer_id", "card_no", "name", "category", "sales", "share", "category_share", "abc",
	"overall_abc", "last_won", "recency_days", "frequency", "monetary", "r", "f", "m", "rfm"}

func writeSegments(w io.Writer, sg data.SegmentSummary, customers []data.CustomerSegment, p data.Period, format, lang string) error {
	if format == "xlsx" {
		return data.WriteSegmentsXLSX(w, sg, customers, lang)
	}
	j := segmentsJSON{Period: p.String(), From: data.FormatDate(p.Start()), To: data.FormatDate(p.Last()), Total: yuan(sg.Total),
		Categories: []segmentCategoryJSON{}, RFM: []segmentCountJSON{}, Customers: []segmentCustomerJSON{}}
	for _, c := range sg.Categories {
		j.Categories = append(j.Categories, segmentCategoryJSON{Category: c.Category, Sales: yuan(c.Sales), Share: round2(c.Share),
			Customers: c.Customers, A: c.A, B: c.B, C: c.C})
	}
	for _, c := range sg.RFM {
		j.RFM = append(j.RFM, segmentCountJSON{Segment: string(c.Segment), Label: c.Segment.Label(lang), Customers: c.Customers,
			Monetary: yuan(c.Monetary)})
	}
	for _, c := range customers {
		j.Customers = append(j.Customers, segmentCustomerJSON{CustomerID: c.CustomerID, CardNo: c.CardNo, Name: c.Name,
			Category: c.Category, Sales: yuan(c.Sales), Share: round2(c.Share), CategoryShare: round2(c.CategoryShare),
			ABC: string(c.ABC), OverallABC: string(c.OverallABC), LastWon: date(c.LastWon.Time()), RecencyDays: c.Recency,
			Frequency: c.Frequency, Monetary: yuan(c.Monetary), R: c.R, F: c.F, M: c.M, RFM: string(c.RFM)})
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	case "csv":
		num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
		records := make([][]string, len(j.Customers))
		for i, c := range j.Customers {
			records[i] = []string{strconv.FormatUint(c.CustomerID, 10), c.CardNo, c.Name, c.Category, money(c.Sales), num(c.Share),
				num(c.CategoryShare), c.ABC, c.OverallABC, deref(c.LastWon), strconv.Itoa(c.RecencyDays), strconv.Itoa(c.Frequency),
				money(c.Monetary), strconv.Itoa(c.R), strconv.Itoa(c.F), strconv.Itoa(c.M), c.RFM}
		}
		return writeCSVRecords(w, segmentCSVHeader, records)
	}
	table := [][]string{{"CATEGORY", "SALES", "SHARE", "CUSTOMERS", "A", "B", "C"}}
	for _, c := range j.Categories {
		table = append(table, []string{c.Category, money(c.Sales), pct(c.Share, true), strconv.Itoa(c.Customers),
			strconv.Itoa(c.A), strconv.Itoa(c.B), strconv.Itoa(c.C)})
	}
	if err := writeColumns(w, table, []int{20, 16, 8, 9, 6, 6, 6}, fmt.Sprintf("%s: %s yuan won", j.Period, money(j.Total))); err != nil {
		return err
	}
	table = [][]string{{"RFM SEGMENT", "CUSTOMERS", "MONETARY"}}
	for _, c := range j.RFM {
		table = append(table, []string{c.Label, strconv.Itoa(c.Customers), money(c.Monetary)})
	}
	fmt.Fprintln(w)
	return writeColumns(w, table, []int{24, 9, 16}, "RFM over each customer's won deals up to the period's end; high = score 3 to 5")
}
