package storage

import (
	"bytes"
	"fmt"
	"salesdesk/data"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FollowUps returns a customer's follow-ups, newest first. They sit under one key prefix, so this reads
// only that customer's records.
func (s *Store) FollowUps(customerID uint64) ([]data.FollowUp, error) {
	var out []data.FollowUp
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = followUpsOf(tx, customerID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("data: follow-ups of customer %d: %w", customerID, err)
	}
	data.SortNewestFirst(out)
	return out, nil
}

func followUpsOf(tx *bolt.Tx, customerID uint64) ([]data.FollowUp, error) {
	var out []data.FollowUp
	prefix := encodeUint(customerID)
	c := tx.Bucket(bucketFollowUps).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var f data.FollowUp
		if err := codec.Unmarshal(v, &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// CapCheck tells, before logging, whether a proactive contact on date would pass a contact cap.
func (s *Store) CapCheck(customerID uint64, date time.Time) (data.CapWarning, error) {
	st := s.Settings()
	row, ok := s.Row(customerID)
	if !ok {
		return data.CapNone, fmt.Errorf("data: customer %d: %w", customerID, data.ErrNotFound)
	}
	fs, err := s.FollowUps(customerID)
	if err != nil {
		return data.CapNone, err
	}
	return data.CheckContactCap(row.Grade, fs, date, st.Caps), nil
}

// LogFollowUp records a follow-up and, in the same transaction, moves the card's last follow-up to it
// and sets the next follow-up: the rep's plan when given, else the grade's maintenance plan.
func (s *Store) LogFollowUp(by data.Actor, f data.FollowUp, next data.NextPlan) (data.FollowUp, data.Customer, error) {
	return s.logFollowUp(by, f, next, nil)
}

// logFollowUp is LogFollowUp with a check of the card, read in the write's transaction, that may
// refuse it.
func (s *Store) logFollowUp(by data.Actor, f data.FollowUp, next data.NextPlan, check func(c *data.Customer) error) (data.FollowUp, data.Customer, error) {
	now := s.now()
	fe := data.ValidateFollowUp(&f, now)
	s.checkMember(&fe, "by", f.ByID)
	fe = append(fe, data.ValidateNextPlan(next)...)
	if fe.Any() {
		return f, data.Customer{}, fe
	}
	if !next.Date.IsZero() && data.DateOf(next.Date).Before(data.DateOf(f.Date)) {
		var fe data.FieldErrors
		fe.Add("next_date", data.ErrDeadlineBeforeDate)
		return f, data.Customer{}, fe
	}
	if f.ByID == 0 {
		f.ByID = by.MemberID
	}
	f.CreatedAt, f.CreatedBy = now, by.MemberID
	rules := s.Settings().GradeRules
	var c data.Customer
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		if err := getRecord(tx.Bucket(bucketCustomers), encodeUint(f.CustomerID), &c); err != nil {
			return nil, fmt.Errorf("customer %d: %w", f.CustomerID, err)
		}
		if c.Archived {
			return nil, data.ErrArchived
		}
		if check != nil {
			if err := check(&c); err != nil {
				return nil, err
			}
		}
		b := tx.Bucket(bucketFollowUps)
		id, err := b.NextSequence()
		if err != nil {
			return nil, err
		}
		f.ID = id
		if err := putRecord(b, pairKey(f.CustomerID, f.ID), f); err != nil {
			return nil, err
		}
		var oa *OpenAction
		if f.OpenAction() {
			oa = &OpenAction{FollowUpID: f.ID, CustomerID: f.CustomerID, Deadline: f.Deadline, Action: f.Action}
			if err := putRecord(tx.Bucket(bucketOpenActions), encodeUint(f.ID), oa); err != nil {
				return nil, err
			}
		}
		// An older follow-up logged late must not move the card's last follow-up backwards.
		if f.Date.After(c.LastFollowUp) {
			c.LastFollowUp = f.Date
			if next.Date.IsZero() {
				p := data.MaintenancePlanFor(c.Grade(rules, now))
				c.NextFollowUp, c.NextAction = p.NextDue(f.Date), p.Action
				c.DropActivityDetails()
			}
		}
		if !next.Date.IsZero() {
			c.NextFollowUp, c.NextAction = data.DateOf(next.Date), next.Action
			c.NextTime, c.NextKind, c.NextRemind = next.Time, next.Kind, next.Remind
		}
		if c.FirstContact.IsZero() || f.Date.Before(c.FirstContact) {
			c.FirstContact = data.DateOf(f.Date)
		}
		c.Version++
		c.UpdatedAt, c.UpdatedBy = now, by.MemberID
		row, err := s.writeCustomer(tx, &c, c.CardNo, rules, now)
		if err != nil {
			return nil, err
		}
		if err := auditCard(tx, now, by, "create", "followup", f.ID, c.ID, diffFields(nil, &f)); err != nil {
			return nil, err
		}
		return func(ix *index) {
			ix.put(row)
			if oa != nil {
				ix.openActions[oa.FollowUpID] = *oa
			}
		}, nil
	})
	if err != nil {
		return f, c, fmt.Errorf("data: log follow-up: %w", err)
	}
	return f, c, nil
}

// ConfirmResult writes the result confirmation (结果确认) of a follow-up's action, which takes it off
// the agenda.
func (s *Store) ConfirmResult(by data.Actor, customerID, followUpID uint64, result string) (data.FollowUp, error) {
	var f data.FollowUp
	if result == "" {
		var fe data.FieldErrors
		fe.Add("result", data.ErrRequired)
		return f, fe
	}
	now := s.now()
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		var c data.Customer
		if err := getRecord(tx.Bucket(bucketCustomers), encodeUint(customerID), &c); err != nil {
			return nil, fmt.Errorf("customer %d: %w", customerID, err)
		}
		if c.Archived {
			return nil, data.ErrArchived
		}
		b := tx.Bucket(bucketFollowUps)
		key := pairKey(customerID, followUpID)
		if err := getRecord(b, key, &f); err != nil {
			return nil, fmt.Errorf("follow-up %d: %w", followUpID, err)
		}
		oldResult := f.Result
		f.Result = result
		if err := putRecord(b, key, f); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketOpenActions).Delete(encodeUint(followUpID)); err != nil {
			return nil, err
		}
		if err := auditCard(tx, now, by, "confirm", "followup", followUpID, customerID,
			[]data.FieldChange{{Field: "result", Old: oldResult, New: result}}); err != nil {
			return nil, err
		}
		return func(ix *index) { delete(ix.openActions, followUpID) }, nil
	})
	if err != nil {
		return f, fmt.Errorf("data: confirm follow-up %d: %w", followUpID, err)
	}
	return f, nil
}
