package data

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// gday is midnight of a calendar day in the local zone, the form ParseDate gives.
func gday(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.Local) }

func yuan(y int64) Amount { return AmountFromYuan(y) }

func TestSuggestGrade(t *testing.T) {
	now := time.Date(2027, 6, 15, 10, 0, 0, 0, time.Local)
	r := DefaultGradeRules
	noHighRP := r
	noHighRP.ARequiresHighRP = false
	cases := []struct {
		name   string
		c      Customer
		rules  GradeRules
		now    time.Time // zero: 2027-06-15
		grade  Grade
		reason GradeReason
	}{
		// A: ≥ 500,000, ≥ 2 years, high referral potential — all three.
		{"A all criteria", Customer{AnnualPurchase: yuan(800_000), CooperationSince: gday(2020, 1, 1), Referral: LevelHigh}, r, time.Time{}, GradeA, ReasonAVIP},
		{"A exactly at thresholds", Customer{AnnualPurchase: yuan(500_000), CooperationSince: gday(2025, 6, 15), Referral: LevelHigh}, r, time.Time{}, GradeA, ReasonAVIP},
		{"A one fen short is B", Customer{AnnualPurchase: yuan(500_000) - 1, CooperationSince: gday(2020, 1, 1), Referral: LevelHigh}, r, time.Time{}, GradeB, ReasonBKey},
		{"A a day before 2nd anniversary is B", Customer{AnnualPurchase: yuan(500_000), CooperationSince: gday(2025, 6, 16), Referral: LevelHigh}, r, time.Time{}, GradeB, ReasonBKey},
		{"A without high referral is B", Customer{AnnualPurchase: yuan(900_000), CooperationSince: gday(2020, 1, 1), Referral: LevelMedium}, r, time.Time{}, GradeB, ReasonBKey},
		{"A referral not required", Customer{AnnualPurchase: yuan(900_000), CooperationSince: gday(2020, 1, 1)}, noHighRP, time.Time{}, GradeA, ReasonAVIP},
		// Anniversaries: a cooperation year is complete on its anniversary, not a day earlier or later,
		// whatever leap days lie between.
		{"A on 2nd anniversary of a leap-year start (2024-03-01 → 2026-03-01)", Customer{AnnualPurchase: yuan(600_000), CooperationSince: gday(2024, 3, 1), Referral: LevelHigh}, r, gday(2026, 3, 1), GradeA, ReasonAVIP},
		{"A on 2nd anniversary of 2024-12-31", Customer{AnnualPurchase: yuan(600_000), CooperationSince: gday(2024, 12, 31), Referral: LevelHigh}, r, gday(2026, 12, 31), GradeA, ReasonAVIP},
		{"B a day before 1st anniversary, into a leap year", Customer{AnnualPurchase: yuan(300_000), CooperationSince: gday(2023, 6, 15)}, r, gday(2024, 6, 14), GradeC, ReasonCNewBuyer},
		// B: ≥ 200,000 and ≥ 1 year.
		{"B exactly at thresholds", Customer{AnnualPurchase: yuan(200_000), CooperationSince: gday(2026, 6, 15)}, r, time.Time{}, GradeB, ReasonBKey},
		{"B one fen short is C", Customer{AnnualPurchase: yuan(200_000) - 1, CooperationSince: gday(2020, 1, 1)}, r, time.Time{}, GradeC, ReasonCPurchased},
		{"B a day before 1st anniversary is C", Customer{AnnualPurchase: yuan(300_000), CooperationSince: gday(2026, 6, 16)}, r, time.Time{}, GradeC, ReasonCNewBuyer},
		{"B without cooperation date is C", Customer{AnnualPurchase: yuan(300_000)}, r, time.Time{}, GradeC, ReasonCNewBuyer},
		{"B cooperation in the future is C", Customer{AnnualPurchase: yuan(300_000), CooperationSince: gday(2028, 1, 1)}, r, time.Time{}, GradeC, ReasonCNewBuyer},
		// C: has purchased, below B.
		{"C one fen bought", Customer{AnnualPurchase: 1}, r, time.Time{}, GradeC, ReasonCPurchased},
		{"C status customer without amount", Customer{Status: StatusCustomer}, r, time.Time{}, GradeC, ReasonCPurchased},
		// D: a need but no deal, or nothing at all.
		{"D need in MAN", Customer{MAN: MAN{Need: true}}, r, time.Time{}, GradeD, ReasonDNeed},
		{"D need described", Customer{Needs: "20 台服务器"}, r, time.Time{}, GradeD, ReasonDNeed},
		{"D nothing known", Customer{Status: StatusProspect}, r, time.Time{}, GradeD, ReasonDLowContact},
		{"D lost customer with no purchase", Customer{Status: StatusLost}, r, time.Time{}, GradeD, ReasonDLowContact},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			at := now
			if !tc.now.IsZero() {
				at = tc.now
			}
			g, why := SuggestGrade(&tc.c, tc.rules, at)
			if g != tc.grade || why != tc.reason {
				t.Errorf("SuggestGrade(at %s) = %s (%s); want %s (%s)", FormatDate(at), g, why, tc.grade, tc.reason)
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
			if got := cooperationYears(tc.since, tc.now); got != tc.want {
				t.Errorf("cooperationYears(%s, %s) = %d; want %d", FormatDate(tc.since), FormatDate(tc.now), got, tc.want)
			}
		})
	}
}

func TestGradeOverrideKeptBesideSuggestion(t *testing.T) {
	now := gday(2026, 6, 15)
	cases := []struct {
		name      string
		override  Grade
		wantGrade Grade
	}{
		{"no override follows the rules", GradeNone, GradeC},
		{"override up to A", GradeA, GradeA},
		{"override down to D", GradeD, GradeD},
		{"override equal to suggestion", GradeC, GradeC},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Customer{AnnualPurchase: yuan(50_000), GradeOverride: tc.override}
			if g := c.Grade(DefaultGradeRules, now); g != tc.wantGrade {
				t.Errorf("Grade() = %s; want %s", g, tc.wantGrade)
			}
			if g, _ := SuggestGrade(&c, DefaultGradeRules, now); g != GradeC {
				t.Errorf("SuggestGrade = %s; want C whatever the override", g)
			}
			row := buildRow(&c, DefaultGradeRules, now)
			wantOver := tc.override != GradeNone && tc.override != GradeC
			if row.Grade != tc.wantGrade || row.Suggested != GradeC || row.Overridden != wantOver {
				t.Errorf("row grade=%s suggested=%s overridden=%v; want %s, C, %v", row.Grade, row.Suggested, row.Overridden, tc.wantGrade, wantOver)
			}
		})
	}
}

func TestMANAdvice(t *testing.T) {
	cases := []struct {
		name string
		m    MAN
		want MANAdvice
	}{
		{"M+A+N", MAN{true, true, true}, MANIdeal},
		{"M+A+n", MAN{true, true, false}, MANSkilledSelling},
		{"M+a+N", MAN{true, false, true}, MANFindAuthority},
		{"m+A+N", MAN{false, true, true}, MANCheckCredit},
		{"m+a+N", MAN{false, false, true}, MANNurture},
		{"m+A+n", MAN{false, true, false}, MANNurture},
		{"M+a+n", MAN{true, false, false}, MANNurture},
		{"m+a+n", MAN{false, false, false}, MANStop},
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
		g    Grade
		last time.Time
		want bool
	}{
		{"A reviewed today", GradeA, today.Add(8 * time.Hour), false},
		{"A reviewed yesterday late", GradeA, today.Add(-time.Minute), true},
		{"A never reviewed", GradeA, time.Time{}, true},
		{"B reviewed 6 days ago", GradeB, today.AddDate(0, 0, -6), false},
		{"B reviewed 7 days ago", GradeB, today.AddDate(0, 0, -7), true},
		{"B never reviewed", GradeB, time.Time{}, true},
		{"C reviewed 29 days ago", GradeC, today.AddDate(0, 0, -29), false},
		{"C reviewed 30 days ago", GradeC, today.AddDate(0, 0, -30), true},
		{"C never reviewed", GradeC, time.Time{}, true},
		{"D reviewed a year ago", GradeD, today.AddDate(-1, 0, 0), false},
		{"D never reviewed", GradeD, time.Time{}, false},
		{"no grade never reviewed", GradeNone, time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReviewDue(tc.g, tc.last, now); got != tc.want {
				t.Errorf("ReviewDue(%s, %v, %v) = %v; want %v", tc.g, tc.last, now, got, tc.want)
			}
		})
	}
}

func TestCheckContactCap(t *testing.T) {
	caps := DefaultContactCaps
	push := func(d time.Time) FollowUp { return FollowUp{Date: d, Proactive: true, Method: MethodEmail} }
	reply := func(d time.Time) FollowUp { return FollowUp{Date: d, Method: MethodPhone} }
	// 2026-01-01 is a Thursday: ISO week 2026-W01 runs Mon 2025-12-29 … Sun 2026-01-04.
	cases := []struct {
		name    string
		g       Grade
		earlier []FollowUp
		date    time.Time
		caps    ContactCaps
		want    CapWarning
	}{
		{"first push of the month", GradeC, nil, gday(2026, 3, 10), caps, CapNone},
		{"second push of the month", GradeC, []FollowUp{push(gday(2026, 3, 2))}, gday(2026, 3, 20), caps, CapNone},
		{"third push of the month warns", GradeC, []FollowUp{push(gday(2026, 3, 2)), push(gday(2026, 3, 12))}, gday(2026, 3, 31), caps, CapMonth},
		{"pushes of last month not counted", GradeC, []FollowUp{push(gday(2026, 2, 27)), push(gday(2026, 2, 28))}, gday(2026, 3, 1), caps, CapNone},
		{"same month of another year not counted", GradeC, []FollowUp{push(gday(2025, 3, 2)), push(gday(2025, 3, 3))}, gday(2026, 3, 4), caps, CapNone},
		{"replies not counted", GradeC, []FollowUp{reply(gday(2026, 3, 2)), reply(gday(2026, 3, 3)), reply(gday(2026, 3, 4))}, gday(2026, 3, 5), caps, CapNone},
		{"A second push in a week warns", GradeA, []FollowUp{push(gday(2026, 3, 9))}, gday(2026, 3, 15), caps, CapWeek},
		{"A push next ISO week is fine", GradeA, []FollowUp{push(gday(2026, 3, 15))}, gday(2026, 3, 16), caps, CapNone},
		{"A reply in the week not counted", GradeA, []FollowUp{reply(gday(2026, 3, 10))}, gday(2026, 3, 11), caps, CapNone},
		{"A month cap after two weeks", GradeA, []FollowUp{push(gday(2026, 3, 2)), push(gday(2026, 3, 9))}, gday(2026, 3, 16), caps, CapMonth},
		{"B is not week-capped", GradeB, []FollowUp{push(gday(2026, 3, 9))}, gday(2026, 3, 10), caps, CapNone},
		{"A ISO week spans the year end", GradeA, []FollowUp{push(gday(2025, 12, 29))}, gday(2026, 1, 4), caps, CapWeek},
		{"A Sunday and the next Monday are two weeks", GradeA, []FollowUp{push(gday(2026, 1, 4))}, gday(2026, 1, 5), caps, CapNone},
		{"A same week number of last year not counted", GradeA, []FollowUp{push(gday(2025, 3, 10))}, gday(2026, 3, 9), caps, CapNone},
		{"caps of zero switch the check off", GradeA, []FollowUp{push(gday(2026, 3, 9)), push(gday(2026, 3, 10)), push(gday(2026, 3, 11))}, gday(2026, 3, 11), ContactCaps{}, CapNone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckContactCap(tc.g, tc.earlier, tc.date, tc.caps); got != tc.want {
				t.Errorf("CheckContactCap = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestMaintenancePlan(t *testing.T) {
	cases := []struct {
		name   string
		g      Grade
		months int
		method Method
		action string
	}{
		{"A executive visit each quarter", GradeA, 3, MethodVisit, "plan.a"},
		{"B manager's call each month", GradeB, 1, MethodPhone, "plan.b"},
		{"C update email each quarter", GradeC, 3, MethodEmail, "plan.c"},
		{"D white paper each half year", GradeD, 6, MethodEmail, "plan.d"},
		{"no grade is treated as D", GradeNone, 6, MethodEmail, "plan.d"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := MaintenancePlanFor(tc.g)
			if p.Months != tc.months || p.Method != tc.method || p.Action != tc.action {
				t.Errorf("MaintenancePlanFor(%q) = %+v; want %d months, %s, %s", tc.g, p, tc.months, tc.method, tc.action)
			}
		})
	}
}

func TestMaintenancePlanNextDue(t *testing.T) {
	cases := []struct {
		name  string
		g     Grade
		after time.Time
		want  time.Time
	}{
		{"B mid-month drops the time of day", GradeB, time.Date(2026, 3, 10, 16, 45, 0, 0, time.Local), gday(2026, 4, 10)},
		{"A a quarter later", GradeA, gday(2026, 1, 15), gday(2026, 4, 15)},
		{"C across the year end", GradeC, gday(2025, 11, 20), gday(2026, 2, 20)},
		{"D half a year", GradeD, gday(2026, 3, 10), gday(2026, 9, 10)},
		// A monthly plan must not skip a month: a call on 31 January is next due in February.
		{"B from 31 Jan lands in February", GradeB, gday(2026, 1, 31), gday(2026, 2, 28)},
		{"A from 30 Nov lands in February", GradeA, gday(2025, 11, 30), gday(2026, 2, 28)},
		{"D from 31 Aug lands in February of a leap year", GradeD, gday(2027, 8, 31), gday(2028, 2, 29)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := MaintenancePlanFor(tc.g).NextDue(tc.after); !got.Equal(tc.want) {
				t.Errorf("NextDue(%s) = %s; want %s", FormatDate(tc.after), FormatDate(got), FormatDate(tc.want))
			}
		})
	}
}

func TestCompleteness(t *testing.T) {
	full := func(kind CustomerKind) Customer {
		return Customer{
			Kind: kind, Name: "北京科技有限公司", Industry: "制造", Region: "北京", Category: DefaultCategories[0],
			Ownership: OwnershipPrivate, Size: "50-200", DecisionProcess: "总经理审批", Needs: "ERP", Budget: yuan(10_000),
			Source: SourceWebsite, OwnerID: 1, FirstContact: gday(2026, 1, 5), NextFollowUp: gday(2026, 4, 1), MAN: MAN{Need: true},
			Contacts: []Contact{{Name: "张伟", Title: "经理", Phone: "13800138000", Email: "zw@bjkj.com", Primary: true}},
		}
	}
	person := full(KindPerson)
	person.Contacts[0].Title = ""
	person.Category, person.Ownership, person.Size, person.DecisionProcess = "", OwnershipNone, "", ""
	companyNoTitle := full(KindCompany)
	companyNoTitle.Contacts[0].Title = ""
	secondaryPrimary := full(KindCompany)
	secondaryPrimary.Contacts = []Contact{{Name: "李娜"}, {Name: "张伟", Title: "经理", Phone: "13800138000", Email: "zw@bjkj.com", Primary: true}}
	cases := []struct {
		name    string
		c       Customer
		filled  int
		total   int
		percent int
		missing []string
	}{
		{"full company", full(KindCompany), 18, 18, 100, nil},
		{"full person skips company fields and title", person, 14, 14, 100, nil},
		{"company without contact title", companyNoTitle, 17, 18, 94, []string{"title"}},
		{"empty company", Customer{Kind: KindCompany}, 0, 18, 0, []string{"name", "industry", "region", "contact", "phone", "email", "title", "needs", "budget", "source", "owner", "first_contact", "next_follow_up", "man", "category", "ownership", "size", "decision_process"}},
		{"empty person", Customer{Kind: KindPerson}, 1, 14, 7, []string{"name", "industry", "region", "contact", "phone", "email", "needs", "budget", "source", "owner", "first_contact", "next_follow_up", "man"}},
		{"empty kind counts as company", Customer{Name: "x"}, 1, 18, 5, nil},
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
	if p := (Completeness{}).Percent(); p != 100 {
		t.Errorf("empty Completeness Percent = %d; want 100", p)
	}
}

func ExampleSuggestGrade() {
	now := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	c := Customer{
		AnnualPurchase:   AmountFromYuan(600_000),
		CooperationSince: time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC),
		Referral:         LevelHigh,
	}
	g, why := SuggestGrade(&c, DefaultGradeRules, now)
	fmt.Println(g, why)

	c.Referral = LevelLow
	g, why = SuggestGrade(&c, DefaultGradeRules, now)
	fmt.Println(g, why)

	c.GradeOverride = GradeA // a manager's decision; the suggestion stays B
	fmt.Println(c.Grade(DefaultGradeRules, now))
	// Output:
	// A a_vip
	// B b_key
	// A
}

func ExampleMAN_Advice() {
	fmt.Println(MAN{Money: true, Authority: true, Need: true}.Advice())
	fmt.Println(MAN{Money: true, Need: true}.Advice())
	fmt.Println(MAN{Need: true}.Advice())
	fmt.Println(MAN{}.Advice())
	// Output:
	// ideal
	// find_authority
	// nurture
	// stop
}

func ExampleCheckContactCap() {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, time.UTC) }
	earlier := []FollowUp{
		{Date: day(3, 2), Proactive: true},
		{Date: day(3, 9), Proactive: true},
		{Date: day(3, 10)}, // the customer called back: not a push
	}
	fmt.Printf("%q\n", CheckContactCap(GradeC, earlier[:1], day(3, 20), DefaultContactCaps))
	fmt.Printf("%q\n", CheckContactCap(GradeC, earlier, day(3, 20), DefaultContactCaps))
	fmt.Printf("%q\n", CheckContactCap(GradeA, earlier[1:], day(3, 11), DefaultContactCaps))
	// Output:
	// ""
	// "month"
	// "week"
}

func ExampleReviewDue() {
	now := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	lastWeek := now.AddDate(0, 0, -7)
	fmt.Println(ReviewDue(GradeA, now, now))
	fmt.Println(ReviewDue(GradeB, lastWeek, now))
	fmt.Println(ReviewDue(GradeC, lastWeek, now))
	fmt.Println(ReviewDue(GradeD, time.Time{}, now))
	fmt.Println(ReviewDue(GradeC, time.Time{}, now))
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
		c         Customer
		segmented bool
		want      ValueBasis
	}{
		{"annual purchase, no won deal", Customer{AnnualPurchase: yuan(285_000)}, false, ValueCardOnly},
		{"customer status, no amount, no won deal", Customer{Status: StatusCustomer}, false, ValueCardOnly},
		{"won deals", Customer{AnnualPurchase: yuan(285_000)}, true, ValueSegmented},
		{"won deals on a prospect card", Customer{Status: StatusProspect}, true, ValueSegmented},
		{"prospect with nothing", Customer{Status: StatusProspect, MAN: MAN{Need: true}}, false, ValueNoSales},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ValueBasisOf(&tc.c, tc.segmented)
			if got != tc.want {
				t.Errorf("ValueBasisOf = %d, want %d", got, tc.want)
			}
			// a grade that says "has purchased" and a value line that says "no sales" never meet
			g, _ := SuggestGrade(&tc.c, DefaultGradeRules, time.Date(2026, 12, 2, 0, 0, 0, 0, time.Local))
			if (g == GradeC || g == GradeB || g == GradeA) && got == ValueNoSales {
				t.Errorf("graded %s as a buyer, but the value line says no sales", g)
			}
		})
	}
}
