package storage

import (
	"bytes"
	"slices"
	"sync"
)

// The postings of syllables: for each pinyin syllable of four letters or more ("zhang", "xian",
// "gong"), the cards whose keys hold it. A term inside a syllable is then found in those cards with
// nothing to check, as a term inside a tag is (valPostings). Without them "zhang" read the keys of
// its 60k candidates at 1M, scattered over the arenas (10–14 ms), and "gong", which nine cards in ten
// hold through 有限公司, read 900k (35–50 ms). Shorter terms need none: up to three letters the grams
// answer exactly.
//
// A posting holds every card with the syllable anywhere in its keys before their whole values,
// between syllables as well ("zhanggong" holds "hang" and "angg" is no syllable): whatever is found
// is in the keys, which is all a posting of known cards must promise.

// minSyllable is the shortest syllable with a posting.
const minSyllable = 4

// syllableTrie spells the syllables: node 0 is the root, next[c-'a'] a child (0: none), word the
// syllable a node ends (-1: none).
type syllableTrie struct {
	words []string
	long  int // the longest word's length
	nodes []struct {
		next [26]int32
		word int32
	}
}

// syllables are the readings of go-pinyin's characters and of the phrases the keys spell otherwise,
// without tones, of minSyllable letters or more: a fixed vocabulary of about two hundred.
var syllables = sync.OnceValue(func() *syllableTrie {
	seen := map[string]bool{}
	for _, r := range readings() {
		seen[r] = true
	}
	for _, p := range phraseReadings {
		seen[p[0]], seen[p[1]] = true, true
	}
	t := &syllableTrie{}
	t.addNode()
	var words []string
	for w := range seen {
		if len(w) >= minSyllable && !bytes.ContainsFunc([]byte(w), func(r rune) bool { return r < 'a' || r > 'z' }) {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	for _, w := range words {
		n := int32(0)
		for _, c := range []byte(w) {
			next := t.nodes[n].next[c-'a']
			if next == 0 {
				next = t.addNode()
				t.nodes[n].next[c-'a'] = next
			}
			n = next
		}
		t.nodes[n].word = int32(len(t.words))
		t.words = append(t.words, w)
		t.long = max(t.long, len(w))
	}
	return t
})

func (t *syllableTrie) addNode() int32 {
	t.nodes = append(t.nodes, struct {
		next [26]int32
		word int32
	}{word: -1})
	return int32(len(t.nodes) - 1)
}

// eachSyllable calls fn with the number of each syllable the keys hold before their whole values,
// repeats included.
func eachSyllable(hay []byte, fn func(w uint32)) {
	if i := bytes.IndexByte(hay, hayValues); i >= 0 {
		hay = hay[:i]
	}
	t := syllables()
	for i := range hay {
		n := int32(0)
		for _, c := range hay[i:min(len(hay), i+t.long)] {
			if c < 'a' || c > 'z' {
				break
			}
			if n = t.nodes[n].next[c-'a']; n == 0 {
				break
			}
			if w := t.nodes[n].word; w >= 0 {
				fn(uint32(w))
			}
		}
	}
}

func syllableSet(hay []byte) []uint32 {
	var out []uint32
	eachSyllable(hay, func(w uint32) { out = append(out, w) })
	slices.Sort(out)
	return slices.Compact(out)
}
