package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"salesdesk/data"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Import writes the rows of a CSV or XLSX file as customers with their contacts, deals and follow-ups,
// in batches of rows, one transaction each. Every transaction also writes what undoing the import
// needs (the ids it created, the records it changed as they were before) and the import's own record
// with its counts, so the file always holds exactly what the import's record says it imported: after
// a cancel, a crash or a full disk as well.

var (
	bucketImportMappings = []byte("import_mappings") // header fingerprint → Mapping (JSON)
	bucketImports        = []byte("imports")         // import id → ImportRecord
	bucketImportUndo     = []byte("import_undo")     // import id ‖ kind ‖ record key → undoEntry
)

// DefaultImportBatch is how many rows go into one transaction: large enough that a commit's fsync is
// paid rarely, small enough that a cancel stops within a fraction of a second.
const DefaultImportBatch = 2000

// Outcome actions.
const (
	ActionCreated = "created"
	ActionUpdated = "updated"
	ActionSkipped = "skipped"
)

// undoEntry is what undoing an import does with one record: delete it (Created) or put Prev back.
// After is the version the import left (customers, deals) or a checksum of the record (follow-ups), so
// that undo can tell a record someone changed since.
type undoEntry struct {
	Created bool   `msgpack:"c"`
	Prev    []byte `msgpack:"p"`
	After   uint64 `msgpack:"a"`
}

// Kinds of undo entries, the byte after the import id in their keys.
const (
	undoCustomer    byte = 'c'
	undoOpportunity byte = 'o'
	undoFollowUp    byte = 'f' // key: customer id ‖ follow-up id
	undoHistory     byte = 'h' // key: deal id ‖ sequence
)

func undoKey(importID uint64, kind byte, key []byte) []byte {
	k := make([]byte, 0, 9+len(key))
	k = append(k, encodeUint(importID)...)
	k = append(k, kind)
	return append(k, key...)
}

func checksum(b []byte) uint64 {
	h := fnv.New64a()
	_, _ = h.Write(b)
	return h.Sum64()
}

// ---------------------------------------------------------------------------------------------
// Opening a file for import, and the remembered mappings

// OpenImport opens a file for import with each sheet's mapping: the one remembered for its header row
// if there is one, else the automatic one. A sheet whose columns map to nothing is skipped.
func (s *Store) OpenImport(path string) (*data.ImportSource, error) {
	src, err := data.OpenImport(path)
	if err != nil {
		return nil, err
	}
	s.UseRememberedMappings(src)
	return src, nil
}

// UseRememberedMappings gives each sheet of a file opened with ReadImport (a file the window read
// through a file dialog's stream) the mapping remembered for its header row, and skips the sheets
// whose columns map to nothing.
func (s *Store) UseRememberedMappings(src *data.ImportSource) {
	for _, sh := range src.Sheets {
		if m, ok := s.RememberedMapping(sh.Mapping.Fingerprint); ok {
			sh.Mapping = m.ForHeader(sh.Header)
		}
		if len(sh.Mapping.Groups()) == 0 {
			sh.Skip = true
		}
	}
}

// RememberedMapping returns the mapping saved for a header row's fingerprint.
func (s *Store) RememberedMapping(fingerprint string) (data.Mapping, bool) {
	var m data.Mapping
	found := false
	_ = s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketImportMappings)
		if b == nil {
			return nil
		}
		if raw := b.Get([]byte(fingerprint)); raw != nil && json.Unmarshal(raw, &m) == nil {
			found = true
		}
		return nil
	})
	return m, found
}

// SaveMapping remembers a mapping for the next file with the same header row.
func (s *Store) SaveMapping(by data.Actor, m data.Mapping) error {
	return s.update(func(tx *bolt.Tx) (func(*index), error) {
		return nil, s.putMapping(tx, by, m)
	})
}

func (s *Store) putMapping(tx *bolt.Tx, by data.Actor, m data.Mapping) error {
	if m.Fingerprint == "" {
		return nil
	}
	m.Version = data.MappingVersion
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	b := tx.Bucket(bucketImportMappings)
	if string(b.Get([]byte(m.Fingerprint))) == string(raw) {
		return nil
	}
	if err := b.Put([]byte(m.Fingerprint), raw); err != nil {
		return fmt.Errorf("data: save mapping: %w", err)
	}
	return audit(tx, s.now(), by, "save_mapping", "import", 0)
}

// Imports lists the imports the file remembers, newest first.
func (s *Store) Imports() ([]data.ImportRecord, error) {
	var out []data.ImportRecord
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketImports)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var r data.ImportRecord
			if err := codec.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("import %d: %w: %w", decodeUint(k), data.ErrDamaged, err)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data: imports: %w", err)
	}
	return out, nil
}

// ---------------------------------------------------------------------------------------------
// The import

// importer carries one import through its batches.
type importer struct {
	s     *Store
	ctx   context.Context
	by    data.Actor
	opt   data.ImportOptions
	now   time.Time
	st    data.Settings
	lead  data.StageDef
	x     *parseCtx
	rep   *data.ImportReport
	rec   data.ImportRecord // as last committed
	id    uint64            // the import's id while a batch runs
	total int

	// Lookups: the stored records at the start, plus what this import adds.
	names      map[string][]uint64 // normalised name → customers
	keys       map[string][]uint64 // normalised phone or email → customers
	cardNos    map[string]uint64   // card numbers the file used → customer
	recent     map[string]uint64   // normalised name → the latest customer this import wrote
	oppNumbers map[string]uint64
	oppTitles  map[string]uint64 // customer id ‖ folded title → deal
	created    map[uint64]bool   // customers this import created
	oppCreated map[uint64]bool
	touched    map[string]bool // undo entries written
}

// Import imports the sheets of src that are not skipped, customers' sheets first (so that deals and
// follow-ups find customers created from the same file). It returns the report of what was committed
// — with ctx cancelled, the batches before the cancel — and an error when the import could not run
// or stopped on one.
func (s *Store) Import(ctx context.Context, by data.Actor, src *data.ImportSource, opt data.ImportOptions) (*data.ImportReport, error) {
	start := time.Now()
	if opt.OnDuplicate == "" {
		opt.OnDuplicate = data.DuplicateSkip
	}
	if !slices.Contains(data.DuplicatePolicies, opt.OnDuplicate) {
		return nil, fmt.Errorf("data: import: on duplicate %q: %w", opt.OnDuplicate, data.ErrChoiceInvalid)
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultImportBatch
	}
	if s.readOnly {
		return nil, data.ErrReadOnly
	}
	rep := &data.ImportReport{File: src.Name, DryRun: opt.DryRun, Headers: map[string][]string{}}
	var sheets []*sheetPlan
	var problems []string
	for _, sh := range src.Sheets {
		if sh.Skip {
			continue
		}
		for _, p := range sh.Mapping.Problems() {
			problems = append(problems, sh.Name+": "+p)
		}
		sp := newSheetPlan(sh, len(src.Sheets) > 1)
		sheets = append(sheets, sp)
		rep.Headers[sp.name] = sh.Header
		for _, p := range sh.Multiline {
			p.Sheet = sp.name
			rep.Multiline = append(rep.Multiline, p)
		}
		rep.MultilineRows += sh.MultilineRows
	}
	if len(problems) > 0 {
		return rep, fmt.Errorf("data: import %s: %w: %s", src.Name, data.ErrMappingIncomplete, strings.Join(problems, "; "))
	}
	if len(sheets) == 0 {
		return rep, fmt.Errorf("data: import %s: %w", src.Name, data.ErrImportNoHeader)
	}
	if rep.MultilineRows > 0 && !opt.AllowMultiline && !opt.DryRun {
		return rep, fmt.Errorf("data: import %s: %w", src.Name, multilineError(rep))
	}
	if src.TotalRows() == 0 {
		return rep, fmt.Errorf("data: import %s: %w", src.Name, data.ErrImportNoRows)
	}
	order := map[data.FieldGroup]int{data.GroupCustomer: 0, data.GroupOpportunity: 1, data.GroupFollowUp: 2}
	slices.SortStableFunc(sheets, func(a, b *sheetPlan) int {
		return order[a.sheet.Mapping.Kind()] - order[b.sheet.Mapping.Kind()]
	})
	if err := s.LoadDeals(); err != nil {
		return rep, err
	}
	im := &importer{s: s, ctx: ctx, by: by, opt: opt, now: s.now(), st: s.Settings(), rep: rep,
		cardNos: map[string]uint64{}, recent: map[string]uint64{}, created: map[uint64]bool{},
		oppCreated: map[uint64]bool{}, touched: map[string]bool{}}
	im.x = newParseCtx(im.st, s.Members(), im.now)
	if _, ok := s.Member(opt.DefaultOwner); ok {
		im.x.defaultOwner = opt.DefaultOwner
	}
	im.lead, _ = im.st.FirstStage(data.StageLead)
	for _, sp := range sheets {
		n := sp.sheet.Rows
		if opt.Limit > 0 {
			n = min(n, opt.Limit)
		}
		im.total += n
	}
	im.snapshot()

	var err error
	if opt.DryRun {
		err = im.dryRun(sheets)
	} else {
		err = im.run(sheets)
	}
	rep.Elapsed = time.Since(start)
	if errors.Is(err, data.ErrImportCancelled) {
		rep.Cancelled = true
	}
	if err != nil {
		return rep, fmt.Errorf("data: import %s: %w", src.Name, err)
	}
	return rep, nil
}

// multilineError names the first rows whose cells run over several lines.
func multilineError(rep *data.ImportReport) error {
	var rows []string
	for _, p := range rep.Multiline[:min(len(rep.Multiline), 3)] {
		rows = append(rows, p.String())
	}
	more := ""
	if rep.MultilineRows > len(rows) {
		more = fmt.Sprintf(" (and %d more rows)", rep.MultilineRows-len(rows))
	}
	return fmt.Errorf("%w in %d rows, so nothing was imported: %s%s. If the line breaks are meant, "+
		"confirm them (on the command line: --allow-multiline); else fix the quotes", data.ErrMultilineField, rep.MultilineRows,
		strings.Join(rows, "; "), more)
}

// snapshot copies what duplicate detection needs from memory: the names, and the phones and emails
// among the search keys. Store.Duplicates scans every card's keys once per call, which is right for one
// save and far too slow for a file of many rows.
func (im *importer) snapshot() {
	s := im.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.idx.dupsBuilt {
		im.names = make(map[string][]uint64, len(s.idx.byName))
		for k, ids := range s.idx.byName {
			im.names[k] = slices.Clone(ids)
		}
	} else {
		// Built here rather than by ensureDups: once built, the index keeps it up on every write, which
		// would cost the import a NormalizeName per card in every commit.
		im.names = make(map[string][]uint64, len(s.idx.rows))
		for id, r := range s.idx.rows {
			n := data.NormalizeName(r.Name)
			im.names[n] = append(im.names[n], id)
		}
	}
	im.keys = map[string][]uint64{}
	s.idx.eachArena(func(a *hayArena) { im.contactKeys(a) })
	im.oppNumbers = make(map[string]uint64, len(s.idx.opps))
	im.oppTitles = make(map[string]uint64, len(s.idx.opps))
	for _, o := range s.idx.opps {
		im.oppNumbers[o.Number] = o.ID
		im.oppTitles[oppTitleKey(o.CustomerID, o.Title)] = o.ID
	}
}

// isContactKey tells a phone or an email among a card's search keys (the others are pinyin and card
// numbers).
func isContactKey(f []byte) bool {
	if len(f) == 0 {
		return false
	}
	for _, c := range f {
		if c == '@' {
			return true
		}
	}
	for _, c := range f {
		if (c < '0' || c > '9') && c != '-' && c != '+' {
			return false
		}
	}
	return true
}

func oppTitleKey(customer uint64, title string) string {
	return strconv.FormatUint(customer, 10) + "\x00" + data.FoldChoice(title)
}

// read hands the rows of every sheet to fn in batches. A goroutine reads and parses the next batch
// while fn writes the last: reading, decoding and parsing cells is about a third of an import's work,
// and it needs nothing of the transaction.
func (im *importer) read(sheets []*sheetPlan, fn func(sp *sheetPlan, rows []*rowPlan) error) error {
	type chunk struct {
		sp   *sheetPlan
		rows []*rowPlan
	}
	chunks := make(chan chunk, 1)
	stop := make(chan struct{})
	var g group
	// Also when fn panics (a damaged page under the write), the reader is stopped and waited for.
	defer func() {
		close(stop)
		for range chunks {
		}
		_ = g.wait()
	}()
	g.do(func() error {
		defer close(chunks)
		return im.produce(sheets, func(sp *sheetPlan, rows []*rowPlan) error {
			select {
			case chunks <- chunk{sp, rows}:
				return nil
			case <-stop:
				return data.ErrStopScan
			}
		})
	})
	for c := range chunks {
		if err := fn(c.sp, c.rows); err != nil {
			return err
		}
	}
	return g.wait()
}

// produce reads and parses the sheets' rows, handing them on in batches.
func (im *importer) produce(sheets []*sheetPlan, emit func(sp *sheetPlan, rows []*rowPlan) error) error {
	for _, sp := range sheets {
		var rows []*rowPlan
		n := 0
		err := sp.sheet.Each(im.ctx, func(r data.SourceRow) error {
			if im.opt.Limit > 0 && n >= im.opt.Limit {
				return data.ErrStopScan
			}
			n++
			p := newRowPlan(sp, r)
			p.parse(im.x)
			rows = append(rows, p)
			if len(rows) == im.opt.BatchSize {
				err := emit(sp, rows)
				rows = nil
				return err
			}
			return nil
		})
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return data.ErrImportCancelled
		}
		if err != nil && !errors.Is(err, data.ErrStopScan) {
			return err
		}
		// errStopScan: the preview's limit was reached, or the writer stopped (rows is empty then).
		if len(rows) > 0 {
			if err := emit(sp, rows); err != nil {
				return nil // the writer stopped; it reports why
			}
		}
	}
	return nil
}

// run imports batch by batch, each in its own transaction, then marks the import finished or
// cancelled and remembers the mappings.
func (im *importer) run(sheets []*sheetPlan) error {
	err := im.read(sheets, func(sp *sheetPlan, rows []*rowPlan) error {
		var b *batch
		uerr := im.s.update(func(tx *bolt.Tx) (func(*index), error) {
			var err error
			b, err = im.batch(tx, rows)
			if err != nil {
				return nil, err
			}
			if b.empty() && b.newRecord {
				// Nothing to write and no import recorded yet: roll back even the new import's id.
				return nil, errNothingWritten
			}
			if err := im.commitRecord(tx, b); err != nil {
				return nil, err
			}
			return b.apply, nil
		})
		if errors.Is(uerr, errNothingWritten) {
			im.merge(sp, b, false)
			return nil
		}
		if uerr != nil {
			return uerr
		}
		im.merge(sp, b, true)
		return nil
	})
	if im.rec.ID == 0 {
		return err
	}
	ferr := im.s.update(func(tx *bolt.Tx) (func(*index), error) {
		im.rec.Finished = err == nil
		im.rec.Cancelled = errors.Is(err, data.ErrImportCancelled)
		if err := putRecord(tx.Bucket(bucketImports), encodeUint(im.rec.ID), im.rec); err != nil {
			return nil, err
		}
		for _, sp := range sheets {
			if err := im.s.putMapping(tx, im.by, sp.sheet.Mapping); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	return errors.Join(err, ferr)
}

// errNothingWritten rolls back a batch that rejected or skipped every row before the import recorded
// anything: an import that writes nothing leaves the file as it was.
var errNothingWritten = errors.New("nothing written")

// dryRun runs every batch in one write transaction and rolls it back: later rows see what earlier
// rows would have written (a customer created above its follow-ups), and the file is left untouched.
func (im *importer) dryRun(sheets []*sheetPlan) error {
	s := im.s
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.Bolt.Begin(true)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	return im.read(sheets, func(sp *sheetPlan, rows []*rowPlan) error {
		b, err := im.batch(tx, rows)
		if err != nil {
			return err
		}
		if err := im.commitRecord(tx, b); err != nil {
			return err
		}
		im.merge(sp, b, true)
		return nil
	})
}

// commitRecord writes the import's record with the batch counted in, and the batch's audit line.
func (im *importer) commitRecord(tx *bolt.Tx, b *batch) error {
	rec := b.record
	rec.Rows += b.rows
	rec.Customers.Add(b.customers)
	rec.Opportunities.Add(b.opps)
	rec.FollowUps.Add(b.followUps)
	rec.Rejected += len(b.rejected)
	if err := putRecord(tx.Bucket(bucketImports), encodeUint(rec.ID), rec); err != nil {
		return err
	}
	b.record = rec
	action := fmt.Sprintf("import %d: %d rows", rec.ID, b.rows)
	return audit(tx, im.now, im.by, action, "import", rec.ID)
}

// merge counts a batch into the report and tells the caller's progress; committed says whether the
// import's record was written with it.
func (im *importer) merge(sp *sheetPlan, b *batch, committed bool) {
	if committed {
		im.rec = b.record
		if !im.opt.DryRun {
			im.rep.ImportID = im.rec.ID
		}
	}
	r := im.rep
	r.Rows += b.rows
	r.Customers.Add(b.customers)
	r.Opportunities.Add(b.opps)
	r.FollowUps.Add(b.followUps)
	r.Rejected = append(r.Rejected, b.rejected...)
	r.Warnings = append(r.Warnings, b.warnings...)
	r.Outcomes = append(r.Outcomes, b.outcomes...)
	if im.opt.Progress != nil {
		im.total = max(im.total, r.Rows) // a worksheet's row count may be an estimate
		im.opt.Progress(data.ImportProgress{Sheet: sp.sheet.Name, Done: r.Rows, Total: im.total,
			Created:  r.Customers.Created + r.Opportunities.Created + r.FollowUps.Created,
			Updated:  r.Customers.Updated + r.Opportunities.Updated + r.FollowUps.Updated,
			Skipped:  r.Customers.Skipped + r.Opportunities.Skipped + r.FollowUps.Skipped,
			Rejected: len(r.Rejected)})
	}
}

// contactKeys takes the phones and emails of the arena's rows into the import's duplicate keys.
func (im *importer) contactKeys(a *hayArena) {
	for slot, id := range a.ids {
		if id == 0 {
			continue
		}
		hay := a.keys[a.keysOff[slot]:a.keysOff[slot+1]]
		for len(hay) > 0 {
			end := 0
			for end < len(hay) && hay[end] != 0 {
				end++
			}
			if f := hay[:end]; isContactKey(f) {
				k := string(f)
				if !slices.Contains(im.keys[k], id) {
					im.keys[k] = append(im.keys[k], id)
				}
			}
			if end < len(hay) {
				end++
			}
			hay = hay[end:]
		}
	}
}
