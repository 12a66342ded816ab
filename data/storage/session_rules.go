package storage

import (
	"salesdesk/data"
)

// The rules of what a rep sees and changes (domain.md §8: access by role). A rep works the cards it
// owns and reads the pool (cards with no owner); a manager or an administrator (PermViewAll) has no
// owner scope. The checks sit here, under every call of the Service, so that the window, the command
// line and a network server refuse the same things.

// scope is the owner a rep's reads are limited to, or 0 with ok false for a role that sees all.
func (s *Session) scope() (owner uint64, ok bool) {
	if s.Can(data.PermViewAll) {
		return 0, false
	}
	if id := s.memberID(); id != 0 {
		return id, true
	}
	// No member is signed in: an owner no card has, since 0 in a filter means "everyone".
	return noMember, true
}

const noMember = ^uint64(0)

// canRead reports whether the member may open the card: its own, the pool's (read-only), or any
// card for a role that sees all.
func (s *Session) canRead(r *indexRow) bool {
	me, scoped := s.scope()
	return readableBy(me, scoped, r)
}

func readableBy(me uint64, scoped bool, r *indexRow) bool {
	return !scoped || r.OwnerID == me || r.OwnerID == 0
}

// readable refuses a card the member may not open, before anything about it is read.
func (s *Session) readable(id uint64) error {
	r, ok := s.st.Row(id)
	if !ok {
		return nil // the store's own call says not found
	}
	if !s.canRead(r) {
		return data.ErrNotYours
	}
	return nil
}

// writable refuses a change to a card that is not the rep's own; pool cards change by a claim.
func (s *Session) writable(id uint64) error {
	me, scoped := s.scope()
	if !scoped {
		return nil
	}
	r, ok := s.st.Row(id)
	if !ok {
		return nil
	}
	if r.OwnerID != me {
		return data.ErrNotYours
	}
	return nil
}

// dealVisible: a rep sees the deals it owns and those on its own cards.
func (s *Session) dealVisible(o data.Opportunity) bool {
	me, scoped := s.scope()
	if !scoped || o.OwnerID == me {
		return true
	}
	r, ok := s.st.Row(o.CustomerID)
	return ok && r.OwnerID == me
}

// dealWritable refuses a change to a deal the rep may not see.
func (s *Session) dealWritable(id uint64) error {
	if _, scoped := s.scope(); !scoped {
		return nil
	}
	o, ok := s.st.Opportunity(id)
	if !ok {
		return nil
	}
	if !s.dealVisible(o) {
		return data.ErrNotYours
	}
	return nil
}

// ownerFor refuses giving a card or deal to someone else unless the role may reassign. A rep's
// new record with no owner becomes the rep's.
func (s *Session) ownerFor(owner uint64) (uint64, error) {
	me, scoped := s.scope()
	if !scoped {
		return owner, nil
	}
	if me == noMember {
		return 0, data.ErrNoMember
	}
	if owner == 0 {
		return me, nil
	}
	if owner != me {
		return 0, s.require(data.PermReassign)
	}
	return owner, nil
}

// keepIDs drops the ids of cards the member may not open.
func (s *Session) keepIDs(ids []uint64) []uint64 {
	me, scoped := s.scope()
	if !scoped {
		return ids
	}
	out := make([]uint64, 0, len(ids))
	for _, id := range ids {
		if r, ok := s.st.Row(id); ok && readableBy(me, scoped, r) {
			out = append(out, id)
		}
	}
	return out
}

// allWritable refuses a bulk action when any of its cards is not the rep's: a refused action changes
// nothing, so a mixed selection is refused whole.
func (s *Session) allWritable(ids []uint64) error {
	for _, id := range ids {
		if err := s.writable(id); err != nil {
			return err
		}
	}
	return nil
}

// stripDuplicate keeps of another member's matching card only that it exists and whose it is.
func stripDuplicate(d data.DuplicateMatch) data.DuplicateMatch {
	r := d.Row
	out := data.DuplicateMatch{By: d.By}
	if d.By == "name" {
		out.Key = r.Name
	}
	out.Row = &data.CustomerRow{ID: r.ID, OwnerID: r.OwnerID, Name: r.Name, SortName: r.SortName, Archived: r.Archived}
	return out
}

// ownMember refuses reading or changing another member's saved filters and columns.
func (s *Session) ownMember(member uint64) error {
	if _, scoped := s.scope(); scoped && member != s.memberID() {
		return data.ErrNotYours
	}
	return nil
}
