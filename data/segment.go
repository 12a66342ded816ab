package data

import (
	"cmp"
	"context"
	"slices"
)

// Segmentation (domain.md §6): the customer composition by business category and the ABC classes of
// seed 004, and the RFM scores and segments of seed 003, computed from the won deals. Pure functions;
// the store caches the all-time result for the customer card and list (data/storage/store_metrics.go).
//
// The rules, as decided here:
//   - Sales are won amounts (won stage and a won date), counted in a window of days [From, To).
//   - ABC: a category's customers with sales in the window, by sales descending (then by id), each
//     with the cumulative share of the category's sales before it. A customer is A while that share
//     is below 75%, B while it is below 95%, C after: a customer is classed where its sales start, so
//     the biggest customer is always A and a category of one customer is all A. The same rule over
//     all customers gives the overall class. A customer with no sales in the window has no class.
//   - RFM looks at each customer's whole history up to the window's end (a customer's value is not
//     a quarter long): recency is the days from its last won deal to the window's last day, frequency
//     its number of won deals, monetary their total amount. Only customers with at least one won
//     deal are scored. Each score is the quintile of the customer's rank, 1 (worst fifth) to 5 (best
//     fifth), over those customers: score = 5 × rank ÷ n + 1 (integer division), rank counted from
//     the worst and starting at 0. Tied customers all take the rank of the first of them, so equal
//     values always score the same whatever the ids, and a tie straddling a boundary scores low.
//   - A score is high when it is 3 or more. The eight segments are R high/low × F high/low × M
//     high/low: M high makes the segment important (重要), M low general (一般); then R high and F high
//     is value (价值), R high and F low development (发展), R low and F high retention (保持), R low
//     and F low win-back (挽留).

// ABCClass is a customer's class by its share of sales.
type ABCClass string

const (
	ClassNone ABCClass = ""
	ClassA    ABCClass = "A"
	ClassB    ABCClass = "B"
	ClassC    ABCClass = "C"
)

// ABCClasses lists the classes from the biggest customers to the smallest.
var ABCClasses = []ABCClass{ClassA, ClassB, ClassC}

// The cumulative shares, in percent, below which a customer is A or B (seed 004: about 75% and 20%).
const (
	abcALimit = 75
	abcBLimit = 95
)

// ABCOf is the class of a customer whose sorted predecessors hold before of total.
func ABCOf(before, total Amount) ABCClass {
	// In whole fen, exactly: before/total < 75% is before×100 < total×75.
	switch {
	case total <= 0:
		return ClassNone
	case int64(before)*100 < int64(total)*abcALimit:
		return ClassA
	case int64(before)*100 < int64(total)*abcBLimit:
		return ClassB
	}
	return ClassC
}

// RFMSegment is one of seed 003's eight customer segments.
type RFMSegment string

const (
	SegmentNone                 RFMSegment = ""
	SegmentImportantValue       RFMSegment = "important_value"       // 重要价值
	SegmentImportantDevelopment RFMSegment = "important_development" // 重要发展
	SegmentImportantRetention   RFMSegment = "important_retention"   // 重要保持
	SegmentImportantWinBack     RFMSegment = "important_winback"     // 重要挽留
	SegmentGeneralValue         RFMSegment = "general_value"         // 一般价值
	SegmentGeneralDevelopment   RFMSegment = "general_development"   // 一般发展
	SegmentGeneralRetention     RFMSegment = "general_retention"     // 一般保持
	SegmentGeneralWinBack       RFMSegment = "general_winback"       // 一般挽留
)

// RFMSegments lists the segments in the usual order of attention.
var RFMSegments = []RFMSegment{SegmentImportantValue, SegmentImportantDevelopment, SegmentImportantRetention,
	SegmentImportantWinBack, SegmentGeneralValue, SegmentGeneralDevelopment, SegmentGeneralRetention,
	SegmentGeneralWinBack}

// segmentNames are the segments' names as Chinese teams say them, and in English.
var segmentNames = map[RFMSegment][2]string{
	SegmentImportantValue:       {"重要价值客户", "Important value"},
	SegmentImportantDevelopment: {"重要发展客户", "Important development"},
	SegmentImportantRetention:   {"重要保持客户", "Important retention"},
	SegmentImportantWinBack:     {"重要挽留客户", "Important win-back"},
	SegmentGeneralValue:         {"一般价值客户", "General value"},
	SegmentGeneralDevelopment:   {"一般发展客户", "General development"},
	SegmentGeneralRetention:     {"一般保持客户", "General retention"},
	SegmentGeneralWinBack:       {"一般挽留客户", "General win-back"},
}

// Label is the segment's name in "zh" or "en" (anything else reads English); "" for no segment.
func (s RFMSegment) Label(lang string) string {
	n, ok := segmentNames[s]
	if !ok {
		return ""
	}
	if lang == "zh" {
		return n[0]
	}
	return n[1]
}

// rfmHigh is the lowest score that counts as high.
const rfmHigh = 3

// RFMSegmentOf names the segment of three scores (each 1–5); a zero score means "not scored".
func RFMSegmentOf(r, f, m int) RFMSegment {
	if r == 0 || f == 0 || m == 0 {
		return SegmentNone
	}
	rh, fh, mh := r >= rfmHigh, f >= rfmHigh, m >= rfmHigh
	switch {
	case mh && rh && fh:
		return SegmentImportantValue
	case mh && rh:
		return SegmentImportantDevelopment
	case mh && fh:
		return SegmentImportantRetention
	case mh:
		return SegmentImportantWinBack
	case rh && fh:
		return SegmentGeneralValue
	case rh:
		return SegmentGeneralDevelopment
	case fh:
		return SegmentGeneralRetention
	}
	return SegmentGeneralWinBack
}

// Quintiles scores values 1–5 by quintile, higher values scoring higher, ties scoring alike (the rule
// at the top of this file).
func Quintiles(values []int64) []int {
	n := len(values)
	type keyed struct {
		v int64
		i int32
	}
	order := make([]keyed, n)
	for i, v := range values {
		order[i] = keyed{v, int32(i)}
	}
	slices.SortFunc(order, func(a, b keyed) int { return cmp.Compare(a.v, b.v) })
	scores := make([]int, n)
	rank := 0
	for i, k := range order {
		if i > 0 && k.v != order[i-1].v {
			rank = i
		}
		scores[k.i] = 5*rank/n + 1
	}
	return scores
}

// CustomerInfo is what segmentation shows of a customer besides its deals.
type CustomerInfo struct {
	Name, CardNo, Category string
}

// CustomerSegment is one customer's place in the segmentation.
type CustomerSegment struct {
	CustomerID uint64 `json:"customer_id"`
	Name       string `json:"name"`
	CardNo     string `json:"card_no"`
	Category   string `json:"category"`
	// Sales is the won amount in the window; Share its percent of the company's, CategoryShare of its
	// category's.
	Sales         Amount  `json:"sales"`
	Share         float64 `json:"share"`
	CategoryShare float64 `json:"category_share"`
	// ABC is the class within its category, OverallABC among all customers.
	ABC        ABCClass `json:"abc"`
	OverallABC ABCClass `json:"overall_abc"`
	// The RFM inputs over the whole history to the window's end, and their scores.
	LastWon   Day        `json:"last_won"`
	Recency   int        `json:"recency_days"`
	Frequency int        `json:"frequency"`
	Monetary  Amount     `json:"monetary"`
	R         int        `json:"r"`
	F         int        `json:"f"`
	M         int        `json:"m"`
	RFM       RFMSegment `json:"rfm"`
}

// CategorySales is one business category's line of the composition (seed 004).
type CategorySales struct {
	Category  string  `json:"category"`
	Sales     Amount  `json:"sales"`
	Share     float64 `json:"share"` // percent of the total
	Customers int     `json:"customers"`
	A         int     `json:"a"`
	B         int     `json:"b"`
	C         int     `json:"c"`
}

// ParetoPoint is one customer of a Pareto chart: bars of sales, a line of cumulative share.
type ParetoPoint struct {
	CustomerID uint64   `json:"customer_id"`
	Name       string   `json:"name"`
	Sales      Amount   `json:"sales"`
	Share      float64  `json:"share"`
	Cumulative float64  `json:"cumulative"` // percent, this customer included
	Class      ABCClass `json:"class"`
}

// SegmentCount is how many customers, with how much of their monetary value, are in an RFM segment.
type SegmentCount struct {
	Segment   RFMSegment `json:"segment"`
	Customers int        `json:"customers"`
	Monetary  Amount     `json:"monetary"`
}

// Segmentation is the result: every customer with a won deal up to the window's end, by window sales
// descending then id. It is safe for concurrent reads.
type Segmentation struct {
	From, To Day
	// AsOf is the day recency is counted to: the window's last day.
	AsOf       Day
	Total      Amount
	Categories []CategorySales
	customers  []CustomerSegment
	// pos finds a customer: position + 1 by id, in a slice when the ids are compact, else in a map.
	pos    []int32
	posMap map[uint64]int32
	// categoryOrder lists, per category, its customers with sales, in sales order.
	categoryOrder map[string][]int32
	withSales     int // the first withSales customers have sales in the window
}

// CustomerLookup names customers for the segmentation, all in one call so that the store reads its
// rows under one lock: out[i] describes ids[i].
type CustomerLookup func(ids []uint64) []CustomerInfo

// Segment computes the segmentation of the deals won in [from, to) (from 0: since the beginning),
// with RFM over everything won before to.
func Segment(deals []*OpportunityRow, stages []StageDef, info CustomerLookup, from, to Day) *Segmentation {
	return NewLedger(deals, stages).Segment(info, from, to)
}

// Segment is the segmentation of the ledger's deals; the metrics screen computes it from the ledger
// its reports read, so the deals are walked once.
func (l *Ledger) Segment(info CustomerLookup, from, to Day) *Segmentation {
	sg := &Segmentation{From: from, To: to, AsOf: to - 1, categoryOrder: map[string][]int32{}}
	if l.maxWinner <= uint64(4*len(l.deals))+1<<16 {
		sg.pos = make([]int32, l.maxWinner+1)
	} else {
		sg.posMap = map[uint64]int32{}
	}
	cs := make([]CustomerSegment, 0, l.winners)
	for k := range l.deals {
		o := &l.deals[k]
		if o.won == 0 || o.won >= to {
			continue
		}
		i := sg.lookup(o.customer)
		if i < 0 {
			i = len(cs)
			sg.setPos(o.customer, i)
			cs = append(cs, CustomerSegment{CustomerID: o.customer})
		}
		c := &cs[i]
		c.Frequency++
		c.Monetary += o.amount
		c.LastWon = max(c.LastWon, o.won)
		if o.won >= from {
			c.Sales += o.amount
			sg.Total += o.amount
		}
	}
	ids := make([]uint64, len(cs))
	for i := range cs {
		ids[i] = cs[i].CustomerID
		cs[i].Recency = max(int(sg.AsOf-cs[i].LastWon), 0)
	}
	for i, ci := range info(ids) {
		cs[i].Name, cs[i].CardNo, cs[i].Category = ci.Name, ci.CardNo, ci.Category
	}
	scoreRFM(cs)
	// Sales order: the Pareto chart's, the ABC walk's and the lists'. The records are large, so keys
	// are sorted beside their positions and the records moved once.
	type salesKey struct {
		sales Amount
		id    uint64
		i     int32
	}
	keys := make([]salesKey, len(cs))
	for i := range cs {
		keys[i] = salesKey{cs[i].Sales, cs[i].CustomerID, int32(i)}
	}
	slices.SortFunc(keys, func(a, b salesKey) int {
		if a.sales != b.sales {
			return cmp.Compare(b.sales, a.sales)
		}
		return cmp.Compare(a.id, b.id)
	})
	sorted := make([]CustomerSegment, len(cs))
	for i, k := range keys {
		sorted[i] = cs[k.i]
		sg.setPos(k.id, i)
	}
	cs = sorted
	sg.customers = cs
	for sg.withSales < len(cs) && cs[sg.withSales].Sales > 0 {
		sg.withSales++
	}
	var before Amount
	catTotal := map[string]Amount{}
	for i := range cs[:sg.withSales] {
		c := &cs[i]
		c.OverallABC = ABCOf(before, sg.Total)
		c.Share = percentOf(c.Sales, sg.Total)
		before += c.Sales
		sg.categoryOrder[c.Category] = append(sg.categoryOrder[c.Category], int32(i))
		catTotal[c.Category] += c.Sales
	}
	for cat, idx := range sg.categoryOrder {
		line := CategorySales{Category: cat, Sales: catTotal[cat], Share: percentOf(catTotal[cat], sg.Total), Customers: len(idx)}
		var before Amount
		for _, i := range idx {
			c := &cs[i]
			c.ABC = ABCOf(before, line.Sales)
			c.CategoryShare = percentOf(c.Sales, line.Sales)
			before += c.Sales
			switch c.ABC {
			case ClassA:
				line.A++
			case ClassB:
				line.B++
			case ClassC:
				line.C++
			}
		}
		sg.Categories = append(sg.Categories, line)
	}
	slices.SortFunc(sg.Categories, func(a, b CategorySales) int {
		if c := cmp.Compare(b.Sales, a.Sales); c != 0 {
			return c
		}
		return cmp.Compare(a.Category, b.Category)
	})
	return sg
}

// lookup is a customer's position, or -1.
func (sg *Segmentation) lookup(id uint64) int {
	if sg.pos != nil {
		if id < uint64(len(sg.pos)) {
			return int(sg.pos[id]) - 1
		}
		return -1
	}
	if p, ok := sg.posMap[id]; ok {
		return int(p) - 1
	}
	return -1
}

func (sg *Segmentation) setPos(id uint64, i int) {
	if sg.pos != nil {
		sg.pos[id] = int32(i + 1)
		return
	}
	sg.posMap[id] = int32(i + 1)
}

// scoreRFM gives every customer (all have a won deal) its three scores and its segment.
func scoreRFM(cs []CustomerSegment) {
	if len(cs) == 0 {
		return
	}
	keys := make([]int64, len(cs))
	for i := range cs {
		keys[i] = -int64(cs[i].Recency) // fewer days since the last win is better
	}
	r := Quintiles(keys)
	for i := range cs {
		keys[i] = int64(cs[i].Frequency)
	}
	f := Quintiles(keys)
	for i := range cs {
		keys[i] = int64(cs[i].Monetary)
	}
	m := Quintiles(keys)
	for i := range cs {
		cs[i].R, cs[i].F, cs[i].M = r[i], f[i], m[i]
		cs[i].RFM = RFMSegmentOf(r[i], f[i], m[i])
	}
}

func percentOf(part, total Amount) float64 {
	if total <= 0 {
		return 0
	}
	return float64(part) * 100 / float64(total)
}

// Customer is one customer's segment; false for a customer with no won deal up to the window's end.
func (sg *Segmentation) Customer(id uint64) (CustomerSegment, bool) {
	if sg == nil {
		return CustomerSegment{}, false
	}
	i := sg.lookup(id)
	if i < 0 {
		return CustomerSegment{}, false
	}
	return sg.customers[i], true
}

// Customers lists every customer with a won deal up to the window's end, by sales in the window
// descending, then id. The slice is a copy.
func (sg *Segmentation) Customers() []CustomerSegment {
	if sg == nil {
		return nil
	}
	return slices.Clone(sg.customers)
}

// Len counts the customers with a won deal up to the window's end.
func (sg *Segmentation) Len() int {
	if sg == nil {
		return 0
	}
	return len(sg.customers)
}

// Match reports whether a customer is in a class (within its category, seed 004's ABC) and a segment,
// for filtering the customer list; an empty class or segment matches any, and a customer with no won
// deal matches only when both are empty.
func (sg *Segmentation) Match(id uint64, class ABCClass, seg RFMSegment) bool {
	if class == ClassNone && seg == SegmentNone {
		return true
	}
	c, ok := sg.Customer(id)
	return ok && (class == ClassNone || c.ABC == class) && (seg == SegmentNone || c.RFM == seg)
}

// Pareto is the chart of all customers with sales in the window, biggest first, with the overall
// class.
func (sg *Segmentation) Pareto() []ParetoPoint {
	if sg == nil {
		return nil
	}
	out := make([]ParetoPoint, sg.withSales)
	var cum Amount
	for i := range out {
		c := &sg.customers[i]
		cum += c.Sales
		out[i] = ParetoPoint{CustomerID: c.CustomerID, Name: c.Name, Sales: c.Sales, Share: c.Share,
			Cumulative: percentOf(cum, sg.Total), Class: c.OverallABC}
	}
	return out
}

// CategoryPareto is the chart of one category's customers, with the class within the category.
func (sg *Segmentation) CategoryPareto(category string) []ParetoPoint {
	if sg == nil {
		return nil
	}
	idx := sg.categoryOrder[category]
	var total Amount
	for _, i := range idx {
		total += sg.customers[i].Sales
	}
	out := make([]ParetoPoint, len(idx))
	var cum Amount
	for j, i := range idx {
		c := &sg.customers[i]
		cum += c.Sales
		out[j] = ParetoPoint{CustomerID: c.CustomerID, Name: c.Name, Sales: c.Sales, Share: c.CategoryShare,
			Cumulative: percentOf(cum, total), Class: c.ABC}
	}
	return out
}

// RFMCounts counts the customers of each segment, in RFMSegments' order, empty segments included.
func (sg *Segmentation) RFMCounts() []SegmentCount {
	out := make([]SegmentCount, len(RFMSegments))
	pos := map[RFMSegment]int{}
	for i, s := range RFMSegments {
		out[i].Segment = s
		pos[s] = i
	}
	if sg == nil {
		return out
	}
	for i := range sg.customers {
		c := &sg.customers[i]
		if p, ok := pos[c.RFM]; ok {
			out[p].Customers++
			out[p].Monetary += c.Monetary
		}
	}
	return out
}

// SummaryNamed is how many of the biggest customers a summary names for the Pareto chart's tips; the
// chart's other bars tell their ranks.
const SummaryNamed = 100

// MaxSegmentPage bounds a page of a segmentation's customers.
const MaxSegmentPage = 1000

// SegmentSummary is what the metrics screen draws of a segmentation, as a plain value: its size grows
// with the customers who bought in the window (one amount each), never with the whole file.
type SegmentSummary struct {
	From, To, AsOf Day
	Total          Amount
	// Customers counts those with a won deal up to the window's end: what SegmentPage pages through.
	Customers  int
	Categories []CategorySales
	// Sales is each customer's sales in the window, biggest first: the Pareto chart's bars. Top names
	// the first of them (at most SummaryNamed), with their shares and classes.
	Sales []Amount
	Top   []ParetoPoint
	// RFM counts the customers of each segment, in RFMSegments' order, empty segments included.
	RFM []SegmentCount
}

// SegmentPage is a page of a segmentation's customers, biggest sales in the window first, then id.
type SegmentPage struct {
	Customers []CustomerSegment
	// Total counts all the segmentation's customers, of which Customers starts at the asked offset.
	Total int
}

// Summary is the segmentation as the metrics screen draws it.
func (sg *Segmentation) Summary() SegmentSummary {
	out := SegmentSummary{RFM: sg.RFMCounts()}
	if sg == nil {
		return out
	}
	out.From, out.To, out.AsOf, out.Total = sg.From, sg.To, sg.AsOf, sg.Total
	out.Customers = len(sg.customers)
	out.Categories = slices.Clone(sg.Categories)
	pareto := sg.Pareto()
	out.Sales = make([]Amount, len(pareto))
	for i, p := range pareto {
		out.Sales[i] = p.Sales
	}
	out.Top = slices.Clip(pareto[:min(len(pareto), SummaryNamed)])
	return out
}

// Page lists limit customers from offset, at most MaxSegmentPage; an offset past the end gives none.
func (sg *Segmentation) Page(offset, limit int) SegmentPage {
	if sg == nil {
		return SegmentPage{}
	}
	n := len(sg.customers)
	limit = min(max(limit, 0), MaxSegmentPage)
	offset = min(max(offset, 0), n)
	return SegmentPage{Customers: slices.Clone(sg.customers[offset:min(n, offset+limit)]), Total: n}
}

// AllSegmentCustomers reads a period's whole segmentation from s page by page, for an export; stop,
// when set, ends it early with context.Canceled.
func AllSegmentCustomers(s Service, p Period, stop func() bool) ([]CustomerSegment, error) {
	var out []CustomerSegment
	for {
		if stop != nil && stop() {
			return nil, context.Canceled
		}
		pg, err := s.SegmentCustomers(p, len(out), MaxSegmentPage)
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Customers...)
		if len(pg.Customers) == 0 || len(out) >= pg.Total {
			return out, nil
		}
	}
}
