package detect

// kwDFA is the keyword prefilter of a history scan: an Aho-Corasick
// automaton turned into a DFA over classes of bytes, so that each byte of
// content costs one table lookup. It finds every occurrence of every
// keyword in ASCII case-insensitive text, as prefixTable does; for a
// keyword with characters beyond ASCII it may also find another character
// of the same first byte in one's place (see below), which the rule's
// regex then turns down.
//
// Only the bytes that occur in some keyword (folded to lower case) have a
// class of their own; every other byte is class 0, which leads back to the
// start. The bytes that continue a UTF-8 character beyond ASCII (0x80 to
// 0xBF) share one class, and the first byte of such a character keeps its
// own (see foldKw), so that text in other scripts than the keywords'
// (an English file's dashes and quotes) opens no window. With a class for
// each such byte, the keywords of password-other-languages (密码, пароль,
// パスワ, 비밀) made the table 30 classes wider: the scan loop cost the same,
// but the table's build and the collector's passes over it cost some
// 66 M instructions more on flask's history. The default pack's 3,440
// keywords make some 15,800 states of 73 classes: a 4 MB table, built in a
// few milliseconds (the generic automaton it replaces took some 30 ms to
// build, and ran at a tenth of its speed).
type kwDFA struct {
	kws []string
	// class maps a byte to its class; nclass is the number of classes.
	class  [256]uint8
	nclass uint32
	// delta is the transition table, a row of nclass entries per state. An
	// entry is the next state's row offset (state × nclass) shifted left
	// by one, its low bit set when keywords end in that state.
	delta []uint32
	// out lists, by state, the keywords that end there (those of the
	// state's suffixes included).
	out map[uint32][]int32
}

// maxKwDFAStates bounds the automaton: a rule set whose keywords make more
// states than this uses the prefixTable instead (a row offset must fit in
// 31 bits).
const maxKwDFAStates = 1 << 22

// foldKw folds a byte for the automaton: ASCII to lower case, and the
// bytes that continue a UTF-8 character beyond ASCII (0x80 to 0xBF) to
// 0x80; the first byte of such a character stays itself (see kwDFA).
func foldKw(b byte) byte {
	if b >= 0x80 && b < 0xC0 {
		return 0x80
	}
	return foldASCII[b]
}

// newKwDFA builds the automaton of kws, or returns nil when it would be
// too large (see maxKwDFAStates).
func newKwDFA(kws []string) *kwDFA {
	d := &kwDFA{kws: kws, out: make(map[uint32][]int32)}
	states := 1
	for _, kw := range kws {
		states += len(kw)
		for i := 0; i < len(kw); i++ {
			c := foldKw(kw[i])
			if d.class[c] == 0 {
				if d.nclass == 255 {
					return nil // cannot happen: at most 167 folded bytes
				}
				d.nclass++
				d.class[c] = uint8(d.nclass)
			}
		}
	}
	if states > maxKwDFAStates/(int(d.nclass)+1) {
		return nil
	}
	d.nclass++ // class 0: bytes in no keyword
	for b := range d.class {
		d.class[b] = d.class[foldKw(byte(b))]
	}
	nc := int(d.nclass)
	// The trie: delta[s*nc+c] is s's child by class c (state numbers here,
	// 0 for none: the start state is nobody's child).
	delta := make([]uint32, nc, states*nc)
	own := map[int][]int32{}
	n := 1
	for k, kw := range kws {
		if kw == "" {
			continue
		}
		s := 0
		for i := 0; i < len(kw); i++ {
			c := int(d.class[kw[i]])
			next := int(delta[s*nc+c])
			if next == 0 {
				next = n
				n++
				delta = append(delta, make([]uint32, nc)...)
				delta[s*nc+c] = uint32(next)
			}
			s = next
		}
		own[s] = append(own[s], int32(k))
	}
	// Breadth first, each state's missing transitions become those of its
	// failure state (the longest proper suffix of its path that is a
	// path from the start), which is shallower and so complete already.
	fail := make([]uint32, n)
	outs := make([][]int32, n)
	queue := make([]uint32, 0, n)
	for c := 0; c < nc; c++ {
		if u := delta[c]; u != 0 {
			queue = append(queue, u)
		}
	}
	for _, u := range queue {
		outs[u] = own[int(u)]
	}
	for q := 0; q < len(queue); q++ {
		s := queue[q]
		f := fail[s]
		row, frow := delta[int(s)*nc:int(s+1)*nc], delta[int(f)*nc:int(f+1)*nc]
		for c, u := range row {
			if u == 0 {
				row[c] = frow[c]
				continue
			}
			fu := frow[c]
			fail[u] = fu
			if o := outs[fu]; len(o) > 0 {
				outs[u] = append(append([]int32(nil), own[int(u)]...), o...)
			} else {
				outs[u] = own[int(u)]
			}
			queue = append(queue, u)
		}
	}
	// Row offsets, and the bit that says keywords end there.
	for i, u := range delta {
		e := u * d.nclass << 1
		if len(outs[u]) > 0 {
			e |= 1
		}
		delta[i] = e
	}
	for s, o := range outs {
		if len(o) > 0 {
			d.out[uint32(s)*d.nclass] = o
		}
	}
	d.delta = delta
	return d
}

// each calls fn with the index of each keyword that occurs in b and the
// offset where it starts, in order of the offsets where they end.
func (d *kwDFA) each(b []byte, fn func(kw, off int)) {
	delta, class := d.delta, &d.class
	s := uint32(0)
	for i, c := range b {
		e := delta[s+uint32(class[c])]
		s = e >> 1
		if e&1 != 0 {
			for _, k := range d.out[s] {
				fn(int(k), i+1-len(d.kws[k]))
			}
		}
	}
}
