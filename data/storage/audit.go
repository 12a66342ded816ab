package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"salesdesk/data"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketAuditIndex finds a record's, a card's or a member's lines without reading the whole trail:
// 'e' ‖ entity ‖ 0 ‖ id ‖ seq, 'c' ‖ customer ‖ seq, 'm' ‖ member ‖ seq, 'k' ‖ entity ‖ 0 ‖ seq (a kind
// of record) and 'a' ‖ action's first word ‖ 0 ‖ seq, each → nil.
var bucketAuditIndex = []byte("audit_index")

func audit(tx *bolt.Tx, at time.Time, by data.Actor, action, entity string, id uint64) error {
	return auditFields(tx, at, by, action, entity, id, nil)
}

// auditFields is audit with the fields the change made.
func auditFields(tx *bolt.Tx, at time.Time, by data.Actor, action, entity string, id uint64, fields []data.FieldChange) error {
	ch := data.Change{At: at, ActorID: by.MemberID, Actor: by.Name, Action: action, Entity: entity, EntityID: id, Fields: fields}
	if entity == "customer" {
		ch.CustomerID = id
	}
	return writeChange(tx, ch)
}

// auditCard is auditFields for a follow-up or a deal, whose line also belongs to its card's history.
func auditCard(tx *bolt.Tx, at time.Time, by data.Actor, action, entity string, id, customerID uint64, fields []data.FieldChange) error {
	return writeChange(tx, data.Change{At: at, ActorID: by.MemberID, Actor: by.Name, Action: action, Entity: entity,
		EntityID: id, CustomerID: customerID, Fields: fields})
}

// writeChange appends one line: numbered, chained to the line before and indexed.
func writeChange(tx *bolt.Tx, ch data.Change) error {
	return writeChangeIn(tx, ch, nil)
}

// auditBatch writes many lines in one transaction (the pool's sweep): it remembers the last hash
// instead of decoding the last line again for each, and puts the index keys in key order at the end.
// Put one by one, the keys of thousands of lines land in the middle of the same few leaves, which
// bbolt does not split until the commit: each insert then moved every key put before it.
type auditBatch struct {
	prev    string
	chained bool
	keys    [][]byte
}

// flush writes the index keys the batch holds.
func (ab *auditBatch) flush(tx *bolt.Tx) error {
	ix := tx.Bucket(bucketAuditIndex)
	if ix == nil || len(ab.keys) == 0 {
		return nil
	}
	slices.SortFunc(ab.keys, bytes.Compare)
	for _, k := range ab.keys {
		if err := ix.Put(k, nil); err != nil {
			return err
		}
	}
	ab.keys = nil
	return nil
}

func writeChangeIn(tx *bolt.Tx, ch data.Change, ab *auditBatch) error {
	b := tx.Bucket(bucketAudit)
	prev := ""
	if ab != nil && ab.chained {
		prev = ab.prev
	} else if k, v := b.Cursor().Last(); k != nil {
		var last data.Change
		if err := codec.Unmarshal(v, &last); err != nil {
			return fmt.Errorf("audit line %d: %w: %w", decodeUint(k), data.ErrDamaged, err)
		}
		prev = last.Hash
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	ch.Fields = redactSecrets(ch.Fields)
	if err := chainChange(&ch, seq, prev); err != nil {
		return err
	}
	if err := putRecord(b, encodeUint(seq), ch); err != nil {
		return err
	}
	if ab != nil {
		ab.prev, ab.chained = ch.Hash, true
		ab.keys = append(ab.keys, auditIndexKeys(ch)...)
		return nil
	}
	return indexChange(tx, ch)
}

// chainChange numbers ch and sets its hash after prev. The time is kept in UTC so that the hash
// recomputed from the decoded line is the one written.
func chainChange(ch *data.Change, seq uint64, prev string) error {
	ch.At = ch.At.UTC()
	ch.Seq = seq
	h, err := chainLink(prev, jsonChange{Seq: seq, Change: *ch})
	if err != nil {
		return err
	}
	ch.Hash = h
	return nil
}

func indexChange(tx *bolt.Tx, ch data.Change) error {
	ix := tx.Bucket(bucketAuditIndex)
	if ix == nil {
		return nil // a file before schema 11, during its older migrations
	}
	for _, k := range auditIndexKeys(ch) {
		if err := ix.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}

func auditIndexKeys(ch data.Change) [][]byte {
	keys := [][]byte{auditEntityPrefix(ch.Entity, ch.EntityID), auditPrefix('m', ch.ActorID),
		auditWordPrefix('k', ch.Entity), auditWordPrefix('a', data.ActionWord(ch.Action))}
	if ch.CustomerID != 0 {
		keys = append(keys, auditPrefix('c', ch.CustomerID))
	}
	for i := range keys {
		keys[i] = binary.BigEndian.AppendUint64(keys[i], ch.Seq)
	}
	return keys
}

func auditEntityPrefix(entity string, id uint64) []byte {
	k := append([]byte{'e'}, entity...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, id)
}

func auditWordPrefix(kind byte, word string) []byte {
	return append(append([]byte{kind}, word...), 0)
}

func auditPrefix(kind byte, id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{kind}, id)
}

// redactSecrets drops any field that could carry a password or its hash, whatever the caller passed:
// the trail is read by managers and exported, and a secret must never reach it.
func redactSecrets(fields []data.FieldChange) []data.FieldChange {
	out := fields[:0:0]
	for _, f := range fields {
		if !secretField(f.Field) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Changes returns the newest audit entries about one entity (or all when entity is empty), newest first.
func (s *Store) Changes(entity string, id uint64, limit int) ([]data.Change, error) {
	if entity == "" {
		p, err := s.AuditTrail(data.AuditFilter{Limit: limit})
		return p.Lines, err
	}
	p, err := s.AuditTrail(data.AuditFilter{Entity: entity, EntityID: id, Limit: limit})
	return p.Lines, err
}

const maxAuditPage = 1000

// AuditTrail reads lines newest first. A filter on a record, a card or a member walks that index; the
// others walk the trail backwards and stop once the lines are older than From (the trail is in time
// order within auditClockSlack).
func (s *Store) AuditTrail(f data.AuditFilter) (data.AuditPage, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	if limit > maxAuditPage {
		limit = maxAuditPage
	}
	var page data.AuditPage
	err := s.view(func(tx *bolt.Tx) error {
		skip := f.Offset
		return eachAuditLine(tx, f, func(ch data.Change) bool {
			if skip > 0 {
				skip--
				return true
			}
			if len(page.Lines) == limit {
				page.More = true
				return false
			}
			page.Lines = append(page.Lines, ch)
			return true
		})
	})
	if err != nil {
		return data.AuditPage{}, fmt.Errorf("data: audit trail: %w", err)
	}
	return page, nil
}

// eachAuditLine calls fn with each line f selects, newest first, until fn returns false.
func eachAuditLine(tx *bolt.Tx, f data.AuditFilter, fn func(data.Change) bool) error {
	lines := tx.Bucket(bucketAudit)
	var prefix []byte
	switch {
	case f.Entity != "" && f.EntityID != 0:
		prefix = auditEntityPrefix(f.Entity, f.EntityID)
	case f.CustomerID != 0:
		prefix = auditPrefix('c', f.CustomerID)
	case f.HasMember || f.MemberID != 0:
		prefix = auditPrefix('m', f.MemberID)
	case f.Action != "":
		prefix = auditWordPrefix('a', f.Action)
	case f.Entity != "":
		prefix = auditWordPrefix('k', f.Entity)
	}
	// Lines are in time order within auditClockSlack, so none from seq top on is before To.
	top := auditSeqAfter(lines, f.To)
	visit := func(k, v []byte) (bool, error) {
		var ch data.Change
		if err := codec.Unmarshal(v, &ch); err != nil {
			return false, fmt.Errorf("audit line %d: %w: %w", decodeUint(k), data.ErrDamaged, err)
		}
		if !f.From.IsZero() && ch.At.Before(f.From.Add(-auditClockSlack)) {
			return false, nil
		}
		if f.Matches(ch) {
			return fn(ch), nil
		}
		return true, nil
	}
	ix := tx.Bucket(bucketAuditIndex)
	if prefix != nil && ix != nil {
		c := ix.Cursor()
		end := binary.BigEndian.AppendUint64(bytes.Clone(prefix), top)
		k, _ := c.Seek(end)
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			seq := k[len(k)-8:]
			v := lines.Get(seq)
			if v == nil {
				continue
			}
			goOn, err := visit(seq, v)
			if err != nil || !goOn {
				return err
			}
		}
		return nil
	}
	c := lines.Cursor()
	var k, v []byte
	if k, _ = c.Seek(encodeUint(top)); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil; k, v = c.Prev() {
		goOn, err := visit(k, v)
		if err != nil || !goOn {
			return err
		}
	}
	return nil
}

// auditSeqAfter is the first line number from which every line is dated at or after to (plus the
// slack), found by halving: the end of the trail when to is zero.
func auditSeqAfter(lines *bolt.Bucket, to time.Time) uint64 {
	if to.IsZero() {
		return ^uint64(0)
	}
	limit := to.Add(auditClockSlack)
	lo, hi := uint64(1), lines.Sequence()+1 // the answer is in [lo, hi]
	c := lines.Cursor()
	for lo < hi {
		mid := lo + (hi-lo)/2
		k, v := c.Seek(encodeUint(mid))
		if k == nil {
			hi = mid
			continue
		}
		var ch data.Change
		if codec.Unmarshal(v, &ch) != nil {
			return ^uint64(0) // a damaged line: read everything, and let the walk report it
		}
		if ch.At.Before(limit) {
			lo = decodeUint(k) + 1
		} else {
			hi = mid
		}
	}
	return lo
}
