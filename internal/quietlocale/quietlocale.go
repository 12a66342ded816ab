// Package quietlocale keeps Fyne from printing "Fyne error: Error parsing user locale C" on every
// start under LANG=C.UTF-8 (how scripts, cron and containers run): SalesDesk falls back to English
// for a locale it cannot read, and says nothing about it.
//
// Fyne's lang package logs the error from its init, before main runs, so the filter has to be in
// place before that init. Go initialises, at each step, the first package in import-path order whose
// imports are all initialised. This package imports only io, log, os, strings and sync: each sorts
// before text/template and needs nothing that text/template does not, so all are initialised before
// it, and this package is ready before text/template is. "salesdesk/internal/quietlocale" sorts
// before "text/template", so it is initialised first; Fyne's lang imports text/template and comes
// later still. TestInitRunsBeforeFyneLang in the main package checks the order with
// GODEBUG=inittrace=1 on the built binary.
//
// Any package that imports Fyne's lang (gui) imports this one, so every binary gets it.
package quietlocale

import (
	"io"
	"log"
	"os"
	"strings"
	"sync"
)

func init() { log.SetOutput(&Filter{W: os.Stderr}) }

// Filter passes the standard logger's lines through to W, except Fyne's report of a locale it cannot
// parse: that line and the Cause and At lines fyne.LogError writes after it.
type Filter struct {
	W io.Writer

	mu       sync.Mutex
	dropping bool
}

func (f *Filter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := string(p)
	switch {
	case strings.Contains(line, "Fyne error: ") && strings.Contains(line, "Error parsing user locale"):
		f.dropping = true
		return len(p), nil
	case f.dropping && (strings.Contains(line, "  Cause: ") || strings.Contains(line, "  At: ")):
		return len(p), nil
	}
	f.dropping = false
	return f.W.Write(p)
}
