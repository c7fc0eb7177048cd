package gitwalk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/leakhound/leakhound/leak"
)

// WalkState is what a walk of every ref learned about each commit it
// diffed: its tree, parents and commit date, and what it introduced (each
// changed path, with the blob, the file mode, and the blobs it replaced).
// Commits and trees never change under their ids, so a later walk given
// the state (Options.Reuse) neither reads nor diffs a commit the state
// holds: it walks the refs' current tips, reads and diffs only the commits
// that are new, and replays the others. The plan is the one a full walk
// would make, commit order and all, whatever happened to the refs in
// between (new commits, rewritten history, deleted refs, new tags),
// because the commits in range are found again from the current tips.
//
// A state holds object ids, paths, file modes and commit dates: no
// content, and neither the names nor the messages of commits (a plan
// made from a state reads those only for the commits a report names; see
// Plan.Unread). A state is immutable and safe for concurrent use.
//
// A walk that met damaged or missing objects records a partial state: the
// commits it could read and diff whole. A later walk given it reads and
// diffs the others again, and does not count its history as only grown
// (see Plan.Grown).
type WalkState struct {
	commits map[plumbing.Hash]*stateCommit
	partial bool
}

type stateCommit struct {
	tree    plumbing.Hash
	parents []plumbing.Hash
	when    int64 // committer date, Unix seconds
	changes []stateChange
}

type stateChange struct {
	path  string
	mode  filemode.FileMode
	blob  plumbing.Hash
	prior []plumbing.Hash
}

// Commits returns the number of commits the state holds.
func (s *WalkState) Commits() int {
	if s == nil {
		return 0
	}
	return len(s.commits)
}

// stateMagic starts an encoded WalkState; the digit is its format.
const stateMagic = "leakhound-walk 2\n"

// MarshalBinary encodes s. The encoding holds what WalkState's doc says,
// and nothing else; it does not authenticate itself (the caller keeps it
// where it cannot be changed, or signs it).
func (s *WalkState) MarshalBinary() ([]byte, error) {
	// Paths are written once, in a table.
	pathIdx := map[string]int{}
	var paths []string
	for _, c := range s.commits {
		for _, ch := range c.changes {
			if _, ok := pathIdx[ch.path]; !ok {
				pathIdx[ch.path] = len(paths)
				paths = append(paths, ch.path)
			}
		}
	}
	b := []byte(stateMagic)
	partial := byte(0)
	if s.partial {
		partial = 1
	}
	b = append(b, partial)
	b = binary.AppendUvarint(b, uint64(len(paths)))
	for _, p := range paths {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	b = binary.AppendUvarint(b, uint64(len(s.commits)))
	for h, c := range s.commits {
		b = append(b, h[:]...)
		b = append(b, c.tree[:]...)
		b = binary.AppendVarint(b, c.when)
		b = binary.AppendUvarint(b, uint64(len(c.parents)))
		for _, p := range c.parents {
			b = append(b, p[:]...)
		}
		b = binary.AppendUvarint(b, uint64(len(c.changes)))
		for _, ch := range c.changes {
			b = binary.AppendUvarint(b, uint64(pathIdx[ch.path]))
			b = binary.AppendUvarint(b, uint64(ch.mode))
			b = append(b, ch.blob[:]...)
			b = binary.AppendUvarint(b, uint64(len(ch.prior)))
			for _, p := range ch.prior {
				b = append(b, p[:]...)
			}
		}
	}
	return b, nil
}

// errState says an encoded WalkState is malformed.
var errState = errors.New("malformed walk state")

// UnmarshalBinary decodes what MarshalBinary encoded into s. Malformed
// input is an error, never a panic.
func (s *WalkState) UnmarshalBinary(data []byte) error {
	d := stateDecoder{b: data}
	if len(data) < len(stateMagic) || string(data[:len(stateMagic)]) != stateMagic {
		return fmt.Errorf("%w: bad header", errState)
	}
	d.b = d.b[len(stateMagic):]
	flag := d.bytes(1)
	if d.err != nil || flag[0] > 1 {
		return fmt.Errorf("%w: bad header", errState)
	}
	n := d.count(1)
	paths := make([]string, 0, n)
	for range n {
		l := d.count(1)
		paths = append(paths, string(d.bytes(l)))
	}
	n = d.count(43)
	commits := make(map[plumbing.Hash]*stateCommit, n)
	for range n {
		h := d.hash()
		c := &stateCommit{tree: d.hash(), when: d.varint()}
		np := d.count(20)
		c.parents = make([]plumbing.Hash, np)
		for i := range c.parents {
			c.parents[i] = d.hash()
		}
		nc := d.count(23)
		c.changes = make([]stateChange, nc)
		for i := range c.changes {
			ch := &c.changes[i]
			pi := d.uvarint()
			if d.err == nil && pi >= uint64(len(paths)) {
				d.err = errState
			}
			if d.err != nil {
				return fmt.Errorf("%w: truncated or damaged", errState)
			}
			ch.path = paths[pi]
			ch.mode = filemode.FileMode(d.uvarint())
			ch.blob = d.hash()
			if k := d.count(20); k > 0 {
				ch.prior = make([]plumbing.Hash, k)
				for j := range ch.prior {
					ch.prior[j] = d.hash()
				}
			}
		}
		if d.err != nil {
			break
		}
		commits[h] = c
	}
	if d.err != nil || len(d.b) != 0 {
		return fmt.Errorf("%w: truncated or damaged", errState)
	}
	s.commits, s.partial = commits, flag[0] == 1
	return nil
}

// stateDecoder reads an encoded WalkState; after the first error every
// read returns zero values and err stays set.
type stateDecoder struct {
	b   []byte
	err error
}

// count reads an unsigned count of items each at least min bytes long
// (min ≥ 1), bounded by what is left of the input.
func (d *stateDecoder) count(min int) int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > uint64(len(d.b)/min) {
		d.err = errState
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *stateDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > 1<<32 {
		d.err = errState
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *stateDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errState
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *stateDecoder) bytes(n int) []byte {
	if d.err != nil || n > len(d.b) {
		d.err = errState
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *stateDecoder) hash() plumbing.Hash {
	var h plumbing.Hash
	copy(h[:], d.bytes(20))
	return h
}

// fromState adds commit h, which the reused state holds, without reading
// it: its report metadata is read later, if at all (see Plan.Unread).
func (w *walker) fromState(h plumbing.Hash, sc *stateCommit) *commitInfo {
	ci := &commitInfo{hash: h, tree: sc.tree, parents: sc.parents, when: time.Unix(sc.when, 0), state: sc,
		meta: &leak.Commit{Hash: h.String()}}
	if w.shallow[h] {
		ci.missing = true
	}
	w.commits[h] = ci
	w.plan.unread[ci.meta.Hash] = true
	w.reusedN++
	w.stats.CommitsWalked.Add(1)
	w.stats.CommitsReused.Add(1)
	return ci
}

// Unread reports whether the plan took commit id from a WalkState without
// reading it: its Author, Email, Date and Message are empty until
// Repo.CommitMeta reads them.
func (p *Plan) Unread(id string) bool { return p.unread[id] }

// State returns what the walk learned, for the next walk of the same
// repository to reuse (see WalkState), or nil when the walk did not record
// one (Options.Record unset, a selection other than every ref, or a walk
// that met a shallow boundary or trees over the size limit: such a walk is
// not remembered). A walk that met damaged or missing objects records a
// partial state (see WalkState).
func (p *Plan) State() *WalkState { return p.state }

// Grown reports whether the walk reused a WalkState and met every commit
// it holds again: since the walk that recorded the state, commits were
// added to the history, none left it (no ref deleted or rewound, no
// history rewritten). The plan's commits then keep the order they had
// among themselves, and what they introduced.
func (p *Plan) Grown() bool { return p.grown }

// CommitMetas reads what reports show of the commits ids: author, email,
// date and message (Hash set, Order zero). A commit that cannot be read is
// left out of the map and its error returned with the others.
func (r *Repo) CommitMetas(ids []string) (map[string]leak.Commit, []error) {
	objs := r.newObjects(1<<20, false)
	defer objs.close()
	out := make(map[string]leak.Commit, len(ids))
	var errs []error
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		h, err := ParseID(id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c, err := objs.readCommit(h.hash())
		if err != nil {
			errs = append(errs, fmt.Errorf("commit %s: %w", id, err))
			continue
		}
		out[id] = leak.Commit{Hash: id, Author: c.author.Name, Email: c.author.Email, Date: c.author.When, Message: c.message}
	}
	return out, errs
}
