package data

import (
	"errors"
)

// RowExtra is what a full listing of cards shows beyond the in-memory row.
type RowExtra struct {
	Contact ContactBrief // the primary contact, else the first
	Region  string
}

// ErrArchived refuses a change to an archived card: it is read-only until RestoreCustomer brings it
// back, so nobody works on a customer the team put away without first deciding to take it up again.
var ErrArchived = errors.New("the customer is archived: restore it before changing it")

// CustomerFilter selects and orders the customer list.
type CustomerFilter struct {
	Search   string
	Grade    Grade
	Status   Status
	OwnerID  uint64
	Industry string
	Category string
	Source   Source
	Tag      string
	// ABC and RFM keep the customers of a class and of a segment as of today (Store.Segments).
	ABC ABCClass
	RFM RFMSegment
	// Archived lists the archived cards instead of the active ones.
	Archived bool
	Sort     SortKey
	Desc     bool
	// Limit stops the Store's list after that many rows; the Session's list is paged by Offset and
	// Limit (Service.Customers).
	Limit  int
	Offset int `json:",omitempty"`
	// Only keeps the listed cards alone: the rows selected for a bulk action or an export.
	Only map[uint64]bool `json:"-"`
}

// FilterChoices are the distinct values the list's filters offer.
type FilterChoices struct {
	Industries []string
	Tags       []string
	Categories []string
}

// DuplicateMatch is an existing card that looks like the one being saved, and why.
type DuplicateMatch struct {
	Row *CustomerRow
	By  string // "name", "phone" or "email"
	Key string // the matching value as typed on the existing card
}
