package storage

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"salesdesk/data"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// importFixture is a store with the two team members the fixture files name.
type importFixture struct {
	s        *Store
	mgr, rep data.Member
}

func newImportFixture(t *testing.T) *importFixture {
	t.Helper()
	s := newStore(t, nil)
	return &importFixture{s: s, mgr: mustMember(t, s, "王经理", data.MemberManager), rep: mustMember(t, s, "李销售", data.MemberRep)}
}

// importPath imports a file; it fails the test when the import cannot run.
func importPath(t *testing.T, s *Store, path string, opt data.ImportOptions) *data.ImportReport {
	t.Helper()
	src, err := s.OpenImport(path)
	if err != nil {
		t.Fatalf("OpenImport(%s): %v", path, err)
	}
	defer src.Close()
	rep, err := s.Import(context.Background(), stActor, src, opt)
	if err != nil {
		t.Fatalf("Import(%s): %v", path, err)
	}
	return rep
}

// importText imports CSV text.
func importText(t *testing.T, s *Store, text string, opt data.ImportOptions) *data.ImportReport {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.csv")
	writeFile(t, path, []byte(text))
	return importPath(t, s, path, opt)
}

func fixturePath(name string) string { return filepath.Join("testdata", "import", name) }

func customerNamed(t *testing.T, s *Store, name string) data.Customer {
	t.Helper()
	for _, archived := range []bool{false, true} {
		for _, r := range s.Customers(data.CustomerFilter{Archived: archived}) {
			if r.Name == name {
				c, err := s.Customer(r.ID)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
		}
	}
	t.Fatalf("no customer %q", name)
	return data.Customer{}
}

// openActionsOf counts the agenda's open actions of a customer.
func openActionsOf(s *Store, customerID uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, oa := range s.idx.openActions {
		if oa.CustomerID == customerID {
			n++
		}
	}
	return n
}

func rejectedRows(rep *data.ImportReport) []int {
	var out []int
	for _, r := range rep.Rejected {
		out = append(out, r.Row)
	}
	return out
}

func problemsOf(rep *data.ImportReport, row int) string {
	for _, r := range rep.Rejected {
		if r.Row == row {
			var s []string
			for _, p := range r.Problems {
				s = append(s, p.Column+": "+p.Message)
			}
			return strings.Join(s, "; ")
		}
	}
	return ""
}

func TestImportTemplates(t *testing.T) {
	// Given a team of two
	fx := newImportFixture(t)
	s := fx.s

	// When the three templates of seed 000 are imported, customers first
	cust := importPath(t, s, fixturePath("customers_zh.csv"), data.ImportOptions{})

	// Then the good customer rows are cards, and each bad row is rejected with its reason
	if cust.Rows != 5 || cust.Customers.Created != 3 || !slices.Equal(rejectedRows(cust), []int{6, 7}) {
		t.Fatalf("customers: rows %d, %+v, rejected %v", cust.Rows, cust.Customers, rejectedRows(cust))
	}
	if p := problemsOf(cust, 6); !strings.Contains(p, "names no customer") {
		t.Errorf("row 6: %s", p)
	}
	if p := problemsOf(cust, 7); !strings.Contains(p, "最后跟进时间") || !strings.Contains(p, "invalid date") {
		t.Errorf("row 7: %s", p)
	}
	c := customerNamed(t, s, "北京星辰科技有限公司")
	want := data.Contact{Name: "张三", Title: "采购经理", Phone: "13800138000", Email: "zhangsan@xingchen.cn", Primary: true}
	if len(c.Contacts) != 1 || c.Contacts[0] != want {
		t.Errorf("contact %+v; want %+v", c.Contacts, want)
	}
	if c.Industry != "IT服务" || c.NeedStage != "需求确认" || c.OwnerID != fx.mgr.ID || c.Notes != "客户提到竞品报价更低" {
		t.Errorf("card %+v", c)
	}
	if data.FormatDate(c.LastFollowUp) != "2026-03-02" || data.FormatDate(c.NextFollowUp) != "2026-03-20" || c.NextAction != "提交方案" {
		t.Errorf("follow-up dates: last %s, next %s %q", data.FormatDate(c.LastFollowUp), data.FormatDate(c.NextFollowUp), c.NextAction)
	}
	if c.GradeOverride != data.GradeB {
		t.Errorf("grade override %q; want B (the rules suggest otherwise)", c.GradeOverride)
	}
	bad := customerNamed(t, s, "广州南方电器")
	if bad.OwnerID != 0 || bad.Contacts[0].Phone != "" || !strings.Contains(bad.Contacts[0].Notes, "xxxx5678") ||
		!strings.Contains(bad.Contacts[0].Notes, "wangwu") {
		t.Errorf("a card with an unreadable phone and an unknown owner: %+v", bad)
	}
	var warned []string
	for _, w := range cust.Warnings {
		warned = append(warned, fmt.Sprintf("%d %s", w.Row, w.Column))
		if w.Row == 5 && w.Column == "跟进人" && !errors.Is(w.Err, data.ErrUnknownMember) {
			t.Errorf("unknown owner's warning carries %v", w.Err)
		}
	}
	if !slices.Contains(warned, "5 跟进人") || !slices.Contains(warned, "5 联系人信息(姓名/职位/电话/邮箱)") {
		t.Errorf("warnings %q", warned)
	}

	// And the deals link to those cards by name, keep their numbers, and bad rows are rejected
	opp := importPath(t, s, fixturePath("opportunities_zh.csv"), data.ImportOptions{})
	if opp.Opportunities.Created != 3 || !slices.Equal(rejectedRows(opp), []int{5, 6}) {
		t.Fatalf("deals: %+v, rejected %v", opp.Opportunities, rejectedRows(opp))
	}
	if p := problemsOf(opp, 5); !strings.Contains(p, "no customer") {
		t.Errorf("row 5: %s", p)
	}
	if p := problemsOf(opp, 6); !strings.Contains(p, "预计成交金额") || !strings.Contains(p, "当前阶段") {
		t.Errorf("row 6 should name both bad cells: %s", p)
	}
	deals := map[string]*data.OpportunityRow{}
	for _, o := range s.Opportunities(data.OpportunityFilter{}) {
		deals[o.Number] = o
	}
	d1, ok := s.Opportunity(deals["XS2026030001"].ID)
	if !ok || d1.CustomerID != c.ID || d1.Amount != data.AmountFromYuan(50_000) || d1.Stage != "proposal" || d1.OwnerID != fx.mgr.ID ||
		d1.Source != data.SourceTradeShow || d1.Risk != (data.Risk{Level: data.LevelMedium, Note: "需突出性价比"}) || len(d1.Milestones) != 1 ||
		data.FormatDate(d1.Milestones[0].Date) != "2026-03-25" || d1.Milestones[0].Text != "提交方案" || data.FormatDate(d1.CloseDate) != "2026-04-10" {
		t.Errorf("deal XS2026030001: %+v", d1)
	}
	if d := deals["XS2026030002"]; d == nil || d.Amount != data.AmountFromYuan(1_200_000) {
		t.Errorf("deal XS2026030002: %+v", d)
	}
	if d := deals["XS2026030003"]; d == nil || d.Amount != data.AmountFromYuan(35_000) || d.Stage != "needs_discovery" || d.CustomerID != c.ID {
		t.Errorf("the deal without a number got %+v", d)
	}
	if h, _ := s.History(d1.ID); len(h) != 1 || h[0].To != "proposal" {
		t.Errorf("history %+v", h)
	}

	// And the follow-ups keep their dates and authors, and move the cards' last follow-up
	fu := importPath(t, s, fixturePath("followups_zh.csv"), data.ImportOptions{})
	if fu.FollowUps.Created != 3 || !slices.Equal(rejectedRows(fu), []int{5, 6}) {
		t.Fatalf("follow-ups: %+v, rejected %v (%s)", fu.FollowUps, rejectedRows(fu), problemsOf(fu, 5))
	}
	if p := problemsOf(fu, 5); !strings.Contains(p, "future") {
		t.Errorf("row 5: %s", p)
	}
	if len(fu.Warnings) != 1 || fu.Warnings[0].Value != "陈路人" || !errors.Is(fu.Warnings[0].Err, data.ErrUnknownMember) {
		t.Errorf("the unknown author is reported: %+v", fu.Warnings)
	}
	fus, _ := s.FollowUps(c.ID)
	if len(fus) != 2 || data.FormatDate(fus[1].Date) != "2026-03-05" || fus[1].ByID != fx.mgr.ID || fus[1].Method != data.MethodPhone ||
		data.FormatDate(fus[1].Deadline) != "2026-03-20" || fus[1].Result != "客户确认培训有效" || fus[0].ByID != fx.rep.ID || fus[0].Method != data.MethodWeChat {
		t.Errorf("follow-ups %+v", fus)
	}
	c = customerNamed(t, s, "北京星辰科技有限公司")
	if data.FormatDate(c.LastFollowUp) != "2026-03-07" || data.FormatDate(c.FirstContact) != "2026-03-05" {
		t.Errorf("card after follow-ups: last %s, first %s", data.FormatDate(c.LastFollowUp), data.FormatDate(c.FirstContact))
	}
	hn := customerNamed(t, s, "上海海纳商贸有限公司")
	if n := openActionsOf(s, hn.ID); n != 1 {
		t.Errorf("the 上海 follow-up's action awaits its result %d times in the agenda's index", n)
	}
	mustCheck(t, s)
	imports, _ := s.Imports()
	if len(imports) != 3 || imports[0].FollowUps.Created != 3 || imports[2].Customers.Created != 3 || !imports[0].Finished {
		t.Errorf("imports %+v", imports)
	}
}

func TestImportDuplicates(t *testing.T) {
	setup := func(t *testing.T) (*Store, []data.Customer) {
		s := newStore(t, nil)
		var cs []data.Customer
		for _, c := range []data.Customer{
			company("北京科技有限公司", withContact("张伟", "13800138000", "zw@bj.cn")),
			company("上海贸易", withContact("李娜", "021-62345678", "ln@sh.cn")),
			company("广州电器", withContact("王芳", "13900139000", "wf@gz.cn")),
			company("深圳医疗", withContact("赵敏", "13700137000", "zm@sz.cn")),
		} {
			cs = append(cs, mustCreate(t, s, c))
		}
		return s, cs
	}
	file := "客户编号,客户名称,所属行业,电话,邮箱\n" +
		"KH2026-00003,换了名字的广州,电器,,\n" + // card number
		",北京科技,软件,,\n" + // name, normalised
		",新名字,医疗,137-0013-7000,\n" + // phone, written differently
		",另一个名字,贸易,,LN@SH.CN\n" + // email, another case
		",全新客户,零售,13600136000,new@x.cn\n"
	wantMatch := []string{"card_no", "name", "phone", "email", ""}
	for _, policy := range data.DuplicatePolicies {
		t.Run(string(policy), func(t *testing.T) {
			s, before := setup(t)
			rep := importText(t, s, file, data.ImportOptions{OnDuplicate: policy})
			var by []string
			for _, o := range rep.Outcomes {
				by = append(by, o.MatchedBy)
			}
			switch policy {
			case data.DuplicateSkip:
				if rep.Customers != (data.ImportCounts{Created: 1, Skipped: 4}) || !slices.Equal(by, wantMatch) {
					t.Fatalf("%+v, matched by %q", rep.Customers, by)
				}
				for _, c := range before {
					if after, _ := s.Customer(c.ID); !reflect.DeepEqual(after, c) {
						t.Errorf("skip changed %s", c.Name)
					}
				}
			case data.DuplicateUpdate:
				if rep.Customers != (data.ImportCounts{Created: 1, Updated: 4}) || !slices.Equal(by, wantMatch) {
					t.Fatalf("%+v, matched by %q", rep.Customers, by)
				}
				gz, _ := s.Customer(before[2].ID)
				if gz.Name != "换了名字的广州" || gz.Industry != "电器" || gz.Version != before[2].Version+1 || gz.CardNo != before[2].CardNo ||
					len(gz.Contacts) != 1 || gz.Contacts[0] != before[2].Contacts[0] {
					t.Errorf("updated by card number: %+v", gz)
				}
				sz, _ := s.Customer(before[3].ID)
				if sz.Name != "新名字" || sz.Industry != "医疗" || len(sz.Contacts) != 1 || sz.Contacts[0].Name != "赵敏" {
					t.Errorf("updated by phone (the contact merged, not added): %+v", sz)
				}
			case data.DuplicateCreate:
				if rep.Customers != (data.ImportCounts{Created: 5}) {
					t.Fatalf("%+v", rep.Customers)
				}
				if n, _ := s.CustomerCount(); n != 9 {
					t.Errorf("%d cards", n)
				}
				// A card number taken stays with its card; the new one gets the next number.
				for _, o := range rep.Outcomes {
					if strings.HasPrefix(o.Label, "KH2026-00003 ") {
						t.Errorf("created a second card with a taken number: %s", o.Label)
					}
				}
			}
			mustCheck(t, s)
		})
	}
}

func TestImportSkippingEverythingWritesNothing(t *testing.T) {
	// Given customers imported once
	s := newStore(t, nil)
	text := "客户名称,电话\n北京科技,13800138000\n上海贸易,13900139000\n"
	importText(t, s, text, data.ImportOptions{})
	before := fileHashOpen(t, s)
	audits := auditCount(t, s)

	// When the same file is imported again, skipping duplicates
	rep := importText(t, s, text, data.ImportOptions{})

	// Then every row is skipped, no import is recorded and the file is unchanged
	if rep.Customers != (data.ImportCounts{Skipped: 2}) || rep.ImportID != 0 {
		t.Errorf("%+v, import %d", rep.Customers, rep.ImportID)
	}
	if fileHashOpen(t, s) != before || auditCount(t, s) != audits {
		t.Error("an import that skipped every row wrote to the file")
	}
}

func TestImportDryRun(t *testing.T) {
	fx := newImportFixture(t)
	s := fx.s
	importPath(t, s, fixturePath("customers_zh.csv"), data.ImportOptions{})
	before := fileHashOpen(t, s)
	rows := len(s.Customers(data.CustomerFilter{}))

	// A dry run of a file whose deals need the customers it creates first
	path := filepath.Join(t.TempDir(), "both.xlsx")
	writeWorkbook(t, path, map[string][][]any{
		"回访": {{"回访日期", "客户名称", "回访方式", "回访人", "沟通主题"}, {"2026-03-01", "新客户甲", "电话", "王经理", "初次联系"}},
		"客户": {{"客户名称", "联系人", "电话"}, {"新客户甲", "周一", "13500135000"}, {"北京星辰科技", "张三", "13800138000"}},
	}, []string{"回访", "客户"})
	dry := importPath(t, s, path, data.ImportOptions{DryRun: true, OnDuplicate: data.DuplicateUpdate})
	if fileHashOpen(t, s) != before || len(s.Customers(data.CustomerFilter{})) != rows {
		t.Fatal("a dry run wrote to the file or to memory")
	}
	if !dry.DryRun || dry.ImportID != 0 || dry.Customers != (data.ImportCounts{Created: 1, Updated: 1}) || dry.FollowUps.Created != 1 {
		t.Fatalf("dry run: %+v %+v", dry.Customers, dry.FollowUps)
	}

	// The import then does exactly what the dry run said, ids included
	real := importPath(t, s, path, data.ImportOptions{OnDuplicate: data.DuplicateUpdate})
	if !reflect.DeepEqual(dry.Outcomes, real.Outcomes) || !reflect.DeepEqual(dry.Rejected, real.Rejected) {
		t.Errorf("dry run said\n%+v\nthe import did\n%+v", dry.Outcomes, real.Outcomes)
	}
	mustCheck(t, s)
}

// writeWorkbook writes sheets of cells (strings, numbers, dates) in the given order.
func writeWorkbook(t *testing.T, path string, sheets map[string][][]any, order []string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	dateFmt := "yyyy/m/d"
	dateStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	for i, name := range order {
		if i == 0 {
			_ = f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellValue(name, cell, v); err != nil {
					t.Fatal(err)
				}
				if _, ok := v.(time.Time); ok {
					_ = f.SetCellStyle(name, cell, cell, dateStyle)
				}
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestImportXLSXCells(t *testing.T) {
	// Given a workbook as Excel users make them: a title row, date cells, a phone and amounts stored
	// as numbers, and an empty second sheet
	fx := newImportFixture(t)
	path := filepath.Join(t.TempDir(), "客户.xlsx")
	writeWorkbook(t, path, map[string][][]any{
		"客户资料": {
			{"2026年客户资料"},
			{"客户名称", "联系人", "手机", "首次接触时间", "采购预算", "年采购额（万元）", "跟进人", "客户等级"},
			{"杭州云智", "孙丽", 13512345678, time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC), 350000, 12.5, "李销售", "C级"},
			{"南京恒通", "钱伟", "025-83456789", "2025/12/1", "8万", 3, "王经理", "A"},
		},
		"说明": {},
	}, []string{"客户资料", "说明"})

	rep := importPath(t, fx.s, path, data.ImportOptions{})
	if rep.Customers.Created != 2 || len(rep.Rejected) != 0 {
		t.Fatalf("%+v rejected %+v", rep.Customers, rep.Rejected)
	}
	c := customerNamed(t, fx.s, "杭州云智")
	if c.Contacts[0].Phone != "13512345678" || data.FormatDate(c.FirstContact) != "2025-11-03" || c.Budget != data.AmountFromYuan(350_000) ||
		c.AnnualPurchase != data.AmountFromYuan(125_000) || c.OwnerID != fx.rep.ID {
		t.Errorf("card from typed cells: %+v", c)
	}
	n := customerNamed(t, fx.s, "南京恒通")
	if n.Contacts[0].Phone != "025-83456789" || data.FormatDate(n.FirstContact) != "2025-12-01" || n.Budget != data.AmountFromYuan(80_000) ||
		n.AnnualPurchase != data.AmountFromYuan(30_000) || n.GradeOverride != data.GradeA {
		t.Errorf("card from text cells: %+v", n)
	}
	mustCheck(t, fx.s)
}

// bigCSV writes n customer rows.
func bigCSV(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "客户名称,联系人,电话,所属行业")
	for i := range n {
		fmt.Fprintf(w, "客户%07d有限公司,联系人%d,13%09d,行业%d\n", i, i, i, i%7)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestImportCancelAndUndo(t *testing.T) {
	// Given a file of 5,000 customers imported 1,000 a transaction
	s := newStore(t, nil)
	path := filepath.Join(t.TempDir(), "big.csv")
	bigCSV(t, path, 5000)
	src, err := s.OpenImport(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	// When the user cancels after the second batch
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var seen []data.ImportProgress
	rep, err := s.Import(ctx, stActor, src, data.ImportOptions{BatchSize: 1000, Progress: func(p data.ImportProgress) {
		seen = append(seen, p)
		if p.Done == 2000 {
			cancel()
		}
	}})

	// Then the import stops, and the file holds exactly what the report says it imported
	if !errors.Is(err, data.ErrImportCancelled) || !rep.Cancelled {
		t.Fatalf("Import: %v, cancelled %v", err, rep.Cancelled)
	}
	active, _ := s.CustomerCount()
	if rep.Customers.Created != 2000 || rep.Rows != 2000 || active != 2000 || len(rep.Outcomes) != 2000 {
		t.Fatalf("report %+v (%d rows), %d cards in the file", rep.Customers, rep.Rows, active)
	}
	if len(seen) < 2 || seen[0].Total != 5000 || seen[0].Done != 1000 {
		t.Errorf("progress %+v", seen)
	}
	imports, _ := s.Imports()
	if len(imports) != 1 || !imports[0].Cancelled || imports[0].Finished || imports[0].Customers.Created != 2000 {
		t.Errorf("import record %+v", imports)
	}
	mustCheck(t, s)

	// And undo removes it all
	urep, err := s.UndoImport(stActor, rep.ImportID, false)
	if err != nil || urep.Customers.Removed != 2000 {
		t.Fatalf("UndoImport: %+v, %v", urep, err)
	}
	if active, archived := s.CustomerCount(); active+archived != 0 || len(s.Customers(data.CustomerFilter{Search: "客户0000"})) != 0 {
		t.Errorf("%d cards left after undo", active)
	}
	mustCheck(t, s)
	s = reopen(t, s, Options{})
	if active, _ := s.CustomerCount(); active != 0 {
		t.Errorf("%d cards after reopening", active)
	}
}

func TestUndoImportRestoresAndRemoves(t *testing.T) {
	// Given stored cards, one with a follow-up
	fx := newImportFixture(t)
	s := fx.s
	bj := mustCreate(t, s, company("北京星辰科技有限公司", withContact("张三", "13800138000", "")))
	_, bj = mustLog(t, s, data.FollowUp{CustomerID: bj.ID, Date: stNow.AddDate(0, 0, -30), ByID: fx.mgr.ID}, data.NextPlan{})
	bjFollowUps, _ := s.FollowUps(bj.ID)
	sh := mustCreate(t, s, company("上海海纳商贸有限公司"))

	// When a workbook updates them, adds a card, deals and follow-ups
	path := filepath.Join(t.TempDir(), "all.xlsx")
	writeWorkbook(t, path, map[string][][]any{
		"客户": {{"客户名称", "所属行业", "联系人", "电话"}, {"北京星辰科技有限公司", "软件", "张三", "13800138000"},
			{"上海海纳商贸有限公司", "零售", "李四", "13900139000"}, {"新客户乙", "物流", "王五", "13700137000"}},
		"机会": {{"机会编号", "客户名称", "预计成交金额", "当前阶段"}, {"", "北京星辰科技有限公司", "5万", "初步接触"},
			{"", "新客户乙", "8万", "需求挖掘"}},
		"回访": {{"回访日期", "客户名称", "回访方式", "回访人", "沟通主题", "处理措施", "完成时限"},
			{"2026-03-09", "北京星辰科技有限公司", "电话", "王经理", "报价", "发报价单", "2026-03-12"},
			{"2026-03-08", "新客户乙", "拜访", "李销售", "初访", "", ""}},
	}, []string{"客户", "机会", "回访"})
	rep := importPath(t, s, path, data.ImportOptions{OnDuplicate: data.DuplicateUpdate})
	if rep.Customers != (data.ImportCounts{Created: 1, Updated: 2}) || rep.Opportunities.Created != 2 || rep.FollowUps.Created != 2 {
		t.Fatalf("import: %+v %+v %+v rejected %+v", rep.Customers, rep.Opportunities, rep.FollowUps, rep.Rejected)
	}
	if got := customerNamed(t, s, "北京星辰科技有限公司"); data.FormatDate(got.LastFollowUp) != "2026-03-09" || got.Industry != "软件" {
		t.Fatalf("import did not update the card: %+v", got)
	}

	// Then undo puts the stored cards back as they were, and removes everything the import added
	urep, err := s.UndoImport(stActor, rep.ImportID, false)
	if err != nil {
		t.Fatalf("UndoImport: %v", err)
	}
	if urep.Customers != (data.UndoCounts{Removed: 1, Restored: 2}) || urep.Opportunities.Removed != 2 || urep.FollowUps.Removed != 2 {
		t.Errorf("undo: %+v", urep)
	}
	for _, c := range []data.Customer{bj, sh} {
		if got, _ := s.Customer(c.ID); !reflect.DeepEqual(got, c) {
			t.Errorf("%s after undo:\n%+v\nwant\n%+v", c.Name, got, c)
		}
	}
	if fus, _ := s.FollowUps(bj.ID); !reflect.DeepEqual(fus, bjFollowUps) {
		t.Errorf("follow-ups after undo: %+v", fus)
	}
	if n := len(s.Opportunities(data.OpportunityFilter{})); n != 0 {
		t.Errorf("%d deals after undo", n)
	}
	if len(s.Customers(data.CustomerFilter{Search: "新客户乙"})) != 0 || openActionsOf(s, bj.ID) != 0 {
		t.Error("the new card is still listed, or the imported action still open")
	}
	mustCheck(t, s)
	imports, _ := s.Imports()
	if !imports[0].Undone {
		t.Errorf("import record %+v", imports[0])
	}
	if _, err := s.UndoImport(stActor, rep.ImportID, false); !errors.Is(err, data.ErrAlreadyUndone) {
		t.Errorf("second undo: %v", err)
	}
	last, _ := s.Changes("", 0, 1)
	if !strings.HasPrefix(last[0].Action, "undo_import") {
		t.Errorf("audit %+v", last)
	}
}

func TestUndoImportConflicts(t *testing.T) {
	setup := func(t *testing.T) (*importFixture, *data.ImportReport) {
		fx := newImportFixture(t)
		mustCreate(t, fx.s, company("老客户"))
		rep := importText(t, fx.s, "客户名称,所属行业\n老客户,制造\n新客户,零售\n", data.ImportOptions{OnDuplicate: data.DuplicateUpdate})
		return fx, rep
	}
	t.Run("changed since: refused, then forced", func(t *testing.T) {
		fx, rep := setup(t)
		s := fx.s
		old := customerNamed(t, s, "老客户")
		old.Notes = "导入后改过"
		if _, err := s.UpdateCustomer(data.Actor{MemberID: fx.rep.ID, Name: fx.rep.Name}, old); err != nil {
			t.Fatal(err)
		}
		before := fileHashOpen(t, s)
		_, err := s.UndoImport(stActor, rep.ImportID, false)
		var ce *data.UndoConflictError
		if !errors.As(err, &ce) || !errors.Is(err, data.ErrUndoConflicts) || len(ce.Conflicts) != 1 ||
			ce.Conflicts[0].ChangedBy != "李销售" || ce.Conflicts[0].ID != old.ID {
			t.Fatalf("UndoImport: %v", err)
		}
		if fileHashOpen(t, s) != before {
			t.Fatal("a refused undo wrote to the file")
		}
		urep, err := s.UndoImport(stActor, rep.ImportID, true)
		if err != nil || len(urep.Conflicts) != 1 || urep.Customers != (data.UndoCounts{Removed: 1, Restored: 1}) {
			t.Fatalf("forced: %+v, %v", urep, err)
		}
		got := customerNamed(t, s, "老客户")
		if got.Industry != "" || got.Notes != "" || got.Version <= old.Version {
			t.Errorf("forced undo: %+v", got)
		}
		mustCheck(t, s)
	})
	t.Run("a follow-up added to an imported card keeps the card", func(t *testing.T) {
		fx, rep := setup(t)
		s := fx.s
		nc := customerNamed(t, s, "新客户")
		mustLog(t, s, data.FollowUp{CustomerID: nc.ID, Date: stNow, ByID: fx.rep.ID}, data.NextPlan{})
		if _, err := s.UndoImport(stActor, rep.ImportID, false); !errors.Is(err, data.ErrUndoConflicts) {
			t.Fatalf("UndoImport: %v", err)
		}
		urep, err := s.UndoImport(stActor, rep.ImportID, true)
		if err != nil || len(urep.Kept) != 1 || urep.Kept[0].ID != nc.ID {
			t.Fatalf("forced: %+v, %v", urep, err)
		}
		if _, err := s.Customer(nc.ID); err != nil {
			t.Errorf("the card with a new follow-up was removed: %v", err)
		}
		mustCheck(t, s)
	})
	t.Run("a deal added to an imported card keeps the card", func(t *testing.T) {
		fx, rep := setup(t)
		s := fx.s
		nc := customerNamed(t, s, "新客户")
		if _, err := s.CreateOpportunity(stActor, data.Opportunity{CustomerID: nc.ID, Title: "新单"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UndoImport(stActor, rep.ImportID, false); !errors.Is(err, data.ErrUndoConflicts) {
			t.Fatalf("UndoImport: %v", err)
		}
		if urep, err := s.UndoImport(stActor, rep.ImportID, true); err != nil || len(urep.Kept) != 1 {
			t.Fatalf("forced: %+v, %v", urep, err)
		}
		mustCheck(t, s)
	})
}

func TestImportFollowUpDuplicates(t *testing.T) {
	fx := newImportFixture(t)
	s := fx.s
	importPath(t, s, fixturePath("customers_zh.csv"), data.ImportOptions{})
	importPath(t, s, fixturePath("followups_zh.csv"), data.ImportOptions{})
	again := importPath(t, s, fixturePath("followups_zh.csv"), data.ImportOptions{})
	if again.FollowUps != (data.ImportCounts{Skipped: 3}) {
		t.Errorf("re-import: %+v", again.FollowUps)
	}
	text := "回访日期,客户名称,沟通主题,结果确认\n2026-03-06,上海海纳商贸有限公司,需求沟通,已报价\n"
	upd := importText(t, s, text, data.ImportOptions{OnDuplicate: data.DuplicateUpdate})
	if upd.FollowUps != (data.ImportCounts{Updated: 1}) {
		t.Fatalf("update: %+v", upd.FollowUps)
	}
	hn := customerNamed(t, s, "上海海纳商贸有限公司")
	fus, _ := s.FollowUps(hn.ID)
	if len(fus) != 1 || fus[0].Result != "已报价" || fus[0].Action != "整理报价" {
		t.Errorf("updated follow-up %+v", fus)
	}
	if openActionsOf(s, hn.ID) != 0 {
		t.Error("a confirmed action still awaits its result")
	}
	mustCheck(t, s)
	if _, err := s.UndoImport(stActor, upd.ImportID, false); err != nil {
		t.Fatal(err)
	}
	if fus, _ := s.FollowUps(hn.ID); fus[0].Result != "" {
		t.Errorf("undo did not restore the follow-up: %+v", fus[0])
	}
	mustCheck(t, s)
}

func TestImportRemembersMapping(t *testing.T) {
	s := newStore(t, nil)
	path := filepath.Join(t.TempDir(), "a.csv")
	writeFile(t, path, []byte("单位,座机号,杂项\n北京科技,010-12345678,大客户\n"))
	src, err := s.OpenImport(path)
	if err != nil {
		t.Fatal(err)
	}
	sh := src.Sheets[0]
	// The user places the column the automatic mapping left out.
	if sh.Mapping.Field(0) != data.FieldName || sh.Mapping.Field(2) != "" {
		t.Fatalf("automatic mapping %+v", sh.Mapping.Columns)
	}
	sh.Mapping.Set(2, data.FieldNotes)
	if _, err := s.Import(context.Background(), stActor, src, data.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	src.Close()

	path2 := filepath.Join(t.TempDir(), "b.csv")
	writeFile(t, path2, []byte("单位 , 座机号,杂项\n上海贸易,021-62345678,小客户\n"))
	src2, err := s.OpenImport(path2)
	if err != nil {
		t.Fatal(err)
	}
	defer src2.Close()
	if got := src2.Sheets[0].Mapping.Field(2); got != data.FieldNotes {
		t.Errorf("the next file with the same header maps column 3 to %q", got)
	}
}

func TestRejectsCSV(t *testing.T) {
	s := newStore(t, nil)
	rep := importText(t, s, "客户名称,所属行业,首次接触时间\n好客户,软件,2025-01-02\n坏日期,零售,2025-02-30\n,无名,\n", data.ImportOptions{})
	var buf bytes.Buffer
	if err := rep.WriteRejects(&buf); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFF行号 Row,客户名称,所属行业,首次接触时间,问题 Problems\r\n" +
		"3,坏日期,零售,2025-02-30,首次接触时间: invalid date: 2025-02 has only 28 days\r\n" +
		"4,,无名,,the row names no customer (客户名称 or 客户编号 is empty)\r\n"
	if buf.String() != want {
		t.Errorf("rejects CSV:\n%q\nwant\n%q", buf.String(), want)
	}
	// Fixed in Excel, the file imports again: the added columns map to nothing.
	fixed := strings.Replace(buf.String(), "2025-02-30", "2025-02-28", 1)
	again := importText(t, s, fixed, data.ImportOptions{})
	if again.Customers.Created != 1 || len(again.Rejected) != 1 {
		t.Errorf("re-import of the fixed rejects: %+v, %d rejected", again.Customers, len(again.Rejected))
	}
}

func TestImportBadFiles(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	var xlsx bytes.Buffer
	wb := excelize.NewFile()
	_ = wb.SetSheetRow("Sheet1", "A1", &[]any{"客户名称", "电话"})
	_ = wb.SetSheetRow("Sheet1", "A2", &[]any{"北京科技", "13800138000"})
	if err := wb.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
		raw        []byte
		want       error
	}{
		{"empty file", "a.csv", nil, data.ErrImportEmpty},
		{"blank lines only", "a.csv", []byte("\n\r\n  \n"), data.ErrImportEmpty},
		{"a PNG named .csv", "a.csv", png, data.ErrImportFileType},
		{"a PNG named .xlsx", "a.xlsx", png, data.ErrImportFileType},
		{"an old .xls", "a.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), data.ErrImportFileType},
		{"a truncated workbook", "a.xlsx", xlsx.Bytes()[:xlsx.Len()/2], data.ErrImportDamaged},
		{"binary junk", "a.csv", append([]byte("客户名称\n"), 0, 0, 0, 1), data.ErrImportFileType},
		{"header only", "a.csv", []byte("客户名称,电话\r\n"), data.ErrImportNoRows},
		{"no known column", "a.csv", []byte("甲,乙\n1,2\n"), data.ErrImportNoHeader},
		{"no customer column", "a.csv", []byte("所属行业,电话\n软件,13800138000\n"), data.ErrMappingIncomplete},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, nil)
			before := fileHashOpen(t, s)
			path := filepath.Join(t.TempDir(), tc.file)
			writeFile(t, path, tc.raw)
			src, err := s.OpenImport(path)
			if err == nil {
				_, err = s.Import(context.Background(), stActor, src, data.ImportOptions{})
				src.Close()
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v; want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "%!") {
				t.Errorf("malformed message: %v", err)
			}
			if fileHashOpen(t, s) != before {
				t.Error("a refused file wrote to the database")
			}
		})
	}
	t.Run("a truncated CSV imports its whole rows and rejects the cut one", func(t *testing.T) {
		s := newStore(t, nil)
		rep := importText(t, s, "客户名称,电话,所属行业\n北京科技,13800138000,软件\n上海贸易,1390013", data.ImportOptions{})
		if rep.Customers.Created != 1 || !slices.Equal(rejectedRows(rep), []int{3}) ||
			!errors.Is(rep.Rejected[0].Problems[0].Err, data.ErrRowCut) {
			t.Fatalf("%+v, rejected %+v", rep.Customers, rep.Rejected)
		}
		if n, _ := s.CustomerCount(); n != 1 {
			t.Errorf("%d cards; the report lists 1", n)
		}
	})
}

func TestImportMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a million-row file")
	}
	s := newStore(t, nil)
	before := fileHashOpen(t, s)
	path := filepath.Join(t.TempDir(), "million.csv")
	bigCSV(t, path, 1_000_000)
	_, err := s.OpenImport(path)
	if !errors.Is(err, data.ErrImportTooManyRows) || !strings.Contains(err.Error(), "200000") {
		t.Fatalf("OpenImport: %v", err)
	}
	if fileHashOpen(t, s) != before {
		t.Error("the refused file wrote to the database")
	}
}

func TestImportIntoReadOnlyStore(t *testing.T) {
	s := newStore(t, nil)
	ro := reopen(t, s, Options{ReadOnly: true})
	src, err := ro.OpenImport(fixturePath("customers_zh.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := ro.Import(context.Background(), stActor, src, data.ImportOptions{}); !errors.Is(err, data.ErrReadOnly) {
		t.Errorf("Import on a read-only store: %v", err)
	}
}
