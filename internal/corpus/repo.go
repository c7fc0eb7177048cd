package corpus

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// dir is an immutable directory tree: a change makes new directories along
// its path and shares the rest, so that branches share what they did not
// change and each tree is hashed once.
type dir struct {
	entries map[string]*node
	hash    plumbing.Hash
	stored  bool
}

type node struct {
	blob plumbing.Hash
	sub  *dir
}

// with returns d with path set to blob, or removed when blob is zero.
func (d *dir) with(path []string, blob plumbing.Hash) *dir {
	nd := &dir{entries: make(map[string]*node, len(d.entries)+1)}
	for k, v := range d.entries {
		nd.entries[k] = v
	}
	name := path[0]
	if len(path) == 1 {
		if blob.IsZero() {
			delete(nd.entries, name)
		} else {
			nd.entries[name] = &node{blob: blob}
		}
		return nd
	}
	sub := &dir{entries: map[string]*node{}}
	if n := d.entries[name]; n != nil && n.sub != nil {
		sub = n.sub
	}
	sub = sub.with(path[1:], blob)
	if len(sub.entries) == 0 {
		delete(nd.entries, name)
	} else {
		nd.entries[name] = &node{sub: sub}
	}
	return nd
}

func (d *dir) store(s storer.EncodedObjectStorer) (plumbing.Hash, error) {
	if d.stored {
		return d.hash, nil
	}
	names := make([]string, 0, len(d.entries))
	for k := range d.entries {
		names = append(names, k)
	}
	// git orders tree entries by name, directories as if followed by "/".
	key := func(n string) string {
		if d.entries[n].sub != nil {
			return n + "/"
		}
		return n
	}
	sort.Slice(names, func(i, j int) bool { return key(names[i]) < key(names[j]) })
	t := &object.Tree{}
	for _, n := range names {
		e := d.entries[n]
		if e.sub != nil {
			h, err := e.sub.store(s)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			t.Entries = append(t.Entries, object.TreeEntry{Name: n, Mode: filemode.Dir, Hash: h})
		} else {
			t.Entries = append(t.Entries, object.TreeEntry{Name: n, Mode: filemode.Regular, Hash: e.blob})
		}
	}
	obj := s.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := s.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	d.hash, d.stored = h, true
	return h, nil
}

func storeBlob(s storer.EncodedObjectStorer, content string) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write([]byte(content)); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}

// WriteRepo writes the corpus as a git repository in dir (created bare),
// with branch main and the project branches, and records in c.Secrets the
// commit that introduced each secret.
func (c *Corpus) WriteRepo(path string) error {
	repo, err := git.PlainInit(path, true)
	if err != nil {
		return err
	}
	s := repo.Storer
	type branch struct {
		tree *dir
		head plumbing.Hash
		// changed are the paths the branch wrote since it left main, to
		// carry over when it is merged.
		changed map[string]plumbing.Hash
	}
	empty := &dir{entries: map[string]*node{}}
	branches := map[string]*branch{"": {tree: empty}}
	when := time.Date(2023, 1, 2, 9, 0, 0, 0, time.UTC)
	for i := range c.Commits {
		cm := &c.Commits[i]
		b := branches[cm.Branch]
		if b == nil {
			main := branches[""]
			b = &branch{tree: main.tree, head: main.head, changed: map[string]plumbing.Hash{}}
			branches[cm.Branch] = b
		}
		paths := make([]string, 0, len(cm.Files))
		for p := range cm.Files {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			var h plumbing.Hash
			if content := cm.Files[p]; content != "" {
				if h, err = storeBlob(s, content); err != nil {
					return err
				}
			}
			b.tree = b.tree.with(strings.Split(p, "/"), h)
			if b.changed != nil {
				b.changed[p] = h
			}
		}
		parents := []plumbing.Hash{}
		if !b.head.IsZero() {
			parents = append(parents, b.head)
		}
		if cm.Merge != "" {
			other := branches[cm.Merge]
			if other == nil {
				return fmt.Errorf("commit %d merges unknown branch %q", i, cm.Merge)
			}
			ps := make([]string, 0, len(other.changed))
			for p := range other.changed {
				ps = append(ps, p)
			}
			sort.Strings(ps)
			for _, p := range ps {
				b.tree = b.tree.with(strings.Split(p, "/"), other.changed[p])
			}
			parents = append(parents, other.head)
		}
		th, err := b.tree.store(s)
		if err != nil {
			return err
		}
		sig := object.Signature{Name: "Dev Eloper", Email: "dev@example.com", When: when}
		when = when.Add(37 * time.Minute)
		co := &object.Commit{Author: sig, Committer: sig, Message: cm.Message + "\n", TreeHash: th, ParentHashes: parents}
		obj := s.NewEncodedObject()
		if err := co.Encode(obj); err != nil {
			return err
		}
		h, err := s.SetEncodedObject(obj)
		if err != nil {
			return err
		}
		b.head = h
		for _, si := range cm.secrets {
			c.Secrets[si].Commit = h.String()
		}
	}
	for name, b := range branches {
		ref := "main"
		if name != "" {
			ref = name
		}
		if err := s.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(ref), b.head)); err != nil {
			return err
		}
	}
	return s.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("main")))
}
