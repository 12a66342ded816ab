package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A database reached through a symbolic link (one kept in a synced folder) is compacted and restored
// in place: the link still names the file, and the file is the new one.
func TestCompactAndRestoreThroughALink(t *testing.T) {
	dir := t.TempDir()
	real := newDemoDB(t, dir, 40)
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, stderr := runCmd("backup", backup, "--db", link); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	addCustomer(t, real)
	for _, args := range [][]string{{"compact", "--db", link}, {"restore", backup, "--db", link, "--yes"}} {
		if code, _, stderr := runCmd(args...); code != 0 {
			t.Fatalf("%v: %s", args, stderr)
		}
		if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("%v replaced the link with a file", args)
		}
	}
	if hashFile(t, real) != hashFile(t, backup) {
		t.Errorf("the restore did not land on the linked file")
	}
}

// No file the user keeps may take the name of one of SalesDesk's temp files (the next clean-up would
// remove it), and backups are never written by the commands that change a database.
func TestBackupsAreNeitherTempNamedNorWritten(t *testing.T) {
	dir := t.TempDir()
	db := newDemoDB(t, dir, 20)
	for _, name := range []string{".demo.db.compact-1", ".demo.db.restore-77", ".demo-2026-12-01.db.tmp-5", ".x.csv.part-12"} {
		code, _, stderr := runCmd("backup", filepath.Join(dir, name), "--db", db)
		if code != 1 || !strings.Contains(stderr, "temporary file") {
			t.Errorf("backup to %s: exit %d: %s", name, code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("backup to %s wrote it", name)
		}
	}
	bdir := filepath.Join(dir, "backups")
	if code, _, stderr := runCmd("backup", bdir+"/", "--db", db); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	entries, err := os.ReadDir(bdir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("backup folder: %v %v", entries, err)
	}
	b := filepath.Join(bdir, entries[0].Name())
	before := hashFile(t, b)
	csvIn := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(csvIn, []byte("客户名称,联系人,手机\n甲乙公司,张三,13800138000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"import", csvIn}, {"demo", "--force", "--customers", "3"}, {"undo-import", "1"}} {
		code, _, stderr := runCmd(append(args, "--db", b)...)
		if code != 1 || !strings.Contains(stderr, "is a backup") {
			t.Errorf("%v on a backup: exit %d: %s", args, code, stderr)
		}
	}
	if hashFile(t, b) != before {
		t.Errorf("a backup was changed")
	}
}

// The file an import reads is never the one it writes its rejected rows or its mapping to, not even
// with --force.
func TestImportOutputsAreNotItsInput(t *testing.T) {
	dir := t.TempDir()
	db := newDemoDB(t, dir, 10)
	in := filepath.Join(dir, "src.csv")
	if err := os.WriteFile(in, []byte("客户名称,联系人,手机\n甲乙公司,张三,13800138000\n,李四,12\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := hashFile(t, in)
	for _, args := range [][]string{
		{"import", in, "--db", db, "--rejects", in, "--force"},
		{"import", in, "--db", db, "--dry-run", "--write-mapping", in, "--force"},
	} {
		code, _, stderr := runCmd(args...)
		if code != 1 || !strings.Contains(stderr, "being read") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if hashFile(t, in) != before {
		t.Errorf("the import's own file was overwritten")
	}
}

// A folder named with a final "/." is a folder too, and two backups into one folder in the same
// second each get a name.
func TestBackupIntoAFolderSpelledWithADot(t *testing.T) {
	dir := t.TempDir()
	db := newDemoDB(t, dir, 10)
	target := filepath.Join(dir, "nd2") + string(filepath.Separator) + "."
	for range 2 {
		if code, _, stderr := runCmd("backup", target, "--db", db); code != 0 {
			t.Fatalf("backup %s: %s", target, stderr)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "nd2"))
	if err != nil || len(entries) != 2 {
		t.Fatalf("nd2 holds %v (%v), want two backups", entries, err)
	}
}
