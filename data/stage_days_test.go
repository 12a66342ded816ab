package data

import (
	"slices"
	"testing"
	"time"
)

// Days per stage read in the pipeline's order, not the alphabet's: a deal that went lead → initial
// contact → proposal lists them so, and a stage removed from the settings since comes last.
func TestStageDaysInOrder(t *testing.T) {
	created := time.Date(2026, 1, 1, 9, 0, 0, 0, time.Local)
	hist := []StageChange{
		{At: created.AddDate(0, 0, 3), From: "lead", To: "initial_contact"},
		{At: created.AddDate(0, 0, 10), From: "initial_contact", To: "old_stage"},
		{At: created.AddDate(0, 0, 12), From: "old_stage", To: "proposal"},
	}
	days := StageDays(created, "lead", hist, created.AddDate(0, 0, 20))
	got := StageDaysInOrder(days, DefaultStages())
	want := []StageSpan{{Stage: "lead", Days: 3}, {Stage: "initial_contact", Days: 7}, {Stage: "proposal", Days: 8}, {Stage: "old_stage", Days: 2}}
	if !slices.Equal(got, want) {
		t.Errorf("StageDaysInOrder = %v, want %v", got, want)
	}
}
