package gitwalk

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
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
	objs  *objects
	cache *treeCache
	// tooLarge holds the trees skipped for their size.
	tooLarge map[plumbing.Hash]bool
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
		return nil, nil
	}
	raw, err := tr.objs.typed(h, plumbing.TreeObject, maxTreeSize)
	if errors.Is(err, errTooLarge) {
		if tr.tooLarge == nil {
			tr.tooLarge = make(map[plumbing.Hash]bool)
		}
		tr.tooLarge[h] = true
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

var emptyTree = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")

// parseTree parses a raw tree: entries of "<octal mode> <name>\0<20-byte id>".
// Its memory grows with the entries it parses, never ahead of them: the
// shortest entry takes 24 bytes, so a first guess at the count is a tenth
// of that, and a malformed tree fails before it costs more than its size.
func parseTree(raw []byte) ([]entry, error) {
	es := make([]entry, 0, min(len(raw)/240+1, 1024))
	for len(raw) > 0 {
		sp := bytes.IndexByte(raw, ' ')
		if sp <= 0 {
			return nil, fmt.Errorf("malformed entry")
		}
		var mode uint32
		for _, c := range raw[:sp] {
			if c < '0' || c > '7' {
				return nil, fmt.Errorf("malformed mode %q", raw[:sp])
			}
			mode = mode<<3 | uint32(c-'0')
		}
		raw = raw[sp+1:]
		nul := bytes.IndexByte(raw, 0)
		if nul < 0 || len(raw) < nul+1+20 {
			return nil, fmt.Errorf("truncated entry")
		}
		if nul == 0 {
			return nil, fmt.Errorf("entry without a name")
		}
		e := entry{name: raw[:nul], mode: filemode.FileMode(mode)}
		copy(e.hash[:], raw[nul+1:nul+21])
		es = append(es, e)
		raw = raw[nul+21:]
	}
	return es, nil
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

// diff compares two trees and calls add for each file (or symlink or
// submodule) that is new or changed in newTree, and del for each file that
// is gone. Subtrees whose ids are equal are skipped unread.
func (tr *treeReader) diff(oldTree, newTree plumbing.Hash, prefix string, paths *interner, add func(change), del func(path string, h plumbing.Hash)) error {
	if oldTree == newTree {
		return nil
	}
	olds, err := tr.tree(oldTree)
	if err != nil {
		return err
	}
	news, err := tr.tree(newTree)
	if err != nil {
		return err
	}
	i, j := 0, 0
	for i < len(olds) || j < len(news) {
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
			if err := tr.removed(&olds[i], prefix, paths, del); err != nil {
				return err
			}
			i++
		case c > 0: // only in new: added
			if err := tr.added(&news[j], plumbing.ZeroHash, prefix, paths, add, del); err != nil {
				return err
			}
			j++
		default:
			o, n := &olds[i], &news[j]
			if o.hash != n.hash || o.mode != n.mode {
				if o.isDir() && n.isDir() {
					if err := tr.diff(o.hash, n.hash, join(prefix, n.name), paths, add, del); err != nil {
						return err
					}
				} else if err := tr.added(n, o.hash, prefix, paths, add, del); err != nil {
					return err
				}
			}
			i++
			j++
		}
	}
	return nil
}

// added reports e (and, for a directory, everything below it) as new. old
// is the id of what the same name held before, if anything.
func (tr *treeReader) added(e *entry, old plumbing.Hash, prefix string, paths *interner, add func(change), del func(string, plumbing.Hash)) error {
	if e.isDir() {
		return tr.diff(plumbing.ZeroHash, e.hash, join(prefix, e.name), paths, add, del)
	}
	add(change{path: paths.intern(prefix, e.name), mode: e.mode, new: e.hash, old: old})
	return nil
}

// removed reports e (and, for a directory, every file below it) as gone.
func (tr *treeReader) removed(e *entry, prefix string, paths *interner, del func(string, plumbing.Hash)) error {
	if e.isDir() {
		return tr.diff(e.hash, plumbing.ZeroHash, join(prefix, e.name), paths, func(change) {}, del)
	}
	if e.mode.IsFile() {
		del(paths.intern(prefix, e.name), e.hash)
	}
	return nil
}

func join(prefix string, name []byte) string {
	if prefix == "" {
		return string(name)
	}
	return prefix + "/" + string(name)
}

// interner shares path strings.
type interner struct {
	m   map[string]string
	buf []byte
}

func newInterner() *interner { return &interner{m: make(map[string]string)} }

func (in *interner) intern(prefix string, name []byte) string {
	in.buf = in.buf[:0]
	if prefix != "" {
		in.buf = append(in.buf, prefix...)
		in.buf = append(in.buf, '/')
	}
	in.buf = append(in.buf, name...)
	if s, ok := in.m[string(in.buf)]; ok {
		return s
	}
	s := string(in.buf)
	in.m[s] = s
	return s
}

// FileAt returns the content of the file at path (slash-separated) in the
// tree of commit rev, or ok=false if there is none.
func (r *Repo) FileAt(rev ID, path string) (content []byte, ok bool, err error) {
	objs := r.newObjects(1<<20, false)
	defer objs.close()
	tree, err := commitTree(objs, rev.hash())
	if err != nil {
		return nil, false, err
	}
	tr := &treeReader{objs: objs, cache: newTreeCache(1 << 20)}
	e, err := tr.lookup(tree, path)
	if err != nil || e == nil {
		return nil, false, err
	}
	b, err := objs.typed(e.hash, plumbing.BlobObject, maxObjectSize)
	if err != nil {
		return nil, false, err
	}
	return bytes.Clone(b), true, nil
}

// PathBlobs returns the blob id of each of paths (slash-separated) that is a
// file in the tree of commit rev. Paths that rev lacks, or that name a
// directory, a symlink or a submodule, are left out. Trees shared by several
// paths are read once.
func (r *Repo) PathBlobs(rev ID, paths []string) (map[string]ID, error) {
	objs := r.newObjects(1<<20, false)
	defer objs.close()
	tree, err := commitTree(objs, rev.hash())
	if err != nil {
		return nil, err
	}
	tr := &treeReader{objs: objs, cache: newTreeCache(4 << 20)}
	out := make(map[string]ID)
	for _, p := range paths {
		if _, done := out[p]; done {
			continue
		}
		e, err := tr.lookup(tree, p)
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
	raw, err := objs.typed(rev, plumbing.CommitObject, maxObjectSize)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	c, err := object.DecodeCommit(nil, decode(plumbing.CommitObject, raw))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit %s: %w", rev, err)
	}
	return c.TreeHash, nil
}

// lookup returns the entry of the file at path in tree, or nil if there is
// no such file (or it is not a regular or executable file).
func (tr *treeReader) lookup(tree plumbing.Hash, path string) (*entry, error) {
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
		case !found.mode.IsFile() || found.mode == filemode.Symlink:
			return nil, nil
		}
		return found, nil
	}
	return nil, nil
}
