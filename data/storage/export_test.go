package storage

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"salesdesk/data"
	"slices"
	"testing"
)

// exportFixture makes a small file with every field the list exports fill: a full company card, a
// person card, an archived card, follow-ups and two deals.
func exportFixture(t *testing.T) *Store {
	t.Helper()
	s := newStore(t, nil)
	mgr := mustMember(t, s, "王经理", data.MemberManager)
	rep := mustMember(t, s, "李销售", data.MemberRep)
	bj := mustCreate(t, s, fullCustomer(mgr.ID))
	person := mustCreate(t, s, data.Customer{Kind: data.KindPerson, Name: "陈先生", Status: data.StatusCustomer, OwnerID: rep.ID, Source: data.SourceReferral,
		Contacts: []data.Contact{{Name: "陈先生", Phone: "+86 139 0013 9000", Email: "chen@qq.com"}}, Tags: []string{"个人客户"},
		Notes: "备注里有,逗号和\"引号\""})
	gone := mustCreate(t, s, company("已归档公司"))
	if _, err := s.ArchiveCustomer(stActor, gone.ID); err != nil {
		t.Fatal(err)
	}
	mustLog(t, s, data.FollowUp{CustomerID: bj.ID, Date: gday(2026, 3, 2), Method: data.MethodVisit, ByID: mgr.ID, Contact: "李娜",
		Topic: "方案交流", Feedback: "希望分两期", Action: "拆分报价", Deadline: gday(2026, 3, 12)}, data.NextPlan{})
	mustLog(t, s, data.FollowUp{CustomerID: person.ID, Date: gday(2026, 2, 20), Method: data.MethodWeChat, ByID: rep.ID, Topic: "回访",
		Result: "满意"}, data.NextPlan{})
	o, err := s.CreateOpportunity(stActor, data.Opportunity{CustomerID: bj.ID, Title: "机房扩容", Source: data.SourceTradeShow,
		Amount: data.AmountFromYuan(350_000), CloseDate: gday(2026, 6, 30), OwnerID: mgr.ID, Summary: "两期实施",
		Competition: "竞品A低10%", Risk: data.Risk{Level: data.LevelMedium, Note: "预算审批"}, Scores: data.LeadScores{Budget: 12, Urgency: 9, Authority: 8},
		Milestones: []data.Milestone{{Date: gday(2026, 3, 25), Text: "提交方案"}, {Date: gday(2026, 3, 5), Text: "初访", Done: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveStage(data.Actor{MemberID: mgr.ID, Name: mgr.Name}, data.Move{ID: o.ID, Version: o.Version, To: "proposal"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateOpportunity(stActor, data.Opportunity{CustomerID: person.ID, Title: "家用净水", Amount: data.AmountFromYuan(8000)}); err != nil {
		t.Fatal(err)
	}
	return s
}

func exportBytes(t *testing.T, s *Store, opt data.ExportOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := s.Export(&buf, opt); err != nil {
		t.Fatalf("Export(%+v): %v", opt, err)
	}
	return buf.Bytes()
}

// TestExportCSVGolden pins the export's columns, words and formats; -update rewrites the files.
func TestExportCSVGolden(t *testing.T) {
	s := exportFixture(t)
	for _, lang := range []string{"zh", "en"} {
		for _, what := range []data.ExportWhat{data.ExportCustomers, data.ExportOpportunities, data.ExportFollowUps} {
			got := exportBytes(t, s, data.ExportOptions{Format: "csv", What: what, Lang: lang})
			golden(t, filepath.Join("testdata", "golden", "export_"+string(what)+"_"+lang+".csv"), got)
		}
	}
}

func TestExportRespectsFilters(t *testing.T) {
	s := exportFixture(t)
	res, err := s.Export(&bytes.Buffer{}, data.ExportOptions{Format: "csv", What: data.ExportCustomers, Customers: data.CustomerFilter{Status: data.StatusCustomer}})
	if err != nil || res.Customers != 1 {
		t.Errorf("customers of status customer: %+v, %v", res, err)
	}
	res, _ = s.Export(&bytes.Buffer{}, data.ExportOptions{Format: "csv", What: data.ExportCustomers, Customers: data.CustomerFilter{Archived: true}})
	if res.Customers != 1 {
		t.Errorf("archived: %+v", res)
	}
	res, _ = s.Export(&bytes.Buffer{}, data.ExportOptions{Format: "csv", What: data.ExportOpportunities, Opportunities: data.OpportunityFilter{Stage: "proposal"}})
	if res.Opportunities != 1 {
		t.Errorf("deals in proposal: %+v", res)
	}
	res, _ = s.Export(&bytes.Buffer{}, data.ExportOptions{Format: "xlsx", What: data.ExportAll, Customers: data.CustomerFilter{Search: "陈"}})
	if res.Customers != 1 || res.FollowUps != 1 || res.Opportunities != 2 {
		t.Errorf("workbook of 陈's card: %+v", res)
	}
	if _, err := s.Export(&bytes.Buffer{}, data.ExportOptions{Format: "csv", What: data.ExportAll}); err == nil {
		t.Error("all lists as one CSV accepted")
	}
	if _, err := s.Export(&bytes.Buffer{}, data.ExportOptions{Format: "pdf", What: data.ExportCustomers}); err == nil {
		t.Error("an unknown format accepted")
	}
}

// exported is what a list export carries of a card, to compare a card with its re-import.
type exported struct {
	CardNo, Name, Industry, Category, Region, Size, Needs, Preferences, DecisionProcess, NeedStage, NextAction, Notes string

	Kind      data.CustomerKind
	Ownership data.Ownership
	Source    data.Source
	Status    data.Status
	Lifecycle data.Lifecycle
	Referral  data.Level
	Credit    data.Credit
	Owner     uint64

	Budget, Annual, Limit, Receivables data.Amount
	First, Last, Next, Since           string

	Tags     []string
	Contacts []data.Contact
	Grade    data.Grade
	Archived bool
}

func exportedCards(t *testing.T, s *Store) map[string]exported {
	t.Helper()
	out := map[string]exported{}
	for _, archived := range []bool{false, true} {
		for _, r := range s.Customers(data.CustomerFilter{Archived: archived}) {
			c, err := s.Customer(r.ID)
			if err != nil {
				t.Fatal(err)
			}
			cts := primaryFirst(c.Contacts)
			for i := range cts {
				cts[i].Primary = i == 0
			}
			out[c.Name] = exported{c.CardNo, c.Name, c.Industry, c.Category, c.Region, c.Size, c.Needs, c.Preferences, c.DecisionProcess,
				c.NeedStage, c.NextAction, c.Notes, c.Kind, c.Ownership, c.Source, c.Status, c.Lifecycle, c.Referral, c.Credit,
				c.OwnerID, c.Budget, c.AnnualPurchase, c.CreditLimit, c.Receivables, data.FormatDate(c.FirstContact), data.FormatDate(c.LastFollowUp),
				data.FormatDate(c.NextFollowUp), data.FormatDate(c.CooperationSince), c.Tags, cts, r.Grade, c.Archived}
		}
	}
	return out
}

type exportedDeal struct {
	Number, Title, Stage, Summary, Competition, LostReason, CloseDate, WonDate, Created, CardNo string

	Source     data.Source
	Amount     data.Amount
	Owner      uint64
	Risk       data.Risk
	Scores     data.LeadScores
	Milestones []string
}

func exportedDeals(t *testing.T, s *Store) map[string]exportedDeal {
	t.Helper()
	out := map[string]exportedDeal{}
	for _, r := range s.Opportunities(data.OpportunityFilter{}) {
		o, _ := s.Opportunity(r.ID)
		row, _ := s.Row(o.CustomerID)
		var ms []string
		for _, m := range o.Milestones {
			ms = append(ms, data.FormatDate(m.Date)+" "+m.Text+map[bool]string{true: " done"}[m.Done])
		}
		out[o.Number] = exportedDeal{o.Number, o.Title, o.Stage, o.Summary, o.Competition, o.LostReason, data.FormatDate(o.CloseDate),
			data.FormatDate(o.WonDate), data.FormatDate(o.CreatedAt), row.CardNo, o.Source, o.Amount, o.OwnerID, o.Risk, o.Scores, ms}
	}
	return out
}

func exportedFollowUps(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for _, archived := range []bool{false, true} {
		for _, r := range s.Customers(data.CustomerFilter{Archived: archived}) {
			fus, _ := s.FollowUps(r.ID)
			for _, f := range fus {
				out = append(out, r.CardNo+" "+data.FormatDate(f.Date)+" "+string(f.Method)+" "+f.Contact+" "+f.Topic+" "+f.Feedback+" "+
					f.Action+" "+data.FormatDate(f.Deadline)+" "+f.Result+" "+map[bool]string{true: "by"}[f.ByID != 0])
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestExportImportsBack exports the lists, imports them into a new file with the same team, and finds
// the same cards, deals and follow-ups there, card numbers included.
func TestExportImportsBack(t *testing.T) {
	s := exportFixture(t)
	for _, tc := range []struct {
		name, format, lang string
	}{{"workbook zh", "xlsx", "zh"}, {"workbook en", "xlsx", "en"}, {"CSV zh", "csv", "zh"}, {"CSV en", "csv", "en"}} {
		t.Run(tc.name, func(t *testing.T) {
			s2 := newStore(t, nil)
			mustMember(t, s2, "王经理", data.MemberManager)
			mustMember(t, s2, "李销售", data.MemberRep)
			dir := t.TempDir()
			var files []string
			if tc.format == "xlsx" {
				files = []string{filepath.Join(dir, "all.xlsx")}
				writeFile(t, files[0], exportBytes(t, s, data.ExportOptions{Format: "xlsx", What: data.ExportAll, Lang: tc.lang}))
				// The archived card is exported by its own filter.
				files = append(files, filepath.Join(dir, "archived.xlsx"))
				writeFile(t, files[1], exportBytes(t, s, data.ExportOptions{Format: "xlsx", What: data.ExportCustomers, Lang: tc.lang,
					Customers: data.CustomerFilter{Archived: true}}))
			} else {
				for _, w := range []data.ExportWhat{data.ExportCustomers, data.ExportOpportunities, data.ExportFollowUps} {
					p := filepath.Join(dir, string(w)+".csv")
					writeFile(t, p, exportBytes(t, s, data.ExportOptions{Format: "csv", What: w, Lang: tc.lang}))
					files = append(files, p)
				}
				p := filepath.Join(dir, "archived.csv")
				writeFile(t, p, exportBytes(t, s, data.ExportOptions{Format: "csv", What: data.ExportCustomers, Lang: tc.lang,
					Customers: data.CustomerFilter{Archived: true}}))
				files = append([]string{p}, files...)
			}
			for _, f := range files {
				rep := importPath(t, s2, f, data.ImportOptions{})
				if len(rep.Rejected) > 0 || len(rep.Warnings) > 0 {
					t.Fatalf("%s: rejected %+v, warnings %+v", f, rep.Rejected, rep.Warnings)
				}
			}
			if want, got := exportedCards(t, s), exportedCards(t, s2); !reflect.DeepEqual(want, got) {
				for name := range want {
					if !reflect.DeepEqual(want[name], got[name]) {
						t.Errorf("card %s:\n got %+v\nwant %+v", name, got[name], want[name])
					}
				}
			}
			if want, got := exportedDeals(t, s), exportedDeals(t, s2); !reflect.DeepEqual(want, got) {
				t.Errorf("deals:\n got %+v\nwant %+v", got, want)
			}
			if want, got := exportedFollowUps(t, s), exportedFollowUps(t, s2); !slices.Equal(want, got) {
				t.Errorf("follow-ups:\n got %q\nwant %q", got, want)
			}
			mustCheck(t, s2)
		})
	}
}

func TestExportWorkbookCells(t *testing.T) {
	// The workbook's dates are date cells and its amounts numbers, so Excel can sort and sum them;
	// read raw they are serial numbers, which the import reads as dates.
	s := exportFixture(t)
	path := filepath.Join(t.TempDir(), "c.xlsx")
	writeFile(t, path, exportBytes(t, s, data.ExportOptions{Format: "xlsx", What: data.ExportCustomers, Lang: "zh"}))
	src, err := data.OpenImport(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	sh := src.Sheets[0]
	col := func(f data.ImportField) int {
		for _, c := range sh.Mapping.Columns {
			if c.Field == f {
				return c.Column
			}
		}
		t.Fatalf("no column for %s", f)
		return -1
	}
	var first data.SourceRow
	_ = sh.Each(context.Background(), func(r data.SourceRow) error {
		if first.Row == 0 {
			first = r
		}
		return nil
	})
	if d, err := data.ParseImportDate(first.Cells[col(data.FieldFirstContact)]); err != nil || data.FormatDate(d) != "2025-11-03" ||
		first.Cells[col(data.FieldFirstContact)] == "2025-11-03" {
		t.Errorf("first contact cell %q", first.Cells[col(data.FieldFirstContact)])
	}
	if got := first.Cells[col(data.FieldBudget)]; got != "350000.55" {
		t.Errorf("budget cell %q", got)
	}
}
