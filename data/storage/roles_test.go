package storage

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"salesdesk/data"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// team is a file with an admin, a manager and two reps; each rep owns a card with a deal, and one
// card is in the pool.
type team struct {
	s                      *Store
	admin, mgr, rep, other data.Member
	mine, theirs, pool     data.Customer
	myDeal, theirDeal      data.Opportunity
}

func newRolesTeam(t *testing.T) team {
	t.Helper()
	s := newStore(t, nil)
	tm := team{s: s, admin: mustMember(t, s, "张管理", data.MemberAdmin), mgr: mustMember(t, s, "王建国", data.MemberManager),
		rep: mustMember(t, s, "李娜", data.MemberRep), other: mustMember(t, s, "赵强", data.MemberRep)}
	tm.mine = mustCreate(t, s, company("杭州云帆网络科技有限公司", func(c *data.Customer) { c.OwnerID = tm.rep.ID }))
	tm.theirs = mustCreate(t, s, company("宁波海川贸易有限公司", func(c *data.Customer) { c.OwnerID = tm.other.ID }))
	tm.pool = mustCreate(t, s, company("苏州公海样本有限公司"))
	deal := func(c data.Customer, owner uint64) data.Opportunity {
		o, err := s.CreateOpportunity(stActor, data.Opportunity{CustomerID: c.ID, Title: "ERP 升级", OwnerID: owner,
			Amount: data.AmountFromYuan(120_000), CloseDate: stToday.AddDate(0, 2, 0), Scores: qualified})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	tm.myDeal, tm.theirDeal = deal(tm.mine, tm.rep.ID), deal(tm.theirs, tm.other.ID)
	return tm
}

// lastTx is the id of the file's last committed write: a refused call must leave it where it was.
func lastTx(t *testing.T, s *Store) int {
	t.Helper()
	var id int
	if err := s.view(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}

const (
	ok        outcome = iota // no error
	allowed                  // not refused (the call may fail on its own input)
	forbidden                // *Refusal
	notYours                 // ErrNotYours
)

func outcomeOf(err error) outcome {
	var r *data.Refusal
	switch {
	case err == nil:
		return ok
	case errors.As(err, &r):
		return forbidden
	case errors.Is(err, data.ErrNotYours):
		return notYours
	}
	return allowed
}

// TestRoleActionTable is the role table of the local-only calls (data.LocalService: files on this
// desktop); the calls of data.Service are in data/servicetest's, which runs here and through a host.
func TestRoleActionTable(t *testing.T) {
	cases := []struct {
		name            string
		do              func(t *testing.T, tm team, s *Session) error
		rep, mgr, admin outcome
	}{
		{"open an import", func(t *testing.T, tm team, s *Session) error {
			_, err := s.OpenImport(filepath.Join(t.TempDir(), "none.csv"))
			return err
		}, forbidden, allowed, allowed},
		{"import JSON", func(t *testing.T, tm team, s *Session) error {
			_, err := s.ImportJSON(strings.NewReader("{}"))
			return err
		}, forbidden, allowed, allowed},
		{"export CSV", func(t *testing.T, tm team, s *Session) error {
			_, err := s.Export(io.Discard, data.ExportOptions{Format: "csv", What: data.ExportCustomers, Lang: "zh"})
			return err
		}, forbidden, ok, ok},
		{"export JSON", func(t *testing.T, tm team, s *Session) error {
			_, err := s.ExportJSON(io.Discard, data.JSONExportOptions{})
			return err
		}, forbidden, ok, ok},
		{"back up now", func(t *testing.T, tm team, s *Session) error {
			_, err := s.BackupNow(context.Background(), filepath.Join(t.TempDir(), "b.db"), nil)
			return err
		}, forbidden, forbidden, ok},
		{"list backups", func(t *testing.T, tm team, s *Session) error {
			_, err := s.Backups()
			return err
		}, forbidden, forbidden, allowed},
	}
	for _, c := range cases {
		for _, role := range []struct {
			name string
			who  func(team) data.Member
			want outcome
		}{{"rep", func(tm team) data.Member { return tm.rep }, c.rep}, {"manager", func(tm team) data.Member { return tm.mgr }, c.mgr},
			{"admin", func(tm team) data.Member { return tm.admin }, c.admin}} {
			t.Run(role.name+"/"+c.name, func(t *testing.T) {
				tm := newRolesTeam(t)
				before := lastTx(t, tm.s)
				err := c.do(t, tm, tm.s.SessionAs(role.who(tm).ID))
				got := outcomeOf(err)
				if got != role.want && !(role.want == allowed && got == ok) {
					t.Fatalf("got %v (%v), want %v", got, err, role.want)
				}
				if got == forbidden || got == notYours {
					if after := lastTx(t, tm.s); after != before {
						t.Fatalf("a refused call wrote: last transaction %d, was %d", after, before)
					}
					if code := data.ErrorCode(err); code != data.CodeForbidden && code != data.CodeNotYours {
						t.Fatalf("code = %q", code)
					}
				}
			})
		}
	}
}

func TestRepSeesOwnCardsAndDeals(t *testing.T) {
	tm := newRolesTeam(t)
	rep := tm.s.SessionAs(tm.rep.ID)
	page, _ := rep.Customers(data.CustomerFilter{})
	if page.Total != 1 || len(page.Rows) != 1 || page.Rows[0].ID != tm.mine.ID {
		t.Fatalf("rep's list = %+v, want only its own card (not the other rep's, not the pool)", page)
	}
	if page, _ := rep.Customers(data.CustomerFilter{OwnerID: tm.other.ID}); len(page.Rows) != 1 || page.Rows[0].ID != tm.mine.ID {
		t.Fatalf("asking for another owner's cards gave %+v", page)
	}
	if active, _, _ := rep.CustomerCount(); active != 1 {
		t.Fatalf("rep's count = %d", active)
	}
	if _, err := rep.Row(tm.theirs.ID); data.ErrorCode(err) != data.CodeNotFound {
		t.Fatalf("Row of another rep's card: %v, want not found", err)
	}
	if _, err := rep.Opportunity(tm.theirDeal.ID); data.ErrorCode(err) != data.CodeNotFound {
		t.Fatalf("Opportunity of another rep's deal: %v, want not found", err)
	}
	deals, _ := rep.Opportunities(data.OpportunityFilter{})
	if deals.Total != 1 || deals.Rows[0].ID != tm.myDeal.ID {
		t.Fatalf("rep's deals = %d", deals.Total)
	}
	// The forecast weighs only the deals the member sees: the rep's one, the manager's both.
	forecastDeals := func(ses *Session) int {
		rows, err := ses.Forecast(true)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rows {
			n += r.Deals
		}
		return n
	}
	if mine, all := forecastDeals(rep), forecastDeals(tm.s.SessionAs(tm.mgr.ID)); mine != 1 || all != 2 {
		t.Fatalf("forecast over %d deals for the rep and %d for the manager; want 1 and 2", mine, all)
	}
	hits, err := rep.SearchHits([]uint64{tm.mine.ID, tm.theirs.ID}, "有限")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := hits[tm.theirs.ID]; ok {
		t.Fatal("search hits read another rep's card")
	}
	if all, _ := tm.s.SessionAs(tm.mgr.ID).Customers(data.CustomerFilter{}); all.Total != 3 {
		t.Fatalf("manager's list = %d cards, want 3", all.Total)
	}
	// Nor can the rep learn another rep's customer's segment, or find it in a segmentation's pages.
	if _, _, err := rep.CustomerSegment(tm.theirs.ID); !errors.Is(err, data.ErrNotYours) {
		t.Fatalf("CustomerSegment of another rep's card: %v, want ErrNotYours", err)
	}
	for _, d := range []data.Opportunity{tm.myDeal, tm.theirDeal} {
		if _, err := tm.s.MoveStage(stActor, data.Move{ID: d.ID, Version: d.Version, To: "won", WonDate: stToday}); err != nil {
			t.Fatal(err)
		}
	}
	quarter := data.PeriodOf(data.PeriodQuarter, stNow)
	if pg, _ := tm.s.SessionAs(tm.mgr.ID).SegmentCustomers(quarter, 0, data.MaxSegmentPage); pg.Total != 2 {
		t.Fatalf("the manager's segmentation holds %d customers, want both won", pg.Total)
	}
	pg, err := rep.SegmentCustomers(quarter, 0, data.MaxSegmentPage)
	if err != nil || pg.Total != 1 || len(pg.Customers) != 1 || pg.Customers[0].CustomerID != tm.mine.ID {
		t.Fatalf("rep's segmentation = %+v, %v; want only the rep's own customer", pg, err)
	}
	if sum, _ := rep.SegmentsFor(quarter); sum.Customers != 1 || sum.Total != data.AmountFromYuan(120_000) {
		t.Fatalf("rep's segment summary = %+v", sum)
	}
	// The other rep's deal is not in the rep's report rows.
	r, err := rep.Report(data.PeriodOf(data.PeriodQuarter, stNow))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range r.Owners {
		if o.OwnerID != tm.rep.ID {
			t.Fatalf("rep's report has a row for %s", o.Name)
		}
	}
}

func TestRepDuplicateSaysWhoseWithoutContents(t *testing.T) {
	tm := newRolesTeam(t)
	c := tm.theirs
	c.Notes = "机密"
	if _, err := tm.s.UpdateCustomer(stActor, c); err != nil {
		t.Fatal(err)
	}
	got, _ := tm.s.SessionAs(tm.rep.ID).Duplicates(data.Customer{Name: tm.theirs.Name})
	if len(got) != 1 {
		t.Fatalf("duplicates = %d, want the other rep's card", len(got))
	}
	if got[0].Row.OwnerID != tm.other.ID || got[0].Row.Name != tm.theirs.Name {
		t.Fatalf("match = %+v, want its name and owner", got[0].Row)
	}
	if got[0].Row.CardNo != "" || got[0].Row.Industry != "" || got[0].Row.Tags != nil {
		t.Fatalf("the match kept the card's contents: %+v", got[0].Row)
	}
}
