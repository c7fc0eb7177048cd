package gitwalk

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/safefile"
)

// objectDirs lists the object directories to read.
func objectDirs(primary string) ([]string, error) {
	if err := notDir(primary); err != nil {
		return nil, fmt.Errorf("object directory %s: %w", primary, err)
	}
	return []string{primary}, nil
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
// it, and returns its type and content, or errTooLarge without reading the
// content when its header declares more than maxSize bytes.
//
// Every inflate is bounded by the declared size, and the declared size by
// maxSize: an object whose data inflates to more, or to less, than its
// header says is corrupt, as is one whose content does not hash to h.
func (r *Repo) readLoose(h plumbing.Hash, maxSize int64) (plumbing.ObjectType, []byte, error) {
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
	if size > min(maxSize, maxObjectSize) {
		return typ, nil, errTooLarge
	}
	sum := sha1.New()
	sum.Write(hdr[:nul+1])
	br.Discard(nul + 1)
	// Read at most one byte more than declared, into a buffer that grows
	// with what is really there.
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(br, size+1))
	switch {
	case err != nil:
		return 0, nil, fmt.Errorf("%w: loose object: %v", errCorrupt, err)
	case n > size:
		return 0, nil, fmt.Errorf("%w: loose object inflates to more than the %d bytes its header declares", errCorrupt, size)
	case n < size:
		return 0, nil, fmt.Errorf("%w: loose object inflates to %d bytes, its header declares %d", errCorrupt, n, size)
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
