package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"salesdesk/data"
	"salesdesk/data/damagetest"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// damagedCopies makes a sound demo file and every damaged copy of it that damagetest knows.
func damagedCopies(t *testing.T, customers int) (sound string, variants []damagetest.Variant) {
	t.Helper()
	s := demoStore(t, customers)
	sound = s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	vs, err := damagetest.Variants(sound)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) < 20 {
		t.Fatalf("only %d ways of damaging the file: the demo file is too small to have every kind of page", len(vs))
	}
	return sound, vs
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// Given every kind of structural damage, VerifyFile and Open (for reading and for writing) refuse the
// file with the reason in words, never a panic's text, and the file is left byte for byte as it was.
func TestDamagedFilesAreRefusedUnchanged(t *testing.T) {
	sound, vs := damagedCopies(t, 120)
	if _, err := VerifyFile(sound); err != nil {
		t.Fatalf("VerifyFile of the sound file: %v", err)
	}
	dir := t.TempDir()
	structural := 0
	for i, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			path, err := v.Write(sound, dir, "d"+string(rune('a'+i%26))+strings.Repeat("x", i/26)+".db")
			if err != nil {
				t.Fatal(err)
			}
			before := fileSum(t, path)
			_, verr := VerifyFile(path)
			if v.Structural {
				structural++
				if !errors.Is(verr, data.ErrDamaged) {
					t.Fatalf("VerifyFile: %v, want ErrDamaged", verr)
				}
				if d := DamageOf(verr); d == nil || d.Reason == "" {
					t.Fatalf("VerifyFile: %v carries no reason in words", verr)
				}
			}
			for _, ro := range []bool{true, false} {
				s, err := Open(path, Options{ReadOnly: ro})
				if v.Structural {
					if err == nil {
						_ = s.Close()
						t.Fatalf("Open(ReadOnly=%v) of a damaged file succeeded", ro)
					}
					if !errors.Is(err, data.ErrDamaged) {
						t.Fatalf("Open(ReadOnly=%v): %v, want ErrDamaged", ro, err)
					}
				} else if err == nil {
					_ = s.Close()
					// Whatever the damage, a file opened for writing passed the structural check.
					if _, verr := VerifyFile(path); !ro && verr != nil {
						t.Fatalf("Open for writing accepted a file that fails VerifyFile: %v", verr)
					}
				}
				if err != nil && strings.Contains(err.Error(), "panic") || err != nil && strings.Contains(err.Error(), "assertion") {
					t.Errorf("Open(ReadOnly=%v) says %q: the reason must be in words", ro, err)
				}
			}
			if fileSum(t, path) != before {
				t.Errorf("the damaged file was changed")
			}
		})
	}
	if structural < 15 {
		t.Errorf("only %d structural variants", structural)
	}
}

// A zeroed first meta page makes bbolt fall back to the older one: the file would open showing an
// earlier state. Opening says so instead, before anything is written or backed up.
func TestOneInvalidMetaPageIsARollback(t *testing.T) {
	s := demoStore(t, 50)
	path := s.Path()
	// A change after the demo, so that the two meta pages describe different states.
	st := s.Settings()
	st.Backup.Keep.Weekly = 5
	if err := s.SaveSettings(stActor, st); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ps := 4096
	for _, page := range []int{0, 1} {
		t.Run([]string{"meta 0", "meta 1"}[page], func(t *testing.T) {
			b := bytes.Clone(raw)
			clear(b[page*ps : (page+1)*ps])
			p := filepath.Join(t.TempDir(), "rolled.db")
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := VerifyFile(p)
			if d := DamageOf(err); d == nil || d.Kind != DamageMeta {
				t.Fatalf("VerifyFile: %v, want the meta page reason", err)
			}
			for _, ro := range []bool{true, false} {
				if s, err := Open(p, Options{ReadOnly: ro}); err == nil {
					_ = s.Close()
					t.Fatalf("Open(ReadOnly=%v) opened a rolled-back file", ro)
				} else if DamageOf(err) == nil {
					t.Fatalf("Open(ReadOnly=%v): %v, want a DamageError", ro, err)
				}
			}
			if _, err := PreviewBackup(p); !errors.Is(err, data.ErrDamaged) {
				t.Fatalf("PreviewBackup: %v, want ErrDamaged", err)
			}
		})
	}
}

// A restore checks the backup in full before it touches anything: given damaged backups of every kind,
// it either refuses (the live file byte for byte as it was, no safety copy made) or restores a file
// that opens and passes Check — never a live file replaced by one that fails.
func TestRestoreRefusesDamagedBackups(t *testing.T) {
	sound, vs := damagedCopies(t, 120)
	live := demoStore(t, 20)
	livePath := live.Path()
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	liveBytes, err := os.ReadFile(livePath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	refused := 0
	for i, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			backup, err := v.Write(sound, dir, filepath.Base(livePath)+"."+strings.Repeat("b", i+1))
			if err != nil {
				t.Fatal(err)
			}
			before := fileSum(t, livePath)
			safety := t.TempDir()
			_, perr := PreviewBackup(backup)
			res, err := Restore(backup, livePath, RestoreOptions{BackupDir: safety})
			if (perr == nil) != (err == nil) {
				t.Fatalf("PreviewBackup says %v but Restore says %v", perr, err)
			}
			if err != nil {
				refused++
				if !errors.Is(err, data.ErrDamaged) {
					t.Fatalf("Restore: %v, want ErrDamaged", err)
				}
				if fileSum(t, livePath) != before {
					t.Fatalf("a refused restore changed the live file")
				}
				if entries, _ := os.ReadDir(safety); len(entries) != 0 {
					t.Fatalf("a refused restore left %d files in the backup folder", len(entries))
				}
				if entries, _ := os.ReadDir(filepath.Dir(livePath)); len(entries) != 1 {
					t.Fatalf("a refused restore left files beside the database: %v", entries)
				}
				return
			}
			// The damage fell where it harms nothing (a free page): the restored file must be sound.
			s, err := Open(livePath, Options{ReadOnly: true})
			if err != nil {
				t.Fatalf("the restored file does not open: %v", err)
			}
			rep, err := s.Check()
			_ = s.Close()
			// A flipped byte in an audit line still decodes; the trail's hash chain is what tells it.
			if err != nil || len(rep.Problems) > 0 {
				t.Fatalf("the restored file fails Check: %v %v", err, rep.Problems)
			}
			// Back to the first state for the next case.
			if err := os.WriteFile(livePath, liveBytes, 0o600); err != nil {
				t.Fatal(err)
			}
			_ = res
		})
	}
	t.Logf("%d of %d damaged backups refused", refused, len(vs))
	if refused < len(vs)/2 {
		t.Errorf("only %d of %d damaged backups were refused", refused, len(vs))
	}
}

// Salvage copies what can be read of a damaged file into a new one: the copy passes the structural
// check and opens for writing, a sound file comes out with every record, and the damaged file is only
// read.
func TestSalvageCopiesWhatCanBeRead(t *testing.T) {
	sound, vs := damagedCopies(t, 120)
	dir := t.TempDir()
	whole, err := Salvage(sound, filepath.Join(dir, "whole.db"))
	if err != nil {
		t.Fatalf("Salvage of the sound file: %v", err)
	}
	if len(whole.Lost) != 0 || whole.Records < 1000 {
		t.Fatalf("Salvage of the sound file: %d records, lost %v", whole.Records, whole.Lost)
	}
	s, err := Open(filepath.Join(dir, "whole.db"), Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Check()
	_ = s.Close()
	if err != nil || !rep.OK() || rep.Customers != 120 {
		t.Fatalf("the copy of a sound file: %d customers, %v %v", rep.Customers, err, rep.Problems)
	}
	for i, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			path, err := v.Write(sound, dir, fmt.Sprintf("d%d.db", i))
			if err != nil {
				t.Fatal(err)
			}
			before := fileSum(t, path)
			out := filepath.Join(dir, fmt.Sprintf("rescued%d.db", i))
			res, err := Salvage(path, out)
			if fileSum(t, path) != before {
				t.Fatalf("Salvage changed the damaged file")
			}
			if err != nil {
				if _, serr := os.Stat(out); serr == nil {
					t.Fatalf("a failed salvage left %s", out)
				}
				if !errors.Is(err, data.ErrDamaged) && !errors.Is(err, data.ErrNotSalesDesk) {
					t.Fatalf("Salvage: %v", err)
				}
				return
			}
			if _, err := VerifyFile(out); err != nil {
				t.Fatalf("the rescued file fails the structural check: %v", err)
			}
			s, err := Open(out, Options{})
			if err != nil {
				// A rescued file whose meta bucket was lost is no SalesDesk file; anything else opens.
				if !errors.Is(err, data.ErrNotSalesDesk) {
					t.Fatalf("the rescued file does not open: %v", err)
				}
				return
			}
			_ = s.Close()
			if v.Structural && res.Records == whole.Records && len(res.Lost) == 0 && !res.OlderMeta {
				t.Logf("nothing lost: %d records", res.Records)
			}
		})
	}
}

// A record whose bytes still decode but point at a card that is gone (one flipped bit in a deal's
// customer id) fails the full check, so no command writes the file; the salvaged copy leaves the
// dangling deal out, says so, and passes the check: a file the team can work in again.
func TestSalvageLeavesDanglingRecordsOut(t *testing.T) {
	s := demoStore(t, 60)
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bucketOpps).Cursor().First()
		var o data.Opportunity
		if err := codec.Unmarshal(v, &o); err != nil {
			return err
		}
		o.CustomerID |= 1 << 51
		return putRecord(tx.Bucket(bucketOpps), k, &o)
	})
	if cerr := b.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	if _, err := Open(path, Options{FullCheck: true}); !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("a writing open of the file: %v, want ErrDamaged", err)
	}
	out := filepath.Join(t.TempDir(), "rescued.db")
	res, err := Salvage(path, out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Lost, "\n"), "1 deals left out") {
		t.Errorf("the salvage does not say the dangling deal was left out: %q", res.Lost)
	}
	c, err := Open(out, Options{FullCheck: true})
	if err != nil {
		t.Fatalf("the rescued file does not open for writing: %v", err)
	}
	rep, err := c.Check()
	_ = c.Close()
	if err != nil || !rep.OK() || rep.Customers != 60 {
		t.Fatalf("the rescued file: %d customers, %v %q", rep.Customers, err, rep.Problems)
	}
}

// The window opens with CheckLater: the buckets its first frame reads are checked before Open returns,
// the rest of the file afterwards. A file damaged anywhere must still never be written: either Open
// refuses it, or every write and FinishCheck do, and the file stays byte for byte as it was.
func TestCheckLaterNeverWritesADamagedFile(t *testing.T) {
	sound, vs := damagedCopies(t, 120)
	// (a copy: the variants damage the sound file's pages where they are now)
	raw, err := os.ReadFile(sound)
	if err != nil {
		t.Fatal(err)
	}
	soundCopy := filepath.Join(t.TempDir(), "sound.db")
	if err := os.WriteFile(soundCopy, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(soundCopy, Options{Now: fixedClock(stNow), CheckLater: true})
	if err != nil {
		t.Fatalf("Open of the sound file: %v", err)
	}
	if err := s.FinishCheck(); err != nil {
		t.Fatalf("FinishCheck of the sound file: %v", err)
	}
	if _, err := s.CreateCustomer(stActor, company("检查之后")); err != nil {
		t.Fatalf("a write to the sound file: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	refusedAtOpen, refusedLater := 0, 0
	for i, v := range vs {
		if !v.Structural {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			path, err := v.Write(sound, dir, fmt.Sprintf("later%d.db", i))
			if err != nil {
				t.Fatal(err)
			}
			before := fileSum(t, path)
			s, err := Open(path, Options{Now: fixedClock(stNow), CheckLater: true})
			if err != nil {
				if !errors.Is(err, data.ErrDamaged) {
					t.Fatalf("Open: %v, want ErrDamaged", err)
				}
				refusedAtOpen++
			} else {
				// When the user saves before the rest of the check has run
				_, werr := s.CreateCustomer(stActor, company("不该写入"))
				// Then the save waits for it and is refused, and so is the check's own answer
				if !errors.Is(werr, data.ErrDamaged) {
					t.Errorf("a write to a file damaged past the first buckets: %v, want ErrDamaged", werr)
				}
				if err := s.FinishCheck(); !errors.Is(err, data.ErrDamaged) || DamageOf(err) == nil {
					t.Errorf("FinishCheck: %v, want ErrDamaged with a reason", err)
				}
				refusedLater++
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}
			if fileSum(t, path) != before {
				t.Errorf("the damaged file was changed")
			}
		})
	}
	// Both ways must have been taken, or the test says nothing about one of them.
	if refusedAtOpen == 0 || refusedLater == 0 {
		t.Errorf("refused at open %d, later %d: want both", refusedAtOpen, refusedLater)
	}
}

// A store closed before its check went on ends the walk: the file is free to open again at once.
func TestCloseStopsTheLaterCheck(t *testing.T) {
	sound, _ := damagedCopies(t, 120)
	for range 3 {
		s, err := Open(sound, Options{Now: fixedClock(stNow), CheckLater: true})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if s.check == nil {
			t.Fatal("CheckLater left nothing for later")
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.check.finish(true); err != nil {
			t.Fatalf("a stopped check reports %v; want nothing", err)
		}
	}
}

// With CheckLater the deals' rows are checked after Open, when LoadDeals asks for them, and only then
// read: the rest of the walk still waits for FinishCheck, and a damaged leaf of the deals' rows is
// refused by LoadDeals, FinishCheck and every write without a deal of it read.
func TestDealsAreCheckedWhenLoaded(t *testing.T) {
	path, raw := demoBytes(t, 120)
	closed := func(c chan struct{}) bool {
		select {
		case <-c:
			return true
		default:
			return false
		}
	}
	s, err := Open(path, Options{Now: fixedClock(stNow), CheckLater: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.check == nil || closed(s.check.deals) {
		t.Fatal("Open checked the deals' rows before they were asked for")
	}
	if err := s.LoadDeals(); err != nil {
		t.Fatalf("LoadDeals: %v", err)
	}
	s.mu.RLock()
	deals := len(s.idx.opps)
	s.mu.RUnlock()
	if deals == 0 {
		t.Fatal("the demo's deals were not loaded")
	}
	if !closed(s.check.deals) || closed(s.check.ended) {
		t.Fatalf("after LoadDeals: deals checked %v, whole walk ended %v; want the walk paused after the deals",
			closed(s.check.deals), closed(s.check.ended))
	}
	if err := s.FinishCheck(); err != nil {
		t.Fatalf("FinishCheck: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A leaf of the deals' rows whose header names another page.
	leaf, size := pageOf(t, path, "opp_rows", true)
	bad := slices.Clone(raw)
	binary.LittleEndian.PutUint64(bad[int(leaf)*size:], leaf+1)
	damaged := filepath.Join(t.TempDir(), "deals.db")
	if err := os.WriteFile(damaged, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(damaged, Options{Now: fixedClock(stNow)}); !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("Open with the whole check: %v, want ErrDamaged", err)
	}
	s, err = Open(damaged, Options{Now: fixedClock(stNow), CheckLater: true})
	if err != nil {
		t.Fatalf("Open with CheckLater: %v; the deals' rows are checked after it", err)
	}
	defer s.Close()
	if err := s.LoadDeals(); !errors.Is(err, data.ErrDamaged) {
		t.Errorf("LoadDeals of damaged deals' rows: %v, want ErrDamaged", err)
	}
	s.mu.RLock()
	deals = len(s.idx.opps)
	s.mu.RUnlock()
	if deals != 0 {
		t.Errorf("%d deals were read from a damaged file", deals)
	}
	if err := s.FinishCheck(); !errors.Is(err, data.ErrDamaged) {
		t.Errorf("FinishCheck: %v, want ErrDamaged", err)
	}
	if _, err := s.CreateCustomer(stActor, company("不该写入")); !errors.Is(err, data.ErrDamaged) {
		t.Errorf("a write: %v, want ErrDamaged", err)
	}
}
