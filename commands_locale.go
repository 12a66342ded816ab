package main

import (
	"strings"

	"salesdesk/gui"
)

// zhTableHeaders are the tables' column headers in Chinese. The command line prints them under a
// Chinese locale, as the window opens in Chinese there; under any other locale, C and POSIX included,
// it prints the English ones.
var zhTableHeaders = map[string]string{
	"CARD NO": "卡号", "NAME": "名称", "GRADE": "等级", "STATUS": "状态", "OWNER": "负责人",
	"CONTACT": "联系人", "PHONE": "电话", "LAST": "上次跟进", "NEXT": "下次跟进",
	"NUMBER": "编号", "CUSTOMER": "客户", "TITLE": "标题", "STAGE": "阶段", "AMOUNT": "金额",
	"CLOSE": "预计成交", "PERIOD": "期间", "DEALS": "商机数", "WEIGHTED": "加权金额",
	"BEST CASE": "最好情况", "COMMITTED": "承诺金额", "LEADS": "线索", "CLOSED": "成交",
	"CONVERSION": "转化率", "AVG ORDER": "平均订单", "REPURCHASE": "复购率", "CYCLE": "周期",
	"BELOW TARGET": "未达目标", "CATEGORY": "类别", "SALES": "销售额", "SHARE": "占比",
	"CUSTOMERS": "客户数", "RFM SEGMENT": "RFM 分群", "MONETARY": "金额",
}

// tableHeader is a table's header row in the locale's language.
func tableHeader(cols []string) []string {
	if gui.SystemLanguage() != "zh" {
		return cols
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		switch zh, ok := zhTableHeaders[c]; {
		case ok:
			out[i] = zh
		case strings.HasPrefix(c, "REP "): // the report's per-rep table: "REP 2024Q1"
			out[i] = "销售 " + strings.TrimPrefix(c, "REP ")
		default:
			out[i] = c
		}
	}
	return out
}
