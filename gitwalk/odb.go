package gitwalk

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/safefile"
)

// OpenOptions change where a repository's objects are read from. The zero
// value reads them as git does by default: from the objects directory of
// the repository's (common) git directory, then from the alternate object
// directories its objects/info/alternates file lists.
type OpenOptions struct {
	// ObjectDir replaces the repository's objects directory, as git's
	// GIT_OBJECT_DIRECTORY does. While a push is being received, git keeps
	// the pushed objects in a quarantine directory and runs the
	// pre-receive hook with GIT_OBJECT_DIRECTORY naming it.
	ObjectDir string
	// AlternateObjectDirs are read when an object is not in the object
	// directory, before the alternates its objects/info/alternates file
	// lists, as git's GIT_ALTERNATE_OBJECT_DIRECTORIES. In a pre-receive
	// hook, this names the repository's own objects directory.
	AlternateObjectDirs []string
	// Quarantine says that ObjectDir is git's quarantine directory: it
	// holds only the objects of a push being received, and the
	// repository's own objects are read from the alternates. An object
	// found there and in no alternate is new to the repository, so no ref
	// reaches it; a walk that excludes every ref (Options.ExcludeRefs)
	// then stops at the refs the pushed commits build on, reading no
	// other commit. OpenOptionsFromEnv sets it when GIT_QUARANTINE_PATH
	// names the object directory.
	Quarantine bool
}

// OpenOptionsFromEnv returns the OpenOptions that git's environment sets:
// GIT_OBJECT_DIRECTORY, and GIT_ALTERNATE_OBJECT_DIRECTORIES (a list
// separated by colons, or semicolons on Windows, in which an entry that
// starts with a double quote is C-quoted). Pass os.Getenv. A pre-receive
// hook opens the repository with these options to see the pushed objects,
// which are in quarantine until the hook accepts them:
//
//	repo, err := gitwalk.OpenWith(".", gitwalk.OpenOptionsFromEnv(os.Getenv))
//
// Relative paths are taken from the current directory, as git does (git
// runs hooks from the repository's directory, and sets absolute paths).
func OpenOptionsFromEnv(getenv func(string) string) OpenOptions {
	opts := OpenOptions{ObjectDir: getenv("GIT_OBJECT_DIRECTORY")}
	opts.AlternateObjectDirs = splitPathList(getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"), os.PathListSeparator)
	if q := getenv("GIT_QUARANTINE_PATH"); q != "" && opts.ObjectDir != "" {
		opts.Quarantine = sameDir(q, opts.ObjectDir)
	}
	return opts
}

// sameDir reports whether a and b name the same existing directory.
func sameDir(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil || !fa.IsDir() {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// splitPathList splits a list of paths as git does for alternates: by sep,
// or by newline for an alternates file, with entries that start with a
// double quote unquoted. Empty entries and, for files, comments are left
// out.
func splitPathList(s string, sep rune) []string {
	var out []string
	for s != "" {
		var entry string
		if s[0] == '"' {
			// A quoted entry runs to its closing quote.
			end := closingQuote(s)
			if end < 0 {
				break // unterminated: git gives up on the rest too
			}
			q, err := strconv.Unquote(s[:end+1])
			s = s[end+1:]
			if err == nil {
				out = append(out, q)
			}
			if i := strings.IndexRune(s, sep); i >= 0 {
				s = s[i+1:]
			} else {
				s = ""
			}
			continue
		}
		if i := strings.IndexRune(s, sep); i >= 0 {
			entry, s = s[:i], s[i+1:]
		} else {
			entry, s = s, ""
		}
		if sep == '\n' {
			entry = strings.TrimRight(entry, "\r")
			if strings.HasPrefix(entry, "#") {
				continue
			}
		}
		if entry != "" {
			out = append(out, entry)
		}
	}
	return out
}

// closingQuote returns the index of the quote that closes the C-quoted
// string at the start of s, or -1.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

const (
	// maxAlternateDepth bounds chains of alternates files, as git does:
	// an alternate's own alternates are read to a depth of five.
	maxAlternateDepth = 5
	// maxAlternatesFile bounds an objects/info/alternates file.
	maxAlternatesFile = 1 << 20
)

// objectDirs lists the object directories to read, in git's order: the
// object directory, then each explicit alternate followed by its own
// alternates, then the object directory's alternates. Alternates that are
// missing, are not directories, or repeat one already listed are left out,
// as git leaves them out; an explicit directory that is missing is an
// error.
func objectDirs(primary string, explicit []string) ([]string, error) {
	var dirs []string
	var seen []os.FileInfo
	add := func(dir string) bool {
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() {
			return false
		}
		for _, s := range seen {
			if os.SameFile(s, fi) {
				return false
			}
		}
		seen = append(seen, fi)
		dirs = append(dirs, dir)
		return true
	}
	var addAlternates func(dir string, depth int)
	addAlternates = func(dir string, depth int) {
		data, err := safefile.ReadPath(context.Background(), filepath.Join(dir, "info", "alternates"), maxAlternatesFile)
		if err != nil {
			return
		}
		for _, alt := range splitPathList(string(data), '\n') {
			if !filepath.IsAbs(alt) {
				alt = filepath.Join(dir, alt)
			}
			alt = filepath.Clean(alt)
			if depth+1 > maxAlternateDepth {
				return // nested too deep: git ignores the rest
			}
			if add(alt) {
				addAlternates(alt, depth+1)
			}
		}
	}
	if !add(primary) {
		return nil, fmt.Errorf("object directory %s: %w", primary, notDir(primary))
	}
	for _, alt := range explicit {
		abs, err := filepath.Abs(alt)
		if err != nil {
			return nil, err
		}
		if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("alternate object directory %s: %w", alt, notDir(abs))
		}
		if add(abs) {
			addAlternates(abs, 0)
		}
	}
	addAlternates(primary, 0)
	return dirs, nil
}

func notDir(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return errors.New("not a directory")
	}
	return nil
}

// errCorrupt marks an object whose stored form is wrong: a header that
// lies about its size, content that does not hash to its id.
var errCorrupt = errors.New("corrupt object")

// maxLooseHeader bounds a loose object's header ("blob 12345\0"), as git's
// does.
const maxLooseHeader = 32

// readLoose reads loose object h from the first object directory that has
// it, and returns its type and content, or ErrTooLarge without reading the
// content when its header declares more than maxSize bytes.
//
// Every inflate is bounded by the declared size, and the declared size by
// maxSize: an object whose data inflates to more, or to less, than its
// header says is corrupt, as is one whose content does not hash to h.
func (r *Repo) readLoose(h plumbing.Hash, maxSize int64) (plumbing.ObjectType, []byte, error) {
	return r.readLooseHead(h, -1, maxSize)
}

// readLooseHead is readLoose, but of an object larger than n bytes (n >= 0)
// it returns the first n only, whatever its size, unverified: verifying it
// would mean inflating it all.
func (r *Repo) readLooseHead(h plumbing.Hash, n int, maxSize int64) (plumbing.ObjectType, []byte, error) {
	f, err := r.openLoose(h)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	zr, err := zlib.NewReader(bufio.NewReaderSize(f, 32<<10))
	if err != nil {
		return 0, nil, fmt.Errorf("%w: loose object: %v", errCorrupt, err)
	}
	defer zr.Close()
	br := bufio.NewReaderSize(zr, 4096)
	hdr, err := br.Peek(maxLooseHeader)
	if err != nil && len(hdr) == 0 {
		return 0, nil, fmt.Errorf("%w: loose object header: %v", errCorrupt, err)
	}
	nul := bytes.IndexByte(hdr, 0)
	if nul < 0 {
		return 0, nil, fmt.Errorf("%w: loose object header is not terminated within %d bytes", errCorrupt, maxLooseHeader)
	}
	typ, size, err := parseLooseHeader(hdr[:nul])
	if err != nil {
		return 0, nil, fmt.Errorf("%w: loose object header: %v", errCorrupt, err)
	}
	if n >= 0 && size > int64(n) {
		br.Discard(nul + 1)
		data := make([]byte, n)
		if _, err := io.ReadFull(br, data); err != nil {
			return 0, nil, fmt.Errorf("%w: loose object inflates to less than the %d bytes its header declares (%v)", errCorrupt, size, err)
		}
		return typ, data, nil
	}
	if size > min(maxSize, maxObjectSize) {
		return typ, nil, ErrTooLarge
	}
	sum := sha1.New()
	sum.Write(hdr[:nul+1])
	br.Discard(nul + 1)
	// Read at most one byte more than declared, into a buffer that grows
	// with what is really there.
	var buf bytes.Buffer
	got, err := buf.ReadFrom(io.LimitReader(br, size+1))
	switch {
	case err != nil:
		return 0, nil, fmt.Errorf("%w: loose object: %v", errCorrupt, err)
	case got > size:
		return 0, nil, fmt.Errorf("%w: loose object inflates to more than the %d bytes its header declares", errCorrupt, size)
	case got < size:
		return 0, nil, fmt.Errorf("%w: loose object inflates to %d bytes, its header declares %d", errCorrupt, got, size)
	}
	// The zlib stream must end here (its checksum is checked at the end).
	if _, err := br.ReadByte(); err != io.EOF {
		return 0, nil, fmt.Errorf("%w: loose object: data after its declared %d bytes (%v)", errCorrupt, size, err)
	}
	data := buf.Bytes()
	sum.Write(data)
	if got := plumbing.Hash(sum.Sum(nil)); got != h {
		return 0, nil, fmt.Errorf("%w: loose object's content hashes to %s", errCorrupt, got)
	}
	return typ, data, nil
}

// parseLooseHeader parses "<type> <decimal size>".
func parseLooseHeader(hdr []byte) (plumbing.ObjectType, int64, error) {
	name, num, ok := bytes.Cut(hdr, []byte{' '})
	if !ok {
		return 0, 0, fmt.Errorf("malformed header %q", hdr)
	}
	var typ plumbing.ObjectType
	switch string(name) {
	case "blob":
		typ = plumbing.BlobObject
	case "tree":
		typ = plumbing.TreeObject
	case "commit":
		typ = plumbing.CommitObject
	case "tag":
		typ = plumbing.TagObject
	default:
		return 0, 0, fmt.Errorf("unknown object type %q", name)
	}
	if len(num) == 0 || len(num) > 18 {
		return 0, 0, fmt.Errorf("bad object size %q", num)
	}
	var size int64
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, 0, fmt.Errorf("bad object size %q", num)
		}
		size = size*10 + int64(c-'0')
	}
	return typ, size, nil
}

// openLoose opens the file of loose object h, in the first object
// directory that has one.
func (r *Repo) openLoose(h plumbing.Hash) (*os.File, error) {
	s := h.String()
	for _, dir := range r.objDirs {
		f, err := safefile.OpenPath(filepath.Join(dir, s[:2], s[2:]))
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("loose object: %w", err)
		}
	}
	return nil, plumbing.ErrObjectNotFound
}

// looseWithPrefix lists the loose objects whose ids start with the hex
// digits prefix (at least two).
func (r *Repo) looseWithPrefix(prefix string) []plumbing.Hash {
	var out []plumbing.Hash
	for _, dir := range r.objDirs {
		names, _ := os.ReadDir(filepath.Join(dir, prefix[:2]))
		for _, n := range names {
			if len(n.Name()) == 38 && strings.HasPrefix(n.Name(), prefix[2:]) && plumbing.IsHash(prefix[:2]+n.Name()) {
				out = append(out, plumbing.NewHash(prefix[:2]+n.Name()))
			}
		}
	}
	return out
}

// listPacks returns the packs of an object directory: the path of each
// pack file that has an index, without the ".pack".
func listPacks(dir string) []string {
	names, _ := os.ReadDir(filepath.Join(dir, "pack"))
	var out []string
	for _, n := range names {
		base, ok := strings.CutSuffix(n.Name(), ".pack")
		if !ok || !strings.HasPrefix(base, "pack-") {
			continue
		}
		p := filepath.Join(dir, "pack", base)
		if _, err := os.Stat(p + ".idx"); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// onlyInQuarantine reports whether object h is in the quarantine directory
// (the first object directory of a repository opened with
// OpenOptions.Quarantine) and in no other: an object the push being
// received brought, and the repository did not have before. When in doubt
// (a file that cannot be checked), it reports false.
func (r *Repo) onlyInQuarantine(h plumbing.Hash) bool {
	if !r.quarantine {
		return false
	}
	found := false
	ps := r.packIndexes()
	for k, idx := range ps.idx {
		if _, ok := idx.find(h); ok {
			if ps.dirs[k] != 0 {
				return false
			}
			found = true
		}
	}
	s := h.String()
	for i, dir := range r.objDirs {
		_, err := os.Lstat(filepath.Join(dir, s[:2], s[2:]))
		switch {
		case err == nil && i == 0:
			found = true
		case err == nil, !errors.Is(err, os.ErrNotExist):
			return false
		}
	}
	return found
}
