package storage

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"runtime/debug"
	"salesdesk/data"
	"sync"
)

// rowFeed decodes the stored list rows while the structural check reads them (leafFeed): each leaf
// of customer_rows, once checked, goes to a goroutine per core that decodes its rows. Opening a large
// file with a cold page cache waited for the check to read every row's page, then decoded them all;
// now the decoding keeps pace with the reading. The rows are graded later, once the settings are read
// (grade). The rows' texts are views of the check's mapping until putMany copies them into the
// arenas, so the feed's rows must be in the index before the walk goes on (Open's checked).
type rowFeed struct {
	batches chan feedBatch
	batch   feedBatch
	next    int
	txid    uint64
	started bool
	wg      sync.WaitGroup
	once    sync.Once

	mu    sync.Mutex
	parts [][]*indexRow // by batch, in key order
	err   error
}

// feedBatch is leaves in key order, the seq-th such run of the bucket.
type feedBatch struct {
	seq    int
	leaves [][]byte
}

// feedLeaves is the number of leaves decoded as one piece of work: some 130 rows.
const feedLeaves = 32

func newRowFeed() *rowFeed {
	f := &rowFeed{batches: make(chan feedBatch, 64)}
	for range runtime.GOMAXPROCS(0) {
		f.wg.Go(f.decode)
	}
	return f
}

// leafFeed is the feed as the walk takes it.
func (f *rowFeed) leafFeed() *leafFeed {
	if f == nil {
		return nil
	}
	return &leafFeed{bucket: string(bucketRows), start: func(txid uint64) { f.txid, f.started = txid, true }, leaf: f.leaf, end: f.drain}
}

func (f *rowFeed) leaf(b []byte) {
	f.batch.leaves = append(f.batch.leaves, b)
	if len(f.batch.leaves) == feedLeaves {
		f.send()
	}
}

func (f *rowFeed) send() {
	f.batch.seq = f.next
	f.next++
	f.batches <- f.batch
	f.batch = feedBatch{}
}

// close ends the feed: once the walk has passed the bucket, or failed.
func (f *rowFeed) close() {
	if f == nil {
		return
	}
	f.once.Do(func() {
		if len(f.batch.leaves) > 0 {
			f.send()
		}
		close(f.batches)
	})
}

// drain ends the feed and waits for its decoders.
func (f *rowFeed) drain() {
	if f != nil {
		f.close()
		f.wg.Wait()
	}
}

// rows ends the feed and returns every row decoded, in key order, as of transaction txid; ok is false
// if the walk did not feed the rows (no check).
func (f *rowFeed) rows() (rows []*indexRow, txid uint64, ok bool, err error) {
	f.drain()
	if !f.started {
		return nil, 0, false, nil
	}
	if f.err != nil {
		return nil, 0, true, f.err
	}
	n := 0
	for _, p := range f.parts {
		n += len(p)
	}
	rows = make([]*indexRow, 0, n)
	for _, p := range f.parts {
		rows = append(rows, p...)
	}
	return rows, f.txid, true, nil
}

// decode is one core's share of the rows.
func (f *rowFeed) decode() {
	pool := newLoadPool()
	var rec, zero rowRecord
	for batch := range f.batches {
		if f.failed() {
			continue // drained, so that the walk never waits on a feed nobody reads
		}
		out, err := decodeLeaves(batch.leaves, &rec, &zero, pool)
		f.mu.Lock()
		if err != nil && f.err == nil {
			f.err = err
		}
		if batch.seq >= len(f.parts) {
			f.parts = append(f.parts, make([][]*indexRow, batch.seq+1-len(f.parts))...)
		}
		f.parts[batch.seq] = out
		f.mu.Unlock()
	}
}

func (f *rowFeed) failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err != nil
}

// decodeLeaves decodes the rows of checked leaves, ungraded.
func decodeLeaves(leaves [][]byte, rec, zero *rowRecord, pool *loadPool) (out []*indexRow, err error) {
	// The leaves are views of a mapping of the file: should it shrink under them all the same, the
	// fault is a panic here, and a damaged file.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, damaged("", DamagePages, r)
		}
	}()
	for _, b := range leaves {
		count := int(binary.LittleEndian.Uint16(b[10:]))
		for i := range count {
			e, _ := leafElementAt(b, i) // the walk checked every element
			if e.flags&bucketLeafFlag != 0 {
				continue
			}
			*rec = *zero
			if !decodeRowView(e.value, rec) {
				*rec = *zero // what the fast decoder read before it gave up
				if err := codec.Unmarshal(e.value, rec); err != nil {
					return nil, fmt.Errorf("data: read customer row %d: %w: %w", decodeUint(e.key), data.ErrDamaged, err)
				}
			}
			if err := rowUnderItsKey(e.key, rec.ID); err != nil {
				return nil, err
			}
			rec.settle(pool)
			out = append(out, rowOf(rec))
		}
	}
	return out, nil
}
