package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// recordWindow is the open window of one record and the screen struct that made it.
type recordWindow struct {
	win fyne.Window
	v   any
}

// windowKey names the window of a record: "deal:12", "card:3". A record not saved yet has no key
// (""), so every new record gets a window of its own.
func windowKey(kind string, id uint64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprintf("%s:%d", kind, id)
}

// openOnce shows one window per record: when the window of key is open it is brought forward and its
// screen returned; otherwise make builds one, which is remembered until forgetWindow. Two windows of
// one record would each save over the other's typing.
func openOnce[T any](u *ui, key string, make func() (T, fyne.Window)) T {
	if e, ok := u.windows[key]; ok && key != "" {
		if v, ok := e.v.(T); ok {
			e.win.Show()
			e.win.RequestFocus()
			return v
		}
	}
	v, w := make()
	u.rememberWindow(key, w, v)
	return v
}

// rememberWindow files a window under its record's key, e.g. once a new record is saved and has an id.
func (u *ui) rememberWindow(key string, w fyne.Window, v any) {
	if key == "" {
		return
	}
	if u.windows == nil {
		u.windows = map[string]recordWindow{}
	}
	u.windows[key] = recordWindow{win: w, v: v}
}

// forgetWindow drops a closed window from the registry; the window's OnClosed calls it. A key now
// held by another window (a record reopened) is left alone.
func (u *ui) forgetWindow(key string, w fyne.Window) {
	if e, ok := u.windows[key]; ok && e.win == w {
		delete(u.windows, key)
	}
}

// openWindows returns the screens of the open record windows of one type, e.g. the deal windows.
func openWindows[T any](u *ui) []T {
	var out []T
	for _, e := range u.windows {
		if v, ok := e.v.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// askUnsaved asks whether a form window's unsaved changes are saved, thrown away or kept open (the
// window's close button, Alt+F4, quitting). Cancel also stops a quit that asked.
func askUnsaved(u *ui, win fyne.Window, text string, save, discard func()) *dialog.CustomDialog {
	var d *dialog.CustomDialog
	saveBtn := widget.NewButton(T("action.save"), func() {
		d.Hide()
		save()
	})
	saveBtn.Importance = widget.HighImportance
	discardBtn := widget.NewButton(T("action.discard"), func() {
		d.Hide()
		discard()
	})
	cancel := widget.NewButton(T("action.cancel"), func() {
		d.Hide()
		u.quitting, u.signingOut = false, false
	})
	msg := widget.NewLabel(text)
	msg.Wrapping = proseWrap()
	d = dialog.NewCustomWithoutButtons(T("card.unsaved_title"), container.NewVBox(msg,
		container.NewHBox(layout.NewSpacer(), cancel, discardBtn, saveBtn)), win)
	d.Resize(fyne.NewSize(420, 180))
	u.track(d)
	d.Show()
	return d
}
