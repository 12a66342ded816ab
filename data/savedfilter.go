package data

// SavedFilter is a named list filter of one member.
type SavedFilter struct {
	ID       uint64         `json:"id"`
	MemberID uint64         `json:"member_id"`
	Name     string         `json:"name"`
	Filter   CustomerFilter `json:"filter"`
}

// ListLayout is a member's choice of the list's columns, in order.
type ListLayout struct {
	Columns []string `json:"columns"`
}
