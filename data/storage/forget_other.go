//go:build !linux

package storage

import bolt "go.etcd.io/bbolt"

// forgetPages is Linux's (mmap_linux.go); elsewhere the system keeps or drops the pages itself.
func forgetPages(*bolt.Tx) {}
