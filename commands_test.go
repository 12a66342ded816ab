package main

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/mozillazg/go-pinyin"
	bolt "go.etcd.io/bbolt"

	"salesdesk/data"
	"salesdesk/data/perf"
	"salesdesk/data/storage"
)

// guiCalls records what the command line would have opened a window on: the tests never start the
// real window.
var guiCalls struct {
	sync.Mutex
	paths []string
	err   error
}

func TestMain(m *testing.M) {
	// TestBenchCommand's child process is this binary, as salesdesk bench's is salesdesk.
	if perf.Child(os.Stdout) {
		os.Exit(0)
	}
	// The tables' headers follow the locale (commands_locale.go); these tests read the English ones.
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANGUAGE"} {
		os.Unsetenv(v)
	}
	os.Setenv("LANG", "en_US.UTF-8")
	// The demo files the tests share need a sign-in: as the demo's administrator, as a script would.
	// Tests of the sign-in itself pass --user or unset these.
	os.Setenv(userEnv, "zhaomin")
	storage.FastHashesInTests()
	os.Setenv(passwordEnv, storage.DemoPassword)
	startGUI = func(path string, _ bool) error {
		guiCalls.Lock()
		defer guiCalls.Unlock()
		guiCalls.paths = append(guiCalls.paths, path)
		return guiCalls.err
	}
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// runCmd runs the command line and returns its exit status and output.
func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// newDemoDB makes a database of n demo customers at a fresh path and closes it.
func newDemoDB(t testing.TB, dir string, n int) string {
	t.Helper()
	path := filepath.Join(dir, "demo.db")
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := storage.GenerateDemo(s, storage.DemoOptions{Customers: n, Seed: 7, Now: time.Now()}); err != nil {
		s.Close()
		t.Fatalf("generate demo: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return path
}

var (
	sharedOnce sync.Once
	sharedDir  string
	sharedPath string
	sharedErr  error
)

// sharedDB is one 50-customer demo database for the tests that only read.
func sharedDB(t *testing.T) string {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "salesdesk-cli-test-")
		if sharedErr != nil {
			return
		}
		sharedPath = newDemoDB(t, sharedDir, 50)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedPath
}

func TestUsage(t *testing.T) {
	db := sharedDB(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string // in stderr
	}{
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown global flag", []string{"--nope"}, 2, "flag provided but not defined"},
		{"unknown command flag", []string{"customers", "--db", db, "--colour", "red"}, 2, "flag provided but not defined"},
		{"bad grade", []string{"customers", "--db", db, "--grade", "X"}, 2, `--grade "X"`},
		{"bad format", []string{"customers", "--db", db, "--format", "xml"}, 2, `--format "xml"`},
		{"bad status", []string{"customers", "--db", db, "--status", "happy"}, 2, `--status "happy"`},
		{"bad sort", []string{"customers", "--db", db, "--sort", "colour"}, 2, `--sort "colour"`},
		{"flag without value", []string{"customers", "--db"}, 2, "flag needs an argument"},
		{"stray argument", []string{"check", "--db", db, "extra"}, 2, `unexpected argument "extra"`},
		{"zero demo customers", []string{"demo", "--db", db, "--customers", "0"}, 2, "--customers"},
		{"non-numeric demo customers", []string{"demo", "--db", db, "--customers", "many"}, 2, "invalid value"},
		{"version with argument", []string{"version", "now"}, 2, "unexpected argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout should be empty, got:\n%s", stdout)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, stderr)
			}
			if !strings.Contains(stderr, "Usage:") {
				t.Errorf("stderr lacks the usage:\n%s", stderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"customers", "-h"}, {"demo", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(args...)
			if code != 0 {
				t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
			}
			for _, want := range []string{"Usage:", "salesdesk customers", "salesdesk check", "--db PATH"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("help lacks %q:\n%s", want, stdout)
				}
			}
		})
	}
}

func TestVersion(t *testing.T) {
	want := fmt.Sprintf("SalesDesk %s (schema %d)\n", version, storage.SchemaVersion())
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, stdout, stderr := runCmd(args...)
		if code != 0 || stdout != want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0 and %q", args, code, stdout, stderr, want)
		}
	}
}

func TestGUIDispatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gui.db")
	guiCalls.Lock()
	guiCalls.paths, guiCalls.err = nil, nil
	guiCalls.Unlock()

	if code, _, stderr := runCmd("--db", path); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	guiCalls.Lock()
	got := slices.Clone(guiCalls.paths)
	guiCalls.err = fmt.Errorf("data: open %s: %w", path, data.ErrLocked)
	guiCalls.Unlock()
	if !slices.Equal(got, []string{path}) {
		t.Errorf("window opened on %q, want [%s]", got, path)
	}

	code, _, stderr := runCmd("--db", path)
	if code != 1 || !strings.Contains(stderr, path+" is open in another SalesDesk window; close it and try again") {
		t.Errorf("exit %d, stderr %q; want 1 and the locked message", code, stderr)
	}
	guiCalls.Lock()
	guiCalls.err = nil
	guiCalls.Unlock()
}

func TestDemo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "demo.db")
	code, stdout, stderr := runCmd("demo", "--db", path, "--customers", "30", "--seed", "3")
	if code != 0 {
		t.Fatalf("demo: exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "\rgenerated 30/30") {
		t.Errorf("no final progress line in stderr %q", stderr)
	}
	// The summary counts from the pages' headers; the records read one by one must agree with it.
	ro, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	followUps := 0
	for _, archived := range []bool{false, true} {
		for _, r := range ro.Customers(data.CustomerFilter{Archived: archived}) {
			fus, err := ro.FollowUps(r.ID)
			if err != nil {
				t.Fatal(err)
			}
			followUps += len(fus)
		}
	}
	deals := len(ro.Opportunities(data.OpportunityFilter{}))
	ro.Close()
	if followUps == 0 || deals == 0 {
		t.Fatalf("the demo made %d follow-ups and %d deals", followUps, deals)
	}
	if want := fmt.Sprintf("30 customers (0 archived), %d follow-ups, %d deals, 8 team members", followUps, deals); !strings.Contains(stdout, want) {
		t.Errorf("summary %q lacks %q", stdout, want)
	}

	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCmd("demo", "--db", path, "--customers", "30")
	if code != 1 || !strings.Contains(stderr, "already holds 30 customers") {
		t.Errorf("second demo: exit %d, stdout %q, stderr %q; want 1 and a refusal", code, stdout, stderr)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the refused demo changed the file")
	}

	code, stdout, stderr = runCmd("demo", "--db", path, "--customers", "5", "--seed", "4", "--force")
	if code != 0 || !strings.Contains(stdout, "35 customers") {
		t.Errorf("forced demo: exit %d, stdout %q, stderr %q; want 0 and 35 customers", code, stdout, stderr)
	}
}

// documentedKeys are the keys docs/cli.md promises for `customers --format json` and the CSV header.
var documentedKeys = []string{"id", "card_no", "name", "kind", "grade", "suggested_grade", "status", "owner",
	"owner_id", "industry", "category", "region", "source", "tags", "primary_contact", "phone", "email",
	"last_follow_up", "next_follow_up", "next_action", "completeness", "archived"}

func listJSON(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	code, stdout, stderr := runCmd(append([]string{"customers", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("customers %v: exit %d, stderr:\n%s", args, code, stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("customers %v: output is not a JSON array of objects: %v\n%s", args, err, stdout)
	}
	return rows
}

func ids(rows []map[string]any) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r["id"].(float64)
	}
	sort.Float64s(out)
	return out
}

// initials is the pinyin-initials form of a name, as the store's search index builds it.
func initials(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.Is(unicode.Han, r) {
			if ps := pinyin.SinglePinyin(r, pinyin.NewArgs()); len(ps) > 0 && ps[0] != "" {
				b.WriteByte(ps[0][0])
				continue
			}
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestCustomersJSON(t *testing.T) {
	db := sharedDB(t)
	active := listJSON(t, "--db", db)
	archived := listJSON(t, "--db", db, "--archived")
	if len(active)+len(archived) != 50 || len(active) == 0 {
		t.Fatalf("%d active + %d archived customers, want 50 in all", len(active), len(archived))
	}

	date := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	want := slices.Sorted(slices.Values(documentedKeys))
	for _, r := range append(slices.Clone(active), archived...) {
		var keys []string
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !slices.Equal(keys, want) {
			t.Fatalf("keys %v\nwant %v", keys, want)
		}
		if _, ok := r["tags"].([]any); !ok {
			t.Errorf("tags of %v is %T, want an array", r["card_no"], r["tags"])
		}
		for _, k := range []string{"last_follow_up", "next_follow_up"} {
			if v := r[k]; v != nil {
				if s, ok := v.(string); !ok || !date.MatchString(s) {
					t.Errorf("%s of %v is %#v, want YYYY-MM-DD or null", k, r["card_no"], v)
				}
			}
		}
		if _, ok := r["archived"].(bool); !ok {
			t.Errorf("archived of %v is %T", r["card_no"], r["archived"])
		}
	}
	for _, r := range active {
		if r["archived"] != false {
			t.Errorf("active list holds archived %v", r["card_no"])
		}
	}
	for _, r := range archived {
		if r["archived"] != true {
			t.Errorf("--archived list holds active %v", r["card_no"])
		}
	}

	// Each filter returns exactly the rows of the full list that pass it.
	filterCase := func(flag, key string, value string) {
		t.Helper()
		var want []map[string]any
		for _, r := range active {
			if r[key] == value {
				want = append(want, r)
			}
		}
		got := listJSON(t, "--db", db, flag, value)
		for _, r := range got {
			if r[key] != value {
				t.Errorf("%s %s: row %v has %s %v", flag, value, r["card_no"], key, r[key])
			}
		}
		if !slices.Equal(ids(got), ids(want)) {
			t.Errorf("%s %s: %d rows, want %d", flag, value, len(got), len(want))
		}
	}
	for _, g := range data.Grades {
		filterCase("--grade", "grade", string(g))
	}
	if rows := listJSON(t, "--db", db, "--grade", "a"); len(rows) != len(listJSON(t, "--db", db, "--grade", "A")) {
		t.Error("--grade a and --grade A differ")
	}
	filterCase("--status", "status", active[0]["status"].(string))
	if owner := active[0]["owner"].(string); owner != "" {
		filterCase("--owner", "owner", owner)
	} else {
		t.Log("first customer has no owner; --owner not exercised")
	}

	// Search by the full name, by a part of it, and by the pinyin initials of a Chinese name.
	contains := func(rows []map[string]any, id any) bool {
		return slices.ContainsFunc(rows, func(r map[string]any) bool { return r["id"] == id })
	}
	target := active[len(active)/2]
	name := target["name"].(string)
	if got := listJSON(t, "--db", db, "--search", name); !contains(got, target["id"]) {
		t.Errorf("--search %q does not find it", name)
	}
	var han map[string]any
	for _, r := range active {
		if strings.ContainsFunc(r["name"].(string), func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			han = r
			break
		}
	}
	if han == nil {
		t.Fatal("the demo data has no Chinese names")
	}
	ini := initials(han["name"].(string))
	got := listJSON(t, "--db", db, "--search", ini)
	if !contains(got, han["id"]) {
		t.Errorf("--search %q (initials of %s) does not find it", ini, han["name"])
	}
	if got := listJSON(t, "--db", db, "--search", strings.ToUpper(ini)); !contains(got, han["id"]) {
		t.Errorf("--search %q (upper-case initials of %s) does not find it", strings.ToUpper(ini), han["name"])
	}
	if got := listJSON(t, "--db", db, "--search", "zzqqxxnothing"); len(got) != 0 {
		t.Errorf("a search for nothing found %d rows", len(got))
	}

	// Sorting.
	byCard := listJSON(t, "--db", db, "--sort", "card_no")
	if !slices.IsSortedFunc(byCard, func(a, b map[string]any) int {
		return strings.Compare(a["card_no"].(string), b["card_no"].(string))
	}) {
		t.Error("--sort card_no is not in card-number order")
	}
	desc := listJSON(t, "--db", db, "--sort", "card_no", "--desc")
	slices.Reverse(desc)
	if fmt.Sprint(desc) != fmt.Sprint(byCard) {
		t.Error("--desc is not the reverse order")
	}

	if code, _, stderr := runCmd("customers", "--db", db, "--owner", "Nobody Atall"); code != 1 || !strings.Contains(stderr, "no team member") {
		t.Errorf("unknown owner: exit %d, stderr %q", code, stderr)
	}
}

func TestCustomersCSV(t *testing.T) {
	db := sharedDB(t)
	code, stdout, stderr := runCmd("customers", "--db", db, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	const bom = "\xEF\xBB\xBF"
	if !strings.HasPrefix(stdout, bom) {
		t.Fatalf("no UTF-8 BOM: starts %q", stdout[:min(len(stdout), 8)])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(stdout, bom))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	if !slices.Equal(recs[0], documentedKeys) {
		t.Errorf("header %v\nwant   %v", recs[0], documentedKeys)
	}
	rows := listJSON(t, "--db", db)
	if len(recs)-1 != len(rows) {
		t.Fatalf("%d CSV rows, %d JSON rows", len(recs)-1, len(rows))
	}
	nameCol := slices.Index(documentedKeys, "name")
	for i, r := range rows {
		if recs[i+1][nameCol] != r["name"] {
			t.Errorf("row %d: CSV name %q, JSON name %q", i, recs[i+1][nameCol], r["name"])
		}
	}
}

func TestCustomersTable(t *testing.T) {
	db := sharedDB(t)
	code, stdout, stderr := runCmd("customers", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "CARD NO") {
		t.Errorf("no header: %q", lines[0])
	}
	rows := listJSON(t, "--db", db)
	if len(lines) != len(rows)+2 || !strings.HasPrefix(lines[len(lines)-1], fmt.Sprint(len(rows))) {
		t.Errorf("%d lines for %d rows; last %q", len(lines), len(rows), lines[len(lines)-1])
	}
	// Every row's grade column starts at the same display column, Chinese names or not.
	col := strings.Index(lines[0], "GRADE")
	for _, l := range lines[1 : len(lines)-1] {
		cardNo := strings.Fields(l)[0]
		i := strings.Index(l, cardNo) + len(cardNo)
		rest := l[i:]
		rest = strings.TrimLeft(rest, " ")
		name, _, _ := strings.Cut(rest, "  ")
		prefix := l[:strings.Index(l, name)+len(name)]
		pad := len(l[len(prefix):]) - len(strings.TrimLeft(l[len(prefix):], " "))
		if got := displayWidth(prefix) + pad; got != col {
			t.Errorf("grade column at %d, want %d: %q", got, col, l)
		}
	}
}

func TestCheckOK(t *testing.T) {
	db := sharedDB(t)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd("check", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"50 customers", "OK"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	after, _ := os.ReadFile(db)
	if !bytes.Equal(before, after) {
		t.Error("check changed the file")
	}
	// The global --db before the subcommand works too.
	if code, _, stderr := runCmd("--db", db, "check"); code != 0 {
		t.Errorf("--db before check: exit %d, stderr %s", code, stderr)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "customers.csv")
	content := []byte("name,phone\n张三,13800000000\n李四,13900000000\n")
	if err := os.WriteFile(text, content, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.db")
	tooNew := newDemoDB(t, t.TempDir(), 3)
	setSchema(t, tooNew, uint64(storage.SchemaVersion()+1))
	newBytes, err := os.ReadFile(tooNew)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"check text file", []string{"check", "--db", text}, text + " is not a SalesDesk database"},
		{"list text file", []string{"customers", "--db", text}, text + " is not a SalesDesk database"},
		{"demo into text file", []string{"demo", "--db", text, "--customers", "3"}, text + " is not a SalesDesk database"},
		{"check missing file", []string{"check", "--db", missing}, missing + " does not exist"},
		{"list missing file", []string{"customers", "--db", missing}, missing + " does not exist"},
		{"check newer file", []string{"check", "--db", tooNew}, tooNew + " was written by a newer SalesDesk"},
		{"demo into newer file", []string{"demo", "--db", tooNew, "--force"}, tooNew + " was written by a newer SalesDesk"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(tc.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("the message is not one line:\n%s", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: %q", stdout)
			}
		})
	}
	after, err := os.ReadFile(text)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, content) {
		t.Errorf("the text file changed:\n%q", after)
	}
	if after, _ := os.ReadFile(tooNew); !bytes.Equal(after, newBytes) {
		t.Error("the newer file changed")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a read-only command created %s (%v)", missing, err)
	}
}

// setSchema writes a schema version into a closed database file, as a newer SalesDesk would.
func setSchema(t *testing.T, path string, v uint64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("meta"))
		if b == nil {
			return fmt.Errorf("no meta bucket")
		}
		return b.Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, v))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckLocked(t *testing.T) {
	path := newDemoDB(t, t.TempDir(), 5)
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, args := range [][]string{{"check", "--db", path}, {"customers", "--db", path}} {
		done := make(chan struct{})
		var code int
		var stderr string
		go func() {
			defer close(done)
			code, _, stderr = runCmd(args...)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second): // a hang, not a slow machine
			t.Fatalf("%v on a locked file did not return", args)
		}
		want := path + " is open in another SalesDesk window; close it and try again"
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", args, code, stderr, want)
		}
	}
}
