package mirror

import (
	"bufio"
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"golang.org/x/sync/errgroup"
)

// The dumb HTTP protocol is a repository's files served as they are:
// info/refs ("<id>\t<ref>" lines, as git update-server-info writes them),
// HEAD, objects/info/packs ("P pack-<id>.pack" lines), the packs and
// their indexes under objects/pack, and loose objects objects/xx/yyyy.
// A Sync over it (syncDumb):
//
//  1. asks for info/refs?service=git-upload-pack; an answer that is not
//     a smart advertisement, by its content type, is the ref list (see
//     probe);
//  2. walks from the ref tips through tags, commits, parents and trees,
//     stopping at the commits that the mirror's refs already reach; each
//     object the mirror lacks comes from a pack that holds it (by the
//     pack's index, downloaded first, and not for a pack the mirror has)
//     or else loose;
//  3. sets the mirror's refs to the server's, and removes the others.
//
// Names from the server become part of URLs and paths only after a
// strict check; every pack and object is checked against its index or
// name before it is used.

// Limits bound what one Sync may download from a server that speaks only
// the dumb HTTP protocol, where the client, not the server, decides what
// to fetch, so that a hostile or broken server cannot make a Sync run
// forever or fill the disk. (The smart protocol is bounded by the
// server's pack; the scan that follows is bounded by gitwalk's limits.)
type Limits struct {
	// Objects bounds the objects fetched: loose ones, and those of the
	// packs downloaded. Linux, among the largest histories, has about
	// ten million.
	Objects int
	// Bytes bounds the bytes downloaded, and the inflated size of one
	// loose object.
	Bytes int64
	// RefsBytes bounds info/refs and objects/info/packs.
	RefsBytes int64
}

// DefaultLimits are the limits of a Mirrors whose Limits are zero (field
// by field).
var DefaultLimits = Limits{Objects: 16 << 20, Bytes: 16 << 30, RefsBytes: 64 << 20}

// smartType is the content type of a smart server's answer to GET
// info/refs?service=git-upload-pack.
const smartType = "application/x-git-upload-pack-advertisement"

// The HTTP client of the dumb protocol. Requests carry the Sync's
// context, whose deadline or cancellation ends the whole transfer; and a
// server that sends nothing for idleTimeout (no answer to a request, or
// a body that stalls) is given up.
var idleTimeout = 2 * time.Minute

var dumbClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}

// errNotFound is a 404 from the server.
var errNotFound = errors.New("not found")

// remote is one repository served over HTTP, for the dumb protocol:
// requests with the Sync's credentials, counted against its limits.
type remote struct {
	base       string // the URL without user information, ending in "/"
	user, pass string
	limits     Limits
	// bytes and objects count what was downloaded, from several
	// goroutines at once.
	bytes, objects atomic.Int64
}

// newRemote returns the remote of rawURL (http or https), with the
// token as basic authentication, or else the URL's own user and password.
func (m *Mirrors) newRemote(rawURL string) (*remote, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	r := &remote{limits: m.Limits}
	if r.limits.Objects <= 0 {
		r.limits.Objects = DefaultLimits.Objects
	}
	if r.limits.Bytes <= 0 {
		r.limits.Bytes = DefaultLimits.Bytes
	}
	if r.limits.RefsBytes <= 0 {
		r.limits.RefsBytes = DefaultLimits.RefsBytes
	}
	if m.Token != "" {
		r.user, r.pass = m.User, m.Token
	} else if u.User != nil {
		r.user = u.User.Username()
		r.pass, _ = u.User.Password()
	}
	u.User = nil
	u.RawQuery, u.Fragment = "", ""
	r.base = strings.TrimSuffix(u.String(), "/") + "/"
	return r, nil
}

// get requests rel (a path under the repository, built only from
// validated names) and returns the body, which counts against the byte
// limit. A 404 is errNotFound.
func (r *remote) get(ctx context.Context, rel string) (body io.ReadCloser, h http.Header, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	idle := time.AfterFunc(idleTimeout, func() {
		cancel(fmt.Errorf("%s: nothing received for %v", rel, idleTimeout))
	})
	defer func() {
		if err != nil {
			idle.Stop()
			cancel(nil)
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+rel, nil)
	if err != nil {
		return nil, nil, err
	}
	if r.user != "" || r.pass != "" {
		req.SetBasicAuth(r.user, r.pass)
	}
	req.Header.Set("User-Agent", "git/leakhound")
	resp, err := dumbClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, context.Cause(ctx)
		}
		// The error names the URL, which holds no credentials.
		return nil, nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return &budgetReader{r: resp.Body, rem: r, ctx: ctx, idle: idle, cancel: cancel}, resp.Header, nil
	case http.StatusNotFound:
		resp.Body.Close()
		return nil, nil, fmt.Errorf("%s: %w", rel, errNotFound)
	case http.StatusUnauthorized, http.StatusForbidden:
		resp.Body.Close()
		return nil, nil, fmt.Errorf("%s: %s (authentication failed or not allowed; see %s)", rel, resp.Status, TokenEnv)
	default:
		resp.Body.Close()
		return nil, nil, fmt.Errorf("%s: %s", rel, resp.Status)
	}
}

// getSmall reads all of rel, which must hold at most RefsBytes.
func (r *remote) getSmall(ctx context.Context, rel string) ([]byte, error) {
	body, _, err := r.get(ctx, rel)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return readSmall(body, rel, r.limits.RefsBytes)
}

func readSmall(body io.Reader, rel string, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: more than %d bytes", rel, limit)
	}
	return data, nil
}

// budgetReader counts what it reads against its remote's byte limit,
// and gives up on a body that stalls.
type budgetReader struct {
	r      io.ReadCloser
	rem    *remote
	ctx    context.Context
	idle   *time.Timer
	cancel context.CancelCauseFunc
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.idle.Reset(idleTimeout)
	if err != nil && err != io.EOF && b.ctx.Err() != nil {
		err = context.Cause(b.ctx)
	}
	if b.rem.bytes.Add(int64(n)) > b.rem.limits.Bytes {
		return n, fmt.Errorf("more than %d bytes may be downloaded", b.rem.limits.Bytes)
	}
	return n, err
}

func (b *budgetReader) Close() error {
	b.idle.Stop()
	b.cancel(nil)
	return b.r.Close()
}

// probe asks the server at rawURL for its refs as a smart client does,
// with GET info/refs?service=git-upload-pack. A smart server answers
// with the content type application/x-git-upload-pack-advertisement; any
// other answer with status 200 is a dumb server (a static file server
// ignores the query and sends the file info/refs), and its body is the
// ref list. A 404 means there is no git repository at the URL.
func (r *remote) probe(ctx context.Context) (smart bool, refs []byte, err error) {
	body, h, err := r.get(ctx, "info/refs?service=git-upload-pack")
	if errors.Is(err, errNotFound) {
		return false, nil, errors.New("not a git repository (no info/refs)")
	}
	if err != nil {
		return false, nil, err
	}
	defer body.Close()
	if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt == smartType {
		return true, nil, nil
	}
	refs, err = readSmall(body, "info/refs", r.limits.RefsBytes)
	return false, refs, err
}

// parseRefs parses info/refs: lines "<hex>\t<refname>", and the peeled
// "<hex>\t<refname>^{}" lines, which are checked and dropped. Every name
// is under refs/ and valid as git says, for it becomes a file's path in
// the mirror.
func parseRefs(data []byte) (map[plumbing.ReferenceName]plumbing.Hash, error) {
	refs := map[plumbing.ReferenceName]plumbing.Hash{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		hexID, name, ok := strings.Cut(line, "\t")
		if !ok || !isHex40(hexID) {
			return nil, fmt.Errorf("not a git repository (info/refs line %d is not a ref)", i+1)
		}
		if strings.HasSuffix(name, "^{}") {
			continue
		}
		rn := plumbing.ReferenceName(name)
		if !strings.HasPrefix(name, "refs/") || rn.Validate() != nil {
			return nil, fmt.Errorf("info/refs line %d: bad ref name %q", i+1, name)
		}
		refs[rn] = plumbing.NewHash(hexID)
	}
	return refs, nil
}

var hex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)

func isHex40(s string) bool { return hex40.MatchString(s) }

// packName is the only form of a line of objects/info/packs that is
// used; its name becomes part of a URL and of a file's path.
var packName = regexp.MustCompile(`^P (pack-[0-9a-f]{40})\.pack$`)

// parsePacks parses objects/info/packs into pack names ("pack-<hex>").
func parsePacks(data []byte) ([]string, error) {
	var names []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		m := packName.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("objects/info/packs line %d: not a pack: %q", i+1, line)
		}
		names = append(names, m[1])
	}
	return names, nil
}

// dumbFetch is one fetch over the dumb protocol into a mirror's store.
type dumbFetch struct {
	rem   *remote
	st    *filesystem.Storage
	dir   string // the mirror
	packs []*remotePack
	// packsRead is set once objects/info/packs was read.
	packsRead bool
}

// remotePack is a pack on the server that the mirror lacks, known by its
// index.
type remotePack struct {
	name string
	idx  *idxfile.MemoryIndex
	done bool
}

// syncDumb brings the mirror at dir (a bare repository, new or not) up to
// date with the refs given: it fetches every object reachable from them
// that the mirror lacks, then sets the mirror's refs to them, removing
// the others, and HEAD to the server's.
func (m *Mirrors) syncDumb(ctx context.Context, rem *remote, dir string, refs map[plumbing.ReferenceName]plumbing.Hash) error {
	fs := osfs.New(dir)
	// Packs stay open for the walk, which reads every commit and tree.
	st := filesystem.NewStorageWithOptions(fs, cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	defer st.Close()
	f := &dumbFetch{rem: rem, dir: dir, st: st}
	defer f.clean()
	complete, err := newComplete(st)
	if err != nil {
		return err
	}
	head, err := rem.getSmall(ctx, "HEAD")
	if err != nil && !errors.Is(err, errNotFound) {
		return err
	}
	if err := f.walk(ctx, refs, complete); err != nil {
		return err
	}
	return f.setRefs(refs, head)
}

// complete is the set of commits reachable from the mirror's refs,
// which need no fetch: refs are set only once everything they reach is
// stored. Other objects already stored (left by a fetch that failed) are
// read and walked, not trusted to be complete.
//
// The set grows as the walk needs it, as git's walker does: before a
// stored commit is judged, every commit reachable from the refs and
// committed no earlier than it is added, newest first. A commit whose
// date lies is then only walked without need (its objects are stored,
// so nothing is fetched), never trusted wrongly; and a fetch of a few
// new commits reads only the newest part of the mirror's history.
type complete struct {
	st     *filesystem.Storage
	done   map[plumbing.Hash]bool
	queued map[plumbing.Hash]bool
	next   commitHeap // reachable from the refs, not yet in done
}

func newComplete(st *filesystem.Storage) (*complete, error) {
	c := &complete{st: st, done: map[plumbing.Hash]bool{}, queued: map[plumbing.Hash]bool{}}
	iter, err := st.IterReferences()
	if err != nil {
		return nil, err
	}
	err = iter.ForEach(func(r *plumbing.Reference) error {
		if r.Type() == plumbing.HashReference {
			c.addTip(r.Hash())
		}
		return nil
	})
	return c, err
}

// addTip marks complete what a ref names, and the tags it peels to (what
// a ref names is complete: an unchanged ref costs nothing more), and
// queues the commit they reach. An object the store lacks or cannot
// decode ends the peeling.
func (c *complete) addTip(h plumbing.Hash) {
	for range 16 {
		o, err := c.st.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return
		}
		c.done[h] = true
		switch o.Type() {
		case plumbing.CommitObject:
			c.push(h)
		case plumbing.TagObject:
			t, err := object.DecodeTag(c.st, o)
			if err != nil {
				return
			}
			h = t.Target
			continue
		}
		return
	}
}

// push queues the stored commit h.
func (c *complete) push(h plumbing.Hash) {
	if c.queued[h] {
		return
	}
	c.queued[h] = true
	if commit, err := object.GetCommit(c.st, h); err == nil {
		heap.Push(&c.next, commit)
	}
}

// has reports whether commit h is known to be complete.
func (c *complete) has(h plumbing.Hash) bool { return c.done[h] }

// growTo adds the commits committed at or after when.
func (c *complete) growTo(when time.Time) {
	for c.next.Len() > 0 && !c.next[0].Committer.When.Before(when) {
		commit := heap.Pop(&c.next).(*object.Commit)
		c.done[commit.Hash] = true
		for _, p := range commit.ParentHashes {
			c.push(p)
		}
	}
}

// commitHeap is a heap of commits, the newest first.
type commitHeap []*object.Commit

func (h commitHeap) Len() int           { return len(h) }
func (h commitHeap) Less(i, j int) bool { return h[i].Committer.When.After(h[j].Committer.When) }
func (h commitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *commitHeap) Push(x any)        { *h = append(*h, x.(*object.Commit)) }
func (h *commitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// want is an object to have, with the type that the object naming it
// gives it (AnyObject for a ref).
type want struct {
	h plumbing.Hash
	t plumbing.ObjectType
}

// fetchers is how many loose objects are downloaded at once: over a
// network each costs a round trip, and git's own dumb walker keeps
// several requests in flight too.
const fetchers = 8

// walk fetches what the refs reach and the store lacks: from each tip
// through tags, commits, parents and trees, stopping at complete commits.
// It goes level by level, so that the loose objects of one level (a
// tree's entries, a commit's tree and parents) download at once.
func (f *dumbFetch) walk(ctx context.Context, refs map[plumbing.ReferenceName]plumbing.Hash, complete *complete) error {
	seen := map[plumbing.Hash]bool{}
	var level []want
	for _, h := range refs {
		level = append(level, want{h, plumbing.AnyObject})
	}
	for len(level) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		var objs []object.Object
		var loose []want
		for _, w := range level {
			if seen[w.h] || complete.has(w.h) {
				continue
			}
			seen[w.h] = true
			if f.st.HasEncodedObject(w.h) != nil {
				inPack, err := f.fetchPackWith(ctx, w.h)
				if err != nil {
					return err
				}
				if !inPack {
					loose = append(loose, w)
					continue
				}
			}
			o, err := f.stored(w)
			if err != nil {
				return err
			}
			if c, ok := o.(*object.Commit); ok {
				if complete.growTo(c.Committer.When); complete.has(w.h) {
					continue
				}
			}
			if o != nil {
				objs = append(objs, o)
			}
		}
		fetched, err := f.fetchLooseAll(ctx, loose)
		if err != nil {
			return err
		}
		var next []want
		for _, o := range append(objs, fetched...) {
			next = appendChildren(next, o)
		}
		level = next
	}
	return nil
}

// appendChildren appends the objects that o names, with their types.
func appendChildren(ws []want, o object.Object) []want {
	switch o := o.(type) {
	case *object.Commit:
		ws = append(ws, want{o.TreeHash, plumbing.TreeObject})
		for _, p := range o.ParentHashes {
			ws = append(ws, want{p, plumbing.CommitObject})
		}
	case *object.Tree:
		for _, e := range o.Entries {
			switch e.Mode {
			case filemode.Submodule: // a commit of another repository
			case filemode.Dir:
				ws = append(ws, want{e.Hash, plumbing.TreeObject})
			default:
				ws = append(ws, want{e.Hash, plumbing.BlobObject})
			}
		}
	case *object.Tag:
		ws = append(ws, want{o.Target, o.TargetType})
	}
	return ws
}

// stored returns the stored object w names, decoded (nil for a blob).
func (f *dumbFetch) stored(w want) (object.Object, error) {
	if w.t == plumbing.BlobObject {
		return nil, nil
	}
	eo, err := f.st.EncodedObject(w.t, w.h)
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", w.h, err)
	}
	if eo.Type() == plumbing.BlobObject {
		return nil, nil
	}
	return object.DecodeObject(f.st, eo)
}

// fetchLooseAll downloads the loose objects ws, fetchers at a time, and
// returns those that are not blobs, decoded.
func (f *dumbFetch) fetchLooseAll(ctx context.Context, ws []want) ([]object.Object, error) {
	objs := make([]object.Object, len(ws))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(fetchers)
	for i, w := range ws {
		g.Go(func() error {
			var err error
			objs[i], err = f.fetchLoose(gctx, w)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(objs, func(o object.Object) bool { return o == nil }), nil
}

// fetchPackWith downloads the server's pack that holds h, if one does.
func (f *dumbFetch) fetchPackWith(ctx context.Context, h plumbing.Hash) (bool, error) {
	if !f.packsRead {
		f.packsRead = true
		if err := f.readPacks(ctx); err != nil {
			return false, err
		}
	}
	for _, p := range f.packs {
		if p.done {
			continue
		}
		if ok, _ := p.idx.Contains(h); ok {
			p.done = true
			return true, f.fetchPack(ctx, p)
		}
	}
	return false, nil
}

// readPacks reads objects/info/packs and the index of each pack the
// mirror lacks. A pack the mirror holds, by name or by checksum, is
// skipped.
func (f *dumbFetch) readPacks(ctx context.Context) error {
	data, err := f.rem.getSmall(ctx, "objects/info/packs")
	if errors.Is(err, errNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	names, err := parsePacks(data)
	if err != nil {
		return err
	}
	for _, name := range names {
		if f.havePack(name) {
			continue
		}
		idx, err := f.readIndex(ctx, name)
		if err != nil {
			return err
		}
		if f.havePack("pack-" + plumbing.Hash(idx.PackfileChecksum).String()) {
			continue
		}
		f.packs = append(f.packs, &remotePack{name: name, idx: idx})
	}
	return nil
}

func (f *dumbFetch) havePack(name string) bool {
	_, err := os.Stat(filepath.Join(f.dir, "objects", "pack", name+".pack"))
	return err == nil
}

// readIndex downloads the index of pack name to a temporary file and
// decodes it. The decoder is given the file itself, not a buffer over it:
// it stats the file to check the object count of the index's fan-out
// table against the size, before it allocates for that many objects, so
// a hostile index cannot claim more than was downloaded.
func (f *dumbFetch) readIndex(ctx context.Context, name string) (*idxfile.MemoryIndex, error) {
	body, _, err := f.rem.get(ctx, "objects/pack/"+name+".idx")
	if err != nil {
		return nil, err
	}
	defer body.Close()
	tmp, err := os.CreateTemp(filepath.Join(f.dir, "objects", "pack"), "tmp_idx_")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := io.Copy(tmp, body); err != nil {
		return nil, fmt.Errorf("%s.idx: %w", name, err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(tmp).Decode(idx); err != nil {
		return nil, fmt.Errorf("%s.idx: %w", name, err)
	}
	n, err := idx.Count()
	if err != nil {
		return nil, fmt.Errorf("%s.idx: %w", name, err)
	}
	if f.rem.objects.Add(int64(n)) > int64(f.rem.limits.Objects) {
		return nil, fmt.Errorf("more than %d objects to fetch", f.rem.limits.Objects)
	}
	return idx, nil
}

// fetchPack streams pack p into the store, which indexes it as it comes
// (computing every object's name from its content, and the checksum of
// the whole), and checks that it is the pack its index describes.
func (f *dumbFetch) fetchPack(ctx context.Context, p *remotePack) error {
	body, _, err := f.rem.get(ctx, "objects/pack/"+p.name+".pack")
	if err != nil {
		return err
	}
	defer body.Close()
	w, err := f.st.PackfileWriter()
	if err != nil {
		return err
	}
	var tail tailWriter
	_, err = io.Copy(io.MultiWriter(w, &tail), body)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s.pack: %w", p.name, err)
	}
	if !bytes.Equal(tail.b[:], p.idx.PackfileChecksum[:]) {
		return fmt.Errorf("%s.pack does not match its index", p.name)
	}
	return nil
}

// tailWriter keeps the last 20 bytes written: a pack's checksum.
type tailWriter struct{ b [20]byte }

func (t *tailWriter) Write(p []byte) (int, error) {
	if len(p) >= len(t.b) {
		copy(t.b[:], p[len(p)-len(t.b):])
	} else {
		copy(t.b[:], t.b[len(p):])
		copy(t.b[len(t.b)-len(p):], p)
	}
	return len(p), nil
}

// fetchLoose downloads the loose object w names, checks it and stores it,
// and returns it decoded unless it is a blob. The check, with go-git's
// objfile reader: one zlib stream (its checksum too) and nothing after
// it, of the type expected, whose content has the size its header says
// and hashes to the object's name. The file is then stored as it came,
// compressed by the server, rather than inflated and compressed again
// (a third of the CPU time of a loose history). Content streams to disk;
// only commits, trees and tags are kept in memory, to be walked.
func (f *dumbFetch) fetchLoose(ctx context.Context, w want) (object.Object, error) {
	hx := w.h.String()
	rel := "objects/" + hx[:2] + "/" + hx[2:]
	body, _, err := f.rem.get(ctx, rel)
	if errors.Is(err, errNotFound) {
		return nil, fmt.Errorf("object %s is neither loose nor in a pack on the server", hx)
	}
	if err != nil {
		return nil, err
	}
	defer body.Close()
	if f.rem.objects.Add(1) > int64(f.rem.limits.Objects) {
		return nil, fmt.Errorf("more than %d objects to fetch", f.rem.limits.Objects)
	}
	// The temporary file is removed by clean if anything fails.
	tmp, err := os.CreateTemp(filepath.Join(f.dir, "objects", "pack"), "tmp_obj_")
	if err != nil {
		return nil, err
	}
	defer tmp.Close()
	in := &copyingReader{r: bufio.NewReader(body), w: bufio.NewWriter(tmp)}
	t, content, err := f.checkLoose(in, w)
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", hx, err)
	}
	if err := in.w.Flush(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	dst := filepath.Join(f.dir, "objects", hx[:2], hx[2:])
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(dst); err != nil {
		if err := os.Rename(tmp.Name(), dst); err != nil {
			return nil, err
		}
		_ = os.Chmod(dst, 0o444)
	}
	if t == plumbing.BlobObject {
		return nil, nil
	}
	mo := &plumbing.MemoryObject{}
	mo.SetType(t)
	mo.Write(content)
	return object.DecodeObject(f.st, mo)
}

// checkLoose reads a loose object from in and checks it against w; it
// returns the object's type and, unless it is a blob, its content.
func (f *dumbFetch) checkLoose(in *copyingReader, w want) (plumbing.ObjectType, []byte, error) {
	r, err := objfile.NewReader(in)
	if err != nil {
		return 0, nil, err
	}
	defer r.Close()
	t, size, err := r.Header()
	if err != nil {
		return 0, nil, err
	}
	if w.t != plumbing.AnyObject && t != w.t {
		return 0, nil, fmt.Errorf("a %s, named as a %s", t, w.t)
	}
	if size < 0 || size > f.rem.limits.Bytes {
		return 0, nil, fmt.Errorf("%d bytes: more than %d bytes may be downloaded", size, f.rem.limits.Bytes)
	}
	var content bytes.Buffer
	dst := io.Discard
	if t != plumbing.BlobObject {
		dst = &content
	}
	n, err := io.Copy(dst, io.LimitReader(r, size))
	if err == nil && n != size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return 0, nil, err
	}
	// The zlib stream must end here (which checks its checksum), and
	// the body with it.
	var one [1]byte
	if n, err := r.Read(one[:]); n != 0 || err != io.EOF {
		return 0, nil, fmt.Errorf("more than the %d bytes its header says (%v)", size, err)
	}
	if _, err := in.r.ReadByte(); err != io.EOF {
		return 0, nil, errors.New("data after its zlib stream")
	}
	if r.Hash() != w.h {
		return 0, nil, errors.New("its content does not match its name")
	}
	return t, content.Bytes(), nil
}

// copyingReader copies to w every byte read from r. It is an
// io.ByteReader, so that zlib reads from it no further than its stream.
type copyingReader struct {
	r *bufio.Reader
	w *bufio.Writer
}

func (c *copyingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.w.Write(p[:n])
	return n, err
}

func (c *copyingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.w.WriteByte(b)
	}
	return b, err
}

// clean removes the temporary files of failed downloads.
func (f *dumbFetch) clean() {
	tmps, _ := filepath.Glob(filepath.Join(f.dir, "objects", "pack", "tmp_*"))
	for _, t := range tmps {
		os.Remove(t)
	}
}

// setRefs sets the mirror's refs to the server's, removing the others,
// and HEAD to the server's HEAD ("ref: <name>") when it names one of
// them.
func (f *dumbFetch) setRefs(refs map[plumbing.ReferenceName]plumbing.Hash, head []byte) error {
	iter, err := f.st.IterReferences()
	if err != nil {
		return err
	}
	var stale []plumbing.ReferenceName
	_ = iter.ForEach(func(r *plumbing.Reference) error {
		if _, ok := refs[r.Name()]; !ok && strings.HasPrefix(r.Name().String(), "refs/") {
			stale = append(stale, r.Name())
		}
		return nil
	})
	for _, n := range stale {
		if err := f.st.RemoveReference(n); err != nil {
			return err
		}
	}
	for n, h := range refs {
		if err := f.st.SetReference(plumbing.NewHashReference(n, h)); err != nil {
			return err
		}
	}
	target, ok := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: ")
	if _, known := refs[plumbing.ReferenceName(target)]; ok && known {
		return f.st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.ReferenceName(target)))
	}
	return nil
}
