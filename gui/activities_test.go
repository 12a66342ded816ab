package gui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// plan makes a card of the signed-in rep with a planned next follow-up on day at tm.
func plan(t *testing.T, u *ui, name string, day time.Time, tm data.TimeOfDay, kind data.ActivityKind, rem data.Reminder) data.Customer {
	t.Helper()
	c, err := u.store.CreateCustomer(data.Customer{Name: name, OwnerID: u.me().MemberID,
		NextFollowUp: data.DateOf(day), NextAction: name + "的计划", NextTime: tm, NextKind: kind, NextRemind: rem})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Today's section lists timed activities first in time order, each with its time and kind; marking
// one done logs its result and the next activity at once and takes it off today's list.
func TestAgendaByTimeAndMarkDone(t *testing.T) {
	u := newTestUI(t, "zh")
	today := data.DateOf(fixedNow)
	allDay := plan(t, u, "全天公司", today, 0, data.KindTask, data.RemindNone)
	late := plan(t, u, "下午公司", today, data.At(15, 0), data.KindCall, data.RemindNone)
	early := plan(t, u, "上午公司", today, data.At(10, 30), data.KindVisit, data.Remind15Min)
	u.agenda.reload()

	sec := u.agenda.sections[0]
	var ids []uint64
	for _, it := range sec.items {
		ids = append(ids, it.Row.ID)
	}
	if want := []uint64{early.ID, late.ID, allDay.ID}; !slices.Equal(ids, want) {
		t.Fatalf("due today %v, want %v", ids, want)
	}
	if line, _ := sec.line(sec.items[0]); !strings.HasPrefix(line, "10:30 拜访") {
		t.Fatalf("first line %q", line)
	}
	if line, _ := sec.line(sec.items[2]); !strings.HasPrefix(line, "全天 任务") {
		t.Fatalf("all-day line %q", line)
	}

	// A row cuts a long line with an ellipsis and shows it whole below the lists on hover.
	row := sec.list.CreateItem().(*hoverLine)
	sec.list.UpdateItem(0, row)
	if row.label.Truncation != fyne.TextTruncateEllipsis || !row.button.Visible() {
		t.Fatalf("row truncation %v, done button shown %v", row.label.Truncation, row.button.Visible())
	}
	row.MouseIn(nil)
	if full, _ := sec.line(sec.items[0]); u.agenda.hint.Text != full {
		t.Fatalf("hover hint %q, want %q", u.agenda.hint.Text, full)
	}
	row.MouseOut()

	// Given the mark-done form of the 10:30 visit, opened from its row, a save without a result is
	// refused at the field.
	test.Tap(row.button)
	f := u.agenda.done
	if f == nil {
		t.Fatal("no mark-done form")
	}
	test.Tap(f.save)
	if got := f.fields["result"].msg.Text; got != T("err.required") {
		t.Fatalf("result message %q", got)
	}
	test.Type(f.result, "已演示，客户要报价")
	f.nextDate.SetText(data.FormatDate(today.AddDate(0, 0, 2)))
	test.Type(f.next.time, "9点")
	test.Type(f.nextAction, "发报价")
	test.Tap(f.save)
	if u.agenda.done != nil {
		t.Fatalf("the form stayed open: %v", f.fields["next_time"].msg.Text)
	}

	// Then the follow-up is logged with the result, the next plan is set, and today lists two.
	fs, _ := u.store.FollowUps(early.ID)
	if len(fs) != 1 || fs[0].Result != "已演示，客户要报价" || fs[0].Method != data.MethodVisit {
		t.Fatalf("follow-ups %+v", fs)
	}
	c, _ := u.store.Customer(early.ID)
	if fs[0].Topic != "上午公司的计划" {
		t.Fatalf("topic %q", fs[0].Topic)
	}
	if !c.NextFollowUp.Equal(today.AddDate(0, 0, 2)) || c.NextTime != data.At(9, 0) || c.NextAction != "发报价" {
		t.Fatalf("next plan %v %v %q", c.NextFollowUp, c.NextTime, c.NextAction)
	}
	if n := len(u.agenda.sections[0].items); n != 2 {
		t.Fatalf("today lists %d after done", n)
	}
}

// A bad time in the follow-up form is shown at its field; a good one with a kind and a reminder is
// kept on the card.
func TestFollowUpFormPlansATimedActivity(t *testing.T) {
	u := newTestUI(t, "en")
	c := plan(t, u, "Acme", data.DateOf(fixedNow), 0, "", data.RemindNone)
	cw := u.openCard(c.ID)
	test.Tap(cw.followBtn)
	f := cw.followUpForm
	test.Type(f.topic, "call")
	f.nextDate.SetText(data.FormatDate(fixedNow.AddDate(0, 0, 1)))
	test.Type(f.next.time, "25:00")
	test.Tap(cw.followUpOK)
	if got := f.fields["next_time"].msg.Text; got != T("err.time_of_day") {
		t.Fatalf("time message %q", got)
	}
	f.next.time.SetText("14:30")
	f.next.kind.SetSelected(T("activity.meeting"))
	f.next.remind.SetSelected(T("remind.1h"))
	test.Tap(cw.followUpOK)
	got, _ := u.store.Customer(c.ID)
	if got.NextTime != data.At(14, 30) || got.NextKind != data.KindMeeting || got.NextRemind != data.Remind1Hour {
		t.Fatalf("card plan %v %v %v", got.NextTime, got.NextKind, got.NextRemind)
	}
	if cw.c.NextTime != got.NextTime || cw.c.Version != got.Version {
		t.Fatal("the card window kept the old plan, which its next save would write back")
	}
}

// The week view lists Monday to Sunday, each day by time; the arrows move a week; a tap opens the card.
func TestWeekView(t *testing.T) {
	u := newTestUI(t, "zh")
	mon := data.WeekOf(fixedNow)
	wed := plan(t, u, "周三公司", mon.AddDate(0, 0, 2), 0, data.KindEmail, data.RemindNone)
	wedEarly := plan(t, u, "周三早", mon.AddDate(0, 0, 2), data.At(8, 0), data.KindCall, data.RemindNone)
	sun := plan(t, u, "周日公司", mon.AddDate(0, 0, 6), data.At(20, 0), data.KindMeeting, data.RemindNone)
	nextWeek := plan(t, u, "下周公司", mon.AddDate(0, 0, 8), data.At(9, 0), data.KindVisit, data.RemindNone)
	u.agenda.reload()

	s := u.agenda
	test.Tap(s.viewBtn)
	if !s.week.content.Visible() || s.dayScroll.Visible() {
		t.Fatal("the week view is not shown")
	}
	w := s.week
	dayIDs := func(i int) []uint64 {
		var out []uint64
		for _, a := range w.days[i].items {
			out = append(out, a.Row.ID)
		}
		return out
	}
	if got := dayIDs(2); !slices.Equal(got, []uint64{wedEarly.ID, wed.ID}) {
		t.Fatalf("Wednesday %v", got)
	}
	if got := dayIDs(6); !slices.Equal(got, []uint64{sun.ID}) {
		t.Fatalf("Sunday %v", got)
	}
	if w.days[0].title.Text != "周一 11-23" || w.days[2].title.Text != "周三 11-25" ||
		w.days[0].title.Importance != widget.HighImportance || w.days[2].title.Importance == widget.HighImportance {
		t.Fatalf("titles %q %q; today's does not stand out", w.days[0].title.Text, w.days[2].title.Text)
	}
	test.Tap(w.next)
	if got := dayIDs(1); !slices.Equal(got, []uint64{nextWeek.ID}) {
		t.Fatalf("next week's Tuesday %v", got)
	}
	test.Tap(w.prev)
	w.days[6].list.Select(0)
	if _, ok := u.cards[sun.ID]; !ok {
		t.Fatal("a tap did not open the card")
	}
	test.Tap(s.viewBtn)
	if s.week.content.Visible() || !s.dayScroll.Visible() {
		t.Fatal("back to the day's agenda")
	}
}

// A due reminder raises one desktop notification, and only once, also after a restart.
func TestReminderSendsNotificationOnce(t *testing.T) {
	u := newTestUI(t, "zh")
	c := plan(t, u, "提醒公司", data.DateOf(fixedNow), data.At(9, 10), data.KindCall, data.Remind15Min)
	r := newReminders(u)
	want := fyne.NewNotification("提醒：09:10 电话", c.Name+" · "+c.NextAction)
	test.AssertNotificationSent(t, want, r.check)
	test.AssertNotificationSent(t, nil, r.check)
	test.AssertNotificationSent(t, nil, newReminders(u).check) // a restart remembers it
	if got := u.app.Preferences().StringList(prefRemindersSent); len(got) != 1 {
		t.Fatalf("remembered %v", got)
	}
}

// The kinds and reminders, whose keys are built from their values, are translated in both languages.
func TestActivityLabelsTranslated(t *testing.T) {
	keys := []string{"week.day.Mon", "week.day.Tue", "week.day.Wed", "week.day.Thu", "week.day.Fri", "week.day.Sat",
		"week.day.Sun", "hint.time_of_day", "remind.none"}
	for _, k := range data.ActivityKinds {
		keys = append(keys, "activity."+string(k))
	}
	for _, r := range data.Reminders[1:] {
		keys = append(keys, "remind."+string(r))
	}
	for _, l := range Languages {
		table := loadTable(l)
		for _, k := range keys {
			if strings.TrimSpace(table[k]) == "" {
				t.Errorf("%s: %q has no translation", l, k)
			}
		}
	}
}
