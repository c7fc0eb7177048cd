package gitwalk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// entry is one entry of a raw git tree.
type entry struct {
	name []byte // slice into the tree's raw bytes
	mode filemode.FileMode
	hash plumbing.Hash
}

func (e *entry) isDir() bool { return e.mode == filemode.Dir }

// treeCache holds parsed trees. It keeps two generations: when the current
// one fills, it becomes the old one and the old one is dropped. Lookups
// promote from old to current, which makes it a cheap approximation of LRU.
type treeCache struct {
	cur, old   map[plumbing.Hash][]entry
	max        int
	bytesInCur int
}

func newTreeCache(maxBytes int) *treeCache {
	return &treeCache{cur: make(map[plumbing.Hash][]entry), old: make(map[plumbing.Hash][]entry), max: maxBytes}
}

func (c *treeCache) get(h plumbing.Hash) ([]entry, bool) {
	if es, ok := c.cur[h]; ok {
		return es, true
	}
	if es, ok := c.old[h]; ok {
		c.put(h, es)
		return es, true
	}
	return nil, false
}

func (c *treeCache) put(h plumbing.Hash, es []entry) {
	cost := 64 + len(es)*64
	if c.bytesInCur+cost > c.max/2 {
		c.old = c.cur
		c.cur = make(map[plumbing.Hash][]entry, len(c.old))
		c.bytesInCur = 0
	}
	c.cur[h] = es
	c.bytesInCur += cost
}

// maxTreeSize bounds the size of a tree object: 16 MiB is a directory of
// some 300,000 files. A larger tree is skipped (counted as
// leak.SkipTreeTooLarge): the files below it are not scanned. Its parsed
// entries take at most three times its size.
const maxTreeSize = 16 << 20

// treeReader reads and parses trees.
type treeReader struct {
	objs   *objects
	cache  *treeCache
	limits walkLimits
	// tooLarge holds the trees skipped for their size; met those met
	// since diffTrees began (see treeDiff.tooLarge).
	tooLarge map[plumbing.Hash]bool
	met      []plumbing.Hash
}

func newTreeReader(objs *objects, cacheBytes int) *treeReader {
	return &treeReader{objs: objs, cache: newTreeCache(cacheBytes), limits: objs.r.limits}
}

// tree returns the entries of tree h. A tree over maxTreeSize is recorded
// in tooLarge and read as empty.
func (tr *treeReader) tree(h plumbing.Hash) ([]entry, error) {
	if h.IsZero() || h == emptyTree {
		return nil, nil
	}
	if es, ok := tr.cache.get(h); ok {
		return es, nil
	}
	if tr.tooLarge[h] {
		tr.met = append(tr.met, h)
		return nil, nil
	}
	raw, err := tr.objs.typed(h, plumbing.TreeObject, maxTreeSize)
	if errors.Is(err, ErrTooLarge) {
		tr.noteTooLarge([]plumbing.Hash{h})
		tr.met = append(tr.met, h)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// The entries keep slices of raw, which the object cache may share: it
	// is never modified.
	es, err := parseTree(raw)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	tr.cache.put(h, es)
	return es, nil
}

// noteTooLarge records trees skipped for their size (by another
// treeReader, perhaps).
func (tr *treeReader) noteTooLarge(hs []plumbing.Hash) {
	for _, h := range hs {
		if tr.tooLarge == nil {
			tr.tooLarge = make(map[plumbing.Hash]bool)
		}
		tr.tooLarge[h] = true
	}
}

var emptyTree = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")

// parseTree parses a raw tree: entries of "<octal mode> <name>\0<20-byte id>".
// It checks and counts the entries first, then allocates them once: a
// malformed tree fails before anything is allocated for it, and a valid
// one costs what its entries take, never more. (Growing the slice as it
// parsed cost a sixth of a walk's CPU time.)
func parseTree(raw []byte) ([]entry, error) {
	n, err := countEntries(raw)
	if err != nil {
		return nil, err
	}
	es := make([]entry, n)
	for i := range es {
		sp := bytes.IndexByte(raw, ' ')
		var mode uint32
		for _, c := range raw[:sp] {
			mode = mode<<3 | uint32(c-'0')
		}
		raw = raw[sp+1:]
		nul := bytes.IndexByte(raw, 0)
		es[i] = entry{name: raw[:nul], mode: filemode.FileMode(mode)}
		copy(es[i].hash[:], raw[nul+1:nul+21])
		raw = raw[nul+21:]
	}
	return es, nil
}

// countEntries checks that raw is a well-formed tree (see parseTree) and
// returns how many entries it has.
func countEntries(raw []byte) (int, error) {
	n := 0
	for len(raw) > 0 {
		sp := bytes.IndexByte(raw, ' ')
		if sp <= 0 {
			return 0, fmt.Errorf("malformed entry")
		}
		for _, c := range raw[:sp] {
			if c < '0' || c > '7' {
				return 0, fmt.Errorf("malformed mode %q", raw[:sp])
			}
		}
		raw = raw[sp+1:]
		nul := bytes.IndexByte(raw, 0)
		if nul < 0 || len(raw) < nul+1+20 {
			return 0, fmt.Errorf("truncated entry")
		}
		if nul == 0 {
			return 0, fmt.Errorf("entry without a name")
		}
		raw = raw[nul+21:]
		n++
	}
	return n, nil
}

// compareEntries orders entries as git sorts trees: by name, with a
// directory's name followed by '/'.
func compareEntries(a, b *entry) int {
	n := min(len(a.name), len(b.name))
	if c := bytes.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	ca, cb := suffix(a, n), suffix(b, n)
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}

func suffix(e *entry, n int) int {
	switch {
	case len(e.name) > n:
		return int(e.name[n])
	case e.isDir():
		return '/'
	}
	return 0 // end of name
}

// change is a file that a commit changed relative to one parent.
type change struct {
	path     string
	mode     filemode.FileMode
	new, old plumbing.Hash // old is zero for an added file
}

// walkLimits bound the tree walks of one commit (its diffs against each of
// its parents), or one listing of a tree. Real trees are far inside them; a crafted one (a
// tree that contains itself, trees nested 40,000 deep, a few small trees
// whose entries all name the next, which list millions of files) ends the
// walk with an error that names the commit, having cost at most these.
type walkLimits struct {
	// depth is git's own default limit (core.maxTreeDepth).
	depth int
	// pathLen bounds a path built from nested tree entries.
	pathLen int
	// entries bounds the tree entries compared: the time.
	entries int
	// bytes bounds what is recorded: the memory. Each file costs its path
	// and fileCost bytes (the change, the interned path, the Source).
	bytes int
}

// walkBudget is what is left of a commit's walkLimits.entries and bytes.
type walkBudget struct{ entries, bytes int }

// budget returns a full budget.
func (tr *treeReader) budget() *walkBudget {
	return &walkBudget{entries: tr.limits.entries, bytes: tr.limits.bytes}
}

var defaultWalkLimits = walkLimits{depth: 4096, pathLen: 16 << 10, entries: 4 << 20, bytes: 256 << 20}

const fileCost = 256

// treeWalk is one comparison of two trees. Paths are built in one buffer,
// extended on the way down and cut on the way up, so that their cost is
// linear in the depth; the trees on the current path are kept, per side, to
// tell a tree that contains itself.
type treeWalk struct {
	tr    *treeReader
	ctx   context.Context
	paths *interner
	add   func(change)
	del   func(path string, h plumbing.Hash)
	path  []byte
	// oldOn and newOn are the trees on the current path, per side: a few
	// deep, where a scan beats a map.
	oldOn, newOn []plumbing.Hash
	depth        int
	budget       *walkBudget
}

// diff compares two trees and calls add for each file (or symlink or
// submodule) that is new or changed in newTree, and del for each file that
// is gone. Subtrees whose ids are equal are skipped unread. It stops with
// an error when ctx is done, a limit is reached or budget (nil for a fresh
// one) runs out; what it reported before that stands.
func (tr *treeReader) diff(ctx context.Context, budget *walkBudget, oldTree, newTree plumbing.Hash, paths *interner, add func(change), del func(path string, h plumbing.Hash)) error {
	if budget == nil {
		budget = tr.budget()
	}
	w := &treeWalk{tr: tr, ctx: ctx, paths: paths, add: add, del: del, budget: budget}
	return w.dir(oldTree, newTree)
}

// at names the current directory in errors, quoted, and shortened in the
// middle if it is long.
func (w *treeWalk) at() string {
	if len(w.path) == 0 {
		return "the top tree"
	}
	if len(w.path) > 120 {
		return fmt.Sprintf("%q…%q (%d bytes)", w.path[:60], w.path[len(w.path)-40:], len(w.path))
	}
	return fmt.Sprintf("%q", w.path)
}

func (w *treeWalk) dir(oldTree, newTree plumbing.Hash) error {
	if oldTree == newTree {
		return nil
	}
	switch {
	case w.depth >= w.tr.limits.depth:
		return fmt.Errorf("trees nested deeper than %d levels, at %s", w.tr.limits.depth, w.at())
	case !newTree.IsZero() && slices.Contains(w.newOn, newTree):
		return fmt.Errorf("%w: tree %s contains itself, at %s", errCorrupt, newTree, w.at())
	case !oldTree.IsZero() && slices.Contains(w.oldOn, oldTree):
		return fmt.Errorf("%w: tree %s contains itself, at %s", errCorrupt, oldTree, w.at())
	}
	olds, err := w.tr.tree(oldTree)
	if err != nil {
		return err
	}
	news, err := w.tr.tree(newTree)
	if err != nil {
		return err
	}
	w.depth++
	w.oldOn = append(w.oldOn, oldTree)
	w.newOn = append(w.newOn, newTree)
	defer func() {
		w.depth--
		w.oldOn = w.oldOn[:len(w.oldOn)-1]
		w.newOn = w.newOn[:len(w.newOn)-1]
	}()
	i, j := 0, 0
	for i < len(olds) || j < len(news) {
		if w.budget.entries--; w.budget.entries < 0 {
			return fmt.Errorf("the trees hold more than %d entries to compare (stopped at %s)", w.tr.limits.entries, w.at())
		}
		if w.budget.entries%4096 == 0 {
			if err := w.ctx.Err(); err != nil {
				return err
			}
		}
		var c int
		switch {
		case i == len(olds):
			c = 1
		case j == len(news):
			c = -1
		default:
			c = compareEntries(&olds[i], &news[j])
		}
		switch {
		case c < 0: // only in old: removed
			if err := w.removed(&olds[i]); err != nil {
				return err
			}
			i++
		case c > 0: // only in new: added
			if err := w.added(&news[j], plumbing.ZeroHash); err != nil {
				return err
			}
			j++
		default:
			o, n := &olds[i], &news[j]
			if o.hash != n.hash || o.mode != n.mode {
				if o.isDir() && n.isDir() {
					if err := w.sub(n.name, o.hash, n.hash); err != nil {
						return err
					}
				} else if err := w.added(n, o.hash); err != nil {
					return err
				}
			}
			i++
			j++
		}
	}
	return nil
}

// sub compares the subtrees named name.
func (w *treeWalk) sub(name []byte, oldTree, newTree plumbing.Hash) error {
	mark := len(w.path)
	if mark > 0 {
		w.path = append(w.path, '/')
	}
	w.path = append(w.path, name...)
	defer func() { w.path = w.path[:mark] }()
	if len(w.path) > w.tr.limits.pathLen {
		return fmt.Errorf("a path longer than %d bytes, at %s", w.tr.limits.pathLen, w.at())
	}
	return w.dir(oldTree, newTree)
}

// file returns the path of the file name in the current directory, and
// charges it to the walk.
func (w *treeWalk) file(name []byte) (string, error) {
	mark := len(w.path)
	if mark > 0 {
		w.path = append(w.path, '/')
	}
	w.path = append(w.path, name...)
	p := w.paths.intern(w.path)
	w.path = w.path[:mark]
	if w.budget.bytes -= len(p) + fileCost; w.budget.bytes < 0 {
		return "", fmt.Errorf("the trees list more files than a walk may record (%d MiB; stopped at %s)", w.tr.limits.bytes>>20, w.at())
	}
	return p, nil
}

// added reports e (and, for a directory, everything below it) as new. old
// is the id of what the same name held before, if anything.
func (w *treeWalk) added(e *entry, old plumbing.Hash) error {
	if e.isDir() {
		return w.sub(e.name, plumbing.ZeroHash, e.hash)
	}
	p, err := w.file(e.name)
	if err != nil {
		return err
	}
	w.add(change{path: p, mode: e.mode, new: e.hash, old: old})
	return nil
}

// removed reports e (and, for a directory, every file below it) as gone.
func (w *treeWalk) removed(e *entry) error {
	if e.isDir() {
		return w.sub(e.name, e.hash, plumbing.ZeroHash)
	}
	if e.mode.IsFile() {
		p, err := w.file(e.name)
		if err != nil {
			return err
		}
		w.del(p, e.hash)
	}
	return nil
}

// interner shares path strings.
type interner struct {
	m map[string]string
}

func newInterner() *interner { return &interner{m: make(map[string]string)} }

// intern returns p as a string, the same string for the same path.
func (in *interner) intern(p []byte) string {
	if s, ok := in.m[string(p)]; ok {
		return s
	}
	s := string(p)
	in.m[s] = s
	return s
}

// internString is intern for a path that is a string already.
func (in *interner) internString(p string) string {
	if s, ok := in.m[p]; ok {
		return s
	}
	in.m[p] = p
	return p
}

// FileAt returns the content of the file at path (slash-separated) in the
// tree of commit rev, or ok=false if there is none. A file larger than
// maxSize bytes (zero or less: leak.DefaultMaxFileSize) is not read: the
// error wraps ErrTooLarge.
func (r *Repo) FileAt(rev ID, path string, maxSize int64) (content []byte, ok bool, err error) {
	objs := r.newObjects(1<<20, false)
	defer objs.close()
	tree, err := commitTree(objs, rev.hash())
	if err != nil {
		return nil, false, err
	}
	tr := newTreeReader(objs, 1<<20)
	e, err := tr.lookup(tree, path, false)
	if err != nil || e == nil {
		return nil, false, err
	}
	b, err := objs.typed(e.hash, plumbing.BlobObject, sizeLimit(maxSize))
	if err != nil {
		return nil, false, err
	}
	return bytes.Clone(b), true, nil
}

// PathBlobs returns the blob id of each of paths (slash-separated) that is a
// file or a symbolic link (whose target Scan reads as content) in the tree
// of commit rev. Paths that rev lacks, or that name a directory or a
// submodule, are left out. Trees shared by several
// paths are read once.
func (r *Repo) PathBlobs(rev ID, paths []string) (map[string]ID, error) {
	objs := r.newObjects(1<<20, false)
	defer objs.close()
	return pathBlobs(objs, newTreeReader(objs, 4<<20), rev, paths)
}

// pathBlobs is PathBlobs with objs and tr.
func pathBlobs(objs *objects, tr *treeReader, rev ID, paths []string) (map[string]ID, error) {
	tree, err := commitTree(objs, rev.hash())
	if err != nil {
		return nil, err
	}
	out := make(map[string]ID)
	for _, p := range paths {
		if _, done := out[p]; done {
			continue
		}
		e, err := tr.lookup(tree, p, true)
		if err != nil {
			return nil, err
		}
		if e != nil {
			out[p] = idOf(e.hash)
		}
	}
	return out, nil
}

// commitTree returns the id of commit rev's tree.
func commitTree(objs *objects, rev plumbing.Hash) (plumbing.Hash, error) {
	c, err := objs.readCommit(rev)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return c.tree, nil
}

// lookup returns the entry of the file at path in tree, or nil if there is
// no such file (or it is not a regular or executable file, or, with links,
// a symbolic link).
func (tr *treeReader) lookup(tree plumbing.Hash, path string, links bool) (*entry, error) {
	parts := strings.Split(path, "/")
	for i, part := range parts {
		es, err := tr.tree(tree)
		if err != nil {
			return nil, err
		}
		var found *entry
		for k := range es {
			if string(es[k].name) == part {
				found = &es[k]
				break
			}
		}
		switch {
		case found == nil:
			return nil, nil
		case i < len(parts)-1 && !found.isDir():
			return nil, nil
		case i < len(parts)-1:
			tree = found.hash
			continue
		case !found.mode.IsFile() || found.mode == filemode.Symlink && !links:
			return nil, nil
		}
		return found, nil
	}
	return nil, nil
}
