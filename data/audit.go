package data

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Change is one line of the audit trail: every write leaves one, in the same transaction, so that each
// change is traceable to who made it, when, to which record and which fields (seed 004).
type Change struct {
	At       time.Time `json:"at" msgpack:"t"`
	ActorID  uint64    `json:"actor_id" msgpack:"a"`
	Actor    string    `json:"actor" msgpack:"n"`
	Action   string    `json:"action" msgpack:"x"`
	Entity   string    `json:"entity" msgpack:"e"`
	EntityID uint64    `json:"entity_id" msgpack:"i"`
	// CustomerID is the card a line about a follow-up or a deal belongs to, so that the card's own
	// history shows them; for a customer line it is the customer.
	CustomerID uint64        `json:"customer_id,omitempty" msgpack:"c,omitempty"`
	Fields     []FieldChange `json:"fields,omitempty" msgpack:"f,omitempty"`
	Reason     string        `json:"reason,omitempty" msgpack:"r,omitempty"`
	// Seq repeats the line's key, so that a line moved under another key is told from an edited one.
	Seq uint64 `json:"-" msgpack:"s,omitempty"`
	// Hash chains the line to the one before: chainLink(previous line's Hash, this line). It is the
	// same value a JSON export carries as "chain" (audit_chain.go).
	Hash string `json:"-" msgpack:"h,omitempty"`
}

// FieldChange is one field of a record as it was before a change and after it, as text.
type FieldChange struct {
	Field string `json:"field" msgpack:"f"`
	Old   string `json:"old" msgpack:"o"`
	New   string `json:"new" msgpack:"n"`
}

// bucketAuditIndex finds a record's, a card's or a member's lines without reading the whole trail:
// 'e' ‖ entity ‖ 0 ‖ id ‖ seq, 'c' ‖ customer ‖ seq, 'm' ‖ member ‖ seq, 'k' ‖ entity ‖ 0 ‖ seq (a kind
// of record) and 'a' ‖ action's first word ‖ 0 ‖ seq, each → nil.
var bucketAuditIndex = []byte("audit_index")

func audit(tx *bolt.Tx, at time.Time, by Actor, action, entity string, id uint64) error {
	return auditFields(tx, at, by, action, entity, id, nil)
}

// auditFields is audit with the fields the change made.
func auditFields(tx *bolt.Tx, at time.Time, by Actor, action, entity string, id uint64, fields []FieldChange) error {
	ch := Change{At: at, ActorID: by.MemberID, Actor: by.Name, Action: action, Entity: entity, EntityID: id, Fields: fields}
	if entity == "customer" {
		ch.CustomerID = id
	}
	return writeChange(tx, ch)
}

// auditCard is auditFields for a follow-up or a deal, whose line also belongs to its card's history.
func auditCard(tx *bolt.Tx, at time.Time, by Actor, action, entity string, id, customerID uint64, fields []FieldChange) error {
	return writeChange(tx, Change{At: at, ActorID: by.MemberID, Actor: by.Name, Action: action, Entity: entity,
		EntityID: id, CustomerID: customerID, Fields: fields})
}

// writeChange appends one line: numbered, chained to the line before and indexed.
func writeChange(tx *bolt.Tx, ch Change) error {
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

func writeChangeIn(tx *bolt.Tx, ch Change, ab *auditBatch) error {
	b := tx.Bucket(bucketAudit)
	prev := ""
	if ab != nil && ab.chained {
		prev = ab.prev
	} else if k, v := b.Cursor().Last(); k != nil {
		var last Change
		if err := codec.Unmarshal(v, &last); err != nil {
			return fmt.Errorf("audit line %d: %w: %w", decodeUint(k), ErrDamaged, err)
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
func chainChange(ch *Change, seq uint64, prev string) error {
	ch.At = ch.At.UTC()
	ch.Seq = seq
	h, err := chainLink(prev, jsonChange{Seq: seq, Change: *ch})
	if err != nil {
		return err
	}
	ch.Hash = h
	return nil
}

func indexChange(tx *bolt.Tx, ch Change) error {
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

func auditIndexKeys(ch Change) [][]byte {
	keys := [][]byte{auditEntityPrefix(ch.Entity, ch.EntityID), auditPrefix('m', ch.ActorID),
		auditWordPrefix('k', ch.Entity), auditWordPrefix('a', actionWord(ch.Action))}
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
func redactSecrets(fields []FieldChange) []FieldChange {
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
func (s *Store) Changes(entity string, id uint64, limit int) ([]Change, error) {
	if entity == "" {
		p, err := s.AuditTrail(AuditFilter{Limit: limit})
		return p.Lines, err
	}
	p, err := s.AuditTrail(AuditFilter{Entity: entity, EntityID: id, Limit: limit})
	return p.Lines, err
}

// AuditFilter selects audit lines. Zero fields do not filter. Lines come newest first, Limit at a
// time (100 when 0, at most 1000) after skipping Offset matching lines.
type AuditFilter struct {
	MemberID   uint64    `json:"member_id,omitempty"`
	HasMember  bool      `json:"has_member,omitempty"` // MemberID 0 is the command line or the system
	Entity     string    `json:"entity,omitempty"`
	EntityID   uint64    `json:"entity_id,omitempty"` // with Entity: one record
	CustomerID uint64    `json:"customer_id,omitempty"`
	Action     string    `json:"action,omitempty"` // the action's first word: "update" matches "update", "move a→b" by "move"
	From       time.Time `json:"from,omitempty"`   // inclusive
	To         time.Time `json:"to,omitempty"`     // exclusive
	Offset     int       `json:"offset,omitempty"`
	Limit      int       `json:"limit,omitempty"`
}

// AuditPage is one page of lines; More says whether older matching lines follow.
type AuditPage struct {
	Lines []Change `json:"lines"`
	More  bool     `json:"more"`
}

// AuditService is the audit trail as the window and the command line read it.
type AuditService interface {
	// AuditTrail reads the whole trail: managers and administrators.
	AuditTrail(f AuditFilter) (AuditPage, error)
	// CardHistory is a card's own lines (the card, its follow-ups and deals): whoever may open it.
	CardHistory(customerID uint64, offset, limit int) (AuditPage, error)
	// ExportAuditCSV is the lines f selects (without paging, up to MaxAuditExport) as CSV; the export
	// itself is recorded.
	ExportAuditCSV(f AuditFilter) ([]byte, error)
}

const maxAuditPage = 1000

// AuditTrail reads lines newest first. A filter on a record, a card or a member walks that index; the
// others walk the trail backwards and stop once the lines are older than From (the trail is in time
// order within auditClockSlack).
func (s *Store) AuditTrail(f AuditFilter) (AuditPage, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	if limit > maxAuditPage {
		limit = maxAuditPage
	}
	var page AuditPage
	err := s.view(func(tx *bolt.Tx) error {
		skip := f.Offset
		return eachAuditLine(tx, f, func(ch Change) bool {
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
		return AuditPage{}, fmt.Errorf("data: audit trail: %w", err)
	}
	return page, nil
}

// eachAuditLine calls fn with each line f selects, newest first, until fn returns false.
func eachAuditLine(tx *bolt.Tx, f AuditFilter, fn func(Change) bool) error {
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
		var ch Change
		if err := codec.Unmarshal(v, &ch); err != nil {
			return false, fmt.Errorf("audit line %d: %w: %w", decodeUint(k), ErrDamaged, err)
		}
		if !f.From.IsZero() && ch.At.Before(f.From.Add(-auditClockSlack)) {
			return false, nil
		}
		if f.matches(ch) {
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
		var ch Change
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

func (f AuditFilter) matches(ch Change) bool {
	if (f.HasMember || f.MemberID != 0) && ch.ActorID != f.MemberID {
		return false
	}
	if f.Entity != "" && (ch.Entity != f.Entity || (f.EntityID != 0 && ch.EntityID != f.EntityID)) {
		return false
	}
	if f.CustomerID != 0 && ch.CustomerID != f.CustomerID && !(ch.Entity == "customer" && ch.EntityID == f.CustomerID) {
		return false
	}
	if f.Action != "" && actionWord(ch.Action) != f.Action {
		return false
	}
	if !f.From.IsZero() && ch.At.Before(f.From) {
		return false
	}
	if !f.To.IsZero() && !ch.At.Before(f.To) {
		return false
	}
	return true
}

// actionWord is an action's kind: "move prospect→won" is a "move", "bulk_create 12" a "bulk_create".
func actionWord(a string) string {
	if i := bytes.IndexByte([]byte(a), ' '); i >= 0 {
		return a[:i]
	}
	return a
}
