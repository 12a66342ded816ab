package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"salesdesk/data"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The rows the structural walk feeds to the decoders as it checks them are the rows a load through
// bbolt makes: the same cards, fields, grades under the file's own rules, texts and birthdays, with
// a row too long for one page (its value on overflow pages) and archived and hand-graded cards among
// them.
func TestRowsFedByTheWalkAreTheLoadedRows(t *testing.T) {
	s := demoStore(t, 700)
	st := s.Settings()
	st.GradeRules.BMinAnnual /= 4 // grades that differ from the default rules' for some cards
	if err := s.SaveSettings(data.System, st); err != nil {
		t.Fatal(err)
	}
	big := data.Customer{Name: "上海长行数据有限公司", Kind: data.KindCompany, Status: data.StatusCustomer}
	for i := range 60 {
		big.Contacts = append(big.Contacts, data.Contact{Name: fmt.Sprintf("联系人%02d", i), Phone: fmt.Sprintf("1390000%04d", i),
			Email: fmt.Sprintf("contact%02d@changxing-data.example.com", i), Birthday: time.Date(1980+i%20, time.March, 1+i%28, 0, 0, 0, 0, time.UTC)})
	}
	c, err := s.CreateCustomer(data.System, big)
	if err != nil {
		t.Fatal(err)
	}
	rows := s.Customers(data.CustomerFilter{Sort: data.SortName})
	for _, r := range rows[:5] {
		if _, err := s.ArchiveCustomer(data.System, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	hand, err := s.Customer(rows[7].ID)
	if err != nil {
		t.Fatal(err)
	}
	hand.GradeOverride = data.GradeA
	if _, err := s.UpdateCustomer(data.System, hand); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	feed := newRowFeed()
	var fed *index
	var fedOK bool
	var fedErr error
	if _, err := verifyFile(path, []walkStage{{preloadBuckets, func() bool {
		feed.close()
		fed, _, fedOK, fedErr = preloadFed(path, stNow, feed)
		return true
	}}}, feed.leafFeed()); err != nil {
		t.Fatal(err)
	}
	if !fedOK || fedErr != nil || fed == nil {
		t.Fatalf("the walk fed no index: fed %v, err %v", fedOK, fedErr)
	}
	b, err := openBolt(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var loaded *index
	if err := viewSafely(b, func(tx *bolt.Tx) error {
		if uint64(len(tx.Bucket(bucketRows).Get(encodeUint(c.ID)))) <= 4096 {
			t.Fatalf("the long card's row fits in a page: the test needs one on overflow pages")
		}
		loaded, err = loadIndex(tx, stNow, true)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(fed.rows) != 701 || len(fed.rows) != len(loaded.rows) {
		t.Fatalf("fed %d rows, loaded %d; want 701", len(fed.rows), len(loaded.rows))
	}
	regraded := 0
	for id, want := range loaded.rows {
		got := fed.rows[id]
		if got == nil {
			t.Fatalf("card %d was not fed", id)
		}
		if !reflect.DeepEqual(got.public(), want.public()) || !reflect.DeepEqual(got.births, want.births) || got.next != want.next {
			t.Fatalf("card %d: fed %+v, loaded %+v", id, got.public(), want.public())
		}
		gt, gk, _ := fed.grams.texts(id)
		wt, wk, _ := loaded.grams.texts(id)
		if string(gt) != string(wt) || string(gk) != string(wk) || len(wt) == 0 {
			t.Fatalf("card %d: fed texts %q / %q, loaded %q / %q", id, gt, gk, wt, wk)
		}
		g := *want
		if g.regrade(data.DefaultGradeRules, stNow); g.Grade != want.Grade {
			regraded++
		}
	}
	if regraded == 0 {
		t.Fatal("no card's grade depends on the file's own rules: the test cannot tell whether they were used")
	}
	if fed.active != loaded.active || fed.archived != 5 || fed.archived != loaded.archived {
		t.Fatalf("counts fed %d/%d, loaded %d/%d", fed.active, fed.archived, loaded.active, loaded.archived)
	}
	if !fed.rows[hand.ID].Overridden {
		t.Fatal("the hand-set grade was not fed")
	}
}

// A list row the walk feeds that does not decode, or a leaf of the rows that fails the check, refuses
// the file as damaged whether the rest of the check is left for later or not; nothing waits forever.
func TestFedRowsOfADamagedFile(t *testing.T) {
	file, orig := demoBytes(t, 300)
	leaf, ps := pageOf(t, file, string(bucketRows), true)
	at := int(leaf) * ps
	for _, tc := range []struct {
		name string
		edit func(b []byte)
	}{
		{"a row that is not msgpack", func(b []byte) {
			le, el := binary.LittleEndian, at+pageHeaderSize               // the first element: flags, pos, ksize, vsize
			b[el+int(le.Uint32(b[el+4:]))+int(le.Uint32(b[el+8:]))] = 0xc1 // a code msgpack never uses
		}},
		{"a leaf whose header names another page", func(b []byte) { b[at] ^= 0x01 }},
		{"a leaf whose element lies outside it", func(b []byte) {
			binary.LittleEndian.PutUint32(b[at+pageHeaderSize+4:], uint32(ps))
		}},
	} {
		for _, later := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, later %v", tc.name, later), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "d.db")
				b := slices.Clone(orig)
				tc.edit(b)
				writeFile(t, path, b)
				st, err := Open(path, Options{Now: fixedClock(stNow), CheckLater: later})
				if err == nil {
					st.Close()
					t.Fatal("a damaged file opened")
				}
				if !errors.Is(err, data.ErrDamaged) {
					t.Fatalf("Open: %v, want ErrDamaged", err)
				}
				t.Log(err)
			})
		}
	}
}

// A sound file whose last row holds the first card, of another owner, is damaged: the index would
// hold the card twice. Opening refuses it, through the walk's feed, with the check left for later, and
// through bbolt (read-only).
func TestRowUnderAnotherCardsKey(t *testing.T) {
	s := demoStore(t, 300)
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := openBolt(path, false)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		rows := tx.Bucket(bucketRows)
		c := rows.Cursor()
		_, first := c.First()
		var rec rowRecord
		if err := codec.Unmarshal(first, &rec); err != nil {
			return err
		}
		rec.OwnerID += 7
		v, err := codec.Marshal(rec)
		if err != nil {
			return err
		}
		last, _ := c.Last()
		return rows.Put(slices.Clone(last), v)
	})
	if cerr := b.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	for _, opt := range []Options{{}, {CheckLater: true}, {ReadOnly: true}} {
		opt.Now = fixedClock(stNow)
		st, err := Open(path, opt)
		if err == nil {
			st.Close()
			t.Fatalf("%+v: a file with a card's row under another's key opened", opt)
		}
		if !errors.Is(err, data.ErrDamaged) || !strings.Contains(err.Error(), "it holds card") {
			t.Fatalf("%+v: Open: %v, want ErrDamaged for the row", opt, err)
		}
	}
}
