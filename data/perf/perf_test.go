package perf

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A CSV larger than one import is split into parts that each begin with the header and together
// hold every record once, in order, a record with a line break in a quoted field whole.
func TestSplitCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cards.csv")
	want := [][]string{{"名称", "备注"}}
	for i := range 7 {
		want = append(want, []string{string(rune('甲' + i)), "第一行\n第二行, \"引号\""})
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(want); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()

	parts, err := splitCSV(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Fatalf("%d parts for 7 records of at most 3; want 3", len(parts))
	}
	var got [][]string
	for _, p := range parts {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		_ = f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !slices.Equal(recs[0], want[0]) || len(recs) > 4 {
			t.Fatalf("%s begins with %q and has %d records", p, recs[0], len(recs)-1)
		}
		got = append(got, recs[1:]...)
	}
	if !slices.EqualFunc(got, want[1:], slices.Equal) {
		t.Fatalf("the parts hold %q; want %q", got, want[1:])
	}
}
