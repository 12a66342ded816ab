package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// pressKey hands a key to c as the desktop driver does: to the focused widget, else to the window.
func pressKey(c fyne.Canvas, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if on := c.OnTypedKey(); on != nil {
		on(ev)
	}
}

// dialogFocusables are the widgets in the dialog on top of c that take the focus, but for the buttons
// Fyne's own dialogs add (a *widget.Button: SalesDesk's dialogs use escButton).
func dialogFocusables(c fyne.Canvas) []fyne.Focusable {
	var out []fyne.Focusable
	for _, o := range test.LaidOutObjects(c.Overlays().Top()) {
		if _, fyneButton := o.(*widget.Button); fyneButton {
			continue
		}
		if f, ok := o.(fyne.Focusable); ok {
			if d, ok := o.(fyne.Disableable); ok && d.Disabled() {
				continue
			}
			out = append(out, f)
		}
	}
	return out
}

// Esc closes the handover after a target was picked in its select (which then has the focus), and
// nothing moves.
func TestEscClosesTheHandoverWithItsSelectFocused(t *testing.T) {
	u := newTestUI(t, "en")
	leaving, heir, cards := leavingRep(t, u)
	h := u.showHandover(leaving.ID)
	c := u.win.Canvas()
	test.Tap(h.to)                          // focuses the select and opens its list
	c.Overlays().Remove(c.Overlays().Top()) // the list closes as a pick closes it
	h.to.SetSelected(heir.Name)
	if c.Focused() != h.to {
		t.Fatalf("the select is not focused after a pick: %T", c.Focused())
	}
	if h.preview.Customers != 2 {
		t.Fatalf("preview %+v", h.preview)
	}
	pressKey(c, fyne.KeyEscape)
	if len(u.dialogs) != 0 || c.Overlays().Top() != nil {
		t.Fatalf("after Esc: %d dialogs open", len(u.dialogs))
	}
	if h.done != nil {
		t.Fatal("Esc handed the cards over")
	}
	for _, id := range cards {
		if r, _ := u.file.Row(id); r.OwnerID != leaving.ID {
			t.Errorf("card %d moved to %d", id, r.OwnerID)
		}
	}
}

// Wherever the focus is in the dialogs with a select, list, check or button of their own, Esc closes
// them and only them.
func TestEscClosesDialogsWhereverTheFocusIs(t *testing.T) {
	u := newTestUI(t, "en")
	leaving, _, _ := leavingRep(t, u)
	if _, err := u.file.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: "Free", Status: data.StatusProspect}); err != nil {
		t.Fatal(err)
	}
	p := u.settings.members
	opens := map[string]func(){
		"handover":        func() { u.showHandover(leaving.ID) },
		"member":          func() { p.editMember(leaving) },
		"reset password":  func() { p.resetPassword(leaving) },
		"handover first?": func() { p.askHandoverFirst(leaving, 2, func() { t.Error("Esc deactivated the member") }) },
		"pool assign": func() {
			u.tabs.SelectIndex(tabPool)
			u.pool.list.Select(0)
			u.pool.onAssign()
		},
		"columns": func() { u.customers.onChooseColumns() },
		"imports": func() { u.onImports() },
		"confirm": func() {
			d := confirm("?", "?", "OK", func(yes bool) {
				if yes {
					t.Error("Esc answered yes")
				}
			}, u.win)
			u.track(d)
			d.Show()
		},
	}
	c := u.win.Canvas()
	for name, open := range opens {
		// Each widget in a dialog of its own: Esc closes the dialog, which is then made anew.
		for i := 0; ; i++ {
			open()
			if len(u.dialogs) != 1 {
				t.Fatalf("%s: %d dialogs open", name, len(u.dialogs))
			}
			focusables := dialogFocusables(c)
			if len(focusables) == 0 {
				t.Fatalf("%s: nothing to focus", name)
			}
			if i == len(focusables) {
				u.closeDialog()
				break
			}
			f := focusables[i]
			c.Focus(f)
			if c.Focused() != f {
				t.Fatalf("%s: %T took no focus", name, f)
			}
			pressKey(c, fyne.KeyEscape)
			if len(u.dialogs) != 0 {
				t.Errorf("%s: Esc with %T focused left the dialog open", name, f)
				u.closeDialog()
			}
		}
	}
	if m, _ := u.file.Member(leaving.ID); !m.Active {
		t.Fatal("Esc deactivated the member")
	}
}
