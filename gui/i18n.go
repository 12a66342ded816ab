package gui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"salesdesk/assets"
	"salesdesk/data"
	"salesdesk/data/storage"
	_ "salesdesk/internal/quietlocale" // before Fyne's lang init: no locale error under LANG=C.UTF-8
)

// SalesDesk keeps its own translation tables instead of Fyne's lang package because the team switches
// language in Settings while the app runs, and lang only follows the system locale; Fyne's own strings
// are made to follow the setting too (i18n_fyne.go).

var (
	trMu     sync.RWMutex
	trTable  map[string]string
	trLang   string
	trTables = map[string]map[string]string{}
)

// Languages are the ones SalesDesk ships.
var Languages = []string{"zh", "en"}

func loadTable(code string) map[string]string {
	if t, ok := trTables[code]; ok {
		return t
	}
	t := map[string]string{}
	for _, name := range tableFiles(code) {
		raw, err := assets.Translations.ReadFile(name)
		if err != nil {
			continue
		}
		part := map[string]string{}
		_ = json.Unmarshal(raw, &part)
		for k, v := range part {
			t[k] = v
		}
	}
	trTables[code] = t
	return t
}

// tableFiles lists a language's catalogue files: translations/zh.json and any translations/zh-*.json
// beside it. Screens may keep their strings in a file of their own so that work on two screens
// does not edit the same file.
func tableFiles(code string) []string {
	names := []string{"translations/" + code + ".json"}
	more, _ := fs.Glob(assets.Translations, "translations/"+code+"-*.json")
	sort.Strings(more)
	return append(names, more...)
}

// systemLanguage picks Chinese for any zh locale and English otherwise.
func systemLanguage() string {
	if strings.HasPrefix(strings.ToLower(string(lang.SystemLocale())), "zh") {
		return "zh"
	}
	return "en"
}

// SystemLanguage is the language the system's locale asks for, as the window reads it ("zh" for any
// Chinese locale, "en" otherwise): LC_ALL, LC_MESSAGES, LANG and LANGUAGE as gettext reads them on
// Unix, the user's language setting on Windows and macOS.
func SystemLanguage() string { return systemLanguage() }

// setLanguage switches the tables; "" follows the system.
func setLanguage(code string) {
	if code != "zh" && code != "en" {
		code = systemLanguage()
	}
	trMu.Lock()
	defer trMu.Unlock()
	trLang = code
	trTable = loadTable(code)
	setFyneLanguage(code)
}

func currentLanguage() string {
	trMu.RLock()
	defer trMu.RUnlock()
	return trLang
}

// T translates a key; a missing key shows itself, which the translation test catches.
func T(key string) string {
	trMu.RLock()
	defer trMu.RUnlock()
	if s, ok := trTable[key]; ok {
		return s
	}
	return key
}

// Tf translates a key whose text holds fmt verbs.
func Tf(key string, args ...any) string { return fmt.Sprintf(T(key), args...) }

// enumLabel translates a stored enum value, e.g. enumLabel("status", "customer").
func enumLabel[E ~string](prefix string, v E) string {
	if v == "" {
		return ""
	}
	return T(prefix + "." + string(v))
}

// formatDate writes a date the locale's way: 2024-03-15 in Chinese, 15 Mar 2024 in English.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if currentLanguage() == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("2006-01-02")
}

// editDate is how a date stands in an entry: one form that ParseDate reads back in both languages.
func editDate(t time.Time) string { return data.FormatDate(t) }

// editAmount is how an amount stands in an entry.
func editAmount(a data.Amount) string {
	if a == 0 {
		return ""
	}
	return strings.TrimSuffix(a.String(), ".00")
}

// formatInt writes a count with thousands separators.
func formatInt(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + formatInt(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// errorText turns a data error into the message shown at a field or in a dialog.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	// A message already in the window's language is shown as it is, without "something went wrong".
	if te, ok := err.(textError); ok {
		return te.text
	}
	if errors.Is(err, errNotANumber) {
		return T("err.whole_number")
	}
	if text, ok := codedText(err); ok {
		return text
	}
	if d := storage.DamageOf(err); d != nil {
		return T("err.damaged") + " " + damageText(d)
	}
	for _, m := range []struct {
		err error
		key string
	}{
		{data.ErrRequired, "err.required"},
		{data.ErrChoiceInvalid, "err.choice"},
		{data.ErrNegativeNumber, "err.negative"},
		{data.ErrAThresholdBelowB, "err.a_below_b"},
		{data.ErrDateInFuture, "err.future"},
		{data.ErrTooLong, "err.too_long"},
		{data.ErrUnknownMember, "err.unknown_member"},
		{data.ErrNoMember, "err.no_member"},
		{data.ErrNotQualified, "err.not_qualified"},
		{data.ErrOverrideRole, "err.override_role"},
		{data.ErrUnknownStage, "err.unknown_stage"},
		{data.ErrUnknownCustomer, "err.unknown_customer"},
		{data.ErrCloseBeforeOpen, "err.close_before_open"},
		{data.ErrScoreRange, "err.score_range"},
		{data.ErrTargetNotPositive, "err.target_positive"},
		{data.ErrRelativeDir, "err.relative_dir"},
		{data.ErrNoCustomerName, "err.import_no_customer"},
		{data.ErrCustomerNotFound, "err.import_customer_not_found"},
		{data.ErrCustomerAmbiguous, "err.import_customer_ambiguous"},
		{data.ErrRowUnreadable, "err.import_row_unreadable"},
		{data.ErrRowCut, "err.import_row_cut"},
		{data.ErrQuoteUnclosed, "err.import_quote_unclosed"},
		{data.ErrMultilineField, "err.import_multiline"},
		{data.ErrNothingToImport, "err.import_nothing"},
		{data.ErrMappingIncomplete, "err.import_mapping"},
		{data.ErrImportCancelled, "err.import_cancelled"},
		{data.ErrImportEmpty, "err.import_empty"},
		{data.ErrImportNoRows, "err.import_no_rows"},
		{data.ErrImportNoHeader, "err.import_no_header"},
		{data.ErrImportFileType, "err.import_file_type"},
		{data.ErrImportDamaged, "err.import_damaged"},
		{data.ErrAlreadyUndone, "err.import_undone"},
		{data.ErrUndoConflicts, "err.import_conflicts"},
		{data.ErrStageKey, "err.stage_key"},
		{data.ErrPercent, "err.percent"},
		{data.ErrStageKinds, "err.stage_kinds"},
		{data.ErrDeadlineBeforeDate, "err.deadline_before"},
		{data.ErrTimeOfDay, "err.time_of_day"},
		{data.ErrPlanWithoutDate, "err.plan_without_date"},
		{data.ErrPlanChanged, "err.plan_changed"},
		{data.ErrPhoneInvalid, "err.phone"},
		{data.ErrPhoneEmpty, "err.required"},
		{data.ErrEmailInvalid, "err.email"},
		{data.ErrAmountNegative, "err.amount_negative"},
		{data.ErrAmountInvalid, "err.amount"},
		{data.ErrAmountEmpty, "err.required"},
		{data.ErrDateInvalid, "err.date"},
		{data.ErrDateEmpty, "err.required"},
		{data.ErrLocked, "err.locked"},
		{data.ErrNotSalesDesk, "err.not_salesdesk"},
		{data.ErrDamaged, "err.damaged"},
		{data.ErrTooNew, "err.too_new"},
		{data.ErrIsBackup, "err.is_backup"},
		{data.ErrConflict, "err.conflict"},
		{data.ErrArchived, "err.archived"},
		{storage.ErrDatabaseNotEmpty, "err.db_not_empty"},
		{storage.ErrNotExport, "err.not_export"},
		{data.ErrNotFound, "err.not_found"},
		{data.ErrLoginTaken, "err.login_taken"},
		{data.ErrOffline, "err.offline"},
		{data.ErrSignedOut, "err.signed_out"},
		{data.ErrNoAnswer, "err.no_answer"},
	} {
		if errors.Is(err, m.err) {
			return T(m.key)
		}
	}
	return Tf("err.other", err.Error())
}
