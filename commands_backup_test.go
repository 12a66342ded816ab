package main

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"salesdesk/data"
	"salesdesk/data/storage"
)

func hashFile(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// addCustomer changes a closed database by one customer.
func addCustomer(t *testing.T, path string) {
	t.Helper()
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCustomer(data.Actor{Name: "测试"}, data.Customer{Kind: data.KindCompany, Name: "备份之后", Status: data.StatusProspect}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestBackupCommandUsage(t *testing.T) {
	db := sharedDB(t)
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"backup without a file", []string{"backup", "--db", db}, "backup: name the backup file"},
		{"backup with two files", []string{"backup", "a.db", "b.db", "--db", db}, `backup: unexpected argument "b.db"`},
		{"backup with an unknown flag", []string{"backup", "a.db", "--force"}, "flag provided but not defined"},
		{"restore without a file", []string{"restore", "--yes"}, "restore: name the backup file"},
		{"restore with two files", []string{"restore", "a.db", "--yes", "b.db"}, `restore: unexpected argument "b.db"`},
		{"compact with a file", []string{"compact", "--db", db, "x.db"}, `unexpected argument "x.db"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(tc.args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.wantErr) || !strings.Contains(stderr, "Usage:") {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant 2 and %q with the usage", code, stdout, stderr, tc.wantErr)
			}
		})
	}
}

func TestBackupCommand(t *testing.T) {
	// Given a closed database
	db := newDemoDB(t, t.TempDir(), 20)
	dir := t.TempDir()
	file := filepath.Join(dir, "copy.db")

	// When it is backed up, the file named after the flags or before them
	for i, args := range [][]string{{"backup", file, "--db", db}, {"--db", db, "backup", filepath.Join(dir, "folder")}} {
		if i == 1 {
			if err := os.Mkdir(args[3], 0o700); err != nil {
				t.Fatal(err)
			}
		}
		code, stdout, stderr := runCmd(args...)

		// Then it reports the verified copy
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr:\n%s", args, code, stderr)
		}
		if !strings.Contains(stdout, "backed up "+db+" to ") || !strings.Contains(stdout, "20 customers") || !strings.Contains(stdout, "verified") {
			t.Errorf("%v: stdout:\n%s", args, stdout)
		}
	}
	if code, stdout, stderr := runCmd("check", "--db", file); code != 0 {
		t.Errorf("check of the backup: exit %d\n%s%s", code, stdout, stderr)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "folder"))
	if len(entries) != 1 || !regexp.MustCompile(`^demo-\d{4}-\d{2}-\d{2}-\d{6}\.db$`).MatchString(entries[0].Name()) {
		t.Errorf("the folder holds %v, want one demo-<date>-<time>.db", entries)
	}

	// When a backup would replace a file
	sum := hashFile(t, file)
	code, stdout, stderr := runCmd("backup", file, "--db", db)

	// Then it is refused and the file is kept
	if code != 1 || stdout != "" || !strings.Contains(stderr, file+" already exists") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if hashFile(t, file) != sum {
		t.Errorf("the existing file was changed")
	}
}

func TestBackupCommandErrors(t *testing.T) {
	db := newDemoDB(t, t.TempDir(), 5)
	s, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"the database is open in a window", []string{"backup", filepath.Join(t.TempDir(), "b.db"), "--db", db},
			db + " is open in another SalesDesk window"},
		{"the database does not exist", []string{"backup", filepath.Join(t.TempDir(), "b.db"), "--db", filepath.Join(t.TempDir(), "none.db")},
			"does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(tc.args...)
			if code != 1 || stdout != "" || !strings.Contains(stderr, tc.wantErr) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1 and one line with %q", code, stdout, stderr, tc.wantErr)
			}
		})
	}
}

func TestRestoreCommand(t *testing.T) {
	// Given a backup and a database that changed since
	db := newDemoDB(t, t.TempDir(), 20)
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, stderr := runCmd("backup", backup, "--db", db); code != 0 {
		t.Fatal(stderr)
	}
	addCustomer(t, db)
	changed := hashFile(t, db)

	// When restore runs without --yes
	code, stdout, stderr := runCmd("restore", backup, "--db", db)

	// Then it shows the backup and changes nothing
	if code != 0 || !strings.Contains(stdout, "backup "+backup) || !strings.Contains(stdout, "20 customers") ||
		!strings.Contains(stdout, "nothing was changed") || !strings.Contains(stdout, "--yes") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if hashFile(t, db) != changed {
		t.Errorf("restore without --yes changed the database")
	}

	// When it runs with --yes
	code, stdout, stderr = runCmd("restore", backup, "--db", db, "--yes")

	// Then the database is the backup, and the replaced file was kept where it says
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	m := regexp.MustCompile(`copied to (\S+) first`).FindStringSubmatch(stdout)
	if m == nil || !strings.Contains(stdout, "restored "+backup+" to "+db) {
		t.Fatalf("stdout:\n%s", stdout)
	}
	if hashFile(t, m[1]) != changed {
		t.Errorf("the safety copy %s is not the replaced file", m[1])
	}
	if hashFile(t, db) != hashFile(t, backup) {
		t.Errorf("the database is not the backup")
	}
	if filepath.Dir(m[1]) != filepath.Join(filepath.Dir(db), "backups") {
		t.Errorf("safety copy in %s, want the backups folder beside the database", filepath.Dir(m[1]))
	}
}

func TestRestoreCommandErrors(t *testing.T) {
	db := newDemoDB(t, t.TempDir(), 5)
	good := filepath.Join(t.TempDir(), "good.db")
	if code, _, stderr := runCmd("backup", good, "--db", db); code != 0 {
		t.Fatal(stderr)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(t.TempDir(), "damaged.db")
	if err := os.WriteFile(damaged, raw[:len(raw)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(text, bytes.Repeat([]byte("备忘 "), 3000), 0o600); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(t.TempDir(), "newer.db")
	if err := os.WriteFile(newer, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	setSchema(t, newer, uint64(storage.SchemaVersion()+1))

	tests := []struct {
		name    string
		args    []string
		lock    bool
		wantErr string
	}{
		{"damaged backup", []string{"restore", damaged, "--db", db, "--yes"}, false, damaged + " is damaged and cannot be restored"},
		{"not a backup", []string{"restore", text, "--db", db, "--yes"}, false, text + " is not a SalesDesk backup"},
		{"newer backup", []string{"restore", newer, "--db", db, "--yes"}, false, newer + " was written by a newer SalesDesk"},
		{"missing backup", []string{"restore", good + ".x", "--db", db, "--yes"}, false, "does not exist"},
		{"the backup is the database", []string{"restore", db, "--db", db, "--yes"}, false, db + " is the database itself"},
		{"the database is open in a window", []string{"restore", good, "--db", db, "--yes"}, true, db + " is open in another SalesDesk window"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sum := hashFile(t, db)
			if tc.lock {
				s, err := storage.Open(db, storage.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
			}
			code, _, stderr := runCmd(tc.args...)
			if code != 1 || !strings.Contains(stderr, tc.wantErr) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want 1 and one line with %q", code, stderr, tc.wantErr)
			}
			if hashFile(t, db) != sum {
				t.Errorf("the database was changed")
			}
		})
	}
	if entries, _ := os.ReadDir(filepath.Join(filepath.Dir(db), "backups")); len(entries) != 0 {
		t.Errorf("a refused restore left %v in the backup folder", entries)
	}
}

func TestCompactCommand(t *testing.T) {
	// Given a database with much free space
	db := newDemoDB(t, t.TempDir(), 20)
	bdb, err := bolt.Open(db, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("scratch"))
		if err != nil {
			return err
		}
		for i := range 2000 {
			if err := b.Put([]byte{byte(i >> 8), byte(i)}, bytes.Repeat([]byte("x"), 2000)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = bdb.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("scratch")) })
	}
	if cerr := bdb.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	before, _ := os.Stat(db)

	// When it is compacted
	code, stdout, stderr := runCmd("compact", "--db", db)

	// Then it is smaller and still sound
	after, _ := os.Stat(db)
	if code != 0 || !strings.Contains(stdout, "compacted "+db) || after.Size() >= before.Size() {
		t.Fatalf("exit %d, %d → %d bytes, stdout:\n%s\nstderr:\n%s", code, before.Size(), after.Size(), stdout, stderr)
	}
	if code, out, errOut := runCmd("check", "--db", db); code != 0 {
		t.Errorf("check after compact: %s%s", out, errOut)
	}

	// When it is compacted again, nothing changes
	sum := hashFile(t, db)
	code, stdout, _ = runCmd("compact", "--db", db)
	if code != 0 || !strings.Contains(stdout, "already compact") || hashFile(t, db) != sum {
		t.Errorf("second compact: exit %d, stdout %q", code, stdout)
	}

	// When the file is open in a window, it is refused
	s, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	code, _, stderr = runCmd("compact", "--db", db)
	if code != 1 || !strings.Contains(stderr, db+" is open in another SalesDesk window") {
		t.Errorf("compact of an open file: exit %d, stderr %q", code, stderr)
	}
}
