package perf

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

var errNoFadvise = errors.New("perf: no posix_fadvise on this system")

// dropCache asks the kernel to forget the file's pages, as after a restart: the next open reads the
// disk.
func dropCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}

// anonKB is the process's anonymous resident memory now, in kB (RssAnon).
func anonKB() (int64, error) { return statusKB("RssAnon:") }

// peakKB is the process's peak resident memory in kB: VmHWM, not getrusage's maxrss, which a
// process started by another carries over from its parent at the fork.
func peakKB() (int64, error) { return statusKB("VmHWM:") }

func statusKB(field string) (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			var kb int64
			_, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb, err
		}
	}
	return 0, fmt.Errorf("perf: no %s in /proc/self/status", field)
}

// peakRSS is the process's peak resident memory.
func peakRSS() string {
	kb, err := peakKB()
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.0f MB", float64(kb)/1024)
}
