package data

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

var keySettings = []byte("team")

// Settings are the team's shared choices, kept in the database so every desktop of a team agrees.
// Per-desktop choices (window size, theme) live in the app's preferences instead.
type Settings struct {
	GradeRules GradeRules  `json:"grade_rules"`
	Caps       ContactCaps `json:"contact_caps"`
	// LostAfterDays flags a card for invalidation after this long without a follow-up (seed 000).
	LostAfterDays int      `json:"lost_after_days"`
	Categories    []string `json:"categories"`
	// CurrentUser is the member this desktop acts as until a login exists.
	CurrentUser uint64 `json:"current_user"`
}

// DefaultSettings are the seeds' numbers.
func DefaultSettings() Settings {
	return Settings{
		GradeRules:    DefaultGradeRules,
		Caps:          DefaultContactCaps,
		LostAfterDays: 180,
		Categories:    append([]string(nil), DefaultCategories...),
	}
}

// Validate refuses settings the rules cannot work with, naming the field.
func (st Settings) Validate() FieldErrors {
	var fe FieldErrors
	r := st.GradeRules
	if r.AMinAnnual < 0 {
		fe.Add("a_min_annual", ErrAmountNegative)
	}
	if r.BMinAnnual < 0 {
		fe.Add("b_min_annual", ErrAmountNegative)
	}
	if r.AMinAnnual < r.BMinAnnual {
		fe.Add("a_min_annual", ErrAThresholdBelowB)
	}
	if r.AMinYears < 0 {
		fe.Add("a_min_years", ErrNegativeNumber)
	}
	if r.BMinYears < 0 {
		fe.Add("b_min_years", ErrNegativeNumber)
	}
	if st.Caps.PerMonth < 0 {
		fe.Add("per_month", ErrNegativeNumber)
	}
	if st.Caps.APerWeek < 0 {
		fe.Add("a_per_week", ErrNegativeNumber)
	}
	if st.LostAfterDays < 0 {
		fe.Add("lost_after_days", ErrNegativeNumber)
	}
	return fe
}

// Settings returns the team's settings.
func (s *Store) Settings() Settings {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.idx.settings
	st.Categories = append([]string(nil), st.Categories...)
	return st
}

// SaveSettings stores new settings; grades are recomputed for the lists because thresholds may change.
func (s *Store) SaveSettings(by Actor, st Settings) error {
	if fe := st.Validate(); fe.Any() {
		return fe
	}
	return s.update(func(tx *bolt.Tx) (func(*index), error) {
		raw, err := json.Marshal(st)
		if err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketSettings).Put(keySettings, raw); err != nil {
			return nil, fmt.Errorf("data: save settings: %w", err)
		}
		if err := audit(tx, s.now(), by, "update", "settings", 0); err != nil {
			return nil, err
		}
		now := s.now()
		return func(ix *index) { ix.setSettings(st, now) }, nil
	})
}

func loadSettings(tx *bolt.Tx) (Settings, error) {
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
		return st, fmt.Errorf("data: read settings: %w: %w", ErrDamaged, err)
	}
	return st, nil
}
