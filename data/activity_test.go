package data

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestParseTimeOfDay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want TimeOfDay
		bad  bool
	}{
		{"", 0, false},
		{"9:30", At(9, 30), false},
		{"09:05", At(9, 5), false},
		{"０９：３０", At(9, 30), false},
		{"0930", At(9, 30), false},
		{"930", At(9, 30), false},
		{"14", At(14, 0), false},
		{"9点30", At(9, 30), false},
		{"9点", At(9, 0), false},
		{"00:00", At(0, 0), false},
		{"24:00", 0, true},
		{"9:5", 0, true},
		{"9:60", 0, true},
		{"上午", 0, true},
		{"12345", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTimeOfDay(tc.in)
			if tc.bad != (err != nil) || got != tc.want {
				t.Fatalf("ParseTimeOfDay(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.bad)
			}
			if !tc.bad && tc.in != "" && got.IsZero() {
				t.Fatalf("%q read as all day", tc.in)
			}
		})
	}
	if At(0, 0).String() != "00:00" || At(13, 7).String() != "13:07" || TimeOfDay(0).String() != "" {
		t.Fatal("String")
	}
}

func planned(day time.Time, tm TimeOfDay, kind ActivityKind, rem Reminder) func(*Customer) {
	return func(c *Customer) {
		c.NextFollowUp, c.NextAction, c.NextTime, c.NextKind, c.NextRemind = day, "计划:"+tm.String(), tm, kind, rem
	}
}

// A plan's time, kind and reminder are kept on the card and on its list row, and read back after a
// reopen.
func TestActivityDetailsSurviveReopen(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("有计划"))
	_, saved := mustLog(t, s, FollowUp{CustomerID: c.ID, Date: stNow.AddDate(0, 0, -1)}, NextPlan{Date: stToday.AddDate(0, 0, 1),
		Action: "上门演示", Time: At(14, 30), Kind: KindVisit, Remind: Remind1Hour})
	if saved.NextTime != At(14, 30) || saved.NextKind != KindVisit || saved.NextRemind != Remind1Hour {
		t.Fatalf("saved card %v %v %v", saved.NextTime, saved.NextKind, saved.NextRemind)
	}
	s = reopen(t, s, Options{})
	r, _ := s.Row(c.ID)
	if r.NextTime() != At(14, 30) || r.NextKind() != KindVisit || r.NextRemind() != Remind1Hour {
		t.Fatalf("row after reopen %v %v %v", r.NextTime(), r.NextKind(), r.NextRemind())
	}
	mustCheck(t, s)

	// A follow-up with no plan lets the maintenance plan choose, which has no time.
	_, again := mustLog(t, s, FollowUp{CustomerID: c.ID, Date: stNow}, NextPlan{})
	if again.NextTime != 0 || again.NextRemind != RemindNone || again.NextKind != "" {
		t.Fatalf("maintenance plan kept the old details: %+v", again)
	}
}

func TestNextPlanValidatedAtItsFields(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("校验"))
	for name, tc := range map[string]struct {
		next  NextPlan
		field string
	}{
		"time without a date":     {NextPlan{Time: At(9, 0)}, "next_date"},
		"reminder without a date": {NextPlan{Remind: Remind15Min}, "next_date"},
		"unknown kind":            {NextPlan{Date: stToday, Kind: "fax"}, "next_kind"},
		"unknown reminder":        {NextPlan{Date: stToday, Remind: "2w"}, "next_remind"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := s.LogFollowUp(stActor, FollowUp{CustomerID: c.ID, Date: stNow, Method: MethodPhone, Topic: "x"}, tc.next)
			var fe FieldErrors
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
	c, err := s.CreateCustomer(System, company("旧计划", func(c *Customer) { c.NextFollowUp, c.NextAction = stToday, "老计划" }))
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
	if act := a.DueToday[0].Activity; !act.Time.IsZero() || act.Remind != RemindNone || act.Text != "老计划" {
		t.Fatalf("old plan reads as %+v", act)
	}
	mustCheck(t, s)
}

// Today's planned follow-ups are listed timed ones first, in time order, then the all-day ones.
func TestAgendaListsTodayByTime(t *testing.T) {
	s := newStore(t, nil)
	allDay := mustCreate(t, s, company("全天", planned(stToday, 0, KindTask, RemindNone)))
	late := mustCreate(t, s, company("下午", planned(stToday, At(14, 0), KindCall, RemindNone)))
	early := mustCreate(t, s, company("上午", planned(stToday, At(8, 15), KindMeeting, Remind15Min)))
	mustCreate(t, s, company("明天", planned(stToday.AddDate(0, 0, 1), At(7, 0), KindCall, RemindNone)))

	a := s.Agenda(stNow, 0)
	if got, want := itemIDs(a.DueToday), []uint64{early.ID, late.ID, allDay.ID}; !slices.Equal(got, want) {
		t.Fatalf("due today %v, want %v", got, want)
	}
	if a.DueToday[0].Activity.Kind != KindMeeting || a.DueToday[0].Activity.Time != At(8, 15) {
		t.Fatalf("first item's activity %+v", a.DueToday[0].Activity)
	}
}

// The week's activities come day by day, each day timed first; lost cards' and other weeks' are left out.
func TestActivitiesOfAWeek(t *testing.T) {
	s := newStore(t, nil)
	mon := WeekOf(stNow)
	if mon.Weekday() != time.Monday || !mon.Equal(gday(2026, 3, 9)) {
		t.Fatalf("WeekOf(%v) = %v", stNow, mon)
	}
	if !WeekOf(gday(2026, 3, 15)).Equal(mon) || WeekOf(gday(2026, 3, 16)).Equal(mon) {
		t.Fatal("a Sunday belongs to the week before it")
	}
	sunAllDay := mustCreate(t, s, company("周日", planned(mon.AddDate(0, 0, 6), 0, KindTask, RemindNone)))
	tueLate := mustCreate(t, s, company("周二晚", planned(mon.AddDate(0, 0, 1), At(16, 0), KindCall, RemindNone)))
	tueEarly := mustCreate(t, s, company("周二早", planned(mon.AddDate(0, 0, 1), At(9, 0), KindVisit, RemindNone)))
	mustCreate(t, s, company("下周", planned(mon.AddDate(0, 0, 7), At(9, 0), KindVisit, RemindNone)))
	mustCreate(t, s, company("已流失", planned(mon, At(9, 0), KindVisit, RemindNone), func(c *Customer) { c.Status = StatusLost }))

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
	clock := &testClock{t: stToday.Add(10*time.Hour + 30*time.Minute)}
	s := newStore(t, clock.Now)
	c := mustCreate(t, s, company("提醒", planned(stToday, At(11, 0), KindCall, Remind15Min)))
	tomorrow := mustCreate(t, s, company("明天全天", planned(stToday.AddDate(0, 0, 1), 0, KindVisit, Remind1Day)))
	mustCreate(t, s, company("不提醒", planned(stToday, At(10, 40), KindCall, RemindNone)))
	mustCreate(t, s, company("早已错过", planned(stToday, At(8, 0), KindCall, RemindAtTime)))
	upcoming := func(from, to time.Time) []Activity { return s.Activities(from, to, 0) }
	ids := func(as []Activity) []uint64 {
		var out []uint64
		for _, a := range as {
			out = append(out, a.Row.ID)
		}
		return out
	}

	// Given a scheduler at 10:30: tomorrow's all-day visit (a day ahead from 09:00) is due, the
	// 11:00 call's 15-minute reminder not yet, the 08:00 call missed by more than the grace.
	r := NewReminderScheduler(clock.Now, upcoming, nil)
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
	r2 := NewReminderScheduler(clock.Now, upcoming, r.Sent())
	if got := r2.Due(); len(got) != 0 {
		t.Fatalf("rang again after a restart: %v", ids(got))
	}
	// Moving the call to 11:50 makes a new reminder, due at 11:35.
	cur, _ := s.Customer(c.ID)
	planned(stToday, At(11, 50), KindCall, Remind15Min)(&cur)
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
	c := mustCreate(t, s, company("完成", planned(stToday, At(9, 0), KindVisit, Remind15Min)))
	act := s.Activities(stToday, stToday.AddDate(0, 0, 1), 0)
	if len(act) != 1 {
		t.Fatalf("activities %d", len(act))
	}
	before := auditCount(t, s)

	// Without a result nothing is written.
	var fe FieldErrors
	if _, _, err := s.CompleteActivity(stActor, act[0], ActivityDone{Result: " "}); !errors.As(err, &fe) || fe.For("result") == nil {
		t.Fatalf("empty result: %v", err)
	}
	// A stale plan is refused.
	stale := act[0]
	stale.Time = At(8, 0)
	if _, _, err := s.CompleteActivity(stActor, stale, ActivityDone{Result: "已演示"}); !errors.Is(err, ErrPlanChanged) || !errors.Is(err, ErrConflict) {
		t.Fatalf("stale plan: %v", err)
	}
	if n := auditCount(t, s); n != before {
		t.Fatalf("refusals wrote %d changes", n-before)
	}

	next := NextPlan{Date: stToday.AddDate(0, 0, 3), Action: "发报价", Time: At(10, 0), Kind: KindEmail, Remind: RemindAtTime}
	fu, got, err := s.CompleteActivity(stActor, act[0], ActivityDone{Result: "客户满意，要报价", Next: next})
	if err != nil {
		t.Fatal(err)
	}
	if fu.Result != "客户满意，要报价" || fu.Topic != act[0].Text || fu.Method != MethodVisit || !fu.Date.Equal(stToday) {
		t.Fatalf("logged %+v", fu)
	}
	if !got.NextFollowUp.Equal(next.Date) || got.NextTime != At(10, 0) || got.NextKind != KindEmail || got.LastFollowUp.IsZero() {
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
	planned(stToday, At(9, 0), KindCall, Remind15Min)(&cur)
	if _, err := p.s.UpdateCustomer(stActor, cur); err != nil {
		t.Fatal(err)
	}
	o := p.lead(t, qualified)
	amount := AmountFromYuan(150_000)
	if _, err := p.s.MoveStage(p.as(p.rep), Move{ID: o.ID, Version: o.Version, To: "won", WonDate: stToday, Amount: &amount}); err != nil {
		t.Fatal(err)
	}
	got, _ := p.s.Customer(p.cust.ID)
	if got.NextAction != "plan.after_sale" || got.NextTime != 0 || got.NextRemind != RemindNone || got.NextKind != "" {
		t.Fatalf("after-sale plan %q %v %v %v", got.NextAction, got.NextTime, got.NextRemind, got.NextKind)
	}
}

// The JSON export writes a plan's time as people read it and reads it back; the file keeps its number.
func TestTimeOfDayJSON(t *testing.T) {
	c := Customer{Name: "甲", NextTime: At(14, 30), NextKind: KindCall, NextRemind: Remind1Day}
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"next_time":"14:30"`) || !strings.Contains(string(raw), `"next_remind":"1d"`) {
		t.Fatalf("json %s", raw)
	}
	var back Customer
	if err := json.Unmarshal(raw, &back); err != nil || back.NextTime != c.NextTime || back.NextKind != KindCall {
		t.Fatalf("back %v %v: %v", back.NextTime, back.NextKind, err)
	}
	if raw, _ := json.Marshal(Customer{}); strings.Contains(string(raw), "next_time") {
		t.Fatalf("an all-day plan wrote a time: %s", raw)
	}
	packed, _ := codec.Marshal(c)
	var unpacked Customer
	if err := codec.Unmarshal(packed, &unpacked); err != nil || unpacked.NextTime != At(14, 30) {
		t.Fatalf("msgpack %v: %v", unpacked.NextTime, err)
	}
}

// A maintenance plan's follow-up, marked done, is logged the way its plan says, with the topic the
// window gives in words.
func TestCompleteMaintenancePlan(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("维护", func(c *Customer) {
		c.NextFollowUp, c.NextAction = stToday, MaintenancePlanFor(GradeB).Action
	}))
	act := s.Activities(stToday, stToday.AddDate(0, 0, 1), 0)
	fu, _, err := s.CompleteActivity(stActor, act[0], ActivityDone{Topic: "经理电话回访（每月）", Result: "已回访"})
	if err != nil {
		t.Fatal(err)
	}
	if fu.Method != MaintenancePlanFor(GradeB).Method || fu.Topic != "经理电话回访（每月）" || fu.CustomerID != c.ID {
		t.Fatalf("logged %+v", fu)
	}
}
