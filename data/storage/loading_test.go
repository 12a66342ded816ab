package storage

import (
	"os"
	"runtime/debug"
	"testing"

	"salesdesk/data"
	"salesdesk/data/memory"
)

// TestLoosePacingUntilTheFirstPage: opening paces the collector loosely while it loads and, with
// CheckLater, until the first frame's page of the list, or whatever else comes first after it.
func TestLoosePacingUntilTheFirstPage(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set: opening leaves the pacing alone")
	}
	const before = 70
	defer debug.SetGCPercent(debug.SetGCPercent(before))
	pacing := func() int {
		memory.Settle()
		p := debug.SetGCPercent(before)
		debug.SetGCPercent(p)
		return p
	}
	path, _ := demoBytes(t, 40)

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := pacing(); got != before {
		t.Errorf("without CheckLater the pacing after Open is %d, want the %d it was", got, before)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	for _, end := range []struct {
		what string
		fn   func(s *Store) error
	}{
		{"the first page of the list", func(s *Store) error {
			if rows, _, _, ok := s.firstPage(data.CustomerFilter{Sort: data.SortName, Limit: 20}); !ok || len(rows) != 20 {
				t.Errorf("first page: %d rows (ok %v), want 20", len(rows), ok)
			}
			return nil
		}},
		{"a whole list", func(s *Store) error {
			if n := len(s.Customers(data.CustomerFilter{Sort: data.SortGrade})); n != 40 {
				t.Errorf("list of %d cards, want 40", n)
			}
			return nil
		}},
		{"the rest of the check", (*Store).FinishCheck},
		{"the deals", (*Store).LoadDeals},
		{"closing", (*Store).Close},
	} {
		s, err := Open(path, Options{CheckLater: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := pacing(); got != memory.LoadingPercent {
			t.Errorf("%s: with CheckLater the pacing after Open is %d, want the load's %d", end.what, got, memory.LoadingPercent)
		}
		if err := end.fn(s); err != nil {
			t.Fatal(err)
		}
		if got := pacing(); got != before {
			t.Errorf("after %s the pacing is %d, want the %d it was", end.what, got, before)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
