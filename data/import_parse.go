package data

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Reading the cells of an imported row. Spreadsheets spell dates, amounts and choices in more ways than
// a form allows, so import reads more forms than the card's fields do, and reports each cell it cannot
// read with the row, the column and the reason.

var (
	dateDayFirstRe = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})$`)
	timeOfDayRe    = regexp.MustCompile(`^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$`)
	serialRe       = regexp.MustCompile(`^\d{5,6}(\.\d+)?$`)
	leadDateRe     = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?`)
	leadMonthDayRe = regexp.MustCompile(`^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?`)
)

// excelEpoch is day 0 of Excel's serial dates (1900 system, past its phantom 29 February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ParseImportDate reads a date as spreadsheets hold them: every form ParseDate reads, a date with a
// time of day ("2024/3/15 14:30", "2024-03-15T14:30:00Z"), day first with dots (15.03.2024), and Excel's
// serial day numbers (45366, also with a fraction for the time), which is what a date-formatted cell
// of a workbook stores. It returns local midnight of the day, like ParseDate.
func ParseImportDate(s string) (time.Time, error) {
	t, err := ParseDate(s)
	if err == nil || errors.Is(err, ErrDateEmpty) {
		return t, err
	}
	h := strings.TrimSpace(toHalfWidth(s))
	if i := strings.IndexAny(h, " T"); i > 0 && timeOfDayRe.MatchString(strings.TrimSpace(h[i+1:])) {
		return ParseDate(h[:i])
	}
	if m := dateDayFirstRe.FindStringSubmatch(h); m != nil {
		return ParseDate(m[3] + "-" + m[2] + "-" + m[1])
	}
	if serialRe.MatchString(h) {
		f, _ := strconv.ParseFloat(h, 64)
		// 10000 is 1927-05-18 and 109573 is 2199-12-31: a five- or six-digit number in a date column
		// outside them is not a date.
		if f >= 10000 && f < 109574 {
			d := excelEpoch.AddDate(0, 0, int(f))
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.Local), nil
		}
	}
	return time.Time{}, err
}

// parseLeadingDate reads a date at the start of a text such as "3月20日提交方案" or "2024-03-20 提交方案"
// and returns the rest. A month and day without a year take the year of ref; with after, the next year
// when that day would fall before ref (a plan or a deadline lies after the day it was set).
func parseLeadingDate(s string, ref time.Time, after bool) (time.Time, string, bool) {
	h := strings.TrimSpace(toHalfWidth(s))
	if t, err := ParseImportDate(h); err == nil {
		return t, "", true
	}
	if m := leadDateRe.FindStringSubmatchIndex(h); m != nil {
		y, mo, d := h[m[2]:m[3]], h[m[4]:m[5]], h[m[6]:m[7]]
		if t, err := ParseDate(y + "-" + mo + "-" + d); err == nil {
			return t, strings.TrimSpace(h[m[1]:]), true
		}
	}
	if m := leadMonthDayRe.FindStringSubmatchIndex(h); m != nil {
		if ref.IsZero() {
			return time.Time{}, h, false
		}
		mo, d := h[m[2]:m[3]], h[m[4]:m[5]]
		t, err := ParseDate(fmt.Sprintf("%04d-%s-%s", ref.Year(), mo, d))
		if err == nil && after && DateOf(t).Before(DateOf(ref)) {
			t, err = ParseDate(fmt.Sprintf("%04d-%s-%s", ref.Year()+1, mo, d))
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
func parseImportAmount(s, unit string) (Amount, error) {
	if unit == "万" && !strings.ContainsAny(s, "万亿") {
		s = strings.TrimSpace(s)
		if t, ok := strings.CutSuffix(s, "元"); ok {
			s = t
		}
		s += "万"
	}
	a, err := ParseAmount(s)
	if err == nil || !errors.Is(err, ErrAmountInvalid) {
		return a, err
	}
	h := strings.TrimSpace(toHalfWidth(s))
	scale := 1.0
	if t, ok := strings.CutSuffix(h, "万"); ok {
		h, scale = strings.TrimSpace(t), 1e4
	}
	if f, perr := strconv.ParseFloat(h, 64); perr == nil && isPlainDecimal(h) {
		v := math.Round(f * scale * 100)
		if v >= 0 && v < 9e15 { // exact in a float64, far above any real amount
			return Amount(v), nil
		}
	}
	return 0, err
}

func isPlainDecimal(s string) bool {
	intPart, frac, _ := strings.Cut(s, ".")
	return (intPart == "" || isDigits(intPart)) && (frac == "" || isDigits(frac)) && intPart+frac != ""
}

// foldChoice is the key a choice cell is matched by: width, case, spaces and punctuation folded.
func foldChoice(s string) string {
	return foldHeader(strings.ToLower(norm.NFKC.String(strings.TrimSpace(s))))
}

// choiceTable maps the folded spellings of each choice to its stored value.
type choiceTable map[string]string

func newChoices(entries ...[]string) choiceTable {
	t := choiceTable{}
	for _, e := range entries {
		for _, spelling := range e {
			t[foldChoice(spelling)] = e[0]
		}
	}
	return t
}

func (t choiceTable) parse(s string) (string, error) {
	if v, ok := t[foldChoice(s)]; ok {
		return v, nil
	}
	return "", ErrChoiceInvalid
}

var (
	kindChoices = newChoices(
		[]string{string(KindCompany), "公司", "企业", "单位", "机构", "公司客户", "企业客户", "organisation", "organization", "business"},
		[]string{string(KindPerson), "个人", "个人客户", "自然人", "individual", "private person"})
	statusChoices = newChoices(
		[]string{string(StatusProspect), "潜在", "潜在客户", "线索", "potential"},
		[]string{string(StatusInterested), "意向", "意向客户", "有意向", "interest"},
		[]string{string(StatusCustomer), "成交", "已成交", "成交客户", "合作中", "won", "client"},
		[]string{string(StatusLost), "流失", "已流失", "流失客户", "churned"},
		[]string{string(StatusInvalid), "无效", "无效客户"})
	ownershipChoices = newChoices(
		[]string{string(OwnershipState), "国有", "国企", "国有企业", "state owned", "state-owned"},
		[]string{string(OwnershipCollective), "集体", "集体企业"},
		[]string{string(OwnershipPrivate), "个体", "私营", "民营", "私企", "民企", "私营企业", "民营企业"},
		[]string{string(OwnershipJointVent), "合资", "合资企业", "外资", "joint venture", "jv"},
		[]string{string(OwnershipGovernment), "政府", "政府机关", "事业单位", "public sector"})
	sourceChoices = newChoices(
		[]string{string(SourceTradeShow), "展会", "展览会", "trade show", "tradeshow", "exhibition"},
		[]string{string(SourceWebsite), "官网", "网站", "网络", "web", "website", "online"},
		[]string{string(SourceReferral), "转介绍", "介绍", "referral", "referred"},
		[]string{string(SourceColdVisit), "陌拜", "陌生拜访", "cold visit", "cold call visit"},
		[]string{string(SourceConference), "行业会议", "会议", "conference"},
		[]string{string(SourceAdResponse), "广告反馈", "广告", "ad response", "advertising", "ad"},
		[]string{string(SourceCustomerReferral), "老用户推荐", "老客户推荐", "客户推荐", "customer referral"},
		[]string{string(SourceProspecting), "主动发掘", "主动开发", "prospecting"},
		[]string{string(SourceRepeatPurchase), "追加购买", "复购", "再次购买", "repeat purchase", "repeat"},
		[]string{string(SourceTelesales), "电话营销", "电销", "telesales", "telemarketing"})
	levelChoices = newChoices(
		[]string{string(LevelHigh), "高", "高等", "较高", "h"},
		[]string{string(LevelMedium), "中", "中等", "一般", "适中", "med", "m", "mid"},
		[]string{string(LevelLow), "低", "较低", "l"})
	creditChoices = newChoices(
		[]string{string(CreditGood), "好", "良好", "优", "优秀", "a"},
		[]string{string(CreditFair), "一般", "中", "中等", "尚可", "b"},
		[]string{string(CreditPoor), "差", "较差", "不良", "c", "bad"})
	lifecycleChoices = newChoices(
		[]string{string(LifecycleExploration), "考察期", "考察"},
		[]string{string(LifecycleFormation), "形成期", "形成"},
		[]string{string(LifecycleMaturity), "成熟期", "成熟"},
		[]string{string(LifecycleDecline), "衰退期", "衰退"})
	methodChoices = newChoices(
		[]string{string(MethodPhone), "电话", "电话回访", "打电话", "来电", "call", "telephone", "phone call", "tel"},
		[]string{string(MethodVisit), "拜访", "上门", "上门拜访", "面访", "面谈", "走访", "visit", "on site", "onsite"},
		[]string{string(MethodEmail), "邮件", "电子邮件", "email", "e-mail", "mail"},
		[]string{string(MethodWeChat), "微信", "企业微信", "qq", "im", "短信", "wechat", "weixin", "chat", "sms"},
		[]string{string(MethodMeeting), "会议", "视频会议", "线上会议", "meeting", "video call"},
		[]string{string(MethodOther), "其他", "其它", "other"})
	roleChoices = newChoices(
		[]string{string(RoleDecisionMaker), "决策者", "决策人", "decision maker"},
		[]string{string(RoleInfluencer), "影响者", "影响人", "influencer"},
		[]string{string(RoleUser), "使用者", "用户", "user"},
		[]string{string(RoleTechEvaluator), "技术评估者", "技术评估", "technical evaluator", "tech evaluator"},
		[]string{string(RoleInsider), "内线", "insider", "champion"},
		[]string{string(RoleContactUnknown), "其他", "其它", "other"})
	boolChoices = newChoices(
		[]string{"true", "是", "已归档", "归档", "yes", "y", "1", "√", "x"},
		[]string{"false", "否", "未归档", "no", "n", "0", ""})
)

// parseGrade reads 客户等级 as the templates write it: "B", "B级", "B级客户", "A级(VIP客户)", or the
// names of the grades (VIP, 重点, 普通, 潜在).
func parseGrade(s string) (Grade, error) {
	h := strings.ToUpper(strings.TrimSpace(norm.NFKC.String(s)))
	if h != "" && h[0] >= 'A' && h[0] <= 'D' {
		rest := strings.TrimSpace(h[1:])
		if rest == "" || !unicode.IsLetter([]rune(rest)[0]) || strings.HasPrefix(rest, "级") || strings.HasPrefix(rest, "类") {
			return Grade(h[:1]), nil
		}
	}
	switch foldChoice(s) {
	case "vip", "vip客户", "重要客户", "核心客户":
		return GradeA, nil
	case "重点", "重点客户", "key", "keyaccount":
		return GradeB, nil
	case "普通", "普通客户", "一般客户", "ordinary":
		return GradeC, nil
	case "潜在", "潜在客户", "potential":
		return GradeD, nil
	}
	return GradeNone, ErrChoiceInvalid
}

// parseRisk reads 风险评估 such as "中等(需突出性价比)": a level and a note.
func parseRisk(s string) (Risk, error) {
	h := strings.TrimSpace(norm.NFKC.String(s))
	head, note := h, ""
	if i := strings.IndexAny(h, "(:;,，；"); i > 0 {
		head, note = strings.TrimSpace(h[:i]), strings.Trim(strings.TrimSpace(h[i:]), "():;,，； ")
	}
	if lv, err := levelChoices.parse(head); err == nil {
		return Risk{Level: Level(lv), Note: note}, nil
	}
	for _, lv := range []struct {
		prefix string
		l      Level
	}{{"高", LevelHigh}, {"中", LevelMedium}, {"低", LevelLow}, {"high", LevelHigh}, {"medium", LevelMedium}, {"low", LevelLow}} {
		if strings.HasPrefix(strings.ToLower(head), lv.prefix) {
			return Risk{Level: lv.l, Note: note}, nil
		}
	}
	// A risk written as prose is kept as the note.
	return Risk{Note: h}, nil
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
	h := strings.TrimSpace(toHalfWidth(s))
	h = strings.TrimSuffix(h, "分")
	if f, err := strconv.ParseFloat(h, 64); err == nil && f == math.Trunc(f) && f >= 0 && f <= MaxLeadScore {
		return int(f), nil
	}
	return 0, ErrScoreRange
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
