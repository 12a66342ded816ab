package office

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// The 100k demo, made once per test binary for the benchmarks over loopback.
var demo struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func demo100k(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("the 100k demo is skipped with -short")
	}
	demo.once.Do(func() {
		if demo.dir, demo.err = os.MkdirTemp("", "salesdesk-office-bench-"); demo.err != nil {
			return
		}
		demo.path = filepath.Join(demo.dir, "demo100k.db")
		st, err := storage.Open(demo.path, storage.Options{})
		if err != nil {
			demo.err = err
			return
		}
		demo.err = storage.GenerateDemo(st, storage.DemoOptions{Customers: 100_000, Seed: 1, Now: time.Now()})
		if cerr := st.Close(); demo.err == nil {
			demo.err = cerr
		}
	})
	if demo.err != nil {
		b.Fatal(demo.err)
	}
	return demo.path
}

// median runs fn b.N times and reports the median besides the mean.
func median(b *testing.B, fn func(i int)) {
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
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds())/1e3, "median-ms")
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds())/1e3, "p99-ms")
}

// BenchmarkRemote100k is a joined desktop over loopback (TLS, HTTP/2) on a host with the 100k demo:
// its first frame of the customer list (sign-in and the first page), a search per keystroke as a
// manager and as a rep, a card's save, and how long a save takes to reach another desktop's feed.
func BenchmarkRemote100k(b *testing.B) {
	st, err := storage.Open(demo100k(b), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	if err := st.LoadDeals(); err != nil {
		b.Fatal(err)
	}
	host := delayed(b, serveWith(b, st, ServerOptions{SignInBurst: 1 << 20}), benchLatency(b))
	join := func(b *testing.B, login string) *Client {
		c, err := SignIn(context.Background(), host, login, storage.DemoPassword, DialOptions{Desktop: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = c.SignOut() })
		return c
	}
	b.Run("first-frame", func(b *testing.B) {
		median(b, func(int) {
			c, err := SignIn(context.Background(), host, "wangjianguo", storage.DemoPassword, DialOptions{Desktop: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			page, err := c.Customers(data.CustomerFilter{Limit: 200})
			if err != nil || len(page.Rows) != 200 {
				b.Fatalf("first page: %d rows, %v", len(page.Rows), err)
			}
			b.StopTimer()
			_ = c.SignOut()
			b.StartTimer()
		})
	})
	// What a user types into the search box, one keystroke after another.
	keys := []string{"杭", "杭州", "杭州云", "h", "hz", "hzy", "王", "王伟", "138", "1380", "KH2025", "zhangwei"}
	for _, who := range []string{"wangjianguo", "lina"} {
		b.Run("search/"+who, func(b *testing.B) {
			c := join(b, who)
			median(b, func(i int) {
				if _, err := c.Customers(data.CustomerFilter{Search: keys[i%len(keys)], Limit: 200}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
	b.Run("save", func(b *testing.B) {
		c := join(b, "lina")
		page, err := c.Customers(data.CustomerFilter{Limit: 1})
		if err != nil || len(page.Rows) == 0 {
			b.Fatalf("the rep's first card: %v", err)
		}
		card, err := c.Customer(page.Rows[0].ID)
		if err != nil {
			b.Fatal(err)
		}
		median(b, func(i int) {
			card.Notes = time.Now().Format(time.RFC3339Nano)
			if card, err = c.UpdateCustomer(card); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("change-visible", func(b *testing.B) {
		watcher, writer := join(b, "wangjianguo"), join(b, "lina")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		events := make(chan uint64, 64)
		go func() { _ = watcher.Watch(ctx, func(n uint64) { events <- n }) }()
		<-events
		page, err := writer.Customers(data.CustomerFilter{Limit: 1})
		if err != nil || len(page.Rows) == 0 {
			b.Fatalf("the rep's first card: %v", err)
		}
		card, err := writer.Customer(page.Rows[0].ID)
		if err != nil {
			b.Fatal(err)
		}
		median(b, func(i int) {
			card.Notes = time.Now().Format(time.RFC3339Nano)
			if card, err = writer.UpdateCustomer(card); err != nil {
				b.Fatal(err)
			}
			select {
			case <-events:
			case <-time.After(10 * time.Second):
				b.Fatal("the save never reached the other desktop's feed")
			}
		})
	})
}

// BenchmarkHost30Desktops100k: a host process serving the 100k demo to 30 desktops (the demo's reps,
// six each) that each do b.N steps of a rep's mixed day (search, open, save, follow-up, deal, move);
// it reports p50 and p99 of every call and the host's peak memory.
func BenchmarkHost30Desktops100k(b *testing.B) {
	src := demo100k(b)
	path := filepath.Join(b.TempDir(), "host100k.db")
	raw, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		b.Fatal(err)
	}
	cmd, direct := startHostProcess(b, path)
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	host := delayed(b, direct, benchLatency(b))
	openPeak := peakRSS(cmd.Process.Pid)
	reps := []string{"lina", "zhangwei", "chenjing", "yangfan", "zhoulei"}
	cs := &calls{durs: map[string][]time.Duration{}}
	desks := make([]*desktop, loadDesktops)
	for i := range desks {
		c, err := SignIn(context.Background(), host, reps[i%len(reps)], storage.DemoPassword, DialOptions{Desktop: fmt.Sprint("desk", i)})
		if err != nil {
			b.Fatal(err)
		}
		defer c.SignOut()
		desks[i] = &desktop{c: c, r: rand.New(rand.NewPCG(uint64(i), 11)), notes: map[uint64]string{}}
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	errs := make(chan error, len(desks))
	for _, d := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range b.N {
				if err := d.step(cs); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	var all []time.Duration
	for name, d := range cs.durs {
		slices.Sort(d)
		b.ReportMetric(ms(d[len(d)*99/100]), name+"-p99-ms")
		all = append(all, d...)
	}
	slices.Sort(all)
	b.ReportMetric(ms(all[len(all)/2]), "all-p50-ms")
	b.ReportMetric(ms(all[len(all)*99/100]), "all-p99-ms")
	// The peak counts the pages of the file that bbolt maps and the calls touched, which the system
	// takes back when it needs them; the anonymous part is the host's own memory (heap, stacks).
	b.ReportMetric(openPeak, "host-open-peak-MiB")
	if fi, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "file-MiB")
	}
	b.ReportMetric(peakRSS(cmd.Process.Pid), "host-peak-MiB")
	b.ReportMetric(procStatus(cmd.Process.Pid, "RssAnon:"), "host-anon-MiB")
	b.ReportMetric(procStatus(cmd.Process.Pid, "RssFile:"), "host-file-MiB")
}
