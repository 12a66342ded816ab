//go:build darwin && !ios

package gui

/*
#cgo CFLAGS: -x objective-c
#cgo LDFLAGS: -framework Cocoa
#import <Cocoa/Cocoa.h>
#include <stdint.h>

// sdRestoreFrame hands the window's frame to AppKit's own memory of it: restored now from the user
// defaults if it was saved before, and saved there whenever the user moves or resizes the window.
static void sdRestoreFrame(uintptr_t win) {
	NSWindow *w = (NSWindow *)(void *)win;
	NSString *name = @"SalesDeskMainWindow";
	[w setFrameUsingName:name];
	[w setFrameAutosaveName:name];
}
*/
import "C"

// On macOS the system keeps the frame (autosave), so the app stores no position of its own.
func windowPos(uintptr) (x, y int, ok bool) { return 0, 0, false }

func setWindowPos(uintptr, int, int) bool { return false }

func autosaveFrame(h uintptr) { C.sdRestoreFrame(C.uintptr_t(h)) }
