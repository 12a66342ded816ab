package data

import (
	"errors"
)

// Errors the GUI and the command line tell the user about.
var (
	ErrLocked       = errors.New("the database is open in another SalesDesk window or process")
	ErrNotSalesDesk = errors.New("the file is not a SalesDesk database")
	ErrDamaged      = errors.New("the database file is damaged")
	ErrTooNew       = errors.New("the database was written by a newer SalesDesk")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("the record was changed elsewhere since it was opened")
	ErrReadOnly     = errors.New("the database is open read-only")
	// ErrIsBackup refuses to open a backup for writing: a backup is the moment it copied, and a
	// hard link to it would change with it.
	ErrIsBackup = errors.New("the file is a backup; backups are never changed")
	// ErrOffline: the office's SalesDesk (the host) cannot be reached; nothing was written.
	ErrOffline = errors.New("the office's SalesDesk cannot be reached")
	// ErrNoAnswer: the host took the call but did not answer in time: a write may or may not have
	// been saved, so the window says so rather than "nothing was saved".
	ErrNoAnswer = errors.New("the office's SalesDesk did not answer in time")
	// ErrSignedOut: the host no longer knows the desktop's session (it expired, or the host
	// restarted): the member signs in again.
	ErrSignedOut = errors.New("the session has ended: sign in again")
)
