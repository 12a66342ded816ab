//go:build (linux || freebsd || openbsd || netbsd) && !wayland && !android

package gui

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xatom.h>

// frameExtents reads the window manager's decorations around w (_NET_FRAME_EXTENTS: left, right, top,
// bottom): the title bar above the content must stay on the screen.
static void frameExtents(Display *d, Window w, long *left, long *top) {
	*left = 0;
	*top = 0;
	Atom prop = XInternAtom(d, "_NET_FRAME_EXTENTS", True);
	if (prop == None) {
		return;
	}
	Atom type;
	int format;
	unsigned long n, after;
	unsigned char *data = NULL;
	if (XGetWindowProperty(d, w, prop, 0, 4, False, XA_CARDINAL, &type, &format, &n, &after, &data) == Success
		&& data != NULL && format == 32 && n == 4) {
		long *ext = (long *)data;
		*left = ext[0];
		*top = ext[2];
	}
	if (data != NULL) {
		XFree(data);
	}
}

// sdWindowPos reads where the window's content is on the screen. GLFW gives its windows static
// gravity, so XMoveWindow places the content, not the frame, at the point it is given: the same
// point read here puts the window back where it was, with no creep by the title bar.
static int sdWindowPos(unsigned long w, int *x, int *y) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) {
		return 0;
	}
	Window child;
	int ok = XTranslateCoordinates(d, (Window)w, DefaultRootWindow(d), 0, 0, x, y, &child);
	XCloseDisplay(d);
	return ok;
}

static int sdSetWindowPos(unsigned long w, int x, int y) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) {
		return 0;
	}
	int screen = DefaultScreen(d);
	long left, top;
	frameExtents(d, (Window)w, &left, &top);
	// At least a corner of the title bar, above the content by the frame's top, must stay on the
	// screen for the user to grab.
	if (x < -100 || y - top < 0 || x > DisplayWidth(d, screen) - 100 || y > DisplayHeight(d, screen) - 50) {
		XCloseDisplay(d);
		return 0;
	}
	XMoveWindow(d, (Window)w, x, y);
	XFlush(d);
	XCloseDisplay(d);
	return 1;
}
*/
import "C"

func windowPos(h uintptr) (x, y int, ok bool) {
	var cx, cy C.int
	if C.sdWindowPos(C.ulong(h), &cx, &cy) == 0 {
		return 0, 0, false
	}
	return int(cx), int(cy), true
}

func setWindowPos(h uintptr, x, y int) bool {
	return C.sdSetWindowPos(C.ulong(h), C.int(x), C.int(y)) != 0
}

func autosaveFrame(uintptr) {}
