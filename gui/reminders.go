package gui

import (
	"time"

	"fyne.io/fyne/v2"

	"salesdesk/data"
)

// prefRemindersSent keeps the reminders already rung on this desktop, so a restart does not ring
// them again.
const prefRemindersSent = "reminders.sent"

// reminderTick is how often the window looks for due reminders: a reminder rings at most this late.
const reminderTick = 20 * time.Second

// reminders rings the signed-in rep's due activity reminders as desktop notifications while the
// window runs.
type reminders struct {
	u     *ui
	sched *data.ReminderScheduler
}

func newReminders(u *ui) *reminders {
	upcoming := func(from, to time.Time) []data.Activity {
		if u.session == nil || u.lock != nil {
			return nil // signed out or locked: nobody's reminders show on the desktop
		}
		me := u.me().MemberID
		if me == 0 {
			return nil // no one signed in: the team's reminders are no one's
		}
		page, _ := u.store.Activities(data.ActivityFilter{From: from, To: to, OwnerID: me})
		return page.Items // a failed read leaves the reminders as they were until the next
	}
	sent := u.app.Preferences().StringList(prefRemindersSent)
	return &reminders{u: u, sched: data.NewReminderScheduler(u.now, upcoming, sent)}
}

// start checks now and then every reminderTick until the app quits. The check runs on the UI
// thread: it reads the screens' store, which a restore may replace.
func (r *reminders) start() {
	fyne.Do(r.check)
	go func() {
		t := time.NewTicker(reminderTick)
		for range t.C {
			fyne.Do(r.check)
		}
	}()
}

// check rings what is due and remembers it.
func (r *reminders) check() {
	due := r.sched.Due()
	if len(due) == 0 {
		return
	}
	for _, a := range due {
		r.u.app.SendNotification(reminderNotification(a, r.u.agenda.actionText(a.Text), r.u.now()))
	}
	r.u.app.Preferences().SetStringList(prefRemindersSent, r.sched.Sent())
}

// reminderNotification names the activity, with its date when it is not today's.
func reminderNotification(a data.Activity, action string, now time.Time) *fyne.Notification {
	when := activityWhen(a)
	if data.DayOf(a.Day) != data.DayOf(now) {
		when = formatDate(a.Day) + " " + when
	}
	body := a.Row.Name
	if action != "" {
		body += " · " + action
	}
	return fyne.NewNotification(Tf("remind.title", when), body)
}
