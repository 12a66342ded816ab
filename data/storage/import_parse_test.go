package storage

import (
	"bytes"
	"context"
	"errors"
	"salesdesk/data"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestParseImportDate(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.Local) }
	tests := []struct {
		name string
		in   string
		want time.Time
		err  error
	}{
		{"ISO", "2024-03-15", day(2024, 3, 15), nil},
		{"slashes", "2024/3/15", day(2024, 3, 15), nil},
		{"Chinese", "2024年3月15日", day(2024, 3, 15), nil},
		{"day first with dots", "15.03.2024", day(2024, 3, 15), nil},
		{"day first, single digits", "5.3.2024", day(2024, 3, 5), nil},
		{"with time of day", "2024/3/15 14:30", day(2024, 3, 15), nil},
		{"with seconds", "2024-03-15 14:30:05", day(2024, 3, 15), nil},
		{"ISO date-time", "2024-03-15T14:30:00Z", day(2024, 3, 15), nil},
		{"Excel serial", "45366", day(2024, 3, 15), nil},
		{"Excel serial with time", "45366.75", day(2024, 3, 15), nil},
		{"Excel serial of 2000-01-01", "36526", day(2000, 1, 1), nil},
		{"full-width", "２０２４－０３－１５", day(2024, 3, 15), nil},
		{"empty", "  ", time.Time{}, data.ErrDateEmpty},
		{"impossible day first", "31.02.2024", time.Time{}, data.ErrDateInvalid},
		{"a year alone", "2024", time.Time{}, data.ErrDateInvalid},
		{"a small number", "123", time.Time{}, data.ErrDateInvalid},
		{"serial beyond 2199", "200000", time.Time{}, data.ErrDateInvalid},
		{"text", "下周", time.Time{}, data.ErrDateInvalid},
		{"time of day only", "14:30", time.Time{}, data.ErrDateInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := data.ParseImportDate(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("ParseImportDate(%q) = %v, %v; want %v", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) {
				t.Fatalf("ParseImportDate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParseLeadingDate(t *testing.T) {
	ref := time.Date(2024, 3, 18, 0, 0, 0, 0, time.Local)
	tests := []struct {
		in, rest string
		after    bool
		want     string
	}{
		{"3月20日提交方案", "提交方案", true, "2024-03-20"},
		{"3月1日 回访", "回访", true, "2025-03-01"},
		{"3月1日 回访", "回访", false, "2024-03-01"},
		{"2024-04-02 上门演示", "上门演示", true, "2024-04-02"},
		{"2024年4月2日上门演示", "上门演示", true, "2024-04-02"},
		{"2024/4/2", "", true, "2024-04-02"},
		{"提交方案", "提交方案", true, ""},
	}
	for _, tc := range tests {
		got, rest, ok := parseLeadingDate(tc.in, ref, tc.after)
		if data.FormatDate(got) != tc.want || rest != tc.rest || ok != (tc.want != "") {
			t.Errorf("parseLeadingDate(%q) = %s %q %v; want %s %q", tc.in, data.FormatDate(got), rest, ok, tc.want, tc.rest)
		}
	}
}

func TestParseAmountUnits(t *testing.T) {
	tests := []struct {
		in   string
		unit string
		want data.Amount
		err  error
	}{
		{"5万", "", data.AmountFromYuan(50_000), nil},
		{"1.25万元", "", data.AmountFromYuan(12_500), nil},
		{"¥3.5万", "", data.AmountFromYuan(35_000), nil},
		{"RMB 2万", "", data.AmountFromYuan(20_000), nil},
		{"1亿", "", data.AmountFromYuan(100_000_000), nil},
		{"1.234567万", "", 1234567, nil},
		{"￥1,200,000", "", data.AmountFromYuan(1_200_000), nil},
		{"CNY 45,000.50", "", 4500050, nil},
		{"50000元", "", data.AmountFromYuan(50_000), nil},
		{"12", "万", data.AmountFromYuan(120_000), nil},
		{"12万", "万", data.AmountFromYuan(120_000), nil},
		{"12345.678", "", 1234568, nil},
		{"0.30000000000000004", "", 30, nil},
		{"1.2345678万", "", 1234568, nil}, // below the fen: rounded, as a computed cell would be
		{"万", "", 0, data.ErrAmountInvalid},
		{"-5万", "", 0, data.ErrAmountNegative},
		{"很多", "", 0, data.ErrAmountInvalid},
	}
	for _, tc := range tests {
		got, err := parseImportAmount(tc.in, tc.unit)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("parseImportAmount(%q, %q) = %v, %v; want %v", tc.in, tc.unit, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseImportAmount(%q, %q) = %v, %v; want %v", tc.in, tc.unit, got, err, tc.want)
		}
	}
}

func TestParseChoices(t *testing.T) {
	grades := map[string]data.Grade{"B": data.GradeB, "b级": data.GradeB, "B级客户": data.GradeB, "A级(VIP客户)": data.GradeA, "Ｃ": data.GradeC, "VIP": data.GradeA, "潜在客户": data.GradeD}
	for in, want := range grades {
		if got, err := parseGrade(in); err != nil || got != want {
			t.Errorf("parseGrade(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"E", "Apple", "最好"} {
		if _, err := parseGrade(in); err == nil {
			t.Errorf("parseGrade(%q) accepted", in)
		}
	}
	risks := map[string]data.Risk{"中等(需突出性价比)": {Level: data.LevelMedium, Note: "需突出性价比"}, "高": {Level: data.LevelHigh, Note: ""},
		"low: small deal": {Level: data.LevelLow, Note: "small deal"}, "价格战风险": {Note: "价格战风险"}}
	for in, want := range risks {
		if got, _ := parseRisk(in); got != want {
			t.Errorf("parseRisk(%q) = %+v; want %+v", in, got, want)
		}
	}
	checks := []struct {
		t    data.ChoiceTable
		in   string
		want string
	}{
		{statusChoices, "意向客户", "interested"}, {statusChoices, "Customer", "customer"}, {sourceChoices, "展会", "trade_show"},
		{sourceChoices, "trade_show", "trade_show"}, {sourceChoices, "Trade Show", "trade_show"}, {methodChoices, "上门", "visit"},
		{methodChoices, "微信", "wechat"}, {kindChoices, "个人", "person"}, {ownershipChoices, "民营", "private"},
		{roleChoices, "决策人", "decision_maker"}, {creditChoices, "良好", "good"}, {lifecycleChoices, "成熟期", "maturity"},
	}
	for _, c := range checks {
		if got, err := c.t.Parse(c.in); err != nil || got != c.want {
			t.Errorf("parse(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestSplitContactInfo(t *testing.T) {
	tests := []struct{ in, name, title, phone, email string }{
		{"张三/采购经理/138 0013 8000/zs@x.cn", "张三", "采购经理", "138 0013 8000", "zs@x.cn"},
		{"*经理/采购经理/xxxx5678/zhangsanxxx", "*经理", "采购经理", "xxxx5678", "zhangsanxxx"},
		{"李四/13900139000", "李四", "", "13900139000", ""},
		{"王五 / ww@y.com", "王五", "", "", "ww@y.com"},
		{"赵六", "赵六", "", "", ""},
	}
	for _, tc := range tests {
		n, ti, p, e := splitContactInfo(tc.in)
		if n != tc.name || ti != tc.title || p != tc.phone || e != tc.email {
			t.Errorf("splitContactInfo(%q) = %q %q %q %q", tc.in, n, ti, p, e)
		}
	}
}

// csvRows reads a CSV source's data rows as text.
func csvRows(t *testing.T, raw []byte) (*data.ImportSource, []string) {
	t.Helper()
	src, err := data.ReadImport("t.csv", bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("ReadImport: %v", err)
	}
	var rows []string
	err = src.Sheets[0].Each(context.Background(), func(r data.SourceRow) error {
		rows = append(rows, strings.Join(r.Cells, "|"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return src, rows
}

func TestCSVEncodings(t *testing.T) {
	text := "客户名称,电话,备注\r\n北京科技,13800138000,\"含,逗号\"\r\n上海贸易,021-62345678,「引号」\r\n"
	encode := func(e interface{ Bytes([]byte) ([]byte, error) }) []byte {
		b, err := e.Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name string
		raw  []byte
		enc  data.TextEncoding
	}{
		{"UTF-8", []byte(text), data.EncodingUTF8},
		{"UTF-8 with BOM", append([]byte("\uFEFF"), text...), data.EncodingUTF8BOM},
		{"GBK (Excel on a Chinese Windows)", encode(simplifiedchinese.GBK.NewEncoder()), data.EncodingGB18030},
		{"GB18030", encode(simplifiedchinese.GB18030.NewEncoder()), data.EncodingGB18030},
		{"UTF-16 LE with BOM", encode(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()), data.EncodingUTF16LE},
		{"UTF-16 BE with BOM", encode(unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder()), data.EncodingUTF16BE},
	}
	want := []string{"北京科技|13800138000|含,逗号", "上海贸易|021-62345678|「引号」"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src, rows := csvRows(t, tc.raw)
			if src.Encoding != tc.enc {
				t.Errorf("encoding %s; want %s", src.Encoding, tc.enc)
			}
			if h := strings.Join(src.Sheets[0].Header, "|"); h != "客户名称|电话|备注" {
				t.Errorf("header %q", h)
			}
			if strings.Join(rows, "\n") != strings.Join(want, "\n") {
				t.Errorf("rows %q; want %q", rows, want)
			}
		})
	}
}

func TestCSVDelimiters(t *testing.T) {
	// Excel's "Unicode text" is UTF-16 with tabs; some locales separate with semicolons.
	tabbed, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(
		[]byte("客户名称\t电话\t备注\r\n北京科技\t13800138000\t含,逗号\r\n"))
	for name, raw := range map[string][]byte{
		"UTF-16 with tabs":           tabbed,
		"semicolons":                 []byte("客户名称;电话;备注\n北京科技;13800138000;含,逗号\n"),
		"commas, a quoted semicolon": []byte("客户名称,电话,备注\n北京科技,13800138000,\"含,逗号\"\n"),
	} {
		t.Run(name, func(t *testing.T) {
			_, rows := csvRows(t, raw)
			if len(rows) != 1 || rows[0] != "北京科技|13800138000|含,逗号" {
				t.Errorf("rows %q", rows)
			}
		})
	}
}

func TestDetectEncodingAcrossChunks(t *testing.T) {
	// A Chinese character split across the detector's 256 KB chunks is still valid UTF-8, and a GBK
	// byte far into an ASCII file still makes the file GBK.
	pad := bytes.Repeat([]byte("a"), 256<<10-1)
	utf := append(append([]byte{}, pad...), "中文\n"...)
	if enc, err := data.DetectEncoding(bytes.NewReader(utf), int64(len(utf))); err != nil || enc != data.EncodingUTF8 {
		t.Errorf("UTF-8 across a chunk: %s, %v", enc, err)
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("中文\n"))
	late := append(bytes.Repeat([]byte("name,phone\n"), 100_000), gbk...)
	if enc, err := data.DetectEncoding(bytes.NewReader(late), int64(len(late))); err != nil || enc != data.EncodingGB18030 {
		t.Errorf("GBK after 1 MB of ASCII: %s, %v", enc, err)
	}
	bin := append([]byte("客户名称\n"), 0, 1, 2)
	if _, err := data.DetectEncoding(bytes.NewReader(bin), int64(len(bin))); !errors.Is(err, data.ErrBinaryFile) {
		t.Errorf("a NUL byte: %v", err)
	}
}

func TestCSVHeaderBelowTitle(t *testing.T) {
	src, rows := csvRows(t, []byte("客户信息管理表,,\n\n客户名称,电话,备注\n北京科技,13800138000,\n"))
	sh := src.Sheets[0]
	if sh.HeaderRow != 3 || sh.Rows != 1 || len(rows) != 1 || sh.Mapping.Field(0) != data.FieldName {
		t.Errorf("header row %d, rows %d %q, mapping %+v", sh.HeaderRow, sh.Rows, rows, sh.Mapping.Columns)
	}
}

func TestCSVCutShort(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		cut  bool
	}{
		{"ends with a line end", "客户名称,电话,备注\n甲,13800138000,x\n", false},
		{"last row complete without a line end", "客户名称,电话,备注\n甲,13800138000,x", false},
		{"cut in the middle of the row", "客户名称,电话,备注\n甲,13800138000,x\n乙,1390", true},
		{"cut inside a quoted field", "客户名称,电话,备注\n甲,13800138000,\"很长的\n备注", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := data.ReadImport("t.csv", strings.NewReader(tc.raw), int64(len(tc.raw)))
			if err != nil {
				t.Fatal(err)
			}
			var last data.SourceRow
			_ = src.Sheets[0].Each(context.Background(), func(r data.SourceRow) error {
				last = r
				return nil
			})
			if last.Cut != tc.cut {
				t.Errorf("last row %+v: cut %v; want %v", last, last.Cut, tc.cut)
			}
		})
	}
}
