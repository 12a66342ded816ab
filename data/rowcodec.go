package data

import (
	"fmt"
	"time"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Opening a file decodes one stored row per card. msgpack's reflective decoder spends much of that in
// finding each field by its tag, so the row, the largest part of opening, is decoded by hand; the
// encoding is msgpack's own for the same struct, and TestRowDecoderMatchesReflection keeps the two in
// step. A key this decoder does not know is skipped, as the reflective one does.

// msgKey reads a map key without allocating: the tags are short fixed strings.
type msgKey struct{ buf [32]byte }

func (k *msgKey) read(d *msgpack.Decoder) ([]byte, error) {
	c, err := d.PeekCode()
	if err != nil {
		return nil, err
	}
	if !msgpcode.IsFixedString(c) {
		s, err := d.DecodeString()
		return []byte(s), err
	}
	n := int(c & msgpcode.FixedStrMask)
	if err := d.ReadFull(k.buf[:1+n]); err != nil {
		return nil, err
	}
	return k.buf[1 : 1+n], nil
}

// mapLen reads a map header; a nil map is an empty one.
func mapLen(d *msgpack.Decoder) (int, error) {
	n, err := d.DecodeMapLen()
	return max(n, 0), err
}

// decodeMap walks a map, handing each key to field; each map level has its own key buffer, so a
// nested map's keys do not overwrite the one an error names.
func decodeMap(d *msgpack.Decoder, field func(key []byte) error) error {
	n, err := mapLen(d)
	if err != nil {
		return err
	}
	var k msgKey
	for range n {
		key, err := k.read(d)
		if err != nil {
			return err
		}
		if err := field(key); err != nil {
			return fmt.Errorf("field %q: %w", key, err)
		}
	}
	return nil
}

func decodeTime(d *msgpack.Decoder) (time.Time, error) {
	if c, err := d.PeekCode(); err != nil || c == msgpcode.Nil {
		return time.Time{}, d.DecodeNil()
	}
	return d.DecodeTime()
}

func (r *rowRecord) DecodeMsgpack(d *msgpack.Decoder) error {
	return decodeMap(d, func(key []byte) (err error) {
		switch string(key) {
		case "id":
			r.ID, err = d.DecodeUint64()
		case "cn":
			r.CardNo, err = d.DecodeString()
		case "nm":
			r.Name, err = d.DecodeString()
		case "k":
			err = decodeString(d, (*string)(&r.Kind))
		case "st":
			err = decodeString(d, (*string)(&r.Status))
		case "oi":
			r.OwnerID, err = d.DecodeUint64()
		case "in":
			r.Industry, err = d.DecodeString()
		case "ca":
			r.Category, err = d.DecodeString()
		case "rg":
			r.Region, err = d.DecodeString()
		case "so":
			err = decodeString(d, (*string)(&r.Source))
		case "tg":
			r.Tags, err = decodeStrings(d)
		case "lf":
			r.LastFollowUp, err = decodeTime(d)
		case "nf":
			r.NextFollowUp, err = decodeTime(d)
		case "na":
			r.NextAction, err = d.DecodeString()
		case "nt":
			var n int16
			n, err = d.DecodeInt16()
			r.NextTime = TimeOfDay(n)
		case "nk":
			err = decodeString(d, (*string)(&r.NextKind))
		case "nr":
			err = decodeString(d, (*string)(&r.NextRemind))
		case "lr":
			r.LastReviewed, err = decodeTime(d)
		case "fc":
			r.FirstContact, err = decodeTime(d)
		case "ar":
			r.Archived, err = d.DecodeBool()
		case "cp":
			r.Completeness, err = d.DecodeInt()
		case "co":
			r.Contacts, err = decodeContacts(d)
		case "sn":
			r.SortName, err = d.DecodeString()
		case "th":
			r.TextHay, err = d.DecodeString()
		case "kh":
			r.KeyHay, err = d.DecodeString()
		case "gi":
			err = r.Grading.decode(d)
		default:
			err = d.Skip()
		}
		return err
	})
}

func decodeString(d *msgpack.Decoder, s *string) (err error) {
	*s, err = d.DecodeString()
	return err
}

func decodeStrings(d *msgpack.Decoder) ([]string, error) {
	n, err := d.DecodeArrayLen()
	if err != nil || n < 0 {
		return nil, err
	}
	out := make([]string, n)
	for i := range out {
		if out[i], err = d.DecodeString(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeContacts(d *msgpack.Decoder) ([]ContactBrief, error) {
	n, err := d.DecodeArrayLen()
	if err != nil || n < 0 {
		return nil, err
	}
	out := make([]ContactBrief, n)
	for i := range out {
		ct := &out[i]
		err := decodeMap(d, func(key []byte) (err error) {
			switch string(key) {
			case "n":
				ct.Name, err = d.DecodeString()
			case "p":
				ct.Phone, err = d.DecodeString()
			case "e":
				ct.Email, err = d.DecodeString()
			case "b":
				ct.Birthday, err = decodeTime(d)
			case "pr":
				ct.Primary, err = d.DecodeBool()
			default:
				err = d.Skip()
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("contact %d: %w", i, err)
		}
	}
	return out, nil
}

func (g *gradeInputs) decode(d *msgpack.Decoder) error {
	return decodeMap(d, func(key []byte) (err error) {
		switch string(key) {
		case "ap":
			var v int64
			v, err = d.DecodeInt64()
			g.AnnualPurchase = Amount(v)
		case "cs":
			g.CooperationSince, err = decodeTime(d)
		case "rf":
			err = decodeString(d, (*string)(&g.Referral))
		case "st":
			err = decodeString(d, (*string)(&g.Status))
		case "mn":
			err = g.MAN.decode(d)
		case "nd":
			g.HasNeeds, err = d.DecodeBool()
		case "go":
			err = decodeString(d, (*string)(&g.Override))
		default:
			err = d.Skip()
		}
		return err
	})
}

func (m *MAN) decode(d *msgpack.Decoder) error {
	return decodeMap(d, func(key []byte) (err error) {
		switch string(key) {
		case "m":
			m.Money, err = d.DecodeBool()
		case "a":
			m.Authority, err = d.DecodeBool()
		case "n":
			m.Need, err = d.DecodeBool()
		default:
			err = d.Skip()
		}
		return err
	})
}
