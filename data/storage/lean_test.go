package storage

import (
	"reflect"
	"salesdesk/data"
	"testing"

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
