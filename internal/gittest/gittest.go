// Package gittest builds git repositories for tests, with go-git, in a
// temporary directory: commits with fixed dates, branches, merges, tags,
// and the odd shapes a scanner must handle (bare, shallow, missing
// objects); or from a recipe, a text file under the module's
// testdata/seeds that several packages' tests share, with the findings a
// scan of it must report (see BuildRecipe).
//
// It writes repositories; it knows nothing of how leakhound reads them.
package gittest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repo is a repository with a work tree, built commit by commit.
type Repo struct {
	t    testing.TB
	Dir  string
	Repo *git.Repository
	wt   *git.Worktree
	when time.Time
}

// Epoch is the date of the first commit; each later commit is an hour on.
var Epoch = time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)

// New creates an empty repository with a work tree in a temporary
// directory, on branch main.
func New(t testing.TB) *Repo {
	t.Helper()
	return NewAt(t, t.TempDir())
}

// NewAt creates an empty repository at dir.
func NewAt(t testing.TB, dir string) *Repo {
	t.Helper()
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		t.Fatal(err)
	}
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &Repo{t: t, Dir: dir, Repo: r, wt: wt, when: Epoch}
}

// Write writes a file in the work tree and stages it.
func (r *Repo) Write(path, content string) *Repo {
	r.t.Helper()
	return r.WriteBytes(path, []byte(content))
}

// WriteBytes writes a file in the work tree and stages it.
func (r *Repo) WriteBytes(path string, content []byte) *Repo {
	r.t.Helper()
	full := filepath.Join(r.Dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, content, 0o644); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.wt.Add(path); err != nil {
		r.t.Fatal(err)
	}
	return r
}

// Symlink makes path a symbolic link to target and stages it.
func (r *Repo) Symlink(path, target string) *Repo {
	r.t.Helper()
	full := filepath.Join(r.Dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Symlink(target, full); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.wt.Add(path); err != nil {
		r.t.Fatal(err)
	}
	return r
}

// Remove deletes a file and stages the deletion.
func (r *Repo) Remove(path string) *Repo {
	r.t.Helper()
	if _, err := r.wt.Remove(path); err != nil {
		r.t.Fatal(err)
	}
	return r
}

// Move renames a file and stages the rename.
func (r *Repo) Move(from, to string) *Repo {
	r.t.Helper()
	full := filepath.Join(r.Dir, filepath.FromSlash(to))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.wt.Move(from, to); err != nil {
		r.t.Fatal(err)
	}
	return r
}

// Commit commits what is staged and returns the commit id.
func (r *Repo) Commit(msg string) string {
	r.t.Helper()
	return r.commit(msg, nil)
}

// Merge commits what is staged as a merge of HEAD and the other commits.
// Write the merge result into the work tree first.
func (r *Repo) Merge(msg string, others ...string) string {
	r.t.Helper()
	head, err := r.Repo.Head()
	if err != nil {
		r.t.Fatal(err)
	}
	parents := []plumbing.Hash{head.Hash()}
	for _, o := range others {
		parents = append(parents, r.Resolve(o))
	}
	return r.commit(msg, parents)
}

func (r *Repo) commit(msg string, parents []plumbing.Hash) string {
	r.t.Helper()
	sig := &object.Signature{Name: "Dev Eloper", Email: "dev@example.com", When: r.when}
	r.when = r.when.Add(time.Hour)
	h, err := r.wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, Parents: parents, AllowEmptyCommits: true})
	if err != nil {
		r.t.Fatal(err)
	}
	return h.String()
}

// Branch creates a branch at HEAD and checks it out.
func (r *Repo) Branch(name string) *Repo {
	r.t.Helper()
	head, err := r.Repo.Head()
	if err != nil {
		r.t.Fatal(err)
	}
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName(name), head.Hash())
	if err := r.Repo.Storer.SetReference(ref); err != nil {
		r.t.Fatal(err)
	}
	return r.Checkout(name)
}

// Checkout checks a branch out, discarding work tree changes.
func (r *Repo) Checkout(name string) *Repo {
	r.t.Helper()
	if err := r.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name), Force: true}); err != nil {
		r.t.Fatal(err)
	}
	return r
}

// Tag creates a tag at a revision; annotated makes a tag object.
func (r *Repo) Tag(name, rev string, annotated bool) {
	r.t.Helper()
	var opts *git.CreateTagOptions
	if annotated {
		opts = &git.CreateTagOptions{Message: "tag " + name, Tagger: &object.Signature{Name: "T", Email: "t@example.com", When: r.when}}
	}
	if _, err := r.Repo.CreateTag(name, r.Resolve(rev), opts); err != nil {
		r.t.Fatal(err)
	}
}

// TagMessage creates an annotated tag at a revision with message msg.
func (r *Repo) TagMessage(name, rev, msg string) {
	r.t.Helper()
	opts := &git.CreateTagOptions{Message: msg, Tagger: &object.Signature{Name: "Tagger", Email: "tagger@example.com", When: r.when}}
	if _, err := r.Repo.CreateTag(name, r.Resolve(rev), opts); err != nil {
		r.t.Fatal(err)
	}
}

// TagBlob stores content as a blob and points the tag name straight at
// it, as `git tag name $(git hash-object -w file)` does: no commit holds
// it. It returns the blob's id.
func (r *Repo) TagBlob(name, content string) string {
	r.t.Helper()
	obj := r.Repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		r.t.Fatal(err)
	}
	w.Write([]byte(content))
	w.Close()
	h, err := r.Repo.Storer.SetEncodedObject(obj)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.Repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(name), h)); err != nil {
		r.t.Fatal(err)
	}
	return h.String()
}

// SetRef points a ref (full name) at a revision.
func (r *Repo) SetRef(name, rev string) {
	r.t.Helper()
	if err := r.Repo.Storer.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), r.Resolve(rev))); err != nil {
		r.t.Fatal(err)
	}
}

// DeleteRef removes a ref (full name).
func (r *Repo) DeleteRef(name string) {
	r.t.Helper()
	if err := r.Repo.Storer.RemoveReference(plumbing.ReferenceName(name)); err != nil {
		r.t.Fatal(err)
	}
}

// Resolve returns the commit id a revision names.
func (r *Repo) Resolve(rev string) plumbing.Hash {
	r.t.Helper()
	if plumbing.IsHash(rev) {
		return plumbing.NewHash(rev)
	}
	h, err := r.Repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		r.t.Fatalf("resolve %s: %v", rev, err)
	}
	return *h
}

// Head returns the commit id of HEAD.
func (r *Repo) Head() string {
	r.t.Helper()
	return r.Resolve("HEAD").String()
}

// BlobID returns the id of the blob at path in revision rev.
func (r *Repo) BlobID(rev, path string) string {
	r.t.Helper()
	c, err := r.Repo.CommitObject(r.Resolve(rev))
	if err != nil {
		r.t.Fatal(err)
	}
	f, err := c.File(path)
	if err != nil {
		r.t.Fatal(err)
	}
	return f.Hash.String()
}

// RemoveObject deletes a loose object, as a corrupt repository lacks it.
func (r *Repo) RemoveObject(id string) {
	r.t.Helper()
	p := filepath.Join(r.Dir, ".git", "objects", id[:2], id[2:])
	if err := os.Remove(p); err != nil {
		r.t.Fatal(err)
	}
}

// MakeShallow turns the repository into a shallow clone cut at commit id:
// the commit's parents and everything only they reach are forgotten, as
// git records it in .git/shallow.
func (r *Repo) MakeShallow(id string) {
	r.t.Helper()
	p := filepath.Join(r.Dir, ".git", "shallow")
	if err := os.WriteFile(p, []byte(id+"\n"), 0o644); err != nil {
		r.t.Fatal(err)
	}
	c, err := r.Repo.CommitObject(plumbing.NewHash(id))
	if err != nil {
		r.t.Fatal(err)
	}
	for _, ph := range c.ParentHashes {
		r.RemoveObject(ph.String())
	}
}

// AddRemote records a remote with a fetch refspec.
func (r *Repo) AddRemote(name, url string) {
	r.t.Helper()
	_, err := r.Repo.CreateRemote(&config.RemoteConfig{Name: name, URLs: []string{url}})
	if err != nil {
		r.t.Fatal(err)
	}
}

// Repack packs every object into one pack file, with deltas (by offset, or
// by reference with refDeltas), and removes the loose objects, as git gc
// leaves a repository.
func (r *Repo) Repack(refDeltas bool) {
	r.t.Helper()
	if err := r.Repo.RepackObjects(&git.RepackConfig{UseRefDeltas: refDeltas}); err != nil {
		r.t.Fatal(err)
	}
	objects := filepath.Join(r.Dir, ".git", "objects")
	entries, err := os.ReadDir(objects)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, e := range entries {
		if len(e.Name()) == 2 {
			if err := os.RemoveAll(filepath.Join(objects, e.Name())); err != nil {
				r.t.Fatal(err)
			}
		}
	}
	// Reopen: go-git caches the object directory listing.
	repo, err := git.PlainOpen(r.Dir)
	if err != nil {
		r.t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	r.Repo, r.wt = repo, wt
}
