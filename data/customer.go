// Package data holds SalesDesk's domain types, the rules of the trade (grading, scoring, stages,
// metrics, validation, the roles' permissions) and the Service interface that the window and the
// command line talk to. It reads and writes no file: the store behind Service is data/storage, the
// only package that imports bbolt or storm (CI checks it). It never imports fyne either, so that an
// office server with no window can serve the same calls.
package data

import (
	"strings"
	"time"
)

// Enumerations are stored as short English words rather than numbers so that a JSON export or a
// look at the file stays readable, and so that reordering a list in code never changes stored meaning.

// CustomerKind tells a company card from a person card.
type CustomerKind string

const (
	KindCompany CustomerKind = "company"
	KindPerson  CustomerKind = "person"
)

// Ownership is the company's form of ownership (企业性质).
type Ownership string

const (
	OwnershipNone       Ownership = ""
	OwnershipState      Ownership = "state"      // 国有
	OwnershipCollective Ownership = "collective" // 集体
	OwnershipPrivate    Ownership = "private"    // 个体
	OwnershipJointVent  Ownership = "joint"      // 合资
	OwnershipGovernment Ownership = "government" // 政府
)

// Ownerships lists the choices in display order.
var Ownerships = []Ownership{OwnershipState, OwnershipCollective, OwnershipPrivate, OwnershipJointVent, OwnershipGovernment}

// Status is where the customer stands with the team.
type Status string

const (
	StatusProspect   Status = "prospect"   // 潜在
	StatusInterested Status = "interested" // 意向
	StatusCustomer   Status = "customer"   // 成交
	StatusLost       Status = "lost"       // 流失
	StatusInvalid    Status = "invalid"    // 无效
)

// Statuses lists the choices in display order.
var Statuses = []Status{StatusProspect, StatusInterested, StatusCustomer, StatusLost, StatusInvalid}

// Grade is the customer grade (客户等级).
type Grade string

const (
	GradeNone Grade = ""
	GradeA    Grade = "A"
	GradeB    Grade = "B"
	GradeC    Grade = "C"
	GradeD    Grade = "D"
)

// Grades lists the grades from best to least.
var Grades = []Grade{GradeA, GradeB, GradeC, GradeD}

// Lifecycle is the relationship's stage (seed 003).
type Lifecycle string

const (
	LifecycleNone        Lifecycle = ""
	LifecycleExploration Lifecycle = "exploration" // 考察期
	LifecycleFormation   Lifecycle = "formation"   // 形成期
	LifecycleMaturity    Lifecycle = "maturity"    // 成熟期
	LifecycleDecline     Lifecycle = "decline"     // 衰退期
)

// Lifecycles lists the choices in display order.
var Lifecycles = []Lifecycle{LifecycleExploration, LifecycleFormation, LifecycleMaturity, LifecycleDecline}

// Source is where the customer came from (来源).
type Source string

const (
	SourceNone             Source = ""
	SourceTradeShow        Source = "trade_show"        // 展会
	SourceWebsite          Source = "website"           // 官网
	SourceReferral         Source = "referral"          // 转介绍
	SourceColdVisit        Source = "cold_visit"        // 陌拜
	SourceConference       Source = "conference"        // 行业会议
	SourceAdResponse       Source = "ad_response"       // 广告反馈
	SourceCustomerReferral Source = "customer_referral" // 老用户推荐
	SourceProspecting      Source = "prospecting"       // 主动发掘
	SourceRepeatPurchase   Source = "repeat_purchase"   // 追加购买
	SourceTelesales        Source = "telesales"         // 电话营销
)

// Sources lists the choices in display order.
var Sources = []Source{SourceTradeShow, SourceWebsite, SourceReferral, SourceColdVisit, SourceConference,
	SourceAdResponse, SourceCustomerReferral, SourceProspecting, SourceRepeatPurchase, SourceTelesales}

// Level is a three-step rating (referral potential).
type Level string

const (
	LevelNone   Level = ""
	LevelHigh   Level = "high"
	LevelMedium Level = "medium"
	LevelLow    Level = "low"
)

// Levels lists the choices from high to low.
var Levels = []Level{LevelHigh, LevelMedium, LevelLow}

// Credit is the customer's credit rating (信用).
type Credit string

const (
	CreditNone Credit = ""
	CreditGood Credit = "good"
	CreditFair Credit = "fair"
	CreditPoor Credit = "poor"
)

// Credits lists the choices from good to poor.
var Credits = []Credit{CreditGood, CreditFair, CreditPoor}

// ContactRole is a contact's part in the purchase (seed 002: find the insider, the four influencers).
type ContactRole string

const (
	RoleNone           ContactRole = ""
	RoleDecisionMaker  ContactRole = "decision_maker" // 决策者
	RoleInfluencer     ContactRole = "influencer"     // 影响者
	RoleUser           ContactRole = "user"           // 使用者
	RoleTechEvaluator  ContactRole = "tech_evaluator" // 技术评估者
	RoleInsider        ContactRole = "insider"        // 内线
	RoleContactUnknown ContactRole = "other"
)

// ContactRoles lists the choices in display order.
var ContactRoles = []ContactRole{RoleDecisionMaker, RoleInfluencer, RoleUser, RoleTechEvaluator, RoleInsider, RoleContactUnknown}

// DefaultCategories is seed 004's list of business categories (业种); the team edits it in Settings.
var DefaultCategories = []string{
	"国际零件经销商", "国际商品经销商", "区域电器商店", "区域专卖店", "区域量贩店", "区域DIY商店", "其他",
}

// Contact is one person at the customer.
type Contact struct {
	Name     string      `json:"name" msgpack:"n"`
	Title    string      `json:"title" msgpack:"t"`
	Phone    string      `json:"phone" msgpack:"p"`
	Email    string      `json:"email" msgpack:"e"`
	Birthday time.Time   `json:"birthday" msgpack:"b"`
	Role     ContactRole `json:"role" msgpack:"r"`
	Primary  bool        `json:"primary" msgpack:"pr"`
	Notes    string      `json:"notes" msgpack:"no"`
}

// MAN is seed 001's assessment: Money, Authority, Need.
type MAN struct {
	Money     bool `json:"money" msgpack:"m"`
	Authority bool `json:"authority" msgpack:"a"`
	Need      bool `json:"need" msgpack:"n"`
}

// MANAdvice names the guidance for one combination of the MAN assessment.
type MANAdvice string

const (
	MANIdeal          MANAdvice = "ideal"           // M+A+N
	MANSkilledSelling MANAdvice = "skilled_selling" // M+A+n
	MANFindAuthority  MANAdvice = "find_authority"  // M+a+N
	MANCheckCredit    MANAdvice = "check_credit"    // m+A+N
	MANNurture        MANAdvice = "nurture"         // m+a+N, m+A+n, M+a+n
	MANStop           MANAdvice = "stop"            // m+a+n
)

// Advice returns seed 001's guidance for this combination.
func (m MAN) Advice() MANAdvice {
	switch {
	case m.Money && m.Authority && m.Need:
		return MANIdeal
	case m.Money && m.Authority:
		return MANSkilledSelling
	case m.Money && m.Need:
		return MANFindAuthority
	case m.Authority && m.Need:
		return MANCheckCredit
	case m.Money || m.Authority || m.Need:
		return MANNurture
	default:
		return MANStop
	}
}

// Customer is the customer card (客户资料卡). Amounts are in fen so that sums are exact.
type Customer struct {
	ID     uint64       `json:"id" msgpack:"id"`
	CardNo string       `json:"card_no" msgpack:"cn"`
	Kind   CustomerKind `json:"kind" msgpack:"k"`
	Name   string       `json:"name" msgpack:"nm"`

	Industry  string    `json:"industry" msgpack:"in"`
	Category  string    `json:"category" msgpack:"ca"`
	Ownership Ownership `json:"ownership" msgpack:"ow"`
	Region    string    `json:"region" msgpack:"rg"`
	Size      string    `json:"size" msgpack:"sz"`

	Contacts []Contact `json:"contacts" msgpack:"co"`

	Needs           string `json:"needs" msgpack:"nd"`
	Budget          Amount `json:"budget" msgpack:"bu"`
	Preferences     string `json:"preferences" msgpack:"pf"`
	DecisionProcess string `json:"decision_process" msgpack:"dp"`
	NeedStage       string `json:"need_stage" msgpack:"ns"`

	Source       Source    `json:"source" msgpack:"so"`
	OwnerID      uint64    `json:"owner_id" msgpack:"oi"`
	FirstContact time.Time `json:"first_contact" msgpack:"fc"`
	// LastFollowUp is derived from the follow-up records; the store keeps it in step.
	LastFollowUp time.Time `json:"last_follow_up" msgpack:"lf"`
	NextFollowUp time.Time `json:"next_follow_up" msgpack:"nf"`
	NextAction   string    `json:"next_action" msgpack:"na"`
	// The next follow-up's time (zero: all day), kind and reminder (activity.go).
	NextTime   TimeOfDay    `json:"next_time,omitempty" msgpack:"nt,omitempty"`
	NextKind   ActivityKind `json:"next_kind,omitempty" msgpack:"nk,omitempty"`
	NextRemind Reminder     `json:"next_remind,omitempty" msgpack:"nr,omitempty"`
	Status     Status       `json:"status" msgpack:"st"`
	// GradeOverride is a manager's decision; the suggestion stays computed beside it.
	GradeOverride Grade     `json:"grade_override" msgpack:"go"`
	Lifecycle     Lifecycle `json:"lifecycle" msgpack:"lc"`
	Tags          []string  `json:"tags" msgpack:"tg"`
	LastReviewed  time.Time `json:"last_reviewed" msgpack:"lr"`

	AnnualPurchase   Amount    `json:"annual_purchase" msgpack:"ap"`
	CooperationSince time.Time `json:"cooperation_since" msgpack:"cs"`
	Referral         Level     `json:"referral" msgpack:"rf"`
	Credit           Credit    `json:"credit" msgpack:"cr"`
	CreditLimit      Amount    `json:"credit_limit" msgpack:"cl"`
	Receivables      Amount    `json:"receivables" msgpack:"rc"`

	MAN   MAN    `json:"man" msgpack:"mn"`
	Notes string `json:"notes" msgpack:"no"`

	Archived   bool      `json:"archived" msgpack:"ar"`
	ArchivedAt time.Time `json:"archived_at" msgpack:"aa"`

	CreatedAt time.Time `json:"created_at" msgpack:"ct"`
	CreatedBy uint64    `json:"created_by" msgpack:"cb"`
	UpdatedAt time.Time `json:"updated_at" msgpack:"ut"`
	UpdatedBy uint64    `json:"updated_by" msgpack:"ub"`
	// Version rises with every save; a save carrying an older version was edited elsewhere meanwhile.
	Version uint64 `json:"version" msgpack:"v"`
}

// PrimaryContact returns the contact flagged primary, else the first, else a zero contact.
func (c *Customer) PrimaryContact() Contact {
	for _, ct := range c.Contacts {
		if ct.Primary {
			return ct
		}
	}
	if len(c.Contacts) > 0 {
		return c.Contacts[0]
	}
	return Contact{}
}

// SetPrimary makes contact i the only primary one.
func (c *Customer) SetPrimary(i int) {
	for j := range c.Contacts {
		c.Contacts[j].Primary = j == i
	}
}

// Grade returns the grade in force: the manager's override, else the rules' suggestion.
func (c *Customer) Grade(rules GradeRules, now time.Time) Grade {
	if c.GradeOverride != GradeNone {
		return c.GradeOverride
	}
	g, _ := SuggestGrade(c, rules, now)
	return g
}

// Completeness is the share of the card's important fields that are filled in, and which are not.
type Completeness struct {
	Filled  int
	Total   int
	Missing []string // field keys, translated by the GUI
}

// Percent returns the filled share as a whole percentage.
func (c Completeness) Percent() int {
	if c.Total == 0 {
		return 100
	}
	return c.Filled * 100 / c.Total
}

// Completeness reports how complete the card is. The fields are those a successor needs to carry on
// from the card (seed 001), so a person card is not asked for company-only fields.
func (c *Customer) Completeness() Completeness {
	type check struct {
		key string
		ok  bool
	}
	pc := c.PrimaryContact()
	checks := []check{
		{"name", strings.TrimSpace(c.Name) != ""},
		{"industry", c.Industry != ""},
		{"region", c.Region != ""},
		{"contact", pc.Name != ""},
		{"phone", pc.Phone != ""},
		{"email", pc.Email != ""},
		{"title", pc.Title != "" || c.Kind == KindPerson},
		{"needs", c.Needs != ""},
		{"budget", c.Budget > 0},
		{"source", c.Source != SourceNone},
		{"owner", c.OwnerID != 0},
		{"first_contact", !c.FirstContact.IsZero()},
		{"next_follow_up", !c.NextFollowUp.IsZero()},
		{"man", c.MAN != MAN{}},
	}
	if c.Kind != KindPerson {
		checks = append(checks,
			check{"category", c.Category != ""},
			check{"ownership", c.Ownership != OwnershipNone},
			check{"size", c.Size != ""},
			check{"decision_process", c.DecisionProcess != ""},
		)
	}
	var out Completeness
	for _, ch := range checks {
		out.Total++
		if ch.ok {
			out.Filled++
		} else {
			out.Missing = append(out.Missing, ch.key)
		}
	}
	return out
}

// Member is a person on the team; customers' owners point at members.
type Member struct {
	ID   uint64 `json:"id" msgpack:"id"`
	Name string `json:"name" msgpack:"n"`
	// Login is the name the member signs in with: unique in the team, compared without case.
	Login  string     `json:"login,omitempty" msgpack:"l,omitempty"`
	Role   MemberRole `json:"role" msgpack:"r"`
	Phone  string     `json:"phone" msgpack:"p"`
	Email  string     `json:"email" msgpack:"e"`
	Active bool       `json:"active" msgpack:"a"`
}

// MemberRole is a team member's role (seed 001, 004).
type MemberRole string

const (
	MemberRep     MemberRole = "rep"     // 销售人员
	MemberManager MemberRole = "manager" // 销售经理
	MemberAdmin   MemberRole = "admin"   // 管理员
)

// MemberRoles lists the roles in display order.
var MemberRoles = []MemberRole{MemberRep, MemberManager, MemberAdmin}

// Actor is who makes a change. Every store write takes one so that a later office mode and login can
// fill it in without changing the calls.
type Actor struct {
	MemberID uint64
	Name     string
}

// System is the actor for changes nobody on the team made (migrations, demo data).
var System = Actor{Name: "system"}
