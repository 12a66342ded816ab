package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// ---------------------------------------------------------------------------------------------
// backup, restore, compact

// parseFile parses a subcommand's flags around exactly one FILE argument, so that
// `backup x.db --db y.db` and `backup --db y.db x.db` are the same.
func parseFile(fs *flag.FlagSet, args []string) (string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", err
			}
			return "", usageError{} // flag already printed what was wrong
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch len(files) {
	case 0:
		return "", badUsage("%s: name the backup file", fs.Name())
	case 1:
		return files[0], nil
	default:
		return "", badUsage("%s: unexpected argument %q", fs.Name(), files[1])
	}
}

// megabytes formats a size for people.
func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func describeCounts(c data.RecordCounts) string {
	return fmt.Sprintf("%d customers, %d follow-ups, %d deals, %d team members", c.Customers, c.FollowUps, c.Deals, c.Members)
}

// progressTo prints a copy's progress on one line of w, at most ten times a second.
func progressTo(w io.Writer, verb string) (data.Progress, func()) {
	var last time.Time
	shown := false
	return func(done, total int64) {
			if done < total && time.Since(last) < 100*time.Millisecond {
				return
			}
			last, shown = time.Now(), true
			fmt.Fprintf(w, "\r%s %s of %s", verb, megabytes(done), megabytes(total))
		}, func() {
			if shown {
				fmt.Fprintln(w)
			}
		}
}

func (c *cli) backup(args []string, globalDB string) error {
	fs, db := c.newFlags("backup")
	file, err := parseFile(fs, args)
	if err != nil {
		return err
	}
	// Ctrl-C stops the copy; the temp file is removed and nothing takes the backup's name.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if c.host != "" {
		return c.backupFromHost(ctx, file, *db, globalDB)
	}
	s, path, err := readStore(*db, globalDB)
	if err != nil {
		return err
	}
	defer s.Close()
	sess, err := c.session(s)
	if err != nil {
		return err
	}
	start := time.Now()
	progress, endLine := progressTo(c.stderr, "copied")
	info, err := sess.BackupNow(ctx, file, progress)
	endLine()
	switch {
	case errors.Is(err, storage.ErrBackupExists):
		return fmt.Errorf("%s already exists; choose another name (a backup never replaces a file)", file)
	case errors.Is(err, storage.ErrSameFile):
		return fmt.Errorf("%s is the database itself; choose another file", file)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("backup of %s interrupted; nothing was written", path)
	case data.ErrorCode(err) == data.CodeForbidden:
		return err // exit 6, in the refusal's own words
	case err != nil:
		return fmt.Errorf("backup of %s to %s failed: %v", path, file, err)
	}
	fmt.Fprintf(c.stdout, "backed up %s to %s\n  %s, schema %d: %s\n  verified (page check, record counts) in %s\n",
		path, info.Path, megabytes(info.Size), info.Schema, describeCounts(info.Counts), time.Since(start).Round(time.Millisecond))
	return nil
}

// backupFromHost has the host make a verified backup in its own folder and writes the same bytes to
// file on this desktop, which is checked as a backup before it takes the name.
func (c *cli) backupFromHost(ctx context.Context, file, db, globalDB string) error {
	cl, end, err := c.hostSession(db, globalDB)
	if err != nil {
		return err
	}
	defer end()
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s already exists; choose another name (a backup never replaces a file)", file)
	}
	start := time.Now()
	progress, endLine := progressTo(c.stderr, "received")
	var info data.BackupInfo
	err = storage.WriteOutput(file, desktopOutputGuard(), false, func(w io.Writer) error {
		var err error
		info, err = cl.Backup(ctx, w, progress)
		return err
	})
	endLine()
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("backup from %s interrupted; nothing was written", c.host)
	case data.ErrorCode(err) == data.CodeForbidden:
		return err
	case err != nil:
		return fmt.Errorf("backup from %s to %s failed: %v", c.host, file, err)
	}
	// The copy that arrived is checked here too: the network could have cut or changed it.
	got, err := storage.PreviewBackup(file)
	if err != nil {
		_ = os.Remove(file)
		return fmt.Errorf("the backup from %s did not arrive whole (%v); nothing was kept", c.host, err)
	}
	fmt.Fprintf(c.stdout, "backed up %s to %s (the host keeps %s)\n  %s, schema %d: %s\n  verified in %s\n",
		c.host, file, info.Path, megabytes(got.Size), got.Schema, describeCounts(got.Counts), time.Since(start).Round(time.Millisecond))
	return nil
}

// describeBackupError turns the errors about a backup file into one line a user can act on.
func describeBackupError(file string, err error) error {
	switch {
	case errors.Is(err, data.ErrDamaged):
		return fmt.Errorf("%s is damaged and cannot be restored; choose another backup (%v)", file, err)
	case errors.Is(err, data.ErrNotSalesDesk):
		return fmt.Errorf("%s is not a SalesDesk backup; check the path", file)
	case errors.Is(err, data.ErrTooNew):
		return fmt.Errorf("%s was written by a newer SalesDesk (this is %s, schema %d); update SalesDesk to restore it",
			file, version, storage.SchemaVersion())
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s does not exist; check the path", file)
	case errors.Is(err, data.ErrLocked):
		return fmt.Errorf("%s is open in a SalesDesk window; close it and try again", file)
	default:
		return fmt.Errorf("%s cannot be read: %v", file, err)
	}
}

func (c *cli) restore(args []string, globalDB string) error {
	fs, db := c.newFlags("restore")
	yes := fs.Bool("yes", false, "replace the database with the backup (without it, only show the backup)")
	file, err := parseFile(fs, args)
	if err != nil {
		return err
	}
	path, err := dbPath(firstNonEmpty(*db, globalDB))
	if err != nil {
		return err
	}
	info, err := storage.PreviewBackup(file)
	if err != nil {
		return describeBackupError(file, err)
	}
	fmt.Fprintf(c.stdout, "backup %s\n  made %s, %s, schema %d", file, info.Time.Format("2006-01-02 15:04"), megabytes(info.Size), info.Schema)
	if !info.LastChange.IsZero() {
		fmt.Fprintf(c.stdout, ", last change %s", info.LastChange.Local().Format("2006-01-02 15:04"))
	}
	fmt.Fprintf(c.stdout, "\n  %s\n", describeCounts(info.Counts))
	if info.Schema < storage.SchemaVersion() {
		fmt.Fprintf(c.stdout, "  note: schema %d is older than this SalesDesk's %d; opening the restored file upgrades it\n",
			info.Schema, storage.SchemaVersion())
	}
	if !*yes {
		fmt.Fprintf(c.stdout, "nothing was changed; to replace %s with this backup, run again with --yes\n", path)
		return nil
	}
	if err := c.requireAdminOf(path, file); err != nil {
		return err
	}
	progress, endLine := progressTo(c.stderr, "restored")
	res, err := storage.Restore(file, path, storage.RestoreOptions{Progress: progress})
	endLine()
	switch {
	case errors.Is(err, data.ErrLocked):
		return describeOpenError(path, err)
	case errors.Is(err, storage.ErrSameFile):
		return fmt.Errorf("%s is the database itself; choose a backup", file)
	case err != nil:
		return fmt.Errorf("restore of %s to %s failed: %v", file, path, err)
	}
	if res.SafetyCopy != "" {
		fmt.Fprintf(c.stdout, "the replaced database was copied to %s first\n", res.SafetyCopy)
	} else {
		fmt.Fprintf(c.stdout, "there was no database at %s; it was created from the backup\n", path)
	}
	fmt.Fprintf(c.stdout, "restored %s to %s\n", file, path)
	return nil
}

func (c *cli) compact(args []string, globalDB string) error {
	fs, db := c.newFlags("compact")
	if err := parse(fs, args); err != nil {
		return err
	}
	path, err := dbPath(firstNonEmpty(*db, globalDB))
	if err != nil {
		return err
	}
	// The page check first: it tells a damaged or foreign file apart before anything is copied.
	if _, err := storage.PreviewBackup(path); err != nil {
		return describeOpenError(path, err)
	}
	if err := c.requireAdminOf(path, ""); err != nil {
		return err
	}
	start := time.Now()
	res, err := storage.CompactFile(path)
	if err != nil {
		return describeOpenError(path, err)
	}
	if !res.Swapped {
		fmt.Fprintf(c.stdout, "%s is already compact (%s; packed it would be %s); nothing was changed\n",
			path, megabytes(res.Before), megabytes(res.After))
		return nil
	}
	fmt.Fprintf(c.stdout, "compacted %s: %s → %s in %s\n  %s, verified\n",
		path, megabytes(res.Before), megabytes(res.After), time.Since(start).Round(time.Millisecond), describeCounts(res.Counts))
	return nil
}

// salvage copies what can be read of a damaged database into a new file: the way out when no backup
// holds the latest work. The damaged file is only read.
func (c *cli) salvage(args []string, globalDB string) error {
	fs, db := c.newFlags("salvage")
	file, err := parseFile(fs, args)
	if err != nil {
		return err
	}
	path, err := dbPath(firstNonEmpty(*db, globalDB))
	if err != nil {
		return err
	}
	if st, err := os.Stat(file); err == nil && st.IsDir() {
		file = filepath.Join(file, strings.TrimSuffix(filepath.Base(path), ".db")+"-rescued-"+time.Now().Format("2006-01-02-1504")+".db")
	}
	res, err := storage.Salvage(path, file)
	switch {
	case errors.Is(err, storage.ErrBackupExists):
		return fmt.Errorf("%s already exists; choose a new file (salvage never replaces one)", file)
	case errors.Is(err, storage.ErrSameFile):
		return fmt.Errorf("%s is the damaged file itself; choose a new file", file)
	case errors.Is(err, data.ErrOutputProtected):
		return err
	case err != nil:
		return describeOpenError(path, err)
	}
	fmt.Fprintf(c.stdout, "copied %d records in %d buckets from %s to %s\n", res.Records, res.Buckets, path, file)
	if res.OlderMeta {
		fmt.Fprintf(c.stdout, "  note: the copy was read through the older of the file's two header pages (the newer one, or what it points at, is damaged): it shows the file as it was before its latest change\n")
	}
	if len(res.Lost) > 0 {
		fmt.Fprintf(c.stdout, "  %d parts could not be read and are missing from the copy:\n", len(res.Lost))
		for i, l := range res.Lost {
			if i == 10 {
				fmt.Fprintf(c.stdout, "    … and %d more\n", len(res.Lost)-10)
				break
			}
			fmt.Fprintf(c.stdout, "    - %s\n", l)
		}
	}
	fmt.Fprintf(c.stdout, "next: `salesdesk check --db %s` lists what no longer holds together; `salesdesk --db %s` opens it in the window; `salesdesk export --db %s --format json --out FILE` exports it\n",
		file, file, file)
	return nil
}
