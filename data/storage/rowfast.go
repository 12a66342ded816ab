package storage

import (
	"encoding/binary"
	"salesdesk/data"
	"time"
	"unsafe"

	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Opening a large file decodes a million stored rows. Through msgpack's Decoder each value costs an
// interface call into a reader, and each string an allocation that the load pool then copies again;
// at 1M cards that was 4 of the 8 seconds before the first frame. mpView reads the same encoding
// straight from the bytes, and its strings are views of them: valid only while the read transaction
// is open, so only a loader that copies what it keeps before the transaction ends may use it
// (loadRows: settle copies the row's strings, putMany the search texts). Anything the view does not
// expect (another encoding of a value, a damaged record) makes it give up, and the caller decodes the
// record with msgpack's Decoder, which reads every form the format allows or names the damage;
// TestFastRowDecoderMatches keeps the two in step.

// mpView is a cursor over one msgpack value; bad is set at the first byte it cannot read.
type mpView struct {
	b   []byte
	i   int
	bad bool
}

func (v *mpView) fail() { v.bad, v.i = true, len(v.b) }

func (v *mpView) code() byte {
	if v.i >= len(v.b) {
		v.fail()
		return 0
	}
	c := v.b[v.i]
	v.i++
	return c
}

// next returns the n bytes after the cursor and moves past them.
func (v *mpView) next(n int) []byte {
	if n < 0 || n > len(v.b)-v.i {
		v.fail()
		return nil
	}
	s := v.b[v.i : v.i+n : v.i+n]
	v.i += n
	return s
}

func (v *mpView) be(n int) uint64 {
	s := v.next(n)
	switch len(s) {
	case 1:
		return uint64(s[0])
	case 2:
		return uint64(binary.BigEndian.Uint16(s))
	case 4:
		return uint64(binary.BigEndian.Uint32(s))
	case 8:
		return binary.BigEndian.Uint64(s)
	}
	return 0
}

// int reads any integer form as msgpack's DecodeInt64 does (an unsigned one wraps).
func (v *mpView) int() int64 {
	c := v.code()
	switch {
	case msgpcode.IsFixedNum(c):
		return int64(int8(c))
	case c == msgpcode.Uint8:
		return int64(v.be(1))
	case c == msgpcode.Uint16:
		return int64(v.be(2))
	case c == msgpcode.Uint32:
		return int64(v.be(4))
	case c == msgpcode.Uint64:
		return int64(v.be(8))
	case c == msgpcode.Int8:
		return int64(int8(v.be(1)))
	case c == msgpcode.Int16:
		return int64(int16(v.be(2)))
	case c == msgpcode.Int32:
		return int64(int32(v.be(4)))
	case c == msgpcode.Int64:
		return int64(v.be(8))
	}
	v.fail()
	return 0
}

func (v *mpView) bool() bool {
	switch v.code() {
	case msgpcode.True:
		return true
	case msgpcode.False:
		return false
	}
	v.fail()
	return false
}

// strLen reads a string header; nil is the empty string, as for msgpack's DecodeString.
func (v *mpView) strLen() int {
	c := v.code()
	switch {
	case msgpcode.IsFixedString(c):
		return int(c & msgpcode.FixedStrMask)
	case c == msgpcode.Str8:
		return int(v.be(1))
	case c == msgpcode.Str16:
		return int(v.be(2))
	case c == msgpcode.Str32:
		return int(v.be(4))
	case c == msgpcode.Nil:
		return 0
	}
	v.fail()
	return 0
}

// str is a view of the bytes, not a copy (see above).
func (v *mpView) str() string {
	s := v.next(v.strLen())
	if len(s) == 0 {
		return ""
	}
	return unsafe.String(&s[0], len(s))
}

// key reads a map key as bytes, for a switch on string(key) that does not allocate.
func (v *mpView) key() []byte { return v.next(v.strLen()) }

// mapLen and arrayLen read a header; nil is -1, as for msgpack's Decoder.
func (v *mpView) mapLen() int {
	return v.header(msgpcode.IsFixedMap, msgpcode.FixedMapMask, msgpcode.Map16, msgpcode.Map32)
}

func (v *mpView) arrayLen() int {
	return v.header(msgpcode.IsFixedArray, msgpcode.FixedArrayMask, msgpcode.Array16, msgpcode.Array32)
}

func (v *mpView) header(fixed func(byte) bool, mask, c16, c32 byte) int {
	c := v.code()
	switch {
	case fixed(c):
		return int(c & mask)
	case c == c16:
		return int(v.be(2))
	case c == c32:
		return int(v.be(4))
	case c == msgpcode.Nil:
		return -1
	}
	v.fail()
	return 0
}

// time reads msgpack's timestamp extension (or nil, the zero time) as msgpack's DecodeTime does: in
// the local zone, except the zero time.
func (v *mpView) time() time.Time {
	var n int
	switch v.code() {
	case msgpcode.Nil:
		return time.Time{}
	case msgpcode.FixExt4:
		n = 4
	case msgpcode.FixExt8:
		n = 8
	case msgpcode.Ext8:
		n = int(v.be(1))
	default:
		v.fail()
		return time.Time{}
	}
	if id := int8(v.be(1)); id != -1 && id != 13 {
		v.fail()
		return time.Time{}
	}
	var t time.Time
	switch b := v.next(n); len(b) {
	case 4:
		t = time.Unix(int64(binary.BigEndian.Uint32(b)), 0)
	case 8:
		sec := binary.BigEndian.Uint64(b)
		t = time.Unix(int64(sec&0x00000003ffffffff), int64(sec>>34))
	case 12:
		t = time.Unix(int64(binary.BigEndian.Uint64(b[4:])), int64(binary.BigEndian.Uint32(b)))
	default:
		v.fail()
		return time.Time{}
	}
	if t.IsZero() {
		return t.UTC()
	}
	return t
}

// skip passes over a value of a field this binary does not know, as msgpack's Decoder skips it.
func (v *mpView) skip(depth int) {
	if depth > 32 {
		v.fail()
		return
	}
	c := v.code()
	switch {
	case v.bad:
	case msgpcode.IsFixedNum(c), c == msgpcode.Nil, c == msgpcode.True, c == msgpcode.False:
	case c == msgpcode.Uint8, c == msgpcode.Int8:
		v.next(1)
	case c == msgpcode.Uint16, c == msgpcode.Int16:
		v.next(2)
	case c == msgpcode.Uint32, c == msgpcode.Int32, c == msgpcode.Float:
		v.next(4)
	case c == msgpcode.Uint64, c == msgpcode.Int64, c == msgpcode.Double:
		v.next(8)
	case msgpcode.IsFixedString(c), c == msgpcode.Str8, c == msgpcode.Str16, c == msgpcode.Str32:
		v.i--
		v.next(v.strLen())
	case c == msgpcode.Bin8:
		v.next(int(v.be(1)))
	case c == msgpcode.Bin16:
		v.next(int(v.be(2)))
	case c == msgpcode.Bin32:
		v.next(int(v.be(4)))
	case msgpcode.IsFixedArray(c), c == msgpcode.Array16, c == msgpcode.Array32:
		v.i--
		for range max(v.arrayLen(), 0) {
			v.skip(depth + 1)
		}
	case msgpcode.IsFixedMap(c), c == msgpcode.Map16, c == msgpcode.Map32:
		v.i--
		for range 2 * max(v.mapLen(), 0) {
			v.skip(depth + 1)
		}
	case c == msgpcode.FixExt1, c == msgpcode.FixExt2, c == msgpcode.FixExt4, c == msgpcode.FixExt8, c == msgpcode.FixExt16:
		v.next(1 + 1<<(c-msgpcode.FixExt1))
	case c == msgpcode.Ext8:
		v.next(1 + int(v.be(1)))
	case c == msgpcode.Ext16:
		v.next(1 + int(v.be(2)))
	case c == msgpcode.Ext32:
		v.next(1 + int(v.be(4)))
	default:
		v.fail()
	}
}

// fields walks a map, handing each key to field; it stops at the first unreadable byte.
func (v *mpView) fields(field func(key []byte)) {
	n := v.mapLen()
	for i := 0; i < n && !v.bad; i++ {
		field(v.key())
	}
}

// decodeRowView decodes a stored row as (*rowRecord).DecodeMsgpack does, its strings views of b; it
// reports false for a record it cannot read, which the caller then decodes with msgpack's Decoder.
func decodeRowView(b []byte, r *rowRecord) bool {
	v := &mpView{b: b}
	v.fields(func(key []byte) {
		switch string(key) {
		case "id":
			r.ID = uint64(v.int())
		case "cn":
			r.CardNo = v.str()
		case "nm":
			r.Name = v.str()
		case "k":
			r.Kind = data.CustomerKind(v.str())
		case "st":
			r.Status = data.Status(v.str())
		case "oi":
			r.OwnerID = uint64(v.int())
		case "in":
			r.Industry = v.str()
		case "ca":
			r.Category = v.str()
		case "rg":
			r.Region = v.str()
		case "so":
			r.Source = data.Source(v.str())
		case "tg":
			if n := v.arrayLen(); n >= 0 && n <= len(b) {
				r.Tags = make([]string, n)
				for i := range r.Tags {
					r.Tags[i] = v.str()
				}
			}
		case "lf":
			r.LastFollowUp = v.time()
		case "nf":
			r.NextFollowUp = v.time()
		case "na":
			r.NextAction = v.str()
		case "nt":
			r.NextTime = data.TimeOfDay(int16(v.int()))
		case "nk":
			r.NextKind = data.ActivityKind(v.str())
		case "nr":
			r.NextRemind = data.Reminder(v.str())
		case "lr":
			r.LastReviewed = v.time()
		case "fc":
			r.FirstContact = v.time()
		case "ar":
			r.Archived = v.bool()
		case "cp":
			r.Completeness = int(v.int())
		case "co":
			if n := v.arrayLen(); n >= 0 && n <= len(b) {
				r.Contacts = make([]data.ContactBrief, n)
				for i := range r.Contacts {
					contactView(v, &r.Contacts[i])
				}
			}
		case "sn":
			r.SortName = v.str()
		case "th":
			r.TextHay = v.str()
		case "kh":
			r.KeyHay = v.str()
		case "gi":
			gradingView(v, &r.Grading)
		default:
			v.skip(0)
		}
	})
	return !v.bad
}

func contactView(v *mpView, ct *data.ContactBrief) {
	v.fields(func(key []byte) {
		switch string(key) {
		case "n":
			ct.Name = v.str()
		case "p":
			ct.Phone = v.str()
		case "e":
			ct.Email = v.str()
		case "b":
			ct.Birthday = v.time()
		case "pr":
			ct.Primary = v.bool()
		default:
			v.skip(1)
		}
	})
}

func gradingView(v *mpView, g *gradeInputs) {
	v.fields(func(key []byte) {
		switch string(key) {
		case "ap":
			g.AnnualPurchase = data.Amount(v.int())
		case "cs":
			g.CooperationSince = v.time()
		case "rf":
			g.Referral = data.Level(v.str())
		case "st":
			g.Status = data.Status(v.str())
		case "mn":
			v.fields(func(key []byte) {
				switch string(key) {
				case "m":
					g.MAN.Money = v.bool()
				case "a":
					g.MAN.Authority = v.bool()
				case "n":
					g.MAN.Need = v.bool()
				default:
					v.skip(2)
				}
			})
		case "nd":
			g.HasNeeds = v.bool()
		case "go":
			g.Override = data.Grade(v.str())
		default:
			v.skip(1)
		}
	})
}
