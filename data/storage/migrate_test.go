package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"salesdesk/data"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A file written at schema 1 has cards but no list rows; migration 2 builds them from the cards.
func TestMigrationBuildsListRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	s, err := Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"北京科技有限公司", "上海贸易有限公司"} {
		if _, err := s.CreateCustomer(data.System, data.Customer{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.Close()

	// Given the file as schema 1 left it,
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketRows); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(1))
	}); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()

	// when it is opened, the migration runs once and the rows are there.
	s, err = Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Schema(); v != SchemaVersion() {
		t.Fatalf("schema %d, want %d", v, SchemaVersion())
	}
	if got := s.Customers(data.CustomerFilter{Search: "bjkj"}); len(got) != 1 || got[0].Name != "北京科技有限公司" {
		t.Fatalf("search after migration = %v", got)
	}
	mustCheck(t, s)
}

// A file written at schema 11 has its tags among the fields its grams are taken from; migration 12
// writes its rows again with the tags last, so that a search finds them from their postings alone.
func TestMigrationPutsTagsLast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v11.db")
	s, err := Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	tagged, err := s.CreateCustomer(data.System, data.Customer{Name: "北京科技有限公司", Tags: []string{"展会线索"},
		Contacts: []data.Contact{{Name: "王刚", Phone: "13800138000"}}})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.CreateCustomer(data.System, data.Customer{Name: "上海贸易有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()

	// Given the rows as schema 11 wrote them, the tags after the card number,
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var plainRow []byte
	if err := b.Update(func(tx *bolt.Tx) error {
		rows := tx.Bucket(bucketRows)
		plainRow = bytes.Clone(rows.Get(encodeUint(plain.ID)))
		var rec rowRecord
		if err := getRecord(rows, encodeUint(tagged.ID), &rec); err != nil {
			return err
		}
		rec.TextHay = "北京科技有限公司\x00展会线索\x00王刚\x00"
		rec.KeyHay = "beijingkejiyouxiangongsi\x00bjkjyxgs\x00" + strings.ToLower(tagged.CardNo) +
			"\x00zhanhuixiansuo\x00zhxs\x00wanggang\x00wg\x0013800138000\x00"
		if err := putRecord(rows, encodeUint(tagged.ID), rec); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(11))
	}); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()

	// when it is opened, the tagged card's row has them last and the other row is as it was.
	s, err = Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Schema(); v != SchemaVersion() {
		t.Fatalf("schema %d, want %d", v, SchemaVersion())
	}
	if err := s.view(func(tx *bolt.Tx) error {
		rows := tx.Bucket(bucketRows)
		var rec rowRecord
		if err := getRecord(rows, encodeUint(tagged.ID), &rec); err != nil {
			return err
		}
		if want := "\x01zhanhuixiansuo\x00zhxs\x00"; !strings.HasSuffix(rec.KeyHay, want) {
			t.Errorf("keys after migration %q; want them to end in %q", rec.KeyHay, want)
		}
		if !bytes.Equal(rows.Get(encodeUint(plain.ID)), plainRow) {
			t.Error("the row of the card without tags was written again")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s.WaitSearchIndex()
	for _, q := range []string{"展会", "zhanhui", "zhxs", "wanggang"} {
		if got := s.Customers(data.CustomerFilter{Search: q}); len(got) != 1 || got[0].ID != tagged.ID {
			t.Errorf("%q after migration finds %v", q, got)
		}
	}
	mustCheck(t, s)
}

// Opening an up-to-date file uses the index read through the short-lived mapping and writes nothing.
func TestOpenUsesPreloadAndWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pre.db")
	s, err := Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCustomer(data.System, data.Customer{Name: "北京科技有限公司"}); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	before := fileHash(t, path)
	s, err = Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Customers(data.CustomerFilter{Search: "bjkj"}); len(got) != 1 {
		t.Fatalf("search after reopen found %d", len(got))
	}
	if after := fileHash(t, path); after != before {
		t.Fatal("opening an up-to-date file changed it")
	}
}

// A truncated file is refused from its meta page before bbolt maps it: mapping pages past the end of
// a file faults the process instead of returning an error.
func TestTruncatedFileIsRefusedBeforeMapping(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	s, err := Open(path, Options{Now: fixedClock(stNow)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := s.CreateCustomer(data.System, data.Customer{Name: fmt.Sprintf("客户%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw[:3*4096], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{ReadOnly: true}); !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("err = %v, want ErrDamaged", err)
	}
}
