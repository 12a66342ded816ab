package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"salesdesk/data"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

const (
	// benchAuditVersion names the cached fixture: raise it when the stored lines or their index change.
	benchAuditVersion   = 3
	benchAuditLines     = 1_000_000
	benchAuditCustomers = 10_000
)

// benchAuditFile is a file with two real cards and 1,000,000 audit lines about 10,000 customers (card 1
// among them, with 100 lines), written directly in big transactions. It is kept under os.TempDir()
// between runs (named for the schema, so that a schema change makes a new one). One line a minute is
// about two years of a busy team; benchmarks that
// write work on a copy.
func benchAuditFile(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("the 1,000,000-line audit benchmarks are skipped with -short")
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("salesdesk-bench-audit-1m-s%d-v%d.db", SchemaVersion(), benchAuditVersion))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".part"
	_ = os.Remove(tmp)
	s, err := Open(tmp, Options{Now: fixedClock(benchNow)})
	if err != nil {
		b.Fatal(err)
	}
	boss, err := s.SaveMember(data.System, data.Member{Name: "王经理", Role: data.MemberManager, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	by := data.Actor{MemberID: boss.ID, Name: boss.Name}
	for _, name := range []string{"星河贸易", "云海科技"} {
		if _, err := s.CreateCustomer(by, company(name)); err != nil {
			b.Fatal(err)
		}
	}
	const batch = 100_000
	for done := 0; done < benchAuditLines; done += batch {
		err := s.update(func(tx *bolt.Tx) (func(*index), error) {
			for i := done; i < done+batch; i++ {
				id := uint64(i%benchAuditCustomers) + 1
				at := benchNow.Add(time.Duration(i-benchAuditLines) * time.Minute)
				f := []data.FieldChange{{Field: "notes", Old: strconv.Itoa(i - 1), New: strconv.Itoa(i)}}
				if err := auditFields(tx, at, by, "update", "customer", id, f); err != nil {
					return nil, err
				}
			}
			return nil, nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkAuditOneCustomer reads the audit screen's first page for one customer over 1,000,000 lines
// (target ≤ 200 ms), and the next page.
func BenchmarkAuditOneCustomer(b *testing.B) {
	s := openBench(b, benchAuditFile(b), true)
	boss := s.SessionAs(1)
	for _, offset := range []int{0, 50} {
		b.Run(fmt.Sprintf("offset%d", offset), func(b *testing.B) {
			timed(b, func(int) {
				p, err := boss.AuditTrail(data.AuditFilter{CustomerID: 1, Offset: offset, Limit: 50})
				if err != nil || len(p.Lines) != 50 {
					b.Fatalf("%d lines, %v", len(p.Lines), err)
				}
			})
		})
	}
	// The screen's other filters: a rare action (one line in the million), and a day half way back.
	b.Run("rare-action", func(b *testing.B) {
		timed(b, func(int) {
			if p, err := boss.AuditTrail(data.AuditFilter{Action: "create", Limit: 50}); err != nil || len(p.Lines) == 0 {
				b.Fatalf("%d lines, %v", len(p.Lines), err)
			}
		})
	})
	mid := benchNow.Add(-benchAuditLines / 2 * time.Minute)
	b.Run("one-day-half-way-back", func(b *testing.B) {
		timed(b, func(int) {
			p, err := boss.AuditTrail(data.AuditFilter{From: mid.Add(-24 * time.Hour), To: mid, Limit: 50})
			if err != nil || len(p.Lines) != 50 {
				b.Fatalf("%d lines, %v", len(p.Lines), err)
			}
		})
	})
}

// BenchmarkCardSaveWithAudit saves an edited card, its audit line with the changed field, chained and
// indexed, in the file of 1,000,000 lines (target ≤ 50 ms).
func BenchmarkCardSaveWithAudit(b *testing.B) {
	s := openBench(b, copyDB(b, benchAuditFile(b)), false)
	me := s.SessionAs(1)
	c, err := me.Customer(1)
	if err != nil {
		b.Fatal(err)
	}
	timed(b, func(i int) {
		c.Notes = fmt.Sprintf("benchmark edit %d", i)
		if c, err = me.UpdateCustomer(c); err != nil {
			b.Fatal(err)
		}
	})
}
