package storage

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"salesdesk/data"
	"testing"
)

// The readers of import files and of JSON exports take whatever a user picks: they must answer with
// a message, never a crash, a hang or a half-written file. Seed inputs are in testdata/fuzz/<Fuzz…>/
// (the templates, their other encodings, truncated and foreign files, an export); run for example
//
//	go test -run XXX -fuzz FuzzReadCSV -fuzztime 60s ./data/

// knownReadError reports whether err is one of the reasons a file is refused.
func knownReadError(err error) bool {
	for _, e := range []error{data.ErrImportEmpty, data.ErrImportFileType, data.ErrImportDamaged, data.ErrImportTooManyRows} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// fuzzStore opens the one store a fuzzing process dry-runs every input into: opening a file (and
// fsyncing it) for each input made the fuzzers run a few hundred inputs a minute. A dry run's
// transaction is rolled back, so each input meets the same file, which fuzzImport checks.
func fuzzStore(f *testing.F) *Store {
	s, err := Open(filepath.Join(f.TempDir(), "f.db"), Options{Now: fixedClock(stNow)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	if _, err := s.SaveMember(stActor, data.Member{Name: "王经理", Role: data.MemberManager, Active: true}); err != nil {
		f.Fatal(err)
	}
	return s
}

// fuzzImport reads data as an import file and, when it maps, dry-runs it into s: the report must
// account for every row, and the file must not change.
func fuzzImport(t *testing.T, s *Store, name string, raw []byte) {
	src, err := data.ReadImport(name, bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		if !knownReadError(err) {
			t.Fatalf("ReadImport: unexpected error %v", err)
		}
		return
	}
	defer src.Close()
	total := 0
	for _, sh := range src.Sheets {
		if len(sh.Header) == 0 || sh.Rows < 0 || len(sh.Sample) > data.PreviewRows {
			t.Fatalf("sheet %q: header %q, %d rows, %d sampled", sh.Name, sh.Header, sh.Rows, len(sh.Sample))
		}
		last := sh.HeaderRow
		n := 0
		err := sh.Each(context.Background(), func(r data.SourceRow) error {
			if r.Row <= last {
				t.Fatalf("row %d after row %d", r.Row, last)
			}
			last = r.Row
			n++
			return nil
		})
		if err != nil && !knownReadError(err) {
			t.Fatalf("reading sheet %q: %v", sh.Name, err)
		}
		if err == nil && n != sh.Rows {
			t.Fatalf("sheet %q counted %d rows, read %d", sh.Name, sh.Rows, n)
		}
		total += n
		sh.Skip = len(sh.Mapping.Problems()) > 0
	}
	if total == 0 || total > 2000 {
		return // nothing to import, or too slow for a fuzzing run
	}
	before, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Import(context.Background(), stActor, src, data.ImportOptions{DryRun: true, BatchSize: 7})
	if err != nil {
		if errors.Is(err, data.ErrImportNoHeader) || errors.Is(err, data.ErrImportNoRows) || knownReadError(err) {
			return
		}
		t.Fatalf("dry run: %v", err)
	}
	// Rows are numbered per sheet: a workbook's sheets each have a row 2.
	type at struct {
		sheet string
		row   int
	}
	rows := map[at]bool{}
	for _, o := range rep.Outcomes {
		rows[at{o.Sheet, o.Row}] = true
	}
	for _, r := range rep.Rejected {
		if rows[at{r.Sheet, r.Row}] || len(r.Problems) == 0 {
			t.Fatalf("%s row %d both imported and rejected, or rejected without a reason", r.Sheet, r.Row)
		}
		rows[at{r.Sheet, r.Row}] = true
	}
	if len(rows) > rep.Rows {
		t.Fatalf("the report names %d rows of %d", len(rows), rep.Rows)
	}
	after, _ := os.ReadFile(s.Path())
	if !bytes.Equal(before, after) {
		t.Fatal("a dry run wrote to the file")
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"customers_zh.csv", "opportunities_zh.csv", "followups_zh.csv"} {
		if b, err := os.ReadFile(fixturePath(name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("客户名称,电话\n\"未闭合,13800138000\n"))
	f.Add([]byte{})
	s := fuzzStore(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzImport(t, s, "f.csv", raw)
	})
}

// FuzzReadXLSX reads a workbook; an input that is not a zip archive is taken as a worksheet's XML and
// packed into one, so that mutations reach the XML reader rather than stopping at the archive's
// checksums.
func FuzzReadXLSX(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>` +
		`<row><c t="inlineStr"><is><t>甲&amp;乙</t></is></c><c><v>13800138000</v></c></row></sheetData></worksheet>`))
	s := fuzzStore(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !bytes.HasPrefix(raw, []byte("PK")) {
			raw = handWorkbook(t, false, string(raw))
		}
		fuzzImport(t, s, "f.xlsx", raw)
	})
}

// FuzzImportJSON reads an export; a sound one imports into a new file, and the export of that file
// reads back as the same export, byte for byte.
func FuzzImportJSON(f *testing.F) {
	f.Add([]byte(`{"format": "salesdesk-export", "version": 1}`))
	f.Add([]byte(`{"format": "salesdesk-export", "version": 1, "members": [{"id": 1, "name": "王", "role": "rep", "active": true}],
"customers": [{"id": 2, "card_no": "KH2026-00001", "name": "甲", "owner_id": 1, "follow_ups": [{"id": 5, "customer_id": 2, "by_id": 1}]}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		doc, err := ReadExport(bytes.NewReader(raw))
		if err != nil {
			if !errors.Is(err, ErrNotExport) && !errors.Is(err, ErrExportInvalid) && !errors.Is(err, ErrExportTooNew) {
				t.Fatalf("ReadExport: unexpected error %v", err)
			}
			return
		}
		if len(doc.Customers)+len(doc.Opportunities) > 2000 {
			return
		}
		s, err := Open(filepath.Join(t.TempDir(), "j.db"), Options{Now: fixedClock(stNow)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.ImportJSON(stActor, bytes.NewReader(raw)); err != nil {
			t.Fatalf("a sound export did not import: %v", err)
		}
		if r, err := s.Check(); err != nil || !r.OK() {
			t.Fatalf("the imported file fails check: %v %q", err, r.Problems)
		}
		var first bytes.Buffer
		if _, err := s.ExportJSON(&first, data.JSONExportOptions{}); err != nil {
			t.Fatal(err)
		}
		s2, err := Open(filepath.Join(t.TempDir(), "k.db"), Options{Now: fixedClock(stNow)})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		if _, err := s2.ImportJSON(stActor, bytes.NewReader(first.Bytes())); err != nil {
			t.Fatalf("the export of an imported file did not import: %v", err)
		}
		var second bytes.Buffer
		if _, err := s2.ExportJSON(&second, data.JSONExportOptions{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("export → import → export differs:\n%s\n%s", first.Bytes(), second.Bytes())
		}
	})
}
