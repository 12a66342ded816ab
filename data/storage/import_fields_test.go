package storage

import (
	"encoding/json"
	"os"
	"path/filepath"
	"salesdesk/data"
	"strings"
	"testing"
)

// mappingCases are header rows as teams write them: the seed's three templates, their English
// equivalents, and the spellings people use instead.
var mappingCases = map[string][]struct {
	name   string
	header []string
}{
	"zh": {
		{"template 1: customers (客户信息管理表)", []string{"客户名称", "所属行业", "联系人信息(姓名/职位/电话/邮箱)", "需求描述", "需求阶段",
			"跟进人", "最后跟进时间", "下次跟进计划", "客户等级", "备注"}},
		{"customers with separate contact columns", []string{"客户名称", "所属行业", "联系人", "职位", "电话", "邮箱", "需求描述",
			"需求阶段", "跟进人", "首次接触时间", "最后跟进时间", "下次跟进计划", "客户等级", "备注"}},
		{"template 2: opportunities (销售机会跟进表)", []string{"机会编号", "客户名称", "机会来源", "预计成交金额(元)", "预计成交日期",
			"当前阶段", "负责人", "关键节点", "沟通记录摘要", "竞争情况", "风险评估"}},
		{"template 3: follow-ups (客户回访记录表)", []string{"回访日期", "客户名称", "回访方式", "回访人", "沟通主题", "客户反馈",
			"处理措施", "完成时限", "结果确认"}},
		{"follow-ups, short headers", []string{"日期", "客户名称", "方式", "跟进人", "主题", "客户反馈", "采取措施", "期限", "结果确认"}},
		{"synonyms, full width, spaces, a unit", []string{"公司名称", " 客户名 ", "手机", "联系电话", "Ｅ－ｍａｉｌ", "客户 等级", "金额（万元）",
			"备 注*", "联系人2", "电话2", "来源", "未知列"}},
	},
	"en": {
		{"customers", []string{"Customer", "Industry", "Contact", "Title", "Phone", "Email", "Needs", "Need stage", "Owner",
			"First contact", "Last follow-up", "Next follow-up", "Grade", "Notes"}},
		{"customers, other spellings", []string{"Company Name", "SECTOR", "contact person", "Job Title", "Mobile", "E-mail",
			"Sales Rep", "customer grade", "Remarks", "Phone 2", "Tags"}},
		{"opportunities", []string{"Opportunity No.", "Customer", "Opportunity source", "Expected amount", "Expected close",
			"Stage", "Owner", "Milestones", "Communication summary", "Competition", "Risk", "Title"}},
		{"follow-ups", []string{"Date", "Customer", "Method", "By", "Topic", "Feedback", "Action taken", "Deadline", "Result"}},
	},
}

// TestAutoMapGolden checks the automatic mapping of each header row against a golden file; run with
// -update to rewrite it after a deliberate change.
func TestAutoMapGolden(t *testing.T) {
	for lang, cases := range mappingCases {
		t.Run(lang, func(t *testing.T) {
			var b strings.Builder
			for _, tc := range cases {
				m := data.AutoMap(tc.header)
				b.WriteString("# " + tc.name + " (" + string(m.Kind()) + ")\n")
				for _, c := range m.Columns {
					f := string(c.Field)
					if f == "" {
						f = "-"
					}
					if c.Unit != "" {
						f += " ×" + c.Unit
					}
					b.WriteString(c.Header + " → " + f + "\n")
				}
				if p := m.Problems(); len(p) > 0 {
					b.WriteString("problems: " + strings.Join(p, "; ") + "\n")
				}
				b.WriteString("\n")
			}
			golden(t, filepath.Join("testdata", "golden", "import_mapping_"+lang+".txt"), []byte(b.String()))
		})
	}
}

// golden compares got with a golden file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if line, g, w, differ := firstDifference(got, want); differ {
		t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run with -update after a deliberate change)", path, line, g, w)
	}
}

func TestAutoMapResolvesByContext(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		column int
		want   data.ImportField
	}{
		{"跟进人 on a card is its owner", []string{"客户名称", "所属行业", "跟进人"}, 2, data.FieldOwner},
		{"跟进人 on a follow-up is its author", []string{"日期", "客户名称", "主题", "跟进人"}, 3, data.FieldFUBy},
		{"负责人 on a deal is its owner", []string{"机会编号", "客户名称", "预计成交金额", "负责人"}, 3, data.FieldOppOwner},
		{"联系人 on a follow-up is who was contacted", []string{"回访日期", "客户名称", "沟通主题", "联系人"}, 3, data.FieldFUContact},
		{"来源 on a deal is the deal's", []string{"客户名称", "当前阶段", "预计成交金额", "来源"}, 3, data.FieldOppSource},
		{"Title on a deal sheet names the deal", []string{"Customer", "Stage", "Amount", "Title"}, 3, data.FieldOppTitle},
		{"Title on a card sheet is the contact's", []string{"Customer", "Contact", "Title"}, 2, data.FieldContactTitle},
		{"a second column of one meaning is left out", []string{"客户名称", "电话", "手机"}, 2, ""},
		{"a numbered contact column goes to its slot", []string{"客户名称", "联系人", "联系人2", "手机2"}, 3, "contact2.phone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := data.AutoMap(tc.header).Field(tc.column); got != tc.want {
				t.Errorf("column %d (%s) → %q; want %q", tc.column, tc.header[tc.column], got, tc.want)
			}
		})
	}
}

func TestHeaderFingerprint(t *testing.T) {
	a := data.HeaderFingerprint([]string{"客户名称", "E-mail", "电话"})
	for _, same := range [][]string{{" 客户名称 ", "e-mail", "电话"}, {"客户名称", "Ｅ－ＭＡＩＬ", "电话"}} {
		if got := data.HeaderFingerprint(same); got != a {
			t.Errorf("fingerprint of %q differs", same)
		}
	}
	if data.HeaderFingerprint([]string{"电话", "客户名称", "E-mail"}) == a {
		t.Error("the column order must change the fingerprint")
	}
}

func TestMappingJSON(t *testing.T) {
	m := data.AutoMap([]string{"客户名称", "手机", "无关"})
	m.Set(2, data.FieldNotes)
	raw, err := m.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	back, err := data.ParseMapping(raw)
	if err != nil {
		t.Fatal(err)
	}
	if back.Field(0) != data.FieldName || back.Field(1) != data.FieldContactPhone || back.Field(2) != data.FieldNotes || back.Fingerprint != m.Fingerprint {
		t.Errorf("round trip: %+v", back)
	}
	// Set moves a field from the column that had it.
	back.Set(0, data.FieldContactPhone)
	if back.Field(1) != "" || back.Field(0) != data.FieldContactPhone {
		t.Errorf("Set did not move the field: %+v", back.Columns)
	}
	for _, bad := range []string{`{`, `{"version": 9, "columns": []}`, `{"version": 1, "columns": [{"column": 0, "field": "nope"}]}`,
		`{"version": 1, "columns": [{"column": -1, "field": "name"}]}`} {
		if _, err := data.ParseMapping([]byte(bad)); err == nil {
			t.Errorf("ParseMapping(%s) accepted", bad)
		}
	}
	var probe map[string]any
	if err := json.Unmarshal(raw, &probe); err != nil || probe["version"] != float64(1) {
		t.Errorf("mapping JSON: %s", raw)
	}
}

func TestMappingProblems(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   string
	}{
		{"nothing known", []string{"甲", "乙"}, "no column is mapped"},
		{"no customer", []string{"所属行业", "电话"}, "no column names the customer"},
		{"follow-ups without a topic", []string{"客户名称", "回访日期", "回访方式"}, "Topic"},
		{"complete", []string{"客户名称", "电话"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(data.AutoMap(tc.header).Problems(), "; ")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("Problems() = %q; want %q", got, tc.want)
			}
		})
	}
	m := data.AutoMap([]string{"客户名称", "电话"})
	m.Columns[1].Field = data.FieldName
	if p := m.Problems(); len(p) == 0 || !strings.Contains(p[0], "both mapped") {
		t.Errorf("a field mapped twice: %q", p)
	}
}
