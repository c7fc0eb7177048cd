// Package gitcraft writes git objects byte by byte, right or deliberately
// wrong, for tests and benchmarks of hostile repositories: loose objects
// whose header lies about their size or type, trees that contain
// themselves, commits that are each other's parent, packs with any delta
// chain a test needs.
//
// It writes files only; it knows nothing of leakhound. Nothing here may be
// used by product code: it exists to break it.
package gitcraft

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// ID is an object id.
type ID [20]byte

func (id ID) String() string { return hex.EncodeToString(id[:]) }

// MustID parses a 40-digit hex id, panicking on a bad one (test constants).
func MustID(s string) ID {
	var id ID
	if _, err := hex.Decode(id[:], []byte(s)); err != nil || len(s) != 40 {
		panic("gitcraft: bad id " + s)
	}
	return id
}

// Hash returns the id git gives an object of type typ ("blob", "tree",
// "commit", "tag") and this content.
func Hash(typ string, content []byte) ID {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", typ, len(content))
	h.Write(content)
	var id ID
	copy(id[:], h.Sum(nil))
	return id
}

// Init makes an empty bare repository layout at dir: HEAD naming
// refs/heads/main, objects/, refs/heads/, refs/tags/.
func Init(dir string) error {
	for _, d := range []string{"objects/pack", "objects/info", "refs/heads", "refs/tags"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
}

// SetRef writes a loose ref (full name) pointing at id.
func SetRef(gitDir, name string, id ID) error {
	p := filepath.Join(gitDir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(id.String()+"\n"), 0o644)
}

// WriteLoose writes a well-formed loose object to objectsDir and returns
// its id.
func WriteLoose(objectsDir, typ string, content []byte) (ID, error) {
	id := Hash(typ, content)
	hdr := typ + " " + strconv.Itoa(len(content)) + "\x00"
	return id, WriteLooseRaw(objectsDir, id, io.MultiReader(bytes.NewReader([]byte(hdr)), bytes.NewReader(content)))
}

// WriteLooseRaw writes raw, zlib-compressed, as the loose object id: raw is
// the header and content exactly as given, so that a test can make the
// header lie ("blob 100\x00" followed by gigabytes) or the id disagree with
// the content.
func WriteLooseRaw(objectsDir string, id ID, raw io.Reader) error {
	s := id.String()
	dir := filepath.Join(objectsDir, s[:2])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, s[2:]))
	if err != nil {
		return err
	}
	zw, _ := zlib.NewWriterLevel(f, zlib.BestCompression)
	if _, err := io.Copy(zw, raw); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Entry is a tree entry. Mode is git's octal text: "100644" (file),
// "100755", "120000" (symbolic link), "40000" (tree), "160000" (submodule).
type Entry struct {
	Mode string
	Name string
	ID   ID
}

// Tree encodes entries in the order given (git sorts them; a test may not).
func Tree(entries ...Entry) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		b.WriteString(e.Mode)
		b.WriteByte(' ')
		b.WriteString(e.Name)
		b.WriteByte(0)
		b.Write(e.ID[:])
	}
	return b.Bytes()
}

// When is the date of crafted commits and tags.
var When = time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)

// Commit encodes a commit of tree with parents and message, authored and
// committed by a fixed identity at When plus offset seconds.
func Commit(tree ID, parents []ID, offset int, msg string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "tree %s\n", tree)
	for _, p := range parents {
		fmt.Fprintf(&b, "parent %s\n", p)
	}
	ts := When.Unix() + int64(offset)
	fmt.Fprintf(&b, "author Crafty <crafty@example.com> %d +0000\n", ts)
	fmt.Fprintf(&b, "committer Crafty <crafty@example.com> %d +0000\n\n", ts)
	b.WriteString(msg)
	return b.Bytes()
}

// Tag encodes an annotated tag named name of the object id, of type typ.
func Tag(id ID, typ, name, msg string) []byte {
	return fmt.Appendf(nil, "object %s\ntype %s\ntag %s\ntagger Crafty <crafty@example.com> %d +0000\n\n%s", id, typ, name, When.Unix(), msg)
}
