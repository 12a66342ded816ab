package data

import (
	"github.com/vmihailenco/msgpack/v5"
)

// msgpackCodec satisfies Storm's codec.MarshalUnmarshaler so that Storm's own key-value calls, where
// used, write the same encoding as the store.
type MsgpackCodec struct{}

func (MsgpackCodec) Marshal(v any) ([]byte, error)   { return msgpack.Marshal(v) }
func (MsgpackCodec) Unmarshal(b []byte, v any) error { return msgpack.Unmarshal(b, v) }
func (MsgpackCodec) Name() string                    { return "msgpack5" }
