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
)
