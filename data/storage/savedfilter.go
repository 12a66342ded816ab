package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"salesdesk/data"
	"slices"
	"strings"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// bucketSavedFilters holds what each member keeps of the customer list (migration 8): member id ‖
// filter id → SavedFilter, and member id ‖ 0 → ListLayout, both JSON. Keyed by member, not by desktop,
// so that when sign-in arrives each person finds their own filters on any desktop of the team.
var bucketSavedFilters = []byte("saved_filters")

// MaxFilterName keeps a saved filter's name short enough for its menu.
const MaxFilterName = 40

// ValidateSavedFilter refuses a filter without a name or with a name too long for the menu.
func ValidateSavedFilter(f data.SavedFilter) data.FieldErrors {
	var fe data.FieldErrors
	switch name := strings.TrimSpace(f.Name); {
	case name == "":
		fe.Add("name", data.ErrRequired)
	case utf8.RuneCountInString(name) > MaxFilterName:
		fe.Add("name", data.ErrTooLong)
	}
	return fe
}

// SavedFilters returns a member's saved filters, by name.
func (s *Store) SavedFilters(member uint64) ([]data.SavedFilter, error) {
	var out []data.SavedFilter
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = savedFiltersIn(tx, member)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("data: saved filters of member %d: %w", member, err)
	}
	slices.SortFunc(out, func(a, b data.SavedFilter) int {
		ka, _ := pinyinKeys(a.Name)
		kb, _ := pinyinKeys(b.Name)
		return strings.Compare(ka, kb)
	})
	return out, nil
}

func savedFiltersIn(tx *bolt.Tx, member uint64) ([]data.SavedFilter, error) {
	b := tx.Bucket(bucketSavedFilters)
	if b == nil {
		return nil, nil
	}
	var out []data.SavedFilter
	prefix := encodeUint(member)
	c := b.Cursor()
	for k, v := c.Seek(prefix); len(k) == 16 && decodeUint(k[:8]) == member; k, v = c.Next() {
		if decodeUint(k[8:]) == 0 {
			continue // the layout
		}
		var f data.SavedFilter
		if err := json.Unmarshal(v, &f); err != nil {
			return nil, fmt.Errorf("filter %d: %w: %w", decodeUint(k[8:]), data.ErrDamaged, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// SaveFilter keeps a named filter for the acting member. A name the member already uses is replaced,
// so saving again under the same name updates the filter instead of adding a twin.
func (s *Store) SaveFilter(by data.Actor, f data.SavedFilter) (data.SavedFilter, error) {
	f.Name = strings.TrimSpace(f.Name)
	if fe := ValidateSavedFilter(f); fe.Any() {
		return f, fe
	}
	if by.MemberID == 0 {
		return f, data.ErrNoMember
	}
	f.MemberID = by.MemberID
	f.Filter.Limit = 0
	f.Filter.Only = nil
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		b := tx.Bucket(bucketSavedFilters)
		mine, err := savedFiltersIn(tx, by.MemberID)
		if err != nil {
			return nil, err
		}
		f.ID = 0
		for _, old := range mine {
			if old.Name == f.Name {
				f.ID = old.ID
			}
		}
		if f.ID == 0 {
			if f.ID, err = b.NextSequence(); err != nil {
				return nil, err
			}
		}
		raw, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		if err := b.Put(pairKey(f.MemberID, f.ID), raw); err != nil {
			return nil, err
		}
		return nil, audit(tx, s.now(), by, "save", "saved_filter", f.ID)
	})
	if err != nil {
		return f, fmt.Errorf("data: save filter %q: %w", f.Name, err)
	}
	return f, nil
}

// DeleteFilter forgets one of the acting member's saved filters; another member's is not touched.
func (s *Store) DeleteFilter(by data.Actor, id uint64) error {
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		b := tx.Bucket(bucketSavedFilters)
		k := pairKey(by.MemberID, id)
		if id == 0 || b.Get(k) == nil {
			return nil, data.ErrNotFound
		}
		if err := b.Delete(k); err != nil {
			return nil, err
		}
		return nil, audit(tx, s.now(), by, "delete", "saved_filter", id)
	})
	if err != nil {
		return fmt.Errorf("data: delete filter %d: %w", id, err)
	}
	return nil
}

// ListLayout returns a member's columns, or none when the member has not chosen.
func (s *Store) ListLayout(member uint64) (data.ListLayout, error) {
	var l data.ListLayout
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSavedFilters)
		if b == nil {
			return nil
		}
		if raw := b.Get(pairKey(member, 0)); raw != nil {
			if err := json.Unmarshal(raw, &l); err != nil {
				return fmt.Errorf("%w: %w", data.ErrDamaged, err)
			}
		}
		return nil
	})
	if err != nil {
		return l, fmt.Errorf("data: list layout of member %d: %w", member, err)
	}
	return l, nil
}

// SaveListLayout remembers the acting member's columns.
func (s *Store) SaveListLayout(by data.Actor, l data.ListLayout) error {
	if by.MemberID == 0 {
		return data.ErrNoMember
	}
	err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		raw, err := json.Marshal(l)
		if err != nil {
			return nil, err
		}
		return nil, tx.Bucket(bucketSavedFilters).Put(pairKey(by.MemberID, 0), raw)
	})
	if err != nil {
		return fmt.Errorf("data: save list layout: %w", err)
	}
	return nil
}

// jsonListChoice is one entry of bucket saved_filters in a JSON export: a saved filter (id > 0) or a
// member's columns (id 0), kept as stored.
type jsonListChoice struct {
	MemberID uint64          `json:"member_id"`
	ID       uint64          `json:"id"`
	Value    json.RawMessage `json:"value"`
}

// exportListChoices emits every member's saved filters and columns.
func exportListChoices(tx *bolt.Tx, emit func(any)) error {
	return forEachIn(tx, bucketSavedFilters, func(k, v []byte) error {
		if len(k) != 16 {
			return fmt.Errorf("saved filter key %x: %w", k, data.ErrDamaged)
		}
		emit(jsonListChoice{MemberID: decodeUint(k[:8]), ID: decodeUint(k[8:]), Value: json.RawMessage(v)})
		return nil
	})
}

// importListChoices stores the exported saved filters and columns, and moves the filters' id sequence
// past the highest id so that a filter saved later does not overwrite one.
func importListChoices(tx *bolt.Tx, choices []jsonListChoice) error {
	b := tx.Bucket(bucketSavedFilters)
	var top uint64
	for _, c := range choices {
		var buf bytes.Buffer
		if err := json.Compact(&buf, c.Value); err != nil {
			return fmt.Errorf("saved filter %d of member %d: %w", c.ID, c.MemberID, err)
		}
		if err := b.Put(pairKey(c.MemberID, c.ID), buf.Bytes()); err != nil {
			return err
		}
		top = max(top, c.ID)
	}
	if top > b.Sequence() {
		return b.SetSequence(top)
	}
	return nil
}
