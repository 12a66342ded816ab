package gui

import (
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// Fyne has no API for where a window is (fyne-io/fyne#1155), so the main window's position is read and
// set through the platform's own handle (driver.NativeWindow): X11 and Windows keep it in the app's
// preferences; macOS keeps the frame itself once asked to (autosave). Wayland lets no application
// place its windows.
// prefWindow keeps the main window's size and, where the platform tells it, its position, as
// "width,height" or "width,height,x,y". One key, because Fyne writes the preferences file on the
// first change and defers the changes that follow by 100 ms, which a quitting app does not live to
// see: several keys set on quit came back with only the first of them.
const prefWindow = "window.state"

type windowState struct {
	w, h   float32
	x, y   int
	placed bool
}

func (s windowState) String() string {
	out := strconv.FormatFloat(float64(s.w), 'f', 0, 32) + "," + strconv.FormatFloat(float64(s.h), 'f', 0, 32)
	if s.placed {
		out += "," + strconv.Itoa(s.x) + "," + strconv.Itoa(s.y)
	}
	return out
}

// parseWindowState reads prefWindow; anything unreadable gives the default size, unplaced.
func parseWindowState(v string) windowState {
	st := windowState{w: 1280, h: 800}
	parts := strings.Split(v, ",")
	if len(parts) != 2 && len(parts) != 4 {
		return st
	}
	var nums [4]float64
	for i, p := range parts {
		n, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return st
		}
		nums[i] = n
	}
	if nums[0] >= 200 && nums[1] >= 150 && nums[0] <= 20000 && nums[1] <= 20000 {
		st.w, st.h = float32(nums[0]), float32(nums[1])
	}
	if len(parts) == 4 {
		st.x, st.y, st.placed = int(nums[2]), int(nums[3]), true
	}
	return st
}

// nativeHandle returns the platform's handle of w, or 0 where it has none (the test driver, a window
// not yet shown, Wayland); mac says whether it is an NSWindow.
func nativeHandle(w fyne.Window) (h uintptr, mac bool) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return 0, false
	}
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.X11WindowContext:
			h = c.WindowHandle
		case driver.WindowsWindowContext:
			h = c.HWND
		case driver.MacWindowContext:
			h, mac = c.NSWindow, true
		}
	})
	return h, mac
}

// saveWindowState keeps the main window's size and the place of its frame, for the next start.
func (u *ui) saveWindowState() {
	size := u.win.Canvas().Size()
	st := windowState{w: size.Width, h: size.Height}
	if h, mac := nativeHandle(u.win); h != 0 && !mac {
		st.x, st.y, st.placed = windowPos(h)
	}
	u.app.Preferences().SetString(prefWindow, st.String())
}

// restorePosition puts the main window back where it was, unless that place is no longer on a screen
// (a monitor unplugged since).
func (u *ui) restorePosition() {
	h, mac := nativeHandle(u.win)
	switch st := parseWindowState(u.app.Preferences().String(prefWindow)); {
	case h == 0:
	case mac:
		autosaveFrame(h)
	case st.placed:
		setWindowPos(h, st.x, st.y)
	}
}
