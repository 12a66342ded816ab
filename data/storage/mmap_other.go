//go:build !unix

package storage

import "os"

// mapFile gives no mapping here: the page walk reads with ReadAt.
func mapFile(*os.File, int64, bool) []byte { return nil }

func unmapFile([]byte) error { return nil }

func willNeed([]byte, int64, int64) {}
