package storage

import (
	"archive/zip"
	"bytes"
	"context"
	"salesdesk/data"
	"strings"
	"testing"
)

// handWorkbook builds a workbook part by part, in the forms other programs than Excel write: prefixed
// element names, cells without references, inline strings, rich and phonetic shared strings, entities,
// a formula's cached value, a boolean, and the 1904 date system.
func handWorkbook(t *testing.T, date1904 bool, sheet string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	add("_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `+
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+pr+
		`<sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`+
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`)
	add("xl/sharedStrings.xml", `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+
		`<si><t>客户名称</t></si><si><t>电话</t></si><si><t>首次接触时间</t></si><si><t>备注</t></si>`+
		`<si><r><rPr><b/></rPr><t>北京</t></r><r><t xml:space="preserve">科技 &amp; 贸易</t></r><rPh sb="0" eb="2"><t>ペキン</t></rPh></si>`+
		`<si/></sst>`)
	add("xl/worksheets/sheet1.xml", sheet)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWorkbookReader(t *testing.T) {
	sheet := `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<x:sheetData>` +
		`<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="s"><x:v>3</x:v></x:c></x:row>` +
		`<!-- a comment --><x:row r="3"><x:c t="s"><x:v>4</x:v></x:c><x:c><x:v>13800138000</x:v></x:c><x:c s="2"><x:v>43905</x:v></x:c>` +
		`<x:c t="inlineStr"><x:is><x:t>&lt;重要&gt; &#x5BA2;&#25143;</x:t></x:is></x:c></x:row>` +
		`<x:row><x:c r="A4" t="str"><x:f>CONCAT("上海","贸易")</x:f><x:v>上海贸易</x:v></x:c><x:c r="D4" t="b"><x:v>1</x:v></x:c></x:row>` +
		`<x:row r="5"><x:c r="A5" t="s"><x:v>5</x:v></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`
	for _, date1904 := range []bool{false, true} {
		raw := handWorkbook(t, date1904, sheet)
		src, err := data.ReadImport("hand.xlsx", bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			t.Fatal(err)
		}
		sh := src.Sheets[0]
		var rows []string
		_ = sh.Each(context.Background(), func(r data.SourceRow) error {
			rows = append(rows, strings.Join(r.Cells, "|"))
			return nil
		})
		want := []string{"北京科技 & 贸易|13800138000|43905|<重要> 客户", "上海贸易|||1"}
		if sh.Name != "客户" || sh.HeaderRow != 1 || strings.Join(rows, "\n") != strings.Join(want, "\n") || sh.Rows != 2 {
			t.Fatalf("1904=%v: sheet %q header row %d, %d rows %q", date1904, sh.Name, sh.HeaderRow, sh.Rows, rows)
		}
		// The serial 43905 is 2020-03-15 counted from 1900, and 2024-03-16 counted from 1904.
		s := newStore(t, nil)
		if _, err := s.Import(context.Background(), stActor, src, data.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		c := customerNamed(t, s, "北京科技 & 贸易")
		want1st := map[bool]string{false: "2020-03-15", true: "2024-03-16"}[date1904]
		if data.FormatDate(c.FirstContact) != want1st || c.Contacts[0].Phone != "13800138000" || c.Notes != "<重要> 客户" {
			t.Errorf("1904=%v: card %+v", date1904, c)
		}
	}
}

func TestUnescapeXML(t *testing.T) {
	for in, want := range map[string]string{"a&amp;b": "a&b", "&lt;&gt;&quot;&apos;": `<>"'`, "&#20013;&#x6587;": "中文",
		"&unknown; & x": "&unknown; & x", "&#xZZ;": "&#xZZ;", "&#1114112;": "&#1114112;", "plain": "plain"} {
		if got := data.UnescapeXML([]byte(in)); got != want {
			t.Errorf("unescapeXML(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestWorkbookReaderRefuses(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("readme.txt")
	_, _ = w.Write([]byte("not a workbook"))
	_ = zw.Close()
	if _, err := data.ReadImport("a.xlsx", bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil ||
		!strings.Contains(err.Error(), "not an Excel workbook") {
		t.Errorf("a zip of text: %v", err)
	}
	raw := handWorkbook(t, false, `<worksheet><sheetData><row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v>`)
	if _, err := data.ReadImport("b.xlsx", bytes.NewReader(raw), int64(len(raw))); err == nil || !strings.Contains(err.Error(), "not closed") {
		t.Errorf("a sheet cut in a cell: %v", err)
	}
}
