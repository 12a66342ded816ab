package data

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ReminderScheduler decides which planned activities' reminders are due. It rings each reminder once:
// what it has rung is kept by key (Activity.ReminderKey) and handed back by Sent, so that a window
// that remembers it across restarts does not ring again. It reads its clock from Now, so tests move
// time by hand.
type ReminderScheduler struct {
	now func() time.Time
	// upcoming lists the activities that could ring between from and to.
	upcoming func(from, to time.Time) []Activity

	mu   sync.Mutex
	sent map[string]bool
}

// ReminderGrace is how long after a timed activity has started its missed reminder still rings (the
// window was closed when it was due); an all-day one's rings until the day ends.
const ReminderGrace = time.Hour

// NewReminderScheduler makes a scheduler over the activities upcoming lists, with the reminders
// already rung (Sent of an earlier run).
func NewReminderScheduler(now func() time.Time, upcoming func(from, to time.Time) []Activity, sent []string) *ReminderScheduler {
	r := &ReminderScheduler{now: now, upcoming: upcoming, sent: map[string]bool{}}
	for _, k := range sent {
		r.sent[k] = true
	}
	return r
}

// Due returns the activities whose reminder is due now and has not rung yet, and counts them as
// rung: a second call at the same moment returns none.
func (r *ReminderScheduler) Due() []Activity {
	now := r.now()
	today := DateOf(now)
	// A reminder a day ahead rings for tomorrow's activities; a missed one for today's.
	acts := r.upcoming(today, today.AddDate(0, 0, 2))
	r.mu.Lock()
	defer r.mu.Unlock()
	var due []Activity
	for _, a := range acts {
		at, ok := a.RemindAt()
		if !ok || at.After(now) || !now.Before(reminderEnd(a)) {
			continue
		}
		if k := a.ReminderKey(); !r.sent[k] {
			r.sent[k] = true
			due = append(due, a)
		}
	}
	return due
}

// reminderEnd is when a missed reminder stops being worth ringing.
func reminderEnd(a Activity) time.Time {
	if a.Time.IsZero() {
		return a.Day.AddDate(0, 0, 1)
	}
	return a.Start().Add(ReminderGrace)
}

// Sent lists the reminders rung whose moment is less than three days old, for the next run; older
// ones can no longer be due.
func (r *ReminderScheduler) Sent() []string {
	cutoff := r.now().AddDate(0, 0, -3).Unix()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.sent))
	for k := range r.sent {
		_, at, _ := strings.Cut(k, "@")
		if n, err := strconv.ParseInt(at, 10, 64); err == nil && n >= cutoff {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
