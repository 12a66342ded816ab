package data

import (
	"fmt"
	"sort"
	"time"
)

// ForecastRow is the forecast for one month or quarter of expected close.
type ForecastRow struct {
	Period    string // "2026-03" or "2026Q1"
	Deals     int
	Weighted  Amount // Σ amount × stage probability (seed 002)
	BestCase  Amount // every open deal won
	Committed Amount // the deals in committed stages (negotiation and later)
}

// PeriodKey names the month or quarter a date falls in.
func PeriodKey(t time.Time, quarterly bool) string {
	if quarterly {
		return fmt.Sprintf("%dQ%d", t.Year(), (int(t.Month())-1)/3+1)
	}
	return fmt.Sprintf("%d-%02d", t.Year(), int(t.Month()))
}

func StageIndex(stages []StageDef) map[string]int {
	idx := make(map[string]int, len(stages))
	for i, s := range stages {
		idx[s.Key] = i
	}
	return idx
}

// Forecast sums the open deals (leads and open stages, not closed as unqualified) by the month or
// quarter of their expected close date, in period order. A deal with no close date is left out: it
// cannot be placed in time.
func Forecast(opps []*OpportunityRow, stages []StageDef, quarterly bool) []ForecastRow {
	idx := StageIndex(stages)
	rows := map[string]*ForecastRow{}
	for _, o := range opps {
		si, ok := idx[o.Stage]
		if !ok || o.Unqualified || o.Close == 0 {
			continue
		}
		def := stages[si]
		if def.Kind != StageLead && def.Kind != StageOpen {
			continue
		}
		key := PeriodKey(o.Close.Time(), quarterly)
		r := rows[key]
		if r == nil {
			r = &ForecastRow{Period: key}
			rows[key] = r
		}
		r.Deals++
		r.Weighted += Weighted(o.Amount, def.Probability)
		r.BestCase += o.Amount
		if def.Committed {
			r.Committed += o.Amount
		}
	}
	out := make([]ForecastRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Period < out[j].Period })
	return out
}

// weighted is amount × percent / 100, rounded to the nearest fen.
func Weighted(a Amount, percent int) Amount {
	return Amount((int64(a)*int64(percent) + 50) / 100)
}

// FunnelStep is one stage of the funnel: how many deals reached it, their amount, and the share of
// them that went on to the next stage.
type FunnelStep struct {
	Stage   string
	Reached int
	Amount  Amount
	// Conversion is Reached of the next stage / Reached of this one, in percent; 0 for the last stage
	// or when none reached this one.
	Conversion float64
}

// Funnel counts, for the deals created in [from, to), how many reached each stage of the board (lost
// left out: it is not a step forward), and the conversion from each step to the next. A deal reached
// every stage up to the furthest one its history or its current stage shows, so a deal lost in
// negotiation counts in every step before it.
func Funnel(opps []*OpportunityRow, history map[uint64][]StageChange, stages []StageDef, from, to time.Time) []FunnelStep {
	idx := StageIndex(stages)
	var steps []FunnelStep
	var order []int
	for i, s := range stages {
		if s.Kind != StageLost {
			steps = append(steps, FunnelStep{Stage: s.Key})
			order = append(order, i)
		}
	}
	pos := map[int]int{} // stage index → step position
	for p, i := range order {
		pos[i] = p
	}
	for _, o := range opps {
		if o.Created < DayOf(from) || o.Created >= DayOf(to) {
			continue
		}
		furthest := -1
		consider := func(key string) {
			if si, ok := idx[key]; ok {
				if p, ok := pos[si]; ok && p > furthest {
					furthest = p
				}
			}
		}
		consider(o.Stage)
		for _, key := range StagesReached(history[o.ID]) {
			consider(key)
		}
		for p := 0; p <= furthest; p++ {
			steps[p].Reached++
			steps[p].Amount += o.Amount
		}
	}
	for p := 0; p+1 < len(steps); p++ {
		if steps[p].Reached > 0 {
			steps[p].Conversion = float64(steps[p+1].Reached) * 100 / float64(steps[p].Reached)
		}
	}
	return steps
}
