//go:build !linux

package perf

import "errors"

var errNoFadvise = errors.New("perf: no posix_fadvise on this system")

func dropCache(string) error { return errNoFadvise }

func peakRSS() string { return "?" }

func peakKB() (int64, error) { return 0, nil }

func anonKB() (int64, error) { return 0, nil }
