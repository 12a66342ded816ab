package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"salesdesk/data"
)

func init() {
	for en, zh := range map[string]string{"TIME": "时间", "MEMBER": "成员", "ACTION": "操作", "RECORD": "记录",
		"FIELD": "字段", "OLD": "原值", "NEW": "新值"} {
		zhTableHeaders[en] = zh
	}
}

// auditLineJSON is one line of `salesdesk audit --format json`. Its keys are part of the command
// line's interface (docs/cli.md): add keys at the end, never rename or remove one.
type auditLineJSON struct {
	Seq        uint64             `json:"seq"`
	At         string             `json:"at"`
	MemberID   uint64             `json:"member_id"`
	Member     string             `json:"member"`
	Action     string             `json:"action"`
	Entity     string             `json:"entity"`
	EntityID   uint64             `json:"entity_id"`
	CustomerID uint64             `json:"customer_id"`
	Fields     []data.FieldChange `json:"fields"`
}

func (c *cli) audit(args []string, globalDB string) error {
	fs, db := c.newFlags("audit")
	user := &c.user
	member := fs.String("member", "", "only the changes this member made (name, login or id)")
	customer := fs.String("customer", "", "only this customer's history: its card, follow-ups and deals (id or card number)")
	since := fs.String("since", "", "only changes on or after this date (YYYY-MM-DD)")
	until := fs.String("until", "", "only changes before the end of this date (YYYY-MM-DD)")
	action := fs.String("action", "", "only this kind of change: create, update, move, export_csv, …")
	entity := fs.String("record", "", "only this kind of record: customer, followup, opportunity, member, settings, …")
	limit := fs.Int("limit", 100, "at most this many lines, newest first (0: all)")
	format := fs.String("format", "table", "output format: table, json or csv")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch *format {
	case "table", "json", "csv":
	default:
		return badUsage("audit: --format %q: use table, json or csv", *format)
	}
	if *limit < 0 {
		return badUsage("audit: --limit %d: use 0 (all) or more", *limit)
	}
	var f data.AuditFilter
	f.Action, f.Entity = strings.TrimSpace(*action), strings.TrimSpace(*entity)
	for _, d := range []struct {
		flag, value string
		to          *time.Time
		next        bool
	}{{"since", *since, &f.From, false}, {"until", *until, &f.To, true}} {
		if d.value == "" {
			continue
		}
		t, err := data.ParseDate(d.value)
		if err != nil {
			return badUsage("audit: --%s %q: %v", d.flag, d.value, err)
		}
		if d.next {
			t = t.AddDate(0, 0, 1)
		}
		*d.to = t
	}

	sess, done, err := c.signedIn(*db, globalDB, *user, true)
	if err != nil {
		return err
	}
	defer done()
	if *member != "" {
		members, err := sess.Members()
		if err != nil {
			return err
		}
		id, err := findMember(members, *member)
		if err != nil {
			return err
		}
		f.MemberID, f.HasMember = id, true
	}
	var lines []data.Change
	read := func(p data.AuditFilter) (data.AuditPage, error) { return sess.AuditTrail(p) }
	if *customer != "" {
		id, err := findCustomer(sess, *customer)
		if err != nil {
			return err
		}
		f.CustomerID = id
		if !sess.Can(data.PermAudit) {
			// A card's own history is open to whoever may open the card, with the other filters
			// applied here.
			read = func(p data.AuditFilter) (data.AuditPage, error) {
				page, err := sess.CardHistory(id, p.Offset, p.Limit)
				kept := page.Lines[:0]
				for _, l := range page.Lines {
					if matchesCLI(p, l) {
						kept = append(kept, l)
					}
				}
				page.Lines = kept
				return page, err
			}
		}
	}
	for {
		f.Limit = 1000
		if *limit > 0 {
			f.Limit = min(1000, *limit-len(lines))
		}
		page, err := read(f)
		if err != nil {
			return err
		}
		lines = append(lines, page.Lines...)
		f.Offset += f.Limit
		if !page.More || (*limit > 0 && len(lines) >= *limit) {
			break
		}
	}
	switch *format {
	case "json":
		out := make([]auditLineJSON, len(lines))
		for i, l := range lines {
			fields := l.Fields
			if fields == nil {
				fields = []data.FieldChange{}
			}
			out[i] = auditLineJSON{Seq: l.Seq, At: l.At.UTC().Format(time.RFC3339), MemberID: l.ActorID, Member: l.Actor,
				Action: l.Action, Entity: l.Entity, EntityID: l.EntityID, CustomerID: l.CustomerID, Fields: fields}
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		var rows [][]string
		for _, l := range lines {
			rows = append(rows, data.AuditCSVRows(l)...)
		}
		return writeCSVRecords(c.stdout, data.AuditCSVHeader, rows)
	}
	cells := [][]string{{"TIME", "MEMBER", "ACTION", "RECORD", "FIELD", "OLD", "NEW"}}
	for _, l := range lines {
		base := []string{l.At.Local().Format("2006-01-02 15:04"), l.Actor, l.Action, auditRecord(l)}
		if len(l.Fields) == 0 {
			cells = append(cells, append(base, "", "", ""))
		}
		for i, fc := range l.Fields {
			if i > 0 {
				base = []string{"", "", "", ""}
			}
			cells = append(cells, append(base, fc.Field, fc.Old, fc.New))
		}
	}
	return writeColumns(c.stdout, cells, []int{16, 10, 24, 20, 24, 24, 24}, fmt.Sprintf("%d audit lines, newest first", len(lines)))
}

// matchesCLI applies the filters the card history does not take itself.
func matchesCLI(f data.AuditFilter, l data.Change) bool {
	switch {
	case f.HasMember && l.ActorID != f.MemberID,
		f.Entity != "" && l.Entity != f.Entity,
		f.Action != "" && firstWord(l.Action) != f.Action,
		!f.From.IsZero() && l.At.Before(f.From),
		!f.To.IsZero() && !l.At.Before(f.To):
		return false
	}
	return true
}

func auditRecord(l data.Change) string {
	if l.EntityID == 0 {
		return l.Entity
	}
	return l.Entity + " " + strconv.FormatUint(l.EntityID, 10)
}

// findMember resolves --member: a name or login (case ignored) or an id.
func findMember(members []data.Member, who string) (uint64, error) {
	for _, m := range members {
		if m.Login != "" && strings.EqualFold(m.Login, strings.TrimSpace(who)) {
			return m.ID, nil
		}
	}
	return findOwner(members, who)
}

// findCustomer resolves --customer: an id or a card number.
func findCustomer(s data.Service, ref string) (uint64, error) {
	ref = strings.TrimSpace(ref)
	for _, archived := range []bool{false, true} {
		page, err := s.Customers(data.CustomerFilter{Search: ref, Archived: archived, Limit: data.MaxCustomerPage})
		if err != nil {
			return 0, err
		}
		for _, r := range page.Rows {
			if strings.EqualFold(r.CardNo, ref) {
				return r.ID, nil
			}
		}
	}
	if id, err := strconv.ParseUint(ref, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	return 0, fmt.Errorf("no customer has the id or card number %q", ref)
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}
