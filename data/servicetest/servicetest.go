// Package servicetest is the data layer's test suite written against data.Service alone, so that the
// same table runs against the local store's sessions (data/storage) and against office mode's client
// talking to a host (data/office): one table of tests, two implementations. It is imported by tests
// only.
package servicetest

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// Password is every team member's password in the suite's files.
const Password = "Suite-4kq-Lm8"

// Team is a file with an admin, a manager and two reps, each rep with a card and a deal, and one card
// in the pool.
type Team struct {
	Store                  *storage.Store
	Admin, Mgr, Rep, Other data.Member
	Mine, Theirs, Pool     data.Customer
	MyDeal, TheirDeal      data.Opportunity
}

// Qualified lead scores: a deal made with them may move past the lead stage.
var Qualified = data.LeadScores{Budget: 12, Urgency: 9, Authority: 8}

// NewTeam opens a copy of the team's file in the test's temp folder, on the real clock (a remote
// client's day is its desktop's). The file is made once per test binary: each member's password
// costs a real argon2id hash.
func NewTeam(t *testing.T) *Team {
	t.Helper()
	template.once.Do(func() { template.err = makeTemplate() })
	if template.err != nil {
		t.Fatal(template.err)
	}
	path := filepath.Join(t.TempDir(), "team.db")
	if err := os.WriteFile(path, template.file, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	tm := template.team
	tm.Store = st
	return &tm
}

var template struct {
	once sync.Once
	err  error
	file []byte
	team Team
}

func makeTemplate() (err error) {
	dir, err := os.MkdirTemp("", "salesdesk-servicetest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "team.db")
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		return err
	}
	tm := &template.team
	if err := fillTeam(st, tm); err != nil {
		_ = st.Close()
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	template.file, err = os.ReadFile(path)
	return err
}

func fillTeam(st *storage.Store, tm *Team) error {
	first, err := st.SaveMember(data.System, data.Member{Name: "张管理", Login: "first", Role: data.MemberAdmin, Active: true})
	if err != nil {
		return err
	}
	boot := st.SessionAs(first.ID)
	for _, m := range []struct {
		into        *data.Member
		name, login string
		role        data.MemberRole
	}{{&tm.Admin, "赵敏", "zhaomin", data.MemberAdmin}, {&tm.Mgr, "王建国", "wangjianguo", data.MemberManager},
		{&tm.Rep, "李娜", "lina", data.MemberRep}, {&tm.Other, "张伟", "zhangwei", data.MemberRep}} {
		if *m.into, err = boot.AddMember(data.Member{Name: m.name, Login: m.login, Role: m.role, Active: true}, Password); err != nil {
			return err
		}
	}
	// The admin sees the whole file: a card it makes without an owner is in the pool.
	for _, c := range []struct {
		into  *data.Customer
		name  string
		owner uint64
	}{{&tm.Mine, "杭州云帆网络科技有限公司", tm.Rep.ID}, {&tm.Theirs, "宁波海川贸易有限公司", tm.Other.ID}, {&tm.Pool, "苏州公海样本有限公司", 0}} {
		owner := c.owner
		if *c.into, err = boot.CreateCustomer(Company(c.name, func(c *data.Customer) { c.OwnerID = owner })); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		into  *data.Opportunity
		c     data.Customer
		owner uint64
	}{{&tm.MyDeal, tm.Mine, tm.Rep.ID}, {&tm.TheirDeal, tm.Theirs, tm.Other.ID}} {
		if *d.into, err = boot.CreateOpportunity(data.Opportunity{CustomerID: d.c.ID, Title: "ERP 升级", OwnerID: d.owner,
			Amount: data.AmountFromYuan(120_000), CloseDate: time.Now().AddDate(0, 2, 0), Scores: Qualified}); err != nil {
			return err
		}
	}
	return nil
}

// Company is a company card named name, with edits applied.
func Company(name string, edits ...func(*data.Customer)) data.Customer {
	c := data.Customer{Kind: data.KindCompany, Name: name, Status: data.StatusProspect}
	for _, e := range edits {
		e(&c)
	}
	return c
}

// Outcome is what a call's error says of the roles.
type Outcome int

const (
	OK        Outcome = iota // no error
	Allowed                  // not refused (the call may fail on its own input)
	Forbidden                // a *data.Refusal
	NotYours                 // data.ErrNotYours
)

func (o Outcome) String() string {
	return [...]string{"ok", "allowed", "forbidden", "not yours"}[o]
}

// OutcomeOf reads err as the roles see it.
func OutcomeOf(err error) Outcome {
	var r *data.Refusal
	switch {
	case err == nil:
		return OK
	case errors.As(err, &r):
		return Forbidden
	case errors.Is(err, data.ErrNotYours):
		return NotYours
	}
	return Allowed
}

// As gives the service that acts as member m of the team's file: the file's own session, or a
// client signed in to a host that serves the file.
type As func(t *testing.T, tm *Team, m data.Member) data.Service
