package data

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// The audit trail of a JSON export carries a hash chain: each line's "chain" is the SHA-256 of the
// line before's chain and of the line itself (without its chain), computed at export from the stored
// lines. ImportJSON recomputes it and refuses an export whose trail was edited, reordered, shortened
// in the middle or spliced: an edit to one line breaks its own link and every one after it. The chain
// has no key (the database it is imported into has never seen the exporting one's), so it tells a
// careless or hand edit, not a forger who recomputes it.

// chainLink is the chain value of line after the chain value prev.
func chainLink(prev string, line jsonChange) (string, error) {
	line.Chain = ""
	raw, err := json.Marshal(line)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// auditClockSlack is how far back in time one audit line may be dated from the line before: the
// lines of a long import carry the time the import began, and other writes land between its batches.
const auditClockSlack = 24 * time.Hour

// checkAuditTrail verifies an export's audit lines: in sequence order, each linked to the one before,
// dated no earlier than the line before (within auditClockSlack), by a member of the export or by
// nobody (the command line, the system).
//
// The lines are numbered without gaps up to the audit sequence the export carries (seq, 0 when it
// carries none): a line taken out of the trail, in the middle or at the end, leaves a gap the chain
// alone would not show.
func checkAuditTrail(lines []jsonChange, seq uint64, member func(uint64) bool, add func(string, ...any)) {
	prev := ""
	var last jsonChange
	broken := false
	defer func() {
		if !broken && len(lines) > 0 && seq > 0 && seq != last.Seq {
			add("the audit trail ends at line %d but its sequence is %d: lines were removed from its end", last.Seq, seq)
		}
	}()
	for i, a := range lines {
		if i > 0 && a.Seq <= last.Seq {
			add("audit line %d comes after line %d: the trail is out of order", a.Seq, last.Seq)
		}
		if i > 0 && a.Seq > last.Seq+1 {
			add("audit lines %d to %d are missing: lines were removed from the trail", last.Seq+1, a.Seq-1)
		}
		if i > 0 && a.At.Before(last.At.Add(-auditClockSlack)) {
			add("audit line %d is dated %s, more than a day before line %d (%s): the trail was edited, or the "+
				"computer's clock was set back; remove the \"audit\" key to import without the trail",
				a.Seq, a.At.Format(time.RFC3339), last.Seq, last.At.Format(time.RFC3339))
		}
		if !member(a.ActorID) {
			add("audit line %d: actor %d (%s) is not a member", a.Seq, a.ActorID, Excerpt(a.Actor))
		}
		want, err := chainLink(prev, a)
		switch {
		case err != nil:
			add("audit line %d: %v", a.Seq, err)
		case a.Chain == "":
			add("audit line %d carries no chain: the export is older than this check, or was edited; "+
				"export the database again, or remove the \"audit\" key to import without the trail", a.Seq)
			broken = true
			return
		case a.Chain != want:
			add("audit line %d does not match its chain: the trail was edited after the export (this line, or one before it)", a.Seq)
			broken = true
			return
		}
		prev, last = a.Chain, a
	}
}
