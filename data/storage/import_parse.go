package storage

import (
	"errors"
	"fmt"
	"math"
	"salesdesk/data"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// parseLeadingDate reads a date at the start of a text such as "3月20日提交方案" or "2024-03-20 提交方案"
// and returns the rest. A month and day without a year take the year of ref; with after, the next year
// when that day would fall before ref (a plan or a deadline lies after the day it was set).
func parseLeadingDate(s string, ref time.Time, after bool) (time.Time, string, bool) {
	h := strings.TrimSpace(data.ToHalfWidth(s))
	if t, err := data.ParseImportDate(h); err == nil {
		return t, "", true
	}
	if m := data.LeadDateRe.FindStringSubmatchIndex(h); m != nil {
		y, mo, d := h[m[2]:m[3]], h[m[4]:m[5]], h[m[6]:m[7]]
		if t, err := data.ParseDate(y + "-" + mo + "-" + d); err == nil {
			return t, strings.TrimSpace(h[m[1]:]), true
		}
	}
	if m := data.LeadMonthDayRe.FindStringSubmatchIndex(h); m != nil {
		if ref.IsZero() {
			return time.Time{}, h, false
		}
		mo, d := h[m[2]:m[3]], h[m[4]:m[5]]
		t, err := data.ParseDate(fmt.Sprintf("%04d-%s-%s", ref.Year(), mo, d))
		if err == nil && after && data.DateOf(t).Before(data.DateOf(ref)) {
			t, err = data.ParseDate(fmt.Sprintf("%04d-%s-%s", ref.Year()+1, mo, d))
		}
		if err == nil {
			return t, strings.TrimSpace(h[m[1]:]), true
		}
	}
	return time.Time{}, h, false
}

// parseImportAmount reads an amount cell: ParseAmount's forms, times 10,000 when the column's header
// said 万元, and a plain number with more decimals rounded to the fen (a workbook's computed cells
// hold 12345.678 or 0.30000000000000004).
func parseImportAmount(s, unit string) (data.Amount, error) {
	if unit == "万" && !strings.ContainsAny(s, "万亿") {
		s = strings.TrimSpace(s)
		if t, ok := strings.CutSuffix(s, "元"); ok {
			s = t
		}
		s += "万"
	}
	a, err := data.ParseAmount(s)
	if err == nil || !errors.Is(err, data.ErrAmountInvalid) {
		return a, err
	}
	h := strings.TrimSpace(data.ToHalfWidth(s))
	scale := 1.0
	if t, ok := strings.CutSuffix(h, "万"); ok {
		h, scale = strings.TrimSpace(t), 1e4
	}
	if f, perr := strconv.ParseFloat(h, 64); perr == nil && isPlainDecimal(h) {
		v := math.Round(f * scale * 100)
		if v >= 0 && v < 9e15 { // exact in a float64, far above any real amount
			return data.Amount(v), nil
		}
	}
	return 0, err
}

func isPlainDecimal(s string) bool {
	intPart, frac, _ := strings.Cut(s, ".")
	return (intPart == "" || data.IsDigits(intPart)) && (frac == "" || data.IsDigits(frac)) && intPart+frac != ""
}

func newChoices(entries ...[]string) data.ChoiceTable {
	t := data.ChoiceTable{}
	for _, e := range entries {
		for _, spelling := range e {
			t[data.FoldChoice(spelling)] = e[0]
		}
	}
	return t
}

var (
	kindChoices = newChoices(
		[]string{string(data.KindCompany), "公司", "企业", "单位", "机构", "公司客户", "企业客户", "organisation", "organization", "business"},
		[]string{string(data.KindPerson), "个人", "个人客户", "自然人", "individual", "private person"})
	statusChoices = newChoices(
		[]string{string(data.StatusProspect), "潜在", "潜在客户", "线索", "potential"},
		[]string{string(data.StatusInterested), "意向", "意向客户", "有意向", "interest"},
		[]string{string(data.StatusCustomer), "成交", "已成交", "成交客户", "合作中", "won", "client"},
		[]string{string(data.StatusLost), "流失", "已流失", "流失客户", "churned"},
		[]string{string(data.StatusInvalid), "无效", "无效客户"})
	ownershipChoices = newChoices(
		[]string{string(data.OwnershipState), "国有", "国企", "国有企业", "state owned", "state-owned"},
		[]string{string(data.OwnershipCollective), "集体", "集体企业"},
		[]string{string(data.OwnershipPrivate), "个体", "私营", "民营", "私企", "民企", "私营企业", "民营企业"},
		[]string{string(data.OwnershipJointVent), "合资", "合资企业", "外资", "joint venture", "jv"},
		[]string{string(data.OwnershipGovernment), "政府", "政府机关", "事业单位", "public sector"})
	sourceChoices = newChoices(
		[]string{string(data.SourceTradeShow), "展会", "展览会", "trade show", "tradeshow", "exhibition"},
		[]string{string(data.SourceWebsite), "官网", "网站", "网络", "web", "website", "online"},
		[]string{string(data.SourceReferral), "转介绍", "介绍", "referral", "referred"},
		[]string{string(data.SourceColdVisit), "陌拜", "陌生拜访", "cold visit", "cold call visit"},
		[]string{string(data.SourceConference), "行业会议", "会议", "conference"},
		[]string{string(data.SourceAdResponse), "广告反馈", "广告", "ad response", "advertising", "ad"},
		[]string{string(data.SourceCustomerReferral), "老用户推荐", "老客户推荐", "客户推荐", "customer referral"},
		[]string{string(data.SourceProspecting), "主动发掘", "主动开发", "prospecting"},
		[]string{string(data.SourceRepeatPurchase), "追加购买", "复购", "再次购买", "repeat purchase", "repeat"},
		[]string{string(data.SourceTelesales), "电话营销", "电销", "telesales", "telemarketing"})
	levelChoices = newChoices(
		[]string{string(data.LevelHigh), "高", "高等", "较高", "h"},
		[]string{string(data.LevelMedium), "中", "中等", "一般", "适中", "med", "m", "mid"},
		[]string{string(data.LevelLow), "低", "较低", "l"})
	creditChoices = newChoices(
		[]string{string(data.CreditGood), "好", "良好", "优", "优秀", "a"},
		[]string{string(data.CreditFair), "一般", "中", "中等", "尚可", "b"},
		[]string{string(data.CreditPoor), "差", "较差", "不良", "c", "bad"})
	lifecycleChoices = newChoices(
		[]string{string(data.LifecycleExploration), "考察期", "考察"},
		[]string{string(data.LifecycleFormation), "形成期", "形成"},
		[]string{string(data.LifecycleMaturity), "成熟期", "成熟"},
		[]string{string(data.LifecycleDecline), "衰退期", "衰退"})
	methodChoices = newChoices(
		[]string{string(data.MethodPhone), "电话", "电话回访", "打电话", "来电", "call", "telephone", "phone call", "tel"},
		[]string{string(data.MethodVisit), "拜访", "上门", "上门拜访", "面访", "面谈", "走访", "visit", "on site", "onsite"},
		[]string{string(data.MethodEmail), "邮件", "电子邮件", "email", "e-mail", "mail"},
		[]string{string(data.MethodWeChat), "微信", "企业微信", "qq", "im", "短信", "wechat", "weixin", "chat", "sms"},
		[]string{string(data.MethodMeeting), "会议", "视频会议", "线上会议", "meeting", "video call"},
		[]string{string(data.MethodOther), "其他", "其它", "other"})
	roleChoices = newChoices(
		[]string{string(data.RoleDecisionMaker), "决策者", "决策人", "decision maker"},
		[]string{string(data.RoleInfluencer), "影响者", "影响人", "influencer"},
		[]string{string(data.RoleUser), "使用者", "用户", "user"},
		[]string{string(data.RoleTechEvaluator), "技术评估者", "技术评估", "technical evaluator", "tech evaluator"},
		[]string{string(data.RoleInsider), "内线", "insider", "champion"},
		[]string{string(data.RoleContactUnknown), "其他", "其它", "other"})
	boolChoices = newChoices(
		[]string{"true", "是", "已归档", "归档", "yes", "y", "1", "√", "x"},
		[]string{"false", "否", "未归档", "no", "n", "0", ""})
)

// parseGrade reads 客户等级 as the templates write it: "B", "B级", "B级客户", "A级(VIP客户)", or the
// names of the grades (VIP, 重点, 普通, 潜在).
func parseGrade(s string) (data.Grade, error) {
	h := strings.ToUpper(strings.TrimSpace(norm.NFKC.String(s)))
	if h != "" && h[0] >= 'A' && h[0] <= 'D' {
		rest := strings.TrimSpace(h[1:])
		if rest == "" || !unicode.IsLetter([]rune(rest)[0]) || strings.HasPrefix(rest, "级") || strings.HasPrefix(rest, "类") {
			return data.Grade(h[:1]), nil
		}
	}
	switch data.FoldChoice(s) {
	case "vip", "vip客户", "重要客户", "核心客户":
		return data.GradeA, nil
	case "重点", "重点客户", "key", "keyaccount":
		return data.GradeB, nil
	case "普通", "普通客户", "一般客户", "ordinary":
		return data.GradeC, nil
	case "潜在", "潜在客户", "potential":
		return data.GradeD, nil
	}
	return data.GradeNone, data.ErrChoiceInvalid
}

// parseRisk reads 风险评估 such as "中等(需突出性价比)": a level and a note.
func parseRisk(s string) (data.Risk, error) {
	h := strings.TrimSpace(norm.NFKC.String(s))
	head, note := h, ""
	if i := strings.IndexAny(h, "(:;,，；"); i > 0 {
		head, note = strings.TrimSpace(h[:i]), strings.Trim(strings.TrimSpace(h[i:]), "():;,，； ")
	}
	if lv, err := levelChoices.Parse(head); err == nil {
		return data.Risk{Level: data.Level(lv), Note: note}, nil
	}
	for _, lv := range []struct {
		prefix string
		l      data.Level
	}{{"高", data.LevelHigh}, {"中", data.LevelMedium}, {"低", data.LevelLow}, {"high", data.LevelHigh}, {"medium", data.LevelMedium}, {"low", data.LevelLow}} {
		if strings.HasPrefix(strings.ToLower(head), lv.prefix) {
			return data.Risk{Level: lv.l, Note: note}, nil
		}
	}
	// A risk written as prose is kept as the note.
	return data.Risk{Note: h}, nil
}

// splitList splits tags and milestones written in one cell.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(";；,，、|\n", r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseScore reads a lead score, 0–15.
func parseScore(s string) (int, error) {
	h := strings.TrimSpace(data.ToHalfWidth(s))
	h = strings.TrimSuffix(h, "分")
	if f, err := strconv.ParseFloat(h, 64); err == nil && f == math.Trunc(f) && f >= 0 && f <= data.MaxLeadScore {
		return int(f), nil
	}
	return 0, data.ErrScoreRange
}

// splitContactInfo reads template 1's "联系人信息(姓名/职位/电话/邮箱)": four parts are taken in that
// order; fewer are told apart by what they look like.
func splitContactInfo(s string) (name, title, phone, email string) {
	parts := strings.FieldsFunc(norm.NFKC.String(s), func(r rune) bool { return r == '/' || r == '|' || r == '\n' })
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) == 4 {
		return parts[0], parts[1], parts[2], parts[3]
	}
	var rest []string
	for _, p := range parts {
		switch {
		case p == "":
		case strings.Contains(p, "@") && email == "":
			email = p
		case looksLikePhone(p) && phone == "":
			phone = p
		default:
			rest = append(rest, p)
		}
	}
	if len(rest) > 0 {
		name = rest[0]
	}
	if len(rest) > 1 {
		title = strings.Join(rest[1:], "/")
	}
	return name, title, phone, email
}

func looksLikePhone(s string) bool {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 7
}
