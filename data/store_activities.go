package data

import (
	"fmt"
	"strings"
	"time"
)

// ErrPlanChanged refuses to mark an activity done when the card's plan moved since it was shown.
var ErrPlanChanged = fmt.Errorf("the planned follow-up was changed meanwhile: %w", ErrConflict)

// ActivityDone is what the rep says on marking a planned activity done.
type ActivityDone struct {
	// Topic is the follow-up's topic; empty takes the planned action. The window gives a maintenance
	// plan's action (a key such as "plan.b") in words.
	Topic  string
	Result string
	// Next is the next activity; a zero one lets the grade's maintenance plan choose.
	Next NextPlan
}

// CompleteActivity marks a card's planned next follow-up done in one transaction: a follow-up is
// logged with the activity's action as its topic, made the way its kind (or its maintenance plan)
// says, with the result the rep gives, and the next plan is set, the rep's when given, else the
// grade's maintenance plan (as LogFollowUp). planned is the activity as shown; a card whose plan
// changed since is refused with ErrPlanChanged.
func (s *Store) CompleteActivity(by Actor, planned Activity, done ActivityDone) (FollowUp, Customer, error) {
	result := strings.TrimSpace(done.Result)
	if result == "" {
		var fe FieldErrors
		fe.Add("result", ErrRequired)
		return FollowUp{}, Customer{}, fe
	}
	now := s.now()
	topic := strings.TrimSpace(done.Topic)
	if topic == "" {
		topic = strings.TrimSpace(planned.Text)
	}
	if topic == "" {
		topic = string(planned.Kind.Method())
	}
	f := FollowUp{CustomerID: planned.Row.ID, Date: DateOf(now), Method: plannedMethod(planned), ByID: by.MemberID,
		Topic: topic, Result: result, Proactive: true}
	check := func(c *Customer) error {
		if DayOf(c.NextFollowUp) != DayOf(planned.Day) || c.NextTime != planned.Time || c.NextAction != planned.Text {
			return ErrPlanChanged
		}
		return nil
	}
	return s.logFollowUp(by, f, done.Next, check)
}

// plannedMethod is how a planned activity is made: as its kind says, else as the maintenance plan
// whose action it is.
func plannedMethod(a Activity) Method {
	if a.Kind != "" {
		return a.Kind.Method()
	}
	for _, g := range []Grade{GradeA, GradeB, GradeC, GradeD} {
		if p := MaintenancePlanFor(g); p.Action == a.Text {
			return p.Method
		}
	}
	return MethodOther
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
