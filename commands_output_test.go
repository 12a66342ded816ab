//go:build unix

package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"salesdesk/data"
	"salesdesk/data/storage"
	"salesdesk/gui"
)

// outputCommands are the commands that write a file the user names, each with the flag that names it;
// {out} stands for the output path.
var outputCommands = []struct {
	name string
	args []string
	ok   int // the exit status of a run that writes its file
}{
	{"export json", []string{"export", "--format", "json", "--out", "{out}"}, 0},
	{"export csv", []string{"export", "--format", "csv", "--out", "{out}"}, 0},
	{"export xlsx", []string{"export", "--format", "xlsx", "--what", "all", "--out", "{out}"}, 0},
	{"report csv", []string{"report", "--period", "2024", "--format", "csv", "--out", "{out}"}, 0},
	{"report xlsx", []string{"report", "--period", "2024", "--format", "xlsx", "--out", "{out}"}, 0},
	{"import --rejects", []string{"import", "{bad}", "--rejects", "{out}"}, 1}, // rows were rejected
	{"import --dry-run --write-mapping", []string{"import", "{bad}", "--dry-run", "--write-mapping", "{out}"}, 1},
	{"import --write-mapping", []string{"import", "{bad}", "--write-mapping", "{out}"}, 1},
}

// outputSetup is a database with a backup in its backup folder, a hand-made file beside it, and
// other names of the database.
type outputSetup struct {
	dir, db, backup, existing, bad string
}

func newOutputSetup(t *testing.T) outputSetup {
	t.Helper()
	dir := t.TempDir()
	src := newDemoDB(t, dir, 10)
	t.Setenv(passwordEnv, storage.DemoPassword)
	db := filepath.Join(dir, "x.db")
	if err := os.Rename(src, db); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd("backup", "--db", db, filepath.Join(dir, "backups")+string(os.PathSeparator)); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	backups, err := storage.ListBackups(storage.DefaultBackupDir(db))
	if err != nil || len(backups) != 1 {
		t.Fatalf("backups: %v %v", backups, err)
	}
	existing := filepath.Join(dir, "mine.txt")
	if err := os.WriteFile(existing, []byte("the user's own file\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("客户名称,电话,等级\n北京科技,010-12345678,Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return outputSetup{dir: dir, db: db, backup: backups[0].Path, existing: existing, bad: bad}
}

func (o outputSetup) args(cmdArgs []string, out string, force bool) []string {
	a := []string{"--db", o.db, "--user", "zhaomin"} // the demo's admin
	for _, s := range cmdArgs {
		a = append(a, strings.NewReplacer("{out}", out, "{bad}", o.bad).Replace(s))
	}
	if force {
		a = append(a, "--force")
	}
	return a
}

// TestOutputPaths runs every command that writes a named file against the database, its other names,
// the files SalesDesk keeps and the user's existing files: a protected file is never changed, an
// existing one only with --force, and then it is a whole new file of mode 0600.
func TestOutputPaths(t *testing.T) {
	for _, cmd := range outputCommands {
		t.Run(cmd.name, func(t *testing.T) {
			o := newOutputSetup(t)
			symlink := filepath.Join(o.dir, "link.json")
			if err := os.Symlink(o.db, symlink); err != nil {
				t.Fatal(err)
			}
			hardlink := filepath.Join(o.dir, "hard.json")
			if err := os.Link(o.db, hardlink); err != nil {
				t.Fatal(err)
			}
			// The window's preferences, in a config folder of the test's own.
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(o.dir, "config"))
			t.Setenv("HOME", o.dir)
			cfg, err := os.UserConfigDir()
			if err != nil {
				t.Fatal(err)
			}
			prefs := filepath.Join(cfg, "fyne", gui.AppID, "preferences.json")
			if err := os.MkdirAll(filepath.Dir(prefs), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(prefs, []byte(`{"language":"zh"}`), 0o600); err != nil {
				t.Fatal(err)
			}
			backupsLink := filepath.Join(o.dir, "bk")
			if err := os.Symlink(filepath.Dir(o.backup), backupsLink); err != nil {
				t.Fatal(err)
			}
			keptBeside := filepath.Join(o.dir, ".x.db.compact-123")
			if err := os.WriteFile(keptBeside, []byte("a compact in progress"), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name, out, protected string
				force                bool
				want                 string
			}{
				{"the database", o.db, o.db, true, "is the database itself"},
				{"the database by another spelling", filepath.Join(o.dir, ".", "sub", "..", "x.db"), o.db, true, "is the database itself"},
				{"a symlink to the database", symlink, o.db, true, "is the database itself"},
				{"a hard link of the database", hardlink, o.db, true, "a link) of the database"},
				{"a file kept beside the database", keptBeside, keptBeside, true, "SalesDesk keeps beside the database"},
				{"a backup", o.backup, o.backup, true, "in the folder SalesDesk keeps"},
				{"a new file in the backup folder", filepath.Join(filepath.Dir(o.backup), "new.csv"), o.backup, true, "in the folder SalesDesk keeps"},
				{"a new file in the backup folder through a symlink", filepath.Join(backupsLink, "new.csv"), o.backup, true, "in the folder SalesDesk keeps"},
				{"the backup folder", filepath.Dir(o.backup), o.backup, true, "is a folder"},
				{"the window's preferences", prefs, prefs, true, "in the folder SalesDesk keeps"},
				{"an existing file without --force", o.existing, o.existing, false, "already exists; add --force"},
			} {
				before := hashFile(t, tc.protected)
				dbBefore := hashFile(t, o.db)
				code, _, stderr := runCmd(o.args(cmd.args, tc.out, tc.force)...)
				if code != 1 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "nothing was written to it") {
					t.Errorf("%s: exit %d, stderr lacks %q:\n%s", tc.name, code, tc.want, stderr)
				}
				if hashFile(t, tc.protected) != before {
					t.Errorf("%s: %s was changed", tc.name, tc.protected)
				}
				if hashFile(t, o.db) != dbBefore {
					t.Errorf("%s: the database was changed although the output was refused", tc.name)
				}
				if _, err := os.Stat(filepath.Join(filepath.Dir(o.backup), "new.csv")); err == nil {
					t.Fatalf("%s: a file was made in the backup folder", tc.name)
				}
			}

			// With --force the user's file is replaced, by a whole new file, 0600.
			before := hashFile(t, o.existing)
			code, _, stderr := runCmd(o.args(cmd.args, o.existing, true)...)
			if code != cmd.ok {
				t.Fatalf("--force: exit %d: %s", code, stderr)
			}
			if hashFile(t, o.existing) == before {
				t.Error("--force: the existing file was not replaced")
			}
			if st, err := os.Stat(o.existing); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("--force: the new file's mode: %v %v", st.Mode(), err)
			}
			if left, _ := filepath.Glob(filepath.Join(o.dir, ".mine.txt.*")); len(left) > 0 {
				t.Errorf("temp files left: %v", left)
			}
		})
	}
}

// TestOutputModes makes every named output under a strict and a loose umask: files holding
// customers' data are 0600 either way, as the database is.
func TestOutputModes(t *testing.T) {
	o := newOutputSetup(t)
	for _, mask := range []int{0o077, 0o022} {
		old := syscall.Umask(mask)
		t.Cleanup(func() { syscall.Umask(old) })
		for i, cmd := range outputCommands {
			out := filepath.Join(o.dir, "out", strings.ReplaceAll(cmd.name, " ", "_")+string(rune('a'+i)))
			if i == 0 {
				if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			_ = os.Remove(out)
			if code, _, stderr := runCmd(o.args(cmd.args, out, false)...); code != cmd.ok {
				t.Errorf("umask %03o %s: exit %d %s", mask, cmd.name, code, stderr)
				continue
			}
			if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("umask %03o %s: mode %v %v", mask, cmd.name, st.Mode(), err)
			}
		}
		backup := filepath.Join(o.dir, "b", "one.db")
		_ = os.Remove(backup)
		if code, _, stderr := runCmd("backup", "--db", o.db, backup); code != 0 {
			t.Errorf("umask %03o backup: %s", mask, stderr)
		} else if st, err := os.Stat(backup); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("umask %03o backup: mode %v %v", mask, st.Mode(), err)
		}
	}
}

// TestBackupIntoFolder: a target ending in a separator, or naming a folder, means a new dated backup
// inside that folder, as in the backup folder; the folder is made only when a backup is written.
func TestBackupIntoFolder(t *testing.T) {
	o := newOutputSetup(t)
	for _, tc := range []struct{ name, target string }{
		{"a new folder with a slash", filepath.Join(o.dir, "newdir") + "/"},
		{"a new nested folder", filepath.Join(o.dir, "a", "b") + string(os.PathSeparator)},
		{"an existing folder", o.dir + string(os.PathSeparator) + "existing"},
	} {
		if tc.name == "an existing folder" {
			if err := os.Mkdir(tc.target, 0o700); err != nil {
				t.Fatal(err)
			}
		}
		code, stdout, stderr := runCmd("backup", "--db", o.db, tc.target)
		if code != 0 {
			t.Errorf("%s: exit %d %s", tc.name, code, stderr)
			continue
		}
		list, err := storage.ListBackups(strings.TrimSuffix(tc.target, "/"))
		if err != nil || len(list) != 1 || !strings.Contains(stdout, list[0].Path) {
			t.Errorf("%s: backups %v %v\n%s", tc.name, list, err, stdout)
		}
	}
	missing := filepath.Join(o.dir, "never") + "/"
	if code, _, _ := runCmd("backup", "--db", filepath.Join(o.dir, "nope.db"), missing); code != 1 {
		t.Error("a backup of a missing database succeeded")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Error("a failed backup made its folder")
	}
}

// TestCommandCSVNeutralisesFormulas: the command line's CSV lists and reports write a formula typed
// into a name as text, like the exports.
func TestCommandCSVNeutralisesFormulas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.SaveMember(data.System, data.Member{Name: "@SUM(1)", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: "=HYPERLINK(\"http://x\")",
		Status: data.StatusProspect, OwnerID: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateOpportunity(data.System, data.Opportunity{CustomerID: c.ID, Title: "+cmd|' /C calc'!A0", OwnerID: m.ID,
		Amount: data.AmountFromYuan(1200)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"customers", "--format", "csv"},
		{"opportunities", "--format", "csv"},
		{"report", "--format", "csv"},
		{"report", "--segments", "--format", "csv"},
		{"export", "--format", "csv", "--what", "opportunities"},
	} {
		code, stdout, stderr := runCmd(append([]string{"--db", path}, args...)...)
		if code != 0 {
			t.Fatalf("%q: exit %d %s", args, code, stderr)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(stdout, "\uFEFF")))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		quoted := 0
		for _, rec := range recs {
			for _, cell := range rec {
				if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 && data.NeutraliseCSVCell(cell) != cell {
					t.Errorf("%q: the cell %q is a formula", args, cell)
				}
				if strings.HasPrefix(cell, "'=") || strings.HasPrefix(cell, "'+") || strings.HasPrefix(cell, "'@") {
					quoted++
				}
			}
		}
		if quoted == 0 && args[0] != "report" {
			t.Errorf("%q: no neutralised cell in\n%s", args, stdout)
		}
	}
}
