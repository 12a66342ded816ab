//go:build unix

package storage

import (
	"os"
	"syscall"
)

// tempLocks: a temp in use is held by a shared flock on a descriptor of its own.
const tempLocks = true

// bbolt locks its files with flock too, so a temp bbolt has open for writing is held as well.
func lockShared(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
}

func tryLockExclusive(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

func removeOpen(_ *os.File, path string) error { return os.Remove(path) }
