package storage

import (
	"errors"
	"salesdesk/data"
	"slices"
	"testing"
)

// Imported cards reach someone's agenda: the owner column names a member by name or login, and the
// rows without one (or naming nobody) go to the default owner, each such row reported.
func TestImportOwners(t *testing.T) {
	// Given a team with a login (email) for the rep, and a file with owners given every way
	team := func(t *testing.T) *importFixture {
		fx := newImportFixture(t)
		fx.rep.Email = "lixs@example.cn"
		if _, err := fx.s.SaveMember(stActor, fx.rep); err != nil {
			t.Fatal(err)
		}
		return fx
	}
	file := "客户名称,跟进人\n" +
		"按姓名,王经理\n" +
		"按邮箱,lixs@example.cn\n" +
		"按登录名,LIXS\n" +
		"无人,\n" +
		"查无此人,赵六\n"
	const mgr, rep = -1, -2 // the fixture's members, whose ids each case's store gives
	cases := []struct {
		name         string
		defaultOwner int
		want         map[string]int
	}{
		{"default owner: the manager", mgr, map[string]int{"按姓名": mgr, "按邮箱": rep, "按登录名": rep, "无人": mgr, "查无此人": mgr}},
		{"no default owner", 0, map[string]int{"按姓名": mgr, "按邮箱": rep, "按登录名": rep, "无人": 0, "查无此人": 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := team(t)
			s := fx.s
			id := func(who int) uint64 {
				switch who {
				case mgr:
					return fx.mgr.ID
				case rep:
					return fx.rep.ID
				}
				return 0
			}
			// When it is imported (as a dry run first, then for real)
			dry := importText(t, s, file, data.ImportOptions{DryRun: true, DefaultOwner: id(tc.defaultOwner)})
			got := importText(t, s, file, data.ImportOptions{DefaultOwner: id(tc.defaultOwner)})

			// Then each card has the owner its row names, else the default owner
			for name, who := range tc.want {
				if c := customerNamed(t, s, name); c.OwnerID != id(who) {
					t.Errorf("%s: owner %d, want %d", name, c.OwnerID, id(who))
				}
			}
			// and the row naming nobody is reported by number, in the dry run as in the import
			for _, rep := range []*data.ImportReport{dry, got} {
				var rows []int
				for _, w := range rep.Warnings {
					if errors.Is(w.Err, data.ErrUnknownMember) && w.Field == data.FieldOwner {
						rows = append(rows, w.Row)
					}
				}
				if !slices.Equal(rows, []int{6}) {
					t.Errorf("dry run %v: owner warnings on rows %v, want [6]", rep.DryRun, rows)
				}
			}
		})
	}
}

// An update keeps the owner the stored card has; only a card without one gets the default owner.
func TestImportUpdateKeepsOwner(t *testing.T) {
	fx := newImportFixture(t)
	kept := mustCreate(t, fx.s, company("已有跟进人", func(c *data.Customer) { c.OwnerID = fx.rep.ID }))
	bare := mustCreate(t, fx.s, company("没有跟进人"))
	importText(t, fx.s, "客户名称,备注\n已有跟进人,更新\n没有跟进人,更新\n", data.ImportOptions{OnDuplicate: data.DuplicateUpdate, DefaultOwner: fx.mgr.ID})
	if c, _ := fx.s.Customer(kept.ID); c.OwnerID != fx.rep.ID || c.Notes != "更新" {
		t.Errorf("updated card with an owner: owner %d notes %q, want %d and the update", c.OwnerID, c.Notes, fx.rep.ID)
	}
	if c, _ := fx.s.Customer(bare.ID); c.OwnerID != fx.mgr.ID {
		t.Errorf("updated card without an owner: owner %d, want the default %d", c.OwnerID, fx.mgr.ID)
	}
}
