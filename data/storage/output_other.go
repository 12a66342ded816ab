//go:build !unix

package storage

import (
	"os"
	"path/filepath"
	"time"
)

// Windows locks byte ranges for every handle, which would stop the output's own writes: there the
// age of a temp file tells instead, as with the backups' temp files.
const unusedTempAge = 24 * time.Hour

func lockTemp(*os.File) error { return nil }

func removeUnusedTemp(name string) bool {
	st, err := os.Stat(name)
	if err != nil || time.Since(st.ModTime()) < unusedTempAge {
		return false
	}
	return os.Remove(name) == nil
}

func removeUnusedTempDir(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, ".lock"))
	if err != nil || time.Since(st.ModTime()) < unusedTempAge {
		return false
	}
	return os.RemoveAll(dir) == nil
}
