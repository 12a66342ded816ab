package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"salesdesk/data"
	"salesdesk/data/storage"
)

var updateCLIGolden = flag.Bool("update", false, "rewrite the command line's golden files under testdata/")

// reportFixture is a small file with a known 2024 Q1: 10 leads by two reps, 3 customers won on 3
// deals (one of them also won in 2023), a 35% conversion target and the period's notes. It is built
// through the store's API with a clock moved by hand.
func reportFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.db")
	if err := buildReportFixture(path); err != nil {
		t.Fatal(err)
	}
	t.Setenv(userEnv, "wangjianguo") // the manager, who sees the whole team's report
	return path
}

func buildReportFixture(path string) error {
	now := time.Date(2023, 6, 1, 9, 0, 0, 0, time.Local)
	s, err := storage.Open(path, storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		return err
	}
	defer s.Close()
	var reps []data.Member
	for _, n := range []string{"李娜", "张伟"} {
		m, err := s.SaveMember(data.System, data.Member{Name: n, Role: data.MemberRep, Active: true})
		if err != nil {
			return err
		}
		reps = append(reps, m)
	}
	mgr, err := s.SaveMember(data.System, data.Member{Name: "王建国", Login: "wangjianguo", Role: data.MemberManager, Active: true})
	if err != nil {
		return err
	}
	if err := s.SessionAs(mgr.ID).ChangePassword("", storage.DemoPassword); err != nil {
		return err
	}
	var custs []data.Customer
	for i, name := range []string{"杭州云帆网络科技有限公司", "北京长城电器商店", "上海明珠量贩店", "广州南方贸易", "深圳前海零件"} {
		c, err := s.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: name, Status: data.StatusProspect,
			Category: data.DefaultCategories[i%3]})
		if err != nil {
			return err
		}
		custs = append(custs, c)
	}
	qualified := data.LeadScores{Budget: 12, Urgency: 9, Authority: 8}
	deal := func(created time.Time, cust int, rep int, amount int64, wonOn time.Time) error {
		now = created
		o, err := s.CreateOpportunity(data.Actor{MemberID: reps[rep].ID, Name: reps[rep].Name}, data.Opportunity{
			CustomerID: custs[cust].ID, OwnerID: reps[rep].ID, Title: "采购", Amount: data.AmountFromYuan(amount), Scores: qualified})
		if err != nil || wonOn.IsZero() {
			return err
		}
		now = wonOn
		_, err = s.MoveStage(data.Actor{MemberID: reps[rep].ID}, data.Move{ID: o.ID, Version: o.Version, To: "won", WonDate: wonOn})
		return err
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 10, 0, 0, 0, time.Local) }
	steps := []struct {
		created   time.Time
		cust, rep int
		amount    int64
		won       time.Time
	}{
		{time.Date(2023, 9, 1, 10, 0, 0, 0, time.Local), 0, 0, 20_000, time.Date(2023, 10, 1, 10, 0, 0, 0, time.Local)},
		{day(1, 5), 0, 0, 30_000, day(2, 4)},
		{day(1, 10), 1, 1, 60_000, day(3, 10)},
		{day(2, 1), 2, 0, 45_000, day(3, 2)},
	}
	for _, st := range steps {
		if err := deal(st.created, st.cust, st.rep, st.amount, st.won); err != nil {
			return err
		}
	}
	for i := range 7 {
		if err := deal(day(3, 1+i), 3+i%2, i%2, 10_000, time.Time{}); err != nil {
			return err
		}
	}
	by := data.Actor{MemberID: mgr.ID, Name: mgr.Name}
	q1 := data.Quarter(2024, 1)
	if err := s.SaveTargets(by, q1, data.TargetSet{Team: data.Targets{data.MetricConversionRate: 35, data.MetricAverageSalesCycle: 40},
		Owners: map[uint64]data.Targets{reps[0].ID: {data.MetricLeads: 6}}}); err != nil {
		return err
	}
	return s.SavePeriodNotes(by, q1, data.PeriodNotes{Problems: "转化率低于目标（35%）", Measures: "加强需求挖掘"})
}

func checkCLIGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateCLIGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is meant):\n%s", name, got)
	}
}

func TestReportJSONGolden(t *testing.T) {
	db := reportFixture(t)
	code, stdout, stderr := runCmd("report", "--db", db, "--period", "2024Q1", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r reportJSON
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	// 10 leads in Q1, customers 0, 1, 2 won (0 also in 2023); cycles 30, 60, 30 days.
	if r.Leads != 10 || r.ClosedCustomers != 3 || r.ConversionRate != 30 || r.AverageOrderValue != 45_000 ||
		r.RepurchaseRate != 33.33 || r.AverageSalesCycleDays != 40 || r.NoData {
		t.Errorf("2024Q1 = %+v", r.reportFiguresJSON)
	}
	if len(r.Misses) != 1 || r.Misses[0].Metric != "conversion_rate" || !strings.Contains(r.Misses[0].Diagnosis, "needs discovery") {
		t.Errorf("misses = %+v", r.Misses)
	}
	checkCLIGolden(t, "report_2024Q1.json", stdout)
}

// The documented keys (docs/cli.md), exactly: a stable interface.
func TestReportJSONKeys(t *testing.T) {
	db := reportFixture(t)
	_, stdout, _ := runCmd("report", "--db", db, "--period", "2024Q1", "--format", "json")
	var r map[string]any
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	figures := []string{"leads", "closed_customers", "conversion_rate", "average_order_value", "repurchase_rate",
		"average_sales_cycle_days", "targets", "misses", "no_data", "won_deals", "won_amount", "repeat_customers"}
	want := append([]string{"period", "from", "to", "problems", "measures", "owners"}, figures...)
	if got := keysOf(r); !slices.Equal(got, sorted(want)) {
		t.Errorf("keys = %v\nwant %v", got, sorted(want))
	}
	owners, _ := r["owners"].([]any)
	if len(owners) != 2 {
		t.Fatalf("owners = %v", r["owners"])
	}
	if got := keysOf(owners[0].(map[string]any)); !slices.Equal(got, sorted(append([]string{"owner_id", "owner"}, figures...))) {
		t.Errorf("owner keys = %v", got)
	}
	miss := r["misses"].([]any)[0].(map[string]any)
	if got := keysOf(miss); !slices.Equal(got, []string{"actual", "diagnosis", "hint", "metric", "target"}) {
		t.Errorf("miss keys = %v", got)
	}
}

func keysOf(m map[string]any) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func TestReportEmptyPeriod(t *testing.T) {
	db := reportFixture(t)
	code, stdout, stderr := runCmd("report", "--db", db, "--period", "2019-02", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "NaN") || strings.Contains(stdout, "Inf") {
		t.Fatalf("not a number in the output:\n%s", stdout)
	}
	var r reportJSON
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if !r.NoData || r.Leads != 0 || r.ConversionRate != 0 || r.AverageSalesCycleDays != 0 || len(r.Misses) != 0 || r.From != "2019-02-01" || r.To != "2019-02-28" {
		t.Fatalf("empty month = %+v", r)
	}
	for _, o := range r.Owners {
		if !o.NoData {
			t.Errorf("owner %s has data in an empty month", o.Owner)
		}
	}
}

func TestReportBadArguments(t *testing.T) {
	db := reportFixture(t)
	for _, args := range [][]string{{"--period", "2024Q5"}, {"--period", "24Q1"}, {"--period", "2024-13"}, {"--period", "Q1"},
		{"--format", "xml"}, {"--lang", "fr"}, {"--last", "-1"}, {"stray"}} {
		code, stdout, stderr := runCmd(append([]string{"report", "--db", db}, args...)...)
		if code != 2 || !strings.Contains(stderr, "Usage:") || stdout != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if _, _, stderr := runCmd("report", "--db", db, "--period", "2024Q5"); !strings.Contains(stderr, `--period "2024Q5"`) {
		t.Errorf("the message does not name the period: %q", stderr)
	}
}

func TestReportFormats(t *testing.T) {
	db := reportFixture(t)
	t.Run("several periods are an array", func(t *testing.T) {
		code, stdout, stderr := runCmd("report", "--db", db, "--period", "2024Q1", "--last", "3", "--format", "json")
		var rs []reportJSON
		if code != 0 || json.Unmarshal([]byte(stdout), &rs) != nil || len(rs) != 3 {
			t.Fatalf("exit %d, %d reports: %s", code, len(rs), stderr)
		}
		if rs[0].Period != "2023Q3" || rs[1].ClosedCustomers != 1 || rs[2].Period != "2024Q1" {
			t.Errorf("periods = %s %s %s, 2023Q4 closed %d", rs[0].Period, rs[1].Period, rs[2].Period, rs[1].ClosedCustomers)
		}
	})
	t.Run("csv", func(t *testing.T) {
		code, stdout, _ := runCmd("report", "--db", db, "--period", "2024Q1", "--format", "csv")
		lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(stdout, "\uFEFF"), "\r\n"), "\r\n")
		if code != 0 || len(lines) != 4 || lines[0] != strings.Join(reportCSVHeader, ",") ||
			!strings.HasPrefix(lines[1], "2024Q1,team,,,10,3,30,45000.00,33.33,40,false,3,135000.00,1,conversion_rate") ||
			!strings.Contains(lines[2], ",owner,") {
			t.Fatalf("csv:\n%s", stdout)
		}
	})
	t.Run("table", func(t *testing.T) {
		code, stdout, _ := runCmd("report", "--db", db, "--period", "2024Q1", "--lang", "zh")
		if code != 0 || !strings.Contains(stdout, "2024Q1") || !strings.Contains(stdout, "30.00%") ||
			!strings.Contains(stdout, "检查需求挖掘") || !strings.Contains(stdout, "李娜") {
			t.Fatalf("table:\n%s", stdout)
		}
	})
	t.Run("xlsx to a file", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "q.xlsx")
		code, stdout, stderr := runCmd("report", "--db", db, "--period", "2024Q1", "--format", "xlsx", "--lang", "zh", "--out", out)
		if code != 0 || stdout != "" {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("销售数据分析")
		if err != nil || len(rows) != 9 || rows[8][0] != "2024Q1" || rows[8][1] != "10" || rows[0][1] != "线索数量" {
			t.Fatalf("rows = %v, %v", rows, err)
		}
	})
	t.Run("segments", func(t *testing.T) {
		code, stdout, stderr := runCmd("report", "--db", db, "--period", "2024Q1", "--segments", "--format", "json")
		var sg segmentsJSON
		if code != 0 || json.Unmarshal([]byte(stdout), &sg) != nil {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if sg.Total != 135_000 || len(sg.Customers) != 3 || sg.Customers[0].Sales != 60_000 || sg.Customers[0].OverallABC != "A" ||
			len(sg.RFM) != len(data.RFMSegments) || sg.Customers[2].Frequency != 2 {
			t.Fatalf("segments = %+v", sg)
		}
		code, stdout, _ = runCmd("report", "--db", db, "--period", "2024Q1", "--segments", "--format", "xlsx")
		if code != 0 || !bytes.HasPrefix([]byte(stdout), []byte("PK")) {
			t.Fatalf("segments xlsx: exit %d, %q…", code, stdout[:min(len(stdout), 8)])
		}
	})
}
