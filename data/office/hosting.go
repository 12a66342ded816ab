package office

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"salesdesk/data/storage"
)

// DefaultListen is office mode's port, on every address of the host.
const DefaultListen = ":47850"

// ErrHostQuit is a feed's end because the host stopped serving (its window quit, or the service
// stopped), not because the network failed; it comes wrapped in data.ErrOffline.
var ErrHostQuit = errors.New("the host stopped sharing the office's SalesDesk")

// HostOptions configure StartHosting.
type HostOptions struct {
	// Listen is host:port, or :port for every address; "" is DefaultListen.
	Listen string
	// Name is what desktops see in their list of hosts; "" is "SalesDesk" and the computer's name.
	Name string
	// Quiet leaves the host unannounced on the network: desktops type its address.
	Quiet bool
	// CertDir holds the host's certificate; "" is CertDir(the store's path).
	CertDir string
	// Log receives the host's notes; nil is the standard logger.
	Log *log.Logger
	// Grace is how long Stop lets calls under way finish; 0 is 10 s.
	Grace time.Duration
}

// Hosting is a store being served to the office: the listener, the server and the announcement, as
// the window's "Share with the office" and `salesdesk serve` start them.
type Hosting struct {
	srv       *Server
	addr      net.Addr
	fp        Fingerprint
	name      string
	ann       *Announcement
	announced error
	stop      context.CancelFunc
	done      chan error
}

// CertDir is where the host's certificate for the file at path lives: in the file's folder, so that
// moving the file to another PC moves the host's identity only when the folder goes with it.
func CertDir(path string) string {
	return filepath.Join(filepath.Dir(path), "salesdesk-host")
}

// StartHosting serves st until Stop. The store stays the caller's.
func StartHosting(st *storage.Store, opt HostOptions) (*Hosting, error) {
	if opt.Listen == "" {
		opt.Listen = DefaultListen
	}
	if opt.CertDir == "" {
		opt.CertDir = CertDir(st.Path())
	}
	if opt.Name == "" {
		h, _ := os.Hostname()
		opt.Name = "SalesDesk " + h
	}
	if opt.Grace <= 0 {
		opt.Grace = 10 * time.Second
	}
	if opt.Log == nil {
		opt.Log = log.Default()
	}
	cert, fp, err := HostCertificate(opt.CertDir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opt.Listen)
	if err != nil {
		return nil, fmt.Errorf("office: listen on %s: %w", opt.Listen, err)
	}
	h := &Hosting{srv: NewServer(st, ServerOptions{Log: opt.Log}), addr: ln.Addr(), fp: fp, name: opt.Name, done: make(chan error, 1)}
	if opt.Quiet {
		h.announced = errors.New("not announced")
	} else {
		tcp := ln.Addr().(*net.TCPAddr)
		var ips []net.IP // every address, unless the host listens on one
		if !tcp.IP.IsUnspecified() {
			ips = []net.IP{tcp.IP}
		}
		h.ann, h.announced = Announce(opt.Name, ips, tcp.Port, fp)
	}
	ctx, stop := context.WithCancel(context.Background())
	h.stop = stop
	go func() {
		err := h.srv.Serve(ctx, ln, cert, opt.Grace)
		if h.ann != nil {
			_ = h.ann.Stop()
		}
		h.done <- err
		close(h.done)
	}()
	return h, nil
}

// Server is the host's server (its connections, its log).
func (h *Hosting) Server() *Server { return h.srv }

// Fingerprint is the host certificate's, whose pairing code the desktops compare.
func (h *Hosting) Fingerprint() Fingerprint { return h.fp }

// Name is the name the host announces.
func (h *Hosting) Name() string { return h.name }

// Announced is nil when the host is announced on the network, or why it is not.
func (h *Hosting) Announced() error { return h.announced }

// Addrs are the addresses a desktop can type: the listener's own, or for every address (":port")
// each of the machine's non-loopback IPv4 addresses with the port.
func (h *Hosting) Addrs() []string { return ListenAddrs(h.addr) }

// ListenAddrs are the addresses a desktop can type to reach a listener at a.
func ListenAddrs(a net.Addr) []string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return []string{a.String()}
	}
	var out []string
	for _, ip := range LocalIPv4() {
		out = append(out, net.JoinHostPort(ip.String(), strconv.Itoa(tcp.Port)))
	}
	sort.Strings(out)
	if len(out) == 0 {
		out = []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))}
	}
	return out
}

// Port is the port the host listens on.
func (h *Hosting) Port() int {
	if tcp, ok := h.addr.(*net.TCPAddr); ok {
		return tcp.Port
	}
	return 0
}

// Connections are the signed-in desktops.
func (h *Hosting) Connections() []Connection { return h.srv.Connections() }

// Done is closed once the host stopped serving, after sending why (nil for Stop).
func (h *Hosting) Done() <-chan error { return h.done }

// Stop tells the connected desktops that the host is stopping (their feeds' last event), lets the
// calls under way finish and closes the listener. The store stays open.
func (h *Hosting) Stop() error {
	h.stop()
	err := <-h.done
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}
