package data

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSV injection (OWASP): Excel and LibreOffice evaluate a CSV cell that starts with = + - @ (and, in
// some versions, a tab or a CR before one) as a formula, so a customer named =HYPERLINK(…) becomes a
// live link or command in the file a colleague opens. Every CSV SalesDesk writes prefixes such a cell
// with a single quote, which the spreadsheet shows as text; SalesDesk's own import takes the quote off
// again, so an export reads back the same.
//
// A plain number (-1200, +5, -1,200.50) is written as it is: a spreadsheet reads it as that number and
// nothing else, and quoting it would turn every negative amount into text. Anything else after a sign
// is quoted, so "-1+1", "-cmd" and a phone number written "+86 138 0013 8000" are.

// neutralisedStarts are the first characters that make a spreadsheet read a cell as a formula.
const NeutralisedStarts = "=+-@\t\r"

// NeutraliseCSVCell returns the cell as a CSV export writes it.
func NeutraliseCSVCell(s string) string {
	if needsNeutralising(s) {
		return "'" + s
	}
	return s
}

// UnneutraliseCSVCell undoes NeutraliseCSVCell: the import reads a cell through it.
func UnneutraliseCSVCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && needsNeutralising(s[1:]) {
		return s[1:]
	}
	return s
}

// needsNeutralising tells a cell that a spreadsheet would run, or one that already starts with the
// quote before such a cell (so that the quote the user typed survives the round trip too).
func needsNeutralising(s string) bool {
	t := strings.TrimLeft(s, "'")
	return t != "" && strings.IndexByte(NeutralisedStarts, t[0]) >= 0 && !IsPlainNumber(t)
}

// isPlainNumber tells a signed decimal number, with thousands commas allowed: [+-]digits[,.digits]…
func IsPlainNumber(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" || s[0] < '0' || s[0] > '9' || s[len(s)-1] < '0' || s[len(s)-1] > '9' {
		return false
	}
	dots := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == ',' && dots == 0 && s[i+1] != ',' && s[i+1] != '.':
		case c == '.' && dots == 0 && s[i+1] != ',':
			dots++
		default:
			return false
		}
	}
	return true
}

// unneutraliseCells is the import's hook: each CSV cell once trimmed, so that a tab or CR the quote
// protected is kept as the export had it.
func unneutraliseCells(rec []string) []string {
	for i, c := range rec {
		rec[i] = UnneutraliseCSVCell(c)
	}
	return rec
}

// safeCSVWriter is the one CSV writer of SalesDesk's exports: it neutralises every cell it writes.
type safeCSVWriter struct {
	cw  *csv.Writer
	rec []string
}

func newSafeCSVWriter(w io.Writer) *safeCSVWriter { return &safeCSVWriter{cw: csv.NewWriter(w)} }

func (w *safeCSVWriter) Write(record []string) error {
	w.rec = w.rec[:0]
	for _, c := range record {
		// encoding/csv drops a cell's CRs in CRLF mode; judged without them, a cell like "\rabc"
		// gets no quote it would then keep on import.
		if w.cw.UseCRLF {
			c = strings.ReplaceAll(c, "\r", "")
		}
		w.rec = append(w.rec, NeutraliseCSVCell(c))
	}
	return w.cw.Write(w.rec)
}

func (w *safeCSVWriter) Flush()       { w.cw.Flush() }
func (w *safeCSVWriter) Error() error { return w.cw.Error() }
