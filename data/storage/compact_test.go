package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"salesdesk/data"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// bloatedDemo makes a closed demo database most of whose pages are free, as months of changes leave a
// file: a large scratch bucket is written, then deleted. SalesDesk's own records are not touched.
func bloatedDemo(t *testing.T) (path string, counts data.RecordCounts) {
	t.Helper()
	s := demoStore(t, 60)
	counts = storeCounts(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	boltFile(t, s.Path(), func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("scratch"))
		if err != nil {
			return err
		}
		for i := range 3000 {
			if err := b.Put(encodeUint(uint64(i)), bytes.Repeat([]byte{byte(i)}, 2000)); err != nil {
				return err
			}
		}
		return nil
	})
	boltFile(t, s.Path(), func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("scratch")) })
	return s.Path(), counts
}

func TestCompactFile(t *testing.T) {
	// Given a database more than half of which is free pages
	path, counts := bloatedDemo(t)
	ratio, err := FreeRatio(path)
	if err != nil {
		t.Fatal(err)
	}
	if ratio <= 0.5 {
		t.Fatalf("FreeRatio = %.2f before compaction, want above 0.5", ratio)
	}
	s, err := Open(path, Options{ReadOnly: true, Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	maxID := slices.Max(rowIDs(s.Customers(data.CustomerFilter{})))
	if r, err := s.FreeRatio(); err != nil || r != ratio {
		t.Errorf("Store.FreeRatio = %v, %v; want %v", r, err, ratio)
	}
	_ = s.Close()

	// When it is compacted
	res, err := CompactFile(path)
	if err != nil {
		t.Fatalf("CompactFile: %v", err)
	}

	// Then it is smaller, holds the same records, and new records take new ids
	st, _ := os.Stat(path)
	if !res.Swapped || res.After >= res.Before || st.Size() != res.After || res.Counts != counts {
		t.Errorf("result %+v, file %d bytes, want smaller with %+v", res, st.Size(), counts)
	}
	if ratio, err := FreeRatio(path); err != nil || ratio > 0.1 {
		t.Errorf("FreeRatio after = %.2f, %v", ratio, err)
	}
	s, err = Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatalf("open the compacted file: %v", err)
	}
	defer s.Close()
	mustCheck(t, s)
	if got := storeCounts(t, s); got != counts {
		t.Errorf("compacted file holds %+v, want %+v", got, counts)
	}
	c := mustCreate(t, s, company("压缩之后新建"))
	if c.ID <= maxID {
		t.Errorf("a new customer took id %d, not above the existing %d: the id sequence was lost", c.ID, maxID)
	}
	if got := listDir(t, filepath.Dir(path)); slices.ContainsFunc(got, func(n string) bool { return strings.HasPrefix(n, ".") }) {
		t.Errorf("temp files left: %q", got)
	}
}

func TestCompactFileWithNothingToGain(t *testing.T) {
	path, _ := bloatedDemo(t)
	if _, err := CompactFile(path); err != nil {
		t.Fatal(err)
	}
	sum := fileHash(t, path)
	res, err := CompactFile(path)
	if err != nil || res.Swapped {
		t.Fatalf("second CompactFile: %+v, %v; want nothing swapped", res, err)
	}
	if fileHash(t, path) != sum {
		t.Errorf("the file was changed")
	}
	if got := listDir(t, filepath.Dir(path)); slices.ContainsFunc(got, func(n string) bool { return strings.HasPrefix(n, ".") }) {
		t.Errorf("temp files left: %q", got)
	}
}

func TestCompactRefusals(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, path string) error
		want error
	}{
		{"the file is open in a window", func(t *testing.T, path string) error {
			s, err := Open(path, Options{Now: fixedClock(stNow)})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err = CompactFile(path)
			return err
		}, data.ErrLocked},
		{"a damaged file", func(t *testing.T, path string) error {
			raw, _ := os.ReadFile(path)
			for i := 2 * 4096; i < len(raw); i += 5 {
				raw[i] = byte(i)
			}
			writeFile(t, path, raw)
			_, err := CompactFile(path)
			return err
		}, data.ErrDamaged},
		{"the destination exists", func(t *testing.T, path string) error {
			dst := filepath.Join(filepath.Dir(path), "taken.db")
			writeFile(t, dst, []byte("mine"))
			return Compact(path, dst)
		}, ErrBackupExists},
		{"not a SalesDesk file", func(t *testing.T, path string) error {
			writeFile(t, path, bytes.Repeat([]byte("text "), 5000))
			_, err := CompactFile(path)
			return err
		}, data.ErrNotSalesDesk},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := bloatedDemo(t)
			before := listDir(t, filepath.Dir(path))
			err := tc.run(t, path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			after := listDir(t, filepath.Dir(path))
			if !slices.Equal(before, after) && !slices.Equal(append(before, "taken.db"), after) {
				t.Errorf("folder went from %q to %q", before, after)
			}
		})
	}
}

func TestCompactMakesANewFile(t *testing.T) {
	path, counts := bloatedDemo(t)
	sum := fileHash(t, path)
	dst := filepath.Join(t.TempDir(), "packed.db")
	if err := Compact(path, dst); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	info, err := PreviewBackup(dst)
	if err != nil || info.Counts != counts {
		t.Errorf("packed copy %+v, %v; want %+v", info, err, counts)
	}
	if fileHash(t, path) != sum {
		t.Errorf("the source was changed")
	}
}

// BenchmarkCompact40k: packing the ~200 MB demo file into a new one.
func BenchmarkCompact40k(b *testing.B) {
	path := benchFile40k(b)
	dir := b.TempDir()
	defer reportSize(b, path)
	timed(b, func(i int) {
		dst := filepath.Join(dir, "packed.db")
		if err := Compact(path, dst); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = os.Remove(dst)
		b.StartTimer()
	})
}
