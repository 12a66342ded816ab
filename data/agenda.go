package data

import (
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
func DaysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)).Hours() / 24)
}
