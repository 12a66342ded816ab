package storage

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"salesdesk/data"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/asdine/storm/v3"
	stormcodec "github.com/asdine/storm/v3/codec"
	stormgob "github.com/asdine/storm/v3/codec/gob"
	stormjson "github.com/asdine/storm/v3/codec/json"
	"github.com/asdine/storm/v3/q"
	bolt "go.etcd.io/bbolt"
)

// The benchmarks share one 100k-customer file made by GenerateDemo the first time one needs it, in a
// package-level temp folder that TestMain removes. Benchmarks that write work on a copy.

// benchNow is the demo's today and the store's clock in every benchmark.
var benchNow = time.Date(2026, 3, 10, 18, 0, 0, 0, time.Local)

const benchCustomers = 100_000

var bench struct {
	dirOnce sync.Once
	dir     string
	dirErr  error

	baseOnce  sync.Once
	base      string
	baseErr   error
	baseStats string
	logOnce   sync.Once

	stormOnce sync.Once
	storm     string
	stormErr  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		_ = os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

func benchDir(b *testing.B) string {
	bench.dirOnce.Do(func() { bench.dir, bench.dirErr = os.MkdirTemp("", "salesdesk-bench-") })
	if bench.dirErr != nil {
		b.Fatal(bench.dirErr)
	}
	return bench.dir
}

// bench100k returns the shared 100k file, generating it on first use.
func bench100k(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("100k-customer benchmarks are skipped with -short")
	}
	dir := benchDir(b)
	bench.baseOnce.Do(func() {
		path := filepath.Join(dir, "base100k.db")
		s, err := Open(path, Options{Now: fixedClock(benchNow)})
		if err != nil {
			bench.baseErr = err
			return
		}
		start := time.Now()
		err = GenerateDemo(s, DemoOptions{Customers: benchCustomers, Seed: 1, Now: benchNow})
		gen := time.Since(start)
		if err != nil {
			_ = s.Close()
			bench.baseErr = err
			return
		}
		r, err := s.Check()
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			bench.baseErr = err
			return
		}
		st, _ := os.Stat(path)
		bench.base = path
		bench.baseStats = fmt.Sprintf("GenerateDemo: %d customers, %d follow-ups, %d members in %v; file %.1f MB; Check ok=%v",
			r.Customers, r.FollowUps, r.Members, gen.Round(time.Millisecond), float64(st.Size())/1e6, r.OK())
	})
	if bench.baseErr != nil {
		b.Fatalf("make the 100k file: %v", bench.baseErr)
	}
	return bench.base
}

// copyDB copies the file into the benchmark's temp folder, for benchmarks that write.
func copyDB(b *testing.B, src string) string {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "copy.db")
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	// On disk, as a desktop's file is: else the first commit's fsync writes the whole copy out and a
	// write benchmark measures the copy.
	if err := out.Sync(); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	return dst
}

func openBench(b *testing.B, path string, readOnly bool) *Store {
	b.Helper()
	s, err := Open(path, Options{ReadOnly: readOnly, Now: fixedClock(benchNow)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	s.WaitSearchIndex() // the keystrokes measured are those after the first moments
	return s
}

// timed runs fn b.N times and reports the median duration besides ns/op (the mean).
func timed(b *testing.B, fn func(i int)) {
	b.Helper()
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		fn(i)
		durs = append(durs, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)/2])/1e6, "median-ms")
}

// dropSortCache empties the sorted-order cache as a write does, so the next list sorts again.
func dropSortCache(s *Store) {
	s.mu.Lock()
	clear(s.idx.sorted)
	s.mu.Unlock()
}

// BenchmarkOpen100k is what the first frame of the list costs: Open (read every card, build the
// index) and the first list sorted by name.
func BenchmarkOpen100k(b *testing.B) {
	path := copyDB(b, bench100k(b))
	bench.logOnce.Do(func() { b.Log(bench.baseStats) })
	var list time.Duration
	var rows int
	timed(b, func(int) {
		s, err := Open(path, Options{Now: fixedClock(benchNow)})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		rows = len(s.Customers(data.CustomerFilter{Sort: data.SortName, Limit: 0}))
		list += time.Since(t0)
		b.StopTimer()
		_ = s.Close()
		b.StartTimer()
	})
	b.ReportMetric(float64(list.Milliseconds())/float64(b.N), "first-list-ms")
	b.ReportMetric(float64(rows), "rows")
}

// keystrokeQueries are one of each kind a user types: one, two and three hanzi, pinyin initials, a
// full spelling and its first letters, phone fragments, an email's part, a tag and a card number.
var keystrokeQueries = []string{"北", "北京", "北京市", "bjkj", "beijing", "zhang", "138", "1380013", "qq.com", "重点客户", "kh2025"}

// BenchmarkSearchKeystroke100k is one keystroke in the search box: the whole filtered list, sorted by
// name. "warm": the sorted order is cached; "cold": the first keystroke after a save, which sorts again.
func BenchmarkSearchKeystroke100k(b *testing.B) {
	s := openBench(b, bench100k(b), true)
	s.Customers(data.CustomerFilter{Sort: data.SortName, Limit: 1})
	for _, query := range keystrokeQueries {
		b.Run(query, func(b *testing.B) {
			var n int
			timed(b, func(int) { n = len(s.Customers(data.CustomerFilter{Search: query, Sort: data.SortName})) })
			b.ReportMetric(float64(n), "rows")
		})
	}
	b.Run("北/cold-sort", func(b *testing.B) {
		timed(b, func(int) {
			dropSortCache(s)
			s.Customers(data.CustomerFilter{Search: "北", Sort: data.SortName})
		})
	})
}

func BenchmarkSearchSortByNextFollowUp100k(b *testing.B) {
	s := openBench(b, bench100k(b), true)
	s.Customers(data.CustomerFilter{Sort: data.SortNextFollowUp, Limit: 1})
	for _, tc := range []struct {
		name   string
		search string
		cold   bool
	}{{"北京/warm", "北京", false}, {"all/warm", "", false}, {"北京/cold-sort", "北京", true}, {"all/cold-sort", "", true}} {
		b.Run(tc.name, func(b *testing.B) {
			var n int
			timed(b, func(int) {
				if tc.cold {
					dropSortCache(s)
				}
				n = len(s.Customers(data.CustomerFilter{Search: tc.search, Sort: data.SortNextFollowUp}))
			})
			b.ReportMetric(float64(n), "rows")
		})
	}
}

// BenchmarkSaveCard100k saves an edited card in a 100k file, alternating two cards; "save+relist"
// adds the list the window shows after the save (the sorted order was dropped by the write).
func BenchmarkSaveCard100k(b *testing.B) {
	s := openBench(b, copyDB(b, bench100k(b)), false)
	rows := s.Customers(data.CustomerFilter{Sort: data.SortCardNo, Limit: 2})
	cur := make([]data.Customer, 2)
	for i, r := range rows {
		c, err := s.Customer(r.ID)
		if err != nil {
			b.Fatal(err)
		}
		cur[i] = c
	}
	save := func(i int) {
		c := cur[i%2]
		c.Notes = fmt.Sprintf("benchmark edit %d", i)
		saved, err := s.UpdateCustomer(stActor, c)
		if err != nil {
			b.Fatal(err)
		}
		cur[i%2] = saved
	}
	b.Run("save", func(b *testing.B) { timed(b, save) })
	b.Run("save+relist", func(b *testing.B) {
		timed(b, func(i int) {
			save(i)
			s.Customers(data.CustomerFilter{Sort: data.SortName})
		})
	})
	// The first keystroke after a save, as a manager's session sees it: the save is not timed, the
	// search after it is, in the list's sort and in another column's.
	sess := s.SessionAs(managerOf(b, s))
	for _, sort := range []data.SortKey{data.SortName, data.SortNextFollowUp} {
		b.Run("keystroke-after-save/"+string(sort), func(b *testing.B) {
			sess.Customers(data.CustomerFilter{Search: "北京", Sort: sort})
			var durs []time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				save(i)
				b.StartTimer()
				t0 := time.Now()
				if p, _ := sess.Customers(data.CustomerFilter{Search: []string{"北京", "北"}[i%2], Sort: sort}); p.Total == 0 {
					b.Fatal("the search found nothing")
				}
				durs = append(durs, time.Since(t0))
			}
			slices.Sort(durs)
			b.ReportMetric(float64(durs[len(durs)/2])/1e6, "median-ms")
		})
	}
}

// managerOf is the id of the file's first manager.
func managerOf(b *testing.B, s *Store) uint64 {
	for _, m := range s.Members() {
		if m.Role == data.MemberManager {
			return m.ID
		}
	}
	b.Fatal("no manager in the file")
	return 0
}

func BenchmarkLogFollowUp100k(b *testing.B) {
	s := openBench(b, copyDB(b, bench100k(b)), false)
	rows := s.Customers(data.CustomerFilter{Sort: data.SortCardNo, Limit: 2})
	b.Run("log", func(b *testing.B) {
		timed(b, func(i int) {
			f := data.FollowUp{CustomerID: rows[i%2].ID, Date: benchNow, Method: data.MethodPhone, Topic: "基准测试回访", Proactive: true}
			if _, _, err := s.LogFollowUp(stActor, f, data.NextPlan{}); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("capcheck", func(b *testing.B) {
		timed(b, func(i int) {
			if _, err := s.CapCheck(rows[i%2].ID, benchNow); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// stormFile writes the 100k cards where Storm's Select reads them: a top-level bucket named after the
// struct type ("Customer"), keys the id as Storm encodes a uint64 (8 bytes big-endian, as our keys),
// values in the DB's codec — our msgpack codec, so the records are copied as they are. Storm's Save
// would take minutes for 100k (shared/notes/platform.md).
func stormFile(b *testing.B) string {
	base := bench100k(b)
	dir := benchDir(b)
	bench.stormOnce.Do(func() {
		path := filepath.Join(dir, "storm100k.db")
		db, err := storm.Open(path, storm.Codec(codec))
		if err != nil {
			bench.stormErr = err
			return
		}
		defer db.Close()
		src, err := bolt.Open(base, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		if err != nil {
			bench.stormErr = err
			return
		}
		defer src.Close()
		bench.stormErr = src.View(func(stx *bolt.Tx) error {
			return db.Bolt.Update(func(tx *bolt.Tx) error {
				dst, err := tx.CreateBucketIfNotExists([]byte("Customer"))
				if err != nil {
					return err
				}
				return stx.Bucket(bucketCustomers).ForEach(func(k, v []byte) error {
					return dst.Put(slices.Clone(k), slices.Clone(v))
				})
			})
		})
		bench.storm = path
	})
	if bench.stormErr != nil {
		b.Fatalf("make the storm file: %v", bench.stormErr)
	}
	return bench.storm
}

// BenchmarkStormSelect100k runs the same name search through Storm's query engine, which decodes every
// record, for comparison with the in-memory index.
func BenchmarkStormSelect100k(b *testing.B) {
	path := stormFile(b)
	db, err := storm.Open(path, storm.Codec(codec))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	b.Run("storm/Re(Name,北京)", func(b *testing.B) {
		var out []data.Customer
		timed(b, func(int) {
			out = nil
			if err := db.Select(q.Re("Name", "北京")).Find(&out); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(len(out)), "rows")
	})
	b.Run("storm/Re(Name,北京)+OrderBy(Name)+Limit(50)", func(b *testing.B) {
		var out []data.Customer
		timed(b, func(int) {
			out = nil
			if err := db.Select(q.Re("Name", "北京")).OrderBy("Name").Limit(50).Find(&out); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(len(out)), "rows")
	})
	s := openBench(b, bench100k(b), true)
	s.Customers(data.CustomerFilter{Sort: data.SortName, Limit: 1})
	b.Run("ours/北京 by name", func(b *testing.B) {
		var n int
		timed(b, func(int) { n = len(s.Customers(data.CustomerFilter{Search: "北京", Sort: data.SortName})) })
		b.ReportMetric(float64(n), "rows")
	})
}

// BenchmarkMemory100k reports the heap a 100k store holds once open and listed.
func BenchmarkMemory100k(b *testing.B) {
	path := bench100k(b)
	var before, after runtime.MemStats
	for i := 0; i < b.N; i++ {
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := Open(path, Options{ReadOnly: true, Now: fixedClock(benchNow)})
		if err != nil {
			b.Fatal(err)
		}
		s.Customers(data.CustomerFilter{Sort: data.SortName})
		s.WaitSearchIndex()
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(s)
		_ = s.Close()
	}
	b.ReportMetric(float64(after.HeapInuse)/(1<<20), "heap-inuse-MB")
	b.ReportMetric((float64(after.HeapInuse)-float64(before.HeapInuse))/(1<<20), "store-heap-MB")
}

// ---------------------------------------------------------------------------------------------
// Codecs

// benchCard is a realistic full card: three contacts, Chinese text, every group filled.
func benchCard() data.Customer {
	c := fullCustomer(3)
	c.ID, c.CardNo, c.Version = 48213, "KH2026-48213", 7
	c.LastFollowUp, c.NextFollowUp = time.Date(2026, 3, 9, 15, 20, 0, 0, time.Local), gday(2026, 4, 9)
	c.CreatedAt, c.UpdatedAt, c.CreatedBy, c.UpdatedBy = time.Date(2025, 11, 3, 10, 0, 0, 0, time.Local), benchNow, 2, 3
	c.Needs = "新产线改造需要一批伺服电机和控制器，要求交期稳定，希望有本地技术支持"
	c.Notes = "老板是行业协会副会长，人脉广；每年3月、9月集中采购；付款周期较长，注意回款风险"
	return c
}

// sameCard compares the fields a codec could lose, instants by Equal.
func sameCard(a, b *data.Customer) bool {
	norm := func(c data.Customer) data.Customer {
		for _, p := range []*time.Time{&c.FirstContact, &c.LastFollowUp, &c.NextFollowUp, &c.LastReviewed,
			&c.CooperationSince, &c.ArchivedAt, &c.CreatedAt, &c.UpdatedAt} {
			*p = p.UTC()
		}
		c.Contacts = slices.Clone(c.Contacts)
		for i := range c.Contacts {
			c.Contacts[i].Birthday = c.Contacts[i].Birthday.UTC()
		}
		return c
	}
	x, y := norm(*a), norm(*b)
	return fmt.Sprintf("%+v", x) == fmt.Sprintf("%+v", y)
}

// BenchmarkCodec is marshal + unmarshal of one full card in each candidate encoding.
func BenchmarkCodec(b *testing.B) {
	card := benchCard()
	codecs := []struct {
		name string
		c    stormcodec.MarshalUnmarshaler
	}{
		{"encoding_json", stdJSON{}},
		{"storm_json", stormjson.Codec},
		{"storm_gob", stormgob.Codec},
		{"msgpack_v5_ours", codec},
		{"protobuf_wire_hand", pbCodec{}},
	}
	for _, tc := range codecs {
		b.Run(tc.name, func(b *testing.B) {
			buf, err := tc.c.Marshal(&card)
			if err != nil {
				b.Fatal(err)
			}
			var back data.Customer
			if err := tc.c.Unmarshal(buf, &back); err != nil {
				b.Fatal(err)
			}
			if !sameCard(&card, &back) {
				b.Fatalf("%s does not round-trip:\n got %+v\nwant %+v", tc.name, back, card)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				raw, err := tc.c.Marshal(&card)
				if err != nil {
					b.Fatal(err)
				}
				var out data.Customer
				if err := tc.c.Unmarshal(raw, &out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(buf)), "bytes/rec")
		})
	}
}

// BenchmarkForecastFunnel20k: the weighted forecast by quarter and the funnel of a quarter over about
// 20,000 deals (a 15,000-customer demo).
func BenchmarkForecastFunnel20k(b *testing.B) {
	if testing.Short() {
		b.Skip("needs a 20k-deal file")
	}
	s, err := Open(filepath.Join(b.TempDir(), "deals.db"), Options{Now: fixedClock(benchNow)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := GenerateDemo(s, DemoOptions{Customers: 15_000, Seed: 3, Now: benchNow}); err != nil {
		b.Fatal(err)
	}
	stages := s.Settings().Stages
	from := time.Date(benchNow.Year(), 1, 1, 0, 0, 0, 0, time.Local)
	to := from.AddDate(0, 3, 0)
	// The funnel reads each deal's history; the board's store reads it once per period.
	history := map[uint64][]data.StageChange{}
	rows := s.Opportunities(data.OpportunityFilter{})
	for _, r := range rows {
		if r.Created >= data.DayOf(from) && r.Created < data.DayOf(to) {
			h, _ := s.History(r.ID)
			history[r.ID] = h
		}
	}
	b.ResetTimer()
	for b.Loop() {
		all := s.Opportunities(data.OpportunityFilter{})
		_ = data.Forecast(all, stages, true)
		_ = data.Funnel(all, history, stages, from, to)
	}
	b.ReportMetric(float64(len(rows)), "deals")
}
