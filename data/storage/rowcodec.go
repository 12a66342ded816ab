package storage

import (
	"fmt"
	"salesdesk/data"
	"time"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

func decodeTime(d *msgpack.Decoder) (time.Time, error) {
	if c, err := d.PeekCode(); err != nil || c == msgpcode.Nil {
		return time.Time{}, d.DecodeNil()
	}
	return d.DecodeTime()
}

func (r *rowRecord) DecodeMsgpack(d *msgpack.Decoder) error {
	return data.DecodeMap(d, func(key []byte) (err error) {
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
			r.NextTime = data.TimeOfDay(n)
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

func decodeContacts(d *msgpack.Decoder) ([]data.ContactBrief, error) {
	n, err := d.DecodeArrayLen()
	if err != nil || n < 0 {
		return nil, err
	}
	out := make([]data.ContactBrief, n)
	for i := range out {
		ct := &out[i]
		err := data.DecodeMap(d, func(key []byte) (err error) {
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
	return data.DecodeMap(d, func(key []byte) (err error) {
		switch string(key) {
		case "ap":
			var v int64
			v, err = d.DecodeInt64()
			g.AnnualPurchase = data.Amount(v)
		case "cs":
			g.CooperationSince, err = decodeTime(d)
		case "rf":
			err = decodeString(d, (*string)(&g.Referral))
		case "st":
			err = decodeString(d, (*string)(&g.Status))
		case "mn":
			err = g.MAN.Decode(d)
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
