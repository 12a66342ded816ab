// Package memory sets how far the Go heap may grow past its live objects before it is collected.
// The collector's default lets it reach twice the live heap: nothing at 100k cards (170 MB live),
// but at 1M cards, with 1.3 GB live after opening, a peak of 1.85–2.07 GB. Half the live heap keeps
// that peak near 1.8 GB at no cost measured in opening or searching.
//
// A soft memory limit that followed the live heap (debug.SetMemoryLimit, set every 250 ms) kept the
// peak at 1.65 GB, but whenever the live heap grew fast (the deals decoded after the first frame,
// the search postings) the limit lagged behind it and the collector ran without pause: at 1M cards
// the deals took 13 s instead of 6–7 and opening 10 s instead of 7. The pacing of GOGC follows the
// live heap at every cycle instead.
package memory

import (
	"os"
	"runtime/debug"
	"sync"
)

// Percent is the heap's growth past its live part, in percent, at which the collector runs.
const Percent = 50

// Bound sets the collector's pacing for the process, unless GOGC sets it.
func Bound() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(Percent)
	}
}

// LoadingPercent is the pacing while a file is loaded (Loading): nearly all it allocates stays live,
// so collecting it at every half of growth marked the same rows again and again, 0.5–0.8 s of a 1M
// file's cold opening on two cores, for little garbage.
const LoadingPercent = 400

var loading struct {
	sync.Mutex
	n    int
	prev int
}

// Loading paces the collector for a load, unless GOGC says otherwise; done puts back the pacing it
// found once the last of the loads under way has ended.
func Loading() (done func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	loading.Lock()
	if loading.n == 0 {
		loading.prev = debug.SetGCPercent(LoadingPercent)
	}
	loading.n++
	loading.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			loading.Lock()
			defer loading.Unlock()
			if loading.n--; loading.n == 0 {
				debug.SetGCPercent(loading.prev)
			}
		})
	}
}
