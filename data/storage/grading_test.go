package storage

import (
	"fmt"
	"salesdesk/data"
	"slices"
	"testing"
	"time"
)

// gday is midnight of a calendar day in the local zone, the form ParseDate gives.
func gday(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.Local) }

func yuan(y int64) data.Amount { return data.AmountFromYuan(y) }

func TestSuggestGrade(t *testing.T) {
	now := time.Date(2027, 6, 15, 10, 0, 0, 0, time.Local)
	r := data.DefaultGradeRules
	noHighRP := r
	noHighRP.ARequiresHighRP = false
	cases := []struct {
		name   string
		c      data.Customer
		rules  data.GradeRules
		now    time.Time // zero: 2027-06-15
		grade  data.Grade
		reason data.GradeReason
	}{
		// A: ≥ 500,000, ≥ 2 years, high referral potential — all three.
		{"A all criteria", data.Customer{AnnualPurchase: yuan(800_000), CooperationSince: gday(2020, 1, 1), Referral: data.LevelHigh}, r, time.Time{}, data.GradeA, data.ReasonAVIP},
		{"A exactly at thresholds", data.Customer{AnnualPurchase: yuan(500_000), CooperationSince: gday(2025, 6, 15), Referral: data.LevelHigh}, r, time.Time{}, data.GradeA, data.ReasonAVIP},
		{"A one fen short is B", data.Customer{AnnualPurchase: yuan(500_000) - 1, CooperationSince: gday(2020, 1, 1), Referral: data.LevelHigh}, r, time.Time{}, data.GradeB, data.ReasonBKey},
		{"A a day before 2nd anniversary is B", data.Customer{AnnualPurchase: yuan(500_000), CooperationSince: gday(2025, 6, 16), Referral: data.LevelHigh}, r, time.Time{}, data.GradeB, data.ReasonBKey},
		{"A without high referral is B", data.Customer{AnnualPurchase: yuan(900_000), CooperationSince: gday(2020, 1, 1), Referral: data.LevelMedium}, r, time.Time{}, data.GradeB, data.ReasonBKey},
		{"A referral not required", data.Customer{AnnualPurchase: yuan(900_000), CooperationSince: gday(2020, 1, 1)}, noHighRP, time.Time{}, data.GradeA, data.ReasonAVIP},
		// Anniversaries: a cooperation year is complete on its anniversary, not a day earlier or later,
		// whatever leap days lie between.
		{"A on 2nd anniversary of a leap-year start (2024-03-01 → 2026-03-01)", data.Customer{AnnualPurchase: yuan(600_000), CooperationSince: gday(2024, 3, 1), Referral: data.LevelHigh}, r, gday(2026, 3, 1), data.GradeA, data.ReasonAVIP},
		{"A on 2nd anniversary of 2024-12-31", data.Customer{AnnualPurchase: yuan(600_000), CooperationSince: gday(2024, 12, 31), Referral: data.LevelHigh}, r, gday(2026, 12, 31), data.GradeA, data.ReasonAVIP},
		{"B a day before 1st anniversary, into a leap year", data.Customer{AnnualPurchase: yuan(300_000), CooperationSince: gday(2023, 6, 15)}, r, gday(2024, 6, 14), data.GradeC, data.ReasonCNewBuyer},
		// B: ≥ 200,000 and ≥ 1 year.
		{"B exactly at thresholds", data.Customer{AnnualPurchase: yuan(200_000), CooperationSince: gday(2026, 6, 15)}, r, time.Time{}, data.GradeB, data.ReasonBKey},
		{"B one fen short is C", data.Customer{AnnualPurchase: yuan(200_000) - 1, CooperationSince: gday(2020, 1, 1)}, r, time.Time{}, data.GradeC, data.ReasonCPurchased},
		{"B a day before 1st anniversary is C", data.Customer{AnnualPurchase: yuan(300_000), CooperationSince: gday(2026, 6, 16)}, r, time.Time{}, data.GradeC, data.ReasonCNewBuyer},
		{"B without cooperation date is C", data.Customer{AnnualPurchase: yuan(300_000)}, r, time.Time{}, data.GradeC, data.ReasonCNewBuyer},
		{"B cooperation in the future is C", data.Customer{AnnualPurchase: yuan(300_000), CooperationSince: gday(2028, 1, 1)}, r, time.Time{}, data.GradeC, data.ReasonCNewBuyer},
		// C: has purchased, below B.
		{"C one fen bought", data.Customer{AnnualPurchase: 1}, r, time.Time{}, data.GradeC, data.ReasonCPurchased},
		{"C status customer without amount", data.Customer{Status: data.StatusCustomer}, r, time.Time{}, data.GradeC, data.ReasonCPurchased},
		// D: a need but no deal, or nothing at all.
		{"D need in MAN", data.Customer{MAN: data.MAN{Need: true}}, r, time.Time{}, data.GradeD, data.ReasonDNeed},
		{"D need described", data.Customer{Needs: "20 台服务器"}, r, time.Time{}, data.GradeD, data.ReasonDNeed},
		{"D nothing known", data.Customer{Status: data.StatusProspect}, r, time.Time{}, data.GradeD, data.ReasonDLowContact},
		{"D lost customer with no purchase", data.Customer{Status: data.StatusLost}, r, time.Time{}, data.GradeD, data.ReasonDLowContact},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			at := now
			if !tc.now.IsZero() {
				at = tc.now
			}
			g, why := data.SuggestGrade(&tc.c, tc.rules, at)
			if g != tc.grade || why != tc.reason {
				t.Errorf("SuggestGrade(at %s) = %s (%s); want %s (%s)", data.FormatDate(at), g, why, tc.grade, tc.reason)
			}
		})
	}
}

// The cooperation year must be counted on the calendar anniversary, whatever leap days lie between.
func TestCooperationYearsAnniversary(t *testing.T) {
	cases := []struct {
		name       string
		since, now time.Time
		want       int
	}{
		{"same day", gday(2025, 5, 1), gday(2025, 5, 1), 0},
		{"day before 1st", gday(2025, 5, 1), gday(2026, 4, 30), 0},
		{"on 1st", gday(2025, 5, 1), gday(2026, 5, 1), 1},
		{"on 2nd, non-leap start", gday(2023, 6, 15), gday(2025, 6, 15), 2},
		{"on 2nd, leap start after Feb", gday(2024, 6, 15), gday(2026, 6, 15), 2},
		{"on 1st, leap start 2024-03-01", gday(2024, 3, 1), gday(2025, 3, 1), 1},
		{"on 1st, start 2020-12-31 (day 366)", gday(2020, 12, 31), gday(2021, 12, 31), 1},
		{"day before 1st, into a leap year", gday(2023, 6, 15), gday(2024, 6, 14), 0},
		{"day before 1st, 2023-03-01 → 2024-02-29", gday(2023, 3, 1), gday(2024, 2, 29), 0},
		{"later in the day still counts", gday(2025, 6, 15), time.Date(2026, 6, 15, 23, 59, 0, 0, time.Local), 1},
		{"zero since", time.Time{}, gday(2025, 1, 1), 0},
		{"since in the future", gday(2026, 1, 1), gday(2025, 1, 1), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := data.CooperationYears(tc.since, tc.now); got != tc.want {
				t.Errorf("cooperationYears(%s, %s) = %d; want %d", data.FormatDate(tc.since), data.FormatDate(tc.now), got, tc.want)
			}
		})
	}
}

func TestGradeOverrideKeptBesideSuggestion(t *testing.T) {
	now := gday(2026, 6, 15)
	cases := []struct {
		name      string
		override  data.Grade
		wantGrade data.Grade
	}{
		{"no override follows the rules", data.GradeNone, data.GradeC},
		{"override up to A", data.GradeA, data.GradeA},
		{"override down to D", data.GradeD, data.GradeD},
		{"override equal to suggestion", data.GradeC, data.GradeC},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := data.Customer{AnnualPurchase: yuan(50_000), GradeOverride: tc.override}
			if g := c.Grade(data.DefaultGradeRules, now); g != tc.wantGrade {
				t.Errorf("Grade() = %s; want %s", g, tc.wantGrade)
			}
			if g, _ := data.SuggestGrade(&c, data.DefaultGradeRules, now); g != data.GradeC {
				t.Errorf("SuggestGrade = %s; want C whatever the override", g)
			}
			row := buildRow(&c, data.DefaultGradeRules, now)
			wantOver := tc.override != data.GradeNone && tc.override != data.GradeC
			if row.Grade != tc.wantGrade || row.Suggested != data.GradeC || row.Overridden != wantOver {
				t.Errorf("row grade=%s suggested=%s overridden=%v; want %s, C, %v", row.Grade, row.Suggested, row.Overridden, tc.wantGrade, wantOver)
			}
		})
	}
}

func TestMANAdvice(t *testing.T) {
	cases := []struct {
		name string
		m    data.MAN
		want data.MANAdvice
	}{
		{"M+A+N", data.MAN{Money: true, Authority: true, Need: true}, data.MANIdeal},
		{"M+A+n", data.MAN{Money: true, Authority: true, Need: false}, data.MANSkilledSelling},
		{"M+a+N", data.MAN{Money: true, Authority: false, Need: true}, data.MANFindAuthority},
		{"m+A+N", data.MAN{Money: false, Authority: true, Need: true}, data.MANCheckCredit},
		{"m+a+N", data.MAN{Money: false, Authority: false, Need: true}, data.MANNurture},
		{"m+A+n", data.MAN{Money: false, Authority: true, Need: false}, data.MANNurture},
		{"M+a+n", data.MAN{Money: true, Authority: false, Need: false}, data.MANNurture},
		{"m+a+n", data.MAN{Money: false, Authority: false, Need: false}, data.MANStop},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.m.Advice(); got != tc.want {
				t.Errorf("%+v.Advice() = %s; want %s", tc.m, got, tc.want)
			}
		})
	}
}

func TestReviewDue(t *testing.T) {
	now := time.Date(2026, 6, 15, 9, 0, 0, 0, time.Local)
	today := gday(2026, 6, 15)
	cases := []struct {
		name string
		g    data.Grade
		last time.Time
		want bool
	}{
		{"A reviewed today", data.GradeA, today.Add(8 * time.Hour), false},
		{"A reviewed yesterday late", data.GradeA, today.Add(-time.Minute), true},
		{"A never reviewed", data.GradeA, time.Time{}, true},
		{"B reviewed 6 days ago", data.GradeB, today.AddDate(0, 0, -6), false},
		{"B reviewed 7 days ago", data.GradeB, today.AddDate(0, 0, -7), true},
		{"B never reviewed", data.GradeB, time.Time{}, true},
		{"C reviewed 29 days ago", data.GradeC, today.AddDate(0, 0, -29), false},
		{"C reviewed 30 days ago", data.GradeC, today.AddDate(0, 0, -30), true},
		{"C never reviewed", data.GradeC, time.Time{}, true},
		{"D reviewed a year ago", data.GradeD, today.AddDate(-1, 0, 0), false},
		{"D never reviewed", data.GradeD, time.Time{}, false},
		{"no grade never reviewed", data.GradeNone, time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := data.ReviewDue(tc.g, tc.last, now); got != tc.want {
				t.Errorf("ReviewDue(%s, %v, %v) = %v; want %v", tc.g, tc.last, now, got, tc.want)
			}
		})
	}
}

func TestCheckContactCap(t *testing.T) {
	caps := data.DefaultContactCaps
	push := func(d time.Time) data.FollowUp {
		return data.FollowUp{Date: d, Proactive: true, Method: data.MethodEmail}
	}
	reply := func(d time.Time) data.FollowUp { return data.FollowUp{Date: d, Method: data.MethodPhone} }
	// 2026-01-01 is a Thursday: ISO week 2026-W01 runs Mon 2025-12-29 … Sun 2026-01-04.
	cases := []struct {
		name    string
		g       data.Grade
		earlier []data.FollowUp
		date    time.Time
		caps    data.ContactCaps
		want    data.CapWarning
	}{
		{"first push of the month", data.GradeC, nil, gday(2026, 3, 10), caps, data.CapNone},
		{"second push of the month", data.GradeC, []data.FollowUp{push(gday(2026, 3, 2))}, gday(2026, 3, 20), caps, data.CapNone},
		{"third push of the month warns", data.GradeC, []data.FollowUp{push(gday(2026, 3, 2)), push(gday(2026, 3, 12))}, gday(2026, 3, 31), caps, data.CapMonth},
		{"pushes of last month not counted", data.GradeC, []data.FollowUp{push(gday(2026, 2, 27)), push(gday(2026, 2, 28))}, gday(2026, 3, 1), caps, data.CapNone},
		{"same month of another year not counted", data.GradeC, []data.FollowUp{push(gday(2025, 3, 2)), push(gday(2025, 3, 3))}, gday(2026, 3, 4), caps, data.CapNone},
		{"replies not counted", data.GradeC, []data.FollowUp{reply(gday(2026, 3, 2)), reply(gday(2026, 3, 3)), reply(gday(2026, 3, 4))}, gday(2026, 3, 5), caps, data.CapNone},
		{"A second push in a week warns", data.GradeA, []data.FollowUp{push(gday(2026, 3, 9))}, gday(2026, 3, 15), caps, data.CapWeek},
		{"A push next ISO week is fine", data.GradeA, []data.FollowUp{push(gday(2026, 3, 15))}, gday(2026, 3, 16), caps, data.CapNone},
		{"A reply in the week not counted", data.GradeA, []data.FollowUp{reply(gday(2026, 3, 10))}, gday(2026, 3, 11), caps, data.CapNone},
		{"A month cap after two weeks", data.GradeA, []data.FollowUp{push(gday(2026, 3, 2)), push(gday(2026, 3, 9))}, gday(2026, 3, 16), caps, data.CapMonth},
		{"B is not week-capped", data.GradeB, []data.FollowUp{push(gday(2026, 3, 9))}, gday(2026, 3, 10), caps, data.CapNone},
		{"A ISO week spans the year end", data.GradeA, []data.FollowUp{push(gday(2025, 12, 29))}, gday(2026, 1, 4), caps, data.CapWeek},
		{"A Sunday and the next Monday are two weeks", data.GradeA, []data.FollowUp{push(gday(2026, 1, 4))}, gday(2026, 1, 5), caps, data.CapNone},
		{"A same week number of last year not counted", data.GradeA, []data.FollowUp{push(gday(2025, 3, 10))}, gday(2026, 3, 9), caps, data.CapNone},
		{"caps of zero switch the check off", data.GradeA, []data.FollowUp{push(gday(2026, 3, 9)), push(gday(2026, 3, 10)), push(gday(2026, 3, 11))}, gday(2026, 3, 11), data.ContactCaps{}, data.CapNone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := data.CheckContactCap(tc.g, tc.earlier, tc.date, tc.caps); got != tc.want {
				t.Errorf("CheckContactCap = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestMaintenancePlan(t *testing.T) {
	cases := []struct {
		name   string
		g      data.Grade
		months int
		method data.Method
		action string
	}{
		{"A executive visit each quarter", data.GradeA, 3, data.MethodVisit, "plan.a"},
		{"B manager's call each month", data.GradeB, 1, data.MethodPhone, "plan.b"},
		{"C update email each quarter", data.GradeC, 3, data.MethodEmail, "plan.c"},
		{"D white paper each half year", data.GradeD, 6, data.MethodEmail, "plan.d"},
		{"no grade is treated as D", data.GradeNone, 6, data.MethodEmail, "plan.d"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := data.MaintenancePlanFor(tc.g)
			if p.Months != tc.months || p.Method != tc.method || p.Action != tc.action {
				t.Errorf("MaintenancePlanFor(%q) = %+v; want %d months, %s, %s", tc.g, p, tc.months, tc.method, tc.action)
			}
		})
	}
}

func TestMaintenancePlanNextDue(t *testing.T) {
	cases := []struct {
		name  string
		g     data.Grade
		after time.Time
		want  time.Time
	}{
		{"B mid-month drops the time of day", data.GradeB, time.Date(2026, 3, 10, 16, 45, 0, 0, time.Local), gday(2026, 4, 10)},
		{"A a quarter later", data.GradeA, gday(2026, 1, 15), gday(2026, 4, 15)},
		{"C across the year end", data.GradeC, gday(2025, 11, 20), gday(2026, 2, 20)},
		{"D half a year", data.GradeD, gday(2026, 3, 10), gday(2026, 9, 10)},
		// A monthly plan must not skip a month: a call on 31 January is next due in February.
		{"B from 31 Jan lands in February", data.GradeB, gday(2026, 1, 31), gday(2026, 2, 28)},
		{"A from 30 Nov lands in February", data.GradeA, gday(2025, 11, 30), gday(2026, 2, 28)},
		{"D from 31 Aug lands in February of a leap year", data.GradeD, gday(2027, 8, 31), gday(2028, 2, 29)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := data.MaintenancePlanFor(tc.g).NextDue(tc.after); !got.Equal(tc.want) {
				t.Errorf("NextDue(%s) = %s; want %s", data.FormatDate(tc.after), data.FormatDate(got), data.FormatDate(tc.want))
			}
		})
	}
}

func TestCompleteness(t *testing.T) {
	full := func(kind data.CustomerKind) data.Customer {
		return data.Customer{
			Kind: kind, Name: "北京科技有限公司", Industry: "制造", Region: "北京", Category: data.DefaultCategories[0],
			Ownership: data.OwnershipPrivate, Size: "50-200", DecisionProcess: "总经理审批", Needs: "ERP", Budget: yuan(10_000),
			Source: data.SourceWebsite, OwnerID: 1, FirstContact: gday(2026, 1, 5), NextFollowUp: gday(2026, 4, 1), MAN: data.MAN{Need: true},
			Contacts: []data.Contact{{Name: "张伟", Title: "经理", Phone: "13800138000", Email: "zw@bjkj.com", Primary: true}},
		}
	}
	person := full(data.KindPerson)
	person.Contacts[0].Title = ""
	person.Category, person.Ownership, person.Size, person.DecisionProcess = "", data.OwnershipNone, "", ""
	companyNoTitle := full(data.KindCompany)
	companyNoTitle.Contacts[0].Title = ""
	secondaryPrimary := full(data.KindCompany)
	secondaryPrimary.Contacts = []data.Contact{{Name: "李娜"}, {Name: "张伟", Title: "经理", Phone: "13800138000", Email: "zw@bjkj.com", Primary: true}}
	cases := []struct {
		name    string
		c       data.Customer
		filled  int
		total   int
		percent int
		missing []string
	}{
		{"full company", full(data.KindCompany), 18, 18, 100, nil},
		{"full person skips company fields and title", person, 14, 14, 100, nil},
		{"company without contact title", companyNoTitle, 17, 18, 94, []string{"title"}},
		{"empty company", data.Customer{Kind: data.KindCompany}, 0, 18, 0, []string{"name", "industry", "region", "contact", "phone", "email", "title", "needs", "budget", "source", "owner", "first_contact", "next_follow_up", "man", "category", "ownership", "size", "decision_process"}},
		{"empty person", data.Customer{Kind: data.KindPerson}, 1, 14, 7, []string{"name", "industry", "region", "contact", "phone", "email", "needs", "budget", "source", "owner", "first_contact", "next_follow_up", "man"}},
		{"empty kind counts as company", data.Customer{Name: "x"}, 1, 18, 5, nil},
		{"primary contact is the flagged one", secondaryPrimary, 18, 18, 100, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.c.Completeness()
			if got.Filled != tc.filled || got.Total != tc.total || got.Percent() != tc.percent {
				t.Errorf("Completeness = %d/%d (%d%%), missing %v; want %d/%d (%d%%)", got.Filled, got.Total, got.Percent(), got.Missing, tc.filled, tc.total, tc.percent)
			}
			if tc.missing != nil && !slices.Equal(got.Missing, tc.missing) {
				t.Errorf("Missing = %v; want %v", got.Missing, tc.missing)
			}
		})
	}
	if p := (data.Completeness{}).Percent(); p != 100 {
		t.Errorf("empty Completeness Percent = %d; want 100", p)
	}
}

func ExampleSuggestGrade() {
	now := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	c := data.Customer{
		AnnualPurchase:   data.AmountFromYuan(600_000),
		CooperationSince: time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC),
		Referral:         data.LevelHigh,
	}
	g, why := data.SuggestGrade(&c, data.DefaultGradeRules, now)
	fmt.Println(g, why)

	c.Referral = data.LevelLow
	g, why = data.SuggestGrade(&c, data.DefaultGradeRules, now)
	fmt.Println(g, why)

	c.GradeOverride = data.GradeA // a manager's decision; the suggestion stays B
	fmt.Println(c.Grade(data.DefaultGradeRules, now))
	// Output:
	// A a_vip
	// B b_key
	// A
}

func ExampleMAN_Advice() {
	fmt.Println(data.MAN{Money: true, Authority: true, Need: true}.Advice())
	fmt.Println(data.MAN{Money: true, Need: true}.Advice())
	fmt.Println(data.MAN{Need: true}.Advice())
	fmt.Println(data.MAN{}.Advice())
	// Output:
	// ideal
	// find_authority
	// nurture
	// stop
}

func ExampleCheckContactCap() {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, time.UTC) }
	earlier := []data.FollowUp{
		{Date: day(3, 2), Proactive: true},
		{Date: day(3, 9), Proactive: true},
		{Date: day(3, 10)}, // the customer called back: not a push
	}
	fmt.Printf("%q\n", data.CheckContactCap(data.GradeC, earlier[:1], day(3, 20), data.DefaultContactCaps))
	fmt.Printf("%q\n", data.CheckContactCap(data.GradeC, earlier, day(3, 20), data.DefaultContactCaps))
	fmt.Printf("%q\n", data.CheckContactCap(data.GradeA, earlier[1:], day(3, 11), data.DefaultContactCaps))
	// Output:
	// ""
	// "month"
	// "week"
}

func ExampleReviewDue() {
	now := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	lastWeek := now.AddDate(0, 0, -7)
	fmt.Println(data.ReviewDue(data.GradeA, now, now))
	fmt.Println(data.ReviewDue(data.GradeB, lastWeek, now))
	fmt.Println(data.ReviewDue(data.GradeC, lastWeek, now))
	fmt.Println(data.ReviewDue(data.GradeD, time.Time{}, now))
	fmt.Println(data.ReviewDue(data.GradeC, time.Time{}, now))
	// Output:
	// false
	// true
	// false
	// false
	// true
}

// The card's value line rests on what its grade rests on: a card graded as a buyer is never "no sales".
func TestValueBasisAgreesWithGrade(t *testing.T) {
	cases := []struct {
		name      string
		c         data.Customer
		segmented bool
		want      data.ValueBasis
	}{
		{"annual purchase, no won deal", data.Customer{AnnualPurchase: yuan(285_000)}, false, data.ValueCardOnly},
		{"customer status, no amount, no won deal", data.Customer{Status: data.StatusCustomer}, false, data.ValueCardOnly},
		{"won deals", data.Customer{AnnualPurchase: yuan(285_000)}, true, data.ValueSegmented},
		{"won deals on a prospect card", data.Customer{Status: data.StatusProspect}, true, data.ValueSegmented},
		{"prospect with nothing", data.Customer{Status: data.StatusProspect, MAN: data.MAN{Need: true}}, false, data.ValueNoSales},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := data.ValueBasisOf(&tc.c, tc.segmented)
			if got != tc.want {
				t.Errorf("ValueBasisOf = %d, want %d", got, tc.want)
			}
			// a grade that says "has purchased" and a value line that says "no sales" never meet
			g, _ := data.SuggestGrade(&tc.c, data.DefaultGradeRules, time.Date(2026, 12, 2, 0, 0, 0, 0, time.Local))
			if (g == data.GradeC || g == data.GradeB || g == data.GradeA) && got == data.ValueNoSales {
				t.Errorf("graded %s as a buyer, but the value line says no sales", g)
			}
		})
	}
}
