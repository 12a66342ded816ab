package data

import (
	"time"
)

// ContactBrief is what the agenda and the duplicate check need of a contact.
type ContactBrief struct {
	Name     string    `msgpack:"n"`
	Phone    string    `msgpack:"p"`
	Email    string    `msgpack:"e"`
	Birthday time.Time `msgpack:"b"`
	Primary  bool      `msgpack:"pr"`
}

// SortKey is a column the customer list sorts by.
type SortKey string

const (
	SortCardNo       SortKey = "card_no"
	SortName         SortKey = "name"
	SortGrade        SortKey = "grade"
	SortStatus       SortKey = "status"
	SortOwner        SortKey = "owner"
	SortIndustry     SortKey = "industry"
	SortLastFollowUp SortKey = "last_follow_up"
	SortNextFollowUp SortKey = "next_follow_up"
)

// SortKeys lists the sortable columns.
var SortKeys = []SortKey{SortCardNo, SortName, SortGrade, SortStatus, SortOwner, SortIndustry, SortLastFollowUp, SortNextFollowUp}
