package gui

import (
	"syscall"
	"unsafe"
)

var (
	user32            = syscall.NewLazyDLL("user32.dll")
	procGetWindowRect = user32.NewProc("GetWindowRect")
	procSetWindowPos  = user32.NewProc("SetWindowPos")
	procMonitorFromPt = user32.NewProc("MonitorFromPoint")
)

type winRect struct{ left, top, right, bottom int32 }

const (
	swpNoSize          = 0x0001
	swpNoZOrder        = 0x0004
	swpNoActivate      = 0x0010
	monitorDefaultNull = 0
)

func windowPos(h uintptr) (x, y int, ok bool) {
	var r winRect
	if ret, _, _ := procGetWindowRect.Call(h, uintptr(unsafe.Pointer(&r))); ret == 0 {
		return 0, 0, false
	}
	return int(r.left), int(r.top), true
}

func setWindowPos(h uintptr, x, y int) bool {
	// The title bar's left end must be on a monitor that is still attached.
	// POINT is passed by value: one 64-bit register on 64-bit Windows, two 32-bit words on 386.
	px, py := uint32(int32(x+50)), uint32(int32(y+10))
	var mon uintptr
	if unsafe.Sizeof(uintptr(0)) == 8 {
		mon, _, _ = procMonitorFromPt.Call(uintptr(uint64(px)|uint64(py)<<32), monitorDefaultNull)
	} else {
		mon, _, _ = procMonitorFromPt.Call(uintptr(px), uintptr(py), monitorDefaultNull)
	}
	if mon == 0 {
		return false
	}
	ret, _, _ := procSetWindowPos.Call(h, 0, uintptr(x), uintptr(y), 0, 0, swpNoSize|swpNoZOrder|swpNoActivate)
	return ret != 0
}

func autosaveFrame(uintptr) {}
