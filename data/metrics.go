package data

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"sort"
	"strconv"
)

// The quarterly metrics of template 4 of seed 000 (domain.md §5), computed from the deal rows: every
// opportunity record is a lead created on its Created day (a lead and the opportunity it became are
// one record), and a deal is won when its stage is of kind won and it has a won date. The functions
// here are pure; the store (data/storage/store_metrics.go) feeds them its rows and its stored targets.

// Metric names one figure of the table. The names are the JSON keys of `salesdesk report` and the
// keys targets are stored under, so they never change.
type Metric string

const (
	MetricLeads             Metric = "leads"
	MetricClosedCustomers   Metric = "closed_customers"
	MetricConversionRate    Metric = "conversion_rate"
	MetricAverageOrderValue Metric = "average_order_value"
	MetricRepurchaseRate    Metric = "repurchase_rate"
	MetricAverageSalesCycle Metric = "average_sales_cycle_days"
)

// Metrics lists the figures in the order of the seed's table.
var Metrics = []Metric{MetricLeads, MetricClosedCustomers, MetricConversionRate, MetricAverageOrderValue,
	MetricRepurchaseRate, MetricAverageSalesCycle}

// LowerIsBetter reports a metric whose target is a ceiling: only the sales cycle, where a long cycle
// is the problem.
func (m Metric) LowerIsBetter() bool { return m == MetricAverageSalesCycle }

// Percent reports a metric given in percent, whose target may not exceed 100.
func (m Metric) Percent() bool { return m == MetricConversionRate || m == MetricRepurchaseRate }

// Intensive reports a metric that does not grow with the length of the period (a rate, an average):
// a quarter without its own target of such a metric takes its year's, and a rep without one takes the
// team's. Counts (leads, closed customers) scale with the period and the person, so they never
// inherit a target.
func (m Metric) Intensive() bool { return m != MetricLeads && m != MetricClosedCustomers }

// Hint is the key of the diagnosis shown when the metric misses its target; the window translates it
// and the command line and exports use HintText.
func (m Metric) Hint() string { return "metrics.hint." + string(m) }

func (m Metric) known() bool {
	for _, k := range Metrics {
		if k == m {
			return true
		}
	}
	return false
}

// hintTexts are the diagnoses of seed 000 (low conversion → needs discovery; long cycle → negotiation
// and approvals) and, for the metrics the seed gives none for, the step of the pipeline that feeds them.
var hintTexts = map[Metric][2]string{
	MetricLeads:             {"线索不足：检查线索来源与主动开发（展会、转介绍、公海）", "Too few leads: check lead sources and prospecting (trade shows, referrals, the lead pool)"},
	MetricClosedCustomers:   {"成交客户偏少：检查商机跟进与方案呈现", "Too few customers closed: check the follow-up of open opportunities and the proposals"},
	MetricConversionRate:    {"转化率低于目标：检查需求挖掘（5W1H）", "Conversion below target: check needs discovery (5W1H)"},
	MetricAverageOrderValue: {"客单价偏低：检查方案价值、组合销售与追加销售", "Average order below target: check the proposals' value, bundles and upselling"},
	MetricRepurchaseRate:    {"复购率偏低：检查售后服务与客户维护计划", "Repurchase below target: check after-sale service and the maintenance plans"},
	MetricAverageSalesCycle: {"销售周期过长：检查商务谈判与审批环节", "Sales cycle above target: check negotiation and approvals"},
}

// HintText is the diagnosis of a hint key in "zh" or "en" (anything else reads English), or "" for an
// unknown key.
func HintText(key, lang string) string {
	for m, t := range hintTexts {
		if m.Hint() == key {
			if lang == "zh" {
				return t[0]
			}
			return t[1]
		}
	}
	return ""
}

// ---------------------------------------------------------------------------------------------
// The formulas. Each returns 0 when its denominator is 0: an empty period shows zeros, never NaN.

// ConversionRate is closed customers / leads × 100%. It may exceed 100 when customers close on leads
// created before the period.
func ConversionRate(closedCustomers, leads int) float64 {
	if leads <= 0 {
		return 0
	}
	return float64(closedCustomers) * 100 / float64(leads)
}

// AverageOrderValue is the won amount / closed customers (客单价: per customer, not per deal),
// rounded to the fen.
func AverageOrderValue(wonAmount Amount, closedCustomers int) Amount {
	if closedCustomers <= 0 {
		return 0
	}
	n := int64(closedCustomers)
	a := int64(wonAmount)
	if a < 0 {
		return -Amount((-a + n/2) / n)
	}
	return Amount((a + n/2) / n)
}

// RepurchaseRate is the closed customers who by the period's end have two or more won deals in all /
// closed customers × 100%.
func RepurchaseRate(repeatCustomers, closedCustomers int) float64 {
	if closedCustomers <= 0 {
		return 0
	}
	return float64(repeatCustomers) * 100 / float64(closedCustomers)
}

// AverageSalesCycle is the sales days of the deals won in the period / closed customers, as the seed
// defines it (per customer, like the average order), where a deal's sales days run from its lead's
// creation to its won date.
func AverageSalesCycle(salesDays, closedCustomers int) float64 {
	if closedCustomers <= 0 {
		return 0
	}
	return float64(salesDays) / float64(closedCustomers)
}

// SalesDays is a won deal's sales days: from its creation to its won date, whole days. A won date
// before the creation (a win backdated by hand) counts as 0 rather than shortening the others.
func SalesDays(created, won Day) int {
	if created == 0 || won == 0 || won < created {
		return 0
	}
	return int(won - created)
}

// ---------------------------------------------------------------------------------------------
// Figures

// Figures are one period's metrics for the team or one rep: the counts they come from, then the
// seed's figures. JSON keys are the metric names.
type Figures struct {
	Leads           int    `json:"leads"`
	ClosedCustomers int    `json:"closed_customers"`
	WonDeals        int    `json:"won_deals"`
	WonAmount       Amount `json:"won_amount"`
	// RepeatCustomers are the closed customers with two or more won deals by the period's end.
	RepeatCustomers int `json:"repeat_customers"`
	// SalesDays is the sum of the won deals' sales days.
	SalesDays int `json:"sales_days"`

	ConversionRate    float64 `json:"conversion_rate"` // percent
	AverageOrderValue Amount  `json:"average_order_value"`
	RepurchaseRate    float64 `json:"repurchase_rate"` // percent
	AverageSalesCycle float64 `json:"average_sales_cycle_days"`
	// NoData marks a period with neither a lead nor a won deal: its zeros are not a result.
	NoData bool `json:"no_data"`
}

// finish derives the seed's figures from the counts.
func (f *Figures) Finish() {
	f.ConversionRate = ConversionRate(f.ClosedCustomers, f.Leads)
	f.AverageOrderValue = AverageOrderValue(f.WonAmount, f.ClosedCustomers)
	f.RepurchaseRate = RepurchaseRate(f.RepeatCustomers, f.ClosedCustomers)
	f.AverageSalesCycle = AverageSalesCycle(f.SalesDays, f.ClosedCustomers)
	f.NoData = f.Leads == 0 && f.WonDeals == 0
}

// Value is a metric in the unit its target is set in: a count, a percent, yuan or days.
func (f Figures) Value(m Metric) float64 {
	switch m {
	case MetricLeads:
		return float64(f.Leads)
	case MetricClosedCustomers:
		return float64(f.ClosedCustomers)
	case MetricConversionRate:
		return f.ConversionRate
	case MetricAverageOrderValue:
		return f.AverageOrderValue.Yuan()
	case MetricRepurchaseRate:
		return f.RepurchaseRate
	case MetricAverageSalesCycle:
		return f.AverageSalesCycle
	}
	return 0
}

// Defined reports whether a metric means something this period: a rate over nothing is not 0%, it is
// not there, and cannot miss a target.
func (f Figures) Defined(m Metric) bool {
	switch m {
	case MetricConversionRate:
		return f.Leads > 0
	case MetricAverageOrderValue, MetricRepurchaseRate, MetricAverageSalesCycle:
		return f.ClosedCustomers > 0
	}
	return true
}

// ledgerDeal is what the metrics read of a deal, packed so that a period is one pass over a short slice.
type ledgerDeal struct {
	customer, owner uint64
	amount          Amount
	created, won    Day // won is 0 unless the deal is won
}

// Ledger is the deals as the metrics read them, built once and then asked about many periods (the
// trend charts ask about eight quarters at once). It is safe for concurrent use.
type Ledger struct {
	deals []ledgerDeal
	// secondWin is, per customer, the day of its second won deal: a customer closed in a period is a
	// repeat customer when that day falls before the period's end.
	secondWin dayByID
	// maxWinner is the highest id of a customer with a won deal and winners how many such customers
	// there are, to size the tables of the segmentation.
	maxWinner uint64
	winners   int
}

// dayByID is a day per customer id. The store issues ids in sequence, so they are usually compact
// enough for a slice indexed by id, which is several times faster than a map at 100k customers.
type dayByID struct {
	dense  []Day
	sparse map[uint64]Day
}

func newDayByID(maxID uint64, n int) dayByID {
	if maxID <= uint64(4*n)+1<<16 {
		return dayByID{dense: make([]Day, maxID+1)}
	}
	return dayByID{sparse: map[uint64]Day{}}
}

func (d *dayByID) get(id uint64) Day {
	if d.dense != nil {
		return d.dense[id]
	}
	return d.sparse[id]
}

func (d *dayByID) set(id uint64, v Day) {
	if d.dense != nil {
		d.dense[id] = v
		return
	}
	d.sparse[id] = v
}

// wonStages are the keys of the stages of kind won.
func wonStages(stages []StageDef) map[string]bool {
	won := make(map[string]bool, 1)
	for _, s := range stages {
		if s.Kind == StageWon {
			won[s.Key] = true
		}
	}
	return won
}

// NewLedger reads the deals. A deal is won when its stage is of kind won and it has a won date.
func NewLedger(deals []*OpportunityRow, stages []StageDef) *Ledger {
	won := wonStages(stages)
	l := &Ledger{deals: make([]ledgerDeal, len(deals))}
	var maxID uint64
	for i, o := range deals {
		d := ledgerDeal{customer: o.CustomerID, owner: o.OwnerID, amount: o.Amount, created: o.Created}
		if o.Won != 0 && won[o.Stage] {
			d.won = o.Won
			maxID = max(maxID, o.CustomerID)
		}
		l.deals[i] = d
	}
	l.maxWinner = maxID
	firstWin := newDayByID(maxID, len(deals))
	l.secondWin = newDayByID(maxID, len(deals))
	for i := range l.deals {
		d := &l.deals[i]
		if d.won == 0 {
			continue
		}
		first, second := firstWin.get(d.customer), l.secondWin.get(d.customer)
		switch {
		case first == 0:
			firstWin.set(d.customer, d.won)
			l.winners++
		case d.won < first:
			firstWin.set(d.customer, d.won)
			l.secondWin.set(d.customer, first)
		case second == 0 || d.won < second:
			l.secondWin.set(d.customer, d.won)
		}
	}
	return l
}

// Figures computes a period's metrics for the team and for each owner who had a lead or a win in it.
// A customer won by two reps in the period is a closed customer of each of them and once of the team.
func (l *Ledger) Figures(p Period) (team Figures, owners map[uint64]Figures) {
	from, to := p.Days()
	acc := map[uint64]*Figures{}
	get := func(id uint64) *Figures {
		a := acc[id]
		if a == nil {
			a = &Figures{}
			acc[id] = a
		}
		return a
	}
	// The period's wins, as (customer, owner), sorted below to count distinct customers without maps.
	var wins [][2]uint64
	for i := range l.deals {
		d := &l.deals[i]
		if d.created >= from && d.created < to && d.created != 0 {
			team.Leads++
			get(d.owner).Leads++
		}
		if d.won == 0 || d.won < from || d.won >= to {
			continue
		}
		days := SalesDays(d.created, d.won)
		o := get(d.owner)
		team.WonDeals++
		team.WonAmount += d.amount
		team.SalesDays += days
		o.WonDeals++
		o.WonAmount += d.amount
		o.SalesDays += days
		wins = append(wins, [2]uint64{d.customer, d.owner})
	}
	slices.SortFunc(wins, func(a, b [2]uint64) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	for i, w := range wins {
		newCustomer := i == 0 || wins[i-1][0] != w[0]
		repeat := false
		if s := l.secondWin.get(w[0]); s != 0 && s < to {
			repeat = true
		}
		if newCustomer {
			team.ClosedCustomers++
			if repeat {
				team.RepeatCustomers++
			}
		}
		if newCustomer || wins[i-1][1] != w[1] {
			o := acc[w[1]]
			o.ClosedCustomers++
			if repeat {
				o.RepeatCustomers++
			}
		}
	}
	team.Finish()
	owners = make(map[uint64]Figures, len(acc))
	for id, a := range acc {
		a.Finish()
		owners[id] = *a
	}
	return team, owners
}

// PeriodFigures is Ledger.Figures for one period.
func PeriodFigures(p Period, deals []*OpportunityRow, stages []StageDef) (team Figures, owners map[uint64]Figures) {
	return NewLedger(deals, stages).Figures(p)
}

// ---------------------------------------------------------------------------------------------
// Targets

// Targets are the goals of one period, per metric, in the metric's unit (a count, a percent, yuan,
// days). A metric without a target is absent.
type Targets map[Metric]float64

// TargetSet is what a manager sets for a period: the team's targets and each rep's.
type TargetSet struct {
	Team   Targets            `json:"team"`
	Owners map[uint64]Targets `json:"owners"`
}

// Errors of targets, at the metric's field.
var (
	ErrTargetNotPositive = errors.New("must be a number above zero")
	ErrUnknownMetric     = errors.New("no such metric")
)

// TargetField names a target's form field: the metric for the team, owners.<id>.<metric> for a rep.
func TargetField(ownerID uint64, m Metric) string {
	if ownerID == 0 {
		return string(m)
	}
	return "owners." + strconv.FormatUint(ownerID, 10) + "." + string(m)
}

// Validate refuses a target that is zero, negative or not a number, or a percent above 100, at its
// metric's field (TargetField); to clear a target, leave the metric out.
func (ts TargetSet) Validate() FieldErrors {
	var fe FieldErrors
	check := func(owner uint64, t Targets) {
		for _, m := range sortedMetrics(t) {
			v, field := t[m], TargetField(owner, m)
			switch {
			case !m.known():
				fe.Add(field, ErrUnknownMetric)
			case math.IsNaN(v) || math.IsInf(v, 0) || v <= 0:
				fe.Add(field, ErrTargetNotPositive)
			case m.Percent() && v > 100:
				fe.Add(field, ErrPercent)
			}
		}
	}
	check(0, ts.Team)
	ids := make([]uint64, 0, len(ts.Owners))
	for id := range ts.Owners {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if id == 0 {
			fe.Add("owners.0", ErrUnknownMember)
			continue
		}
		check(id, ts.Owners[id])
	}
	return fe
}

// sortedMetrics lists a target map's metrics in table order, unknown ones last by name, so that
// problems are reported in a stable order.
func sortedMetrics(t Targets) []Metric {
	out := make([]Metric, 0, len(t))
	for _, m := range Metrics {
		if _, ok := t[m]; ok {
			out = append(out, m)
		}
	}
	var unknown []Metric
	for m := range t {
		if !m.known() {
			unknown = append(unknown, m)
		}
	}
	sort.Slice(unknown, func(i, j int) bool { return unknown[i] < unknown[j] })
	return append(out, unknown...)
}

// Miss is a metric on the wrong side of its target, with the diagnosis to show.
type Miss struct {
	Metric Metric  `json:"metric"`
	Actual float64 `json:"actual"`
	Target float64 `json:"target"`
	Hint   string  `json:"hint"`
}

// Misses compares the figures with the targets in table order: a metric misses when it is below its
// target (above, for the sales cycle). A period with no data misses nothing, and neither does a rate
// with nothing to divide by.
func Misses(f Figures, t Targets) []Miss {
	out := []Miss{}
	if f.NoData {
		return out
	}
	for _, m := range Metrics {
		target, ok := t[m]
		if !ok || !f.Defined(m) {
			continue
		}
		actual := f.Value(m)
		// A rate that comes out at 34.999999999 for an exact 35 is on target, not below it.
		const eps = 1e-9
		if (m.LowerIsBetter() && actual > target+eps) || (!m.LowerIsBetter() && actual < target-eps) {
			out = append(out, Miss{Metric: m, Actual: actual, Target: target, Hint: m.Hint()})
		}
	}
	return out
}

// Effective works out the targets in force in a period from what was set for it and the periods that
// hold it (sets: the period's own first, then its quarter, then its year). Counts only come from the
// period's own set; rates and averages fall back to the enclosing period's, and a rep's to the team's.
func Effective(sets []TargetSet, owners []uint64) (team Targets, rep map[uint64]Targets) {
	team = Targets{}
	for _, m := range Metrics {
		for i, s := range sets {
			if i > 0 && !m.Intensive() {
				break
			}
			if v, ok := s.Team[m]; ok {
				team[m] = v
				break
			}
		}
	}
	rep = make(map[uint64]Targets, len(owners))
	for _, id := range owners {
		t := Targets{}
		for _, m := range Metrics {
			found := false
			for i, s := range sets {
				if i > 0 && !m.Intensive() {
					break
				}
				if v, ok := s.Owners[id][m]; ok {
					t[m], found = v, true
					break
				}
			}
			if v, ok := team[m]; !found && ok && m.Intensive() {
				t[m] = v
			}
		}
		rep[id] = t
	}
	return team, rep
}

// ---------------------------------------------------------------------------------------------
// The report

// PeriodNotes are the table's free text for a period: main problems (主要问题) and measures (优化措施).
type PeriodNotes struct {
	Problems string `json:"problems"`
	Measures string `json:"measures"`
}

// OwnerReport is one rep's row of a period.
type OwnerReport struct {
	OwnerID uint64 `json:"owner_id"`
	Name    string `json:"owner"`
	Figures
	Targets Targets `json:"targets"`
	Misses  []Miss  `json:"misses"`
}

// PeriodReport is a period's row of the seed's table for the team, each rep's row, the targets in
// force and what misses them, and the period's notes.
type PeriodReport struct {
	Period Period `json:"period"`
	Figures
	Targets Targets       `json:"targets"`
	Misses  []Miss        `json:"misses"`
	Owners  []OwnerReport `json:"owners"`
	Notes   PeriodNotes   `json:"notes"`
}

// BuildReport puts a period's figures, targets and notes together. The owners are every rep of the
// team who is active, and anyone (a manager, a former member, nobody: id 0) who owned a lead or a win
// in the period or has a target, by id.
func BuildReport(p Period, team Figures, owners map[uint64]Figures, sets []TargetSet, members []Member, notes PeriodNotes) PeriodReport {
	names := map[uint64]string{}
	ids := map[uint64]bool{}
	for _, m := range members {
		names[m.ID] = m.Name
		if m.Active && m.Role == MemberRep {
			ids[m.ID] = true
		}
	}
	for id := range owners {
		ids[id] = true
	}
	if len(sets) > 0 {
		for id := range sets[0].Owners {
			ids[id] = true
		}
	}
	order := make([]uint64, 0, len(ids))
	for id := range ids {
		order = append(order, id)
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	teamT, repT := Effective(sets, order)
	r := PeriodReport{Period: p, Figures: team, Targets: teamT, Misses: Misses(team, teamT),
		Owners: make([]OwnerReport, 0, len(order)), Notes: notes}
	for _, id := range order {
		f, ok := owners[id]
		if !ok {
			f.Finish()
		}
		r.Owners = append(r.Owners, OwnerReport{OwnerID: id, Name: names[id], Figures: f, Targets: repT[id],
			Misses: Misses(f, repT[id])})
	}
	return r
}

// Owner returns one owner's row of the report.
func (r PeriodReport) Owner(id uint64) (OwnerReport, bool) {
	for _, o := range r.Owners {
		if o.OwnerID == id {
			return o, true
		}
	}
	return OwnerReport{}, false
}

// Series is one metric across reports, for a trend chart (the average order and the cycle over time
// are Series of those metrics); a period where the metric is not defined gives 0.
func Series(reports []PeriodReport, m Metric) []float64 {
	out := make([]float64, len(reports))
	for i, r := range reports {
		if r.Defined(m) {
			out[i] = r.Value(m)
		}
	}
	return out
}
