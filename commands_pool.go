package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"salesdesk/data"
)

func init() {
	for en, zh := range map[string]string{"ID": "编号", "DAYS": "在公海天数", "LAST OWNER": "原负责人",
		"INDUSTRY": "行业", "OPEN DEALS": "进行中的商机", "PLANNED": "计划跟进"} {
		if _, ok := zhTableHeaders[en]; !ok {
			zhTableHeaders[en] = zh
		}
	}
}

// splitID takes a leading positional id off args, so that both `claim 12 --user x` and
// `claim --user x 12` read.
func splitID(name string, args []string) (uint64, []string, error) {
	var pos, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
			continue
		}
		rest = append(rest, a)
		if !strings.Contains(a, "=") && !isBoolFlag(a) && i+1 < len(args) {
			i++
			rest = append(rest, args[i]) // the flag's value
		}
	}
	if len(pos) != 1 {
		return 0, nil, badUsage("%s: give one customer id", name)
	}
	id, err := strconv.ParseUint(pos[0], 10, 64)
	if err != nil || id == 0 {
		return 0, nil, badUsage("%s: %q is not a customer id", name, pos[0])
	}
	return id, rest, nil
}

func isBoolFlag(a string) bool { return a == "--yes" || a == "-yes" || a == "--pool" || a == "-pool" }

// poolSession opens the file for writing (or reading) and signs in.
func (c *cli) poolSession(db, globalDB, user string, readOnly bool) (data.Service, func(), error) {
	return c.signedIn(db, globalDB, user, readOnly)
}

// memberByLogin resolves --to and --from: a login, a name or an id.
func memberByLogin(members []data.Member, who string) (data.Member, error) {
	who = strings.TrimSpace(who)
	for _, m := range members {
		if strings.EqualFold(m.Login, who) || strings.EqualFold(strings.TrimSpace(m.Name), who) {
			return m, nil
		}
	}
	if id, err := strconv.ParseUint(who, 10, 64); err == nil {
		for _, m := range members {
			if m.ID == id {
				return m, nil
			}
		}
	}
	return data.Member{}, fmt.Errorf("no team member is called %q", who)
}

func (c *cli) pool(args []string, globalDB string) error {
	if len(args) == 0 {
		return badUsage("pool: say list, claim, release, assign, history or sweep")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "list":
		return c.poolList(args, globalDB)
	case "claim", "release", "assign", "history":
		return c.poolMove(sub, args, globalDB)
	case "sweep":
		fs, db := c.newFlags("pool sweep")
		user := &c.user
		if err := parse(fs, args); err != nil {
			return err
		}
		ses, done, err := c.poolSession(*db, globalDB, *user, false)
		if err != nil {
			return err
		}
		defer done()
		n, err := ses.SweepPool()
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%d cards returned to the pool\n", n)
		return nil
	default:
		return badUsage("pool: unknown subcommand %q", sub)
	}
}

type poolCardJSON struct {
	ID        uint64 `json:"id"`
	CardNo    string `json:"card_no"`
	Name      string `json:"name"`
	Grade     string `json:"grade"`
	Status    string `json:"status"`
	Industry  string `json:"industry"`
	Days      int    `json:"days_in_pool"`
	LastOwner string `json:"last_owner"`
}

func (c *cli) poolList(args []string, globalDB string) error {
	fs, db := c.newFlags("pool list")
	user := &c.user
	grade := fs.String("grade", "", "only this grade: A, B, C or D")
	status := fs.String("status", "", "only this status")
	industry := fs.String("industry", "", "only this industry")
	region := fs.String("region", "", "only regions containing this text")
	search := fs.String("search", "", "only cards matching this text")
	days := fs.Int("days", 0, "only cards in the pool at least this many days")
	limit := fs.Int("limit", 100, "at most this many cards")
	offset := fs.Int("offset", 0, "skip this many cards first")
	format := fs.String("format", "table", "output format: table or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	f := data.PoolFilter{Search: *search, Industry: *industry, Region: *region, MinDays: *days, Limit: *limit, Offset: *offset}
	if *grade != "" {
		f.Grade = data.Grade(strings.ToUpper(strings.TrimSpace(*grade)))
		if !slices.Contains(data.Grades, f.Grade) {
			return badUsage("pool list: --grade %q: use A, B, C or D", *grade)
		}
	}
	if *status != "" {
		f.Status = data.Status(strings.ToLower(strings.TrimSpace(*status)))
		if !slices.Contains(data.Statuses, f.Status) {
			return badUsage("pool list: --status %q is not a status", *status)
		}
	}
	if *format != "table" && *format != "json" {
		return badUsage("pool list: --format %q: use table or json", *format)
	}
	ses, done, err := c.poolSession(*db, globalDB, *user, true)
	if err != nil {
		return err
	}
	defer done()
	page, err := ses.PoolCards(f)
	if err != nil {
		return err
	}
	members, err := ses.Members()
	if err != nil {
		return err
	}
	names := map[uint64]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	out := make([]poolCardJSON, len(page.Rows))
	for i, p := range page.Rows {
		out[i] = poolCardJSON{ID: p.Row.ID, CardNo: p.Row.CardNo, Name: p.Row.Name, Grade: string(p.Row.Grade),
			Status: string(p.Row.Status), Industry: p.Row.Industry, Days: p.Days, LastOwner: names[p.LastOwner]}
	}
	if *format == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Total int            `json:"total"`
			Cards []poolCardJSON `json:"cards"`
		}{page.Total, out})
	}
	recs := make([][]string, len(out))
	for i, p := range out {
		recs[i] = []string{strconv.FormatUint(p.ID, 10), p.CardNo, p.Name, p.Grade, p.Status, p.Industry, strconv.Itoa(p.Days), p.LastOwner}
	}
	if err := writeAligned(c, tableHeader([]string{"ID", "CARD NO", "NAME", "GRADE", "STATUS", "INDUSTRY", "DAYS", "LAST OWNER"}), recs); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%d of %d cards in the pool\n", len(out), page.Total)
	return nil
}

// writeAligned prints a table whose columns line up in a terminal, Chinese included.
func writeAligned(c *cli, header []string, recs [][]string) error {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, recs...) {
		for i, v := range r {
			widths[i] = max(widths[i], displayWidth(v))
		}
	}
	for _, r := range append([][]string{header}, recs...) {
		var b strings.Builder
		for i, v := range r {
			b.WriteString(v)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(v)+2))
			}
		}
		if _, err := fmt.Fprintln(c.stdout, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	return nil
}

func (c *cli) poolMove(sub string, args []string, globalDB string) error {
	id, rest, err := splitID("pool "+sub, args)
	if err != nil {
		return err
	}
	fs, db := c.newFlags("pool " + sub)
	user := &c.user
	reason := fs.String("reason", "", "why the card goes back to the pool (release)")
	to := fs.String("to", "", "the member who gets the card (assign)")
	if err := parse(fs, rest); err != nil {
		return err
	}
	if sub == "release" && strings.TrimSpace(*reason) == "" {
		return badUsage("pool release: --reason is required")
	}
	if sub == "assign" && strings.TrimSpace(*to) == "" {
		return badUsage("pool assign: --to LOGIN is required")
	}
	ses, done, err := c.poolSession(*db, globalDB, *user, sub == "history")
	if err != nil {
		return err
	}
	defer done()
	var cust data.Customer
	switch sub {
	case "claim":
		cust, err = ses.Claim(id)
	case "release":
		cust, err = ses.Release(id, *reason)
	case "assign":
		var m data.Member
		var ms []data.Member
		if ms, err = ses.Members(); err != nil {
			return err
		}
		if m, err = memberByLogin(ms, *to); err != nil {
			return err
		}
		cust, err = ses.Assign(id, m.ID)
	case "history":
		return c.poolHistory(ses, id)
	}
	if err != nil {
		return err
	}
	owner := "the pool"
	if m, err := ses.Member(cust.OwnerID); err == nil {
		owner = m.Name
	}
	fmt.Fprintf(c.stdout, "%s %s: now with %s\n", cust.CardNo, cust.Name, owner)
	return nil
}

func (c *cli) poolHistory(ses data.Service, id uint64) error {
	h, err := ses.PoolHistory(id)
	if err != nil {
		return err
	}
	name := func(id uint64) string {
		if id == 0 {
			return "-"
		}
		if m, err := ses.Member(id); err == nil {
			return m.Name
		}
		return strconv.FormatUint(id, 10)
	}
	recs := make([][]string, len(h))
	for i, m := range h {
		recs[i] = []string{m.At.Format(time.DateTime), string(m.Action), name(m.By), name(m.From), name(m.To), m.Reason}
	}
	return writeAligned(c, []string{"AT", "ACTION", "BY", "FROM", "TO", "REASON"}, recs)
}

func (c *cli) handover(args []string, globalDB string) error {
	fs, db := c.newFlags("handover")
	user := &c.user
	from := fs.String("from", "", "the member whose cards move (login)")
	to := fs.String("to", "", "the member who gets them (login)")
	toPool := fs.Bool("pool", false, "move the cards to the pool instead")
	only := fs.String("customers", "", "only these customer ids, comma-separated (default: all of --from's)")
	yes := fs.Bool("yes", false, "do it; without --yes only the counts are printed")
	reason := fs.String("reason", "", "why, kept in each card's history")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || (*to == "") == !*toPool {
		return badUsage("handover: give --from LOGIN and either --to LOGIN or --pool")
	}
	var ids []uint64
	for _, p := range strings.Split(*only, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		id, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return badUsage("handover: --customers: %q is not a customer id", p)
		}
		ids = append(ids, id)
	}
	ses, done, err := c.poolSession(*db, globalDB, *user, !*yes)
	if err != nil {
		return err
	}
	defer done()
	members, err := ses.Members()
	if err != nil {
		return err
	}
	fm, err := memberByLogin(members, *from)
	if err != nil {
		return err
	}
	h := data.HandoverRequest{From: fm.ID, Customers: ids, Reason: *reason}
	dest := "the pool"
	if !*toPool {
		tm, err := memberByLogin(members, *to)
		if err != nil {
			return err
		}
		h.To, dest = tm.ID, tm.Name
	}
	var n data.HandoverCounts
	if *yes {
		n, err = ses.Handover(h)
	} else {
		n, err = ses.HandoverPreview(h)
	}
	if err != nil {
		return err
	}
	verb := "would move"
	if *yes {
		verb = "moved"
	}
	fmt.Fprintf(c.stdout, "%s %s %d customers, %d open deals and %d planned follow-ups from %s to %s\n",
		"handover:", verb, n.Customers, n.OpenDeals, n.Planned, fm.Name, dest)
	if !*yes {
		fmt.Fprintln(c.stdout, "run again with --yes to do it")
	}
	return nil
}
