package storage

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"salesdesk/data"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// countExits counts the goroutines of groups that end while the test runs.
func countExits(t *testing.T) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	fanoutExit = func() { n.Add(1) }
	t.Cleanup(func() { fanoutExit = nil })
	return &n
}

// TestEncodeInOrderStopsItsGoroutines: however the reading ends (a bbolt panic on a damaged page, an
// error, a record that does not decode, a decoder that panics), encodeInOrder returns an error only
// after every goroutine it started has ended, and no encode runs after it returned: they read the
// transaction's memory, which is gone once the file closes.
func TestEncodeInOrderStopsItsGoroutines(t *testing.T) {
	s := newStore(t, nil)
	if err := GenerateDemo(s, DemoOptions{Customers: 20, Seed: 3, Now: stNow}); err != nil {
		t.Fatal(err)
	}
	errRead := errors.New("read failed")
	errEncode := errors.New("encode failed")
	const records = 6 * 512
	cases := []struct {
		name string
		// readEnd ends the reading after the records; encodeAt makes the encoding of record i fail.
		readEnd  func()
		encodeAt func(i int64) error
		want     error
	}{
		{"reader panics", func() { panic("assertion failed: page 7 is not a leaf") }, nil, data.ErrDamaged},
		{"reader fails", nil, nil, errRead},
		{"a record fails", nil, func(i int64) error {
			if i == 700 {
				return errEncode
			}
			return nil
		}, errEncode},
		{"the decoder panics", nil, func(i int64) error {
			if i == 700 {
				panic("index out of range")
			}
			return nil
		}, data.ErrDamaged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			exits := countExits(t)
			var returned atomic.Bool
			var late, calls atomic.Int64
			err := s.view(func(tx *bolt.Tx) error {
				var vals [][]byte
				_ = tx.Bucket(bucketCustomers).ForEach(func(_, v []byte) error {
					vals = append(vals, v)
					return nil
				})
				read := func(add func([][]byte)) error {
					for i := range records {
						add([][]byte{vals[i%len(vals)]})
					}
					if tc.readEnd != nil {
						tc.readEnd()
					}
					if tc.want == errRead {
						return errRead
					}
					return nil
				}
				encode := func(raw [][]byte) ([]byte, error) {
					i := calls.Add(1)
					defer func() {
						if returned.Load() {
							late.Add(1)
						}
					}()
					if tc.encodeAt != nil {
						if err := tc.encodeAt(i); err != nil {
							return nil, err
						}
					}
					var c data.Customer
					if err := codec.Unmarshal(raw[0], &c); err != nil {
						return nil, err
					}
					return []byte(c.Name), nil
				}
				err := encodeInOrder(read, encode, func([]byte) {})
				returned.Store(true)
				return err
			})
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if got, want := exits.Load(), int64(runtime.GOMAXPROCS(0)+1); got != want {
				t.Errorf("%d goroutines had ended on return, want all %d", got, want)
			}
			if late.Load() != 0 {
				t.Errorf("%d encodes ran after encodeInOrder returned", late.Load())
			}
		})
	}
}

// TestDecodeParallelStopsItsGoroutines: a record that does not decode, or a decoder that panics,
// ends the load with ErrDamaged after every goroutine has ended.
func TestDecodeParallelStopsItsGoroutines(t *testing.T) {
	good, err := codec.Marshal(rowRecord{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a record does not decode", "the decoder panics"} {
		t.Run(name, func(t *testing.T) {
			exits := countExits(t)
			each := func(fn func(k, v []byte) error) error {
				for i := range 5000 {
					v := good
					if i == 2500 {
						v = []byte{0xc1} // never used in msgpack
					}
					if err := fn(nil, v); err != nil {
						return err
					}
				}
				return nil
			}
			var n atomic.Int64
			_, err := decodeParallel(each, "customer row", func(rec *rowRecord, _ *loadPool) int {
				if n.Add(1) == 1000 && name == "the decoder panics" {
					panic("index out of range")
				}
				return 0
			})
			if !errors.Is(err, data.ErrDamaged) {
				t.Fatalf("error %v, want ErrDamaged", err)
			}
			if got, want := exits.Load(), int64(runtime.GOMAXPROCS(0)); got != want {
				t.Errorf("%d goroutines had ended on return, want all %d", got, want)
			}
		})
	}
}

// damagedExportFile makes a small demo file and opens it read-only, then damages the deals' leaf
// pages under the open mapping: the header of one (a count that runs past the page, so that bbolt's
// reader panics mid-walk) and the values of another (so that the workers' decoding fails).
func damagedExportFile(t *testing.T) *Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.db")
	s, err := Open(path, Options{Now: func() time.Time { return stNow }})
	if err != nil {
		t.Fatal(err)
	}
	if err := GenerateDemo(s, DemoOptions{Customers: 600, Seed: 5, Now: stNow}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(path, Options{ReadOnly: true, Now: func() time.Time { return stNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	var vals [][]byte
	_ = ro.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOpps).ForEach(func(_, v []byte) error {
			vals = append(vals, bytes.Clone(v))
			return nil
		})
	})
	if len(vals) < 100 {
		t.Fatalf("only %d deals", len(vals))
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	late := bytes.Index(file, vals[len(vals)*3/4])
	early := bytes.Index(file, vals[len(vals)/3])
	if late < 0 || early < 0 || late/pageSize == early/pageSize {
		t.Fatalf("deal values at %d and %d: want two leaf pages", early, late)
	}
	// The early page's values: msgpack's unused byte where each record starts.
	for i := len(vals) / 3; i < len(vals)/3+5; i++ {
		if at := bytes.Index(file, vals[i]); at >= 0 && at/pageSize == early/pageSize {
			if _, err := f.WriteAt([]byte{0xc1}, int64(at)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The late page's element count (page header: id 8 bytes, flags 2, count 2).
	if _, err := f.WriteAt([]byte{0xff, 0xff}, int64(late/pageSize*pageSize+10)); err != nil {
		t.Fatal(err)
	}
	return ro
}

// TestExportJSONDamagedNeverCrashes exports a damaged file 30 times: each run fails with ErrDamaged,
// and no goroutine is left reading the file's memory.
func TestExportJSONDamagedNeverCrashes(t *testing.T) {
	s := damagedExportFile(t)
	for i := range 30 {
		exits := countExits(t)
		_, err := s.ExportJSON(io.Discard, data.JSONExportOptions{})
		if !errors.Is(err, data.ErrDamaged) {
			t.Fatalf("run %d: error %v, want ErrDamaged", i, err)
		}
		// The cards' and the deals' encoders: each a worker per core and a writer, unless the cards'
		// already failed.
		if got := exits.Load(); got%int64(runtime.GOMAXPROCS(0)+1) != 0 || got == 0 {
			t.Fatalf("run %d: %d goroutines had ended on return", i, got)
		}
	}
}
