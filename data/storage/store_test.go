package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"salesdesk/data"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ---------------------------------------------------------------------------------------------
// Fixtures

// stNow is the tests' clock: Tuesday 10 March 2026, 09:30 local time.
var stNow = time.Date(2026, 3, 10, 9, 30, 0, 0, time.Local)

// stToday is stNow's calendar day.
var stToday = gday(2026, 3, 10)

var stActor = data.Actor{Name: "测试员"}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// newStore opens a new database file in the test's temp folder; it is closed when the test ends.
func newStore(t *testing.T, now func() time.Time) *Store {
	t.Helper()
	if now == nil {
		now = fixedClock(stNow)
	}
	s, err := Open(filepath.Join(t.TempDir(), "t.db"), Options{Now: now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// reopen closes s and opens its file again with opt (the clock defaults to stNow).
func reopen(t *testing.T, s *Store, opt Options) *Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if opt.Now == nil {
		opt.Now = fixedClock(stNow)
	}
	s2, err := Open(s.Path(), opt)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { _ = s2.Close() })
	return s2
}

// company returns a valid company card named name; edits adjust it.
func company(name string, edits ...func(*data.Customer)) data.Customer {
	c := data.Customer{Kind: data.KindCompany, Name: name, Status: data.StatusProspect}
	for _, e := range edits {
		e(&c)
	}
	return c
}

func withContact(name, phone, email string) func(*data.Customer) {
	return func(c *data.Customer) {
		c.Contacts = append(c.Contacts, data.Contact{Name: name, Phone: phone, Email: email})
	}
}

func mustCreate(t *testing.T, s *Store, c data.Customer) data.Customer {
	t.Helper()
	got, err := s.CreateCustomer(stActor, c)
	if err != nil {
		t.Fatalf("CreateCustomer(%s): %v", c.Name, err)
	}
	return got
}

func mustMember(t *testing.T, s *Store, name string, role data.MemberRole) data.Member {
	t.Helper()
	m, err := s.SaveMember(stActor, data.Member{Name: name, Role: role, Active: true})
	if err != nil {
		t.Fatalf("SaveMember(%s): %v", name, err)
	}
	return m
}

func mustLog(t *testing.T, s *Store, f data.FollowUp, next data.NextPlan) (data.FollowUp, data.Customer) {
	t.Helper()
	if f.Method == "" {
		f.Method = data.MethodPhone
	}
	if f.Topic == "" {
		f.Topic = "电话回访"
	}
	fu, c, err := s.LogFollowUp(stActor, f, next)
	if err != nil {
		t.Fatalf("LogFollowUp: %v", err)
	}
	return fu, c
}

func mustCheck(t *testing.T, s *Store) CheckReport {
	t.Helper()
	r, err := s.Check()
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if !r.OK() {
		t.Errorf("Check found problems: %q", r.Problems)
	}
	return r
}

func rowIDs(rows []*indexRow) []uint64 {
	ids := make([]uint64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

func itemIDs(items []data.AgendaItem) []uint64 {
	ids := make([]uint64, len(items))
	for i, it := range items {
		ids[i] = it.Row.ID
	}
	return ids
}

func sortedIDs(ids []uint64) []uint64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func auditCount(t *testing.T, s *Store) int {
	t.Helper()
	ch, err := s.Changes("", 0, 0)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	return len(ch)
}

// fullCustomer fills every field of the card with stored (normalised) values.
func fullCustomer(owner uint64) data.Customer {
	return data.Customer{
		Kind: data.KindCompany, Name: "北京科技有限公司", Industry: "软件与信息服务", Category: data.DefaultCategories[1],
		Ownership: data.OwnershipJointVent, Region: "北京", Size: "50-200人",
		Contacts: []data.Contact{
			{Name: "张伟", Title: "总经理", Phone: "13800138000", Email: "Zhang.Wei@bjkj.com", Birthday: gday(1978, 1, 2), Role: data.RoleDecisionMaker, Notes: "喜欢喝茶"},
			{Name: "李娜", Title: "采购经理", Phone: "010-12345678-123", Email: "lina@bjkj.com", Birthday: gday(1990, 2, 28), Role: data.RoleInsider, Primary: true},
			{Name: "Hans Müller", Title: "技术顾问", Phone: "+4915112345678", Role: data.RoleTechEvaluator},
		},
		Needs: "机房扩容需要 20 台服务器", Budget: data.AmountFromYuan(350_000) + 55, Preferences: "国产品牌", DecisionProcess: "总经理审批",
		NeedStage: "方案评估", Source: data.SourceTradeShow, OwnerID: owner, FirstContact: gday(2025, 11, 3),
		NextFollowUp: gday(2026, 3, 20), NextAction: "上门演示", Status: data.StatusInterested, GradeOverride: data.GradeB,
		Lifecycle: data.LifecycleFormation, Tags: []string{"重点", "展会"}, LastReviewed: time.Date(2026, 3, 9, 17, 5, 0, 0, time.Local),
		AnnualPurchase: data.AmountFromYuan(180_000), CooperationSince: gday(2024, 7, 1), Referral: data.LevelMedium, Credit: data.CreditGood,
		CreditLimit: data.AmountFromYuan(100_000), Receivables: 12_345_67, MAN: data.MAN{Money: true, Need: true}, Notes: "前任跟进人已离职",
	}
}

// ---------------------------------------------------------------------------------------------
// Customers: create, reload, update

func TestCreateReloadRoundTrip(t *testing.T) {
	// Given a store with a team member and a card with every field filled
	s := newStore(t, nil)
	owner := mustMember(t, s, "王经理", data.MemberManager)
	in := fullCustomer(owner.ID)

	// When it is created, the file closed and opened again
	created := mustCreate(t, s, in)
	s = reopen(t, s, Options{})
	got, err := s.Customer(created.ID)
	if err != nil {
		t.Fatal(err)
	}

	// Then every field reads back as saved, and as typed apart from the store's own fields
	want := in
	want.ID, want.CardNo, want.Version = 1, "KH2026-00001", 1
	want.CreatedAt, want.UpdatedAt, want.CreatedBy, want.UpdatedBy = stNow, stNow, 0, 0
	if created.ID != 1 || created.CardNo != "KH2026-00001" || created.Version != 1 {
		t.Errorf("created id=%d card=%s version=%d; want 1, KH2026-00001, 1", created.ID, created.CardNo, created.Version)
	}
	if !reflect.DeepEqual(got, created) {
		t.Errorf("reloaded card differs from the created one:\n got %+v\nwant %+v", got, created)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reloaded card differs from the input:\n got %+v\nwant %+v", got, want)
	}
	byNo, err := s.CustomerByCardNo(" kh2026-00001 ")
	if err != nil || byNo.ID != created.ID {
		t.Errorf("CustomerByCardNo = %d, %v; want %d", byNo.ID, err, created.ID)
	}
	mustCheck(t, s)
}

// Records come back from the file in time.Local whatever zone they were written in (msgpack keeps
// the instant, not the zone). The instant must survive; the finding is logged.
func TestTimesReloadAsLocalInstants(t *testing.T) {
	// Given a card whose dates were made in UTC+8 (a date typed in Beijing is its local midnight)
	s := newStore(t, nil)
	cst := time.FixedZone("CST", 8*3600)
	c := company("时区测试", func(c *data.Customer) {
		c.FirstContact = time.Date(2026, 3, 1, 0, 0, 0, 0, cst)
		c.Contacts = []data.Contact{{Name: "张三", Birthday: time.Date(1990, 5, 1, 0, 0, 0, 0, cst)}}
	})
	created := mustCreate(t, s, c)

	// When it is read back
	got, err := s.Customer(created.ID)
	if err != nil {
		t.Fatal(err)
	}

	// Then the instants are the same
	if !got.FirstContact.Equal(c.FirstContact) || !got.Contacts[0].Birthday.Equal(c.Contacts[0].Birthday) {
		t.Errorf("instants changed: first contact %v → %v, birthday %v → %v", c.FirstContact, got.FirstContact, c.Contacts[0].Birthday, got.Contacts[0].Birthday)
	}
	if got.FirstContact.Location() != cst {
		t.Logf("finding: times reload in %v, not in the zone they were written in (%v); "+
			"DateOf(first contact) was %s when saved and is %s after reload",
			got.FirstContact.Location(), cst, data.FormatDate(data.DateOf(c.FirstContact)), data.FormatDate(data.DateOf(got.FirstContact)))
	}
}

func TestCardNumbersSequentialPerYear(t *testing.T) {
	// Given a store whose clock a test moves
	clock := &testClock{T: stNow}
	s := newStore(t, clock.Now)

	// When cards are made in 2026, then in 2027, then (clock set back) in 2026 again, and by import
	var got []string
	for i := range 3 {
		got = append(got, mustCreate(t, s, company(fmt.Sprintf("客户%d", i))).CardNo)
	}
	clock.Set(time.Date(2027, 1, 1, 8, 0, 0, 0, time.Local))
	got = append(got, mustCreate(t, s, company("新年客户")).CardNo)
	clock.Set(stNow)
	got = append(got, mustCreate(t, s, company("客户3")).CardNo)
	ids, err := s.BulkCreate(stActor, []NewCard{{Customer: company("旧客户", func(c *data.Customer) { c.CreatedAt = gday(2025, 6, 1) })}})
	if err != nil {
		t.Fatal(err)
	}
	imported, _ := s.Customer(ids[0])
	got = append(got, imported.CardNo)
	s = reopen(t, s, Options{Now: clock.Now})
	got = append(got, mustCreate(t, s, company("重开后客户")).CardNo)

	// Then each year counts from 00001, numbers continue after a reopen, and none repeats
	want := []string{"KH2026-00001", "KH2026-00002", "KH2026-00003", "KH2027-00001", "KH2026-00004", "KH2025-00001", "KH2026-00005"}
	if !slices.Equal(got, want) {
		t.Errorf("card numbers = %v; want %v", got, want)
	}
	mustCheck(t, s)
}

func TestUpdateCustomerStaleVersionConflicts(t *testing.T) {
	// Given a card opened in two windows
	s := newStore(t, nil)
	c := mustCreate(t, s, company("上海贸易有限公司"))
	first, second := c, c

	// When the first window saves, then the second saves its older copy
	first.Notes = "第一次修改"
	saved, err := s.UpdateCustomer(stActor, first)
	if err != nil {
		t.Fatalf("first save: %v", err)
	}
	before := auditCount(t, s)
	second.Name = "上海贸易（改名）"
	_, err = s.UpdateCustomer(stActor, second)

	// Then the second save is refused with ErrConflict and nothing of it is written
	if !errors.Is(err, data.ErrConflict) {
		t.Fatalf("stale save: err = %v; want ErrConflict", err)
	}
	got, _ := s.Customer(c.ID)
	if got.Version != 2 || got.Name != "上海贸易有限公司" || got.Notes != "第一次修改" || !reflect.DeepEqual(got, saved) {
		t.Errorf("after the conflict the card is %+v; want the first save %+v", got, saved)
	}
	if row, _ := s.Row(c.ID); row.Name != "上海贸易有限公司" {
		t.Errorf("list row name = %q; want the saved one", row.Name)
	}
	if n := auditCount(t, s); n != before {
		t.Errorf("audit grew from %d to %d on a refused save", before, n)
	}

	// And a save of the current version goes through
	saved.Name = "上海贸易（改名）"
	if again, err := s.UpdateCustomer(stActor, saved); err != nil || again.Version != 3 {
		t.Errorf("save of the current version: version %d, %v; want 3, nil", again.Version, err)
	}
}

func TestUpdateCustomerKeepsDerivedFields(t *testing.T) {
	// Given a card with a follow-up
	s := newStore(t, nil)
	c := mustCreate(t, s, company("广州电子"))
	_, c = mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: stNow.Add(-time.Hour)}, data.NextPlan{})

	// When a form tries to change derived fields
	form := c
	form.CardNo, form.LastFollowUp, form.CreatedAt, form.Archived = "KH1999-99999", time.Time{}, time.Time{}, true
	saved, err := s.UpdateCustomer(stActor, form)
	if err != nil {
		t.Fatal(err)
	}

	// Then the stored values win
	if saved.CardNo != c.CardNo || !saved.LastFollowUp.Equal(c.LastFollowUp) || !saved.CreatedAt.Equal(c.CreatedAt) || saved.Archived {
		t.Errorf("derived fields changed: %+v", saved)
	}
	mustCheck(t, s)
}

func TestValidationErrorsWriteNothing(t *testing.T) {
	cases := []struct {
		name  string
		c     data.Customer
		field string
		want  error
	}{
		{"name required", company("  "), "name", data.ErrRequired},
		{"bad phone of first contact", company("甲公司", withContact("张三", "138-0013-800", "")), "contacts.0.phone", data.ErrPhoneInvalid},
		{"bad email of second contact", company("乙公司", withContact("张三", "", ""), withContact("李四", "", "li@@x.cn")), "contacts.1.email", data.ErrEmailInvalid},
		{"contact name required", company("丙公司", withContact("", "13800138000", "")), "contacts.0.name", data.ErrRequired},
		{"negative budget", company("丁公司", func(c *data.Customer) { c.Budget = -1 }), "budget", data.ErrAmountNegative},
		{"first contact in the future", company("戊公司", func(c *data.Customer) { c.FirstContact = stToday.AddDate(0, 0, 1) }), "first_contact", data.ErrDateInFuture},
		{"unknown status", company("己公司", func(c *data.Customer) { c.Status = "gone" }), "status", data.ErrChoiceInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Given a store with one valid card
			s := newStore(t, nil)
			existing := mustCreate(t, s, company("已有客户"))
			audits := auditCount(t, s)

			// When an invalid card is created, and the valid one is saved with the same problem
			_, err := s.CreateCustomer(stActor, tc.c)
			edit := tc.c
			edit.ID, edit.Version = existing.ID, existing.Version
			_, uerr := s.UpdateCustomer(stActor, edit)

			// Then both are refused with the problem at the field, and nothing is written
			for _, e := range []error{err, uerr} {
				var fe data.FieldErrors
				if !errors.As(e, &fe) {
					t.Fatalf("err = %v; want FieldErrors", e)
				}
				if got := fe.For(tc.field); !errors.Is(got, tc.want) {
					t.Errorf("error at %q = %v; want %v (all: %v)", tc.field, got, tc.want, fe)
				}
			}
			if active, archived := s.CustomerCount(); active != 1 || archived != 0 {
				t.Errorf("count = %d+%d; want 1", active, archived)
			}
			if n := auditCount(t, s); n != audits {
				t.Errorf("audit grew from %d to %d", audits, n)
			}
			if got, _ := s.Customer(existing.ID); got.Version != existing.Version || got.Name != existing.Name {
				t.Errorf("existing card changed: %+v", got)
			}
			s = reopen(t, s, Options{})
			if active, _ := s.CustomerCount(); active != 1 {
				t.Errorf("after reopen count = %d; want 1", active)
			}
		})
	}
}

// The store must not write references its own Check reports as broken.
func TestReferencesToMissingMembersRefused(t *testing.T) {
	t.Run("customer owner", func(t *testing.T) {
		s := newStore(t, nil)
		_, err := s.CreateCustomer(stActor, company("甲公司", func(c *data.Customer) { c.OwnerID = 42 }))
		r, cerr := s.Check()
		if cerr != nil {
			t.Fatal(cerr)
		}
		if err == nil && !r.OK() {
			t.Errorf("CreateCustomer accepted owner 42, which is no member; Check then reports %q", r.Problems)
		}
	})
	t.Run("follow-up author", func(t *testing.T) {
		s := newStore(t, nil)
		c := mustCreate(t, s, company("乙公司"))
		_, _, err := s.LogFollowUp(stActor, data.FollowUp{CustomerID: c.ID, Date: stNow, Method: data.MethodPhone, Topic: "回访", ByID: 77}, data.NextPlan{})
		r, cerr := s.Check()
		if cerr != nil {
			t.Fatal(cerr)
		}
		if err == nil && !r.OK() {
			t.Errorf("LogFollowUp accepted author 77, which is no member; Check then reports %q", r.Problems)
		}
	})
}

func TestArchiveAndRestore(t *testing.T) {
	// Given two cards
	s := newStore(t, nil)
	keep := mustCreate(t, s, company("保留客户"))
	gone := mustCreate(t, s, company("归档客户", func(c *data.Customer) { c.NextFollowUp = stToday }))

	// When one is archived
	if _, err := s.ArchiveCustomer(stActor, gone.ID); err != nil {
		t.Fatal(err)
	}

	// Then the list hides it, the archive view shows it, the agenda skips it, the file is sound
	if ids := rowIDs(s.Customers(data.CustomerFilter{})); !slices.Equal(ids, []uint64{keep.ID}) {
		t.Errorf("active list = %v; want [%d]", ids, keep.ID)
	}
	if ids := rowIDs(s.Customers(data.CustomerFilter{Archived: true})); !slices.Equal(ids, []uint64{gone.ID}) {
		t.Errorf("archived list = %v; want [%d]", ids, gone.ID)
	}
	if a := s.Agenda(stNow, 0); slices.Contains(itemIDs(a.DueToday), gone.ID) {
		t.Error("archived card is on the agenda")
	}
	if c, _ := s.Customer(gone.ID); !c.Archived || !c.ArchivedAt.Equal(stNow) {
		t.Errorf("archived card: archived=%v at %v", c.Archived, c.ArchivedAt)
	}
	if active, archived := s.CustomerCount(); active != 1 || archived != 1 {
		t.Errorf("count = %d active, %d archived; want 1, 1", active, archived)
	}
	mustCheck(t, s)

	// When it is restored (after a reopen)
	s = reopen(t, s, Options{})
	if ids := rowIDs(s.Customers(data.CustomerFilter{Archived: true})); !slices.Equal(ids, []uint64{gone.ID}) {
		t.Errorf("archived list after reopen = %v", ids)
	}
	if _, err := s.RestoreCustomer(stActor, gone.ID); err != nil {
		t.Fatal(err)
	}

	// Then it is back in the list and off the archive view
	if ids := sortedIDs(rowIDs(s.Customers(data.CustomerFilter{}))); !slices.Equal(ids, []uint64{keep.ID, gone.ID}) {
		t.Errorf("active list after restore = %v", ids)
	}
	if n := len(s.Customers(data.CustomerFilter{Archived: true})); n != 0 {
		t.Errorf("archived list after restore has %d rows", n)
	}
	if c, _ := s.Customer(gone.ID); c.Archived || !c.ArchivedAt.IsZero() {
		t.Errorf("restored card: archived=%v at %v", c.Archived, c.ArchivedAt)
	}
	mustCheck(t, s)
}

// ---------------------------------------------------------------------------------------------
// Follow-ups

func TestLogFollowUp(t *testing.T) {
	yesterday := stNow.Add(-18 * time.Hour) // 9 March, 15:30
	t.Run("no plan: the grade's maintenance plan sets the next follow-up", func(t *testing.T) {
		// Given a C card (it has bought, below B)
		s := newStore(t, nil)
		c := mustCreate(t, s, company("丙级客户", func(c *data.Customer) { c.AnnualPurchase = data.AmountFromYuan(10_000); c.Status = data.StatusCustomer }))

		// When a follow-up is logged without a plan
		f, got := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: yesterday}, data.NextPlan{})

		// Then the card's last follow-up is it, and the next is a quarter later (C: update email each quarter)
		if !got.LastFollowUp.Equal(yesterday) {
			t.Errorf("LastFollowUp = %v; want %v", got.LastFollowUp, yesterday)
		}
		if want := gday(2026, 6, 9); !got.NextFollowUp.Equal(want) || got.NextAction != "plan.c" {
			t.Errorf("next = %v %q; want %v plan.c", got.NextFollowUp, got.NextAction, want)
		}
		if got.Version != c.Version+1 || f.ID == 0 || f.CustomerID != c.ID || !f.CreatedAt.Equal(stNow) {
			t.Errorf("version %d, follow-up %+v", got.Version, f)
		}
		row, _ := s.Row(c.ID)
		if row.LastFollowUp != data.DayOf(yesterday) || row.NextFollowUp != data.DayOf(got.NextFollowUp) {
			t.Errorf("row last=%v next=%v; want the card's", row.LastFollowUp, row.NextFollowUp)
		}
		s = reopen(t, s, Options{})
		if again, _ := s.Customer(c.ID); !reflect.DeepEqual(again, got) {
			t.Errorf("after reopen %+v; want %+v", again, got)
		}
		mustCheck(t, s)
	})
	t.Run("no plan, override B: a month later", func(t *testing.T) {
		s := newStore(t, nil)
		c := mustCreate(t, s, company("乙级客户", func(c *data.Customer) { c.GradeOverride = data.GradeB }))
		_, got := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: yesterday}, data.NextPlan{})
		if want := gday(2026, 4, 9); !got.NextFollowUp.Equal(want) || got.NextAction != "plan.b" {
			t.Errorf("next = %v %q; want %v plan.b", got.NextFollowUp, got.NextAction, want)
		}
	})
	t.Run("the rep's plan wins", func(t *testing.T) {
		s := newStore(t, nil)
		c := mustCreate(t, s, company("有计划客户"))
		plan := data.NextPlan{Date: time.Date(2026, 3, 20, 14, 0, 0, 0, time.Local), Action: "寄送样品"}
		_, got := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: yesterday}, plan)
		if !got.NextFollowUp.Equal(gday(2026, 3, 20)) || got.NextAction != "寄送样品" {
			t.Errorf("next = %v %q; want 2026-03-20 寄送样品", got.NextFollowUp, got.NextAction)
		}
	})
	t.Run("an older follow-up logged later keeps the last follow-up", func(t *testing.T) {
		// Given a card followed up yesterday
		s := newStore(t, nil)
		c := mustCreate(t, s, company("补录客户"))
		_, after := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: yesterday}, data.NextPlan{})

		// When a follow-up of three weeks ago is logged today, without a plan
		old := stNow.AddDate(0, 0, -21)
		_, got := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: old}, data.NextPlan{})

		// Then last and next follow-up stay; the first contact moves back to it
		if !got.LastFollowUp.Equal(yesterday) || !got.NextFollowUp.Equal(after.NextFollowUp) || got.NextAction != after.NextAction {
			t.Errorf("last=%v next=%v %q; want %v %v %q", got.LastFollowUp, got.NextFollowUp, got.NextAction, yesterday, after.NextFollowUp, after.NextAction)
		}
		if !got.FirstContact.Equal(data.DateOf(old)) {
			t.Errorf("FirstContact = %v; want %v", got.FirstContact, data.DateOf(old))
		}
		if row, _ := s.Row(c.ID); row.LastFollowUp != data.DayOf(yesterday) {
			t.Errorf("row LastFollowUp = %v", row.LastFollowUp)
		}
	})
	t.Run("invalid follow-ups are refused at the field", func(t *testing.T) {
		s := newStore(t, nil)
		c := mustCreate(t, s, company("校验客户"))
		cases := []struct {
			name  string
			f     data.FollowUp
			next  data.NextPlan
			field string
			want  error
		}{
			{"no date", data.FollowUp{CustomerID: c.ID, Method: data.MethodPhone, Topic: "x"}, data.NextPlan{}, "date", data.ErrDateEmpty},
			{"date tomorrow", data.FollowUp{CustomerID: c.ID, Date: stNow.AddDate(0, 0, 1), Method: data.MethodPhone, Topic: "x"}, data.NextPlan{}, "date", data.ErrDateInFuture},
			{"no topic", data.FollowUp{CustomerID: c.ID, Date: stNow, Method: data.MethodPhone}, data.NextPlan{}, "topic", data.ErrRequired},
			{"bad method", data.FollowUp{CustomerID: c.ID, Date: stNow, Method: "fax", Topic: "x"}, data.NextPlan{}, "method", data.ErrChoiceInvalid},
			{"deadline before date", data.FollowUp{CustomerID: c.ID, Date: stNow, Method: data.MethodPhone, Topic: "x", Deadline: stToday.AddDate(0, 0, -1)}, data.NextPlan{}, "deadline", data.ErrDeadlineBeforeDate},
			{"next before date", data.FollowUp{CustomerID: c.ID, Date: stNow, Method: data.MethodPhone, Topic: "x"}, data.NextPlan{Date: stToday.AddDate(0, 0, -1)}, "next_date", data.ErrDeadlineBeforeDate},
		}
		for _, tc := range cases {
			_, _, err := s.LogFollowUp(stActor, tc.f, tc.next)
			var fe data.FieldErrors
			if !errors.As(err, &fe) || !errors.Is(fe.For(tc.field), tc.want) {
				t.Errorf("%s: err = %v; want %v at %s", tc.name, err, tc.want, tc.field)
			}
		}
		if fs, _ := s.FollowUps(c.ID); len(fs) != 0 {
			t.Errorf("%d follow-ups written", len(fs))
		}
		_, _, err := s.LogFollowUp(stActor, data.FollowUp{CustomerID: 999, Date: stNow, Method: data.MethodPhone, Topic: "x"}, data.NextPlan{})
		if !errors.Is(err, data.ErrNotFound) {
			t.Errorf("follow-up of a missing customer: err = %v; want ErrNotFound", err)
		}
	})
}

func TestFollowUpTimelineNewestFirst(t *testing.T) {
	// Given follow-ups logged out of date order, two at the same instant
	s := newStore(t, nil)
	c := mustCreate(t, s, company("时间线客户"))
	other := mustCreate(t, s, company("别的客户"))
	d1, d3, d5 := stNow.AddDate(0, 0, -9), stNow.AddDate(0, 0, -7), stNow.AddDate(0, 0, -5)
	a, _ := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: d1, Topic: "a"}, data.NextPlan{})
	b, _ := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: d5, Topic: "b"}, data.NextPlan{})
	mustLog(t, s, data.FollowUp{CustomerID: other.ID, Date: d5, Topic: "other"}, data.NextPlan{})
	cc, _ := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: d3, Topic: "c"}, data.NextPlan{})
	d, _ := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: d5, Topic: "d"}, data.NextPlan{})

	// When the timeline is read
	fs, err := s.FollowUps(c.ID)
	if err != nil {
		t.Fatal(err)
	}

	// Then it is newest first, same instant by logging order (later first), and only this customer's
	var got []uint64
	for _, f := range fs {
		got = append(got, f.ID)
	}
	if want := []uint64{d.ID, b.ID, cc.ID, a.ID}; !slices.Equal(got, want) {
		t.Errorf("timeline = %v; want %v", got, want)
	}
}

func TestOpenActionOnAgendaUntilConfirmed(t *testing.T) {
	// Given a follow-up today whose action is due in two days
	s := newStore(t, nil)
	c := mustCreate(t, s, company("待办客户"))
	f, _ := mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: stNow, Action: "寄送报价单", Deadline: stToday.AddDate(0, 0, 2)}, data.NextPlan{})

	// Then it is not on today's agenda, is on the deadline's, and overdue after it
	if a := s.Agenda(stNow, 0); len(a.Actions) != 0 {
		t.Errorf("today's actions = %v; want none before the deadline", a.Actions)
	}
	a := s.Agenda(stNow.AddDate(0, 0, 2), 0)
	if len(a.Actions) != 1 || a.Actions[0].FollowUpID != f.ID || a.Actions[0].Days != 0 || a.Actions[0].Text != "寄送报价单" {
		t.Errorf("actions on the deadline = %+v", a.Actions)
	}
	a = s.Agenda(stNow.AddDate(0, 0, 5), 0)
	if len(a.Actions) != 1 || a.Actions[0].Days != 3 {
		t.Errorf("actions 3 days after = %+v", a.Actions)
	}
	if a := s.Agenda(stNow.AddDate(0, 0, 5), 99); len(a.Actions) != 0 {
		t.Errorf("another owner's agenda shows the action")
	}
	mustCheck(t, s)

	// When the result is confirmed (an empty result is refused)
	if _, err := s.ConfirmResult(stActor, c.ID, f.ID, ""); !errors.Is(err, data.ErrRequired) {
		t.Errorf("empty result: err = %v; want ErrRequired", err)
	}
	got, err := s.ConfirmResult(stActor, c.ID, f.ID, "客户已收到")
	if err != nil {
		t.Fatal(err)
	}

	// Then it leaves the agenda, also after a reopen, and the record keeps the result
	if got.Result != "客户已收到" {
		t.Errorf("Result = %q", got.Result)
	}
	if a := s.Agenda(stNow.AddDate(0, 0, 5), 0); len(a.Actions) != 0 {
		t.Errorf("confirmed action still on the agenda: %+v", a.Actions)
	}
	s = reopen(t, s, Options{})
	if a := s.Agenda(stNow.AddDate(0, 0, 5), 0); len(a.Actions) != 0 {
		t.Errorf("confirmed action back on the agenda after reopen: %+v", a.Actions)
	}
	if fs, _ := s.FollowUps(c.ID); len(fs) != 1 || fs[0].Result != "客户已收到" {
		t.Errorf("timeline = %+v", fs)
	}
	if _, err := s.ConfirmResult(stActor, c.ID, 999, "x"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("confirm a missing follow-up: err = %v; want ErrNotFound", err)
	}
	mustCheck(t, s)
}

// ---------------------------------------------------------------------------------------------
// Agenda

func TestAgenda(t *testing.T) {
	// Given cards planned for today, overdue, tomorrow; of several grades and states; two owners
	s := newStore(t, nil)
	rep := mustMember(t, s, "李四", data.MemberRep)
	other := mustMember(t, s, "王五", data.MemberRep)
	plan := func(d time.Time, owner uint64, grade data.Grade) func(*data.Customer) {
		return func(c *data.Customer) {
			c.NextFollowUp, c.NextAction, c.OwnerID, c.GradeOverride = d, "回访", owner, grade
		}
	}
	today := mustCreate(t, s, company("今天", plan(stToday.Add(15*time.Hour), rep.ID, data.GradeD)))
	overdue := mustCreate(t, s, company("逾期", plan(stToday.AddDate(0, 0, -3), rep.ID, data.GradeD)))
	overdueOther := mustCreate(t, s, company("逾期他人", plan(stToday.AddDate(0, 0, -10), other.ID, data.GradeD)))
	tomorrow := mustCreate(t, s, company("明天", plan(stToday.AddDate(0, 0, 1), rep.ID, data.GradeD)))
	lost := mustCreate(t, s, company("流失", plan(stToday, rep.ID, data.GradeD), func(c *data.Customer) { c.Status = data.StatusLost }))
	invalid := mustCreate(t, s, company("无效", plan(stToday, rep.ID, data.GradeA), func(c *data.Customer) { c.Status = data.StatusInvalid }))
	reviewA := mustCreate(t, s, company("A待审", plan(stToday.AddDate(0, 1, 0), rep.ID, data.GradeA)))
	reviewedB := mustCreate(t, s, company("B已审", plan(stToday.AddDate(0, 1, 0), rep.ID, data.GradeB), func(c *data.Customer) { c.LastReviewed = stToday.AddDate(0, 0, -3) }))
	dueB := mustCreate(t, s, company("B到期", plan(stToday.AddDate(0, 1, 0), rep.ID, data.GradeB), func(c *data.Customer) { c.LastReviewed = stToday.AddDate(0, 0, -7) }))
	birthday := mustCreate(t, s, company("生日", plan(stToday.AddDate(0, 2, 0), rep.ID, data.GradeD), func(c *data.Customer) {
		c.Contacts = []data.Contact{{Name: "张三", Birthday: gday(1980, 3, 12)}, {Name: "李四", Birthday: gday(1985, 3, 17)}, {Name: "王五", Birthday: gday(1985, 3, 10)}}
	}))
	_ = lost
	_ = invalid
	_ = tomorrow

	// When the team's agenda of today is built
	a := s.Agenda(stNow, 0)

	// Then each list holds exactly its cards, in date order
	if got := itemIDs(a.DueToday); !slices.Equal(got, []uint64{today.ID}) {
		t.Errorf("DueToday = %v; want [%d]", got, today.ID)
	}
	if got := itemIDs(a.Overdue); !slices.Equal(got, []uint64{overdueOther.ID, overdue.ID}) {
		t.Errorf("Overdue = %v; want [%d %d] (longest overdue first)", got, overdueOther.ID, overdue.ID)
	}
	if len(a.Overdue) == 2 && (a.Overdue[0].Days != 10 || a.Overdue[1].Days != 3) {
		t.Errorf("Overdue days = %d, %d; want 10, 3", a.Overdue[0].Days, a.Overdue[1].Days)
	}
	if got := itemIDs(a.Reviews); !slices.Equal(got, []uint64{reviewA.ID, dueB.ID}) {
		t.Errorf("Reviews = %v; want [%d %d] (never reviewed first)", got, reviewA.ID, dueB.ID)
	}
	_ = reviewedB
	var bdays []string
	for _, it := range a.Birthdays {
		bdays = append(bdays, fmt.Sprintf("%s@%d", it.Contact, it.Days))
		if it.Row.ID != birthday.ID {
			t.Errorf("birthday of card %d", it.Row.ID)
		}
	}
	if want := []string{"王五@0", "张三@2"}; !slices.Equal(bdays, want) {
		t.Errorf("Birthdays = %v; want %v (17 March is 7 days away: outside the window)", bdays, want)
	}

	// And a rep's agenda shows only the rep's cards; a reviewed card leaves the reviews
	if got := itemIDs(s.Agenda(stNow, other.ID).Overdue); !slices.Equal(got, []uint64{overdueOther.ID}) {
		t.Errorf("other rep's Overdue = %v", got)
	}
	if _, err := s.MarkReviewed(stActor, reviewA.ID); err != nil {
		t.Fatal(err)
	}
	if got := itemIDs(s.Agenda(stNow, 0).Reviews); !slices.Equal(got, []uint64{dueB.ID}) {
		t.Errorf("Reviews after marking = %v; want [%d]", got, dueB.ID)
	}
	if got := itemIDs(s.Agenda(stNow.AddDate(0, 0, 1), 0).Reviews); !slices.Contains(got, reviewA.ID) {
		t.Errorf("A card reviewed today is not due again tomorrow: %v", got)
	}
}

func TestAgendaBirthdayAcrossYearEnd(t *testing.T) {
	// Given today is 29 December and contacts born on 2, 4 and 5 January
	now := time.Date(2026, 12, 29, 8, 0, 0, 0, time.Local)
	s := newStore(t, fixedClock(now))
	c := mustCreate(t, s, company("跨年", func(c *data.Customer) {
		c.Contacts = []data.Contact{{Name: "一月二日", Birthday: gday(1990, 1, 2)}, {Name: "一月四日", Birthday: gday(1990, 1, 4)}, {Name: "一月五日", Birthday: gday(1990, 1, 5)}}
	}))

	// When the agenda is built
	a := s.Agenda(now, 0)

	// Then 2 and 4 January of next year are within the 7 days, 5 January is not
	var got []string
	for _, it := range a.Birthdays {
		got = append(got, fmt.Sprintf("%s %s %d", it.Contact, data.FormatDate(it.Date), it.Days))
		if it.Row.ID != c.ID {
			t.Errorf("row %d", it.Row.ID)
		}
	}
	if want := []string{"一月二日 2027-01-02 4", "一月四日 2027-01-04 6"}; !slices.Equal(got, want) {
		t.Errorf("Birthdays = %q; want %q", got, want)
	}
}

// ---------------------------------------------------------------------------------------------
// Lists: search, filters, sorting, duplicates

type listFixture struct {
	s                            *Store
	bjkj, shmy, zgdz, albb, bcwl data.Customer
	archived                     data.Customer
	zhangsan, lisi, wangwu       data.Member
}

func newListFixture(t *testing.T) *listFixture {
	t.Helper()
	s := newStore(t, nil)
	f := &listFixture{s: s}
	f.zhangsan = mustMember(t, s, "张三", data.MemberRep)
	f.lisi = mustMember(t, s, "李四", data.MemberRep)
	f.wangwu = mustMember(t, s, "王五", data.MemberManager)
	f.bjkj = mustCreate(t, s, company("北京科技有限公司", withContact("张伟", "138-0013-8000", "Zhang.Wei@BJKJ.com"), func(c *data.Customer) {
		c.Industry, c.Source, c.Tags, c.OwnerID, c.Status, c.GradeOverride = "软件", data.SourceTradeShow, []string{"重点"}, f.zhangsan.ID, data.StatusInterested, data.GradeA
		c.Category, c.NextFollowUp = data.DefaultCategories[0], gday(2026, 3, 15)
	}))
	f.shmy = mustCreate(t, s, company("上海贸易有限公司", withContact("李娜", "021-87654321", "lina@shmy.cn"), func(c *data.Customer) {
		c.Industry, c.Source, c.Tags, c.OwnerID, c.Status, c.GradeOverride = "贸易", data.SourceWebsite, []string{"展会"}, f.lisi.ID, data.StatusCustomer, data.GradeB
		c.Category, c.NextFollowUp = data.DefaultCategories[1], gday(2026, 3, 12)
	}))
	f.zgdz = mustCreate(t, s, company("中国电子集团", withContact("王芳", "+86 139 1234 5678", "wf@cec.cn"), func(c *data.Customer) {
		c.Industry, c.Source, c.Tags, c.OwnerID, c.Status, c.AnnualPurchase = "电子", data.SourceReferral, []string{"重点", "国企"}, f.wangwu.ID, data.StatusCustomer, data.AmountFromYuan(50_000)
		c.Category, c.NextFollowUp = data.DefaultCategories[1], gday(2026, 4, 1)
	}))
	f.albb = mustCreate(t, s, company("阿里巴巴网络", withContact("赵敏", "13700000001", ""), func(c *data.Customer) {
		c.Industry, c.Source, c.OwnerID, c.Status = "互联网", data.SourceWebsite, f.zhangsan.ID, data.StatusLost
		c.NextFollowUp = gday(2026, 3, 11)
	}))
	f.bcwl = mustCreate(t, s, company("北辰物流", func(c *data.Customer) {
		c.Industry, c.Source, c.Status, c.Kind = "物流", data.SourceColdVisit, data.StatusProspect, data.KindPerson
		c.NextFollowUp = gday(2026, 3, 11)
	}))
	f.archived = mustCreate(t, s, company("北京旧客户", withContact("张伟", "13800138000", ""), func(c *data.Customer) { c.Tags = []string{"重点"} }))
	if _, err := s.ArchiveCustomer(stActor, f.archived.ID); err != nil {
		t.Fatal(err)
	}
	// Follow-ups give two cards a last follow-up.
	mustLog(t, s, data.FollowUp{CustomerID: f.shmy.ID, Date: stNow.AddDate(0, 0, -2)}, data.NextPlan{Date: gday(2026, 3, 12), Action: "回访"})
	mustLog(t, s, data.FollowUp{CustomerID: f.zgdz.ID, Date: stNow.AddDate(0, 0, -5)}, data.NextPlan{Date: gday(2026, 4, 1), Action: "回访"})
	return f
}

func TestSearch(t *testing.T) {
	f := newListFixture(t)
	cases := []struct {
		name  string
		query string
		want  []uint64
	}{
		{"empty query lists all active", "", []uint64{f.bjkj.ID, f.shmy.ID, f.zgdz.ID, f.albb.ID, f.bcwl.ID}},
		{"one Chinese character", "北", []uint64{f.bjkj.ID, f.bcwl.ID}},
		{"Chinese word", "北京", []uint64{f.bjkj.ID}},
		{"Chinese substring in the middle", "科技", []uint64{f.bjkj.ID}},
		{"pinyin in full", "beijing", []uint64{f.bjkj.ID}},
		{"pinyin any case", "BeiJing", []uint64{f.bjkj.ID}},
		{"pinyin initials", "bjkj", []uint64{f.bjkj.ID}},
		{"pinyin initials of the whole name", "bjkjyxgs", []uint64{f.bjkj.ID}},
		{"contact name", "张伟", []uint64{f.bjkj.ID}},
		{"contact pinyin", "zhangwei", []uint64{f.bjkj.ID}},
		{"mobile typed with dashes", "138-0013-8000", []uint64{f.bjkj.ID}},
		{"mobile typed with spaces", "138 0013 8000", []uint64{f.bjkj.ID}},
		{"mobile part", "0013", []uint64{f.bjkj.ID}},
		{"mobile stored from +86 input", "13912345678", []uint64{f.zgdz.ID}},
		{"mobile typed with +86", "+86 139 1234 5678", []uint64{f.zgdz.ID}},
		{"landline as stored", "021-87654321", []uint64{f.shmy.ID}},
		{"landline digits", "87654321", []uint64{f.shmy.ID}},
		{"email", "zhang.wei@bjkj.com", []uint64{f.bjkj.ID}},
		{"email typed in capitals", "ZHANG.WEI@BJKJ.COM", []uint64{f.bjkj.ID}},
		{"email domain", "@shmy.cn", []uint64{f.shmy.ID}},
		{"tag", "重点", []uint64{f.bjkj.ID, f.zgdz.ID}},
		{"tag pinyin", "guoqi", []uint64{f.zgdz.ID}},
		{"card number", f.shmy.CardNo, []uint64{f.shmy.ID}},
		{"card number lower case", strings.ToLower(f.zgdz.CardNo), []uint64{f.zgdz.ID}},
		{"two terms AND", "beijing 张伟", []uint64{f.bjkj.ID}},
		{"two terms AND, no card has both", "beijing 李娜", nil},
		{"terms in other order", "电子 中国", []uint64{f.zgdz.ID}},
		{"no match across fields", "集团王", nil},
		{"no match", "不存在", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := sortedIDs(rowIDs(f.s.Customers(data.CustomerFilter{Search: tc.query})))
			if !slices.Equal(got, sortedIDs(tc.want)) {
				t.Errorf("Customers(Search %q) = %v; want %v", tc.query, got, sortedIDs(tc.want))
			}
		})
	}
	t.Run("archived cards searched in the archive view", func(t *testing.T) {
		if got := rowIDs(f.s.Customers(data.CustomerFilter{Search: "北京", Archived: true})); !slices.Equal(got, []uint64{f.archived.ID}) {
			t.Errorf("archived search = %v", got)
		}
	})
	t.Run("limit", func(t *testing.T) {
		if got := f.s.Customers(data.CustomerFilter{Limit: 2}); len(got) != 2 {
			t.Errorf("Limit 2 gave %d rows", len(got))
		}
	})
}

func TestFilters(t *testing.T) {
	f := newListFixture(t)
	cases := []struct {
		name string
		f    data.CustomerFilter
		want []uint64
	}{
		{"grade A", data.CustomerFilter{Grade: data.GradeA}, []uint64{f.bjkj.ID}},
		{"grade C", data.CustomerFilter{Grade: data.GradeC}, []uint64{f.zgdz.ID}},
		{"grade D", data.CustomerFilter{Grade: data.GradeD}, []uint64{f.albb.ID, f.bcwl.ID}},
		{"status customer", data.CustomerFilter{Status: data.StatusCustomer}, []uint64{f.shmy.ID, f.zgdz.ID}},
		{"status lost", data.CustomerFilter{Status: data.StatusLost}, []uint64{f.albb.ID}},
		{"owner", data.CustomerFilter{OwnerID: f.zhangsan.ID}, []uint64{f.bjkj.ID, f.albb.ID}},
		{"industry", data.CustomerFilter{Industry: "贸易"}, []uint64{f.shmy.ID}},
		{"category", data.CustomerFilter{Category: data.DefaultCategories[1]}, []uint64{f.shmy.ID, f.zgdz.ID}},
		{"source", data.CustomerFilter{Source: data.SourceWebsite}, []uint64{f.shmy.ID, f.albb.ID}},
		{"tag", data.CustomerFilter{Tag: "重点"}, []uint64{f.bjkj.ID, f.zgdz.ID}},
		{"tag and grade", data.CustomerFilter{Tag: "重点", Grade: data.GradeC}, []uint64{f.zgdz.ID}},
		{"owner and search", data.CustomerFilter{OwnerID: f.zhangsan.ID, Search: "bj"}, []uint64{f.bjkj.ID}},
		{"archived with tag", data.CustomerFilter{Tag: "重点", Archived: true}, []uint64{f.archived.ID}},
		{"nothing matches", data.CustomerFilter{Industry: "农业"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := sortedIDs(rowIDs(f.s.Customers(tc.f)))
			if !slices.Equal(got, sortedIDs(tc.want)) {
				t.Errorf("Customers(%+v) = %v; want %v", tc.f, got, sortedIDs(tc.want))
			}
		})
	}
	ch := f.s.Choices()
	if !slices.Contains(ch.Tags, "重点") || !slices.Contains(ch.Industries, "贸易") || !slices.Contains(ch.Categories, data.DefaultCategories[6]) {
		t.Errorf("Choices = %+v", ch)
	}
}

func TestSorting(t *testing.T) {
	f := newListFixture(t)
	cases := []struct {
		key  data.SortKey
		want []uint64 // ascending
	}{
		{data.SortCardNo, []uint64{f.bjkj.ID, f.shmy.ID, f.zgdz.ID, f.albb.ID, f.bcwl.ID}},
		// ali < beichen < beijing < shanghai < zhongguo: pinyin, not code point order.
		{data.SortName, []uint64{f.albb.ID, f.bcwl.ID, f.bjkj.ID, f.shmy.ID, f.zgdz.ID}},
		{data.SortGrade, []uint64{f.bjkj.ID, f.shmy.ID, f.zgdz.ID, f.albb.ID, f.bcwl.ID}},
		// prospect < interested < customer < lost < invalid
		{data.SortStatus, []uint64{f.bcwl.ID, f.bjkj.ID, f.shmy.ID, f.zgdz.ID, f.albb.ID}},
		// No owner first, then lisi < wangwu < zhangsan (ties by id).
		{data.SortOwner, []uint64{f.bcwl.ID, f.shmy.ID, f.zgdz.ID, f.bjkj.ID, f.albb.ID}},
		// dianzi < hulianwang < maoyi < ruanjian < wuliu, as the filter menu orders them.
		{data.SortIndustry, []uint64{f.zgdz.ID, f.albb.ID, f.shmy.ID, f.bjkj.ID, f.bcwl.ID}},
		// No follow-up (zero) first, then 5 days ago, 2 days ago.
		{data.SortLastFollowUp, []uint64{f.bjkj.ID, f.albb.ID, f.bcwl.ID, f.zgdz.ID, f.shmy.ID}},
		// 11 Mar (two, by id), 12 Mar, 15 Mar, 1 Apr.
		{data.SortNextFollowUp, []uint64{f.albb.ID, f.bcwl.ID, f.shmy.ID, f.bjkj.ID, f.zgdz.ID}},
	}
	if len(cases) != len(data.SortKeys) {
		t.Fatalf("test covers %d sort keys; there are %d", len(cases), len(data.SortKeys))
	}
	for _, tc := range cases {
		t.Run(string(tc.key), func(t *testing.T) {
			asc := rowIDs(f.s.Customers(data.CustomerFilter{Sort: tc.key}))
			if !slices.Equal(asc, tc.want) {
				t.Errorf("ascending = %v; want %v", asc, tc.want)
			}
			desc := rowIDs(f.s.Customers(data.CustomerFilter{Sort: tc.key, Desc: true}))
			rev := slices.Clone(tc.want)
			slices.Reverse(rev)
			if !slices.Equal(desc, rev) {
				t.Errorf("descending = %v; want %v", desc, rev)
			}
			if got := rowIDs(f.s.Customers(data.CustomerFilter{Sort: tc.key, Limit: 2})); !slices.Equal(got, tc.want[:2]) {
				t.Errorf("first page of 2 = %v; want %v", got, tc.want[:2])
			}
		})
	}
	t.Run("cache follows writes", func(t *testing.T) {
		// Renaming 北辰物流 to 中通物流 (zhongtong) moves it after 中国电子 (zhongguo).
		c, _ := f.s.Customer(f.bcwl.ID)
		c.Name = "中通物流"
		if _, err := f.s.UpdateCustomer(stActor, c); err != nil {
			t.Fatal(err)
		}
		want := []uint64{f.albb.ID, f.bjkj.ID, f.shmy.ID, f.zgdz.ID, f.bcwl.ID}
		if got := rowIDs(f.s.Customers(data.CustomerFilter{Sort: data.SortName})); !slices.Equal(got, want) {
			t.Errorf("after rename = %v; want %v", got, want)
		}
	})
}

func TestDuplicates(t *testing.T) {
	// Given a card with a phone and an email, and an archived one
	s := newStore(t, nil)
	bj := mustCreate(t, s, company("北京科技有限公司", withContact("张伟", "13800138000", "Zhang.Wei@bjkj.com")))
	old := mustCreate(t, s, company("Acme Co., Ltd.", withContact("Bob", "010-12345678", "bob@acme.com")))
	if _, err := s.ArchiveCustomer(stActor, old.ID); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		probe  data.Customer
		wantID uint64
		by     string
	}{
		{"same name", company("北京科技有限公司"), bj.ID, "name"},
		{"name without legal form", company("北京科技"), bj.ID, "name"},
		{"name with space and other legal form", company("北京 科技股份有限公司"), bj.ID, "name"},
		{"phone with +86 and dashes", company("别名", withContact("x", "+86 138-0013-8000", "")), bj.ID, "phone"},
		{"phone bare", company("别名", withContact("x", "13800138000", "")), bj.ID, "phone"},
		{"email in other case", company("别名", withContact("x", "", "ZHANG.WEI@BJKJ.COM")), bj.ID, "email"},
		{"archived card found by name", company("ACME Inc."), old.ID, "name"},
		{"archived card found by landline", company("别名", withContact("x", "(010)12345678", "")), old.ID, "phone"},
		{"different name", company("北京科学"), 0, ""},
		{"the card itself", func() data.Customer { c := bj; return c }(), 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := s.Duplicates(tc.probe)
			if tc.wantID == 0 {
				if len(got) != 0 {
					t.Errorf("Duplicates = %+v; want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Row.ID != tc.wantID || got[0].By != tc.by {
				var desc []string
				for _, m := range got {
					desc = append(desc, fmt.Sprintf("%d by %s (%s)", m.Row.ID, m.By, m.Key))
				}
				t.Errorf("Duplicates = %v; want %d by %s", desc, tc.wantID, tc.by)
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Settings, members, audit

func TestSaveSettingsRegrades(t *testing.T) {
	// Given a card buying 150,000 a year for three years: C under the default B threshold of 200,000
	s := newStore(t, nil)
	c := mustCreate(t, s, company("中等客户", func(c *data.Customer) {
		c.AnnualPurchase, c.CooperationSince, c.Status = data.AmountFromYuan(150_000), gday(2023, 1, 1), data.StatusCustomer
	}))
	over := mustCreate(t, s, company("手工定级", func(c *data.Customer) {
		c.AnnualPurchase, c.CooperationSince, c.GradeOverride = data.AmountFromYuan(150_000), gday(2023, 1, 1), data.GradeD
	}))
	if row, _ := s.Row(c.ID); row.Grade != data.GradeC {
		t.Fatalf("grade before = %s; want C", row.Grade)
	}

	// When the manager lowers B's threshold to 100,000
	st := s.Settings()
	st.GradeRules.BMinAnnual = data.AmountFromYuan(100_000)
	if err := s.SaveSettings(stActor, st); err != nil {
		t.Fatal(err)
	}

	// Then the card is B in the list, in the grade filter, after a reopen; the override stays
	check := func(s *Store, when string) {
		row, _ := s.Row(c.ID)
		if row.Grade != data.GradeB || row.Suggested != data.GradeB {
			t.Errorf("%s: grade %s (suggested %s); want B", when, row.Grade, row.Suggested)
		}
		if ids := rowIDs(s.Customers(data.CustomerFilter{Grade: data.GradeB})); !slices.Equal(ids, []uint64{c.ID}) {
			t.Errorf("%s: grade B filter = %v", when, ids)
		}
		o, _ := s.Row(over.ID)
		if o.Grade != data.GradeD || o.Suggested != data.GradeB || !o.Overridden {
			t.Errorf("%s: overridden row grade %s suggested %s overridden %v; want D, B, true", when, o.Grade, o.Suggested, o.Overridden)
		}
		if got := s.Settings().GradeRules.BMinAnnual; got != data.AmountFromYuan(100_000) {
			t.Errorf("%s: B threshold = %v", when, got)
		}
	}
	check(s, "after save")
	s = reopen(t, s, Options{})
	check(s, "after reopen")
}

func TestSaveSettingsRejectsInvalid(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*data.Settings)
		field string
		want  error
	}{
		{"A threshold below B", func(st *data.Settings) { st.GradeRules.AMinAnnual = data.AmountFromYuan(100_000) }, "a_min_annual", data.ErrAThresholdBelowB},
		{"negative B threshold", func(st *data.Settings) { st.GradeRules.BMinAnnual = -1 }, "b_min_annual", data.ErrAmountNegative},
		{"negative years", func(st *data.Settings) { st.GradeRules.AMinYears = -1 }, "a_min_years", data.ErrNegativeNumber},
		{"negative month cap", func(st *data.Settings) { st.Caps.PerMonth = -1 }, "per_month", data.ErrNegativeNumber},
		{"negative lost days", func(st *data.Settings) { st.LostAfterDays = -5 }, "lost_after_days", data.ErrNegativeNumber},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, nil)
			before, audits := s.Settings(), auditCount(t, s)
			st := s.Settings()
			tc.edit(&st)
			err := s.SaveSettings(stActor, st)
			var fe data.FieldErrors
			if !errors.As(err, &fe) || !errors.Is(fe.For(tc.field), tc.want) {
				t.Errorf("err = %v; want %v at %s", err, tc.want, tc.field)
			}
			if got := s.Settings(); !reflect.DeepEqual(got, before) {
				t.Errorf("settings changed to %+v", got)
			}
			if n := auditCount(t, s); n != audits {
				t.Errorf("audit grew")
			}
		})
	}
}

func TestMembers(t *testing.T) {
	s := newStore(t, nil)
	invalid := []struct {
		name  string
		m     data.Member
		field string
		want  error
	}{
		{"name required", data.Member{Name: " ", Role: data.MemberRep}, "name", data.ErrRequired},
		{"role required", data.Member{Name: "张三"}, "role", data.ErrChoiceInvalid},
		{"unknown role", data.Member{Name: "张三", Role: "boss"}, "role", data.ErrChoiceInvalid},
		{"bad phone", data.Member{Name: "张三", Role: data.MemberRep, Phone: "12345"}, "phone", data.ErrPhoneInvalid},
		{"bad email", data.Member{Name: "张三", Role: data.MemberRep, Email: "zhangsan"}, "email", data.ErrEmailInvalid},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.SaveMember(stActor, tc.m)
			var fe data.FieldErrors
			if !errors.As(err, &fe) || !errors.Is(fe.For(tc.field), tc.want) {
				t.Errorf("err = %v; want %v at %s", err, tc.want, tc.field)
			}
		})
	}
	if n := len(s.Members()); n != 0 {
		t.Fatalf("%d members written by invalid saves", n)
	}

	// Valid members get ids in order, are trimmed, updated in place and survive a reopen.
	a, err := s.SaveMember(stActor, data.Member{Name: " 张三 ", Role: data.MemberRep, Phone: "13800138000", Email: "zs@x.cn", Active: true})
	if err != nil || a.ID != 1 || a.Name != "张三" {
		t.Fatalf("first member = %+v, %v", a, err)
	}
	b := mustMember(t, s, "李四", data.MemberManager)
	b.Active = false
	if _, err := s.SaveMember(stActor, b); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveMember(stActor, data.Member{ID: 99, Name: "王五", Role: data.MemberRep}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("update of a missing member: err = %v; want ErrNotFound", err)
	}
	s = reopen(t, s, Options{})
	got := s.Members()
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("Members = %+v; want %+v, %+v", got, a, b)
	}
	if m, ok := s.Member(2); !ok || m.Active {
		t.Errorf("Member(2) = %+v, %v", m, ok)
	}
}

func TestEveryWriteIsAudited(t *testing.T) {
	// Given a store with two team members
	clock := &testClock{T: stNow}
	s := newStore(t, clock.Now)
	mgr := mustMember(t, s, "王经理", data.MemberManager)
	rep := mustMember(t, s, "李销售", data.MemberRep)
	asMgr := data.Actor{MemberID: mgr.ID, Name: mgr.Name}
	asRep := data.Actor{MemberID: rep.ID, Name: rep.Name}

	type step struct {
		name   string
		do     func() (entity string, id uint64)
		actor  data.Actor
		action string
	}
	var c data.Customer
	var f data.FollowUp
	steps := []step{
		{"create customer", func() (string, uint64) {
			var err error
			if c, err = s.CreateCustomer(asMgr, company("审计客户")); err != nil {
				t.Fatal(err)
			}
			return "customer", c.ID
		}, asMgr, "create"},
		{"update customer", func() (string, uint64) {
			c.Notes = "改"
			var err error
			if c, err = s.UpdateCustomer(asRep, c); err != nil {
				t.Fatal(err)
			}
			return "customer", c.ID
		}, asRep, "update"},
		{"log follow-up", func() (string, uint64) {
			var err error
			if f, c, err = s.LogFollowUp(asRep, data.FollowUp{CustomerID: c.ID, Date: stNow, Method: data.MethodVisit, Topic: "拜访", Action: "报价", Deadline: stToday}, data.NextPlan{}); err != nil {
				t.Fatal(err)
			}
			return "followup", f.ID
		}, asRep, "create"},
		{"confirm result", func() (string, uint64) {
			if _, err := s.ConfirmResult(asRep, c.ID, f.ID, "已报价"); err != nil {
				t.Fatal(err)
			}
			return "followup", f.ID
		}, asRep, "confirm"},
		{"review", func() (string, uint64) {
			if _, err := s.MarkReviewed(asMgr, c.ID); err != nil {
				t.Fatal(err)
			}
			return "customer", c.ID
		}, asMgr, "review"},
		{"archive", func() (string, uint64) {
			if _, err := s.ArchiveCustomer(asMgr, c.ID); err != nil {
				t.Fatal(err)
			}
			return "customer", c.ID
		}, asMgr, "archive"},
		{"restore", func() (string, uint64) {
			if _, err := s.RestoreCustomer(asMgr, c.ID); err != nil {
				t.Fatal(err)
			}
			return "customer", c.ID
		}, asMgr, "restore"},
		{"member", func() (string, uint64) {
			m := rep
			m.Phone = "13900139000"
			if _, err := s.SaveMember(asMgr, m); err != nil {
				t.Fatal(err)
			}
			return "member", rep.ID
		}, asMgr, "update"},
		{"settings", func() (string, uint64) {
			st := s.Settings()
			st.LostAfterDays = 90
			if err := s.SaveSettings(asMgr, st); err != nil {
				t.Fatal(err)
			}
			return "settings", 0
		}, asMgr, "update"},
		{"bulk create", func() (string, uint64) {
			if _, err := s.BulkCreate(asMgr, []NewCard{{Customer: company("批量1")}, {Customer: company("批量2")}}); err != nil {
				t.Fatal(err)
			}
			return "customer", 0
		}, asMgr, "bulk_create 2"},
	}
	for i, st := range steps {
		// When each write is made (a minute apart)
		clock.Set(stNow.Add(time.Duration(i+1) * time.Minute))
		before := auditCount(t, s)
		entity, id := st.do()

		// Then exactly one change is recorded, naming who did what to which record when
		all, err := s.Changes("", 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if n := auditCount(t, s); n != before+1 {
			t.Errorf("%s: audit grew by %d; want 1", st.name, n-before)
		}
		want := data.Change{At: stNow.Add(time.Duration(i+1) * time.Minute), ActorID: st.actor.MemberID, Actor: st.actor.Name, Action: st.action, Entity: entity, EntityID: id}
		if len(all) != 1 || !all[0].At.Equal(want.At) || all[0].ActorID != want.ActorID || all[0].Actor != want.Actor ||
			all[0].Action != want.Action || all[0].Entity != want.Entity || all[0].EntityID != want.EntityID {
			t.Errorf("%s: newest change = %+v; want %+v", st.name, all, want)
		}
	}

	// And one customer's history lists its changes newest first, with the actors' names
	hist, err := s.Changes("customer", c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, h.Action+" by "+h.Actor)
	}
	want := []string{"restore by 王经理", "archive by 王经理", "review by 王经理", "update by 李销售", "create by 王经理"}
	if !slices.Equal(got, want) {
		t.Errorf("history = %q; want %q", got, want)
	}
	if two, _ := s.Changes("customer", c.ID, 2); len(two) != 2 {
		t.Errorf("limit 2 gave %d", len(two))
	}
}

// ---------------------------------------------------------------------------------------------
// Files: foreign, damaged, too new, locked, read-only, migrations

func writeFile(t *testing.T, path string, raw []byte) {
	t.Helper()
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// boltFile makes a bbolt file directly, with fn run in one write transaction.
func boltFile(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if fn != nil {
		if err := db.Update(fn); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// sampleDB makes a closed SalesDesk file with a member, two customers and follow-ups.
func sampleDB(t *testing.T) string {
	t.Helper()
	s := newStore(t, nil)
	m := mustMember(t, s, "张三", data.MemberRep)
	for i := range 20 {
		c := mustCreate(t, s, company(fmt.Sprintf("样本客户%d", i), withContact("李四", "13800138000", "ls@x.cn"), func(c *data.Customer) { c.OwnerID = m.ID }))
		mustLog(t, s, data.FollowUp{CustomerID: c.ID, Date: stNow, ByID: m.ID, Action: "报价", Deadline: stToday.AddDate(0, 0, 1)}, data.NextPlan{})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return s.Path()
}

// usedBytes is how much of a bolt file its pages use (the newer meta page's high-water mark): bbolt
// grows a file in steps, so half of the file may still hold every page in use.
func usedBytes(b []byte) int {
	var pgid, txid uint64
	for _, off := range []int{0, 4096} {
		m := b[off+16:]
		if t := binary.LittleEndian.Uint64(m[48:56]); t >= txid {
			txid, pgid = t, binary.LittleEndian.Uint64(m[40:48])
		}
	}
	return int(pgid) * 4096
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	csv := []byte("客户名称,电话\n北京科技有限公司,13800138000\n")
	cases := []struct {
		name string
		make func(t *testing.T, path string)
		want error
	}{
		{"small text file", func(t *testing.T, p string) { writeFile(t, p, csv) }, data.ErrNotSalesDesk},
		{"large text file", func(t *testing.T, p string) { writeFile(t, p, bytes.Repeat(csv, 500)) }, data.ErrNotSalesDesk},
		{"bolt file of another program", func(t *testing.T, p string) {
			boltFile(t, p, func(tx *bolt.Tx) error {
				b, err := tx.CreateBucket([]byte("x"))
				if err != nil {
					return err
				}
				return b.Put([]byte("k"), []byte("v"))
			})
		}, data.ErrNotSalesDesk},
		{"bolt file with a meta bucket but no marker", func(t *testing.T, p string) {
			boltFile(t, p, func(tx *bolt.Tx) error {
				b, err := tx.CreateBucket(bucketMeta)
				if err != nil {
					return err
				}
				return b.Put(keyMagic, []byte("Other"))
			})
		}, data.ErrNotSalesDesk},
		{"schema newer than this binary", func(t *testing.T, p string) {
			s, err := Open(p, Options{Now: fixedClock(stNow)})
			if err != nil {
				t.Fatal(err)
			}
			mustCreate(t, s, company("未来客户"))
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			boltFile(t, p, func(tx *bolt.Tx) error {
				return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(uint64(SchemaVersion()+1)))
			})
		}, data.ErrTooNew},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Given such a file
			path := filepath.Join(t.TempDir(), "f.db")
			tc.make(t, path)
			sum := fileHash(t, path)

			// When it is opened for writing and read-only
			for _, ro := range []bool{false, true} {
				s, err := Open(path, Options{ReadOnly: ro, Now: fixedClock(stNow)})

				// Then it is refused with the reason, and the file is untouched
				if err == nil {
					_ = s.Close()
				}
				if !errors.Is(err, tc.want) {
					t.Errorf("Open(ReadOnly=%v): err = %v; want %v", ro, err, tc.want)
				}
				if fileHash(t, path) != sum {
					t.Errorf("Open(ReadOnly=%v) changed the file", ro)
				}
			}
		})
	}
	t.Run("folder", func(t *testing.T) {
		if _, err := Open(t.TempDir(), Options{}); !errors.Is(err, data.ErrNotSalesDesk) {
			t.Errorf("err = %v; want ErrNotSalesDesk", err)
		}
	})
	t.Run("missing file read-only", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "none.db")
		if _, err := Open(p, Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("err = %v; want os.ErrNotExist", err)
		}
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("read-only open created the file")
		}
	})
}

func TestOpenLockedFile(t *testing.T) {
	// Given a file held by an open store
	s := newStore(t, nil)
	mustCreate(t, s, company("占用"))
	for _, ro := range []bool{false, true} {
		// When it is opened a second time
		done := make(chan error, 1)
		go func() {
			s2, err := Open(s.Path(), Options{ReadOnly: ro, Now: fixedClock(stNow)})
			if err == nil {
				_ = s2.Close()
			}
			done <- err
		}()

		// Then the second open gives ErrLocked instead of waiting for ever
		select {
		case err := <-done:
			if !errors.Is(err, data.ErrLocked) {
				t.Errorf("second Open(ReadOnly=%v): err = %v; want ErrLocked", ro, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("second Open(ReadOnly=%v) still waiting after 5 s", ro)
		}
	}
	// And the first store still works
	mustCreate(t, s, company("仍可写"))
}

func TestTwoReadOnlyOpensShare(t *testing.T) {
	path := sampleDB(t)
	a, err := Open(path, Options{ReadOnly: true, Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path, Options{ReadOnly: true, Now: fixedClock(stNow)})
	if err != nil {
		t.Fatalf("second read-only open: %v", err)
	}
	defer b.Close()
	if x, y := len(a.Customers(data.CustomerFilter{})), len(b.Customers(data.CustomerFilter{})); x != 20 || y != 20 {
		t.Errorf("counts %d, %d; want 20", x, y)
	}
}

// damagedChildEnv tells the test binary, started again by TestOpenDamagedFiles, to open the file
// named in it and report; a crash then ends the child, not the test run.
const damagedChildEnv = "SALESDESK_TEST_OPEN_DAMAGED"

func TestOpenDamagedChild(t *testing.T) {
	path := os.Getenv(damagedChildEnv)
	if path == "" {
		t.Skip("helper for TestOpenDamagedFiles")
	}
	s, err := Open(path, Options{ReadOnly: os.Getenv(damagedChildEnv+"_RO") != "", Now: fixedClock(stNow)})
	kind := "other"
	switch {
	case err == nil:
		kind = "opened"
	case errors.Is(err, data.ErrDamaged):
		kind = "damaged"
	case errors.Is(err, data.ErrNotSalesDesk):
		kind = "notsalesdesk"
	}
	fmt.Printf("RESULT kind=%s err=%v\n", kind, err)
	if err == nil {
		r, cerr := s.Check()
		fmt.Printf("CHECK ok=%v err=%v problems=%d rows=%d\n", r.OK(), cerr, len(r.Problems), len(s.Customers(data.CustomerFilter{})))
		_ = s.Close()
	}
}

func TestOpenDamagedFiles(t *testing.T) {
	if os.Getenv(damagedChildEnv) != "" {
		t.Skip("in the child")
	}
	src := sampleDB(t)
	orig, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	zero := func(b []byte, from, n int) {
		for i := from; i < from+n && i < len(b); i++ {
			b[i] = 0
		}
	}
	cases := []struct {
		name string
		edit func(b []byte) []byte
		// openOK allows the open to succeed when the damage lies where the load need not look, if
		// Check then reports problems.
		openOK bool
	}{
		{"both meta pages partly zeroed", func(b []byte) []byte { zero(b, 32, 48); zero(b, page+32, 48); return b }, false},
		{"first two pages zeroed", func(b []byte) []byte { zero(b, 0, 2*page); return b }, false},
		{"meta checksums garbled", func(b []byte) []byte { b[16+56] ^= 0xff; b[page+16+56] ^= 0xff; return b }, false},
		{"truncated to half", func(b []byte) []byte { return b[:usedBytes(b)/2] }, false},
		{"truncated to three pages", func(b []byte) []byte { return b[:3*page] }, false},
		{"data pages overwritten", func(b []byte) []byte {
			for i := 2 * page; i < len(b); i += 7 {
				b[i] = byte(i * 31)
			}
			return b
		}, true},
	}
	for _, tc := range cases {
		for _, ro := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/readonly=%v", tc.name, ro), func(t *testing.T) {
				// Given a copy of a real file, damaged
				path := filepath.Join(t.TempDir(), "bad.db")
				writeFile(t, path, tc.edit(slices.Clone(orig)))
				sum := fileHash(t, path)

				// When a separate process opens it
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestOpenDamagedChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), damagedChildEnv+"="+path)
				if ro {
					cmd.Env = append(cmd.Env, damagedChildEnv+"_RO=1")
				}
				out, err := cmd.CombinedOutput()

				// Then it gets ErrDamaged or ErrNotSalesDesk — never a crash — and the file is untouched
				text := string(out)
				if err != nil || !strings.Contains(text, "RESULT ") {
					first := text
					if i := strings.Index(first, "\n\ngoroutine"); i > 0 {
						first = first[:i]
					}
					if len(first) > 600 {
						first = first[:600]
					}
					t.Fatalf("the opening process crashed (%v):\n%s", err, first)
				}
				line := text[strings.Index(text, "RESULT "):]
				line = line[:strings.IndexByte(line, '\n')]
				t.Logf("child: %s", strings.TrimSpace(line))
				switch {
				case strings.Contains(line, "kind=damaged"), strings.Contains(line, "kind=notsalesdesk"):
				case strings.Contains(line, "kind=opened") && tc.openOK:
					if !strings.Contains(text, "CHECK ok=false") {
						t.Errorf("damaged file opened and Check found nothing: %s", text)
					}
				default:
					t.Errorf("Open: %s; want ErrDamaged or ErrNotSalesDesk", line)
				}
				if fileHash(t, path) != sum {
					t.Errorf("the damaged file was changed")
				}
			})
		}
	}
}

// One unreadable record must not make the file impossible to open, or at least the error must say
// the file is damaged, so the user is told what happened.
func TestOpenUnreadableRecordIsDamaged(t *testing.T) {
	path := sampleDB(t)
	boltFile(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCustomers).Put(encodeUint(3), []byte{0xc1, 0xff, 0x00})
	})
	for _, ro := range []bool{true, false} {
		s, err := Open(path, Options{ReadOnly: ro, Now: fixedClock(stNow)})
		if err == nil {
			r, _ := s.Check()
			_ = s.Close()
			if r.OK() {
				t.Errorf("ReadOnly=%v: opened, and Check missed the unreadable record", ro)
			}
			continue
		}
		if !errors.Is(err, data.ErrDamaged) {
			t.Errorf("ReadOnly=%v: err = %v; want ErrDamaged (or an open that Check can then diagnose)", ro, err)
		}
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	// Given a file opened read-only
	path := sampleDB(t)
	sum := fileHash(t, path)
	s, err := Open(path, Options{ReadOnly: true, Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Customer(1)
	if err != nil {
		t.Fatal(err)
	}

	// When every kind of write is tried
	writes := map[string]func() error{
		"CreateCustomer": func() error { _, err := s.CreateCustomer(stActor, company("新")); return err },
		"UpdateCustomer": func() error { _, err := s.UpdateCustomer(stActor, c); return err },
		"Archive":        func() error { _, err := s.ArchiveCustomer(stActor, c.ID); return err },
		"Restore":        func() error { _, err := s.RestoreCustomer(stActor, c.ID); return err },
		"MarkReviewed":   func() error { _, err := s.MarkReviewed(stActor, c.ID); return err },
		"LogFollowUp": func() error {
			_, _, err := s.LogFollowUp(stActor, data.FollowUp{CustomerID: c.ID, Date: stNow, Method: data.MethodPhone, Topic: "x"}, data.NextPlan{})
			return err
		},
		"ConfirmResult": func() error { _, err := s.ConfirmResult(stActor, c.ID, 1, "ok"); return err },
		"SaveMember": func() error {
			_, err := s.SaveMember(stActor, data.Member{Name: "新", Role: data.MemberRep})
			return err
		},
		"SaveSettings": func() error { return s.SaveSettings(stActor, data.DefaultSettings()) },
		"BulkCreate":   func() error { _, err := s.BulkCreate(stActor, []NewCard{{Customer: company("批")}}); return err },
	}

	// Then each is refused with ErrReadOnly, reads still work and the file is untouched
	for name, w := range writes {
		if err := w(); !errors.Is(err, data.ErrReadOnly) {
			t.Errorf("%s: err = %v; want ErrReadOnly", name, err)
		}
	}
	if n := len(s.Customers(data.CustomerFilter{})); n != 20 {
		t.Errorf("read-only list has %d rows; want 20", n)
	}
	if r := mustCheck(t, s); r.Customers != 20 || r.FollowUps != 20 || r.Members != 1 {
		t.Errorf("Check counts %+v", r)
	}
	_ = s.Close()
	if fileHash(t, path) != sum {
		t.Errorf("read-only open changed the file")
	}
}

func TestSchemaAndMigrations(t *testing.T) {
	t.Run("a new file is at the current schema", func(t *testing.T) {
		s := newStore(t, nil)
		if v, err := s.Schema(); err != nil || v != SchemaVersion() || v < 1 {
			t.Errorf("Schema() = %d, %v; want %d", v, err, SchemaVersion())
		}
		mustCheck(t, s)
	})
	t.Run("reopening does not run migrations again", func(t *testing.T) {
		// Given settings changed from the defaults
		s := newStore(t, nil)
		st := s.Settings()
		st.LostAfterDays, st.Categories = 90, []string{"自定义业种"}
		if err := s.SaveSettings(stActor, st); err != nil {
			t.Fatal(err)
		}
		audits := auditCount(t, s)
		path := s.Path()
		_ = s.Close()
		var created []byte
		readCreated := func() []byte {
			db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var v []byte
			_ = db.View(func(tx *bolt.Tx) error { v = slices.Clone(tx.Bucket(bucketMeta).Get(keyCreated)); return nil })
			return v
		}
		created = readCreated()

		// When the file is opened again, a day later
		s2, err := Open(path, Options{Now: fixedClock(stNow.AddDate(0, 0, 1))})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()

		// Then the settings, the creation stamp and the audit are as they were
		if got := s2.Settings(); !reflect.DeepEqual(got, st) {
			t.Errorf("settings after reopen = %+v; want %+v", got, st)
		}
		if v, _ := s2.Schema(); v != SchemaVersion() {
			t.Errorf("schema %d", v)
		}
		if n := auditCount(t, s2); n != audits {
			t.Errorf("audit %d → %d", audits, n)
		}
		_ = s2.Close()
		if got := readCreated(); !bytes.Equal(got, created) {
			t.Errorf("created stamp %q → %q", created, got)
		}
	})
	t.Run("a file at schema 0 is migrated", func(t *testing.T) {
		// Given a file with the SalesDesk marker and no schema number
		path := filepath.Join(t.TempDir(), "old.db")
		boltFile(t, path, func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket(bucketMeta)
			if err != nil {
				return err
			}
			return b.Put(keyMagic, magicValue)
		})
		// When it is opened
		s, err := Open(path, Options{Now: fixedClock(stNow)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// Then it is at the current schema with default settings, sound and usable
		if v, _ := s.Schema(); v != SchemaVersion() {
			t.Errorf("schema %d; want %d", v, SchemaVersion())
		}
		if !reflect.DeepEqual(s.Settings(), data.DefaultSettings()) {
			t.Errorf("settings %+v", s.Settings())
		}
		mustCreate(t, s, company("迁移后客户"))
		mustCheck(t, s)
	})
	t.Run("an empty file is initialised", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "empty.db")
		writeFile(t, path, nil)
		s, err := Open(path, Options{Now: fixedClock(stNow)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		mustCheck(t, s)
	})
	// A first open that stops after bbolt (or Storm) initialised the file but before the migration
	// committed leaves a bolt file with no SalesDesk bucket; the next start must finish the job
	// rather than call the user's new file foreign.
	t.Run("a first open interrupted before the migration", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "interrupted.db")
		boltFile(t, path, func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket([]byte("__storm_db"))
			if err != nil {
				return err
			}
			// Storm writes its version with the store's codec.
			v, err := codec.Marshal("3.2.1")
			if err != nil {
				return err
			}
			return b.Put([]byte("version"), v)
		})
		s, err := Open(path, Options{Now: fixedClock(stNow)})
		if err != nil {
			t.Fatalf("Open: %v; want the interrupted first open completed", err)
		}
		defer s.Close()
		mustCheck(t, s)
	})
}

// ---------------------------------------------------------------------------------------------
// Concurrency

func TestReadsWhileWriting(t *testing.T) {
	// Given a store, readers looping over every read path, and two writers
	s := newStore(t, nil)
	rep := mustMember(t, s, "张三", data.MemberRep)
	const perWriter, readers = 100, 4
	var (
		wg        sync.WaitGroup
		writersWG sync.WaitGroup
		stop      = make(chan struct{})
		reads     atomic.Int64
		failures  = make(chan string, 100)
	)
	fail := func(format string, a ...any) {
		select {
		case failures <- fmt.Sprintf(format, a...):
		default:
		}
	}
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				rows := s.Customers(data.CustomerFilter{Search: "客户", Sort: data.SortKeys[(i+r)%len(data.SortKeys)], Desc: i%2 == 0})
				for _, row := range rows[:min(len(rows), 3)] {
					// A row in memory is always in the file: memory changes only after the commit.
					c, err := s.Customer(row.ID)
					if err != nil || c.CardNo != row.CardNo {
						fail("row %d listed but Customer() = %v, %v", row.ID, c.CardNo, err)
					}
					if _, err := s.FollowUps(row.ID); err != nil {
						fail("FollowUps(%d): %v", row.ID, err)
					}
					s.Duplicates(data.Customer{Name: row.Name})
				}
				_ = s.Agenda(stNow, 0)
				_ = s.Agenda(stNow, rep.ID)
				_, _ = s.CustomerCount()
				_ = s.Choices()
				_ = s.Settings()
				_ = s.Members()
				reads.Add(1)
			}
		}()
	}
	for w := range 2 {
		writersWG.Add(1)
		go func() {
			defer writersWG.Done()
			for i := range perWriter {
				c, err := s.CreateCustomer(stActor, company(fmt.Sprintf("客户%d-%03d", w, i), withContact("王五", fmt.Sprintf("139%08d", w*1000+i), ""), func(c *data.Customer) { c.OwnerID = rep.ID }))
				if err != nil {
					fail("create: %v", err)
					return
				}
				for range 2 {
					if _, _, err := s.LogFollowUp(stActor, data.FollowUp{CustomerID: c.ID, Date: stNow, Method: data.MethodPhone, Topic: "回访", ByID: rep.ID}, data.NextPlan{}); err != nil {
						fail("log: %v", err)
						return
					}
				}
			}
		}()
	}

	// When the writers finish
	writersWG.Wait()
	close(stop)
	wg.Wait()
	close(failures)

	// Then no read failed, and counts are exact in memory and in the file
	for f := range failures {
		t.Error(f)
	}
	if reads.Load() == 0 {
		t.Error("the readers never ran")
	}
	if active, _ := s.CustomerCount(); active != 2*perWriter {
		t.Errorf("CustomerCount = %d; want %d", active, 2*perWriter)
	}
	rows := s.Customers(data.CustomerFilter{Sort: data.SortCardNo})
	for i, r := range rows {
		if want := fmt.Sprintf("KH2026-%05d", i+1); r.CardNo != want {
			t.Errorf("card %d = %s; want %s", i, r.CardNo, want)
			break
		}
	}
	r := mustCheck(t, s)
	if r.Customers != 2*perWriter || r.FollowUps != 4*perWriter {
		t.Errorf("Check counts %d customers, %d follow-ups; want %d, %d", r.Customers, r.FollowUps, 2*perWriter, 4*perWriter)
	}
	t.Logf("%d read rounds during %d writes", reads.Load(), 6*perWriter)
}

// ---------------------------------------------------------------------------------------------
// Check

func TestCheckFindsDamage(t *testing.T) {
	cases := []struct {
		name   string
		damage func(tx *bolt.Tx) error
		want   string
	}{
		{"card number index entry deleted", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketCardNumbers).Delete([]byte("KH2026-00002"))
		}, `card number "KH2026-00002" is not indexed`},
		{"card number pointing at a missing customer", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketCardNumbers).Put([]byte("KH1999-00001"), encodeUint(999))
		}, `card number "KH1999-00001" points at customer 999, which does not exist`},
		{"card number pointing at another customer", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketCardNumbers).Put([]byte("KH2026-00001"), encodeUint(2))
		}, `card number "KH2026-00001" is indexed to customer 2`},
		{"follow-up under a missing customer", func(tx *bolt.Tx) error {
			return putRecord(tx.Bucket(bucketFollowUps), pairKey(999, 77), data.FollowUp{ID: 77, CustomerID: 999, Date: stNow, Method: data.MethodPhone, Topic: "孤儿"})
		}, "follow-up 77 points at customer 999, which does not exist"},
		{"customer owned by a missing member", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketCustomers)
			var c data.Customer
			if err := getRecord(b, encodeUint(1), &c); err != nil {
				return err
			}
			c.OwnerID = 42
			return putRecord(b, encodeUint(1), c)
		}, "owner 42 does not exist"},
		{"follow-up by a missing member", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketFollowUps)
			var f data.FollowUp
			if err := getRecord(b, pairKey(1, 1), &f); err != nil {
				return err
			}
			f.ByID = 55
			return putRecord(b, pairKey(1, 1), f)
		}, "follow-up 1: author 55 does not exist"},
		{"open action index entry lost", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketOpenActions).Delete(encodeUint(1))
		}, "follow-up 1: open action index says false, record says true"},
		{"open action pointing at a missing follow-up", func(tx *bolt.Tx) error {
			return putRecord(tx.Bucket(bucketOpenActions), encodeUint(500), OpenAction{FollowUpID: 500, CustomerID: 1, Deadline: stToday, Action: "x"})
		}, "open action 500 points at a follow-up that does not exist"},
		{"customer under the wrong key", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketCustomers)
			var c data.Customer
			if err := getRecord(b, encodeUint(2), &c); err != nil {
				return err
			}
			c.ID = 7
			return putRecord(b, encodeUint(2), c)
		}, "customer under key 2 says it is 7"},
		{"schema number lowered", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(0))
		}, fmt.Sprintf("schema version 0, expected %d", SchemaVersion())},
		{"bucket deleted", func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketAudit) }, `bucket "audit" is missing`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Given a sound file, closed, then damaged through bbolt directly
			path := sampleDB(t)
			boltFile(t, path, tc.damage)

			// When it is opened read-only and checked
			s, err := Open(path, Options{ReadOnly: true, Now: fixedClock(stNow)})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			r, err := s.Check()
			if err != nil {
				t.Fatalf("Check: %v", err)
			}

			// Then the report names the problem
			found := false
			for _, p := range r.Problems {
				if strings.Contains(p, tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("Check problems = %q; want one containing %q", r.Problems, tc.want)
			}
		})
	}
	t.Run("sound file", func(t *testing.T) {
		path := sampleDB(t)
		s, err := Open(path, Options{ReadOnly: true, Now: fixedClock(stNow)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if r := mustCheck(t, s); r.Customers != 20 || r.FollowUps != 20 || r.Members != 1 {
			t.Errorf("counts %+v", r)
		}
	})
}
