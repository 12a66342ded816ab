package storage

import (
	"errors"
	"salesdesk/data"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestDiffFields(t *testing.T) {
	type inner struct {
		Phone string `json:"phone"`
		Email string `json:"email"`
	}
	type rec struct {
		Name     string            `json:"name"`
		Amount   data.Amount       `json:"amount"`
		At       time.Time         `json:"at"`
		Contacts []inner           `json:"contacts"`
		Tags     []string          `json:"tags"`
		Extra    map[string]string `json:"extra"`
		Password string            `json:"pw"`
		PassHash []byte            `json:"ph"`
		Version  uint64            `json:"version"`
		Skipped  string            `json:"-"`
		hidden   string
	}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	base := rec{Name: "甲", Amount: 100, Contacts: []inner{{Phone: "1", Email: "a@x"}}, Tags: []string{"a"}}
	cases := []struct {
		name   string
		before any
		after  func(r rec) rec
		want   []data.FieldChange
	}{
		{"nothing changed", base, func(r rec) rec { return r }, nil},
		{"a string", base, func(r rec) rec { r.Name = "乙"; return r }, []data.FieldChange{{Field: "name", Old: "甲", New: "乙"}}},
		{"an amount as shown", base, func(r rec) rec { r.Amount = 250000; return r }, []data.FieldChange{{Field: "amount", Old: data.Amount(100).String(), New: data.Amount(250000).String()}}},
		{"a time", base, func(r rec) rec { r.At = day; return r }, []data.FieldChange{{Field: "at", Old: "", New: "2026-03-01T00:00:00Z"}}},
		{"a nested contact's phone", base, func(r rec) rec {
			r.Contacts = []inner{{Phone: "2", Email: "a@x"}}
			return r
		}, []data.FieldChange{{Field: "contacts[0].phone", Old: "1", New: "2"}}},
		{"a contact added", base, func(r rec) rec {
			r.Contacts = append(slices.Clone(r.Contacts), inner{Phone: "9"})
			return r
		}, []data.FieldChange{{Field: "contacts[1].phone", Old: "", New: "9"}}},
		{"a tag removed", base, func(r rec) rec { r.Tags = nil; return r }, []data.FieldChange{{Field: "tags[0]", Old: "a", New: ""}}},
		{"a map key", base, func(r rec) rec { r.Extra = map[string]string{"k": "v"}; return r }, []data.FieldChange{{Field: "extra.k", Old: "", New: "v"}}},
		{"secrets, bookkeeping and untagged never", base, func(r rec) rec {
			r.Password, r.PassHash, r.Version, r.Skipped, r.hidden = "s3cret", []byte{1}, 9, "x", "y"
			return r
		}, nil},
		{"a creation lists what is set", nil, func(r rec) rec { return rec{Name: "丙"} }, []data.FieldChange{{Field: "name", Old: "", New: "丙"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			after := tc.after(base)
			var before any
			if tc.before != nil {
				b := tc.before.(rec)
				before = &b
			} else {
				before = (*rec)(nil)
			}
			got := diffFields(before, &after)
			if !slices.Equal(got, tc.want) {
				t.Errorf("diffFields = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAuditNeverStoresSecrets(t *testing.T) {
	got := redactSecrets([]data.FieldChange{{Field: "password", Old: "a", New: "b"}, {Field: "login.hash", Old: "a", New: "b"}, {Field: "name", Old: "a", New: "b"}})
	if len(got) != 1 || got[0].Field != "name" {
		t.Errorf("redactSecrets kept %q", got)
	}
}

// auditFixture is a store with a manager, two reps and a card each, edited once.
type auditFixture struct {
	s                  *Store
	boss, rep1, rep2   data.Member
	card1, card2       data.Customer
	at1, at2, at3, at4 time.Time
}

func newAuditFixture(t *testing.T) *auditFixture {
	t.Helper()
	clock := &testClock{T: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	s := newStore(t, clock.Now)
	fx := &auditFixture{s: s}
	fx.boss = mustMember(t, s, "王经理", data.MemberManager)
	fx.rep1 = mustMember(t, s, "李销售", data.MemberRep)
	fx.rep2 = mustMember(t, s, "赵销售", data.MemberRep)
	fx.at1 = clock.Now()
	var err error
	c := company("星河贸易", withContact("张三", "13800138000", ""))
	c.OwnerID = fx.rep1.ID
	if fx.card1, err = s.SessionAs(fx.rep1.ID).CreateCustomer(c); err != nil {
		t.Fatal(err)
	}
	clock.Set(clock.Now().Add(48 * time.Hour))
	fx.at2 = clock.Now()
	c2 := company("云海科技")
	c2.OwnerID = fx.rep2.ID
	if fx.card2, err = s.SessionAs(fx.rep2.ID).CreateCustomer(c2); err != nil {
		t.Fatal(err)
	}
	clock.Set(clock.Now().Add(48 * time.Hour))
	fx.at3 = clock.Now()
	edit := fx.card1
	edit.Contacts = slices.Clone(edit.Contacts)
	edit.Contacts[0].Phone = "13900139000"
	if fx.card1, err = s.SessionAs(fx.rep1.ID).UpdateCustomer(edit); err != nil {
		t.Fatal(err)
	}
	clock.Set(clock.Now().Add(48 * time.Hour))
	fx.at4 = clock.Now()
	return fx
}

func TestAuditRecordsFieldsAndFilters(t *testing.T) {
	fx := newAuditFixture(t)
	boss := fx.s.SessionAs(fx.boss.ID)

	// The update of card 1 names its contact's phone, old and new, and who made it.
	page, err := boss.AuditTrail(data.AuditFilter{Entity: "customer", EntityID: fx.card1.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Lines) != 2 || page.Lines[0].Action != "update" || page.Lines[1].Action != "create" {
		t.Fatalf("card 1's lines = %+v, want update then create", page.Lines)
	}
	up := page.Lines[0]
	if up.ActorID != fx.rep1.ID || up.Actor != "李销售" || !up.At.Equal(fx.at3) {
		t.Errorf("update line by %d %q at %v, want %d 李销售 at %v", up.ActorID, up.Actor, up.At, fx.rep1.ID, fx.at3)
	}
	if !slices.Contains(up.Fields, data.FieldChange{Field: "contacts[0].phone", Old: "13800138000", New: "13900139000"}) {
		t.Errorf("update fields = %q, want the contact's phone old and new", up.Fields)
	}

	cases := []struct {
		name string
		f    data.AuditFilter
		want []string // "action entity id"
	}{
		{"one customer", data.AuditFilter{CustomerID: fx.card2.ID}, []string{"create customer 2"}},
		{"one member", data.AuditFilter{MemberID: fx.rep1.ID, Entity: "customer"}, []string{"update customer 1", "create customer 1"}},
		{"a date range", data.AuditFilter{Entity: "customer", From: fx.at2, To: fx.at3}, []string{"create customer 2"}},
		{"an action", data.AuditFilter{Action: "update", Entity: "customer"}, []string{"update customer 1"}},
		{"paged", data.AuditFilter{Entity: "customer", Offset: 1, Limit: 1}, []string{"create customer 2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := boss.AuditTrail(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range p.Lines {
				got = append(got, strings.Join([]string{l.Action, l.Entity, string(rune('0' + l.EntityID))}, " "))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("lines = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAuditTrailRefusedToARep(t *testing.T) {
	fx := newAuditFixture(t)
	rep := fx.s.SessionAs(fx.rep1.ID)
	before := fx.s.tailSeq(t)
	_, err := rep.AuditTrail(data.AuditFilter{})
	var r *data.Refusal
	if !errors.As(err, &r) || data.ErrorCode(err) != data.CodeForbidden || !strings.Contains(err.Error(), "manager") {
		t.Fatalf("a rep's AuditTrail: %v, want a refusal naming the manager", err)
	}
	if _, err := rep.ExportAuditCSV(data.AuditFilter{}); data.ErrorCode(err) != data.CodeForbidden {
		t.Fatalf("a rep's export: %v, want forbidden", err)
	}
	if after := fx.s.tailSeq(t); after != before {
		t.Errorf("a refused read wrote audit lines %d..%d", before, after)
	}
	// Its own card's history it may read.
	p, err := rep.CardHistory(fx.card1.ID, 0, 10)
	if err != nil || len(p.Lines) != 2 {
		t.Fatalf("the rep's own card history: %d lines, %v; want 2", len(p.Lines), err)
	}
}

func TestAuditExportCSVIsRecorded(t *testing.T) {
	fx := newAuditFixture(t)
	boss := fx.s.SessionAs(fx.boss.ID)
	raw, err := boss.ExportAuditCSV(data.AuditFilter{CustomerID: fx.card1.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "contacts[0].phone,13800138000,13900139000") {
		t.Errorf("CSV lacks the phone change:\n%s", raw)
	}
	p, _ := boss.AuditTrail(data.AuditFilter{Limit: 1})
	if len(p.Lines) != 1 || p.Lines[0].Action != "export_audit 2" || p.Lines[0].ActorID != fx.boss.ID {
		t.Errorf("last line = %+v, want the boss's export_audit 2", p.Lines)
	}
}

func (s *Store) tailSeq(t *testing.T) uint64 {
	t.Helper()
	var seq uint64
	_ = s.view(func(tx *bolt.Tx) error { seq = tx.Bucket(bucketAudit).Sequence(); return nil })
	return seq
}

func TestCheckReportsTamperedAuditTrail(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(b *bolt.Bucket) error
		want   string
	}{
		{"an edited line", func(b *bolt.Bucket) error {
			var ch data.Change
			if err := getRecord(b, encodeUint(4), &ch); err != nil {
				return err
			}
			ch.Actor = "别人"
			return putRecord(b, encodeUint(4), ch)
		}, "audit line 4 was edited"},
		{"a removed line", func(b *bolt.Bucket) error { return b.Delete(encodeUint(3)) }, "audit line 3 is missing"},
		{"the last line removed", func(b *bolt.Bucket) error {
			k, _ := b.Cursor().Last()
			return b.Delete(k)
		}, "the last line was removed"},
		{"two lines swapped", func(b *bolt.Bucket) error {
			v2, v5 := slices.Clone(b.Get(encodeUint(2))), slices.Clone(b.Get(encodeUint(5)))
			if err := b.Put(encodeUint(2), v5); err != nil {
				return err
			}
			return b.Put(encodeUint(5), v2)
		}, "audit line 2 holds line 5: the trail was reordered"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := newAuditFixture(t)
			if r := mustCheck(t, fx.s); !r.OK() {
				t.Fatalf("untouched trail: %q %q", r.Problems, r.AuditProblems)
			}
			if err := fx.s.db.Bolt.Update(func(tx *bolt.Tx) error { return tc.tamper(tx.Bucket(bucketAudit)) }); err != nil {
				t.Fatal(err)
			}
			r, err := fx.s.Check()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(r.AuditProblems, func(p string) bool { return strings.Contains(p, tc.want) }) || r.OK() {
				t.Errorf("check = %q, want %q", r.AuditProblems, tc.want)
			}
			if len(r.Problems) > 0 {
				t.Errorf("a broken chain is reported as damage: %q", r.Problems)
			}
		})
	}
}

// A file from before the chain gets its lines chained and indexed by migration 11, all kept.
func TestMigrationChainsOldAuditLines(t *testing.T) {
	fx := newAuditFixture(t)
	s := fx.s
	n := s.tailSeq(t)
	err := s.db.Bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		if err := b.ForEach(func(k, v []byte) error {
			var ch data.Change
			if err := codec.Unmarshal(v, &ch); err != nil {
				return err
			}
			ch.Hash, ch.Seq, ch.CustomerID = "", 0, 0
			return putRecord(b, k, ch)
		}); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketAuditIndex); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(10))
	})
	if err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, Options{})
	if r := mustCheck(t, s); !r.OK() {
		t.Fatalf("after migration: %q %q", r.Problems, r.AuditProblems)
	}
	if got := s.tailSeq(t); got != n {
		t.Errorf("audit sequence %d after migration, want %d", got, n)
	}
	p, err := s.SessionAs(fx.boss.ID).CardHistory(fx.card1.ID, 0, 0)
	if err != nil || len(p.Lines) != 2 {
		t.Errorf("card history after migration: %d lines, %v; want 2", len(p.Lines), err)
	}
}
