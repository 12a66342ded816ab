package storage_test

import (
	"testing"

	"salesdesk/data"
	"salesdesk/data/servicetest"
)

// TestRoleTableOnTheFile runs the data layer's role table through the file's own sessions; office
// mode's tests run the same table through a host.
func TestRoleTableOnTheFile(t *testing.T) {
	servicetest.RoleTable(t, func(t *testing.T, tm *servicetest.Team, m data.Member) data.Service {
		return tm.Store.SessionAs(m.ID)
	})
}
