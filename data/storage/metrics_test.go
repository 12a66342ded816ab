package storage

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"salesdesk/data"
	"strings"
	"testing"
	"time"
)

// dd is a calendar day as the rows hold it.
func dd(y int, m time.Month, d int) data.Day { return data.DayOf(gday(y, m, d)) }

// deal builds a row: won is 0 for a deal not won; a won deal sits in the won stage.
func deal(id, customer, owner uint64, yuanAmount int64, created, won data.Day) *data.OpportunityRow {
	stage := "proposal"
	if won != 0 {
		stage = "won"
	}
	return &data.OpportunityRow{ID: id, CustomerID: customer, OwnerID: owner, Amount: data.AmountFromYuan(yuanAmount),
		Stage: stage, Created: created, Won: won}
}

func TestConversionRate(t *testing.T) {
	tests := []struct {
		name          string
		closed, leads int
		want          float64
	}{
		{"seed row", 36, 120, 30},
		{"empty period", 0, 0, 0},
		{"wins but no leads", 3, 0, 0},
		{"no wins", 0, 50, 0},
		{"closing old leads beats 100%", 6, 4, 150},
		{"a third", 1, 3, 100.0 / 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := data.ConversionRate(tc.closed, tc.leads)
			if math.IsNaN(got) || math.Abs(got-tc.want) > 1e-9 {
				t.Fatalf("ConversionRate(%d, %d) = %v, want %v", tc.closed, tc.leads, got, tc.want)
			}
		})
	}
}

func TestAverageOrderValue(t *testing.T) {
	tests := []struct {
		name   string
		won    data.Amount
		closed int
		want   data.Amount
	}{
		{"seed row", data.AmountFromYuan(1_620_000), 36, data.AmountFromYuan(45_000)},
		{"empty period", 0, 0, 0},
		{"amount without customers", data.AmountFromYuan(10), 0, 0},
		{"rounds half up to the fen", 5, 2, 3},
		{"rounds down below half", 4, 3, 1},
		{"one fen over three", 100, 3, 33},
		{"negative rounds away from zero", -5, 2, -3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := data.AverageOrderValue(tc.won, tc.closed); got != tc.want {
				t.Fatalf("AverageOrderValue(%d, %d) = %d, want %d", tc.won, tc.closed, got, tc.want)
			}
		})
	}
}

func TestRepurchaseRate(t *testing.T) {
	tests := []struct {
		name           string
		repeat, closed int
		want           float64
	}{
		{"seed row", 9, 36, 25},
		{"empty period", 0, 0, 0},
		{"all repeat", 4, 4, 100},
		{"none repeat", 0, 7, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := data.RepurchaseRate(tc.repeat, tc.closed)
			if math.IsNaN(got) || got != tc.want {
				t.Fatalf("RepurchaseRate(%d, %d) = %v, want %v", tc.repeat, tc.closed, got, tc.want)
			}
		})
	}
}

func TestAverageSalesCycle(t *testing.T) {
	tests := []struct {
		name         string
		days, closed int
		want         float64
	}{
		{"seed row", 1620, 36, 45},
		{"empty period", 0, 0, 0},
		{"days but no customers", 30, 0, 0},
		{"per customer, not per deal", 90, 2, 45},
		{"fraction", 10, 4, 2.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := data.AverageSalesCycle(tc.days, tc.closed)
			if math.IsNaN(got) || got != tc.want {
				t.Fatalf("AverageSalesCycle(%d, %d) = %v, want %v", tc.days, tc.closed, got, tc.want)
			}
		})
	}
}

func TestSalesDays(t *testing.T) {
	tests := []struct {
		name         string
		created, won data.Day
		want         int
	}{
		{"same day", dd(2024, 1, 5), dd(2024, 1, 5), 0},
		{"across February of a leap year", dd(2024, 2, 1), dd(2024, 3, 1), 29},
		{"across a year", dd(2023, 12, 1), dd(2024, 1, 15), 45},
		{"backdated win", dd(2024, 3, 1), dd(2024, 2, 1), 0},
		{"not won", dd(2024, 3, 1), 0, 0},
		{"no creation day", 0, dd(2024, 3, 1), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := data.SalesDays(tc.created, tc.won); got != tc.want {
				t.Fatalf("SalesDays = %d, want %d", got, tc.want)
			}
		})
	}
}

func ExampleConversionRate() {
	fmt.Println(data.ConversionRate(36, 120))
	fmt.Println(data.ConversionRate(0, 0)) // an empty period: 0, not NaN
	// Output:
	// 30
	// 0
}

func ExampleAverageOrderValue() {
	fmt.Println(data.AverageOrderValue(data.AmountFromYuan(1_620_000), 36))
	fmt.Println(data.AverageOrderValue(data.AmountFromYuan(1_000), 0))
	// Output:
	// 45,000.00
	// 0.00
}

func ExampleRepurchaseRate() {
	fmt.Println(data.RepurchaseRate(9, 36))
	// Output: 25
}

func ExampleAverageSalesCycle() {
	fmt.Println(data.AverageSalesCycle(1620, 36))
	// Output: 45
}

func ExampleSalesDays() {
	fmt.Println(data.SalesDays(data.DayOf(time.Date(2024, 1, 2, 0, 0, 0, 0, time.Local)), data.DayOf(time.Date(2024, 3, 2, 0, 0, 0, 0, time.Local))))
	// Output: 60
}

func ExampleMisses() {
	f := data.Figures{Leads: 120, ClosedCustomers: 36}
	f.Finish()
	for _, m := range data.Misses(f, data.Targets{data.MetricConversionRate: 35, data.MetricLeads: 100}) {
		fmt.Println(m.Metric, m.Actual, m.Target, data.HintText(m.Hint, "en"))
	}
	// Output: conversion_rate 30 35 Conversion below target: check needs discovery (5W1H)
}

func TestLedgerFigures(t *testing.T) {
	q1 := data.Quarter(2024, 1)
	deals := []*data.OpportunityRow{
		// Owner 1: two leads in Q1; customer 10 won twice in Q1 (one closed customer), customer 11 once.
		deal(1, 10, 1, 1000, dd(2024, 1, 1), dd(2024, 1, 31)),
		deal(2, 10, 1, 3000, dd(2024, 2, 1), dd(2024, 3, 31)),
		deal(3, 11, 1, 2000, dd(2023, 12, 1), dd(2024, 1, 15)), // created before Q1: a win, not a lead
		// Owner 2: customer 11 again (a customer both reps closed), won on the last day of Q1.
		deal(4, 11, 2, 4000, dd(2024, 3, 1), dd(2024, 3, 31)),
		// Not in Q1: won the day after, created the day before, an open deal.
		deal(5, 12, 2, 9000, dd(2024, 3, 1), dd(2024, 4, 1)),
		deal(6, 13, 2, 9000, dd(2023, 12, 31), 0),
		deal(7, 13, 3, 0, dd(2024, 1, 1), 0),
		// A won date on a deal not in the won stage does not count as a win.
		{ID: 8, CustomerID: 14, OwnerID: 3, Amount: 500, Stage: "lost", Created: dd(2024, 1, 1), Won: dd(2024, 1, 2)},
		// Customer 12's earlier win makes its Q2 win a repeat, but not in Q1.
		deal(9, 12, 2, 100, dd(2023, 5, 1), dd(2023, 6, 1)),
	}
	team, owners := data.PeriodFigures(q1, deals, data.DefaultStages())
	// Q1 leads: 1, 2, 4, 5, 7, 8 = 6. Wins: 1, 2, 3, 4 → customers 10, 11.
	// Customer 10 has 2 wins by the end (repeat), customer 11 has 2 (deals 3 and 4: repeat).
	want := data.Figures{Leads: 6, ClosedCustomers: 2, WonDeals: 4, WonAmount: data.AmountFromYuan(10_000), RepeatCustomers: 2,
		SalesDays: 30 + 59 + 45 + 30}
	want.Finish()
	if team != want {
		t.Errorf("team = %+v\nwant %+v", team, want)
	}
	if team.ConversionRate != 2*100.0/6 || team.AverageOrderValue != data.AmountFromYuan(5_000) || team.RepurchaseRate != 100 {
		t.Errorf("team rates = %v %v %v", team.ConversionRate, team.AverageOrderValue, team.RepurchaseRate)
	}
	if o := owners[1]; o.Leads != 2 || o.ClosedCustomers != 2 || o.WonDeals != 3 || o.WonAmount != data.AmountFromYuan(6_000) || o.SalesDays != 134 {
		t.Errorf("owner 1 = %+v", o)
	}
	if o := owners[2]; o.Leads != 2 || o.ClosedCustomers != 1 || o.RepeatCustomers != 1 || o.AverageSalesCycle != 30 {
		t.Errorf("owner 2 = %+v", o)
	}
	if o := owners[3]; o.Leads != 2 || o.ClosedCustomers != 0 || o.NoData || o.ConversionRate != 0 {
		t.Errorf("owner 3 = %+v", o)
	}
	// In Q2 customer 12 closes, and has two wins by then: a repeat.
	q2team, _ := data.PeriodFigures(data.Quarter(2024, 2), deals, data.DefaultStages())
	if q2team.ClosedCustomers != 1 || q2team.RepeatCustomers != 1 || q2team.Leads != 0 || q2team.ConversionRate != 0 {
		t.Errorf("Q2 = %+v", q2team)
	}
}

func TestEmptyPeriodHasNoData(t *testing.T) {
	for _, tc := range []struct {
		name  string
		deals []*data.OpportunityRow
	}{
		{"no deals at all", nil},
		{"deals in other periods", []*data.OpportunityRow{deal(1, 1, 1, 100, dd(2023, 1, 1), dd(2023, 2, 1))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			team, owners := data.PeriodFigures(data.Quarter(2024, 1), tc.deals, data.DefaultStages())
			if !team.NoData || len(owners) != 0 {
				t.Fatalf("team = %+v, owners = %v", team, owners)
			}
			for _, m := range data.Metrics {
				if v := team.Value(m); v != 0 || math.IsNaN(v) {
					t.Errorf("%s = %v", m, v)
				}
			}
			if got := data.Misses(team, data.Targets{data.MetricConversionRate: 35, data.MetricLeads: 10}); len(got) != 0 {
				t.Errorf("an empty period misses %v", got)
			}
		})
	}
}

func TestMisses(t *testing.T) {
	base := data.Figures{Leads: 100, ClosedCustomers: 20, WonAmount: data.AmountFromYuan(800_000), RepeatCustomers: 2, SalesDays: 1200, WonDeals: 20}
	base.Finish() // conversion 20%, AOV 40,000, repurchase 10%, cycle 60 days
	all := data.Targets{data.MetricLeads: 100, data.MetricClosedCustomers: 25, data.MetricConversionRate: 20, data.MetricAverageOrderValue: 45_000,
		data.MetricRepurchaseRate: 5, data.MetricAverageSalesCycle: 45}
	tests := []struct {
		name string
		f    data.Figures
		t    data.Targets
		want []data.Metric
	}{
		{"on target is not a miss; the cycle misses above", base, all, []data.Metric{data.MetricClosedCustomers, data.MetricAverageOrderValue, data.MetricAverageSalesCycle}},
		{"no targets", base, data.Targets{}, nil},
		{"a cycle below its ceiling is fine", base, data.Targets{data.MetricAverageSalesCycle: 90}, nil},
		{"rates over nothing cannot miss", func() data.Figures { f := data.Figures{Leads: 5}; f.Finish(); return f }(),
			all, []data.Metric{data.MetricLeads, data.MetricClosedCustomers, data.MetricConversionRate}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []data.Metric
			for _, m := range data.Misses(tc.f, tc.t) {
				got = append(got, m.Metric)
				if m.Hint != m.Metric.Hint() || data.HintText(m.Hint, "zh") == "" || data.HintText(m.Hint, "en") == "" {
					t.Errorf("%s: hint %q has no text", m.Metric, m.Hint)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("misses = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHintsOfTheSeed(t *testing.T) {
	// Seed 000's two diagnoses, word for word in substance.
	if got := data.HintText(data.MetricConversionRate.Hint(), "zh"); !strings.Contains(got, "需求挖掘") {
		t.Errorf("conversion hint = %q", got)
	}
	if got := data.HintText(data.MetricAverageSalesCycle.Hint(), "en"); !strings.Contains(got, "negotiation and approvals") {
		t.Errorf("cycle hint = %q", got)
	}
	if data.HintText("metrics.hint.nope", "en") != "" {
		t.Error("an unknown hint has a text")
	}
}

func TestValidateTargets(t *testing.T) {
	tests := []struct {
		name  string
		set   data.TargetSet
		field string
		want  error
	}{
		{"zero", data.TargetSet{Team: data.Targets{data.MetricConversionRate: 0}}, "conversion_rate", data.ErrTargetNotPositive},
		{"negative", data.TargetSet{Team: data.Targets{data.MetricLeads: -5}}, "leads", data.ErrTargetNotPositive},
		{"not a number", data.TargetSet{Team: data.Targets{data.MetricAverageOrderValue: math.NaN()}}, "average_order_value", data.ErrTargetNotPositive},
		{"infinite", data.TargetSet{Team: data.Targets{data.MetricAverageSalesCycle: math.Inf(1)}}, "average_sales_cycle_days", data.ErrTargetNotPositive},
		{"percent above 100", data.TargetSet{Team: data.Targets{data.MetricRepurchaseRate: 120}}, "repurchase_rate", data.ErrPercent},
		{"unknown metric", data.TargetSet{Team: data.Targets{"profit": 5}}, "profit", data.ErrUnknownMetric},
		{"a rep's", data.TargetSet{Owners: map[uint64]data.Targets{7: {data.MetricConversionRate: -1}}}, "owners.7.conversion_rate", data.ErrTargetNotPositive},
		{"owner zero", data.TargetSet{Owners: map[uint64]data.Targets{0: {data.MetricLeads: 1}}}, "owners.0", data.ErrUnknownMember},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fe := tc.set.Validate()
			if len(fe) != 1 || !errors.Is(fe.For(tc.field), tc.want) {
				t.Fatalf("Validate = %v, want %v at %s", fe, tc.want, tc.field)
			}
		})
	}
	ok := data.TargetSet{Team: data.Targets{data.MetricLeads: 100, data.MetricConversionRate: 35, data.MetricAverageOrderValue: 45_000.5,
		data.MetricRepurchaseRate: 100, data.MetricAverageSalesCycle: 0.5}, Owners: map[uint64]data.Targets{3: {data.MetricLeads: 1}}}
	if fe := ok.Validate(); fe.Any() {
		t.Fatalf("valid targets refused: %v", fe)
	}
}

func TestEffectiveTargets(t *testing.T) {
	quarter := data.TargetSet{Team: data.Targets{data.MetricLeads: 100}, Owners: map[uint64]data.Targets{1: {data.MetricLeads: 40, data.MetricAverageSalesCycle: 30}}}
	year := data.TargetSet{Team: data.Targets{data.MetricConversionRate: 35, data.MetricClosedCustomers: 150, data.MetricAverageSalesCycle: 50},
		Owners: map[uint64]data.Targets{2: {data.MetricRepurchaseRate: 20, data.MetricLeads: 400}}}
	team, rep := data.Effective([]data.TargetSet{quarter, year}, []uint64{1, 2, 3})
	wantTeam := data.Targets{data.MetricLeads: 100, data.MetricConversionRate: 35, data.MetricAverageSalesCycle: 50}
	if !reflect.DeepEqual(team, wantTeam) {
		t.Errorf("team = %v, want %v (a year's count does not apply to a quarter)", team, wantTeam)
	}
	want := map[uint64]data.Targets{
		1: {data.MetricLeads: 40, data.MetricAverageSalesCycle: 30, data.MetricConversionRate: 35},
		2: {data.MetricRepurchaseRate: 20, data.MetricConversionRate: 35, data.MetricAverageSalesCycle: 50},
		3: {data.MetricConversionRate: 35, data.MetricAverageSalesCycle: 50},
	}
	if !reflect.DeepEqual(rep, want) {
		t.Errorf("reps = %v\nwant %v", rep, want)
	}
}

func TestBuildReportOwners(t *testing.T) {
	members := []data.Member{{ID: 1, Name: "李娜", Role: data.MemberRep, Active: true}, {ID: 2, Name: "王建国", Role: data.MemberManager, Active: true},
		{ID: 3, Name: "离职", Role: data.MemberRep}, {ID: 4, Name: "张伟", Role: data.MemberRep, Active: true}}
	deals := []*data.OpportunityRow{deal(1, 10, 2, 100, dd(2024, 1, 5), dd(2024, 1, 9)), deal(2, 11, 0, 100, dd(2024, 1, 5), 0)}
	team, owners := data.PeriodFigures(data.Quarter(2024, 1), deals, data.DefaultStages())
	r := data.BuildReport(data.Quarter(2024, 1), team, owners, []data.TargetSet{{Owners: map[uint64]data.Targets{3: {data.MetricLeads: 5}}}}, members, data.PeriodNotes{})
	var got []string
	for _, o := range r.Owners {
		got = append(got, fmt.Sprintf("%d:%s:%v", o.OwnerID, o.Name, o.NoData))
	}
	// Nobody (0) and the manager owned deals; the former rep has a target; the active reps are always there.
	want := []string{"0::false", "1:李娜:true", "2:王建国:false", "3:离职:true", "4:张伟:true"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("owners = %v, want %v", got, want)
	}
	if r.Misses == nil || r.Targets == nil {
		t.Error("empty misses and targets must be empty, not null, in JSON")
	}
	if s := data.Series([]data.PeriodReport{r, {}}, data.MetricConversionRate); len(s) != 2 || s[0] != 50 || s[1] != 0 {
		t.Errorf("Series = %v", s)
	}
}

// syntheticDeals are n deal rows over the 8 quarters to 2026Q1 for customers 1..customers and 8 reps,
// 40% of them won: the pure functions' benchmark data, made in memory in a blink.
func syntheticDeals(n, customers int) []*data.OpportunityRow {
	first, _ := data.Quarter(2024, 2).Days()
	_, end := data.Quarter(2026, 1).Days()
	span := int(end - first)
	x := uint64(7)
	next := func(k int) int { x = x*6364136223846793005 + 1442695040888963407; return int((x >> 33) % uint64(k)) }
	stages := []string{"lead", "initial_contact", "needs_discovery", "proposal", "negotiation", "lost"}
	out := make([]*data.OpportunityRow, n)
	for i := range out {
		created := first + data.Day(next(span))
		o := &data.OpportunityRow{ID: uint64(i + 1), CustomerID: uint64(1 + next(customers)), OwnerID: uint64(1 + next(8)),
			Amount: data.AmountFromYuan(int64(1_000 * (1 + next(200)))), Created: created, Stage: stages[next(len(stages))]}
		if next(10) < 4 {
			o.Stage, o.Won = "won", min(created+data.Day(10+next(80)), end-1)
		}
		out[i] = o
	}
	return out
}

// BenchmarkReports8Quarters200k: the trend charts' eight quarterly reports, team and reps, from rows.
func BenchmarkReports8Quarters200k(b *testing.B) {
	deals := syntheticDeals(200_000, 100_000)
	stages := data.DefaultStages()
	periods := data.LastPeriods(data.Quarter(2026, 1), 8)
	for b.Loop() {
		l := data.NewLedger(deals, stages)
		for _, p := range periods {
			team, owners := l.Figures(p)
			_ = data.BuildReport(p, team, owners, nil, nil, data.PeriodNotes{})
		}
	}
}

// BenchmarkSegment200k: ABC and RFM over every customer, from rows.
func BenchmarkSegment200k(b *testing.B) {
	deals := syntheticDeals(200_000, 100_000)
	info := segInfo(map[uint64]string{})
	_, to := data.Quarter(2026, 1).Days()
	var sg *data.Segmentation
	for b.Loop() {
		sg = data.Segment(deals, data.DefaultStages(), info, 0, to)
	}
	b.ReportMetric(float64(sg.Len()), "customers-segmented")
}
