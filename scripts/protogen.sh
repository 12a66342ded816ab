#!/usr/bin/env bash
# Regenerates office mode's wire code from data.Service: scripts/officegen writes the schema
# (data/office/proto/service.proto) and the Go glue; protoc with protoc-gen-go and
# protoc-gen-connect-go writes the messages and the Connect stubs into data/office/officepb.
# The generated files are committed; CI checks that running this changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v protoc >/dev/null || {
	echo "protogen: protoc is missing: apt-get install -y protobuf-compiler" >&2
	exit 1
}
bin="$(go env GOPATH)/bin"
GOFLAGS= go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
GOFLAGS= go install connectrpc.com/connect/cmd/protoc-gen-connect-go@v1.21.1

(cd scripts/officegen && GOFLAGS= go run . ../..)
rm -rf data/office/officepb
mkdir -p data/office/officepb
PATH="$bin:$PATH" protoc -I data/office/proto \
	--go_out=. --go_opt=module=salesdesk \
	--connect-go_out=. --connect-go_opt=module=salesdesk \
	data/office/proto/*.proto
gofmt -l data/office | (! grep .) || {
	echo "protogen: the generated code is not gofmt-formatted" >&2
	exit 1
}
echo "protogen: data/office regenerated"
