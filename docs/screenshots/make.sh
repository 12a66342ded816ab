#!/usr/bin/env bash
# Writes the README's screenshots from the real app under Xvfb with the openbox window manager, in
# Chinese and English, dark and light. The demo file opens on the sign-in screen: signin-LANG.png, then
# signin-wrong-LANG.png (a wrong password's message); it signs in as the demo's administrator
# (zhaomin / demo1234) and takes agenda-LANG.png (the start screen, the whole team's), week-LANG.png
# (the week's activities), customers-LANG.png (the list), pipeline-LANG.png (the board),
# pipeline-drag-LANG.png (a deal dragged with the real mouse), metrics-LANG.png and
# metrics-charts-LANG.png (the manager's metrics), card-LANG.png (a customer card, in which it changes
# the company size and saves), pool-LANG.png (公海), review-LANG.png (团队: the weekly review, a rep
# picked), handover-LANG.png (that rep's handover to a colleague, with the counts) and audit-LANG.png
# (审计日志: the card's change with its old and new value at the top); and, dark only, the window at
# 800×560: small-{signin,agenda,customers,pipeline,card,audit}-LANG.png.
# Each picture is the window's content, 1280×800 or 800×560, without the window manager's frame.
# Needs the packages from scripts/deps.sh. Usage: bash docs/screenshots/make.sh [OUTDIR]
# VARIANTS="dark" LANGS="zh" SMALL=0 pick fewer runs; STEPS_TRACE=1 traces the steps.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mkdir -p "${1:-docs/screenshots}" && cd "${1:-docs/screenshots}" && pwd)
lib=$PWD/scripts/xvfb-lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -tags no_emoji -o "$tmp/salesdesk" .

# The steps run inside the X server. Clicks are in the window's own coordinates (xdotool --window),
# so the window manager's frame does not move them; scripts/xvfb-lib.sh waits for what they change.
cat >"$tmp/steps.sh" <<'STEPS'
set -euo pipefail
bin=$1 db=$2 out=$3 suffix=$4 small=$5
source "$6" # scripts/xvfb-lib.sh
openbox >/dev/null 2>&1 &
wm_ready
"$bin" --db "$db" 2>/dev/null &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT # a failed step must not leave the app writing
w=
for _ in $(seq 120); do # wait up to 60 s for the window rather than for a fixed time
	w=$(xdotool search --onlyvisible --name SalesDesk 2>/dev/null | head -1 || true)
	[[ -n $w ]] && break
	sleep 0.5
done
[[ -n $w ]] || { echo "make.sh: no window" >&2; exit 1; }
# click X Y: the real mouse on the main window, then wait for what it changed.
click() {
	local before
	before=$(look)
	xdotool mousemove --window "$w" "$1" "$2" sleep 0.2 click 1
	changed "$before"
}
# shot NAME [WINDOW]: the window's content (the main one unless named).
shot() { import -window "${2:-$w}" "$out/$1-$suffix.png"; }
# find_window PATTERN: the first visible window whose title matches, waiting up to 10 s.
find_window() {
	local f=
	for _ in $(seq 20); do
		f=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -1 || true)
		[[ -n $f ]] && break
		sleep 0.5
	done
	[[ -n $f ]] || { echo "make.sh: no window titled $1" >&2; exit 1; }
	echo "$f"
}
# close_window WINDOW: Alt+F4 through openbox, as a user closes it (xdotool windowclose would destroy
# the X window under the app, which then dies of an X error).
close_window() {
	front "$1"
	xdotool key alt+F4
	for _ in $(seq 20); do
		xdotool search --onlyvisible --name "$(xdotool getwindowname "$1" 2>/dev/null || echo '^$')" >/dev/null 2>&1 || break
		sleep 0.25
	done
	front
	settle
}
# sign_in PASSWORD: the login field has the focus on a first start; Enter moves on to the password.
type_password() {
	local before
	before=$(look)
	xdotool type --delay 30 "$1"
	xdotool key Return
	changed "$before"
}
signed_in() { # the title names the member once the screens are there
	for _ in $(seq 60); do
		[[ $(xdotool getwindowname "$w") == *—* ]] && break
		sleep 0.25
	done
	[[ $(xdotool getwindowname "$w") == *—* ]] || { echo "make.sh: the sign-in did not go through" >&2; exit 1; }
	settle
}
size=(1280 800)
[[ $small == 1 ]] && size=(800 560)
xdotool windowmove "$w" 0 0 windowsize "$w" "${size[@]}"
settle
sleep 1 # the size change's first frames
settle
shot "$([[ $small == 1 ]] && echo small-)signin"
xdotool type --delay 30 zhaomin
xdotool key Return
if [[ $small == 0 ]]; then
	type_password wrong-password
	shot signin-wrong
fi
type_password demo1234
signed_in
# The administrator owns no cards: the agenda shows the whole team's (the right half of the scope).
click $((size[0] - 40)) 51

if [[ $small == 1 ]]; then
	shot small-agenda
	click 36 160
	shot small-customers
	xdotool mousemove --window "$w" 420 330 sleep 0.2 click 1
	# The card opens in a window of its own ("KH2025-… name — SalesDesk"), sized like the main one.
	card=$(find_window '^KH[0-9]')
	xdotool windowsize "$card" 800 560
	settle "$card"
	shot small-card "$card"
	close_window "$card"
	click 36 245
	shot small-pipeline
	# At 800×560 the last tabs are in the sidebar's ⋮ menu: Team, Settings, then the audit trail.
	click 44 538
	click 120 539
	shot small-audit
	kill -TERM $pid
	wait $pid || true
	exit 0
fi
shot agenda
# The week view: the button at the agenda's top right, left of the scope, so further right in Chinese.
weekx=1050
[[ $suffix == *en ]] && weekx=1009
click $weekx 51
shot week
click $weekx 51
# The customer list, the second entry of the sidebar.
click 36 160
shot customers
# The pipeline is the third entry of the sidebar.
click 36 245
shot pipeline
# Drag the first lead towards the third column with the real mouse: the target is framed.
xdotool mousemove --window "$w" 190 250 mousedown 1 sleep 0.3 mousemove --window "$w" 320 280 sleep 0.2 mousemove --window "$w" 560 310
settle
shot pipeline-drag
xdotool mouseup 1
settle
xdotool key Escape
# The metrics are the fourth entry; the dashboard is computed off the UI thread.
click 36 330
shot metrics
# Down to the charts, then the pointer on the trend chart: its tooltip.
xdotool mousemove --window "$w" 700 580
for _ in $(seq 8); do xdotool click 5; done
settle
xdotool mousemove --window "$w" 530 410
settle
shot metrics-charts
# The first row of the customer table: its card, then a change the audit trail shows with its old and
# new value (企业规模, the company size, a plain entry: xdotool types ASCII reliably).
click 36 160
xdotool mousemove --window "$w" 420 330 sleep 0.2 click 1
card=$(find_window '^KH[0-9]')
settle "$card"
shot card "$card"
xdotool mousemove --window "$card" 500 486 sleep 0.2 click 1
xdotool key ctrl+a
xdotool type --delay 30 "500-999"
before=$(look "$card")
xdotool key ctrl+s
changed "$before" "$card"
close_window "$card"
# 公海, the fifth entry: the cards nobody follows, with a card's pool history on the right.
click 36 415
# The list is read again off the UI thread when the tab shows, which would drop a selection made first.
sleep 1
settle
click 400 253
shot pool
# 团队, the sixth: the weekly review, the second rep picked, whose due cards fill the lower half.
click 36 500
sleep 1
settle
click 130 168
shot review
# Their handover, to the fourth name of the list (a rep): the preview counts what would move.
click 1210 51
xdotool mousemove --window "$w" 660 376 sleep 0.2 click 1
settle
click 600 572
shot handover
# Esc reaches the dialog once the list has let go of the focus: a click on the dialog's empty corner.
click 840 525
xdotool key Escape
settle
# 审计日志, the last entry: the newest line is the card's change, its field's old and new value. The
# first click after the dialog can go to the dialog's leftovers; a second on a shown tab does nothing.
click 36 665
click 36 665
shot audit
kill -TERM $pid
wait $pid || true
STEPS

# One run per language and theme: dark is Fyne's default here; light is asked for with FYNE_THEME
# (Settings' appearance follows the system unless a desktop chose otherwise).
run() { # variant lang small
	local variant=$1 lang=$2 small=$3 locale suffix dir
	case $lang in zh) locale=zh_CN.UTF-8 ;; en) locale=en_US.UTF-8 ;; esac
	suffix=$lang
	[[ $variant == light ]] && suffix=light-$lang
	# Each run has a folder of its own, with the file named as a user's would be: the sign-in screen
	# shows the path it was given.
	dir="$tmp/$variant-$lang-$small"
	mkdir -p "$dir/home"
	(cd "$dir" && "$tmp/salesdesk" demo --db salesdesk.db --customers 300 >/dev/null 2>&1)
	# The screen is a little larger than the window so that the frame around it does not push the
	# window's content off the screen.
	(cd "$dir" && HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" LANG=$locale FYNE_THEME=$variant \
		xvfb-run -a -s "-screen 0 1300x840x24" bash ${STEPS_TRACE:+-x} "$tmp/steps.sh" "$tmp/salesdesk" salesdesk.db "$out" "$suffix" "$small" "$lib")
	echo "wrote $out/*-$suffix.png ($variant, $lang$([[ $small == 1 ]] && echo ', 800×560'))"
}
for variant in ${VARIANTS-dark light}; do
	for lang in ${LANGS-zh en}; do
		run "$variant" "$lang" 0
	done
done
if [[ ${SMALL-1} == 1 ]]; then
	for lang in ${LANGS-zh en}; do
		run dark "$lang" 1
	done
fi
