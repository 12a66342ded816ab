package storage

import (
	"errors"
	"fmt"
	"io"
	"salesdesk/data"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	bolt "go.etcd.io/bbolt"
)

// ErrExportFormat refuses a format or list an export does not write.
var ErrExportFormat = errors.New("unknown export format or list")

// table is one exported list: a header and its rows, cells typed for the workbook.
type table struct {
	name   string
	fields []data.ImportField
	rows   [][]any // string, Amount, time.Time (a date; zero for none) or int
}

// Export writes the lists the options ask for.
func (s *Store) Export(w io.Writer, opt data.ExportOptions) (data.ExportResult, error) {
	var res data.ExportResult
	if opt.Lang != "zh" {
		opt.Lang = "en"
	}
	whats := []data.ExportWhat{opt.What}
	switch {
	case opt.What == data.ExportAll && opt.Format == "xlsx":
		whats = []data.ExportWhat{data.ExportCustomers, data.ExportOpportunities, data.ExportFollowUps}
	case opt.What == data.ExportCustomers, opt.What == data.ExportOpportunities, opt.What == data.ExportFollowUps:
	default:
		return res, fmt.Errorf("data: export %q as %q: %w", opt.What, opt.Format, ErrExportFormat)
	}
	if opt.Format != "csv" && opt.Format != "xlsx" {
		return res, fmt.Errorf("data: export as %q: %w", opt.Format, ErrExportFormat)
	}
	var tables []table
	for _, what := range whats {
		var t table
		var err error
		switch what {
		case data.ExportCustomers:
			t, err = s.customersTable(opt.Customers, opt.Lang)
			res.Customers = len(t.rows)
		case data.ExportOpportunities:
			t, err = s.opportunitiesTable(opt.Opportunities, opt.Lang)
			res.Opportunities = len(t.rows)
		case data.ExportFollowUps:
			t, err = s.followUpsTable(opt.Customers, opt.Lang)
			res.FollowUps = len(t.rows)
		}
		if err != nil {
			return res, fmt.Errorf("data: export %s: %w", what, err)
		}
		tables = append(tables, t)
	}
	var err error
	if opt.Format == "csv" {
		err = writeTableCSV(w, tables[0], opt.Lang)
	} else {
		err = writeTablesXLSX(w, tables, opt.Lang)
	}
	if err != nil {
		return res, fmt.Errorf("data: export: %w", err)
	}
	return res, nil
}

// label is a choice's word in the export's language; English exports write the stored keys, which the
// import reads as well.
func label(lang, key string, zh map[string]string) string {
	if lang == "zh" {
		if v, ok := zh[key]; ok {
			return v
		}
	}
	return key
}

var (
	zhKinds      = map[string]string{"company": "公司", "person": "个人"}
	zhStatuses   = map[string]string{"prospect": "潜在", "interested": "意向", "customer": "成交", "lost": "流失", "invalid": "无效"}
	zhOwnerships = map[string]string{"state": "国有", "collective": "集体", "private": "个体", "joint": "合资", "government": "政府"}
	zhSources    = map[string]string{"trade_show": "展会", "website": "官网", "referral": "转介绍", "cold_visit": "陌拜",
		"conference": "行业会议", "ad_response": "广告反馈", "customer_referral": "老用户推荐", "prospecting": "主动发掘",
		"repeat_purchase": "追加购买", "telesales": "电话营销"}
	zhLevels     = map[string]string{"high": "高", "medium": "中", "low": "低"}
	zhCredits    = map[string]string{"good": "好", "fair": "一般", "poor": "差"}
	zhLifecycles = map[string]string{"exploration": "考察期", "formation": "形成期", "maturity": "成熟期", "decline": "衰退期"}
	zhRoles      = map[string]string{"decision_maker": "决策者", "influencer": "影响者", "user": "使用者",
		"tech_evaluator": "技术评估者", "insider": "内线", "other": "其他"}
	zhMethods = map[string]string{"phone": "电话", "visit": "拜访", "email": "邮件", "wechat": "微信", "meeting": "会议", "other": "其他"}
	zhBools   = map[string]string{"true": "是", "false": "否"}
)

var customerExportFields = []data.ImportField{data.FieldCardNo, data.FieldName, data.FieldKind, data.FieldIndustry, data.FieldCategory, data.FieldOwnership,
	data.FieldRegion, data.FieldSize}

var customerExportTail = []data.ImportField{data.FieldNeeds, data.FieldBudget, data.FieldPreferences, data.FieldDecisionProcess, data.FieldNeedStage,
	data.FieldSource, data.FieldOwner, data.FieldFirstContact, data.FieldLastFollowUp, data.FieldNextFollowUp, data.FieldNextAction, data.FieldStatus, data.FieldGrade,
	data.FieldLifecycle, data.FieldTags, data.FieldAnnualPurchase, data.FieldCooperationSince, data.FieldReferral, data.FieldCredit, data.FieldCreditLimit,
	data.FieldReceivables, data.FieldNotes, data.FieldArchived}

var contactExportFields = []data.ImportField{data.FieldContactName, data.FieldContactTitle, data.FieldContactPhone, data.FieldContactEmail,
	data.FieldContactBirthday, data.FieldContactRole, data.FieldContactNotes}

func (s *Store) memberNames() map[uint64]string {
	names := map[uint64]string{}
	for _, m := range s.Members() {
		names[m.ID] = m.Name
	}
	return names
}

// customersTable reads the filtered cards whole: the list rows lack contacts and most fields.
func (s *Store) customersTable(f data.CustomerFilter, lang string) (table, error) {
	rows := s.Customers(f)
	names := s.memberNames()
	cards := make([]data.Customer, len(rows))
	slots := 1
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCustomers)
		for i, r := range rows {
			if err := getRecord(b, encodeUint(r.ID), &cards[i]); err != nil {
				return fmt.Errorf("customer %d: %w", r.ID, err)
			}
			slots = max(slots, min(len(cards[i].Contacts), data.MaxImportContacts))
		}
		return nil
	})
	if err != nil {
		return table{}, err
	}
	t := table{name: data.XLSXLabel("sheet.customers", lang), fields: slices.Clone(customerExportFields)}
	if lang == "zh" {
		t.name = "客户"
	}
	for slot := 1; slot <= slots; slot++ {
		for _, cf := range contactExportFields {
			t.fields = append(t.fields, data.ContactSlotField(cf, slot))
		}
	}
	t.fields = append(t.fields, customerExportTail...)
	for i := range cards {
		c := &cards[i]
		row := []any{c.CardNo, c.Name, label(lang, string(c.Kind), zhKinds), c.Industry, c.Category,
			label(lang, string(c.Ownership), zhOwnerships), c.Region, c.Size}
		contacts := primaryFirst(c.Contacts)
		for slot := 0; slot < slots; slot++ {
			if slot >= len(contacts) {
				row = append(row, "", "", "", "", time.Time{}, "", "")
				continue
			}
			ct := contacts[slot]
			row = append(row, ct.Name, ct.Title, ct.Phone, ct.Email, ct.Birthday, label(lang, string(ct.Role), zhRoles), ct.Notes)
		}
		row = append(row, c.Needs, c.Budget, c.Preferences, c.DecisionProcess, c.NeedStage,
			label(lang, string(c.Source), zhSources), names[c.OwnerID], c.FirstContact, c.LastFollowUp, c.NextFollowUp,
			c.NextAction, label(lang, string(c.Status), zhStatuses), string(rows[i].Grade),
			label(lang, string(c.Lifecycle), zhLifecycles), strings.Join(c.Tags, ";"), c.AnnualPurchase, c.CooperationSince,
			label(lang, string(c.Referral), zhLevels), label(lang, string(c.Credit), zhCredits), c.CreditLimit,
			c.Receivables, c.Notes, label(lang, strconv.FormatBool(c.Archived), zhBools))
		t.rows = append(t.rows, row)
	}
	return t, nil
}

// primaryFirst orders the contacts with the primary one first, as the import takes the first contact
// for the primary; the others keep their order.
func primaryFirst(cs []data.Contact) []data.Contact {
	out := make([]data.Contact, 0, len(cs))
	for _, ct := range cs {
		if ct.Primary {
			out = append(out, ct)
		}
	}
	for _, ct := range cs {
		if !ct.Primary {
			out = append(out, ct)
		}
	}
	return out
}

var opportunityExportFields = []data.ImportField{data.FieldOppNumber, data.FieldCardNo, data.FieldName, data.FieldOppTitle, data.FieldOppSource,
	data.FieldOppAmount, data.FieldOppCloseDate, data.FieldOppStage, data.FieldOppOwner, data.FieldOppMilestones, data.FieldOppSummary,
	data.FieldOppCompetition, data.FieldOppRisk, data.FieldOppBudget, data.FieldOppUrgency, data.FieldOppAuthority, data.FieldOppWonDate,
	data.FieldOppLostReason, data.FieldOppLostTo, data.FieldOppCreated}

func (s *Store) opportunitiesTable(f data.OpportunityFilter, lang string) (table, error) {
	rows := s.Opportunities(f)
	names := s.memberNames()
	st := s.Settings()
	t := table{name: "Opportunities", fields: opportunityExportFields}
	if lang == "zh" {
		t.name = "销售机会"
	}
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOpps)
		for _, r := range rows {
			var o data.Opportunity
			if err := getRecord(b, encodeUint(r.ID), &o); err != nil {
				return fmt.Errorf("deal %d: %w", r.ID, err)
			}
			cust, _ := s.Row(o.CustomerID)
			var cardNo, custName string
			if cust != nil {
				cardNo, custName = cust.CardNo, cust.Name
			}
			stage := o.Stage
			if def, ok := st.Stage(o.Stage); ok && lang == "zh" {
				stage = def.Name
			}
			var ms []string
			for _, m := range o.Milestones {
				text := strings.TrimSpace(data.FormatDate(m.Date) + " " + m.Text)
				if m.Done {
					text += " ✓"
				}
				ms = append(ms, text)
			}
			risk := label(lang, string(o.Risk.Level), zhLevels)
			if o.Risk.Note != "" {
				risk += "(" + o.Risk.Note + ")"
			}
			t.rows = append(t.rows, []any{o.Number, cardNo, custName, o.Title, label(lang, string(o.Source), zhSources),
				o.Amount, o.CloseDate, stage, names[o.OwnerID], strings.Join(ms, "; "), o.Summary, o.Competition, risk,
				o.Scores.Budget, o.Scores.Urgency, o.Scores.Authority, o.WonDate, o.LostReason, o.LostTo, data.DateOf(o.CreatedAt)})
		}
		return nil
	})
	return t, err
}

var followUpExportFields = []data.ImportField{data.FieldFUDate, data.FieldCardNo, data.FieldName, data.FieldFUMethod, data.FieldFUBy, data.FieldFUContact,
	data.FieldFUTopic, data.FieldFUFeedback, data.FieldFUAction, data.FieldFUDeadline, data.FieldFUResult}

// followUpsTable lists the follow-ups of the filtered customers, customer by customer, oldest first.
func (s *Store) followUpsTable(f data.CustomerFilter, lang string) (table, error) {
	rows := s.Customers(f)
	names := s.memberNames()
	t := table{name: "Follow-ups", fields: followUpExportFields}
	if lang == "zh" {
		t.name = "回访记录"
	}
	err := s.view(func(tx *bolt.Tx) error {
		for _, r := range rows {
			fus, err := followUpsOf(tx, r.ID)
			if err != nil {
				return fmt.Errorf("follow-ups of customer %d: %w", r.ID, err)
			}
			slices.SortStableFunc(fus, func(a, b data.FollowUp) int { return a.Date.Compare(b.Date) })
			for _, fu := range fus {
				t.rows = append(t.rows, []any{fu.Date, r.CardNo, r.Name, label(lang, string(fu.Method), zhMethods),
					names[fu.ByID], fu.Contact, fu.Topic, fu.Feedback, fu.Action, fu.Deadline, fu.Result})
			}
		}
		return nil
	})
	return t, err
}

func (t table) header(lang string) []string {
	h := make([]string, len(t.fields))
	for i, f := range t.fields {
		h[i] = f.Label(lang)
	}
	return h
}

// text is a cell as CSV writes it.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case data.Amount:
		return data.FormatAmount(x, "")
	case time.Time:
		return data.FormatDate(x)
	case int:
		if x == 0 {
			return ""
		}
		return strconv.Itoa(x)
	}
	return fmt.Sprint(v)
}

func writeTableCSV(w io.Writer, t table, lang string) error {
	cw, err := data.NewExcelCSV(w)
	if err != nil {
		return err
	}
	if err := cw.Write(t.header(lang)); err != nil {
		return err
	}
	rec := make([]string, len(t.fields))
	for _, row := range t.rows {
		for i, v := range row {
			rec[i] = text(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeTablesXLSX writes each table as a sheet through excelize's stream writer, which keeps a large
// list out of memory: amounts and scores as numbers, dates as date cells, the header row frozen.
func writeTablesXLSX(w io.Writer, tables []table, lang string) error {
	tmp, release, err := newXLSXTempDir()
	if err != nil {
		return err
	}
	defer release()
	f := excelize.NewFile(excelize.Options{TmpDir: tmp})
	defer f.Close()
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	moneyFmt := "0.00"
	moneyStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &moneyFmt})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, t := range tables {
		name := t.name
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		head := make([]any, len(t.fields))
		for j, h := range t.header(lang) {
			head[j] = excelize.Cell{StyleID: bold, Value: h}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		cells := make([]any, len(t.fields))
		for r, row := range t.rows {
			for j, v := range row {
				switch x := v.(type) {
				case data.Amount:
					cells[j] = excelize.Cell{StyleID: moneyStyle, Value: x.Yuan()}
				case time.Time:
					if x.IsZero() {
						cells[j] = nil
					} else {
						cells[j] = excelize.Cell{StyleID: dateStyle, Value: time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)}
					}
				case int:
					if x == 0 {
						cells[j] = nil
					} else {
						cells[j] = x
					}
				default:
					cells[j] = v
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return f.Write(w)
}
