package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Temp files. A backup, a compaction and a restore write a hidden temp file next to where the result
// goes and give it its name only once it is complete; a process killed half way leaves the temp
// behind (up to the database's size). The next run of the same command and the window's start remove
// the ones left over. A temp is in use while a process holds a lock on it: SalesDesk's own shared lock
// (holdTemp) or, while bbolt writes it (compaction), bbolt's exclusive one. Leftovers are those whose
// exclusive lock can be taken: no age rule, so a slow copy running now is never removed, and a temp
// left by a kill a minute ago is.

// Kinds of temp, the word in the name after the file the temp becomes.
const (
	tempBackup  = "tmp"     // .<backup>.db.tmp-N beside the backup
	tempSafety  = "safety"  // .<db>.safety-N in the backup folder (the copy made before a restore)
	tempCompact = "compact" // .<db>.compact-N beside the database
	tempRestore = "restore" // .<db>.restore-N beside the database
)

// tempPattern is the os.CreateTemp pattern of a temp that becomes the file named base.
func tempPattern(base, kind string) string { return "." + base + "." + kind + "-*" }

// tempOf reports which file a temp name becomes (its base name) and its kind; ok is false for names
// that are not SalesDesk's temps.
func tempOf(name string) (base, kind string, ok bool) {
	if !strings.HasPrefix(name, ".") {
		return "", "", false
	}
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 || strings.Trim(name[i+1:], "0123456789") != "" {
		return "", "", false
	}
	rest := name[1:i]
	j := strings.LastIndexByte(rest, '.')
	if j <= 0 {
		return "", "", false
	}
	switch kind = rest[j+1:]; kind {
	case tempBackup, tempSafety, tempCompact, tempRestore:
		return rest[:j], kind, true
	}
	return "", "", false
}

// isTempName tells the names of SalesDesk's own temp files, which its clean-ups remove: no file the
// user keeps may take one.
func isTempName(name string) bool {
	if _, _, ok := tempOf(name); ok {
		return true
	}
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".part-")
}

// createTemp creates a temp file and holds it as in use until release is called.
func createTemp(dir, base, kind string) (f *os.File, release func(), err error) {
	f, err = os.CreateTemp(dir, tempPattern(base, kind))
	if err != nil {
		return nil, nil, err
	}
	release, err = holdTemp(f.Name())
	if err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return nil, nil, err
	}
	return f, release, nil
}

// errTempGone: another process's clean-up took the temp in the moment before it was held.
var errTempGone = errors.New("the temp file was removed while it was being written")

// holdTemp marks the temp at path as in use, on a descriptor of its own so that closing the one that
// writes it does not let go. Shared, so that bbolt may still open the temp read-only to verify it.
func holdTemp(path string) (release func(), err error) {
	if !tempLocks {
		// A second handle would keep the temp from being renamed or removed by its own writer; the
		// writer's open handle already keeps another process from removing it.
		return func() {}, nil
	}
	lk, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := lockShared(lk); err != nil {
		_ = lk.Close()
		return nil, fmt.Errorf("%w: %w", errTempGone, err)
	}
	// A clean-up that removed the file just before the lock was taken leaves the lock on a file
	// without a name; the name then is another file's, or none.
	held, err1 := lk.Stat()
	named, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(held, named) {
		_ = lk.Close()
		return nil, errTempGone
	}
	return func() { _ = lk.Close() }, nil
}

// removeLeftTemps removes the temps in dir that match and that no process holds, and returns them.
func removeLeftTemps(dir string, match func(base, kind string) bool) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		base, kind, ok := tempOf(e.Name())
		if !ok || !e.Type().IsRegular() || !match(base, kind) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if removeIfFree(path) {
			removed = append(removed, path)
		}
	}
	return removed
}

// removeIfFree removes the file at path if its exclusive lock can be taken now; the lock is held
// while it is removed, so a writer cannot take the file back in between.
func removeIfFree(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if !tryLockExclusive(f) {
		return false
	}
	return removeOpen(f, path) == nil
}

// isBackupOf reports whether base is the name of one of the backups of the database with this stem.
func isBackupOf(stem string) func(base string) bool {
	return func(base string) bool {
		s, _, _, ok := parseBackupName(base)
		return ok && s == stem
	}
}

// removeBackupTemps removes what killed backups of the database at dbPath left in dir: temps of its
// backups' names, and of the safety copies restore makes.
func removeBackupTemps(dir, dbPath string, also ...string) []string {
	ofStem := isBackupOf(backupStem(dbPath))
	dbBase := filepath.Base(dbPath)
	return removeLeftTemps(dir, func(base, kind string) bool {
		switch kind {
		case tempBackup:
			return ofStem(base) || slices.Contains(also, base)
		case tempSafety:
			return base == dbBase
		}
		return false
	})
}

// removeDBTemps removes the temps of the given kinds beside the database at dbPath.
func removeDBTemps(dbPath string, kinds ...string) []string {
	dbBase := filepath.Base(dbPath)
	return removeLeftTemps(filepath.Dir(dbPath), func(base, kind string) bool {
		return base == dbBase && slices.Contains(kinds, kind)
	})
}

// RemoveLeftTemps removes the temp files that killed backups, compactions and restores of the
// database at dbPath left beside it and in its backup folder, and returns them. The window runs it at
// start; a temp another process is writing now stays.
func RemoveLeftTemps(dbPath, backupDir string) []string {
	removed := removeDBTemps(dbPath, tempCompact, tempRestore)
	if backupDir == "" {
		backupDir = DefaultBackupDir(dbPath)
	}
	return append(removed, removeBackupTemps(backupDir, dbPath)...)
}

// RemoveLeftTemps is the package's RemoveLeftTemps for the open file and its backup folder.
func (s *Store) RemoveLeftTemps() []string { return RemoveLeftTemps(s.path, s.BackupDir()) }

// pauseEnv names, in tests only, the kind of temp after whose creation the process stops, and the
// FIFO it then writes the temp's path to, as "kind:fifo": the kill tests kill it there.
const pauseEnv = "SALESDESK_TEST_PAUSE_AFTER_TEMP"

// pauseAfterTemp stops for a kill test once a temp of this kind exists and has content.
func pauseAfterTemp(kind, path string) {
	v := os.Getenv(pauseEnv)
	if v == "" {
		return
	}
	k, fifo, _ := strings.Cut(v, ":")
	if k != kind {
		return
	}
	if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
		_, _ = fmt.Fprintln(f, path)
		_ = f.Close()
	}
	select {} // until killed
}
