package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"salesdesk/data"
	"time"

	bolt "go.etcd.io/bbolt"
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
			add("audit line %d: actor %d (%s) is not a member", a.Seq, a.ActorID, data.Excerpt(a.Actor))
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

// migrateAuditChain numbers, chains and indexes the lines of a file from before the chain.
func migrateAuditChain(tx *bolt.Tx, s *Store) error {
	if _, err := tx.CreateBucketIfNotExists(bucketAuditIndex); err != nil {
		return err
	}
	b := tx.Bucket(bucketAudit)
	prev := ""
	type line struct {
		key []byte
		ch  data.Change
	}
	// Rewriting a bucket while its cursor walks it is not allowed, so the lines are read in batches.
	var batch []line
	flush := func() error {
		for _, l := range batch {
			if err := putRecord(b, l.key, l.ch); err != nil {
				return err
			}
			if err := indexChange(tx, l.ch); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; {
		var ch data.Change
		if err := codec.Unmarshal(v, &ch); err != nil {
			return fmt.Errorf("audit line %d: %w: %w", decodeUint(k), data.ErrDamaged, err)
		}
		if ch.Entity == "customer" && ch.CustomerID == 0 {
			ch.CustomerID = ch.EntityID
		}
		if ch.Hash != "" && ch.Seq == decodeUint(k) {
			prev = ch.Hash // chained already (an imported export's lines)
		} else {
			if err := chainChange(&ch, decodeUint(k), prev); err != nil {
				return err
			}
			prev = ch.Hash
		}
		batch = append(batch, line{bytes.Clone(k), ch})
		if len(batch) < 10000 {
			k, v = c.Next()
			continue
		}
		next := bytes.Clone(k)
		if err := flush(); err != nil {
			return err
		}
		c = b.Cursor()
		c.Seek(next)
		k, v = c.Next()
	}
	return flush()
}

// checkStoredChain verifies the stored trail: each line under its own number, numbered without gaps
// up to the bucket's sequence, and linked to the line before. A line is judged against the stored
// hash of the line before it, so that one edit is reported at that line, not at every later one.
func checkStoredChain(tx *bolt.Tx, r *CheckReport) {
	addA := func(format string, a ...any) { r.AuditProblems = append(r.AuditProblems, fmt.Sprintf(format, a...)) }
	b := tx.Bucket(bucketAudit)
	prev := ""
	var last uint64
	_ = b.ForEach(func(k, v []byte) error {
		seq := decodeUint(k)
		var ch data.Change
		if err := codec.Unmarshal(v, &ch); err != nil {
			addA("audit line %d: unreadable: %v", seq, err)
			last, prev = seq, ""
			return nil
		}
		if seq > last+1 {
			if seq == last+2 {
				addA("audit line %d is missing: a line was removed from the trail", last+1)
			} else {
				addA("audit lines %d to %d are missing: lines were removed from the trail", last+1, seq-1)
			}
		}
		stored := ch.Hash
		ch.At = ch.At.UTC()
		want, err := chainLink(prev, jsonChange{Seq: seq, Change: ch})
		switch {
		case err != nil:
			addA("audit line %d: %v", seq, err)
		case ch.Seq != seq && ch.Seq != 0:
			addA("audit line %d holds line %d: the trail was reordered", seq, ch.Seq)
		case stored == "":
			addA("audit line %d carries no chain: it was written outside SalesDesk", seq)
		case stored != want && seq > last+1:
			// The line after a gap cannot link to the line removed; the gap is the finding.
		case stored != want:
			addA("audit line %d was edited: it does not match its chain", seq)
		}
		prev, last = stored, seq
		return nil
	})
	if s := b.Sequence(); s > last {
		if s == last+1 {
			addA("audit line %d is missing: the last line was removed from the trail", s)
		} else {
			addA("audit lines %d to %d are missing: lines were removed from the end of the trail", last+1, s)
		}
	}
}
