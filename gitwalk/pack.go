package gitwalk

import (
	"container/list"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/safefile"
)

// objReader decodes objects from pack files for one goroutine: entries
// read by packFile, deltas applied by patchDelta.
//
// It exists because the storage layer above them is costly when every blob
// of a history is read: it reopens the pack for each object over 16 KiB,
// hashes every object it caches with SHA-1 to find its cache key, and needs
// an offset-to-id map of the whole pack to resolve offset deltas. Here the
// cache of delta bases is keyed by pack offset, which is what an offset
// delta names, and bounded in bytes.
type objReader struct {
	ps    *packIndexes
	open  func(k int) (*os.File, error)
	packs []*packFile
	files []*os.File
	cache *baseCache
	pool  *bufPool
	// uncached holds results the cache did not take, to recycle.
	uncached [][]byte
	// work counts the bytes inflated and rebuilt for the current object,
	// against budget, and total for all of them, against what was
	// delivered: see deltaBudget. costly remembers objects that ran out.
	work, budget     int64
	total, delivered int64
	costly           map[cacheKey]bool
	// floor and slack are deltaFloor and deltaSlack (tests lower them).
	floor, slack int64
	// mapped says to read packs mapped into memory where they can be (see
	// packIndexes.mapped): for the readers of a scan, which read most of
	// a pack's bytes and give the pages back as they go
	// (packIndexes.dropMapped), and those of a walk, which read every
	// commit and the trees that changed, and check whether to give the
	// pages back every dropEvery objects (reads counts them); not for
	// those that read an object here and there (a ref's tip). Reading in place costs half as
	// much per byte as through a read buffer (see packFile).
	mapped           bool
	dropEvery, reads int
}

// newObjReader returns a reader with a cache of cacheBytes. With recycle,
// the buffers of objects evicted from the cache are reused for new ones:
// the content an object call returns is then valid only until the next
// call, and must not be kept.
func newObjReader(ps *packIndexes, open func(k int) (*os.File, error), cacheBytes int, recycle bool, large *largeCache) *objReader {
	pool := &bufPool{recycle: recycle, max: cacheBytes}
	return &objReader{
		ps:    ps,
		open:  open,
		packs: make([]*packFile, len(ps.idx)),
		files: make([]*os.File, len(ps.idx)),
		cache: newBaseCache(cacheBytes, pool, large),
		floor: deltaFloor,
		slack: deltaSlack,
		pool:  pool,
	}
}

func (o *objReader) close() {
	for _, f := range o.files {
		if f != nil {
			f.Close()
		}
	}
}

func (o *objReader) pack(k int) (*packFile, error) {
	if o.dropEvery > 0 {
		if o.reads++; o.reads%o.dropEvery == 0 {
			o.ps.dropMapped() // what the objects before read
		}
	}
	if p := o.packs[k]; p != nil {
		return p, nil
	}
	f, err := o.open(k)
	if err != nil {
		return nil, err
	}
	o.files[k] = f
	var data []byte
	if o.mapped {
		data = o.ps.mapped(k, f)
	}
	o.packs[k] = newPackFile(f, data, &o.ps.maps[k].touched)
	return o.packs[k], nil
}

// maxObjectSize bounds any object decoded, whatever the caller asks: a
// hostile pack can declare any size, and compress gigabytes into a few
// bytes.
const maxObjectSize = 1 << 30

// baseLimit bounds the delta bases decoded to rebuild an object of at most
// maxSize bytes: a base may be larger than its result, but not by much in
// any real repository.
func baseLimit(maxSize int64) int64 {
	return min(max(4*maxSize, 64<<20), maxObjectSize)
}

// ErrTooLarge is wrapped by errors about an object larger than the size
// limit it was read with (see Reader.Blob and Repo.FileAt).
var ErrTooLarge = errors.New("object too large")

// maxDeltaDepth bounds delta chains, so that a corrupt pack whose deltas
// form a loop fails instead of recursing forever. git itself writes chains
// of at most 50 by default, 4095 at most.
const maxDeltaDepth = 10000

// ErrDeltaChain is wrapped by errors about an object whose delta chain
// would cost more to rebuild than the reader allows: in a crafted pack,
// thousands of deltas of a large base read out of order.
var ErrDeltaChain = errors.New("delta chain too costly to rebuild")

// The work of rebuilding objects from delta chains (bytes inflated and
// rebuilt, bases included) is bounded two ways. One object of size bytes
// may cost a hundred times its size (git's deepest default chain is 50),
// and at least deltaFloor, so that a reader that starts in the middle of a
// long chain can rebuild it once. And all the objects a reader delivers
// may cost, together, deltaSlack plus deltaRatio times their size: chains
// read in pack order are rebuilt one delta at a time from the cache (real
// histories cost under twice what they deliver), so only crafted packs
// (many long chains of a large file, interleaved so that no cache holds
// them) reach it. An object past either bound is not read (ErrDeltaChain),
// nor is any delta of it.
const (
	deltaRatio = 8
	deltaFloor = 1 << 30
	deltaSlack = 1 << 30
)

// object returns the type and content of the object at offset off of pack
// k. It returns ErrTooLarge, without decoding the object, when its size is
// over maxSize. The content may be shared with the cache: callers must not
// modify it.
func (o *objReader) object(k int, off int64, maxSize int64) (plumbing.ObjectType, []byte, error) {
	maxSize = min(maxSize, maxObjectSize)
	if o.pool.recycle {
		// What the previous caller got and the cache did not take is free now.
		for _, b := range o.uncached {
			o.pool.put(b)
		}
	}
	o.uncached = o.uncached[:0]
	o.work, o.budget = 0, 0
	typ, data, err := o.objectDepth(k, off, maxSize, 0)
	o.delivered += int64(len(data))
	if errors.Is(err, ErrDeltaChain) {
		// Whatever needs this object as a base fails at once.
		if o.costly == nil {
			o.costly = make(map[cacheKey]bool)
		}
		o.costly[cacheKey{k, off}] = true
	}
	return typ, data, err
}

// charge counts n bytes of work on the current object, and fails when its
// budget (set from its size) is spent.
func (o *objReader) charge(n int) error {
	o.work += int64(n)
	o.total += int64(n)
	if o.budget == 0 {
		return nil // an object stored whole
	}
	if o.work > o.budget {
		return fmt.Errorf("%w (over %d MiB for this object)", ErrDeltaChain, o.budget>>20)
	}
	if o.total > o.slack+deltaRatio*o.delivered {
		return fmt.Errorf("%w (over %d times what the reader delivered)", ErrDeltaChain, deltaRatio)
	}
	return nil
}

func (o *objReader) objectDepth(k int, off int64, maxSize int64, depth int) (plumbing.ObjectType, []byte, error) {
	if e, ok := o.cache.get(k, off, depth > 0); ok {
		if int64(len(e.data)) > maxSize {
			return e.typ, nil, ErrTooLarge
		}
		return e.typ, e.data, nil
	}
	if depth > maxDeltaDepth {
		return 0, nil, fmt.Errorf("pack offset %d: delta chain deeper than %d", off, maxDeltaDepth)
	}
	if o.costly[cacheKey{k, off}] {
		return 0, nil, fmt.Errorf("%w (a base that was)", ErrDeltaChain)
	}
	if !o.ps.idx[k].validOffset(off) {
		return 0, nil, fmt.Errorf("%w: pack offset %d is outside the pack (a corrupt pack index)", errCorrupt, off)
	}
	s, err := o.pack(k)
	if err != nil {
		return 0, nil, err
	}
	h, err := s.header(off)
	if err != nil {
		return 0, nil, fmt.Errorf("pack offset %d: %w", off, err)
	}
	switch h.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
		if h.length > maxSize {
			return h.typ, nil, ErrTooLarge
		}
		data, err := o.inflate(s, h.length)
		if err != nil {
			return 0, nil, fmt.Errorf("pack offset %d: %w", off, err)
		}
		if err := o.charge(len(data)); err != nil {
			o.pool.put(data)
			return 0, nil, err
		}
		return h.typ, o.keep(k, off, h.typ, data, depth == 0), nil
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		delta, err := o.inflate(s, h.length)
		if err != nil {
			return 0, nil, fmt.Errorf("pack offset %d: %w", off, err)
		}
		defer o.pool.put(delta)
		if size, err := deltaTargetSize(delta); err != nil {
			return 0, nil, fmt.Errorf("pack offset %d: %w", off, err)
		} else if int64(size) > maxSize {
			// The type is the base's; a caller skipping the object by size
			// does not need it.
			return plumbing.BlobObject, nil, ErrTooLarge
		} else if depth == 0 {
			o.budget = max(o.floor, 100*int64(size))
		}
		baseK, baseOff := k, h.baseOff
		if h.typ == plumbing.REFDeltaObject {
			baseK, baseOff = o.find(h.ref)
			if baseK < 0 {
				return 0, nil, fmt.Errorf("pack offset %d: delta base %s: %w", off, h.ref, plumbing.ErrObjectNotFound)
			}
		} else if baseOff >= off || baseOff <= 0 {
			return 0, nil, fmt.Errorf("pack offset %d: bad delta base offset %d", off, baseOff)
		}
		typ, base, err := o.objectDepth(baseK, baseOff, baseLimit(maxSize), depth+1)
		if err != nil {
			return 0, nil, err
		}
		data, err := patchDelta(o.pool, base, delta)
		o.release(base)
		if err != nil {
			return 0, nil, fmt.Errorf("pack offset %d: %w", off, err)
		}
		if err := o.charge(len(data)); err != nil {
			o.pool.put(data)
			return 0, nil, err
		}
		return typ, o.keep(k, off, typ, data, depth == 0), nil
	}
	return 0, nil, fmt.Errorf("pack offset %d: unknown object type %v", off, h.typ)
}

// inflate reads the data of the entry whose header s just read, n bytes
// when inflated, into a buffer from the pool.
func (o *objReader) inflate(s *packFile, n int64) ([]byte, error) {
	if n < 0 || n > 1<<40 {
		return nil, fmt.Errorf("bad object size %d", n)
	}
	b, err := s.inflate(o.pool.get(int(min(n, 64<<20))), n, -1)
	if err != nil {
		o.pool.put(b)
		return nil, err
	}
	return b, nil
}

// keep puts data in the cache, or, if the cache will not hold it, keeps it
// aside so that it is recycled at the next read, after the caller is done
// with it. A large object is cached only if it is what the caller asked for
// (top), not a base rebuilt on the way: the next version of a large file
// needs the last one read, and the bases below it would push the last
// versions of other files out.
func (o *objReader) keep(k int, off int64, typ plumbing.ObjectType, data []byte, top bool) []byte {
	if o.cache.put(k, off, typ, data, top) {
		return data
	}
	o.uncached = append(o.uncached, data)
	return data
}

// release recycles a base that the cache did not take, once its delta is
// applied.
func (o *objReader) release(base []byte) {
	if n := len(o.uncached); n > 0 && len(base) > 0 && &o.uncached[n-1][:1][0] == &base[:1][0] {
		o.pool.put(base)
		o.uncached = o.uncached[:n-1]
	}
}

// find returns the pack and offset of object h, or -1.
func (o *objReader) find(h plumbing.Hash) (int, int64) {
	return o.ps.find(h)
}

// find returns the pack and offset of object h, or -1.
func (ps *packIndexes) find(h plumbing.Hash) (int, int64) {
	for k, idx := range ps.idx {
		if off, ok := idx.find(h); ok {
			return k, off
		}
	}
	return -1, 0
}

// deltaTargetSize reads the size of a delta's result from its header.
func deltaTargetSize(delta []byte) (uint64, error) {
	_, rest, err := uvarint(delta)
	if err != nil {
		return 0, err
	}
	size, _, err := uvarint(rest)
	return size, err
}

// baseCache is a least-recently-used cache of decoded objects, keyed by
// pack and offset, bounded in bytes.
//
// Objects over a quarter of the budget are not cached with the others, so
// that one cannot flush the rest; they go to a largeCache, which may be
// shared by the readers of a scan.
type baseCache struct {
	max, size int
	ll        *list.List
	m         map[cacheKey]*list.Element
	pool      *bufPool // receives evicted buffers
	large     *largeCache
}

// largeCache keeps the large objects read most recently, bounded in bytes
// but always keeping the latest one. Without it, a chain of deltas of a
// large file would be rebuilt from its base for every version read:
// quadratic in the chain's length. The readers of a scan share one, since
// the next version of a file is often in the next batch, which another
// reader takes. Its buffers are never recycled: a reader may be scanning
// one while another evicts it.
type largeCache struct {
	mu      sync.Mutex
	entries []*cacheEntry // most recent first
	size    int
	max     int
}

func newLargeCache(maxBytes int) *largeCache { return &largeCache{max: maxBytes} }

// get returns a cached object. One read as the base of a delta becomes the
// first to be evicted: the version rebuilt from it is what the next version
// of that file will need.
func (c *largeCache) get(key cacheKey, asBase bool) (*cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.key != key {
			continue
		}
		if asBase {
			copy(c.entries[i:], c.entries[i+1:])
			c.entries[len(c.entries)-1] = e
		} else {
			copy(c.entries[1:i+1], c.entries[:i])
			c.entries[0] = e
		}
		return e, true
	}
	return nil, false
}

// put caches e, evicting the least recently used beyond max bytes, but
// never e; it reports whether e was new.
func (c *largeCache) put(e *cacheEntry) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, old := range c.entries {
		if old.key == e.key {
			return false
		}
	}
	c.entries = append(c.entries, nil)
	copy(c.entries[1:], c.entries)
	c.entries[0] = e
	c.size += cap(e.data)
	for len(c.entries) > 1 && c.size > c.max {
		last := c.entries[len(c.entries)-1]
		c.entries[len(c.entries)-1] = nil
		c.entries = c.entries[:len(c.entries)-1]
		c.size -= cap(last.data)
	}
	return true
}

type cacheKey struct {
	pack int
	off  int64
}

type cacheEntry struct {
	key  cacheKey
	typ  plumbing.ObjectType
	data []byte
}

func newBaseCache(maxBytes int, pool *bufPool, large *largeCache) *baseCache {
	if large == nil {
		large = newLargeCache(4 * maxBytes)
	}
	return &baseCache{max: maxBytes, ll: list.New(), m: make(map[cacheKey]*list.Element), pool: pool, large: large}
}

// get returns a cached object; see largeCache.get for asBase.
func (c *baseCache) get(k int, off int64, asBase bool) (*cacheEntry, bool) {
	if el, ok := c.m[cacheKey{k, off}]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*cacheEntry), true
	}
	return c.large.get(cacheKey{k, off}, asBase)
}

// put caches data and reports whether it did; a large object only if
// large is set.
func (c *baseCache) put(k int, off int64, typ plumbing.ObjectType, data []byte, large bool) bool {
	cost := cap(data) + 64
	if cost > c.max/4 {
		return large && c.large.put(&cacheEntry{key: cacheKey{k, off}, typ: typ, data: data})
	}
	key := cacheKey{k, off}
	if _, ok := c.m[key]; ok {
		return false
	}
	c.m[key] = c.ll.PushFront(&cacheEntry{key: key, typ: typ, data: data})
	c.size += cost
	for c.size > c.max {
		el := c.ll.Back()
		e := el.Value.(*cacheEntry)
		c.ll.Remove(el)
		delete(c.m, e.key)
		c.size -= cap(e.data) + 64
		c.pool.put(e.data)
	}
	return true
}

// bufPool recycles byte buffers by power-of-two capacity class, up to max
// bytes in all. Without recycle it only allocates.
type bufPool struct {
	recycle bool
	max     int
	size    int
	free    [48][][]byte
}

func sizeClass(n int) int { return bits.Len(uint(max(n, 1) - 1)) }

// get returns an empty buffer with room for at least n bytes.
func (p *bufPool) get(n int) []byte {
	if !p.recycle {
		return make([]byte, 0, n)
	}
	c := sizeClass(n)
	{
		if l := p.free[c]; len(l) > 0 {
			b := l[len(l)-1]
			l[len(l)-1] = nil // the backing array must not keep it alive
			p.free[c] = l[:len(l)-1]
			p.size -= cap(b)
			return b[:0]
		}
	}
	return make([]byte, 0, 1<<c)
}

// put gives a buffer back for reuse.
func (p *bufPool) put(b []byte) {
	if !p.recycle || cap(b) == 0 || cap(b)&(cap(b)-1) != 0 || cap(b) > p.max {
		return // only buffers from get have a power-of-two capacity
	}
	c := sizeClass(cap(b))
	// Make room by dropping buffers of the classes holding most bytes:
	// recently freed sizes are the likeliest to be asked for again.
	for p.size+cap(b) > p.max {
		big := -1
		for k := range p.free {
			if len(p.free[k]) > 0 && (big < 0 || len(p.free[k])<<k > len(p.free[big])<<big) {
				big = k
			}
		}
		l := p.free[big]
		p.size -= cap(l[len(l)-1])
		l[len(l)-1] = nil
		p.free[big] = l[:len(l)-1]
	}
	p.free[c] = append(p.free[c], b)
	p.size += cap(b)
}

// patchDelta applies a git delta to base, into a buffer from pool. A delta
// is two sizes (base, result) as little-endian base-128 numbers, then
// instructions: a byte with the high bit set copies a range of base (its
// low 4 bits say which offset bytes follow, the next 3 which size bytes,
// up to 0xffffff; a size of 0 means 0x10000); a byte 1-127 inserts that many following bytes.
func patchDelta(pool *bufPool, base, delta []byte) ([]byte, error) {
	srcSize, delta, err := uvarint(delta)
	if err != nil {
		return nil, err
	}
	if srcSize != uint64(len(base)) {
		return nil, fmt.Errorf("delta base is %d bytes, not %d", len(base), srcSize)
	}
	dstSize, delta, err := uvarint(delta)
	if err != nil {
		return nil, err
	}
	// A copy instruction (one byte, up to three of size) yields at most
	// 0xffffff bytes, so a header that claims more than that per byte of
	// instructions is corrupt, and must not make us allocate it. (Copies
	// over 64 KiB are valid: git writes them for large files.)
	if dstSize > uint64(len(delta))*0xffffff {
		return nil, errBadDelta
	}
	out := pool.get(int(min(dstSize, 64<<20)))
	for len(delta) > 0 {
		cmd := delta[0]
		delta = delta[1:]
		switch {
		case cmd&0x80 != 0:
			var off, size uint64
			for i := 0; i < 4; i++ {
				if cmd&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errBadDelta
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := 0; i < 3; i++ {
				if cmd&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, errBadDelta
					}
					size |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if size == 0 {
				size = 0x10000
			}
			if off+size > uint64(len(base)) || uint64(len(out))+size > dstSize {
				return nil, errBadDelta
			}
			out = append(out, base[off:off+size]...)
		case cmd != 0:
			n := int(cmd)
			if n > len(delta) || uint64(len(out)+n) > dstSize {
				return nil, errBadDelta
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, errBadDelta
		}
	}
	if uint64(len(out)) != dstSize {
		return nil, errBadDelta
	}
	return out, nil
}

var errBadDelta = errors.New("corrupt delta")

// uvarint reads a little-endian base-128 number, as delta headers hold.
func uvarint(b []byte) (uint64, []byte, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if len(b) == 0 {
			return 0, nil, errors.New("truncated delta header")
		}
		c := b[0]
		b = b[1:]
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, b, nil
		}
	}
	return 0, nil, errors.New("delta header number too long")
}

// objects reads objects for one goroutine: packed objects through an
// objReader, by id or by pack location, and loose objects.
type objects struct {
	r  *Repo
	or *objReader
}

// newObjects returns a reader with a cache of cacheBytes. With recycle, see
// newObjReader. Readers may share a cache of large objects; with large nil,
// the reader has its own.
func (r *Repo) newObjects(cacheBytes int, recycle bool, large ...*largeCache) *objects {
	ps := r.packIndexes()
	open := func(k int) (*os.File, error) { return safefile.OpenPath(ps.paths[k] + ".pack") }
	var lc *largeCache
	if len(large) > 0 {
		lc = large[0]
	}
	return &objects{r: r, or: newObjReader(ps, open, cacheBytes, recycle, lc)}
}

func (o *objects) close() {
	o.or.close()
}

// readMapped makes o read packs mapped into memory (see objReader.mapped),
// and returns it.
func (o *objects) readMapped() *objects {
	o.or.mapped = true
	return o
}

// walkDropEvery is how many objects a walk's reader reads between checks
// whether the mapped packs' pages are to be given back (see dropMapped):
// each read maps in a few pages (the kernel maps up to 64 KiB around a
// fault), so some megabytes at most between checks.
const walkDropEvery = 256

// readMappedForWalk is readMapped for a walk's reader, which checks itself,
// every walkDropEvery objects read, whether to give the pages back.
func (o *objects) readMappedForWalk() *objects {
	o.or.dropEvery = walkDropEvery
	return o.readMapped()
}

// byID returns the type and content of object h, or ErrTooLarge if it is
// larger than maxSize. The content must not be modified.
func (o *objects) byID(h plumbing.Hash, maxSize int64) (plumbing.ObjectType, []byte, error) {
	if k, off := o.or.find(h); k >= 0 {
		return o.or.object(k, off, maxSize)
	}
	return o.loose(h, maxSize)
}

// at returns the object at loc, found by locate.
func (o *objects) at(loc blobLoc, maxSize int64) (plumbing.ObjectType, []byte, error) {
	if loc.pack < 0 {
		return o.loose(loc.h, maxSize)
	}
	return o.or.object(loc.pack, loc.off, maxSize)
}

func (o *objects) loose(h plumbing.Hash, maxSize int64) (plumbing.ObjectType, []byte, error) {
	return o.r.readLoose(h, maxSize)
}

// typed returns object h, which must be of type want, or an error wrapping
// ErrTooLarge if it is larger than maxSize.
func (o *objects) typed(h plumbing.Hash, want plumbing.ObjectType, maxSize int64) ([]byte, error) {
	typ, data, err := o.byID(h, maxSize)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", want, h, err)
	}
	if typ != want {
		return nil, fmt.Errorf("%s %s: is a %s", want, h, typ)
	}
	return data, nil
}
