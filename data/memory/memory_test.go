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
