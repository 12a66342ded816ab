package data

import (
	"cmp"
	"slices"
)

// StageSpan is the days a deal spent in one stage.
type StageSpan struct {
	Stage string
	Days  int
}

// StageDaysInOrder lists StageDays in the pipeline's order of stages, as the board shows them; a stage
// the settings no longer have (renamed or removed since) comes after them, by key.
func StageDaysInOrder(days map[string]int, stages []StageDef) []StageSpan {
	out := make([]StageSpan, 0, len(days))
	known := map[string]bool{}
	for _, st := range stages {
		known[st.Key] = true
		if d, ok := days[st.Key]; ok {
			out = append(out, StageSpan{Stage: st.Key, Days: d})
		}
	}
	n := len(out)
	for k, d := range days {
		if !known[k] {
			out = append(out, StageSpan{Stage: k, Days: d})
		}
	}
	slices.SortFunc(out[n:], func(a, b StageSpan) int { return cmp.Compare(a.Stage, b.Stage) })
	return out
}
