package storage

import (
	"bytes"
	"reflect"
	"salesdesk/data"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/vmihailenco/msgpack/v5"
)

// The deals are read after the window's first frame: until then the agenda says so, and every call
// that needs them reads them first, so nothing sees a partial pipeline and no write is overtaken.
func TestDealsLoadAfterOpen(t *testing.T) {
	// Given a file with a deal, opened again
	p := newPipeline(t)
	first := p.lead(t, qualified)
	s := reopen(t, p.s, Options{})
	if s.DealsLoaded() {
		t.Fatal("deals decoded while opening; want them left for LoadDeals")
	}
	if a := s.Agenda(stNow, 0); !a.DealsPending || len(a.Deals) != 0 {
		t.Fatalf("agenda before the deals: pending=%v deals=%d; want pending and none", a.DealsPending, len(a.Deals))
	}
	// When a deal is created before anything asked for the deals
	o, err := s.CreateOpportunity(p.as(p.rep), data.Opportunity{CustomerID: p.cust.ID, Title: "二期", OwnerID: p.rep.ID,
		Amount: data.AmountFromYuan(1000), CloseDate: stToday.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	// Then both deals are there, the new one not overwritten by the rows read at open
	rows := s.Opportunities(data.OpportunityFilter{})
	if len(rows) != 2 || !s.DealsLoaded() {
		t.Fatalf("after a write: %d deals, loaded=%v; want 2, true", len(rows), s.DealsLoaded())
	}
	got := map[uint64]string{}
	for _, r := range rows {
		got[r.ID] = r.Title
	}
	if got[first.ID] != first.Title || got[o.ID] != "二期" {
		t.Errorf("deals = %v", got)
	}
	if a := s.Agenda(stNow, 0); a.DealsPending {
		t.Error("agenda still pending after the deals loaded")
	}
	if err := s.LoadDeals(); err != nil {
		t.Errorf("second LoadDeals: %v", err)
	}
}

// Memory keeps no contacts: the duplicate check finds phones and emails in the search texts, which
// must follow an edit and survive a reopen.
func TestDuplicatePhoneFollowsEditsAndReopen(t *testing.T) {
	s := newStore(t, nil)
	c := mustCreate(t, s, company("北京科技有限公司", withContact("张伟", "13800138000", "zw@bjkj.com"),
		func(c *data.Customer) { c.Region = "华北"; c.Tags = []string{"重点"} }))
	c.Contacts[0].Phone = "13900139000"
	if _, err := s.UpdateCustomer(stActor, c); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, Options{})
	probe := func(phone, email string) int {
		return len(s.Duplicates(company("别名", withContact("x", phone, email))))
	}
	if n := probe("13800138000", ""); n != 0 {
		t.Errorf("the old phone matches %d cards; want none", n)
	}
	if n := probe("139-0013-9000", ""); n != 1 {
		t.Errorf("the new phone matches %d cards; want 1", n)
	}
	if n := probe("", "ZW@bjkj.com"); n != 1 {
		t.Errorf("the email matches %d cards; want 1", n)
	}
	if n := probe("1390013900", ""); n != 0 {
		t.Errorf("a phone that is a prefix matches %d cards; want none", n)
	}
	if r, _ := s.Row(c.ID); len(r.Tags()) != 1 || r.Tags()[0] != "重点" {
		t.Errorf("row tags = %v", r.Tags())
	}
	if got, err := s.CustomerByCardNo(c.CardNo); err != nil || got.ID != c.ID {
		t.Errorf("CustomerByCardNo(%s) = %d, %v", c.CardNo, got.ID, err)
	}
	x, err := s.RowExtras([]uint64{c.ID})
	if err != nil || x[c.ID].Contact.Phone != "13900139000" || x[c.ID].Region != c.Region {
		t.Errorf("RowExtras = %+v, %v", x, err)
	}
}

// plainRow is rowRecord without its hand-written decoder, so msgpack decodes it by reflection.
type plainRow rowRecord

func TestRowDecoderMatchesReflection(t *testing.T) {
	// Given stored rows of cards with every field set, and of an empty card
	full := fullCustomer(7)
	full.ID, full.CardNo = 42, "KH2026-00042"
	full.Tags = []string{"重点", "华东"}
	full.GradeOverride = data.GradeA
	full.Contacts = append(full.Contacts, data.Contact{Name: "无生日", Phone: "+44 20 7946 0958"})
	for name, c := range map[string]*data.Customer{"full": &full, "empty": {ID: 1}} {
		t.Run(name, func(t *testing.T) {
			raw, err := codec.Marshal(buildRecord(c))
			if err != nil {
				t.Fatal(err)
			}
			// When it is decoded by hand and by reflection
			var hand rowRecord
			var refl plainRow
			if err := codec.Unmarshal(raw, &hand); err != nil {
				t.Fatal(err)
			}
			if err := codec.Unmarshal(raw, &refl); err != nil {
				t.Fatal(err)
			}
			// Then both give the same row
			if !reflect.DeepEqual(hand, rowRecord(refl)) {
				t.Errorf("hand-decoded row differs:\n hand %+v\n refl %+v", hand, refl)
			}
			if name == "full" && (len(hand.Contacts) < 2 || hand.Grading.Override != data.GradeA || hand.Name == "") {
				t.Errorf("the fixture lost its fields: %+v", hand)
			}
		})
	}
	// An unknown field is skipped, not an error: a newer binary may have added one.
	raw, _ := msgpack.Marshal(map[string]any{"id": 5, "zz": []int{1, 2}, "nm": "甲"})
	var r rowRecord
	if err := codec.Unmarshal(raw, &r); err != nil || r.ID != 5 || r.Name != "甲" {
		t.Errorf("with an unknown field: %+v, %v", r, err)
	}
	// A truncated row is an error, never a panic.
	full.ID = 9
	good, _ := codec.Marshal(buildRecord(&full))
	for cut := 1; cut < len(good); cut += 7 {
		if err := codec.Unmarshal(good[:cut], &r); err == nil {
			t.Errorf("row cut at %d of %d decoded without error", cut, len(good))
		}
	}
}

// The rows read at open go through decodeRowView, msgpack's Decoder only for a row it gives up on:
// both must give the same row, and a damaged one must fall back, never panic or pass as another row.
func TestFastRowDecoderMatches(t *testing.T) {
	// Given the stored rows of a demo file, of a card with every field set and of an empty card
	now := time.Date(2025, time.March, 14, 10, 30, 0, 0, time.Local)
	s := openDemoStore(t, now)
	if err := GenerateDemo(s, DemoOptions{Customers: 300, Seed: 3, Now: now}); err != nil {
		t.Fatal(err)
	}
	var raws [][]byte
	_ = s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRows).ForEach(func(_, v []byte) error {
			raws = append(raws, bytes.Clone(v))
			return nil
		})
	})
	full := fullCustomer(7)
	full.ID, full.CardNo, full.Tags, full.GradeOverride = 42, "KH2026-00042", []string{"重点", "华东"}, data.GradeA
	full.Contacts = append(full.Contacts, data.Contact{Name: "无生日", Phone: "+44 20 7946 0958"})
	for _, c := range []*data.Customer{&full, {ID: 1}} {
		raw, err := codec.Marshal(buildRecord(c))
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	// and rows in other forms the format allows: an unknown field of each kind, a long text, wide ints
	for _, compact := range []bool{false, true} {
		var buf bytes.Buffer
		enc := msgpack.NewEncoder(&buf)
		enc.UseCompactInts(compact)
		if err := enc.Encode(map[string]any{"id": uint64(1 << 40), "zz": map[string]any{"a": []any{1.5, nil, true, "x"}},
			"zb": []byte{1, 2}, "nm": strings.Repeat("名", 30000), "cp": int64(-100), "nt": 480, "lf": time.Unix(1e9, 5),
			"gi": map[string]any{"ap": int64(-40000), "mn": map[string]bool{"m": true, "x": false}}}); err != nil {
			t.Fatal(err)
		}
		raws = append(raws, buf.Bytes())
	}
	if len(raws) < 300 {
		t.Fatalf("only %d rows", len(raws))
	}
	withTags, withContacts, viewed := 0, 0, 0
	for i, raw := range raws {
		// When each is decoded both ways
		var want, got rowRecord
		if err := codec.Unmarshal(raw, &want); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		// Then the fast one reads it, and reads the same
		if !decodeRowView(raw, &got) {
			t.Errorf("row %d: the fast decoder gave up on a row msgpack reads", i)
			continue
		}
		viewed++
		if !reflect.DeepEqual(got, want) {
			t.Errorf("row %d differs:\n fast %+v\n msgpack %+v", i, got, want)
		}
		if len(want.Tags) > 0 {
			withTags++
		}
		if len(want.Contacts) > 0 && !want.Contacts[0].Birthday.IsZero() {
			withContacts++
		}
	}
	if withTags == 0 || withContacts == 0 || viewed != len(raws) {
		t.Errorf("the rows lack cases: %d with tags, %d with a birthday, %d of %d read", withTags, withContacts, viewed, len(raws))
	}
	// A cut or a changed byte gives up (or reads what msgpack reads); never a panic.
	good := raws[len(raws)-4]
	for cut := 0; cut < len(good); cut++ {
		var r rowRecord
		if decodeRowView(good[:cut], &r) {
			t.Errorf("row cut at %d of %d read as whole", cut, len(good))
		}
	}
	for i := range good {
		for _, b := range []byte{0x00, 0xc1, 0xdb, 0xdf, 0xff} {
			bad := bytes.Clone(good)
			bad[i] = b
			var fast, slow rowRecord
			if decodeRowView(bad, &fast) && codec.Unmarshal(bad, &slow) == nil && !reflect.DeepEqual(fast, slow) {
				t.Errorf("byte %d set to %#x: the fast decoder reads another row than msgpack", i, b)
			}
		}
	}
}

func FuzzFastRowDecoder(f *testing.F) {
	raw, _ := codec.Marshal(buildRecord(&data.Customer{ID: 3, Name: "甲", Tags: []string{"a"}}))
	f.Add(raw)
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast, slow rowRecord
		if decodeRowView(b, &fast) && codec.Unmarshal(b, &slow) == nil && !reflect.DeepEqual(fast, slow) {
			t.Errorf("%x: fast %+v, msgpack %+v", b, fast, slow)
		}
	})
}
