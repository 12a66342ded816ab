package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"salesdesk/data"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// demoStore opens a new file in the test's temp folder holding n demo customers with their
// follow-ups and deals, its backups going to a temp folder too.
func demoStore(t testing.TB, n int) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "salesdesk.db"), Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := GenerateDemo(s, DemoOptions{Customers: n, Seed: 1, Now: stNow}); err != nil {
		t.Fatalf("GenerateDemo: %v", err)
	}
	st := s.Settings()
	st.Backup.Dir = filepath.Join(t.TempDir(), "backups")
	if err := s.SaveSettings(stActor, st); err != nil {
		t.Fatalf("SaveSettings: %v", err)
	}
	return s
}

// storeCounts are the counts a store's memory holds, to compare a backup's with.
func storeCounts(t testing.TB, s *Store) data.RecordCounts {
	t.Helper()
	if err := s.LoadDeals(); err != nil {
		t.Fatal(err)
	}
	active, archived := s.CustomerCount()
	fus := 0
	for _, archivedList := range []bool{false, true} {
		for _, r := range s.Customers(data.CustomerFilter{Archived: archivedList}) {
			f, err := s.FollowUps(r.ID)
			if err != nil {
				t.Fatal(err)
			}
			fus += len(f)
		}
	}
	return data.RecordCounts{Customers: active + archived, FollowUps: fus, Deals: len(s.Opportunities(data.OpportunityFilter{})), Members: len(s.Members())}
}

func listDir(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestBackupToMakesAVerifiedCopy(t *testing.T) {
	// Given a database with customers, follow-ups, deals and members
	s := demoStore(t, 120)
	want := storeCounts(t, s)
	dst := filepath.Join(t.TempDir(), "sub", "copy.db")

	// When it is backed up
	var calls [][2]int64
	info, err := s.BackupTo(context.Background(), dst, func(done, total int64) { calls = append(calls, [2]int64{done, total}) })
	if err != nil {
		t.Fatalf("BackupTo: %v", err)
	}

	// Then the backup describes the database and holds all of it
	if info.Counts != want {
		t.Errorf("counts %+v, want %+v", info.Counts, want)
	}
	if info.Path != dst || info.Schema != SchemaVersion() || !info.Time.Equal(stNow) {
		t.Errorf("info %+v", info)
	}
	st, err := os.Stat(dst)
	if err != nil || st.Size() != info.Size {
		t.Fatalf("file: %v, size %d, info %d", err, st.Size(), info.Size)
	}
	if got := listDir(t, filepath.Dir(dst)); !slices.Equal(got, []string{"copy.db"}) {
		t.Errorf("folder holds %q, want only the backup", got)
	}
	b, err := Open(dst, Options{ReadOnly: true, Now: fixedClock(stNow)})
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer b.Close()
	mustCheck(t, b)
	if got := storeCounts(t, b); got != want {
		t.Errorf("the backup opens with %+v, want %+v", got, want)
	}
	if !slices.Equal(rowIDs(b.Customers(data.CustomerFilter{})), rowIDs(s.Customers(data.CustomerFilter{}))) {
		t.Errorf("the backup lists other customers")
	}
	// And progress rose to the whole size
	if len(calls) == 0 || calls[len(calls)-1] != [2]int64{info.Size, info.Size} {
		t.Fatalf("progress %v, want to end at %d/%d", calls, info.Size, info.Size)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] < calls[i-1][0] || calls[i][1] != info.Size {
			t.Fatalf("progress went %v then %v", calls[i-1], calls[i])
		}
	}
}

func TestBackupToNeverOverwrites(t *testing.T) {
	s := demoStore(t, 20)
	dir := t.TempDir()
	existing := filepath.Join(dir, "taken.db")
	writeFile(t, existing, []byte("the user's own file"))
	cases := []struct {
		name string
		path string
		want error
	}{
		{"a file of that name exists", existing, ErrBackupExists},
		{"the database itself", s.Path(), ErrSameFile},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sum := fileHash(t, tc.path)
			_, err := s.BackupTo(context.Background(), tc.path, nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("BackupTo: %v, want %v", err, tc.want)
			}
			if fileHash(t, tc.path) != sum {
				t.Errorf("%s was changed", tc.path)
			}
		})
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"taken.db"}) {
		t.Errorf("folder holds %q, want no temp files left", got)
	}
}

func TestBackupCancelledLeavesNothing(t *testing.T) {
	s := demoStore(t, 20)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// When the backup is cancelled as soon as it has started writing
	_, err := s.BackupTo(ctx, filepath.Join(dir, "b.db"), func(done, total int64) { cancel() })

	// Then it fails with the context's error and leaves no file behind
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("BackupTo: %v, want context.Canceled", err)
	}
	if got := listDir(t, dir); len(got) != 0 {
		t.Errorf("folder holds %q after a cancelled backup", got)
	}
	// And the store goes on working
	if _, err := s.CreateCustomer(stActor, company("取消之后")); err != nil {
		t.Errorf("CreateCustomer after the cancelled backup: %v", err)
	}
}

func TestBackupDoesNotStopWrites(t *testing.T) {
	// Given a database whose earlier changes left free pages, so a new record need not grow the file
	s := demoStore(t, 60)
	c, err := s.Customer(s.Customers(data.CustomerFilter{})[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		c.Notes = strings.Repeat("备注", i+1)
		if c, err = s.UpdateCustomer(stActor, c); err != nil {
			t.Fatal(err)
		}
	}
	before := storeCounts(t, s)

	// When a customer is created while a backup is copying
	g := &gateWriter{Started: make(chan struct{}), Release: make(chan struct{})}
	type result struct {
		info data.BackupInfo
		err  error
	}
	done := make(chan result)
	go func() {
		info, err := s.Backup(context.Background(), g, nil)
		done <- result{info, err}
	}()
	<-g.Started
	created := make(chan error)
	go func() {
		_, err := s.CreateCustomer(stActor, company("备份期间新建"))
		created <- err
	}()
	select {
	case err := <-created:
		if err != nil {
			t.Fatalf("CreateCustomer during the backup: %v", err)
		}
	case <-time.After(20 * time.Second):
		close(g.Release)
		t.Fatal("a write waited for the backup to finish")
	}
	close(g.Release)
	r := <-done

	// Then the backup is the database as it was when the copy began
	if r.err != nil {
		t.Fatalf("Backup: %v", r.err)
	}
	if r.info.Counts != before {
		t.Errorf("backup counts %+v, want the snapshot's %+v", r.info.Counts, before)
	}
	path := filepath.Join(t.TempDir(), "stream.db")
	writeFile(t, path, g.Buf.Bytes())
	got, err := PreviewBackup(path)
	if err != nil {
		t.Fatalf("PreviewBackup of the streamed copy: %v", err)
	}
	if got.Counts != before || got.Size != r.info.Size {
		t.Errorf("streamed copy %+v, want counts %+v size %d", got, before, r.info.Size)
	}
	if active, archived := s.CustomerCount(); active+archived != before.Customers+1 {
		t.Errorf("store has %d customers, want %d", active+archived, before.Customers+1)
	}
}

// ---------------------------------------------------------------------------------------------
// Files that are not good backups

func TestPreviewBackupRefusesBadFiles(t *testing.T) {
	good := sampleDB(t)
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		make func(t *testing.T, path string)
		want error
	}{
		{"missing", func(t *testing.T, p string) {}, fs.ErrNotExist},
		{"empty", func(t *testing.T, p string) { writeFile(t, p, nil) }, data.ErrNotSalesDesk},
		{"folder", func(t *testing.T, p string) {
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
		}, data.ErrNotSalesDesk},
		{"text file", func(t *testing.T, p string) { writeFile(t, p, bytes.Repeat([]byte("客户,电话\n"), 900)) }, data.ErrNotSalesDesk},
		{"bolt file of another program", func(t *testing.T, p string) {
			boltFile(t, p, func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
		}, data.ErrNotSalesDesk},
		{"newer schema", func(t *testing.T, p string) {
			writeFile(t, p, orig)
			boltFile(t, p, func(tx *bolt.Tx) error {
				return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(uint64(SchemaVersion()+1)))
			})
		}, data.ErrTooNew},
		{"a bucket missing", func(t *testing.T, p string) {
			writeFile(t, p, orig)
			boltFile(t, p, func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketFollowUps) })
		}, data.ErrDamaged},
		{"truncated", func(t *testing.T, p string) { writeFile(t, p, orig[:usedBytes(orig)/2]) }, data.ErrDamaged},
		{"meta checksums garbled", func(t *testing.T, p string) {
			b := slices.Clone(orig)
			b[16+56] ^= 0xff
			b[4096+16+56] ^= 0xff
			writeFile(t, p, b)
		}, data.ErrDamaged},
		{"data pages overwritten", func(t *testing.T, p string) {
			b := slices.Clone(orig)
			for i := 2 * 4096; i < len(b); i += 7 {
				b[i] = byte(i * 31)
			}
			writeFile(t, p, b)
		}, data.ErrDamaged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Given a file that is not a good backup
			path := filepath.Join(t.TempDir(), "b.db")
			tc.make(t, path)
			var sum [32]byte
			if st, err := os.Stat(path); err == nil && !st.IsDir() {
				sum = fileHash(t, path)
			}

			// When it is previewed
			_, err := PreviewBackup(path)
			t.Logf("PreviewBackup: %v", err)

			// Then it is refused with the error Open gives, and the file is not changed
			if !errors.Is(err, tc.want) {
				t.Fatalf("PreviewBackup: %v, want %v", err, tc.want)
			}
			if st, err := os.Stat(path); err == nil && !st.IsDir() && fileHash(t, path) != sum {
				t.Errorf("the file was changed")
			}
		})
	}
}

func TestPreviewBackupDescribesAGoodFile(t *testing.T) {
	s := demoStore(t, 30)
	want := storeCounts(t, s)
	changes, err := s.Changes("", 0, 1)
	if err != nil || len(changes) != 1 {
		t.Fatalf("Changes: %v %v", changes, err)
	}
	path := filepath.Join(t.TempDir(), "b.db")
	if _, err := s.BackupTo(context.Background(), path, nil); err != nil {
		t.Fatal(err)
	}
	info, err := PreviewBackup(path)
	if err != nil {
		t.Fatalf("PreviewBackup: %v", err)
	}
	if info.Counts != want || info.Schema != SchemaVersion() || info.Path != path || !info.LastChange.Equal(changes[0].At) {
		t.Errorf("preview %+v, want counts %+v, last change %v", info, want, changes[0].At)
	}
	if st, _ := os.Stat(path); !info.Time.Equal(st.ModTime()) || info.Size != st.Size() {
		t.Errorf("preview time %v size %d, file %v %d", info.Time, info.Size, st.ModTime(), st.Size())
	}
}

// ---------------------------------------------------------------------------------------------
// Names, listing and rotation

func TestParseBackupName(t *testing.T) {
	cases := []struct {
		name string
		stem string
		kind data.BackupKind
		date string // dayLayout or momentLayout; "" for a name SalesDesk does not own
	}{
		{"salesdesk-2026-11-23.db", "salesdesk", BackupDaily, "2026-11-23"},
		{"team-two-2026-01-05.db", "team-two", BackupDaily, "2026-01-05"},
		{"salesdesk-2026-11-23-143501.db", "salesdesk", BackupManual, "2026-11-23-143501"},
		{"salesdesk-before-restore-2026-11-23-143501.db", "salesdesk", BackupBeforeRestore, "2026-11-23-143501"},
		{"salesdesk-before-restore-2026-11-23-143501-2.db", "salesdesk", BackupBeforeRestore, "2026-11-23-143501"},
		{"salesdesk-2026-13-40.db", "", "", ""},
		{"salesdesk-2026-11-23.db.bak", "", "", ""},
		{"salesdesk.db", "", "", ""},
		{"-2026-11-23.db", "", "", ""},
		{".salesdesk-2026-11-23.db.tmp-123", "", "", ""},
		{"notes-2026-11-23.txt", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stem, kind, date, ok := parseBackupName(tc.name)
			if ok != (tc.date != "") {
				t.Fatalf("ok = %v, want %v", ok, tc.date != "")
			}
			if !ok {
				return
			}
			layout := dayLayout
			if len(tc.date) > len(dayLayout) {
				layout = momentLayout
			}
			if stem != tc.stem || kind != tc.kind || date.Format(layout) != tc.date {
				t.Errorf("got %q %q %s, want %q %q %s", stem, kind, date.Format(layout), tc.stem, tc.kind, tc.date)
			}
		})
	}
}

// daily makes the daily backup file of stem for a date, as ListBackups would list it.
func daily(stem, date string) data.BackupFile {
	d, err := time.ParseInLocation(dayLayout, date, time.Local)
	if err != nil {
		panic(err)
	}
	return data.BackupFile{Path: filepath.Join("/backups", stem+"-"+date+".db"), Stem: stem, Kind: BackupDaily, Date: d}
}

func dailyRange(stem, from, to string) []data.BackupFile {
	d, _ := time.ParseInLocation(dayLayout, from, time.Local)
	end, _ := time.ParseInLocation(dayLayout, to, time.Local)
	var out []data.BackupFile
	for ; !d.After(end); d = d.AddDate(0, 0, 1) {
		out = append(out, daily(stem, d.Format(dayLayout)))
	}
	return out
}

func baseNames(files []data.BackupFile) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = strings.TrimSuffix(filepath.Base(f.Path), ".db")
	}
	slices.Sort(out)
	return out
}

func names(prefix string, dates ...string) []string {
	out := make([]string, len(dates))
	for i, d := range dates {
		out[i] = prefix + d
	}
	slices.Sort(out)
	return out
}

func TestRotate(t *testing.T) {
	// Monday 23 November 2026, ISO week 48.
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.Local)
	monthEnds := []data.BackupFile{}
	for m := 1; m <= 24; m++ {
		d := time.Date(2024, time.Month(m)+1, 0, 0, 0, 0, 0, time.Local) // last day of month m of 2024–2025
		monthEnds = append(monthEnds, daily("salesdesk", d.Format(dayLayout)))
	}
	other := func(name string, kind data.BackupKind) data.BackupFile {
		return data.BackupFile{Path: filepath.Join("/backups", name), Stem: "salesdesk", Kind: kind, Date: now.AddDate(-3, 0, 0)}
	}
	cases := []struct {
		name      string
		files     []data.BackupFile
		keep      data.Retention
		wantKept  []string
		wantDrops []string
	}{
		{name: "no files", keep: data.DefaultRetention},
		{
			name:     "one old file is the newest and stays",
			files:    []data.BackupFile{daily("salesdesk", "2020-02-02")},
			keep:     data.Retention{},
			wantKept: names("salesdesk-", "2020-02-02"),
		},
		{
			name:  "every day of November: the last 7 days and the newest of 4 weeks",
			files: dailyRange("salesdesk", "2026-11-01", "2026-11-23"),
			keep:  data.DefaultRetention,
			wantKept: names("salesdesk-", "2026-11-23", "2026-11-22", "2026-11-21", "2026-11-20", "2026-11-19",
				"2026-11-18", "2026-11-17", "2026-11-15", "2026-11-08"),
			wantDrops: names("salesdesk-", "2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05",
				"2026-11-06", "2026-11-07", "2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13",
				"2026-11-14", "2026-11-16"),
		},
		{
			name:  "two years of month ends: the newest 12 months",
			files: monthEnds,
			keep:  data.Retention{Monthly: 12},
			wantKept: names("salesdesk-", "2025-12-31", "2025-11-30", "2025-10-31", "2025-09-30", "2025-08-31",
				"2025-07-31", "2025-06-30", "2025-05-31", "2025-04-30", "2025-03-31", "2025-02-28", "2025-01-31"),
			wantDrops: names("salesdesk-", "2024-12-31", "2024-11-30", "2024-10-31", "2024-09-30", "2024-08-31",
				"2024-07-31", "2024-06-30", "2024-05-31", "2024-04-30", "2024-03-31", "2024-02-29", "2024-01-31"),
		},
		{
			name:      "days without a backup do not use up places",
			files:     []data.BackupFile{daily("salesdesk", "2026-01-10"), daily("salesdesk", "2026-05-02"), daily("salesdesk", "2026-11-20")},
			keep:      data.Retention{Daily: 2},
			wantKept:  names("salesdesk-", "2026-11-20", "2026-05-02"),
			wantDrops: names("salesdesk-", "2026-01-10"),
		},
		{
			name:      "keeping nothing still keeps the newest",
			files:     dailyRange("salesdesk", "2026-11-20", "2026-11-23"),
			keep:      data.Retention{},
			wantKept:  names("salesdesk-", "2026-11-23"),
			wantDrops: names("salesdesk-", "2026-11-20", "2026-11-21", "2026-11-22"),
		},
		{
			name:      "ISO weeks across the new year",
			files:     []data.BackupFile{daily("salesdesk", "2025-12-28"), daily("salesdesk", "2025-12-29"), daily("salesdesk", "2026-01-04")},
			keep:      data.Retention{Weekly: 2},
			wantKept:  names("salesdesk-", "2026-01-04", "2025-12-28"),
			wantDrops: names("salesdesk-", "2025-12-29"),
		},
		{
			name: "other kinds and names are never dropped",
			files: []data.BackupFile{
				daily("salesdesk", "2026-11-22"), daily("salesdesk", "2026-11-23"),
				other("salesdesk-2026-11-20-101010.db", BackupManual),
				other("salesdesk-before-restore-2026-11-20-101010.db", BackupBeforeRestore),
				other("my-notes.db", BackupDaily),             // says daily, is not named so
				other("salesdesk-2026-02-31.db", BackupDaily), // no such day
			},
			keep: data.Retention{},
			wantKept: []string{"my-notes", "salesdesk-2026-02-31", "salesdesk-2026-11-20-101010", "salesdesk-2026-11-23",
				"salesdesk-before-restore-2026-11-20-101010"},
			wantDrops: names("salesdesk-", "2026-11-22"),
		},
		{
			name:      "a backup dated in the future is kept and takes no place",
			files:     []data.BackupFile{daily("salesdesk", "2027-03-01"), daily("salesdesk", "2026-11-23"), daily("salesdesk", "2026-11-22")},
			keep:      data.Retention{Daily: 1},
			wantKept:  names("salesdesk-", "2027-03-01", "2026-11-23"),
			wantDrops: names("salesdesk-", "2026-11-22"),
		},
		{
			name: "each database is rotated on its own",
			files: []data.BackupFile{daily("salesdesk", "2026-11-22"), daily("salesdesk", "2026-11-21"),
				daily("team", "2026-10-01"), daily("team", "2026-09-01")},
			keep:      data.Retention{Daily: 1},
			wantKept:  []string{"salesdesk-2026-11-22", "team-2026-10-01"},
			wantDrops: []string{"salesdesk-2026-11-21", "team-2026-09-01"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kept, drop := Rotate(tc.files, now, tc.keep)
			if got := baseNames(kept); !slices.Equal(got, tc.wantKept) {
				t.Errorf("kept %q,\nwant %q", got, tc.wantKept)
			}
			if got := baseNames(drop); !slices.Equal(got, tc.wantDrops) {
				t.Errorf("dropped %q,\nwant %q", got, tc.wantDrops)
			}
			if len(kept)+len(drop) != len(tc.files) {
				t.Errorf("%d kept + %d dropped of %d files", len(kept), len(drop), len(tc.files))
			}
			for i := 1; i < len(kept); i++ {
				if kept[i].Date.After(kept[i-1].Date) {
					t.Errorf("kept not newest first: %s before %s", kept[i-1].Path, kept[i].Path)
				}
			}
		})
	}
}

func TestListBackups(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"salesdesk-2026-11-21.db", "salesdesk-2026-11-23.db", "salesdesk-2026-11-22-080000.db",
		"team-2026-11-23.db", "notes.txt", ".salesdesk-2026-11-24.db.tmp-1", "salesdesk.db"} {
		writeFile(t, filepath.Join(dir, n), []byte(n))
	}
	if err := os.Mkdir(filepath.Join(dir, "salesdesk-2026-11-25.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	files, err := ListBackups(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, filepath.Base(f.Path))
		if f.Size != int64(len(filepath.Base(f.Path))) {
			t.Errorf("%s: size %d", f.Path, f.Size)
		}
	}
	want := []string{"team-2026-11-23.db", "salesdesk-2026-11-23.db", "salesdesk-2026-11-22-080000.db", "salesdesk-2026-11-21.db"}
	if !slices.Equal(got, want) {
		t.Errorf("ListBackups = %q, want %q", got, want)
	}
	if files, err := ListBackups(filepath.Join(dir, "none")); err != nil || files != nil {
		t.Errorf("missing folder: %v, %v", files, err)
	}
}

func TestAutoBackup(t *testing.T) {
	// Given a database whose backup folder holds older daily backups, a manual one, another database's
	// and a file of the user's
	s := demoStore(t, 30)
	dir := s.BackupDir()
	st := s.Settings()
	st.Backup.Keep = data.Retention{Daily: 3}
	if err := s.SaveSettings(stActor, st); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	old := []string{"salesdesk-2026-03-01.db", "salesdesk-2026-03-05.db", "salesdesk-2026-03-07.db", "salesdesk-2026-03-08.db"}
	keepAlways := []string{"salesdesk-2026-01-01-120000.db", "other-2026-01-01.db", "salesdesk-notes.db"}
	for _, n := range append(slices.Clone(old), keepAlways...) {
		writeFile(t, filepath.Join(dir, n), []byte("x"))
	}

	// When the daily backup runs
	made, pruned, err := s.AutoBackup(context.Background(), stNow)
	if err != nil {
		t.Fatalf("AutoBackup: %v", err)
	}

	// Then today's backup is made and the rotation drops what it no longer keeps, nothing else
	today := filepath.Join(dir, "salesdesk-2026-03-10.db")
	if made == nil || made.Path != today {
		t.Fatalf("made %+v, want %s", made, today)
	}
	if _, err := PreviewBackup(today); err != nil {
		t.Errorf("today's backup: %v", err)
	}
	wantPruned := []string{filepath.Join(dir, "salesdesk-2026-03-05.db"), filepath.Join(dir, "salesdesk-2026-03-01.db")}
	if !slices.Equal(pruned, wantPruned) {
		t.Errorf("pruned %q, want %q", pruned, wantPruned)
	}
	wantLeft := append([]string{"salesdesk-2026-03-07.db", "salesdesk-2026-03-08.db", "salesdesk-2026-03-10.db"}, keepAlways...)
	slices.Sort(wantLeft)
	if got := listDir(t, dir); !slices.Equal(got, wantLeft) {
		t.Errorf("folder holds %q, want %q", got, wantLeft)
	}

	// When it runs again the same day
	sum := fileHash(t, today)
	made, pruned, err = s.AutoBackup(context.Background(), stNow.Add(5*time.Hour))

	// Then it makes nothing and removes nothing
	if err != nil || made != nil || len(pruned) != 0 {
		t.Errorf("second run: made %v pruned %q err %v", made, pruned, err)
	}
	if fileHash(t, today) != sum {
		t.Errorf("today's backup was rewritten")
	}
}

func TestAutoBackupFailureRemovesNothing(t *testing.T) {
	// Given old daily backups the rotation would drop, and today's name taken by a folder
	s := demoStore(t, 10)
	st := s.Settings()
	st.Backup.Keep = data.Retention{}
	if err := s.SaveSettings(stActor, st); err != nil {
		t.Fatal(err)
	}
	dir := s.BackupDir()
	if err := os.MkdirAll(filepath.Join(dir, "salesdesk-2026-03-10.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"salesdesk-2026-01-01.db", "salesdesk-2026-01-02.db"} {
		writeFile(t, filepath.Join(dir, n), []byte("x"))
	}

	// When the daily backup cannot be made
	made, pruned, err := s.AutoBackup(context.Background(), stNow)

	// Then it says so and removes nothing
	if !errors.Is(err, ErrBackupExists) || made != nil || len(pruned) != 0 {
		t.Fatalf("AutoBackup: made %v pruned %q err %v", made, pruned, err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"salesdesk-2026-01-01.db", "salesdesk-2026-01-02.db", "salesdesk-2026-03-10.db"}) {
		t.Errorf("folder holds %q", got)
	}
}

func TestAutoBackupOfADamagedFileKeepsTheOldBackups(t *testing.T) {
	// Given a database damaged where opening does not look (a follow-up page), and old daily backups
	s := demoStore(t, 300)
	dir := s.BackupDir()
	st := s.Settings()
	st.Backup.Keep = data.Retention{}
	if err := s.SaveSettings(stActor, st); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "salesdesk-2026-03-01.db"), []byte("an older backup"))
	leaf, ps := pageOf(t, s.Path(), "followups", true)
	raw, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	clear(raw[int(leaf)*ps : int(leaf+1)*ps])
	writeFile(t, s.Path(), raw)
	// When the window would open it for the day (the daily backup runs on an open store)
	if s, err = Open(s.Path(), Options{Now: fixedClock(stNow)}); err == nil {
		made, pruned, err := s.AutoBackup(context.Background(), stNow)
		_ = s.Close()
		t.Fatalf("a damaged file opened, and its daily backup made %v, pruned %q: %v", made, pruned, err)
	}

	// Then it does not open, so no backup of the damage is made, and the old backup, the newest good
	// one, stays
	if !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("Open: %v, want ErrDamaged", err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"salesdesk-2026-03-01.db"}) {
		t.Errorf("folder holds %q", got)
	}
}

func TestAutoBackupSkipsAnEmptyDatabase(t *testing.T) {
	s := newStore(t, nil)
	st := s.Settings()
	st.Backup.Dir = filepath.Join(t.TempDir(), "b")
	if err := s.SaveSettings(stActor, st); err != nil {
		t.Fatal(err)
	}
	made, pruned, err := s.AutoBackup(context.Background(), stNow)
	if err != nil || made != nil || pruned != nil {
		t.Errorf("AutoBackup of an empty database: %v %v %v", made, pruned, err)
	}
	if got := listDir(t, st.Backup.Dir); len(got) != 0 {
		t.Errorf("folder holds %q", got)
	}
}

func TestBackupSettingsValidate(t *testing.T) {
	abs, _ := filepath.Abs("backups")
	cases := []struct {
		name   string
		b      data.BackupSettings
		fields []string
	}{
		{"defaults", data.BackupSettings{Keep: data.DefaultRetention}, nil},
		{"a full path", data.BackupSettings{Dir: abs, Keep: data.DefaultRetention}, nil},
		{"keep nothing but the newest", data.BackupSettings{}, nil},
		{"a relative path", data.BackupSettings{Dir: "backups"}, []string{"backup_dir"}},
		{"negative counts", data.BackupSettings{Keep: data.Retention{Daily: -1, Weekly: -2, Monthly: -3}},
			[]string{"backup_keep_daily", "backup_keep_weekly", "backup_keep_monthly"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := data.DefaultSettings()
			st.Backup = tc.b
			var got []string
			for _, e := range st.Validate() {
				got = append(got, e.Field)
			}
			if !slices.Equal(got, tc.fields) {
				t.Errorf("fields %q, want %q", got, tc.fields)
			}
		})
	}
}

func TestSettingsWithoutBackupReadAsDefaults(t *testing.T) {
	// Given a file whose settings were saved before the backup settings existed
	path := sampleDB(t)
	boltFile(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSettings).Put(keySettings, []byte(`{"lost_after_days": 90}`))
	})
	s, err := Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Settings().Backup; got.Dir != "" || got.Keep != data.DefaultRetention {
		t.Errorf("backup settings %+v, want the defaults", got)
	}
	if got := s.BackupDir(); got != filepath.Join(filepath.Dir(path), "backups") {
		t.Errorf("BackupDir = %s", got)
	}
}

// ---------------------------------------------------------------------------------------------
// Restore

// closedDemo makes a closed demo database and a verified backup of it, then changes the database so
// it differs from the backup. It returns the database's path, the backup's and the backup's counts.
func closedDemo(t *testing.T) (db, backup string, counts data.RecordCounts) {
	t.Helper()
	s := demoStore(t, 40)
	backup = filepath.Join(t.TempDir(), "salesdesk-2026-03-09.db")
	info, err := s.BackupTo(context.Background(), backup, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, company("备份之后新建的客户"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return s.Path(), backup, info.Counts
}

func TestRestore(t *testing.T) {
	// Given a closed database that changed since its backup
	db, backup, counts := closedDemo(t)
	before := fileHash(t, db)
	backupSum := fileHash(t, backup)
	safetyDir := filepath.Join(t.TempDir(), "safety")

	// When the backup is restored over it
	res, err := Restore(backup, db, RestoreOptions{BackupDir: safetyDir, Now: stNow})
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}

	// Then the old file was kept byte for byte, the database is the backup, and the backup is unchanged
	wantSafety := filepath.Join(safetyDir, "salesdesk-before-restore-2026-03-10-093000.db")
	if res.SafetyCopy != wantSafety {
		t.Errorf("safety copy at %s, want %s", res.SafetyCopy, wantSafety)
	}
	if fileHash(t, wantSafety) != before {
		t.Errorf("the safety copy differs from the replaced file")
	}
	if fileHash(t, db) != backupSum || fileHash(t, backup) != backupSum {
		t.Errorf("the database is not the backup, or the backup changed")
	}
	if res.Restored.Counts != counts {
		t.Errorf("restored %+v, want %+v", res.Restored.Counts, counts)
	}
	s, err := Open(db, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatalf("open the restored file: %v", err)
	}
	defer s.Close()
	mustCheck(t, s)
	if got := storeCounts(t, s); got != counts {
		t.Errorf("restored database holds %+v, want %+v", got, counts)
	}
	if got := listDir(t, filepath.Dir(db)); slices.ContainsFunc(got, func(n string) bool { return strings.HasPrefix(n, ".") }) {
		t.Errorf("temp files left beside the database: %q", got)
	}

	// When it is restored again within the same second, the first safety copy is not overwritten
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	res2, err := Restore(backup, db, RestoreOptions{BackupDir: safetyDir, Now: stNow})
	if err != nil {
		t.Fatalf("second Restore: %v", err)
	}
	if res2.SafetyCopy == wantSafety || fileHash(t, wantSafety) != before {
		t.Errorf("second safety copy %s replaced the first", res2.SafetyCopy)
	}
}

func TestRestoreUsesTheDatabasesBackupFolder(t *testing.T) {
	db, backup, _ := closedDemo(t)
	s, err := Open(db, Options{ReadOnly: true, Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	dir := s.BackupDir()
	_ = s.Close()
	res, err := Restore(backup, db, RestoreOptions{Now: stNow})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(res.SafetyCopy) != dir {
		t.Errorf("safety copy in %s, want the settings' folder %s", filepath.Dir(res.SafetyCopy), dir)
	}
}

func TestRestoreRefusals(t *testing.T) {
	cases := []struct {
		name string
		// setup returns from, to and a cleanup-free action holding the file if needed
		setup func(t *testing.T) (from, to string)
		want  error
	}{
		{"the database is open in a window", func(t *testing.T) (string, string) {
			db, backup, _ := closedDemo(t)
			s, err := Open(db, Options{Now: fixedClock(stNow)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return backup, db
		}, data.ErrLocked},
		{"a damaged backup", func(t *testing.T) (string, string) {
			db, backup, _ := closedDemo(t)
			raw, _ := os.ReadFile(backup)
			writeFile(t, backup, raw[:len(raw)/3])
			return backup, db
		}, data.ErrDamaged},
		{"not a SalesDesk file", func(t *testing.T) (string, string) {
			db, _, _ := closedDemo(t)
			p := filepath.Join(t.TempDir(), "x.db")
			writeFile(t, p, bytes.Repeat([]byte("not a database"), 500))
			return p, db
		}, data.ErrNotSalesDesk},
		{"the backup is the database", func(t *testing.T) (string, string) {
			db, _, _ := closedDemo(t)
			return db, db
		}, ErrSameFile},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from, to := tc.setup(t)
			sum := fileHash(t, to)
			safety := t.TempDir()
			_, err := Restore(from, to, RestoreOptions{BackupDir: safety, Now: stNow})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Restore: %v, want %v", err, tc.want)
			}
			if fileHash(t, to) != sum {
				t.Errorf("the database was changed")
			}
			if got := listDir(t, safety); len(got) != 0 {
				t.Errorf("safety folder holds %q", got)
			}
		})
	}
}

func TestRestoreOverADamagedOrMissingFile(t *testing.T) {
	cases := []struct {
		name       string
		damage     func(raw []byte) []byte // nil: the file is missing
		wantSafety bool
	}{
		{"damaged", func(raw []byte) []byte { return raw[:len(raw)/2] }, true},
		{"garbage", func(raw []byte) []byte { return bytes.Repeat([]byte{0xAB}, 9000) }, true},
		{"missing", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, backup, counts := closedDemo(t)
			raw, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			var damaged []byte
			if tc.damage == nil {
				if err := os.Remove(db); err != nil {
					t.Fatal(err)
				}
			} else {
				damaged = tc.damage(raw)
				writeFile(t, db, damaged)
			}
			safety := t.TempDir()
			res, err := Restore(backup, db, RestoreOptions{BackupDir: safety, Now: stNow})
			if err != nil {
				t.Fatalf("Restore: %v", err)
			}
			if (res.SafetyCopy != "") != tc.wantSafety {
				t.Fatalf("safety copy %q, want one: %v", res.SafetyCopy, tc.wantSafety)
			}
			if tc.wantSafety {
				kept, err := os.ReadFile(res.SafetyCopy)
				if err != nil || !bytes.Equal(kept, damaged) {
					t.Errorf("the damaged file was not kept byte for byte: %v", err)
				}
			}
			info, err := PreviewBackup(db)
			if err != nil || info.Counts != counts {
				t.Errorf("restored file: %+v, %v; want counts %+v", info, err, counts)
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// QuickCheck and the latest good backup

// pageOf finds a page of a bucket: its root, or with leaf set the first leaf under it.
func pageOf(t *testing.T, path string, bucket string, leaf bool) (id uint64, pageSize int) {
	t.Helper()
	p, err := openPages(path)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// The root bucket is a tree too once its buckets' names and inline buckets outgrow a page.
	buckets := map[string]uint64{}
	var walk func(id uint64)
	walk = func(id uint64) {
		h, b, err := p.page(id)
		if err != nil {
			t.Fatal(err)
		}
		if h.flags != leafPageFlag {
			children, err := branchChildren(id, h, b)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range children {
				walk(c)
			}
			return
		}
		found, err := leafBuckets(id, h, b)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range found {
			buckets[k] = v
		}
	}
	walk(p.meta.root)
	id = buckets[bucket]
	if id == 0 {
		t.Fatalf("bucket %s is inline or missing", bucket)
	}
	for leaf {
		h, b, err := p.page(id)
		if err != nil {
			t.Fatal(err)
		}
		if h.flags == leafPageFlag {
			break
		}
		children, err := branchChildren(id, h, b)
		if err != nil {
			t.Fatal(err)
		}
		id = children[0] // QuickCheck samples every branch's first leaf
	}
	return id, int(p.meta.pageSize)
}

// demoBytes is a demo file of n cards, closed, and its bytes, for tests that damage copies of it.
func demoBytes(t *testing.T, n int) (path string, raw []byte) {
	t.Helper()
	s := demoStore(t, n)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	return s.Path(), raw
}

func TestQuickCheck(t *testing.T) {
	path, orig := demoBytes(t, 300)
	branch, ps := pageOf(t, path, "customers", false)
	leaf, _ := pageOf(t, path, "followups", true)
	unchanged := func(b []byte) []byte { return b }
	at := func(id uint64) int { return int(id) * ps }
	cases := []struct {
		name string
		edit func(b []byte) []byte
		want error // nil: the file passes
	}{
		{"sound file", unchanged, nil},
		{"a branch page zeroed", func(b []byte) []byte { clear(b[at(branch) : at(branch)+ps]); return b }, data.ErrDamaged},
		{"a branch page's child out of the file", func(b []byte) []byte {
			off := at(branch) + pageHeaderSize + 8 // the first element's page id
			for i := range 8 {
				b[off+i] = 0x7f
			}
			return b
		}, data.ErrDamaged},
		{"a branch page's keys garbled", func(b []byte) []byte {
			for i := at(branch) + pageHeaderSize; i < at(branch)+pageHeaderSize+64; i++ {
				b[i] ^= 0x5a
			}
			return b
		}, data.ErrDamaged},
		{"a leaf page's header says another page", func(b []byte) []byte { b[at(leaf)] ^= 0x01; return b }, data.ErrDamaged},
		{"truncated", func(b []byte) []byte { return b[:usedBytes(b)/2] }, data.ErrDamaged},
		{"both meta pages garbled", func(b []byte) []byte { b[16+56] ^= 0xff; b[ps+16+56] ^= 0xff; return b }, data.ErrDamaged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "q.db")
			writeFile(t, path, tc.edit(slices.Clone(orig)))
			sum := fileHash(t, path)
			rep, err := QuickCheck(path)
			t.Logf("QuickCheck: %+v, %v", rep, err)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("QuickCheck of a sound file: %v", err)
				}
				if rep.BranchPages == 0 || rep.LeafPages == 0 || rep.Buckets < 10 || rep.Pages*ps > len(orig) {
					t.Errorf("report %+v for a %d-byte file", rep, len(orig))
				}
			} else if !errors.Is(err, tc.want) {
				t.Fatalf("QuickCheck: %v, want %v", err, tc.want)
			}
			if fileHash(t, path) != sum {
				t.Errorf("QuickCheck changed the file")
			}
		})
	}
}

func TestQuickCheckMissingAndLocked(t *testing.T) {
	if _, err := QuickCheck(filepath.Join(t.TempDir(), "none.db")); err != nil {
		t.Errorf("a missing file (Open creates it): %v", err)
	}
	s := newStore(t, nil)
	if _, err := QuickCheck(s.Path()); !errors.Is(err, data.ErrLocked) {
		t.Errorf("a file open in a window: %v, want ErrLocked", err)
	}
}

func TestLatestGoodBackup(t *testing.T) {
	s := demoStore(t, 20)
	dir := t.TempDir()
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		if _, err := s.BackupTo(context.Background(), p, nil); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mk("salesdesk-2026-03-01.db")
	good := mk("salesdesk-2026-03-05.db")
	damaged := mk("salesdesk-2026-03-08.db")
	raw, _ := os.ReadFile(damaged)
	writeFile(t, damaged, raw[:len(raw)/2])
	mk("team-2026-03-09.db") // another database's
	writeFile(t, filepath.Join(dir, "salesdesk-before-restore-2026-03-09-100000.db"), []byte("garbage"))

	info, ok := LatestGoodBackup(dir, "/somewhere/salesdesk.db")
	if !ok || info.Path != good {
		t.Errorf("LatestGoodBackup = %s, %v; want %s", info.Path, ok, good)
	}
	if _, ok := LatestGoodBackup(dir, "/somewhere/other.db"); ok {
		t.Errorf("found a backup of a database with none")
	}
	if _, ok := LatestGoodBackup(filepath.Join(dir, "none"), "/somewhere/salesdesk.db"); ok {
		t.Errorf("found a backup in a missing folder")
	}
}

// ---------------------------------------------------------------------------------------------
// Benchmarks (go test -run XXX -bench 'Backup|Restore|QuickCheck|Rotate' ./data/)

var bench40k struct {
	once sync.Once
	path string
	err  error
}

// benchFile40k is a 40k-customer demo file, about 200 MB.
func benchFile40k(b *testing.B) string {
	b.Helper()
	if testing.Short() {
		b.Skip("large-file benchmarks are skipped with -short")
	}
	dir := benchDir(b)
	bench40k.once.Do(func() {
		path := filepath.Join(dir, "base40k.db")
		s, err := Open(path, Options{Now: fixedClock(benchNow)})
		if err != nil {
			bench40k.err = err
			return
		}
		err = GenerateDemo(s, DemoOptions{Customers: 40_000, Seed: 1, Now: benchNow})
		bench40k.err = errors.Join(err, s.Close())
		bench40k.path = path
	})
	if bench40k.err != nil {
		b.Fatal(bench40k.err)
	}
	return bench40k.path
}

func reportSize(b *testing.B, path string) {
	if st, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(st.Size())/1e6, "MB")
	}
}

// BenchmarkBackupTo40k: an online backup of the open ~200 MB file, synced and verified.
func BenchmarkBackupTo40k(b *testing.B) {
	path := benchFile40k(b)
	s := openBench(b, path, false)
	dir := b.TempDir()
	defer reportSize(b, path)
	timed(b, func(i int) {
		dst := filepath.Join(dir, fmt.Sprintf("b%d.db", i))
		if _, err := s.BackupTo(context.Background(), dst, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = os.Remove(dst)
		b.StartTimer()
	})
}

// BenchmarkRestore40k: restoring the ~200 MB backup over the closed database, with the safety copy.
func BenchmarkRestore40k(b *testing.B) {
	path := benchFile40k(b)
	db := copyDB(b, path)
	safety := b.TempDir()
	defer reportSize(b, path)
	timed(b, func(i int) {
		res, err := Restore(path, db, RestoreOptions{BackupDir: safety, Now: benchNow.Add(time.Duration(i) * time.Second)})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = os.Remove(res.SafetyCopy)
		b.StartTimer()
	})
}

// BenchmarkQuickCheck100k: the check at start on the ~500 MB file (from the page cache).
func BenchmarkQuickCheck100k(b *testing.B) {
	path := bench100k(b)
	defer reportSize(b, path)
	var rep QuickReport
	timed(b, func(int) {
		var err error
		if rep, err = QuickCheck(path); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(float64(rep.BranchPages), "branch-pages")
	b.ReportMetric(float64(rep.LeafPages), "leaf-pages")
}

// BenchmarkAutoBackupPrune: a day's second AutoBackup (today's exists) in a folder of a year of
// daily backups, what it costs at every start after the first: list, rotate, remove the one
// backup the day let go. The files are small stand-ins: pruning never reads them.
func BenchmarkAutoBackupPrune(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped with -short")
	}
	s := demoStore(b, 10)
	dir := s.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	start := stNow.AddDate(-1, 0, 0)
	touch := func(d time.Time) {
		if err := os.WriteFile(filepath.Join(dir, "salesdesk-"+d.Format(dayLayout)+".db"), []byte("x"), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	for d := start; !d.After(stNow); d = d.AddDate(0, 0, 1) {
		touch(d)
	}
	if _, _, err := s.AutoBackup(context.Background(), stNow); err != nil { // the year beyond the rotation goes
		b.Fatal(err)
	}
	stale := start
	timed(b, func(int) {
		b.StopTimer()
		// one more expired daily backup for each round to remove
		stale = stale.AddDate(0, 0, -1)
		touch(stale)
		b.StartTimer()
		_, pruned, err := s.AutoBackup(context.Background(), stNow)
		if err != nil || len(pruned) == 0 {
			b.Fatalf("pruned %q, %v", pruned, err)
		}
	})
}

// BenchmarkRotate: the pure rotation over three years of daily backups.
func BenchmarkRotate(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped with -short")
	}
	files := dailyRange("salesdesk", "2023-11-23", "2026-11-23")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.Local)
	b.ResetTimer()
	for range b.N {
		Rotate(files, now, data.DefaultRetention)
	}
}

// A temp file left by a killed copy goes with the next daily backup; one a copy holds now (however
// old) and any file not SalesDesk's stay.
func TestAutoBackupRemovesStaleTemps(t *testing.T) {
	s := newStore(t, nil)
	mustCreate(t, s, company("临时文件测试有限公司"))
	dir := s.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	stem := backupStem(s.Path())
	old := filepath.Join(dir, "."+stem+"-2026-01-01.db.tmp-123")
	fresh := filepath.Join(dir, "."+stem+"-2026-06-09.db.tmp-456")
	other := filepath.Join(dir, ".other.db.tmp-789")
	for _, p := range []string{old, fresh, other} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := stNow.Add(-48 * time.Hour)
	for _, p := range []string{fresh, other} {
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	release, err := holdTemp(fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, _, err := s.AutoBackup(context.Background(), stNow); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the stale temp file is still there (%v)", err)
	}
	for _, p := range []string{fresh, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}

// BenchmarkVerifyFile100k: the full structural check every open runs, on the ~500 MB file (from the
// page cache).
func BenchmarkVerifyFile100k(b *testing.B) {
	path := bench100k(b)
	defer reportSize(b, path)
	var rep VerifyReport
	timed(b, func(int) {
		var err error
		if rep, err = VerifyFile(path); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(float64(rep.LeafPages), "leaf-pages")
}
