package storage

import (
	"bytes"
	"fmt"
	"salesdesk/data"

	bolt "go.etcd.io/bbolt"
)

// CheckReport lists every problem found in a file; an empty report means the file is sound.
type CheckReport struct {
	Customers, FollowUps, Members int
	Problems                      []string
	// Notes are facts worth telling that are not problems, such as an older schema that SalesDesk
	// upgrades when it next opens the file.
	Notes []string
	// AuditProblems are breaks in the audit trail's hash chain: a line edited, removed or moved. They
	// are evidence, not damage: the file still opens and its records are sound, so opening for writing
	// does not refuse it (Problems does); `check` reports them and fails.
	AuditProblems []string
	// DemoInterrupted is set when the last problem is a demo that stopped half way: `demo` finishes
	// it, so the file is not damaged.
	DemoInterrupted bool
}

// OK reports whether nothing is wrong.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 && len(r.AuditProblems) == 0 }

func (r *CheckReport) add(format string, a ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
}

// Check verifies the file: bbolt's own page consistency, then SalesDesk's invariants — every index
// entry points at a record, every record is indexed, every reference (owner, follow-up's customer and
// author) exists. It only reads.
func (s *Store) Check() (CheckReport, error) {
	var r CheckReport
	err := s.view(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			r.add("storage: %v", err)
		}
		var schema uint64
		if meta := tx.Bucket(bucketMeta); meta != nil {
			schema = decodeUint(meta.Get(keySchema))
		}
		switch {
		case schema < 2 && tx.Bucket(bucketRows) != nil:
			// The file holds what schema 2 writes, so its number was lowered after the fact.
			r.add("schema version %d, expected %d", schema, len(migrations))
		case schema < uint64(len(migrations)):
			r.Notes = append(r.Notes, fmt.Sprintf("schema %d is older than this SalesDesk's %d; opening the file in SalesDesk upgrades it", schema, len(migrations)))
		}
		for _, name := range [][]byte{bucketMeta, bucketCustomers, bucketRows, bucketCardNumbers, bucketFollowUps,
			bucketOpenActions, bucketMembers, bucketSettings, bucketCounters, bucketAudit} {
			if string(name) == string(bucketRows) && schema < 2 {
				continue // the list rows came with schema 2
			}
			if tx.Bucket(name) == nil {
				r.add("bucket %q is missing", name)
			}
		}
		if !r.OK() {
			return nil
		}
		if _, err := loadSettings(tx); err != nil {
			r.add("settings: %v", err)
		}
		members := map[uint64]bool{}
		_ = tx.Bucket(bucketMembers).ForEach(func(k, v []byte) error {
			var m data.Member
			if err := codec.Unmarshal(v, &m); err != nil {
				r.add("member %d: unreadable: %v", decodeUint(k), err)
				return nil
			}
			if m.ID != decodeUint(k) {
				r.add("member under key %d says it is %d", decodeUint(k), m.ID)
			}
			members[m.ID] = true
			r.Members++
			return nil
		})
		customers := map[uint64]string{}
		cards := tx.Bucket(bucketCardNumbers)
		_ = tx.Bucket(bucketCustomers).ForEach(func(k, v []byte) error {
			id := decodeUint(k)
			var c data.Customer
			if err := codec.Unmarshal(v, &c); err != nil {
				r.add("customer %d: unreadable: %v", id, err)
				return nil
			}
			r.Customers++
			customers[id] = c.CardNo
			if c.ID != id {
				r.add("customer under key %d says it is %d", id, c.ID)
			}
			if got := cards.Get([]byte(c.CardNo)); got == nil {
				r.add("customer %d (%s): card number %q is not indexed", id, c.Name, c.CardNo)
			} else if decodeUint(got) != id {
				r.add("customer %d (%s): card number %q is indexed to customer %d", id, c.Name, c.CardNo, decodeUint(got))
			}
			if c.OwnerID != 0 && !members[c.OwnerID] {
				r.add("customer %d (%s): owner %d does not exist", id, c.Name, c.OwnerID)
			}
			var rec rowRecord
			if tx.Bucket(bucketRows) == nil {
				return nil
			}
			if raw := tx.Bucket(bucketRows).Get(k); raw == nil {
				r.add("customer %d (%s) has no list row", id, c.Name)
			} else if err := codec.Unmarshal(raw, &rec); err != nil {
				r.add("customer %d (%s): list row unreadable: %v", id, c.Name, err)
			} else if want := buildRecord(&c); !sameRow(rec, want) {
				r.add("customer %d (%s): list row is out of step with the card", id, c.Name)
			}
			return nil
		})
		_ = forEachIn(tx, bucketRows, func(k, _ []byte) error {
			if _, ok := customers[decodeUint(k)]; !ok {
				r.add("list row %d points at a customer that does not exist", decodeUint(k))
			}
			return nil
		})
		_ = cards.ForEach(func(k, v []byte) error {
			id := decodeUint(v)
			if no, ok := customers[id]; !ok {
				r.add("card number %q points at customer %d, which does not exist", k, id)
			} else if no != string(k) {
				r.add("card number %q points at customer %d, whose number is %q", k, id, no)
			}
			return nil
		})
		_ = tx.Bucket(bucketFollowUps).ForEach(func(k, v []byte) error {
			if len(k) != 16 {
				r.add("follow-up key %x is malformed", k)
				return nil
			}
			cid, fid := decodeUint(k[:8]), decodeUint(k[8:])
			var f data.FollowUp
			if err := codec.Unmarshal(v, &f); err != nil {
				r.add("follow-up %d: unreadable: %v", fid, err)
				return nil
			}
			r.FollowUps++
			if f.ID != fid || f.CustomerID != cid {
				r.add("follow-up under key %d/%d says it is %d/%d", cid, fid, f.CustomerID, f.ID)
			}
			if _, ok := customers[cid]; !ok {
				r.add("follow-up %d points at customer %d, which does not exist", fid, cid)
			}
			if f.ByID != 0 && !members[f.ByID] {
				r.add("follow-up %d: author %d does not exist", fid, f.ByID)
			}
			open := tx.Bucket(bucketOpenActions).Get(encodeUint(fid)) != nil
			if f.OpenAction() != open {
				r.add("follow-up %d: open action index says %v, record says %v", fid, open, f.OpenAction())
			}
			return nil
		})
		_ = tx.Bucket(bucketOpenActions).ForEach(func(k, v []byte) error {
			var oa OpenAction
			if err := codec.Unmarshal(v, &oa); err != nil {
				r.add("open action %d: unreadable: %v", decodeUint(k), err)
				return nil
			}
			if tx.Bucket(bucketFollowUps).Get(pairKey(oa.CustomerID, oa.FollowUpID)) == nil {
				r.add("open action %d points at a follow-up that does not exist", oa.FollowUpID)
			}
			return nil
		})
		if schema >= 3 {
			r.checkPipeline(tx, customers, members)
		}
		if schema >= 11 {
			checkStoredChain(tx, &r)
		}
		if schema > uint64(len(migrations)) {
			r.add("schema version %d is newer than this SalesDesk's %d", schema, len(migrations))
		}
		if !bytes.Equal(tx.Bucket(bucketMeta).Get(keyMagic), magicValue) {
			r.add("format marker is missing")
		}
		return nil
	})
	if d, ok := s.InterruptedDemo(); ok {
		r.DemoInterrupted = true
		r.add("a demo was interrupted (%d of its %d customers made); run `salesdesk demo --db %s` to finish it",
			d.Done, d.Customers, s.path)
	}
	return r, err
}

// sameRow compares the fields of a stored row that a list shows or searches.
func sameRow(a, b rowRecord) bool {
	return a.ID == b.ID && a.CardNo == b.CardNo && a.Name == b.Name && a.Status == b.Status &&
		a.OwnerID == b.OwnerID && a.Archived == b.Archived && a.TextHay == b.TextHay && a.KeyHay == b.KeyHay &&
		a.NextFollowUp.Equal(b.NextFollowUp) && a.LastFollowUp.Equal(b.LastFollowUp) && a.Grading.Override == b.Grading.Override
}

// forEachIn walks a bucket that an older schema may not have.
func forEachIn(tx *bolt.Tx, name []byte, fn func(k, v []byte) error) error {
	if b := tx.Bucket(name); b != nil {
		return b.ForEach(fn)
	}
	return nil
}

// checkPipeline verifies that every deal points at a customer and an owner that exist, has its
// history, and that every history line belongs to a deal.
func (r *CheckReport) checkPipeline(tx *bolt.Tx, customers map[uint64]string, members map[uint64]bool) {
	opps, hist := tx.Bucket(bucketOpps), tx.Bucket(bucketHistory)
	if opps == nil || hist == nil {
		r.add("the pipeline's buckets are missing")
		return
	}
	ids := map[uint64]bool{}
	_ = opps.ForEach(func(k, v []byte) error {
		var o data.Opportunity
		if err := codec.Unmarshal(v, &o); err != nil {
			r.add("opportunity %d: unreadable: %v", decodeUint(k), err)
			return nil
		}
		ids[o.ID] = true
		if _, ok := customers[o.CustomerID]; !ok {
			r.add("opportunity %s points at customer %d, which does not exist", o.Number, o.CustomerID)
		}
		if o.OwnerID != 0 && !members[o.OwnerID] {
			r.add("opportunity %s: owner %d does not exist", o.Number, o.OwnerID)
		}
		if k, _ := hist.Cursor().Seek(k); k == nil || !bytes.HasPrefix(k, encodeUint(o.ID)) {
			r.add("opportunity %s has no stage history", o.Number)
		}
		if rows := tx.Bucket(bucketOppRows); rows != nil {
			var d dealRow
			if raw := rows.Get(k); raw == nil {
				r.add("opportunity %s has no list row", o.Number)
			} else if err := codec.Unmarshal(raw, &d); err != nil || d.Stage != o.Stage || d.Version != o.Version || d.Amount != o.Amount {
				r.add("opportunity %s: list row is out of step with the deal", o.Number)
			}
		}
		return nil
	})
	_ = hist.ForEach(func(k, _ []byte) error {
		if len(k) != 16 || !ids[decodeUint(k[:8])] {
			r.add("stage history entry %x belongs to no opportunity", k)
		}
		return nil
	})
}
