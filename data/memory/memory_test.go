package memory

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// Bound paces the collector at half the live heap, unless GOGC says otherwise.
func TestBound(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "80")
	Bound()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, Bound set the pacing to %d", got)
	}
	unsetGOGC(t)
	Bound()
	if got := debug.SetGCPercent(100); got != Percent {
		t.Errorf("the pacing is %d after Bound; want %d", got, Percent)
	}
}

// Loading paces the collector loosely while loads are under way, however they overlap, and puts back
// the pacing it found after the last; with GOGC set it changes nothing.
func TestLoading(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(70))
	unsetGOGC(t)
	a := Loading()
	b := Loading()
	a()
	a() // twice: counted once
	if got := debug.SetGCPercent(LoadingPercent); got != LoadingPercent {
		t.Fatalf("with a load still under way the pacing is %d, want %d", got, LoadingPercent)
	}
	b()
	Settle()
	if got := debug.SetGCPercent(70); got != 70 {
		t.Fatalf("after the loads the pacing is %d, want the 70 it was", got)
	}
	// A load that starts while the last one's pacing is still on its way back, or after: either way
	// it paces loosely, and the pacing put back after it is still the one found before the first.
	Loading()()
	c := Loading()
	if got := debug.SetGCPercent(LoadingPercent); got != LoadingPercent {
		t.Fatalf("a load right after another paces at %d, want %d", got, LoadingPercent)
	}
	c()
	Settle()
	if got := debug.SetGCPercent(70); got != 70 {
		t.Fatalf("after loads in a row the pacing is %d, want the 70 it was", got)
	}
	t.Setenv("GOGC", "30")
	Loading()()
	if got := debug.SetGCPercent(70); got != 70 {
		t.Fatalf("with GOGC set, Loading changed the pacing to %d", got)
	}
}

// Pace sets the pacing at once outside loads, and during one it is what the load's end puts back.
func TestPace(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(70))
	unsetGOGC(t)
	Pace(60)
	if got := debug.SetGCPercent(60); got != 60 {
		t.Fatalf("outside loads Pace(60) left the pacing at %d", got)
	}
	done := Loading()
	Pace(10)
	if got := debug.SetGCPercent(LoadingPercent); got != LoadingPercent {
		t.Fatalf("Pace during a load changed its pacing to %d", got)
	}
	done()
	Settle()
	if got := debug.SetGCPercent(70); got != 10 {
		t.Fatalf("after the load the pacing is %d, want the 10 set during it", got)
	}
	t.Setenv("GOGC", "30")
	Pace(20)
	if got := debug.SetGCPercent(70); got != 70 {
		t.Fatalf("with GOGC set, Pace changed the pacing to %d", got)
	}
}

// Bulk collects only at a limit above what the heap holds and will keep, and done puts back both the
// pacing and the limit; with GOGC set it changes nothing.
func TestBulk(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(70))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	unsetGOGC(t)
	const grow = 300 << 20
	done := Bulk(grow)
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("during a bulk write the pacing is %d, want off", got)
	}
	if limit := debug.SetMemoryLimit(-1); limit < grow+BulkHeadroom || limit == math.MaxInt64 {
		t.Errorf("during a bulk write the limit is %d, want at least %d", limit, grow+BulkHeadroom)
	}
	done()
	done() // twice: once
	if got := debug.SetGCPercent(70); got != 70 {
		t.Errorf("after a bulk write the pacing is %d, want the 70 it was", got)
	}
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		t.Errorf("after a bulk write the limit is %d, want none", limit)
	}
	// A load that starts during a bulk write and ends after it: the bulk's pacing, then the load's,
	// then the one found before both, and no limit left.
	end := Bulk(grow)
	load := Loading()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("a load during a bulk write paces at %d, want the bulk's off", got)
	}
	end()
	if got := debug.SetGCPercent(LoadingPercent); got != LoadingPercent {
		t.Errorf("after the bulk write, during the load, the pacing is %d, want %d", got, LoadingPercent)
	}
	load()
	Settle()
	if got := debug.SetGCPercent(70); got != 70 {
		t.Errorf("after both the pacing is %d, want the 70 it was", got)
	}
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		t.Errorf("after both the limit is %d, want none", limit)
	}
	t.Setenv("GOGC", "30")
	Bulk(grow)()
	if got := debug.SetGCPercent(70); got != 70 {
		t.Fatalf("with GOGC set, Bulk changed the pacing to %d", got)
	}
}

// unsetGOGC leaves GOGC unset for the test; t.Setenv puts back what it was after it.
func unsetGOGC(t *testing.T) {
	t.Helper()
	t.Setenv("GOGC", "")
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
}
