package data

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A workbook is read for import by this small reader of SpreadsheetML rather than by excelize, whose
// reader decodes every cell through encoding/xml and reflection: at 100,000 rows that was two thirds
// of an import's time. The reader needs only the cells' stored values: the shared strings, inline
// strings and numbers as stored (a date cell's serial number, which the date fields read). It scans
// the sheet's XML bytes for the few elements that carry them (row, c, v, is, t) and passes over the
// rest (formulas, formatting, extensions).

// workbookReader is an opened workbook: its worksheets and shared strings.
type workbookReader struct {
	files   map[string]*zip.File
	sheets  []workbookSheet
	strings []string
	// date1904 marks a workbook counting days from 1904 (old Mac Excel): its serial numbers are 1,462
	// days short of the 1900 count the date fields read.
	date1904 bool
	limit    int64
}

type workbookSheet struct {
	name, path string
}

// errXLSX says what is wrong with a workbook's structure.
func errXLSX(format string, a ...any) error {
	for i, v := range a {
		if s, ok := v.(string); ok {
			a[i] = Excerpt(s) // a part's or a sheet's name is the archive's to choose, at any length
		}
	}
	return fmt.Errorf("%w (%s)", ErrImportDamaged, fmt.Sprintf(format, a...))
}

// openWorkbookReader reads the workbook's parts list, its sheets and its shared strings. limit bounds the
// unpacked size of any one part, against an archive built to unpack to gigabytes.
func openWorkbookReader(raw []byte, limit int64) (*workbookReader, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, errXLSX("%v", err)
	}
	b := &workbookReader{files: map[string]*zip.File{}, limit: limit}
	for _, f := range zr.File {
		b.files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	wbPath := "xl/workbook.xml"
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if root, err := b.part("_rels/.rels"); err == nil && xml.Unmarshal(root, &rels) == nil {
		for _, r := range rels.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = strings.TrimPrefix(r.Target, "/")
			}
		}
	}
	wbXML, err := b.part(wbPath)
	if err != nil {
		return nil, errXLSX("no workbook part: not an Excel workbook")
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			RID2 string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wbXML, &wb); err != nil {
		return nil, errXLSX("workbook: %v", err)
	}
	b.date1904 = wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	dir := path.Dir(wbPath)
	rels.Rels = nil
	wbRels, _ := b.part(path.Join(dir, "_rels", path.Base(wbPath)+".rels"))
	if err := xml.Unmarshal(wbRels, &rels); err != nil && len(wbRels) > 0 {
		return nil, errXLSX("workbook relations: %v", err)
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(dir, t)
		}
		target[r.ID] = t
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			if err := b.readSharedStrings(t); err != nil {
				return nil, err
			}
		}
	}
	for _, s := range wb.Sheets {
		id := s.RID
		if id == "" {
			id = s.RID2
		}
		if p, ok := target[id]; ok && b.files[strings.ToLower(p)] != nil {
			b.sheets = append(b.sheets, workbookSheet{name: s.Name, path: p})
		}
	}
	if len(b.sheets) == 0 {
		return nil, errXLSX("the workbook lists no worksheet")
	}
	return b, nil
}

// part unpacks one part of the archive, refusing one larger than the limit.
func (b *workbookReader) part(name string) ([]byte, error) {
	f := b.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
	if f == nil {
		// A part the workbook names but the archive lacks is damage, like any other.
		return nil, errXLSX("no part %s", name)
	}
	if f.UncompressedSize64 > uint64(b.limit) {
		return nil, errXLSX("part %s unpacks to %d bytes", name, f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errXLSX("%s: %v", name, err)
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, min(f.UncompressedSize64, uint64(b.limit))))
	n, err := io.Copy(buf, io.LimitReader(rc, b.limit+1))
	if err != nil {
		return nil, errXLSX("%s: %v", name, err)
	}
	if n > b.limit {
		return nil, errXLSX("part %s unpacks to more than %d bytes", name, b.limit)
	}
	return buf.Bytes(), nil
}

// readSharedStrings reads the table of strings cells point into: each <si> is its <t> texts joined,
// leaving out phonetic runs (<rPh>), as Excel shows it.
func (b *workbookReader) readSharedStrings(name string) error {
	data, err := b.part(name)
	if err != nil {
		return err
	}
	sc := xmlScanner{data: data}
	var cur strings.Builder
	in, phonetic := false, 0
	for {
		tag, ok := sc.next()
		if !ok {
			break
		}
		switch tag.name {
		case "si":
			if tag.end {
				b.strings = append(b.strings, cur.String())
				in = false
			} else if tag.selfClosing {
				b.strings = append(b.strings, "")
			} else {
				cur.Reset()
				in, phonetic = true, 0
			}
		case "rPh":
			if tag.end {
				phonetic--
			} else if !tag.selfClosing {
				phonetic++
			}
		case "t":
			if in && !tag.end && !tag.selfClosing {
				text, ok := sc.textUntil("t")
				if !ok {
					return errXLSX("shared strings: an unclosed text")
				}
				if phonetic == 0 {
					cur.WriteString(text)
				}
			}
		}
	}
	return nil
}

// eachRow hands the non-empty rows of a worksheet to fn, numbered as Excel numbers them.
func (b *workbookReader) eachRow(ctx context.Context, ref workbookSheet, fn func(SourceRow) error) error {
	data, err := b.part(ref.path)
	if err != nil {
		return err
	}
	sc := xmlScanner{data: data}
	rowNum, col := 0, 0
	var cells []string
	inRow := false
	emit := func() error {
		cells = trimCells(cells)
		if len(cells) == 0 {
			return nil
		}
		r := SourceRow{Row: rowNum, Cells: cells}
		cells = nil
		return fn(r)
	}
	for n := 0; ; n++ {
		if n&8191 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		tag, ok := sc.next()
		if !ok {
			break
		}
		switch tag.name {
		case "row":
			switch {
			case tag.end:
				if inRow {
					if err := emit(); err != nil {
						return err
					}
				}
				inRow = false
			default:
				if r, err := strconv.Atoi(tag.attr("r")); err == nil && r > rowNum && r <= 1<<20 {
					rowNum = r
				} else {
					rowNum++
				}
				col, cells, inRow = 0, nil, !tag.selfClosing
			}
		case "c":
			if tag.end || !inRow {
				continue
			}
			if c, ok := columnOf(tag.attr("r")); ok {
				col = c
			}
			value := ""
			if !tag.selfClosing {
				v, ok := sc.cellValue(tag.attr("t"), b.strings)
				if !ok {
					return errXLSX("%s row %d: a cell is not closed", ref.name, rowNum)
				}
				value = v
			}
			if col < 1<<14 {
				for len(cells) < col {
					cells = append(cells, "")
				}
				cells = append(cells, strings.TrimSpace(value))
			}
			col++
		case "sheetData":
			if tag.end {
				return nil
			}
		}
	}
	return nil
}

// columnOf reads the column of a cell reference ("AB12" is column 27, 0-based).
func columnOf(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > 1<<14 {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return col - 1, true
}

// xmlScanner finds the tags of an XML document in its bytes. It knows what a spreadsheet part needs:
// start, end and empty tags with their attributes, character data with the five entities and numeric
// references, and comments, processing instructions and CDATA to pass over.
type xmlScanner struct {
	data []byte
	pos  int
}

type xmlTag struct {
	name             string // local name, without a namespace prefix
	end, selfClosing bool
	attrs            []byte // the raw attribute text of a start tag
}

// attr returns an attribute's value by local name, "" when absent.
func (t xmlTag) attr(name string) string {
	a := t.attrs
	for len(a) > 0 {
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return ""
		}
		key := bytes.TrimSpace(a[:eq])
		if i := bytes.LastIndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		rest := bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return ""
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return ""
		}
		if string(key) == name {
			return UnescapeXML(rest[1 : 1+end])
		}
		a = rest[end+2:]
	}
	return ""
}

// next returns the next tag after pos.
func (s *xmlScanner) next() (xmlTag, bool) {
	for {
		i := bytes.IndexByte(s.data[s.pos:], '<')
		if i < 0 {
			s.pos = len(s.data)
			return xmlTag{}, false
		}
		s.pos += i + 1
		rest := s.data[s.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("!--")):
			if !s.skipPast("-->") {
				return xmlTag{}, false
			}
			continue
		case bytes.HasPrefix(rest, []byte("![CDATA[")):
			if !s.skipPast("]]>") {
				return xmlTag{}, false
			}
			continue
		case len(rest) > 0 && (rest[0] == '?' || rest[0] == '!'):
			if !s.skipPast(">") {
				return xmlTag{}, false
			}
			continue
		}
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			s.pos = len(s.data)
			return xmlTag{}, false
		}
		body := rest[:end]
		s.pos += end + 1
		var t xmlTag
		if len(body) > 0 && body[0] == '/' {
			t.end, body = true, body[1:]
		}
		if len(body) > 0 && body[len(body)-1] == '/' {
			t.selfClosing, body = true, body[:len(body)-1]
		}
		nameEnd := bytes.IndexAny(body, " \t\r\n")
		name := body
		if nameEnd >= 0 {
			name, t.attrs = body[:nameEnd], body[nameEnd:]
		}
		if c := bytes.LastIndexByte(name, ':'); c >= 0 {
			name = name[c+1:]
		}
		t.name = string(name)
		return t, true
	}
}

func (s *xmlScanner) skipPast(marker string) bool {
	i := bytes.Index(s.data[s.pos:], []byte(marker))
	if i < 0 {
		s.pos = len(s.data)
		return false
	}
	s.pos += i + len(marker)
	return true
}

// textUntil returns the character data up to the end tag of name (CDATA sections included) and moves
// past that tag.
func (s *xmlScanner) textUntil(name string) (string, bool) {
	var parts []byte
	start := s.pos
	for {
		i := bytes.IndexByte(s.data[s.pos:], '<')
		if i < 0 {
			return "", false
		}
		at := s.pos + i
		rest := s.data[at+1:]
		if bytes.HasPrefix(rest, []byte("![CDATA[")) {
			parts = append(parts, UnescapeXML(s.data[start:at])...)
			e := bytes.Index(rest, []byte("]]>"))
			if e < 0 {
				return "", false
			}
			parts = append(parts, rest[8:e]...)
			s.pos = at + 1 + e + 3
			start = s.pos
			continue
		}
		text := s.data[start:at]
		s.pos = at
		tag, ok := s.next()
		if !ok {
			return "", false
		}
		if tag.end && tag.name == name {
			if parts == nil {
				return UnescapeXML(text), true
			}
			return string(append(parts, UnescapeXML(text)...)), true
		}
		// Markup inside the text (not expected in a spreadsheet): keep what came before it.
		parts = append(parts, UnescapeXML(text)...)
		start = s.pos
	}
}

// cellValue reads the value of a <c> element whose start tag was just read, up to its end tag: <v>
// for numbers, shared strings (by index), formula results and booleans, <is> for inline strings.
func (s *xmlScanner) cellValue(typ string, shared []string) (string, bool) {
	var value string
	var inline strings.Builder
	phonetic := 0
	for {
		tag, ok := s.next()
		if !ok {
			return "", false
		}
		switch {
		case tag.name == "c" && tag.end:
			if typ == "inlineStr" {
				return inline.String(), true
			}
			return value, true
		case tag.name == "v" && !tag.end && !tag.selfClosing:
			v, ok := s.textUntil("v")
			if !ok {
				return "", false
			}
			value = v
			if typ == "s" {
				i, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || i < 0 || i >= len(shared) {
					value = ""
				} else {
					value = shared[i]
				}
			}
		case tag.name == "f" && !tag.end && !tag.selfClosing:
			if _, ok := s.textUntil("f"); !ok {
				return "", false
			}
		case tag.name == "rPh":
			if tag.end {
				phonetic--
			} else if !tag.selfClosing {
				phonetic++
			}
		case tag.name == "t" && !tag.end && !tag.selfClosing:
			t, ok := s.textUntil("t")
			if !ok {
				return "", false
			}
			if phonetic == 0 {
				inline.WriteString(t)
			}
		}
	}
}

// unescapeXML decodes the five entities and numeric character references; anything else is kept as
// written.
func UnescapeXML(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b))
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			out.Write(b)
			break
		}
		out.Write(b[:i])
		b = b[i:]
		semi := bytes.IndexByte(b, ';')
		if semi < 0 || semi > 12 {
			out.WriteByte('&')
			b = b[1:]
			continue
		}
		ent := string(b[1:semi])
		switch ent {
		case "amp":
			out.WriteByte('&')
		case "lt":
			out.WriteByte('<')
		case "gt":
			out.WriteByte('>')
		case "quot":
			out.WriteByte('"')
		case "apos":
			out.WriteByte('\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				out.WriteString("&" + ent + ";")
				b = b[semi+1:]
				continue
			}
			out.WriteRune(r)
		}
		b = b[semi+1:]
	}
	return out.String()
}

func charRef(ent string) (rune, bool) {
	if !strings.HasPrefix(ent, "#") {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if strings.HasPrefix(digits, "x") || strings.HasPrefix(digits, "X") {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}
