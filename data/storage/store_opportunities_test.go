package storage

import (
	"errors"
	"salesdesk/data"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// pipeline is a store with a rep, a manager and one customer.
type pipeline struct {
	s        *Store
	rep, mgr data.Member
	cust     data.Customer
}

func newPipeline(t *testing.T) pipeline {
	t.Helper()
	s := newStore(t, nil)
	p := pipeline{s: s, rep: mustMember(t, s, "李娜", data.MemberRep), mgr: mustMember(t, s, "王建国", data.MemberManager)}
	p.cust = mustCreate(t, s, company("杭州云帆网络科技有限公司"))
	return p
}

func (p pipeline) as(m data.Member) data.Actor { return data.Actor{MemberID: m.ID, Name: m.Name} }

func (p pipeline) lead(t *testing.T, scores data.LeadScores) data.Opportunity {
	t.Helper()
	o, err := p.s.CreateOpportunity(p.as(p.rep), data.Opportunity{CustomerID: p.cust.ID, Title: "ERP 升级", OwnerID: p.rep.ID,
		Amount: data.AmountFromYuan(120_000), CloseDate: stToday.AddDate(0, 2, 0), Scores: scores, Stage: "proposal"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

var qualified = data.LeadScores{Budget: 12, Urgency: 9, Authority: 8}

func TestCreateOpportunityStartsAsLead(t *testing.T) {
	p := newPipeline(t)
	o := p.lead(t, qualified)
	if o.Stage != "lead" {
		t.Fatalf("stage = %s, want lead whatever the form said", o.Stage)
	}
	if !strings.HasPrefix(o.Number, "XS"+stToday.Format("200601")) || len(o.Number) != 12 {
		t.Fatalf("number = %s", o.Number)
	}
	h, _ := p.s.History(o.ID)
	if len(h) != 1 || h[0].To != "lead" {
		t.Fatalf("history = %+v", h)
	}
	second := p.lead(t, qualified)
	if second.Number <= o.Number {
		t.Fatalf("numbers %s then %s", o.Number, second.Number)
	}
	mustCheck(t, p.s)
}

func TestOpportunityValidation(t *testing.T) {
	p := newPipeline(t)
	_, err := p.s.CreateOpportunity(p.as(p.rep), data.Opportunity{CustomerID: 999, Amount: -1,
		CloseDate: stToday.AddDate(0, 0, -1), Scores: data.LeadScores{Budget: 16}})
	var fe data.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v", err)
	}
	for _, f := range []string{"title", "amount", "close_date", "budget_score", "customer"} {
		if fe.For(f) == nil {
			t.Errorf("no problem at %s: %v", f, fe)
		}
	}
	if len(p.s.Opportunities(data.OpportunityFilter{})) != 0 {
		t.Fatal("an invalid deal was stored")
	}
}

func TestMoveStageQualification(t *testing.T) {
	p := newPipeline(t)
	o := p.lead(t, data.LeadScores{Budget: 12, Urgency: 5, Authority: 8})

	// An unqualified lead may not leave the lead column,
	if _, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "initial_contact"}); !errors.Is(err, data.ErrNotQualified) {
		t.Fatalf("err = %v, want ErrNotQualified", err)
	}
	// a rep cannot override,
	if _, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "initial_contact", Override: true}); !errors.Is(err, data.ErrOverrideRole) {
		t.Fatalf("err = %v, want ErrOverrideRole", err)
	}
	// a manager can, and the override is recorded with the move.
	moved, err := p.s.MoveStage(p.as(p.mgr), data.Move{ID: o.ID, Version: o.Version, To: "initial_contact", Override: true})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := p.s.History(o.ID)
	if moved.Stage != "initial_contact" || len(h) != 2 || !h[1].Override || h[1].By != p.mgr.ID || h[1].From != "lead" {
		t.Fatalf("moved = %s, history = %+v", moved.Stage, h)
	}
	// A move from a stale version is refused and changes nothing.
	if _, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "proposal"}); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("stale move: %v", err)
	}
	// A move onto its own stage changes nothing.
	same, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: o.ID, Version: moved.Version, To: "initial_contact"})
	if err != nil || same.Version != moved.Version {
		t.Fatalf("same-stage move: %v, version %d", err, same.Version)
	}
	if h2, _ := p.s.History(o.ID); len(h2) != 2 {
		t.Fatalf("same-stage move recorded history: %+v", h2)
	}
}

func TestWinAndLose(t *testing.T) {
	p := newPipeline(t)
	o := p.lead(t, qualified)
	amount := data.AmountFromYuan(150_000)
	won, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "won", WonDate: stToday, Amount: &amount})
	if err != nil {
		t.Fatal(err)
	}
	if won.Amount != amount || !won.WonDate.Equal(stToday) {
		t.Fatalf("won = %+v", won)
	}
	c, _ := p.s.Customer(p.cust.ID)
	if c.Status != data.StatusCustomer || !c.NextFollowUp.Equal(stToday.AddDate(0, 0, data.AfterSaleDays)) || c.NextAction != "plan.after_sale" {
		t.Fatalf("customer after the win: status %s, next %v %q", c.Status, c.NextFollowUp, c.NextAction)
	}

	lost := p.lead(t, qualified)
	_, err = p.s.MoveStage(p.as(p.rep), data.Move{ID: lost.ID, Version: lost.Version, To: "lost"})
	var fe data.FieldErrors
	if !errors.As(err, &fe) || fe.For("lost_reason") == nil {
		t.Fatalf("a loss without a reason: %v", err)
	}
	l, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: lost.ID, Version: lost.Version, To: "lost", LostReason: "价格过高", LostTo: "竞品甲"})
	if err != nil || l.LostReason != "价格过高" || l.LostTo != "竞品甲" {
		t.Fatalf("lost = %+v, %v", l, err)
	}
	mustCheck(t, p.s)
}

// A move whose side effect fails leaves the deal and its history as they were: one transaction.
func TestMoveIsOneTransaction(t *testing.T) {
	p := newPipeline(t)
	o := p.lead(t, qualified)
	// The customer record disappears behind the store's back, so winning cannot update it.
	if err := p.s.db.Bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCustomers).Delete(encodeUint(p.cust.ID))
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: o.ID, Version: o.Version, To: "won"}); err == nil {
		t.Fatal("the win succeeded without its customer")
	}
	got, _ := p.s.Opportunity(o.ID)
	h, _ := p.s.History(o.ID)
	if got.Stage != "lead" || len(h) != 1 {
		t.Fatalf("after the failed move: stage %s, history %d entries", got.Stage, len(h))
	}
}

func TestStageTotalsAndFilters(t *testing.T) {
	p := newPipeline(t)
	a := p.lead(t, qualified)
	b := p.lead(t, qualified)
	p.lead(t, data.LeadScores{})
	if _, err := p.s.MoveStage(p.as(p.rep), data.Move{ID: a.ID, Version: a.Version, To: "negotiation"}); err != nil {
		t.Fatal(err)
	}
	totals := p.s.StageTotals(data.OpportunityFilter{})
	byStage := map[string]data.StageTotal{}
	for _, tt := range totals {
		byStage[tt.Stage] = tt
	}
	if byStage["lead"].Count != 2 || byStage["negotiation"].Count != 1 ||
		byStage["negotiation"].Weighted != data.AmountFromYuan(84_000) {
		t.Fatalf("totals = %+v", totals)
	}
	if got := p.s.Opportunities(data.OpportunityFilter{Stage: "lead"}); len(got) != 2 {
		t.Fatalf("lead filter: %d", len(got))
	}
	if got := p.s.Opportunities(data.OpportunityFilter{Search: "hzyf"}); len(got) != 3 {
		t.Fatalf("search by the customer's pinyin initials: %d", len(got))
	}
	_ = b
}

// The demo's pipeline has deals in every stage, won and lost, each with a history ending where it is.
func TestDemoPipeline(t *testing.T) {
	s := newStore(t, nil)
	if err := GenerateDemo(s, DemoOptions{Customers: 300, Seed: 7, Now: stNow}); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, o := range s.Opportunities(data.OpportunityFilter{}) {
		counts[o.Stage]++
	}
	for _, st := range s.Settings().Stages {
		if counts[st.Key] == 0 {
			t.Errorf("no demo deal in stage %s (%v)", st.Key, counts)
		}
	}
	for _, o := range s.Opportunities(data.OpportunityFilter{Stage: "won"})[:3] {
		h, _ := s.History(o.ID)
		if len(h) < 2 || h[len(h)-1].To != "won" || o.Won == 0 {
			t.Errorf("won deal %s: history %+v", o.Number, h)
		}
	}
	mustCheck(t, s)
}

// The agenda lists an open deal's milestone when due and a deal idle beyond its stage's limit.
func TestAgendaDeals(t *testing.T) {
	p := newPipeline(t)
	o, err := p.s.CreateOpportunity(p.as(p.rep), data.Opportunity{CustomerID: p.cust.ID, Title: "设备更新", OwnerID: p.rep.ID,
		CloseDate: stToday.AddDate(0, 1, 0), Milestones: []data.Milestone{
			{Date: stToday, Text: "方案评审"}, {Date: stToday.AddDate(0, 0, 5), Text: "报价"}, {Date: stToday, Text: "已完成", Done: true}}})
	if err != nil {
		t.Fatal(err)
	}
	a := p.s.Agenda(stNow, 0)
	if len(a.Deals) != 1 || !a.Deals[0].Milestone || a.Deals[0].Text != "方案评审" || a.Deals[0].Deal.ID != o.ID {
		t.Fatalf("deals today = %+v", a.Deals)
	}
	// Fifteen days on, the lead has been idle past its 14 days, and the second milestone is due too.
	later := p.s.Agenda(stNow.AddDate(0, 0, 15), 0)
	var idle, due int
	for _, it := range later.Deals {
		if it.Milestone {
			due++
		} else {
			idle++
		}
	}
	if idle != 1 || due != 2 {
		t.Fatalf("after 15 days: %d idle, %d milestones due: %+v", idle, due, later.Deals)
	}
}
