package data

import (
	"github.com/vmihailenco/msgpack/v5"
)

// codec encodes every record in the file. MessagePack was chosen over JSON, gob and protobuf by the
// measurements in codec_bench_test.go on SalesDesk's own records (figures in README.md): it decodes a
// customer card faster and smaller than JSON, needs no per-stream type preamble as gob does (gob is
// built for streams, and one record per key pays its type description every time), and needs no
// generated code as protobuf does. Short msgpack tags on the types keep records small.
var codec = msgpackCodec{}

// msgpackCodec satisfies Storm's codec.MarshalUnmarshaler so that Storm's own key-value calls, where
// used, write the same encoding as the store.
type msgpackCodec struct{}

func (msgpackCodec) Marshal(v any) ([]byte, error)   { return msgpack.Marshal(v) }
func (msgpackCodec) Unmarshal(b []byte, v any) error { return msgpack.Unmarshal(b, v) }
func (msgpackCodec) Name() string                    { return "msgpack5" }
