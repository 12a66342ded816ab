package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"salesdesk/data"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backups are bbolt's own snapshot of one read transaction (Tx.WriteTo): the window keeps reading and
// writing while one is made, and the copy is the database exactly as one commit left it. A backup is
// written to a hidden temp file beside its final name, synced, checked, and only then given its name,
// so a file carrying a backup's name is always a whole, checked backup.

// Errors of backups and restores.
var (
	ErrBackupExists = errors.New("a file of that name already exists")
	ErrSameFile     = errors.New("the backup is the database file itself")
)

// progressStep spaces the progress calls: a window redraws a bar, not 6,000 times for 200 MB.
const progressStep = 1 << 20

// Backup writes a snapshot of the database to w in one read transaction, while the store stays open
// for reading and writing. A write that has to grow the file waits for the copy to finish (bbolt
// cannot remap the file under a reader); other writes go ahead. ctx stops the copy; progress may be nil.
func (s *Store) Backup(ctx context.Context, w io.Writer, progress data.Progress) (data.BackupInfo, error) {
	var info data.BackupInfo
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		if info, err = describeTx(tx); err != nil {
			return err
		}
		info.Counts = countRecords(tx)
		info.Time = s.now()
		cw := &copyWriter{ctx: ctx, w: w, total: tx.Size(), progress: progress}
		n, err := tx.WriteTo(cw)
		if cerr := ctx.Err(); cerr != nil {
			return cerr // WriteTo formats some errors with %s, losing the context's
		}
		if err != nil {
			return err
		}
		info.Size = n
		if progress != nil && cw.reported < n {
			progress(n, n)
		}
		return nil
	})
	if err != nil {
		return info, fmt.Errorf("data: back up %s: %w", s.path, err)
	}
	return info, nil
}

// copyWriter stops a copy when its context ends and reports progress.
type copyWriter struct {
	ctx             context.Context
	w               io.Writer
	done, total     int64
	reported        int64
	progress        data.Progress
	nextReportAfter int64
}

func (c *copyWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	c.done += int64(n)
	if c.progress != nil && c.done >= c.nextReportAfter {
		c.progress(c.done, c.total)
		c.reported, c.nextReportAfter = c.done, c.done+progressStep
	}
	return n, err
}

// BackupTo writes a verified backup to path, which must not exist: backups are never overwritten.
// The copy goes to a temp file in the same folder, is synced to disk, opened read-only and checked —
// bbolt's page check, SalesDesk's format marker, schema and buckets, and the same record counts and
// transaction as the snapshot — and only then takes its name. A cancelled or failed backup leaves
// nothing behind; a damaged database fails the page check, so it never yields a "good" backup.
//
// Store.Check's record-by-record invariants are not run on the copy: they decode every record (2.5 s
// for the 40k file, against 0.35 s for the whole backup), and the copy is a byte image of one
// snapshot, so its records are the source's; what can go wrong is the copy's bytes, which the page
// check and the counts catch. `salesdesk check --db BACKUP` runs them on a backup.
func (s *Store) BackupTo(ctx context.Context, path string, progress data.Progress) (data.BackupInfo, error) {
	fail := func(err error) (data.BackupInfo, error) {
		return data.BackupInfo{}, fmt.Errorf("data: back up to %s: %w", path, err)
	}
	if same, _ := sameFile(path, s.path); same {
		return fail(ErrSameFile)
	}
	if isTempName(filepath.Base(path)) {
		return data.BackupInfo{}, &data.OutputError{Path: path, Why: "has the name of a temporary file SalesDesk removes; choose another name", Err: data.ErrOutputProtected}
	}
	if _, err := os.Lstat(path); err == nil {
		return fail(ErrBackupExists)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail(err)
	}
	removeBackupTemps(dir, s.path, filepath.Base(path))
	if bd := s.BackupDir(); filepath.Clean(bd) != filepath.Clean(dir) {
		removeBackupTemps(bd, s.path)
	}
	f, unhold, err := createTemp(dir, filepath.Base(path), tempBackup)
	if err != nil {
		return fail(err)
	}
	defer unhold()
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	info, err := s.Backup(ctx, f, progress)
	if err != nil {
		return data.BackupInfo{}, err
	}
	pauseAfterTemp(tempBackup, tmp)
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	got, err := previewFile(tmp)
	if err != nil {
		return fail(fmt.Errorf("the copy does not verify: %w", err))
	}
	if got.Counts != info.Counts || got.Schema != info.Schema || got.Size != info.Size || got.Txid != info.Txid {
		return fail(fmt.Errorf("the copy does not verify: %+v, snapshot %+v: %w", got.Counts, info.Counts, data.ErrDamaged))
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if err := linkNew(tmp, path); err != nil {
		return fail(err)
	}
	done = true
	if err := syncDir(dir); err != nil {
		return fail(err)
	}
	info.Path = path
	return info, nil
}

// BackupNow makes a backup at path, or under a name with the date and time in the backup folder when
// path is empty, or in the folder path names when it is one or ends in a separator (such backups are
// the user's own and never rotated away). A folder that does not exist yet is made by BackupTo, once
// the backup is about to be written.
func (s *Store) BackupNow(ctx context.Context, path string, progress data.Progress) (data.BackupInfo, error) {
	if path == "" {
		path = s.BackupDir() + string(filepath.Separator)
	}
	base := filepath.Base(path)
	if st, err := os.Stat(path); (err == nil && st.IsDir()) || strings.HasSuffix(path, "/") || os.IsPathSeparator(path[len(path)-1]) || base == "." || base == ".." {
		// A name of our own: two backups in the same second (two desks, a script) each get one.
		name := filepath.Join(path, BackupName(s.path, BackupManual, s.now()))
		for i := 1; ; i++ {
			try := name
			if i > 1 {
				try = fmt.Sprintf("%s-%d.db", strings.TrimSuffix(name, ".db"), i)
			}
			info, err := s.BackupTo(ctx, try, progress)
			if !errors.Is(err, ErrBackupExists) || i == 20 {
				return info, err
			}
		}
	}
	return s.BackupTo(ctx, path, progress)
}

// linkNew gives the finished temp file its final name without ever replacing a file of that name: a
// hard link fails when the name is taken, where a rename would overwrite it.
func linkNew(tmp, path string) error {
	err := os.Link(tmp, path)
	switch {
	case err == nil:
		return os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
		return ErrBackupExists
	}
	// Some filesystems have no hard links (FAT on a USB stick): look, then rename.
	if _, err := os.Lstat(path); err == nil {
		return ErrBackupExists
	}
	return os.Rename(tmp, path)
}

// syncDir makes a rename in dir durable: the new name survives a power cut only once the folder is
// synced too.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // a folder cannot be opened for syncing there; NTFS journals the rename itself
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// describeTx reads what a backup tells about itself, refusing what is not a SalesDesk file of a schema
// this SalesDesk knows, or misses a bucket its schema has.
func describeTx(tx *bolt.Tx) (data.BackupInfo, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil || !bytes.Equal(meta.Get(keyMagic), magicValue) {
		return data.BackupInfo{}, data.ErrNotSalesDesk
	}
	schema := decodeUint(meta.Get(keySchema))
	if schema > uint64(len(migrations)) {
		return data.BackupInfo{}, fmt.Errorf("%w (file schema %d, this version reads up to %d)", data.ErrTooNew, schema, len(migrations))
	}
	for _, b := range schemaBuckets {
		if schema >= b.since && tx.Bucket(b.name) == nil {
			return data.BackupInfo{}, fmt.Errorf("%w (bucket %q is missing)", data.ErrDamaged, b.name)
		}
	}
	if _, err := loadSettings(tx); err != nil {
		return data.BackupInfo{}, err
	}
	info := data.BackupInfo{Size: tx.Size(), Schema: int(schema), Txid: tx.ID()}
	if b := tx.Bucket(bucketAudit); b != nil {
		if k, v := b.Cursor().Last(); k != nil {
			var ch data.Change
			if codec.Unmarshal(v, &ch) == nil {
				info.LastChange = ch.At
			}
		}
	}
	return info, nil
}

// schemaBuckets are the buckets each schema has (migrate.go).
var schemaBuckets = []struct {
	name  []byte
	since uint64
}{
	{bucketMeta, 1}, {bucketCustomers, 1}, {bucketCardNumbers, 1}, {bucketFollowUps, 1}, {bucketOpenActions, 1},
	{bucketMembers, 1}, {bucketSettings, 1}, {bucketCounters, 1}, {bucketAudit, 1}, {bucketRows, 2},
	{bucketOpps, 3}, {bucketHistory, 3}, {bucketOppRows, 4}, {bucketPeriodPlans, 5},
	{bucketSavedFilters, 8}, {bucketCredentials, 9}, {bucketAuditIndex, 11},
}

// RecordCounts counts the file's customers, follow-ups, deals and members from its pages' headers:
// at 1M cards a tenth of a second, where reading every card's follow-ups took 26 s.
func (s *Store) RecordCounts() (data.RecordCounts, error) {
	var counts data.RecordCounts
	err := s.view(func(tx *bolt.Tx) error {
		counts = countRecords(tx)
		return nil
	})
	return counts, err
}

// countRecords counts keys from the pages' headers, without decoding a record.
func countRecords(tx *bolt.Tx) data.RecordCounts {
	n := func(name []byte) int {
		if b := tx.Bucket(name); b != nil {
			return b.Stats().KeyN
		}
		return 0
	}
	return data.RecordCounts{Customers: n(bucketCustomers), FollowUps: n(bucketFollowUps), Deals: n(bucketOpps), Members: n(bucketMembers)}
}

// ---------------------------------------------------------------------------------------------
// Reading a backup file

// PreviewBackup describes a backup file without changing it: its counts, schema, the time it was made
// and its last change. It checks the file in full, as a restore must before it touches anything: the
// structure (VerifyFile), bbolt's page check, and every record decoded with SalesDesk's invariants
// (Store.Check). A file that is damaged, not a SalesDesk database, or too new is refused with the
// errors Open gives (ErrDamaged with a *DamageError, ErrNotSalesDesk, ErrTooNew). It reads the whole
// file: seconds for a large one, so the window calls it off the UI thread.
func PreviewBackup(path string) (data.BackupInfo, error) {
	info, err := previewFile(path)
	if err != nil {
		return info, err
	}
	if err := verifyRecords(path); err != nil {
		return data.BackupInfo{}, err
	}
	return info, nil
}

// verifyRecords opens a structurally sound file read-only and runs Store.Check on it: a record that
// does not decode or an index out of step with its records makes the file damaged.
func verifyRecords(path string) error {
	s, err := Open(path, Options{ReadOnly: true, structureChecked: true})
	if err != nil {
		if DamageOf(err) != nil || errors.Is(err, data.ErrLocked) || errors.Is(err, data.ErrTooNew) || errors.Is(err, data.ErrNotSalesDesk) {
			return err
		}
		return damaged(path, DamageRecords, err)
	}
	defer s.Close()
	if err := s.LoadDeals(); err != nil {
		return damaged(path, DamageRecords, err)
	}
	rep, err := s.Check()
	if err != nil {
		if d := DamageOf(err); d != nil {
			d.Path = path
			return d
		}
		return damaged(path, DamageRecords, err)
	}
	problems := rep.Problems
	if rep.DemoInterrupted {
		problems = problems[:len(problems)-1]
	}
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3:3], fmt.Sprintf("and %d more", len(problems)-3))
		}
		return damaged(path, DamageRecords, strings.Join(problems, "; "))
	}
	return nil
}

// previewFile opens a file read-only, runs bbolt's page check and describes it. tx.Check reads every
// page's header and each branch's keys, not the records: about 90 ms for 200 MB here.
func previewFile(path string) (data.BackupInfo, error) {
	fail := func(err error) (data.BackupInfo, error) {
		return data.BackupInfo{}, fmt.Errorf("data: open %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	if st.IsDir() {
		return fail(fmt.Errorf("%w (it is a folder)", data.ErrNotSalesDesk))
	}
	if st.Size() == 0 {
		return fail(fmt.Errorf("%w (the file is empty)", data.ErrNotSalesDesk))
	}
	// The pages first, read directly: they tell a damaged database from another kind of file, which
	// bbolt reports alike for a small file, and a damaged file is never mapped.
	if _, err := VerifyFile(path); err != nil {
		return data.BackupInfo{}, err
	}
	b, err := openBolt(path, true)
	if err != nil {
		return data.BackupInfo{}, err
	}
	defer b.Close()
	var info data.BackupInfo
	err = viewSafely(b, func(tx *bolt.Tx) error {
		if info, err = describeTx(tx); err != nil {
			return err
		}
		var problems []string
		for err := range tx.Check() { // drained to the end: Check's goroutine waits on each send
			if len(problems) < 3 {
				problems = append(problems, err.Error())
			}
		}
		if len(problems) > 0 {
			return damaged(path, DamagePages, strings.Join(problems, "; "))
		}
		info.Counts = countRecords(tx)
		return nil
	})
	if err != nil {
		return fail(err)
	}
	info.Path, info.Time, info.Size = path, st.ModTime(), st.Size() // bbolt may grow a file past its last page
	return info, nil
}

// DefaultBackupDir is the "backups" folder beside the database file: for the default database,
// os.UserConfigDir()/SalesDesk/backups. Each database elsewhere gets its own, so two databases never
// mix their backups.
func DefaultBackupDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "backups")
}

// BackupDir is the folder the settings name for backups, or the default one.
func (s *Store) BackupDir() string {
	if d := s.Settings().Backup.Dir; d != "" {
		return d
	}
	return DefaultBackupDir(s.path)
}

const (
	BackupDaily         data.BackupKind = "daily"          // salesdesk-2026-11-23.db, made by AutoBackup and rotated
	BackupManual        data.BackupKind = "manual"         // salesdesk-2026-11-23-143501.db, made by BackupNow; kept
	BackupBeforeRestore data.BackupKind = "before-restore" // salesdesk-before-restore-2026-11-23-143501.db; kept
)

const (
	dayLayout    = "2006-01-02"
	momentLayout = "2006-01-02-150405"
)

var (
	dailyName         = regexp.MustCompile(`^(.+)-(\d{4}-\d{2}-\d{2})\.db$`)
	manualName        = regexp.MustCompile(`^(.+)-(\d{4}-\d{2}-\d{2}-\d{6})\.db$`)
	beforeRestoreName = regexp.MustCompile(`^(.+)-before-restore-(\d{4}-\d{2}-\d{2}-\d{6})(-\d+)?\.db$`)
)

// parseBackupName reads a backup's name; ok is false for any other file, which SalesDesk never touches.
func parseBackupName(name string) (stem string, kind data.BackupKind, date time.Time, ok bool) {
	for _, p := range []struct {
		re     *regexp.Regexp
		kind   data.BackupKind
		layout string
	}{{beforeRestoreName, BackupBeforeRestore, momentLayout}, {manualName, BackupManual, momentLayout}, {dailyName, BackupDaily, dayLayout}} {
		m := p.re.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		t, err := time.ParseInLocation(p.layout, m[2], time.Local)
		if err != nil {
			continue
		}
		return m[1], p.kind, t, true
	}
	return "", "", time.Time{}, false
}

// BackupName is the file name of a backup of the database at dbPath made at t: salesdesk-2026-11-23.db
// (daily), salesdesk-2026-11-23-143501.db (manual), salesdesk-before-restore-2026-11-23-143501.db.
func BackupName(dbPath string, kind data.BackupKind, t time.Time) string {
	stem := backupStem(dbPath)
	switch kind {
	case BackupDaily:
		return stem + "-" + t.Format(dayLayout) + ".db"
	case BackupBeforeRestore:
		return stem + "-before-restore-" + t.Format(momentLayout) + ".db"
	default:
		return stem + "-" + t.Format(momentLayout) + ".db"
	}
}

// backupStem is the name a database's backups start with: its file name without the extension.
func backupStem(dbPath string) string {
	base := filepath.Base(dbPath)
	if stem := strings.TrimSuffix(base, filepath.Ext(base)); stem != "" {
		return stem
	}
	return base
}

// ListBackups lists the backups in dir, newest first; files with other names are not listed. A folder
// that does not exist yet has none.
func ListBackups(dir string) ([]data.BackupFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("data: list backups in %s: %w", dir, err)
	}
	var out []data.BackupFile
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		stem, kind, date, ok := parseBackupName(e.Name())
		if !ok {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		out = append(out, data.BackupFile{Path: filepath.Join(dir, e.Name()), Stem: stem, Kind: kind, Date: date, Size: fi.Size()})
	}
	sortNewestFirst(out)
	return out, nil
}

func sortNewestFirst(files []data.BackupFile) {
	sort.SliceStable(files, func(i, j int) bool {
		if !files[i].Date.Equal(files[j].Date) {
			return files[i].Date.After(files[j].Date)
		}
		return files[i].Path > files[j].Path
	})
}

// Backups lists this database's backups in its backup folder, newest first.
func (s *Store) Backups() ([]data.BackupFile, error) {
	all, err := ListBackups(s.BackupDir())
	return ofStem(all, backupStem(s.path)), err
}

func ofStem(files []data.BackupFile, stem string) []data.BackupFile {
	var out []data.BackupFile
	for _, f := range files {
		if f.Stem == stem {
			out = append(out, f)
		}
	}
	return out
}

// ---------------------------------------------------------------------------------------------
// Daily backups and their rotation

// backupMu lets one automatic backup run at a time in the process: two at once would both find no
// backup of today and race for its name.
var backupMu sync.Mutex

// AutoBackup makes today's backup if the backup folder has none yet, then removes the daily backups
// the rotation no longer keeps (Rotate). It returns the backup it made (nil if today's existed) and
// the files it removed. An empty database is not backed up. A failed backup removes nothing.
func (s *Store) AutoBackup(ctx context.Context, now time.Time) (made *data.BackupInfo, pruned []string, err error) {
	backupMu.Lock()
	defer backupMu.Unlock()
	if s.IsEmpty() {
		return nil, nil, nil
	}
	dir, stem, keep := s.BackupDir(), backupStem(s.path), s.Settings().Backup.Keep
	pruned = append(pruned, removeStaleTemps(dir, s.path)...)
	files, err := ListBackups(dir)
	if err != nil {
		return nil, nil, err
	}
	path := filepath.Join(dir, BackupName(s.path, BackupDaily, now))
	if !hasPath(files, path) {
		info, err := s.BackupTo(ctx, path, nil)
		if err != nil {
			return nil, nil, err
		}
		made = &info
		if files, err = ListBackups(dir); err != nil {
			return made, pruned, err
		}
	}
	_, drop := Rotate(ofStem(files, stem), now, keep)
	var errs []error
	for _, f := range drop {
		if err := os.Remove(f.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		pruned = append(pruned, f.Path)
	}
	if err := errors.Join(errs...); err != nil {
		return made, pruned, fmt.Errorf("data: rotate backups in %s: %w", dir, err)
	}
	return made, pruned, nil
}

func hasPath(files []data.BackupFile, path string) bool {
	for _, f := range files {
		if f.Path == path {
			return true
		}
	}
	return false
}

// Rotate splits backups into those to keep and those to remove: of each database's daily backups it
// keeps the newest of each of the last keep.Daily days, keep.Weekly ISO weeks and keep.Monthly months
// that have one (a period without a backup does not use up a place, so backups of a desk left unused
// for months are not all thrown away), and always the newest. Files of other kinds or names, and
// daily backups dated after now (a clock set wrong), are always kept. Both lists are newest first.
func Rotate(files []data.BackupFile, now time.Time, keep data.Retention) (kept, drop []data.BackupFile) {
	today := now.Format(dayLayout)
	byStem := map[string][]data.BackupFile{}
	for _, f := range files {
		stem, kind, date, ok := parseBackupName(filepath.Base(f.Path))
		if !ok || kind != BackupDaily || stem != f.Stem || date.Format(dayLayout) > today {
			kept = append(kept, f)
			continue
		}
		f.Date = date
		byStem[stem] = append(byStem[stem], f)
	}
	for _, daily := range byStem {
		sortNewestFirst(daily)
		keepSet := map[string]bool{daily[0].Path: true}
		for _, rule := range []struct {
			n      int
			period func(t time.Time) string
		}{
			{keep.Daily, func(t time.Time) string { return t.Format(dayLayout) }},
			{keep.Weekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) }},
			{keep.Monthly, func(t time.Time) string { return t.Format("2006-01") }},
		} {
			seen := map[string]bool{}
			for _, f := range daily {
				p := rule.period(f.Date)
				if seen[p] {
					continue
				}
				if len(seen) == rule.n {
					break
				}
				seen[p] = true
				keepSet[f.Path] = true
			}
		}
		for _, f := range daily {
			if keepSet[f.Path] {
				kept = append(kept, f)
			} else {
				drop = append(drop, f)
			}
		}
	}
	sortNewestFirst(kept)
	sortNewestFirst(drop)
	return kept, drop
}

// ---------------------------------------------------------------------------------------------
// Restoring

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// BackupDir receives the safety copy of the file being replaced. Empty: the backup folder the
	// file's own settings name, else the default one beside it.
	BackupDir string
	// Now names the safety copy; zero is the current time.
	Now time.Time
	// Progress hears how far the copy of the backup is.
	Progress data.Progress
}

// RestoreResult tells what Restore did.
type RestoreResult struct {
	Restored data.BackupInfo // the backup, as PreviewBackup describes it
	// SafetyCopy is where the replaced file was copied before it was replaced; "" when there was no
	// file to replace.
	SafetyCopy string
}

// Restore replaces the database at to with the backup at from. The database must be closed: Restore
// works on files, and a window or process holding the file makes it fail with ErrLocked. It checks the
// backup (PreviewBackup), copies the current file byte for byte into the backup folder as
// <name>-before-restore-<time>.db — damaged or not, so nothing is lost — then copies the backup
// beside the database, syncs and checks the copy, moves it over the database in one rename, and opens
// the result read-only to be sure it opens. The backup file itself is not changed.
func Restore(from, to string, opt RestoreOptions) (RestoreResult, error) {
	var res RestoreResult
	to = linkTarget(to)
	fail := func(err error) (RestoreResult, error) {
		return res, fmt.Errorf("data: restore %s to %s: %w", from, to, err)
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	info, err := PreviewBackup(from)
	if err != nil {
		return res, err
	}
	res.Restored = info
	if same, _ := sameFile(from, to); same {
		return fail(ErrSameFile)
	}
	dir := filepath.Dir(to)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail(err)
	}
	removeDBTemps(to, tempRestore)
	// Holding the file read-only keeps a window from opening it for writing meanwhile; a file that
	// does not open (damaged, foreign) cannot be open in a window either.
	var held *bolt.DB
	release := func() {
		if held != nil {
			_ = held.Close()
			held = nil
		}
	}
	defer release()
	st, statErr := os.Stat(to)
	exists := statErr == nil && st.Size() > 0
	if exists {
		// A file shorter than its pages say is not mapped at all: reading past its end would crash.
		if checkLength(to, st.Size()) == nil {
			b, err := openBolt(to, true)
			if errors.Is(err, data.ErrLocked) {
				return res, err
			}
			held = b
		}
		if opt.BackupDir == "" {
			// The settings of a damaged file are not read: bbolt could crash on its pages.
			sound := held
			if _, err := VerifyFile(to); err != nil {
				sound = nil
			}
			opt.BackupDir = backupDirOf(sound, to)
		}
		if res.SafetyCopy, err = safetyCopy(to, opt.BackupDir, opt.Now); err != nil {
			return fail(fmt.Errorf("copy the current file first: %w", err))
		}
	}
	f, unhold, err := createTemp(dir, filepath.Base(to), tempRestore)
	if err != nil {
		return fail(err)
	}
	defer unhold()
	tmp := f.Name()
	installed := false
	defer func() {
		if !installed {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err := copyFrom(f, from, opt.Progress); err != nil {
		return fail(err)
	}
	pauseAfterTemp(tempRestore, tmp)
	got, err := previewFile(tmp)
	if err != nil {
		return fail(fmt.Errorf("the copy does not verify: %w", err))
	}
	if got.Counts != info.Counts || got.Schema != info.Schema || got.Txid != info.Txid {
		return fail(fmt.Errorf("the copy does not verify: %w", data.ErrDamaged))
	}
	// Windows cannot replace a mapped file: there the lock is let go just before the rename.
	if runtime.GOOS == "windows" {
		release()
	}
	if err := keepMode(tmp, to); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, to); err != nil {
		return fail(err)
	}
	installed = true
	release()
	if err := syncDir(dir); err != nil {
		return fail(err)
	}
	s, err := Open(to, Options{ReadOnly: true})
	if err != nil {
		return fail(fmt.Errorf("the restored file does not open (the replaced file is at %s): %w", res.SafetyCopy, err))
	}
	return res, s.Close()
}

// backupDirOf reads the backup folder from the settings of an open file, or gives the default.
func backupDirOf(b *bolt.DB, dbPath string) string {
	dir := DefaultBackupDir(dbPath)
	if b == nil {
		return dir
	}
	_ = viewSafely(b, func(tx *bolt.Tx) error {
		if st, err := loadSettings(tx); err == nil && st.Backup.Dir != "" {
			dir = st.Backup.Dir
		}
		return nil
	})
	return dir
}

// safetyCopy copies the file at path byte for byte into dir as <stem>-before-restore-<time>.db and
// returns the copy's path.
func safetyCopy(path, dir string, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	removeBackupTemps(dir, path)
	f, unhold, err := createTemp(dir, filepath.Base(path), tempSafety)
	if err != nil {
		return "", err
	}
	defer unhold()
	tmp := f.Name()
	defer func() {
		_ = f.Close()
		_ = os.Remove(tmp) // a no-op once linked
	}()
	if err := copyFrom(f, path, nil); err != nil {
		return "", err
	}
	want, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if got, err := os.Stat(tmp); err != nil || got.Size() != want.Size() {
		return "", fmt.Errorf("the copy of %s is incomplete", path)
	}
	base := strings.TrimSuffix(BackupName(path, BackupBeforeRestore, now), ".db")
	for i := 1; ; i++ {
		name := base + ".db"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.db", base, i)
		}
		dst := filepath.Join(dir, name)
		err := linkNew(tmp, dst)
		if errors.Is(err, ErrBackupExists) && i < 100 {
			continue
		}
		if err != nil {
			return "", err
		}
		return dst, syncDir(dir)
	}
}

// copyFrom copies the file at path into f, syncs it and closes it.
func copyFrom(f *os.File, path string, progress data.Progress) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	var w io.Writer = f
	if progress != nil {
		w = &copyWriter{ctx: context.Background(), w: f, total: st.Size(), progress: progress}
	}
	n, err := io.Copy(w, src)
	if err != nil {
		return err
	}
	if n != st.Size() {
		return fmt.Errorf("copied %d of %d bytes of %s", n, st.Size(), path)
	}
	if progress != nil {
		progress(n, n)
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// ---------------------------------------------------------------------------------------------
// A fast check at start

// QuickReport says what QuickCheck looked at.
type QuickReport struct {
	Pages       int // the file's pages
	FreePages   int
	Buckets     int
	BranchPages int // every branch page of every bucket, read whole
	LeafPages   int // leaf pages whose header was checked: the first under each branch
}

// QuickCheck looks at the file's structure without reading its records, before Open may write to it:
// the meta pages, the file's length, SalesDesk's format marker and schema (as Open), the freelist,
// every branch page of every bucket (in the file, itself, not free, reached once, keys in order) and
// the first leaf under each of them. It reads the file directly rather than through bbolt's mapping,
// so that garbage is reported, never a crash. A damaged file gives ErrDamaged; it is never written
// to. Store.Check (or `salesdesk check`) reads everything.
//
// On the 100k demo file (500 MB, 1,108 branch pages) it takes 9 ms from the page cache and about
// 140 ms from this machine's disk. Reading every leaf's header as well (116,000) took 140 ms and
// 490 ms; one leaf in 16, 23 ms and 550 ms: each page read from disk is a seek, so the sample stays
// at one leaf per branch.
func QuickCheck(path string) (QuickReport, error) {
	var rep QuickReport
	exists, err := inspect(path)
	if err != nil || !exists {
		return rep, err
	}
	// The shared lock keeps a writer from reusing pages under the walk.
	b, err := openBolt(path, true)
	if err != nil {
		return rep, err
	}
	defer b.Close()
	p, err := openPages(path)
	if err != nil {
		return rep, err
	}
	defer p.Close()
	w := &pageWalk{p: p, rep: &rep, reached: newPageSet(p.meta.hwm)}
	if err := w.run(); err != nil {
		return rep, fmt.Errorf("data: open %s: %w (%v)", path, data.ErrDamaged, err)
	}
	return rep, nil
}

type pageWalk struct {
	p    *pageFile
	rep  *QuickReport
	free []uint64
	// reached has a bit per page reached from a parent.
	reached pageSet
	// full reads every page of every bucket (VerifyFile) instead of sampling leaves.
	full bool
	// collect, when set, receives the top-level buckets instead of their being walked at once, so
	// that fullRoot can share them out.
	collect *[]bucketRef
	// stages are walked first, in their order (verifyFile), then the buckets none of them names.
	stages []walkStage
	// feed gets the leaves of its bucket while feeding says the walk is in that bucket.
	feed    *leafFeed
	feeding bool
}

func (w *pageWalk) run() error {
	m := w.p.meta
	w.rep.Pages = int(m.hwm)
	free, err := w.p.freelist()
	if err != nil && !errors.Is(err, errNoFreelist) {
		return err
	}
	w.free, w.rep.FreePages = free, len(free)
	if m.freelist != noFreelist {
		h, err := w.p.header(m.freelist)
		if err != nil {
			return fmt.Errorf("freelist: %w", err)
		}
		for i := range uint64(h.overflow) + 1 {
			w.reached.add(m.freelist + i)
		}
	}
	if w.full {
		return w.fullRoot()
	}
	// The root bucket's pages are read whole: they name the buckets.
	var buckets map[string]uint64
	if err := w.tree(m.root, func(id uint64, h pageHeader, b []byte) error {
		found, err := leafBuckets(id, h, b)
		if buckets == nil {
			buckets = found
		} else {
			for k, v := range found {
				buckets[k] = v
			}
		}
		return err
	}); err != nil {
		return fmt.Errorf("the list of buckets: %w", err)
	}
	w.rep.Buckets = len(buckets)
	names := make([]string, 0, len(buckets))
	for name := range buckets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if root := buckets[name]; root != 0 { // 0: small enough to live inside the root bucket's page
			if err := w.tree(root, nil); err != nil {
				return fmt.Errorf("bucket %q: %w", name, err)
			}
		}
	}
	return nil
}

// visit checks a page reached from a parent: in the file, itself, not free, not reached before.
func (w *pageWalk) visit(id uint64) (pageHeader, error) {
	h, err := w.p.header(id)
	if err != nil {
		return h, err
	}
	for i := range uint64(h.overflow) + 1 {
		if w.reached.add(id + i) {
			return h, fmt.Errorf("page %d is reached twice", id+i)
		}
		if _, free := slices.BinarySearch(w.free, id+i); free {
			return h, fmt.Errorf("page %d is in use and free", id+i)
		}
	}
	return h, nil
}

// tree walks a bucket's tree from its root. With leaf set, every leaf is read whole and handed to it;
// without, leaves are sampled by their headers.
func (w *pageWalk) tree(id uint64, leaf func(id uint64, h pageHeader, b []byte) error) error {
	h, err := w.visit(id)
	if err != nil {
		return err
	}
	switch h.flags {
	case leafPageFlag:
		w.rep.LeafPages++
		if leaf == nil {
			return nil
		}
		_, b, err := w.p.page(id)
		if err != nil {
			return err
		}
		return leaf(id, h, b)
	case branchPageFlag:
	default:
		return fmt.Errorf("page %d has unexpected flags %#x", id, h.flags)
	}
	w.rep.BranchPages++
	_, b, err := w.p.page(id)
	if err != nil {
		return err
	}
	children, err := branchChildren(id, h, b)
	if err != nil {
		return err
	}
	if leaf != nil {
		w.p.prefetch(children)
	}
	first, err := w.p.header(children[0])
	if err != nil {
		return err
	}
	// bbolt's trees keep every leaf at the same depth: the first child tells what all of them are, and
	// under a branch of leaves only that first leaf is read (a sample; each read may be a seek).
	if first.flags == branchPageFlag || leaf != nil {
		for _, c := range children {
			if err := w.tree(c, leaf); err != nil {
				return err
			}
		}
		return nil
	}
	if _, err := w.visit(children[0]); err != nil {
		return err
	}
	if first.flags != leafPageFlag {
		return fmt.Errorf("page %d under branch %d has flags %#x", children[0], id, first.flags)
	}
	w.rep.LeafPages++
	return nil
}

// LatestGoodBackup finds the newest backup of the database at dbPath in dir that passes
// PreviewBackup, for the window to offer when the database is damaged. Backups of other databases in
// the same folder are not considered.
func LatestGoodBackup(dir, dbPath string) (data.BackupInfo, bool) {
	files, err := ListBackups(dir)
	if err != nil {
		return data.BackupInfo{}, false
	}
	for _, f := range ofStem(files, backupStem(dbPath)) {
		if same, _ := sameFile(f.Path, dbPath); same {
			continue
		}
		if info, err := PreviewBackup(f.Path); err == nil {
			return info, true
		}
	}
	return data.BackupInfo{}, false
}

// removeStaleTemps removes the temp files of this database's backups that killed copies left in the
// backup folder (temps.go); only SalesDesk's own temp names are touched, and never one in use.
func removeStaleTemps(dir, dbPath string) []string { return removeBackupTemps(dir, dbPath) }
