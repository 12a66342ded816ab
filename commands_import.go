package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"salesdesk/data"
	"salesdesk/data/storage"
	"salesdesk/gui"
)

// The import, export and undo-import commands (docs/cli.md).

// parseWithFile parses flags that may stand before and after one positional argument, the file:
// `salesdesk import x.csv --dry-run` and `salesdesk import --dry-run x.csv` are the same.
func parseWithFile(fs *flag.FlagSet, args []string, what string) (string, error) {
	var file string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", err
			}
			return "", usageError{}
		}
		if fs.NArg() == 0 {
			break
		}
		if file != "" {
			return "", badUsage("%s: one %s only (also got %q)", fs.Name(), what, fs.Arg(0))
		}
		file, args = fs.Arg(0), fs.Args()[1:]
	}
	if file == "" {
		return "", badUsage("%s: name the %s", fs.Name(), what)
	}
	return file, nil
}

// progressPrinter prints "imported 2000/100000" on stderr at most ten times a second.
func (c *cli) progressPrinter(verb string) func(done, total int) {
	var last time.Time
	return func(done, total int) {
		if done < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		fmt.Fprintf(c.stderr, "\r%s %d/%d", verb, done, total)
	}
}

// ---------------------------------------------------------------------------------------------
// import

func (c *cli) importCmd(args []string, globalDB string) error {
	fs, db := c.newFlags("import")
	dryRun := fs.Bool("dry-run", false, "report what would be imported without writing anything")
	mappingFile := fs.String("mapping", "", "a column mapping (JSON) to use instead of the automatic one")
	writeMapping := fs.String("write-mapping", "", "write the column mapping used to this file, to edit and pass to --mapping")
	onDup := fs.String("on-duplicate", "skip", "what to do with a row whose record exists: skip, update or create")
	rejects := fs.String("rejects", "", "write the rejected rows with their problems to this CSV file")
	allowMultiline := fs.Bool("allow-multiline", false, "import rows whose quoted cells run over several lines (an address on two lines); without it such a file is refused with the rows named")
	force := fs.Bool("force", false, "let --rejects and --write-mapping replace an existing file")
	owner := fs.String("owner", "", "the team member who owns the cards the file gives no owner (default: the current user; none: nobody)")
	file, err := parseWithFile(fs, args, "file to import")
	if err != nil {
		return err
	}
	policy := data.DuplicatePolicy(strings.ToLower(strings.TrimSpace(*onDup)))
	if !slices.Contains(data.DuplicatePolicies, policy) {
		return badUsage("import: --on-duplicate %q: use skip, update or create", *onDup)
	}
	var mapping *data.Mapping
	if *mappingFile != "" {
		raw, err := os.ReadFile(*mappingFile)
		if err != nil {
			return fmt.Errorf("import: --mapping: %w", err)
		}
		m, err := data.ParseMapping(raw)
		if err != nil {
			return fmt.Errorf("import: --mapping %s: %v", *mappingFile, strings.TrimPrefix(err.Error(), "data: "))
		}
		mapping = &m
	}
	if isJSONExport(file) {
		if *mappingFile != "" || *rejects != "" || *writeMapping != "" || policy != data.DuplicateSkip || *allowMultiline {
			return badUsage("import: %s is a JSON export; --mapping, --write-mapping, --rejects, --on-duplicate and --allow-multiline apply to CSV and Excel files", file)
		}
		if c.host != "" {
			return badUsage("import: %s is a JSON export, which fills an empty file on the computer that holds it; a host's file is the office's (import an Excel or CSV export instead)", file)
		}
		return c.importJSON(file, firstNonEmpty(*db, globalDB), *dryRun)
	}
	sess, path, guard, end, err := c.writeSession(*db, globalDB)
	if err != nil {
		return err
	}
	defer end()
	// At a host the file is read here and its bytes sent there, where the import runs.
	src, err := sess.OpenImport(file)
	if err != nil {
		return importError(err)
	}
	defer src.Close()
	if mapping != nil {
		applyMapping(src, *mapping)
	}
	guard.Inputs = []string{file, *mappingFile}
	// A --rejects file that cannot be written is known before anything is imported.
	if *rejects != "" {
		if err := checkOutput("import: --rejects", *rejects, guard, *force); err != nil {
			return err
		}
	}
	if *writeMapping != "" {
		if err := writeMappingFile(*writeMapping, src, guard, *force); err != nil {
			return err
		}
	}
	for _, sh := range src.Sheets {
		if sh.Skip {
			fmt.Fprintf(c.stdout, "sheet %q: no column matches a field; skipped\n", data.Excerpt(sh.Name))
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	show := c.progressPrinter("imported")
	if *dryRun {
		show = c.progressPrinter("checked")
	}
	// Cards without an owner reach nobody's agenda: they go to the signed-in member unless --owner
	// says otherwise.
	defaultOwner := sess.Me().ID
	switch o := strings.TrimSpace(*owner); {
	case strings.EqualFold(o, "none"):
		defaultOwner = 0
	case o != "":
		members, err := sess.Members()
		if err != nil {
			return err
		}
		if defaultOwner, err = findOwner(members, o); err != nil {
			return fmt.Errorf("import: --owner: %w", err)
		}
	}
	if m, err := sess.Member(defaultOwner); err == nil && defaultOwner != 0 {
		fmt.Fprintf(c.stdout, "cards without an owner go to %s (--owner NAME or --owner none to change)\n", m.Name)
	}
	rep, err := sess.Import(ctx, src, data.ImportOptions{OnDuplicate: policy, DryRun: *dryRun, DefaultOwner: defaultOwner,
		AllowMultiline: *allowMultiline, Progress: func(p data.ImportProgress) { show(p.Done, p.Total) }})
	fmt.Fprintln(c.stderr)
	if errors.Is(err, data.ErrMultilineField) {
		c.printMultiline(rep)
		return fmt.Errorf("import: nothing was imported: %d rows of %s hold cells that run over several lines (listed above); "+
			"an opening quote without its closing one reads the rows below into one cell. Fix the quotes, or pass "+
			"--allow-multiline if the line breaks are meant", rep.MultilineRows, file)
	}
	if rep != nil && rep.Rows > 0 {
		c.printImportReport(rep, path)
		if *rejects != "" && len(rep.Rejected) > 0 {
			if werr := storage.WriteOutput(*rejects, guard, *force, rep.WriteRejects); werr != nil {
				return outputError("import: --rejects", werr)
			}
			fmt.Fprintf(c.stdout, "rejected rows written to %s\n", *rejects)
		}
	}
	if err != nil {
		if rep != nil && rep.Cancelled {
			return fmt.Errorf("the import was cancelled; %s", committedNote(rep))
		}
		return importError(err)
	}
	if n := len(rep.Rejected); n > 0 {
		return fmt.Errorf("%d of %d rows were rejected (listed above); %s", n, rep.Rows, committedNote(rep))
	}
	if rep.DryRun && rep.MultilineRows > 0 && !*allowMultiline {
		return fmt.Errorf("%d rows hold cells that run over several lines (listed above): the import will be refused "+
			"unless you pass --allow-multiline; nothing was written (dry run)", rep.MultilineRows)
	}
	return nil
}

// printMultiline lists the rows whose cells run over several lines.
func (c *cli) printMultiline(rep *data.ImportReport) {
	if rep == nil || rep.MultilineRows == 0 {
		return
	}
	fmt.Fprintf(c.stdout, "  multi-line:    %d rows with cells over several lines\n", rep.MultilineRows)
	for _, p := range rep.Multiline {
		fmt.Fprintf(c.stdout, "    %s\n", p)
	}
	if n := rep.MultilineRows - len(rep.Multiline); n > 0 {
		fmt.Fprintf(c.stdout, "    … and %d more\n", n)
	}
}

// committedNote says what stays in the file after an import that did not take every row.
func committedNote(rep *data.ImportReport) string {
	switch {
	case rep.DryRun:
		return "nothing was written (dry run)"
	case rep.ImportID == 0:
		return "nothing was written"
	}
	return fmt.Sprintf("the rows counted above were imported as import %d (undo with `salesdesk undo-import %d`)", rep.ImportID, rep.ImportID)
}

// importError turns the import's errors into one line without the package prefix.
func importError(err error) error {
	if refusalExit(err) != 0 {
		return err // its code gives the refusal its exit status
	}
	msg := err.Error()
	for strings.HasPrefix(msg, "data: ") {
		msg = strings.TrimPrefix(msg, "data: ")
	}
	return errors.New(msg)
}

func (c *cli) printImportReport(rep *data.ImportReport, path string) {
	w := c.stdout
	switch {
	case rep.DryRun:
		fmt.Fprintf(w, "dry run of %s into %s: nothing was written; the import would do this:\n", rep.File, path)
	case rep.ImportID != 0:
		fmt.Fprintf(w, "imported %s into %s as import %d:\n", rep.File, path, rep.ImportID)
	default:
		fmt.Fprintf(w, "imported nothing from %s into %s:\n", rep.File, path)
	}
	fmt.Fprintf(w, "  rows:          %d\n", rep.Rows)
	for _, k := range []struct {
		name string
		c    data.ImportCounts
	}{{"customers", rep.Customers}, {"opportunities", rep.Opportunities}, {"follow-ups", rep.FollowUps}} {
		if k.c != (data.ImportCounts{}) {
			fmt.Fprintf(w, "  %-14s %d created, %d updated, %d skipped\n", k.name+":", k.c.Created, k.c.Updated, k.c.Skipped)
		}
	}
	fmt.Fprintf(w, "  rejected:      %d rows\n", len(rep.Rejected))
	const shown = 20
	for i, rj := range rep.Rejected {
		if i == shown {
			fmt.Fprintf(w, "    … and %d more (--rejects FILE writes them all)\n", len(rep.Rejected)-shown)
			break
		}
		msgs := make([]string, len(rj.Problems))
		for j, p := range rj.Problems {
			msgs[j] = strings.TrimPrefix(p.String(), fmt.Sprintf("%srow %d", sheetPrefix(p.Sheet), p.Row))
			msgs[j] = strings.TrimPrefix(strings.TrimPrefix(msgs[j], ", "), ": ")
		}
		fmt.Fprintf(w, "    %srow %d: %s\n", sheetPrefix(rj.Sheet), rj.Row, strings.Join(msgs, "; "))
	}
	if len(rep.Warnings) > 0 {
		fmt.Fprintf(w, "  warnings:      %d in %d rows (imported, with what was kept noted)\n", len(rep.Warnings), warnedRows(rep.Warnings))
		for i, p := range rep.Warnings {
			// A dry run is where the rows are reviewed: it lists every one.
			if i == shown && !rep.DryRun {
				fmt.Fprintf(w, "    … and %d more (--dry-run lists them all)\n", len(rep.Warnings)-shown)
				break
			}
			fmt.Fprintf(w, "    %s\n", p)
		}
	}
	c.printMultiline(rep)
	if rep.Cancelled {
		fmt.Fprintln(w, "  cancelled: the rows above were imported, the rest of the file was not")
	}
	if rep.ImportID != 0 {
		fmt.Fprintf(w, "undo with: salesdesk undo-import %d\n", rep.ImportID)
	}
}

// warnedRows counts the rows with warnings; a row may have several.
func warnedRows(ws []data.RowProblem) int {
	type key struct {
		sheet string
		row   int
	}
	rows := map[key]bool{}
	for _, p := range ws {
		rows[key{p.Sheet, p.Row}] = true
	}
	return len(rows)
}

func sheetPrefix(sheet string) string {
	if sheet == "" {
		return ""
	}
	return sheet + " "
}

// applyMapping puts a --mapping file's mapping on the sheets with its header row, or on the only
// sheet when the file has one.
func applyMapping(src *data.ImportSource, m data.Mapping) {
	for _, sh := range src.Sheets {
		if sh.Mapping.Fingerprint == m.Fingerprint || len(src.Sheets) == 1 {
			sh.Mapping = m.ForHeader(sh.Header)
			sh.Skip = len(sh.Mapping.Groups()) == 0
		}
	}
}

func writeMappingFile(path string, src *data.ImportSource, guard data.OutputGuard, force bool) error {
	var m data.Mapping
	for _, sh := range src.Sheets {
		if !sh.Skip {
			m = sh.Mapping
			break
		}
	}
	raw, err := m.MarshalIndent()
	if err != nil {
		return err
	}
	err = storage.WriteOutput(path, guard, force, func(w io.Writer) error {
		_, err := w.Write(append(raw, '\n'))
		return err
	})
	return outputError("import: --write-mapping", err)
}

// isJSONExport tells a JSON export by its first non-blank byte.
func isJSONExport(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for {
		b, err := r.ReadByte()
		if err != nil {
			return false
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xEF: // a UTF-8 byte-order mark before the JSON
			continue
		case 0xBB, 0xBF:
			continue
		}
		return b == '{'
	}
}

func (c *cli) importJSON(file, db string, dryRun bool) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	if dryRun {
		doc, err := storage.ReadExport(f)
		if err != nil {
			return importError(err)
		}
		fmt.Fprintf(c.stdout, "dry run: %s is a sound export (version %d, schema %d): %d team members, %d customers, %d deals; nothing was written\n",
			file, doc.Version, doc.Schema, len(doc.Members), len(doc.Customers), len(doc.Opportunities))
		return nil
	}
	path, err := dbPath(db)
	if err != nil {
		return err
	}
	s, err := openStore(path, false)
	if err != nil {
		return err
	}
	defer s.Close()
	sess, err := c.session(s)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := sess.ImportJSON(f)
	if err != nil {
		return importError(err)
	}
	fmt.Fprintf(c.stdout, "imported the export %s into %s: %d team members, %d customers, %d follow-ups, %d deals, %d period plans, %d audit lines in %s\n",
		file, path, res.Members, res.Customers, res.FollowUps, res.Opportunities, res.PeriodPlans, res.AuditLines,
		time.Since(start).Round(time.Millisecond))
	return nil
}

// ---------------------------------------------------------------------------------------------
// export

func (c *cli) export(args []string, globalDB string) error {
	fs, db := c.newFlags("export")
	format := fs.String("format", "", "json (everything), csv or xlsx (a list)")
	what := fs.String("what", "customers", "the list: customers, opportunities, followups, or all (xlsx)")
	out := fs.String("out", "", "write to this file instead of stdout")
	lang := fs.String("lang", "zh", "language of the headers and the choices: zh or en")
	auditTrail := fs.Bool("audit", false, "json: include the audit trail")
	grade := fs.String("grade", "", "only customers of this grade: A, B, C or D")
	status := fs.String("status", "", "only customers of this status")
	owner := fs.String("owner", "", "only customers (or deals) of this team member")
	search := fs.String("search", "", "only customers matching this text, as the window's search")
	archived := fs.Bool("archived", false, "the archived customers instead of the active ones")
	stage := fs.String("stage", "", "opportunities: only deals in this stage (its key)")
	force := fs.Bool("force", false, "let --out replace an existing file")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch *format {
	case "json", "csv", "xlsx":
	case "":
		return badUsage("export: --format is required: json, csv or xlsx")
	default:
		return badUsage("export: --format %q: use json, csv or xlsx", *format)
	}
	w := data.ExportWhat(*what)
	switch w {
	case data.ExportCustomers, data.ExportOpportunities, data.ExportFollowUps:
	case data.ExportAll:
		if *format == "csv" {
			return badUsage("export: --what all needs --format xlsx (a CSV file holds one list)")
		}
	default:
		return badUsage("export: --what %q: use customers, opportunities, followups or all", *what)
	}
	if *lang != "zh" && *lang != "en" {
		return badUsage("export: --lang %q: use zh or en", *lang)
	}
	if *format == "json" && (*grade != "" || *status != "" || *owner != "" || *search != "" || *archived || *stage != "") {
		return badUsage("export: --format json exports everything; the filters apply to csv and xlsx")
	}
	cf := data.CustomerFilter{Search: *search, Archived: *archived}
	if *grade != "" {
		g := data.Grade(strings.ToUpper(strings.TrimSpace(*grade)))
		if !slices.Contains(data.Grades, g) {
			return badUsage("export: --grade %q: use A, B, C or D", *grade)
		}
		cf.Grade = g
	}
	if *status != "" {
		st := data.Status(strings.ToLower(strings.TrimSpace(*status)))
		if !slices.Contains(data.Statuses, st) {
			return badUsage("export: --status %q is not a status", *status)
		}
		cf.Status = st
	}
	// The export is made where the file is: this desktop's file, or the host's, streamed here.
	var (
		ex       exporter
		path     string
		guard    data.OutputGuard
		members  []data.Member
		settings data.Settings
	)
	if c.host != "" {
		cl, end, err := c.hostSession(*db, globalDB)
		if err != nil {
			return err
		}
		defer end()
		ex, path, guard = cl, "host "+c.host, desktopOutputGuard()
		if members, err = cl.Members(); err != nil {
			return err
		}
		if settings, err = cl.Settings(); err != nil {
			return err
		}
	} else {
		s, p, err := c.auditedStore(*db, globalDB)
		if err != nil {
			return err
		}
		defer s.Close()
		sess, err := c.session(s)
		if err != nil {
			return err
		}
		ex, path, guard, members, settings = sess, p, outputGuard(s), s.Members(), s.Settings()
	}
	of := data.OpportunityFilter{}
	if *owner != "" {
		id, err := findOwner(members, *owner)
		if err != nil {
			return err
		}
		cf.OwnerID, of.OwnerID = id, id
	}
	if *stage != "" {
		if _, ok := settings.Stage(*stage); !ok {
			return badUsage("export: --stage %q is not a stage key", *stage)
		}
		of.Stage = *stage
	}
	start := time.Now()
	var res data.ExportResult
	write := func(wr io.Writer) error {
		var err error
		if *format == "json" {
			res, err = ex.ExportJSON(wr, data.JSONExportOptions{Audit: *auditTrail})
		} else {
			res, err = ex.Export(wr, data.ExportOptions{Format: *format, What: w, Customers: cf, Opportunities: of, Lang: *lang})
		}
		return err
	}
	if *out == "" {
		bw := bufio.NewWriterSize(c.stdout, 1<<16)
		if err := write(bw); err != nil {
			return importError(err)
		}
		return bw.Flush()
	}
	if err := storage.WriteOutput(*out, guard, *force, write); err != nil {
		return outputError("export: --out", err)
	}
	fmt.Fprintf(c.stderr, "exported %s to %s: %d customers, %d deals, %d follow-ups in %s\n", path, *out,
		res.Customers, res.Opportunities, res.FollowUps, time.Since(start).Round(time.Millisecond))
	return nil
}

// exporter makes the exports: a session on the file, or the client of a host.
type exporter interface {
	Export(w io.Writer, opt data.ExportOptions) (data.ExportResult, error)
	ExportJSON(w io.Writer, opt data.JSONExportOptions) (data.ExportResult, error)
}

// outputGuard keeps a command's named output off the database, its backups and the window's
// preferences folder (Fyne's, under the user's config folder).
func outputGuard(s *storage.Store) data.OutputGuard {
	g := s.OutputGuard()
	if dir, err := os.UserConfigDir(); err == nil {
		g.Folders = append(g.Folders, filepath.Join(dir, "fyne", gui.AppID))
	}
	return g
}

// checkOutput refuses a named output before any work is done for it.
func checkOutput(what, path string, guard data.OutputGuard, force bool) error {
	err := guard.Check(path)
	if _, serr := os.Lstat(path); err == nil && serr == nil && !force {
		err = &data.OutputError{Path: path, Why: "already exists", Err: data.ErrOutputExists}
	}
	return outputError(what, err)
}

// outputError says why a named output was not written; the rest of the command's errors pass on.
func outputError(what string, err error) error {
	var oe *data.OutputError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &oe) && errors.Is(err, data.ErrOutputExists):
		return fmt.Errorf("%s: %s already exists; add --force to replace it (nothing was written to it)", what, oe.Path)
	case errors.As(err, &oe):
		return fmt.Errorf("%s: %s (nothing was written to it)", what, oe.Error())
	}
	if refusalExit(err) != 0 {
		return fmt.Errorf("%s: %w", what, err) // wrapped, so that the refusal keeps its exit status
	}
	return fmt.Errorf("%s: %v", what, importError(err))
}

// ---------------------------------------------------------------------------------------------
// undo-import and imports

func (c *cli) undoImport(args []string, globalDB string) error {
	fs, db := c.newFlags("undo-import")
	force := fs.Bool("force", false, "revert records changed since the import too")
	arg, err := parseWithFile(fs, args, "import id")
	if err != nil {
		return err
	}
	id, err := strconv.ParseUint(arg, 10, 64)
	if err != nil || id == 0 {
		return badUsage("undo-import: %q is not an import id (a number; `salesdesk imports` lists them)", arg)
	}
	sess, path, _, end, err := c.writeSession(*db, globalDB)
	if err != nil {
		return err
	}
	defer end()
	rep, err := sess.UndoImport(id, *force)
	var ce *data.UndoConflictError
	if errors.As(err, &ce) {
		fmt.Fprintf(c.stdout, "import %d was not undone: %d records were changed since it:\n", id, len(ce.Conflicts))
		for _, cf := range ce.Conflicts {
			fmt.Fprintf(c.stdout, "  - %s\n", cf)
		}
		return fmt.Errorf("import %d was not undone (nothing was changed); `salesdesk undo-import %d --force` reverts those records too", id, id)
	}
	if errors.Is(err, data.ErrNotFound) {
		return fmt.Errorf("%s has no import %d; `salesdesk imports` lists them", path, id)
	}
	if err != nil {
		return importError(err)
	}
	fmt.Fprintf(c.stdout, "undid import %d in %s:\n", id, path)
	for _, k := range []struct {
		name string
		c    data.UndoCounts
	}{{"customers", rep.Customers}, {"opportunities", rep.Opportunities}, {"follow-ups", rep.FollowUps}} {
		fmt.Fprintf(c.stdout, "  %-14s %d removed, %d restored\n", k.name+":", k.c.Removed, k.c.Restored)
	}
	for _, cf := range rep.Conflicts {
		fmt.Fprintf(c.stdout, "  reverted although changed since: %s\n", cf)
	}
	for _, k := range rep.Kept {
		fmt.Fprintf(c.stdout, "  kept: %s\n", k)
	}
	return nil
}

func (c *cli) imports(args []string, globalDB string) error {
	fs, db := c.newFlags("imports")
	if err := parse(fs, args); err != nil {
		return err
	}
	sess, end, err := c.readSession(*db, globalDB)
	if err != nil {
		return err
	}
	defer end()
	list, err := sess.Imports()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, r := range list {
		state := "finished"
		switch {
		case r.Undone:
			state = "undone " + r.UndoneAt.Format("2006-01-02 15:04")
		case r.Cancelled:
			state = "cancelled"
		case !r.Finished:
			state = "interrupted"
		}
		fmt.Fprintf(&buf, "%4d  %s  %-24s %s; customers +%d ~%d, deals +%d ~%d, follow-ups +%d ~%d, %d rejected; %s\n",
			r.ID, r.At.Format("2006-01-02 15:04"), truncate(r.File, 24), r.By, r.Customers.Created, r.Customers.Updated,
			r.Opportunities.Created, r.Opportunities.Updated, r.FollowUps.Created, r.FollowUps.Updated, r.Rejected, state)
	}
	fmt.Fprintf(&buf, "%d imports\n", len(list))
	_, err = c.stdout.Write(buf.Bytes())
	return err
}
