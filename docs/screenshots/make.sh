#!/usr/bin/env bash
# Writes the README's screenshots from the real app under Xvfb, in Chinese and English:
# agenda-LANG.png (the start screen), customers-LANG.png (the list), card-LANG.png (a customer card).
# Needs the packages from scripts/deps.sh. Usage: bash docs/screenshots/make.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-docs/screenshots}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/salesdesk" .

# wait_for NAME: polls until a window whose title contains NAME exists, for up to 60 s.
wait_for() {
	for _ in $(seq 120); do
		xdotool search --name "$1" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	echo "no window named $1 appeared" >&2
	return 1
}
export -f wait_for

for lang in zh en; do
	case $lang in zh) locale=zh_CN.UTF-8 ;; en) locale=en_US.UTF-8 ;; esac
	home="$tmp/home-$lang"
	mkdir -p "$home"
	"$tmp/salesdesk" demo --db "$tmp/$lang.db" --customers 300 >/dev/null
	HOME="$home" XDG_CONFIG_HOME="$home/.config" LANG=$locale LC_ALL=$locale \
	xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
		set -euo pipefail
		"$0" --db "$1" & pid=$!
		wait_for SalesDesk
		# Rendering has no event to wait for; give the first frames a moment.
		sleep 2
		import -window root "$2/agenda-$3.png"
		xdotool key ctrl+f
		sleep 1
		import -window root "$2/customers-$3.png"
		# The first row of the customer table, under the search box, the filters and the header.
		xdotool mousemove 420 205 click 1
		sleep 2
		import -window root "$2/card-$3.png"
		kill -TERM $pid
		wait $pid
	' "$tmp/salesdesk" "$tmp/$lang.db" "$out" "$lang"
	echo "wrote $out/agenda-$lang.png $out/customers-$lang.png $out/card-$lang.png"
done
