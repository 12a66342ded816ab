package storage

import (
	"salesdesk/data"

	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// pbCodec hand-encodes the card in the protobuf wire format (varints, zigzag for signed numbers,
// length-delimited strings and sub-messages; times as zigzag Unix nanoseconds). google.golang.org/
// protobuf (protowire) is not in the module cache; its AppendVarint is the same encoding as
// encoding/binary's AppendUvarint, used here.
type pbCodec struct{}

func (pbCodec) Name() string { return "protobuf-wire" }

type pbw []byte

func (w pbw) tag(f, wt int) pbw { return binary.AppendUvarint(w, uint64(f)<<3|uint64(wt)) }

func (w pbw) uint(f int, v uint64) pbw {
	if v == 0 {
		return w
	}
	return binary.AppendUvarint(w.tag(f, 0), v)
}

func (w pbw) int(f int, v int64) pbw { return w.uint(f, uint64(v<<1)^uint64(v>>63)) }

func (w pbw) bool(f int, v bool) pbw {
	if !v {
		return w
	}
	return w.uint(f, 1)
}

func (w pbw) str(f int, s string) pbw {
	if s == "" {
		return w
	}
	return append(binary.AppendUvarint(w.tag(f, 2), uint64(len(s))), s...)
}

func (w pbw) time(f int, t time.Time) pbw {
	if t.IsZero() {
		return w
	}
	return w.int(f, t.UnixNano())
}

func (pbCodec) Marshal(v any) ([]byte, error) {
	c := v.(*data.Customer)
	w := make(pbw, 0, 1024)
	w = w.uint(1, c.ID).str(2, c.CardNo).str(3, string(c.Kind)).str(4, c.Name).str(5, c.Industry).str(6, c.Category).
		str(7, string(c.Ownership)).str(8, c.Region).str(9, c.Size)
	var sub pbw
	for i := range c.Contacts {
		ct := &c.Contacts[i]
		sub = sub[:0].str(1, ct.Name).str(2, ct.Title).str(3, ct.Phone).str(4, ct.Email).time(5, ct.Birthday).
			str(6, string(ct.Role)).bool(7, ct.Primary).str(8, ct.Notes)
		w = append(binary.AppendUvarint(w.tag(10, 2), uint64(len(sub))), sub...)
	}
	w = w.str(11, c.Needs).int(12, int64(c.Budget)).str(13, c.Preferences).str(14, c.DecisionProcess).str(15, c.NeedStage).
		str(16, string(c.Source)).uint(17, c.OwnerID).time(18, c.FirstContact).time(19, c.LastFollowUp).time(20, c.NextFollowUp).
		str(21, c.NextAction).str(22, string(c.Status)).str(23, string(c.GradeOverride)).str(24, string(c.Lifecycle))
	for _, t := range c.Tags {
		w = w.str(25, t)
	}
	w = w.time(26, c.LastReviewed).int(27, int64(c.AnnualPurchase)).time(28, c.CooperationSince).str(29, string(c.Referral)).
		str(30, string(c.Credit)).int(31, int64(c.CreditLimit)).int(32, int64(c.Receivables)).bool(33, c.MAN.Money).
		bool(34, c.MAN.Authority).bool(35, c.MAN.Need).str(36, c.Notes).bool(37, c.Archived).time(38, c.ArchivedAt).
		time(39, c.CreatedAt).uint(40, c.CreatedBy).time(41, c.UpdatedAt).uint(42, c.UpdatedBy).uint(43, c.Version)
	return w, nil
}

// pbFields walks a message, calling fn with each field's number and its varint or bytes.
func pbFields(b []byte, fn func(f int, v uint64, p []byte) error) error {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return fmt.Errorf("protobuf: bad key")
		}
		b = b[n:]
		var v uint64
		var p []byte
		switch key & 7 {
		case 0:
			v, n = binary.Uvarint(b)
			if n <= 0 {
				return fmt.Errorf("protobuf: bad varint")
			}
			b = b[n:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return fmt.Errorf("protobuf: bad length")
			}
			p, b = b[n:n+int(l)], b[n+int(l):]
		default:
			return fmt.Errorf("protobuf: wire type %d", key&7)
		}
		if err := fn(int(key>>3), v, p); err != nil {
			return err
		}
	}
	return nil
}

func unzig(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }

func pbTime(v uint64) time.Time { return time.Unix(0, unzig(v)) }

func (pbCodec) Unmarshal(b []byte, v any) error {
	c := v.(*data.Customer)
	*c = data.Customer{}
	return pbFields(b, func(f int, v uint64, p []byte) error {
		s := string(p)
		switch f {
		case 1:
			c.ID = v
		case 2:
			c.CardNo = s
		case 3:
			c.Kind = data.CustomerKind(s)
		case 4:
			c.Name = s
		case 5:
			c.Industry = s
		case 6:
			c.Category = s
		case 7:
			c.Ownership = data.Ownership(s)
		case 8:
			c.Region = s
		case 9:
			c.Size = s
		case 10:
			var ct data.Contact
			if err := pbFields(p, func(f int, v uint64, p []byte) error {
				switch f {
				case 1:
					ct.Name = string(p)
				case 2:
					ct.Title = string(p)
				case 3:
					ct.Phone = string(p)
				case 4:
					ct.Email = string(p)
				case 5:
					ct.Birthday = pbTime(v)
				case 6:
					ct.Role = data.ContactRole(p)
				case 7:
					ct.Primary = v != 0
				case 8:
					ct.Notes = string(p)
				}
				return nil
			}); err != nil {
				return err
			}
			c.Contacts = append(c.Contacts, ct)
		case 11:
			c.Needs = s
		case 12:
			c.Budget = data.Amount(unzig(v))
		case 13:
			c.Preferences = s
		case 14:
			c.DecisionProcess = s
		case 15:
			c.NeedStage = s
		case 16:
			c.Source = data.Source(s)
		case 17:
			c.OwnerID = v
		case 18:
			c.FirstContact = pbTime(v)
		case 19:
			c.LastFollowUp = pbTime(v)
		case 20:
			c.NextFollowUp = pbTime(v)
		case 21:
			c.NextAction = s
		case 22:
			c.Status = data.Status(s)
		case 23:
			c.GradeOverride = data.Grade(s)
		case 24:
			c.Lifecycle = data.Lifecycle(s)
		case 25:
			c.Tags = append(c.Tags, s)
		case 26:
			c.LastReviewed = pbTime(v)
		case 27:
			c.AnnualPurchase = data.Amount(unzig(v))
		case 28:
			c.CooperationSince = pbTime(v)
		case 29:
			c.Referral = data.Level(s)
		case 30:
			c.Credit = data.Credit(s)
		case 31:
			c.CreditLimit = data.Amount(unzig(v))
		case 32:
			c.Receivables = data.Amount(unzig(v))
		case 33:
			c.MAN.Money = v != 0
		case 34:
			c.MAN.Authority = v != 0
		case 35:
			c.MAN.Need = v != 0
		case 36:
			c.Notes = s
		case 37:
			c.Archived = v != 0
		case 38:
			c.ArchivedAt = pbTime(v)
		case 39:
			c.CreatedAt = pbTime(v)
		case 40:
			c.CreatedBy = v
		case 41:
			c.UpdatedAt = pbTime(v)
		case 42:
			c.UpdatedBy = v
		case 43:
			c.Version = v
		}
		return nil
	})
}

type stdJSON struct{}

func (stdJSON) Marshal(v any) ([]byte, error)   { return json.Marshal(v) }
func (stdJSON) Unmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
func (stdJSON) Name() string                    { return "encoding/json" }
