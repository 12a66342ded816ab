package storage

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"salesdesk/data"
	"salesdesk/data/memory"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asdine/storm/v3"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The store keeps every record in its own bbolt bucket, written through Storm's handle (db.Bolt) in
// one transaction per change. Storm's Save and Select are not used on record paths: Save walks its
// unique index on every insert (O(n)) and Select scans every record (shared/notes/platform.md). What
// lists and searches need lives in memory (index.go), loaded at open and changed only in the commit
// hook of the transaction that changed the records, so memory never shows a change the file lost.

// Bucket names. They are part of the file format: renaming one needs a migration.
var (
	bucketMeta        = []byte("meta")
	bucketCustomers   = []byte("customers")
	bucketRows        = []byte("customer_rows") // customer id → list row, the index opening reads
	bucketCardNumbers = []byte("card_numbers")  // card number → customer id (unique)
	bucketFollowUps   = []byte("followups")     // customer id ‖ follow-up id → follow-up
	bucketOpenActions = []byte("open_actions")  // follow-up id → customer id, for the agenda
	bucketMembers     = []byte("members")
	bucketSettings    = []byte("settings")
	bucketCounters    = []byte("counters")
	bucketAudit       = []byte("audit") // sequence → change record, who did what when
)

var (
	keyMagic   = []byte("magic")
	keySchema  = []byte("schema")
	keyCreated = []byte("created")
	magicValue = []byte("SalesDesk")
)

// lockTimeout bounds the wait for a file another process holds: the user gets a message, not a hang.
const lockTimeout = time.Second

// Options tune Open.
type Options struct {
	// ReadOnly opens the file without taking the write lock and never writes it (check, list).
	ReadOnly bool
	// Now is the clock; tests pass a fixed one.
	Now func() time.Time
	// FullCheck decodes every record and checks SalesDesk's invariants (Store.Check) before the file
	// is opened for writing, so that a command never writes into a file whose records are damaged.
	// Seconds on a large file: the command line's writing commands use it, the window does not.
	FullCheck bool
	// FinishDemo lets a FullCheck open go on when a demo was interrupted in the file, to finish it
	// (ResumeDemo); other writers are refused with ErrDemoInterrupted, since a card of theirs among
	// the demo's would keep it from ever being finished.
	FinishDemo bool

	// CheckLater checks the structure of the buckets the first frame reads before Open returns, as
	// ever, and the rest of the file only when FinishCheck is called (the window: after its first
	// frame) or before the first write, which waits for it: a large file's walk reads every page, in
	// cold seconds that the first frame need not wait for. A file found damaged then is still never
	// written to. The window's opens use it; the command line's, which write at once, do not.
	CheckLater bool

	// structureChecked skips the structural check for a file whose check has just passed
	// (verifyRecords, called right after one): the walk reads every page.
	structureChecked bool
}

// Store is SalesDesk's database.
type Store struct {
	db       *storm.DB
	path     string
	readOnly bool
	now      func() time.Time

	// writeMu orders writers so that commit hooks apply to memory in commit order.
	writeMu sync.Mutex
	// mu guards the in-memory index.
	mu  sync.RWMutex
	idx *index
	// gen counts the commits that changed the index (under mu), so that figures derived from it
	// (store_metrics.go) know when they are stale.
	gen     uint64
	derived derivedCache
	// check is the structural check's part that CheckLater left for after Open, nil if none.
	check *laterCheck
	// loaded ends the collector's loose pacing of the opening (memory.Loading) where CheckLater kept it
	// for the first page of the list; it may be called more than once.
	loaded func()
	// dealsMu lets one caller decode the deals that opening left in the file (LoadDeals) while the others
	// wait for it; dealsErr keeps why it failed.
	dealsMu  sync.Mutex
	dealsErr error

	// commits counts the writes committed since the file was opened; changed is closed at the next
	// one, for whoever waits for a change (WaitCommit: office mode's change feed).
	changeMu sync.Mutex
	commits  uint64
	changed  chan struct{}

	// gramsStop ends the building of the search postings, gramsDone closes once it has ended; both
	// are set (under mu) when it starts.
	gramsStop, gramsDone chan struct{}
}

// DefaultPath is the database file in the user's configuration folder.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("data: find the user's config folder: %w", err)
	}
	return filepath.Join(dir, "SalesDesk", "salesdesk.db"), nil
}

// Open opens or creates the database at path, migrating it to the current schema. A file that is not
// a SalesDesk database, is damaged, or is too new is refused before anything is written to it.
func Open(path string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	// Opening for writing reads the list rows while the structural check goes on: once the buckets
	// they live in are checked, through a read-only mapping of its own (preload).
	var pre *index
	var preTx int
	var preErr error
	var preDone chan struct{}
	var feed *rowFeed
	loaded := memory.Loading()
	// With CheckLater, the caller's first frame comes next: the pacing that opening found is put
	// back once the first page of the list is read, not on return, since the collection that the
	// stricter pacing starts at once (1.3 GB live at 1M cards) held that page up by 0.4–0.5 s.
	keepLoading := false
	defer func() {
		if !keepLoading {
			loaded()
		}
	}()
	startPreload := func() {
		// The walk fed the rows to the decoders as it checked them: they go into the index before
		// the walk goes on, since their texts are still views of its mapping.
		var fed bool
		if pre, preTx, fed, preErr = preloadFed(path, opt.Now(), feed); fed {
			return
		}
		preDone = make(chan struct{})
		go func() {
			defer close(preDone)
			pre, preTx, preErr = preload(path, opt.Now())
		}()
	}
	if opt.ReadOnly {
		startPreload = nil
	} else {
		if _, _, _, ok := parseBackupName(filepath.Base(path)); ok {
			if st, err := os.Stat(path); err == nil && st.Size() > 0 {
				return nil, fmt.Errorf("data: open %s: %w", path, data.ErrIsBackup)
			}
		}
		feed = newRowFeed()
	}
	exists, check, err := inspectThen(path, startPreload, !opt.structureChecked, opt.CheckLater && !opt.ReadOnly && !opt.FullCheck, feed)
	feed.drain() // a walk that failed before the rows passed leaves the decoders waiting
	if preDone != nil {
		<-preDone
	}
	if err != nil {
		return nil, err
	}
	// Any failure below leaves the check's walk unneeded.
	opened := false
	defer func() {
		if !opened && check != nil {
			_ = check.finish(false)
		}
	}()
	if !exists && opt.ReadOnly {
		return nil, fmt.Errorf("data: open %s: %w", path, os.ErrNotExist)
	}
	if exists && opt.FullCheck && !opt.ReadOnly {
		if err := verifyRecords(path); err != nil {
			return nil, err
		}
	}
	if !exists {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("data: create folder for %s: %w", path, err)
		}
	}
	if preErr != nil {
		return nil, preErr
	}
	b, err := openBolt(path, opt.ReadOnly)
	if err != nil {
		return nil, err
	}
	db, err := storm.Open(path, storm.UseDB(b), storm.Codec(codec))
	if err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("data: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, readOnly: opt.ReadOnly, now: opt.Now, check: check}
	if !opt.ReadOnly {
		if err := s.migrate(); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	if pre != nil {
		_ = s.view(func(tx *bolt.Tx) error {
			if tx.ID() == preTx {
				s.idx = pre
			}
			return nil
		})
	}
	if s.idx == nil {
		if err := s.load(); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	if opt.FullCheck && !opt.ReadOnly && !opt.FinishDemo {
		if d, ok := s.InterruptedDemo(); ok {
			_ = db.Close()
			return nil, fmt.Errorf("data: open %s: %w (%d of %d customers made)", path, ErrDemoInterrupted, d.Done, d.Customers)
		}
	}
	if opt.CheckLater {
		// Also after the rest of the check, the deals, Close, or a grace for callers that list nothing.
		keepLoading, s.loaded = true, loaded
		time.AfterFunc(loadingGrace, loaded)
	}
	opened = true
	return s, nil
}

// loadingGrace is how long after Open returns, at most, the loose pacing of a load lasts for a first
// page of the list that does not come (CheckLater).
const loadingGrace = 2 * time.Second

// doneLoading puts back the collector's pacing that Open found, if CheckLater kept the load's.
func (s *Store) doneLoading() {
	if s.loaded != nil {
		s.loaded()
	}
}

// FinishCheck checks the structure of the part of the file that Open left for later (CheckLater),
// once, and returns what it found: an error wrapping ErrDamaged refuses every write from then on.
func (s *Store) FinishCheck() error {
	s.doneLoading() // what comes after the first frame
	if s.check == nil {
		return nil
	}
	return s.check.finish(true)
}

// laterCheck is a structural walk paused after the buckets Open reads (inspectThen), then after the
// deals' rows, which LoadDeals reads once the first frame is up.
type laterCheck struct {
	toDeals   chan struct{} // closed to let the walk check the deals' rows, or end if stop is set
	dealsOnce sync.Once
	deals     chan struct{} // closed once the deals' rows have passed
	resume    chan struct{} // closed to let the walk go on to the rest, or end if stop is set
	stop      atomic.Bool
	ended     chan struct{} // closed once the walk has ended, with walkErr
	walkErr   error
	once      sync.Once
}

func newLaterCheck() *laterCheck {
	return &laterCheck{toDeals: make(chan struct{}), deals: make(chan struct{}), resume: make(chan struct{}), ended: make(chan struct{})}
}

// goOn waits at a pause of the walk for gate, and says whether the walk goes on.
func (c *laterCheck) goOn(gate chan struct{}) bool {
	<-gate
	return !c.stop.Load()
}

func (c *laterCheck) openDeals() { c.dealsOnce.Do(func() { close(c.toDeals) }) }

// dealsChecked lets the walk check the deals' rows, if it has not yet, and waits until they passed.
func (c *laterCheck) dealsChecked() error {
	c.openDeals()
	select {
	case <-c.deals:
		return nil
	case <-c.ended:
	}
	switch err := c.walkErr; {
	case err == nil:
		return nil // the whole walk passed
	case errors.Is(err, errCheckStopped):
		return fmt.Errorf("data: the deals were not read: %w", berrors.ErrDatabaseNotOpen) // the store is being closed
	default:
		return err
	}
}

// finish lets the walk go on (or stops it) and waits for its end; later calls return the same.
func (c *laterCheck) finish(goOn bool) error {
	c.once.Do(func() {
		c.stop.Store(!goOn) // read by the walk only after its gate is open
		c.openDeals()
		close(c.resume)
	})
	<-c.ended
	if errors.Is(c.walkErr, errCheckStopped) {
		return nil
	}
	return c.walkErr
}

// IndexSearch starts building the search postings, unless they are built or being built: off the
// caller's goroutine, from a snapshot of the cards' texts taken under the lock, with the lock free
// meanwhile; searches scan until they are in place. The first search starts it: opening does not, so
// that the first frame has both cores, and a command that searches once does not build for nothing.
func (s *Store) IndexSearch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gramsDone != nil {
		return
	}
	stop, done := make(chan struct{}), make(chan struct{})
	s.gramsStop, s.gramsDone = stop, done
	ix := s.idx
	snap := ix.grams.snapshot(ix.hay, ix.rows)
	go func() {
		defer close(done)
		ps, ok := snap.build(stop)
		if !ok {
			return
		}
		s.mu.Lock()
		ix.grams.install(snap, ps, ix.rows)
		s.mu.Unlock()
	}()
}

// WaitSearchIndex builds the search postings and waits until they are in place (tests, benchmarks).
func (s *Store) WaitSearchIndex() {
	s.IndexSearch()
	s.mu.RLock()
	done := s.gramsDone
	s.mu.RUnlock()
	<-done
}

// preloadBuckets are the buckets preload (loadIndex) reads; the deals' rows (dealBuckets) are read
// after the first frame (LoadDeals), and checked then, when CheckLater leaves the check for later:
// 286 MB of the 1.2 GB read before the first frame of a 1M file with a cold cache.
var (
	preloadBuckets = [][]byte{bucketMeta, bucketSettings, bucketMembers, bucketRows, bucketOpenActions}
	dealBuckets    = [][]byte{bucketOppRows}
)

// preload builds the index through a read-only mapping of the file that is closed right after. Reading
// every list row touches most of the rows' pages; through the long-lived mapping they would stay in the
// process's resident memory for the whole session, through this one they are let go. Open uses the
// result only if nothing was committed in between (same transaction id), else it loads again.
func preload(path string, now time.Time) (*index, int, error) {
	b, err := openBolt(path, true)
	if err != nil {
		return nil, 0, err
	}
	defer b.Close()
	var ix *index
	var txid int
	err = viewSafely(b, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketRows) == nil {
			return nil // an older schema: the migration builds the rows, then Open loads
		}
		txid = tx.ID()
		ix, err = loadIndex(tx, now, true)
		return err
	})
	return ix, txid, err
}

// preloadFed is preload for rows that a structural walk fed to feed as it checked them; fed is false
// if no walk did (the caller then preloads).
func preloadFed(path string, now time.Time, feed *rowFeed) (ix *index, txid int, fed bool, err error) {
	if feed == nil {
		return nil, 0, false, nil
	}
	rows, walked, fed, err := feed.rows()
	if !fed || err != nil {
		return nil, 0, fed, err
	}
	b, err := openBolt(path, true)
	if err != nil {
		return nil, 0, true, err
	}
	defer b.Close()
	err = viewSafely(b, func(tx *bolt.Tx) error {
		// The walk read the pages of this transaction if no writer committed since, which the shared
		// lock held through the walk rules out; should one have, Open loads from the file.
		if tx.Bucket(bucketRows) == nil || uint64(tx.ID()) != walked {
			return nil
		}
		txid = tx.ID()
		ix, err = loadIndexWith(tx, now, true, rows)
		return err
	})
	return ix, txid, true, err
}

// openBolt opens the file with a bounded wait for the lock, turning bbolt's errors into ours.
func openBolt(path string, readOnly bool) (b *bolt.DB, err error) {
	defer func() {
		// A damaged file can make bbolt panic while reading its pages; that is a damaged file, not a crash.
		if r := recover(); r != nil {
			b, err = nil, damaged(path, DamagePages, r)
		}
	}()
	b, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, ReadOnly: readOnly})
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("data: open %s: %w", path, data.ErrLocked)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, fmt.Errorf("data: open %s: %w", path, data.ErrNotSalesDesk)
	case errors.Is(err, berrors.ErrChecksum):
		return nil, damaged(path, DamageNoMeta, err)
	default:
		return nil, fmt.Errorf("data: open %s: %w", path, err)
	}
}

// inspect looks at an existing file read-only before Open may write to it: it must be a bbolt file
// holding SalesDesk's meta bucket with a schema this binary knows. It reports whether the file exists
// with content.
func inspect(path string) (bool, error) {
	exists, _, err := inspectThen(path, nil, true, false, nil)
	return exists, err
}

// inspectThen is inspect, calling checked (when set) as soon as the buckets that preload reads have
// passed the structural check, while the rest of the file is checked; verify false skips the check
// for a file whose check has just passed. later returns once those buckets are checked, with the rest
// of the walk paused until the returned check is finished.
func inspectThen(path string, checked func(), verify, later bool, feed *rowFeed) (bool, *laterCheck, error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, fmt.Errorf("data: open %s: %w", path, err)
	}
	if st.IsDir() {
		return false, nil, fmt.Errorf("data: open %s: %w (it is a folder)", path, data.ErrNotSalesDesk)
	}
	if st.Size() == 0 {
		// An empty file is what a crash during the very first open leaves; bbolt initialises it.
		return false, nil, nil
	}
	if err := checkLength(path, st.Size()); err != nil {
		return true, nil, err
	}
	// The shared lock first, so that no writer changes pages under the walk; bbolt's open reads only
	// the meta pages, which checkLength has read safely. A walk left for later goes on under the
	// store's own lock, with every write waiting for its end.
	b, err := openBolt(path, true)
	if err != nil {
		return true, nil, err
	}
	defer b.Close()
	if checked == nil {
		checked = func() {}
	}
	var check *laterCheck
	switch {
	case !verify:
		checked()
	case later:
		check = newLaterCheck()
		early := make(chan struct{})
		go func() {
			defer close(check.ended)
			_, check.walkErr = verifyFile(path, []walkStage{
				{preloadBuckets, func() bool {
					feed.close() // the rows' bucket has passed: its last leaves go to the decoders
					checked()    // before early: what it starts is the caller's once inspectThen returns
					close(early)
					// The first frame has both cores until the deals are wanted (LoadDeals).
					return check.goOn(check.toDeals)
				}},
				{dealBuckets, func() bool {
					close(check.deals)
					return check.goOn(check.resume)
				}},
			}, feed.leafFeed())
		}()
		select {
		case <-early:
		case <-check.ended:
			// Damage in the first buckets: the walk has ended before it paused.
			if check.walkErr != nil {
				return true, nil, check.walkErr
			}
			check = nil
		}
	default:
		if _, err := verifyFile(path, []walkStage{
			{preloadBuckets, func() bool { feed.close(); checked(); return true }},
		}, feed.leafFeed()); err != nil {
			return true, nil, err
		}
	}
	fresh := false
	err = viewSafely(b, func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil && onlyStormBuckets(tx) {
			// A first open that stopped before the first migration committed: finish it, do not call
			// the user's own new file foreign.
			fresh = true
			return nil
		}
		if meta == nil || string(meta.Get(keyMagic)) != string(magicValue) {
			return fmt.Errorf("data: open %s: %w", path, data.ErrNotSalesDesk)
		}
		v := decodeUint(meta.Get(keySchema))
		if v > uint64(len(migrations)) {
			return fmt.Errorf("data: open %s: %w (file schema %d, this version reads up to %d): update SalesDesk",
				path, data.ErrTooNew, v, len(migrations))
		}
		return nil
	})
	if err != nil {
		if check != nil {
			_ = check.finish(false)
		}
		return true, nil, err
	}
	return !fresh, check, nil
}

// onlyStormBuckets reports whether the file holds nothing but what bbolt and Storm write on their own.
func onlyStormBuckets(tx *bolt.Tx) bool {
	only := true
	_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if !strings.HasPrefix(string(name), "__storm") {
			only = false
		}
		return nil
	})
	return only
}

// viewSafely runs a read transaction, reporting a panic from damaged pages as ErrDamaged.
func viewSafely(b *bolt.DB, fn func(tx *bolt.Tx) error) (err error) {
	// Defence in depth: a damaged page can send bbolt's reads outside the mapping, a fault that would
	// end the process; as a panic it is recovered below.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = damaged("", DamagePages, r)
		}
	}()
	// A read of a damaged page through the mapping faults; as a panic it is recovered above.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return b.View(fn)
}

// Close closes the file.
func (s *Store) Close() error {
	s.doneLoading()
	if s.check != nil {
		_ = s.check.finish(false) // no write is left to protect
	}
	s.mu.Lock()
	stop, done := s.gramsStop, s.gramsDone
	s.gramsStop = nil
	s.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	// An order still being made after the first page (firstOf) is waited for, so that no sort of a
	// closed file goes on using a core.
	s.mu.Lock()
	var jobs []*sortJob
	if s.idx != nil {
		jobs = slices.Collect(maps.Values(s.idx.sortJobs))
	}
	s.mu.Unlock()
	for _, j := range jobs {
		<-j.done
	}
	return s.db.Close()
}

// Path is the file the store works on.
func (s *Store) Path() string { return s.path }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Clock is the store's clock itself, to open another file with: unlike the method value s.Now, it
// does not keep this store alive.
func (s *Store) Clock() func() time.Time { return s.now }

// update runs fn in one write transaction. apply runs after the commit, under the index lock, so the
// in-memory index changes exactly when the file did.
func (s *Store) update(fn func(tx *bolt.Tx) (apply func(*index), err error)) error {
	if s.readOnly {
		return data.ErrReadOnly
	}
	// Nothing is written to a file before its whole structure has passed the check.
	if err := s.FinishCheck(); err != nil {
		return err
	}
	// A write may change a deal; the deals read from the file afterwards must not land over it.
	if err := s.LoadDeals(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.db.Bolt.Update(func(tx *bolt.Tx) error {
		apply, err := fn(tx)
		if err != nil {
			return err
		}
		tx.OnCommit(s.noteCommit)
		if apply != nil {
			tx.OnCommit(func() {
				s.mu.Lock()
				apply(s.idx)
				s.gen++
				s.mu.Unlock()
			})
		}
		return nil
	})
}

func (s *Store) view(fn func(tx *bolt.Tx) error) error { return viewSafely(s.db.Bolt, fn) }

func (s *Store) noteCommit() {
	s.changeMu.Lock()
	defer s.changeMu.Unlock()
	s.commits++
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
}

// Commits counts the writes committed since the file was opened.
func (s *Store) Commits() uint64 {
	s.changeMu.Lock()
	defer s.changeMu.Unlock()
	return s.commits
}

// WaitCommit returns the number of writes committed since the file was opened as soon as it is
// above after (at once if it already is), or ctx's error when ctx ends first.
func (s *Store) WaitCommit(ctx context.Context, after uint64) (uint64, error) {
	for {
		s.changeMu.Lock()
		n := s.commits
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.changeMu.Unlock()
		if n > after {
			return n, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return n, ctx.Err()
		}
	}
}

func encodeUint(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func decodeUint(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// pairKey joins two ids so that a cursor's prefix scan finds all of one parent's children.
func pairKey(parent, child uint64) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, parent)
	binary.BigEndian.PutUint64(b[8:], child)
	return b
}

func putRecord(b *bolt.Bucket, key []byte, v any) error {
	raw, err := codec.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

func getRecord(b *bolt.Bucket, key []byte, v any) error {
	raw := b.Get(key)
	if raw == nil {
		return data.ErrNotFound
	}
	return codec.Unmarshal(raw, v)
}

// checkLength reads bbolt's two meta pages and refuses a file shorter than the pages its newest valid
// meta says it has. bbolt maps the file and reads those pages directly, so a truncated file would
// crash the process with a memory fault instead of returning an error.
func checkLength(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("data: open %s: %w", path, err)
	}
	defer f.Close()
	const boltMagic = 0xED0CDAED
	type meta struct {
		pageSize uint32
		pgid     uint64
		txid     uint64
	}
	read := func(off int64) (meta, bool) {
		buf := make([]byte, 80)
		if _, err := f.ReadAt(buf, off); err != nil {
			return meta{}, false
		}
		m := buf[16:]
		if binary.LittleEndian.Uint32(m[0:4]) != boltMagic {
			return meta{}, false
		}
		h := fnv.New64a()
		_, _ = h.Write(m[:56])
		if h.Sum64() != binary.LittleEndian.Uint64(m[56:64]) {
			return meta{}, false
		}
		return meta{pageSize: binary.LittleEndian.Uint32(m[8:12]), pgid: binary.LittleEndian.Uint64(m[40:48]),
			txid: binary.LittleEndian.Uint64(m[48:56])}, true
	}
	first, ok0 := read(0)
	var second meta
	var ok1 bool
	if ok0 && first.pageSize > 0 {
		second, ok1 = read(int64(first.pageSize))
	} else {
		for _, ps := range []int64{4096, 8192, 16384, 65536} {
			if second, ok1 = read(ps); ok1 {
				break
			}
		}
	}
	newest, ok := first, ok0
	if ok1 && (!ok0 || second.txid > first.txid) {
		newest, ok = second, true
	}
	if !ok {
		return nil // bbolt itself reports a file with no valid meta page, safely
	}
	if need := int64(newest.pgid) * int64(newest.pageSize); size < need {
		return damaged(path, DamageTruncated, fmt.Sprintf("the file is %d bytes, its pages need %d", size, need))
	}
	return nil
}

// startIndex is IndexSearch once: later searches only read whether it started.
func (s *Store) startIndex() {
	s.mu.RLock()
	started := s.gramsDone != nil
	s.mu.RUnlock()
	if !started {
		s.IndexSearch()
	}
}
