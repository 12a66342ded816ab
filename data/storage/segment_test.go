package storage

import (
	"fmt"
	"reflect"
	"salesdesk/data"
	"testing"
)

// segInfo names customers for Segment from a table.
func segInfo(cats map[uint64]string) data.CustomerLookup {
	return func(ids []uint64) []data.CustomerInfo {
		out := make([]data.CustomerInfo, len(ids))
		for i, id := range ids {
			out[i] = data.CustomerInfo{Name: fmt.Sprintf("客户%d", id), CardNo: fmt.Sprintf("KH-%d", id), Category: cats[id]}
		}
		return out
	}
}

func TestABCOf(t *testing.T) {
	tests := []struct {
		name          string
		before, total data.Amount
		want          data.ABCClass
	}{
		{"the biggest customer", 0, 100, data.ClassA},
		{"just under 75% before it", 7499, 10000, data.ClassA},
		{"exactly 75% before it", 75, 100, data.ClassB},
		{"just under 95%", 9499, 10000, data.ClassB},
		{"exactly 95%", 95, 100, data.ClassC},
		{"the tail", 99, 100, data.ClassC},
		{"no sales at all", 0, 0, data.ClassNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := data.ABCOf(tc.before, tc.total); got != tc.want {
				t.Fatalf("ABCOf(%d, %d) = %q, want %q", tc.before, tc.total, got, tc.want)
			}
		})
	}
}

func TestABCWithinCategoriesAndOverall(t *testing.T) {
	// Category 甲: 50, 25, 15, 6, 4 (total 100): before each 0, 50, 75, 90, 96 → A A B B C.
	// Category 乙: one customer of 100 → A. 丙: customers 5 and 6 of 10 each, ordered by id; 6 has
	// half of 丙 before it, so it is A too.
	q := data.Quarter(2024, 1)
	won := dd(2024, 2, 1)
	cats := map[uint64]string{1: "甲", 2: "甲", 3: "甲", 4: "甲", 9: "甲", 7: "乙", 5: "丙", 6: "丙"}
	sales := map[uint64]int64{1: 50, 2: 25, 3: 15, 4: 6, 9: 4, 7: 100, 6: 10, 5: 10}
	var deals []*data.OpportunityRow
	id := uint64(0)
	for c, y := range sales {
		id++
		deals = append(deals, deal(id, c, 1, y, dd(2024, 1, 1), won))
	}
	// Noise: an open deal, a lost one, a win after the quarter and one before it (RFM only).
	deals = append(deals, deal(100, 1, 1, 999, dd(2024, 1, 1), 0), deal(101, 8, 1, 999, dd(2024, 1, 1), dd(2024, 4, 1)),
		&data.OpportunityRow{ID: 102, CustomerID: 2, Amount: 999, Stage: "lost", Created: dd(2024, 1, 1), Won: won},
		deal(103, 11, 1, 70, dd(2023, 1, 1), dd(2023, 6, 1)))
	from, to := q.Days()
	sg := data.Segment(deals, data.DefaultStages(), segInfo(cats), from, to)

	if sg.Total != data.AmountFromYuan(220) {
		t.Fatalf("total = %v", sg.Total)
	}
	want := map[uint64]data.ABCClass{1: data.ClassA, 2: data.ClassA, 3: data.ClassB, 4: data.ClassB, 9: data.ClassC, 7: data.ClassA, 5: data.ClassA, 6: data.ClassA}
	for c, class := range want {
		got, ok := sg.Customer(c)
		if !ok || got.ABC != class {
			t.Errorf("customer %d: %q, want %q", c, got.ABC, class)
		}
	}
	// Overall, by sales: 7 (100), 1 (50), 2 (25), 3 (15), 5 (10), 6 (10), 4 (6), 9 (4); total 220.
	// Cumulative before: 0, 100, 150, 175, 190, 200, 210, 216 → ×100 vs 220×75 = 16500 and 220×95 = 20900.
	var order []uint64
	var classes []data.ABCClass
	for _, p := range sg.Pareto() {
		order = append(order, p.CustomerID)
		classes = append(classes, p.Class)
	}
	if !reflect.DeepEqual(order, []uint64{7, 1, 2, 3, 5, 6, 4, 9}) {
		t.Errorf("Pareto order = %v", order)
	}
	if !reflect.DeepEqual(classes, []data.ABCClass{data.ClassA, data.ClassA, data.ClassA, data.ClassB, data.ClassB, data.ClassB, data.ClassC, data.ClassC}) {
		t.Errorf("overall classes = %v", classes)
	}
	last := sg.Pareto()[7]
	if last.Cumulative != 100 {
		t.Errorf("the Pareto line ends at %v", last.Cumulative)
	}
	// Composition: by sales (a tie by the category's text), with shares of the total and the class counts.
	wantCats := []data.CategorySales{
		{Category: "乙", Sales: data.AmountFromYuan(100), Share: 100 * 100.0 / 220, Customers: 1, A: 1},
		{Category: "甲", Sales: data.AmountFromYuan(100), Share: 100 * 100.0 / 220, Customers: 5, A: 2, B: 2, C: 1},
		{Category: "丙", Sales: data.AmountFromYuan(20), Share: 20 * 100.0 / 220, Customers: 2, A: 2},
	}
	if !reflect.DeepEqual(sg.Categories, wantCats) {
		t.Errorf("categories = %+v\nwant %+v", sg.Categories, wantCats)
	}
	if c, _ := sg.Customer(2); c.CategoryShare != 25 || c.Share != 25*100.0/220 {
		t.Errorf("customer 2's shares: %v of its category, %v of the company", c.CategoryShare, c.Share)
	}
	if got := sg.CategoryPareto("甲"); len(got) != 5 || got[2].Cumulative != 90 || got[2].Class != data.ClassB {
		t.Errorf("甲's Pareto = %+v", got)
	}
	// Customer 11 bought only before the quarter: an RFM segment, no class; customer 8 only after it:
	// nothing at all.
	if c, ok := sg.Customer(11); !ok || c.ABC != data.ClassNone || c.Sales != 0 || c.RFM == data.SegmentNone {
		t.Errorf("customer 11 = %+v, %v", c, ok)
	}
	if _, ok := sg.Customer(8); ok {
		t.Error("a win after the window counted")
	}
	if !sg.Match(9, data.ClassC, data.SegmentNone) || sg.Match(9, data.ClassA, data.SegmentNone) || !sg.Match(12345, "", "") || sg.Match(12345, data.ClassA, "") {
		t.Error("Match filters wrongly")
	}
}

func TestQuintiles(t *testing.T) {
	tests := []struct {
		name   string
		values []int64
		want   []int
	}{
		{"ten distinct", []int64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}},
		{"shuffled", []int64{100, 10, 60, 30}, []int{4, 1, 3, 2}},
		{"ties score alike, at the rank of the first", []int64{1, 1, 1, 1, 1, 1, 1, 2, 2, 3}, []int{1, 1, 1, 1, 1, 1, 1, 4, 4, 5}},
		{"all equal", []int64{7, 7, 7}, []int{1, 1, 1}},
		{"one", []int64{5}, []int{1}},
		{"none", nil, []int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := data.Quintiles(tc.values); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Quintiles(%v) = %v, want %v", tc.values, got, tc.want)
			}
		})
	}
}

func TestRFMSegmentOf(t *testing.T) {
	tests := []struct {
		r, f, m int
		want    data.RFMSegment
	}{
		{5, 5, 5, data.SegmentImportantValue},
		{3, 3, 3, data.SegmentImportantValue},
		{3, 2, 3, data.SegmentImportantDevelopment},
		{2, 3, 3, data.SegmentImportantRetention},
		{2, 2, 3, data.SegmentImportantWinBack},
		{3, 3, 2, data.SegmentGeneralValue},
		{4, 1, 2, data.SegmentGeneralDevelopment},
		{1, 5, 1, data.SegmentGeneralRetention},
		{1, 1, 1, data.SegmentGeneralWinBack},
		{0, 5, 5, data.SegmentNone},
	}
	for _, tc := range tests {
		if got := data.RFMSegmentOf(tc.r, tc.f, tc.m); got != tc.want {
			t.Errorf("RFMSegmentOf(%d, %d, %d) = %s, want %s", tc.r, tc.f, tc.m, got, tc.want)
		}
	}
	for _, s := range data.RFMSegments {
		if s.Label("zh") == "" || s.Label("en") == "" {
			t.Errorf("%s has no label", s)
		}
	}
}

// Five customers, so that each rank is its own quintile (score = rank + 1), checked by hand:
//
//	customer  last won  recency  deals  amount   R F M  segment
//	1 (A)     Mar 30    1        1      100      5 1 3  important development
//	2 (B)     Mar 21    10       3      50       4 3 2  general value
//	3 (C)     Mar 11    20       2      300      3 2 4  important development
//	4 (D)     Mar 1     30       5      20       2 5 1  general retention
//	5 (E)     Feb 20    40       4      400      1 4 5  important retention
func TestRFMHandChecked(t *testing.T) {
	type buy struct {
		customer uint64
		won      data.Day
		deals    int
		total    int64
	}
	buys := []buy{{1, dd(2024, 3, 30), 1, 100}, {2, dd(2024, 3, 21), 3, 50}, {3, dd(2024, 3, 11), 2, 300},
		{4, dd(2024, 3, 1), 5, 20}, {5, dd(2024, 2, 20), 4, 400}}
	var deals []*data.OpportunityRow
	id := uint64(0)
	for _, b := range buys {
		// The last deal carries the rest of the amount and the last won day; earlier ones are a day apart.
		for i := range b.deals {
			id++
			amount := int64(1)
			won := b.won - data.Day(b.deals-1-i)
			if i == b.deals-1 {
				amount = b.total - int64(b.deals-1)
			}
			deals = append(deals, deal(id, b.customer, 1, amount, won-5, won))
		}
	}
	deals = append(deals, deal(99, 6, 1, 1000, dd(2024, 3, 1), dd(2024, 4, 1))) // after the window's end
	sg := data.Segment(deals, data.DefaultStages(), segInfo(nil), 0, dd(2024, 4, 1))
	if sg.AsOf != dd(2024, 3, 31) || sg.Len() != 5 {
		t.Fatalf("as of %v, %d customers", sg.AsOf.Time(), sg.Len())
	}
	want := map[uint64]struct {
		recency, r, f, m int
		seg              data.RFMSegment
	}{
		1: {1, 5, 1, 3, data.SegmentImportantDevelopment},
		2: {10, 4, 3, 2, data.SegmentGeneralValue},
		3: {20, 3, 2, 4, data.SegmentImportantDevelopment},
		4: {30, 2, 5, 1, data.SegmentGeneralRetention},
		5: {40, 1, 4, 5, data.SegmentImportantRetention},
	}
	for c, w := range want {
		got, _ := sg.Customer(c)
		if got.Recency != w.recency || got.R != w.r || got.F != w.f || got.M != w.m || got.RFM != w.seg {
			t.Errorf("customer %d: recency %d R%d F%d M%d %s; want %+v", c, got.Recency, got.R, got.F, got.M, got.RFM, w)
		}
	}
	counts := map[data.RFMSegment]int{}
	for _, c := range sg.RFMCounts() {
		counts[c.Segment] = c.Customers
	}
	if counts[data.SegmentImportantDevelopment] != 2 || counts[data.SegmentGeneralValue] != 1 || counts[data.SegmentImportantValue] != 0 ||
		len(sg.RFMCounts()) != len(data.RFMSegments) {
		t.Errorf("counts = %v", counts)
	}
}

func TestSegmentEmpty(t *testing.T) {
	sg := data.Segment(nil, data.DefaultStages(), segInfo(nil), 0, dd(2024, 4, 1))
	if sg.Total != 0 || len(sg.Categories) != 0 || len(sg.Pareto()) != 0 || sg.Len() != 0 {
		t.Fatalf("empty segmentation = %+v", sg)
	}
	var none *data.Segmentation
	if none.Match(1, data.ClassA, "") || none.Len() != 0 || len(none.RFMCounts()) != len(data.RFMSegments) {
		t.Fatal("a nil segmentation is not empty")
	}
}

func ExampleQuintiles() {
	fmt.Println(data.Quintiles([]int64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}))
	// Output: [1 1 2 2 3 3 4 4 5 5]
}

func ExampleABCOf() {
	// Customers of 50, 25, 15, 6 and 4: the class is decided by the share before each one.
	before, total := data.Amount(0), data.Amount(100)
	for _, sales := range []data.Amount{50, 25, 15, 6, 4} {
		fmt.Print(data.ABCOf(before, total), " ")
		before += sales
	}
	fmt.Println()
	// Output: A A B B C
}

func ExampleRFMSegmentOf() {
	fmt.Println(data.RFMSegmentOf(5, 1, 3), data.RFMSegmentOf(5, 1, 3).Label("zh"))
	// Output: important_development 重要发展客户
}

// TestSegmentSummaryAndPages: the summary the metrics screen gets is the segmentation's chart data as
// plain values, naming only the biggest customers; the customers come in bounded pages that add up
// to all of them in the segmentation's order.
func TestSegmentSummaryAndPages(t *testing.T) {
	var deals []*data.OpportunityRow
	n := data.SummaryNamed + 50
	for i := 1; i <= n; i++ {
		deals = append(deals, deal(uint64(i), uint64(i), 1, int64(i*10), dd(2024, 1, 2), dd(2024, 2, 1)))
	}
	// One customer won before the window: scored for RFM, with no sales in it.
	deals = append(deals, deal(9999, 9999, 1, 5, dd(2023, 1, 2), dd(2023, 2, 1)))
	from, to := data.Quarter(2024, 1).Days()
	sg := data.Segment(deals, data.DefaultStages(), segInfo(nil), from, to)
	sum := sg.Summary()
	if sum.Customers != n+1 || len(sum.Sales) != n || len(sum.Top) != data.SummaryNamed {
		t.Fatalf("summary: %d customers, %d bars, %d named; want %d, %d, %d", sum.Customers, len(sum.Sales), len(sum.Top), n+1, n, data.SummaryNamed)
	}
	if sum.Sales[0] != data.AmountFromYuan(int64(n*10)) || sum.Top[0].CustomerID != uint64(n) || sum.Sales[n-1] != data.AmountFromYuan(10) {
		t.Errorf("the bars run %v to %v, first named %d; want the biggest first", sum.Sales[0], sum.Sales[n-1], sum.Top[0].CustomerID)
	}
	if len(sum.RFM) != len(data.RFMSegments) || sum.Total != sg.Total || len(sum.Categories) != len(sg.Categories) {
		t.Errorf("summary totals: %+v", sum)
	}
	var paged []data.CustomerSegment
	for off := 0; off < sum.Customers; off += 40 {
		pg := sg.Page(off, 40)
		if pg.Total != n+1 {
			t.Fatalf("page at %d: total %d", off, pg.Total)
		}
		paged = append(paged, pg.Customers...)
	}
	if !reflect.DeepEqual(paged, sg.Customers()) {
		t.Errorf("the pages hold %d customers, not the segmentation's %d in its order", len(paged), sg.Len())
	}
	if pg := sg.Page(-5, data.MaxSegmentPage*10); len(pg.Customers) != n+1 {
		t.Errorf("a page from a negative offset: %d customers", len(pg.Customers))
	}
	if pg := sg.Page(n+10, 10); len(pg.Customers) != 0 || pg.Total != n+1 {
		t.Errorf("a page past the end: %+v", pg)
	}
	var none *data.Segmentation
	if s := none.Summary(); s.Customers != 0 || len(s.RFM) != len(data.RFMSegments) || len(none.Page(0, 10).Customers) != 0 {
		t.Errorf("no segmentation: %+v", s)
	}
}
