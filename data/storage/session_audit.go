package storage

import (
	"bytes"
	"errors"
	"fmt"
	"salesdesk/data"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// AuditTrail reads the whole trail: a manager's or an administrator's right, since it shows every
// member's work on every card.
func (s *Session) AuditTrail(f data.AuditFilter) (data.AuditPage, error) {
	if err := s.require(data.PermAudit); err != nil {
		return data.AuditPage{}, err
	}
	return s.st.AuditTrail(f)
}

// CardHistory is a card's own history for whoever may open the card: the session's Customer decides
// (a rep gets ErrNotYours for another rep's card).
func (s *Session) CardHistory(customerID uint64, offset, limit int) (data.AuditPage, error) {
	if _, err := s.Customer(customerID); err != nil {
		return data.AuditPage{}, err
	}
	return s.st.AuditTrail(data.AuditFilter{CustomerID: customerID, Offset: offset, Limit: limit})
}

// ExportAuditCSV writes the lines f selects as Excel-ready CSV (cells neutralised against formula
// injection) and records the export in the trail.
func (s *Session) ExportAuditCSV(f data.AuditFilter) ([]byte, error) {
	if err := s.require(data.PermAudit); err != nil {
		return nil, err
	}
	var rows [][]string
	n := 0
	err := s.st.view(func(tx *bolt.Tx) error {
		skip := f.Offset
		return eachAuditLine(tx, f, func(ch data.Change) bool {
			if skip > 0 {
				skip--
				return true
			}
			rows = append(rows, data.AuditCSVRows(ch)...)
			n++
			return n < data.MaxAuditExport
		})
	})
	if err != nil {
		return nil, fmt.Errorf("data: export audit: %w", err)
	}
	var buf bytes.Buffer
	if err := data.WriteExcelCSV(&buf, data.AuditCSVHeader, rows); err != nil {
		return nil, fmt.Errorf("data: export audit: %w", err)
	}
	if err := s.st.RecordAuditExport(s.actor(), n); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RecordAuditExport writes the line of an export of n audit lines.
func (s *Store) RecordAuditExport(by data.Actor, n int) error {
	return s.update(func(tx *bolt.Tx) (func(*index), error) {
		return nil, audit(tx, s.now(), by, fmt.Sprintf("export_audit %d", n), "audit", 0)
	})
}

// RecordRefused writes the line of a call an office host refused before it reached the data: from is
// the caller's address (no member is known), action says what was refused (session_refused: a call
// without a live session, a replayed or expired token; sign_in_throttled: sign-in tries over the
// limit; message_too_large, message_malformed: a message refused before it was decoded). The host writes at most one such line per address and action a minute.
func (s *Store) RecordRefused(from, action string) error {
	return s.update(func(tx *bolt.Tx) (func(*index), error) {
		return nil, audit(tx, s.now(), data.Actor{Name: from}, action, "session", 0)
	})
}

// recordExport writes the audit line of a finished export: exports are a manager's right, and who
// took the data out, and how much, must be traceable.
func (s *Session) recordExport(format string, res data.ExportResult, err error) (data.ExportResult, error) {
	if err != nil {
		return res, err
	}
	if err := s.st.RecordExport(s.actor(), format, res); err != nil && !errors.Is(err, data.ErrReadOnly) {
		// A file opened read-only cannot take the line; its export is a copy of a copy it holds.
		return res, err
	}
	return res, nil
}

// RecordReportExport records a report written as a file (json, csv, xlsx): a report in a file is an
// export, a manager's right, and is traced like one. It refuses a member who may not export.
func (s *Session) RecordReportExport(format string, periods, rows int) error {
	if err := s.require(data.PermExport); err != nil {
		return err
	}
	err := s.st.update(func(tx *bolt.Tx) (func(*index), error) {
		return nil, auditFields(tx, s.st.now(), s.actor(), "export_report_"+format, "export", 0, []data.FieldChange{
			{Field: "format", New: format},
			{Field: "periods", New: strconv.Itoa(periods)},
			{Field: "rows", New: strconv.Itoa(rows)},
		})
	})
	if errors.Is(err, data.ErrReadOnly) {
		return nil // as recordExport: a file opened read-only (a backup) cannot take the line
	}
	return err
}

// RecordExport writes the line of an export (the command line's exports call it too).
func (s *Store) RecordExport(by data.Actor, format string, res data.ExportResult) error {
	return s.update(func(tx *bolt.Tx) (func(*index), error) {
		action := fmt.Sprintf("export_%s", format)
		return nil, auditFields(tx, s.now(), by, action, "export", 0, []data.FieldChange{
			{Field: "customers", New: strconv.Itoa(res.Customers)},
			{Field: "opportunities", New: strconv.Itoa(res.Opportunities)},
			{Field: "followups", New: strconv.Itoa(res.FollowUps)},
		})
	})
}
