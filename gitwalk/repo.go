// Package gitwalk walks a git repository's history and yields what each
// commit added, for scanning.
//
// It reads repositories with go-git only and never runs the git binary, nor
// anything a repository's configuration names (hooks, filters, fsmonitor,
// pagers): scanning an untrusted repository executes nothing.
//
// A scan has two phases. Plan walks the commits in range and diffs each
// commit's tree against its parents' trees, recording for every blob the
// paths and commits that introduced it (a merge introduces only what differs
// from every parent). Scan then reads each unique blob once, in pack order
// with several readers in parallel, and hands it to a callback as a
// leak.Fragment carrying every Source that introduced it.
//
// go-git stays inside the package: object ids are ID, errors wrap the
// package's own sentinels (ErrNotRepository, ErrObjectNotFound). Opening a
// repository changes nothing process-wide: go-git's hash implementations
// are left as they are. (An earlier version made go-git hash with plain
// SHA-1, a global change for every go-git user in the process; measured
// on full scans of pallets/flask and sqlalchemy, it saved nothing
// measurable, since blobs are read by this package's own pack reader.)
//
// A repository may be crafted to hurt a scanner, so every read is bounded:
// loose objects are inflated no further than their declared size and
// verified against their ids, pack indexes are checked against their packs,
// commits are read by their head, trees have a size limit and tree walks a
// depth, a cycle check and a budget, delta chains a budget of work, and
// refs and other repository files are read regular-files-only and capped.
// What cannot be read is reported by id to an ErrorFunc, or counted as a
// typed skip; nothing found before is lost.
//
// The package knows git; it knows nothing of rules, detectors or reports.
package gitwalk

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/leakhound/leakhound/internal/safefile"
)

// ErrNotRepository is returned by Open for a path that holds no git
// repository.
var ErrNotRepository = errors.New("not a git repository")

// Repo is an opened repository. A Repo is not safe for concurrent use,
// except that Scan runs its own readers.
type Repo struct {
	// gitDir is the repository's git directory (for a linked worktree, its
	// private one); commonDir holds objects and refs.
	gitDir, commonDir string
	// workTree is the top of the work tree, or "" for a bare repository.
	workTree string
	fs       billy.Filesystem
	// st reads the config, the index and the shallow file.
	st *filesystem.Storage
	// refs reads refs.
	refs *refStore
	// objDirs are the object directories, in the order they are searched:
	// see OpenOptions.
	objDirs []string
	// quarantine says objDirs[0] is git's quarantine directory: see
	// OpenOptions.Quarantine.
	quarantine bool
	// limits bound each tree walk (tests lower them).
	limits walkLimits

	packsOnce sync.Once
	packs     *packIndexes
}

// Open opens the repository at path: a work tree (or a directory inside
// one), a bare repository, or a linked worktree. Its objects are read from
// its objects directory and the alternates that objects/info/alternates
// lists (as a clone made with git clone --shared has), as git reads them.
func Open(path string) (*Repo, error) {
	return OpenWith(path, OpenOptions{})
}

// OpenWith is Open with a choice of object directories: see OpenOptions.
func OpenWith(path string, opts OpenOptions) (*Repo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s: %w", path, ErrNotRepository)
	}
	gitDir, workTree, err := findGitDir(abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	commonDir := gitDir
	if b, err := readSmall(filepath.Join(gitDir, "commondir"), 64<<10); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		commonDir = filepath.Clean(c)
	}
	var fs billy.Filesystem = osfs.New(gitDir, osfs.WithBoundOS())
	if commonDir != gitDir {
		fs = dotgit.NewRepositoryFilesystem(fs, osfs.New(commonDir, osfs.WithBoundOS()))
	}
	objDir := filepath.Join(commonDir, "objects")
	if opts.ObjectDir != "" {
		if objDir, err = filepath.Abs(opts.ObjectDir); err != nil {
			return nil, err
		}
	}
	dirs, err := objectDirs(objDir, opts.AlternateObjectDirs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := &Repo{gitDir: gitDir, commonDir: commonDir, workTree: workTree, fs: fs, objDirs: dirs, limits: defaultWalkLimits,
		refs: &refStore{gitDir: gitDir, commonDir: commonDir}, quarantine: opts.Quarantine && opts.ObjectDir != ""}
	r.st = r.newStorage(4 * cache.MiByte)
	return r, nil
}

func (r *Repo) newStorage(cacheSize cache.FileSize) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(r.fs, cache.NewObjectLRU(cacheSize), filesystem.Options{KeepDescriptors: true})
}

// Close releases the repository's files. Readers and plans must not be
// used after it.
func (r *Repo) Close() error {
	if r.packs != nil {
		r.packs.close()
	}
	return r.st.Close()
}

// GitDir returns the repository's git directory.
func (r *Repo) GitDir() string { return r.gitDir }

// WorkTree returns the top directory of the work tree, or "" for a bare
// repository.
func (r *Repo) WorkTree() string { return r.workTree }

// findGitDir finds the git directory for dir, and the work tree it belongs
// to: dir itself when it is a bare repository, else dir/.git (a directory, or
// a file naming one), or the same for a parent of dir.
func findGitDir(dir string) (gitDir, workTree string, err error) {
	if isGitDir(dir) {
		if filepath.Base(dir) == ".git" {
			return dir, filepath.Dir(dir), nil
		}
		return dir, "", nil
	}
	for d := dir; ; {
		dotGit := filepath.Join(d, ".git")
		if fi, err := os.Stat(dotGit); err == nil {
			if fi.IsDir() && isGitDir(dotGit) {
				return dotGit, d, nil
			}
			if fi.Mode().IsRegular() {
				g, err := readGitFile(dotGit)
				return g, d, err
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", "", ErrNotRepository
		}
		d = parent
	}
}

// isGitDir reports whether d looks like a git directory: HEAD and objects,
// or HEAD and a commondir file (a linked worktree's).
func isGitDir(d string) bool {
	if _, err := os.Stat(filepath.Join(d, "HEAD")); err != nil {
		return false
	}
	if fi, err := os.Stat(filepath.Join(d, "objects")); err == nil && fi.IsDir() {
		return true
	}
	_, err := os.Stat(filepath.Join(d, "commondir"))
	return err == nil
}

// readGitFile follows a ".git" file ("gitdir: <path>") to the git directory.
func readGitFile(p string) (string, error) {
	b, err := readSmall(p, 64<<10)
	if err != nil {
		return "", err
	}
	line := strings.TrimSpace(string(b))
	target, ok := strings.CutPrefix(line, "gitdir:")
	if !ok {
		return "", fmt.Errorf("%s: not a gitdir file", p)
	}
	target = strings.TrimSpace(target)
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(p), target)
	}
	target = filepath.Clean(target)
	if !isGitDir(target) {
		return "", fmt.Errorf("%s points to %s: %w", p, target, ErrNotRepository)
	}
	return target, nil
}

// ResolveRef resolves a revision to an object id: a ref name (full, or
// short: a branch, tag or remote branch), or a full or abbreviated object
// id, optionally followed by git's ancestry suffixes: ~N (the Nth
// first-parent ancestor), ^N (the Nth parent; ^0 the commit itself), ~ and ^
// (one).
func (r *Repo) ResolveRef(rev string) (ID, error) {
	h, err := r.resolveRev(rev)
	return idOf(h), err
}

// resolveRev is ResolveRef.
func (r *Repo) resolveRev(rev string) (plumbing.Hash, error) {
	name, ops := rev, ""
	if i := strings.IndexAny(rev, "~^"); i > 0 {
		name, ops = rev[:i], rev[i:]
	}
	h, err := r.resolveName(name)
	if err != nil || ops == "" {
		return h, err
	}
	for ops != "" {
		op := ops[0]
		j := 1
		for j < len(ops) && ops[j] >= '0' && ops[j] <= '9' {
			j++
		}
		n := 1
		if j > 1 {
			v, err := strconv.Atoi(ops[1:j])
			if err != nil || v > 1<<20 {
				return plumbing.ZeroHash, fmt.Errorf("revision %q: bad number %q", rev, ops[1:j])
			}
			n = v
		}
		ops = ops[j:]
		if op != '~' && op != '^' {
			return plumbing.ZeroHash, fmt.Errorf("revision %q: unsupported syntax at %q", rev, string(op)+ops)
		}
		if h, err = r.peelCommit(rev, h); err != nil {
			return plumbing.ZeroHash, err
		}
		steps, parent := n, 0 // ~N: N first parents
		if op == '^' {
			if n == 0 {
				continue
			}
			steps, parent = 1, n-1
		}
		for ; steps > 0; steps-- {
			ps, err := r.parents(h)
			if err != nil {
				return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
			}
			if parent >= len(ps) {
				return plumbing.ZeroHash, fmt.Errorf("revision %q: commit %s has no parent %d", rev, h, parent+1)
			}
			h = ps[parent]
		}
	}
	return h, nil
}

// parents returns the parents of commit h.
func (r *Repo) parents(h plumbing.Hash) ([]plumbing.Hash, error) {
	objs := r.newObjects(1<<20, false)
	defer objs.close()
	c, err := objs.readCommit(h)
	if err != nil {
		return nil, err
	}
	return c.parents, nil
}

// resolveName resolves a ref name or object id, without suffixes.
func (r *Repo) resolveName(name string) (plumbing.Hash, error) {
	if plumbing.IsHash(name) {
		return plumbing.NewHash(name), nil
	}
	candidates := []string{name, "refs/" + name, "refs/tags/" + name, "refs/heads/" + name, "refs/remotes/" + name, "refs/remotes/" + name + "/HEAD"}
	for _, c := range candidates {
		ref, err := r.refs.read(c)
		if err != nil {
			continue
		}
		h, err := r.resolve(ref, 0)
		if err == nil {
			return h, nil
		}
	}
	if len(name) >= 4 && len(name) < 40 && isHex(name) {
		match := r.idsWithPrefix(strings.ToLower(name))
		switch len(match) {
		case 1:
			return match[0], nil
		case 0:
		default:
			return plumbing.ZeroHash, fmt.Errorf("%q is ambiguous: %d objects start with it", name, len(match))
		}
	}
	return plumbing.ZeroHash, fmt.Errorf("unknown revision %q", name)
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// resolve follows symbolic refs.
func (r *Repo) resolve(ref *plumbing.Reference, depth int) (plumbing.Hash, error) {
	for ref.Type() == plumbing.SymbolicReference {
		if depth > 10 {
			return plumbing.ZeroHash, fmt.Errorf("ref %s: too many levels of symbolic refs", ref.Name())
		}
		next, err := r.refs.read(ref.Target().String())
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("ref %s: %w", ref.Name(), err)
		}
		ref = next
		depth++
	}
	return ref.Hash(), nil
}

// Ref is a named ref and the object it points to.
type Ref struct {
	Name string
	ID   ID
}

// Refs returns every ref: branches, tags, remote-tracking refs, notes,
// HEAD and the other worktrees' HEADs (main-worktree/HEAD,
// worktrees/<id>/HEAD), and the older entries of the reflogs of the stash
// and of remote-tracking branches (refs/stash@{1},
// refs/remotes/origin/main@{2}: see LogEntry), each resolved to an object
// id. A ref that cannot be read or
// resolved, and a malformed line of packed-refs, is passed to onErr (named
// "ref <name>", or "packed-refs" with the line number in the error); the
// others are returned.
func (r *Repo) Refs(onErr ErrorFunc) ([]Ref, error) {
	all, errs := r.refs.all()
	for _, e := range errs {
		if err := onErr(e.item, e.err); err != nil {
			return nil, err
		}
	}
	var refs []Ref
	for _, ref := range all {
		h, err := r.resolve(ref, 0)
		if errors.Is(err, plumbing.ErrReferenceNotFound) && ref.Type() == plumbing.SymbolicReference {
			continue // a symbolic ref to a branch not born yet, as HEAD in a new repository
		}
		if err != nil {
			if err := onErr("ref "+ref.Name().String(), err); err != nil {
				return nil, err
			}
			continue
		}
		refs = append(refs, Ref{Name: ref.Name().String(), ID: idOf(h)})
	}
	return refs, nil
}

// LogEntry reports whether the ref name that Refs returned is an older
// entry of a ref's reflog (refs/stash@{1}), what the ref once held, not
// what it holds.
func LogEntry(name string) bool { return strings.Contains(name, "@{") }

// HooksPath returns the directory git runs this repository's hooks from:
// core.hooksPath when set (a relative path is taken from the top of the work
// tree, as git does), else the hooks directory of the common git directory,
// which linked worktrees share.
func (r *Repo) HooksPath() (string, error) {
	cfg, err := r.st.Config()
	if err != nil {
		return "", fmt.Errorf("read git config: %w", err)
	}
	p := cfg.Raw.Section("core").Option("hooksPath")
	if p == "" {
		return filepath.Join(r.commonDir, "hooks"), nil
	}
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	if !filepath.IsAbs(p) {
		base := r.workTree
		if base == "" {
			base = r.gitDir
		}
		p = filepath.Join(base, p)
	}
	return filepath.Clean(p), nil
}

// Shallow reports the commits at the boundary of a shallow clone.
func (r *Repo) Shallow() ([]ID, error) {
	hs, bad, err := r.shallow()
	if err == nil && len(bad) > 0 {
		err = bad[0]
	}
	out := make([]ID, len(hs))
	for i, h := range hs {
		out[i] = idOf(h)
	}
	return out, err
}

// maxShallowFile bounds the shallow file: 41 bytes a commit.
const maxShallowFile = 256 << 20

// shallow reads the shallow file: the ids of the commits at the boundary
// of a shallow clone, one a line. Lines that are not ids are left out, and
// returned as bad.
func (r *Repo) shallow() (ids []plumbing.Hash, bad []error, err error) {
	data, err := readSmall(filepath.Join(r.commonDir, "shallow"), maxShallowFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		id, err := ParseID(line)
		if err != nil {
			bad = append(bad, fmt.Errorf("line %d: not an object id", n+1))
			continue
		}
		ids = append(ids, id.hash())
	}
	return ids, bad, nil
}

// readSmall reads a file of the repository's that git reads whole (a
// symbolic link is followed, as git does), if it is a regular file of at
// most max bytes: not a FIFO, which would hang the read, nor /dev/zero.
func readSmall(path string, max int64) ([]byte, error) {
	return safefile.ReadPath(context.Background(), path, max)
}

// ErrorFunc is called with a problem on one object or ref (named by item);
// returning nil continues the walk, an error aborts it with that error.
type ErrorFunc func(item string, err error) error

// ErrNoDefaultBranch is returned by DefaultBranch for a repository whose
// HEAD leads to no commit.
var ErrNoDefaultBranch = errors.New("no default branch")

// DefaultBranch returns the tip of the repository's default branch, for
// telling a secret still in the code from one left in history only:
//
//   - the branch HEAD names (refs/heads/main in a clone or a bare mirror);
//   - when HEAD is detached, or names a branch with no commit yet, the
//     branch refs/remotes/origin/HEAD names (a clone's record of the
//     remote's default branch);
//   - else a detached HEAD's own commit, named "HEAD" (what CI checks out);
//   - else ErrNoDefaultBranch.
func (r *Repo) DefaultBranch() (Ref, error) {
	head, err := r.refs.read("HEAD")
	detached := err == nil && head.Type() == plumbing.HashReference
	if err == nil && head.Type() == plumbing.SymbolicReference {
		if ref, err := r.refs.read(head.Target().String()); err == nil {
			if h, err := r.resolve(ref, 0); err == nil {
				return Ref{Name: head.Target().String(), ID: idOf(h)}, nil
			}
		}
	}
	if origin, err := r.refs.read("refs/remotes/origin/HEAD"); err == nil {
		name := origin.Name()
		if origin.Type() == plumbing.SymbolicReference {
			name = origin.Target()
		}
		if h, err := r.resolve(origin, 0); err == nil {
			return Ref{Name: name.String(), ID: idOf(h)}, nil
		}
	}
	if detached && !head.Hash().IsZero() {
		return Ref{Name: "HEAD", ID: idOf(head.Hash())}, nil
	}
	return Ref{}, ErrNoDefaultBranch
}

// User returns the user.name and user.email git would commit with: from the
// repository's config, else the user's global config. Either may be "". It
// only reads files; it runs nothing.
func (r *Repo) User() (name, email string) {
	if cfg, err := r.st.Config(); err == nil {
		name, email = cfg.User.Name, cfg.User.Email
	}
	if name != "" && email != "" {
		return name, email
	}
	if cfg, err := gitconfig.LoadConfig(gitconfig.GlobalScope); err == nil {
		if name == "" {
			name = cfg.User.Name
		}
		if email == "" {
			email = cfg.User.Email
		}
	}
	return name, email
}

// ResolveCommit resolves a revision, as ResolveRef does, to a commit,
// peeling annotated tags. When the revision's object, or a tag's target, is
// not in the repository (a shallow or partial clone, a commit never
// fetched), the error wraps ErrObjectNotFound.
func (r *Repo) ResolveCommit(rev string) (ID, error) {
	h, err := r.resolveRev(rev)
	if err != nil {
		return ID{}, err
	}
	h, err = r.peelCommit(rev, h)
	return idOf(h), err
}

// peelCommit follows annotated tags from h to a commit; rev names h in
// errors.
func (r *Repo) peelCommit(rev string, h plumbing.Hash) (plumbing.Hash, error) {
	objs := r.newObjects(1<<20, false)
	defer objs.close()
	return peelCommit(objs, rev, h)
}

// peelCommit is Repo.peelCommit with objs.
func peelCommit(objs *objects, rev string, h plumbing.Hash) (plumbing.Hash, error) {
	h, typ, _, _, err := objs.peel(h)
	switch {
	case err != nil:
		return plumbing.ZeroHash, fmt.Errorf("%s: %w", rev, err)
	case typ != plumbing.CommitObject:
		return plumbing.ZeroHash, fmt.Errorf("%s: %s is a %s, not a commit", rev, h, typ)
	}
	return h, nil
}
