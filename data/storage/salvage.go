package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"salesdesk/data"

	"github.com/asdine/storm/v3"
	bolt "go.etcd.io/bbolt"
)

// Salvage is the way out of a damaged file that has no good backup, or whose latest changes are not
// in one: it reads the damaged file's pages itself, with the same bounds checks as VerifyFile, and
// copies every record it can still read into a new file, skipping the pages that are damaged. The
// damaged file is only read. The new file is sound as a file, but records of the skipped pages are
// missing from it, so `salesdesk check` on it lists what no longer holds together; it can be opened,
// exported, or checked and restored from like any backup.

// SalvageResult tells what Salvage copied and what it had to leave.
type SalvageResult struct {
	Buckets, Records int
	// Lost names each part of the file that could not be read: a bucket and page, and why.
	Lost []string
	// OlderMeta is set when the newest header page was damaged and the older one was used: the copy
	// then shows the file as it was before its latest changes.
	OlderMeta bool
}

// salvageBatch bounds a write transaction of the copy, so that memory stays small on large files.
const salvageBatch = 20_000

// Salvage copies what can be read of the bbolt file at src into dst, which must not exist.
func Salvage(src, dst string) (res SalvageResult, err error) {
	if _, err := os.Lstat(dst); err == nil {
		return res, fmt.Errorf("data: salvage into %s: %w", dst, ErrBackupExists)
	}
	if same, _ := sameFile(src, dst); same {
		return res, fmt.Errorf("data: salvage into %s: %w", dst, ErrSameFile)
	}
	if isTempName(filepath.Base(dst)) {
		return res, &data.OutputError{Path: dst, Why: "has the name of a temporary file SalesDesk removes; choose another name", Err: data.ErrOutputProtected}
	}
	// Not among the files SalesDesk keeps: a partial copy in the backup folder would pass for a backup.
	if err := (data.OutputGuard{DB: src, Folders: []string{DefaultBackupDir(src)}}).Check(dst); err != nil {
		return res, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("data: salvage %s: %v", src, r)
		}
	}()
	// The shared lock keeps a window from writing the file while it is read; a window cannot have a
	// damaged file open in any case.
	if lock, err := openBolt(src, true); err == nil {
		defer lock.Close()
	} else if errors.Is(err, data.ErrLocked) {
		return res, err
	}
	p, err := openPagesOf(src, true, true)
	if err != nil {
		return res, err
	}
	defer p.Close()
	// The newest valid header page first; when its tree yields nothing, the other one: bbolt writes
	// changed pages to new places, so the state before the latest change is often still whole.
	m0, ok0, _ := p.readMeta(0)
	m1, ok1, _ := p.readMeta(int64(p.meta.pageSize))
	roots := []uint64{p.meta.root}
	if ok0 && ok1 {
		older := m0
		if m0.txid > m1.txid {
			older = m1
		}
		roots = append(roots, older.root)
	}
	for i, root := range roots {
		res = SalvageResult{OlderMeta: ok0 != ok1 || i > 0}
		if err = salvageFrom(p, root, dst, &res); err != nil || res.Records > 0 {
			return res, err
		}
	}
	return res, damaged(src, DamagePages, "nothing could be read: the list of buckets is damaged")
}

// salvageFrom copies the tree under root into dst; with nothing copied, dst is removed again.
func salvageFrom(p *pageFile, root uint64, dst string, res *SalvageResult) error {
	// The copy is written under a temp name (an output's, which the next output to dst clears when a
	// kill left it) and takes its name only once whole: a file named NEW.db is a complete salvage.
	RemoveStaleOutputTemps(dst)
	f, err := os.CreateTemp(filepath.Dir(dst), outputTempPattern(dst))
	if err != nil {
		return fmt.Errorf("data: salvage into %s: %w", dst, err)
	}
	tmp := f.Name()
	_ = f.Close()
	out, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("data: salvage into %s: %w", dst, err)
	}
	closed := false
	defer func() {
		if !closed {
			_ = out.Close()
		}
		_ = os.Remove(tmp) // a no-op once linked
	}()
	c := &salvager{p: p, out: out, res: res, reached: newPageSet(p.meta.hwm)}
	if err := c.bucket(nil, root, nil, 0); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	if res.Records == 0 {
		return nil
	}
	if err := completeSalvage(out); err != nil {
		return fmt.Errorf("data: salvage into %s: %w", dst, err)
	}
	if err := repairSalvage(out, res); err != nil {
		return fmt.Errorf("data: salvage into %s: %w", dst, err)
	}
	if err := out.Sync(); err != nil {
		return err
	}
	closed = true
	if err := out.Close(); err != nil {
		return err
	}
	if err := linkNew(tmp, dst); err != nil {
		return fmt.Errorf("data: salvage into %s: %w", dst, err)
	}
	return syncDir(filepath.Dir(dst))
}

type salvager struct {
	p       *pageFile
	out     *bolt.DB
	res     *SalvageResult
	reached pageSet
	pending []salvaged
}

// salvaged is one record read, with the path of buckets it lives in.
type salvaged struct {
	path       [][]byte
	key, value []byte
	bucket     bool // an empty bucket, created so that the copy has every bucket the file had
}

func (c *salvager) lose(path [][]byte, format string, a ...any) {
	c.res.Lost = append(c.res.Lost, fmt.Sprintf("%s: %s", bytes.Join(path, []byte("/")), fmt.Sprintf(format, a...)))
}

// bucket copies a bucket's tree from root, or its inline page (root 0), skipping what is damaged.
func (c *salvager) bucket(path [][]byte, root uint64, inline []byte, depth int) error {
	if depth > maxBucketDepth {
		c.lose(path, "buckets nest deeper than %d", maxBucketDepth)
		return nil
	}
	if path != nil {
		c.res.Buckets++
		c.pending = append(c.pending, salvaged{path: path, bucket: true})
	}
	if root == 0 {
		if len(inline) < pageHeaderSize {
			c.lose(path, "the inline bucket is cut short")
			return nil
		}
		le := binary.LittleEndian
		h := pageHeader{flags: le.Uint16(inline[8:]), count: le.Uint16(inline[10:])}
		return c.leaf(path, 0, h, inline, depth)
	}
	return c.tree(path, root, depth)
}

func (c *salvager) tree(path [][]byte, id uint64, depth int) error {
	if id < 2 || id >= c.p.meta.hwm || c.reached.has(id) {
		c.lose(path, "page %d is outside the file or reached twice", id)
		return nil
	}
	h, b, err := c.p.page(id)
	if err != nil {
		c.lose(path, "%v", err)
		return nil
	}
	for i := range uint64(h.overflow) + 1 {
		c.reached.add(id + i)
	}
	switch h.flags {
	case leafPageFlag:
		// The page buffer is reused by later reads; leaf copies what it keeps.
		return c.leaf(path, id, h, b, depth)
	case branchPageFlag:
		children, err := branchChildren(id, h, b)
		if err != nil {
			c.lose(path, "%v", err)
			return nil
		}
		for _, child := range children {
			if err := c.tree(path, child, depth); err != nil {
				return err
			}
		}
		return nil
	default:
		c.lose(path, "page %d has unexpected flags %#x", id, h.flags)
		return nil
	}
}

// leaf copies a leaf's records and walks its sub-buckets; an element that lies outside the page is
// lost, the others are kept.
func (c *salvager) leaf(path [][]byte, id uint64, h pageHeader, b []byte, depth int) error {
	n := int(h.count)
	if max := (len(b) - pageHeaderSize) / elementSize; n > max {
		c.lose(path, "leaf page %d says it holds %d elements, room for %d", id, n, max)
		n = max
	}
	type sub struct {
		name   []byte
		root   uint64
		inline []byte
	}
	var subs []sub
	for i := range n {
		e, ok := leafElementAt(b, i)
		if !ok {
			c.lose(path, "leaf page %d: element %d lies outside the page", id, i)
			continue
		}
		key, val := bytes.Clone(e.key), e.value
		if e.flags&bucketLeafFlag != 0 {
			if len(val) < 16 {
				c.lose(path, "leaf page %d: bucket %q has a short header", id, key)
				continue
			}
			s := sub{name: key, root: binary.LittleEndian.Uint64(val)}
			if s.root == 0 {
				s.inline = bytes.Clone(val[16:])
			}
			subs = append(subs, s)
			continue
		}
		if path == nil {
			continue // the root bucket holds only buckets
		}
		if len(path) == 1 {
			if decode := recordDecoders[string(path[0])]; decode != nil {
				if err := decode(val); err != nil {
					c.lose(path, "record %x does not decode: %v", key, err)
					continue
				}
			}
		}
		c.pending = append(c.pending, salvaged{path: path, key: key, value: bytes.Clone(val)})
		c.res.Records++
		if len(c.pending) >= salvageBatch {
			if err := c.flush(); err != nil {
				return err
			}
		}
	}
	for _, s := range subs {
		if err := c.bucket(append(path[:len(path):len(path)], s.name), s.root, s.inline, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// flush writes the records read so far into the copy in one transaction.
func (c *salvager) flush() error {
	if len(c.pending) == 0 {
		return nil
	}
	err := c.out.Update(func(tx *bolt.Tx) error {
		for _, r := range c.pending {
			b, err := tx.CreateBucketIfNotExists(r.path[0])
			if err != nil {
				return err
			}
			for _, name := range r.path[1:] {
				if b, err = b.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			if r.bucket {
				continue
			}
			if err := b.Put(r.key, r.value); err != nil {
				return err
			}
		}
		return nil
	})
	c.pending = c.pending[:0]
	return err
}

// completeSalvage gives a copy that kept SalesDesk's meta bucket every bucket its schema has (empty
// where the damaged file lost one) and Storm's version, so that it opens even read-only. A copy
// without the meta bucket is left as it is: nothing tells what it was.
func completeSalvage(out *bolt.DB) error {
	err := out.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return nil
		}
		schema := decodeUint(meta.Get(keySchema))
		for _, b := range schemaBuckets {
			if b.since <= schema {
				if _, err := tx.CreateBucketIfNotExists(b.name); err != nil {
					return err
				}
			}
		}
		if schema >= 6 {
			for _, name := range [][]byte{bucketImportMappings, bucketImports, bucketImportUndo} {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Storm writes its version on open when the file has none; closing is left to the caller's handle.
	_, err = storm.Open("", storm.UseDB(out), storm.Codec(codec))
	return err
}

// recordDecoders decode the records of SalesDesk's own buckets: a record whose bytes were damaged is
// left out of the copy, which would otherwise refuse to open.
var recordDecoders = map[string]func([]byte) error{
	string(bucketCustomers):   func(b []byte) error { var v data.Customer; return codec.Unmarshal(b, &v) },
	string(bucketRows):        func(b []byte) error { var v rowRecord; return codec.Unmarshal(b, &v) },
	string(bucketFollowUps):   func(b []byte) error { var v data.FollowUp; return codec.Unmarshal(b, &v) },
	string(bucketMembers):     func(b []byte) error { var v data.Member; return codec.Unmarshal(b, &v) },
	string(bucketCredentials): func(b []byte) error { var v credential; return codec.Unmarshal(b, &v) },
	string(bucketOpenActions): func(b []byte) error {
		var v OpenAction
		return codec.Unmarshal(b, &v)
	},
	string(bucketOpps):    func(b []byte) error { var v data.Opportunity; return codec.Unmarshal(b, &v) },
	string(bucketOppRows): func(b []byte) error { var v dealRow; return codec.Unmarshal(b, &v) },
	// Settings are JSON; damaged ones are left out and the copy opens with the defaults.
	string(bucketSettings): func(b []byte) error { st := data.DefaultSettings(); return json.Unmarshal(b, &st) },
	string(bucketAudit):    func(b []byte) error { var v data.Change; return codec.Unmarshal(b, &v) },
}
