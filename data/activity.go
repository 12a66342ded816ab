package data

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A planned activity is a card's next follow-up (Customer.NextFollowUp and NextAction) with, optionally,
// a time of day, a kind and a reminder, as Pipedrive and Odoo users expect. A plan without a time is an
// all-day one, which is what every plan written before times existed reads as.

// ActivityKind is what the rep plans to do; empty is a plan with no kind given.
type ActivityKind string

const (
	KindCall    ActivityKind = "call"
	KindVisit   ActivityKind = "visit"
	KindEmail   ActivityKind = "email"
	KindMeeting ActivityKind = "meeting"
	KindTask    ActivityKind = "task"
)

// ActivityKinds lists the kinds in display order.
var ActivityKinds = []ActivityKind{KindCall, KindVisit, KindEmail, KindMeeting, KindTask}

// Method is how an activity of this kind is logged when it is marked done.
func (k ActivityKind) Method() Method {
	switch k {
	case KindCall:
		return MethodPhone
	case KindVisit:
		return MethodVisit
	case KindEmail:
		return MethodEmail
	case KindMeeting:
		return MethodMeeting
	}
	return MethodOther
}

// Reminder is how long before an activity the rep wants to be reminded; empty is no reminder.
type Reminder string

const (
	RemindNone   Reminder = ""
	RemindAtTime Reminder = "at"
	Remind15Min  Reminder = "15m"
	Remind1Hour  Reminder = "1h"
	Remind1Day   Reminder = "1d"
)

// Reminders lists the choices in display order, no reminder first.
var Reminders = []Reminder{RemindNone, RemindAtTime, Remind15Min, Remind1Hour, Remind1Day}

// Before is how long ahead of the activity the reminder fires.
func (r Reminder) Before() time.Duration {
	switch r {
	case Remind15Min:
		return 15 * time.Minute
	case Remind1Hour:
		return time.Hour
	case Remind1Day:
		return 24 * time.Hour
	}
	return 0
}

// AllDayReminderHour is when an all-day activity counts as starting for its reminder: the start of a
// working day, so "at the time" of an all-day visit does not ring at midnight.
const AllDayReminderHour = 9

// TimeOfDay is an activity's time as minutes after midnight plus one, so that the zero value is "no
// time" (all day) and 00:00 can still be said.
type TimeOfDay int16

// At makes the time of day h:m.
func At(h, m int) TimeOfDay { return TimeOfDay(h*60 + m + 1) }

// IsZero reports an all-day activity.
func (t TimeOfDay) IsZero() bool { return t <= 0 }

// Clock returns the hour and minute.
func (t TimeOfDay) Clock() (h, m int) { return int(t-1) / 60, int(t-1) % 60 }

// String writes 09:30, or nothing for all day.
func (t TimeOfDay) String() string {
	if t.IsZero() {
		return ""
	}
	h, m := t.Clock()
	return fmt.Sprintf("%02d:%02d", h, m)
}

// MarshalJSON writes "09:30" in exports; the file keeps the number (msgpack does not read this).
func (t TimeOfDay) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// UnmarshalJSON reads "09:30", or "" and null for all day.
func (t *TimeOfDay) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil {
		*t = 0
		return nil
	}
	v, err := ParseTimeOfDay(*s)
	*t = v
	return err
}

// On is the moment the time of day falls on day's date, in day's location.
func (t TimeOfDay) On(day time.Time) time.Time {
	y, mo, d := day.Date()
	h, m := t.Clock()
	return time.Date(y, mo, d, h, m, 0, 0, day.Location())
}

// ErrTimeOfDay says a time could not be read.
var ErrTimeOfDay = errors.New("not a time of day (e.g. 09:30)")

// ParseTimeOfDay reads 9:30, 09:30, 0930 or 9点30, with full-width digits too; empty is all day.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	s = strings.TrimSpace(ToHalfWidth(s))
	if s == "" {
		return 0, nil
	}
	s = strings.NewReplacer("点", ":", "时", ":", "分", "", "：", ":", ".", ":").Replace(s)
	hs, ms, colon := strings.Cut(s, ":")
	if !colon && len(s) > 2 {
		hs, ms = s[:len(s)-2], s[len(s)-2:]
	}
	h, okH := smallNumber(hs)
	m, okM := smallNumber(ms)
	if ms == "" {
		m, okM = 0, true
	} else if len(ms) != 2 {
		okM = false
	}
	if !okH || !okM || h > 23 || m > 59 {
		return 0, ErrTimeOfDay
	}
	return At(h, m), nil
}

// smallNumber reads one or two ASCII digits.
func smallNumber(s string) (int, bool) {
	if len(s) < 1 || len(s) > 2 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// dropActivityDetails makes the next follow-up an all-day one with no kind or reminder: the details
// belong to the rep's own plan, and the maintenance plan, a won deal's after-sale call or an import
// that sets another one replaces it.
func (c *Customer) DropActivityDetails() {
	c.NextTime, c.NextKind, c.NextRemind = 0, "", RemindNone
}

// Activity is a card's planned next follow-up as the agenda, the week view and the reminders read it.
type Activity struct {
	Row    *CustomerRow
	Day    time.Time // local midnight of the planned date
	Time   TimeOfDay // zero: all day
	Kind   ActivityKind
	Remind Reminder
	Text   string
}

// Start is when the activity begins: its time, or the start of the day for an all-day one.
func (a Activity) Start() time.Time {
	if a.Time.IsZero() {
		return a.Day
	}
	return a.Time.On(a.Day)
}

// RemindAt is when its reminder fires, and false when it has none. An all-day activity's reminder
// counts from AllDayReminderHour.
func (a Activity) RemindAt() (time.Time, bool) {
	if a.Remind == RemindNone {
		return time.Time{}, false
	}
	start := a.Start()
	if a.Time.IsZero() {
		start = At(AllDayReminderHour, 0).On(a.Day)
	}
	return start.Add(-a.Remind.Before()), true
}

// ReminderKey names one reminder of one plan: a plan moved to another time or reminder is a new one
// and rings again; the same plan never rings twice.
func (a Activity) ReminderKey() string {
	at, _ := a.RemindAt()
	return fmt.Sprintf("%d@%d", a.Row.ID, at.Unix())
}

// SortActivities orders activities as the agenda shows them: by day, timed ones first by time, then
// the all-day ones; ties by customer id, so the order is total. A team's week holds thousands.
func SortActivities(as []Activity) {
	slices.SortFunc(as, func(a, b Activity) int {
		if c := a.Day.Compare(b.Day); c != 0 {
			return c
		}
		if a.Time.IsZero() != b.Time.IsZero() {
			if a.Time.IsZero() {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(a.Time, b.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.Row.ID, b.Row.ID)
	})
}

// ErrPlanWithoutDate refuses a time, kind or reminder for a next follow-up that has no date.
var ErrPlanWithoutDate = errors.New("needs the next follow-up's date")

// ValidateNextPlan checks the details of a next follow-up plan, at the fields of the follow-up form.
func ValidateNextPlan(p NextPlan) FieldErrors {
	var fe FieldErrors
	if p.Kind != "" && !ValidChoice(p.Kind, ActivityKinds) {
		fe.Add("next_kind", ErrChoiceInvalid)
	}
	if !ValidChoice(p.Remind, Reminders) {
		fe.Add("next_remind", ErrChoiceInvalid)
	}
	if p.Time < 0 || p.Time > At(23, 59) {
		fe.Add("next_time", ErrTimeOfDay)
	}
	if p.Date.IsZero() && (!p.Time.IsZero() || p.Remind != RemindNone) {
		fe.Add("next_date", ErrPlanWithoutDate)
	}
	return fe
}
