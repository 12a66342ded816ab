package storage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"salesdesk/data"
	"sort"
	"strconv"
	"strings"
	"time"

	gojson "github.com/goccy/go-json"
	bolt "go.etcd.io/bbolt"
)

// The full export: every record of the file as JSON, in a documented, versioned form
// (docs/export-schema.md), and ImportJSON, which writes such an export into an empty database so that
// it holds the same records again, ids, card numbers, versions and timestamps included. Each record
// is one line, so that two exports compare with diff.

// Names of the export's format.
const (
	ExportFormatName = "salesdesk-export"
	ExportVersion    = 1
)

// Errors of the JSON export and its import.
var (
	ErrNotExport        = errors.New("the file is not a SalesDesk JSON export")
	ErrExportTooNew     = errors.New("the export was written by a newer SalesDesk")
	ErrExportInvalid    = errors.New("the export is inconsistent")
	ErrDatabaseNotEmpty = errors.New("the database already holds data; a JSON export is imported into a new, empty database")
)

type jsonCustomer struct {
	data.Customer
	FollowUps []data.FollowUp `json:"follow_ups"`
}

// jsonOpenAction is OpenAction with JSON names; the two convert into each other.
type jsonOpenAction struct {
	FollowUpID uint64    `json:"follow_up_id"`
	CustomerID uint64    `json:"customer_id"`
	Deadline   time.Time `json:"deadline"`
	Action     string    `json:"action"`
}

type jsonHistory struct {
	Seq uint64 `json:"seq"`
	data.StageChange
}

type jsonOpportunity struct {
	data.Opportunity
	History []jsonHistory `json:"history"`
}

type jsonPlan struct {
	Period    string                  `json:"period"`
	Team      data.Targets            `json:"team"`
	Owners    map[uint64]data.Targets `json:"owners"`
	Problems  string                  `json:"problems"`
	Measures  string                  `json:"measures"`
	UpdatedAt time.Time               `json:"updated_at"`
	UpdatedBy uint64                  `json:"updated_by"`
}

type jsonMapping struct {
	Fingerprint string          `json:"fingerprint"`
	Mapping     json.RawMessage `json:"mapping"`
}

type jsonChange struct {
	Seq uint64 `json:"seq"`
	data.Change
	// Chain links the line to the one before (audit_chain.go).
	Chain string `json:"chain,omitempty"`
}

// exportSequences are the buckets whose id sequences an export carries, so that ids issued after an
// import continue where the exported file's did.
var exportSequences = map[string][]byte{
	"customers": bucketCustomers, "followups": bucketFollowUps, "members": bucketMembers,
	"opportunities": bucketOpps, "opp_history": bucketHistory,
}

// ExportJSON writes every record of the file, in one read transaction so that the export is one
// moment's state. The export holds no time of its own (the file's time says when it was made): two
// exports of the same records are the same bytes, so they compare with cmp and diff.
func (s *Store) ExportJSON(w io.Writer, opt data.JSONExportOptions) (data.ExportResult, error) {
	var res data.ExportResult
	bw := bufio.NewWriterSize(w, 1<<20)
	err := s.view(func(tx *bolt.Tx) error {
		ew := &exportWriter{w: bw}
		ew.raw("{\n")
		ew.field("format", ExportFormatName)
		ew.field("version", ExportVersion)
		schema := 0
		if meta := tx.Bucket(bucketMeta); meta != nil {
			schema = int(decodeUint(meta.Get(keySchema)))
		}
		ew.field("schema", schema)
		if raw := tx.Bucket(bucketSettings).Get(keySettings); raw != nil {
			var buf bytes.Buffer
			if err := json.Compact(&buf, raw); err != nil {
				return fmt.Errorf("settings: %w: %w", data.ErrDamaged, err)
			}
			ew.rawField("settings", buf.Bytes())
		}
		counters := map[string]uint64{}
		_ = tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
			counters[string(k)] = decodeUint(v)
			return nil
		})
		ew.field("counters", counters)
		seqs := map[string]uint64{}
		for name, b := range exportSequences {
			if bk := tx.Bucket(b); bk != nil {
				seqs[name] = bk.Sequence()
			}
		}
		if opt.Audit {
			seqs["audit"] = tx.Bucket(bucketAudit).Sequence()
		}
		ew.field("sequences", seqs)

		ew.array("members", func(emit func(any), _ func([]byte)) error {
			return decodeAll(tx, bucketMembers, "member", func(m data.Member) { emit(m) })
		})
		var err error
		ew.array("customers", func(_ func(any), line func([]byte)) error {
			res.Customers, res.FollowUps, err = exportCustomers(tx, line)
			return err
		})
		ew.array("open_actions", func(emit func(any), _ func([]byte)) error {
			return decodeAll(tx, bucketOpenActions, "open action", func(oa OpenAction) {
				emit(jsonOpenAction(oa))
			})
		})
		ew.array("opportunities", func(_ func(any), line func([]byte)) error {
			res.Opportunities, err = exportOpportunities(tx, line)
			return err
		})
		ew.array("period_plans", func(emit func(any), _ func([]byte)) error {
			return forEachIn(tx, bucketPeriodPlans, func(k, v []byte) error {
				var pl periodPlan
				if err := codec.Unmarshal(v, &pl); err != nil {
					return fmt.Errorf("plan %s: %w: %w", k, data.ErrDamaged, err)
				}
				emit(jsonPlan{Period: string(k), Team: pl.Team, Owners: pl.Owners, Problems: pl.Problems,
					Measures: pl.Measures, UpdatedAt: pl.UpdatedAt, UpdatedBy: pl.UpdatedBy})
				return nil
			})
		})
		ew.array("import_mappings", func(emit func(any), _ func([]byte)) error {
			return forEachIn(tx, bucketImportMappings, func(k, v []byte) error {
				emit(jsonMapping{Fingerprint: string(k), Mapping: json.RawMessage(v)})
				return nil
			})
		})
		ew.array("saved_filters", func(emit func(any), _ func([]byte)) error {
			return exportListChoices(tx, emit)
		})
		if opt.Audit {
			ew.array("audit", func(emit func(any), _ func([]byte)) error {
				chain := ""
				return forEachIn(tx, bucketAudit, func(k, v []byte) error {
					var ch data.Change
					if err := codec.Unmarshal(v, &ch); err != nil {
						return fmt.Errorf("audit %d: %w: %w", decodeUint(k), data.ErrDamaged, err)
					}
					ch.At = ch.At.UTC() // as the stored chain hashes it, so that both chains agree
					line := jsonChange{Seq: decodeUint(k), Change: ch}
					var err error
					if chain, err = chainLink(chain, line); err != nil {
						return fmt.Errorf("audit %d: %w", line.Seq, err)
					}
					line.Chain = chain
					emit(line)
					return nil
				})
			})
		}
		ew.end()
		return ew.err
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return res, fmt.Errorf("data: export JSON: %w", err)
	}
	return res, nil
}

// exportWriter writes the export's top-level object; the first error sticks.
type exportWriter struct {
	w     *bufio.Writer
	err   error
	comma bool
}

func (e *exportWriter) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

func (e *exportWriter) rawBytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *exportWriter) key(name string) {
	if e.comma {
		e.raw(",\n")
	}
	e.comma = true
	e.raw(`"` + name + `": `)
}

func (e *exportWriter) rawField(name string, v []byte) {
	e.key(name)
	e.rawBytes(v)
}

func (e *exportWriter) field(name string, v any) {
	b, err := marshalRecord(v)
	if err != nil && e.err == nil {
		e.err = err
	}
	e.rawField(name, b)
}

// array writes a key and an array of records, one a line: fill emits records, or lines it encoded.
func (e *exportWriter) array(name string, fill func(emit func(any), line func([]byte)) error) {
	e.key(name)
	e.raw("[")
	n := 0
	line := func(b []byte) { e.line(b, &n) }
	emit := func(v any) {
		b, err := marshalRecord(v)
		if err != nil && e.err == nil {
			e.err = err
		}
		line(b)
	}
	if err := fill(emit, line); err != nil && e.err == nil {
		e.err = err
	}
	if n > 0 {
		e.raw("\n")
	}
	e.raw("]")
}

func (e *exportWriter) line(b []byte, n *int) {
	if *n > 0 {
		e.raw(",")
	}
	e.raw("\n")
	e.rawBytes(b)
	*n++
}

func (e *exportWriter) end() { e.raw("\n}\n") }

// marshalRecord encodes without HTML escaping: the export is read by people and programs, not
// embedded in web pages, and "<" reads better than "\u003c". goccy/go-json writes the same bytes as
// encoding/json (TestExportIsEncodingJSONs) in under half its time: encoding/json compacts the
// output of every time's MarshalJSON again, and the cards' and deals' times were a fifth of the export.
func marshalRecord(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := newRecordEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

type recordEncoder interface {
	SetEscapeHTML(bool)
	Encode(any) error
}

// newRecordEncoder is goccy's; the test that holds it to encoding/json's output swaps it.
var newRecordEncoder = func(w io.Writer) recordEncoder { return gojson.NewEncoder(w) }

// encodeInOrder encodes records on every core and writes their lines in the order they were read: the
// cards and the deals are most of a large file's export, and decoding msgpack and encoding JSON is
// where its time goes. read hands each record's raw values (valid while the transaction is open) to
// add; encode turns them into one line. Every goroutine it starts has ended when it returns, also when
// read panics on a damaged page: they read the transaction's memory.
func encodeInOrder(read func(add func(raw [][]byte)) error, encode func(raw [][]byte) ([]byte, error), line func([]byte)) (err error) {
	type job struct {
		raw [][]byte
		out []byte
		err error
	}
	type chunk struct {
		jobs  []job
		ready chan struct{}
	}
	const size = 512
	workers := runtime.GOMAXPROCS(0)
	queue := make(chan *chunk, workers*2)
	work := make(chan *chunk, workers*2)
	var g group
	// After the first error the rest is only let through, so that the writer ends too. A chunk is
	// always marked ready, even when encode panics, or the writer would wait for it for ever.
	encodeChunk := func(c *chunk) {
		defer close(c.ready)
		defer func() {
			if r := recover(); r != nil {
				g.fail(fmt.Errorf("data: %w (%v)", data.ErrDamaged, r))
			}
		}()
		for i := range c.jobs {
			if g.stopped() {
				return
			}
			j := &c.jobs[i]
			if j.out, j.err = encode(j.raw); j.err != nil {
				g.fail(j.err)
			}
		}
	}
	finished := false
	defer func() {
		if !finished {
			// read panicked: the goroutines only let the rest through, then the panic goes on up.
			g.fail(data.ErrDamaged)
		}
		close(work)
		close(queue)
		if werr := g.wait(); err == nil {
			err = werr
		}
	}()
	for range workers {
		g.do(func() error {
			for c := range work {
				encodeChunk(c)
			}
			return nil
		})
	}
	g.do(func() error {
		for c := range queue {
			<-c.ready
			for _, j := range c.jobs {
				if g.stopped() {
					break
				}
				line(j.out)
			}
		}
		return nil
	})
	var cur []job
	send := func() {
		if len(cur) == 0 {
			return
		}
		c := &chunk{jobs: cur, ready: make(chan struct{})}
		// The worker before the writer: a chunk the writer waits for has always been handed out.
		work <- c
		queue <- c
		cur = nil
	}
	rerr := read(func(raw [][]byte) {
		cur = append(cur, job{raw: raw})
		if len(cur) == size {
			send()
		}
	})
	if rerr != nil {
		g.fail(rerr)
	}
	send()
	finished = true
	return nil
}

// exportCustomers writes the cards with their follow-ups. The follow-ups are read by walking their
// bucket beside the cards', since both are in customer id order.
func exportCustomers(tx *bolt.Tx, line func([]byte)) (customers, followUps int, err error) {
	read := func(add func([][]byte)) error {
		fc := tx.Bucket(bucketFollowUps).Cursor()
		fk, fv := fc.First()
		return tx.Bucket(bucketCustomers).ForEach(func(k, v []byte) error {
			id := decodeUint(k)
			raw := [][]byte{v}
			// Follow-ups of customers that do not exist (check reports them) are passed over.
			for fk != nil && decodeUint(fk[:8]) < id {
				fk, fv = fc.Next()
			}
			for fk != nil && decodeUint(fk[:8]) == id {
				raw = append(raw, fv)
				fk, fv = fc.Next()
			}
			customers++
			followUps += len(raw) - 1
			add(raw)
			return nil
		})
	}
	encode := func(raw [][]byte) ([]byte, error) {
		var jc jsonCustomer
		if err := codec.Unmarshal(raw[0], &jc.Customer); err != nil {
			return nil, fmt.Errorf("customer: %w: %w", data.ErrDamaged, err)
		}
		jc.FollowUps = make([]data.FollowUp, len(raw)-1)
		for i, r := range raw[1:] {
			if err := codec.Unmarshal(r, &jc.FollowUps[i]); err != nil {
				return nil, fmt.Errorf("follow-up of customer %d: %w: %w", jc.ID, data.ErrDamaged, err)
			}
		}
		return marshalRecord(jc)
	}
	err = encodeInOrder(read, encode, line)
	return customers, followUps, err
}

// exportOpportunities writes the deals with their stage history, walked beside them as the cards'
// follow-ups are. The first raw value is the deal, each further pair a history key and line.
func exportOpportunities(tx *bolt.Tx, line func([]byte)) (int, error) {
	n := 0
	read := func(add func([][]byte)) error {
		hc := tx.Bucket(bucketHistory).Cursor()
		hk, hv := hc.First()
		return tx.Bucket(bucketOpps).ForEach(func(k, v []byte) error {
			id := decodeUint(k)
			raw := [][]byte{v}
			for hk != nil && decodeUint(hk[:8]) < id {
				hk, hv = hc.Next()
			}
			for hk != nil && decodeUint(hk[:8]) == id {
				raw = append(raw, hk, hv)
				hk, hv = hc.Next()
			}
			n++
			add(raw)
			return nil
		})
	}
	encode := func(raw [][]byte) ([]byte, error) {
		var jo jsonOpportunity
		if err := codec.Unmarshal(raw[0], &jo.Opportunity); err != nil {
			return nil, fmt.Errorf("deal: %w: %w", data.ErrDamaged, err)
		}
		jo.History = make([]jsonHistory, 0, (len(raw)-1)/2)
		for i := 1; i+1 < len(raw); i += 2 {
			h := jsonHistory{Seq: decodeUint(raw[i][8:])}
			if err := codec.Unmarshal(raw[i+1], &h.StageChange); err != nil {
				return nil, fmt.Errorf("history of deal %d: %w: %w", jo.ID, data.ErrDamaged, err)
			}
			jo.History = append(jo.History, h)
		}
		return marshalRecord(jo)
	}
	err := encodeInOrder(read, encode, line)
	return n, err
}

// ---------------------------------------------------------------------------------------------
// Reading an export

// ExportDoc is a JSON export read into memory.
type ExportDoc struct {
	Format         string            `json:"format"`
	Version        int               `json:"version"`
	Schema         int               `json:"schema"`
	Settings       json.RawMessage   `json:"settings"`
	Counters       map[string]uint64 `json:"counters"`
	Sequences      map[string]uint64 `json:"sequences"`
	Members        []data.Member     `json:"members"`
	Customers      []jsonCustomer    `json:"customers"`
	OpenActions    []jsonOpenAction  `json:"open_actions"`
	Opportunities  []jsonOpportunity `json:"opportunities"`
	PeriodPlans    []jsonPlan        `json:"period_plans"`
	ImportMappings []jsonMapping     `json:"import_mappings"`
	SavedFilters   []jsonListChoice  `json:"saved_filters"`
	Audit          []jsonChange      `json:"audit"`
	hasAudit       bool
	// highest is each sequence's highest id in the export, which the file's sequences must not be below.
	highest map[string]uint64
}

// sequences are the id sequences to set after an import: the export's, and at least the highest id of
// each kind, so that an export without them (or written by hand) never makes a later id collide.
func (d *ExportDoc) sequences() map[string]uint64 {
	out := map[string]uint64{}
	for name := range exportSequences {
		out[name] = max(d.Sequences[name], d.highest[name])
	}
	if d.hasAudit {
		out["audit"] = max(d.Sequences["audit"], d.highest["audit"])
	}
	return out
}

// counters are the number counters to set: the export's, and at least past every card and deal
// number of the export, so that the next number issued is free.
func (d *ExportDoc) counters() map[string]uint64 {
	out := map[string]uint64{}
	for k, v := range d.Counters {
		out[k] = v
	}
	for _, c := range d.Customers {
		if m := cardNoRe.FindStringSubmatch(c.CardNo); m != nil {
			n, _ := strconv.ParseUint(m[2], 10, 64)
			out["card:"+m[1]] = max(out["card:"+m[1]], n)
		}
	}
	for _, o := range d.Opportunities {
		if m := oppNoRe.FindStringSubmatch(o.Number); m != nil {
			n, _ := strconv.ParseUint(m[3], 10, 64)
			out["opp:"+m[1]+m[2]] = max(out["opp:"+m[1]+m[2]], n)
		}
	}
	return out
}

// ReadExport reads and checks a JSON export without writing anything: its format and version first
// (so that another file is refused before it is read through), then every record, then that the
// records hang together (unique ids and card numbers, every reference to a record that is there).
func ReadExport(r io.Reader) (*ExportDoc, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	doc := &ExportDoc{}
	bad := func(err error) (*ExportDoc, error) {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("data: read export: %w (invalid JSON at byte %d: %v)", ErrNotExport, se.Offset, se)
		case errors.As(err, &te):
			return nil, fmt.Errorf("data: read export: %w (%s holds a %s where %s belongs)", ErrExportInvalid, te.Field, te.Value, te.Type)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("data: read export: %w (the file ends too early: it was cut short)", ErrNotExport)
		case errors.Is(err, ErrExportInvalid):
			return nil, fmt.Errorf("data: read export: %w", err)
		}
		// A value of the wrong form (a date that is not one, a number out of range).
		return nil, fmt.Errorf("data: read export: %w (%v)", ErrExportInvalid, err)
	}
	if t, err := dec.Token(); err != nil {
		return bad(err)
	} else if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("data: read export: %w (it is not a JSON object)", ErrNotExport)
	}
	first := true
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		key, _ := t.(string)
		if first && key != "format" {
			return nil, fmt.Errorf("data: read export: %w (it does not start with \"format\": %q)", ErrNotExport, ExportFormatName)
		}
		first = false
		switch key {
		case "format":
			err = dec.Decode(&doc.Format)
			if err == nil && doc.Format != ExportFormatName {
				return nil, fmt.Errorf("data: read export: %w (format %q)", ErrNotExport, doc.Format)
			}
		case "version":
			err = dec.Decode(&doc.Version)
			if err == nil && doc.Version != ExportVersion {
				if doc.Version > ExportVersion {
					return nil, fmt.Errorf("data: read export: %w (version %d; this SalesDesk reads version %d): update SalesDesk",
						ErrExportTooNew, doc.Version, ExportVersion)
				}
				return nil, fmt.Errorf("data: read export: %w (version %d)", ErrExportInvalid, doc.Version)
			}
		case "schema":
			err = dec.Decode(&doc.Schema)
		case "settings":
			err = dec.Decode(&doc.Settings)
		case "counters":
			err = dec.Decode(&doc.Counters)
		case "sequences":
			err = dec.Decode(&doc.Sequences)
		case "members":
			err = decodeArray(dec, &doc.Members)
		case "customers":
			err = decodeArray(dec, &doc.Customers)
		case "open_actions":
			err = decodeArray(dec, &doc.OpenActions)
		case "opportunities":
			err = decodeArray(dec, &doc.Opportunities)
		case "period_plans":
			err = decodeArray(dec, &doc.PeriodPlans)
		case "import_mappings":
			err = decodeArray(dec, &doc.ImportMappings)
		case "saved_filters":
			err = decodeArray(dec, &doc.SavedFilters)
		case "audit":
			doc.hasAudit = true
			err = decodeArray(dec, &doc.Audit)
		default:
			// A key a later version 1 export adds is passed over.
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return bad(err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return bad(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data: read export: %w (there is more after the export's end)", ErrNotExport)
	}
	if doc.Format != ExportFormatName || doc.Version == 0 {
		return nil, fmt.Errorf("data: read export: %w (format or version missing)", ErrNotExport)
	}
	if err := doc.check(); err != nil {
		return nil, fmt.Errorf("data: read export: %w: %w", ErrExportInvalid, err)
	}
	return doc, nil
}

// decodeArray decodes a JSON array element by element, so that a large array is never held as text.
func decodeArray[T any](dec *json.Decoder, out *[]T) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		*out = nil
		return nil
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("%w: expected an array", ErrExportInvalid)
	}
	*out = []T{}
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			return err
		}
		*out = append(*out, v)
	}
	_, err = dec.Token()
	return err
}

// maxKeyText bounds the texts an export turns into keys of the file (card numbers, counters).
const maxKeyText = 64

// check verifies that the records hang together as SalesDesk writes them (Store.Check's rules), so
// that an import never leaves a file that check would fault; it names the first few problems.
func (d *ExportDoc) check() error {
	var problems []string
	add := func(format string, a ...any) {
		if len(problems) < 10 {
			problems = append(problems, fmt.Sprintf(format, a...))
		}
	}
	if len(d.Settings) > 0 {
		var st data.Settings
		if err := json.Unmarshal(d.Settings, &st); err != nil {
			add("settings: %v", err)
		} else if fe := st.Validate(); fe.Any() {
			add("settings: %v", fe)
		}
	}
	members := map[uint64]bool{}
	for _, m := range d.Members {
		if m.ID == 0 || members[m.ID] {
			add("member %d (%s): missing or repeated id", m.ID, m.Name)
		}
		members[m.ID] = true
	}
	member := func(id uint64) bool { return id == 0 || members[id] }
	customers := map[uint64]bool{}
	cards := map[string]uint64{} // card number, upper case → customer
	fus := map[uint64]uint64{}   // follow-up → customer
	awaiting := map[uint64]bool{}
	var maxFU uint64
	for i := range d.Customers {
		c := &d.Customers[i]
		if c.ID == 0 || customers[c.ID] {
			add("customer %d (%s): missing or repeated id", c.ID, c.Name)
		}
		customers[c.ID] = true
		card := strings.ToUpper(strings.TrimSpace(c.CardNo))
		if c.CardNo == "" || len(c.CardNo) > maxKeyText {
			add("customer %d (%s): missing or overlong card number %q", c.ID, data.Excerpt(c.Name), data.Excerpt(c.CardNo))
		} else if other, ok := cards[card]; ok {
			add("customer %d (%s): card number %q is also customer %d's", c.ID, data.Excerpt(c.Name), c.CardNo, other)
		}
		cards[card] = c.ID
		if !member(c.OwnerID) {
			add("customer %d (%s): owner %d is not a member", c.ID, c.Name, c.OwnerID)
		}
		for _, f := range c.FollowUps {
			if f.ID == 0 || fus[f.ID] != 0 {
				add("follow-up %d of customer %d: missing or repeated id", f.ID, c.ID)
			}
			if f.CustomerID != c.ID {
				add("follow-up %d sits under customer %d but names customer %d", f.ID, c.ID, f.CustomerID)
			}
			if !member(f.ByID) {
				add("follow-up %d: author %d is not a member", f.ID, f.ByID)
			}
			fus[f.ID] = c.ID
			maxFU = max(maxFU, f.ID)
			if f.OpenAction() {
				awaiting[f.ID] = true
			}
		}
	}
	// The agenda's index of open actions lists exactly the follow-ups whose action awaits its result.
	for _, oa := range d.OpenActions {
		if cid, ok := fus[oa.FollowUpID]; !ok || cid != oa.CustomerID || !awaiting[oa.FollowUpID] {
			add("open action %d: no follow-up of customer %d awaits this result", oa.FollowUpID, oa.CustomerID)
		}
		delete(awaiting, oa.FollowUpID)
	}
	for id := range awaiting {
		add("follow-up %d awaits its result but is not among the open actions", id)
		break
	}
	deals := map[uint64]bool{}
	numbers := map[string]uint64{} // deal number, upper case → deal
	history := map[uint64]bool{}
	var maxDeal, maxSeq uint64
	for _, o := range d.Opportunities {
		if o.ID == 0 || deals[o.ID] {
			add("deal %d (%s): missing or repeated id", o.ID, o.Number)
		}
		deals[o.ID] = true
		maxDeal = max(maxDeal, o.ID)
		number := strings.ToUpper(strings.TrimSpace(o.Number))
		if len(o.Number) > maxKeyText {
			add("deal %d: overlong number %q", o.ID, data.Excerpt(o.Number))
		} else if other, ok := numbers[number]; ok && number != "" {
			add("deal %d: number %q is also deal %d's", o.ID, o.Number, other)
		}
		numbers[number] = o.ID
		if !customers[o.CustomerID] {
			add("deal %d (%s): customer %d is not in the export", o.ID, o.Number, o.CustomerID)
		}
		if !member(o.OwnerID) {
			add("deal %d (%s): owner %d is not a member", o.ID, o.Number, o.OwnerID)
		}
		if len(o.History) == 0 {
			add("deal %d (%s): no stage history", o.ID, o.Number)
		}
		for _, h := range o.History {
			if h.Seq == 0 || history[h.Seq] {
				add("deal %d: history line %d missing or repeated", o.ID, h.Seq)
			}
			history[h.Seq] = true
			maxSeq = max(maxSeq, h.Seq)
		}
	}
	plans := map[string]bool{}
	for _, p := range d.PeriodPlans {
		if _, err := data.ParsePeriod(p.Period); err != nil || plans[p.Period] {
			add("period plan %q: not a period, or repeated", p.Period)
		}
		plans[p.Period] = true
	}
	for _, m := range d.ImportMappings {
		if _, err := data.ParseMapping(m.Mapping); err != nil || m.Fingerprint == "" || len(m.Fingerprint) > maxKeyText {
			add("import mapping %q: %v", m.Fingerprint, err)
		}
	}
	for k := range d.Counters {
		if k == "" || len(k) > maxKeyText {
			add("counter %q: not a counter's name", k)
		}
	}
	audit := map[uint64]bool{}
	var maxAudit uint64
	for _, a := range d.Audit {
		if a.Seq == 0 || audit[a.Seq] {
			add("audit line %d: missing or repeated", a.Seq)
		}
		audit[a.Seq] = true
		maxAudit = max(maxAudit, a.Seq)
	}
	checkAuditTrail(d.Audit, d.Sequences["audit"], member, add)
	var maxCustomer, maxMember uint64
	for id := range customers {
		maxCustomer = max(maxCustomer, id)
	}
	for id := range members {
		maxMember = max(maxMember, id)
	}
	highest := map[string]uint64{"customers": maxCustomer, "followups": maxFU, "members": maxMember,
		"opportunities": maxDeal, "opp_history": maxSeq, "audit": maxAudit}
	d.highest = highest
	names := make([]string, 0, len(d.Sequences))
	for name := range d.Sequences {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		top, known := highest[name]
		switch {
		case !known:
			add("sequences: unknown %q", name)
		case d.Sequences[name] < top:
			add("sequences: %s is %d, below the highest id %d", name, d.Sequences[name], top)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// jsonImportBatch is how many cards (or deals) go into one transaction of ImportJSON.
const jsonImportBatch = 2000

// ImportJSON writes an export into this database, which must be empty (no customers, team members or
// deals): the export is read and checked whole first, so that a file that is not a sound export
// writes nothing. The records keep their ids, numbers, versions and timestamps; the ids issued next
// continue the exported file's sequences.
func (s *Store) ImportJSON(by data.Actor, r io.Reader) (data.JSONImportResult, error) {
	var res data.JSONImportResult
	if s.readOnly {
		return res, data.ErrReadOnly
	}
	if !s.IsEmpty() || len(s.Opportunities(data.OpportunityFilter{})) > 0 {
		return res, fmt.Errorf("data: import JSON: %w", ErrDatabaseNotEmpty)
	}
	doc, err := ReadExport(r)
	if err != nil {
		return res, err
	}
	now := s.now()
	// Settings, team, counters, plans and mappings first: the cards' rows are graded by the settings.
	err = s.update(func(tx *bolt.Tx) (func(*index), error) {
		st := s.Settings()
		if len(doc.Settings) > 0 {
			if err := json.Unmarshal(doc.Settings, &st); err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := json.Compact(&buf, doc.Settings); err != nil {
				return nil, err
			}
			if err := tx.Bucket(bucketSettings).Put(keySettings, buf.Bytes()); err != nil {
				return nil, err
			}
		}
		mb := tx.Bucket(bucketMembers)
		for _, m := range doc.Members {
			if err := putRecord(mb, encodeUint(m.ID), m); err != nil {
				return nil, err
			}
		}
		cb := tx.Bucket(bucketCounters)
		for k, v := range doc.counters() {
			if err := cb.Put([]byte(k), encodeUint(v)); err != nil {
				return nil, err
			}
		}
		pb := tx.Bucket(bucketPeriodPlans)
		for _, p := range doc.PeriodPlans {
			pl := periodPlan{Team: p.Team, Owners: p.Owners, Problems: p.Problems, Measures: p.Measures,
				UpdatedAt: p.UpdatedAt, UpdatedBy: p.UpdatedBy}
			if err := putRecord(pb, []byte(p.Period), pl); err != nil {
				return nil, err
			}
		}
		ib := tx.Bucket(bucketImportMappings)
		for _, m := range doc.ImportMappings {
			var buf bytes.Buffer
			if err := json.Compact(&buf, m.Mapping); err != nil {
				return nil, err
			}
			if err := ib.Put([]byte(m.Fingerprint), buf.Bytes()); err != nil {
				return nil, err
			}
		}
		if err := importListChoices(tx, doc.SavedFilters); err != nil {
			return nil, err
		}
		// An export from before sign-in names a current user and may have no logins or admin: the
		// team is brought to sign-in as migration 9 brings a file.
		if err := migrateSignIn(tx, s); err != nil {
			return nil, err
		}
		members, err := readMembers(tx)
		if err != nil {
			return nil, err
		}
		return func(ix *index) {
			ix.setSettings(st, now)
			for _, m := range members {
				ix.members[m.ID] = m
			}
		}, nil
	})
	if err != nil {
		return res, fmt.Errorf("data: import JSON: settings and team: %w", err)
	}
	res.Members, res.PeriodPlans = len(doc.Members), len(doc.PeriodPlans)
	rules := s.Settings().GradeRules
	open := map[uint64][]OpenAction{}
	for _, oa := range doc.OpenActions {
		open[oa.CustomerID] = append(open[oa.CustomerID], OpenAction(oa))
	}
	for start := 0; start < len(doc.Customers); start += jsonImportBatch {
		part := doc.Customers[start:min(start+jsonImportBatch, len(doc.Customers))]
		err := s.update(func(tx *bolt.Tx) (func(*index), error) {
			fb, ob := tx.Bucket(bucketFollowUps), tx.Bucket(bucketOpenActions)
			for _, b := range []*bolt.Bucket{tx.Bucket(bucketCustomers), tx.Bucket(bucketRows), fb, ob} {
				b.FillPercent = 0.9
			}
			rows := make([]*indexRow, 0, len(part))
			var oas []OpenAction
			for i := range part {
				c := part[i].Customer
				row, err := s.writeCustomer(tx, &c, "", rules, now)
				if err != nil {
					return nil, err
				}
				rows = append(rows, row)
				for _, f := range part[i].FollowUps {
					if err := putRecord(fb, pairKey(c.ID, f.ID), f); err != nil {
						return nil, err
					}
				}
				for _, oa := range open[c.ID] {
					if err := putRecord(ob, encodeUint(oa.FollowUpID), oa); err != nil {
						return nil, err
					}
					oas = append(oas, oa)
				}
				res.FollowUps += len(part[i].FollowUps)
			}
			return func(ix *index) {
				ix.putMany(rows)
				for _, oa := range oas {
					ix.openActions[oa.FollowUpID] = oa
				}
			}, nil
		})
		if err != nil {
			return res, fmt.Errorf("data: import JSON: customers from %d (the database is incomplete; "+
				"delete it and import into a new one): %w", start+1, err)
		}
		res.Customers += len(part)
	}
	for start := 0; start < len(doc.Opportunities); start += jsonImportBatch {
		part := doc.Opportunities[start:min(start+jsonImportBatch, len(doc.Opportunities))]
		err := s.update(func(tx *bolt.Tx) (func(*index), error) {
			tx.Bucket(bucketOpps).FillPercent, tx.Bucket(bucketOppRows).FillPercent = 0.9, 0.9
			hb := tx.Bucket(bucketHistory)
			saved := make([]data.Opportunity, 0, len(part))
			for i := range part {
				o := part[i].Opportunity
				if err := putDeal(tx, &o); err != nil {
					return nil, err
				}
				for _, h := range part[i].History {
					if err := putRecord(hb, pairKey(o.ID, h.Seq), h.StageChange); err != nil {
						return nil, err
					}
				}
				saved = append(saved, o)
			}
			return func(ix *index) {
				for i := range saved {
					ix.putDeal(&saved[i])
				}
			}, nil
		})
		if err != nil {
			return res, fmt.Errorf("data: import JSON: deals from %d (the database is incomplete; "+
				"delete it and import into a new one): %w", start+1, err)
		}
		res.Opportunities += len(part)
	}
	err = s.update(func(tx *bolt.Tx) (func(*index), error) {
		ab := tx.Bucket(bucketAudit)
		prev := ""
		for _, a := range doc.Audit {
			// The export's chain was verified above. The lines are chained again as stored (times in
			// UTC), so the file's chain starts at the import, as a migrated file's starts at migration.
			if a.Change.Entity == "customer" && a.Change.CustomerID == 0 {
				a.Change.CustomerID = a.Change.EntityID
			}
			if err := chainChange(&a.Change, a.Seq, prev); err != nil {
				return nil, err
			}
			prev = a.Change.Hash
			if err := putRecord(ab, encodeUint(a.Seq), a.Change); err != nil {
				return nil, err
			}
			if err := indexChange(tx, a.Change); err != nil {
				return nil, err
			}
		}
		for name, v := range doc.sequences() {
			b := tx.Bucket(bucketAudit)
			if name != "audit" {
				b = tx.Bucket(exportSequences[name])
			}
			if err := b.SetSequence(v); err != nil {
				return nil, err
			}
		}
		action := fmt.Sprintf("import_json %d customers", len(doc.Customers))
		return nil, audit(tx, now, by, action, "export", 0)
	})
	if err != nil {
		return res, fmt.Errorf("data: import JSON: audit and sequences: %w", err)
	}
	res.AuditLines = len(doc.Audit)
	return res, nil
}
