package main

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestOpportunitiesJSON(t *testing.T) {
	db := sharedDB(t)
	code, stdout, stderr := runCmd("opportunities", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(rows) == 0 {
		t.Fatal("the demo has no deals")
	}
	var keys []string
	for k := range rows[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := slices.Clone(opportunityCSVHeader)
	sort.Strings(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("keys = %v\nwant %v", keys, want)
	}
	code, stdout, _ = runCmd("opportunities", "--db", db, "--format", "json", "--stage", "won")
	if code != 0 {
		t.Fatal("won filter failed")
	}
	var won []map[string]any
	_ = json.Unmarshal([]byte(stdout), &won)
	for _, r := range won {
		if r["stage"] != "won" || r["won_date"] == nil {
			t.Fatalf("won filter let through %v", r)
		}
	}
}

func TestOpportunitiesBadArguments(t *testing.T) {
	db := sharedDB(t)
	for _, args := range [][]string{{"--stage", "nope"}, {"--format", "xml"}} {
		code, _, stderr := runCmd(append([]string{"opportunities", "--db", db}, args...)...)
		if code != 2 || !strings.Contains(stderr, "Usage") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestForecastJSON(t *testing.T) {
	db := sharedDB(t)
	code, stdout, stderr := runCmd("forecast", "--db", db, "--format", "json", "--quarterly")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []forecastJSON
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("forecast = %q (%v)", stdout, err)
	}
	for _, r := range rows {
		if !strings.Contains(r.Period, "Q") || r.Weighted > r.BestCase || r.Committed > r.BestCase || r.Deals == 0 {
			t.Errorf("implausible period %+v", r)
		}
	}
}
