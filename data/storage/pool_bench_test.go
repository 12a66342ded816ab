package storage

import (
	"testing"
	"time"
)

// BenchmarkPoolSweep is the daily sweep over the 100k demo: "steady" is every run after the first
// (the window's start and daily timer), which finds what became due since; "first" is the first
// sweep of a file that never had one, which returns every long-idle card in one transaction.
func BenchmarkPoolSweep(b *testing.B) {
	b.Run("steady", func(b *testing.B) {
		s := openBench(b, copyDB(b, bench100k(b)), false)
		n, err := s.SweepPool(benchNow)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "returned-first")
		timed(b, func(int) {
			if n, err := s.SweepPool(benchNow); err != nil || n != 0 {
				b.Fatalf("second sweep: %d, %v", n, err)
			}
		})
	})
	b.Run("first", func(b *testing.B) {
		var returned int
		var total time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s := openBench(b, copyDB(b, bench100k(b)), false)
			b.StartTimer()
			t0 := time.Now()
			n, err := s.SweepPool(benchNow)
			total += time.Since(t0)
			if err != nil {
				b.Fatal(err)
			}
			returned = n
			b.StopTimer()
			_ = s.Close()
		}
		b.ReportMetric(float64(returned), "returned")
		b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/sweep")
	})
}
