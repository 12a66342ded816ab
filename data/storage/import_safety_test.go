package storage

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"salesdesk/data"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Files that read as something other than what they hold: an unclosed quote, one bad byte, old line
// ends, a cell too large to quote. Each must import what it holds or say which row is wrong.

// importTextErr imports CSV text and returns the error instead of failing on it.
func importTextErr(t *testing.T, s *Store, raw []byte, opt data.ImportOptions) (*data.ImportReport, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.csv")
	writeFile(t, path, raw)
	src, err := s.OpenImport(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return s.Import(context.Background(), stActor, src, opt)
}

func TestImportUnclosedQuoteIsRefused(t *testing.T) {
	const header = "客户名称,联系人,电话\r\n"
	rows := []string{"甲一公司,张,13800138001\r\n", "乙二公司,李,13900139002\r\n", "丙三公司,王,13700137003\r\n", "丁四公司,赵,13600136004\r\n"}
	// The quote opens a cell at the start of a row, in the middle of one, in its last cell, and in
	// the header; each time the rest of the file is read into that cell.
	tests := []struct {
		name string
		text string
		row  int
	}{
		{"first cell of row 2 (the issue's file)", header + `"甲二公司,张,13800138000` + "\r\n" + rows[1] + rows[2], 2},
		{"middle cell of row 3", header + rows[0] + `乙二公司,"李,13900139002` + "\r\n" + rows[2] + rows[3], 3},
		{"last cell of row 4", header + rows[0] + rows[1] + `丙三公司,王,"13700137003` + "\r\n" + rows[3], 4},
		{"header", `客户名称,"联系人,电话` + "\r\n" + rows[0] + rows[1], 1},
		{"LF line ends, no final line end", strings.ReplaceAll(header+`"甲二公司,张,13800138000`+"\r\n"+rows[1]+rows[2], "\r\n", "\n"), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newImportFixture(t)
			rep, err := importTextErr(t, fx.s, []byte(tc.text), data.ImportOptions{})
			if !errors.Is(err, data.ErrMultilineField) {
				t.Fatalf("import: %v; want %v", err, data.ErrMultilineField)
			}
			if want := "row " + string(rune('0'+tc.row)); !strings.Contains(err.Error(), want) {
				t.Errorf("the message does not name %s: %v", want, err)
			}
			if n := len(fx.s.Customers(data.CustomerFilter{})); n != 0 {
				t.Errorf("%d customers written by a refused import", n)
			}
			if rep == nil || rep.MultilineRows != 1 || len(rep.Multiline) != 1 || rep.Multiline[0].Row != tc.row {
				t.Fatalf("report lists %+v", rep)
			}
			// A dry run shows the row, and writes nothing.
			dry, err := importTextErr(t, fx.s, []byte(tc.text), data.ImportOptions{DryRun: true})
			if err != nil && !errors.Is(err, data.ErrImportNoRows) && !errors.Is(err, data.ErrImportNoHeader) {
				t.Fatalf("dry run: %v", err)
			}
			if dry == nil || len(dry.Multiline) != 1 || dry.Multiline[0].Row != tc.row {
				t.Errorf("dry run lists %+v", dry)
			}
		})
	}
}

func TestImportUnclosedQuoteConfirmedIsRejectedNotMerged(t *testing.T) {
	// Given the file, confirmed: the row whose quote runs to the end of the file is rejected
	// (a cell that holds the rest of the file is never meant), not imported as one customer.
	fx := newImportFixture(t)
	text := "客户名称,联系人,电话\r\n\"甲二公司,张,13800138000\r\n乙公司,李,13900139000\r\n丙公司,王,13700137000\r\n"
	rep, err := importTextErr(t, fx.s, []byte(text), data.ImportOptions{AllowMultiline: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(fx.s.Customers(data.CustomerFilter{})); n != 0 {
		t.Errorf("%d customers imported from an unclosed quote", n)
	}
	if got := problemsOf(rep, 2); !strings.Contains(got, "never closed") {
		t.Errorf("row 2: %q", got)
	}
}

func TestImportMultilineAddressNeedsConfirmation(t *testing.T) {
	// An address on two lines in a quoted cell is legitimate: listed, refused without a yes, imported
	// with one, the line break kept.
	text := "客户名称,电话,备注\n北京科技,13800138000,\"北京市海淀区\n中关村大街1号\"\n上海贸易,13900139000,\n"
	fx := newImportFixture(t)
	if _, err := importTextErr(t, fx.s, []byte(text), data.ImportOptions{}); !errors.Is(err, data.ErrMultilineField) {
		t.Fatalf("import without a yes: %v", err)
	}
	dry, err := importTextErr(t, fx.s, []byte(text), data.ImportOptions{DryRun: true})
	if err != nil || len(dry.Multiline) != 1 || dry.Multiline[0].Row != 2 || dry.Multiline[0].Column != "备注" ||
		strings.Contains(dry.Multiline[0].Message, "not closed") || dry.Customers.Created != 2 {
		t.Fatalf("dry run: %v %+v", err, dry)
	}
	rep, err := importTextErr(t, fx.s, []byte(text), data.ImportOptions{AllowMultiline: true})
	if err != nil || rep.Customers.Created != 2 {
		t.Fatalf("confirmed import: %v %+v", err, rep)
	}
	if c := customerNamed(t, fx.s, "北京科技"); !strings.Contains(c.Notes, "海淀区\n中关村") {
		t.Errorf("notes %q", c.Notes)
	}
}

func TestImportBadByteRejectsItsRow(t *testing.T) {
	// One invalid byte in a UTF-8 file (or in a GBK one) rejects its row with the column named; the
	// file keeps its encoding and the other rows import.
	lines := []string{"客户名称,联系人,电话", "甲公司,张三,13800138001", "乙公司,李四,13800138002",
		"丙公司,王五,13800138003", "丁公司,赵六,13800138004", "戊公司,钱七,13800138005"}
	gbk := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		row  int // the line the bad byte goes into
		col  int
		bom  bool
		gbk  bool
		bad  string
	}{
		{"UTF-8, row 2", 2, 1, false, false, "\xff"},
		{"UTF-8, row 4, a cut sequence", 4, 2, false, false, "\xe4\xb8"},
		{"UTF-8, last row", 6, 3, false, false, "\x80"},
		{"UTF-8 with a mark, row 3", 3, 2, true, false, "\xfe"},
		{"GBK, row 5", 5, 2, false, true, "\xff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if tc.bom {
				b.Write(data.BomUTF8)
			}
			for i, l := range lines {
				if i+1 == tc.row {
					cells := strings.Split(l, ",")
					cells[tc.col-1] = cells[tc.col-1][:3] + tc.bad + cells[tc.col-1][3:]
					l = strings.Join(cells, ",")
				}
				if tc.gbk {
					// Encoded cell by cell so that the bad byte stays as it is.
					var parts []string
					for _, c := range strings.Split(l, ",") {
						if strings.Contains(c, tc.bad) {
							i := strings.Index(c, tc.bad)
							parts = append(parts, gbk(c[:i])+tc.bad+gbk(c[i+len(tc.bad):]))
						} else {
							parts = append(parts, gbk(c))
						}
					}
					l = strings.Join(parts, ",")
				}
				b.WriteString(l + "\n")
			}
			fx := newImportFixture(t)
			rep, err := importTextErr(t, fx.s, b.Bytes(), data.ImportOptions{})
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if got := rejectedRows(rep); len(got) != 1 || got[0] != tc.row {
				t.Fatalf("rejected rows %v; want [%d]", got, tc.row)
			}
			p := rep.Rejected[0].Problems[0]
			if !errors.Is(p.Err, data.ErrBadText) || p.Column != strings.Split(lines[0], ",")[tc.col-1] {
				t.Errorf("problem %+v", p)
			}
			if rep.Customers.Created != len(lines)-2 {
				t.Errorf("%d customers created; want %d", rep.Customers.Created, len(lines)-2)
			}
			for i, l := range lines[1:] {
				if i+2 != tc.row {
					_ = customerNamed(t, fx.s, strings.Split(l, ",")[0])
				}
			}
		})
	}
}

func TestDetectEncodingByEvidence(t *testing.T) {
	text := strings.Repeat("客户名称,联系人,电话\n北京科技有限公司,张三,13800138000\n", 50)
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	for _, tc := range []struct {
		name string
		raw  []byte
		want data.TextEncoding
	}{
		{"UTF-8 with one bad byte", []byte(strings.Replace(text, "张三", "张\xff三", 1)), data.EncodingUTF8},
		{"UTF-8 with a few bad bytes", []byte(strings.Replace(text, "张三", "张\xff\xfe三\x80", 3)), data.EncodingUTF8},
		{"ASCII with one high byte", []byte("name,phone\nabc\xff,1\n"), data.EncodingUTF8},
		{"GBK", gbk, data.EncodingGB18030},
		{"GBK with one bad byte", append(append([]byte{}, gbk...), 0xff, '\n'), data.EncodingGB18030},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if enc, err := data.DetectEncoding(bytes.NewReader(tc.raw), int64(len(tc.raw))); err != nil || enc != tc.want {
				t.Errorf("%s, %v; want %s", enc, err, tc.want)
			}
		})
	}
}

func TestImportLineEnds(t *testing.T) {
	// Old Mac programs end lines with CR alone; files put together from several end lines each their
	// own way. Every data row is read, numbered as a text editor numbers it.
	for name, text := range map[string]string{
		"CR":                    "客户名称,联系人,电话\r甲公司,张,13800138001\r乙公司,李,13800138002\r丙公司,王,13800138003\r",
		"CR without a last end": "客户名称,联系人,电话\r甲公司,张,13800138001\r乙公司,李,13800138002\r丙公司,王,13800138003",
		"CRLF, LF and CR mixed": "客户名称,联系人,电话\r\n甲公司,张,13800138001\n乙公司,李,13800138002\r丙公司,王,13800138003\r\n",
		"LF":                    "客户名称,联系人,电话\n甲公司,张,13800138001\n乙公司,李,13800138002\n丙公司,王,13800138003\n",
	} {
		t.Run(name, func(t *testing.T) {
			fx := newImportFixture(t)
			rep, err := importTextErr(t, fx.s, []byte(text), data.ImportOptions{})
			if err != nil || rep.Customers.Created != 3 || len(rep.Rejected) != 0 {
				t.Fatalf("import: %v %+v", err, rep)
			}
			rows := map[int]string{}
			for _, o := range rep.Outcomes {
				rows[o.Row] = o.Label
			}
			if len(rows) != 3 || rows[2] == "" || rows[4] == "" {
				t.Errorf("rows %v; want 2, 3, 4", rows)
			}
		})
	}
	// A CRLF cut between two reads is one line end.
	got, err := io.ReadAll(data.NewLineEnds(iotest.OneByteReader(strings.NewReader("a\r\nb\rc\n\r\n\rd"))))
	if err != nil || string(got) != "a\nb\nc\n\n\nd" {
		t.Errorf("%q %v", got, err)
	}
}

func TestImportMessagesQuoteShortly(t *testing.T) {
	// A 5 MB cell, a 5 MB header, a 5 MB sheet name: no message, on screen or in the rejected-rows
	// file, quotes more than a line of them.
	huge := strings.Repeat("很长", 2_600_000)
	text := "客户名称,首次接触时间,电话," + huge + "\n" +
		huge + ",2024-01-01,13800138000,x\n" +
		"甲公司," + huge + ",13800138000,x\n" +
		"乙公司,2024-01-01," + huge + ",x\n"
	fx := newImportFixture(t)
	rep, err := importTextErr(t, fx.s, []byte(text), data.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if len(rep.Rejected) == 0 {
		t.Fatal("no row rejected")
	}
	const most = 400
	var all []data.RowProblem
	for _, r := range rep.Rejected {
		all = append(all, r.Problems...)
	}
	all = append(all, rep.Warnings...)
	for _, p := range all {
		if s := p.String(); len(s) > most {
			t.Errorf("a message of %d bytes: %.120s…", len(s), s)
		}
		if len(p.Value) > most || len(p.Message) > most || len(p.Column) > most {
			t.Errorf("a problem holds %d, %d, %d bytes", len(p.Value), len(p.Message), len(p.Column))
		}
	}
	var b bytes.Buffer
	if err := rep.WriteRejects(&b); err != nil {
		t.Fatal(err)
	}
	// The file keeps the cells whole (to be fixed and imported again); its problems column is short.
	if !strings.Contains(b.String(), huge) {
		t.Error("the rejected-rows file lost the cell")
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if i := strings.LastIndex(line, ","); i >= 0 && len(line)-i > most {
			t.Errorf("a problems column of %d bytes", len(line)-i)
		}
	}
	if e := data.Excerpt(huge); len(e) > 200 || !strings.Contains(e, "5200000") {
		t.Errorf("Excerpt: %q", e)
	}
	if e := data.Excerpt("短"); e != "短" {
		t.Errorf("Excerpt of a short text: %q", e)
	}
	// Quoted again (a problem's text is quoted when it is made and when it is shown), an excerpt keeps
	// the length of the cell it came from.
	if e := data.Excerpt(data.Excerpt(huge)); e != data.Excerpt(huge) {
		t.Errorf("Excerpt of an excerpt: %q", e)
	}
	for _, p := range all {
		if p.Value != "" && !strings.Contains(p.String(), "(5200000 characters)") {
			t.Errorf("the message lost the cell's length: %s", p)
		}
	}
}
