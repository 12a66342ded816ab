//go:build unix

package storage

import (
	"os"
	"syscall"
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
