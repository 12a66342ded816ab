// Package damagetest makes damaged copies of a bbolt file for tests: bytes flipped in the meta pages,
// the freelist, branch and leaf page headers, their elements and the values, and a truncated tail.
// It finds the pages through bbolt's own page info on a sound file, then changes a copy.
package damagetest

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Variant is one way of damaging a file.
type Variant struct {
	Name string
	// Structural damage breaks the pages themselves, which the structural check must catch; other
	// damage (a flipped byte inside a record's value, or a byte anywhere) may leave the pages sound.
	Structural bool
	apply      func(b []byte) []byte
}

// Variants lists the ways of damaging the sound file at path, a few of each kind of page.
func Variants(path string) ([]Variant, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ps := db.Info().PageSize
	byType := map[string][]int{}
	var used int64 // the bytes the pages in use take: the file may be longer, grown ahead
	firstUsed := 2 // the first page in use after the metas: which one depends on the file's history
	err = db.View(func(tx *bolt.Tx) error {
		used = tx.Size()
		for id := 2; int64(id)*int64(ps) < int64(len(raw)); id++ {
			info, err := tx.Page(id)
			if err != nil {
				return err
			}
			if info == nil {
				break
			}
			byType[info.Type] = append(byType[info.Type], id)
			if info.Type == "free" && id == firstUsed {
				firstUsed = id + info.OverflowCount + 1
			}
			id += info.OverflowCount
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A few of each kind, spread over the file: the first, the middle and the last.
	pick := func(ids []int) []int {
		switch n := len(ids); {
		case n == 0:
			return nil
		case n < 3:
			return ids
		default:
			return []int{ids[0], ids[n/2], ids[n-1]}
		}
	}
	set := func(off int, v ...byte) func([]byte) []byte {
		return func(b []byte) []byte { copy(b[off:], v); return b }
	}
	xor := func(off int, mask byte) func([]byte) []byte {
		return func(b []byte) []byte { b[off] ^= mask; return b }
	}
	u64 := func(off int, v uint64) func([]byte) []byte {
		return func(b []byte) []byte { binary.LittleEndian.PutUint64(b[off:], v); return b }
	}
	u32 := func(off int, v uint32) func([]byte) []byte {
		return func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off:], v); return b }
	}
	zero := func(off, n int) func([]byte) []byte {
		return func(b []byte) []byte { clear(b[off : off+n]); return b }
	}
	vs := []Variant{
		{"meta 0 zeroed", true, zero(0, ps)},
		{"meta 1 zeroed", true, zero(ps, ps)},
		{"meta 0 checksum flipped", true, xor(16+56, 0x01)},
		{"meta 1 root flipped", true, xor(ps+16+16, 0x40)},
		{"tail truncated", true, func(b []byte) []byte { return b[:used-int64(3*ps)] }},
		{"first page in use after the metas zeroed", true, zero(firstUsed*ps, ps)},
	}
	for _, id := range pick(byType["freelist"]) {
		off := id * ps
		vs = append(vs,
			Variant{fmt.Sprintf("freelist page %d: id", id), true, u64(off, uint64(id)+7)},
			Variant{fmt.Sprintf("freelist page %d: first free id", id), true, u64(off+16, 1)},
		)
	}
	for _, id := range pick(byType["branch"]) {
		off := id * ps
		vs = append(vs,
			Variant{fmt.Sprintf("branch page %d: id", id), true, u64(off, uint64(id)^0x10)},
			Variant{fmt.Sprintf("branch page %d: flags", id), true, set(off+8, 0x08)},
			Variant{fmt.Sprintf("branch page %d: count", id), true, set(off+10, 0xff, 0x7f)},
			Variant{fmt.Sprintf("branch page %d: first child", id), true, u64(off+16+8, uint64(id))},
			Variant{fmt.Sprintf("branch page %d: child out of the file", id), true, u64(off+16+16+8, 1<<40)},
			Variant{fmt.Sprintf("branch page %d: key position", id), true, u32(off+16, 1<<30)},
		)
	}
	for _, id := range pick(byType["leaf"]) {
		off := id * ps
		vs = append(vs,
			Variant{fmt.Sprintf("leaf page %d: id", id), true, u64(off, uint64(id)+1)},
			Variant{fmt.Sprintf("leaf page %d: flags", id), true, set(off+8, 0x01)},
			Variant{fmt.Sprintf("leaf page %d: count", id), true, set(off+10, 0xff, 0x7f)},
			Variant{fmt.Sprintf("leaf page %d: overflow", id), true, u32(off+12, 1<<24)},
			Variant{fmt.Sprintf("leaf page %d: element position", id), true, u32(off+16+4, 1<<28)},
			Variant{fmt.Sprintf("leaf page %d: key size", id), true, u32(off+16+8, 1<<29)},
		)
		// A byte in the middle of the page's last value: the pages stay sound, a record does not.
		le := binary.LittleEndian
		if n := int(le.Uint16(raw[off+10:])); n > 0 {
			e := off + 16 + (n-1)*16
			pos, ksize, vsize := int(le.Uint32(raw[e+4:])), int(le.Uint32(raw[e+8:])), int(le.Uint32(raw[e+12:]))
			if le.Uint32(raw[e:]) == 0 && vsize > 0 && e+pos+ksize+vsize <= len(raw) {
				vs = append(vs, Variant{fmt.Sprintf("leaf page %d: value bytes", id), false, xor(e+pos+ksize+vsize/2, 0xff)})
			}
		}
	}
	// And bytes flipped at offsets spread evenly over the file, wherever they fall.
	const spread = 24
	for i := range spread {
		off := 2*ps + i*(len(raw)-2*ps)/spread + i*37%ps
		vs = append(vs, Variant{fmt.Sprintf("byte %d flipped", off), false, xor(off, 0x5a)})
	}
	for i := range vs {
		fn := vs[i].apply
		vs[i].apply = func(b []byte) []byte { return fn(append([]byte(nil), b...)) }
	}
	return vs, nil
}

// Write writes the damaged copy of the file at src to dir/name and returns its path.
func (v Variant) Write(src, dir, name string) (string, error) {
	raw, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	dst := filepath.Join(dir, name)
	if err := os.WriteFile(dst, v.apply(raw), 0o600); err != nil {
		return "", err
	}
	return dst, nil
}
