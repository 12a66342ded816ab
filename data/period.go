package data

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PeriodKind is the length of a reporting period: template 4 of seed 000 is quarterly, and a manager
// sets targets for months and years too (seed 004).
type PeriodKind uint8

const (
	PeriodNone PeriodKind = iota
	PeriodMonth
	PeriodQuarter
	PeriodYear
)

// Period is a calendar month, quarter or year. The zero Period is "no period". Its text form is the one
// the forecast already prints and the command line reads: 2024-03, 2024Q1, 2024.
type Period struct {
	Kind PeriodKind
	Year int
	// N is the month (1–12) or the quarter (1–4); 0 for a year.
	N int
}

// ErrPeriod refuses a period that is not written as 2024Q1, 2024-03 or 2024.
var ErrPeriod = errors.New("a period is written 2024Q1 (quarter), 2024-03 (month) or 2024 (year)")

// Years outside this range are typing mistakes, and Day's int32 would not hold them either.
const minPeriodYear, maxPeriodYear = 1900, 9999

// Quarter, Month and Year build periods; they panic on a number out of range, as a programming error.
func Quarter(year, q int) Period { return mustPeriod(Period{PeriodQuarter, year, q}) }

// Month is the period of one calendar month.
func Month(year int, m time.Month) Period { return mustPeriod(Period{PeriodMonth, year, int(m)}) }

// Year is the period of one calendar year.
func Year(year int) Period { return mustPeriod(Period{PeriodYear, year, 0}) }

func mustPeriod(p Period) Period {
	if !p.Valid() {
		panic(fmt.Sprintf("data: invalid period %+v", p))
	}
	return p
}

func (p Period) Valid() bool {
	if p.Year < minPeriodYear || p.Year > maxPeriodYear {
		return false
	}
	switch p.Kind {
	case PeriodMonth:
		return p.N >= 1 && p.N <= 12
	case PeriodQuarter:
		return p.N >= 1 && p.N <= 4
	case PeriodYear:
		return p.N == 0
	}
	return false
}

// PeriodOf is the period of a kind that t falls in.
func PeriodOf(kind PeriodKind, t time.Time) Period {
	switch kind {
	case PeriodMonth:
		return Period{PeriodMonth, t.Year(), int(t.Month())}
	case PeriodQuarter:
		return Period{PeriodQuarter, t.Year(), (int(t.Month())-1)/3 + 1}
	case PeriodYear:
		return Period{PeriodYear, t.Year(), 0}
	}
	return Period{}
}

// ParsePeriod reads 2024Q1 (also 2024q1), 2024-03 or 2024, with surrounding space ignored.
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	bad := func() (Period, error) { return Period{}, fmt.Errorf("%w, not %q", ErrPeriod, s) }
	num := func(t string, digits int) (int, bool) {
		if len(t) != digits {
			return 0, false
		}
		for _, r := range t {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(t)
		return n, err == nil
	}
	var p Period
	if y, q, ok := strings.Cut(strings.ToUpper(s), "Q"); ok {
		year, ok1 := num(y, 4)
		n, ok2 := num(q, 1)
		if !ok1 || !ok2 {
			return bad()
		}
		p = Period{PeriodQuarter, year, n}
	} else if y, m, ok := strings.Cut(s, "-"); ok {
		year, ok1 := num(y, 4)
		n, ok2 := num(m, 2)
		if !ok1 || !ok2 {
			return bad()
		}
		p = Period{PeriodMonth, year, n}
	} else {
		year, ok := num(s, 4)
		if !ok {
			return bad()
		}
		p = Period{PeriodYear, year, 0}
	}
	if !p.Valid() {
		return bad()
	}
	return p, nil
}

// String is the period's text form, "" for the zero Period.
func (p Period) String() string {
	switch p.Kind {
	case PeriodMonth:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case PeriodQuarter:
		return fmt.Sprintf("%04dQ%d", p.Year, p.N)
	case PeriodYear:
		return fmt.Sprintf("%04d", p.Year)
	}
	return ""
}

// IsZero reports "no period".
func (p Period) IsZero() bool { return p.Kind == PeriodNone }

// MarshalText writes the text form, so a Period is a plain string in JSON.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads the text form; an empty text is the zero Period.
func (p *Period) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = Period{}
		return nil
	}
	q, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// firstMonth is the month the period starts in.
func (p Period) firstMonth() time.Month {
	switch p.Kind {
	case PeriodMonth:
		return time.Month(p.N)
	case PeriodQuarter:
		return time.Month(3*(p.N-1) + 1)
	}
	return time.January
}

func (p Period) months() int {
	switch p.Kind {
	case PeriodMonth:
		return 1
	case PeriodQuarter:
		return 3
	case PeriodYear:
		return 12
	}
	return 0
}

// Start is local midnight of the period's first day.
func (p Period) Start() time.Time {
	if p.IsZero() {
		return time.Time{}
	}
	return time.Date(p.Year, p.firstMonth(), 1, 0, 0, 0, 0, time.Local)
}

// End is local midnight of the day after the period: the period is [Start, End).
func (p Period) End() time.Time {
	if p.IsZero() {
		return time.Time{}
	}
	return p.Start().AddDate(0, p.months(), 0)
}

// Last is the period's last calendar day, local midnight.
func (p Period) Last() time.Time {
	if p.IsZero() {
		return time.Time{}
	}
	return p.End().AddDate(0, 0, -1)
}

// Days is the period as day numbers, [from, to), the form the in-memory rows hold dates in.
func (p Period) Days() (from, to Day) {
	if p.IsZero() {
		return 0, 0
	}
	return DayOf(p.Start()), DayOf(p.End())
}

// Contains reports whether a day lies in the period; the zero Day (no date) lies in none.
func (p Period) Contains(d Day) bool {
	from, to := p.Days()
	return d != 0 && d >= from && d < to
}

// Prev is the period of the same kind before p.
func (p Period) Prev() Period { return p.Add(-1) }

// Next is the period of the same kind after p.
func (p Period) Next() Period { return p.Add(1) }

// Add moves the period by n periods of its kind.
func (p Period) Add(n int) Period {
	switch p.Kind {
	case PeriodMonth, PeriodQuarter:
		per := 12
		if p.Kind == PeriodQuarter {
			per = 4
		}
		i := p.Year*per + p.N - 1 + n
		return Period{p.Kind, floorDiv(i, per), i - floorDiv(i, per)*per + 1}
	case PeriodYear:
		return Period{PeriodYear, p.Year + n, 0}
	}
	return p
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Parent is the period that holds p: a month's quarter, a quarter's year; a year has none.
func (p Period) Parent() (Period, bool) {
	switch p.Kind {
	case PeriodMonth:
		return Period{PeriodQuarter, p.Year, (p.N-1)/3 + 1}, true
	case PeriodQuarter:
		return Period{PeriodYear, p.Year, 0}, true
	}
	return Period{}, false
}

// LastPeriods are the n periods of end's kind that finish with end, oldest first: the trend charts'
// x axis and the quarterly table's rows.
func LastPeriods(end Period, n int) []Period {
	if n <= 0 || end.IsZero() {
		return nil
	}
	out := make([]Period, n)
	for i := range out {
		out[i] = end.Add(i - n + 1)
	}
	return out
}
