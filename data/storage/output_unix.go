//go:build unix

package storage

import (
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockTemp holds an output's temp file locked while it is written: the lock goes with the process,
// so a temp file nobody holds locked is one a killed run left behind.
func lockTemp(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// justMade tells a temp made in the last minute: between its creation and its lock another
// process's clean-up could otherwise take it from a live export. No killed export is that recent
// when the next one starts in earnest, and the one after removes it.
func justMade(name string) bool {
	st, err := os.Stat(name)
	return err != nil || time.Since(st.ModTime()) < time.Minute
}

// removeUnusedTemp removes the temp file at name unless a running output holds it locked.
func removeUnusedTemp(name string) bool { return !justMade(name) && removeIfFree(name) }

// removeUnusedTempDir removes a workbook export's temp folder unless its lock is held.
func removeUnusedTempDir(dir string) bool {
	if justMade(dir) {
		return false
	}
	f, err := os.Open(filepath.Join(dir, ".lock"))
	if err != nil {
		return false // not made by an export, or made but not yet locked: left alone
	}
	defer f.Close()
	if !tryLockExclusive(f) {
		return false
	}
	return os.RemoveAll(dir) == nil
}
