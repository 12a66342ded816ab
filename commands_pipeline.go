package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"salesdesk/data"
)

// opportunityJSON is one deal as `opportunities --format json` prints it. The keys are a documented
// interface (docs/cli.md): add keys at the end, never rename or remove one. Amounts are in yuan.
type opportunityJSON struct {
	ID         uint64  `json:"id"`
	Number     string  `json:"number"`
	Title      string  `json:"title"`
	CustomerID uint64  `json:"customer_id"`
	Customer   string  `json:"customer"`
	CardNo     string  `json:"card_no"`
	Stage      string  `json:"stage"`
	StageName  string  `json:"stage_name"`
	Amount     float64 `json:"amount"`
	Weighted   float64 `json:"weighted_amount"`
	CloseDate  *string `json:"close_date"`
	Owner      string  `json:"owner"`
	OwnerID    uint64  `json:"owner_id"`
	Source     string  `json:"source"`
	Risk       string  `json:"risk"`
	Budget     int     `json:"budget_score"`
	Urgency    int     `json:"urgency_score"`
	Authority  int     `json:"authority_score"`
	Qualified  bool    `json:"qualified"`
	WonDate    *string `json:"won_date"`
	LostReason string  `json:"lost_reason"`
	LostTo     string  `json:"lost_to"`
	Created    *string `json:"created"`
}

var opportunityCSVHeader = []string{"id", "number", "title", "customer_id", "customer", "card_no", "stage",
	"stage_name", "amount", "weighted_amount", "close_date", "owner", "owner_id", "source", "risk",
	"budget_score", "urgency_score", "authority_score", "qualified", "won_date", "lost_reason", "lost_to", "created"}

func yuan(a data.Amount) float64 { return a.Yuan() }

func money(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

func (c *cli) opportunities(args []string, globalDB string) error {
	fs, db := c.newFlags("opportunities")
	stage := fs.String("stage", "", "only deals in this stage (its key, e.g. negotiation)")
	owner := fs.String("owner", "", "only deals of this team member (name)")
	format := fs.String("format", "table", "output format: table, json or csv")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch *format {
	case "table", "json", "csv":
	default:
		return badUsage("opportunities: --format %q: use table, json or csv", *format)
	}
	s, closeFile, err := c.readSession(*db, globalDB)
	if err != nil {
		return err
	}
	defer closeFile()
	st, err := s.Settings()
	if err != nil {
		return err
	}
	members, err := s.Members()
	if err != nil {
		return err
	}
	f := data.OpportunityFilter{}
	if *stage != "" {
		if _, ok := st.Stage(*stage); !ok {
			keys := make([]string, len(st.Stages))
			for i, d := range st.Stages {
				keys[i] = d.Key
			}
			return badUsage("opportunities: --stage %q: use one of %s", *stage, strings.Join(keys, ", "))
		}
		f.Stage = *stage
	}
	owners := map[uint64]string{}
	for _, m := range members {
		owners[m.ID] = m.Name
	}
	if *owner != "" {
		if f.OwnerID, err = findOwner(members, *owner); err != nil {
			return err
		}
	}
	var out []opportunityJSON
	deals, err := allDeals(s, f)
	if err != nil {
		return err
	}
	for _, r := range deals {
		// The list holds rows; the whole record, for its texts, is read per deal.
		o, err := s.Opportunity(r.ID)
		if err != nil {
			continue
		}
		def, _ := st.Stage(o.Stage)
		qualified, _ := o.Scores.Qualify(st.Qualify)
		j := opportunityJSON{ID: o.ID, Number: o.Number, Title: o.Title, CustomerID: o.CustomerID, Stage: o.Stage,
			StageName: def.Name, Amount: yuan(o.Amount), Weighted: yuan(o.Amount) * float64(def.Probability) / 100,
			CloseDate: date(o.CloseDate), Owner: owners[o.OwnerID], OwnerID: o.OwnerID, Source: string(o.Source),
			Risk: string(o.Risk.Level), Budget: o.Scores.Budget, Urgency: o.Scores.Urgency, Authority: o.Scores.Authority,
			Qualified: qualified, WonDate: date(o.WonDate), LostReason: o.LostReason, LostTo: o.LostTo, Created: date(o.CreatedAt)}
		if row, err := s.Row(o.CustomerID); err == nil {
			j.Customer, j.CardNo = row.Name, row.CardNo
		}
		out = append(out, j)
	}
	if out == nil {
		out = []opportunityJSON{}
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		records := make([][]string, len(out))
		for i, j := range out {
			records[i] = []string{strconv.FormatUint(j.ID, 10), j.Number, j.Title, strconv.FormatUint(j.CustomerID, 10),
				j.Customer, j.CardNo, j.Stage, j.StageName, money(j.Amount), money(j.Weighted), deref(j.CloseDate), j.Owner,
				strconv.FormatUint(j.OwnerID, 10), j.Source, j.Risk, strconv.Itoa(j.Budget), strconv.Itoa(j.Urgency),
				strconv.Itoa(j.Authority), strconv.FormatBool(j.Qualified), deref(j.WonDate), j.LostReason, j.LostTo, deref(j.Created)}
		}
		return writeCSVRecords(c.stdout, opportunityCSVHeader, records)
	default:
		rows := [][]string{{"NUMBER", "CUSTOMER", "TITLE", "STAGE", "AMOUNT", "CLOSE", "OWNER"}}
		for _, j := range out {
			rows = append(rows, []string{j.Number, j.Customer, j.Title, j.StageName, money(j.Amount), deref(j.CloseDate), j.Owner})
		}
		return writeColumns(c.stdout, rows, []int{14, 24, 16, 8, 14, 10, 8}, fmt.Sprintf("%d deals", len(out)))
	}
}

// forecastJSON is one period of `forecast --format json`; amounts in yuan. Documented in docs/cli.md.
type forecastJSON struct {
	Period    string  `json:"period"`
	Deals     int     `json:"deals"`
	Weighted  float64 `json:"weighted"`
	BestCase  float64 `json:"best_case"`
	Committed float64 `json:"committed"`
}

func (c *cli) forecast(args []string, globalDB string) error {
	fs, db := c.newFlags("forecast")
	quarterly := fs.Bool("quarterly", false, "by quarter of expected close instead of by month")
	format := fs.String("format", "table", "output format: table or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return badUsage("forecast: --format %q: use table or json", *format)
	}
	s, closeFile, err := c.readSession(*db, globalDB)
	if err != nil {
		return err
	}
	defer closeFile()
	deals, err := allDeals(s, data.OpportunityFilter{})
	if err != nil {
		return err
	}
	st, err := s.Settings()
	if err != nil {
		return err
	}
	rows := data.Forecast(deals, st.Stages, *quarterly)
	out := make([]forecastJSON, len(rows))
	for i, r := range rows {
		out[i] = forecastJSON{Period: r.Period, Deals: r.Deals, Weighted: yuan(r.Weighted), BestCase: yuan(r.BestCase), Committed: yuan(r.Committed)}
	}
	if *format == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	table := [][]string{{"PERIOD", "DEALS", "WEIGHTED", "BEST CASE", "COMMITTED"}}
	for _, r := range out {
		table = append(table, []string{r.Period, strconv.Itoa(r.Deals), money(r.Weighted), money(r.BestCase), money(r.Committed)})
	}
	return writeColumns(c.stdout, table, []int{8, 6, 16, 16, 16}, "open deals by expected close; weighted = amount × stage probability")
}

// writeColumns prints rows padded by display width (CJK counts two), each cell cut to its column's
// maximum, then a footer line.
func writeColumns(w io.Writer, rows [][]string, maxW []int, footer string) error {
	if len(rows) > 0 {
		rows[0] = tableHeader(rows[0])
	}
	widths := make([]int, len(maxW))
	for _, row := range rows {
		for i, cell := range row {
			row[i] = truncate(cell, maxW[i])
			widths[i] = max(widths[i], displayWidth(row[i]))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(cell)+2))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString(footer + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}
