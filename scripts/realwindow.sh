#!/usr/bin/env bash
# realwindow.sh drives the real window with a real mouse (Xvfb, openbox, xdotool) through two faults of
# the pipeline board that Fyne's test driver cannot show, and fails when either is back:
#   1. with the board moved sideways, a click on the sidebar (经营分析) must not open a deal card that
#      lies beneath it;
#   2. clicking a deal card again, or double-clicking it, must not open a second window of that deal;
#   3. Alt+F4 on a deal window with typing in it asks before closing.
#   (it signs in first as the demo's administrator, zhaomin / demo1234).
# Usage: scripts/realwindow.sh [path/to/salesdesk]   (default: builds ./salesdesk)
# Needs: xvfb imagemagick xdotool openbox x11-utils (Debian packages). Exit status 0 when both pass.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-}
if [[ -z $bin ]]; then
	echo "realwindow: building ./salesdesk (the first cgo build of Fyne takes minutes)" >&2
	go build -tags no_emoji -o salesdesk .
	bin=./salesdesk
fi
for tool in xvfb-run openbox xdotool xprop; do
	command -v "$tool" >/dev/null || { echo "realwindow: $tool is missing (apt-get install xvfb openbox xdotool x11-utils)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/realwindow.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
LANG=zh_CN.UTF-8 "$bin" demo --db "$work/x.db" --customers 300 >/dev/null 2>&1

# The steps run inside the X server; they print FAIL lines and end with the number of failures.
cat >"$work/steps.sh" <<'STEPS'
set -u
fail=0
say() { echo "realwindow: $*"; }
# Deal windows are titled "XS<number> <title> — SalesDesk".
deals() { xdotool search --onlyvisible --name '^XS[0-9]+ ' 2>/dev/null | wc -l; }
click() { xdotool mousemove --window "$main" "$1" "$2" click 1; sleep "${3:-0.8}"; }

source "$LIB" # scripts/xvfb-lib.sh
openbox >/dev/null 2>&1 &
wm_ready || exit 1
"$BIN" --db "$DB" >"$WORK/app.log" 2>&1 &
app=$!
main=""
for _ in $(seq 1 60); do
	main=$(xdotool search --onlyvisible --name 'SalesDesk' 2>/dev/null | head -1 || true)
	[[ -n $main ]] && break
	sleep 0.5
done
if [[ -z $main ]]; then say "FAIL: the window never showed"; cat "$WORK/app.log"; exit 1; fi
xdotool windowmove "$main" 0 0 windowsize "$main" 1280 770
sleep 2
# The demo team signs in: the login field has the focus, Enter moves to the password, Enter signs in.
xdotool type --delay 30 "zhaomin"; xdotool key Return; sleep 0.3
xdotool type --delay 30 "demo1234"; xdotool key Return
sleep 3
import -window root "$WORK/0-signed-in.png"

# The sidebar's entries, in window coordinates: 销售机会 (the board) and 经营分析 (the metrics).
board_x=37 board_y=243 metrics_x=37 metrics_y=333

# 1. The board, moved sideways by the wheel over the column headers, then 经营分析 clicked twice (a
#    card under the sidebar would be selected by the first click and opened by the second).
click $board_x $board_y 1.5
xdotool mousemove --window "$main" 500 150
for _ in $(seq 1 10); do xdotool click 5; sleep 0.05; done
sleep 0.8
import -window root "$WORK/1-board-moved.png"
click $metrics_x $metrics_y
click $metrics_x $metrics_y 1.5
import -window root "$WORK/1-after-sidebar.png"
if (( $(deals) != 0 )); then
	say "FAIL 1: a click on the sidebar (经营分析) opened $(deals) deal window(s)"
	fail=$((fail + 1))
else
	say "ok 1: a click on the sidebar opened no deal"
fi
xdotool search --name '^XS[0-9]+ ' 2>/dev/null | while read -r w; do xdotool windowclose "$w" 2>/dev/null || true; done
sleep 0.5

# 2. The first card of the first column: click to select, click to open, then (the main window
#    forward again) click it again and double-click it: one deal window in the end.
click $board_x $board_y 1.5
xdotool mousemove --window "$main" 500 150
for _ in $(seq 1 10); do xdotool click 4; sleep 0.05; done
sleep 0.8
card_x=190 card_y=270
click $card_x $card_y
click $card_x $card_y 1.5
first=$(deals)
xdotool windowactivate --sync "$main" 2>/dev/null || xdotool windowactivate "$main"; sleep 0.8
click $card_x $card_y 1.2
xdotool windowactivate --sync "$main" 2>/dev/null || xdotool windowactivate "$main"; sleep 0.8
xdotool mousemove --window "$main" $card_x $card_y click --repeat 2 --delay 80 1
sleep 1.5
import -window root "$WORK/2-after-clicks.png"
n=$(deals)
if (( first != 1 || n != 1 )); then
	say "FAIL 2: one deal card clicked again and double-clicked: $first window(s) after opening, $n in the end (want 1 and 1)"
	fail=$((fail + 1))
else
	say "ok 2: clicking and double-clicking an open deal's card kept one window"
fi
# 3. Typing in the deal window, then Alt+F4: the window asks instead of closing.
d=$(xdotool search --onlyvisible --name '^XS[0-9]+ ' 2>/dev/null | head -1 || true)
if [[ -n $d ]]; then
	xdotool windowactivate "$d" 2>/dev/null; sleep 0.5
	xdotool mousemove --window "$d" 400 225 click 1; sleep 0.3
	xdotool type --delay 50 '123'; sleep 0.3
	xdotool key alt+F4; sleep 1.5
	import -window root "$WORK/3-after-alt-f4.png"
	if (( $(deals) != 1 )); then
		say "FAIL 3: Alt+F4 closed a deal window with typing in it"
		fail=$((fail + 1))
	else
		say "ok 3: Alt+F4 on a deal window with typing asked first"
	fi
fi
kill "$app" 2>/dev/null
# The window quits on SIGTERM. Once in three CI runs it had not after 5 minutes (not reproduced since,
# in 6 runs, 3 under load): then its goroutines go to the log for the cause, and it is killed, so that
# the checks above still count.
for _ in $(seq 50); do
	kill -0 "$app" 2>/dev/null || break
	sleep 0.2
done
if kill -0 "$app" 2>/dev/null; then
	say "NOTE: the window had not quit 10 s after SIGTERM; its goroutines follow, then it is killed"
	kill -QUIT "$app" 2>/dev/null
	sleep 1
	grep -E '^goroutine |salesdesk/|fyne\.io/fyne/v2/(internal/driver|app)' "$WORK/app.log" | head -120 || true
	kill -KILL "$app" 2>/dev/null
fi
wait "$app" 2>/dev/null
exit $fail
STEPS

status=0
HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" LANG=zh_CN.UTF-8 BIN="$bin" DB="$work/x.db" WORK="$work" LIB="$PWD/scripts/xvfb-lib.sh" \
	xvfb-run -a -s "-screen 0 1280x800x24" bash "$work/steps.sh" 2>/dev/null || status=$?
if [[ -n ${KEEP_SHOTS:-} ]]; then
	mkdir -p "$KEEP_SHOTS" && cp "$work"/*.png "$KEEP_SHOTS"/ && echo "realwindow: screenshots in $KEEP_SHOTS"
fi
if (( status != 0 )); then
	echo "realwindow: FAILED ($status check(s) failed)" >&2
	exit 1
fi
echo "realwindow: all passed"
