#!/usr/bin/env bash
# Builds SalesDesk and opens its window: bash scripts/start.sh [--db PATH]
# On the first start with an empty database the app offers to load demo data.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/deps.sh

echo "start: building ./salesdesk"
# no_emoji leaves Fyne's colour emoji font out: 4 MB of binary and about 12 MB of memory, since
# Fyne loads it once per text style (docs/design.md, Memory).
go build -tags no_emoji -o salesdesk .
echo "start: ./salesdesk $*"
exec ./salesdesk "$@"
