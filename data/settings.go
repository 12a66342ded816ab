package data

import (
	"errors"
	"strconv"
	"strings"
)

// Settings are the team's shared choices, kept in the database so every desktop of a team agrees.
// Per-desktop choices (window size, theme) live in the app's preferences instead.
type Settings struct {
	GradeRules GradeRules  `json:"grade_rules"`
	Caps       ContactCaps `json:"contact_caps"`
	// LostAfterDays flags a card for invalidation after this long without a follow-up (seed 000).
	LostAfterDays int      `json:"lost_after_days"`
	Categories    []string `json:"categories"`
	// Stages are the pipeline's columns, in board order (domain.md §3).
	Stages []StageDef `json:"stages"`
	// Qualify are the lead scores a lead needs before it may leave the lead column.
	Qualify QualifyThresholds `json:"qualify"`
	// LostReasons is the managed list a lost deal picks its reason from.
	LostReasons []string `json:"lost_reasons"`
	// Backup is where the daily backups go and how many are kept (backup.go). Files saved before it
	// existed read as the defaults, since settings are decoded over DefaultSettings.
	Backup BackupSettings `json:"backup"`
	// IdleLockMinutes locks the window after this long without keyboard or mouse input (0 = never).
	// Files saved before it existed read as the default, since settings are decoded over DefaultSettings.
	IdleLockMinutes int `json:"idle_lock_minutes"`
	// Pool is the lead pool's limits and return rules (pool.go).
	Pool PoolSettings `json:"pool"`
}

// Stage returns the definition of a stage key.
func (st Settings) Stage(key string) (StageDef, bool) {
	for _, s := range st.Stages {
		if s.Key == key {
			return s, true
		}
	}
	return StageDef{}, false
}

// FirstStage returns the first stage of a kind in board order.
func (st Settings) FirstStage(kind StageKind) (StageDef, bool) {
	for _, s := range st.Stages {
		if s.Kind == kind {
			return s, true
		}
	}
	return StageDef{}, false
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
	if st.IdleLockMinutes < 0 {
		fe.Add("idle_lock_minutes", ErrNegativeNumber)
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
	kinds := map[StageKind]int{}
	keys := map[string]bool{}
	for i, s := range st.Stages {
		field := "stages." + strconv.Itoa(i)
		if s.Key == "" || keys[s.Key] {
			fe.Add(field+".key", ErrStageKey)
		}
		keys[s.Key] = true
		if strings.TrimSpace(s.Name) == "" {
			fe.Add(field+".name", ErrRequired)
		}
		if s.Probability < 0 || s.Probability > 100 {
			fe.Add(field+".probability", ErrPercent)
		}
		if s.IdleDays < 0 {
			fe.Add(field+".idle_days", ErrNegativeNumber)
		}
		kinds[s.Kind]++
	}
	if kinds[StageLead] == 0 || kinds[StageWon] != 1 || kinds[StageLost] != 1 {
		fe.Add("stages", ErrStageKinds)
	}
	for _, q := range []struct {
		key string
		v   int
	}{{"qualify_budget", st.Qualify.Budget}, {"qualify_urgency", st.Qualify.Urgency}, {"qualify_authority", st.Qualify.Authority}} {
		if q.v < 0 || q.v > MaxLeadScore {
			fe.Add(q.key, ErrScoreRange)
		}
	}
	fe = append(fe, st.Backup.Validate()...)
	st.Pool.Validate(&fe)
	return fe
}

// Errors of the pipeline's settings.
var (
	ErrStageKey   = errors.New("each stage needs its own key")
	ErrPercent    = errors.New("must be a percentage from 0 to 100")
	ErrStageKinds = errors.New("the board needs a lead column, one won and one lost stage")
)

// DefaultLostReasons are the reasons a small team most often records.
var DefaultLostReasons = []string{"价格过高", "选择了竞争对手", "预算取消", "需求变化", "决策人变动", "联系中断", "其他"}

// DefaultSettings are the seeds' numbers.
func DefaultSettings() Settings {
	return Settings{
		GradeRules:    DefaultGradeRules,
		Caps:          DefaultContactCaps,
		LostAfterDays: 180,
		Categories:    append([]string(nil), DefaultCategories...),
		Stages:        DefaultStages(),
		Qualify:       DefaultQualifyThresholds,
		LostReasons:   append([]string(nil), DefaultLostReasons...),
		Backup:        BackupSettings{Keep: DefaultRetention},
		// IdleLockMinutes: a quarter of an hour away from the desk (issue 11).
		IdleLockMinutes: 15,
		Pool:            DefaultPoolSettings(),
	}
}
