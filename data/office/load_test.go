package office

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"salesdesk/data"
	"salesdesk/data/servicetest"
	"salesdesk/data/storage"
)

// loadDesktops is how many desktops the load test simulates; SALESDESK_LOAD_SECONDS sets how long
// they work (a few seconds by default, so that the suite stays short; 300 for the 5 minutes).
const loadDesktops = 30

func loadDuration(t *testing.T) time.Duration {
	if v := os.Getenv("SALESDESK_LOAD_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("SALESDESK_LOAD_SECONDS=%q", v)
		}
		return time.Duration(n) * time.Second
	}
	if testing.Short() {
		return time.Second
	}
	return 4 * time.Second
}

// calls keeps each call's durations, by call.
type calls struct {
	mu   sync.Mutex
	durs map[string][]time.Duration
}

func (c *calls) add(name string, d time.Duration) {
	c.mu.Lock()
	c.durs[name] = append(c.durs[name], d)
	c.mu.Unlock()
}

func (c *calls) report(t *testing.T) {
	names := make([]string, 0, len(c.durs))
	for n := range c.durs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		d := slices.Clone(c.durs[n])
		slices.Sort(d)
		t.Logf("%-14s %6d calls  p50 %6.1f ms  p99 %6.1f ms", n, len(d), ms(d[len(d)/2]), ms(d[len(d)*99/100]))
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }

// desktop is one simulated member's work: each of its writes that the host acknowledged is kept,
// so that the test can find every one of them in the file afterwards.
type desktop struct {
	c       *Client
	r       *rand.Rand
	created []uint64 // cards the host said it saved
	notes   map[uint64]string
}

// step does one thing a rep does in a day, chosen at random: search, open a card, save it, log a
// follow-up, make a deal and move it.
func (d *desktop) step(cs *calls) error {
	timed := func(name string, f func() error) error {
		t0 := time.Now()
		err := f()
		cs.add(name, time.Since(t0))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	switch n := d.r.IntN(10); {
	case n < 3:
		return timed("search", func() error {
			_, err := d.c.Customers(data.CustomerFilter{Search: []string{"杭州", "有限", "hz", "科技", "KH"}[d.r.IntN(5)], Limit: 200})
			return err
		})
	case n < 4 || len(d.created) == 0:
		return timed("create", func() error {
			c, err := d.c.CreateCustomer(servicetest.Company(fmt.Sprintf("负载测试%d号有限公司", d.r.Uint64())))
			if err == nil {
				d.created = append(d.created, c.ID)
			}
			return err
		})
	case n < 6:
		id := d.created[d.r.IntN(len(d.created))]
		var c data.Customer
		if err := timed("open", func() (err error) { c, err = d.c.Customer(id); return err }); err != nil {
			return err
		}
		c.Notes = fmt.Sprintf("改于 %d", d.r.Uint64())
		return timed("save", func() error {
			if _, err := d.c.UpdateCustomer(c); err != nil {
				return err
			}
			d.notes[id] = c.Notes
			return nil
		})
	case n < 8:
		id := d.created[d.r.IntN(len(d.created))]
		return timed("follow-up", func() error {
			_, _, err := d.c.LogFollowUp(data.FollowUp{CustomerID: id, Date: time.Now(), Method: data.MethodPhone, Topic: "电话回访"}, data.NextPlan{})
			return err
		})
	default:
		id := d.created[d.r.IntN(len(d.created))]
		var o data.Opportunity
		if err := timed("deal", func() (err error) {
			o, err = d.c.CreateOpportunity(data.Opportunity{CustomerID: id, Title: "ERP 升级", Amount: data.AmountFromYuan(50_000),
				CloseDate: time.Now().AddDate(0, 1, 0), Scores: servicetest.Qualified})
			return err
		}); err != nil {
			return err
		}
		return timed("move", func() error {
			_, err := d.c.MoveStage(data.Move{ID: o.ID, Version: o.Version, To: "initial_contact"})
			return err
		})
	}
}

// TestOfficeLoad: 30 desktops signed in as the team's reps work at once for a while; no call fails,
// every acknowledged write is in the file after, and the file passes its check.
func TestOfficeLoad(t *testing.T) {
	tm := servicetest.NewTeam(t)
	host := serveWith(t, tm.Store, ServerOptions{SignInBurst: loadDesktops})
	logins := []string{"lina", "zhangwei"}
	cs := &calls{durs: map[string][]time.Duration{}}
	desks := make([]*desktop, loadDesktops)
	for i := range desks {
		c, err := SignIn(context.Background(), host, logins[i%len(logins)], servicetest.Password, DialOptions{Desktop: fmt.Sprintf("desk%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.SignOut() })
		desks[i] = &desktop{c: c, r: rand.New(rand.NewPCG(uint64(i), 7)), notes: map[uint64]string{}}
	}
	end := time.Now().Add(loadDuration(t))
	var wg sync.WaitGroup
	errs := make(chan error, loadDesktops)
	for _, d := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
				if err := d.step(cs); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	cs.report(t)
	total := 0
	for _, d := range desks {
		total += len(d.created)
		for _, id := range d.created {
			c, err := tm.Store.Customer(id)
			if err != nil {
				t.Fatalf("acknowledged card %d: %v", id, err)
			}
			if want, ok := d.notes[id]; ok && c.Notes != want {
				t.Fatalf("card %d: notes %q, the last acknowledged save wrote %q", id, c.Notes, want)
			}
		}
	}
	if total == 0 {
		t.Fatal("the desktops created nothing: the test measured no work")
	}
	r, err := tm.Store.Check()
	if err != nil || len(r.Problems) > 0 || len(r.AuditProblems) > 0 {
		t.Fatalf("check after the load: %v %v %v", err, r.Problems, r.AuditProblems)
	}
}

// hostEnv makes the test binary a host of the file it names (TestMain): the kill test runs it as a
// process of its own, to kill it.
const hostEnv = "SALESDESK_TEST_HOST"

// runTestHost serves the file at path on a loopback port, printing the address, until killed.
func runTestHost(path string) {
	storage.FastHashesInTests()
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	cert, fp, err := HostCertificate(filepath.Join(filepath.Dir(path), "host"))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	srv := NewServer(st, ServerOptions{SignInBurst: 1000})
	ln, err := listenLoopback()
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Printf("host %s %s\n", ln.Addr(), fp)
	_ = srv.Serve(context.Background(), ln, cert, time.Second)
}

// TestKillTheHostUnderLoad kills the host process (SIGKILL) while desktops write, starts it again on
// the same file, and finds every write the host acknowledged before it died.
func TestKillTheHostUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts host processes")
	}
	tm := servicetest.NewTeam(t)
	path := tm.Store.Path()
	if err := tm.Store.Close(); err != nil {
		t.Fatal(err)
	}
	start := func() (*exec.Cmd, Host) { return startHostProcess(t, path) }
	cmd, host := start()
	var mu sync.Mutex
	var acked []uint64
	// enough closes once the desktops have written a good many cards: then the host is killed.
	enough := make(chan struct{})
	var enoughOnce sync.Once
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range 6 {
		c, err := SignIn(context.Background(), host, []string{"lina", "zhangwei"}[i%2], servicetest.Password, DialOptions{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				c2, err := c.CreateCustomer(servicetest.Company(fmt.Sprintf("断电测试%d-%d有限公司", i, n)))
				if err != nil {
					return // the host is gone: whatever was not acknowledged may or may not be there
				}
				mu.Lock()
				acked = append(acked, c2.ID)
				if len(acked) >= 60 {
					enoughOnce.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatal("the desktops did not write 60 cards in a minute")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	stop()
	wg.Wait()

	cmd, host = start()
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	c, err := SignIn(context.Background(), host, "wangjianguo", servicetest.Password, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range acked {
		if _, err := c.Customer(id); err != nil {
			t.Fatalf("card %d, acknowledged before the kill, after the restart: %v", id, err)
		}
	}
	t.Logf("%d acknowledged cards all there after the kill", len(acked))
}

func listenLoopback() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// startHostProcess runs this test binary as a host of the file at path (runTestHost) and returns the
// process and where it listens.
func startHostProcess(t testing.TB, path string) (*exec.Cmd, Host) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), hostEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 512)
	n, _ := out.Read(buf)
	f := strings.Fields(string(buf[:n]))
	if len(f) != 3 || f[0] != "host" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the host process said %q", buf[:n])
	}
	return cmd, Host{Addr: f[1], Pin: Fingerprint(f[2])}
}

// peakRSS is a process's peak resident memory in MiB (Linux: VmHWM in /proc), or -1.
func peakRSS(pid int) float64 { return procStatus(pid, "VmHWM:") }

// procStatus is a memory line of a process's /proc status, in MiB; -1 when it cannot be read.
func procStatus(pid int, key string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err == nil {
				return float64(kb) / 1024
			}
		}
	}
	return -1
}
