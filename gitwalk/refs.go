package gitwalk

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/safefile"
)

// refStore reads refs as git stores them: HEAD and the refs private to a
// worktree in its git directory, the rest as files under refs/ in the
// common directory, or as lines of its packed-refs file.
//
// A ref file is read regular-files-only (a symbolic link to one is
// followed, as git does for HEAD) and capped; a directory that is a
// symbolic link is not entered. A malformed line of packed-refs is left
// out, and reported with its line number by all; the other lines stand.
type refStore struct {
	gitDir, commonDir string

	packedOnce sync.Once
	packed     []*plumbing.Reference // in file order
	packedErrs []error               // each "line N: ..."
	// packedPeeled are the objects annotated tags of packed-refs peel
	// to, as its "^<id>" lines say, by ref name.
	packedPeeled map[string]plumbing.Hash
}

// itemError is a problem with one item (a ref, a file), for an ErrorFunc.
type itemError struct {
	item string
	err  error
}

const (
	// maxRefFile bounds a loose ref file ("ref: ..." or an id).
	maxRefFile = 64 << 10
	// maxRefLine bounds a line of packed-refs.
	maxRefLine = 64 << 10
	// maxRefDepth bounds the directories under refs/.
	maxRefDepth = 64
	// maxRefLog bounds the reflog of one ref that is walked (the stash
	// list, a remote-tracking branch's): some 7,000 entries.
	maxRefLog = 1 << 20
	// maxLogBytes bounds the reflogs read in all, and so the refs made of
	// their entries: a crafted repository of many remote-tracking branches,
	// each with a long reflog, cannot make a walk of millions of tips.
	maxLogBytes = 16 << 20
)

// ErrMalformedRef is wrapped by errors about a ref file or a line of
// packed-refs that is neither an object id nor a symbolic ref.
var ErrMalformedRef = errors.New("malformed ref")

// validRefName reports whether name is a ref name that is safe to look up
// as a path: git's rules (git check-ref-format), as far as they keep a
// name inside refs/: no empty component, no "..", no component
// starting with a dot or ending with ".lock", no control characters,
// spaces, or any of ~^:?*[\, and no "@{".
func validRefName(name string) bool {
	if name == "" || strings.Contains(name, "@{") || strings.Contains(name, "..") || strings.HasSuffix(name, ".") {
		return false
	}
	for _, c := range []byte(name) {
		if c < 0x20 || c == 0x7f || strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return false
		}
	}
	for comp := range strings.SplitSeq(name, "/") {
		if comp == "" || comp[0] == '.' || strings.HasSuffix(comp, ".lock") {
			return false
		}
	}
	return true
}

// dirFor returns the directory that holds the ref name: the git directory
// for HEAD, pseudo-refs and the per-worktree refs, the common one for the
// rest.
func (s *refStore) dirFor(name string) string {
	if !strings.HasPrefix(name, "refs/") || strings.HasPrefix(name, "refs/worktree/") ||
		strings.HasPrefix(name, "refs/bisect/") || strings.HasPrefix(name, "refs/rewritten/") {
		return s.gitDir
	}
	return s.commonDir
}

// read returns the ref name, or an error wrapping
// plumbing.ErrReferenceNotFound.
func (s *refStore) read(name string) (*plumbing.Reference, error) {
	if !validRefName(name) {
		return nil, fmt.Errorf("ref %q: %w", name, plumbing.ErrReferenceNotFound)
	}
	ref, err := s.readLoose(name)
	if err == nil {
		return ref, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("ref %s: %w", name, err)
	}
	for _, r := range s.packedRefs() {
		if r.Name().String() == name {
			return r, nil
		}
	}
	return nil, fmt.Errorf("ref %s: %w", name, plumbing.ErrReferenceNotFound)
}

// readLoose reads the loose ref file of name.
func (s *refStore) readLoose(name string) (*plumbing.Reference, error) {
	return s.readFileAs(name, filepath.Join(s.dirFor(name), filepath.FromSlash(name)))
}

// readFileAs reads the ref file at p as the ref name.
func (s *refStore) readFileAs(name, p string) (*plumbing.Reference, error) {
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return nil, os.ErrNotExist // a directory of refs, not a ref
	}
	data, err := safefile.ReadPath(context.Background(), p, maxRefFile)
	if err != nil {
		return nil, err
	}
	return parseRef(name, strings.TrimSpace(string(data)))
}

// parseRef parses the content of a ref file: an object id, or "ref: "
// and the name of another ref.
func parseRef(name, content string) (*plumbing.Reference, error) {
	if target, ok := strings.CutPrefix(content, "ref:"); ok {
		target = strings.TrimSpace(target)
		if !validRefName(target) {
			return nil, fmt.Errorf("%w: names %q", ErrMalformedRef, target)
		}
		return plumbing.NewSymbolicReference(plumbing.ReferenceName(name), plumbing.ReferenceName(target)), nil
	}
	id, err := ParseID(content)
	if err != nil {
		return nil, fmt.Errorf("%w (%d bytes, neither an object id nor \"ref: <name>\")", ErrMalformedRef, len(content))
	}
	return plumbing.NewHashReference(plumbing.ReferenceName(name), id.hash()), nil
}

// packedRefs returns the refs of packed-refs, read once.
func (s *refStore) packedRefs() []*plumbing.Reference {
	s.packedOnce.Do(func() {
		f, err := safefile.OpenPath(filepath.Join(s.commonDir, "packed-refs"))
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				s.packedErrs = append(s.packedErrs, err)
			}
			return
		}
		defer f.Close()
		s.packed, s.packedPeeled, s.packedErrs = parsePackedRefs(f)
	})
	return s.packed
}

// parsePackedRefs parses a packed-refs file: a "#" header, lines of
// "<id> <name>", each optionally followed by "^<id>", the object an
// annotated tag peels to. A line that is none of these, or longer than
// maxRefLine, is an error naming its line number, and is left out.
// peeled maps the names of refs followed by a "^<id>" line to that id.
func parsePackedRefs(r io.Reader) (refs []*plumbing.Reference, peeled map[string]plumbing.Hash, errs []error) {
	seen := make(map[string]bool)
	last := "" // the ref on the line before, which a "^" line peels
	br := bufio.NewReaderSize(r, 64<<10)
	bad := func(n int, why string) {
		errs = append(errs, fmt.Errorf("line %d: %w: %s", n, ErrMalformedRef, why))
	}
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// Too long: skip to the end of the line.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			bad(n, fmt.Sprintf("a line longer than %d bytes", maxRefLine))
			if err != nil {
				break
			}
			continue
		}
		if err != nil && err != io.EOF {
			errs = append(errs, err)
			break
		}
		text := string(bytes.TrimRight(line, "\r\n"))
		if text == "" || text[0] != '^' {
			last = ""
		}
		switch {
		case text == "" || text[0] == '#':
		case text[0] == '^':
			id, perr := ParseID(text[1:])
			if perr != nil || len(refs) == 0 {
				bad(n, "a peeled id that follows no ref")
				break
			}
			if last == "" {
				break // a second "^" line, or one after a malformed line
			}
			if peeled == nil {
				peeled = make(map[string]plumbing.Hash)
			}
			peeled[last] = id.hash()
			last = ""
		default:
			idText, name, ok := strings.Cut(text, " ")
			id, perr := ParseID(idText)
			switch {
			case !ok || perr != nil:
				bad(n, "not \"<object id> <ref name>\"")
			case !validRefName(name):
				bad(n, fmt.Sprintf("bad ref name %q", name))
			case seen[name]:
				bad(n, fmt.Sprintf("%s listed again", name))
			default:
				seen[name] = true
				refs = append(refs, plumbing.NewHashReference(plumbing.ReferenceName(name), id.hash()))
				last = name
			}
		}
		if err == io.EOF {
			break
		}
	}
	return refs, peeled, errs
}

// all returns every ref: HEAD, the other worktrees' HEADs (otherHeads),
// the loose refs under refs/ (of the common directory, then the
// worktree's own), and the packed refs no loose ref
// overrides, with the problems met on the way (unreadable or malformed ref
// files, malformed lines of packed-refs, each naming its line).
func (s *refStore) all() ([]*plumbing.Reference, []itemError) {
	var refs []*plumbing.Reference
	var errs []itemError
	seen := make(map[string]bool)
	addAt := func(name, path string) {
		if seen[name] {
			return
		}
		seen[name] = true
		ref, err := s.readFileAs(name, path)
		switch {
		case err == nil:
			refs = append(refs, ref)
		case errors.Is(err, os.ErrNotExist):
			seen[name] = false
		default:
			errs = append(errs, itemError{"ref " + name, err})
		}
	}
	add := func(name string) { addAt(name, filepath.Join(s.dirFor(name), filepath.FromSlash(name))) }
	add("HEAD")
	errs = s.otherHeads(addAt, errs)
	var walk func(dir, prefix string, depth int)
	walk = func(dir, prefix string, depth int) {
		if depth > maxRefDepth {
			errs = append(errs, itemError{"refs under " + prefix, fmt.Errorf("nested deeper than %d directories", maxRefDepth)})
			return
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, itemError{"refs under " + prefix, err})
			}
			return
		}
		for _, e := range entries {
			name := prefix + e.Name()
			switch {
			case e.IsDir():
				walk(filepath.Join(dir, e.Name()), name+"/", depth+1)
			case e.Type()&os.ModeSymlink != 0:
				// A link to a ref file is read (git writes none, but reads
				// them); a link to a directory is not entered.
				if fi, err := os.Stat(filepath.Join(dir, e.Name())); err == nil && fi.Mode().IsRegular() && validRefName(name) {
					add(name)
				}
			case e.Type().IsRegular() && validRefName(name):
				add(name)
			}
		}
	}
	walk(filepath.Join(s.commonDir, "refs"), "refs/", 0)
	if s.gitDir != s.commonDir {
		for _, sub := range []string{"worktree", "bisect", "rewritten"} {
			walk(filepath.Join(s.gitDir, "refs", sub), "refs/"+sub+"/", 1)
		}
	}
	for _, r := range s.packedRefs() {
		if !seen[r.Name().String()] {
			seen[r.Name().String()] = true
			refs = append(refs, r)
		}
	}
	for _, err := range s.packedErrs {
		errs = append(errs, itemError{"packed-refs", err})
	}
	// The reflogs of what was published or saved: a remote-tracking
	// branch's records each tip the remote had (a fetch's or a push's),
	// among them those force-pushed away, which the remote may still
	// serve; the stash's is the stash list.
	var logged []string
	for _, r := range refs {
		if name := r.Name().String(); r.Type() == plumbing.HashReference &&
			(name == "refs/stash" || strings.HasPrefix(name, "refs/remotes/")) {
			logged = append(logged, name)
		}
	}
	ids := make(map[string]bool)
	budget := int64(maxLogBytes)
	for k, name := range logged {
		entries, logErrs := s.logEntries(name, ids, &budget)
		refs = append(refs, entries...)
		errs = append(errs, logErrs...)
		if budget <= 0 {
			errs = append(errs, itemError{"logs/refs", fmt.Errorf("reflogs over %d bytes in all: %d of %d not read", maxLogBytes, len(logged)-k-1, len(logged))})
			break
		}
	}
	return refs, errs
}

// logEntries returns the entries of the reflog of the ref name but the
// newest, which is the ref itself, as refs named as git names them
// (name@{1}, the one before the newest, and on), each id once, at its
// newest entry. For refs/stash these are git stash list's older entries,
// which pop and apply restore and gc keeps. A malformed line is an error
// naming its line; the others stand. A log over maxRefLog is an error, and
// none of its entries is returned. ids are those already returned (for
// other logs): none is returned again. The log's size is taken from
// budget.
func (s *refStore) logEntries(name string, ids map[string]bool, budget *int64) ([]*plumbing.Reference, []itemError) {
	item := "logs/" + name
	data, err := safefile.ReadPath(context.Background(), filepath.Join(s.commonDir, "logs", filepath.FromSlash(name)), maxRefLog)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, []itemError{{item, err}}
	}
	*budget -= int64(len(data))
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var refs []*plumbing.Reference
	var errs []itemError
	for i := len(lines) - 1; i >= 0; i-- {
		// "<old id> <new id> <committer> <time> <zone>\t<message>"
		_, rest, _ := strings.Cut(lines[i], " ")
		id, _, ok := strings.Cut(rest, " ")
		if !ok || len(id) != 40 || !isHex(id) {
			errs = append(errs, itemError{item, fmt.Errorf("line %d: %w", i+1, ErrMalformedRef)})
			continue
		}
		n := len(lines) - 1 - i // the newest entry is the last line, name@{0}
		seen := ids[id]
		ids[id] = true
		if seen || n == 0 || id == plumbing.ZeroHash.String() {
			continue
		}
		refs = append(refs, plumbing.NewHashReference(plumbing.ReferenceName(fmt.Sprintf("%s@{%d}", name, n)), plumbing.NewHash(id)))
	}
	return refs, errs
}

// otherHeads passes addAt the HEAD of every other worktree of the
// repository, as git names them: main-worktree/HEAD, the main worktree's
// when this one is linked, and worktrees/<id>/HEAD, each linked one's.
// git's --all and gc count them as refs: a commit made on a linked
// worktree's detached HEAD is reachable from nothing else. A directory
// under worktrees/ without a HEAD is passed over, as git passes it over.
func (s *refStore) otherHeads(addAt func(name, path string), errs []itemError) []itemError {
	if s.gitDir != s.commonDir {
		addAt("main-worktree/HEAD", filepath.Join(s.commonDir, "HEAD"))
	}
	dir := filepath.Join(s.commonDir, "worktrees")
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, itemError{"worktrees", err})
		}
		return errs
	}
	self, _ := os.Stat(s.gitDir)
	for _, e := range entries {
		name := "worktrees/" + e.Name() + "/HEAD"
		if !e.IsDir() || !validRefName(name) {
			continue
		}
		wt := filepath.Join(dir, e.Name())
		if fi, err := os.Stat(wt); err == nil && self != nil && os.SameFile(fi, self) {
			continue // this worktree: its HEAD is HEAD
		}
		addAt(name, filepath.Join(wt, "HEAD"))
	}
	return errs
}
