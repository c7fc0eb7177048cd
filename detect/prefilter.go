package detect

// prefixTable is a keyword prefilter that costs next to nothing to build:
// the keywords (lower case, as config makes them) indexed by their first two
// bytes, each occurrence confirmed byte by byte. It finds what the
// Aho-Corasick automaton finds, every occurrence of every keyword in ASCII
// case-insensitive text, at a fraction of the automaton's speed per byte
// (it looks up every byte pair, and confirms each candidate), and is built
// in microseconds where the automaton of the default pack takes some 30 ms
// of CPU. A scan of a few commits (a hook) uses it; a scan of a history,
// which reads gigabytes, the automaton (see Options.Short).
type prefixTable struct {
	kws []string
	// pairs has bit k set when some keyword starts with the byte pair k
	// (first byte high, folded to lower case); byPair[slot[k]] are then
	// those keywords' indexes. (An array, not a map: a map's look-up cost
	// more than the rest of the scan of source code, where many pairs
	// begin some keyword.)
	pairs  [1 << 16 / 64]uint64
	slot   [1 << 16]uint16
	byPair [][]int32
	// single are the keywords of one byte, by that byte.
	single [256][]int32
}

// foldASCII maps ASCII upper-case letters to lower case, other bytes to
// themselves.
var foldASCII = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

func newPrefixTable(kws []string) *prefixTable {
	p := &prefixTable{kws: kws}
	for i, kw := range kws {
		switch {
		case len(kw) == 0:
		case len(kw) == 1:
			c := foldASCII[kw[0]]
			p.single[c] = append(p.single[c], int32(i))
		default:
			k := uint16(foldASCII[kw[0]])<<8 | uint16(foldASCII[kw[1]])
			if p.pairs[k/64]&(1<<(k%64)) == 0 {
				p.pairs[k/64] |= 1 << (k % 64)
				p.slot[k] = uint16(len(p.byPair))
				p.byPair = append(p.byPair, nil)
			}
			p.byPair[p.slot[k]] = append(p.byPair[p.slot[k]], int32(i))
		}
	}
	return p
}

// each calls fn with the index of each keyword that occurs in b and the
// offset where it starts, in order of offset.
func (p *prefixTable) each(b []byte, fn func(kw, off int)) {
	for i := range b {
		c := foldASCII[b[i]]
		for _, k := range p.single[c] {
			fn(int(k), i)
		}
		if i+1 >= len(b) {
			break
		}
		k := uint16(c)<<8 | uint16(foldASCII[b[i+1]])
		if p.pairs[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		for _, kw := range p.byPair[p.slot[k]] {
			if hasFoldedPrefix(b[i:], p.kws[kw]) {
				fn(int(kw), i)
			}
		}
	}
}

// hasFoldedPrefix reports whether b starts with kw, ASCII letters of b
// compared in lower case (kw's are lower case).
func hasFoldedPrefix(b []byte, kw string) bool {
	if len(b) < len(kw) {
		return false
	}
	for j := 2; j < len(kw); j++ {
		if foldASCII[b[j]] != kw[j] {
			return false
		}
	}
	return true
}
