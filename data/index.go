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
