package detect

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// LineSet remembers the lines of text already scanned, so that content seen
// before is not scanned again: across a repository's history most lines of
// most blobs are lines of an earlier version. A line that held a match (or a
// secret an inline allow comment hid, which the next version may drop) is
// remembered as such and is scanned again wherever it recurs, so that every
// blob holding a secret reports it.
//
// A LineSet is safe for concurrent use. Its memory is about 16 bytes per
// distinct line.
//
// Each line is in one of three states once seen: pending (its first scan is
// under way), clean (scanned, no match) or flagged (scanned, matched). A
// line that is pending or flagged is scanned again; only clean lines are
// skipped. The state is keyed by a 62-bit hash of the line, so two distinct
// lines share a state with probability about n²/2⁶³ for n lines.
type LineSet struct {
	seed maphash.Seed

	mu       sync.RWMutex // write-locked only to grow slots
	slots    []uint64     // 0: empty; else hash&^3 | state
	count    atomic.Int64 // occupied slots
	reserved atomic.Int64 // slots promised to scans under way
}

const (
	statePending = 1
	stateClean   = 2
	stateFlagged = 3
)

// NewLineSet returns an empty LineSet.
func NewLineSet() *LineSet {
	return &LineSet{seed: maphash.MakeSeed(), slots: make([]uint64, 1<<16)}
}

// Len returns the number of distinct lines seen.
func (s *LineSet) Len() int { return int(s.count.Load()) }

func key(h uint64) uint64 {
	k := h &^ 3
	if k == 0 {
		k = 4
	}
	return k
}

// reserve makes room for n more lines and returns with s.mu read-locked.
func (s *LineSet) reserve(n int) {
	s.reserved.Add(int64(n))
	for {
		s.mu.RLock()
		if (s.count.Load()+s.reserved.Load())*4 <= int64(len(s.slots))*3 {
			return
		}
		s.mu.RUnlock()
		s.grow()
	}
}

func (s *LineSet) grow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	need := s.count.Load() + s.reserved.Load()
	if need*4 <= int64(len(s.slots))*3 {
		return // somebody else grew it
	}
	size := len(s.slots)
	for int64(size) < need*2 {
		size *= 2
	}
	slots := make([]uint64, size)
	mask := uint64(size - 1)
	for _, v := range s.slots {
		if v == 0 {
			continue
		}
		i := (v >> 2) & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = v
	}
	s.slots = slots
}

// visit looks each hash up, inserting the absent ones as pending, and
// reports for each whether to scan the line (absent, pending or flagged) and
// whether this call inserted it (it then owns the line and must settle it).
func (s *LineSet) visit(hashes []uint64, scan, owned []bool) {
	s.reserve(len(hashes))
	defer func() {
		s.reserved.Add(-int64(len(hashes)))
		s.mu.RUnlock()
	}()
	slots := s.slots
	for n, h := range hashes {
		if h == 0 { // blank line: nothing to scan, nothing to remember
			scan[n], owned[n] = false, false
			continue
		}
		if _, v := s.slot(slots, key(h), true); v == 0 {
			scan[n], owned[n] = true, true
		} else {
			scan[n], owned[n] = v&3 != stateClean, false
		}
	}
}

// slot finds key k in slots by linear probing. Absent, it is inserted as
// pending when insert is set. It returns the slot's index (-1 if absent and
// not inserted) and the value found there (0 if this call inserted it).
func (s *LineSet) slot(slots []uint64, k uint64, insert bool) (int, uint64) {
	mask := uint64(len(slots) - 1)
	i := (k >> 2) & mask
	for {
		v := atomic.LoadUint64(&slots[i])
		if v == 0 {
			if !insert {
				return -1, 0
			}
			if atomic.CompareAndSwapUint64(&slots[i], 0, k|statePending) {
				s.count.Add(1)
				return int(i), 0
			}
			continue // lost a race for this slot: look at it again
		}
		if v&^3 == k {
			return int(i), v
		}
		i = (i + 1) & mask
	}
}

// settle records the outcome of a scan: flagged lines matched; owned lines
// that did not match become clean.
func (s *LineSet) settle(hashes []uint64, owned, flagged []bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	slots := s.slots
	for n, h := range hashes {
		if h == 0 || (!owned[n] && !flagged[n]) {
			continue
		}
		k := key(h)
		i, _ := s.slot(slots, k, false)
		switch {
		case i < 0: // cannot happen: visit inserted every line
		case flagged[n]:
			atomic.StoreUint64(&slots[i], k|stateFlagged)
		default:
			// Pending becomes clean, unless another scan flagged it meanwhile.
			atomic.CompareAndSwapUint64(&slots[i], k|statePending, k|stateClean)
		}
	}
}

// hashLine returns the line's hash, or 0 for a line that is blank.
func (s *LineSet) hashLine(line []byte) uint64 {
	blank := true
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			blank = false
			break
		}
	}
	if blank {
		return 0
	}
	h := maphash.Bytes(s.seed, line)
	if h == 0 {
		h = 1
	}
	return h
}
