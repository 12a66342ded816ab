package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"salesdesk/data/office"
)

// serveSignals is the context that ends the host: SIGINT or SIGTERM (a service manager's stop). A
// variable so that tests can stop it without signalling their own process.
var serveSignals = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// serveReady, when set, hears the host's address once it listens (tests).
var serveReady func(addr string)

func (c *cli) serve(args []string, globalDB string) error {
	fs, db := c.newFlags("serve")
	listen := fs.String("listen", office.DefaultListen, "address to listen on (host:port; :port is every address)")
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
	logger := log.New(c.stderr, "salesdesk serve: ", log.LstdFlags)
	h, err := office.StartHosting(st, office.HostOptions{Listen: *listen, Name: *name, Quiet: *quiet, Log: logger})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintf(c.stdout, "SalesDesk host: serving %s\n", path)
	for _, a := range h.Addrs() {
		fmt.Fprintf(c.stdout, "address: %s\n", a)
	}
	fmt.Fprintf(c.stdout, "pairing code: %s\n", h.Fingerprint().PairingCode())
	fmt.Fprintf(c.stdout, "certificate: %s\n", h.Fingerprint())
	if err := h.Announced(); err != nil {
		if !*quiet {
			logger.Printf("not announced on the network (desktops type the address): %v", err)
		}
	} else {
		fmt.Fprintf(c.stdout, "announced as: %s (%s)\n", h.Name(), office.ServiceType)
	}

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
		serveReady(fmt.Sprintf("127.0.0.1:%d", h.Port()))
	}
	select {
	case <-ctx.Done():
		err = h.Stop()
	case err = <-h.Done():
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintf(c.stdout, "SalesDesk host: stopped\n")
	return nil
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
