package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Fyne hands every key to the focused widget and to the window only when nothing has focus, and its
// selects, lists, tables, checks and buttons drop Esc. Once the user has clicked one of them in a
// dialog (picked a member in a select, a row in a list), Esc would no longer close the dialog. These
// wrappers pass Esc to onEscape first, as textEntry does; any other key goes to the widget.

// escapeKey closes the dialog on top when k is Esc and there is one.
func escapeKey(k *fyne.KeyEvent) bool {
	noteInput()
	return k.Name == fyne.KeyEscape && onEscape != nil && onEscape()
}

// escSelect is a select that lets Esc close the dialog it sits in.
type escSelect struct {
	widget.Select
}

// newDialogSelect is newSelect for a dialog.
func newDialogSelect(options []string, changed func(string)) *escSelect {
	s := &escSelect{}
	s.Options = options
	s.OnChanged = changed
	s.PlaceHolder = T("select.placeholder")
	s.ExtendBaseWidget(s)
	return s
}

func (s *escSelect) TypedKey(k *fyne.KeyEvent) {
	if !escapeKey(k) {
		s.Select.TypedKey(k)
	}
}

// escList is a list that lets Esc close the dialog it sits in.
type escList struct {
	widget.List
}

func newDialogList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *escList {
	l := &escList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *escList) TypedKey(k *fyne.KeyEvent) {
	if !escapeKey(k) {
		l.List.TypedKey(k)
	}
}

// escCheck is a check that lets Esc close the dialog it sits in.
type escCheck struct {
	widget.Check
}

func newDialogCheck(label string, changed func(bool)) *escCheck {
	c := &escCheck{}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *escCheck) TypedKey(k *fyne.KeyEvent) {
	if !escapeKey(k) {
		c.Check.TypedKey(k)
	}
}

// escButton is a button that lets Esc close the dialog it sits in (a button has focus after Tab).
type escButton struct {
	widget.Button
}

func newDialogButton(label string, tapped func()) *escButton {
	b := &escButton{}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *escButton) TypedKey(k *fyne.KeyEvent) {
	if !escapeKey(k) {
		b.Button.TypedKey(k)
	}
}
