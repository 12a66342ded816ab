package storage

import (
	"salesdesk/data"
	"sort"
	"time"
)

// nextBirthday returns the next date on or after today with the birthday's month and day. A 29
// February birthday falls on 28 February in other years.
func nextBirthday(b, today time.Time) time.Time {
	for _, y := range []int{today.Year(), today.Year() + 1} {
		d := time.Date(y, b.Month(), b.Day(), 0, 0, 0, 0, today.Location())
		if d.Month() != b.Month() {
			d = time.Date(y, b.Month()+1, 0, 0, 0, 0, 0, today.Location())
		}
		if !d.Before(today) {
			return d
		}
	}
	return time.Time{}
}

// Agenda builds today's agenda from memory. ownerID 0 means the whole team (a manager's view).
func (s *Store) Agenda(now time.Time, ownerID uint64) data.Agenda {
	today := data.DateOf(now)
	todayDay := data.DayOf(today)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var a data.Agenda
	active := func(r *indexRow) bool {
		return !r.Archived && r.Status != data.StatusInvalid && (ownerID == 0 || r.OwnerID == ownerID)
	}
	lostAfter := s.idx.settings.LostAfterDays
	for _, r := range s.idx.rows {
		if !active(r) {
			continue
		}
		if lostAfter > 0 && r.Status != data.StatusLost {
			last := r.LastFollowUp
			if last.IsZero() {
				last = r.FirstContact
			}
			if !last.IsZero() {
				if days := int(todayDay - last); days >= lostAfter {
					a.Stale = append(a.Stale, data.AgendaItem{Row: r.public(), Date: last.Time(), Days: days})
				}
			}
		}
		if !r.NextFollowUp.IsZero() && r.Status != data.StatusLost {
			switch days := int(todayDay - r.NextFollowUp); {
			case days == 0:
				act := activityOf(r)
				a.DueToday = append(a.DueToday, data.AgendaItem{Row: r.public(), Date: r.NextFollowUp.Time(), Text: r.NextAction, Activity: &act})
			case days > 0:
				act := activityOf(r)
				a.Overdue = append(a.Overdue, data.AgendaItem{Row: r.public(), Date: r.NextFollowUp.Time(), Days: days, Text: r.NextAction, Activity: &act})
			}
		}
		if r.Status != data.StatusLost && data.ReviewDue(r.Grade, r.LastReviewed.Time(), today) {
			a.Reviews = append(a.Reviews, data.AgendaItem{Row: r.public(), Date: r.LastReviewed.Time()})
		}
		for _, ct := range r.births {
			nb := nextBirthday(ct.Birthday.Time(), today)
			if days := data.DaysBetween(today, nb); days < data.BirthdayWindow {
				a.Birthdays = append(a.Birthdays, data.AgendaItem{Row: r.public(), Date: nb, Days: days, Contact: ct.Name})
			}
		}
	}
	for _, oa := range s.idx.openActions {
		r, ok := s.idx.rows[oa.CustomerID]
		if !ok || !active(r) {
			continue
		}
		if days := data.DaysBetween(data.DateOf(oa.Deadline), today); days >= 0 {
			a.Actions = append(a.Actions, data.AgendaItem{Row: r.public(), Date: oa.Deadline, Days: days, Text: oa.Action, FollowUpID: oa.FollowUpID})
		}
	}
	byDate := func(items []data.AgendaItem, desc bool) {
		sort.Slice(items, func(i, j int) bool {
			if !items[i].Date.Equal(items[j].Date) {
				return items[i].Date.Before(items[j].Date) != desc
			}
			if items[i].Row.Grade != items[j].Row.Grade {
				return gradeKey(items[i].Row.Grade) < gradeKey(items[j].Row.Grade)
			}
			return items[i].Row.ID < items[j].Row.ID
		})
	}
	byTime(a.DueToday)
	byDate(a.Overdue, false) // the longest overdue first
	byDate(a.Actions, false)
	byDate(a.Reviews, false) // never reviewed (zero date) first
	byDate(a.Birthdays, false)
	byDate(a.Stale, false) // the longest silent first
	if s.idx.dealsPending {
		a.DealsPending = true
	} else {
		s.dealItems(&a, today, ownerID)
	}
	return a
}

// byTime orders today's planned follow-ups as a day's activities are: timed ones first in time order,
// then the all-day ones by grade.
func byTime(items []data.AgendaItem) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].Activity, items[j].Activity
		if a.Time.IsZero() != b.Time.IsZero() {
			return !a.Time.IsZero()
		}
		if a.Time != b.Time {
			return a.Time < b.Time
		}
		if items[i].Row.Grade != items[j].Row.Grade {
			return gradeKey(items[i].Row.Grade) < gradeKey(items[j].Row.Grade)
		}
		return items[i].Row.ID < items[j].Row.ID
	})
}

// dealItems adds the open deals' due milestones and idle deals; the caller holds the read lock.
func (s *Store) dealItems(a *data.Agenda, today time.Time, ownerID uint64) {
	st := s.idx.settings
	defs := map[string]data.StageDef{}
	for _, d := range st.Stages {
		defs[d.Key] = d
	}
	for _, o := range s.idx.opps {
		def := defs[o.Stage]
		if (ownerID != 0 && o.OwnerID != ownerID) || o.Unqualified || (def.Kind != data.StageLead && def.Kind != data.StageOpen) {
			continue
		}
		row := s.idx.rows[o.CustomerID]
		if row == nil || row.Archived {
			continue
		}
		for _, m := range s.idx.milestones[o.ID] {
			if days := int(data.DayOf(today) - m.Day); days >= 0 {
				a.Deals = append(a.Deals, data.AgendaItem{Row: row.public(), Deal: o, Date: m.Day.Time(), Days: days, Text: m.Text, Milestone: true})
			}
		}
		if o.Idle(def, today) {
			last := o.LastActivity
			if last == 0 {
				last = o.StageSince
			}
			if last == 0 {
				last = o.Created // as Idle does: a deal with no dates has been idle since it was made
			}
			a.Deals = append(a.Deals, data.AgendaItem{Row: row.public(), Deal: o, Date: last.Time(), Days: int(data.DayOf(today) - last), Text: o.Title})
		}
	}
	sort.Slice(a.Deals, func(i, j int) bool {
		if a.Deals[i].Days != a.Deals[j].Days {
			return a.Deals[i].Days > a.Deals[j].Days
		}
		return a.Deals[i].Deal.ID < a.Deals[j].Deal.ID
	})
}
