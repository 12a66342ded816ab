// Package memory bounds how far the Go heap may grow past its live objects. The collector's default
// lets it reach twice the live heap before it runs: nothing at 100k cards (170 MB live), but at 1M
// cards, with 1.3 GB live after opening, a peak of 2.1–2.3 GB. Bound sets a soft limit that follows
// the live heap (a fifth more, and 192 MB), never below 1 GiB, so that a file of ordinary size keeps
// the default pacing and only a large one has its garbage collected sooner.
package memory

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

const (
	floor = 1 << 30
	slack = 192 << 20
	every = 250 * time.Millisecond
)

var once sync.Once

// Bound starts following the live heap, once per process. A limit set by GOMEMLIMIT is left alone.
func Bound() {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return
	}
	once.Do(func() {
		go func() {
			sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
			var last int64
			for {
				metrics.Read(sample)
				if l := Limit(int64(sample[0].Value.Uint64())); l != last {
					debug.SetMemoryLimit(l)
					last = l
				}
				time.Sleep(every)
			}
		}()
	})
}

// Limit is the soft limit for a live heap of live bytes, rounded to 16 MB so that it is not set anew
// at every look.
func Limit(live int64) int64 {
	l := max(floor, live+live/5+slack)
	return (l + 1<<24 - 1) &^ (1<<24 - 1)
}
