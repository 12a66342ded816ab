package main

import (
	"context"
	"os"
	"os/signal"

	"salesdesk/data/perf"
)

// bench measures SalesDesk on this machine over a demo file it makes and removes (data/perf).
func (c *cli) bench(args []string) error {
	fs, _ := c.newFlags("bench")
	n := fs.Int("customers", 100_000, "customers in the file measured")
	runs := fs.Int("runs", 3, "runs of each figure (the median and the range are printed)")
	dir := fs.String("dir", "", "folder for the file (default: a temporary one, removed after)")
	from := fs.String("from", "", "measure a copy of this file instead of a demo")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *n < 1 || *runs < 1 {
		return badUsage("bench: --customers and --runs must be at least 1")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return perf.Run(ctx, perf.Options{Customers: *n, From: *from, Runs: *runs, Dir: *dir, Out: c.stdout})
}
