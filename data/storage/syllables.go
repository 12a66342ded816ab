package storage

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
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
	nodes []trieNode
}

type trieNode struct {
	next [26]int32
	word int32
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
	t.nodes = append(t.nodes, trieNode{word: -1})
	return int32(len(t.nodes) - 1)
}

// eachSyllable calls fn with the number of each syllable the fields hold, repeats included.
func eachSyllable(hay []byte, fn func(w uint32)) {
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

// The postings of words: the words most cards share, mined from the cards each time the postings
// are built (a few thousand of them, spread over the file), as typed in the text and as their full
// pinyin in the keys. A company's legal form is in nearly every name: at 1M, "有限公司" and
// "youxiangongsi" checked 850k candidates (50–100 ms). Found in a word's posting, those cards need
// no check, as for a syllable. Like a syllable's, a word's posting holds every card whose text (or
// keys) before its values holds the word, wherever it was mined.

// wordVocab is a build's words; it stays with the postings it was built for.
type wordVocab struct {
	text []string // as the text holds them, lower-cased
	keys []string // their full pinyin, long enough not to be a syllable's
}

const (
	// mineSample is how many cards the words are mined from.
	mineSample = 20000
	// minWord and maxWord bound a mined word, in characters: two are a posting of the grams already.
	minWord, maxWord = 3, 8
	// maxWords bounds the vocabulary: at 1M a dense posting takes 128 KiB.
	maxWords = 32
)

// mineWords finds the words of three to eight hanzi that at least one card in twenty holds, of a
// sample of the cards' texts; a word inside a longer one with nearly its cards is left to the longer.
func mineWords(texts func(yield func(text []byte) bool)) *wordVocab {
	count := map[string]int{}
	seen := map[string]bool{}
	n := 0
	texts(func(text []byte) bool {
		n++
		clear(seen)
		for _, run := range bytes.FieldsFunc(gramFields(text), func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
			rs := []rune(string(run))
			for i := range rs {
				for l := minWord; l <= maxWord && i+l <= len(rs); l++ {
					w := string(rs[i : i+l])
					if !seen[w] {
						seen[w] = true
						count[w]++
					}
				}
			}
		}
		return true
	})
	var words []string
	for w, c := range count {
		if c*20 >= n && c >= 2 {
			words = append(words, w)
		}
	}
	// Longest first, so that a word is weighed against the longer ones already kept.
	slices.SortFunc(words, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	var kept []string
	for _, w := range words {
		covered := slices.ContainsFunc(kept, func(k string) bool {
			return strings.Contains(k, w) && count[k]*10 >= count[w]*9
		})
		if !covered {
			kept = append(kept, w)
		}
	}
	slices.SortFunc(kept, func(a, b string) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	v := &wordVocab{text: kept[:min(len(kept), maxWords)]}
	for _, w := range v.text {
		if full, _ := pinyinKeys(w); len(full) > syllables().long {
			v.keys = append(v.keys, full)
		}
	}
	return v
}

// eachTextWord calls fn with the number of each of the vocabulary's words the text holds before its
// values.
func (v *wordVocab) eachTextWord(hay []byte, fn func(w uint32)) {
	if v == nil || len(v.text) == 0 {
		return
	}
	hay = gramFields(hay)
	for i, w := range v.text {
		if bytes.Contains(hay, []byte(w)) {
			fn(uint32(i))
		}
	}
}

// eachKeyWord calls fn with the number of each syllable and each of the vocabulary's spellings the
// keys hold before their values, the spellings numbered after the syllables.
func (v *wordVocab) eachKeyWord(hay []byte, fn func(w uint32)) {
	hay = gramFields(hay)
	eachSyllable(hay, fn)
	if v == nil || len(v.keys) == 0 {
		return
	}
	base := uint32(len(syllables().words))
	for i, w := range v.keys {
		if bytes.Contains(hay, []byte(w)) {
			fn(base + uint32(i))
		}
	}
}

// keyWord is the key word numbered w: a syllable or a spelling of the vocabulary.
func (v *wordVocab) keyWord(w uint32) string {
	syl := syllables().words
	if int(w) < len(syl) {
		return syl[w]
	}
	return v.keys[int(w)-len(syl)]
}

func (v *wordVocab) keyWords() int {
	n := len(syllables().words)
	if v != nil {
		n += len(v.keys)
	}
	return n
}

func wordSet(each func(hay []byte, fn func(w uint32)), hay []byte) []uint32 {
	var out []uint32
	each(hay, func(w uint32) { out = append(out, w) })
	slices.Sort(out)
	return slices.Compact(out)
}
