package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"salesdesk/data"
	"salesdesk/data/storage"
	"salesdesk/gui"
)

// version is the release; builds set it with -ldflags "-X main.version=1.2.3".
var version = "0.1.0"

// startGUI opens the window on the database at path. It is a variable so that the tests of the
// command line can check the dispatch without opening a window.
var startGUI = func(path string, chosen bool) error {
	return gui.Run(gui.Config{DBPath: path, FileChosen: chosen, Version: version})
}

// Exit codes.
const (
	exitOK       = 0
	exitFailure  = 1 // the command ran and failed, or found problems
	exitBadUsage = 2 // the command line itself was wrong
)

const usageText = `SalesDesk — a desktop CRM for small sales teams.

Usage:
  salesdesk [--db PATH]                 open the window
  salesdesk version                     print the version and the database schema it writes
  salesdesk demo [--db PATH] [--customers N] [--seed S] [--force]
                                        fill a new database with demo customers, follow-ups and deals
  salesdesk customers [--db PATH] [--grade A|B|C|D] [--status S] [--owner NAME]
                      [--search TEXT] [--archived] [--sort KEY] [--desc]
                      [--format table|json|csv]
                                        list customers (opens the file read-only)
  salesdesk customers show ID [--db PATH]
                                        print one customer card as JSON (read-only)
  salesdesk opportunities [--db PATH] [--stage S] [--owner NAME] [--format table|json|csv]
                                        list the pipeline's deals (read-only)
  salesdesk forecast [--db PATH] [--quarterly] [--format table|json]
                                        weighted forecast by month or quarter of expected close
  salesdesk report [--db PATH] [--period 2024Q1|2024-03|2024] [--last N] [--segments]
                   [--format table|json|csv|xlsx] [--lang en|zh] [--out FILE [--force]]
                                        the sales metrics of a period against their targets, per rep;
                                        --segments: customer composition, ABC and RFM (read-only)
  salesdesk import FILE [--db PATH] [--dry-run] [--mapping M.json] [--write-mapping M.json]
                   [--on-duplicate skip|update|create] [--rejects OUT.csv] [--owner NAME|none] [--force]
                                        import customers, contacts, deals and follow-ups from a CSV or
                                        Excel file (or a JSON export into an empty database)
  salesdesk export --format json|csv|xlsx [--what customers|opportunities|followups|all]
                   [--out FILE [--force]] [--lang zh|en] [--audit] [customers' filters] [--stage S]
                                        export the lists (csv, xlsx) or everything (json); audited
  salesdesk members [list] [--format table|json] | add --login L --name N [--role R]
                  | deactivate|activate|reset|unlock LOGIN
                                        the team and its sign-ins (admin; new passwords from
                                        SALESDESK_NEW_PASSWORD or a prompt)
  salesdesk imports [--db PATH]         list the imports, newest first (read-only)
  salesdesk undo-import ID [--force] [--db PATH]
                                        undo an import: remove what it created, restore what it changed
  salesdesk check [--db PATH]           verify the database file (read-only)
  salesdesk backup FILE [--db PATH]     write a verified copy of the database to FILE (or into folder FILE, or FILE/)
  salesdesk restore FILE [--db PATH] [--yes]
                                        show a backup; with --yes, copy the database to the backup
                                        folder and replace it with the backup (window closed)
  salesdesk compact [--db PATH]         rewrite the file without its free pages (window closed)
  salesdesk salvage [--db PATH] NEW.db copy what can still be read of a damaged file into a new one
  salesdesk pool list|claim ID|release ID --reason R|assign ID --to LOGIN|history ID|sweep [--user LOGIN]
                                        the lead pool (公海): list it with filters, take, give back, assign
  salesdesk handover --from LOGIN --to LOGIN|--pool [--customers 1,2,3] [--yes] [--user LOGIN]
                                        move a rep's cards with their open deals; without --yes, the counts
  salesdesk audit [--user LOGIN] [--member NAME] [--customer ID|CARD] [--since DATE] [--until DATE]
                  [--action A] [--record KIND] [--limit N] [--format table|json|csv]
                                        the audit trail, newest first, each changed field old and new
                                        (managers and admins; a card's own history for its owner)
  salesdesk serve [--db PATH] [--listen ADDR]
                                        serve the database to the office's desktops (office mode):
                                        prints the addresses, pairing code and certificate; SIGTERM stops it
  salesdesk hosts [--timeout 2s]        list the office hosts that answer on the network (DNS-SD)
  salesdesk bench [--customers N | --from FILE] [--runs R] [--dir DIR]
                                        make a demo file of N customers (or copy FILE) in a temporary
                                        folder and print how fast each thing is on this machine; with
                                        SQLite and raw bbolt beside it: go run ./data/perf/peers
  salesdesk help                        print this help

Every command takes --db PATH; the default is %s.
Commands on a team of two or more sign in: --user LOGIN, the password from SALESDESK_PASSWORD or
a prompt. Every command on the records also works against an office host (salesdesk serve):
--host ADDR --fingerprint SHA256:… (or SALESDESK_FINGERPRINT) instead of --db.
Statuses: %s. Sort keys: %s.
Exit status: 0 success, 1 failure (or problems found by check), 2 bad command line, 5 sign-in failed,
6 refused by role (the signed-in member may not do it, or the record is another member's).
Details: docs/cli.md.
`

// storeClock is the clock of the files the commands open; nil is the wall clock. Tests freeze it
// where a rule counts time, such as the wait after wrong passwords.
var storeClock func() time.Time

func printUsage(w io.Writer) {
	def, err := storage.DefaultPath()
	if err != nil {
		def = "the SalesDesk folder in your user configuration folder"
	}
	statuses := make([]string, len(data.Statuses))
	for i, s := range data.Statuses {
		statuses[i] = string(s)
	}
	keys := make([]string, len(data.SortKeys))
	for i, k := range data.SortKeys {
		keys[i] = string(k)
	}
	fmt.Fprintf(w, usageText, def, strings.Join(statuses, ", "), strings.Join(keys, ", "))
}

// usageError is a wrong command line: its message is printed above the usage and the exit status is 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func badUsage(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// cli carries the output streams through the subcommands.
type cli struct {
	stdout, stderr io.Writer
	user           string // --user: who signs in
	// host and fingerprint (--host, --fingerprint) send the command to an office host instead of a file.
	host, fingerprint string
}

// session signs the command in: every command that reads or writes the team's data works through
// the session, so the roles the window obeys apply on the command line too.
func (c *cli) session(st *storage.Store) (*storage.Session, error) {
	return cliSignIn(st, c.user, c.stderr)
}

// run is the whole program: it parses args (without the program name), runs the command and returns
// the exit status. It writes only to stdout and stderr.
func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr}
	err := c.dispatch(args)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		printUsage(stdout)
		return exitOK
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintf(stderr, "salesdesk: %s\n\n", ue.msg)
		}
		printUsage(stderr)
		return exitBadUsage
	case errors.Is(err, errSilent):
		return exitFailure
	case refusalExit(err) != 0:
		fmt.Fprintf(stderr, "salesdesk: %v\n", err)
		return refusalExit(err)
	default:
		fmt.Fprintf(stderr, "salesdesk: %v\n", err)
		return exitFailure
	}
}

// errSilent is a failure whose message was already printed (check's problem list).
var errSilent = errors.New("failed")

// newFlags makes a subcommand's flag set. Parse errors are printed by flag itself to stderr; the usage
// is printed by run, so a flag set's own Usage does nothing.
func (c *cli) newFlags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {}
	db := fs.String("db", "", "database file (default: the SalesDesk file in the user's config folder)")
	// Given before the subcommand, --user is the subcommand's default too.
	fs.StringVar(&c.user, "user", c.user, "the member to sign in as (password from "+passwordEnv+" or a prompt)")
	fs.StringVar(&c.host, "host", c.host, "an office host (address:port) to work on instead of a file")
	fs.StringVar(&c.fingerprint, "fingerprint", c.fingerprint, "the host's certificate fingerprint, SHA256:… (or "+fingerprintEnv+")")
	return fs, db
}

// parse parses a subcommand's flags, refusing positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{} // flag already printed what was wrong
	}
	if fs.NArg() > 0 {
		return badUsage("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// dbPath returns the --db value, or the default when none was given.
func dbPath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	return storage.DefaultPath()
}

func (c *cli) dispatch(args []string) error {
	// Global flags come before the subcommand: `salesdesk --db x.db` opens the window on x.db, and
	// `salesdesk --db x.db check` checks it.
	fs, db := c.newFlags("salesdesk")
	showVersion := fs.Bool("version", false, "print the version")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{}
	}
	if *showVersion {
		if fs.NArg() > 0 {
			return badUsage("--version takes no arguments")
		}
		return c.version(nil, "")
	}
	rest := fs.Args()
	if len(rest) == 0 {
		path, err := dbPath(*db)
		if err != nil {
			return err
		}
		if err := startGUI(path, *db != ""); err != nil {
			return describeOpenError(path, err)
		}
		return nil
	}
	cmd, cmdArgs := rest[0], rest[1:]
	if (c.host != "" || hostFlagIn(cmdArgs)) && !remoteCommands[cmd] && cmd != "hosts" && cmd != "bench" {
		return badUsage("%s works on the file itself, on the computer that holds it (stop the host first for restore, compact and salvage); --host works with %s", cmd, remoteCommandList())
	}
	switch cmd {
	case "help":
		return flag.ErrHelp
	case "version":
		return c.version(cmdArgs, *db)
	case "demo":
		return c.demo(cmdArgs, *db)
	case "customers":
		return c.customers(cmdArgs, *db)
	case "check":
		return c.check(cmdArgs, *db)
	case "serve":
		return c.serve(cmdArgs, *db)
	case "hosts":
		return c.hosts(cmdArgs)
	case "bench":
		return c.bench(cmdArgs)
	case "opportunities":
		return c.opportunities(cmdArgs, *db)
	case "forecast":
		return c.forecast(cmdArgs, *db)
	case "report":
		return c.report(cmdArgs, *db)
	case "import":
		return c.importCmd(cmdArgs, *db)
	case "export":
		return c.export(cmdArgs, *db)
	case "undo-import":
		return c.undoImport(cmdArgs, *db)
	case "imports":
		return c.imports(cmdArgs, *db)
	case "backup":
		return c.backup(cmdArgs, *db)
	case "restore":
		return c.restore(cmdArgs, *db)
	case "compact":
		return c.compact(cmdArgs, *db)
	case "salvage":
		return c.salvage(cmdArgs, *db)
	case "members":
		return c.members(cmdArgs, *db)
	case "pool":
		return c.pool(cmdArgs, *db)
	case "handover":
		return c.handover(cmdArgs, *db)
	case "audit":
		return c.audit(cmdArgs, *db)
	default:
		return badUsage("unknown command %q", cmd)
	}
}

// readStore opens the file a command names (its --db, else the global one) read-only.
func readStore(db, globalDB string) (*storage.Store, string, error) {
	return storeAt(db, globalDB, true)
}

// readSession opens the database named by the flags read-only and signs in to it, or signs in to the
// host of --host; closeFile closes the file or ends the session.
func (c *cli) readSession(db, globalDB string) (s data.Service, closeFile func() error, err error) {
	if c.host != "" {
		if db != "" || globalDB != "" {
			return nil, nil, badUsage("give --db or --host, not both")
		}
		return c.remoteSession()
	}
	file, _, err := readStore(db, globalDB)
	if err != nil {
		return nil, nil, err
	}
	if s, err = c.session(file); err != nil {
		file.Close()
		return nil, nil, err
	}
	return s, file.Close, nil
}

// writeStore opens the database named by the flags for commands that change it (import, undo).
func writeStore(db, globalDB string) (*storage.Store, string, error) {
	return storeAt(db, globalDB, false)
}

// auditedStore opens the database for a command that only reads but must leave an audit line (an
// export, a report written as a file): writable, so the line can be written, without the full record
// check of the commands that change records, since the one write appends a line to the trail. A
// backup is never opened for writing: its export is a copy of a copy and is read as before.
func (c *cli) auditedStore(db, globalDB string) (*storage.Store, string, error) {
	path, err := dbPath(firstNonEmpty(db, globalDB))
	if err != nil {
		return nil, "", err
	}
	if _, err := os.Stat(path); err != nil {
		s, err := openStore(path, true) // refused as any read is: an export never creates a database
		return s, path, err
	}
	// The audit line is a write, and nothing may be written to a damaged file: such a file, like a
	// backup, is exported read-only and without the line (an export is how its data gets out).
	s, err := storage.Open(path, storage.Options{Now: storeClock, FullCheck: true})
	if damaged := errors.Is(err, data.ErrDamaged); damaged || errors.Is(err, data.ErrIsBackup) {
		if s, err = storage.Open(path, storage.Options{Now: storeClock, ReadOnly: true}); err == nil && damaged {
			fmt.Fprintln(c.stderr, "warning: the database is damaged, so this export is not recorded in its audit trail; see salesdesk check and salvage")
		}
	}
	if err != nil {
		return nil, path, describeOpenError(path, err)
	}
	return s, path, nil
}

// requireAdminOf refuses restore and compact unless an administrator signs in, when the database
// needs sign-in: they replace the whole file, which issue 11 gives to administrators. A database that
// does not exist yet has nobody to ask; one too damaged to open is checked against the backup that
// is to replace it (alt), whose team is the one the restored file will have.
func (c *cli) requireAdminOf(path, alt string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	st, err := storage.Open(path, storage.Options{Now: storeClock, ReadOnly: true})
	if errors.Is(err, data.ErrDamaged) && alt != "" {
		st, err = storage.Open(alt, storage.Options{Now: storeClock, ReadOnly: true})
	}
	if err != nil {
		return describeOpenError(path, err)
	}
	defer st.Close()
	sess, err := c.session(st)
	if err != nil {
		return err
	}
	return sess.Require(data.PermBackup)
}

func storeAt(db, globalDB string, readOnly bool) (*storage.Store, string, error) {
	path, err := dbPath(firstNonEmpty(db, globalDB))
	if err != nil {
		return nil, "", err
	}
	s, err := openStore(path, readOnly)
	return s, path, err
}

// describeOpenError turns data's open errors into one line a user can act on.
func describeOpenError(path string, err error) error {
	switch {
	case errors.Is(err, data.ErrLocked):
		return fmt.Errorf("%s is open in another SalesDesk window; close it and try again", path)
	case errors.Is(err, data.ErrNotSalesDesk):
		return fmt.Errorf("%s is not a SalesDesk database; check the path (the file was not changed)", path)
	case errors.Is(err, data.ErrTooNew):
		return fmt.Errorf("%s was written by a newer SalesDesk (this is %s, schema %d); update SalesDesk to open it",
			path, version, storage.SchemaVersion())
	case errors.Is(err, data.ErrDamaged):
		return fmt.Errorf("%s is damaged: %s; nothing was written to it. %s", path, damageReason(err), wayOut(path))
	case errors.Is(err, data.ErrIsBackup):
		return fmt.Errorf("%s is a backup, and backups are never changed; restore it with `salesdesk restore %s --db DATABASE --yes`, or copy it to a new name to work on the copy", path, path)
	case errors.Is(err, storage.ErrDemoInterrupted):
		return fmt.Errorf("a demo was interrupted in %s; run `salesdesk demo --db %s` to finish it before anything else writes to the file",
			path, path)
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s does not exist; start SalesDesk or run `salesdesk demo --db %s` to create it", path, path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%s cannot be opened: permission denied", path)
	default:
		return fmt.Errorf("%s cannot be opened: %v", path, strings.TrimPrefix(err.Error(), "data: "))
	}
}

// damageReason is what is wrong with a damaged file, in words; the technical detail (a page number,
// what bbolt said) is for `salesdesk check`.
func damageReason(err error) string {
	if d := storage.DamageOf(err); d != nil {
		return d.Reason
	}
	return "some of its records cannot be read"
}

// wayOut tells the user of a damaged file how to get the team's data back: the latest backup that
// passes the full check, what is wrong, and how to rescue what can still be read.
func wayOut(path string) string {
	var b strings.Builder
	if good, ok := storage.LatestGoodBackup(storage.DefaultBackupDir(path), path); ok {
		fmt.Fprintf(&b, "The latest good backup is %s (%s, %d customers): restore it with `salesdesk restore %s --db %s --yes` (the damaged file is kept in the backup folder). ",
			good.Path, good.Time.Format("2006-01-02 15:04"), good.Counts.Customers, good.Path, path)
	} else {
		fmt.Fprintf(&b, "Restore your latest backup with `salesdesk restore BACKUP.db --db %s --yes` (the damaged file is kept). ", path)
	}
	fmt.Fprintf(&b, "`salesdesk check --db %s` says what is wrong; `salesdesk salvage --db %s RESCUED.db` copies what can still be read into a new file", path, path)
	return b.String()
}

func openStore(path string, readOnly bool) (*storage.Store, error) {
	// A command that writes checks every record first: it must never write into a damaged file.
	s, err := storage.Open(path, storage.Options{Now: storeClock, ReadOnly: readOnly, FullCheck: !readOnly})
	if err != nil {
		return nil, describeOpenError(path, err)
	}
	return s, nil
}

// ---------------------------------------------------------------------------------------------
// version

func (c *cli) version(args []string, _ string) error {
	fs, _ := c.newFlags("version")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "SalesDesk %s (schema %d)\n", version, storage.SchemaVersion())
	return nil
}

// ---------------------------------------------------------------------------------------------
// demo

func (c *cli) demo(args []string, globalDB string) error {
	fs, db := c.newFlags("demo")
	n := fs.Int("customers", 1000, "number of demo customers")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same data")
	force := fs.Bool("force", false, "add demo data even if the file already holds customers")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *n < 1 {
		return badUsage("demo: --customers must be at least 1")
	}
	path, err := dbPath(firstNonEmpty(*db, globalDB))
	if err != nil {
		return err
	}
	// Look first without writing: even an open for writing commits a transaction, and a refused demo
	// must leave the file exactly as it was.
	resume := false
	if ro, err := storage.Open(path, storage.Options{Now: storeClock, ReadOnly: true}); err == nil {
		active, archived := ro.CustomerCount()
		d, interrupted := ro.InterruptedDemo()
		ro.Close()
		switch {
		case interrupted:
			// A demo killed half way is finished as it was started, whatever the flags say now.
			resume = true
			fmt.Fprintf(c.stderr, "finishing the demo that was interrupted in %s (%d of %d customers made, seed %d)\n",
				path, d.Done, d.Customers, d.Seed)
		case !*force && active+archived > 0:
			return fmt.Errorf("%s already holds %d customers; demo data is only added to an empty database "+
				"(use another --db path, or --force to mix it in anyway)", path, active+archived)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return describeOpenError(path, err)
	}
	s, err := storage.Open(path, storage.Options{Now: storeClock, FullCheck: true, FinishDemo: resume})
	if err != nil {
		return describeOpenError(path, err)
	}
	defer s.Close()

	start := time.Now()
	var lastShown time.Time
	progress := func(done, total int) {
		if done < total && time.Since(lastShown) < 100*time.Millisecond {
			return
		}
		lastShown = time.Now()
		fmt.Fprintf(c.stderr, "\rgenerated %d/%d", done, total)
	}
	if resume {
		err = storage.ResumeDemo(s, progress)
	} else {
		err = storage.GenerateDemo(s, storage.DemoOptions{Customers: *n, Seed: *seed, Now: start, Progress: progress})
	}
	fmt.Fprintln(c.stderr)
	if err != nil {
		return fmt.Errorf("demo data for %s: %w", path, err)
	}
	elapsed := time.Since(start)

	active, archived := s.CustomerCount()
	counts, err := s.RecordCounts()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: %d customers (%d archived), %d follow-ups, %d deals, %d team members; generated in %s\n",
		path, active+archived, archived, counts.FollowUps, counts.Deals, len(s.Members()),
		elapsed.Round(time.Millisecond))
	// The demo members sign in with their login and the one demo password.
	for _, m := range s.Members() {
		fmt.Fprintf(c.stdout, "  %-12s %s (%s)\n", m.Login, m.Name, m.Role)
	}
	fmt.Fprintf(c.stdout, "password: %s\n", storage.DemoPassword)
	return nil
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// ---------------------------------------------------------------------------------------------
// customers

// customerJSON is one customer as `customers --format json` prints it. The keys are a documented
// interface (docs/cli.md): add keys at the end, never rename or remove one.
type customerJSON struct {
	ID             uint64   `json:"id"`
	CardNo         string   `json:"card_no"`
	Name           string   `json:"name"`
	Kind           string   `json:"kind"`
	Grade          string   `json:"grade"`
	SuggestedGrade string   `json:"suggested_grade"`
	Status         string   `json:"status"`
	Owner          string   `json:"owner"`
	OwnerID        uint64   `json:"owner_id"`
	Industry       string   `json:"industry"`
	Category       string   `json:"category"`
	Region         string   `json:"region"`
	Source         string   `json:"source"`
	Tags           []string `json:"tags"`
	PrimaryContact string   `json:"primary_contact"`
	Phone          string   `json:"phone"`
	Email          string   `json:"email"`
	LastFollowUp   *string  `json:"last_follow_up"`
	NextFollowUp   *string  `json:"next_follow_up"`
	NextAction     string   `json:"next_action"`
	Completeness   int      `json:"completeness"`
	Archived       bool     `json:"archived"`
}

// csvHeader is the CSV's header row: the JSON keys, in the same order.
var csvHeader = []string{"id", "card_no", "name", "kind", "grade", "suggested_grade", "status", "owner",
	"owner_id", "industry", "category", "region", "source", "tags", "primary_contact", "phone", "email",
	"last_follow_up", "next_follow_up", "next_action", "completeness", "archived"}

// date formats a stored date as YYYY-MM-DD in local time, or nil when it is not set.
func date(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := data.FormatDate(t.Local())
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func toJSON(r *data.CustomerRow, x data.RowExtra, owners map[uint64]string) customerJSON {
	pc := x.Contact
	tags := r.Tags
	if tags == nil {
		tags = []string{}
	}
	return customerJSON{
		ID: r.ID, CardNo: r.CardNo, Name: r.Name, Kind: string(r.Kind), Grade: string(r.Grade),
		SuggestedGrade: string(r.Suggested), Status: string(r.Status), Owner: owners[r.OwnerID], OwnerID: r.OwnerID,
		Industry: r.Industry, Category: r.Category, Region: x.Region, Source: string(r.Source), Tags: tags,
		PrimaryContact: pc.Name, Phone: pc.Phone, Email: pc.Email,
		LastFollowUp: date(r.LastFollowUp.Time()), NextFollowUp: date(r.NextFollowUp.Time()), NextAction: r.NextAction,
		Completeness: int(r.Completeness), Archived: r.Archived,
	}
}

func (j customerJSON) csvRecord() []string {
	return []string{strconv.FormatUint(j.ID, 10), j.CardNo, j.Name, j.Kind, j.Grade, j.SuggestedGrade, j.Status,
		j.Owner, strconv.FormatUint(j.OwnerID, 10), j.Industry, j.Category, j.Region, j.Source,
		strings.Join(j.Tags, ";"), j.PrimaryContact, j.Phone, j.Email, deref(j.LastFollowUp),
		deref(j.NextFollowUp), j.NextAction, strconv.Itoa(j.Completeness), strconv.FormatBool(j.Archived)}
}

func (c *cli) customers(args []string, globalDB string) error {
	if len(args) > 0 && args[0] == "show" {
		return c.customerShow(args[1:], globalDB)
	}
	fs, db := c.newFlags("customers")
	grade := fs.String("grade", "", "only this grade: A, B, C or D")
	status := fs.String("status", "", "only this status")
	owner := fs.String("owner", "", "only customers of this team member (name)")
	search := fs.String("search", "", "only customers matching this text (name, pinyin or initials, card number, contact, phone, email, tag)")
	archived := fs.Bool("archived", false, "list the archived customers instead of the active ones")
	sortKey := fs.String("sort", string(data.SortName), "sort key")
	desc := fs.Bool("desc", false, "reverse the order")
	format := fs.String("format", "table", "output format: table, json or csv")
	if err := parse(fs, args); err != nil {
		return err
	}

	f := data.CustomerFilter{Search: *search, Archived: *archived, Desc: *desc}
	if *grade != "" {
		g := data.Grade(strings.ToUpper(strings.TrimSpace(*grade)))
		if !slices.Contains(data.Grades, g) {
			return badUsage("customers: --grade %q: use A, B, C or D", *grade)
		}
		f.Grade = g
	}
	if *status != "" {
		st := data.Status(strings.ToLower(strings.TrimSpace(*status)))
		if !slices.Contains(data.Statuses, st) {
			return badUsage("customers: --status %q is not a status", *status)
		}
		f.Status = st
	}
	f.Sort = data.SortKey(strings.ToLower(strings.TrimSpace(*sortKey)))
	if !slices.Contains(data.SortKeys, f.Sort) {
		return badUsage("customers: --sort %q is not a sort key", *sortKey)
	}
	switch *format {
	case "table", "json", "csv":
	default:
		return badUsage("customers: --format %q: use table, json or csv", *format)
	}

	s, closeFile, err := c.readSession(*db, globalDB)
	if err != nil {
		return err
	}
	defer closeFile()

	members, err := s.Members()
	if err != nil {
		return err
	}
	owners := map[uint64]string{}
	for _, m := range members {
		owners[m.ID] = m.Name
	}
	if *owner != "" {
		id, err := findOwner(members, *owner)
		if err != nil {
			return err
		}
		f.OwnerID = id
	}

	rows, err := allCustomers(s, f)
	if err != nil {
		return err
	}
	ids := make([]uint64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	extras, err := s.RowExtras(ids)
	if err != nil {
		return err
	}
	out := make([]customerJSON, len(rows))
	for i, r := range rows {
		out[i] = toJSON(&r, extras[r.ID], owners)
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		return writeCSV(c.stdout, out)
	default:
		return writeTable(c.stdout, out, *archived)
	}
}

// findOwner resolves --owner: a member's name (case and surrounding space ignored) or id.
func findOwner(members []data.Member, name string) (uint64, error) {
	name = strings.TrimSpace(name)
	for _, m := range members {
		if strings.EqualFold(strings.TrimSpace(m.Name), name) {
			return m.ID, nil
		}
	}
	if id, err := strconv.ParseUint(name, 10, 64); err == nil {
		for _, m := range members {
			if m.ID == id {
				return id, nil
			}
		}
	}
	names := make([]string, len(members))
	for i, m := range members {
		names[i] = m.Name
	}
	if len(names) == 0 {
		return 0, fmt.Errorf("no team member is called %q: the database has no team members", name)
	}
	return 0, fmt.Errorf("no team member is called %q; the team is: %s", name, strings.Join(names, ", "))
}

// writeCSV writes a UTF-8 BOM first: without it Excel on a Chinese Windows reads the file as GBK and
// shows the names garbled.
func writeCSV(w io.Writer, rows []customerJSON) error {
	records := make([][]string, len(rows))
	for i, r := range rows {
		records[i] = r.csvRecord()
	}
	return writeCSVRecords(w, csvHeader, records)
}

// writeCSVRecords writes a header and records as Excel reads them (BOM, CRLF, formula cells
// neutralised), as the exports do.
func writeCSVRecords(w io.Writer, header []string, records [][]string) error {
	return data.WriteExcelCSV(w, header, records)
}

// displayWidth counts terminal columns: CJK characters take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// truncate shortens s to at most w columns, marking the cut with an ellipsis.
func truncate(s string, w int) string {
	if displayWidth(s) <= w {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := displayWidth(string(r))
		if n+rw > w-1 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	return b.String() + "…"
}

// writeTable prints aligned columns for people. text/tabwriter counts runes, which misaligns
// Chinese text, so the columns are padded by display width.
func writeTable(w io.Writer, rows []customerJSON, archived bool) error {
	header := []string{"CARD NO", "NAME", "GRADE", "STATUS", "OWNER", "CONTACT", "PHONE", "LAST", "NEXT"}
	maxW := []int{14, 28, 5, 10, 10, 10, 16, 10, 10}
	cells := [][]string{header}
	for _, r := range rows {
		g := r.Grade
		if r.SuggestedGrade != r.Grade {
			g += "*" // a manager's override differs from the rules' suggestion
		}
		cells = append(cells, []string{r.CardNo, r.Name, g, r.Status, r.Owner, r.PrimaryContact, r.Phone,
			deref(r.LastFollowUp), deref(r.NextFollowUp)})
	}
	what := "active"
	if archived {
		what = "archived"
	}
	return writeColumns(w, cells, maxW, fmt.Sprintf("%d %s customers (* = grade set by a manager, not the rules' suggestion)", len(rows), what))
}

// ---------------------------------------------------------------------------------------------
// check

func (c *cli) check(args []string, globalDB string) error {
	fs, db := c.newFlags("check")
	if err := parse(fs, args); err != nil {
		return err
	}
	path, err := dbPath(firstNonEmpty(*db, globalDB))
	if err != nil {
		return err
	}
	// The structure first: a file that fails it is not opened, and check says what is wrong in full.
	if _, verr := storage.VerifyFile(path); verr != nil {
		if d := storage.DamageOf(verr); d != nil {
			fmt.Fprintf(c.stdout, "%s\n1 problem:\n  - the file is damaged: %s\n    detail: %s\n", path, d.Reason, d.Detail)
			fmt.Fprintf(c.stderr, "salesdesk: %s is damaged; nothing was changed. %s\n", path, wayOut(path))
			return errSilent
		}
	}
	s, err := openStore(path, true)
	if err != nil {
		return err
	}
	defer s.Close()
	schema, err := s.Schema()
	if err != nil {
		return describeOpenError(path, err)
	}
	rep, err := s.Check()
	if err != nil {
		return describeOpenError(path, err)
	}
	fmt.Fprintf(c.stdout, "%s\n  schema %d, %d customers, %d follow-ups, %d team members\n",
		path, schema, rep.Customers, rep.FollowUps, rep.Members)
	for _, n := range rep.Notes {
		fmt.Fprintf(c.stdout, "  note: %s\n", n)
	}
	if rep.OK() {
		fmt.Fprintln(c.stdout, "OK: no problems found")
		return nil
	}
	problems := append(slices.Clone(rep.Problems), rep.AuditProblems...)
	fmt.Fprintf(c.stdout, "%d problems:\n", len(problems))
	for _, p := range problems {
		fmt.Fprintf(c.stdout, "  - %s\n", p)
	}
	fmt.Fprintf(c.stderr, "salesdesk: %s has %d problems; keep a copy of the file before changing anything\n",
		path, len(problems))
	return errSilent
}

// customerShow prints one card as JSON: `salesdesk customers show ID`. A rep asking for another
// rep's card is refused (not_yours, exit 6) like in the window.
func (c *cli) customerShow(args []string, globalDB string) error {
	fs, db := c.newFlags("customers show")
	arg, err := parseWithFile(fs, args, "customer id")
	if err != nil {
		return err
	}
	id, err := strconv.ParseUint(arg, 10, 64)
	if err != nil || id == 0 {
		return badUsage("customers show: %q is not a customer id", arg)
	}
	s, closeFile, err := c.readSession(*db, globalDB)
	if err != nil {
		return err
	}
	defer closeFile()
	cust, err := s.Customer(id)
	if errors.Is(err, data.ErrNotFound) {
		return fmt.Errorf("customers show: no customer has id %d", id)
	}
	if err != nil {
		return fmt.Errorf("customers show: %w", err)
	}
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(cust)
}
