//go:build !unix

package storage

import "os"

// tempLocks is off: Windows does not remove a file another handle has open, which is the hold.
const tempLocks = false

// Windows does not remove a file another handle has open, which is the hold: open is enough.
func lockShared(*os.File) error { return nil }

func tryLockExclusive(*os.File) bool { return true }

// removeOpen closes the clean-up's own handle first, so that only another process's keeps the file.
func removeOpen(f *os.File, path string) error {
	_ = f.Close()
	return os.Remove(path)
}
