package storage

import (
	"testing"
	"time"
)

// BenchmarkPoolSweep is the sweep over the 100k demo, whose team has swept every day (its idle cards
// are in the pool already). "today" is every sweep after the first of a day (the window's start),
// which finds nothing new; "next-day" is the daily sweep the morning after, which returns the cards
// that fell due overnight; "month-closed" is the first sweep after the file sat unopened for 30 days,
// which returns a month's worth in one transaction.
func BenchmarkPoolSweep(b *testing.B) {
	b.Run("today", func(b *testing.B) {
		s := loadedBench(b)
		timed(b, func(int) {
			if n, err := s.SweepPool(benchNow); err != nil || n != 0 {
				b.Fatalf("sweep of the demo's own day: %d returned, %v", n, err)
			}
		})
	})
	sweepAfter := func(b *testing.B, days int) {
		var returned int
		durs := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s := loadedBench(b)
			b.StartTimer()
			t0 := time.Now()
			n, err := s.SweepPool(benchNow.AddDate(0, 0, days))
			durs = append(durs, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				b.Fatalf("the sweep %d days on returned nothing: the benchmark measures no work", days)
			}
			returned = n
			b.StopTimer()
			_ = s.Close()
		}
		var total time.Duration
		for _, d := range durs {
			total += d
		}
		b.ReportMetric(float64(returned), "returned")
		b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "ms/sweep")
	}
	b.Run("next-day", func(b *testing.B) { sweepAfter(b, 1) })
	b.Run("month-closed", func(b *testing.B) { sweepAfter(b, 30) })
}

// loadedBench opens a copy of the 100k demo with its deals decoded, as the window has them by the
// time a sweep runs: a write waits for that decoding, which is the opening's cost, not the sweep's.
func loadedBench(b *testing.B) *Store {
	s := openBench(b, copyDB(b, bench100k(b)), false)
	if err := s.LoadDeals(); err != nil {
		b.Fatal(err)
	}
	return s
}
