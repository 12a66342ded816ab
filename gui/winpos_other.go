//go:build !windows && !(darwin && !ios) && !((linux || freebsd || openbsd || netbsd) && !wayland && !android)

package gui

// Elsewhere (Wayland, macOS, mobile) the position is the platform's to choose.
func windowPos(uintptr) (x, y int, ok bool) { return 0, 0, false }

func setWindowPos(uintptr, int, int) bool { return false }

func autosaveFrame(uintptr) {}
