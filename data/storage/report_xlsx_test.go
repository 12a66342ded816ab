package storage

import (
	"bytes"
	"salesdesk/data"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsxReportFixture is two quarters: an empty one and one with a rep and a missed target.
func xlsxReportFixture() []data.PeriodReport {
	members := []data.Member{{ID: 1, Name: "李娜", Role: data.MemberRep, Active: true}}
	deals := []*data.OpportunityRow{
		deal(1, 10, 1, 30_000, dd(2024, 1, 2), dd(2024, 2, 1)),
		deal(2, 11, 1, 60_000, dd(2024, 1, 3), 0),
		deal(3, 12, 1, 60_000, dd(2024, 1, 3), 0),
	}
	l := data.NewLedger(deals, data.DefaultStages())
	var out []data.PeriodReport
	for _, p := range []data.Period{data.Quarter(2023, 4), data.Quarter(2024, 1)} {
		team, owners := l.Figures(p)
		sets := []data.TargetSet{{Team: data.Targets{data.MetricConversionRate: 35}}}
		out = append(out, data.BuildReport(p, team, owners, sets, members, data.PeriodNotes{Problems: "转化率低", Measures: "需求挖掘"}))
	}
	return out
}

func readXLSX(t *testing.T, raw []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func cell(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

func TestWriteReportXLSX(t *testing.T) {
	reports := xlsxReportFixture()
	tests := []struct {
		lang, sheet, leads, conversion, owners, miss string
	}{
		{"zh", "销售数据分析", "线索数量", "转化率（%）", "销售人员", "转化率低于目标：检查需求挖掘（5W1H）"},
		{"en", "Sales metrics", "Leads", "Conversion rate (%)", "Sales reps", "Conversion below target: check needs discovery (5W1H)"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := data.WriteReportXLSX(&buf, reports, tc.lang); err != nil {
				t.Fatal(err)
			}
			f := readXLSX(t, buf.Bytes())
			if got := f.GetSheetList(); len(got) != 2 || got[0] != tc.sheet || got[1] != tc.owners {
				t.Fatalf("sheets = %v", got)
			}
			s := tc.sheet
			// Columns: period, then each metric and its target: leads B, C; closed D, E; conversion F, G.
			checks := map[string]string{"B1": tc.leads, "F1": tc.conversion, "A2": "2023Q4", "A3": "2024Q1",
				"B3": "3", "D3": "1", "F3": "33.33", "G3": "35", "H3": "30000", "N3": tc.miss, "O3": "转化率低", "P3": "需求挖掘",
				"F2": "", "G2": "35"}
			for ref, want := range checks {
				if got := cell(t, f, s, ref); got != want {
					t.Errorf("%s!%s = %q, want %q", s, ref, got, want)
				}
			}
			if typ, _ := f.GetCellType(s, "F3"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Error("a figure was written as text")
			}
			if got := cell(t, f, tc.owners, "B3"); got != "李娜" {
				t.Errorf("the rep's row names %q", got)
			}
		})
	}
}

func TestWriteSegmentsXLSX(t *testing.T) {
	cats := map[uint64]string{10: "区域专卖店", 11: ""}
	deals := []*data.OpportunityRow{deal(1, 10, 1, 900, dd(2024, 1, 2), dd(2024, 2, 1)), deal(2, 11, 1, 100, dd(2024, 1, 3), dd(2024, 2, 2))}
	from, to := data.Quarter(2024, 1).Days()
	sg := data.Segment(deals, data.DefaultStages(), segInfo(cats), from, to)
	var buf bytes.Buffer
	if err := data.WriteSegmentsXLSX(&buf, sg.Summary(), sg.Page(0, data.MaxSegmentPage).Customers, "zh"); err != nil {
		t.Fatal(err)
	}
	f := readXLSX(t, buf.Bytes())
	if got := f.GetSheetList(); len(got) != 3 || got[0] != "客户构成" || got[2] != "RFM分群" {
		t.Fatalf("sheets = %v", got)
	}
	for ref, want := range map[string]string{"A2": "区域专卖店", "B2": "900", "C2": "90", "A3": "未分类", "C3": "10"} {
		if got := cell(t, f, "客户构成", ref); got != want {
			t.Errorf("客户构成!%s = %q, want %q", ref, got, want)
		}
	}
	for ref, want := range map[string]string{"B2": "客户10", "G2": "A", "H2": "A", "H3": "B", "I2": "2024-02-01"} {
		if got := cell(t, f, "客户分级", ref); got != want {
			t.Errorf("客户分级!%s = %q, want %q", ref, got, want)
		}
	}
	if got := cell(t, f, "RFM分群", "A2"); got != "重要价值客户" {
		t.Errorf("first segment = %q", got)
	}
	// An empty segmentation still makes a valid workbook.
	buf.Reset()
	if err := data.WriteSegmentsXLSX(&buf, data.SegmentSummary{}, nil, "en"); err != nil {
		t.Fatal(err)
	}
	if got := readXLSX(t, buf.Bytes()).GetSheetList(); len(got) != 3 || got[0] != "Composition" {
		t.Fatalf("sheets of an empty workbook = %v", got)
	}
}
