package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// Fyne has no API for where a window is (fyne-io/fyne#1155), so the main window's position is read and
// set through the platform's own handle (driver.NativeWindow): X11 and Windows here. Wayland lets no
// application place its windows, and macOS is left to its own window restoration for now.
const (
	prefX      = "window.x"
	prefY      = "window.y"
	prefPlaced = "window.placed"
)

// nativeHandle returns the platform's handle of w, or 0 where it has none (the test driver, a window
// not yet shown, Wayland, macOS).
func nativeHandle(w fyne.Window) uintptr {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return 0
	}
	var h uintptr
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.X11WindowContext:
			h = c.WindowHandle
		case driver.WindowsWindowContext:
			h = c.HWND
		}
	})
	return h
}

// savePosition keeps where the main window's frame is, for the next start.
func (u *ui) savePosition() {
	h := nativeHandle(u.win)
	if h == 0 {
		return
	}
	if x, y, ok := windowPos(h); ok {
		p := u.app.Preferences()
		p.SetInt(prefX, x)
		p.SetInt(prefY, y)
		p.SetBool(prefPlaced, true)
	}
}

// restorePosition puts the main window back where it was, unless that place is no longer on a screen
// (a monitor unplugged since).
func (u *ui) restorePosition() {
	p := u.app.Preferences()
	if !p.Bool(prefPlaced) {
		return
	}
	if h := nativeHandle(u.win); h != 0 {
		setWindowPos(h, p.Int(prefX), p.Int(prefY))
	}
}
