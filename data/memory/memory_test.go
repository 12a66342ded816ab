package memory

import (
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
	t.Setenv("GOGC", "")
	if err := os.Unsetenv("GOGC"); err != nil { // t.Setenv restores it after the test
		t.Fatal(err)
	}
	Bound()
	if got := debug.SetGCPercent(100); got != Percent {
		t.Errorf("the pacing is %d after Bound; want %d", got, Percent)
	}
}

// Loading paces the collector loosely while loads are under way, however they overlap, and puts back
// the pacing it found after the last; with GOGC set it changes nothing.
func TestLoading(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(70))
	t.Setenv("GOGC", "")
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	a := Loading()
	b := Loading()
	a()
	a() // twice: counted once
	if got := debug.SetGCPercent(LoadingPercent); got != LoadingPercent {
		t.Fatalf("with a load still under way the pacing is %d, want %d", got, LoadingPercent)
	}
	b()
	if got := debug.SetGCPercent(70); got != 70 {
		t.Fatalf("after the loads the pacing is %d, want the 70 it was", got)
	}
	t.Setenv("GOGC", "30")
	Loading()()
	if got := debug.SetGCPercent(70); got != 70 {
		t.Fatalf("with GOGC set, Loading changed the pacing to %d", got)
	}
}
