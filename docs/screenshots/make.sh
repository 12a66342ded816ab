#!/usr/bin/env bash
# Writes the README's screenshots from the real app under Xvfb with the openbox window manager, in
# Chinese and English, dark and light: agenda-LANG.png (the start screen), week-LANG.png (the week's
# activities), customers-LANG.png (the list), pipeline-LANG.png (the board), pipeline-drag-LANG.png
# (a deal dragged with the real mouse), metrics-LANG.png and metrics-charts-LANG.png (the manager's
# metrics), card-LANG.png (a customer card); and, dark only, the same window at 800×560:
# small-{agenda,customers,pipeline,card}-LANG.png.
# Needs the packages from scripts/deps.sh. Usage: bash docs/screenshots/make.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-docs/screenshots}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -tags no_emoji -o "$tmp/salesdesk" .

# The steps run inside the X server. Clicks are in the window's own coordinates (xdotool --window),
# so the window manager's frame does not move them. Rendering has no event to wait for: each step
# gives the frames a moment.
cat >"$tmp/steps.sh" <<'STEPS'
set -euo pipefail
bin=$1 db=$2 out=$3 suffix=$4 small=$5
openbox >/dev/null 2>&1 &
"$bin" --db "$db" 2>/dev/null &
pid=$!
w=
for _ in $(seq 120); do # wait up to 60 s for the window rather than for a fixed time
	w=$(xdotool search --onlyvisible --name SalesDesk 2>/dev/null | head -1 || true)
	[[ -n $w ]] && break
	sleep 0.5
done
[[ -n $w ]] || { echo "make.sh: no window" >&2; exit 1; }
click() { xdotool mousemove --window "$w" "$1" "$2" click 1; sleep "${3:-1}"; }
# shot NAME [WINDOW]: the window (the main one unless named), moved to the screen's corner first.
shot() {
	local win=${2:-$w}
	xdotool windowmove "$win" 0 0
	sleep 0.5
	import -window root -crop "$(xdotool getwindowgeometry "$win" | awk '/Geometry/ {print $2}')+0+0" +repage "$out/$1-$suffix.png"
}
if [[ $small == 1 ]]; then
	xdotool windowmove "$w" 0 0 windowsize "$w" 800 560
	sleep 2
	shot small-agenda
	click 36 170 1.5
	shot small-customers
	click 420 342 2.5
	# The card opens in a window of its own ("KH2025-… name — SalesDesk"), sized like the main one.
	card=
	for _ in $(seq 20); do
		card=$(xdotool search --onlyvisible --name '^KH[0-9]' 2>/dev/null | head -1 || true)
		[[ -n $card ]] && break
		sleep 0.5
	done
	[[ -n $card ]] || { echo "make.sh: the card window did not open" >&2; exit 1; }
	xdotool windowsize "$card" 800 560
	sleep 1.5
	shot small-card "$card"
	xdotool windowclose "$card"
	sleep 0.5
	click 36 255 1.5
	shot small-pipeline
	kill -TERM $pid
	wait $pid || true
	exit 0
fi
xdotool windowmove "$w" 0 0 windowsize "$w" 1280 780
sleep 2
shot agenda
# The week view: the button at the agenda's top right, left of the scope, so further right in Chinese.
weekx=1052
[[ $suffix == *en ]] && weekx=1011
click $weekx 53 1.5
shot week
click $weekx 53 1
# The customer list, the second entry of the sidebar.
click 36 153 1.5
shot customers
# The pipeline is the third entry of the sidebar.
click 36 243 1.5
shot pipeline
# Drag the first lead towards the third column with the real mouse: the target is framed.
xdotool mousemove --window "$w" 190 270 mousedown 1 sleep 0.3 mousemove --window "$w" 320 300 sleep 0.2 mousemove --window "$w" 560 330 sleep 0.5
shot pipeline-drag
xdotool mouseup 1
sleep 1
xdotool key Escape
# The metrics are the fourth entry; the dashboard is computed off the UI thread.
click 36 333 3
shot metrics
# Down to the charts, then the pointer on the trend chart: its tooltip.
xdotool mousemove --window "$w" 700 600
for _ in $(seq 8); do xdotool click 5; done
sleep 1
xdotool mousemove --window "$w" 530 430
sleep 1
shot metrics-charts
# The first row of the customer table.
click 36 153 1.5
click 420 330 2.5
shot card
kill -TERM $pid
wait $pid || true
STEPS

# One run per language and theme: dark is Fyne's default here; light is asked for with FYNE_THEME
# (Settings' appearance follows the system unless a desktop chose otherwise).
run() { # variant lang small
	local variant=$1 lang=$2 small=$3 locale suffix home db
	case $lang in zh) locale=zh_CN.UTF-8 ;; en) locale=en_US.UTF-8 ;; esac
	suffix=$lang
	[[ $variant == light ]] && suffix=light-$lang
	home="$tmp/home-$variant-$lang-$small"
	mkdir -p "$home"
	db="$tmp/$variant-$lang-$small.db"
	"$tmp/salesdesk" demo --db "$db" --customers 300 >/dev/null 2>&1
	HOME="$home" XDG_CONFIG_HOME="$home/.config" LANG=$locale FYNE_THEME=$variant \
		xvfb-run -a -s "-screen 0 1280x800x24" bash ${STEPS_TRACE:+-x} "$tmp/steps.sh" "$tmp/salesdesk" "$db" "$out" "$suffix" "$small"
	echo "wrote $out/*-$suffix.png ($variant, $lang$([[ $small == 1 ]] && echo ', 800×560'))"
}
for variant in ${VARIANTS-dark light}; do
	for lang in zh en; do
		run "$variant" "$lang" 0
	done
done
for lang in zh en; do
	run dark "$lang" 1
done
