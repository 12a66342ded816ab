#!/usr/bin/env bash
# Office mode with real windows: a host window shares its demo file and two desktops join it, each
# with its own preferences (HOME) as on three computers, under one Xvfb with openbox. Writes, per
# language: office-join-LANG.png (the first start's join dialog), office-pairing-LANG.png (the code
# compared), office-connected-LANG.png (the host's Settings with the connected desktops),
# office-board-before-LANG.png and office-board-after-LANG.png (the manager's board on the second
# desktop before and after the rep on the first moves a deal), office-offline-LANG.png (a joined
# window once the host quit). Usage: bash docs/screenshots/office.sh [OUTDIR]; LANGS="zh" for one.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mkdir -p "${1:-docs/screenshots}" && cd "${1:-docs/screenshots}" && pwd)
lib=$PWD/scripts/xvfb-lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" 2>/dev/null || true' EXIT
go build -tags no_emoji -o "$tmp/salesdesk" .

cat >"$tmp/steps.sh" <<'STEPS'
set -euo pipefail
bin=$1 dir=$2 out=$3 lang=$4 locale=$5 port=$6
source "$7"
openbox >/dev/null 2>&1 &
wm_ready
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM $p 2>/dev/null || true; done' EXIT
click() { # click WINDOW X Y
	local before
	front "$1"
	before=$(look "$1")
	xdotool mousemove --window "$1" "$2" "$3" sleep 0.2 click 1
	changed "$before" "$1"
}
typein() { # typein WINDOW TEXT: types, then Return
	local before
	front "$1"
	before=$(look "$1")
	xdotool type --delay 30 "$2"
	xdotool key Return
	changed "$before" "$1"
}
shot() { front "$2"; settle "$2"; import -window "$2" "$out/$1-$lang.png"; }
# start NAME ARGS...: the app with NAME's own preferences; prints its window once it shows.
start() {
	local name=$1 before
	shift
	before=$(xdotool search --onlyvisible --name SalesDesk 2>/dev/null | sort || true)
	HOME="$dir/$name" XDG_CONFIG_HOME="$dir/$name/.config" LANG=$locale "$bin" "$@" >"$dir/$name.log" 2>&1 &
	pids+=($!)
	local w=
	for _ in $(seq 120); do
		w=$(comm -13 <(echo "$before") <(xdotool search --onlyvisible --name SalesDesk 2>/dev/null | sort) | head -1 || true)
		[[ -n $w ]] && break
		sleep 0.5
	done
	[[ -n $w ]] || { echo "office.sh: $name's window never showed" >&2; cat "$dir/$name.log" >&2; exit 1; }
	xdotool windowmove "$w" 0 0 windowsize "$w" 1280 800
	sleep 1
	settle "$w"
	echo "$w"
}
signin() { # signin WINDOW LOGIN
	typein "$1" "$2"
	typein "$1" demo1234
	for _ in $(seq 60); do
		[[ $(xdotool getwindowname "$1") == *—* ]] && break
		sleep 0.25
	done
	settle "$1"
}

host=$(start host --db "$dir/host.db")
signin "$host" zhaomin
click "$host" 36 "${SETTINGS_Y:-585}"
shot office-shared "$host"

# The first desktop: a first start, whose welcome offers to join; the address typed; the code compared.
d1=$(start desk1 --db "$dir/desk1.db")
shot office-welcome "$d1"
[[ ${STOP:-} == welcome ]] && exit 0
# The welcome's "join" button: its place depends on how the language wraps the text above it.
join_y=296
[[ $lang == en ]] && join_y=316
click "$d1" 640 "${JOIN_Y:-$join_y}"
shot office-join "$d1"
typein "$d1" "127.0.0.1:$port"
shot office-pairing "$d1"
[[ ${STOP:-} == pairing ]] && exit 0
match=(825 491)
[[ $lang == en ]] && match=(800 511)
click "$d1" "${MATCH_X:-${match[0]}}" "${MATCH_Y:-${match[1]}}"
signin "$d1" lina

# The second desktop paired before (its preferences hold the pin): it signs in at start.
d2=$(start desk2)
signin "$d2" wangjianguo
click "$host" 36 "${SETTINGS_Y:-585}"
shot office-connected "$host"
[[ ${STOP:-} == connected ]] && exit 0

# A live board: the manager's board on the second desktop, before and after the rep on the first moves
# her first deal one stage on (a click selects it, Ctrl+→ moves it).
click "$d2" 36 243
click "$d1" 36 243
shot office-board-rep "$d1"
shot office-board-before "$d2"
[[ ${STOP:-} == board ]] && exit 0
click "$d1" "${DEAL_X:-430}" "${DEAL_Y:-270}"
front "$d1"
xdotool key ctrl+Right
sleep 1
before=$(look "$d2")
changed "$before" "$d2"
shot office-board-after "$d2"

# The host quits (it asks first: two desktops are connected); the joined windows go offline.
front "$host"
xdotool key alt+F4
sleep 1
shot office-quit "$host"
before=$(look "$d2")
xdotool mousemove --window "$host" "${YES_X:-668}" "${YES_Y:-458}" sleep 0.2 click 1
changed "$before" "$d2"
shot office-offline "$d2"
STEPS

IFS=' ' read -r -a langs <<<"${LANGS:-zh en}"
for lang in "${langs[@]}"; do
	locale=zh_CN.UTF-8
	[[ $lang == en ]] && locale=en_US.UTF-8
	dir="$tmp/$lang"
	mkdir -p "$dir"/{host,desk1,desk2}/.config/fyne/com.salesdesk.desktop
	LANG=$locale "$tmp/salesdesk" demo --db "$dir/host.db" --customers 300 >/dev/null 2>&1
	port=$((47850 + RANDOM % 1000))
	# The host's certificate is made once, by a moment of `serve`, whose first lines name it: the second
	# desktop's preferences pin it, as its pairing would have.
	fp=""
	"$tmp/salesdesk" serve --db "$dir/host.db" --listen "127.0.0.1:$port" --no-announce >"$dir/serve.out" 2>&1 &
	spid=$!
	for _ in $(seq 50); do
		fp=$(sed -n 's/^certificate: //p' "$dir/serve.out")
		[[ -n $fp ]] && break
		sleep 0.2
	done
	kill -TERM $spid
	wait $spid || true
	[[ -n $fp ]] || { echo "office.sh: serve did not start" >&2; cat "$dir/serve.out" >&2; exit 1; }
	printf '{"office_share":true,"office_listen":"127.0.0.1:%s"}' "$port" >"$dir/host/.config/fyne/com.salesdesk.desktop/preferences.json"
	printf '{"office_addr":"127.0.0.1:%s","office_pin":"%s","office_pin_addr":"127.0.0.1:%s","office_name":"前台"}' "$port" "$fp" "$port" \
		>"$dir/desk2/.config/fyne/com.salesdesk.desktop/preferences.json"
	xvfb-run -a -s "-screen 0 1600x1000x24" bash ${STEPS_TRACE:+-x} "$tmp/steps.sh" "$tmp/salesdesk" "$dir" "$out" "$lang" "$locale" "$port" "$lib"
done
echo "office.sh: screenshots in $out"
