package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"salesdesk/data"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// A bbolt file never shrinks: pages freed by changes stay in the file for later writes. Compaction
// copies every bucket into a new file packed full, which is how the space comes back. It needs the
// file closed: the copy is then the whole database, and no window writes to the old file meanwhile.

// compactTxSize bounds each of the copy's transactions, so that compacting a large file does not hold
// the whole database in memory at once.
const compactTxSize = 64 << 20

// CompactResult tells what a compaction did.
type CompactResult struct {
	Before, After int64 // file sizes in bytes
	Counts        data.RecordCounts
	// Swapped is false when the packed copy would not have been smaller: the file was left as it was.
	Swapped bool
}

// Compact copies the database at src into a new, packed file dst (which must not exist) and verifies
// the copy: bbolt's page check, the same records and the same id sequences. src is opened read-only
// and must not be open for writing elsewhere; a damaged src is refused before anything is copied.
func Compact(src, dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("data: compact into %s: %w", dst, ErrBackupExists)
	}
	b, err := openSound(src)
	if err != nil {
		return err
	}
	defer b.Close()
	_, err = compactInto(b, src, dst)
	return err
}

// CompactFile compacts the database at path in place: into a new file beside it, verified, then moved
// over it in one rename, so the file is always either the old one or the whole new one. The file must
// be closed (the window closed); a window or process that has it open makes it fail with ErrLocked.
// A copy that would not be smaller is thrown away and the file left alone.
func CompactFile(path string) (CompactResult, error) {
	var res CompactResult
	path = linkTarget(path)
	b, err := openSound(path)
	if err != nil {
		return res, err
	}
	held := true
	defer func() {
		if held {
			_ = b.Close()
		}
	}()
	st, err := os.Stat(path)
	if err != nil {
		return res, fmt.Errorf("data: compact %s: %w", path, err)
	}
	res.Before = st.Size()
	removeDBTemps(path, tempCompact)
	f, err := os.CreateTemp(filepath.Dir(path), tempPattern(filepath.Base(path), tempCompact))
	if err != nil {
		return res, fmt.Errorf("data: compact %s: %w", path, err)
	}
	// bbolt starts a new database in an empty file, so the temp file is the destination as it is.
	tmp := f.Name()
	_ = f.Close()
	installed := false
	defer func() {
		if !installed {
			_ = os.Remove(tmp)
		}
	}()
	info, err := compactInto(b, path, tmp)
	if err != nil {
		return res, err
	}
	// bbolt's lock held the temp while it wrote; from here SalesDesk's own does.
	unhold, err := holdTemp(tmp)
	if err != nil {
		return res, fmt.Errorf("data: compact %s: %w", path, err)
	}
	defer unhold()
	pauseAfterTemp(tempCompact, tmp)
	res.After, res.Counts = info.Size, info.Counts
	if res.After >= res.Before {
		return res, nil
	}
	// The shared lock keeps a window from opening the old file until it is replaced. Windows cannot
	// replace a mapped file, so there it is let go just before the rename.
	if runtime.GOOS == "windows" {
		held = false
		_ = b.Close()
	}
	if err := keepMode(tmp, path); err != nil {
		return res, fmt.Errorf("data: compact %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return res, fmt.Errorf("data: compact %s: %w", path, err)
	}
	installed, res.Swapped = true, true
	if err := syncDir(filepath.Dir(path)); err != nil {
		return res, fmt.Errorf("data: compact %s: %w", path, err)
	}
	return res, nil
}

// linkTarget is the file a symbolic link names, so that a replacement by rename lands on the file
// and does not turn the link into a copy beside it (a database linked into a synced folder); any
// other path as it is.
func linkTarget(path string) string {
	if st, err := os.Lstat(path); err == nil && st.Mode()&os.ModeSymlink != 0 {
		if real, err := filepath.EvalSymlinks(path); err == nil {
			return real
		}
	}
	return path
}

// openSound opens a SalesDesk file read-only after the full check a backup gets (PreviewBackup), so
// that a damaged file is never walked by a copy (bbolt trusts the page ids it reads and may crash on
// garbage) nor rewritten as if it were sound.
func openSound(path string) (*bolt.DB, error) {
	if _, err := PreviewBackup(path); err != nil {
		return nil, err
	}
	return openBolt(path, true)
}

// compactInto copies the open database b (whose file is src) into dst, a new or empty file that is
// removed again if anything fails, and verifies the copy.
func compactInto(b *bolt.DB, src, dst string) (info data.BackupInfo, err error) {
	defer func() {
		if err != nil {
			_ = os.Remove(dst)
		}
	}()
	var want compareSet
	if err := viewSafely(b, func(tx *bolt.Tx) error {
		want = compareSetOf(tx)
		return nil
	}); err != nil {
		return info, fmt.Errorf("data: compact %s: %w", src, err)
	}
	out, err := bolt.Open(dst, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return info, fmt.Errorf("data: compact into %s: %w", dst, err)
	}
	cerr := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%w (%v)", data.ErrDamaged, r)
			}
		}()
		return bolt.Compact(out, b, compactTxSize)
	}()
	if err := errors.Join(cerr, out.Close()); err != nil {
		return info, fmt.Errorf("data: compact %s: %w", src, err)
	}
	if info, err = previewFile(dst); err != nil {
		return info, fmt.Errorf("data: compact %s: the packed copy: %w", src, err)
	}
	c, err := openBolt(dst, true)
	if err != nil {
		return info, fmt.Errorf("data: compact %s: the packed copy: %w", src, err)
	}
	var have compareSet
	err = viewSafely(c, func(tx *bolt.Tx) error {
		have = compareSetOf(tx)
		return nil
	})
	err = errors.Join(err, c.Close())
	if err != nil {
		return info, fmt.Errorf("data: compact %s: the packed copy: %w", src, err)
	}
	if diff := want.diff(have); diff != "" {
		return info, fmt.Errorf("data: compact %s: the packed copy differs (%s): %w", src, diff, data.ErrDamaged)
	}
	return info, nil
}

// compareSet is what a packed copy must keep: every bucket's key count and id sequence (new records
// take their ids from the sequences, so a lost sequence would hand out ids already in use).
type compareSet struct {
	counts  data.RecordCounts
	buckets map[string][2]uint64 // name → keys, sequence
}

func compareSetOf(tx *bolt.Tx) compareSet {
	cs := compareSet{counts: countRecords(tx), buckets: map[string][2]uint64{}}
	_ = tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		cs.buckets[string(name)] = [2]uint64{uint64(b.Stats().KeyN), b.Sequence()}
		return nil
	})
	return cs
}

// diff names the first bucket that differs, or returns "".
func (a compareSet) diff(b compareSet) string {
	for name, v := range a.buckets {
		w, ok := b.buckets[name]
		switch {
		case !ok:
			return fmt.Sprintf("bucket %q is missing", name)
		case v[0] != w[0]:
			return fmt.Sprintf("bucket %q has %d keys instead of %d", name, w[0], v[0])
		case v[1] != w[1]:
			return fmt.Sprintf("bucket %q's sequence is %d instead of %d", name, w[1], v[1])
		}
	}
	if len(a.buckets) != len(b.buckets) {
		return fmt.Sprintf("%d buckets instead of %d", len(b.buckets), len(a.buckets))
	}
	return ""
}

// FreeRatio is the share of the file's pages that are free (0–1), read from bbolt's freelist: above
// one half, compacting gives back more than half the file. The file must not be open for writing
// elsewhere (see Store.FreeRatio for the open database).
func FreeRatio(path string) (float64, error) {
	b, err := openBolt(path, true)
	if err != nil {
		return 0, err
	}
	defer b.Close()
	return freeRatioOf(path)
}

// FreeRatio is the share of the open database's pages that are free (0–1); the window shows a
// "Compact" button above one half.
func (s *Store) FreeRatio() (ratio float64, err error) {
	// Inside a read transaction no page that the newest meta reaches can be reused under the read.
	verr := s.view(func(*bolt.Tx) error {
		ratio, err = freeRatioOf(s.path)
		return nil
	})
	return ratio, errors.Join(verr, err)
}

func freeRatioOf(path string) (float64, error) {
	p, err := openPages(path)
	if err != nil {
		return 0, err
	}
	defer p.Close()
	free, err := p.freelist()
	if errors.Is(err, errNoFreelist) {
		return 0, nil // only a full scan could count them; SalesDesk always writes the freelist
	}
	if err != nil {
		return 0, fmt.Errorf("data: open %s: %w (%v)", path, data.ErrDamaged, err)
	}
	if p.meta.hwm == 0 {
		return 0, nil
	}
	return float64(len(free)) / float64(p.meta.hwm), nil
}

// ---------------------------------------------------------------------------------------------
// Reading bbolt's pages from the file

// bbolt's on-disk layout (go.etcd.io/bbolt/internal/common): a page starts with a 16-byte header
// (id u64, flags u16, count u16, overflow u32); meta pages 0 and 1 hold the meta after it; branch
// elements are (pos u32, ksize u32, pgid u64), leaf elements (flags u32, pos u32, ksize u32, vsize
// u32), pos counted from the element itself. All little-endian on the platforms SalesDesk ships for.
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16
	elementSize      = 16
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	freelistPageFlag = 0x10
	bucketLeafFlag   = 0x01
	noFreelist       = ^uint64(0)
)

var errNoFreelist = errors.New("the file keeps no freelist")

type boltMeta struct {
	pageSize                  uint32
	root, freelist, hwm, txid uint64
}

type pageHeader struct {
	id       uint64
	flags    uint16
	count    uint16
	overflow uint32
}

// pageFile reads pages with bounds checks instead of through bbolt's mapping, so that garbage in the
// file is an error here, never a crash.
type pageFile struct {
	f    *os.File
	size int64
	meta boltMeta
	buf  []byte
	// data maps the file where the platform allows (mmap_unix.go), so that reading every page is not
	// a system call each: slicing it is bounds-checked like the reads.
	raw []byte
}

// readAt reads len(b) bytes at off, from the mapping when there is one.
func (p *pageFile) readAt(b []byte, off int64) error {
	if p.raw == nil {
		_, err := p.f.ReadAt(b, off)
		return err
	}
	if off < 0 || off > int64(len(p.raw)) || int64(len(b)) > int64(len(p.raw))-off {
		return io.ErrUnexpectedEOF
	}
	copy(b, p.raw[off:])
	return nil
}

func openPages(path string) (*pageFile, error) { return openPagesOf(path, false, false) }

// openPagesOf opens the file's pages; lenient takes a file shorter than its pages say as far as it
// goes (Salvage), instead of refusing it; populate maps them all at once, for a walk of every page.
func openPagesOf(path string, lenient, populate bool) (*pageFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: open %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("data: open %s: %w", path, err)
	}
	p := &pageFile{f: f, size: st.Size()}
	// Mapping every page at once pays when all are read (VerifyFile, Salvage), not for a look at the
	// meta pages and the freelist.
	p.raw = mapFile(f, st.Size(), lenient || populate)
	m0, ok0, magic0 := p.readMeta(0)
	var m1 boltMeta
	var ok1, magic1 bool
	if ok0 {
		m1, ok1, magic1 = p.readMeta(int64(m0.pageSize))
	} else {
		for _, ps := range []int64{4096, 8192, 16384, 65536} {
			var seen bool
			if m1, ok1, seen = p.readMeta(ps); seen {
				magic1 = true
			}
			if ok1 {
				break
			}
		}
	}
	switch {
	case ok0 && (!ok1 || m0.txid >= m1.txid):
		p.meta = m0
	case ok1:
		p.meta = m1
	case !magic0 && !magic1:
		_ = p.Close()
		return nil, fmt.Errorf("data: open %s: %w (not a bbolt database)", path, data.ErrNotSalesDesk)
	default:
		_ = p.Close()
		return nil, damaged(path, DamageNoMeta, "no valid meta page")
	}
	if need := int64(p.meta.hwm) * int64(p.meta.pageSize); p.size < need && lenient {
		p.meta.hwm = uint64(p.size / int64(p.meta.pageSize))
	} else if p.size < need {
		_ = p.Close()
		return nil, damaged(path, DamageTruncated, fmt.Sprintf("the file is %d bytes, its pages need %d", p.size, need))
	}
	return p, nil
}

func (p *pageFile) Close() error {
	if p.raw != nil {
		_ = unmapFile(p.raw)
		p.raw = nil
	}
	return p.f.Close()
}

// prefetch has the system read the pages ahead that a walk is about to read whole (a branch's
// children), runs of neighbours as one request: with a cold page cache the walk of a large file's
// list rows waited for one 4 KiB read at a time.
func (p *pageFile) prefetch(ids []uint64) {
	if p.raw == nil || len(ids) == 0 {
		return
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	size := int64(p.meta.pageSize)
	lo, hi := sorted[0], sorted[0]
	for _, id := range sorted[1:] {
		if id > hi+8 { // a small gap is read through rather than asked for apart
			willNeed(p.raw, int64(lo)*size, int64(hi-lo+1)*size)
			lo = id
		}
		hi = id
	}
	willNeed(p.raw, int64(lo)*size, int64(hi-lo+1)*size)
}

// readMeta reads the meta page at off and reports whether it is valid (magic, version, checksum) and
// whether it at least carries bbolt's magic number: a damaged database, not some other file.
func (p *pageFile) readMeta(off int64) (meta boltMeta, ok, magic bool) {
	buf := make([]byte, pageHeaderSize+64)
	if err := p.readAt(buf, off); err != nil {
		return boltMeta{}, false, false
	}
	m := buf[pageHeaderSize:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic {
		return boltMeta{}, false, false
	}
	h := fnv.New64a()
	_, _ = h.Write(m[:56])
	if le.Uint32(m[4:]) != boltVersion || h.Sum64() != le.Uint64(m[56:]) {
		return boltMeta{}, false, true
	}
	meta = boltMeta{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]),
		hwm: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}
	if meta.pageSize < 1024 || meta.pageSize&(meta.pageSize-1) != 0 {
		return boltMeta{}, false, true
	}
	return meta, true, true
}

// header reads a page's header and checks that the page lies inside the file and says it is itself.
func (p *pageFile) header(id uint64) (pageHeader, error) {
	if id < 2 || id >= p.meta.hwm {
		return pageHeader{}, fmt.Errorf("page %d is outside the file's %d pages", id, p.meta.hwm)
	}
	var b [pageHeaderSize]byte
	if err := p.readAt(b[:], int64(id)*int64(p.meta.pageSize)); err != nil {
		return pageHeader{}, fmt.Errorf("page %d: %w", id, err)
	}
	le := binary.LittleEndian
	h := pageHeader{id: le.Uint64(b[0:]), flags: le.Uint16(b[8:]), count: le.Uint16(b[10:]), overflow: le.Uint32(b[12:])}
	if h.id != id {
		return h, fmt.Errorf("page %d says it is page %d", id, h.id)
	}
	if uint64(h.overflow) >= p.meta.hwm-id {
		return h, fmt.Errorf("page %d runs past the end of the file (%d overflow pages)", id, h.overflow)
	}
	return h, nil
}

// page reads a whole page with its overflow pages. The slice is valid until the next call.
func (p *pageFile) page(id uint64) (pageHeader, []byte, error) {
	h, err := p.header(id)
	if err != nil {
		return h, nil, err
	}
	n := int64(p.meta.pageSize) * (1 + int64(h.overflow))
	off := int64(id) * int64(p.meta.pageSize)
	if p.raw != nil && off+n <= int64(len(p.raw)) {
		return h, p.raw[off : off+n : off+n], nil
	}
	if int64(cap(p.buf)) < n {
		p.buf = make([]byte, n)
	}
	b := p.buf[:n]
	if err := p.readAt(b, off); err != nil {
		return h, nil, fmt.Errorf("page %d: %w", id, err)
	}
	return h, b, nil
}

// freelist returns the free page ids, ascending, checked to lie inside the file and appear once.
func (p *pageFile) freelist() ([]uint64, error) {
	id := p.meta.freelist
	if id == noFreelist {
		return nil, errNoFreelist
	}
	h, b, err := p.page(id)
	if err != nil {
		return nil, fmt.Errorf("freelist: %w", err)
	}
	if h.flags != freelistPageFlag {
		return nil, fmt.Errorf("freelist: page %d is not a freelist page (flags %#x)", id, h.flags)
	}
	start, count := pageHeaderSize, uint64(h.count)
	if h.count == 0xFFFF {
		// The count overflowed 16 bits and is stored as the first element instead.
		count = binary.LittleEndian.Uint64(b[pageHeaderSize:])
		start += 8
	}
	if count > uint64(len(b)-start)/8 {
		return nil, fmt.Errorf("freelist: %d ids do not fit in page %d", count, id)
	}
	ids := make([]uint64, count)
	for i := range ids {
		ids[i] = binary.LittleEndian.Uint64(b[start+8*i:])
		if ids[i] < 2 || ids[i] >= p.meta.hwm {
			return nil, fmt.Errorf("freelist: page %d is outside the file", ids[i])
		}
		if i > 0 && ids[i] <= ids[i-1] {
			return nil, fmt.Errorf("freelist: page %d is out of order or listed twice", ids[i])
		}
	}
	return ids, nil
}

// branchChildren checks a branch page's keys (inside the page, strictly ascending) and returns the
// pages it points at.
func branchChildren(id uint64, h pageHeader, b []byte) ([]uint64, error) {
	if h.count == 0 {
		return nil, fmt.Errorf("branch page %d is empty", id)
	}
	if pageHeaderSize+int(h.count)*elementSize > len(b) {
		return nil, fmt.Errorf("branch page %d: %d elements do not fit", id, h.count)
	}
	le := binary.LittleEndian
	children := make([]uint64, h.count)
	var prev []byte
	for i := range int(h.count) {
		off := pageHeaderSize + i*elementSize
		pos, ksize := int(le.Uint32(b[off:])), int(le.Uint32(b[off+4:]))
		from := off + pos
		if pos < 0 || ksize < 0 || from+ksize > len(b) || from+ksize < from {
			return nil, fmt.Errorf("branch page %d: key %d lies outside the page", id, i)
		}
		key := b[from : from+ksize]
		if i > 0 && bytes.Compare(prev, key) >= 0 {
			return nil, fmt.Errorf("branch page %d: keys out of order at %d", id, i)
		}
		prev = key
		children[i] = le.Uint64(b[off+8:])
	}
	return children, nil
}

// leafElement is one key and value of a leaf page, pointing into the page.
type leafElement struct {
	flags      uint32
	key, value []byte
}

// leafElementAt decodes a leaf page's element i, and reports whether it lies inside the page with a
// key that is not empty. The page must hold the element headers up to i.
func leafElementAt(b []byte, i int) (leafElement, bool) {
	le := binary.LittleEndian
	off := pageHeaderSize + i*elementSize
	flags, pos := le.Uint32(b[off:]), int(le.Uint32(b[off+4:]))
	ksize, vsize := int(le.Uint32(b[off+8:])), int(le.Uint32(b[off+12:]))
	from := off + pos
	end := from + ksize + vsize
	if pos < 0 || ksize <= 0 || vsize < 0 || end > len(b) || end < from || from < off {
		return leafElement{}, false
	}
	return leafElement{flags: flags, key: b[from : from+ksize], value: b[from+ksize : end]}, true
}

// leafBuckets returns the sub-buckets a leaf page holds: name → root page (0 for a bucket stored
// inline in its parent's page).
func leafBuckets(id uint64, h pageHeader, b []byte) (map[string]uint64, error) {
	if pageHeaderSize+int(h.count)*elementSize > len(b) {
		return nil, fmt.Errorf("leaf page %d: %d elements do not fit", id, h.count)
	}
	out := map[string]uint64{}
	for i := range int(h.count) {
		e, ok := leafElementAt(b, i)
		if !ok {
			return nil, fmt.Errorf("leaf page %d: element %d lies outside the page", id, i)
		}
		if e.flags&bucketLeafFlag == 0 {
			continue
		}
		if len(e.value) < 16 {
			return nil, fmt.Errorf("leaf page %d: bucket %q has a short header", id, e.key)
		}
		out[string(e.key)] = binary.LittleEndian.Uint64(e.value)
	}
	return out, nil
}
