package storage

import (
	"fmt"
	"runtime"
	"salesdesk/data"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	// Each card is checked on its own, on every core; the refusal names the first invalid one.
	problems := make([]error, len(cards))
	_ = eachOnCores(len(cards), func(i int) error {
		c := &cards[i].Customer
		normalizeCustomer(c)
		fe := data.ValidateCustomer(c, now)
		s.checkMember(&fe, "owner", c.OwnerID)
		for j := range cards[i].FollowUps {
			s.checkMember(&fe, "by", cards[i].FollowUps[j].ByID)
		}
		if fe.Any() {
			problems[i] = fmt.Errorf("data: bulk create: card %d (%s): %w", i, c.Name, fe)
			return nil
		}
		for j := range cards[i].FollowUps {
			if fe := data.ValidateFollowUp(&cards[i].FollowUps[j], now); fe.Any() {
				problems[i] = fmt.Errorf("data: bulk create: card %d (%s) follow-up %d: %w", i, c.Name, j, fe)
				return nil
			}
		}
		return nil
	})
	for _, err := range problems {
		if err != nil {
			return nil, err
		}
	}
	ids := make([]uint64, len(cards))
	rows := make([]*indexRow, len(cards))
	var open []OpenAction
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		if s.readOnly {
			return nil, data.ErrReadOnly
		}
		cb, fb, ob := tx.Bucket(bucketCustomers), tx.Bucket(bucketFollowUps), tx.Bucket(bucketOpenActions)
		// New cards take ever-growing ids, so their pages fill from the end; bbolt's default of half-full
		// pages would double the file for nothing.
		cb.FillPercent, fb.FillPercent, ob.FillPercent = 0.9, 0.9, 0.9
		tx.Bucket(bucketRows).FillPercent = 0.9
		// The ids, the card numbers and what a card takes from its follow-ups, in order: the sequences
		// and the counters are the transaction's.
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
				if f.Date.After(c.LastFollowUp) {
					c.LastFollowUp = f.Date
				}
				if c.FirstContact.IsZero() || f.Date.Before(c.FirstContact) {
					c.FirstContact = data.DateOf(f.Date)
				}
			}
			planNext(c, rules, now)
			ids[i] = id
		}
		// Encoding is most of the work and needs nothing of the transaction: it runs on every core, and
		// the writes follow in the order of the keys.
		enc := make([]encodedCard, len(cards))
		if err := eachOnCores(len(cards), func(i int) (err error) {
			enc[i], err = encodeCard(&cards[i], rules, now)
			return err
		}); err != nil {
			return nil, err
		}
		for i := range cards {
			c, e := &cards[i].Customer, &enc[i]
			if err := putCustomer(tx, c, "", &e.customer); err != nil {
				return nil, err
			}
			rows[i] = e.customer.row
			for j := range cards[i].FollowUps {
				f := &cards[i].FollowUps[j]
				if err := fb.Put(pairKey(c.ID, f.ID), e.followUps[j]); err != nil {
					return nil, err
				}
				if oa := e.open[j]; oa.raw != nil {
					if err := ob.Put(encodeUint(f.ID), oa.raw); err != nil {
						return nil, err
					}
					open = append(open, oa.action)
				}
			}
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

// encodedCard is a new card with its follow-ups made ready to be written (BulkCreate): open holds the
// open action of each follow-up that has one, and no bytes for the others.
type encodedCard struct {
	customer  encodedCustomer
	followUps [][]byte
	open      []encodedAction
}

type encodedAction struct {
	action OpenAction
	raw    []byte
}

func encodeCard(nc *NewCard, rules data.GradeRules, now time.Time) (encodedCard, error) {
	c := &nc.Customer
	cust, err := encodeCustomer(c, rules, now)
	if err != nil {
		return encodedCard{}, err
	}
	e := encodedCard{customer: cust, followUps: make([][]byte, len(nc.FollowUps)), open: make([]encodedAction, len(nc.FollowUps))}
	for j := range nc.FollowUps {
		f := &nc.FollowUps[j]
		if e.followUps[j], err = codec.Marshal(f); err != nil {
			return encodedCard{}, fmt.Errorf("save follow-up %d of customer %d: %w", f.ID, c.ID, err)
		}
		if f.OpenAction() {
			oa := &e.open[j]
			oa.action = OpenAction{FollowUpID: f.ID, CustomerID: c.ID, Deadline: f.Deadline, Action: f.Action}
			if oa.raw, err = codec.Marshal(oa.action); err != nil {
				return encodedCard{}, fmt.Errorf("save the open action of follow-up %d: %w", f.ID, err)
			}
		}
	}
	return e, nil
}

// coreShare is the fewest records eachOnCores gives a goroutine: below a few hundred records the
// goroutines cost more than they save (a variable for the tests, which want them at any size).
var coreShare = 256

// eachOnCores runs fn for every i in [0, n) on a goroutine per core and returns the first error, by
// goroutine. Bulk writes check, encode and change their records with it.
func eachOnCores(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/coreShare))
	if workers == 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, workers)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n && !failed.Load(); i += workers {
				if err := fn(i); err != nil {
					errs[w] = err
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
