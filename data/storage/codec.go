package storage

import (
	"salesdesk/data"
)

// codec encodes every record in the file. MessagePack was chosen over JSON, gob and protobuf by the
// measurements in codec_bench_test.go on SalesDesk's own records (figures in README.md): it decodes a
// customer card faster and smaller than JSON, needs no per-stream type preamble as gob does (gob is
// built for streams, and one record per key pays its type description every time), and needs no
// generated code as protobuf does. Short msgpack tags on the types keep records small.
var codec = data.MsgpackCodec{}
