package data

import (
	"errors"
	"fmt"
)

// Permission is one thing a role may do beyond working its own cards. The rules live here, in the
// data layer, so that the window, the command line and a later network server enforce the same ones
// (domain.md §8: access by role; exports are a manager's right).
type Permission string

const (
	PermViewAll       Permission = "view_all"       // every customer and deal, not only one's own
	PermReassign      Permission = "reassign"       // give a card or deal to another member
	PermTargets       Permission = "targets"        // set the team's and reps' targets
	PermGradeOverride Permission = "grade_override" // override a card's computed grade
	PermImport        Permission = "import"         // import files, undo imports
	PermExport        Permission = "export"         // CSV, XLSX, JSON and PDF exports
	PermAudit         Permission = "audit"          // read the whole audit trail
	PermReview        Permission = "review"         // the weekly review, marking cards reviewed
	PermPoolAssign    Permission = "pool_assign"    // assign cards from the pool
	PermHandover      Permission = "handover"       // move a rep's cards to another rep or the pool
	PermMembers       Permission = "members"        // add, deactivate, reset, unlock members
	PermSettings      Permission = "settings"       // the team's settings
	PermBackup        Permission = "backup"         // backups, restore and compact
)

// Permissions lists every permission, for tests and the members screen.
var Permissions = []Permission{PermViewAll, PermReassign, PermTargets, PermGradeOverride, PermImport,
	PermExport, PermAudit, PermReview, PermPoolAssign, PermHandover, PermMembers, PermSettings, PermBackup}

var managerPerms = map[Permission]bool{PermViewAll: true, PermReassign: true, PermTargets: true,
	PermGradeOverride: true, PermImport: true, PermExport: true, PermAudit: true, PermReview: true,
	PermPoolAssign: true, PermHandover: true}

// Allowed reports whether a role may do p. A rep has none of the permissions: a rep works the
// cards it owns and the pool, which need none.
func Allowed(role MemberRole, p Permission) bool {
	switch role {
	case MemberAdmin:
		return true
	case MemberManager:
		return managerPerms[p]
	}
	return false
}

// LeastRole is the lowest role that may do p, for the message that says who may.
func LeastRole(p Permission) MemberRole {
	if managerPerms[p] {
		return MemberManager
	}
	return MemberAdmin
}

// Refusal is the error of an action the signed-in member's role does not allow. Nothing was written.
type Refusal struct {
	Perm Permission
	Role MemberRole // the member's role
}

func (r *Refusal) Error() string {
	who := "an administrator"
	if LeastRole(r.Perm) == MemberManager {
		who = "a manager or an administrator"
	}
	return fmt.Sprintf("refused: only %s may do this (%s); nothing was changed", who, r.Perm)
}

// Code is the refusal's stable error code.
func (r *Refusal) Code() string { return CodeForbidden }

// ErrNotYours refuses a rep's read or change of a card or deal that another member owns. It says
// nothing about the record itself, so that a rep learns no more than that it is not theirs.
var ErrNotYours = errors.New("the record belongs to another member: only its owner or a manager may open or change it")
