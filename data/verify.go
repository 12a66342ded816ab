package data

import (
	"fmt"
)

// A file that fails the structural check is never written, backed up, compacted or restored from,
// and is not read through bbolt either: bbolt trusts the pages it maps, so a damaged page can crash
// the process with a memory fault or send a cursor round a cycle until the stack runs out — neither
// can be recovered. VerifyFile reads the pages itself, with bounds checks, and Open runs it first.

// DamageError says why a file fails the structural check: Kind for the window to translate, Reason
// in words a user can act on, Detail for `salesdesk check` and for support.
type DamageError struct {
	Path   string
	Kind   DamageKind
	Reason string
	Detail string
}

func (e *DamageError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("data: %v: %s", ErrDamaged, e.Reason)
	}
	return fmt.Sprintf("data: open %s: %v: %s", e.Path, ErrDamaged, e.Reason)
}

func (e *DamageError) Unwrap() error { return ErrDamaged }

// DamageKind is what kind of damage a file has.
type DamageKind string
