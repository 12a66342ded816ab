package data

import (
	"errors"
	"path/filepath"
	"time"
)

// RecordCounts are how many records of each kind a file holds.
type RecordCounts struct {
	Customers, FollowUps, Deals, Members int
}

// BackupInfo describes a backup: made just now, or read from a file.
type BackupInfo struct {
	Path   string // "" for a backup written to a stream
	Size   int64
	Time   time.Time // when it was made (a file's modification time)
	Schema int
	Counts RecordCounts
	// LastChange is the time of the newest audit line: the last change the backup holds.
	LastChange time.Time

	Txid int // the snapshot's transaction, which a verified copy must carry too
}

// Progress hears how far a copy is: done of total bytes. It is called on the copying goroutine.
type Progress func(done, total int64)

// ---------------------------------------------------------------------------------------------
// The backup folder and its names

// Retention is how many backups the daily rotation keeps: the newest of each of the last Daily days,
// Weekly weeks and Monthly months that have a backup.
type Retention struct {
	Daily   int `json:"daily"`
	Weekly  int `json:"weekly"`
	Monthly int `json:"monthly"`
}

// BackupSettings are where the automatic backups go and how many stay.
type BackupSettings struct {
	// Dir is the backup folder, a full path; empty is the "backups" folder beside the database, which
	// for the default database is the SalesDesk folder of the user's configuration folder.
	Dir  string    `json:"dir"`
	Keep Retention `json:"keep"`
}

// ErrRelativeDir refuses a backup folder that would depend on where SalesDesk was started from.
var ErrRelativeDir = errors.New("must be a full folder path")

// Validate names each setting the backups cannot work with.
func (b BackupSettings) Validate() FieldErrors {
	var fe FieldErrors
	if b.Dir != "" && !filepath.IsAbs(b.Dir) {
		fe.Add("backup_dir", ErrRelativeDir)
	}
	for _, k := range []struct {
		field string
		n     int
	}{{"backup_keep_daily", b.Keep.Daily}, {"backup_keep_weekly", b.Keep.Weekly}, {"backup_keep_monthly", b.Keep.Monthly}} {
		if k.n < 0 {
			fe.Add(k.field, ErrNegativeNumber)
		}
	}
	return fe
}

// BackupKind tells how a backup came to be, from its name.
type BackupKind string

// BackupFile is a backup found in a folder.
type BackupFile struct {
	Path string
	// Stem is the name of the database the backup belongs to: "salesdesk" for salesdesk.db.
	Stem string
	Kind BackupKind
	// Date is the day (daily) or the moment (the others) in the name, in local time.
	Date time.Time
	Size int64
}

// DefaultRetention keeps a week of days, a month of weeks and a year of months: 23 files at most.
var DefaultRetention = Retention{Daily: 7, Weekly: 4, Monthly: 12}
