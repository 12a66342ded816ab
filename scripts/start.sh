#!/usr/bin/env bash
# Builds SalesDesk and opens its window: bash scripts/start.sh [--db PATH]
# On the first start with an empty database the app offers to load demo data.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/deps.sh

elapsed() { printf '%dm%02ds' $((SECONDS / 60)) $((SECONDS % 60)); }

echo "start: building SalesDesk (./salesdesk). The first build compiles Fyne's C parts (OpenGL, GLFW)"
echo "start: and takes 3–10 minutes on a 2-core machine; later builds take seconds."
SECONDS=0
# A line every 30 s while cgo compiles: the compiler prints nothing for minutes on end.
(while sleep 30; do echo "start: still building, $(elapsed) so far"; done) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT
# no_emoji leaves Fyne's colour emoji font out: 4 MB of binary and about 12 MB of memory, since
# Fyne loads it once per text style (docs/design.md, Memory). -v names each package as it compiles.
if ! go build -v -tags no_emoji -o salesdesk . 2>&1 | sed -u 's/^/start:   compiling /'; then
	echo "start: the build failed after $(elapsed); the messages above say why" >&2
	exit 1
fi
kill "$ticker" 2>/dev/null || true
trap - EXIT
echo "start: built in $(elapsed)"
echo "start: ./salesdesk $*"
exec ./salesdesk "$@"
