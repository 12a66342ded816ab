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
	"runtime/metrics"
	"sync"
)

// Percent is the heap's growth past its live part, in percent, at which the collector runs.
const Percent = 50

// Bound sets the collector's pacing for the process, unless GOGC sets it.
func Bound() { Pace(Percent) }

// Pace sets the collector's pacing outside loads and bulk writes to percent, unless GOGC sets it: at
// once if none is under way, else when they have ended, in place of the pacing found before them.
func Pace(percent int) {
	if gogcSet() {
		return
	}
	pacing.Lock()
	defer pacing.Unlock()
	if pacing.quiet() {
		debug.SetGCPercent(percent)
	} else {
		pacing.steady = percent
	}
}

// LoadingPercent is the pacing while a file is loaded (Loading): nearly all it allocates stays live,
// so collecting it at every half of growth marked the same rows again and again, 0.5–0.8 s of a 1M
// file's cold opening on two cores, for little garbage.
const LoadingPercent = 400

// pacer is who has the collector's pacing: the loads, the ends of loads on their way back, the bulk
// writes. steady is the pacing to put back once none has it.
type pacer struct {
	sync.Mutex
	loads int
	// restores counts the ends of loads whose collection is under way: the pacing is still the
	// load's until it has ended.
	restores int
	settled  *sync.Cond // broadcast as restores falls
	bulks    int        // while one is under way the collector waits for its limit, loads included
	limit    int64      // the memory limit found before the first bulk write
	steady   int
}

var pacing = func() *pacer {
	p := &pacer{}
	p.settled = sync.NewCond(&p.Mutex)
	return p
}()

func (p *pacer) quiet() bool { return p.loads == 0 && p.restores == 0 && p.bulks == 0 }

// settle puts the pacing of whoever still has it, or the steady one if nobody does.
func (p *pacer) settle() {
	switch {
	case p.bulks > 0:
		debug.SetGCPercent(-1)
	case p.loads > 0 || p.restores > 0:
		debug.SetGCPercent(LoadingPercent)
	default:
		debug.SetGCPercent(p.steady)
	}
}

func gogcSet() bool {
	_, set := os.LookupEnv("GOGC")
	return set
}

// Loading paces the collector for a load, unless GOGC says otherwise; done puts back the pacing it
// found once the last of the loads under way has ended.
//
// Put back at once, that pacing would find a heap already far past its goal (at 1M cards 1.3 GB live,
// paced for 50% from a collection at a fraction of it): the collection that starts then makes the
// next allocations pay for marking the whole heap, 0.5 s of the first page of the list. So done
// starts a collection at the load's pacing, off the caller's goroutine, whose headroom leaves the
// marking to the collector's own workers, hands the load's garbage back to the system, and puts the
// pacing back when that has ended (Settle waits for it).
func Loading() (done func()) {
	if gogcSet() {
		return func() {}
	}
	pacing.Lock()
	if pacing.quiet() {
		pacing.steady = debug.SetGCPercent(LoadingPercent)
	}
	pacing.loads++
	pacing.settle()
	pacing.Unlock()
	return sync.OnceFunc(func() {
		pacing.Lock()
		defer pacing.Unlock()
		if pacing.loads--; pacing.loads > 0 {
			return
		}
		pacing.restores++
		go func() {
			debug.FreeOSMemory()
			pacing.Lock()
			defer pacing.Unlock()
			pacing.restores--
			pacing.settle()
			pacing.settled.Broadcast()
		}()
	})
}

// Settle waits until the pacing of the loads that have ended is back.
func Settle() {
	pacing.Lock()
	defer pacing.Unlock()
	for pacing.restores > 0 {
		pacing.settled.Wait()
	}
}

// BulkHeadroom is how far past the heap it will hold a bulk write's heap may grow before it is
// collected (Bulk).
const BulkHeadroom = 1 << 30

// Bulk paces the collector for writing many new records that stay in memory's index (the demo): it
// does not collect until the heap reaches what it holds now, plus the grow bytes it will keep, plus
// BulkHeadroom, and then at that size. Go's pacing collects at every half of the live heap's growth,
// so at 1M cards it marked the growing index again and again: 28% of the demo's time. done puts the
// pacing back. With GOGC set it changes nothing.
func Bulk(grow int64) (done func()) {
	if gogcSet() {
		return func() {}
	}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	limit := int64(sample[0].Value.Uint64()) + max(grow, 0) + BulkHeadroom
	pacing.Lock()
	if pacing.quiet() {
		pacing.steady = debug.SetGCPercent(-1)
	}
	if pacing.bulks == 0 {
		pacing.limit = debug.SetMemoryLimit(limit)
	} else {
		debug.SetMemoryLimit(max(limit, debug.SetMemoryLimit(-1)))
	}
	pacing.bulks++
	pacing.settle()
	pacing.Unlock()
	return sync.OnceFunc(func() {
		pacing.Lock()
		defer pacing.Unlock()
		if pacing.bulks--; pacing.bulks == 0 {
			debug.SetMemoryLimit(pacing.limit)
		}
		pacing.settle()
	})
}
