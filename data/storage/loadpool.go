package storage

import (
	"slices"
	"strings"
	"unique"
	"unsafe"
)

// loadPool is one loading goroutine's help in laying out what a large file keeps in memory for the
// session. Decoding allocates every string of a record on its own, in among the record's short-lived
// parts (search texts, contacts); what stays alive then pins half-empty pages that Go cannot hand
// back. The pool copies what stays into large slabs of its own and shares values that repeat.
type loadPool struct {
	strs map[string]string
	slab []byte
	sets map[string]*[]string
}

const slabBytes = 64 << 10

func newLoadPool() *loadPool {
	return &loadPool{strs: map[string]string{}, sets: map[string]*[]string{}}
}

// intern shares one copy of a value that repeats across rows (statuses, industries, tags).
func (p *loadPool) intern(s *string) {
	if v, ok := p.strs[*s]; ok {
		*s = v
		return
	}
	v := unique.Make(*s).Value()
	p.strs[v] = v
	*s = v
}

// shared is intern for values that repeat only sometimes (deal titles): the goroutine's own table
// without the process-wide one, whose entries would outlive the load for values seen once.
func (p *loadPool) shared(s *string) {
	if v, ok := p.strs[*s]; ok {
		*s = v
		return
	}
	p.strs[*s] = *s
}

// keep copies s into the slab, so that the decoded copy can go with the rest of the record.
func (p *loadPool) keep(s *string) {
	n := len(*s)
	if n == 0 {
		return
	}
	if n > slabBytes/8 {
		*s = strings.Clone(*s)
		return
	}
	if cap(p.slab)-len(p.slab) < n {
		p.slab = make([]byte, 0, slabBytes)
	}
	start := len(p.slab)
	p.slab = append(p.slab, *s...)
	// The slab is never written again below len, so the bytes are as immutable as a string's.
	*s = unsafe.String(&p.slab[start], n)
}

// tagSet shares one copy of each list of interned values (a card's tags) among the rows that have
// it; nil for an empty list.
func (p *loadPool) tagSet(xs []string) *[]string {
	if len(xs) == 0 {
		return nil
	}
	key := strings.Join(xs, "\x00")
	if set, ok := p.sets[key]; ok {
		return set
	}
	set := slices.Clone(xs)
	p.sets[key] = &set
	return &set
}
