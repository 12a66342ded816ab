package data

import (
	"sort"
	"time"
)

// AgendaItem is one line of today's agenda; each points at the card it opens.
type AgendaItem struct {
	Row  *CustomerRow
	Date time.Time
	// Days is how many days the item is overdue (follow-ups, actions) or away (birthdays).
	Days       int
	Text       string
	FollowUpID uint64
	Contact    string
	// Deal is set on the pipeline's items: an idle deal, or a milestone due.
	Deal      *OpportunityRow
	Milestone bool
	// Activity is set on planned next follow-ups (due today, overdue): their time, kind and reminder.
	Activity *Activity
}

// Agenda is what a rep works through in the morning (seed 000 template 3, seed 001).
type Agenda struct {
	DueToday  []AgendaItem // next follow-ups planned for today
	Overdue   []AgendaItem // next follow-ups planned before today
	Actions   []AgendaItem // follow-up actions whose deadline has come, result unconfirmed
	Reviews   []AgendaItem // cards due for review by their grade's cadence
	Birthdays []AgendaItem // contacts' birthdays today and in the next 6 days
	// Stale are cards with no follow-up for the settings' LostAfterDays (seed 000's monthly grooming):
	// candidates to mark lost or invalid, or to win back.
	Stale []AgendaItem
	// Deals are the pipeline's: milestones due today or overdue, and deals idle beyond their stage's
	// limit.
	Deals []AgendaItem
	// DealsPending says the deals are still loading (Store.LoadDeals), so Deals is not yet complete.
	DealsPending bool
}

// BirthdayWindow is how many days ahead birthdays are listed, today included.
const BirthdayWindow = 7

// daysBetween counts calendar days from a to b, whatever the time of day and DST.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)).Hours() / 24)
}

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
func (s *Store) Agenda(now time.Time, ownerID uint64) Agenda {
	today := DateOf(now)
	todayDay := DayOf(today)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var a Agenda
	active := func(r *indexRow) bool {
		return !r.Archived && r.Status != StatusInvalid && (ownerID == 0 || r.OwnerID == ownerID)
	}
	lostAfter := s.idx.settings.LostAfterDays
	for _, r := range s.idx.rows {
		if !active(r) {
			continue
		}
		if lostAfter > 0 && r.Status != StatusLost {
			last := r.LastFollowUp
			if last.IsZero() {
				last = r.FirstContact
			}
			if !last.IsZero() {
				if days := int(todayDay - last); days >= lostAfter {
					a.Stale = append(a.Stale, AgendaItem{Row: r.public(), Date: last.Time(), Days: days})
				}
			}
		}
		if !r.NextFollowUp.IsZero() && r.Status != StatusLost {
			switch days := int(todayDay - r.NextFollowUp); {
			case days == 0:
				act := activityOf(r)
				a.DueToday = append(a.DueToday, AgendaItem{Row: r.public(), Date: r.NextFollowUp.Time(), Text: r.NextAction, Activity: &act})
			case days > 0:
				act := activityOf(r)
				a.Overdue = append(a.Overdue, AgendaItem{Row: r.public(), Date: r.NextFollowUp.Time(), Days: days, Text: r.NextAction, Activity: &act})
			}
		}
		if r.Status != StatusLost && ReviewDue(r.Grade, r.LastReviewed.Time(), today) {
			a.Reviews = append(a.Reviews, AgendaItem{Row: r.public(), Date: r.LastReviewed.Time()})
		}
		for _, ct := range r.births {
			nb := nextBirthday(ct.Birthday.Time(), today)
			if days := daysBetween(today, nb); days < BirthdayWindow {
				a.Birthdays = append(a.Birthdays, AgendaItem{Row: r.public(), Date: nb, Days: days, Contact: ct.Name})
			}
		}
	}
	for _, oa := range s.idx.openActions {
		r, ok := s.idx.rows[oa.CustomerID]
		if !ok || !active(r) {
			continue
		}
		if days := daysBetween(DateOf(oa.Deadline), today); days >= 0 {
			a.Actions = append(a.Actions, AgendaItem{Row: r.public(), Date: oa.Deadline, Days: days, Text: oa.Action, FollowUpID: oa.FollowUpID})
		}
	}
	byDate := func(items []AgendaItem, desc bool) {
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
	if s.idx.rawDeals != nil {
		a.DealsPending = true
	} else {
		s.dealItems(&a, today, ownerID)
	}
	return a
}

// byTime orders today's planned follow-ups as a day's activities are: timed ones first in time order,
// then the all-day ones by grade.
func byTime(items []AgendaItem) {
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
func (s *Store) dealItems(a *Agenda, today time.Time, ownerID uint64) {
	st := s.idx.settings
	defs := map[string]StageDef{}
	for _, d := range st.Stages {
		defs[d.Key] = d
	}
	for _, o := range s.idx.opps {
		def := defs[o.Stage]
		if (ownerID != 0 && o.OwnerID != ownerID) || o.Unqualified || (def.Kind != StageLead && def.Kind != StageOpen) {
			continue
		}
		row := s.idx.rows[o.CustomerID]
		if row == nil || row.Archived {
			continue
		}
		for _, m := range s.idx.milestones[o.ID] {
			if days := int(DayOf(today) - m.Day); days >= 0 {
				a.Deals = append(a.Deals, AgendaItem{Row: row.public(), Deal: o, Date: m.Day.Time(), Days: days, Text: m.Text, Milestone: true})
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
			a.Deals = append(a.Deals, AgendaItem{Row: row.public(), Deal: o, Date: last.Time(), Days: int(DayOf(today) - last), Text: o.Title})
		}
	}
	sort.Slice(a.Deals, func(i, j int) bool {
		if a.Deals[i].Days != a.Deals[j].Days {
			return a.Deals[i].Days > a.Deals[j].Days
		}
		return a.Deals[i].Deal.ID < a.Deals[j].Deal.ID
	})
}
