package storage

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"salesdesk/data"
)

// TestBulkWritesOnCores: a bulk write encodes its cards, follow-ups and deals on several goroutines
// and writes them in order; what it writes is what memory's index holds, record for record, and what
// the file gives back when it is opened again.
func TestBulkWritesOnCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // four goroutines, whatever the machine
	defer func(share int) { coreShare = share }(coreShare)
	coreShare = 1 // and the pool's sweep of a few cards on four goroutines too
	const n = 1500
	s := newStore(t, nil)
	if err := GenerateDemo(s, DemoOptions{Customers: n, Seed: 9, Now: stNow}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Check()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || rep.Customers != n {
		t.Fatalf("check: %d cards, problems %v", rep.Customers, rep.Problems)
	}
	rules := s.Settings().GradeRules
	before := s.Customers(data.CustomerFilter{Sort: data.SortName})
	followUps, open, pooled := 0, 0, 0
	for _, r := range before {
		if r.OwnerID == 0 {
			// Returned by the demo's sweep: from the rep who had it, on the day it fell due.
			moves, err := s.PoolHistory(r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(moves) == 0 || moves[len(moves)-1].Action != data.PoolReturn || moves[len(moves)-1].From == 0 {
				t.Fatalf("card %d is in the pool with the moves %+v", r.ID, moves)
			}
			pooled++
		}
		c, err := s.Customer(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The row memory took from the write is the row the stored card makes.
		rec := buildRecord(&c)
		if want := graded(&rec, rules, stNow); want.Name != r.Name || want.CardNo != r.CardNo ||
			want.SortName != r.SortName || want.Grade != r.Grade || want.NextFollowUp != r.NextFollowUp {
			t.Fatalf("card %d: memory's row %+v, the stored card's %+v", r.ID, *r.public(), *want.public())
		}
		fus, err := s.FollowUps(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fus {
			if f.CustomerID != r.ID {
				t.Fatalf("follow-up %d of card %d is stored for card %d", f.ID, r.ID, f.CustomerID)
			}
			if f.OpenAction() {
				open++
			}
		}
		followUps += len(fus)
	}
	if pooled == 0 {
		t.Fatal("the demo's sweep returned no card to the pool")
	}
	if followUps < n || open == 0 {
		t.Fatalf("%d follow-ups with %d open actions for %d cards", followUps, open, n)
	}
	s.mu.RLock()
	inMemory := len(s.idx.openActions)
	s.mu.RUnlock()
	if got := inMemory; got != open {
		t.Errorf("memory holds %d open actions, the follow-ups %d", got, open)
	}
	deals := s.Opportunities(data.OpportunityFilter{})
	if len(deals) < n/4 {
		t.Fatalf("%d deals for %d cards", len(deals), n)
	}
	for _, d := range deals {
		h, err := s.History(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) == 0 || h[len(h)-1].To != d.Stage {
			t.Fatalf("deal %d in %q has the history %v", d.ID, d.Stage, h)
		}
	}

	s = reopen(t, s, Options{})
	after := s.Customers(data.CustomerFilter{Sort: data.SortName})
	if len(after) != len(before) {
		t.Fatalf("%d cards after reopening, %d before", len(after), len(before))
	}
	for i := range before {
		if !reflect.DeepEqual(before[i].public(), after[i].public()) {
			t.Fatalf("row %d before reopening %+v, after %+v", i, *before[i].public(), *after[i].public())
		}
	}
	if got := s.Opportunities(data.OpportunityFilter{}); !reflect.DeepEqual(got, deals) {
		t.Errorf("the deals differ after reopening")
	}
}

// TestBulkCreateNamesTheFirstInvalidCard: the cards are checked on several goroutines, and the batch
// is refused with the first invalid card's problems, whichever goroutine met which first; nothing is
// written.
func TestBulkCreateNamesTheFirstInvalidCard(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	s := newStore(t, nil)
	cards := make([]NewCard, 1500)
	for i := range cards {
		cards[i].Customer.Name = fmt.Sprintf("客户 %d", i)
	}
	cards[1203].Customer.Name = " "
	cards[701].Customer.Name = ""
	_, err := s.BulkCreate(data.System, cards)
	if err == nil || !strings.Contains(err.Error(), "card 701 ") {
		t.Fatalf("BulkCreate: %v, want the refusal of card 701", err)
	}
	if active, archived := s.CustomerCount(); active+archived != 0 {
		t.Errorf("a refused batch left %d cards", active+archived)
	}
}
