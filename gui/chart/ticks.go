package chart

import "math"

// niceTicks returns round, evenly spaced values from at or below lo to at or above hi, at most
// intervals+1 of them, spaced 1, 2 or 5 × 10ⁿ: the steps people read off an axis without effort.
// A degenerate range is widened (a single positive value is shown against zero) and a range that
// is not finite becomes 0…1, so callers always get at least two finite ticks to divide by.
func niceTicks(lo, hi float64, intervals int) []float64 {
	intervals = max(intervals, 1)
	if !finite(lo) || !finite(hi) {
		return []float64{0, 1}
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		switch {
		case lo > 0:
			lo = 0
		case lo < 0:
			hi = 0
		default:
			hi = 1
		}
	}
	if lo < 0 && hi > 0 {
		intervals = max(intervals, 2) // zero is a tick, so each side needs an interval
	}
	span := hi - lo
	raw := span / float64(intervals)
	if !finite(span) || raw < 1e-290 {
		return []float64{lo, hi}
	}
	exp := int(math.Floor(math.Log10(raw)))
	for ; exp < 309; exp++ {
		for _, m := range []int64{1, 2, 5} {
			step := float64(m) * math.Pow10(exp)
			if step < raw*(1-1e-9) {
				continue
			}
			// The epsilon keeps a bound that is already a tick, give or take rounding, from
			// adding a whole interval.
			kLo := math.Floor(lo/step + 1e-9)
			kHi := math.Ceil(hi/step - 1e-9)
			if kHi-kLo > float64(intervals) {
				continue
			}
			if math.Abs(kLo) > 1e15 || math.Abs(kHi) > 1e15 {
				return []float64{lo, hi} // too far from zero for exact multiples
			}
			ticks := make([]float64, 0, int(kHi-kLo)+1)
			for k := int64(kLo); k <= int64(kHi); k++ {
				ticks = append(ticks, tickValue(k*m, exp))
			}
			return ticks
		}
	}
	return []float64{lo, hi}
}

// tickValue is n × 10^exp computed so that decimal ticks print exactly: 3 × 10⁻¹ is 3/10, which
// is the float nearest 0.3, where 3 × 0.1 would be 0.30000000000000004.
func tickValue(n int64, exp int) float64 {
	if exp >= 0 {
		return float64(n) * math.Pow10(exp)
	}
	return float64(n) / math.Pow10(-exp)
}

// alignedTicks spreads a second axis over the same number of intervals as the first, so both
// share the first axis' grid lines: the smallest round step that covers hi in that many
// intervals, from zero.
func alignedTicks(hi float64, intervals int) []float64 {
	intervals = max(intervals, 1)
	if !finite(hi) || hi <= 0 {
		hi = 1
	}
	raw := hi / float64(intervals)
	if raw < 1e-290 {
		return niceTicks(0, hi, intervals)
	}
	exp := int(math.Floor(math.Log10(raw)))
	for ; exp < 309; exp++ {
		for _, m := range []int64{1, 2, 5} {
			if step := float64(m) * math.Pow10(exp); step >= raw*(1-1e-9) {
				ticks := make([]float64, intervals+1)
				for k := range ticks {
					ticks[k] = tickValue(int64(k)*m, exp)
				}
				return ticks
			}
		}
	}
	return niceTicks(0, hi, intervals)
}
