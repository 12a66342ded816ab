package data

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// An imported sheet's columns are matched to the fields below by their headers: the templates' Chinese
// headers (seed 000: 客户信息管理表, 销售机会跟进表, 客户回访记录表), their English equivalents, and the
// synonyms people write instead. Exports write the same headers, so an export reads back.

// ImportField names a field a column can fill: "name", "contact.phone", "contact2.phone",
// "opp.amount", "fu.date" …; "" leaves a column out.
type ImportField string

// FieldGroup is the record a field belongs to.
type FieldGroup string

const (
	GroupCustomer    FieldGroup = "customer"
	GroupContact     FieldGroup = "contact"
	GroupOpportunity FieldGroup = "opportunity"
	GroupFollowUp    FieldGroup = "followup"
)

// MaxImportContacts is how many contacts one row can carry (联系人, 联系人2 … 联系人5).
const MaxImportContacts = 5

// FieldDef describes one target field: its key, group, labels and the header spellings it answers to.
type FieldDef struct {
	Key   ImportField
	Group FieldGroup
	ZH    string // the header exports write in Chinese
	EN    string // the header exports write in English
	// Required fields must be mapped for the sheet's kind of record.
	Required bool
	synonyms []string
	// ambiguous spellings also name a field of another group; the sheet's other columns decide.
	ambiguous []string
}

// Field keys. Contact fields have one key per slot: contact.name is the first contact, contact2.name
// the second, up to MaxImportContacts.
const (
	FieldCardNo           ImportField = "card_no"
	FieldName             ImportField = "name"
	FieldKind             ImportField = "kind"
	FieldIndustry         ImportField = "industry"
	FieldCategory         ImportField = "category"
	FieldOwnership        ImportField = "ownership"
	FieldRegion           ImportField = "region"
	FieldSize             ImportField = "size"
	FieldNeeds            ImportField = "needs"
	FieldBudget           ImportField = "budget"
	FieldPreferences      ImportField = "preferences"
	FieldDecisionProcess  ImportField = "decision_process"
	FieldNeedStage        ImportField = "need_stage"
	FieldSource           ImportField = "source"
	FieldOwner            ImportField = "owner"
	FieldFirstContact     ImportField = "first_contact"
	FieldLastFollowUp     ImportField = "last_follow_up"
	FieldNextFollowUp     ImportField = "next_follow_up"
	FieldNextAction       ImportField = "next_action"
	FieldStatus           ImportField = "status"
	FieldGrade            ImportField = "grade"
	FieldLifecycle        ImportField = "lifecycle"
	FieldTags             ImportField = "tags"
	FieldAnnualPurchase   ImportField = "annual_purchase"
	FieldCooperationSince ImportField = "cooperation_since"
	FieldReferral         ImportField = "referral"
	FieldCredit           ImportField = "credit"
	FieldCreditLimit      ImportField = "credit_limit"
	FieldReceivables      ImportField = "receivables"
	FieldNotes            ImportField = "notes"
	FieldArchived         ImportField = "archived"

	FieldContactName     ImportField = "contact.name"
	FieldContactTitle    ImportField = "contact.title"
	FieldContactPhone    ImportField = "contact.phone"
	FieldContactEmail    ImportField = "contact.email"
	FieldContactBirthday ImportField = "contact.birthday"
	FieldContactRole     ImportField = "contact.role"
	FieldContactNotes    ImportField = "contact.notes"
	// FieldContactInfo is template 1's one column "联系人信息(姓名/职位/电话/邮箱)".
	FieldContactInfo ImportField = "contact.info"

	FieldOppNumber      ImportField = "opp.number"
	FieldOppTitle       ImportField = "opp.title"
	FieldOppSource      ImportField = "opp.source"
	FieldOppAmount      ImportField = "opp.amount"
	FieldOppCloseDate   ImportField = "opp.close_date"
	FieldOppStage       ImportField = "opp.stage"
	FieldOppOwner       ImportField = "opp.owner"
	FieldOppMilestones  ImportField = "opp.milestones"
	FieldOppSummary     ImportField = "opp.summary"
	FieldOppCompetition ImportField = "opp.competition"
	FieldOppRisk        ImportField = "opp.risk"
	FieldOppBudget      ImportField = "opp.budget_score"
	FieldOppUrgency     ImportField = "opp.urgency_score"
	FieldOppAuthority   ImportField = "opp.authority_score"
	FieldOppWonDate     ImportField = "opp.won_date"
	FieldOppLostReason  ImportField = "opp.lost_reason"
	FieldOppLostTo      ImportField = "opp.lost_to"
	FieldOppCreated     ImportField = "opp.created"

	FieldFUDate     ImportField = "fu.date"
	FieldFUMethod   ImportField = "fu.method"
	FieldFUBy       ImportField = "fu.by"
	FieldFUContact  ImportField = "fu.contact"
	FieldFUTopic    ImportField = "fu.topic"
	FieldFUFeedback ImportField = "fu.feedback"
	FieldFUAction   ImportField = "fu.action"
	FieldFUDeadline ImportField = "fu.deadline"
	FieldFUResult   ImportField = "fu.result"
)

// baseFields lists every field once (contacts in their first slot), in the order exports write them.
var baseFields = []FieldDef{
	{Key: FieldCardNo, Group: GroupCustomer, ZH: "客户编号", EN: "Card No.",
		synonyms: []string{"编号", "客户卡号", "卡号", "资料卡编号", "card number", "card", "customer no", "customer number", "customer id"}},
	{Key: FieldName, Group: GroupCustomer, ZH: "客户名称", EN: "Customer", Required: true,
		synonyms: []string{"客户名", "客户", "公司名称", "公司", "公司名", "企业名称", "单位名称", "单位", "客户全称",
			"customer name", "company", "company name", "account", "account name", "name"}},
	{Key: FieldKind, Group: GroupCustomer, ZH: "客户类型", EN: "Kind", synonyms: []string{"类型", "客户类别", "type", "customer type"}},
	{Key: FieldIndustry, Group: GroupCustomer, ZH: "所属行业", EN: "Industry", synonyms: []string{"行业", "行业类别", "sector"}},
	{Key: FieldCategory, Group: GroupCustomer, ZH: "业种", EN: "Business category", synonyms: []string{"业务类别", "category"}},
	{Key: FieldOwnership, Group: GroupCustomer, ZH: "企业性质", EN: "Ownership", synonyms: []string{"所有制", "公司性质"}},
	{Key: FieldRegion, Group: GroupCustomer, ZH: "地区", EN: "Region",
		synonyms: []string{"区域", "所在地区", "所在地", "城市", "省份", "省市", "area", "city", "location"}},
	{Key: FieldSize, Group: GroupCustomer, ZH: "企业规模", EN: "Company size", synonyms: []string{"规模", "公司规模", "人数", "size", "employees"}},
	{Key: FieldNeeds, Group: GroupCustomer, ZH: "需求描述", EN: "Needs",
		synonyms: []string{"需求", "客户需求", "needs description", "requirement", "requirements", "need"}},
	{Key: FieldBudget, Group: GroupCustomer, ZH: "采购预算", EN: "Budget", synonyms: []string{"预算", "purchase budget"}},
	{Key: FieldPreferences, Group: GroupCustomer, ZH: "产品偏好", EN: "Preferences", synonyms: []string{"偏好", "product preferences"}},
	{Key: FieldDecisionProcess, Group: GroupCustomer, ZH: "决策流程", EN: "Decision process", synonyms: []string{"决策过程"}},
	{Key: FieldNeedStage, Group: GroupCustomer, ZH: "需求阶段", EN: "Need stage", synonyms: []string{"需求状态"}},
	{Key: FieldSource, Group: GroupCustomer, ZH: "客户来源", EN: "Source",
		synonyms: []string{"获客渠道", "customer source", "lead source"}, ambiguous: []string{"来源", "渠道", "source"}},
	{Key: FieldOwner, Group: GroupCustomer, ZH: "跟进人", EN: "Owner",
		synonyms:  []string{"客户经理", "业务员", "销售员", "销售人员", "所属销售", "销售代表", "sales rep", "account owner", "salesperson"},
		ambiguous: []string{"跟进人", "负责人", "owner", "sales"}},
	{Key: FieldFirstContact, Group: GroupCustomer, ZH: "首次接触时间", EN: "First contact",
		synonyms: []string{"首次接触", "首次接触日期", "首次联系时间", "首次联系日期", "first contact date"}},
	{Key: FieldLastFollowUp, Group: GroupCustomer, ZH: "最后跟进时间", EN: "Last follow-up",
		synonyms: []string{"最后跟进", "最后跟进日期", "最近跟进时间", "最近跟进", "最近联系时间", "last contact", "last follow up date"}},
	{Key: FieldNextFollowUp, Group: GroupCustomer, ZH: "下次跟进计划", EN: "Next follow-up",
		synonyms: []string{"下次跟进", "下次跟进时间", "下次跟进日期", "下次联系时间", "跟进计划", "next follow up date", "next contact"}},
	{Key: FieldNextAction, Group: GroupCustomer, ZH: "下次跟进事项", EN: "Next action",
		synonyms: []string{"下次跟进内容", "下一步", "下一步行动", "next step"}},
	{Key: FieldStatus, Group: GroupCustomer, ZH: "客户状态", EN: "Status", synonyms: []string{"状态", "customer status"}},
	{Key: FieldGrade, Group: GroupCustomer, ZH: "客户等级", EN: "Grade",
		synonyms: []string{"等级", "级别", "客户级别", "客户分级", "customer grade", "level", "rating", "class"}},
	{Key: FieldLifecycle, Group: GroupCustomer, ZH: "生命周期", EN: "Lifecycle", synonyms: []string{"生命周期阶段", "lifecycle stage"}},
	{Key: FieldTags, Group: GroupCustomer, ZH: "标签", EN: "Tags", synonyms: []string{"客户标签", "tag", "labels"}},
	{Key: FieldAnnualPurchase, Group: GroupCustomer, ZH: "年采购额", EN: "Annual purchase",
		synonyms: []string{"年采购金额", "年度采购额", "年销售额", "annual purchases", "annual revenue"}},
	{Key: FieldCooperationSince, Group: GroupCustomer, ZH: "合作开始", EN: "Cooperating since",
		synonyms: []string{"合作开始时间", "合作开始日期", "合作时间", "开始合作时间", "customer since", "cooperation since"}},
	{Key: FieldReferral, Group: GroupCustomer, ZH: "推荐潜力", EN: "Referral potential", synonyms: []string{"referral"}},
	{Key: FieldCredit, Group: GroupCustomer, ZH: "信用", EN: "Credit", synonyms: []string{"信用等级", "信用评级", "credit rating"}},
	{Key: FieldCreditLimit, Group: GroupCustomer, ZH: "信用额度", EN: "Credit limit", synonyms: []string{"授信额度"}},
	{Key: FieldReceivables, Group: GroupCustomer, ZH: "应收", EN: "Receivables", synonyms: []string{"应收账款", "应收款", "应收金额"}},
	{Key: FieldNotes, Group: GroupCustomer, ZH: "备注", EN: "Notes", synonyms: []string{"说明", "附注", "notes", "remarks", "remark", "comments", "comment", "memo"}},
	{Key: FieldArchived, Group: GroupCustomer, ZH: "已归档", EN: "Archived", synonyms: []string{"归档"}},

	{Key: FieldContactName, Group: GroupContact, ZH: "联系人", EN: "Contact",
		synonyms: []string{"联系人姓名", "姓名", "联系人名称", "contact name", "contact person"}, ambiguous: []string{"联系人", "contact"}},
	{Key: FieldContactTitle, Group: GroupContact, ZH: "职位", EN: "Title",
		synonyms: []string{"职务", "岗位", "联系人职位", "头衔", "position", "job title"}, ambiguous: []string{"title"}},
	{Key: FieldContactPhone, Group: GroupContact, ZH: "电话", EN: "Phone",
		synonyms: []string{"手机", "手机号", "手机号码", "联系电话", "电话号码", "联系方式", "座机", "联系人电话", "移动电话",
			"phone number", "mobile", "mobile phone", "cell", "tel", "telephone"}},
	{Key: FieldContactEmail, Group: GroupContact, ZH: "邮箱", EN: "Email",
		synonyms: []string{"电子邮件", "电子邮箱", "邮件地址", "邮件", "联系人邮箱", "email address", "mail", "e-mail"}},
	{Key: FieldContactBirthday, Group: GroupContact, ZH: "生日", EN: "Birthday", synonyms: []string{"出生日期", "联系人生日", "date of birth", "birth date"}},
	{Key: FieldContactRole, Group: GroupContact, ZH: "采购角色", EN: "Contact role", synonyms: []string{"联系人角色", "角色"}},
	{Key: FieldContactNotes, Group: GroupContact, ZH: "联系人备注", EN: "Contact notes"},
	{Key: FieldContactInfo, Group: GroupContact, ZH: "联系人信息", EN: "Contact info",
		synonyms: []string{"联系人信息姓名职位电话邮箱", "contact details", "contact information"}},

	{Key: FieldOppNumber, Group: GroupOpportunity, ZH: "机会编号", EN: "Opportunity No.",
		synonyms: []string{"商机编号", "销售机会编号", "机会号", "opportunity number", "opportunity no", "deal no", "deal number"}},
	{Key: FieldOppTitle, Group: GroupOpportunity, ZH: "机会名称", EN: "Opportunity",
		synonyms:  []string{"商机名称", "销售机会", "机会", "项目名称", "项目", "商机", "opportunity name", "deal", "deal name", "project"},
		ambiguous: []string{"title", "标题"}},
	{Key: FieldOppSource, Group: GroupOpportunity, ZH: "机会来源", EN: "Opportunity source", synonyms: []string{"商机来源", "deal source"},
		ambiguous: []string{"来源", "渠道", "source"}},
	{Key: FieldOppAmount, Group: GroupOpportunity, ZH: "预计成交金额", EN: "Expected amount",
		synonyms: []string{"预计金额", "成交金额", "金额", "合同金额", "预计成交额", "商机金额", "amount", "deal value", "value", "expected value"}},
	{Key: FieldOppCloseDate, Group: GroupOpportunity, ZH: "预计成交日期", EN: "Expected close",
		synonyms: []string{"预计成交时间", "预计签约日期", "预计结单日期", "expected close date", "close date"}},
	{Key: FieldOppStage, Group: GroupOpportunity, ZH: "当前阶段", EN: "Stage",
		synonyms: []string{"销售阶段", "商机阶段", "机会阶段", "阶段", "current stage", "sales stage", "deal stage"}},
	{Key: FieldOppOwner, Group: GroupOpportunity, ZH: "负责人", EN: "Deal owner", synonyms: []string{"机会负责人", "商机负责人", "deal owner"},
		ambiguous: []string{"负责人", "跟进人", "owner", "sales"}},
	{Key: FieldOppMilestones, Group: GroupOpportunity, ZH: "关键节点", EN: "Milestones", synonyms: []string{"里程碑", "milestone"}},
	{Key: FieldOppSummary, Group: GroupOpportunity, ZH: "沟通记录摘要", EN: "Communication summary",
		synonyms: []string{"沟通记录", "沟通摘要", "沟通情况", "summary"}},
	{Key: FieldOppCompetition, Group: GroupOpportunity, ZH: "竞争情况", EN: "Competition", synonyms: []string{"竞争对手", "竞品", "competitors"}},
	{Key: FieldOppRisk, Group: GroupOpportunity, ZH: "风险评估", EN: "Risk", synonyms: []string{"风险", "风险等级", "risk assessment"}},
	{Key: FieldOppBudget, Group: GroupOpportunity, ZH: "预算评分", EN: "Budget score", synonyms: []string{"预算分"}},
	{Key: FieldOppUrgency, Group: GroupOpportunity, ZH: "紧急度评分", EN: "Urgency score", synonyms: []string{"需求紧急度", "紧急度"}},
	{Key: FieldOppAuthority, Group: GroupOpportunity, ZH: "决策权评分", EN: "Authority score", synonyms: []string{"决策权限", "决策权"}},
	{Key: FieldOppWonDate, Group: GroupOpportunity, ZH: "成交日期", EN: "Won date", synonyms: []string{"签约日期", "实际成交日期", "won on"}},
	{Key: FieldOppLostReason, Group: GroupOpportunity, ZH: "丢单原因", EN: "Lost reason", synonyms: []string{"输单原因", "loss reason"}},
	{Key: FieldOppLostTo, Group: GroupOpportunity, ZH: "输给", EN: "Lost to", synonyms: []string{"丢单给", "赢单竞争对手"}},
	{Key: FieldOppCreated, Group: GroupOpportunity, ZH: "创建日期", EN: "Created", synonyms: []string{"创建时间", "登记日期", "created on", "created date"}},

	{Key: FieldFUDate, Group: GroupFollowUp, ZH: "回访日期", EN: "Date", Required: true,
		synonyms: []string{"日期", "跟进日期", "跟进时间", "回访时间", "拜访日期", "沟通日期", "联系日期", "follow-up date", "follow up date", "visit date"}},
	{Key: FieldFUMethod, Group: GroupFollowUp, ZH: "回访方式", EN: "Method",
		synonyms: []string{"方式", "跟进方式", "联系方式类型", "沟通方式", "channel", "contact method"}},
	{Key: FieldFUBy, Group: GroupFollowUp, ZH: "回访人", EN: "By",
		synonyms: []string{"跟进人员", "拜访人", "记录人", "author", "follow-up by", "followed up by"}, ambiguous: []string{"跟进人", "负责人"}},
	{Key: FieldFUContact, Group: GroupFollowUp, ZH: "对接人", EN: "Contacted", synonyms: []string{"受访人", "回访对象", "contacted person"},
		ambiguous: []string{"联系人", "contact"}},
	{Key: FieldFUTopic, Group: GroupFollowUp, ZH: "沟通主题", EN: "Topic", Required: true,
		synonyms: []string{"主题", "回访主题", "跟进主题", "跟进内容", "回访内容", "subject"}},
	{Key: FieldFUFeedback, Group: GroupFollowUp, ZH: "客户反馈", EN: "Feedback", synonyms: []string{"反馈", "customer feedback"}},
	{Key: FieldFUAction, Group: GroupFollowUp, ZH: "处理措施", EN: "Action taken",
		synonyms: []string{"采取措施", "措施", "处理方式", "跟进措施", "action"}},
	{Key: FieldFUDeadline, Group: GroupFollowUp, ZH: "完成时限", EN: "Deadline", synonyms: []string{"期限", "时限", "截止日期", "due", "due date"}},
	{Key: FieldFUResult, Group: GroupFollowUp, ZH: "结果确认", EN: "Result", synonyms: []string{"结果", "处理结果", "result confirmation", "outcome"}},
}

// importFields is baseFields with the contact fields repeated for every slot.
var importFields, fieldIndex = func() ([]FieldDef, map[ImportField]int) {
	var all []FieldDef
	all = append(all, baseFields...)
	for slot := 2; slot <= MaxImportContacts; slot++ {
		for _, d := range baseFields {
			if d.Group != GroupContact || d.Key == FieldContactInfo {
				continue
			}
			n := strconv.Itoa(slot)
			all = append(all, FieldDef{Key: ContactSlotField(d.Key, slot), Group: GroupContact, ZH: d.ZH + n, EN: d.EN + " " + n})
		}
	}
	idx := make(map[ImportField]int, len(all))
	for i, d := range all {
		idx[d.Key] = i
	}
	return all, idx
}()

// ImportFields lists every field a column can be mapped to, for the mapping step's menus.
func ImportFields() []FieldDef { return append([]FieldDef(nil), importFields...) }

// Def returns a field's definition.
func (f ImportField) Def() (FieldDef, bool) {
	i, ok := fieldIndex[f]
	if !ok {
		return FieldDef{}, false
	}
	return importFields[i], true
}

// Label is the field's header in "zh" or "en".
func (f ImportField) Label(lang string) string {
	d, ok := f.Def()
	if !ok {
		return string(f)
	}
	if lang == "zh" {
		return d.ZH
	}
	return d.EN
}

// ContactSlotField names a contact field of slot (1-based): contact.phone in slot 2 is contact2.phone.
func ContactSlotField(base ImportField, slot int) ImportField {
	if slot <= 1 {
		return base
	}
	return ImportField(strings.Replace(string(base), "contact.", "contact"+strconv.Itoa(slot)+".", 1))
}

// normHeader folds a header to the key the synonyms are matched by: NFKC (full-width letters and
// brackets become ASCII), lower case, a unit in trailing brackets cut off ("预计成交金额(元)"), and no
// spaces, punctuation or symbols ("E-mail" is "email", "客户名称*" is "客户名称").
func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
	for _, pair := range [][2]string{{"(", ")"}, {"[", "]"}, {"【", "】"}, {"<", ">"}} {
		if strings.HasSuffix(s, pair[1]) {
			if i := strings.LastIndex(s, pair[0]); i > 0 {
				if head := strings.TrimSpace(s[:i]); foldHeader(head) != "" {
					s = head
				}
			}
		}
	}
	return foldHeader(s)
}

func foldHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf) {
			return -1
		}
		return r
	}, s)
}

// headerUnit reads a 万 unit from a header such as "预计成交金额（万元）": its amounts are in ten thousands.
func headerUnit(s string) string {
	s = norm.NFKC.String(s)
	if i := strings.LastIndexAny(s, "(["); i >= 0 && strings.Contains(s[i:], "万") {
		return "万"
	}
	return ""
}

// headerCandidates maps a folded header to the fields it may name; the first is the usual meaning.
var headerCandidates = func() map[string][]ImportField {
	m := map[string][]ImportField{}
	add := func(spelling string, f ImportField) {
		k := normHeader(spelling)
		for _, x := range m[k] {
			if x == f {
				return
			}
		}
		m[k] = append(m[k], f)
	}
	for _, d := range baseFields {
		add(d.ZH, d.Key)
		add(d.EN, d.Key)
		add(string(d.Key), d.Key)
		for _, s := range d.synonyms {
			add(s, d.Key)
		}
	}
	// Ambiguous spellings last, so that a field's own label wins in every group.
	for _, d := range baseFields {
		for _, s := range d.ambiguous {
			add(s, d.Key)
		}
	}
	return m
}()

// candidatesFor returns the fields a header may name, with the contact slot a trailing digit gives
// ("电话2", "Phone 2").
func candidatesFor(header string) []ImportField {
	k := normHeader(header)
	if k == "" {
		return nil
	}
	if c, ok := headerCandidates[k]; ok {
		return c
	}
	last := k[len(k)-1]
	if last >= '1' && last <= '0'+MaxImportContacts {
		if c, ok := headerCandidates[k[:len(k)-1]]; ok {
			slot := int(last - '0')
			var out []ImportField
			for _, f := range c {
				if d, _ := f.Def(); d.Group == GroupContact && f != FieldContactInfo {
					out = append(out, ContactSlotField(f, slot))
				}
			}
			return out
		}
	}
	return nil
}

// ColumnMapping is one column of a sheet and the field it fills.
type ColumnMapping struct {
	Column int         `json:"column"` // 0-based
	Header string      `json:"header"`
	Field  ImportField `json:"field"` // "" leaves the column out
	// Unit "万" multiplies the column's amounts by 10,000 (a header "金额（万元）").
	Unit string `json:"unit,omitempty"`
}

// Mapping tells which column of a sheet fills which field. It is saved as JSON and remembered per
// header row (by its fingerprint), so the next file with the same columns maps itself.
type Mapping struct {
	Version     int             `json:"version"`
	Fingerprint string          `json:"fingerprint"`
	Columns     []ColumnMapping `json:"columns"`
}

// MappingVersion is the version of Mapping's JSON.
const MappingVersion = 1

// HeaderFingerprint identifies a header row however it is spaced, cased or written in full-width.
func HeaderFingerprint(header []string) string {
	h := sha256.New()
	for _, c := range header {
		h.Write([]byte(normHeader(c)))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Field returns the field of column i, or "".
func (m Mapping) Field(i int) ImportField {
	for _, c := range m.Columns {
		if c.Column == i {
			return c.Field
		}
	}
	return ""
}

// Set maps column i to f ("" leaves it out); a field already mapped elsewhere is taken from there.
func (m *Mapping) Set(i int, f ImportField) {
	for j := range m.Columns {
		if f != "" && m.Columns[j].Field == f && m.Columns[j].Column != i {
			m.Columns[j].Field = ""
		}
	}
	for j := range m.Columns {
		if m.Columns[j].Column == i {
			m.Columns[j].Field = f
			return
		}
	}
	m.Columns = append(m.Columns, ColumnMapping{Column: i, Field: f})
}

// Groups tells which records the mapping fills.
func (m Mapping) Groups() map[FieldGroup]bool {
	out := map[FieldGroup]bool{}
	for _, c := range m.Columns {
		if d, ok := c.Field.Def(); ok {
			out[d.Group] = true
		}
	}
	return out
}

// Kind is the record a sheet mainly holds: follow-ups, opportunities, or customers.
func (m Mapping) Kind() FieldGroup {
	g := m.Groups()
	switch {
	case g[GroupFollowUp]:
		return GroupFollowUp
	case g[GroupOpportunity]:
		return GroupOpportunity
	}
	return GroupCustomer
}

// Problems lists what keeps the mapping from importing: a field mapped twice, an unknown field, a
// required field missing for the sheet's kind, or no link to a customer.
func (m Mapping) Problems() []string {
	var out []string
	seen := map[ImportField]int{}
	mapped := map[ImportField]bool{}
	for _, c := range m.Columns {
		if c.Field == "" {
			continue
		}
		if _, ok := c.Field.Def(); !ok {
			out = append(out, fmt.Sprintf("column %d (%s): unknown field %q", c.Column+1, Excerpt(c.Header), Excerpt(string(c.Field))))
			continue
		}
		if prev, dup := seen[c.Field]; dup {
			out = append(out, fmt.Sprintf("columns %d and %d are both mapped to %s", prev+1, c.Column+1, c.Field.Label("en")))
		}
		seen[c.Field] = c.Column
		mapped[c.Field] = true
	}
	if len(mapped) == 0 {
		return append(out, "no column is mapped to a field")
	}
	kind := m.Kind()
	if !mapped[FieldName] && !mapped[FieldCardNo] {
		out = append(out, "no column names the customer (客户名称 or 客户编号)")
	}
	for _, d := range baseFields {
		if d.Required && d.Group == kind && d.Group != GroupCustomer && !mapped[d.Key] {
			out = append(out, fmt.Sprintf("no column is mapped to %s (%s)", d.EN, d.ZH))
		}
	}
	return out
}

// MarshalIndent is the mapping as a --mapping file holds it.
func (m Mapping) MarshalIndent() ([]byte, error) { return json.MarshalIndent(m, "", "  ") }

// ParseMapping reads a mapping file.
func ParseMapping(raw []byte) (Mapping, error) {
	var m Mapping
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("data: read mapping: %w", err)
	}
	if m.Version != MappingVersion {
		return m, fmt.Errorf("data: read mapping: version %d, this SalesDesk reads %d", m.Version, MappingVersion)
	}
	for _, c := range m.Columns {
		if c.Column < 0 {
			return m, fmt.Errorf("data: read mapping: column %d", c.Column)
		}
		if _, ok := c.Field.Def(); c.Field != "" && !ok {
			return m, fmt.Errorf("data: read mapping: unknown field %q", Excerpt(string(c.Field)))
		}
	}
	return m, nil
}

// AutoMap matches a header row to fields by itself. A header that names fields of several records
// ("跟进人" is a card's owner in the customer template and the author in the follow-up template) takes
// the meaning of the group most of the sheet's unambiguous headers belong to. Each field is mapped at
// most once: a second column of the same meaning is left out for the user to place.
func AutoMap(header []string) Mapping {
	m := Mapping{Version: MappingVersion, Fingerprint: HeaderFingerprint(header)}
	cands := make([][]ImportField, len(header))
	votes := map[FieldGroup]int{}
	for i, h := range header {
		cands[i] = candidatesFor(h)
		if len(cands[i]) == 1 {
			d, _ := cands[i][0].Def()
			g := d.Group
			if g == GroupContact {
				g = GroupCustomer
			}
			if cands[i][0] != FieldName && cands[i][0] != FieldCardNo {
				votes[g]++
			}
		}
	}
	primary := GroupCustomer
	for _, g := range []FieldGroup{GroupOpportunity, GroupFollowUp} {
		if votes[g] > votes[primary] {
			primary = g
		}
	}
	used := map[ImportField]bool{}
	for i, h := range header {
		cm := ColumnMapping{Column: i, Header: h}
		var pick ImportField
		for _, f := range cands[i] {
			d, _ := f.Def()
			g := d.Group
			if g == GroupContact {
				g = GroupCustomer
			}
			if g == primary && !used[f] {
				pick = f
				break
			}
		}
		if pick == "" {
			for _, f := range cands[i] {
				if !used[f] {
					pick = f
					break
				}
			}
		}
		if pick != "" {
			used[pick] = true
			cm.Field = pick
			if isAmountField(pick) {
				cm.Unit = headerUnit(h)
			}
		}
		m.Columns = append(m.Columns, cm)
	}
	return m
}

// ForHeader fits a remembered or loaded mapping to a header row: columns beyond the row are dropped
// and the headers are the file's.
func (m Mapping) ForHeader(header []string) Mapping {
	out := Mapping{Version: MappingVersion, Fingerprint: HeaderFingerprint(header)}
	for i, h := range header {
		cm := ColumnMapping{Column: i, Header: h}
		for _, c := range m.Columns {
			if c.Column == i {
				cm.Field, cm.Unit = c.Field, c.Unit
			}
		}
		out.Columns = append(out.Columns, cm)
	}
	return out
}

func isAmountField(f ImportField) bool {
	switch f {
	case FieldBudget, FieldAnnualPurchase, FieldCreditLimit, FieldReceivables, FieldOppAmount:
		return true
	}
	return false
}
