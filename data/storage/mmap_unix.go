//go:build unix

package storage

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// mapFile maps the file read-only for the page walk, or returns nil (the walk then reads with
// ReadAt). The mapping is exactly the file's size: every read past it fails the slice's bounds check
// instead of faulting.
func mapFile(f *os.File, size int64, populate bool) []byte {
	if size <= 0 || int64(int(size)) != size {
		return nil
	}
	flags := syscall.MAP_SHARED
	if populate {
		flags |= mapPopulate
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, flags)
	if err != nil {
		return nil
	}
	return b
}

func unmapFile(b []byte) error { return syscall.Munmap(b) }

// willNeed asks the system to read the pages at the given offsets of a mapping ahead, in the
// background: a walk that reads them one by one would otherwise wait for each read in turn.
func willNeed(m []byte, off, n int64) {
	if off < 0 || n <= 0 || off >= int64(len(m)) {
		return
	}
	// madvise wants a page-aligned start; the mapping's is.
	start := off &^ (int64(os.Getpagesize()) - 1)
	end := min(off+n, int64(len(m)))
	_ = unix.Madvise(m[start:end], unix.MADV_WILLNEED)
}
