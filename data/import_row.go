package data

import (
	"errors"
	"fmt"
	"strings"
)

// RowProblem is why a row, or one cell of it, was not imported as written.
type RowProblem struct {
	Sheet   string      `json:"sheet,omitempty"`
	Row     int         `json:"row"`
	Column  string      `json:"column,omitempty"` // the column's header
	Field   ImportField `json:"field,omitempty"`
	Value   string      `json:"value,omitempty"`
	Message string      `json:"message"`
	// Err is the sentinel behind the message (ErrDateInvalid, ErrUnknownMember …), for translation.
	Err error `json:"-"`
}

func (p RowProblem) String() string {
	var b strings.Builder
	if p.Sheet != "" {
		b.WriteString(p.Sheet + " ")
	}
	fmt.Fprintf(&b, "row %d", p.Row)
	if p.Column != "" {
		fmt.Fprintf(&b, ", %s", Excerpt(p.Column))
	}
	if p.Value != "" {
		fmt.Fprintf(&b, " %q", Excerpt(p.Value))
	}
	b.WriteString(": " + p.Message)
	return b.String()
}

// Errors of import rows, beside the parsers' and the validators'.
var (
	ErrNoCustomerName    = errors.New("the row names no customer (客户名称 or 客户编号 is empty)")
	ErrCustomerNotFound  = errors.New("no customer of that name or card number; put the customer's row before it or import the customers first")
	ErrCustomerAmbiguous = errors.New("several customers have this name; give the card number (客户编号) instead")
	ErrRowUnreadable     = errors.New("the row cannot be read")
	ErrRowCut            = errors.New("the file ends in the middle of this row: it was cut short (truncated); the row was not imported")
	ErrNothingToImport   = errors.New("the row holds no value for a mapped column")
)
