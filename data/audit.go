package data

import (
	"bytes"
	"time"
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
	// RecordReportExport traces a report the member wrote to a file (json, csv, xlsx, pdf) of so many
	// periods and rows: a report in a file is an export, refused to a member who may not export.
	RecordReportExport(format string, periods, rows int) error
}

func (f AuditFilter) Matches(ch Change) bool {
	if (f.HasMember || f.MemberID != 0) && ch.ActorID != f.MemberID {
		return false
	}
	if f.Entity != "" && (ch.Entity != f.Entity || (f.EntityID != 0 && ch.EntityID != f.EntityID)) {
		return false
	}
	if f.CustomerID != 0 && ch.CustomerID != f.CustomerID && !(ch.Entity == "customer" && ch.EntityID == f.CustomerID) {
		return false
	}
	if f.Action != "" && ActionWord(ch.Action) != f.Action {
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
func ActionWord(a string) string {
	if i := bytes.IndexByte([]byte(a), ' '); i >= 0 {
		return a[:i]
	}
	return a
}
