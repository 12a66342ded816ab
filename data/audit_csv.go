package data

import (
	"strconv"
	"time"
)

// MaxAuditExport bounds one CSV export of the trail; a longer one is narrowed by its filters.
const MaxAuditExport = 200000

// AuditCSVHeader is the CSV export's header: one row per changed field (one row for a line without).
var AuditCSVHeader = []string{"seq", "time", "member_id", "member", "action", "entity", "entity_id", "customer_id", "field", "old", "new"}

// AuditCSVRows are a line's rows for the CSV export.
func AuditCSVRows(ch Change) [][]string {
	base := []string{strconv.FormatUint(ch.Seq, 10), ch.At.UTC().Format(time.RFC3339), strconv.FormatUint(ch.ActorID, 10),
		ch.Actor, ch.Action, ch.Entity, strconv.FormatUint(ch.EntityID, 10), strconv.FormatUint(ch.CustomerID, 10)}
	if len(ch.Fields) == 0 {
		return [][]string{append(base, "", "", "")}
	}
	rows := make([][]string, 0, len(ch.Fields))
	for _, f := range ch.Fields {
		rows = append(rows, append(append([]string(nil), base...), f.Field, f.Old, f.New))
	}
	return rows
}
