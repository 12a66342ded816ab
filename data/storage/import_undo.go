package storage

import (
	"bytes"
	"errors"
	"fmt"
	"salesdesk/data"
	"time"

	bolt "go.etcd.io/bbolt"
)

type undoItem struct {
	kind  byte
	key   []byte // the record's key in its bucket
	entry undoEntry
}

// UndoImport undoes an import as a whole. With conflicts and without force it writes nothing and
// returns an *UndoConflictError naming them.
func (s *Store) UndoImport(by data.Actor, importID uint64, force bool) (*data.UndoReport, error) {
	rep := &data.UndoReport{ImportID: importID}
	now := s.now()
	rules := s.Settings().GradeRules
	names := map[uint64]string{}
	for _, m := range s.Members() {
		names[m.ID] = m.Name
	}
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		*rep = data.UndoReport{ImportID: importID}
		var rec data.ImportRecord
		if err := getRecord(tx.Bucket(bucketImports), encodeUint(importID), &rec); err != nil {
			return nil, fmt.Errorf("import %d: %w", importID, err)
		}
		if rec.Undone {
			return nil, fmt.Errorf("import %d: %w (%s by %s)", importID, data.ErrAlreadyUndone, rec.UndoneAt.Format("2006-01-02 15:04"), rec.UndoneBy)
		}
		items, err := undoItems(tx, importID)
		if err != nil {
			return nil, err
		}
		u := &undoer{s: s, tx: tx, rep: rep, names: names, rules: rules, now: now,
			createdCust: map[uint64]bool{}, createdOpp: map[uint64]bool{}, createdFU: map[uint64]bool{},
			removed: map[uint64]bool{}, recount: map[uint64]bool{}}
		for _, it := range items {
			if !it.entry.Created {
				continue
			}
			switch it.kind {
			case undoCustomer:
				u.createdCust[decodeUint(it.key)] = true
			case undoOpportunity:
				u.createdOpp[decodeUint(it.key)] = true
			case undoFollowUp:
				u.createdFU[decodeUint(it.key[8:])] = true
			}
		}
		conflicted, kept, err := u.conflicts(items)
		if err != nil {
			return nil, err
		}
		if len(rep.Conflicts) > 0 && !force {
			return nil, &data.UndoConflictError{ImportID: importID, Conflicts: rep.Conflicts}
		}
		apply, err := u.revert(items, conflicted, kept)
		if err != nil {
			return nil, err
		}
		rec.Undone, rec.UndoneAt, rec.UndoneBy = true, now, by.Name
		if err := putRecord(tx.Bucket(bucketImports), encodeUint(importID), rec); err != nil {
			return nil, err
		}
		ub := tx.Bucket(bucketImportUndo)
		c := ub.Cursor()
		prefix := encodeUint(importID)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
			if err := ub.Delete(k); err != nil {
				return nil, err
			}
		}
		action := fmt.Sprintf("undo_import %d", importID)
		if force && len(rep.Conflicts) > 0 {
			action += " (forced)"
		}
		if err := audit(tx, now, by, action, "import", importID); err != nil {
			return nil, err
		}
		return apply, nil
	})
	if err != nil {
		var ce *data.UndoConflictError
		if errors.As(err, &ce) {
			return rep, err
		}
		return rep, fmt.Errorf("data: undo import %d: %w", importID, err)
	}
	return rep, nil
}

func undoItems(tx *bolt.Tx, importID uint64) ([]undoItem, error) {
	var out []undoItem
	prefix := encodeUint(importID)
	c := tx.Bucket(bucketImportUndo).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) < 9 {
			return nil, fmt.Errorf("undo entry %x: %w", k, data.ErrDamaged)
		}
		var e undoEntry
		if err := codec.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("undo entry %x: %w: %w", k, data.ErrDamaged, err)
		}
		out = append(out, undoItem{kind: k[8], key: append([]byte(nil), k[9:]...), entry: e})
	}
	return out, nil
}

// undoer carries one undo through its transaction.
type undoer struct {
	s     *Store
	tx    *bolt.Tx
	rep   *data.UndoReport
	names map[uint64]string
	rules data.GradeRules
	now   time.Time

	createdCust, createdOpp, createdFU map[uint64]bool
	// removed are the cards deleted; recount the cards whose derived follow-up dates need a new look.
	removed, recount map[uint64]bool
}

// conflicts finds what changed since the import: a record at another version (or, for a follow-up,
// with other content) than the import left, and records added since to cards the import created.
func (u *undoer) conflicts(items []undoItem) (conflicted map[string]bool, kept map[uint64]bool, err error) {
	conflicted, kept = map[string]bool{}, map[uint64]bool{}
	add := func(it undoItem, c data.UndoConflict) {
		u.rep.Conflicts = append(u.rep.Conflicts, c)
		conflicted[string(it.kind)+string(it.key)] = true
	}
	for _, it := range items {
		switch it.kind {
		case undoCustomer:
			var c data.Customer
			if err := getRecord(u.tx.Bucket(bucketCustomers), it.key, &c); err != nil {
				if errors.Is(err, data.ErrNotFound) {
					continue
				}
				return nil, nil, err
			}
			if c.Version != it.entry.After {
				add(it, data.UndoConflict{Record: data.GroupCustomer, ID: c.ID, Label: c.CardNo + " " + c.Name,
					Reason: "changed since the import", ChangedAt: c.UpdatedAt, ChangedBy: u.names[c.UpdatedBy]})
			}
		case undoOpportunity:
			var o data.Opportunity
			if err := getRecord(u.tx.Bucket(bucketOpps), it.key, &o); err != nil {
				if errors.Is(err, data.ErrNotFound) {
					continue
				}
				return nil, nil, err
			}
			if o.Version != it.entry.After {
				add(it, data.UndoConflict{Record: data.GroupOpportunity, ID: o.ID, Label: o.Number + " " + o.Title,
					Reason: "changed since the import", ChangedAt: o.UpdatedAt})
			}
		case undoFollowUp:
			raw := u.tx.Bucket(bucketFollowUps).Get(it.key)
			if raw == nil {
				continue
			}
			if checksum(raw) != it.entry.After {
				var f data.FollowUp
				_ = codec.Unmarshal(raw, &f)
				add(it, data.UndoConflict{Record: data.GroupFollowUp, ID: f.ID, Label: data.FormatDate(f.Date) + " " + f.Topic,
					Reason: "changed since the import"})
			}
		}
	}
	// Records others added to a card the import created.
	for id := range u.createdCust {
		fus, err := followUpsOf(u.tx, id)
		if err != nil {
			return nil, nil, err
		}
		for _, f := range fus {
			if !u.createdFU[f.ID] {
				kept[id] = true
				u.rep.Conflicts = append(u.rep.Conflicts, data.UndoConflict{Record: data.GroupFollowUp, ID: f.ID,
					Label: data.FormatDate(f.Date) + " " + f.Topic, Reason: fmt.Sprintf("added since to customer %d, which the import created", id),
					ChangedAt: f.CreatedAt, ChangedBy: u.names[f.CreatedBy]})
			}
		}
	}
	u.s.mu.RLock()
	for _, o := range u.s.idx.opps {
		if u.createdCust[o.CustomerID] && !u.createdOpp[o.ID] {
			kept[o.CustomerID] = true
			u.rep.Conflicts = append(u.rep.Conflicts, data.UndoConflict{Record: data.GroupOpportunity, ID: o.ID,
				Label: o.Number + " " + o.Title, Reason: fmt.Sprintf("added since to customer %d, which the import created", o.CustomerID),
				ChangedAt: o.Created.Time()})
		}
	}
	u.s.mu.RUnlock()
	return conflicted, kept, nil
}

// revert deletes and restores, and returns the change of memory for the commit.
func (u *undoer) revert(items []undoItem, conflicted map[string]bool, kept map[uint64]bool) (func(*index), error) {
	tx := u.tx
	var dealsGone []uint64
	var dealsBack []data.Opportunity
	var openGone []uint64
	var openBack []OpenAction
	var rowsBack []*indexRow
	fb, ob := tx.Bucket(bucketFollowUps), tx.Bucket(bucketOpenActions)

	// Follow-ups and stage-history lines first: they hang on cards and deals.
	for _, it := range items {
		switch it.kind {
		case undoFollowUp:
			cid, fid := decodeUint(it.key[:8]), decodeUint(it.key[8:])
			if fb.Get(it.key) == nil {
				continue
			}
			if it.entry.Created {
				if err := fb.Delete(it.key); err != nil {
					return nil, err
				}
				u.rep.FollowUps.Removed++
			} else {
				if err := fb.Put(it.key, it.entry.Prev); err != nil {
					return nil, err
				}
				u.rep.FollowUps.Restored++
			}
			if err := ob.Delete(encodeUint(fid)); err != nil {
				return nil, err
			}
			openGone = append(openGone, fid)
			if !it.entry.Created {
				var f data.FollowUp
				if err := codec.Unmarshal(it.entry.Prev, &f); err != nil {
					return nil, fmt.Errorf("undo follow-up %d: %w: %w", fid, data.ErrDamaged, err)
				}
				if f.OpenAction() {
					oa := OpenAction{FollowUpID: f.ID, CustomerID: f.CustomerID, Deadline: f.Deadline, Action: f.Action}
					if err := putRecord(ob, encodeUint(fid), oa); err != nil {
						return nil, err
					}
					openBack = append(openBack, oa)
				}
			}
			u.recount[cid] = true
		case undoHistory:
			if err := tx.Bucket(bucketHistory).Delete(it.key); err != nil {
				return nil, err
			}
		}
	}
	for _, it := range items {
		if it.kind != undoOpportunity {
			continue
		}
		id := decodeUint(it.key)
		if tx.Bucket(bucketOpps).Get(it.key) == nil {
			continue
		}
		if it.entry.Created {
			if err := deleteDeal(tx, id); err != nil {
				return nil, err
			}
			dealsGone = append(dealsGone, id)
			u.rep.Opportunities.Removed++
			continue
		}
		var o data.Opportunity
		if err := codec.Unmarshal(it.entry.Prev, &o); err != nil {
			return nil, fmt.Errorf("undo deal %d: %w: %w", id, data.ErrDamaged, err)
		}
		if err := putDeal(tx, &o); err != nil {
			return nil, err
		}
		dealsBack = append(dealsBack, o)
		u.rep.Opportunities.Restored++
	}
	for _, it := range items {
		if it.kind != undoCustomer {
			continue
		}
		id := decodeUint(it.key)
		var cur data.Customer
		if err := getRecord(tx.Bucket(bucketCustomers), it.key, &cur); err != nil {
			if errors.Is(err, data.ErrNotFound) {
				continue
			}
			return nil, err
		}
		if it.entry.Created {
			if kept[id] {
				u.rep.Kept = append(u.rep.Kept, data.UndoConflict{Record: data.GroupCustomer, ID: id, Label: cur.CardNo + " " + cur.Name,
					Reason: "kept: records were added to it since the import"})
				continue
			}
			if err := u.deleteCustomer(&cur); err != nil {
				return nil, err
			}
			u.removed[id] = true
			u.rep.Customers.Removed++
			continue
		}
		var prev data.Customer
		if err := codec.Unmarshal(it.entry.Prev, &prev); err != nil {
			return nil, fmt.Errorf("undo customer %d: %w: %w", id, data.ErrDamaged, err)
		}
		if conflicted[string(it.kind)+string(it.key)] {
			// Forced over a later change: the content goes back, the version goes on, so that a form
			// still holding the later version is refused rather than silently overwritten.
			prev.Version = cur.Version + 1
			prev.UpdatedAt = u.now
		}
		row, err := u.s.writeCustomer(tx, &prev, cur.CardNo, u.rules, u.now)
		if err != nil {
			return nil, err
		}
		rowsBack = append(rowsBack, row)
		delete(u.recount, id)
		if conflicted[string(it.kind)+string(it.key)] {
			u.recount[id] = true
		}
		u.rep.Customers.Restored++
	}
	// Cards whose follow-ups changed under them keep their derived dates true to what remains.
	for id := range u.recount {
		if u.removed[id] {
			continue
		}
		row, err := u.refreshFollowUpDates(id)
		if err != nil {
			return nil, err
		}
		if row != nil {
			rowsBack = append(rowsBack, row)
		}
	}
	removed := u.removed
	return func(ix *index) {
		ix.removeCustomers(removed)
		for _, r := range rowsBack {
			ix.put(r)
		}
		for _, id := range dealsGone {
			delete(ix.opps, id)
			delete(ix.milestones, id)
		}
		for i := range dealsBack {
			ix.putDeal(&dealsBack[i])
		}
		for _, id := range openGone {
			delete(ix.openActions, id)
		}
		for _, oa := range openBack {
			ix.openActions[oa.FollowUpID] = oa
		}
	}, nil
}

// deleteDeal removes a deal, its list row and its stage history.
func deleteDeal(tx *bolt.Tx, id uint64) error {
	key := encodeUint(id)
	if err := tx.Bucket(bucketOpps).Delete(key); err != nil {
		return err
	}
	if err := tx.Bucket(bucketOppRows).Delete(key); err != nil {
		return err
	}
	h := tx.Bucket(bucketHistory)
	c := h.Cursor()
	for k, _ := c.Seek(key); k != nil && bytes.HasPrefix(k, key); k, _ = c.Seek(key) {
		if err := h.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// deleteCustomer removes a card the import created, with its list row, its card number and any
// follow-up left under it.
func (u *undoer) deleteCustomer(c *data.Customer) error {
	tx := u.tx
	key := encodeUint(c.ID)
	for _, b := range [][]byte{bucketCustomers, bucketRows} {
		if err := tx.Bucket(b).Delete(key); err != nil {
			return err
		}
	}
	cards := tx.Bucket(bucketCardNumbers)
	if v := cards.Get([]byte(c.CardNo)); v != nil && decodeUint(v) == c.ID {
		if err := cards.Delete([]byte(c.CardNo)); err != nil {
			return err
		}
	}
	fb := tx.Bucket(bucketFollowUps)
	cur := fb.Cursor()
	for k, _ := cur.Seek(key); k != nil && bytes.HasPrefix(k, key); k, _ = cur.Seek(key) {
		if err := fb.Delete(k); err != nil {
			return err
		}
		if err := tx.Bucket(bucketOpenActions).Delete(k[8:]); err != nil {
			return err
		}
	}
	return nil
}

// refreshFollowUpDates sets a card's last follow-up to the newest follow-up it still has, or keeps the
// stored one when no follow-up is newer; it returns the new list row, or nil when nothing changed.
func (u *undoer) refreshFollowUpDates(id uint64) (*indexRow, error) {
	var c data.Customer
	if err := getRecord(u.tx.Bucket(bucketCustomers), encodeUint(id), &c); err != nil {
		if errors.Is(err, data.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	fus, err := followUpsOf(u.tx, id)
	if err != nil {
		return nil, err
	}
	var last time.Time
	for _, f := range fus {
		if f.Date.After(last) {
			last = f.Date
		}
	}
	if !last.After(c.LastFollowUp) {
		return nil, nil
	}
	c.LastFollowUp = last
	c.Version++
	c.UpdatedAt = u.now
	return u.s.writeCustomer(u.tx, &c, c.CardNo, u.rules, u.now)
}

// removeCustomers forgets deleted cards: their rows, their search texts and the cached orders.
func (ix *index) removeCustomers(ids map[uint64]bool) {
	if len(ids) == 0 {
		return
	}
	for id := range ids {
		if r, ok := ix.rows[id]; ok {
			ix.drop(r, true)
		}
	}
	for owner, a := range ix.hay {
		a.retire(ids)
		ix.compactArena(owner)
	}
}
