package gui

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"salesdesk/data"
)

// newMetricsUI is the window over a quarter with four leads, two of them won for 30,000 and 60,000:
// 50% conversion and an average order of 45,000, with the dashboard computed in line.
func newMetricsUI(t *testing.T, language string) *ui {
	t.Helper()
	u := newTestUI(t, language)
	qualified := data.LeadScores{Budget: 12, Urgency: 9, Authority: 8}
	for i, amount := range []int64{30_000, 60_000, 10_000, 20_000} {
		c, err := u.store.CreateCustomer(data.Customer{Kind: data.KindCompany, Name: []string{"甲公司", "乙公司", "丙公司", "丁公司"}[i],
			Status: data.StatusProspect, Category: "代理商"})
		if err != nil {
			t.Fatal(err)
		}
		o, err := u.store.CreateOpportunity(data.Opportunity{CustomerID: c.ID, OwnerID: u.me().MemberID, Title: "采购",
			Amount: data.AmountFromYuan(amount), CloseDate: fixedNow.AddDate(0, 1, 0), Scores: qualified})
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if _, err := u.store.MoveStage(data.Move{ID: o.ID, Version: o.Version, To: "won"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	u.tabs.SelectIndex(tabMetrics)
	return u
}

func TestMetricsScreenShowsTheFixture(t *testing.T) {
	u := newMetricsUI(t, "en")
	s := u.metrics
	last := len(s.dash.Trend) - 1
	if last != trendPeriods-1 || s.dash.Period != data.Quarter(2026, 4) {
		t.Fatalf("trend of %d periods ending %v; want %d ending 2026Q4", len(s.dash.Trend), s.dash.Period, trendPeriods)
	}
	want := []string{"2026 Q4", "4", "2", "50.0%", "¥45,000", "0.0%", "0.0 days"}
	for c, w := range want {
		if got, _ := s.trendCell(last, c); got != w {
			t.Errorf("2026 Q4, column %d = %q; want %q", c, got, w)
		}
	}
	if got, _ := s.trendCell(0, 0); !strings.Contains(got, "no data") {
		t.Errorf("an empty quarter shows %q; want it marked no data", got)
	}
	if got, _ := s.repCell(0, 1); got != "4" {
		t.Errorf("the rep's leads = %q; want 4", got)
	}
	if !s.status.Hidden && s.status.Text != "" {
		t.Errorf("status %q over a quarter with data", s.status.Text)
	}
}

func TestMetricsTargetsRefusedAtTheFieldThenMissed(t *testing.T) {
	u := newMetricsUI(t, "en")
	s := u.metrics
	s.onEditTargets()
	f := s.targets
	conv, aov := f.fields[data.MetricConversionRate], f.fields[data.MetricAverageOrderValue]

	// A target of zero is refused at its field, and the dialog stays with what was typed.
	test.Type(conv.entry, "0")
	test.Tap(f.save)
	if conv.msg.Hidden || conv.msg.Text == "" || f.dialog == nil {
		t.Fatalf("a zero target: message %q hidden=%v; want it shown at the field", conv.msg.Text, conv.msg.Hidden)
	}
	if got, _ := s.trendCell(len(s.dash.Trend), 3); got != "—" {
		t.Errorf("a refused target reached the table: %q", got)
	}

	// Fixed, with an average order target the quarter misses.
	conv.entry.SetText("")
	test.Type(conv.entry, "35")
	test.Type(aov.entry, "50,000")
	test.Tap(f.save)
	if !conv.msg.Hidden {
		t.Fatalf("still refused: %q", conv.msg.Text)
	}
	targetRow := len(s.dash.Trend)
	if got, _ := s.trendCell(targetRow, 3); got != "35.0%" {
		t.Errorf("conversion target shown %q; want 35.0%%", got)
	}
	if got, miss := s.trendCell(targetRow-1, 4); !miss || got != "¥45,000" {
		t.Errorf("average order cell = %q miss=%v; want ¥45,000 marked as missed", got, miss)
	}
	if _, miss := s.trendCell(targetRow-1, 3); miss {
		t.Error("50% conversion marked as missing a 35% target")
	}
	if !strings.Contains(s.hints.Text, "Average order below target") {
		t.Errorf("hints = %q; want the average order diagnosis", s.hints.Text)
	}
}

func TestMetricsNotesKeptPerPeriod(t *testing.T) {
	u := newMetricsUI(t, "zh")
	s := u.metrics
	test.Type(s.problems, "转化率偏低")
	test.Type(s.measures, "加强需求挖掘培训")
	s.onSaveNotes()
	// Typing more without saving: a reload of the same period (a save elsewhere, the tab shown
	// again) keeps what is being typed.
	test.Type(s.problems, "，重点看华东")
	s.reload()
	if s.problems.Text != "转化率偏低，重点看华东" || s.measures.Text != "加强需求挖掘培训" {
		t.Errorf("after a reload: %q / %q", s.problems.Text, s.measures.Text)
	}
	// Another period shows its own notes (none), and coming back shows what was saved.
	s.period.SetSelectedIndex(1)
	if s.problems.Text != "" || s.dash.Period != data.Quarter(2026, 3) {
		t.Errorf("2026Q3 shows %q for %v", s.problems.Text, s.dash.Period)
	}
	s.period.SetSelectedIndex(0)
	if s.problems.Text != "转化率偏低" || s.measures.Text != "加强需求挖掘培训" {
		t.Errorf("back on 2026Q4: %q / %q", s.problems.Text, s.measures.Text)
	}
	if got, _ := s.trendCell(len(s.dash.Trend)-1, 0); got != "2026年第4季度" {
		t.Errorf("period label %q", got)
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]float64{"35": 35, "35%": 35, " 45,000 ": 45000, "4.5万": 45000, "¥45000": 45000, "40天": 40, "": 0} {
		if got, err := parseTarget(in); err != nil || got != want {
			t.Errorf("parseTarget(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"0", "-5", "abc", "NaN", "Inf", "1e400"} {
		if _, err := parseTarget(bad); err == nil {
			t.Errorf("parseTarget(%q) accepted", bad)
		}
	}
}

func TestSegmentsFilterTheListAndShowOnTheCard(t *testing.T) {
	u := newMetricsUI(t, "en")
	u.tabs.SelectIndex(tabCustomers)
	cs := u.customers
	if len(cs.shown()) != 4 {
		t.Fatalf("list shows %d customers; want 4", len(cs.shown()))
	}
	// Both customers with sales are class A in their category (60,000 then 30,000: 67% before the
	// second); the two without sales have no class.
	cs.abc.SetSelectedIndex(1)
	if got := rowNames(cs.shown()); got != "乙公司,甲公司" && got != "甲公司,乙公司" {
		t.Errorf("class A = %s; want the two customers with sales", got)
	}
	cs.abc.SetSelectedIndex(3)
	if len(cs.shown()) != 0 {
		t.Errorf("class C = %s; want none", rowNames(cs.shown()))
	}
	cs.abc.SetSelectedIndex(0)
	for i, s := range data.RFMSegments {
		cs.rfm.SetSelectedIndex(i + 1)
		for _, r := range cs.shown() {
			if c, ok := mustSegment(u.store, r.ID); !ok || c.RFM != s {
				t.Errorf("segment %s lists %s (%+v)", s, r.Name, c)
			}
		}
	}
	cs.rfm.SetSelectedIndex(0)
	if len(cs.shown()) != 4 {
		t.Errorf("filters cleared: %d rows; want 4", len(cs.shown()))
	}

	var won, none uint64
	for _, r := range listed(u.store, data.CustomerFilter{}) {
		switch r.Name {
		case "乙公司":
			won = r.ID
		case "丁公司":
			none = r.ID
		}
	}
	if cw := u.openCard(won); !strings.Contains(cw.segment.Text, "class A in its category") || cw.segment.Hidden {
		t.Errorf("card of a customer with sales shows %q", cw.segment.Text)
	}
	if cw := u.openCard(none); !strings.Contains(cw.segment.Text, "No sales yet") {
		t.Errorf("card of a customer without sales shows %q", cw.segment.Text)
	}
}

func rowNames(rows []*data.CustomerRow) string {
	var names []string
	for _, r := range rows {
		names = append(names, r.Name)
	}
	return strings.Join(names, ",")
}

// The exports draw a fresh set of charts offscreen: the PNGs at their size with titles, the PDF's
// without (the report prints its own headings), and the PDF of the shown quarter.
func TestMetricsExportsRenderTheShownQuarter(t *testing.T) {
	u := newMetricsUI(t, "zh")
	s := u.metrics
	pngs := s.renderCharts(pngChartSize, true)
	if len(pngs) != 7 {
		t.Fatalf("%d charts; want 7", len(pngs))
	}
	for _, c := range pngs {
		if b := c.Image.Bounds(); b.Dx() != int(pngChartSize.Width) || b.Dy() != int(pngChartSize.Height) || c.File == "" {
			t.Errorf("%s: %v", c.File, b)
		}
	}
	pdf := s.renderCharts(pdfChartSize, false)
	rc := make([]reportChart, len(pdf))
	for i, c := range pdf {
		rc[i] = reportChart{Title: c.Title, Image: c.Image}
	}
	var buf bytes.Buffer
	if err := writeQuarterPDF(&buf, s.dash, rc, "zh", nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) || buf.Len() < 20_000 {
		t.Errorf("PDF of %d bytes starting %q", buf.Len(), buf.Bytes()[:min(8, buf.Len())])
	}
}
