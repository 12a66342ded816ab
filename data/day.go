package data

import "time"

// Day is a calendar date as a small number, for the in-memory lists that hold a date per row for many
// thousands of rows: four bytes instead of time.Time's twenty-four. The zero Day is "no date".
type Day int32

// DayOf is the calendar day of t in its own location; the zero time gives the zero Day.
func DayOf(t time.Time) Day {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.Date()
	return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400) + 1
}

// Time is the day as local midnight, or the zero time.
func (d Day) Time() time.Time {
	if d == 0 {
		return time.Time{}
	}
	u := time.Unix(int64(d-1)*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.Local)
}

// IsZero reports "no date".
func (d Day) IsZero() bool { return d == 0 }
