package chart

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name      string
		lo, hi    float64
		intervals int
		want      []float64
	}{
		{"counts", 0, 260, 6, []float64{0, 50, 100, 150, 200, 250, 300}},
		{"counts, fewer intervals", 0, 260, 3, []float64{0, 100, 200, 300}},
		{"exact top", 0, 100, 5, []float64{0, 20, 40, 60, 80, 100}},
		{"two steps", 0, 7, 4, []float64{0, 2, 4, 6, 8}},
		{"fractions print exactly", 0, 0.346, 8, []float64{0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35}},
		{"conversion rate", 0, 0.346, 6, []float64{0, 0.1, 0.2, 0.3, 0.4}},
		{"tenths", 0, 0.3, 3, []float64{0, 0.1, 0.2, 0.3}},
		{"money", 0, 1_234_567, 5, []float64{0, 500_000, 1_000_000, 1_500_000}},
		{"away from zero", 51_000, 66_000, 8, []float64{50_000, 52_000, 54_000, 56_000, 58_000, 60_000, 62_000, 64_000, 66_000}},
		{"negative", -35, 120, 4, []float64{-50, 0, 50, 100, 150}},
		{"all negative", -90, -10, 4, []float64{-100, -50, 0}},
		{"straddling zero needs two intervals", -1, 9, 1, []float64{-10, 0, 10}},
		{"reversed", 10, 0, 2, []float64{0, 5, 10}},
		{"one positive value", 42, 42, 4, []float64{0, 20, 40, 60}},
		{"one negative value", -3, -3, 3, []float64{-3, -2, -1, 0}},
		{"all zero", 0, 0, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{"zero intervals asked", 0, 9, 0, []float64{0, 10}},
		{"NaN", math.NaN(), 5, 4, []float64{0, 1}},
		{"infinite", 0, inf, 4, []float64{0, 1}},
		{"tiny", 0, 3e-9, 3, []float64{0, 1e-9, 2e-9, 3e-9}},
		{"huge", 0, 8e300, 4, []float64{0, 2e300, 4e300, 6e300, 8e300}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := niceTicks(tc.lo, tc.hi, tc.intervals)
			if !slices.Equal(got, tc.want) {
				t.Errorf("niceTicks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.intervals, got, tc.want)
			}
		})
	}
}

// TestNiceTicksProperties checks random ranges for what every axis relies on: at least two finite
// ticks, evenly spaced by a 1-2-5 step, covering the range, no more than asked for.
func TestNiceTicksProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for range 20000 {
		scale := math.Pow10(rng.Intn(40) - 20)
		lo := (rng.Float64()*2 - 1) * scale
		hi := lo + rng.Float64()*scale*math.Pow10(rng.Intn(6)-3)
		n := 1 + rng.Intn(10)
		ticks := niceTicks(lo, hi, n)
		if lo < 0 && hi > 0 {
			n = max(n, 2) // a tick at zero splits the range
		}
		if len(ticks) < 2 || len(ticks) > n+1 {
			t.Fatalf("niceTicks(%g, %g, %d): %d ticks", lo, hi, n, len(ticks))
		}
		step := ticks[1] - ticks[0]
		// Bounds within a billionth of a step of a tick count as on it (rounding).
		if ticks[0] > lo+step*1e-9 || ticks[len(ticks)-1] < hi-step*1e-9 {
			t.Fatalf("niceTicks(%g, %g, %d) = %v does not cover the range", lo, hi, n, ticks)
		}
		mant := step / math.Pow10(int(math.Floor(math.Log10(step))))
		if !near(mant, 1) && !near(mant, 2) && !near(mant, 5) && !near(mant, 10) {
			t.Fatalf("niceTicks(%g, %g, %d) = %v: step %g is not 1, 2 or 5 × 10ⁿ", lo, hi, n, ticks, step)
		}
		for i := 1; i < len(ticks); i++ {
			if !finite(ticks[i]) || !near((ticks[i]-ticks[i-1])/step, 1) {
				t.Fatalf("niceTicks(%g, %g, %d) = %v: uneven", lo, hi, n, ticks)
			}
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestAlignedTicks(t *testing.T) {
	for _, tc := range []struct {
		name      string
		hi        float64
		intervals int
		want      []float64
	}{
		{"conversion over six grid lines", 0.346, 6, []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6}},
		{"exact fit", 50, 5, []float64{0, 10, 20, 30, 40, 50}},
		{"no data", math.NaN(), 2, []float64{0, 0.5, 1}},
		{"zero", 0, 4, []float64{0, 0.5, 1, 1.5, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := alignedTicks(tc.hi, tc.intervals); !slices.Equal(got, tc.want) {
				t.Errorf("alignedTicks(%v, %d) = %v, want %v", tc.hi, tc.intervals, got, tc.want)
			}
		})
	}
}

func TestDefaultPercent(t *testing.T) {
	for in, want := range map[float64]string{0: "0%", 0.05: "5%", 0.025: "2.5%", 0.346: "35%", 1: "100%", 0.087: "8.7%"} {
		if got := defaultPercent(in); got != want {
			t.Errorf("defaultPercent(%v) = %q, want %q", in, got, want)
		}
	}
}
