package storage

import (
	"bytes"
	"runtime"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
)

// gramIndex answers a search term from postings instead of scanning every card's texts: for each
// gram of the cards' search texts, the set of cards that hold it.
//
//   - The text haystack (what was typed, lower-cased: hanzi and all) has a posting per character and
//     per pair of characters. One or two hanzi are what a Chinese user types most ("北", "北京") and
//     what trigrams (SQLite's FTS5) cannot answer; pairs of hanzi are rare enough that a longer term's
//     candidates, the cards holding all its pairs, are few.
//   - The ASCII keys (pinyin spellings and initials, phones, emails, card numbers) have a posting per
//     byte, pair and triple: their pairs are common ("an", "13"), so a term of three or more is
//     answered from its triples, and one of up to three is a single posting.
//
// A term longer than its grams is checked against each candidate's texts, since its grams may occur
// apart. Postings are roaring bitmaps (github.com/RoaringBitmap/roaring): sorted arrays for rare
// grams and plain bitmaps for common ones, intersected a container at a time, changed in place.
type gramIndex struct {
	keys map[uint32]*roaring.Bitmap // see keyGram
	text map[uint64]*roaring.Bitmap // a<<32|b for the pair ab, a<<32 for a alone
	// where and slot are each card's arena and slot there, by id, for checking candidates.
	where []*hayArena
	slot  []uint32
	// built is set once the postings hold every card. Until then searches scan the arenas; dirty is
	// then the cards written since the snapshot the postings are being built from.
	built bool
	dirty map[uint64]struct{}
}

func newGramIndex() *gramIndex { return &gramIndex{} }

// ready tells whether the postings hold every card.
func (g *gramIndex) ready() bool { return g.built }

// locate records where a card's texts are now; a nil arena forgets it.
func (g *gramIndex) locate(id uint64, a *hayArena, slot int) {
	if id >= uint64(len(g.where)) {
		if a == nil {
			return
		}
		n := max(id+1, uint64(len(g.where))+uint64(len(g.where))/4)
		g.where = slices.Grow(g.where, int(n)-len(g.where))[:n]
		g.slot = slices.Grow(g.slot, int(n)-len(g.slot))[:n]
	}
	g.where[id], g.slot[id] = a, uint32(slot)
}

// texts are a card's search texts in its arena, or false for an unknown card.
func (g *gramIndex) texts(id uint64) (text, keys []byte, ok bool) {
	if id >= uint64(len(g.where)) || g.where[id] == nil {
		return nil, nil, false
	}
	text, keys = g.where[id].slotTexts(int(g.slot[id]))
	return text, keys, true
}

// change tells the postings that a card's texts went from old to new (nil: none).
func (g *gramIndex) change(id uint64, oldText, oldKeys, newText, newKeys []byte) {
	switch {
	case g.built:
		g.apply(id, oldText, oldKeys, newText, newKeys)
	case g.dirty != nil:
		g.dirty[id] = struct{}{} // the build under way read the texts before this
	}
}

// apply moves a card between postings, touching only the grams that differ.
func (g *gramIndex) apply(id uint64, oldText, oldKeys, newText, newKeys []byte) {
	x := uint32(id)
	diff(textGramSet(oldText), textGramSet(newText), func(k uint64) {
		if p := g.text[k]; p != nil {
			if p.Remove(x); p.IsEmpty() {
				delete(g.text, k)
			}
		}
	}, func(k uint64) { posting(g.text, k).Add(x) })
	diff(keyGramSet(oldKeys), keyGramSet(newKeys), func(k uint32) {
		if p := g.keys[k]; p != nil {
			if p.Remove(x); p.IsEmpty() {
				delete(g.keys, k)
			}
		}
	}, func(k uint32) { posting(g.keys, k).Add(x) })
}

func posting[K comparable](m map[K]*roaring.Bitmap, k K) *roaring.Bitmap {
	p := m[k]
	if p == nil {
		p = roaring.New()
		m[k] = p
	}
	return p
}

// diff calls gone for each key only in a and came for each only in b; both are sorted and distinct.
func diff[K uint64 | uint32](a, b []K, gone, came func(K)) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			gone(a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			came(b[j])
			j++
		default:
			i++
			j++
		}
	}
}

// eachTextGram calls fn with each character and pair of characters of a text haystack, repeats
// included. A NUL ends a field: no pair spans two fields.
func eachTextGram(hay []byte, fn func(k uint64)) {
	var prev rune
	for len(hay) > 0 {
		r, n := utf8.DecodeRune(hay)
		hay = hay[n:]
		if r == 0 {
			prev = 0
			continue
		}
		fn(uint64(r) << 32)
		if prev != 0 {
			fn(uint64(prev)<<32 | uint64(r))
		}
		prev = r
	}
}

// keyCode numbers the bytes the keys are made of in six bits, so that a gram of three is 18 bits and
// the build's table of them (a megabyte) stays in the processor's cache: letters 1–26, digits 27–36,
// the punctuation of emails, phones and card numbers after them, and keyOther for the rest of ASCII,
// whose grams are shared (a term with such a byte has its candidates checked). 0: not in the keys.
var keyCode = func() (t [128]uint8) {
	n := uint8(1)
	for _, set := range []string{"abcdefghijklmnopqrstuvwxyz", "0123456789", "@.-_+ #/&()',:;!?*=%$~|^<>[]{}\\\"`"} {
		for i := 0; i < len(set) && n < keyOther; i++ {
			t[set[i]] = n
			n++
		}
	}
	for c := 1; c < 128; c++ {
		if t[c] == 0 {
			t[c] = keyOther
		}
	}
	return t
}()

const keyOther = 63

// keyGram is the posting key of one to three ASCII bytes: a<<12|b<<6|c in keyCode, b and c 0 when
// absent; exact is false when a byte shares its code with others.
func keyGram(s string) (k uint32, exact bool) {
	exact = true
	for i := range 3 {
		k <<= 6
		if i < len(s) {
			c := keyCode[s[i]]
			exact = exact && c != keyOther
			k |= uint32(c)
		}
	}
	return k, exact
}

// eachKeyGram calls fn with each byte, pair and triple of the ASCII keys, repeats included. Other
// bytes are left out (an ASCII term cannot match them) and end a run as a NUL does.
func eachKeyGram(hay []byte, fn func(k uint32)) {
	var p1, p2 uint32 // the codes of the two bytes before, 0 at a run's start
	for _, c := range hay {
		if c == 0 || c >= 0x80 {
			p1, p2 = 0, 0
			continue
		}
		b := uint32(keyCode[c])
		fn(b << 12)
		if p1 != 0 {
			fn(p1<<12 | b<<6)
			if p2 != 0 {
				fn(p2<<12 | p1<<6 | b)
			}
		}
		p2, p1 = p1, b
	}
}

func textGramSet(hay []byte) []uint64 {
	var out []uint64
	eachTextGram(hay, func(k uint64) { out = append(out, k) })
	slices.Sort(out)
	return slices.Compact(out)
}

func keyGramSet(hay []byte) []uint32 {
	var out []uint32
	eachKeyGram(hay, func(k uint32) { out = append(out, k) })
	slices.Sort(out)
	return slices.Compact(out)
}

// gramSnapshot is the cards' texts as they were when a build of the postings began: the arenas'
// slices then, which later writes only append to or replace, never change in place.
type gramSnapshot struct {
	views []arenaView
	at    []int32 // by id: the card's view + 1, 0 for none
	slot  []uint32
}

type arenaView struct {
	text, keys       []byte
	textOff, keysOff []uint32
}

func (v *gramSnapshot) texts(id uint64) (text, keys []byte, ok bool) {
	if id >= uint64(len(v.at)) || v.at[id] == 0 {
		return nil, nil, false
	}
	a, s := &v.views[v.at[id]-1], v.slot[id]
	return a.text[a.textOff[s]:a.textOff[s+1]], a.keys[a.keysOff[s]:a.keysOff[s+1]], true
}

// snapshot begins a build: the texts as they are now, and from now on a note of every card written.
// The caller holds the store's write lock.
func (g *gramIndex) snapshot(arenas map[uint64]*hayArena) *gramSnapshot {
	snap := &gramSnapshot{at: make([]int32, len(g.where)), slot: slices.Clone(g.slot)}
	seen := map[*hayArena]int32{}
	for id, a := range g.where {
		if a == nil {
			continue
		}
		v, ok := seen[a]
		if !ok {
			snap.views = append(snap.views, arenaView{a.text, a.keys, a.textOff, a.keysOff})
			v = int32(len(snap.views))
			seen[a] = v
		}
		snap.at[id] = v
	}
	g.dirty = map[uint64]struct{}{}
	return snap
}

// buildPart is the fewest cards a core builds the postings of; a test makes it small.
var buildPart = 16384

// buildStep is how many cards a build takes in before it puts their ids into the postings: their
// lists stay small (a few megabytes) and roaring receives them sorted, in bulk.
const buildStep = 8192

// build makes the postings of a snapshot's cards, on every core; it needs no lock, and returns false
// if stop closed first.
func (v *gramSnapshot) build(stop <-chan struct{}) (keys map[uint32]*roaring.Bitmap, text map[uint64]*roaring.Bitmap, ok bool) {
	parts := min(runtime.GOMAXPROCS(0), max(1, len(v.at)/buildPart))
	type result struct {
		keys map[uint32]*roaring.Bitmap
		text map[uint64]*roaring.Bitmap
		ok   bool
	}
	res := make([]result, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			r := &res[p]
			r.keys, r.text, r.ok = v.buildRange(p*len(v.at)/parts, (p+1)*len(v.at)/parts, stop)
		})
	}
	wg.Wait()
	keys, text = res[0].keys, res[0].text
	for _, r := range res {
		if !r.ok {
			return nil, nil, false
		}
	}
	// The parts hold ids of their own ranges: each posting is the union of its parts'.
	for _, r := range res[1:] {
		for k, q := range r.keys {
			if p := keys[k]; p != nil {
				p.Or(q)
			} else {
				keys[k] = q
			}
		}
		for k, q := range r.text {
			if p := text[k]; p != nil {
				p.Or(q)
			} else {
				text[k] = q
			}
		}
	}
	// Grams that nearly every card holds (the "kh" of card numbers, a common digit) are long runs of
	// ids: run-length containers keep them in a few bytes instead of 8 KiB a container.
	for _, p := range keys {
		p.RunOptimize()
	}
	for _, p := range text {
		p.RunOptimize()
	}
	return keys, text, true
}

// buildRange makes the postings of the cards with ids in [lo, hi).
func (v *gramSnapshot) buildRange(lo, hi int, stop <-chan struct{}) (keys map[uint32]*roaring.Bitmap, text map[uint64]*roaring.Bitmap, ok bool) {
	keys, text = map[uint32]*roaring.Bitmap{}, map[uint64]*roaring.Bitmap{}
	// A gram's ids of the current step; keyAt indexes keyLists by gram, 0 for none yet.
	keyAt := make([]int32, 1<<18)
	var keyLists [][]uint32
	var keyOf []uint32
	textLists := map[uint64][]uint32{}
	flush := func() {
		for i, l := range keyLists {
			if len(l) > 0 {
				posting(keys, keyOf[i]).AddMany(l)
				keyLists[i] = l[:0]
			}
		}
		for k, l := range textLists {
			if len(l) > 0 {
				posting(text, k).AddMany(l)
				textLists[k] = l[:0]
			}
		}
	}
	var x uint32
	addKey := func(k uint32) {
		i := keyAt[k]
		if i == 0 {
			keyLists = append(keyLists, nil)
			keyOf = append(keyOf, k)
			i = int32(len(keyLists))
			keyAt[k] = i
		}
		if l := keyLists[i-1]; len(l) == 0 || l[len(l)-1] != x {
			keyLists[i-1] = append(l, x)
		}
	}
	addText := func(k uint64) {
		if l := textLists[k]; len(l) == 0 || l[len(l)-1] != x {
			textLists[k] = append(l, x)
		}
	}
	for id := lo; id < hi; id++ {
		if (id-lo)%buildStep == 0 && id > lo {
			select {
			case <-stop:
				return nil, nil, false
			default:
			}
			flush()
		}
		text, keys, ok := v.texts(uint64(id))
		if !ok {
			continue
		}
		x = uint32(id)
		eachTextGram(text, addText)
		eachKeyGram(keys, addKey)
	}
	flush()
	return keys, text, true
}

// install puts the postings built from snap in place, with the cards written since brought up to
// date. The caller holds the store's write lock.
func (g *gramIndex) install(snap *gramSnapshot, keys map[uint32]*roaring.Bitmap, text map[uint64]*roaring.Bitmap) {
	g.keys, g.text = keys, text
	for id := range g.dirty {
		oldText, oldKeys, _ := snap.texts(id)
		newText, newKeys, _ := g.texts(id)
		g.apply(id, oldText, oldKeys, newText, newKeys)
	}
	g.dirty, g.built = nil, true
}

// find is the cards whose texts hold every term, of those within (nil: all) if they had to be
// checked; the postings must be ready.
func (g *gramIndex) find(terms []searchTerm, maxID uint64, within idSet) idSet {
	var set idSet
	for _, t := range terms {
		ts := make(idSet, maxID/64+1)
		g.term(t, ts, within)
		if set == nil {
			set = ts
			continue
		}
		for i := range set {
			set[i] &= ts[i]
		}
	}
	if set == nil {
		set = make(idSet, maxID/64+1)
	}
	return set
}

// term adds to set the cards holding one term; of those that need checking, only those within (nil:
// all).
func (g *gramIndex) term(t searchTerm, set, within idSet) {
	posts, exact := g.postings(t)
	if len(posts) == 0 {
		return
	}
	if exact {
		posts[0].WriteDenseTo(set)
		return
	}
	// The rarest grams first: the intersection shrinks fastest.
	slices.SortFunc(posts, func(a, b *roaring.Bitmap) int {
		return int(a.GetCardinality()) - int(b.GetCardinality())
	})
	cand := roaring.FastAnd(posts...).ToArray()
	if within != nil {
		cand = slices.DeleteFunc(cand, func(id uint32) bool { return !within.has(uint64(id)) })
	}
	// Grams found apart are no match: each candidate's own texts tell. Many candidates are checked on
	// every core, each part on whole words of the set.
	needle := []byte(t.s)
	check := func(ids []uint32) {
		for _, id := range ids {
			text, keys, ok := g.texts(uint64(id))
			if t.ascii {
				text = keys
			}
			if ok && bytes.Contains(text, needle) {
				set[id/64] |= 1 << (id % 64)
			}
		}
	}
	parts := 1
	if len(cand) >= 4096 {
		parts = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := wordStart(cand, p*len(cand)/parts), wordStart(cand, (p+1)*len(cand)/parts)
		if p == parts-1 {
			check(cand[lo:hi])
			break
		}
		wg.Go(func() { check(cand[lo:hi]) })
	}
	wg.Wait()
}

// wordStart moves i back to the first of the ids that share ids[i]'s word of a bitset.
func wordStart(ids []uint32, i int) int {
	if i >= len(ids) {
		return len(ids)
	}
	for i > 0 && ids[i-1]/64 == ids[i]/64 {
		i--
	}
	return i
}

// postings are the postings a term needs, none if one of its grams is in no card; exact tells that
// the one posting is the answer.
func (g *gramIndex) postings(t searchTerm) (posts []*roaring.Bitmap, exact bool) {
	add := func(p *roaring.Bitmap) bool {
		if p == nil {
			return false
		}
		if !slices.Contains(posts, p) {
			posts = append(posts, p)
		}
		return true
	}
	if t.ascii {
		if len(t.s) <= 3 {
			k, exact := keyGram(t.s)
			if p := g.keys[k]; p != nil {
				return []*roaring.Bitmap{p}, exact
			}
			return nil, false
		}
		for i := 0; i+3 <= len(t.s); i++ {
			k, _ := keyGram(t.s[i : i+3])
			if !add(g.keys[k]) {
				return nil, false
			}
		}
		return posts, false
	}
	rs := []rune(t.s)
	if len(rs) <= 2 {
		k := uint64(rs[0]) << 32
		if len(rs) == 2 {
			k |= uint64(rs[1])
		}
		if p := g.text[k]; p != nil {
			return []*roaring.Bitmap{p}, true
		}
		return nil, false
	}
	for i := 1; i < len(rs); i++ {
		if !add(g.text[uint64(rs[i-1])<<32|uint64(rs[i])]) {
			return nil, false
		}
	}
	return posts, false
}
