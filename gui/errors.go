package gui

import (
	"errors"

	"salesdesk/data"
)

// codedText is the message of an error by its stable code (data.ErrorCode), for the codes that have
// no sentinel of their own below in errorText: the code is what survives a trip over the network, so
// the window reads it rather than the English text. ok is false for codes errorText words itself.
func codedText(err error) (text string, ok bool) {
	switch data.ErrorCode(err) {
	case data.CodeForbidden:
		var r *data.Refusal
		if !errors.As(err, &r) {
			return Tf("roles.err.forbidden", T("roles.who.admin"), T("roles.perm.other")), true
		}
		who := T("roles.who.admin")
		if data.LeastRole(r.Perm) == data.MemberManager {
			who = T("roles.who.manager")
		}
		return Tf("roles.err.forbidden", who, T("roles.perm."+string(r.Perm))), true
	case data.CodeNotYours:
		return T("roles.err.not_yours"), true
	case data.CodeReadOnly:
		return T("roles.err.read_only"), true
	case data.CodeLastAdmin:
		return T("roles.err.last_admin"), true
	case data.CodeBadLogin:
		return T("roles.err.bad_login"), true
	case data.CodeAccountLock:
		return T("roles.err.account_lock"), true
	case data.CodeInactive:
		return T("roles.err.inactive"), true
	case data.CodeSlowDown:
		return T("roles.err.slow_down"), true
	case data.CodeLimit:
		return T("roles.err.limit"), true
	case data.CodeTooMany:
		return T("lists.err.too_many"), true
	case "not_pinned":
		return T("office.err.not_pinned"), true
	}
	return "", false
}
