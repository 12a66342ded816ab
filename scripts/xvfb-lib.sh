# Helpers for scripts that drive the real app under Xvfb with openbox (docs/screenshots/*.sh), sourced
# inside the X server. Rendering has no event to wait for, so they poll a window's pixels: after an
# action, wait for the picture to change, then for it to hold still. WINDOW defaults to $w, the
# script's main window where it has one.

# look [WINDOW]: a hash of the window's pixels.
look() { import -window "${1:-$w}" rgb:- 2>/dev/null | md5sum | cut -c1-32; }

# settle [WINDOW]: wait (up to about 6 s) until two looks a third of a second apart agree.
settle() {
	local a b
	a=$(look "$@")
	for _ in $(seq 18); do
		sleep 0.33
		b=$(look "$@")
		[[ $a == "$b" ]] && return 0
		a=$b
	done
}

# changed HASH [WINDOW]: wait (up to about 8 s) for the window to differ from HASH, then settle.
changed() {
	local before=$1
	shift
	for _ in $(seq 40); do
		[[ $(look "$@") != "$before" ]] && break
		sleep 0.2
	done
	settle "$@"
}

# front [WINDOW]: raise and focus it, as a click on its title would.
front() { xdotool windowactivate --sync "${1:-$w}" 2>/dev/null || xdotool windowactivate "${1:-$w}"; sleep 0.3; }

# wm_ready: wait (up to about 10 s) for the window manager just started to take the screen: a window
# raised before that is refused ("does not support _NET_ACTIVE_WINDOW").
wm_ready() {
	for _ in $(seq 50); do
		xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id' && return 0
		sleep 0.2
	done
	echo "the window manager did not come up" >&2
	return 1
}
