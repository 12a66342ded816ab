package data

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Reading the cells of an imported row. Spreadsheets spell dates, amounts and choices in more ways than
// a form allows, so import reads more forms than the card's fields do, and reports each cell it cannot
// read with the row, the column and the reason.

var (
	dateDayFirstRe = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})$`)
	timeOfDayRe    = regexp.MustCompile(`^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$`)
	SerialRe       = regexp.MustCompile(`^\d{5,6}(\.\d+)?$`)
	LeadDateRe     = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?`)
	LeadMonthDayRe = regexp.MustCompile(`^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?`)
)

// excelEpoch is day 0 of Excel's serial dates (1900 system, past its phantom 29 February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ParseImportDate reads a date as spreadsheets hold them: every form ParseDate reads, a date with a
// time of day ("2024/3/15 14:30", "2024-03-15T14:30:00Z"), day first with dots (15.03.2024), and Excel's
// serial day numbers (45366, also with a fraction for the time), which is what a date-formatted cell
// of a workbook stores. It returns local midnight of the day, like ParseDate.
func ParseImportDate(s string) (time.Time, error) {
	t, err := ParseDate(s)
	if err == nil || errors.Is(err, ErrDateEmpty) {
		return t, err
	}
	h := strings.TrimSpace(ToHalfWidth(s))
	if i := strings.IndexAny(h, " T"); i > 0 && timeOfDayRe.MatchString(strings.TrimSpace(h[i+1:])) {
		return ParseDate(h[:i])
	}
	if m := dateDayFirstRe.FindStringSubmatch(h); m != nil {
		return ParseDate(m[3] + "-" + m[2] + "-" + m[1])
	}
	if SerialRe.MatchString(h) {
		f, _ := strconv.ParseFloat(h, 64)
		// 10000 is 1927-05-18 and 109573 is 2199-12-31: a five- or six-digit number in a date column
		// outside them is not a date.
		if f >= 10000 && f < 109574 {
			d := excelEpoch.AddDate(0, 0, int(f))
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.Local), nil
		}
	}
	return time.Time{}, err
}

// foldChoice is the key a choice cell is matched by: width, case, spaces and punctuation folded.
func FoldChoice(s string) string {
	return foldHeader(strings.ToLower(norm.NFKC.String(strings.TrimSpace(s))))
}

// choiceTable maps the folded spellings of each choice to its stored value.
type ChoiceTable map[string]string

func (t ChoiceTable) Parse(s string) (string, error) {
	if v, ok := t[FoldChoice(s)]; ok {
		return v, nil
	}
	return "", ErrChoiceInvalid
}
