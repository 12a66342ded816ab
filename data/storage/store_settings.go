package storage

import (
	"encoding/json"
	"fmt"
	"salesdesk/data"

	bolt "go.etcd.io/bbolt"
)

var keySettings = []byte("team")

// DefaultLostReasons are the reasons a small team most often records.
var DefaultLostReasons = []string{"价格过高", "选择了竞争对手", "预算取消", "需求变化", "决策人变动", "联系中断", "其他"}

// DefaultSettings are the seeds' numbers.
func DefaultSettings() data.Settings {
	return data.Settings{
		GradeRules:    data.DefaultGradeRules,
		Caps:          data.DefaultContactCaps,
		LostAfterDays: 180,
		Categories:    append([]string(nil), data.DefaultCategories...),
		Stages:        data.DefaultStages(),
		Qualify:       data.DefaultQualifyThresholds,
		LostReasons:   append([]string(nil), DefaultLostReasons...),
		Backup:        data.BackupSettings{Keep: DefaultRetention},
		// IdleLockMinutes: a quarter of an hour away from the desk (issue 11).
		IdleLockMinutes: 15,
		Pool:            DefaultPoolSettings(),
	}
}

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
	st := DefaultSettings()
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
