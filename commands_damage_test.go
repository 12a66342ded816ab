package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"salesdesk/data/damagetest"
	"salesdesk/data/storage"
)

// Given a demo file damaged in every way damagetest knows (bytes flipped in meta pages, the
// freelist, branch and leaf pages and values, a truncated tail), every command is run on it: none
// crashes, none writes the file or leaves an output behind, and a structurally damaged file is
// refused with the reason in words — never a panic's text — and the way out.
func TestEveryCommandOnDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	sound := newDemoDB(t, dir, 120)
	vs, err := damagetest.Variants(sound)
	if err != nil {
		t.Fatal(err)
	}
	csvIn := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(csvIn, []byte("客户名称,联系人,手机\n甲乙公司,张三,13800138000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Each command, with where it would write; {db} and {out} are filled in per case.
	commands := [][]string{
		{"check"},
		{"customers"},
		{"customers", "--format", "json"},
		{"opportunities"},
		{"forecast"},
		{"report", "--period", "2026Q1"},
		{"export", "--format", "json", "--out", "{out}/x.json"},
		{"export", "--format", "csv", "--out", "{out}/x.csv"},
		{"export", "--format", "xlsx", "--out", "{out}/x.xlsx"},
		{"imports"},
		{"import", csvIn},
		{"import", csvIn, "--dry-run"},
		{"undo-import", "1"},
		{"demo", "--force", "--customers", "5"},
		{"backup", "{out}/b.db"},
		{"compact"},
	}
	for i, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			path, err := v.Write(sound, dir, fmt.Sprintf("damaged-%d.db", i))
			if err != nil {
				t.Fatal(err)
			}
			before := hashFile(t, path)
			// Damage that leaves the pages and every record readable (a byte of a free page) is no
			// damage: commands may write such a file, and only such a file.
			_, fullErr := storage.PreviewBackup(path)
			if fullErr == nil && v.Structural {
				t.Fatalf("structural damage passes the full check")
			}
			for _, cmd := range commands {
				out := t.TempDir()
				args := []string{"--db", path}
				for _, a := range cmd {
					args = append(args, strings.ReplaceAll(a, "{out}", out))
				}
				code, stdout, stderr := runCmd(args...)
				said := stdout + stderr
				for _, bad := range []string{"panic", "assertion failed", "goroutine "} {
					if strings.Contains(said, bad) {
						t.Errorf("%v says %q:\n%s", cmd, bad, said)
					}
				}
				if fullErr != nil && hashFile(t, path) != before {
					t.Fatalf("%v changed the damaged file (exit %d): %s", cmd, code, said)
				}
				if !v.Structural {
					continue
				}
				if code != 1 {
					t.Errorf("%v on a damaged file: exit %d, want 1\n%s", cmd, code, said)
				}
				if !strings.Contains(said, "damaged") {
					t.Errorf("%v does not say the file is damaged:\n%s", cmd, said)
				}
				if entries, _ := os.ReadDir(out); len(entries) != 0 {
					t.Errorf("%v left %d files in the output folder", cmd, len(entries))
				}
			}
			// The way out works on every one of them: what can be read goes into a new file that
			// opens, and the damaged file stays as it was.
			if fullErr == nil {
				return // a sound file: the commands above may have changed it
			}
			rescued := filepath.Join(t.TempDir(), "rescued.db")
			code, stdout, stderr := runCmd("--db", path, "salvage", rescued)
			if hashFile(t, path) != before {
				t.Fatalf("salvage changed the damaged file")
			}
			if code == 0 {
				if code, _, stderr := runCmd("--db", rescued, "customers"); code != 0 && !strings.Contains(stderr, "not a SalesDesk") {
					t.Errorf("the rescued file does not open: %s", stderr)
				}
			} else if _, err := os.Stat(rescued); err == nil {
				t.Errorf("a failed salvage left its file: %s%s", stdout, stderr)
			}
		})
	}
}

// A demo interrupted half way is finished by `demo` only: another writing command is refused with
// the way to finish it, so that no card of its own lands among the demo's and keeps it from finishing.
func TestInterruptedDemoRefusesOtherWriters(t *testing.T) {
	dir := t.TempDir()
	path := newDemoDB(t, dir, 30)
	// The marker a demo of 60 customers killed after its first batch leaves (data/storage/demo.go).
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("demo_in_progress"), []byte(`{"customers":60,"seed":7,"now":0,"base_id":0,"batches":0}`))
	})
	if cerr := b.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	csvIn := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(csvIn, []byte("客户名称,联系人,手机\n甲乙公司,张三,13800138000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := hashFile(t, path)
	code, _, stderr := runCmd("import", csvIn, "--db", path)
	if code != 1 || !strings.Contains(stderr, "demo was interrupted") || !strings.Contains(stderr, "salesdesk demo --db") {
		t.Fatalf("import into a file with an interrupted demo: exit %d: %s", code, stderr)
	}
	if hashFile(t, path) != before {
		t.Fatalf("the refused import changed the file")
	}
}
