package gui

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// field is one labelled input with its own message line, so a problem shows where it is wrong even on
// a field the user never touched (Fyne's Form shows messages only after typing).
type field struct {
	key   string
	label *widget.Label
	input fyne.CanvasObject
	entry *widget.Entry // nil when the input is not an entry
	msg   *widget.Label
}

func newField(key string, input fyne.CanvasObject) *field {
	// A wrapper such as enumSelect must not stand in the layout itself: Fyne finds a widget's window
	// by the object placed in it, and a select's pop-up needs that window.
	if w, ok := input.(interface{ widget() fyne.CanvasObject }); ok {
		input = w.widget()
	}
	f := &field{key: key, label: widget.NewLabel(T("field." + key)), input: input}
	f.label.Alignment = fyne.TextAlignTrailing
	f.msg = widget.NewLabel("")
	f.msg.Importance = widget.DangerImportance
	f.msg.Wrapping = proseWrap()
	f.msg.Hide()
	if te, ok := input.(*textEntry); ok {
		e := &te.Entry
		f.entry = e
		e.AlwaysShowValidationError = true
		prev := e.OnChanged
		e.OnChanged = func(s string) {
			f.setError(nil)
			if prev != nil {
				prev(s)
			}
		}
	}
	return f
}

// setError shows err's message under the field, or clears it.
func (f *field) setError(err error) {
	if err == nil {
		if f.msg.Visible() {
			f.msg.SetText("")
			f.msg.Hide()
		}
		if f.entry != nil && f.entry.Validator == nil {
			f.entry.SetValidationError(nil)
		}
		return
	}
	f.msg.SetText(errorText(err))
	f.msg.Show()
	if f.entry != nil {
		f.entry.SetValidationError(errors.New(errorText(err)))
	}
}

// formGrid lays out fields as label | input, with the message under the input.
func formGrid(fields ...*field) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, len(fields)*2)
	for _, f := range fields {
		objs = append(objs, f.label, container.NewVBox(f.input, f.msg))
	}
	return container.New(layout.NewFormLayout(), objs...)
}

// textEntry is an entry that lets Esc close the dialog it sits in: Fyne hands every key to the focused
// widget, and its own entry swallows Esc.
type textEntry struct {
	widget.Entry
}

// onEscape closes the dialog on top and reports whether there was one; the ui sets it.
var onEscape func() bool

// TypedRune counts as input for the idle lock.
func (e *textEntry) TypedRune(r rune) {
	noteInput()
	e.Entry.TypedRune(r)
}

func (e *textEntry) TypedKey(k *fyne.KeyEvent) {
	noteInput()
	if k.Name == fyne.KeyEscape && onEscape != nil && onEscape() {
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut passes SalesDesk's own shortcuts (save, new, find) on to the window: Fyne gives every
// shortcut to the focused entry first, and the entry drops those it does not know, so Ctrl+S in a
// field would do nothing.
func (e *textEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.Modifier == fyne.KeyModifierShortcutDefault &&
		(cs.KeyName == fyne.KeyS || cs.KeyName == fyne.KeyN || cs.KeyName == fyne.KeyF) {
		if c, ok := fyne.CurrentApp().Driver().CanvasForObject(e).(interface{ TypedShortcut(fyne.Shortcut) }); ok {
			c.TypedShortcut(cs)
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

func newEntry(text string) *textEntry {
	e := &textEntry{}
	e.ExtendBaseWidget(e)
	e.SetText(text)
	return e
}

func newMultiLine(text string) *textEntry {
	e := newEntry("")
	e.MultiLine = true
	e.Wrapping = proseWrap()
	e.SetMinRowsVisible(3)
	e.SetText(text)
	return e
}

func newDateEntry(t time.Time) *textEntry {
	return newParsedEntry(editDate(t), "hint.date", func(s string) error { _, err := data.ParseDate(s); return err })
}

func newAmountEntry(a data.Amount) *textEntry {
	return newParsedEntry(editAmount(a), "hint.amount", func(s string) error { _, err := data.ParseAmount(s); return err })
}

// newParsedEntry is an optional field whose text must parse; the entry marks itself while it does not.
func newParsedEntry(text, hint string, parse func(string) error) *textEntry {
	e := newEntry(text)
	e.SetPlaceHolder(T(hint))
	e.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		if err := parse(s); err != nil {
			return errors.New(errorText(err))
		}
		return nil
	}
	return e
}

// parseOptionalDate reads a date field; empty is the zero date.
func parseOptionalDate(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	return data.ParseDate(s)
}

// parseOptionalAmount reads an amount field; empty is zero.
func parseOptionalAmount(s string) (data.Amount, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	return data.ParseAmount(s)
}

// enumSelect is a select over an enum's translated labels, with an empty choice first when optional.
type enumSelect[E ~string] struct {
	*escSelect
	prefix string
	values []E
}

func newEnumSelect[E ~string](prefix string, values []E, optional bool, current E) *enumSelect[E] {
	opts := []string{}
	vals := []E{}
	if optional {
		opts = append(opts, T("choice.none"))
		vals = append(vals, "")
	}
	for _, v := range values {
		opts = append(opts, enumLabel(prefix, v))
		vals = append(vals, v)
	}
	s := &enumSelect[E]{escSelect: newDialogSelect(opts, nil), prefix: prefix, values: vals}
	s.set(current)
	return s
}

func (s *enumSelect[E]) widget() fyne.CanvasObject { return s.escSelect }

func (s *enumSelect[E]) set(v E) {
	for i, x := range s.values {
		if x == v {
			s.SetSelectedIndex(i)
			return
		}
	}
	s.ClearSelected()
}

func (s *enumSelect[E]) value() E {
	i := s.SelectedIndex()
	if i < 0 || i >= len(s.values) {
		return ""
	}
	return s.values[i]
}

var zeroTime time.Time

func sortFollowUps(fs []data.FollowUp) { data.SortNewestFirst(fs) }

// mergeProblems adds the rule checks' problems to the parsers', except at fields that could not be
// parsed (their zero value would only add a second, misleading message), so one save shows them all.
func mergeProblems(parsed, checked data.FieldErrors) data.FieldErrors {
	for _, e := range checked {
		if parsed.For(e.Field) == nil {
			parsed = append(parsed, e)
		}
	}
	return parsed
}

// newOwnerSelect lists the team with "none" first and selects the member with the given id (none
// for 0 or a member no longer listed); ownerOf reads the choice back.
func newOwnerSelect(members []data.Member, id uint64) *widget.Select {
	names := []string{T("choice.none")}
	for _, m := range members {
		names = append(names, m.Name)
	}
	s := newSelect(names, nil)
	s.SetSelectedIndex(0)
	for i, m := range members {
		if m.ID == id {
			s.SetSelectedIndex(i + 1)
		}
	}
	return s
}

// ownerOf is the member an owner select names, 0 for none.
func ownerOf(members []data.Member, s *widget.Select) uint64 {
	if i := s.SelectedIndex(); i > 0 && i <= len(members) {
		return members[i-1].ID
	}
	return 0
}
