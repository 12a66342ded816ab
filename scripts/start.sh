#!/usr/bin/env bash
# Builds SalesDesk and opens its window: bash scripts/start.sh [--db PATH]
# On the first start with an empty database the app offers to load demo data.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/deps.sh

echo "start: building ./salesdesk"
go build -o salesdesk .
echo "start: ./salesdesk $*"
exec ./salesdesk "$@"
