package storage

import (
	"encoding/json"
	"fmt"
	"salesdesk/data"

	bolt "go.etcd.io/bbolt"
)

var keySettings = []byte("team")

// Settings returns the team's settings.
func (s *Store) Settings() data.Settings {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.idx.settings
	st.Categories = append([]string(nil), st.Categories...)
	return st
}

// SaveSettings stores new settings; grades are recomputed for the lists because thresholds may change.
func (s *Store) SaveSettings(by data.Actor, st data.Settings) error {
	if fe := st.Validate(); fe.Any() {
		return fe
	}
	return s.update(func(tx *bolt.Tx) (func(*index), error) {
		old, _ := loadSettings(tx) // unreadable settings are replaced; the line then lists every field
		raw, err := json.Marshal(st)
		if err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketSettings).Put(keySettings, raw); err != nil {
			return nil, fmt.Errorf("data: save settings: %w", err)
		}
		if err := auditFields(tx, s.now(), by, "update", "settings", 0, diffFields(&old, &st)); err != nil {
			return nil, err
		}
		now := s.now()
		return func(ix *index) { ix.setSettings(st, now) }, nil
	})
}

func loadSettings(tx *bolt.Tx) (data.Settings, error) {
	st := data.DefaultSettings()
	b := tx.Bucket(bucketSettings)
	if b == nil {
		return st, nil
	}
	raw := b.Get(keySettings)
	if raw == nil {
		return st, nil
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, fmt.Errorf("data: read settings: %w: %w", data.ErrDamaged, err)
	}
	return st, nil
}
