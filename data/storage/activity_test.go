package storage

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"salesdesk/data"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestParseTimeOfDay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want data.TimeOfDay
		bad  bool
	}{
		{"", 0, false},
		{"9:30", data.At(9, 30), false},
		{"09:05", data.At(9, 5), false},
		{"０９：３０", data.At(9, 30), false},
		{"0930", data.At(9, 30), false},
		{"930", data.At(9, 30), false},
		{"14", data.At(14, 0), false},
		{"9点30", data.At(9, 30), false},
		{"9点", data.At(9, 0), false},
		{"00:00", data.At(0, 0), false},
		{"24:00", 0, true},
		{"9:5", 0, true},
		{"9:60", 0, true},
		{"上午", 0, true},
		{"12345", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := data.ParseTimeOfDay(tc.in)
			if tc.bad != (err != nil) || got != tc.want {
				t.Fatalf("ParseTimeOfDay(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.bad)
			}
			if !tc.bad && tc.in != "" && got.IsZero() {
				t.Fatalf("%q read as all day", tc.in)
			}
		})
	}
	if data.At(0, 0).String() != "00:00" || data.At(13, 7).String() != "13:07" || data.TimeOfDay(0).String() != "" {
		t.Fatal("String")
	}
}

func planned(day time.Time, tm data.TimeOfDay, kind data.ActivityKind, rem data.Reminder) func(*data.Customer) {
	return func(c *data.Customer) {
		c.NextFollowUp, c.NextAction, c.NextTime, c.NextKind, c.NextRemind = day, "计划:"+tm.String(), tm, kind, rem
	}
}

// A plan's time, kind and reminder are kept on the card and on its list row, and read back after a
// reopen.
func TestActivityDetailsSurviveReopen(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("有计划"))
	_, saved := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: stNow.AddDate(0, 0, -1)}, data.NextPlan{Date: stToday.AddDate(0, 0, 1),
		Action: "上门演示", Time: data.At(14, 30), Kind: data.KindVisit, Remind: data.Remind1Hour})
	if saved.NextTime != data.At(14, 30) || saved.NextKind != data.KindVisit || saved.NextRemind != data.Remind1Hour {
		t.Fatalf("saved card %v %v %v", saved.NextTime, saved.NextKind, saved.NextRemind)
	}
	s = reopen(t, s, Options{})
	r, _ := s.Row(c.ID)
	if r.NextTime() != data.At(14, 30) || r.NextKind() != data.KindVisit || r.NextRemind() != data.Remind1Hour {
		t.Fatalf("row after reopen %v %v %v", r.NextTime(), r.NextKind(), r.NextRemind())
	}
	mustCheck(t, s)

	// A follow-up with no plan lets the maintenance plan choose, which has no time.
	_, again := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: stNow}, data.NextPlan{})
	if again.NextTime != 0 || again.NextRemind != data.RemindNone || again.NextKind != "" {
		t.Fatalf("maintenance plan kept the old details: %+v", again)
	}
}

func TestNextPlanValidatedAtItsFields(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("校验"))
	for name, tc := range map[string]struct {
		next  data.NextPlan
		field string
	}{
		"time without a date":     {data.NextPlan{Time: data.At(9, 0)}, "next_date"},
		"reminder without a date": {data.NextPlan{Remind: data.Remind15Min}, "next_date"},
		"unknown kind":            {data.NextPlan{Date: stToday, Kind: "fax"}, "next_kind"},
		"unknown reminder":        {data.NextPlan{Date: stToday, Remind: "2w"}, "next_remind"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := s.LogFollowUp(stActor, data.FollowUp{CustomerID: c.ID, Date: stNow, Method: data.MethodPhone, Topic: "x"}, tc.next)
			var fe data.FieldErrors
			if !errors.As(err, &fe) || fe.For(tc.field) == nil {
				t.Fatalf("error %v, want one at %s", err, tc.field)
			}
		})
	}
	if fs, _ := s.FollowUps(c.ID); len(fs) != 0 {
		t.Fatalf("refused follow-ups were written: %d", len(fs))
	}
}

// A file written before activities had times opens at the new schema and its plans read as all day
// with no reminder.
func TestMigrationKeepsOldPlansAllDay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v6.db")
	s, err := Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCustomer(data.System, company("旧计划", func(c *data.Customer) { c.NextFollowUp, c.NextAction = stToday, "老计划" }))
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(6)) }); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()

	s, err = Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Schema(); v < 7 || v != SchemaVersion() {
		t.Fatalf("schema %d", v)
	}
	a := s.Agenda(stNow, 0)
	if len(a.DueToday) != 1 || a.DueToday[0].Row.ID != c.ID {
		t.Fatalf("due today %v", itemIDs(a.DueToday))
	}
	if act := a.DueToday[0].Activity; !act.Time.IsZero() || act.Remind != data.RemindNone || act.Text != "老计划" {
		t.Fatalf("old plan reads as %+v", act)
	}
	mustCheck(t, s)
}

// Today's planned follow-ups are listed timed ones first, in time order, then the all-day ones.
func TestAgendaListsTodayByTime(t *testing.T) {
	s := newStore(t, nil)
	allDay := mustCreate(t, s, company("全天", planned(stToday, 0, data.KindTask, data.RemindNone)))
	late := mustCreate(t, s, company("下午", planned(stToday, data.At(14, 0), data.KindCall, data.RemindNone)))
	early := mustCreate(t, s, company("上午", planned(stToday, data.At(8, 15), data.KindMeeting, data.Remind15Min)))
	mustCreate(t, s, company("明天", planned(stToday.AddDate(0, 0, 1), data.At(7, 0), data.KindCall, data.RemindNone)))

	a := s.Agenda(stNow, 0)
	if got, want := itemIDs(a.DueToday), []uint64{early.ID, late.ID, allDay.ID}; !slices.Equal(got, want) {
		t.Fatalf("due today %v, want %v", got, want)
	}
	if a.DueToday[0].Activity.Kind != data.KindMeeting || a.DueToday[0].Activity.Time != data.At(8, 15) {
		t.Fatalf("first item's activity %+v", a.DueToday[0].Activity)
	}
}

// The week's activities come day by day, each day timed first; lost cards' and other weeks' are left out.
func TestActivitiesOfAWeek(t *testing.T) {
	s := newStore(t, nil)
	mon := data.WeekOf(stNow)
	if mon.Weekday() != time.Monday || !mon.Equal(gday(2026, 3, 9)) {
		t.Fatalf("WeekOf(%v) = %v", stNow, mon)
	}
	if !data.WeekOf(gday(2026, 3, 15)).Equal(mon) || data.WeekOf(gday(2026, 3, 16)).Equal(mon) {
		t.Fatal("a Sunday belongs to the week before it")
	}
	sunAllDay := mustCreate(t, s, company("周日", planned(mon.AddDate(0, 0, 6), 0, data.KindTask, data.RemindNone)))
	tueLate := mustCreate(t, s, company("周二晚", planned(mon.AddDate(0, 0, 1), data.At(16, 0), data.KindCall, data.RemindNone)))
	tueEarly := mustCreate(t, s, company("周二早", planned(mon.AddDate(0, 0, 1), data.At(9, 0), data.KindVisit, data.RemindNone)))
	mustCreate(t, s, company("下周", planned(mon.AddDate(0, 0, 7), data.At(9, 0), data.KindVisit, data.RemindNone)))
	mustCreate(t, s, company("已流失", planned(mon, data.At(9, 0), data.KindVisit, data.RemindNone), func(c *data.Customer) { c.Status = data.StatusLost }))

	var got []uint64
	for _, a := range s.Activities(mon, mon.AddDate(0, 0, 7), 0) {
		got = append(got, a.Row.ID)
	}
	if want := []uint64{tueEarly.ID, tueLate.ID, sunAllDay.ID}; !slices.Equal(got, want) {
		t.Fatalf("week %v, want %v", got, want)
	}
}

// A due reminder rings once, also across a restart; a plan moved to another time rings again; one
// long missed does not ring.
func TestReminderSchedulerRingsOnce(t *testing.T) {
	clock := &testClock{T: stToday.Add(10*time.Hour + 30*time.Minute)}
	s := newStore(t, clock.Now)
	c := mustCreate(t, s, company("提醒", planned(stToday, data.At(11, 0), data.KindCall, data.Remind15Min)))
	tomorrow := mustCreate(t, s, company("明天全天", planned(stToday.AddDate(0, 0, 1), 0, data.KindVisit, data.Remind1Day)))
	mustCreate(t, s, company("不提醒", planned(stToday, data.At(10, 40), data.KindCall, data.RemindNone)))
	mustCreate(t, s, company("早已错过", planned(stToday, data.At(8, 0), data.KindCall, data.RemindAtTime)))
	upcoming := func(from, to time.Time) []data.Activity { return s.Activities(from, to, 0) }
	ids := func(as []data.Activity) []uint64 {
		var out []uint64
		for _, a := range as {
			out = append(out, a.Row.ID)
		}
		return out
	}

	// Given a scheduler at 10:30: tomorrow's all-day visit (a day ahead from 09:00) is due, the
	// 11:00 call's 15-minute reminder not yet, the 08:00 call missed by more than the grace.
	r := data.NewReminderScheduler(clock.Now, upcoming, nil)
	if got := ids(r.Due()); !slices.Equal(got, []uint64{tomorrow.ID}) {
		t.Fatalf("due at 10:30: %v", got)
	}
	if got := r.Due(); len(got) != 0 {
		t.Fatalf("rang twice: %v", ids(got))
	}
	// When the clock reaches 10:45 the call rings, once.
	clock.Set(stToday.Add(10*time.Hour + 45*time.Minute))
	if got := ids(r.Due()); !slices.Equal(got, []uint64{c.ID}) {
		t.Fatalf("due at 10:45: %v", got)
	}
	if got := r.Due(); len(got) != 0 {
		t.Fatalf("rang twice: %v", ids(got))
	}
	// A restarted window given what was rung rings nothing again.
	r2 := data.NewReminderScheduler(clock.Now, upcoming, r.Sent())
	if got := r2.Due(); len(got) != 0 {
		t.Fatalf("rang again after a restart: %v", ids(got))
	}
	// Moving the call to 11:50 makes a new reminder, due at 11:35.
	cur, _ := s.Customer(c.ID)
	planned(stToday, data.At(11, 50), data.KindCall, data.Remind15Min)(&cur)
	if _, err := s.UpdateCustomer(stActor, cur); err != nil {
		t.Fatal(err)
	}
	if got := r2.Due(); len(got) != 0 {
		t.Fatalf("moved plan rang early: %v", ids(got))
	}
	clock.Set(stToday.Add(11*time.Hour + 35*time.Minute))
	if got := ids(r2.Due()); !slices.Equal(got, []uint64{c.ID}) {
		t.Fatalf("moved plan at 11:35: %v", got)
	}
	if len(r2.Sent()) != 3 {
		t.Fatalf("sent %v", r2.Sent())
	}
}

// Marking an activity done logs the follow-up with its result and sets the next activity in one
// write; a plan changed meanwhile is refused and nothing is written.
func TestCompleteActivity(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("完成", planned(stToday, data.At(9, 0), data.KindVisit, data.Remind15Min)))
	act := s.Activities(stToday, stToday.AddDate(0, 0, 1), 0)
	if len(act) != 1 {
		t.Fatalf("activities %d", len(act))
	}
	before := auditCount(t, s)

	// Without a result nothing is written.
	var fe data.FieldErrors
	if _, _, err := s.CompleteActivity(stActor, act[0], data.ActivityDone{Result: " "}); !errors.As(err, &fe) || fe.For("result") == nil {
		t.Fatalf("empty result: %v", err)
	}
	// A stale plan is refused.
	stale := act[0]
	stale.Time = data.At(8, 0)
	if _, _, err := s.CompleteActivity(stActor, stale, data.ActivityDone{Result: "已演示"}); !errors.Is(err, data.ErrPlanChanged) || !errors.Is(err, data.ErrConflict) {
		t.Fatalf("stale plan: %v", err)
	}
	if n := auditCount(t, s); n != before {
		t.Fatalf("refusals wrote %d changes", n-before)
	}

	next := data.NextPlan{Date: stToday.AddDate(0, 0, 3), Action: "发报价", Time: data.At(10, 0), Kind: data.KindEmail, Remind: data.RemindAtTime}
	fu, got, err := s.CompleteActivity(stActor, act[0], data.ActivityDone{Result: "客户满意，要报价", Next: next})
	if err != nil {
		t.Fatal(err)
	}
	if fu.Result != "客户满意，要报价" || fu.Topic != act[0].Text || fu.Method != data.MethodVisit || !fu.Date.Equal(stToday) {
		t.Fatalf("logged %+v", fu)
	}
	if !got.NextFollowUp.Equal(next.Date) || got.NextTime != data.At(10, 0) || got.NextKind != data.KindEmail || got.LastFollowUp.IsZero() {
		t.Fatalf("card after done %+v", got)
	}
	if fs, _ := s.FollowUps(c.ID); len(fs) != 1 || fs[0].Result == "" {
		t.Fatalf("follow-ups %+v", fs)
	}
	if n := auditCount(t, s); n != before+1 {
		t.Fatalf("done wrote %d changes, want 1", n-before)
	}
	if len(s.Agenda(stNow, 0).DueToday) != 0 {
		t.Fatal("the done activity is still due today")
	}
	mustCheck(t, s)
}

// A plan set by something other than the rep (here a won deal's after-sale follow-up) is all day:
// the old plan's time and reminder do not carry over to it.
func TestWonDealPlanDropsTheOldTime(t *testing.T) {
	p := newPipeline(t)
	cur, _ := p.s.Customer(p.cust.ID)
	planned(stToday, data.At(9, 0), data.KindCall, data.Remind15Min)(&cur)
	if _, err := p.s.UpdateCustomer(stActor, cur); err != nil {
		t.Fatal(err)
	}
	o := p.lead(t, qualified)
	amount := data.AmountFromYuan(150_000)
	if _, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "won", WonDate: stToday, Amount: &amount}); err != nil {
		t.Fatal(err)
	}
	got, _ := p.s.Customer(p.cust.ID)
	if got.NextAction != "plan.after_sale" || got.NextTime != 0 || got.NextRemind != data.RemindNone || got.NextKind != "" {
		t.Fatalf("after-sale plan %q %v %v %v", got.NextAction, got.NextTime, got.NextRemind, got.NextKind)
	}
}

// The JSON export writes a plan's time as people read it and reads it back; the file keeps its number.
func TestTimeOfDayJSON(t *testing.T) {
	c := data.Customer{Name: "甲", NextTime: data.At(14, 30), NextKind: data.KindCall, NextRemind: data.Remind1Day}
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"next_time":"14:30"`) || !strings.Contains(string(raw), `"next_remind":"1d"`) {
		t.Fatalf("json %s", raw)
	}
	var back data.Customer
	if err := json.Unmarshal(raw, &back); err != nil || back.NextTime != c.NextTime || back.NextKind != data.KindCall {
		t.Fatalf("back %v %v: %v", back.NextTime, back.NextKind, err)
	}
	if raw, _ := json.Marshal(data.Customer{}); strings.Contains(string(raw), "next_time") {
		t.Fatalf("an all-day plan wrote a time: %s", raw)
	}
	packed, _ := codec.Marshal(c)
	var unpacked data.Customer
	if err := codec.Unmarshal(packed, &unpacked); err != nil || unpacked.NextTime != data.At(14, 30) {
		t.Fatalf("msgpack %v: %v", unpacked.NextTime, err)
	}
}

// A maintenance plan's follow-up, marked done, is logged the way its plan says, with the topic the
// window gives in words.
func TestCompleteMaintenancePlan(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("维护", func(c *data.Customer) {
		c.NextFollowUp, c.NextAction = stToday, data.MaintenancePlanFor(data.GradeB).Action
	}))
	act := s.Activities(stToday, stToday.AddDate(0, 0, 1), 0)
	fu, _, err := s.CompleteActivity(stActor, act[0], data.ActivityDone{Topic: "经理电话回访（每月）", Result: "已回访"})
	if err != nil {
		t.Fatal(err)
	}
	if fu.Method != data.MaintenancePlanFor(data.GradeB).Method || fu.Topic != "经理电话回访（每月）" || fu.CustomerID != c.ID {
		t.Fatalf("logged %+v", fu)
	}
}
