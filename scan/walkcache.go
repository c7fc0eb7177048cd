package scan

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
)

// WalkCache is a BlobCache that also keeps, between scans of a
// repository's every ref, what the last scan learned beyond single blobs
// (see walkRecord): the walk of history (gitwalk.WalkState), so that a
// re-scan reads and diffs only new commits, and which blobs with matches
// gave the report nothing, so that a re-scan of a history that only grew
// does not read them again. The findings are a full scan's all the same.
type WalkCache interface {
	BlobCache
	// WalkState returns what the last scan recorded (opaque bytes), or
	// nil.
	WalkState() []byte
	// SetWalkState records what this scan learned, for the next (nil:
	// nothing, the next scan walks and reads in full).
	SetWalkState([]byte)
}

// walkRecorder is a source that records, once findings are collected,
// what the next scan may reuse; inert are the blobs read whose matches
// gave the report nothing, with their holdKeys.
type walkRecorder interface {
	// recordsWalk reports whether recordWalk will keep anything (the
	// scan has a WalkCache and a walk to record).
	recordsWalk() bool
	recordWalk(inert map[string][]string)
}

// walkRecord is what a History keeps in a WalkCache:
//
//	"leakhound-walkrecord 2\n"
//	uvarint length, the encoded gitwalk.WalkState
//	uvarint count, then for each inert blob: its id (20 bytes), the
//	  digest of its sources (16 bytes), uvarint count and its holdKeys
//
// An inert blob is one that held matches, none of which reached the
// report: each was dropped by the rules at its places, or only kept a
// secret the version before held, or lost to an earlier occurrence in
// the same file. While history only grows (gitwalk.Plan.Grown) and the
// blob is found at exactly the same places (sources: paths, commits,
// prior versions), that stays so: new commits add occurrences, which can
// only come earlier, never make a later one count. Its holdKeys still
// tell later versions whether they introduced a secret.
//
// and then (added in format 2):
//
//	uvarint count, then for each (ref tip, finding) checked: its tipKey
//	  (16 bytes) and 1 if the tip holds the finding's secret, else 0
//
// and then (added in format 3):
//
//	1 if the scan read the messages of commits, else 0
//	uvarint count, then the ids (20 bytes) of the commits whose messages
//	  a re-scan must read again: those that held a match, or were cut
//
// A re-scan that reuses the walk reads no commit it reuses (see
// gitwalk.WalkState), so no message, but those kept: the others held
// no match, and under the same rules hold none now. A record of a scan
// that did not read messages serves no scan that does.
type walkRecord struct {
	state []byte
	inert map[string]inertBlob
	tips  map[tipKey]bool
	// messages: the scan read messages; kept are the commits whose
	// messages a re-scan reads again.
	messages bool
	kept     map[string]bool
}

// tipKey identifies the question whether a commit's tree holds a
// finding's secret (see gitState.holdsAt): a hash of the commit, the
// finding's blob, the files it names and the secret as written. Trees
// never change under their ids, so neither does the answer.
type tipKey [16]byte

type inertBlob struct {
	sources [16]byte
	holds   []string
}

const walkRecordMagic = "leakhound-walkrecord 3\n"

func (r *walkRecord) encode() []byte {
	b := []byte(walkRecordMagic)
	b = binary.AppendUvarint(b, uint64(len(r.state)))
	b = append(b, r.state...)
	ids := make([]string, 0, len(r.inert))
	for id := range r.inert {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range ids {
		raw, _ := hex.DecodeString(id)
		ib := r.inert[id]
		b = append(b, raw...)
		b = append(b, ib.sources[:]...)
		b = binary.AppendUvarint(b, uint64(len(ib.holds)))
		for _, h := range ib.holds {
			b = append(b, h...)
		}
	}
	keys := make([]tipKey, 0, len(r.tips))
	for k := range r.tips {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b tipKey) int { return bytes.Compare(a[:], b[:]) })
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		held := byte(0)
		if r.tips[k] {
			held = 1
		}
		b = append(b, k[:]...)
		b = append(b, held)
	}
	if r.messages {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	kept := slices.Sorted(maps.Keys(r.kept))
	b = binary.AppendUvarint(b, uint64(len(kept)))
	for _, id := range kept {
		raw, _ := hex.DecodeString(id)
		b = append(b, raw...)
	}
	return b
}

var errWalkRecord = errors.New("malformed walk record")

func decodeWalkRecord(b []byte) (*walkRecord, error) {
	if len(b) < len(walkRecordMagic) || string(b[:len(walkRecordMagic)]) != walkRecordMagic {
		return nil, errWalkRecord
	}
	b = b[len(walkRecordMagic):]
	next := func(n int) []byte {
		if n < 0 || n > len(b) {
			return nil
		}
		out := b[:n]
		b = b[n:]
		return out
	}
	count := func(size int) (int, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > uint64(len(b)/size) {
			return 0, false
		}
		b = b[n:]
		return int(v), true
	}
	n, ok := count(1)
	if !ok {
		return nil, errWalkRecord
	}
	r := &walkRecord{state: next(n), inert: map[string]inertBlob{}}
	if n, ok = count(37); !ok {
		return nil, errWalkRecord
	}
	for range n {
		id := next(20)
		src := next(16)
		if src == nil {
			return nil, errWalkRecord
		}
		k, ok := count(holdKeySize)
		if !ok {
			return nil, errWalkRecord
		}
		ib := inertBlob{holds: make([]string, k)}
		copy(ib.sources[:], src)
		for i := range ib.holds {
			ib.holds[i] = string(next(holdKeySize))
		}
		r.inert[hex.EncodeToString(id)] = ib
	}
	if n, ok = count(17); !ok {
		return nil, errWalkRecord
	}
	r.tips = make(map[tipKey]bool, n)
	for range n {
		k, held := next(16), next(1)
		if held == nil || held[0] > 1 {
			return nil, errWalkRecord
		}
		r.tips[tipKey(k)] = held[0] == 1
	}
	flag := next(1)
	if flag == nil || flag[0] > 1 {
		return nil, errWalkRecord
	}
	r.messages = flag[0] == 1
	if n, ok = count(20); !ok {
		return nil, errWalkRecord
	}
	r.kept = make(map[string]bool, n)
	for range n {
		r.kept[hex.EncodeToString(next(20))] = true
	}
	if len(b) != 0 {
		return nil, errWalkRecord
	}
	return r, nil
}

// sourcesDigest is a digest of every place a blob is found: path, commit
// and prior versions of each source, in order.
func sourcesDigest(srcs []leak.Source) [16]byte {
	h := sha256.New()
	for _, s := range srcs {
		h.Write([]byte(s.Path))
		h.Write([]byte{0})
		if s.Commit != nil {
			h.Write([]byte(s.Commit.Hash))
		}
		h.Write([]byte{0})
		for _, p := range s.Prior {
			h.Write([]byte(p))
			h.Write([]byte{1})
		}
		h.Write([]byte(strconv.Itoa(len(s.Prior))))
		h.Write([]byte{0})
	}
	var out [16]byte
	copy(out[:], h.Sum(nil))
	return out
}

// walkCacheState is what a History keeps of its WalkCache during a scan.
type walkCacheState struct {
	wc   WalkCache
	last *walkRecord // loaded (nil: none)
	// reused is the state decoded from last.
	reused *gitwalk.WalkState
	// grown says the plan only added to the last walk's history: the
	// last scan's inert blobs may be skipped.
	grown bool

	mu      sync.Mutex
	skipped map[string]inertBlob // inert blobs skipped this scan
	// tips are what this scan knows of what ref tips hold (see holdsAt),
	// from the last record or checked now: the next record keeps those
	// it asked about.
	tips, asked map[tipKey]bool
	// messages: this scan reads messages.
	messages bool
}

// keeps reports whether the last scan kept commit id's message for a
// re-scan to read again (see walkRecord).
func (w *walkCacheState) keeps(id string) bool {
	return w != nil && w.last != nil && w.last.kept[id]
}

// tipHolds returns the answer the last scan recorded for k, if any, and
// keeps it for the next record.
func (w *walkCacheState) tipHolds(k tipKey) (held, ok bool) {
	if w == nil {
		return false, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if held, ok = w.tips[k]; ok {
		w.asked[k] = held
	}
	return held, ok
}

// noteTip keeps the answer to k for the next record.
func (w *walkCacheState) noteTip(k tipKey, held bool) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.asked[k] = held
	w.mu.Unlock()
}

// load reads the last record of the cache and sets o to reuse its walk
// and record a new one.
func (w *walkCacheState) load(o *gitwalk.Options) {
	o.Record = true
	b := w.wc.WalkState()
	if b == nil {
		return
	}
	r, err := decodeWalkRecord(b)
	if err != nil || w.messages && !r.messages {
		// The cache vouched for it: walk in full all the same. A walk
		// that read no messages cannot tell which to read again.
		return
	}
	st := new(gitwalk.WalkState)
	if st.UnmarshalBinary(r.state) != nil {
		return
	}
	w.last, w.reused, o.Reuse, w.tips = r, st, st, r.tips
}

// skip reports whether blob id, found at srcs, was inert in the last scan
// and still is; if so it notes its holdKeys in s.
func (w *walkCacheState) skip(s *Sink, id string, srcs []leak.Source) bool {
	if w == nil || !w.grown || w.last == nil {
		return false
	}
	ib, ok := w.last.inert[id]
	if !ok || ib.sources != sourcesDigest(srcs) {
		return false
	}
	s.known(id, ib.holds)
	w.mu.Lock()
	w.skipped[id] = ib
	w.mu.Unlock()
	return true
}

// record keeps p's walk and the inert blobs for the next scan: those of
// this scan (inert) and those it skipped as inert. Blobs found at a ref
// that points at a blob or a tree are never inert: such refs are ordered
// after every commit, and among themselves by name, so one deleted can
// make another's occurrence count.
func (w *walkCacheState) record(p *gitwalk.Plan, inert map[string][]string, kept []string) {
	st := p.State()
	if st == nil {
		w.wc.SetWalkState(nil)
		return
	}
	var state []byte
	if w.last != nil && st == w.reused {
		state = w.last.state // nothing new: as it was
	} else {
		var err error
		if state, err = st.MarshalBinary(); err != nil {
			w.wc.SetWalkState(nil)
			return
		}
	}
	r := &walkRecord{state: state, inert: map[string]inertBlob{}, tips: w.asked, messages: w.messages, kept: map[string]bool{}}
	for _, id := range kept {
		r.kept[id] = true
	}
	for id, ib := range w.skipped {
		r.inert[id] = ib
	}
	for id, holds := range inert {
		srcs := p.Sources(id)
		tagged := false
		for _, s := range srcs {
			tagged = tagged || s.Commit == nil || s.Commit.Hash == ""
		}
		if !tagged && len(srcs) > 0 {
			r.inert[id] = inertBlob{sources: sourcesDigest(srcs), holds: holds}
		}
	}
	w.wc.SetWalkState(r.encode())
}
