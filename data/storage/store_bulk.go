package storage

import (
	"fmt"
	"salesdesk/data"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// NewCard is a customer with its follow-ups, for bulk creation (demo data, later import).
type NewCard struct {
	Customer  data.Customer
	FollowUps []data.FollowUp
}

// BulkCreate stores many new cards with their follow-ups in one transaction: all of them or none. The
// cards get ids and card numbers (by their CreatedAt year when set, so imported history keeps its
// years); follow-ups keep their dates and authors, and each card's last follow-up is derived from them.
// One audit line records the batch. Cards are validated first and the batch is refused whole with the
// first card's problems if any is invalid.
func (s *Store) BulkCreate(by data.Actor, cards []NewCard) ([]uint64, error) {
	now := s.now()
	rules := s.Settings().GradeRules
	for i := range cards {
		c := &cards[i].Customer
		normalizeCustomer(c)
		fe := data.ValidateCustomer(c, now)
		s.checkMember(&fe, "owner", c.OwnerID)
		for j := range cards[i].FollowUps {
			s.checkMember(&fe, "by", cards[i].FollowUps[j].ByID)
		}
		if fe.Any() {
			return nil, fmt.Errorf("data: bulk create: card %d (%s): %w", i, c.Name, fe)
		}
		for j := range cards[i].FollowUps {
			if fe := data.ValidateFollowUp(&cards[i].FollowUps[j], now); fe.Any() {
				return nil, fmt.Errorf("data: bulk create: card %d (%s) follow-up %d: %w", i, c.Name, j, fe)
			}
		}
	}
	ids := make([]uint64, len(cards))
	rows := make([]*indexRow, len(cards))
	var open []OpenAction
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		cb, fb, ob := tx.Bucket(bucketCustomers), tx.Bucket(bucketFollowUps), tx.Bucket(bucketOpenActions)
		// New cards take ever-growing ids, so their pages fill from the end; bbolt's default of half-full
		// pages would double the file for nothing.
		cb.FillPercent, fb.FillPercent, ob.FillPercent = 0.9, 0.9, 0.9
		tx.Bucket(bucketRows).FillPercent = 0.9
		for i := range cards {
			c := &cards[i].Customer
			id, err := cb.NextSequence()
			if err != nil {
				return nil, err
			}
			c.ID, c.Version, c.Archived = id, 1, false
			created := c.CreatedAt
			if created.IsZero() {
				created = now
				c.CreatedAt = now
			}
			c.UpdatedAt = now
			if c.CreatedBy == 0 {
				c.CreatedBy = by.MemberID
			}
			c.UpdatedBy = by.MemberID
			if c.CardNo, err = nextCardNo(tx, created); err != nil {
				return nil, err
			}
			for j := range cards[i].FollowUps {
				f := &cards[i].FollowUps[j]
				fid, err := fb.NextSequence()
				if err != nil {
					return nil, err
				}
				f.ID, f.CustomerID = fid, id
				if f.CreatedAt.IsZero() {
					f.CreatedAt = f.Date
				}
				if f.CreatedBy == 0 {
					f.CreatedBy = f.ByID
				}
				if err := putRecord(fb, pairKey(id, fid), f); err != nil {
					return nil, err
				}
				if f.OpenAction() {
					oa := OpenAction{FollowUpID: fid, CustomerID: id, Deadline: f.Deadline, Action: f.Action}
					if err := putRecord(ob, encodeUint(fid), oa); err != nil {
						return nil, err
					}
					open = append(open, oa)
				}
				if f.Date.After(c.LastFollowUp) {
					c.LastFollowUp = f.Date
				}
				if c.FirstContact.IsZero() || f.Date.Before(c.FirstContact) {
					c.FirstContact = data.DateOf(f.Date)
				}
			}
			planNext(c, rules, now)
			row, err := s.writeCustomer(tx, c, "", rules, now)
			if err != nil {
				return nil, err
			}
			ids[i] = id
			rows[i] = row
		}
		if err := audit(tx, now, by, fmt.Sprintf("bulk_create %d", len(cards)), "customer", 0); err != nil {
			return nil, err
		}
		return func(ix *index) {
			ix.putMany(rows)
			for _, oa := range open {
				ix.openActions[oa.FollowUpID] = oa
			}
		}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("data: bulk create: %w", err)
	}
	return ids, nil
}

// IsEmpty reports whether the file holds no customers and no team: a first start.
func (s *Store) IsEmpty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.idx.rows) == 0 && len(s.idx.members) == 0
}

// BulkSetOwner hands the cards to another member, in one transaction: all of them or none. It
// returns how many cards changed owner.
func (s *Store) BulkSetOwner(by data.Actor, ids []uint64, owner uint64) (int, error) {
	var fe data.FieldErrors
	if owner == 0 {
		fe.Add("owner", data.ErrRequired)
	}
	s.checkMember(&fe, "owner", owner)
	if fe.Any() {
		return 0, fe
	}
	return s.bulkChange(by, ids, "bulk_owner", func(c *data.Customer) bool {
		if c.OwnerID == owner {
			return false
		}
		c.OwnerID = owner
		return true
	})
}

// BulkAddTag adds a tag to the cards that lack it, in one transaction.
func (s *Store) BulkAddTag(by data.Actor, ids []uint64, tag string) (int, error) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		var fe data.FieldErrors
		fe.Add("tag", data.ErrRequired)
		return 0, fe
	}
	return s.bulkChange(by, ids, "bulk_tag", func(c *data.Customer) bool {
		if slices.Contains(c.Tags, tag) {
			return false
		}
		c.Tags = append(slices.Clone(c.Tags), tag)
		return true
	})
}

// BulkArchive archives the cards, in one transaction; as with one card, nothing is destroyed.
func (s *Store) BulkArchive(by data.Actor, ids []uint64) (int, error) {
	now := s.now()
	return s.bulkChange(by, ids, "bulk_archive", func(c *data.Customer) bool {
		if c.Archived {
			return false
		}
		c.Archived, c.ArchivedAt = true, now
		return true
	})
}

// bulkChange applies fn to each stored card in one transaction and writes the cards it changed; a
// card that cannot be read or written rolls back the whole batch. Each changed card's version moves
// on, so a card window open on one of them learns of the change when it saves. One audit line
// records the batch.
func (s *Store) bulkChange(by data.Actor, ids []uint64, action string, fn func(c *data.Customer) bool) (int, error) {
	now := s.now()
	rules := s.Settings().GradeRules
	var rows []*indexRow
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		cb := tx.Bucket(bucketCustomers)
		for _, id := range ids {
			var c data.Customer
			if err := getRecord(cb, encodeUint(id), &c); err != nil {
				return nil, fmt.Errorf("customer %d: %w", id, err)
			}
			before := c
			before.Tags = slices.Clone(c.Tags)
			if !fn(&c) {
				continue
			}
			c.Version++
			c.UpdatedAt, c.UpdatedBy = now, by.MemberID
			row, err := s.writeCustomer(tx, &c, c.CardNo, rules, now)
			if err != nil {
				return nil, err
			}
			// Each card's own history shows the change, beside the batch's line below.
			if err := auditFields(tx, now, by, action, "customer", id, diffFields(&before, &c)); err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
		if len(rows) == 0 {
			return nil, nil
		}
		if err := audit(tx, now, by, fmt.Sprintf("%s %d", action, len(rows)), "customer", 0); err != nil {
			return nil, err
		}
		return func(ix *index) { ix.putMany(rows) }, nil
	})
	if err != nil {
		return 0, fmt.Errorf("data: %s: %w", action, err)
	}
	return len(rows), nil
}
