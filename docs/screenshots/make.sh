#!/usr/bin/env bash
# Writes the README's screenshots from the real app under Xvfb, in Chinese and English:
# agenda-LANG.png (the start screen), customers-LANG.png (the list), pipeline-LANG.png (the board),
# metrics-LANG.png and metrics-charts-LANG.png (the manager's metrics), card-LANG.png (a customer card).
# Needs the packages from scripts/deps.sh. Usage: bash docs/screenshots/make.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-docs/screenshots}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -tags no_emoji -o "$tmp/salesdesk" .

# One run per language and theme: dark is Fyne's default here; light is asked for with FYNE_THEME.
for variant in dark light; do
	for lang in zh en; do
		case $lang in zh) locale=zh_CN.UTF-8 ;; en) locale=en_US.UTF-8 ;; esac
		suffix=$lang
		[[ $variant == light ]] && suffix=light-$lang
		home="$tmp/home-$variant-$lang"
		mkdir -p "$home"
		db="$tmp/$variant-$lang.db"
		"$tmp/salesdesk" demo --db "$db" --customers 300 >/dev/null 2>&1
		HOME="$home" XDG_CONFIG_HOME="$home/.config" LANG=$locale FYNE_THEME=$variant \
		xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
			set -euo pipefail
			"$0" --db "$1" 2>/dev/null & pid=$!
			# Wait (up to 60 s) for the window rather than for a fixed time.
			for _ in $(seq 120); do
				xdotool search --name SalesDesk >/dev/null 2>&1 && break
				sleep 0.5
			done
			# Rendering has no event to wait for; give the first frames a moment.
			sleep 2
			import -window root "$2/agenda-$3.png"
			xdotool key ctrl+f
			sleep 1
			import -window root "$2/customers-$3.png"
			# The pipeline is the third tab of the sidebar.
			xdotool mousemove 36 260 click 1
			sleep 1
			import -window root "$2/pipeline-$3.png"
			# Drag the first lead towards the third column with the real mouse: the target is framed.
			xdotool mousemove 200 230 mousedown 1 sleep 0.3 mousemove 320 260 sleep 0.2 mousemove 560 300 sleep 0.5
			import -window root "$2/pipeline-drag-$3.png"
			xdotool mouseup 1
			sleep 1
			xdotool key Escape
			# The metrics are the fourth tab; the dashboard is computed off the UI thread.
			xdotool mousemove 36 345 click 1
			sleep 3
			import -window root "$2/metrics-$3.png"
			# Down to the charts, then the pointer on the trend chart'"'"'s 2026 Q3 leads bar: its tooltip.
			xdotool mousemove 700 600
			for _ in $(seq 8); do xdotool click 5; done
			sleep 1
			xdotool mousemove 530 430
			sleep 1
			import -window root "$2/metrics-charts-$3.png"
			xdotool key ctrl+f
			sleep 1
			# The first row of the customer table, under the search box, the filters and the header.
			xdotool mousemove 420 250 click 1
			sleep 2
			import -window root "$2/card-$3.png"
			kill -TERM $pid
			wait $pid
		' "$tmp/salesdesk" "$db" "$out" "$suffix"
		echo "wrote $out/{agenda,customers,pipeline,pipeline-drag,metrics,metrics-charts,card}-$suffix.png"
	done
done
