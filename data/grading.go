package data

import (
	"time"
)

// GradeRules are seed 000's thresholds; a manager edits them in Settings.
type GradeRules struct {
	AMinAnnual      Amount `json:"a_min_annual"`
	AMinYears       int    `json:"a_min_years"`
	ARequiresHighRP bool   `json:"a_requires_high_referral"`
	BMinAnnual      Amount `json:"b_min_annual"`
	BMinYears       int    `json:"b_min_years"`
}

// DefaultGradeRules are the seed's numbers: A ≥ 500,000 a year for ≥ 2 years with high referral
// potential; B ≥ 200,000 a year for ≥ 1 year.
var DefaultGradeRules = GradeRules{
	AMinAnnual:      AmountFromYuan(500_000),
	AMinYears:       2,
	ARequiresHighRP: true,
	BMinAnnual:      AmountFromYuan(200_000),
	BMinYears:       1,
}

// GradeReason says which rule produced a suggested grade; the card shows it beside the suggestion.
type GradeReason string

const (
	ReasonAVIP        GradeReason = "a_vip"         // all of A's criteria met
	ReasonBKey        GradeReason = "b_key"         // B's criteria met
	ReasonCPurchased  GradeReason = "c_purchased"   // has purchased, below B
	ReasonCNewBuyer   GradeReason = "c_new_buyer"   // buys as much as B, cooperating for less than B's years
	ReasonDNeed       GradeReason = "d_need"        // a need but no deal yet
	ReasonDLowContact GradeReason = "d_low_contact" // nothing bought, no need recorded
)

// cooperationYears counts whole years since cooperation began.
func CooperationYears(since, now time.Time) int {
	if since.IsZero() || since.After(now) {
		return 0
	}
	y := now.Year() - since.Year()
	// Compare month and day, not the day of the year, which a leap day shifts.
	if now.Month() < since.Month() || (now.Month() == since.Month() && now.Day() < since.Day()) {
		y--
	}
	return y
}

// SuggestGrade applies seed 000's grade rules in order and says which one decided.
func SuggestGrade(c *Customer, r GradeRules, now time.Time) (Grade, GradeReason) {
	years := CooperationYears(c.CooperationSince, now)
	if c.AnnualPurchase >= r.AMinAnnual && years >= r.AMinYears && (!r.ARequiresHighRP || c.Referral == LevelHigh) {
		return GradeA, ReasonAVIP
	}
	if c.AnnualPurchase >= r.BMinAnnual && years >= r.BMinYears {
		return GradeB, ReasonBKey
	}
	if HasPurchased(c) {
		if c.AnnualPurchase >= r.BMinAnnual {
			return GradeC, ReasonCNewBuyer
		}
		return GradeC, ReasonCPurchased
	}
	if c.MAN.Need || c.Needs != "" {
		return GradeD, ReasonDNeed
	}
	return GradeD, ReasonDLowContact
}

// MaintenancePlan is what seed 000 prescribes for a grade, and how often.
type MaintenancePlan struct {
	Grade  Grade
	Months int
	Method Method
	// Action is a key the GUI translates (e.g. "plan.a").
	Action string
}

// MaintenancePlanFor returns the grade's plan: A an executive visit each quarter, B the sales
// manager's phone call each month, C a product-update email each quarter, D an industry white paper
// each half year.
func MaintenancePlanFor(g Grade) MaintenancePlan {
	switch g {
	case GradeA:
		return MaintenancePlan{GradeA, 3, MethodVisit, "plan.a"}
	case GradeB:
		return MaintenancePlan{GradeB, 1, MethodPhone, "plan.b"}
	case GradeC:
		return MaintenancePlan{GradeC, 3, MethodEmail, "plan.c"}
	default:
		return MaintenancePlan{GradeD, 6, MethodEmail, "plan.d"}
	}
}

// NextDue returns the plan's next follow-up after the given contact date.
func (p MaintenancePlan) NextDue(after time.Time) time.Time {
	return addMonths(DateOf(after), p.Months)
}

// addMonths moves a date by whole months, keeping to the last day of a shorter month: a plan from 31
// January is due on 28 (or 29) February, not in March as time.AddDate would have it.
func addMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// ReviewInterval is how often seed 001 wants a grade's cards reviewed: A daily, B weekly, C monthly.
// D cards have no review cadence (zero).
func ReviewInterval(g Grade) (days int) {
	switch g {
	case GradeA:
		return 1
	case GradeB:
		return 7
	case GradeC:
		return 30
	}
	return 0
}

// ReviewDue reports whether a card of grade g last reviewed at last is due for review on day now.
func ReviewDue(g Grade, last, now time.Time) bool {
	days := ReviewInterval(g)
	if days == 0 {
		return false
	}
	if last.IsZero() {
		return true
	}
	return !DateOf(now).Before(DateOf(last).AddDate(0, 0, days))
}

// ContactCaps are seed 000's limits on proactive contact.
type ContactCaps struct {
	PerMonth int `json:"per_month"`  // proactive pushes per customer per calendar month
	APerWeek int `json:"a_per_week"` // proactive contacts per A customer per ISO week
}

// DefaultContactCaps: at most 2 pushes a month, and 1 a week for A customers.
var DefaultContactCaps = ContactCaps{PerMonth: 2, APerWeek: 1}

// CapWarning names a contact cap that a new proactive follow-up would exceed.
type CapWarning string

const (
	CapNone  CapWarning = ""
	CapMonth CapWarning = "month"
	CapWeek  CapWarning = "week"
)

// CheckContactCap tells whether logging a proactive contact on date for a customer of grade g, with
// the customer's earlier follow-ups, goes beyond a cap. It warns; it never forbids.
func CheckContactCap(g Grade, earlier []FollowUp, date time.Time, caps ContactCaps) CapWarning {
	y, w := date.ISOWeek()
	month, week := 0, 0
	for _, f := range earlier {
		if !f.Proactive {
			continue
		}
		if f.Date.Year() == date.Year() && f.Date.Month() == date.Month() {
			month++
		}
		if fy, fw := f.Date.ISOWeek(); fy == y && fw == w {
			week++
		}
	}
	if g == GradeA && caps.APerWeek > 0 && week+1 > caps.APerWeek {
		return CapWeek
	}
	if caps.PerMonth > 0 && month+1 > caps.PerMonth {
		return CapMonth
	}
	return CapNone
}

// DateOf drops the time of day, keeping the location, so that day comparisons are exact.
func DateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// HasPurchased says whether the card counts as a buyer: an annual purchase entered on it, or the
// customer status. The grade and the card's value line both read it, so that a card graded "has
// purchased" never says "no sales yet".
func HasPurchased(c *Customer) bool {
	return c.AnnualPurchase > 0 || c.Status == StatusCustomer
}

// ValueBasis says what a card's value line (ABC class and RFM segment) can rest on.
type ValueBasis int

const (
	// ValueNoSales: nothing bought, neither on the card nor in won deals.
	ValueNoSales ValueBasis = iota
	// ValueCardOnly: the card says the customer buys (its annual purchase or status), but no deal of
	// it was won in SalesDesk, and the segments are figured from won deals only.
	ValueCardOnly
	// ValueSegmented: won deals place the customer in an ABC class and an RFM segment.
	ValueSegmented
)

// ValueBasisOf says what the card's value line rests on, given whether won deals segment it.
func ValueBasisOf(c *Customer, segmented bool) ValueBasis {
	switch {
	case segmented:
		return ValueSegmented
	case HasPurchased(c):
		return ValueCardOnly
	}
	return ValueNoSales
}
