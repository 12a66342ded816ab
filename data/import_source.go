package data

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Errors of reading an import file; each is a message a user can act on.
var (
	ErrImportEmpty       = errors.New("the file is empty")
	ErrImportNoRows      = errors.New("the file has a header row but no data rows: nothing to import")
	ErrImportNoHeader    = errors.New("no column header of the file names a field SalesDesk knows (客户名称, 联系人, 电话 …)")
	ErrImportFileType    = errors.New("the file is neither a CSV file nor an Excel workbook (.xlsx)")
	ErrImportDamaged     = errors.New("the file is damaged or incomplete")
	ErrImportTooManyRows = fmt.Errorf("the file has more than %d rows; split it into smaller files", MaxImportRows)
	ErrImportTooLarge    = fmt.Errorf("the file is larger than %d MB; split it into smaller files", MaxImportBytes>>20)
)

// MaxImportBytes bounds a file sent to the office's host to import: far above MaxImportRows rows of a
// real list, so that only a file that is not one is refused, before the host keeps all of it.
const MaxImportBytes = 512 << 20

// MaxImportRows bounds one import. A larger file is refused before anything is written: SalesDesk keeps
// every customer's row in memory, and a team's real lists are far smaller.
const MaxImportRows = 200_000

// previewRows is how many data rows a sheet keeps in memory for the mapping step's preview.
const PreviewRows = 20

// headerSearchRows is how far down a sheet the header row is looked for: templates often carry a title
// row ("客户信息管理表") above it.
const headerSearchRows = 10

// SourceRow is one data row as the file holds it.
type SourceRow struct {
	Row   int      // the row number the user sees in Excel or a text editor (1-based)
	Cells []string // trailing empty cells trimmed
	// Cut marks a last row that ends in the middle: the file was cut short.
	Cut bool
	// Problem is why the row could not be read as a record, if it could not.
	Problem string
	// ProblemCol is the cell (1-based) Problem is about; 0 when it is about the whole row.
	ProblemCol int
	// ProblemErr is the sentinel Problem begins with, when there is one (ErrBadText, ErrQuoteUnclosed).
	ProblemErr error
	// Spans is how many line ends the row's cells hold: a quoted cell may run over several lines
	// (an address on two lines), and an opening quote left unclosed takes the rows below into one cell.
	Spans int
	// SpansCol is the cell (1-based) that holds the most of them.
	SpansCol int
	// SpansRows is how many of the lines inside that cell look like rows of the table (they hold as many
	// separators as a row): the sign of an unclosed quote rather than a cell meant to run over lines.
	SpansRows int
}

// ImportSheet is one table of an import file: a CSV file has one, a workbook one per worksheet.
type ImportSheet struct {
	Name      string
	Header    []string
	HeaderRow int
	// Rows is the number of data rows below the header (empty rows not counted).
	Rows int
	// date1904 marks a sheet of a workbook that counts days from 1904.
	Date1904 bool
	// Sample holds the first data rows, for the preview.
	Sample []SourceRow
	// Multiline lists the rows (the header row too) whose cells run over several lines, the first
	// maxMultilineListed of them; MultilineRows counts them all. Such a row is imported only when the
	// user says the line breaks are meant (ImportOptions.AllowMultiline).
	Multiline     []RowProblem
	MultilineRows int
	// Mapping says which column fills which field; OpenImport fills it in, the user may change it.
	Mapping Mapping
	// Skip leaves the sheet out of the import.
	Skip bool

	read func(ctx context.Context, fn func(SourceRow) error) error
}

// ImportSource is an opened import file, read once to find its tables, headers and size.
type ImportSource struct {
	Name     string // the file's base name
	Format   string // "csv" or "xlsx"
	Encoding TextEncoding
	// Delimiter is a CSV file's separator: ',', or '\t' (Excel's "Unicode text"), or ';'.
	Delimiter rune
	Sheets    []*ImportSheet
	// Upload is the host's name for the file's bytes when a desktop of the office sent them there to
	// import (office.Client.OpenImport); empty for a file imported where it is.
	Upload  string
	closeFn func() error
}

// Close releases the file.
func (src *ImportSource) Close() error {
	if src.closeFn == nil {
		return nil
	}
	return src.closeFn()
}

// TotalRows is the number of data rows in the sheets not skipped.
func (src *ImportSource) TotalRows() int {
	n := 0
	for _, sh := range src.Sheets {
		if !sh.Skip {
			n += sh.Rows
		}
	}
	return n
}

// TotalMultiline is the number of rows with cells over several lines in the sheets not skipped.
func (src *ImportSource) TotalMultiline() int {
	n := 0
	for _, sh := range src.Sheets {
		if !sh.Skip {
			n += sh.MultilineRows
		}
	}
	return n
}

// OpenImport opens a CSV or XLSX file for import: it tells the two apart by content (not by the name's
// extension), finds each table's header row, maps the headers automatically and counts the rows.
func OpenImport(path string) (*ImportSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: open %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("data: open %s: %w", path, err)
	}
	src, err := ReadImport(filepath.Base(path), f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	prev := src.closeFn
	src.closeFn = func() error {
		if prev != nil {
			_ = prev()
		}
		return f.Close()
	}
	return src, nil
}

// ReadImport is OpenImport over any random-access content; r must stay readable until Close.
func ReadImport(name string, r io.ReaderAt, size int64) (*ImportSource, error) {
	if size == 0 {
		return nil, fmt.Errorf("data: %s: %w", name, ErrImportEmpty)
	}
	head := make([]byte, min(size, 16))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("data: read %s: %w", name, err)
	}
	var src *ImportSource
	var err error
	switch kind := sniff(head); kind {
	case "zip":
		src, err = openXLSXSource(name, r, size)
	case "text":
		src, err = openCSVSource(name, r, size)
	default:
		return nil, fmt.Errorf("data: %s: %w (it looks like %s)", name, ErrImportFileType, kind)
	}
	if err != nil {
		return nil, err
	}
	if src.TotalRows() > MaxImportRows {
		_ = src.Close()
		return nil, fmt.Errorf("data: %s: %w", name, ErrImportTooManyRows)
	}
	return src, nil
}

// sniff names what the first bytes of a file say it is: "zip" (an .xlsx is a zip archive), "text", or
// a description of a known binary type.
func sniff(head []byte) string {
	for _, m := range []struct {
		magic []byte
		what  string
	}{
		{[]byte("PK\x03\x04"), "zip"},
		{[]byte("PK\x05\x06"), "an empty zip archive"},
		{[]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), "an old Excel .xls workbook or an encrypted one; save it as .xlsx or CSV"},
		{[]byte("\x89PNG\r\n\x1a\n"), "a PNG image"},
		{[]byte("\xFF\xD8\xFF"), "a JPEG image"},
		{[]byte("GIF8"), "a GIF image"},
		{[]byte("%PDF"), "a PDF document"},
		{[]byte("\x1f\x8b"), "a gzip archive"},
		{[]byte("Rar!"), "a RAR archive"},
		{[]byte("7z\xBC\xAF"), "a 7-Zip archive"},
		{[]byte("SQLite format 3"), "an SQLite database"},
	} {
		if bytes.HasPrefix(head, m.magic) {
			return m.what
		}
	}
	// A bbolt file (a SalesDesk database) has its magic at offset 16 of the first page; its first bytes
	// are the page id, zeros.
	if len(head) >= 8 && bytes.Equal(head[:8], make([]byte, 8)) {
		return "a binary file (a database?)"
	}
	return "text"
}

// ---------------------------------------------------------------------------------------------
// CSV

func openCSVSource(name string, r io.ReaderAt, size int64) (*ImportSource, error) {
	enc, err := DetectEncoding(r, size)
	if errors.Is(err, ErrBinaryFile) {
		return nil, fmt.Errorf("data: %s: %w (it holds binary data)", name, ErrImportFileType)
	}
	if err != nil {
		return nil, fmt.Errorf("data: read %s: %w", name, err)
	}
	comma := sniffDelimiter(NewLineEnds(decodeText(enc, io.NewSectionReader(r, 0, min(size, 64<<10)))))
	sh := &ImportSheet{Name: name}
	sh.read = func(ctx context.Context, fn func(SourceRow) error) error {
		return eachCSVRow(ctx, NewLineEnds(decodeText(enc, io.NewSectionReader(r, 0, size))), comma, enc, fn)
	}
	src := &ImportSource{Name: name, Format: "csv", Encoding: enc, Delimiter: comma, Sheets: []*ImportSheet{sh}}
	if err := sh.scan(name); err != nil {
		return nil, err
	}
	return src, nil
}

// sniffDelimiter picks the separator of a text table from its first non-empty lines: a comma, or the
// tab Excel's "Unicode text" writes, or the semicolon of locales where the comma is the decimal mark.
func sniffDelimiter(text io.Reader) rune {
	head, _ := io.ReadAll(io.LimitReader(text, 64<<10))
	counts := map[rune]int{}
	lines := 0
	inQuote := false
scan:
	for _, r := range string(head) {
		switch {
		case r == '"':
			inQuote = !inQuote
		case inQuote:
		case r == '\n':
			if lines++; lines == 5 {
				break scan
			}
		case r == ',' || r == '\t' || r == ';':
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{'\t', ';'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// tailReader remembers the last byte read, so that a file's end can be told from a cut.
type tailReader struct {
	r    io.Reader
	last byte
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.last = p[n-1]
	}
	return n, err
}

// lineEnds turns every line end, CRLF, LF or the lone CR of old Mac programs, into LF: encoding/csv
// ends lines at LF only, so a file with CR line ends would read as one long header row. A CR inside a
// quoted cell is a line break in the cell either way.
type lineEnds struct {
	r      io.Reader
	lastCR bool // the last byte handed on was a CR turned into LF: an LF right after it is dropped
}

func NewLineEnds(r io.Reader) io.Reader { return &lineEnds{r: r} }

func (l *lineEnds) Read(p []byte) (int, error) {
	for {
		n, err := l.r.Read(p)
		out := 0
		for _, b := range p[:n] {
			switch {
			case b == '\r':
				p[out], l.lastCR = '\n', true
				out++
			case b == '\n' && l.lastCR:
				l.lastCR = false
			default:
				p[out], l.lastCR = b, false
				out++
			}
		}
		// A chunk that was only the LF of a CRLF is read again rather than handed on empty.
		if out > 0 || err != nil || n == 0 {
			return out, err
		}
	}
}

// ErrQuoteUnclosed and the messages about cells that run over lines name the quote the user has to fix.
var (
	ErrQuoteUnclosed = errors.New("a quote (\") opens a cell that is never closed: the cell takes in everything to the end of the file; " +
		"close the quote or remove it")
	ErrMultilineField = errors.New("a quoted cell runs over several lines")
	ErrBadText        = errors.New("the cell holds bytes that are not text in the file's encoding")
)

// eachCSVRow hands every non-empty record to fn. Quotes are read leniently (a stray " inside a field
// is kept). A last record that the file cuts short (no line end, and fewer fields than the first
// record or a quoted field left open) is marked Cut; one whose quoted cell runs to the end of the file
// is a Problem. A cell that is not text in the file's encoding (an invalid UTF-8 byte) makes its row a
// Problem rather than text stored garbled; the rows around it read as usual.
func eachCSVRow(ctx context.Context, text io.Reader, comma rune, enc TextEncoding, fn func(SourceRow) error) error {
	tr := &tailReader{r: text}
	cr := csv.NewReader(tr)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	width := 0
	var pending *SourceRow
	pendingFields := 0
	endsOpen := false
	flush := func(cut bool) error {
		if pending == nil {
			return nil
		}
		row := *pending
		pending = nil
		row.Cut = cut
		return fn(row)
	}
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// A malformed record is one bad row, not a bad file: report it and go on.
				if err := flush(false); err != nil {
					return err
				}
				pending = &SourceRow{Row: pe.StartLine, Problem: pe.Err.Error()}
				pendingFields = width
				continue
			}
			return fmt.Errorf("%w: %v", ErrImportDamaged, err)
		}
		line, _ := cr.FieldPos(0)
		if err := flush(false); err != nil {
			return err
		}
		row := SourceRow{Row: line}
		// Read before the cells are trimmed: a cell left open to the end of the file ends in the line end.
		open := strings.HasSuffix(rec[len(rec)-1], "\n")
		spans(&row, rec, comma, width)
		if col := badText(rec, enc); col > 0 {
			row.Problem, row.ProblemCol, row.ProblemErr = badTextMessage(rec[col-1], enc), col, ErrBadText
		}
		cells := unneutraliseCells(trimCells(rec))
		if len(cells) == 0 {
			continue
		}
		if width == 0 {
			width = len(rec)
		}
		row.Cells = cells
		pending, endsOpen = &row, open
		pendingFields = len(rec)
	}
	cut := false
	if pending != nil && len(pending.Cells) > 0 && tr.last != '\n' && tr.last != '\r' {
		last := pending.Cells[len(pending.Cells)-1]
		cut = pendingFields < width || strings.ContainsAny(last, "\r\n")
	}
	if pending != nil && !cut && endsOpen && pending.Spans > 0 && pending.Problem == "" {
		pending.Problem, pending.ProblemCol, pending.ProblemErr = ErrQuoteUnclosed.Error(), pending.SpansCol, ErrQuoteUnclosed
	}
	return flush(cut)
}

// spans counts the line ends in a record's cells, and how many of the lines in the cell with the most
// look like rows of their own.
func spans(row *SourceRow, rec []string, comma rune, width int) {
	best := 0
	for i, f := range rec {
		n := strings.Count(f, "\n")
		if n == 0 {
			continue
		}
		row.Spans += n
		if n > best {
			best, row.SpansCol = n, i+1
		}
	}
	if best == 0 {
		return
	}
	// A line of the table holds width-1 separators; one cell's text rarely holds that many.
	need := max(width-1, 1)
	rows := 0
	for _, l := range strings.Split(rec[row.SpansCol-1], "\n")[1:] {
		if strings.Count(l, string(comma)) >= need {
			rows++
		}
	}
	row.SpansRows = rows
}

// badText returns the first cell (1-based) that is not text in the file's encoding, or 0. UTF-8 files
// reach the reader undecoded, so a bad byte is still there to be seen; the other encodings' decoders
// put U+FFFD where their bytes do not decode.
func badText(rec []string, enc TextEncoding) int {
	for i, f := range rec {
		if enc == EncodingUTF8 || enc == EncodingUTF8BOM {
			if !utf8.ValidString(f) {
				return i + 1
			}
		} else if strings.ContainsRune(f, utf8.RuneError) {
			return i + 1
		}
	}
	return 0
}

func badTextMessage(cell string, enc TextEncoding) string {
	pos, what := 0, ""
	for i, r := range cell {
		if r != utf8.RuneError {
			pos++
			continue
		}
		if enc == EncodingUTF8 || enc == EncodingUTF8BOM {
			if _, size := utf8.DecodeRuneInString(cell[i:]); size == 1 {
				what = fmt.Sprintf("0x%02X, ", cell[i])
			}
		}
		break
	}
	return fmt.Sprintf("%v (%scharacter %d); the rest of the file reads as %s. The row was not imported, "+
		"so that no garbled text is stored: fix the cell and import the row again", ErrBadText, what, pos+1, enc)
}

// trimCells drops trailing empty cells and the spaces around each cell.
func trimCells(rec []string) []string {
	end := len(rec)
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	for end > 0 && rec[end-1] == "" {
		end--
	}
	return rec[:end]
}

// ---------------------------------------------------------------------------------------------
// XLSX

func openXLSXSource(name string, r io.ReaderAt, size int64) (src *ImportSource, err error) {
	defer func() {
		// A crafted archive must be a message, not a crash.
		if p := recover(); p != nil {
			src, err = nil, fmt.Errorf("data: %s: %w (%v)", name, ErrImportDamaged, p)
		}
	}()
	raw := make([]byte, size)
	if _, err := r.ReadAt(raw, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("data: read %s: %w", name, err)
	}
	// A workbook's XML unpacks to some ten times its size; the limit keeps an archive built to unpack
	// to gigabytes (a "zip bomb") from filling memory.
	book, err := openWorkbookReader(raw, min(max(size*100, 256<<20), 4<<30))
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", name, err)
	}
	src = &ImportSource{Name: name, Format: "xlsx"}
	for _, ref := range book.sheets {
		sh := &ImportSheet{Name: ref.name, Date1904: book.date1904}
		sh.read = func(ctx context.Context, fn func(SourceRow) error) error {
			return book.eachRow(ctx, ref, fn)
		}
		if err := sh.scan(name + " › " + ref.name); err != nil {
			if errors.Is(err, ErrImportEmpty) {
				continue // an empty worksheet beside the data is common
			}
			return nil, err
		}
		src.Sheets = append(src.Sheets, sh)
	}
	if len(src.Sheets) == 0 {
		return nil, fmt.Errorf("data: %s: %w (no worksheet holds data)", name, ErrImportEmpty)
	}
	return src, nil
}

// ---------------------------------------------------------------------------------------------

// errStopScan ends a scan early without an error.
var ErrStopScan = errors.New("stop")

// scan reads the sheet once: the header row (the first of the top rows in which at least two cells
// name known fields, else the first non-empty row), a sample of data rows for the preview, and the
// number of rows, up to one past the import's limit.
func (sh *ImportSheet) scan(where string) error {
	var top []SourceRow
	var multi []SourceRow
	header := -1
	count := 0
	err := sh.read(context.Background(), func(r SourceRow) error {
		if r.Spans > 0 {
			sh.MultilineRows++
			if len(multi) < maxMultilineListed+headerSearchRows {
				multi = append(multi, r)
			}
		}
		if header < 0 {
			top = append(top, r)
			if known(r.Cells) >= 2 {
				header = len(top) - 1
			} else if len(top) == headerSearchRows {
				header = 0
			} else {
				return nil
			}
			sh.Header, sh.HeaderRow = top[header].Cells, top[header].Row
			sh.Sample = append(sh.Sample, top[header+1:]...)
			count = len(sh.Sample)
			return nil
		}
		count++
		if count > MaxImportRows {
			return ErrStopScan
		}
		if len(sh.Sample) < PreviewRows {
			sh.Sample = append(sh.Sample, r)
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrStopScan) {
		return fmt.Errorf("data: %s: %w", where, err)
	}
	if header < 0 {
		if len(top) == 0 {
			return fmt.Errorf("data: %s: %w", where, ErrImportEmpty)
		}
		sh.Header, sh.HeaderRow = top[0].Cells, top[0].Row
		sh.Sample = top[1:]
		count = len(sh.Sample)
	}
	if len(sh.Sample) > PreviewRows {
		sh.Sample = sh.Sample[:PreviewRows]
	}
	sh.Rows = count
	sh.Mapping = AutoMap(sh.Header)
	for _, r := range multi {
		if r.Row < sh.HeaderRow {
			sh.MultilineRows-- // a title row above the header is not imported
			continue
		}
		if len(sh.Multiline) < maxMultilineListed {
			sh.Multiline = append(sh.Multiline, sh.multilineProblem(r))
		}
	}
	return nil
}

// maxMultilineListed bounds the rows with cells over several lines that a sheet names one by one.
const maxMultilineListed = 20

func (sh *ImportSheet) multilineProblem(r SourceRow) RowProblem {
	col := fmt.Sprintf("column %d", r.SpansCol)
	if r.Row > sh.HeaderRow && r.SpansCol <= len(sh.Header) && sh.Header[r.SpansCol-1] != "" {
		col = Excerpt(sh.Header[r.SpansCol-1])
	}
	lines := r.Spans + 1
	if r.ProblemErr == ErrQuoteUnclosed {
		lines-- // the last line end is the file's, read into the cell
	}
	msg := fmt.Sprintf("%v (%d lines)", ErrMultilineField, lines)
	switch {
	case r.ProblemErr == ErrQuoteUnclosed:
		msg += ": " + r.Problem
	case r.SpansRows > 0:
		msg += fmt.Sprintf(", and %d of them look like rows of the table: an opening quote (\") is probably not closed, "+
			"so the rows below were read into this cell", r.SpansRows)
	default:
		msg += ": a cell with line breaks, such as an address on two lines"
	}
	return RowProblem{Row: r.Row, Column: col, Message: msg, Err: ErrMultilineField}
}

// known counts the cells that name a field.
func known(cells []string) int {
	n := 0
	for _, c := range cells {
		if len(candidatesFor(c)) > 0 {
			n++
		}
	}
	return n
}

// each hands the sheet's data rows (below the header) to fn.
func (sh *ImportSheet) Each(ctx context.Context, fn func(SourceRow) error) error {
	return sh.read(ctx, func(r SourceRow) error {
		if r.Row <= sh.HeaderRow {
			return nil
		}
		return fn(r)
	})
}
