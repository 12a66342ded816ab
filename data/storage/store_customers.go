package storage

import (
	"cmp"
	"fmt"
	"maps"
	"math/bits"
	"runtime"
	"salesdesk/data"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// load reads what the in-memory index needs; it runs once at open.
func (s *Store) load() error {
	return s.view(func(tx *bolt.Tx) error {
		ix, err := loadIndex(tx, s.now(), false)
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.idx = ix
		s.mu.Unlock()
		return nil
	})
}

// loadIndex builds the in-memory index from one read transaction.
// With deferDeals the deals' rows are only copied out of the file, raw; Store.LoadDeals decodes them
// later, so that the first frame of a large file waits for the customers only.
func loadIndex(tx *bolt.Tx, now time.Time, deferDeals bool) (*index, error) {
	return loadIndexWith(tx, now, deferDeals, nil)
}

// loadIndexWith is loadIndex with the list rows decoded already (rowFeed), ungraded, unless fed is nil.
func loadIndexWith(tx *bolt.Tx, now time.Time, deferDeals bool, fed []*indexRow) (*index, error) {
	st, err := loadSettings(tx)
	if err != nil {
		return nil, err
	}
	ix := newIndex(st)
	if err := decodeAll(tx, bucketMembers, "member", func(m data.Member) { ix.members[m.ID] = m }); err != nil {
		return nil, err
	}
	if b := tx.Bucket(bucketRows); b != nil {
		rows := fed
		if rows == nil {
			if rows, err = loadRows(b, st.GradeRules, now); err != nil {
				return nil, err
			}
		} else {
			regradeAll(rows, st.GradeRules, now)
		}
		ix.putMany(rows)
	}
	if err := decodeAll(tx, bucketOpenActions, "open action", func(oa OpenAction) { ix.openActions[oa.FollowUpID] = oa }); err != nil {
		return nil, err
	}
	if b := tx.Bucket(bucketOppRows); b != nil {
		if deferDeals {
			ix.dealsPending = true
			return ix, nil
		}
		deals, err := decodeParallel(b.ForEach, "deal row", decodeDeal)
		if err != nil {
			return nil, err
		}
		ix.putDeals(deals)
	}
	return ix, nil
}

// decodeAll hands every record of a bucket to fn; an unreadable one means a damaged file.
func decodeAll[T any](tx *bolt.Tx, bucket []byte, what string, fn func(T)) error {
	b := tx.Bucket(bucket)
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		var rec T
		if err := codec.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("data: read %s %d: %w: %w", what, decodeUint(k), data.ErrDamaged, err)
		}
		fn(rec)
		return nil
	})
}

// decodeParallel decodes every value of a bucket into a T on all cores, then hands each, with the
// goroutine's interning pool, to fn, whose results come back in key order. The values stay valid while
// the read transaction is open.
func decodeParallel[T, R any](each func(func(k, v []byte) error) error, what string, fn func(rec *T, pool *loadPool) R) ([]R, error) {
	return decodeParallelWith(each, what, nil, fn)
}

// decodeParallelWith is decodeParallel with a faster decoder tried first (see mpView), msgpack's
// for a value it gives up on.
func decodeParallelWith[T, R any](each func(func(k, v []byte) error) error, what string, fast func(b []byte, rec *T) bool, fn func(rec *T, pool *loadPool) R) ([]R, error) {
	var raw [][]byte
	if err := each(func(_, v []byte) error {
		raw = append(raw, v)
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]R, len(raw))
	workers := runtime.GOMAXPROCS(0)
	var g group
	for w := range workers {
		g.do(func() error {
			pool := newLoadPool()
			// One record a goroutine, reset for each value: a fresh one per value would be a heap
			// allocation each, since fn takes its address.
			var rec, zero T
			for i := w; i < len(raw) && !g.stopped(); i += workers {
				rec = zero
				if fast == nil || !fast(raw[i], &rec) {
					rec = zero // what the fast decoder read before it gave up
					if err := codec.Unmarshal(raw[i], &rec); err != nil {
						return fmt.Errorf("data: read %s at position %d: %w: %w", what, i, data.ErrDamaged, err)
					}
				}
				out[i] = fn(&rec, pool)
			}
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// loadRows decodes the customers' stored rows and grades them as of now.
func loadRows(b *bolt.Bucket, rules data.GradeRules, now time.Time) ([]*indexRow, error) {
	// The rows' strings are views of the file's pages (decodeRowView): settle copies what the row keeps,
	// and the caller's putMany the search texts into the arena, both before the transaction ends.
	var keys [][]byte // views of the file's pages, as the values are
	each := func(fn func(k, v []byte) error) error {
		return b.ForEach(func(k, v []byte) error {
			keys = append(keys, k)
			return fn(k, v)
		})
	}
	rows, err := decodeParallelWith(each, "customer row", decodeRowView, func(rec *rowRecord, pool *loadPool) *indexRow {
		rec.settle(pool)
		return graded(rec, rules, now)
	})
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if err := rowUnderItsKey(keys[i], r.ID); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// rowUnderItsKey refuses a stored row whose card is not the one its key names: two rows of one card
// would each be taken for it, and the index holds a card once.
func rowUnderItsKey(key []byte, id uint64) error {
	if len(key) != 8 || decodeUint(key) != id {
		return fmt.Errorf("data: read customer row %x: %w (it holds card %d)", key, data.ErrDamaged, id)
	}
	return nil
}

// regradeAll grades rows not yet shared, on every core.
func regradeAll(rows []*indexRow, rules data.GradeRules, now time.Time) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, r := range rows[w*len(rows)/workers : (w+1)*len(rows)/workers] {
				r.regrade(rules, now)
			}
		})
	}
	wg.Wait()
}

// decodeDeal settles a decoded deal row for the session.
func decodeDeal(d *dealRow, pool *loadPool) dealRow {
	// Stages and risks repeat in every row and titles often do ("年度采购"): one copy of each per
	// loading goroutine. The pool lives only while the file loads.
	for _, p := range []*string{&d.Stage, &d.Title, (*string)(&d.Risk)} {
		pool.shared(p)
	}
	pool.keep(&d.Number)
	for i := range d.Open {
		pool.keep(&d.Open[i].Text)
	}
	return *d
}

// LoadDeals decodes the deals that opening left in the file, if it did, and returns when memory holds
// them. The window calls it once its first frame is up; any call that needs the deals makes it first,
// so no write lands between the file's deals and memory's (update waits for this).
func (s *Store) LoadDeals() error {
	s.doneLoading() // what comes after the first frame
	s.dealsMu.Lock()
	defer s.dealsMu.Unlock()
	s.mu.RLock()
	pending := s.idx != nil && s.idx.dealsPending // nil while the migrations run, before anything is loaded
	s.mu.RUnlock()
	if !pending {
		return s.dealsErr
	}
	var deals []dealRow
	var err error
	if s.check != nil {
		// The deals' rows are read only once their pages have passed the structural check.
		err = s.check.dealsChecked()
	}
	if err == nil {
		err = s.view(func(tx *bolt.Tx) (err error) {
			if b := tx.Bucket(bucketOppRows); b != nil {
				deals, err = decodeParallel(b.ForEach, "deal row", decodeDeal)
			}
			// Read once, the deals' pages need not stay in the process's memory (see forgetPages).
			forgetPages(tx)
			return err
		})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idx.dealsPending = false
	if err != nil {
		s.dealsErr = err
		return err
	}
	s.idx.putDeals(deals)
	s.gen++
	return nil
}

// DealsLoaded reports whether memory holds the deals yet.
func (s *Store) DealsLoaded() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return !s.idx.dealsPending
}

// Customer reads one whole card from the file.
func (s *Store) Customer(id uint64) (data.Customer, error) {
	s.prepareDups() // a card read is a card about to be edited: its save will look for duplicates
	var c data.Customer
	err := s.view(func(tx *bolt.Tx) error {
		return getRecord(tx.Bucket(bucketCustomers), encodeUint(id), &c)
	})
	if err != nil {
		return c, fmt.Errorf("data: customer %d: %w", id, err)
	}
	return c, nil
}

// RowExtras reads the primary contact and region of each card from the stored rows in one
// transaction: memory keeps neither, and a listing of every card must not read every whole card.
func (s *Store) RowExtras(ids []uint64) (map[uint64]data.RowExtra, error) {
	out := make(map[uint64]data.RowExtra, len(ids))
	err := s.eachRowRecord(ids, func(id uint64, rec *rowRecord) {
		x := data.RowExtra{Region: rec.Region}
		for i, ct := range rec.Contacts {
			if ct.Primary || i == 0 {
				x.Contact = ct
			}
			if ct.Primary {
				break
			}
		}
		out[id] = x
	})
	if err != nil {
		return nil, fmt.Errorf("data: row extras: %w", err)
	}
	return out, nil
}

// eachRowRecord reads the stored list rows of the given cards in one transaction, for what memory
// does not keep of them.
func (s *Store) eachRowRecord(ids []uint64, fn func(id uint64, rec *rowRecord)) error {
	return s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRows)
		for _, id := range ids {
			var rec rowRecord
			if err := getRecord(b, encodeUint(id), &rec); err != nil {
				return fmt.Errorf("customer %d: %w", id, err)
			}
			fn(id, &rec)
		}
		return nil
	})
}

// CustomerByCardNo finds a card by its number, through the file's index of card numbers: a lookup
// rare enough not to keep a map of every number in memory.
func (s *Store) CustomerByCardNo(no string) (data.Customer, error) {
	var id uint64
	err := s.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketCardNumbers).Get([]byte(strings.TrimSpace(strings.ToUpper(no)))); v != nil {
			id = decodeUint(v)
		}
		return nil
	})
	if err != nil {
		return data.Customer{}, fmt.Errorf("data: card %q: %w", no, err)
	}
	if id == 0 {
		return data.Customer{}, fmt.Errorf("data: card %q: %w", no, data.ErrNotFound)
	}
	return s.Customer(id)
}

// nextCardNo issues the next card number of the year: KH2026-00042. Numbers are never reused, so a
// number on paper always points at one card.
func nextCardNo(tx *bolt.Tx, now time.Time) (string, error) {
	b := tx.Bucket(bucketCounters)
	key := []byte(fmt.Sprintf("card:%d", now.Year()))
	n := decodeUint(b.Get(key)) + 1
	if err := b.Put(key, encodeUint(n)); err != nil {
		return "", err
	}
	return fmt.Sprintf("KH%d-%05d", now.Year(), n), nil
}

// normalizeCustomer tidies what the user typed into the stored forms.
func normalizeCustomer(c *data.Customer) {
	c.Name = strings.TrimSpace(c.Name)
	if c.Kind == "" {
		c.Kind = data.KindCompany
	}
	if c.Status == "" {
		c.Status = data.StatusProspect
	}
	tags := c.Tags[:0:0]
	for _, t := range c.Tags {
		t = strings.TrimSpace(t)
		if t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	c.Tags = tags
	primary := -1
	for i := range c.Contacts {
		ct := &c.Contacts[i]
		ct.Name = strings.TrimSpace(ct.Name)
		if p, err := data.ParsePhone(ct.Phone); err == nil {
			ct.Phone = p.Normalized
		}
		if e, err := data.ValidateEmail(ct.Email); err == nil {
			ct.Email = e
		}
		if ct.Primary && primary < 0 {
			primary = i
		}
	}
	if len(c.Contacts) > 0 {
		if primary < 0 {
			primary = 0
		}
		c.SetPrimary(primary)
	}
}

// planNext fills the next follow-up from the grade's maintenance plan when the rep set none.
func planNext(c *data.Customer, rules data.GradeRules, now time.Time) {
	if !c.NextFollowUp.IsZero() {
		return
	}
	base := c.LastFollowUp
	if base.IsZero() {
		base = c.FirstContact
	}
	if base.IsZero() {
		base = now
	}
	p := data.MaintenancePlanFor(c.Grade(rules, now))
	c.NextFollowUp = p.NextDue(base)
	c.NextAction = p.Action
}

// CreateCustomer validates and stores a new card, giving it an id and a card number.
func (s *Store) CreateCustomer(by data.Actor, c data.Customer) (data.Customer, error) {
	now := s.now()
	normalizeCustomer(&c)
	fe := data.ValidateCustomer(&c, now)
	s.checkMember(&fe, "owner", c.OwnerID)
	if fe.Any() {
		return c, fe
	}
	rules := s.Settings().GradeRules
	c.ID, c.Version, c.Archived = 0, 1, false
	c.LastFollowUp = time.Time{} // derived from follow-ups only
	c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy = now, by.MemberID, now, by.MemberID
	planNext(&c, rules, now)
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		b := tx.Bucket(bucketCustomers)
		id, err := b.NextSequence()
		if err != nil {
			return nil, err
		}
		c.ID = id
		if c.CardNo, err = nextCardNo(tx, now); err != nil {
			return nil, err
		}
		row, err := s.writeCustomer(tx, &c, "", rules, now)
		if err != nil {
			return nil, err
		}
		if err := auditFields(tx, now, by, "create", "customer", c.ID, diffFields(nil, &c)); err != nil {
			return nil, err
		}
		return func(ix *index) { ix.put(row) }, nil
	})
	if err != nil {
		return c, fmt.Errorf("data: create customer: %w", err)
	}
	return c, nil
}

// writeCustomer puts the card, its list row and its card-number index entry, all in tx; oldCardNo is
// dropped when it changed. It returns the row for the in-memory index.
func (s *Store) writeCustomer(tx *bolt.Tx, c *data.Customer, oldCardNo string, rules data.GradeRules, now time.Time) (*indexRow, error) {
	if s.readOnly {
		return nil, data.ErrReadOnly
	}
	enc, err := encodeCustomer(c, rules, now)
	if err != nil {
		return nil, err
	}
	if err := putCustomer(tx, c, oldCardNo, &enc); err != nil {
		return nil, err
	}
	return enc.row, nil
}

// encodedCustomer is a card made ready to be written: its record and its list row encoded, and the
// row memory's index takes once the write has committed.
type encodedCustomer struct {
	card, rec []byte
	row       *indexRow
}

// encodeCustomer is the part of writing a card that needs no transaction, most of its cost: a bulk
// write runs it on every core (BulkCreate).
func encodeCustomer(c *data.Customer, rules data.GradeRules, now time.Time) (encodedCustomer, error) {
	card, err := codec.Marshal(c)
	if err != nil {
		return encodedCustomer{}, fmt.Errorf("save customer %d: %w", c.ID, err)
	}
	rec := buildRecord(c)
	raw, err := codec.Marshal(rec)
	if err != nil {
		return encodedCustomer{}, fmt.Errorf("save customer %d's row: %w", c.ID, err)
	}
	return encodedCustomer{card: card, rec: raw, row: graded(&rec, rules, now)}, nil
}

// putCustomer writes an encoded card, its row and its card number (oldCardNo, when it had another).
func putCustomer(tx *bolt.Tx, c *data.Customer, oldCardNo string, enc *encodedCustomer) error {
	key := encodeUint(c.ID)
	if err := tx.Bucket(bucketCustomers).Put(key, enc.card); err != nil {
		return fmt.Errorf("save customer %d: %w", c.ID, err)
	}
	if err := tx.Bucket(bucketRows).Put(key, enc.rec); err != nil {
		return fmt.Errorf("save customer %d's row: %w", c.ID, err)
	}
	idx := tx.Bucket(bucketCardNumbers)
	if oldCardNo != "" && oldCardNo != c.CardNo {
		if err := idx.Delete([]byte(oldCardNo)); err != nil {
			return err
		}
	}
	if other := idx.Get([]byte(c.CardNo)); other != nil && decodeUint(other) != c.ID {
		return fmt.Errorf("card number %s is taken by customer %d", c.CardNo, decodeUint(other))
	}
	return idx.Put([]byte(c.CardNo), key)
}

// UpdateCustomer saves an edited card. The card must carry the version it was read at; if someone saved
// it since, ErrConflict is returned and nothing is written, so no edit silently overwrites another.
// Derived fields (last follow-up, card number, creation) are kept from the file, not from the form.
func (s *Store) UpdateCustomer(by data.Actor, c data.Customer) (data.Customer, error) {
	now := s.now()
	normalizeCustomer(&c)
	fe := data.ValidateCustomer(&c, now)
	s.checkMember(&fe, "owner", c.OwnerID)
	if fe.Any() {
		return c, fe
	}
	rules := s.Settings().GradeRules
	var saved data.Customer
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		var old data.Customer
		if err := getRecord(tx.Bucket(bucketCustomers), encodeUint(c.ID), &old); err != nil {
			return nil, fmt.Errorf("customer %d: %w", c.ID, err)
		}
		if old.Archived {
			return nil, data.ErrArchived
		}
		if old.Version != c.Version {
			return nil, data.ErrConflict
		}
		saved = c
		saved.CardNo, saved.CreatedAt, saved.CreatedBy = old.CardNo, old.CreatedAt, old.CreatedBy
		saved.LastFollowUp, saved.Archived, saved.ArchivedAt = old.LastFollowUp, old.Archived, old.ArchivedAt
		saved.Version = old.Version + 1
		saved.UpdatedAt, saved.UpdatedBy = now, by.MemberID
		planNext(&saved, rules, now)
		row, err := s.writeCustomer(tx, &saved, old.CardNo, rules, now)
		if err != nil {
			return nil, err
		}
		if err := auditFields(tx, now, by, "update", "customer", c.ID, diffFields(&old, &saved)); err != nil {
			return nil, err
		}
		return func(ix *index) { ix.put(row) }, nil
	})
	if err != nil {
		return c, fmt.Errorf("data: update customer %d: %w", c.ID, err)
	}
	return saved, nil
}

// changeCustomer applies fn to the stored card in one transaction, for changes that do not come from
// the card form (archive, review, follow-ups).
func (s *Store) changeCustomer(by data.Actor, id uint64, action string, fn func(tx *bolt.Tx, c *data.Customer) error) (data.Customer, error) {
	now := s.now()
	rules := s.Settings().GradeRules
	var c data.Customer
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		if err := getRecord(tx.Bucket(bucketCustomers), encodeUint(id), &c); err != nil {
			return nil, fmt.Errorf("customer %d: %w", id, err)
		}
		if c.Archived && action != "restore" {
			return nil, data.ErrArchived
		}
		before := c
		before.Contacts, before.Tags = slices.Clone(c.Contacts), slices.Clone(c.Tags)
		if err := fn(tx, &c); err != nil {
			return nil, err
		}
		c.Version++
		c.UpdatedAt, c.UpdatedBy = now, by.MemberID
		row, err := s.writeCustomer(tx, &c, c.CardNo, rules, now)
		if err != nil {
			return nil, err
		}
		if err := auditFields(tx, now, by, action, "customer", id, diffFields(&before, &c)); err != nil {
			return nil, err
		}
		return func(ix *index) { ix.put(row) }, nil
	})
	if err != nil {
		return c, fmt.Errorf("data: %s customer %d: %w", action, id, err)
	}
	return c, nil
}

// ArchiveCustomer hides a card from the lists and the agenda. Nothing is destroyed: the card and its
// follow-ups stay in the file and RestoreCustomer brings them back.
func (s *Store) ArchiveCustomer(by data.Actor, id uint64) (data.Customer, error) {
	now := s.now()
	return s.changeCustomer(by, id, "archive", func(_ *bolt.Tx, c *data.Customer) error {
		c.Archived, c.ArchivedAt = true, now
		return nil
	})
}

// RestoreCustomer brings an archived card back.
func (s *Store) RestoreCustomer(by data.Actor, id uint64) (data.Customer, error) {
	return s.changeCustomer(by, id, "restore", func(_ *bolt.Tx, c *data.Customer) error {
		c.Archived, c.ArchivedAt = false, time.Time{}
		return nil
	})
}

// MarkReviewed records that the card was reviewed today (seed 001's review cadence).
func (s *Store) MarkReviewed(by data.Actor, id uint64) (data.Customer, error) {
	now := s.now()
	return s.changeCustomer(by, id, "review", func(tx *bolt.Tx, c *data.Customer) error {
		c.LastReviewed = now
		return putReview(tx, id, data.Review{At: now, By: by.MemberID}) // who reviewed, not only when
	})
}

// searchTerms splits the query into lower-cased terms that must all match. Phone numbers are typed
// with dashes and spaces, and the index holds them bare too, so a term of digits and dashes loses them.
func searchTerms(q string) []searchTerm {
	var out []searchTerm
	// A whole query that is a phone number typed with spaces ("+86 139 1234 5678") is one term, in the
	// digits the index holds.
	if strings.Trim(q, "0123456789-+() ") == "" && strings.Count(q, " ") > 0 {
		d := digitsOnly(q)
		if len(d) == 13 && strings.HasPrefix(d, "86") && d[2] == '1' {
			d = d[2:]
		} else if len(d) == 15 && strings.HasPrefix(d, "0086") && d[4] == '1' {
			d = d[4:]
		}
		if len(d) >= 3 {
			return []searchTerm{{d, true}}
		}
	}
	for _, f := range strings.Fields(strings.ToLower(q)) {
		f = hayField(f) // a control character separates a haystack's fields: no term holds one
		if strings.Trim(f, "0123456789-+()") == "" && strings.ContainsAny(f, "0123456789") {
			f = strings.Map(func(r rune) rune {
				if r == '-' || r == '(' || r == ')' {
					return -1
				}
				return r
			}, f)
		}
		if f == "" {
			continue
		}
		ascii := true
		for i := 0; i < len(f); i++ {
			if f[i] >= 0x80 {
				ascii = false
				break
			}
		}
		out = append(out, searchTerm{f, ascii})
	}
	return out
}

func matchCustomer(f *data.CustomerFilter, r *indexRow, found idSet, seg *data.Segmentation) bool {
	if r.Archived != f.Archived ||
		(f.Grade != data.GradeNone && r.Grade != f.Grade) ||
		(f.Status != "" && r.Status != f.Status) ||
		(f.OwnerID != 0 && r.OwnerID != f.OwnerID) ||
		(f.Industry != "" && r.Industry != f.Industry) ||
		(f.Category != "" && r.Category != f.Category) ||
		(f.Source != data.SourceNone && r.Source != f.Source) ||
		(f.Tag != "" && !slices.Contains(r.Tags(), f.Tag)) ||
		(f.Only != nil && !f.Only[r.ID]) {
		return false
	}
	return (found == nil || found.has(r.ID)) && (seg == nil || seg.Match(r.ID, f.ABC, f.RFM))
}

// parallelFrom is the list size from which filtering is split across cores.
const parallelFrom = 20_000

// Customers lists the cards that pass the filter, in its order. It reads memory only: no file access,
// no full scan of records, so it can run on every keystroke. Large lists are filtered on all cores.
func (s *Store) Customers(f data.CustomerFilter) []*indexRow {
	rows, _ := s.customerList(f)
	return rows
}

// customerList is Customers, and whether one of the cards listed has its grade set by hand.
func (s *Store) customerList(f data.CustomerFilter) (rows []*indexRow, overridden bool) {
	rows, over, known := s.customers(f)
	if !known {
		for _, r := range rows {
			if r.Overridden {
				return rows, true
			}
		}
	}
	return rows, over
}

// firstPage is the first f.Limit rows of a plain filter's list, the list's length and whether one of
// its cards has its grade set by hand, without the rest of the list: at 1M cards, the 56k cards of
// "zhang" or the 690k of "kh2025" are counted from bitsets and their first page met by walking the
// order. ok is false for a filter that needs the whole list made.
func (s *Store) firstPage(f data.CustomerFilter) (rows []*indexRow, total int, over, ok bool) {
	defer s.doneLoading()
	if f.Limit <= 0 || f.Offset != 0 || !rankedSearch || !plainFilter(f) {
		return nil, 0, false, false
	}
	terms := searchTerms(f.Search)
	if len(terms) > 0 {
		s.startIndex()
	}
	s.mu.Lock() // the sort cache may be filled
	defer s.mu.Unlock()
	if len(terms) > 0 && !s.idx.grams.ready() {
		return nil, 0, false, false
	}
	var found idSet
	if len(terms) > 0 {
		found = s.idx.find(0, terms)
	} else if first, ok := s.idx.firstOf(f.Sort, f.Desc, f.Limit, func(r *indexRow) bool { return r.Archived == f.Archived }); ok {
		_, total, over = s.idx.plainList(f, nil, nil)
		return first, total, over, true
	}
	rows, total, over = s.idx.plainList(f, s.idx.order(f.Sort), found)
	return rows, total, over, true
}

// customers lists the cards of a filter; known tells whether over was found out on the way.
func (s *Store) customers(f data.CustomerFilter) (rows []*indexRow, over, known bool) {
	defer s.doneLoading()
	terms := searchTerms(f.Search)
	if len(terms) > 0 {
		s.startIndex()
	}
	var seg *data.Segmentation
	if f.ABC != data.ClassNone || f.RFM != data.SegmentNone {
		seg = s.Segments()
	}
	if f.OwnerID != 0 {
		return s.ownerCustomers(f, terms, seg), false, false
	}
	s.mu.Lock() // the sort cache and the search arena may be filled
	all := s.idx.order(f.Sort)
	if rankedSearch && plainFilter(f) && (len(terms) == 0 || s.idx.grams.ready()) {
		var found idSet
		if len(terms) > 0 {
			found = s.idx.find(0, terms)
		}
		rows, _, over := s.idx.plainList(f, all, found)
		s.mu.Unlock()
		return rows, over, true
	}
	var found idSet
	var hits []rankedRow
	if len(terms) > 0 {
		found = s.idx.find(0, terms)
		// Few hits: they are taken by id and put in order by their rank, not found by walking the
		// whole list. Most keystrokes after the first letters are such.
		if n := found.count(); rankedSearch && n*2 < len(all) {
			rank := s.idx.rank(f.Sort, all)
			hits = make([]rankedRow, 0, n)
			found.each(func(id uint64) {
				if r := s.idx.rows[id]; r != nil {
					hits = append(hits, rankedRow{rank[id], r})
				}
			})
		}
	}
	s.mu.Unlock()
	if hits != nil {
		return rankedList(f, hits, seg), false, false
	}
	if f.Desc {
		rev := make([]*indexRow, len(all))
		for i, r := range all {
			rev[len(all)-1-i] = r
		}
		all = rev
	}
	parts := 1
	if len(all) >= parallelFrom && f.Limit == 0 {
		parts = runtime.GOMAXPROCS(0)
	}
	lists := make([][]*indexRow, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(all)/parts, (p+1)*len(all)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out []*indexRow
			for _, r := range all[lo:hi] {
				if matchCustomer(&f, r, found, seg) {
					out = append(out, r)
					if f.Limit > 0 && len(out) == f.Limit {
						break
					}
				}
			}
			lists[p] = out
		}()
	}
	wg.Wait()
	if parts == 1 {
		return lists[0], false, false
	}
	return slices.Concat(lists...), false, false
}

// plainFilter tells whether a filter compares no field of the rows but the archive: the search box
// and the archive switch, what typing changes.
func plainFilter(f data.CustomerFilter) bool {
	return f.Grade == data.GradeNone && f.Status == "" && f.OwnerID == 0 && f.Industry == "" && f.Category == "" &&
		f.Source == data.SourceNone && f.Tag == "" && f.Only == nil && f.ABC == data.ClassNone && f.RFM == data.SegmentNone
}

// plainList is the list of a plain filter made from bitsets: the cards found (nil: all), archived or
// not as asked, in all's order, and whether one of them has its grade set by hand. A whole list is
// put in order by the cards' ranks without reading a row. With all nil only the cards are counted.
// The caller holds the write lock (rank).
func (ix *index) plainList(f data.CustomerFilter, all []*indexRow, found idSet) (rows []*indexRow, hits int, over bool) {
	src := found
	if src == nil {
		src = ix.live
	}
	word := func(s idSet, w int) uint64 {
		if w < len(s) {
			return s[w]
		}
		return 0
	}
	listed := func(w int) uint64 {
		m := src[w] & word(ix.live, w)
		if f.Archived {
			return m & word(ix.archivedSet, w)
		}
		return m &^ word(ix.archivedSet, w)
	}
	for w := range src {
		m := listed(w)
		over = over || m&word(ix.overridden, w) != 0
		hits += bits.OnesCount64(m)
	}
	n := hits
	if f.Limit > 0 {
		n = min(n, f.Limit)
	}
	if n == 0 || all == nil {
		return nil, hits, over
	}
	out := make([]*indexRow, 0, n)
	// A page of a common term's cards is met soon by walking the list in order: about
	// Limit·len(all)/hits rows, against a rank looked up at random for every hit (at 1M cards, 3,600
	// rows for zhang's 56k cards instead of 56k lookups).
	if n < hits && n*(len(all)/hits) < hits {
		for i := range all {
			r := all[i]
			if f.Desc {
				r = all[len(all)-1-i]
			}
			if w := int(r.ID / 64); w < len(src) && listed(w)&(1<<(r.ID%64)) != 0 {
				if out = append(out, r); len(out) == n {
					break
				}
			}
		}
		return out, hits, over
	}
	rank := ix.rank(f.Sort, all)
	pos := make(idSet, len(all)/64+1)
	for w := range src {
		for m := listed(w); m != 0; m &= m - 1 {
			p := rank[uint64(w)*64+uint64(bits.TrailingZeros64(m))]
			pos[p/64] |= 1 << (p % 64)
		}
	}
	if f.Desc {
		for w := len(pos) - 1; w >= 0 && len(out) < n; w-- {
			for m := pos[w]; m != 0 && len(out) < n; {
				b := 63 - bits.LeadingZeros64(m)
				out = append(out, all[w*64+b])
				m &^= 1 << b
			}
		}
		return out, hits, over
	}
	for w := 0; w < len(pos) && len(out) < n; w++ {
		for m := pos[w]; m != 0 && len(out) < n; m &= m - 1 {
			out = append(out, all[w*64+bits.TrailingZeros64(m)])
		}
	}
	return out, hits, over
}

// rankedSearch lets a test compare the ranked search with the walk of the whole list.
var rankedSearch = true

type rankedRow struct {
	rank uint32
	row  *indexRow
}

// rankedList filters the search's hits and puts them in the list's order by their rank.
func rankedList(f data.CustomerFilter, hits []rankedRow, seg *data.Segmentation) []*indexRow {
	hits = slices.DeleteFunc(hits, func(h rankedRow) bool { return !matchCustomer(&f, h.row, nil, seg) })
	slices.SortFunc(hits, func(a, b rankedRow) int { return cmp.Compare(a.rank, b.rank) })
	if f.Desc {
		slices.Reverse(hits)
	}
	if f.Limit > 0 && len(hits) > f.Limit {
		hits = hits[:f.Limit]
	}
	if len(hits) == 0 {
		return nil // as the walk of the list finds nothing
	}
	out := make([]*indexRow, len(hits))
	for i, h := range hits {
		out[i] = h.row
	}
	return out
}

// ownerCustomers is Customers for one owner's cards (a rep's list): it searches the owner's arena
// only and sorts what passed, so that its cost follows the owner's cards, not the file's. The order
// is the same total order as the cached one (ties by id), so the rows are those the filter over the
// whole list would give, in the same order.
func (s *Store) ownerCustomers(f data.CustomerFilter, terms []searchTerm, seg *data.Segmentation) []*indexRow {
	var out []*indexRow
	s.mu.RLock()
	if a := s.idx.hay[f.OwnerID]; a != nil {
		var found idSet
		if len(terms) > 0 {
			found = s.idx.find(f.OwnerID, terms)
		}
		for _, id := range a.ids {
			if id == 0 || (found != nil && !found.has(id)) {
				continue
			}
			if r := s.idx.rows[id]; r != nil && matchCustomer(&f, r, nil, seg) {
				out = append(out, r)
			}
		}
	}
	cmp := s.idx.sortFunc(f.Sort, out)
	s.mu.RUnlock()
	if f.Desc {
		slices.SortFunc(out, func(a, b *indexRow) int { return cmp(b, a) })
	} else {
		slices.SortFunc(out, cmp)
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit:f.Limit]
	}
	return out
}

// CustomerCount is the number of active and archived cards.
func (s *Store) CustomerCount() (active, archived int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx.active, s.idx.archived
}

// Row returns the list row of one card.
func (s *Store) Row(id uint64) (*indexRow, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.idx.rows[id]
	return r, ok
}

// Choices returns the values in use, sorted, for the filter menus.
func (s *Store) Choices() data.FilterChoices {
	return s.choices(func(*indexRow) bool { return true })
}

// choicesOf is Choices from the cards of the given owners only (0: the pool).
func (s *Store) choicesOf(owners ...uint64) data.FilterChoices {
	return s.choices(func(r *indexRow) bool { return slices.Contains(owners, r.OwnerID) })
}

func (s *Store) choices(keep func(*indexRow) bool) data.FilterChoices {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ind, tags, cats := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range s.idx.rows {
		if !keep(r) {
			continue
		}
		if r.Industry != "" {
			ind[r.Industry] = true
		}
		if r.Category != "" {
			cats[r.Category] = true
		}
		for _, t := range r.Tags() {
			tags[t] = true
		}
	}
	for _, c := range s.idx.settings.Categories {
		cats[c] = true
	}
	keys := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		slices.SortFunc(out, func(a, b string) int {
			ka, _ := pinyinKeys(a)
			kb, _ := pinyinKeys(b)
			return strings.Compare(ka, kb)
		})
		return out
	}
	return data.FilterChoices{Industries: keys(ind), Tags: keys(tags), Categories: keys(cats)}
}

// dupsBuilt lets a test take its turn while prepareDups builds, between its snapshot and its install.
var dupsBuilt = func() {}

// prepareDups builds the duplicate map of names in the background, once, so that the first save
// after opening does not pay for it (273 ms at 100k cards, 2.4 s at 1M). The names are normalised
// from a copy of the rows, without the lock; the rows written meanwhile, which are new rows rather
// than changed ones, are brought up to date under it.
func (s *Store) prepareDups() {
	if s.readOnly {
		return
	}
	s.mu.Lock()
	ix := s.idx
	if ix.dupsBuilt || ix.dupsBuilding {
		s.mu.Unlock()
		return
	}
	ix.dupsBuilding, ix.dupsDone = true, make(chan struct{})
	s.mu.Unlock()
	go func() {
		defer close(ix.dupsDone)
		s.mu.RLock()
		snap := maps.Clone(ix.rows)
		s.mu.RUnlock()
		names := make(map[string][]uint64, len(snap))
		for id, r := range snap {
			appendID(names, data.NormalizeName(r.Name), id)
		}
		dupsBuilt()
		s.mu.Lock()
		defer s.mu.Unlock()
		ix.dupsBuilding = false
		if ix.dupsBuilt {
			return // a save built it first (ensureDups)
		}
		for id, r := range ix.rows {
			if old := snap[id]; old != r {
				if old != nil {
					removeID(names, data.NormalizeName(old.Name), id)
				}
				appendID(names, data.NormalizeName(r.Name), id)
			}
		}
		for id, old := range snap {
			if _, ok := ix.rows[id]; !ok {
				removeID(names, data.NormalizeName(old.Name), id)
			}
		}
		ix.byName, ix.dupsBuilt = names, true
	}()
}

// Duplicates finds existing cards (archived ones too: re-entering an archived customer is the
// commonest duplicate) whose normalised name, a phone or an email matches c's. c itself is skipped.
func (s *Store) Duplicates(c data.Customer) []data.DuplicateMatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idx.ensureDups()
	seen := map[uint64]bool{c.ID: true}
	var out []data.DuplicateMatch
	add := func(ids []uint64, by, key string) {
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			out = append(out, data.DuplicateMatch{Row: s.idx.rows[id].public(), By: by, Key: key})
		}
	}
	if n := data.NormalizeName(c.Name); n != "" {
		add(s.idx.byName[n], "name", c.Name)
	}
	for _, ct := range c.Contacts {
		if ct.Phone != "" {
			add(s.idx.exactKey(data.NormalizePhone(ct.Phone)), "phone", ct.Phone)
		}
		if ct.Email != "" {
			add(s.idx.exactKey(data.NormalizeEmail(ct.Email)), "email", ct.Email)
		}
	}
	return out
}
