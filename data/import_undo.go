package data

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Undoing an import removes every record it created and puts every record it changed back as it was,
// in one transaction. A record someone changed after the import is not reverted over their change
// unless the undo is forced; a card the import created that others have since hung a deal or a
// follow-up on is kept even then, since removing it would orphan records the import did not make.

// Errors of undoing an import.
var (
	ErrAlreadyUndone = errors.New("the import was undone already")
	ErrUndoConflicts = errors.New("records of the import were changed since")
)

// UndoConflict is a record of the import that changed after it.
type UndoConflict struct {
	Record    FieldGroup `json:"record"`
	ID        uint64     `json:"id"`
	Label     string     `json:"label"`
	Reason    string     `json:"reason"`
	ChangedAt time.Time  `json:"changed_at"`
	ChangedBy string     `json:"changed_by"`
}

func (c UndoConflict) String() string {
	s := fmt.Sprintf("%s %d (%s): %s", c.Record, c.ID, c.Label, c.Reason)
	if !c.ChangedAt.IsZero() {
		s += " on " + c.ChangedAt.Format("2006-01-02 15:04")
	}
	if c.ChangedBy != "" {
		s += " by " + c.ChangedBy
	}
	return s
}

// UndoConflictError refuses an undo, listing what changed since the import.
type UndoConflictError struct {
	ImportID  uint64
	Conflicts []UndoConflict
}

func (e *UndoConflictError) Error() string {
	parts := make([]string, 0, min(len(e.Conflicts), 10))
	for i, c := range e.Conflicts {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("and %d more", len(e.Conflicts)-10))
			break
		}
		parts = append(parts, c.String())
	}
	return fmt.Sprintf("%s: %s (undo it with force to revert them anyway)", ErrUndoConflicts, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrUndoConflicts) hold.
func (e *UndoConflictError) Is(target error) bool { return target == ErrUndoConflicts }

// UndoCounts counts what an undo did with one kind of record.
type UndoCounts struct {
	Removed  int `json:"removed"`
	Restored int `json:"restored"`
}

// UndoReport is what UndoImport did.
type UndoReport struct {
	ImportID      uint64     `json:"import_id"`
	Customers     UndoCounts `json:"customers"`
	Opportunities UndoCounts `json:"opportunities"`
	FollowUps     UndoCounts `json:"followups"`
	// Conflicts are the records changed since the import (reverted anyway when forced).
	Conflicts []UndoConflict `json:"conflicts"`
	// Kept are cards the import created that stay because others added records to them since.
	Kept []UndoConflict `json:"kept"`
}
