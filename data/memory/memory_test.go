package memory

import (
	"runtime/debug"
	"testing"
)

// A heap of ordinary size keeps the collector's default pacing; a large one may exceed its live part
// by a fifth and 192 MB, rounded up to 16 MB.
func TestLimit(t *testing.T) {
	for _, c := range []struct{ live, want int64 }{
		{0, 1 << 30},
		{170 << 20, 1 << 30},
		{600 << 20, 1 << 30},
		{700 << 20, 1040 << 20},  // 1032, up to 1040
		{1340 << 20, 1808 << 20}, // 1340·1.2 + 192 = 1800, up to 1808
		{4 << 30, (4<<30 + (4<<30)/5 + 192<<20 + 1<<24 - 1) &^ (1<<24 - 1)},
	} {
		if got := Limit(c.live); got != c.want {
			t.Errorf("Limit(%d MB) = %d MB; want %d MB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

// A limit set from outside (GOMEMLIMIT) is left as it is.
func TestBoundKeepsAGivenLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(3 << 30))
	Bound()
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("the limit is %d after Bound; want the 3 GiB set before", got)
	}
}
