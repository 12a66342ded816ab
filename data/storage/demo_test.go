package storage

import (
	"errors"
	"fmt"
	"path/filepath"
	"salesdesk/data"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// openDemoStore opens a fresh file whose clock stands still at now.
func openDemoStore(t testing.TB, now time.Time) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "x.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func demoNames(s *Store) []string {
	rows := s.Customers(data.CustomerFilter{Sort: data.SortCardNo})
	slices.SortFunc(rows, func(a, b *indexRow) int { return int(a.ID) - int(b.ID) })
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.Name
	}
	return names
}

func TestGenerateDemo(t *testing.T) {
	// Given an empty file and a fixed today
	now := time.Date(2025, time.March, 14, 10, 30, 0, 0, time.Local)
	s := openDemoStore(t, now)

	// When the demo is generated
	var progress []int
	err := GenerateDemo(s, DemoOptions{Customers: 300, Seed: 1, Now: now,
		Progress: func(done, total int) {
			if total != 300 {
				t.Errorf("progress total %d, want 300", total)
			}
			progress = append(progress, done)
		}})
	if err != nil {
		t.Fatalf("GenerateDemo: %v", err)
	}

	// Then the counts, the team and the current user are right
	if active, archived := s.CustomerCount(); active+archived != 300 {
		t.Errorf("customers: %d active + %d archived, want 300", active, archived)
	}
	if !slices.Equal(progress, []int{300}) {
		t.Errorf("progress calls %v, want [300]", progress)
	}
	members := s.Members()
	if len(members) <= 3 {
		t.Fatalf("members: %d, want more than 3", len(members))
	}
	roles := map[data.MemberRole]int{}
	for _, m := range members {
		roles[m.Role]++
	}
	if roles[data.MemberAdmin] != 1 || roles[data.MemberManager] < 1 || roles[data.MemberRep] < 3 {
		t.Errorf("team roles %v, want 1 admin, managers and reps", roles)
	}
	logins := map[string]bool{}
	for _, m := range members {
		if m.Login == "" || logins[m.Login] {
			t.Errorf("member %s: login %q empty or taken twice", m.Name, m.Login)
		}
		logins[m.Login] = true
	}
	if se, err := s.SignIn("LiNa ", DemoPassword); err != nil || se.Role() != data.MemberRep {
		t.Errorf("the demo rep's sign-in with the demo password: %v", err)
	}

	// every grade occurs, in shares near the seed's pyramid
	rows := s.Customers(data.CustomerFilter{})
	grades := map[data.Grade]int{}
	kinds := map[data.CustomerKind]int{}
	pooled := 0
	for _, r := range rows {
		grades[r.Grade]++
		kinds[r.Kind]++
		if r.OwnerID == 0 {
			// The demo's team has swept every day: a card in the pool went there on the day it fell due,
			// from a rep.
			pooled++
			h, err := s.PoolHistory(r.ID)
			if err != nil || len(h) != 1 || h[0].Action != data.PoolReturn || !h[0].At.Before(now) || h[0].IdleDays == 0 {
				t.Errorf("%s is in the pool with the history %+v, %v", r.Name, h, err)
			} else if m, _ := s.Member(h[0].From); m.Role != data.MemberRep {
				t.Errorf("%s came to the pool from %d, not a rep", r.Name, h[0].From)
			}
			continue
		}
		if m, _ := s.Member(r.OwnerID); m.Role != data.MemberRep {
			t.Errorf("%s: owner %d is not a rep", r.Name, r.OwnerID)
		}
	}
	if pooled == 0 || pooled > len(rows)/4 {
		t.Errorf("%d of %d cards are in the pool; want some, as a team that works its cards has", pooled, len(rows))
	}
	if n, err := s.SweepPool(now); err != nil || n != 0 {
		t.Errorf("the first sweep of the demo returned %d cards (%v); the demo's own sweep left none due", n, err)
	}
	want := map[data.Grade]float64{data.GradeA: 0.08, data.GradeB: 0.17, data.GradeC: 0.35, data.GradeD: 0.40}
	for _, g := range data.Grades {
		share := float64(grades[g]) / float64(len(rows))
		if grades[g] == 0 || share < want[g]-0.07 || share > want[g]+0.07 {
			t.Errorf("grade %s: %d cards (%.0f%%), want about %.0f%%", g, grades[g], share*100, want[g]*100)
		}
	}
	if kinds[data.KindPerson] == 0 || kinds[data.KindPerson] > 60 {
		t.Errorf("person cards: %d, want about 10%%", kinds[data.KindPerson])
	}
	t.Logf("grades %v, kinds %v", grades, kinds)

	// the agenda has something in every list
	a := s.Agenda(now, 0)
	t.Logf("agenda: %d due today, %d overdue, %d actions, %d reviews, %d birthdays",
		len(a.DueToday), len(a.Overdue), len(a.Actions), len(a.Reviews), len(a.Birthdays))
	for name, n := range map[string]int{"DueToday": len(a.DueToday), "Overdue": len(a.Overdue),
		"Actions": len(a.Actions), "Reviews": len(a.Reviews), "Birthdays": len(a.Birthdays)} {
		if n == 0 {
			t.Errorf("agenda.%s is empty", name)
		}
	}

	// the file is sound, with about three follow-ups a card
	rep, err := s.Check()
	if err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", err, rep.Problems)
	}
	if rep.Customers != 300 || rep.FollowUps < 600 || rep.FollowUps > 1200 {
		t.Errorf("check counts %d customers, %d follow-ups; want 300 and about 900", rep.Customers, rep.FollowUps)
	}

	// every card is plausible: dates in order and not ahead of today, one primary contact, parseable phones
	today := data.DateOf(now)
	for _, r := range rows {
		c, err := s.Customer(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := s.FollowUps(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.CreatedAt.After(now) || !c.CreatedAt.After(today.AddDate(-2, 0, -1)) {
			t.Errorf("%s: created %v, want within the two years before %v", c.Name, c.CreatedAt, now)
		}
		for _, f := range fs {
			if !f.Date.Equal(data.DateOf(f.Date)) || f.Date.After(today) || data.DateOf(f.Date).Before(data.DateOf(c.CreatedAt)) {
				t.Errorf("%s: follow-up on %v, card created %v", c.Name, f.Date, c.CreatedAt)
			}
			if f.Topic == "" || f.ByID == 0 {
				t.Errorf("%s: follow-up %+v lacks topic or author", c.Name, f)
			}
		}
		if len(fs) > 0 && !c.LastFollowUp.Equal(fs[0].Date) {
			t.Errorf("%s: last follow-up %v, newest record %v", c.Name, c.LastFollowUp, fs[0].Date)
		}
		primaries := 0
		for _, ct := range c.Contacts {
			if ct.Primary {
				primaries++
			}
			if ct.Phone != "" {
				if _, err := data.ParsePhone(ct.Phone); err != nil {
					t.Errorf("%s: phone %q: %v", c.Name, ct.Phone, err)
				}
			}
			if !ct.Birthday.IsZero() && ct.Birthday.After(today) {
				t.Errorf("%s: birthday %v in the future", c.Name, ct.Birthday)
			}
		}
		if primaries != 1 {
			t.Errorf("%s: %d primary contacts, want 1", c.Name, primaries)
		}
		if c.NextFollowUp.IsZero() {
			t.Errorf("%s: no next follow-up", c.Name)
		}
	}

	// and the same seed gives the same cards, another seed other ones
	again := openDemoStore(t, now)
	if err := GenerateDemo(again, DemoOptions{Customers: 300, Seed: 1, Now: now}); err != nil {
		t.Fatal(err)
	}
	if a, b := demoNames(s), demoNames(again); !slices.Equal(a, b) {
		t.Error("the same seed gave different card names")
	}
	other := openDemoStore(t, now)
	if err := GenerateDemo(other, DemoOptions{Customers: 300, Seed: 2, Now: now}); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(demoNames(s), demoNames(other)) {
		t.Error("another seed gave the same card names")
	}
}

func TestGenerateDemoRefusesFutureDay(t *testing.T) {
	now := time.Date(2025, time.March, 14, 10, 30, 0, 0, time.Local)
	s := openDemoStore(t, now)
	if err := GenerateDemo(s, DemoOptions{Customers: 5, Now: now.AddDate(0, 0, 1)}); err == nil {
		t.Error("a demo dated after the store's today was accepted")
	}
}

func BenchmarkGenerateDemo100k(b *testing.B) {
	now := time.Now()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := GenerateDemo(s, DemoOptions{Customers: 100_000, Seed: int64(i + 1), Now: now}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		rep, err := s.Check()
		if err != nil || !rep.OK() {
			b.Fatalf("check: %v %v", err, rep.Problems)
		}
		b.ReportMetric(float64(rep.FollowUps), "followups")
		s.Close()
		b.StartTimer()
	}
}

// demoStop stops a demo half way, as a kill would: a panic out of its loop at the chosen moment.
type demoStop struct{}

func interruptDemo(t *testing.T, s *Store, opt DemoOptions) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil && r != (demoStop{}) {
			panic(r)
		}
	}()
	if err := GenerateDemo(s, opt); err != nil {
		t.Fatal(err)
	}
	t.Fatal("the demo was not interrupted")
}

// dealKeys lists what makes each deal what it is, in id order.
func dealKeys(s *Store) []string {
	var out []string
	for _, o := range s.Opportunities(data.OpportunityFilter{}) {
		out = append(out, fmt.Sprintf("%d %d %s %s %d %s", o.ID, o.CustomerID, o.Number, o.Title, o.Amount, o.Stage))
	}
	slices.Sort(out)
	return out
}

// TestResumeDemo: a demo stopped after a batch, or between a batch's cards and its deals, is
// recognised (GenerateDemo refuses it, InterruptedDemo tells how far it got), and ResumeDemo finishes
// it into exactly the demo that was not interrupted; the file then checks clean.
func TestResumeDemo(t *testing.T) {
	old := demoBatch
	demoBatch = 40
	t.Cleanup(func() { demoBatch = old; demoAfterCards = nil })
	opt := DemoOptions{Customers: 130, Seed: 11, Now: stNow}
	whole := openDemoStore(t, stNow)
	if err := GenerateDemo(whole, opt); err != nil {
		t.Fatal(err)
	}
	if _, ok := whole.InterruptedDemo(); ok {
		t.Fatal("a finished demo counts as interrupted")
	}
	stops := []struct {
		name      string
		afterDeal bool
		batch     int
		done      int
	}{
		{"after the first batch", true, 0, 40},
		{"between cards and deals", false, 2, 120},
		{"before the first deals", false, 0, 40},
	}
	for _, st := range stops {
		t.Run(st.name, func(t *testing.T) {
			s := openDemoStore(t, stNow)
			o := opt
			demoAfterCards = nil
			if st.afterDeal {
				o.Progress = func(done, _ int) {
					if done == st.done {
						panic(demoStop{})
					}
				}
			} else {
				demoAfterCards = func(b int) {
					if b == st.batch {
						panic(demoStop{})
					}
				}
			}
			interruptDemo(t, s, o)
			demoAfterCards = nil
			got, ok := s.InterruptedDemo()
			if !ok || got.Customers != 130 || got.Done != st.done {
				t.Fatalf("InterruptedDemo %+v %v, want 130 to make, %d made", got, ok, st.done)
			}
			if rep, err := s.Check(); err != nil || rep.OK() || !strings.Contains(rep.Problems[0], "salesdesk demo --db") {
				t.Errorf("check of the interrupted demo: %v %q", err, rep.Problems)
			}
			if err := GenerateDemo(s, opt); !errors.Is(err, ErrDemoInterrupted) {
				t.Fatalf("a second demo on the interrupted one: %v", err)
			}
			if err := ResumeDemo(s, nil); err != nil {
				t.Fatalf("ResumeDemo: %v", err)
			}
			if _, ok := s.InterruptedDemo(); ok {
				t.Error("still interrupted after ResumeDemo")
			}
			if !slices.Equal(demoNames(s), demoNames(whole)) {
				t.Error("the customers differ from the uninterrupted demo's")
			}
			if a, b := dealKeys(s), dealKeys(whole); !slices.Equal(a, b) {
				t.Errorf("%d deals, the uninterrupted demo has %d, or they differ", len(a), len(b))
			}
			rep, err := s.Check()
			if err != nil || !rep.OK() {
				t.Errorf("check: %v %+v", err, rep)
			}
		})
	}
}

// A demo made today looks like a team that keeps up: its rep opens the window to a few plans late by
// days, not to months of backlog, and the open deals were worked on lately.
func TestDemoFirstDayIsKeptUp(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			// Given a demo made today
			now := time.Date(2026, time.December, 2, 9, 15, 0, 0, time.Local)
			s := openDemoStore(t, now)
			if err := GenerateDemo(s, DemoOptions{Customers: 300, Seed: seed, Now: now}); err != nil {
				t.Fatalf("GenerateDemo: %v", err)
			}
			if err := s.LoadDeals(); err != nil {
				t.Fatalf("LoadDeals: %v", err)
			}
			most := func(items []data.AgendaItem) int {
				m := 0
				for _, it := range items {
					m = max(m, it.Days)
				}
				return m
			}

			// When the demo's rep opens the agenda that day
			rep, _ := s.memberByLogin("lina")
			a := s.Agenda(now, rep.ID)

			// Then a few follow-ups are late, by days; actions too
			if n := len(a.Overdue); n < 2 || n > 5 {
				t.Errorf("the rep's overdue follow-ups: %d, want 2 to 5", n)
			}
			if d := most(a.Overdue); d > demoMostOverdue {
				t.Errorf("the rep's most overdue follow-up is %d days late, want at most %d", d, demoMostOverdue)
			}
			if n, d := len(a.Actions), most(a.Actions); n > 5 || d > demoMostOverdue {
				t.Errorf("the rep's late actions: %d, the latest %d days; want at most 5 and %d days", n, d, demoMostOverdue)
			}
			// and only a few cards and deals have gone silent
			if n := len(a.Stale); n > 8 {
				t.Errorf("the rep's silent cards: %d, want at most 8", n)
			}
			if n, d := len(a.Deals), most(a.Deals); n > 8 || d > demoOpenDealDays {
				t.Errorf("the rep's idle deals: %d, the longest idle %d days; want at most 8 and %d days", n, d, demoOpenDealDays)
			}

			// and across the team, most open deals saw activity within a month
			stages := map[string]data.StageKind{}
			for _, st := range s.Settings().Stages {
				stages[st.Key] = st.Kind
			}
			open, recent := 0, 0
			for _, o := range s.Opportunities(data.OpportunityFilter{}) {
				if k := stages[o.Stage]; k != data.StageLead && k != data.StageOpen {
					continue
				}
				open++
				if int(data.DayOf(now)-o.LastActivity) <= 30 {
					recent++
				}
			}
			if open == 0 || recent*10 < open*7 {
				t.Errorf("open deals active within 30 days: %d of %d, want at least 70%%", recent, open)
			}
		})
	}
}

// The demo's deals, their rows and their history lines are written in key order into pages filled
// to 90%: with bbolt's default half, opening a large file read twice the deal rows' pages.
func TestDemoFillsTheDealsPages(t *testing.T) {
	s := demoStore(t, 1500)
	err := s.view(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketOpps, bucketOppRows, bucketHistory} {
			st := tx.Bucket(name).Stats()
			if st.LeafPageN < 10 {
				t.Fatalf("%s: only %d leaf pages", name, st.LeafPageN)
			}
			if fill := float64(st.LeafInuse) / float64(st.LeafPageN*s.db.Bolt.Info().PageSize); fill < 0.8 {
				t.Errorf("%s: its leaf pages are %.0f%% full; want at least 80%%", name, fill*100)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
