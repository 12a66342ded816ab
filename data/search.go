package data

import (
	"bytes"
	"runtime"
	"sort"
	"sync"
)

// hayArena keeps every row's search texts back to back in two large byte slices, one slot per row.
// A keystroke then scans contiguous memory with bytes.Index instead of visiting 100k separately
// allocated strings, which is what made a search of a large file cost more than a frame. Writes append
// a new slot and retire the old one; the arena is compacted when a quarter of it is dead.
type hayArena struct {
	text, keys       []byte
	textOff, keysOff []int // slot i spans [off[i], off[i+1]); both end with a sentinel
	ids              []uint64
	slotOf           map[uint64]int
	dead             int
}

func newArena(rows map[uint64]*CustomerRow) *hayArena {
	a := &hayArena{slotOf: make(map[uint64]int, len(rows)), textOff: []int{0}, keysOff: []int{0}}
	size := 0
	for _, r := range rows {
		size += len(r.TextHay)
	}
	a.text = make([]byte, 0, size+size/8)
	a.keys = make([]byte, 0, 2*size)
	ids := make([]uint64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	// Id order keeps a file's arena the same from run to run.
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		a.add(rows[id])
	}
	return a
}

func (a *hayArena) add(r *CustomerRow) {
	if old, ok := a.slotOf[r.ID]; ok {
		a.ids[old] = 0
		a.dead++
	}
	a.slotOf[r.ID] = len(a.ids)
	a.ids = append(a.ids, r.ID)
	a.text = append(a.text, r.TextHay...)
	a.keys = append(a.keys, r.KeyHay...)
	a.textOff = append(a.textOff, len(a.text))
	a.keysOff = append(a.keysOff, len(a.keys))
}

func (a *hayArena) stale() bool { return a.dead > 1000 && a.dead*4 > len(a.ids) }

// idSet is a bitset over customer ids.
type idSet []uint64

func (s idSet) has(id uint64) bool {
	w := id / 64
	return w < uint64(len(s)) && s[w]&(1<<(id%64)) != 0
}

// find returns the ids of the live rows whose haystack holds every term, scanning on all cores.
func (a *hayArena) find(terms []searchTerm, maxID uint64) idSet {
	var result idSet
	for n, t := range terms {
		hay, off := a.text, a.textOff
		if t.ascii {
			hay, off = a.keys, a.keysOff
		}
		set := make(idSet, maxID/64+1)
		a.scan(hay, off, []byte(t.s), set)
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

func (a *hayArena) scan(hay []byte, off []int, needle []byte, set idSet) {
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
			start, end := off[lo], off[hi]
			pos := start
			for pos < end {
				i := bytes.Index(hay[pos:end], needle)
				if i < 0 {
					break
				}
				// The slot holding the match: the last whose start is at or before it.
				slot := sort.SearchInts(off[lo:hi+1], pos+i+1) - 1 + lo
				if id := a.ids[slot]; id != 0 {
					local = append(local, id)
				}
				pos = off[slot+1]
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
