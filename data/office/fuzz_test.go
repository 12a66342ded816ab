package office

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"salesdesk/data"
	"salesdesk/data/office/officepb"
)

// FuzzDecode feeds arbitrary bytes to the host's decoding of a call's arguments and to the desktop's
// decoding of an error: whatever arrives, decoding returns or fails, and never panics.
func FuzzDecode(f *testing.F) {
	for _, m := range []proto.Message{
		customerToPB(data.Customer{ID: 7, Name: "杭州云帆网络科技有限公司", Tags: []string{"展会"}, Contacts: []data.Contact{{Name: "王"}}}),
		&officepb.MoveStageArgs{M: moveToPB(data.Move{ID: 3, To: "won", Amount: new(data.Amount)})},
		errToPB(data.FieldErrors{{Field: "name", Err: data.ErrRequired}}),
		&officepb.CustomersArgs{F: customerFilterToPB(data.CustomerFilter{Search: "云帆", Limit: 50})},
	} {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c officepb.UpdateCustomerArgs
		if proto.Unmarshal(b, &c) == nil {
			_ = customerFromPB(c.C)
		}
		var m officepb.MoveStageArgs
		if proto.Unmarshal(b, &m) == nil {
			_ = moveFromPB(m.M)
		}
		var q officepb.CustomersArgs
		if proto.Unmarshal(b, &q) == nil {
			_ = customerFilterFromPB(q.F)
		}
		var w officepb.WireError
		if proto.Unmarshal(b, &w) == nil {
			if err := errFromPB(&w); err != nil {
				_ = data.ErrorCode(err)
				_ = err.Error()
			}
		}
	})
}
