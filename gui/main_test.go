package gui

import (
	"os"
	"path/filepath"
	"testing"

	"salesdesk/data/storage"
)

// The window's tests sign in and set passwords many times; real argon2id costs would only slow them.
func TestMain(m *testing.M) {
	storage.FastHashesInTests()
	code := m.Run()
	// The benchmarks' demo files are tens of megabytes each: none stays behind.
	demoFiles.Range(func(_, v any) bool {
		if f := v.(*demoFile); f.path != "" {
			_ = os.RemoveAll(filepath.Dir(f.path))
		}
		return true
	})
	os.Exit(code)
}
