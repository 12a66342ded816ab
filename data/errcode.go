package data

import "errors"

// Stable error codes. The window translates an error by its code, not by its English text, so that an
// error keeps its meaning after a trip over the network (office mode) and across versions. Codes are
// part of the protocol: add new ones, never rename one.
const (
	CodeInternal    = "internal"     // anything without a code of its own
	CodeInvalid     = "invalid"      // FieldErrors: a field's value is wrong
	CodeNotFound    = "not_found"    // no such record
	CodeConflict    = "conflict"     // the record changed since it was read (stale save)
	CodeForbidden   = "forbidden"    // the member's role does not allow it (Refusal)
	CodeNotYours    = "not_yours"    // another member's card or deal
	CodeArchived    = "archived"     // an archived card is read-only
	CodeReadOnly    = "read_only"    // the database is open read-only
	CodeLockedFile  = "file_locked"  // the file is open elsewhere
	CodeDamaged     = "damaged"      // the file is damaged
	CodeCancelled   = "cancelled"    // the user cancelled
	CodeBadLogin    = "bad_login"    // unknown login or wrong password (never says which)
	CodeAccountLock = "account_lock" // too many failed sign-ins: an admin must unlock
	CodeInactive    = "inactive"     // the member was deactivated
	CodeSlowDown    = "slow_down"    // failed sign-ins: wait before the next try
	CodeLimit       = "limit"        // a limit in the settings (pool claims, 库容)
	CodeLastAdmin   = "last_admin"   // the team would be left without an administrator
	CodeTaken       = "taken"        // the pool card was claimed by someone else first
	CodeTooMany     = "too_many"     // more records than one call may return (ErrTooMany)
	CodeOffline     = "offline"      // the office's host cannot be reached (ErrOffline)
	CodeSignedOut   = "signed_out"   // the host ended the session (ErrSignedOut)
	CodeNoAnswer    = "no_answer"    // the host did not answer in time (ErrNoAnswer)
)

// Coded is an error that carries its own stable code.
type Coded interface {
	error
	Code() string
}

var sentinelCodes = []struct {
	err  error
	code string
}{
	{ErrNotFound, CodeNotFound},
	{ErrConflict, CodeConflict},
	{ErrNotYours, CodeNotYours},
	{ErrArchived, CodeArchived},
	{ErrReadOnly, CodeReadOnly},
	{ErrLocked, CodeLockedFile},
	{ErrDamaged, CodeDamaged},
	{ErrImportCancelled, CodeCancelled},
	{ErrBadLogin, CodeBadLogin},
	{ErrAccountLocked, CodeAccountLock},
	{ErrInactive, CodeInactive},
	{ErrLastAdmin, CodeLastAdmin},
	{ErrWeakPassword, CodeInvalid},
	{ErrTooMany, CodeTooMany},
	{ErrOffline, CodeOffline},
	{ErrSignedOut, CodeSignedOut},
	{ErrNoAnswer, CodeNoAnswer},
	// What is wrong with an import file is the user's to fix, not the host's.
	{ErrImportEmpty, CodeInvalid},
	{ErrImportNoRows, CodeInvalid},
	{ErrImportNoHeader, CodeInvalid},
	{ErrImportFileType, CodeInvalid},
	{ErrImportDamaged, CodeInvalid},
	{ErrImportTooManyRows, CodeInvalid},
	{ErrImportTooLarge, CodeInvalid},
	{ErrMultilineField, CodeInvalid},
	{ErrMappingIncomplete, CodeInvalid},
}

// ErrorCode is the stable code of err ("" for nil).
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var c Coded
	if errors.As(err, &c) {
		return c.Code()
	}
	var fe FieldErrors
	if errors.As(err, &fe) {
		return CodeInvalid
	}
	for _, s := range sentinelCodes {
		if errors.Is(err, s.err) {
			return s.code
		}
	}
	return CodeInternal
}
