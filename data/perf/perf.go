// Package perf measures SalesDesk on the machine it runs on: it makes a demo file of N customers and
// prints each figure the product has a goal for, as the median and the range of a few runs, beside
// the same work done by other engines on the same records (a Peer; the SQLite peers live in a module
// of their own, data/perf/peers, so that the product does not depend on them).
package perf

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"salesdesk/data"
	"salesdesk/data/memory"
	"salesdesk/data/storage"
)

// Record is one card's search texts, as SalesDesk indexes them: what was typed (lower-cased) and
// its ASCII keys (pinyin, phones, emails, card number), fields ended by NUL.
type Record struct {
	ID         uint64
	Text, Keys string
}

// Peer is another engine answering the same searches over the same records.
type Peer interface {
	Name() string
	// Load takes the records in; path is a copy of SalesDesk's file, for a peer that reads it.
	Load(path string, records []Record) error
	// Search returns how many records hold the term in their text (ascii false) or keys.
	Search(term string, ascii bool) (int, error)
	Close() error
}

// Options say how large a file to measure and how.
type Options struct {
	Customers int
	// From, when set, is a file to measure a copy of instead of making a demo of Customers.
	From  string
	Runs  int    // runs of each figure; at least 1
	Dir   string // where the file is made; a temporary folder, removed after, when empty
	Out   io.Writer
	Peers []Peer
	// Queries are the searches measured, one per kind of query; Classes when nil.
	Queries []Query
}

// Query is a search a user types, with the kind it stands for.
type Query struct{ Class, Text string }

// Classes are one query of each kind: one, two and three hanzi, pinyin initials, a full spelling
// and a syllable, phone fragments, an email's part, a tag and a card number's prefix.
var Classes = []Query{
	{"one hanzi", "北"}, {"two hanzi", "北京"}, {"three hanzi", "北京市"}, {"pinyin initials", "bjs"},
	{"full pinyin", "beijing"}, {"pinyin syllable", "zhang"}, {"phone, 3 digits", "138"},
	{"phone, 7 digits", "1380013"}, {"email part", "qq.com"}, {"tag", "重点客户"}, {"card number", "kh2025"},
}

// stat is one figure's runs.
type stat struct{ d []time.Duration }

func (s *stat) add(d time.Duration) { s.d = append(s.d, d) }

func (s *stat) median() time.Duration {
	d := slices.Clone(s.d)
	slices.Sort(d)
	return d[len(d)/2]
}

func (s *stat) String() string {
	lo, hi := slices.Min(s.d), slices.Max(s.d)
	if len(s.d) == 1 {
		return ms(s.d[0])
	}
	return fmt.Sprintf("%s (%s–%s)", ms(s.median()), ms(lo), ms(hi))
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1e3)
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1e3)
	default:
		return fmt.Sprintf("%.3f ms", float64(d.Nanoseconds())/1e6)
	}
}

// timeOpens opens the file runs times, after dropping its pages from the cache when cold, and keeps
// how long each took until the first page of the list was read: what the window waits for before its
// first frame. Closing is not timed (it waits for the work that goes on after the first frame: the
// whole order, the rest of the check), and each open starts from a collected heap, as a new process
// would, instead of beside the last one's garbage.
func timeOpens(runs int, path string, cold bool) (*stat, error) {
	s := &stat{}
	for range runs {
		memory.Settle()      // the last run's load has ended
		debug.FreeOSMemory() // collects first
		if cold {
			if err := dropCache(path); err != nil {
				return nil, err
			}
		}
		t0 := time.Now()
		st, _, err := openFirst(path)
		if err != nil {
			return nil, err
		}
		s.add(time.Since(t0))
		if err := st.Close(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// timeRuns runs fn runs times and keeps how long each took.
func timeRuns(runs int, fn func() error) (*stat, error) {
	s := &stat{}
	for range runs {
		t0 := time.Now()
		if err := fn(); err != nil {
			return nil, err
		}
		s.add(time.Since(t0))
	}
	return s, nil
}

// Run makes the file and prints every figure.
func Run(ctx context.Context, opt Options) (err error) {
	if opt.Customers < 1 && opt.From == "" {
		return errors.New("perf: at least one customer")
	}
	opt.Runs = max(opt.Runs, 1)
	if opt.Queries == nil {
		opt.Queries = Classes
	}
	out := opt.Out
	dir := opt.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "salesdesk-bench-"); err != nil {
			return err
		}
		// The file and its exports are hundreds of megabytes at 100k: nothing stays behind.
		defer os.RemoveAll(dir)
	}
	path := filepath.Join(dir, "bench.db")
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("perf: %s exists: the bench makes its own file (another --dir, or remove it)", path)
	}
	t0 := time.Now()
	if opt.From != "" {
		fmt.Fprintf(out, "SalesDesk bench: a copy of %s, %d runs a figure, %s, %d cores\n", opt.From, opt.Runs, runtime.GOARCH, runtime.NumCPU())
		if err := copyFile(opt.From, path); err != nil {
			return err
		}
		row(out, "copy the file", ms(time.Since(t0)), "")
	} else {
		fmt.Fprintf(out, "SalesDesk bench: %d customers, %d runs a figure, %s, %d cores\n", opt.Customers, opt.Runs, runtime.GOARCH, runtime.NumCPU())
		st, err := storage.Open(path, storage.Options{})
		if err != nil {
			return err
		}
		if err := storage.GenerateDemo(st, storage.DemoOptions{Customers: opt.Customers, Seed: 1, Now: time.Now()}); err != nil {
			st.Close()
			return err
		}
		if err := st.Close(); err != nil {
			return err
		}
		row(out, "make the demo file", ms(time.Since(t0)), "")
	}

	// Opening, warm and cold: the file and the first page of the list as the window shows it.
	// Once untimed, so that the timed warm runs find the file's pages in the cache.
	if _, err := timeOpens(1, path, false); err != nil {
		return err
	}
	warm, err := timeOpens(opt.Runs, path, false)
	if err != nil {
		return err
	}
	row(out, "open + first page of the list, warm", warm.String(), "")
	cold, err := timeOpens(opt.Runs, path, true)
	switch {
	case errors.Is(err, errNoFadvise):
		row(out, "open + first page of the list, cold", "(not measured: no posix_fadvise here)", "")
	case err != nil:
		return err
	default:
		row(out, "open + first page of the list, cold (page cache dropped)", cold.String(), "")
	}

	peaks, err := childPeaks(opt.Runs, path)
	if err != nil {
		return err
	}
	row(out, "memory's peak while opening (a process of its own: open, first page, postings)", "", "")
	row(out, "", peaks, "")

	st, sess, err := openFirst(path)
	if err != nil {
		return err
	}
	defer st.Close()
	t0 = time.Now()
	st.WaitSearchIndex()
	row(out, "search postings built (after the first frame, in the background)", ms(time.Since(t0)), "")
	var m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m1)
	row(out, "Go heap in use, file open with the search postings", fmt.Sprintf("%.0f MB", float64(m1.HeapInuse)/1e6),
		"")

	if err := searches(ctx, out, opt, path, st, sess); err != nil {
		return err
	}
	return others(ctx, out, opt, dir, st, sess)
}

// searches prints each query's keystroke and the peers' times for it. SalesDesk's figures are taken
// before the peers are loaded: their records, SQLite's pages and its garbage would otherwise share
// the process's caches and collector with the searches measured (which ran 2–15× slower beside them).
func searches(ctx context.Context, out io.Writer, opt Options, path string, st *storage.Store, sess *storage.Session) error {
	fmt.Fprintf(out, "\nsearch per keystroke, median (min–max) of %d runs. list: what the window asks for, the count and the\n"+
		"first page of 200 sorted by name; cards: every matching card, in order; each peer counts the matching\n"+
		"records, and ×N is how many times the cards' time it takes\n", opt.Runs*4)
	type measured struct {
		found int
		list  *stat
		cards time.Duration
		cols  []string
	}
	got := make([]measured, len(opt.Queries))
	for i, q := range opt.Queries {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		m := &got[i]
		var err error
		m.list, err = timeRuns(opt.Runs*4, func() error {
			sess.DropListCache()
			p, err := sess.Customers(data.CustomerFilter{Search: q.Text, Sort: data.SortName, Limit: 200})
			m.found = p.Total
			return err
		})
		if err != nil {
			return err
		}
		cards, _ := timeRuns(opt.Runs*4, func() error {
			st.Customers(data.CustomerFilter{Search: q.Text, Sort: data.SortName})
			return nil
		})
		m.cards = cards.median()
	}
	names := []string{"list", "cards"}
	var records []Record
	if len(opt.Peers) > 0 {
		st.SearchTexts(func(id uint64, text, keys string) { records = append(records, Record{id, text, keys}) })
		// The open file is locked by this process: the peers read a copy of it.
		copyPath := filepath.Join(filepath.Dir(path), "peers.db")
		if _, err := st.BackupTo(ctx, copyPath, nil); err != nil {
			return err
		}
		path = copyPath
	}
	for _, p := range opt.Peers {
		if err := p.Load(path, records); err != nil {
			return fmt.Errorf("perf: %s: %w", p.Name(), err)
		}
		defer p.Close()
		names = append(names, p.Name())
		runtime.GC() // each peer starts without the garbage of loading it
		for i, q := range opt.Queries {
			var n int
			s, err := timeRuns(opt.Runs, func() (err error) {
				n, err = p.Search(strings.ToLower(q.Text), isASCII(q.Text))
				return err
			})
			if err != nil {
				return fmt.Errorf("perf: %s: %q: %w", p.Name(), q.Text, err)
			}
			col := fmt.Sprintf("%s ×%.1f", ms(s.median()), float64(s.median())/float64(got[i].cards))
			if n != got[i].found {
				col += fmt.Sprintf(" (found %d)", n)
			}
			got[i].cols = append(got[i].cols, col)
		}
	}
	fmt.Fprintf(out, "%-18s %-10s %7s  %s\n", "kind", "query", "found", strings.Join(names, " | "))
	for i, q := range opt.Queries {
		cols := append([]string{got[i].list.String(), ms(got[i].cards)}, got[i].cols...)
		fmt.Fprintf(out, "%-18s %-10s %7d  %s\n", q.Class, q.Text, got[i].found, strings.Join(cols, " | "))
	}
	return nil
}

// others prints the figures besides search: a keystroke after a save, a column's first sort, a save,
// the board, the metrics, a JSON export and a backup.
func others(ctx context.Context, out io.Writer, opt Options, dir string, st *storage.Store, sess *storage.Session) error {
	fmt.Fprintln(out)
	page, err := sess.Customers(data.CustomerFilter{Sort: data.SortCardNo, Limit: 1})
	if err != nil || len(page.Rows) == 0 {
		return fmt.Errorf("perf: the first card: %v", err)
	}
	card, err := sess.Customer(page.Rows[0].ID)
	if err != nil {
		return err
	}
	save := func() error {
		card.Notes = time.Now().Format(time.RFC3339Nano)
		card, err = sess.UpdateCustomer(card)
		return err
	}
	// Opening leaves the deals in the file and the structural check of what the first frame does not
	// read for after the first frame, as the window does; the first write would otherwise wait for both.
	deals, err := timeRuns(1, st.LoadDeals)
	if err != nil {
		return err
	}
	row(out, "the deals decoded after the first frame", deals.String(), "")
	rest, err := timeRuns(1, st.FinishCheck)
	if err != nil {
		return err
	}
	row(out, "the rest of the file's structural check, after the first frame", rest.String(), "")
	saves, err := timeRuns(opt.Runs*4, save)
	if err != nil {
		return err
	}
	row(out, "save a card", saves.String(), "")
	after := &stat{}
	for range opt.Runs * 4 {
		if err := save(); err != nil {
			return err
		}
		t0 := time.Now()
		if _, err := sess.Customers(data.CustomerFilter{Search: "北京", Sort: data.SortName, Limit: 200}); err != nil {
			return err
		}
		after.add(time.Since(t0))
	}
	row(out, "first keystroke after a save (北京)", after.String(), "")
	// A large list's first page in a new order is picked before the order is made, which the second
	// page then waits for: both are printed.
	sorts, wholes := &stat{}, &stat{}
	for _, k := range []data.SortKey{data.SortNextFollowUp, data.SortLastFollowUp, data.SortIndustry, data.SortOwner, data.SortGrade} {
		t0 := time.Now()
		if _, err := sess.Customers(data.CustomerFilter{Sort: k, Limit: 200}); err != nil {
			return err
		}
		sorts.add(time.Since(t0))
		if _, err := sess.Customers(data.CustomerFilter{Sort: k, Offset: 200, Limit: 200}); err != nil {
			return err
		}
		wholes.add(time.Since(t0))
	}
	row(out, "a column's first sort (5 columns)", sorts.String(), "")
	row(out, "  and its second page (the whole order made)", wholes.String(), "")

	if err := st.LoadDeals(); err != nil {
		return err
	}
	settings, err := sess.Settings()
	if err != nil {
		return err
	}
	board, err := timeRuns(opt.Runs, func() error {
		sess.DropListCache()
		for _, stg := range settings.Stages {
			if stg.Kind != data.StageLead && stg.Kind != data.StageOpen {
				continue
			}
			if _, err := sess.Opportunities(data.OpportunityFilter{Stage: stg.Key, Limit: 30}); err != nil {
				return err
			}
		}
		_, err := sess.StageTotals(data.OpportunityFilter{})
		return err
	})
	if err != nil {
		return err
	}
	row(out, "board: each open stage's first cards and the totals", board.String(), "")
	q := data.PeriodOf(data.PeriodQuarter, time.Now())
	metrics, err := timeRuns(opt.Runs, func() error { _, err := sess.Dashboard(q, 8); return err })
	if err != nil {
		return err
	}
	row(out, "metrics: the quarter's dashboard with 8 quarters of trend", metrics.String(), "")

	exportTo := filepath.Join(dir, "export.json")
	export, err := timeRuns(opt.Runs, func() error {
		return writeFile(exportTo, func(w io.Writer) error {
			_, err := sess.ExportJSON(w, data.JSONExportOptions{})
			return err
		})
	})
	if err != nil {
		return err
	}
	size := ""
	if fi, err := os.Stat(exportTo); err == nil {
		size = fmt.Sprintf("%.0f MB", float64(fi.Size())/1e6)
	}
	row(out, "JSON export of the whole file", export.String(), size)
	var grew uint64
	if err := heapGrowth(&grew, func() error {
		_, err := sess.ExportJSON(io.Discard, data.JSONExportOptions{})
		return err
	}); err != nil {
		return err
	}
	row(out, "live Go heap's growth during a JSON export (streamed: constant)", fmt.Sprintf("%.0f MB", float64(grew)/1e6), "")
	if err := imports(ctx, out, opt, dir, sess); err != nil {
		return err
	}
	backupTo := filepath.Join(dir, "backup.db")
	backup, err := timeRuns(opt.Runs, func() error {
		_ = os.Remove(backupTo)
		_, err := st.BackupTo(ctx, backupTo, nil)
		return err
	})
	if err != nil {
		return err
	}
	row(out, "backup", backup.String(), "")
	row(out, "process peak memory (making the file and the peers' copies included)", peakRSS(), "")
	return nil
}

// imports times the import of every card, from the CSV export of them, into a new file.
func imports(ctx context.Context, out io.Writer, opt Options, dir string, sess *storage.Session) error {
	csvPath := filepath.Join(dir, "customers.csv")
	var cards int
	export, err := timeRuns(1, func() error {
		return writeFile(csvPath, func(w io.Writer) error {
			res, err := sess.Export(w, data.ExportOptions{Format: "csv", What: data.ExportCustomers, Lang: "zh"})
			cards = res.Customers
			return err
		})
	})
	if err != nil {
		return err
	}
	row(out, "CSV export of the cards (the import's file)", export.String(), fmt.Sprintf("%d cards", cards))
	// One import takes at most data.MaxImportRows rows: a larger file is imported in parts, one after
	// the other into the same file, as a user would have to split it.
	parts := []string{csvPath}
	if cards > data.MaxImportRows {
		if parts, err = splitCSV(csvPath, data.MaxImportRows); err != nil {
			return err
		}
		defer func() {
			for _, p := range parts {
				os.Remove(p)
			}
		}()
	}
	n, made, skipped := 0, 0, 0
	imp, err := timeRuns(opt.Runs, func() error {
		n++
		path := filepath.Join(dir, fmt.Sprintf("import-%d.db", n))
		defer os.Remove(path)
		st, err := storage.Open(path, storage.Options{})
		if err != nil {
			return err
		}
		defer st.Close()
		rows, rejected := 0, 0
		made, skipped = 0, 0
		for _, part := range parts {
			src, err := st.OpenImport(part)
			if err != nil {
				return err
			}
			rep, err := st.Import(ctx, data.System, src, data.ImportOptions{})
			src.Close()
			if err != nil {
				return err
			}
			rows += rep.Rows
			rejected += len(rep.Rejected)
			made += rep.Customers.Created
			skipped += rep.Customers.Skipped
		}
		// Every row makes a card or is skipped as a duplicate of one: the demo's names repeat more
		// often the more cards it makes (at 1M, nearly half are duplicates).
		if rows != cards || rejected > 0 || made+skipped != cards || made < cards/3 {
			return fmt.Errorf("perf: the import read %d of %d rows, made %d cards, skipped %d, rejected %d", rows, cards, made, skipped, rejected)
		}
		return nil
	})
	if err != nil {
		return err
	}
	what := "import of that CSV into a new file"
	if len(parts) > 1 {
		what = fmt.Sprintf("import of that CSV into a new file, in %d parts", len(parts))
	}
	row(out, what, imp.String(), fmt.Sprintf("%d made, %d skipped as duplicates", made, skipped))
	return nil
}

// splitCSV writes a CSV file's records again as files of at most n records each after its header,
// beside it. A record may span lines (a quoted field with a line break), so it is read as CSV.
func splitCSV(path string, n int) (parts []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		return nil, err
	}
	var out *os.File
	var w *csv.Writer
	closePart := func() error {
		if out == nil {
			return nil
		}
		w.Flush()
		err := w.Error()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		out = nil
		return err
	}
	defer func() {
		if cerr := closePart(); err == nil {
			err = cerr
		}
	}()
	for i := 0; ; i++ {
		rec, err := r.Read()
		if err == io.EOF {
			return parts, nil
		}
		if err != nil {
			return parts, err
		}
		if i%n == 0 {
			if err := closePart(); err != nil {
				return parts, err
			}
			name := strings.TrimSuffix(path, ".csv") + fmt.Sprintf("-part%d.csv", len(parts)+1)
			if out, err = os.Create(name); err != nil {
				return parts, err
			}
			parts = append(parts, name)
			w = csv.NewWriter(out)
			if err := w.Write(header); err != nil {
				return parts, err
			}
		}
		if err := w.Write(rec); err != nil {
			return parts, err
		}
	}
}

// heapGrowth runs fn and sets grew to how far the Go heap's live objects rose above where they
// began: the objects the collector found reachable, sampled every few milliseconds while it runs
// after every 10% of growth. The heap's whole size would count the garbage not yet collected, which
// the collector lets grow with the live heap (at 1M cards it read 515 MB for an export holding little).
func heapGrowth(grew *uint64, fn func() error) error {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	memory.Settle() // a load's pacing on its way back would change this one under fn
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	base := read()
	peak := sampleMax(func() int64 { return int64(read()) })
	err := fn()
	*grew = uint64(max(peak(), int64(base))) - base
	return err
}

// sampleMax reads a figure every 5 ms from now until the returned function is called, which returns
// the highest read.
func sampleMax(read func() int64) (stop func() int64) {
	var peak atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() int64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// openFirst opens a file and reads the first page of its list, as the window's first frame does.
func openFirst(path string) (*storage.Store, *storage.Session, error) {
	s, err := storage.Open(path, storage.Options{CheckLater: true})
	if err != nil {
		return nil, nil, err
	}
	sess := s.SessionAs(adminOf(s))
	p, err := sess.Customers(data.CustomerFilter{Sort: data.SortName, Limit: 200})
	if err == nil && p.Total == 0 {
		err = errors.New("perf: the list is empty")
	}
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, sess, nil
}

// childVar, set in a process's environment, makes it the bench's child: it opens the file the
// variable names as the window does and prints its peak memory (Child). A process of its own, because
// the bench's own peak is the making of the file.
const childVar = "SALESDESK_BENCH_CHILD"

// Child is the bench's child process, when this is one: it opens the file, reads the first page,
// waits for the search postings, prints "peak <kB> anon <kB> heap <bytes>" and returns true. A command that can
// run the bench calls it first thing.
func Child(out io.Writer) bool {
	path := os.Getenv(childVar)
	if path == "" {
		return false
	}
	// The peak of anonymous memory: VmHWM counts the file's pages too, which opening maps.
	anon := sampleMax(func() int64 { kb, _ := anonKB(); return kb })
	err := func() error {
		s, sess, err := openFirst(path)
		if err != nil {
			return err
		}
		defer s.Close()
		s.WaitSearchIndex()
		if _, err := sess.Customers(data.CustomerFilter{Search: "北京", Sort: data.SortName, Limit: 200}); err != nil {
			return err
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		kb, err := peakKB()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "peak %d anon %d heap %d\n", kb, anon(), m.HeapInuse)
		return err
	}()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		os.Exit(1)
	}
	return true
}

// childPeaks runs the child runs times over path and returns its peaks, median and range.
func childPeaks(runs int, path string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	var peaks, anons []float64
	var heap float64
	for range runs {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), childVar+"="+path)
		cmd.Stderr = os.Stderr
		b, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("perf: the child process: %w", err)
		}
		var kb, an, h int64
		if _, err := fmt.Sscanf(string(b), "peak %d anon %d heap %d", &kb, &an, &h); err != nil {
			return "", fmt.Errorf("perf: the child process printed %q", b)
		}
		peaks = append(peaks, float64(kb)/1024)
		anons = append(anons, float64(an)/1024)
		heap = float64(h) / 1e6
	}
	if len(peaks) == 0 || peaks[0] == 0 {
		return "(not measured on this system)", nil
	}
	slices.Sort(peaks)
	slices.Sort(anons)
	return fmt.Sprintf("%.0f MB (%.0f–%.0f) resident with the file's mapped pages, %.0f MB (%.0f–%.0f) anonymous; Go heap %.0f MB after",
		peaks[len(peaks)/2], peaks[0], peaks[len(peaks)-1], anons[len(anons)/2], anons[0], anons[len(anons)-1], heap), nil
}

func row(out io.Writer, what, figure, note string) {
	if note != "" {
		figure += "  " + note
	}
	fmt.Fprintf(out, "%-66s %s\n", what, figure)
}

func adminOf(s *storage.Store) uint64 {
	for _, m := range s.Members() {
		if m.Role == data.MemberAdmin && m.Active {
			return m.ID
		}
	}
	return 0
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// writeFile creates path and writes it with fn; the file is closed either way.
func writeFile(path string, fn func(w io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = fn(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// copyFile copies a file that no one writes meanwhile (the bench's source).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// On disk before anything is timed: the copy's writeback would otherwise share the disk and the
	// cores with the first runs (the warm opens of a 1M copy took 4.9–5.6 s beside it, 2.7–3.6 s after).
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
