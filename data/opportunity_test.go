package data

import (
	"fmt"
	"testing"
	"time"
)

func TestQualify(t *testing.T) {
	th := DefaultQualifyThresholds
	for _, tc := range []struct {
		name   string
		scores LeadScores
		ok     bool
		short  []string
	}{
		{"all at the thresholds", LeadScores{Budget: 10, Urgency: 8, Authority: 7}, true, nil},
		{"all at the top", LeadScores{Budget: 15, Urgency: 15, Authority: 15}, true, nil},
		{"budget one short", LeadScores{Budget: 9, Urgency: 8, Authority: 7}, false, []string{"budget"}},
		{"urgency and authority short", LeadScores{Budget: 12, Urgency: 7, Authority: 6}, false, []string{"urgency", "authority"}},
		{"nothing known", LeadScores{}, false, []string{"budget", "urgency", "authority"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, short := tc.scores.Qualify(th)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			var got []string
			for _, s := range short {
				got = append(got, s.Score)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.short) {
				t.Fatalf("short = %v, want %v", got, tc.short)
			}
		})
	}
}

func TestLeadScoresValidate(t *testing.T) {
	if fe := (LeadScores{Budget: 0, Urgency: 15, Authority: 7}).Validate(); fe.Any() {
		t.Fatalf("valid scores refused: %v", fe)
	}
	fe := LeadScores{Budget: -1, Urgency: 16, Authority: 7}.Validate()
	if fe.For("budget_score") == nil || fe.For("urgency_score") == nil || fe.For("authority_score") != nil {
		t.Fatalf("problems = %v", fe)
	}
}

func ExampleLeadScores_Qualify() {
	ok, short := LeadScores{Budget: 12, Urgency: 6, Authority: 9}.Qualify(DefaultQualifyThresholds)
	fmt.Println(ok)
	for _, s := range short {
		fmt.Printf("%s %d < %d\n", s.Score, s.Have, s.Need)
	}
	// Output:
	// false
	// urgency 6 < 8
}

func TestOpportunityNumber(t *testing.T) {
	if got := OpportunityNumber(time.Date(2024, 3, 5, 0, 0, 0, 0, time.Local), 1); got != "XS2024030001" {
		t.Fatalf("number = %s", got)
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.Local) }

func TestForecast(t *testing.T) {
	stages := DefaultStages()
	opps := []Opportunity{
		{ID: 1, Stage: "proposal", Amount: AmountFromYuan(100_000), CloseDate: day(2026, 1, 20)},    // 50%
		{ID: 2, Stage: "negotiation", Amount: AmountFromYuan(200_000), CloseDate: day(2026, 2, 10)}, // 70%, committed
		{ID: 3, Stage: "lead", Amount: AmountFromYuan(40_000), CloseDate: day(2026, 2, 28)},         // 5%
		{ID: 4, Stage: "won", Amount: AmountFromYuan(999_000), CloseDate: day(2026, 1, 5)},          // closed: out
		{ID: 5, Stage: "lost", Amount: AmountFromYuan(999_000), CloseDate: day(2026, 1, 5)},         // closed: out
		{ID: 6, Stage: "lead", Amount: AmountFromYuan(999_000), CloseDate: day(2026, 1, 5), Unqualified: true},
		{ID: 7, Stage: "initial_contact", Amount: AmountFromYuan(10_000)},                             // no date: out
		{ID: 8, Stage: "needs_discovery", Amount: AmountFromYuan(30_000), CloseDate: day(2026, 4, 1)}, // 30%, Q2
	}
	months := Forecast(rowsOf(opps), stages, false)
	want := []ForecastRow{
		{Period: "2026-01", Deals: 1, Weighted: AmountFromYuan(50_000), BestCase: AmountFromYuan(100_000)},
		{Period: "2026-02", Deals: 2, Weighted: AmountFromYuan(140_000 + 2_000), BestCase: AmountFromYuan(240_000), Committed: AmountFromYuan(200_000)},
		{Period: "2026-04", Deals: 1, Weighted: AmountFromYuan(9_000), BestCase: AmountFromYuan(30_000)},
	}
	if fmt.Sprint(months) != fmt.Sprint(want) {
		t.Fatalf("by month:\n got %v\nwant %v", months, want)
	}
	quarters := Forecast(rowsOf(opps), stages, true)
	if len(quarters) != 2 || quarters[0].Period != "2026Q1" || quarters[0].Weighted != AmountFromYuan(192_000) ||
		quarters[1].Period != "2026Q2" {
		t.Fatalf("by quarter: %v", quarters)
	}
}

func TestFunnel(t *testing.T) {
	stages := DefaultStages()
	in := day(2026, 1, 10)
	opps := []Opportunity{
		{ID: 1, Stage: "won", Amount: 100, CreatedAt: in},
		{ID: 2, Stage: "lost", Amount: 100, CreatedAt: in},
		{ID: 3, Stage: "proposal", Amount: 100, CreatedAt: in},
		{ID: 4, Stage: "lead", Amount: 100, CreatedAt: in},
		{ID: 5, Stage: "won", Amount: 100, CreatedAt: day(2025, 12, 31)}, // created before the period
	}
	history := map[uint64][]StageChange{
		1: {{From: "lead", To: "initial_contact"}, {From: "initial_contact", To: "needs_discovery"},
			{From: "needs_discovery", To: "proposal"}, {From: "proposal", To: "negotiation"}, {From: "negotiation", To: "won"}},
		2: {{From: "lead", To: "initial_contact"}, {From: "initial_contact", To: "needs_discovery"},
			{From: "needs_discovery", To: "negotiation"}, {From: "negotiation", To: "lost"}},
	}
	steps := Funnel(rowsOf(opps), history, stages, day(2026, 1, 1), day(2026, 4, 1))
	got := ""
	for _, s := range steps {
		got += fmt.Sprintf("%s:%d:%.0f ", s.Stage, s.Reached, s.Conversion)
	}
	// 4 leads; 3 went on; 3 in discovery (deal 3 sits in proposal, so it passed discovery); 3 reached
	// proposal (deal 2 skipped it but reached negotiation, which counts every step before); 2 reached
	// negotiation; 1 won.
	want := "lead:4:75 initial_contact:3:100 needs_discovery:3:100 proposal:3:67 negotiation:2:50 won:1:0 "
	if got != want {
		t.Fatalf("funnel:\n got %s\nwant %s", got, want)
	}
}

func ExampleFunnel() {
	// Seed 002's example: 14 first visits → 10 proposals → 4 negotiations → 1 contract.
	stages := []StageDef{
		{Key: "visit", Kind: StageOpen}, {Key: "proposal", Kind: StageOpen},
		{Key: "negotiation", Kind: StageOpen}, {Key: "won", Kind: StageWon},
	}
	var opps []Opportunity
	add := func(n int, stage string) {
		for range n {
			opps = append(opps, Opportunity{ID: uint64(len(opps) + 1), Stage: stage, CreatedAt: day(2026, 1, 5)})
		}
	}
	add(4, "visit")
	add(6, "proposal")
	add(3, "negotiation")
	add(1, "won")
	for _, s := range Funnel(rowsOf(opps), nil, stages, day(2026, 1, 1), day(2026, 2, 1)) {
		fmt.Printf("%s %d %.1f%%\n", s.Stage, s.Reached, s.Conversion)
	}
	// Output:
	// visit 14 71.4%
	// proposal 10 40.0%
	// negotiation 4 25.0%
	// won 1 0.0%
}

func TestStageDaysAndIdle(t *testing.T) {
	created := day(2026, 1, 1)
	history := []StageChange{
		{At: day(2026, 1, 11), From: "lead", To: "initial_contact"},
		{At: day(2026, 1, 31), From: "initial_contact", To: "proposal"},
	}
	got := StageDays(created, "lead", history, day(2026, 2, 10))
	if got["lead"] != 10 || got["initial_contact"] != 20 || got["proposal"] != 10 {
		t.Fatalf("days = %v", got)
	}
	def := StageDef{Key: "proposal", Kind: StageOpen, IdleDays: 21}
	o := (&Opportunity{StageSince: day(2026, 1, 31), LastActivity: day(2026, 2, 1)}).Row()
	if o.Idle(def, day(2026, 2, 22)) {
		t.Fatal("idle after exactly 21 days")
	}
	if !o.Idle(def, day(2026, 2, 23)) {
		t.Fatal("not idle after 22 days")
	}
	if o.Idle(StageDef{Kind: StageWon, IdleDays: 1}, day(2030, 1, 1)) {
		t.Fatal("a won deal is never idle")
	}
}

func rowsOf(opps []Opportunity) []*OpportunityRow {
	out := make([]*OpportunityRow, len(opps))
	for i := range opps {
		out[i] = opps[i].Row()
	}
	return out
}

func TestDayRoundTrip(t *testing.T) {
	for _, d := range []time.Time{day(1970, 1, 1), day(2024, 2, 29), day(2026, 11, 23), day(1900, 1, 1)} {
		if got := DayOf(d).Time(); !got.Equal(d) {
			t.Errorf("DayOf(%v).Time() = %v", d, got)
		}
	}
	if DayOf(time.Time{}) != 0 || !Day(0).Time().IsZero() {
		t.Error("the zero time and the zero Day do not map to each other")
	}
	if DayOf(day(2026, 3, 2))-DayOf(day(2026, 2, 27)) != 3 {
		t.Error("day numbers do not count days")
	}
}
