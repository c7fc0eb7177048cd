package gitwalk

import (
	"encoding/hex"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// ID is a git object id (SHA-1), the one object-id type of the package's
// API: go-git's types stay inside the package.
type ID [20]byte

// String returns id in lower-case hex, as git writes it.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether id is all zeros: no object (git's "null" id).
func (id ID) IsZero() bool { return id == ID{} }

// ParseID parses a full object id: 40 hex digits.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 2*len(id) {
		return id, fmt.Errorf("object id %q: want %d hex digits", s, 2*len(id))
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return ID{}, fmt.Errorf("object id %q: not hex", s)
	}
	return id, nil
}

// IsID reports whether s is a full object id: 40 hex digits, either case.
func IsID(s string) bool {
	_, err := ParseID(s)
	return err == nil
}

// ErrObjectNotFound is wrapped by errors about an object the repository
// lacks (a shallow or partial clone, a commit never fetched).
var ErrObjectNotFound = plumbing.ErrObjectNotFound

func (id ID) hash() plumbing.Hash { return plumbing.Hash(id) }

func idOf(h plumbing.Hash) ID { return ID(h) }

func hashes(ids []ID) []plumbing.Hash {
	out := make([]plumbing.Hash, len(ids))
	for i, id := range ids {
		out[i] = id.hash()
	}
	return out
}
