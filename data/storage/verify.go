package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"runtime/debug"
	"salesdesk/data"
	"slices"
	"sync"
)

// The kinds of damage, each with its reason in words (the window has them in its languages).
const (
	DamageMeta      data.DamageKind = "meta"
	DamageNoMeta    data.DamageKind = "no_meta"
	DamageTruncated data.DamageKind = "truncated"
	DamagePages     data.DamageKind = "pages"
	DamageRecords   data.DamageKind = "records"
)

var damageReasons = map[data.DamageKind]string{
	DamageMeta:      "one of its two header pages is invalid, so it would open as it was before its latest changes",
	DamageNoMeta:    "neither of its two header pages is valid",
	DamageTruncated: "it is shorter than its pages say: the end of the file is missing",
	DamagePages:     "some of its pages are damaged",
	DamageRecords:   "some of its records cannot be read or do not hold together (see `salesdesk check`)",
}

// DamageOf returns the structural damage err reports, or nil.
func DamageOf(err error) *data.DamageError {
	var d *data.DamageError
	if errors.As(err, &d) {
		return d
	}
	return nil
}

// damaged wraps what a recovered panic or a decoding error said into a DamageError, so that users
// are told what is wrong in words and the panic's own text stays in the detail.
func damaged(path string, kind data.DamageKind, detail any) *data.DamageError {
	return &data.DamageError{Path: path, Kind: kind, Reason: damageReasons[kind], Detail: fmt.Sprint(detail)}
}

// VerifyReport says what VerifyFile read.
type VerifyReport struct {
	Pages, FreePages, Buckets, BranchPages, LeafPages int
}

// VerifyFile checks the whole structure of the bbolt file at path without mapping it: both meta pages
// valid (bbolt silently falls back to the older one when the newer is broken, which looks like a
// file that lost its latest changes), the file as long as its pages, the freelist, and every page of
// every bucket and sub-bucket — in the file, itself, reached once, not free, its elements inside the
// page, keys in order — and every page either in use or free. It does not decode records (Store.Check
// does). A file that fails gets a *DamageError (errors.Is ErrDamaged).
//
// On the 100k demo file (500 MB) it reads every page once: see BenchmarkVerifyFile100k.
func VerifyFile(path string) (rep VerifyReport, err error) { return verifyFile(path, nil, nil) }

// walkStage is a part of the structural walk: its top-level buckets, then passed, called once they
// have passed (when set). The walk goes on if passed returns true, and ends with errCheckStopped if
// not.
type walkStage struct {
	buckets [][]byte
	passed  func() bool
}

// leafFeed receives the leaves of one top-level bucket as the structural walk checks them, so that
// what reads the bucket at opening need not wait for the end of its check, nor walk its tree again.
type leafFeed struct {
	bucket string
	// start is called once, before the first leaf, with the transaction whose pages the walk reads.
	start func(txid uint64)
	// leaf gets each leaf of the bucket that passed, in key order, on the walk's goroutine. Its bytes
	// stay valid until the walk ends.
	leaf func(b []byte)
	// end is called as the walk ends, however it ends, before the mapping goes: what still reads the
	// leaves must be done by its return.
	end func()
}

// verifyFile is VerifyFile walking the stages' buckets first, stage by stage, each stage's passed
// called once its buckets have passed (never when the check fails before then), then the buckets no
// stage names. feed, when set, gets the leaves of its bucket, which must be in the first stage.
func verifyFile(path string, stages []walkStage, feed *leafFeed) (rep VerifyReport, err error) {
	// The walk reads the file through a mapping, with bounds checks; should the file shrink under it
	// all the same, the fault is a panic here, and a damaged file.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			rep, err = VerifyReport{}, damaged(path, DamagePages, r)
		}
	}()
	// Mapping every page at once costs less than a fault per page, unless preload reads its own
	// mapping meanwhile (both then wait on the process's memory map lock).
	p, err := openPagesOf(path, false, len(stages) == 0)
	if err != nil {
		return rep, err
	}
	defer p.Close()
	m0, ok0, _ := p.readMeta(0)
	m1, ok1, _ := p.readMeta(int64(p.meta.pageSize))
	if !ok0 || !ok1 {
		which := 0
		if ok0 {
			which = 1
		}
		return rep, damaged(path, DamageMeta, fmt.Sprintf("meta page %d is invalid", which))
	}
	if m0.pageSize != m1.pageSize {
		return rep, damaged(path, DamageMeta, fmt.Sprintf("the meta pages disagree on the page size (%d, %d)", m0.pageSize, m1.pageSize))
	}
	w := &pageWalk{p: p, rep: &QuickReport{}, full: true, reached: newPageSet(p.meta.hwm), stages: stages, feed: feed}
	if feed != nil && p.raw != nil {
		// Without a mapping the leaves would have to be copied, the whole bucket at once in memory: the
		// feed is then left unstarted, and the caller reads the bucket itself.
		feed.start(p.meta.txid)
		defer feed.end() // before p.Close, deferred above
	} else {
		w.feed = nil
	}
	if err := w.run(); errors.Is(err, errCheckStopped) {
		return rep, err
	} else if err != nil {
		return rep, damaged(path, DamagePages, err)
	}
	for id := uint64(2); id < p.meta.hwm; id++ {
		if !w.reached.has(id) {
			if _, free := slices.BinarySearch(w.free, id); !free {
				return rep, damaged(path, DamagePages, fmt.Sprintf("page %d is neither in use nor free", id))
			}
		}
	}
	q := w.rep
	rep = VerifyReport{Pages: q.Pages, FreePages: q.FreePages, Buckets: q.Buckets, BranchPages: q.BranchPages, LeafPages: q.LeafPages}
	return rep, nil
}

// fullLeaf checks a leaf page of a bucket whole and walks the sub-buckets it holds. prev is the last
// key of the bucket seen so far, across its leaves.
func (w *pageWalk) fullLeaf(id uint64, h pageHeader, b []byte, prev *[]byte, depth int, inline bool) error {
	if pageHeaderSize+int(h.count)*elementSize > len(b) {
		return fmt.Errorf("leaf page %d: %d elements do not fit", id, h.count)
	}
	var subs []bucketRef
	for i := range int(h.count) {
		e, ok := leafElementAt(b, i)
		if !ok {
			return fmt.Errorf("leaf page %d: element %d lies outside the page or has no key", id, i)
		}
		if e.flags&^uint32(bucketLeafFlag) != 0 {
			return fmt.Errorf("leaf page %d: element %d has unknown flags %#x", id, i, e.flags)
		}
		key := e.key
		if *prev != nil && bytes.Compare(*prev, key) >= 0 {
			return fmt.Errorf("leaf page %d: keys out of order at %d", id, i)
		}
		*prev = append((*prev)[:0], key...)
		if e.flags&bucketLeafFlag == 0 {
			continue
		}
		if inline {
			// bbolt stores a bucket inline only when it holds no buckets of its own.
			return fmt.Errorf("an inline bucket holds bucket %q", key)
		}
		val := e.value
		if len(val) < 16 {
			return fmt.Errorf("leaf page %d: bucket %q has a short header", id, key)
		}
		s := bucketRef{name: string(key), root: binary.LittleEndian.Uint64(val)}
		if s.root == 0 {
			s.inline = bytes.Clone(val[16:])
		}
		subs = append(subs, s)
	}
	w.rep.Buckets += len(subs)
	if depth == 1 && w.feeding {
		w.feed.leaf(b) // a view of the mapping, or of a copy (an inline bucket's)
	}
	if depth == 0 && w.collect != nil {
		*w.collect = append(*w.collect, subs...)
		return nil
	}
	// The page buffer is reused by the reads below: everything needed from it was copied above.
	for _, s := range subs {
		if err := w.fullBucket(s.root, s.inline, depth+1); err != nil {
			return fmt.Errorf("bucket %q: %w", s.name, err)
		}
	}
	return nil
}

// maxBucketDepth bounds nested buckets: SalesDesk nests none below Storm's own, and a cycle of
// buckets in a damaged file must end in an error, not a stack overflow.
const maxBucketDepth = 16

// fullBucket walks a bucket whose tree starts at root, or which is stored inline in its parent's
// page (root 0).
func (w *pageWalk) fullBucket(root uint64, inline []byte, depth int) error {
	if depth > maxBucketDepth {
		return fmt.Errorf("buckets nest deeper than %d", maxBucketDepth)
	}
	var prev []byte
	if root == 0 {
		if len(inline) < pageHeaderSize {
			return fmt.Errorf("an inline bucket is shorter than a page header")
		}
		le := binary.LittleEndian
		h := pageHeader{id: le.Uint64(inline[0:]), flags: le.Uint16(inline[8:]), count: le.Uint16(inline[10:]), overflow: le.Uint32(inline[12:])}
		if h.flags != leafPageFlag {
			return fmt.Errorf("an inline bucket's page has flags %#x", h.flags)
		}
		return w.fullLeaf(0, h, inline, &prev, depth, true)
	}
	return w.tree(root, func(id uint64, h pageHeader, b []byte) error {
		return w.fullLeaf(id, h, b, &prev, depth, false)
	})
}

// pageSet has a bit per page of a file: the pages a walk has reached.
type pageSet []uint64

func newPageSet(pages uint64) pageSet { return make(pageSet, (pages+63)/64) }

// add marks page id and reports whether it was marked before.
func (s pageSet) add(id uint64) bool {
	if id >= uint64(len(s))*64 {
		return false
	}
	word, bit := id/64, uint64(1)<<(id%64)
	was := s[word]&bit != 0
	s[word] |= bit
	return was
}

func (s pageSet) has(id uint64) bool {
	return id < uint64(len(s))*64 && s[id/64]&(uint64(1)<<(id%64)) != 0
}

// bucketRef is a bucket found in its parent: its name and root page, or its inline page.
type bucketRef struct {
	name   string
	root   uint64
	inline []byte
}

// fullRoot walks the root bucket, then the top-level buckets on both cores where the file is mapped:
// each walker marks the pages it reaches in a set of its own, and a page in two sets is reached
// twice, as in one walk.
func (w *pageWalk) fullRoot() error {
	var tops []bucketRef
	w.collect = &tops
	err := w.fullBucket(w.p.meta.root, nil, 0)
	w.collect = nil
	if err != nil {
		return err
	}
	// groups[i] are the buckets of stage i; the last group, the buckets no stage names.
	groups := make([][]bucketRef, len(w.stages)+1)
	for _, t := range tops {
		g := slices.IndexFunc(w.stages, func(st walkStage) bool {
			return slices.ContainsFunc(st.buckets, func(name []byte) bool { return string(name) == t.name })
		})
		if g < 0 {
			g = len(w.stages)
		}
		groups[g] = append(groups[g], t)
	}
	for i, st := range w.stages {
		if err := w.fullBuckets(groups[i]); err != nil {
			return err
		}
		if st.passed != nil && !st.passed() {
			return errCheckStopped
		}
	}
	return w.fullBuckets(groups[len(w.stages)])
}

// fullBuckets walks top-level buckets, on both cores where the file is mapped.
func (w *pageWalk) fullBuckets(tops []bucketRef) error {
	workers := min(runtime.GOMAXPROCS(0), 4, len(tops))
	if w.p.raw == nil || workers < 2 {
		for _, t := range tops {
			w.feeding = w.feed != nil && t.name == w.feed.bucket
			if err := w.fullBucket(t.root, t.inline, 1); err != nil {
				return fmt.Errorf("bucket %q: %w", t.name, err)
			}
		}
		return nil
	}
	walks := make([]*pageWalk, workers)
	errs := make([]error, len(tops))
	next := make(chan int)
	var wg sync.WaitGroup
	for i := range walks {
		ww := &pageWalk{p: w.p, rep: &QuickReport{}, free: w.free, full: true, reached: make(pageSet, len(w.reached)), feed: w.feed}
		walks[i] = ww
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			for j := range next {
				func() {
					defer func() {
						if r := recover(); r != nil {
							errs[j] = fmt.Errorf("%v", r)
						}
					}()
					ww.feeding = ww.feed != nil && tops[j].name == ww.feed.bucket
					errs[j] = ww.fullBucket(tops[j].root, tops[j].inline, 1)
				}()
			}
		}()
	}
	for j := range tops {
		next <- j
	}
	close(next)
	wg.Wait()
	for j, err := range errs {
		if err != nil {
			return fmt.Errorf("bucket %q: %w", tops[j].name, err)
		}
	}
	for _, ww := range walks {
		for i, word := range ww.reached {
			if twice := w.reached[i] & word; twice != 0 {
				return fmt.Errorf("page %d is reached twice", uint64(i)*64+uint64(bits.TrailingZeros64(twice)))
			}
			w.reached[i] |= word
		}
		w.rep.Buckets += ww.rep.Buckets
		w.rep.BranchPages += ww.rep.BranchPages
		w.rep.LeafPages += ww.rep.LeafPages
	}
	return nil
}

// errCheckStopped ends a walk that its caller no longer needs (a store closed before its check went
// on): the file is not known to be damaged.
var errCheckStopped = errors.New("data: the structural check was stopped")
