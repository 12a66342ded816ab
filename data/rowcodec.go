package data

import (
	"fmt"

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
func DecodeMap(d *msgpack.Decoder, field func(key []byte) error) error {
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

func (m *MAN) Decode(d *msgpack.Decoder) error {
	return DecodeMap(d, func(key []byte) (err error) {
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
