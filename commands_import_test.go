package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"salesdesk/data"
	"salesdesk/data/storage"
)

func fixture(name string) string { return filepath.Join("data", "storage", "testdata", "import", name) }

// teamDB makes an empty database with the two team members the fixture files name: a manager, who
// may import, and a rep.
func teamDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "team.db")
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []data.Member{{Name: "王经理", Role: data.MemberManager}, {Name: "李销售", Role: data.MemberRep}} {
		m.Active = true
		m, err := s.SaveMember(data.System, m)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SessionAs(m.ID).ChangePassword("", teamPassword); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	t.Setenv(passwordEnv, teamPassword)
	t.Setenv(userEnv, "wangjingli")
	return path
}

// teamPassword is the password of teamDB's members; commands on it sign in as 王经理 (asManager).
const teamPassword = "password1"

// asManager signs a command on teamDB in as 王经理.
func asManager(args ...string) []string { return append([]string{"--user", "wangjingli"}, args...) }

// teamRecords counts what an import writes. A command signed in on a team writes the sign-in's audit
// line, so a write-nothing check on teamDB counts records instead of comparing the file's bytes.
func teamRecords(t *testing.T, db string) string {
	t.Helper()
	s, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	imports, err := s.Imports()
	if err != nil {
		t.Fatal(err)
	}
	active, archived := s.CustomerCount()
	return fmt.Sprintf("%d customers, %d archived, %d imports", active, archived, len(imports))
}

// oneMemberDB makes an empty database whose team is one member: it opens without sign-in.
func oneMemberDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "one.db")
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveMember(data.System, data.Member{Name: "王经理", Role: data.MemberAdmin, Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportCommand(t *testing.T) {
	db := teamDB(t)
	dir := t.TempDir()
	rejects := filepath.Join(dir, "rejects.csv")
	before := teamRecords(t, db)

	// A dry run reports what would happen, writes nothing, and exits 1 because two rows are bad.
	code, stdout, stderr := runCmd(asManager("import", fixture("customers_zh.csv"), "--db", db, "--dry-run", "--rejects", rejects)...)
	if code != 1 || !strings.Contains(stdout, "dry run") || !strings.Contains(stdout, "3 created") ||
		!strings.Contains(stderr, "2 of 5 rows were rejected") || !strings.Contains(stderr, "nothing was written") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := teamRecords(t, db); got != before {
		t.Errorf("the dry run wrote to the database: %s, before %s", got, before)
	}
	if r := string(fileBytes(t, rejects)); !strings.HasPrefix(r, "\uFEFF行号 Row,客户名称") || strings.Count(r, "\r\n") != 3 {
		t.Errorf("rejects file:\n%s", r)
	}

	// The import names its id; the flags may follow the file or precede it.
	code, stdout, stderr = runCmd(asManager("import", "--db", db, fixture("customers_zh.csv"))...)
	if code != 1 || !strings.Contains(stdout, "as import 1") || !strings.Contains(stdout, "undo with: salesdesk undo-import 1") ||
		!strings.Contains(stderr, "imported as import 1") {
		t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCmd(asManager("import", fixture("opportunities_zh.csv"), "--db", db, "--on-duplicate", "update")...)
	if code != 1 || !strings.Contains(stdout, "opportunities: 3 created") {
		t.Fatalf("deals: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runCmd("imports", "--db", db)
	if code != 0 || !strings.Contains(stdout, "2 imports") || !strings.Contains(stdout, "customers_zh.csv") {
		t.Fatalf("imports: exit %d\n%s", code, stdout)
	}

	// Undo puts the file back: customers imported by import 1 have a deal of import 2 hung on them.
	code, stdout, stderr = runCmd("undo-import", "1", "--db", db)
	if code != 1 || !strings.Contains(stdout, "was not undone") || !strings.Contains(stderr, "--force") {
		t.Fatalf("undo with later deals: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, id := range []string{"2", "1"} {
		if code, stdout, stderr = runCmd("undo-import", id, "--db", db); code != 0 || !strings.Contains(stdout, "undid import "+id) {
			t.Fatalf("undo %s: exit %d\n%s\n%s", id, code, stdout, stderr)
		}
	}
	code, stdout, _ = runCmd("customers", "--db", db, "--format", "json")
	if code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("customers after undo: %s", stdout)
	}
	if code, stdout, _ = runCmd("check", "--db", db); code != 0 {
		t.Errorf("check after undo: %s", stdout)
	}
	if code, _, stderr = runCmd("undo-import", "1", "--db", db); code != 1 || !strings.Contains(stderr, "undone already") {
		t.Errorf("second undo: exit %d %s", code, stderr)
	}
	if code, _, stderr = runCmd("undo-import", "9", "--db", db); code != 1 || !strings.Contains(stderr, "no import 9") {
		t.Errorf("unknown import: exit %d %s", code, stderr)
	}
}

func TestImportCommandMapping(t *testing.T) {
	db := teamDB(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(in, []byte("单位,座机号,杂项\n北京科技,010-12345678,大客户\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := filepath.Join(dir, "m.json")
	// --write-mapping saves the automatic mapping; edited, --mapping uses it.
	if code, stdout, stderr := runCmd(asManager("import", in, "--db", db, "--dry-run", "--write-mapping", m)...); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	mp, err := data.ParseMapping(fileBytes(t, m))
	if err != nil {
		t.Fatal(err)
	}
	mp.Set(2, data.FieldNotes)
	raw, _ := mp.MarshalIndent()
	if err := os.WriteFile(m, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCmd(asManager("import", in, "--db", db, "--mapping", m)...); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	_, stdout, _ := runCmd("export", "--db", db, "--format", "csv")
	if !strings.Contains(stdout, ",大客户,") {
		t.Errorf("the edited mapping put 杂项 into the notes:\n%s", stdout)
	}
}

func TestImportCommandBadInput(t *testing.T) {
	db := oneMemberDB(t)
	dir := t.TempDir()
	png := filepath.Join(dir, "photo.csv")
	if err := os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.xlsx")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	headerOnly := filepath.Join(dir, "header.csv")
	if err := os.WriteFile(headerOnly, []byte("客户名称,电话\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := fileBytes(t, db)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no file", []string{"import", "--db", db}, 2, "name the file to import"},
		{"two files", []string{"import", png, empty, "--db", db}, 2, "one file to import only"},
		{"bad policy", []string{"import", png, "--db", db, "--on-duplicate", "merge"}, 2, `--on-duplicate "merge"`},
		{"missing file", []string{"import", filepath.Join(dir, "nope.csv"), "--db", db}, 1, "no such file"},
		{"a PNG", []string{"import", png, "--db", db}, 1, "neither a CSV file nor an Excel workbook (.xlsx) (it looks like a PNG image)"},
		{"empty", []string{"import", empty, "--db", db}, 1, "the file is empty"},
		{"header only", []string{"import", headerOnly, "--db", db}, 1, "no data rows"},
		{"bad mapping file", []string{"import", headerOnly, "--db", db, "--mapping", png}, 1, "--mapping"},
		{"undo without id", []string{"undo-import", "--db", db}, 2, "name the import id"},
		{"undo bad id", []string{"undo-import", "x", "--db", db}, 2, "not an import id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d (want %d); stderr lacks %q:\n%s", code, tc.code, tc.want, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 && code == 1 {
				t.Errorf("a failure is one line:\n%s", stderr)
			}
		})
	}
	if !bytes.Equal(fileBytes(t, db), before) {
		t.Error("refused imports wrote to the database")
	}
}

func TestExportCommand(t *testing.T) {
	db := sharedDB(t)
	dir := t.TempDir()

	// JSON: everything, into a new file and back out the same.
	out := filepath.Join(dir, "all.json")
	if code, _, stderr := runCmd("export", "--db", db, "--format", "json", "--out", out); code != 0 {
		t.Fatalf("export json: %s", stderr)
	}
	db2 := filepath.Join(dir, "copy.db")
	if code, stdout, stderr := runCmd("import", out, "--db", db2); code != 0 || !strings.Contains(stdout, "50 customers") {
		t.Fatalf("import json: exit %d\n%s\n%s", code, stdout, stderr)
	}
	out2 := filepath.Join(dir, "again.json")
	if code, _, stderr := runCmd("export", "--db", db2, "--format", "json", "--out", out2); code != 0 {
		t.Fatalf("export again: %s", stderr)
	}
	if !bytes.Equal(fileBytes(t, out), fileBytes(t, out2)) {
		t.Error("export → import → export is not the same bytes")
	}
	if code, _, stderr := runCmd("import", out, "--db", db2); code != 1 || !strings.Contains(stderr, "new, empty database") {
		t.Errorf("a JSON export into a full database: exit %d %s", code, stderr)
	}

	// CSV to stdout with a filter; XLSX of all lists to a file.
	code, stdout, _ := runCmd("export", "--db", db, "--format", "csv", "--grade", "A", "--lang", "en")
	if code != 0 || !strings.HasPrefix(stdout, "\uFEFFCard No.,Customer,") {
		t.Fatalf("csv: exit %d\n%.200s", code, stdout)
	}
	_, all, _ := runCmd("export", "--db", db, "--format", "csv", "--lang", "en")
	if strings.Count(stdout, "\r\n") >= strings.Count(all, "\r\n") {
		t.Error("--grade A did not filter")
	}
	xl := filepath.Join(dir, "all.xlsx")
	if code, _, stderr := runCmd("export", "--db", db, "--format", "xlsx", "--what", "all", "--out", xl); code != 0 ||
		!strings.Contains(stderr, "50 customers") {
		t.Fatalf("xlsx: exit %d %s", code, stderr)
	}
	if b := fileBytes(t, xl); !bytes.HasPrefix(b, []byte("PK")) {
		t.Error("the workbook is not a zip archive")
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--db", db}, "--format is required"},
		{[]string{"export", "--db", db, "--format", "pdf"}, `--format "pdf"`},
		{[]string{"export", "--db", db, "--format", "csv", "--what", "all"}, "needs --format xlsx"},
		{[]string{"export", "--db", db, "--format", "json", "--grade", "A"}, "filters apply to csv and xlsx"},
		{[]string{"export", "--db", db, "--format", "csv", "--what", "deals"}, `--what "deals"`},
		{[]string{"export", "--db", db, "--format", "csv", "--lang", "fr"}, `--lang "fr"`},
	} {
		if code, _, stderr := runCmd(tc.args...); code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr lacks %q:\n%s", tc.args, code, tc.want, stderr)
		}
	}
	// A failed export leaves no file behind.
	missing := filepath.Join(dir, "never.csv")
	if code, _, _ := runCmd("export", "--db", filepath.Join(dir, "nope.db"), "--format", "csv", "--out", missing); code != 1 {
		t.Error("export of a missing database succeeded")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Error("a failed export left a file")
	}
}

// A quote left open reads the rows below into one cell: the command refuses the file with the row
// and the flag that accepts it; a dry run lists the row; with the flag a two-line address imports.
func TestImportCommandMultiline(t *testing.T) {
	dir := t.TempDir()
	unclosed := filepath.Join(dir, "unclosed.csv")
	address := filepath.Join(dir, "address.csv")
	if err := os.WriteFile(unclosed, []byte("客户名称,联系人,电话\r\n\"甲二公司,张,13800138000\r\n乙公司,李,13900139000\r\n丙公司,王,13700137000\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(address, []byte("客户名称,电话,备注\n北京科技,13800138000,\"北京市海淀区\n中关村大街1号\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := teamDB(t)
	before := teamRecords(t, db)
	code, stdout, stderr := runCmd(asManager("import", unclosed, "--db", db)...)
	if code != 1 || !strings.Contains(stdout, "row 2") || !strings.Contains(stderr, "--allow-multiline") ||
		!strings.Contains(stderr, "nothing was imported") {
		t.Fatalf("unclosed quote: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := teamRecords(t, db); got != before {
		t.Errorf("a refused import wrote to the database: %s, before %s", got, before)
	}
	code, stdout, stderr = runCmd(asManager("import", address, "--db", db, "--dry-run")...)
	if code != 1 || !strings.Contains(stdout, "row 2, 备注") || !strings.Contains(stderr, "--allow-multiline") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCmd(asManager("import", address, "--db", db, "--allow-multiline")...)
	if code != 0 || !strings.Contains(stdout, "1 created") {
		t.Fatalf("confirmed: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// A dry run lists each row that would be imported with a note, by number and reason, and names the
// owner the cards without one go to.
func TestImportCommandDryRunListsWarnedRowsAndOwner(t *testing.T) {
	// Given a team whose desktop user is 李销售 (the command line signs in as 王经理, the manager, who
	// may import), and a file with a bad phone, a bad email and an owner nobody is called
	db := teamDB(t)
	file := filepath.Join(t.TempDir(), "in.csv")
	var rows strings.Builder
	rows.WriteString("客户名称,联系人,电话,邮箱,跟进人\n甲公司,张三,12345,zhang@example.com,\n乙公司,李四,13800138000,li@@bad,王经理\n")
	for i := range 25 {
		fmt.Fprintf(&rows, "丙%02d公司,王五,13900139000,wang@example.com,不存在的人\n", i)
	}
	if err := os.WriteFile(file, []byte(rows.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	// When it is checked with --dry-run
	code, stdout, stderr := runCmd("--user", "王经理", "import", file, "--db", db, "--dry-run")

	// Then every warned row is listed with its number and reason, beyond the first 20 too
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"cards without an owner go to 王经理", "27 in 27 rows",
		`row 2, 电话 "12345": phone number not recognised`, "kept in the contact's notes",
		`row 3, 邮箱 "li@@bad": invalid email address`, `row 28, 跟进人 "不存在的人": not a member of the team: the card goes to the default owner`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "… and") {
		t.Errorf("the dry run cut its list of warned rows:\n%s", stdout)
	}

	// When the import names another owner, or none
	if code, stdout, stderr := runCmd("--user", "wangjingli", "import", file, "--db", db, "--dry-run", "--owner", "李销售"); code != 0 || !strings.Contains(stdout, "go to 李销售") {
		t.Errorf("--owner 李销售: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, _ := runCmd("--user", "wangjingli", "import", file, "--db", db, "--dry-run", "--owner", "none"); code != 0 || strings.Contains(stdout, "cards without an owner go to") {
		t.Errorf("--owner none: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := runCmd("--user", "wangjingli", "import", file, "--db", db, "--dry-run", "--owner", "赵六"); code != 1 || !strings.Contains(stderr, "no team member is called") {
		t.Errorf("--owner 赵六: exit %d\n%s", code, stderr)
	}
}
