// SalesDesk is a desktop CRM for small sales teams: customer cards, follow-ups and the morning agenda,
// kept in one local database file.
//
// Run without a subcommand it opens the window; its subcommands (version, demo, customers, check)
// work on the database file from the command line. See docs/cli.md, or run `salesdesk help`.
package main

import (
	"os"

	"salesdesk/data/memory"
	"salesdesk/data/perf"
	_ "salesdesk/internal/quietlocale" // silences Fyne's "Error parsing user locale C" (LANG=C.UTF-8)
)

func main() {
	memory.Bound()             // a large file's heap is collected before it doubles
	if perf.Child(os.Stdout) { // salesdesk bench measures an opening in a process of its own
		return
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
