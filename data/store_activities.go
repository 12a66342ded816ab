package data

import (
	"fmt"
	"strings"
	"time"
)

// ErrPlanChanged refuses to mark an activity done when the card's plan moved since it was shown.
var ErrPlanChanged = fmt.Errorf("the planned follow-up was changed meanwhile: %w", ErrConflict)

// CompleteActivity marks a card's planned next follow-up done in one transaction: a follow-up is
// logged with the activity's action as its topic and the result the rep gives, and the next plan is
// set, the rep's when given, else the grade's maintenance plan (as LogFollowUp). planned is the
// activity as shown; a card whose plan changed since is refused with ErrPlanChanged.
func (s *Store) CompleteActivity(by Actor, planned Activity, result string, next NextPlan) (FollowUp, Customer, error) {
	result = strings.TrimSpace(result)
	if result == "" {
		var fe FieldErrors
		fe.Add("result", ErrRequired)
		return FollowUp{}, Customer{}, fe
	}
	now := s.now()
	topic := planned.Text
	if strings.TrimSpace(topic) == "" {
		topic = string(planned.Kind)
		if topic == "" {
			topic = "-"
		}
	}
	f := FollowUp{CustomerID: planned.Row.ID, Date: DateOf(now), Method: planned.Kind.Method(), ByID: by.MemberID,
		Topic: topic, Result: result, Proactive: true}
	check := func(c *Customer) error {
		if DayOf(c.NextFollowUp) != DayOf(planned.Day) || c.NextTime != planned.Time || c.NextAction != planned.Text {
			return ErrPlanChanged
		}
		return nil
	}
	return s.logFollowUp(by, f, next, check)
}

// Activities returns the planned next follow-ups from day from up to (not including) day to, in the
// agenda's order (SortActivities). ownerID 0 means the whole team.
func (s *Store) Activities(from, to time.Time, ownerID uint64) []Activity {
	lo, hi := DayOf(from), DayOf(to)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Activity
	for _, r := range s.idx.rows {
		if r.Archived || r.Status == StatusInvalid || r.Status == StatusLost || (ownerID != 0 && r.OwnerID != ownerID) {
			continue
		}
		if r.NextFollowUp.IsZero() || r.NextFollowUp < lo || r.NextFollowUp >= hi {
			continue
		}
		out = append(out, activityOf(r))
	}
	SortActivities(out)
	return out
}

// WeekOf is the Monday that starts t's week.
func WeekOf(t time.Time) time.Time {
	d := DateOf(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}
