package main

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// exportLines are the audit trail's export lines of the file, newest last.
func exportLines(t *testing.T, path string) []data.Change {
	t.Helper()
	s, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page, err := s.AuditTrail(data.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []data.Change
	for _, ch := range page.Lines {
		if strings.HasPrefix(ch.Action, "export") {
			out = append(out, ch)
		}
	}
	slices.SortFunc(out, func(a, b data.Change) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}

func field(ch data.Change, name string) string {
	for _, f := range ch.Fields {
		if f.Field == name {
			return f.New
		}
	}
	return ""
}

// An export from the command line leaves its audit line, as the window's does; a report written in
// a machine format is an export: a rep is refused (exit 6) and a manager's is traced.
func TestCommandLineExportsAreAudited(t *testing.T) {
	dir := t.TempDir()
	path := newDemoDB(t, dir, 40)
	before := len(exportLines(t, path))

	out := filepath.Join(dir, "客户.csv")
	if code, _, errOut := runCmd("export", "--db", path, "--user", "wangjianguo", "--format", "csv", "--out", out); code != 0 {
		t.Fatalf("a manager's export: exit %d: %s", code, errOut)
	}
	lines := exportLines(t, path)
	if len(lines) != before+1 {
		t.Fatalf("%d export lines after the export, want %d", len(lines), before+1)
	}
	last := lines[len(lines)-1]
	if last.Action != "export_csv" || last.Actor != "王建国" || field(last, "customers") != "40" {
		t.Errorf("export line %+v: want export_csv by 王建国 of 40 customers", last)
	}

	code, stdout, errOut := runCmd("report", "--db", path, "--user", "lina", "--format", "json")
	if code != exitRefused || !strings.Contains(errOut, "only a manager or an administrator may do this") || stdout != "" {
		t.Fatalf("a rep's report as json: exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	xlsx := filepath.Join(dir, "report.xlsx")
	if code, _, errOut := runCmd("report", "--db", path, "--user", "lina", "--format", "xlsx", "--out", xlsx); code != exitRefused {
		t.Fatalf("a rep's xlsx report: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(xlsx); !os.IsNotExist(err) {
		t.Fatalf("the refused report left a file: %v", err)
	}
	if code, _, errOut := runCmd("report", "--db", path, "--user", "lina"); code != 0 {
		t.Fatalf("a rep's report as a table: exit %d: %s", code, errOut)
	}
	if n := len(exportLines(t, path)); n != before+1 {
		t.Fatalf("refused and table reports wrote export lines: %d, want %d", n, before+1)
	}

	if code, _, errOut := runCmd("report", "--db", path, "--user", "wangjianguo", "--format", "xlsx", "--out", xlsx); code != 0 {
		t.Fatalf("a manager's xlsx report: exit %d: %s", code, errOut)
	}
	lines = exportLines(t, path)
	last = lines[len(lines)-1]
	if len(lines) != before+2 || last.Action != "export_report_xlsx" || field(last, "periods") != "8" {
		t.Errorf("report export line %+v (%d lines): want export_report_xlsx of 8 periods", last, len(lines))
	}
}

// Restore and compact replace the whole file: an administrator's, when the file needs sign-in.
func TestRestoreAndCompactNeedAnAdministrator(t *testing.T) {
	dir := t.TempDir()
	path := newDemoDB(t, dir, 20)
	backup := filepath.Join(dir, "copy-backup.db")
	if code, _, errOut := runCmd("backup", backup, "--db", path, "--user", "zhaomin"); code != 0 {
		t.Fatalf("an administrator's backup: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCmd("backup", filepath.Join(dir, "rep.db"), "--db", path, "--user", "wangjianguo"); code != exitRefused {
		t.Fatalf("a manager's backup: exit %d: %s", code, errOut)
	}
	for _, args := range [][]string{{"compact", "--db", path}, {"restore", backup, "--db", path, "--yes"}} {
		for _, user := range []string{"lina", "wangjianguo"} {
			code, _, errOut := runCmd(append(args, "--user", user)...)
			if code != exitRefused || !strings.Contains(errOut, "only an administrator") {
				t.Fatalf("%s as %s: exit %d, stderr %q; want refused", args[0], user, code, errOut)
			}
		}
	}
	t.Setenv("SALESDESK_PASSWORD", "wrong-password")
	if code, _, errOut := runCmd("compact", "--db", path, "--user", "zhaomin"); code != exitSignIn {
		t.Fatalf("compact with a wrong password: exit %d: %s", code, errOut)
	}
	t.Setenv("SALESDESK_PASSWORD", "demo1234")
	if code, _, errOut := runCmd("compact", "--db", path, "--user", "zhaomin"); code != 0 {
		t.Fatalf("an administrator's compact: exit %d: %s", code, errOut)
	}
	if code, out, errOut := runCmd("restore", backup, "--db", path, "--yes", "--user", "zhaomin"); code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("an administrator's restore: exit %d, %q, %s", code, out, errOut)
	}
}
