package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in   string
		want Period
		ok   bool
	}{
		{"2024Q1", Quarter(2024, 1), true},
		{"2024q4", Quarter(2024, 4), true},
		{" 2024Q2 ", Quarter(2024, 2), true},
		{"2024-03", Month(2024, time.March), true},
		{"2024-12", Month(2024, time.December), true},
		{"2024", Year(2024), true},
		{"2024Q5", Period{}, false},
		{"2024Q0", Period{}, false},
		{"2024Q", Period{}, false},
		{"2024Q11", Period{}, false},
		{"24Q1", Period{}, false},
		{"2024-13", Period{}, false},
		{"2024-00", Period{}, false},
		{"2024-3", Period{}, false},
		{"2024-03-01", Period{}, false},
		{"Q1", Period{}, false},
		{"", Period{}, false},
		{"abcd", Period{}, false},
		{"+024", Period{}, false},
		{"0999", Period{}, false},
		{"２０２４", Period{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParsePeriod(tc.in)
			if tc.ok != (err == nil) {
				t.Fatalf("ParsePeriod(%q) = %v, %v", tc.in, got, err)
			}
			if !tc.ok && !errors.Is(err, ErrPeriod) {
				t.Fatalf("err = %v, want ErrPeriod", err)
			}
			if got != tc.want {
				t.Fatalf("ParsePeriod(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if tc.ok {
				back, err := ParsePeriod(got.String())
				if err != nil || back != got {
					t.Fatalf("round trip of %s: %v, %v", got, back, err)
				}
			}
		})
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2024Q1", "2024-03", "2024", "2024q9", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		// Whatever parses prints back to a text that parses to the same period and spans real days.
		q, err := ParsePeriod(p.String())
		if err != nil || q != p {
			t.Fatalf("%q → %v → %v, %v", s, p, q, err)
		}
		if from, to := p.Days(); from <= 0 || to <= from {
			t.Fatalf("%v spans %d–%d", p, from, to)
		}
	})
}

func TestPeriodBounds(t *testing.T) {
	tests := []struct {
		p           Period
		start, last string
		days        int
		prev, next  string
		parent      string
	}{
		{Quarter(2024, 1), "2024-01-01", "2024-03-31", 91, "2023Q4", "2024Q2", "2024"},
		{Quarter(2023, 1), "2023-01-01", "2023-03-31", 90, "2022Q4", "2023Q2", "2023"},
		{Quarter(2024, 4), "2024-10-01", "2024-12-31", 92, "2024Q3", "2025Q1", "2024"},
		{Month(2024, time.February), "2024-02-01", "2024-02-29", 29, "2024-01", "2024-03", "2024Q1"},
		{Month(2024, time.January), "2024-01-01", "2024-01-31", 31, "2023-12", "2024-02", "2024Q1"},
		{Month(2024, time.December), "2024-12-01", "2024-12-31", 31, "2024-11", "2025-01", "2024Q4"},
		{Year(2024), "2024-01-01", "2024-12-31", 366, "2023", "2025", ""},
	}
	for _, tc := range tests {
		t.Run(tc.p.String(), func(t *testing.T) {
			if got := FormatDate(tc.p.Start()); got != tc.start {
				t.Errorf("Start = %s, want %s", got, tc.start)
			}
			if got := FormatDate(tc.p.Last()); got != tc.last {
				t.Errorf("Last = %s, want %s", got, tc.last)
			}
			from, to := tc.p.Days()
			if int(to-from) != tc.days {
				t.Errorf("%d days, want %d", to-from, tc.days)
			}
			if !tc.p.Contains(DayOf(tc.p.Start())) || !tc.p.Contains(DayOf(tc.p.Last())) ||
				tc.p.Contains(DayOf(tc.p.End())) || tc.p.Contains(DayOf(tc.p.Start())-1) || tc.p.Contains(0) {
				t.Error("Contains disagrees with the bounds")
			}
			if tc.p.Prev().String() != tc.prev || tc.p.Next().String() != tc.next {
				t.Errorf("Prev/Next = %s/%s, want %s/%s", tc.p.Prev(), tc.p.Next(), tc.prev, tc.next)
			}
			parent, ok := tc.p.Parent()
			if parent.String() != tc.parent || ok != (tc.parent != "") {
				t.Errorf("Parent = %s %v, want %q", parent, ok, tc.parent)
			}
		})
	}
}

func TestPeriodOfAndLastPeriods(t *testing.T) {
	at := time.Date(2024, 5, 31, 23, 59, 0, 0, time.Local)
	for kind, want := range map[PeriodKind]string{PeriodMonth: "2024-05", PeriodQuarter: "2024Q2", PeriodYear: "2024"} {
		if got := PeriodOf(kind, at).String(); got != want {
			t.Errorf("PeriodOf(%d) = %s, want %s", kind, got, want)
		}
	}
	got := fmt.Sprint(LastPeriods(Quarter(2024, 2), 8))
	if want := "[2022Q3 2022Q4 2023Q1 2023Q2 2023Q3 2023Q4 2024Q1 2024Q2]"; got != want {
		t.Errorf("LastPeriods = %s, want %s", got, want)
	}
	if got := fmt.Sprint(LastPeriods(Month(2024, time.February), 3)); got != "[2023-12 2024-01 2024-02]" {
		t.Errorf("LastPeriods of months = %s", got)
	}
	if LastPeriods(Quarter(2024, 1), 0) != nil || LastPeriods(Period{}, 3) != nil {
		t.Error("no periods asked for, some given")
	}
	if got := Quarter(2024, 1).Add(-9).String(); got != "2021Q4" {
		t.Errorf("Add(-9) = %s", got)
	}
}

func TestPeriodJSON(t *testing.T) {
	raw, err := json.Marshal(struct{ P Period }{Quarter(2024, 1)})
	if err != nil || string(raw) != `{"P":"2024Q1"}` {
		t.Fatalf("marshal = %s, %v", raw, err)
	}
	var back struct{ P Period }
	if err := json.Unmarshal(raw, &back); err != nil || back.P != Quarter(2024, 1) {
		t.Fatalf("unmarshal = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"P":"2024Q7"}`), &back); !errors.Is(err, ErrPeriod) {
		t.Fatalf("a bad period unmarshalled: %v", err)
	}
}

func ExampleParsePeriod() {
	p, _ := ParsePeriod("2024Q1")
	fmt.Println(p, FormatDate(p.Start()), FormatDate(p.Last()), p.Prev())
	// Output: 2024Q1 2024-01-01 2024-03-31 2023Q4
}
