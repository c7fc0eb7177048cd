package gitwalk

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/sync/errgroup"

	"github.com/leakhound/leakhound/internal/safego"

	"github.com/leakhound/leakhound/leak"
)

// Stats counts a walk's progress. Its fields are updated atomically while
// Plan and Scan run, so another goroutine may read them at any time.
type Stats struct {
	CommitsWalked atomic.Int64 // commit objects read
	CommitsDiffed atomic.Int64 // commits in range whose trees were diffed
	CommitsReused atomic.Int64 // commits taken from a WalkState, neither read nor diffed
	BlobsTotal    atomic.Int64 // blobs Scan will read
	BlobsRead     atomic.Int64 // blobs read so far, scanned or skipped
	BytesRead     atomic.Int64 // bytes of blob content read so far
}

// ScanOptions tune Scan.
type ScanOptions struct {
	// Workers is the number of parallel readers; zero means GOMAXPROCS.
	Workers int
	// MaxFileSize skips blobs larger than this many bytes; zero means
	// leak.DefaultMaxFileSize.
	MaxFileSize int64
	// CacheBytes bounds each reader's cache of delta bases; zero means
	// DefaultCacheBytes.
	CacheBytes int
	// Skip, when set, says which blobs not to read at all: they are
	// counted in Plan.Skipped as leak.SkipCached. It is called from the
	// readers' goroutines concurrently.
	Skip func(id ID) bool
	// OnSkip, when set, is called with each blob read but not passed to
	// fn, and why (too large, binary...; not the blobs Skip left out),
	// from the readers' goroutines concurrently.
	OnSkip func(id ID, reason leak.SkipReason)
	// Keep, when set, passes on the opaque binary blobs (see
	// leak.SkipContent) for which it returns
	// true (archives, which the caller opens; key stores, whose format a
	// rule checks) instead of skipping them. It is called from the
	// readers' goroutines concurrently.
	Keep func(id ID, content []byte) bool
}

// DefaultCacheBytes is each reader's cache size by default. On
// sqlalchemy's history, 8 MiB per reader reads within 5% of the speed of 32
// MiB, for a third of the memory.
const DefaultCacheBytes = 8 << 20

// Scan reads every blob of the plan once and calls fn with it. Blobs are
// read in pack order by opts.Workers readers in parallel, so fn is called
// concurrently from that many goroutines and must be safe for that; the
// Fragment, and its Content, is only valid until fn returns. The target of
// a symbolic link is a blob like any other, scanned as content; its
// Sources name the link.
//
// Blobs larger than opts.MaxFileSize (leak.SkipSize), opaque binary blobs
// (images, archives) and Git LFS pointers (leak.SkipContent; but for the
// binary blobs opts.Keep
// passes on), and blobs whose delta chains would cost
// more to rebuild than a reader allows (leak.SkipDeltaChain, in crafted
// packs) are not passed to fn; they are counted in p.Skipped by reason. A
// blob that cannot be read goes to onErr. An error from fn stops the scan
// and is returned.
func (r *Repo) Scan(ctx context.Context, p *Plan, opts ScanOptions, stats *Stats, fn func(*leak.Fragment) error, onErr ErrorFunc) error {
	if stats == nil {
		stats = new(Stats)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	maxSize := opts.MaxFileSize
	if maxSize <= 0 {
		maxSize = leak.DefaultMaxFileSize
	}
	locs := r.packIndexes().locate(p.order)
	stats.BlobsTotal.Store(int64(len(locs)))

	// Workers take batches of neighbouring blobs, so that each reader's
	// cache keeps the delta bases its batch needs (see spans).
	const batch = 256
	// dropEvery is how many blobs a worker reads between checks whether
	// the mapped packs' pages are to be given back (see dropMapped).
	const dropEvery = 64
	work := newSpans(len(locs), workers)
	var mu sync.Mutex
	skipped := map[leak.SkipReason]int{}
	g, gctx := errgroup.WithContext(ctx)
	cacheBytes := opts.CacheBytes
	if cacheBytes <= 0 {
		cacheBytes = DefaultCacheBytes
	}
	large := newLargeCache(4 * cacheBytes * workers)
	for w := range workers {
		safego.Go(g, func() error {
			objs := r.newObjects(cacheBytes, true, large).readMapped()
			defer objs.close()
			local := map[leak.SkipReason]int{}
			defer func() {
				mu.Lock()
				for k, v := range local {
					skipped[k] += v
				}
				mu.Unlock()
			}()
			for n := 0; ; n++ {
				lo, hi := work.take(w, batch)
				if lo == hi {
					return nil
				}
				for i, loc := range locs[lo:hi] {
					if (n > 0 || i > 0) && i%dropEvery == 0 {
						r.packIndexes().dropMapped() // what the blobs before read
					}
					if err := gctx.Err(); err != nil {
						return err
					}
					if opts.Skip != nil && opts.Skip(ID(loc.h)) {
						local[leak.SkipCached]++
						continue
					}
					content, reason, err := readBlobAt(objs, loc, maxSize)
					if reason == leak.SkipBinary && opts.Keep != nil && opts.Keep(ID(loc.h), content) {
						reason = ""
					}
					stats.BlobsRead.Add(1)
					if err != nil {
						mu.Lock()
						err = onErr("blob "+loc.h.String(), err)
						mu.Unlock()
						if err != nil {
							return err
						}
						continue
					}
					stats.BytesRead.Add(int64(len(content)))
					if reason != "" {
						local[reason]++
						if opts.OnSkip != nil {
							opts.OnSkip(ID(loc.h), reason)
						}
						continue
					}
					frag := leak.Fragment{Content: content, BlobID: loc.h.String(), Sources: p.blobs[loc.h].all()}
					if err := fn(&frag); err != nil {
						return err
					}
				}
			}
		})
	}
	err := g.Wait()
	for k, v := range skipped {
		p.Skipped[k] += v
	}
	return err
}

// spans share out the blobs of a scan, in pack order, among its workers:
// each starts with an equal run of neighbouring blobs and takes batches
// from its front; one that runs out takes the back half of the largest run
// left. A worker so reads long runs of neighbours, whose delta bases its
// cache keeps, and no worker idles while another has a batch to spare
// (fixed batches taken in turn cost 5% more inflating on flask: each
// worker's next batch starts where the other's cache has the bases).
type spans struct {
	mu   sync.Mutex
	runs [][2]int // per worker, the blobs [lo, hi) left to it
}

func newSpans(n, workers int) *spans {
	s := &spans{runs: make([][2]int, workers)}
	for w := range workers {
		s.runs[w] = [2]int{n * w / workers, n * (w + 1) / workers}
	}
	return s
}

// take returns the next batch of worker w, at most batch blobs [lo, hi);
// lo == hi when none are left.
func (s *spans) take(w, batch int) (lo, hi int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &s.runs[w]
	if r[0] == r[1] {
		big := -1
		for v, o := range s.runs {
			if o[1]-o[0] > 0 && (big < 0 || o[1]-o[0] > s.runs[big][1]-s.runs[big][0]) {
				big = v
			}
		}
		if big < 0 {
			return 0, 0
		}
		o := &s.runs[big]
		mid := o[0] + (o[1]-o[0])/2
		if o[1]-o[0] <= batch {
			mid = o[0] // too little to halve: all of it
		}
		*r, o[1] = [2]int{mid, o[1]}, mid
	}
	lo, hi = r[0], min(r[0]+batch, r[1])
	r[0] = hi
	return lo, hi
}

// packIndexes are the repository's pack indexes, shared by all readers.
type packIndexes struct {
	paths []string // each pack's path, without ".pack"
	idx   []*packIndex
	dirs  []int // the object directory of each pack, an index of Repo.objDirs
	// errs are the packs left out, because their index could not be read
	// or does not match the pack.
	errs []error
	// maps are the packs mapped into memory, each once, by the first
	// reader that opens it (see mapped).
	maps []packMap
	// resident is mappedResident (tests lower it).
	resident int64
}

// packMap is one pack mapped into memory, or nil data if it is not.
type packMap struct {
	once  sync.Once
	data  []byte
	unmap func() error
	// touched counts what readers may have made resident of data since
	// its pages were last given back (see packFile.note).
	touched atomic.Int64
}

// maxMappedPack is the largest pack mapped into memory; larger ones are
// read with pread. Mapping spares a system call and a copy per read, and
// lets the inflater read bytes without a buffer between (see packFile);
// the bound keeps the address space a scan takes (which an administrator
// may limit, ulimit -v) near what the readers' caches take anyway.
const maxMappedPack = 512 << 20

// mapped returns pack k, which f has open, mapped into memory, or nil if
// it is too large, cannot be mapped, or the process runs under an
// address-space limit (see mapAllowed). Readers share the mapping; it lasts
// until the Repo is closed.
func (ps *packIndexes) mapped(k int, f *os.File) []byte {
	if !canMapPacks {
		return nil
	}
	m := &ps.maps[k]
	m.once.Do(func() {
		fi, err := f.Stat()
		if err != nil || fi.Size() == 0 || fi.Size() > maxMappedPack || !mapAllowed() {
			return
		}
		if data, unmap, err := mmap(f, int(fi.Size())); err == nil {
			m.data, m.unmap = data, unmap
		}
	})
	return m.data
}

// mappedResident is how many bytes of mapped packs a scan lets stay
// resident before it gives their pages back (see dropMapped).
const mappedResident = 32 << 20

// dropMapped gives back the pages of the mapped packs that this process
// has read (see dropPages), once readers may have made more than
// mappedResident of them resident: a mapped pack's pages count in the
// process's resident memory as they are read, and a scan reads all of it.
// Reading them again costs a minor fault each, from the page cache.
// Readers call it every so many objects; giving pages back is not cheap
// (every thread's view of the mapping is flushed), so below the bound it
// does nothing, and packs that fit in it are never given back. Safe while
// readers read.
func (ps *packIndexes) dropMapped() {
	var resident int64
	for i := range ps.maps {
		if m := &ps.maps[i]; m.data != nil {
			resident += min(m.touched.Load(), int64(len(m.data)))
		}
	}
	if resident <= ps.resident {
		return
	}
	for i := range ps.maps {
		if m := &ps.maps[i]; m.data != nil && m.touched.Swap(0) > 0 {
			dropPages(m.data)
		}
	}
}

func (ps *packIndexes) close() {
	for _, p := range ps.idx {
		p.close()
	}
	for i := range ps.maps {
		if m := &ps.maps[i]; m.unmap != nil {
			m.unmap()
			m.data, m.unmap = nil, nil
		}
	}
}

// packIndexes returns the pack indexes, read on first use.
func (r *Repo) packIndexes() *packIndexes {
	r.packsOnce.Do(func() { r.packs = r.readPackIndexes() })
	return r.packs
}

// readPackIndexes opens the index of every pack in every object directory.
// A pack whose index cannot be read, or does not match it, is left out, and
// its error kept for Plan to report.
func (r *Repo) readPackIndexes() *packIndexes {
	ps := &packIndexes{resident: mappedResident}
	for d, dir := range r.objDirs {
		for _, p := range listPacks(dir) {
			idx, err := openPackIndex(p + ".idx")
			if err != nil {
				ps.errs = append(ps.errs, err)
				continue
			}
			ps.paths = append(ps.paths, p)
			ps.idx = append(ps.idx, idx)
			ps.dirs = append(ps.dirs, d)
			ps.maps = append(ps.maps, packMap{})
		}
	}
	return ps
}

// idsWithPrefix returns the ids of the objects, packed or loose, that start
// with the lower-case hex digits prefix (at least four).
func (r *Repo) idsWithPrefix(prefix string) []plumbing.Hash {
	out := r.looseWithPrefix(prefix)
	for _, idx := range r.packIndexes().idx {
		out = idx.withPrefix(prefix, out)
	}
	slices.SortFunc(out, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out)
}

// blobLoc is where a blob is stored: a pack and offset, or pack == -1 for a
// loose object (or one no index lists).
type blobLoc struct {
	h    plumbing.Hash
	pack int
	off  int64
}

// locate finds the blobs in the packs and sorts them in pack order, the
// order that reads them fastest; loose objects come last.
func (ps *packIndexes) locate(hs []plumbing.Hash) []blobLoc {
	locs := make([]blobLoc, len(hs))
	for i, h := range hs {
		locs[i] = blobLoc{h: h, pack: -1}
		locs[i].pack, locs[i].off = ps.find(h)
	}
	slices.SortFunc(locs, func(a, b blobLoc) int {
		pa, pb := a.pack, b.pack
		if pa < 0 {
			pa = len(ps.idx)
		}
		if pb < 0 {
			pb = len(ps.idx)
		}
		if c := cmp.Compare(pa, pb); c != 0 {
			return c
		}
		if c := cmp.Compare(a.off, b.off); c != 0 {
			return c
		}
		return bytes.Compare(a.h[:], b.h[:]) // loose objects
	})
	return locs
}

// PackOrder returns ids in the order Reader.Blob reads them fastest: by
// pack and place in it, where a delta follows its base, loose objects
// last. Reading in this order, a Reader's cache keeps the bases of the
// deltas that follow.
func (r *Repo) PackOrder(ids []ID) []ID {
	hs := make([]plumbing.Hash, len(ids))
	for i, id := range ids {
		hs[i] = id.hash()
	}
	out := make([]ID, 0, len(ids))
	for _, l := range r.packIndexes().locate(hs) {
		out = append(out, idOf(l.h))
	}
	return out
}

// readBlobAt returns the content of the blob at loc, or why it is skipped.
// The content is shared with the reader's cache and must not be modified.
func readBlobAt(objs *objects, loc blobLoc, maxSize int64) ([]byte, leak.SkipReason, error) {
	typ, data, err := objs.at(loc, maxSize)
	switch {
	case errors.Is(err, ErrTooLarge):
		return nil, leak.SkipTooLarge, nil
	case errors.Is(err, ErrDeltaChain):
		return nil, leak.SkipDeltaChain, nil
	case err != nil:
		return nil, "", err
	case typ != plumbing.BlobObject:
		return nil, "", fmt.Errorf("object is a %s, not a blob", typ)
	}
	return data, leak.SkipContent(data), nil
}

// Reader reads single blobs, and the blobs at paths of commits' trees. It
// is not safe for concurrent use; several Readers of a repository may be
// used at once.
type Reader struct {
	objs *objects
	// trees caches the trees PathBlobs reads, made on first use: the tips
	// of a repository's refs share most of their trees.
	trees *treeReader
}

// NewReader returns a Reader over the repository's objects.
func (r *Repo) NewReader() *Reader {
	return &Reader{objs: r.newObjects(16<<20, false)}
}

// Blob returns the content of blob id, which must not be modified, if it
// is at most maxSize bytes; zero or less means leak.DefaultMaxFileSize.
// A larger blob is not read: the error wraps ErrTooLarge. Pass the limit
// the scan skips blobs by, so that no path reads more than it.
func (rd *Reader) Blob(id ID, maxSize int64) ([]byte, error) {
	return rd.objs.typed(id.hash(), plumbing.BlobObject, sizeLimit(maxSize))
}

// sizeLimit is maxSize, or leak.DefaultMaxFileSize for zero or less.
func sizeLimit(maxSize int64) int64 {
	if maxSize <= 0 {
		return leak.DefaultMaxFileSize
	}
	return maxSize
}

// PathBlobs is Repo.PathBlobs, with the Reader's caches: trees read for
// one commit are not read again for the next.
func (rd *Reader) PathBlobs(rev ID, paths []string) (map[string]ID, error) {
	if rd.trees == nil {
		rd.trees = newTreeReader(rd.objs, 4<<20)
	}
	return pathBlobs(rd.objs, rd.trees, rev, paths)
}

// ResolveCommit is Repo.ResolveCommit, with the Reader's caches.
func (rd *Reader) ResolveCommit(rev string) (ID, error) {
	h, err := rd.objs.r.resolveRev(rev)
	if err != nil {
		return ID{}, err
	}
	h, err = peelCommit(rd.objs, rev, h)
	return idOf(h), err
}

// Close releases the Reader's files.
func (rd *Reader) Close() error {
	rd.objs.close()
	return nil
}
