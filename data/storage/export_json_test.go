package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"salesdesk/data"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// fullStore makes a store with every kind of record the export carries: demo customers, follow-ups
// and deals, targets and notes, a remembered mapping and an import.
func fullStore(t *testing.T, customers int) *Store {
	t.Helper()
	s := newStore(t, nil)
	if err := GenerateDemo(s, DemoOptions{Customers: customers, Seed: 7, Now: stNow}); err != nil {
		t.Fatalf("GenerateDemo: %v", err)
	}
	members := s.Members()
	q := data.Quarter(2026, 1)
	if err := s.SaveTargets(stActor, q, data.TargetSet{Team: data.Targets{data.MetricLeads: 120, data.MetricConversionRate: 35},
		Owners: map[uint64]data.Targets{members[0].ID: {data.MetricLeads: 30}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SavePeriodNotes(stActor, q, data.PeriodNotes{Problems: "转化率低于目标", Measures: "每周一次需求挖掘培训"}); err != nil {
		t.Fatal(err)
	}
	src, err := s.OpenImport(filepath.Join("testdata", "import", "customers_zh.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := s.Import(context.Background(), stActor, src, data.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return s
}

func exportJSON(t *testing.T, s *Store, opt data.JSONExportOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := s.ExportJSON(&buf, opt); err != nil {
		t.Fatalf("ExportJSON: %v", err)
	}
	return buf.Bytes()
}

// bucketRecords reads every key and value of the buckets that hold records, for comparing two files
// record by record.
func bucketRecords(t *testing.T, s *Store) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	err := s.view(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketCustomers, bucketRows, bucketCardNumbers, bucketFollowUps, bucketOpenActions,
			bucketMembers, bucketSettings, bucketCounters, bucketOpps, bucketOppRows, bucketHistory, bucketPeriodPlans,
			bucketImportMappings} {
			m := map[string]string{}
			if err := tx.Bucket(name).ForEach(func(k, v []byte) error {
				m[string(k)] = string(v)
				return nil
			}); err != nil {
				return err
			}
			out[string(name)] = m
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestJSONExportRoundTrip(t *testing.T) {
	// Given a file with demo data, targets, notes, a mapping and an import
	s := fullStore(t, 200)
	first := exportJSON(t, s, data.JSONExportOptions{})

	// When the export is imported into a new file and that file is exported again
	s2 := newStore(t, nil)
	res, err := s2.ImportJSON(stActor, bytes.NewReader(first))
	if err != nil {
		t.Fatalf("ImportJSON: %v", err)
	}
	second := exportJSON(t, s2, data.JSONExportOptions{})

	// Then the two exports are the same bytes
	if line, a, b, differ := firstDifference(first, second); differ {
		t.Fatalf("exports differ at line %d:\n%s\n%s", line, a, b)
	}
	active, archived := s.CustomerCount()
	if res.Customers != active+archived || res.Members != len(s.Members()) {
		t.Errorf("ImportJSON = %+v; the file has %d customers, %d members", res, active+archived, len(s.Members()))
	}
	// And every record is the same, key by key and byte by byte (ids, card numbers, versions, times)
	want, got := bucketRecords(t, s), bucketRecords(t, s2)
	for bucket, w := range want {
		if bucket == string(bucketPeriodPlans) {
			// msgpack writes a map's keys in Go's random order: compare these decoded.
			for k, v := range w {
				var a, b periodPlan
				if codec.Unmarshal([]byte(v), &a) != nil || codec.Unmarshal([]byte(got[bucket][k]), &b) != nil || !reflect.DeepEqual(a, b) {
					t.Errorf("period plan %s differs", k)
				}
			}
			continue
		}
		if !reflect.DeepEqual(w, got[bucket]) {
			t.Errorf("bucket %s: %d records, %d after the round trip, or contents differ", bucket, len(w), len(got[bucket]))
		}
	}
	// And the decoded records are equal, as the window sees them
	for _, r := range s.Customers(data.CustomerFilter{}) {
		a, _ := s.Customer(r.ID)
		b, err := s2.Customer(r.ID)
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("customer %d: %+v\n%+v, %v", r.ID, a, b, err)
		}
		fa, _ := s.FollowUps(r.ID)
		fb, _ := s2.FollowUps(r.ID)
		if !reflect.DeepEqual(fa, fb) {
			t.Fatalf("follow-ups of %d differ", r.ID)
		}
	}
	if !reflect.DeepEqual(s.Opportunities(data.OpportunityFilter{}), s2.Opportunities(data.OpportunityFilter{})) {
		t.Error("deal rows differ")
	}
	if !reflect.DeepEqual(s.Settings(), s2.Settings()) || !reflect.DeepEqual(s.Members(), s2.Members()) {
		t.Error("settings or members differ")
	}
	ta, _ := s.Targets(data.Quarter(2026, 1))
	tb, _ := s2.Targets(data.Quarter(2026, 1))
	if !reflect.DeepEqual(ta, tb) {
		t.Errorf("targets %v, after %v", ta, tb)
	}
	mustCheck(t, s2)

	// And the next records continue the same numbering
	c1 := mustCreate(t, s, company("新客户甲"))
	c2 := mustCreate(t, s2, company("新客户甲"))
	if c1.ID != c2.ID || c1.CardNo != c2.CardNo {
		t.Errorf("next card: %d %s; after the round trip %d %s", c1.ID, c1.CardNo, c2.ID, c2.CardNo)
	}
}

func TestJSONExportWithAudit(t *testing.T) {
	s := fullStore(t, 30)
	first := exportJSON(t, s, data.JSONExportOptions{Audit: true})
	s2 := newStore(t, nil)
	res, err := s2.ImportJSON(stActor, bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	n := auditCount(t, s)
	if res.AuditLines != n {
		t.Errorf("audit lines %d, want %d", res.AuditLines, n)
	}
	// The import adds its own line after the restored trail.
	if got := auditCount(t, s2); got != n+1 {
		t.Errorf("audit after import: %d lines, want %d", got, n+1)
	}
	last, _ := s2.Changes("", 0, 1)
	if len(last) != 1 || !strings.HasPrefix(last[0].Action, "import_json") {
		t.Errorf("last audit line %+v", last)
	}
}

func TestImportJSONRefuses(t *testing.T) {
	s := fullStore(t, 10)
	good := exportJSON(t, s, data.JSONExportOptions{})
	cases := []struct {
		name string
		raw  []byte
		want error
	}{
		{"empty", nil, ErrNotExport},
		{"not JSON", []byte("\x89PNG\r\n\x1a\n...."), ErrNotExport},
		{"other JSON", []byte(`{"name": "x"}`), ErrNotExport},
		{"array", []byte(`[1,2]`), ErrNotExport},
		{"other format", []byte(`{"format": "crm", "version": 1}`), ErrNotExport},
		{"newer version", []byte(`{"format": "salesdesk-export", "version": 2}`), ErrExportTooNew},
		{"truncated", good[:len(good)/2], ErrNotExport},
		{"trailing garbage", append(append([]byte{}, good...), "{}"...), ErrNotExport},
		{"duplicate customer", dupFirstCustomer(good), ErrExportInvalid},
		{"wrong type", []byte(`{"format": "salesdesk-export", "version": 1, "customers": [{"id": "x"}]}`), ErrExportInvalid},
		{"deal of a missing customer", []byte(`{"format": "salesdesk-export", "version": 1, "opportunities": [{"id": 1, "customer_id": 9, "history": []}]}`), ErrExportInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s2 := newStore(t, nil)
			before := fileHashOpen(t, s2)
			_, err := s2.ImportJSON(stActor, bytes.NewReader(tc.raw))
			if !errors.Is(err, tc.want) {
				t.Fatalf("ImportJSON: %v; want %v", err, tc.want)
			}
			if after := fileHashOpen(t, s2); after != before {
				t.Error("a refused import wrote to the file")
			}
			if !s2.IsEmpty() {
				t.Error("a refused import left records in memory")
			}
		})
	}
	t.Run("not empty", func(t *testing.T) {
		if _, err := s.ImportJSON(stActor, bytes.NewReader(good)); !errors.Is(err, ErrDatabaseNotEmpty) {
			t.Fatalf("ImportJSON into a full file: %v", err)
		}
	})
}

// dupFirstCustomer repeats the first customer line of an export.
func dupFirstCustomer(export []byte) []byte {
	lines := strings.Split(string(export), "\n")
	for i, l := range lines {
		if l == `"customers": [` {
			first := strings.TrimSuffix(lines[i+1], ",")
			out := append([]string{}, lines[:i+1]...)
			out = append(out, first+",")
			out = append(out, lines[i+1:]...)
			return []byte(strings.Join(out, "\n"))
		}
	}
	return export
}

// fileHashOpen hashes an open store's file; bbolt writes through, so the bytes on disk are current.
func fileHashOpen(t *testing.T, s *Store) [32]byte {
	t.Helper()
	if _, err := os.Stat(s.Path()); err != nil {
		t.Fatal(err)
	}
	return fileHash(t, s.Path())
}

// The export is written with goccy/go-json for speed, but docs/export-schema.md is encoding/json's
// output: a full export (cards, deals, audit, plans, mappings, saved filters, members, counters) and
// records with awkward strings, numbers and times must be the bytes encoding/json (without HTML
// escaping) writes.
func TestExportIsEncodingJSONs(t *testing.T) {
	goccy := newRecordEncoder
	std := func(w io.Writer) recordEncoder { return json.NewEncoder(w) }
	defer func() { newRecordEncoder = goccy }()
	both := func(what string, write func() ([]byte, error)) {
		t.Helper()
		newRecordEncoder = goccy
		got, gerr := write()
		newRecordEncoder = std
		want, werr := write()
		newRecordEncoder = goccy
		if (gerr != nil) != (werr != nil) {
			t.Fatalf("%s: goccy says %v, encoding/json %v", what, gerr, werr)
		}
		if line, a, b, differ := firstDifference(got, want); differ {
			t.Fatalf("%s: line %d differs:\n goccy %s\n  std  %s", what, line, a, b)
		}
	}
	same := func(what string, v any) {
		t.Helper()
		both(what, func() ([]byte, error) { return marshalRecord(v) })
	}
	shanghai := time.FixedZone("CST", 8*3600)
	odd := []string{"<b>&amp;</b>", "line\u2028sep\u2029para", "\x00\x01\x1f\x7f", "bad \xff\xfe utf-8", `quote " back \ slash`,
		"😀 北京市朝阳区", "tab\tnew\nline\rcr\bbs\fff", string([]byte{0xed, 0xa0, 0x80}), ""}
	for i, s := range odd {
		c := data.Customer{ID: uint64(i + 1), Name: s, Notes: s, Tags: []string{s, "标签"}, NextTime: data.TimeOfDay(570),
			Contacts:     []data.Contact{{Name: s, Phone: "138 0013 8000", Email: s + "@例子.cn"}},
			FirstContact: time.Date(2026, 3, 4, 9, 30, 0, 123456789, shanghai), LastFollowUp: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
			UpdatedAt: time.Date(2026, 12, 7, 23, 59, 59, 0, time.UTC), Budget: data.Amount(-12345)}
		same(fmt.Sprintf("card %q", s), jsonCustomer{Customer: c, FollowUps: []data.FollowUp{{ID: 9, CustomerID: c.ID, Topic: s, Feedback: s, Date: c.FirstContact}}})
		same(fmt.Sprintf("targets %q", s), jsonPlan{Period: s, Owners: map[uint64]data.Targets{100: {data.MetricLeads: 1e21}, 9: {data.MetricLeads: 1e-7}, 10: {}},
			Team: data.Targets{data.MetricLeads: 1.5, data.MetricConversionRate: 35}})
		same(fmt.Sprintf("mapping %q", s), jsonMapping{Fingerprint: s, Mapping: json.RawMessage(`{"a": [1, 2], "b": "<>&\u003c"}`)})
		same(fmt.Sprintf("audit %q", s), jsonChange{Seq: uint64(i), Change: data.Change{At: c.FirstContact}, Chain: s})
	}
	same("an empty card", jsonCustomer{})
	same("counters", map[string]uint64{"b": 2, "a": 1, "kh2026": 1 << 60})

	// A whole export with every kind of record.
	s := fullStore(t, 200)
	both("the full export", func() ([]byte, error) {
		var buf bytes.Buffer
		_, err := s.ExportJSON(&buf, data.JSONExportOptions{Audit: true})
		return buf.Bytes(), err
	})
	out := string(exportJSON(t, s, data.JSONExportOptions{Audit: true}))
	for _, part := range []string{`"follow_ups":`, `"history":`, `"audit": [`, `"period_plans": [` + "\n", `"import_mappings": [` + "\n", `"members": [` + "\n"} {
		if !strings.Contains(out, part) {
			t.Errorf("the full export holds no %s", part)
		}
	}
}

// firstDifference is the first line (from 1) where a and b differ, and its two versions: a line
// missing from the shorter one is "(none)".
func firstDifference(a, b []byte) (line int, la, lb string, differ bool) {
	if bytes.Equal(a, b) {
		return 0, "", "", false
	}
	as, bs := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range max(len(as), len(bs)) {
		la, lb = "(none)", "(none)"
		if i < len(as) {
			la = as[i]
		}
		if i < len(bs) {
			lb = bs[i]
		}
		if la != lb {
			return i + 1, la, lb, true
		}
	}
	return 0, "", "", false
}
