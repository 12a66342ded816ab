package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"salesdesk/data/office"
)

// defaultListen is office mode's port on every address of the host.
const defaultListen = ":47850"

// serveSignals is the context that ends the host: SIGINT or SIGTERM (a service manager's stop). A
// variable so that tests can stop it without signalling their own process.
var serveSignals = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// serveReady, when set, hears the host's address once it listens (tests).
var serveReady func(addr string)

func (c *cli) serve(args []string, globalDB string) error {
	fs, db := c.newFlags("serve")
	listen := fs.String("listen", defaultListen, "address to listen on (host:port; :port is every address)")
	name := fs.String("name", "", "the name desktops see in their list of hosts (default: SalesDesk on this computer's name)")
	quiet := fs.Bool("no-announce", false, "do not announce the host on the office network (DNS-SD); desktops type its address")
	if err := parse(fs, args); err != nil {
		return err
	}
	path, err := dbPath(firstNonEmpty(*db, globalDB))
	if err != nil {
		return err
	}
	st, err := openStore(path, false)
	if err != nil {
		return err
	}
	defer st.Close()
	// The certificate lives beside the file, so that moving the file to another PC moves its identity
	// only when the folder goes with it.
	cert, fp, err := office.HostCertificate(filepath.Join(filepath.Dir(path), "salesdesk-host"))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", *listen, err)
	}
	fmt.Fprintf(c.stdout, "SalesDesk host: serving %s\n", path)
	for _, a := range hostAddrs(ln.Addr()) {
		fmt.Fprintf(c.stdout, "address: %s\n", a)
	}
	fmt.Fprintf(c.stdout, "pairing code: %s\n", fp.PairingCode())
	fmt.Fprintf(c.stdout, "certificate: %s\n", fp)
	logger := log.New(c.stderr, "salesdesk serve: ", log.LstdFlags)
	if !*quiet {
		hostName := *name
		if hostName == "" {
			h, _ := os.Hostname()
			hostName = "SalesDesk " + h
		}
		tcp := ln.Addr().(*net.TCPAddr)
		var ips []net.IP // every address, unless the host listens on one
		if !tcp.IP.IsUnspecified() {
			ips = []net.IP{tcp.IP}
		}
		if a, err := office.Announce(hostName, ips, tcp.Port, fp); err != nil {
			logger.Printf("not announced on the network (desktops type the address): %v", err)
		} else {
			defer a.Stop()
			fmt.Fprintf(c.stdout, "announced as: %s (%s)\n", hostName, office.ServiceType)
		}
	}
	srv := office.NewServer(st, office.ServerOptions{Log: logger})

	ctx, stop := serveSignals()
	defer stop()
	// The pool's rules apply on the host at start and each day, as the window applies them.
	go func() {
		for {
			if n, err := st.SweepPool(time.Now()); err != nil {
				logger.Printf("pool sweep: %v", err)
			} else if n > 0 {
				logger.Printf("pool sweep: %d cards returned to the pool", n)
			}
			now := time.Now()
			next := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 5, 0, 0, now.Location())
			select {
			case <-ctx.Done():
				return
			case <-time.After(next.Sub(now)):
			}
		}
	}()
	if serveReady != nil {
		serveReady(ln.Addr().String())
	}
	err = srv.Serve(ctx, ln, cert, 10*time.Second)
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintf(c.stdout, "SalesDesk host: stopped\n")
	return nil
}

// hostAddrs are the addresses a desktop can type: the listener's own, or for every address (":port")
// each of the machine's non-loopback IPs with the port.
func hostAddrs(a net.Addr) []string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return []string{a.String()}
	}
	var out []string
	for _, ip := range office.LocalIPv4() {
		out = append(out, net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port)))
	}
	sort.Strings(out)
	return out
}

// hosts lists the office hosts that answer on the network.
func (c *cli) hosts(args []string) error {
	fs, _ := c.newFlags("hosts")
	wait := fs.Duration("timeout", 2*time.Second, "how long to listen for answers")
	if err := parse(fs, args); err != nil {
		return err
	}
	found, err := office.Discover(context.Background(), *wait)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		fmt.Fprintf(c.stdout, "no SalesDesk host answered within %s (a host started with --no-announce, or on another network, is reached by its address)\n", *wait)
		return nil
	}
	for _, f := range found {
		fmt.Fprintf(c.stdout, "%s\t%s\t%s\n", f.Addr, f.Name, f.Fingerprint)
	}
	return nil
}
