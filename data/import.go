package data

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// Errors of an import as a whole.
var (
	ErrMappingIncomplete = errors.New("the column mapping is not complete")
	ErrImportCancelled   = errors.New("the import was cancelled")
)

// DuplicatePolicy is what an import does with a row whose record already exists.
type DuplicatePolicy string

// ImportOptions tune an import.
type ImportOptions struct {
	OnDuplicate DuplicatePolicy
	// DryRun does everything in a transaction that is rolled back: the report says exactly what the
	// import would do, and the file is not written.
	DryRun bool
	// BatchSize is rows per transaction; 0 is DefaultImportBatch.
	BatchSize int
	// Limit reads only the first rows of each sheet (a preview); 0 reads them all.
	Limit int
	// Progress is called after every batch, from the goroutine that runs the import.
	Progress func(ImportProgress)
	// AllowMultiline imports rows whose quoted cells run over several lines. Without it an import of
	// a file with such rows is refused before anything is written (ErrMultilineField, naming the
	// rows): an unclosed quote reads the rows below it into one cell, and a dry run lists them.
	AllowMultiline bool
	// DefaultOwner owns the cards the file gives no owner (an empty or missing owner column, or a name
	// no member has) — usually the member importing — so that every imported card reaches someone's
	// agenda. A card the import updates keeps the owner it has. 0 leaves such cards without one.
	DefaultOwner uint64
}

// ImportProgress is how far an import is.
type ImportProgress struct {
	Sheet                               string
	Done, Total                         int
	Created, Updated, Skipped, Rejected int
}

// ImportCounts counts one kind of record.
type ImportCounts struct {
	Created int `json:"created" msgpack:"c"`
	Updated int `json:"updated" msgpack:"u"`
	Skipped int `json:"skipped" msgpack:"s"`
}

func (c *ImportCounts) Add(o ImportCounts) {
	c.Created += o.Created
	c.Updated += o.Updated
	c.Skipped += o.Skipped
}

// RowOutcome is what an import did, or a dry run would do, with one record of a row.
type RowOutcome struct {
	Sheet  string     `json:"sheet,omitempty"`
	Row    int        `json:"row"`
	Record FieldGroup `json:"record"` // customer, opportunity or followup
	Action string     `json:"action"` // created, updated or skipped
	ID     uint64     `json:"id"`
	Label  string     `json:"label"`
	// MatchedBy says how a stored record was found: card_no, name, phone, email, number, title or date.
	MatchedBy string `json:"matched_by,omitempty"`
}

// RejectedRow is a row that was not imported, with every reason.
type RejectedRow struct {
	Sheet    string       `json:"sheet,omitempty"`
	Row      int          `json:"row"`
	Cells    []string     `json:"cells"`
	Problems []RowProblem `json:"problems"`
}

// ImportReport is what an import did.
type ImportReport struct {
	// ImportID names the import for UndoImport; 0 when nothing was written (a dry run, or every row
	// rejected).
	ImportID  uint64 `json:"import_id"`
	File      string `json:"file"`
	DryRun    bool   `json:"dry_run"`
	Cancelled bool   `json:"cancelled"`
	// Rows is the number of data rows the import went through (imported, skipped or rejected).
	Rows          int           `json:"rows"`
	Customers     ImportCounts  `json:"customers"`
	Opportunities ImportCounts  `json:"opportunities"`
	FollowUps     ImportCounts  `json:"followups"`
	Rejected      []RejectedRow `json:"rejected"`
	Warnings      []RowProblem  `json:"warnings"`
	Outcomes      []RowOutcome  `json:"outcomes"`
	// Multiline lists the rows whose cells run over several lines (the first of them per sheet), and
	// MultilineRows counts them all: an import writes them only with ImportOptions.AllowMultiline.
	Multiline     []RowProblem  `json:"multiline,omitempty"`
	MultilineRows int           `json:"multiline_rows,omitempty"`
	Elapsed       time.Duration `json:"elapsed_ns"`
	Headers       map[string][]string
}

// ImportRecord is an import as the file remembers it, for the list of imports and for undo.
type ImportRecord struct {
	ID            uint64          `json:"id" msgpack:"id"`
	File          string          `json:"file" msgpack:"f"`
	At            time.Time       `json:"at" msgpack:"t"`
	ByID          uint64          `json:"by_id" msgpack:"b"`
	By            string          `json:"by" msgpack:"n"`
	OnDuplicate   DuplicatePolicy `json:"on_duplicate" msgpack:"d"`
	Rows          int             `json:"rows" msgpack:"r"`
	Customers     ImportCounts    `json:"customers" msgpack:"c"`
	Opportunities ImportCounts    `json:"opportunities" msgpack:"o"`
	FollowUps     ImportCounts    `json:"followups" msgpack:"u"`
	Rejected      int             `json:"rejected" msgpack:"x"`
	// Finished is set when the import read the whole file; a cancelled or interrupted import is not.
	Finished  bool      `json:"finished" msgpack:"fi"`
	Cancelled bool      `json:"cancelled" msgpack:"ca"`
	Undone    bool      `json:"undone" msgpack:"ud"`
	UndoneAt  time.Time `json:"undone_at" msgpack:"ua"`
	UndoneBy  string    `json:"undone_by" msgpack:"ub"`
}

// WriteRejects writes the rejected rows as a CSV file Excel opens (UTF-8 with a byte-order mark): the
// row number, the row's own cells under the file's header, and the problems. Fixed in Excel, the file
// imports again: the two added columns map to no field.
func (r *ImportReport) WriteRejects(w io.Writer) error {
	cw, err := NewExcelCSV(w)
	if err != nil {
		return err
	}
	sheet := "\x00"
	for _, rj := range r.Rejected {
		header := r.Headers[rj.Sheet]
		if rj.Sheet != sheet {
			sheet = rj.Sheet
			h := append([]string{"行号 Row"}, header...)
			if rj.Sheet != "" {
				h[0] = rj.Sheet + " 行号 Row"
			}
			if err := cw.Write(append(h, "问题 Problems")); err != nil {
				return err
			}
		}
		rec := []string{strconv.Itoa(rj.Row)}
		cells := rj.Cells
		rec = append(rec, cells...)
		for len(rec) < len(header)+1 {
			rec = append(rec, "")
		}
		msgs := make([]string, len(rj.Problems))
		for i, p := range rj.Problems {
			msgs[i] = p.Message
			if p.Column != "" {
				msgs[i] = p.Column + ": " + p.Message
			}
		}
		if err := cw.Write(append(rec, strings.Join(msgs, "; "))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

const (
	DuplicateSkip   DuplicatePolicy = "skip"   // keep the stored record as it is
	DuplicateUpdate DuplicatePolicy = "update" // write the row's non-empty cells over it
	DuplicateCreate DuplicatePolicy = "create" // add a new record anyway
)

// DuplicatePolicies lists the choices.
var DuplicatePolicies = []DuplicatePolicy{DuplicateSkip, DuplicateUpdate, DuplicateCreate}
