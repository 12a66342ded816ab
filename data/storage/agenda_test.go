package storage

import (
	"salesdesk/data"
	"slices"
	"testing"
)

// Cards silent for the settings' LostAfterDays are listed for grooming; lost ones are not.
func TestAgendaListsSilentCards(t *testing.T) {
	s := newStore(t, nil)
	first := func(daysAgo int) func(*data.Customer) {
		return func(c *data.Customer) { c.FirstContact = stToday.AddDate(0, 0, -daysAgo) }
	}
	silent := mustCreate(t, s, company("久未联系", first(200)))
	recent := mustCreate(t, s, company("新近联系", first(20)))
	lost := mustCreate(t, s, company("已流失", first(400), func(c *data.Customer) { c.Status = data.StatusLost }))
	_, _ = recent, lost

	a := s.Agenda(stNow, 0)
	if got := itemIDs(a.Stale); !slices.Equal(got, []uint64{silent.ID}) {
		t.Fatalf("Stale = %v; want [%d]", got, silent.ID)
	}
	if a.Stale[0].Days != 200 {
		t.Fatalf("silent for %d days, want 200", a.Stale[0].Days)
	}

	// A follow-up takes the card off the list.
	if _, _, err := s.LogFollowUp(stActor, data.FollowUp{CustomerID: silent.ID, Date: stNow, Method: data.MethodPhone, Topic: "回访"}, data.NextPlan{}); err != nil {
		t.Fatal(err)
	}
	if got := s.Agenda(stNow, 0).Stale; len(got) != 0 {
		t.Fatalf("Stale after a follow-up = %v", itemIDs(got))
	}
}
