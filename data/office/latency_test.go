package office

import (
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// benchLatency is SALESDESK_BENCH_LATENCY (a duration such as 2ms): the delay the benchmarks add to
// every byte in each direction between the desktops and the host, as `tc qdisc add dev lo root netem
// delay 2ms` would. This machine's kernel has no netem, so the delay is made here, by a relay; "0s"
// runs the relay without a delay, to tell its own cost apart. Unset: -1, no relay.
func benchLatency(b *testing.B) time.Duration {
	s := os.Getenv("SALESDESK_BENCH_LATENCY")
	if s == "" {
		return -1
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		b.Fatalf("SALESDESK_BENCH_LATENCY=%q: want a duration such as 2ms", s)
	}
	b.ReportMetric(float64(d.Microseconds())/1e3, "added-latency-ms")
	return d
}

// delayed is h behind a relay that holds every chunk it forwards for delay before passing it on, in
// both directions; chunks keep their order and the relay adds no delay of its own beyond that (a
// chunk read while an earlier one waits is not held up twice). With a negative delay, h itself.
func delayed(t testing.TB, h Host, delay time.Duration) Host {
	t.Helper()
	if delay < 0 {
		return h
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", h.Addr)
			if err != nil {
				_ = in.Close()
				continue
			}
			wg.Add(2)
			go func() { defer wg.Done(); relay(out, in, delay) }()
			go func() { defer wg.Done(); relay(in, out, delay) }()
		}
	}()
	return Host{Addr: ln.Addr().String(), Pin: h.Pin}
}

// relay copies from src to dst, each chunk written delay after it was read; it closes both ends
// when either side ends.
func relay(dst, src net.Conn, delay time.Duration) {
	type chunk struct {
		at   time.Time
		data []byte
	}
	queue := make(chan chunk, 4096)
	go func() {
		defer close(queue)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				queue <- chunk{time.Now().Add(delay), buf[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range queue {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	_ = dst.Close()
	_ = src.Close()
	for range queue { // the reader ends on the closed src; let it
	}
}
