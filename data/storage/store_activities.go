package storage

import (
	"salesdesk/data"
	"strings"
	"time"
)

// CompleteActivity marks a card's planned next follow-up done in one transaction: a follow-up is
// logged with the activity's action as its topic, made the way its kind (or its maintenance plan)
// says, with the result the rep gives, and the next plan is set, the rep's when given, else the
// grade's maintenance plan (as LogFollowUp). planned is the activity as shown; a card whose plan
// changed since is refused with ErrPlanChanged.
func (s *Store) CompleteActivity(by data.Actor, planned data.Activity, done data.ActivityDone) (data.FollowUp, data.Customer, error) {
	result := strings.TrimSpace(done.Result)
	if result == "" {
		var fe data.FieldErrors
		fe.Add("result", data.ErrRequired)
		return data.FollowUp{}, data.Customer{}, fe
	}
	now := s.now()
	topic := strings.TrimSpace(done.Topic)
	if topic == "" {
		topic = strings.TrimSpace(planned.Text)
	}
	if topic == "" {
		topic = string(planned.Kind.Method())
	}
	f := data.FollowUp{CustomerID: planned.Row.ID, Date: data.DateOf(now), Method: plannedMethod(planned), ByID: by.MemberID,
		Topic: topic, Result: result, Proactive: true}
	check := func(c *data.Customer) error {
		if data.DayOf(c.NextFollowUp) != data.DayOf(planned.Day) || c.NextTime != planned.Time || c.NextAction != planned.Text {
			return data.ErrPlanChanged
		}
		return nil
	}
	return s.logFollowUp(by, f, done.Next, check)
}

// plannedMethod is how a planned activity is made: as its kind says, else as the maintenance plan
// whose action it is.
func plannedMethod(a data.Activity) data.Method {
	if a.Kind != "" {
		return a.Kind.Method()
	}
	for _, g := range []data.Grade{data.GradeA, data.GradeB, data.GradeC, data.GradeD} {
		if p := data.MaintenancePlanFor(g); p.Action == a.Text {
			return p.Method
		}
	}
	return data.MethodOther
}

// Activities returns the planned next follow-ups from day from up to (not including) day to, in the
// agenda's order (SortActivities). ownerID 0 means the whole team.
func (s *Store) Activities(from, to time.Time, ownerID uint64) []data.Activity {
	lo, hi := data.DayOf(from), data.DayOf(to)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []data.Activity
	for _, r := range s.idx.rows {
		if r.Archived || r.Status == data.StatusInvalid || r.Status == data.StatusLost || (ownerID != 0 && r.OwnerID != ownerID) {
			continue
		}
		if r.NextFollowUp.IsZero() || r.NextFollowUp < lo || r.NextFollowUp >= hi {
			continue
		}
		out = append(out, activityOf(r))
	}
	data.SortActivities(out)
	return out
}
