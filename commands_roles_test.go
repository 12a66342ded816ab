package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// The command line works through a session: a rep lists only its own cards, another rep's card by id
// and an export are refused with exit 6, and a manager may do both.
func TestCommandsApplyTheRoles(t *testing.T) {
	path := newDemoDB(t, t.TempDir(), 60)
	s, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var lina, zhang data.Member
	for _, m := range s.Members() {
		switch m.Name { // the demo's logins come with sign-in; the temporary cliSignIn takes names
		case "李娜":
			lina = m
		case "张伟":
			zhang = m
		}
	}
	var theirs uint64
	for _, r := range s.Customers(data.CustomerFilter{OwnerID: zhang.ID}) {
		theirs = r.ID
		break
	}
	s.Close()
	if lina.ID == 0 || theirs == 0 {
		t.Fatalf("demo has no rep lina or no card of zhangwei")
	}

	code, out, errOut := runCmd("customers", "--db", path, "--user", "李娜", "--format", "json")
	if code != 0 {
		t.Fatalf("customers as a rep: exit %d: %s", code, errOut)
	}
	var rows []customerJSON
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("the rep sees no cards of its own")
	}
	for _, r := range rows {
		if r.OwnerID != lina.ID {
			t.Fatalf("the rep's list holds %s of owner %d", r.Name, r.OwnerID)
		}
	}

	id := strconv.FormatUint(theirs, 10)
	code, out, errOut = runCmd("customers", "show", id, "--db", path, "--user", "李娜")
	if code != exitRefused || !strings.Contains(errOut, "another member") || out != "" {
		t.Fatalf("another rep's card: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, errOut = runCmd("export", "--db", path, "--user", "李娜", "--format", "csv"); code != exitRefused ||
		!strings.Contains(errOut, "manager") {
		t.Fatalf("a rep's export: exit %d, stderr %q", code, errOut)
	}
	// To a file too: the refusal keeps its exit status through the output's error, and no file is left.
	outFile := filepath.Join(t.TempDir(), "all.csv")
	if code, _, errOut = runCmd("export", "--db", path, "--user", "李娜", "--format", "csv", "--out", outFile); code != exitRefused ||
		!strings.Contains(errOut, "manager") {
		t.Fatalf("a rep's export to a file: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(outFile); !os.IsNotExist(err) {
		t.Fatalf("a refused export left %s: %v", outFile, err)
	}
	if code, _, errOut = runCmd("report", "--db", path, "--user", "李娜", "--format", "csv", "--out", outFile); code != exitRefused {
		t.Fatalf("a rep's report to a file: exit %d, stderr %q", code, errOut)
	}
	if code, out, errOut = runCmd("customers", "show", id, "--db", path, "--user", "王建国"); code != 0 ||
		!strings.Contains(out, `"id": `+id) {
		t.Fatalf("a manager's show: exit %d, stderr %q", code, errOut)
	}
}
