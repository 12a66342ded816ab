//go:build unix

package storage

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestRemoveLeftTemps: the clean-up removes this database's temps of every kind that no process
// holds, and keeps those held (by SalesDesk's lock, or by bbolt writing the file), other databases'
// temps, and files that only look alike.
func TestRemoveLeftTemps(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	backups := filepath.Join(dir, "backups")
	if err := os.MkdirAll(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	gone := []string{
		filepath.Join(dir, ".x.db.compact-1"),
		filepath.Join(dir, ".x.db.restore-2"),
		filepath.Join(backups, ".x-2026-11-23.db.tmp-3"),
		filepath.Join(backups, ".x-2026-11-23-143501.db.tmp-4"),
		filepath.Join(backups, ".x-before-restore-2026-11-23-143501.db.tmp-5"),
		filepath.Join(backups, ".x.db.safety-6"),
	}
	held := []string{filepath.Join(dir, ".x.db.restore-7"), filepath.Join(backups, ".x-2026-11-24.db.tmp-8")}
	bboltHeld := filepath.Join(dir, ".x.db.compact-9")
	stay := append(slices.Clone(held), bboltHeld,
		filepath.Join(dir, ".y.db.compact-10"),                // another database's
		filepath.Join(backups, ".x-y-2026-11-23.db.tmp-11"),   // the backups of x-y.db
		filepath.Join(dir, ".x.db.compact-12.keep"),           // not a temp name
		filepath.Join(dir, "x.db.compact-13"),                 // not hidden
		filepath.Join(backups, "x-2026-11-23.db"),             // a backup
		filepath.Join(backups, ".x-2026-11-23.db.restore-14"), // a kind that never goes there
	)
	for _, p := range append(slices.Clone(gone), stay...) {
		if p == bboltHeld {
			continue
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range held {
		release, err := holdTemp(p)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
	}
	b, err := bolt.Open(bboltHeld, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	removed := RemoveLeftTemps(db, backups)
	slices.Sort(removed)
	want := slices.Sorted(slices.Values(gone))
	if !slices.Equal(removed, want) {
		t.Errorf("removed %v\nwant %v", removed, want)
	}
	for _, p := range gone {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", p, err)
		}
	}
	for _, p := range stay {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}

// TestHoldTempRefusesARemovedTemp: a temp removed by a clean-up before its writer held it is not
// taken for held (the writer would write into a file without a name).
func TestHoldTempRefusesARemovedTemp(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".x.db.restore-1")
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !removeIfFree(p) {
		t.Fatal("an unheld temp was not removed")
	}
	if _, err := holdTemp(p); err == nil {
		t.Error("a removed temp was held")
	}
}
