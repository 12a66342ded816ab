package gui

import (
	"fyne.io/fyne/v2"

	"salesdesk/data"
)

// allowIf disables w when the signed-in member's role may not do p. The data layer refuses the
// action anyway; the window only spares the user a button that can only fail.
func (u *ui) allowIf(w fyne.Disableable, p data.Permission) {
	if !u.store.Can(p) {
		w.Disable()
	}
}
