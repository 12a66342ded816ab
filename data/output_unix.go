//go:build unix

package data

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockTemp holds an output's temp file locked while it is written: the lock goes with the process,
// so a temp file nobody holds locked is one a killed run left behind.
func lockTemp(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// removeUnusedTemp removes the temp file at name unless a running output holds it locked.
func removeUnusedTemp(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return false
	}
	return os.Remove(name) == nil
}

// removeUnusedTempDir removes a workbook export's temp folder unless its lock is held.
func removeUnusedTempDir(dir string) bool {
	f, err := os.Open(filepath.Join(dir, ".lock"))
	if err != nil {
		return false // not made by an export, or made but not yet locked: left alone
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return false
	}
	return os.RemoveAll(dir) == nil
}
