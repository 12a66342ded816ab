//go:build unix

package storage

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"salesdesk/data"
	"syscall"
	"testing"
	"time"
)

// TestCompactAndRestoreKeepTheFileMode: a 0400 or 0640 database is still 0400 or 0640 after a compact
// and after a restore, under a strict and a loose umask.
func TestCompactAndRestoreKeepTheFileMode(t *testing.T) {
	for _, mask := range []int{0o077, 0o022} {
		withUmask(t, mask)
		for _, mode := range []os.FileMode{0o400, 0o640, 0o600} {
			path, _ := bloatedDemo(t)
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			res, err := CompactFile(path)
			if err != nil || !res.Swapped {
				t.Fatalf("compact: %+v %v", res, err)
			}
			if st, _ := os.Stat(path); st.Mode().Perm() != mode {
				t.Errorf("umask %03o: a %04o file is %04o after compact", mask, mode, st.Mode().Perm())
			}

			s, err := Open(path, Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			backup := filepath.Join(t.TempDir(), "b.db")
			if _, err := s.BackupTo(context.Background(), backup, nil); err != nil {
				t.Fatal(err)
			}
			if st, _ := os.Stat(backup); st.Mode().Perm() != 0o600 {
				t.Errorf("umask %03o: a backup is %04o", mask, st.Mode().Perm())
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := Restore(backup, path, RestoreOptions{BackupDir: t.TempDir(), Now: time.Now()}); err != nil {
				t.Fatalf("restore: %v", err)
			}
			if st, _ := os.Stat(path); st.Mode().Perm() != mode {
				t.Errorf("umask %03o: a %04o file is %04o after restore", mask, mode, st.Mode().Perm())
			}
			// A restore to a new name makes it 0600, as the database is made.
			fresh := filepath.Join(t.TempDir(), "new.db")
			if _, err := Restore(backup, fresh, RestoreOptions{}); err != nil {
				t.Fatal(err)
			}
			if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o600 {
				t.Errorf("umask %03o: a restored new file is %04o", mask, st.Mode().Perm())
			}
		}
	}
}

// withUmask sets the process's umask until the test ends (or the next call).
func withUmask(t *testing.T, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// TestOutputTempsOfAKilledRun: an output killed half way leaves its temp file; the next output to the
// same path removes it, but never the temp file of an output still being written, nor other files.
func TestOutputTempsOfAKilledRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "all.xlsx")
	live, err := CreateOutput(out, data.OutputGuard{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	if _, err := live.Write([]byte("PK half a workbook")); err != nil {
		t.Fatal(err)
	}
	// What a kill leaves: the temp name, nobody holding it, some time ago.
	killed := filepath.Join(dir, ".all.xlsx.part-4711")
	writeFile(t, killed, []byte("PK the other half"))
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(killed, old, old); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, ".other.xlsx.part-1")
	writeFile(t, other, []byte("another output's"))
	// Made a moment ago and not yet locked: another export between its create and its lock.
	fresh := filepath.Join(dir, ".all.xlsx.part-4712")
	writeFile(t, fresh, nil)

	if err := WriteOutput(out, data.OutputGuard{}, false, func(w io.Writer) error {
		_, err := w.Write([]byte("PK a whole workbook"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(killed); !os.IsNotExist(err) {
		t.Error("the killed output's temp file is still there")
	}
	for _, keep := range []string{live.tmp, other, out, fresh} {
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("%s was removed: %v", keep, err)
		}
	}
	if got := RemoveStaleOutputTemps(out); len(got) != 0 {
		t.Errorf("removed %v while its output is live", got)
	}
	live.Abort()
	if _, err := os.Stat(live.tmp); !os.IsNotExist(err) {
		t.Error("an aborted output left its temp file")
	}
}

// TestXLSXExportTempFolders: a workbook export killed half way leaves excelize's sheet files in a
// folder of its own; the next workbook export removes it, but not a running export's folder, nor
// anything else in the temp folder, and leaves none of its own.
func TestXLSXExportTempFolders(t *testing.T) {
	root := t.TempDir()
	xlsxTempRoot = func() string { return root }
	t.Cleanup(func() { xlsxTempRoot = os.TempDir })

	killed := filepath.Join(root, "salesdesk-xlsx-4711")
	if err := os.Mkdir(killed, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(killed, ".lock"), nil)
	writeFile(t, filepath.Join(killed, "excelize-123"), []byte("half a sheet"))
	// Left by a kill a while ago: a folder made in the last minute may be a live export not yet locked.
	long := time.Now().Add(-time.Hour)
	if err := os.Chtimes(killed, long, long); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(root, "excelize-999")
	writeFile(t, foreign, []byte("another program's sheet"))
	live, release, err := newXLSXTempDir()
	if err != nil {
		t.Fatal(err)
	}

	s := exportFixture(t)
	if raw := exportBytes(t, s, data.ExportOptions{Format: "xlsx", What: data.ExportAll, Lang: "zh"}); len(raw) == 0 {
		t.Fatal("no workbook")
	}
	if _, err := os.Stat(killed); !os.IsNotExist(err) {
		t.Error("the killed export's folder is still there")
	}
	for _, keep := range []string{live, foreign} {
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("%s was removed: %v", keep, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(root, xlsxTempPattern)); len(left) != 1 || left[0] != live {
		t.Errorf("temp folders after the export: %v", left)
	}
	release()
	if _, err := os.Stat(live); !os.IsNotExist(err) {
		t.Error("a finished export left its folder")
	}
}
