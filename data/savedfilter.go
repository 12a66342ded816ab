package data

import "errors"

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

// ErrNoMember refuses to keep a list choice for nobody: Settings names no current user.
var ErrNoMember = errors.New("no team member is chosen as this desktop's user")
