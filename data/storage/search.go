package storage

import (
	"bytes"
	"math/bits"
	"runtime"
	"salesdesk/data"
	"slices"
	"strings"
	"sync"
)

// hayArena keeps every row's search texts back to back in two large byte slices, one slot per row.
// The postings (grams.go) answer a keystroke from them; until those are built after opening, a
// keystroke scans contiguous memory with bytes.Index instead of visiting 100k separately allocated
// strings. Writes append a new slot and retire the old one; the arena is compacted when a quarter of
// it is dead.
type hayArena struct {
	text, keys       []byte
	textOff, keysOff []uint32 // slot i spans [off[i], off[i+1]); both end with a sentinel
	// ids holds each slot's row, 0 for a retired slot. A write finds the old slot by scanning it: tens
	// of microseconds at 100k cards.
	ids  []uint64
	dead int
	// g is the index's postings, told of every change of a row's texts and of where they are.
	g *gramIndex
}

func newArena(g *gramIndex) *hayArena {
	return &hayArena{textOff: []uint32{0}, keysOff: []uint32{0}, g: g}
}

// compact copies the live slots into a new arena, dropping the retired ones. The texts stay the
// same: the postings only learn where they are now.
func (a *hayArena) compact() *hayArena {
	n := newArena(a.g)
	n.text = make([]byte, 0, len(a.text))
	n.keys = make([]byte, 0, len(a.keys))
	for slot, id := range a.ids {
		if id != 0 {
			text, keys := a.slotTexts(slot)
			a.g.locate(id, n, appendSlot(n, id, text, keys))
		}
	}
	return n
}

// slotTexts are a slot's texts, in the arena's memory.
func (a *hayArena) slotTexts(slot int) (text, keys []byte) {
	return a.text[a.textOff[slot]:a.textOff[slot+1]], a.keys[a.keysOff[slot]:a.keysOff[slot+1]]
}

// add takes a row's search texts into the arena. The row keeps none: the arena is their only copy in
// memory, which saves the duplicate of every haystack.
func (a *hayArena) add(r *indexRow, replacing bool) {
	if r.pending == nil {
		return // the same texts as before: the row was regraded, not edited
	}
	a.put(r.ID, r.pending.text, r.pending.keys, replacing)
	r.pending = nil
}

// grow makes room for n more rows of about the given sizes, so a large load appends without copying.
func (a *hayArena) grow(n, text, keys int) {
	a.text = slices.Grow(a.text, text)
	a.keys = slices.Grow(a.keys, keys)
	a.textOff = slices.Grow(a.textOff, n)
	a.keysOff = slices.Grow(a.keysOff, n)
	a.ids = slices.Grow(a.ids, n)
}

// put appends a slot; replacing retires the row's live slot, which a row new to the arena has not.
func (a *hayArena) put(id uint64, text, keys string, replacing bool) {
	var oldText, oldKeys []byte
	if replacing {
		if old := slices.Index(a.ids, id); old >= 0 {
			oldText, oldKeys = a.slotTexts(old)
			a.ids[old] = 0
			a.dead++
		}
	}
	slot := appendSlot(a, id, text, keys)
	newText, newKeys := a.slotTexts(slot)
	a.g.locate(id, a, slot)
	a.g.change(id, oldText, oldKeys, newText, newKeys)
}

// appendSlot appends a live slot and returns its number.
func appendSlot[S string | []byte](a *hayArena, id uint64, text, keys S) int {
	a.ids = append(a.ids, id)
	a.text = append(a.text, text...)
	a.keys = append(a.keys, keys...)
	a.textOff = append(a.textOff, uint32(len(a.text)))
	a.keysOff = append(a.keysOff, uint32(len(a.keys)))
	return len(a.ids) - 1
}

// exactKey returns the ids of the live rows that have key as one whole field of their ASCII keys: a
// phone or an email, for the duplicate check. Scanning the keys costs a few milliseconds at 100k cards,
// less than keeping a map of every contact's phone and email for the session.
func (a *hayArena) exactKey(key string) []uint64 {
	if key == "" {
		return nil
	}
	needle := append([]byte(key), 0)
	var ids []uint64
	for from := 0; from < len(a.keys); {
		i := bytes.Index(a.keys[from:], needle)
		if i < 0 {
			break
		}
		at := from + i
		from = at + len(needle)
		if at > 0 && a.keys[at-1] != 0 {
			continue // the end of a longer field
		}
		slot, _ := slices.BinarySearch(a.keysOff, uint32(at+1))
		slot--
		if id := a.ids[slot]; id != 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// take retires the row's live slot and returns its texts (copied: the arena may be compacted).
func (a *hayArena) take(id uint64) (text, keys string, ok bool) {
	slot := slices.Index(a.ids, id)
	if slot < 0 {
		return "", "", false
	}
	a.retireSlot(slot)
	t, k := a.slotTexts(slot)
	return string(t), string(k), true
}

// retire retires the live slots of the given rows in one pass.
func (a *hayArena) retire(ids map[uint64]bool) {
	for slot, id := range a.ids {
		if id != 0 && ids[id] {
			a.retireSlot(slot)
		}
	}
}

// retireSlot takes a slot's row out of the arena and its texts out of the postings.
func (a *hayArena) retireSlot(slot int) {
	id := a.ids[slot]
	text, keys := a.slotTexts(slot)
	a.g.change(id, text, keys, nil, nil)
	a.g.locate(id, nil, 0)
	a.ids[slot] = 0
	a.dead++
}

func (a *hayArena) stale() bool { return a.dead > 1000 && a.dead*4 > len(a.ids) }

// idSet is a bitset over customer ids.
type idSet []uint64

// count is the number of ids in the set.
func (s idSet) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls fn with every id in the set, in increasing order.
func (s idSet) each(fn func(id uint64)) {
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			fn(uint64(i*64 + b))
			w &= w - 1
		}
	}
}

// put sets or clears id's bit, growing the set as needed.
func (s *idSet) put(id uint64, on bool) {
	w := id / 64
	if w >= uint64(len(*s)) {
		if !on {
			return
		}
		*s = slices.Grow(*s, int(w+1)-len(*s)+len(*s)/4)[:w+1]
	}
	if on {
		(*s)[w] |= 1 << (id % 64)
	} else {
		(*s)[w] &^= 1 << (id % 64)
	}
}

func (s idSet) has(id uint64) bool {
	w := id / 64
	return w < uint64(len(s)) && s[w]&(1<<(id%64)) != 0
}

// find returns the ids of the rows whose haystack holds every term: from the postings once they are
// built, else by scanning owner's arena (all of them for 0). The postings answer for every owner; the
// callers of one owner's search keep that owner's rows only.
func (ix *index) find(owner uint64, terms []searchTerm) idSet {
	if !ix.grams.ready() {
		return scanFind(ix.arenas(owner), terms, ix.maxID)
	}
	var within idSet
	if a := ix.hay[owner]; owner != 0 && a != nil {
		// Only the owner's candidates are checked against their texts: a rep's thousands, not the
		// file's tens of thousands.
		within = make(idSet, ix.maxID/64+1)
		for _, id := range a.ids {
			if id != 0 {
				within[id/64] |= 1 << (id % 64)
			}
		}
	}
	return ix.grams.find(terms, ix.maxID, within)
}

// scanFind returns the ids of the live rows of the arenas whose haystack holds every term, scanning on
// all cores.
func scanFind(arenas []*hayArena, terms []searchTerm, maxID uint64) idSet {
	var result idSet
	for n, t := range terms {
		set := make(idSet, maxID/64+1)
		for _, a := range arenas {
			hay, off := a.text, a.textOff
			if t.ascii {
				hay, off = a.keys, a.keysOff
			}
			a.scan(hay, off, []byte(t.s), set)
		}
		if n == 0 {
			result = set
			continue
		}
		for i := range result {
			result[i] &= set[i]
		}
	}
	return result
}

// arenas are the arenas a search of owner's cards reads: all of them for owner 0 (no owner filter).
func (ix *index) arenas(owner uint64) []*hayArena {
	if owner != 0 {
		if a := ix.hay[owner]; a != nil {
			return []*hayArena{a}
		}
		return nil
	}
	out := make([]*hayArena, 0, len(ix.hay))
	for _, a := range ix.hay {
		out = append(out, a)
	}
	return out
}

// exactKey is hayArena.exactKey over every owner's arena.
func (ix *index) exactKey(key string) []uint64 {
	var ids []uint64
	ix.eachArena(func(a *hayArena) { ids = append(ids, a.exactKey(key)...) })
	return ids
}

func (a *hayArena) scan(hay []byte, off []uint32, needle []byte, set idSet) {
	slots := len(a.ids)
	parts := 1
	if len(hay) > 1<<20 {
		parts = runtime.GOMAXPROCS(0)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*slots/parts, (p+1)*slots/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]uint64, 0, 1024)
			pos, end := int(off[lo]), int(off[hi])
			for pos < end {
				i := bytes.Index(hay[pos:end], needle)
				if i < 0 {
					break
				}
				// The slot holding the match: the last whose start is at or before it.
				slot, _ := slices.BinarySearch(off[lo:hi+1], uint32(pos+i+1))
				slot += lo - 1
				if id := a.ids[slot]; id != 0 {
					local = append(local, id)
				}
				pos = int(off[slot+1])
			}
			mu.Lock()
			for _, id := range local {
				set[id/64] |= 1 << (id % 64)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// hitOf finds the field of a stored row that holds a term, in the order the haystacks are built.
func hitOf(rec *rowRecord, terms []searchTerm) data.SearchHit {
	holds := func(t searchTerm, s string, person bool) bool {
		if s == "" {
			return false
		}
		if !t.ascii {
			return strings.Contains(strings.ToLower(s), t.s)
		}
		full, ini := pinyinKeys(s)
		if person {
			full, ini = personPinyin(s)
		}
		return strings.Contains(full, t.s) || strings.Contains(ini, t.s) || strings.Contains(strings.ToLower(s), t.s)
	}
	hit := data.SearchHit{Field: "name", Value: rec.Name}
	for _, t := range terms {
		if holds(t, rec.Name, rec.Kind == data.KindPerson) {
			continue
		}
		if t.ascii && strings.Contains(strings.ToLower(rec.CardNo), t.s) {
			return data.SearchHit{Field: "card_no", Value: rec.CardNo}
		}
		for _, tag := range rec.Tags {
			if holds(t, tag, false) {
				return data.SearchHit{Field: "tag", Value: tag}
			}
		}
		for _, ct := range rec.Contacts {
			switch {
			case holds(t, ct.Name, true):
				return data.SearchHit{Field: "contact", Value: ct.Name}
			case t.ascii && ct.Phone != "" && (strings.Contains(ct.Phone, t.s) || strings.Contains(digitsOnly(ct.Phone), t.s)):
				return data.SearchHit{Field: "phone", Value: ct.Phone}
			case t.ascii && strings.Contains(strings.ToLower(ct.Email), t.s):
				return data.SearchHit{Field: "email", Value: ct.Email}
			}
		}
	}
	return hit
}
