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
// appends to rescan the index of each line to scan (absent, pending or
// flagged) and to owned that of each line this call inserted (it then owns
// the line and must settle it), both in ascending order. Most lines of a
// history were seen before and are clean: the lists stay short, and the
// steps after visit look at them rather than at every line.
func (s *LineSet) visit(hashes []uint64, rescan, owned []int) ([]int, []int) {
	s.reserve(len(hashes))
	defer func() {
		s.reserved.Add(-int64(len(hashes)))
		s.mu.RUnlock()
	}()
	slots := s.slots
	mask := uint64(len(slots) - 1)
	for n, h := range hashes {
		if h == 0 { // blank line: nothing to scan, nothing to remember
			continue
		}
		// Linear probing, as find does, inserting k where it is absent.
		k := key(h)
		i := (k >> 2) & mask
		for {
			v := atomic.LoadUint64(&slots[i])
			if v&^3 == k {
				if v&3 != stateClean {
					rescan = append(rescan, n)
				}
				break
			}
			if v == 0 {
				if !atomic.CompareAndSwapUint64(&slots[i], 0, k|statePending) {
					continue // lost a race for this slot: look at it again
				}
				s.count.Add(1)
				rescan = append(rescan, n)
				owned = append(owned, n)
				break
			}
			i = (i + 1) & mask
		}
	}
	return rescan, owned
}

// find returns the index of key k's slot in slots, or -1 if k is absent.
func find(slots []uint64, k uint64) int {
	mask := uint64(len(slots) - 1)
	for i := (k >> 2) & mask; ; i = (i + 1) & mask {
		switch v := atomic.LoadUint64(&slots[i]); {
		case v == 0:
			return -1
		case v&^3 == k:
			return int(i)
		}
	}
}

// settle records the outcome of a scan: the lines of flagLines matched
// (flagged marks them, by line); the lines of owned that did not match
// become clean.
func (s *LineSet) settle(hashes []uint64, owned, flagLines []int, flagged []bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	slots := s.slots
	for _, n := range owned {
		if flagged[n] {
			continue
		}
		k := key(hashes[n])
		if i := find(slots, k); i >= 0 { // cannot fail: visit inserted it
			// Pending becomes clean, unless another scan flagged it meanwhile.
			atomic.CompareAndSwapUint64(&slots[i], k|statePending, k|stateClean)
		}
	}
	for _, n := range flagLines {
		if hashes[n] == 0 {
			continue
		}
		k := key(hashes[n])
		if i := find(slots, k); i >= 0 { // cannot fail: visit inserted it
			atomic.StoreUint64(&slots[i], k|stateFlagged)
		}
	}
}

// hashLine returns the line's hash, or 0 for a line that is blank.
func (s *LineSet) hashLine(line []byte) uint64 {
	// Blank: white space alone. Look from the end, where a line that is
	// not blank shows it after its line end (at its start, indentation
	// would cost a test per column).
	i := len(line)
	for i > 0 && blankByte(line[i-1]) {
		i--
	}
	if i == 0 {
		return 0
	}
	h := maphash.Bytes(s.seed, line)
	if h == 0 {
		h = 1
	}
	return h
}

// blankByte reports whether c is white space that leaves a line blank:
// space, tab, carriage return or line feed. One comparison decides for
// most bytes of text, which are above ' '.
func blankByte(c byte) bool {
	return c <= ' ' && uint64(1)<<c&(1<<' '|1<<'\t'|1<<'\r'|1<<'\n') != 0
}
