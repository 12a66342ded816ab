package servicetest

import (
	"testing"
	"time"

	"salesdesk/data"
)

// roleCase is one action and what each role gets.
type roleCase struct {
	name            string
	do              func(t *testing.T, tm *Team, s data.Service) error
	rep, mgr, admin Outcome
}

var roleCases = []roleCase{
	{"create own card", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.CreateCustomer(Company("新客户有限公司"))
		return err
	}, OK, OK, OK},
	{"create a card for another rep", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.CreateCustomer(Company("新客户有限公司", func(c *data.Customer) { c.OwnerID = tm.Other.ID }))
		return err
	}, Forbidden, OK, OK},
	{"create with a grade override", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.CreateCustomer(Company("新客户有限公司", func(c *data.Customer) { c.GradeOverride = data.GradeA }))
		return err
	}, Forbidden, OK, OK},
	{"read another rep's card", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.Customer(tm.Theirs.ID)
		return err
	}, NotYours, OK, OK},
	{"read a pool card", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.Customer(tm.Pool.ID)
		return err
	}, OK, OK, OK},
	{"another rep's follow-ups", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.FollowUps(tm.Theirs.ID)
		return err
	}, NotYours, OK, OK},
	{"update own card", func(t *testing.T, tm *Team, s data.Service) error {
		c := tm.Mine
		c.Notes = "改过"
		_, err := s.UpdateCustomer(c)
		return err
	}, OK, OK, OK},
	{"update another rep's card", func(t *testing.T, tm *Team, s data.Service) error {
		c := tm.Theirs
		c.Notes = "改过"
		_, err := s.UpdateCustomer(c)
		return err
	}, NotYours, OK, OK},
	{"update a pool card", func(t *testing.T, tm *Team, s data.Service) error {
		c := tm.Pool
		c.Notes = "改过"
		_, err := s.UpdateCustomer(c)
		return err
	}, NotYours, OK, OK},
	{"reassign own card", func(t *testing.T, tm *Team, s data.Service) error {
		c := tm.Mine
		c.OwnerID = tm.Other.ID
		_, err := s.UpdateCustomer(c)
		return err
	}, Forbidden, OK, OK},
	{"override own card's grade", func(t *testing.T, tm *Team, s data.Service) error {
		c := tm.Mine
		c.GradeOverride = data.GradeA
		_, err := s.UpdateCustomer(c)
		return err
	}, Forbidden, OK, OK},
	{"archive another rep's card", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.ArchiveCustomer(tm.Theirs.ID)
		return err
	}, NotYours, OK, OK},
	{"log a follow-up on another rep's card", func(t *testing.T, tm *Team, s data.Service) error {
		_, _, err := s.LogFollowUp(data.FollowUp{CustomerID: tm.Theirs.ID, Date: time.Now(), Method: data.MethodPhone, Topic: "x"}, data.NextPlan{})
		return err
	}, NotYours, Allowed, Allowed},
	{"mark reviewed", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.MarkReviewed(tm.Mine.ID)
		return err
	}, Forbidden, OK, OK},
	{"bulk set owner", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.BulkSetOwner([]uint64{tm.Mine.ID}, tm.Other.ID)
		return err
	}, Forbidden, OK, OK},
	{"bulk tag a mixed selection", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.BulkAddTag([]uint64{tm.Mine.ID, tm.Theirs.ID}, "重点")
		return err
	}, NotYours, OK, OK},
	{"another rep's deal moved", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.MoveStage(data.Move{ID: tm.TheirDeal.ID, Version: tm.TheirDeal.Version, To: "proposal"})
		return err
	}, NotYours, OK, OK},
	{"another rep's deal updated", func(t *testing.T, tm *Team, s data.Service) error {
		o := tm.TheirDeal
		o.Title = "改过"
		_, err := s.UpdateOpportunity(o)
		return err
	}, NotYours, OK, OK},
	{"own deal given away", func(t *testing.T, tm *Team, s data.Service) error {
		o := tm.MyDeal
		o.OwnerID = tm.Other.ID
		_, err := s.UpdateOpportunity(o)
		return err
	}, Forbidden, OK, OK},
	{"deal on another rep's card", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.CreateOpportunity(data.Opportunity{CustomerID: tm.Theirs.ID, Title: "新", Amount: data.AmountFromYuan(1000),
			CloseDate: time.Now().AddDate(0, 1, 0), Scores: Qualified})
		return err
	}, NotYours, Allowed, Allowed},
	{"another rep's deal history", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.History(tm.TheirDeal.ID)
		return err
	}, NotYours, OK, OK},
	{"another rep's customer segment", func(t *testing.T, tm *Team, s data.Service) error {
		_, _, err := s.CustomerSegment(tm.Theirs.ID)
		return err
	}, NotYours, OK, OK},
	{"save targets", func(t *testing.T, tm *Team, s data.Service) error {
		return s.SaveTargets(data.Quarter(time.Now().Year(), 1), data.TargetSet{Team: data.Targets{data.MetricLeads: 10}})
	}, Forbidden, OK, OK},
	{"save a period's notes", func(t *testing.T, tm *Team, s data.Service) error {
		return s.SavePeriodNotes(data.Quarter(time.Now().Year(), 1), data.PeriodNotes{Problems: "转化率低"})
	}, Forbidden, OK, OK},
	{"save a mapping", func(t *testing.T, tm *Team, s data.Service) error {
		return s.SaveMapping(data.Mapping{})
	}, Forbidden, Allowed, Allowed},
	{"undo an import", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.UndoImport(999, false)
		return err
	}, Forbidden, Allowed, Allowed},
	{"save settings", func(t *testing.T, tm *Team, s data.Service) error {
		st, err := s.Settings()
		if err != nil {
			return err
		}
		return s.SaveSettings(st)
	}, Forbidden, Forbidden, OK},
	{"add a member", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.AddMember(data.Member{Name: "新人", Login: "xinren", Role: data.MemberRep, Active: true}, Password)
		return err
	}, Forbidden, Forbidden, OK},
	{"reset a member's password", func(t *testing.T, tm *Team, s data.Service) error {
		return s.ResetPassword(tm.Other.ID, "Temp-9xk-Pq2")
	}, Forbidden, Forbidden, OK},
	{"deactivate a member", func(t *testing.T, tm *Team, s data.Service) error {
		return s.SetActive(tm.Other.ID, false)
	}, Forbidden, Forbidden, OK},
	{"the team's sign-ins", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.MemberStatuses()
		return err
	}, Forbidden, Forbidden, OK},
	{"another member's saved filters", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.SavedFilters(tm.Other.ID)
		return err
	}, NotYours, OK, OK},
	{"assign from the pool", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.Assign(tm.Pool.ID, tm.Other.ID)
		return err
	}, Forbidden, OK, OK},
	{"claim from the pool", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.Claim(tm.Pool.ID)
		return err
	}, OK, Allowed, Allowed},
	{"the audit trail", func(t *testing.T, tm *Team, s data.Service) error {
		_, err := s.AuditTrail(data.AuditFilter{})
		return err
	}, Forbidden, OK, OK},
}

// RoleTable runs every action as a rep, a manager and an admin, each in a file of its own, through
// the service as gives it; a refused action must write nothing and carry its stable code.
func RoleTable(t *testing.T, as As) {
	for _, c := range roleCases {
		for _, role := range []struct {
			name string
			who  func(*Team) data.Member
			want Outcome
		}{{"rep", func(tm *Team) data.Member { return tm.Rep }, c.rep}, {"manager", func(tm *Team) data.Member { return tm.Mgr }, c.mgr},
			{"admin", func(tm *Team) data.Member { return tm.Admin }, c.admin}} {
			t.Run(role.name+"/"+c.name, func(t *testing.T) {
				tm := NewTeam(t)
				s := as(t, tm, role.who(tm))
				before := tm.Store.Commits()
				err := c.do(t, tm, s)
				got := OutcomeOf(err)
				if got != role.want && !(role.want == Allowed && got == OK) {
					t.Fatalf("got %v (%v), want %v", got, err, role.want)
				}
				if got == Forbidden || got == NotYours {
					if after := tm.Store.Commits(); after != before {
						t.Fatalf("a refused call wrote: %d commits, were %d", after, before)
					}
					if code := data.ErrorCode(err); code != data.CodeForbidden && code != data.CodeNotYours {
						t.Fatalf("code = %q", code)
					}
				}
			})
		}
	}
}
