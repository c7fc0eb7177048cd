package detect

import "bytes"

// String literals joined into one: a value split in pieces in code, as a
// long key is wrapped (API_KEY = "…" + "…", on one line or with each
// piece on a line of its own), or as a token is split to slip past a
// push's secret scanning (token = "ghp_" + "…"). Each piece alone is no
// value, or not the whole one; concatenations rewrites such a run of
// literals as the one double-quoted string it makes, for the rules to read
// as unescapeLines reads any rewritten line. A secret found there is
// reported at the pieces as written, its secret the joined value, its
// encoding "concatenation".
//
// The joins read are the operators that join strings in the languages
// that write them: "+" (JavaScript, Java, C#, Python, Go, Ruby...), "."
// (PHP, Perl), ".." (Lua) and "&" (Visual Basic), the last three with
// white space on both sides or neither (prose ends a quote with a full
// stop); and literals side by side, which Python and C join
// (KEY = ("…"\n "…"), "…" "…"), where the first of them follows an
// assignment's " = ", a key's ": " or an opening parenthesis (a call's,
// or one that ends the line above): a shell's words side by side (echo
// "a" "b", ARGS=(\n "--user"\n "admin"\n)) are arguments, not one
// string, and an HCL map's quoted keys, one entry a line, are entries.

// maxConcatLines bounds the lines a run of joined literals may take.
const maxConcatLines = 16

// concatIndex is the finder of the lines concatenations reads (see
// rewriteLines): the offset in b of a quote that a join follows, or -1. It
// keeps the next offset of each kind of quote, so that each is looked for
// with IndexByte once over b, not byte by byte.
func concatIndex(b []byte) int {
	quotes := [3]byte{'"', '\'', '`'}
	next := [3]int{-2, -2, -2} // -2: not looked for yet; -1: none
	for i := 0; ; {
		k := -1
		for n, q := range quotes {
			if next[n] != -1 && next[n] < i {
				next[n] = bytes.IndexByte(b[i:], q)
				if next[n] >= 0 {
					next[n] += i
				}
			}
			if next[n] >= 0 && (k < 0 || next[n] < k) {
				k = next[n]
			}
		}
		if k < 0 {
			return -1
		}
		if joinFollows(b, k+1) {
			return k
		}
		i = k + 1
	}
}

// joinFollows reports whether what follows offset c of b (after a quote)
// may join the literal that closes there to another (see nextPiece): an
// operator, white space and a quote, or the line's end (a run may go on
// below).
func joinFollows(b []byte, c int) bool {
	j := skipBlanks(b, c, false)
	if j == len(b) {
		return false
	}
	switch b[j] {
	case '+', '.', '&':
		return true
	case '\\':
		return j+1 < len(b) && b[j+1] == '\n'
	case '\n':
		// Literals side by side over lines.
		k := skipBlanks(b, j+1, false)
		return k < len(b) && (b[k] == '"' || b[k] == '\'' || b[k] == '`')
	case '"', '\'', '`':
		return j > c
	}
	return false
}

// concatenations returns the runs of the line content[ls:text] that join
// two or more string literals (double, single or back quotes) and nothing
// else (see the joins above), each as the double-quoted string it makes,
// and the span of lines they take: a run may go on over the lines below,
// up to end, and a run of literals side by side whose first opens its
// line takes in the line above, which holds the name it is assigned to.
// The line is worth a scan if one of those strings could be a secret (see
// joinedValue). A piece that holds a backslash, a double quote or a
// template's ${ is left alone: its text is not what it says as written.
// The runs are not kept (see decoded): a generic match on a piece as
// written is a piece of a value, never the value.
func concatenations(content []byte, start, end, ls, text int, toks []rewrite) (int, int, []rewrite, bool) {
	worth := false
	for k := ls; k < text; {
		q := content[k]
		if q != '"' && q != '\'' && q != '`' {
			k++
			continue
		}
		from, open, adjacent := sideBySide(content, start, ls, k)
		t, next := concatenation(content, k, text, end, adjacent)
		if t.dec != nil {
			t.s = open
			toks = append(toks, t)
			worth = worth || joinedValue(t.dec[1:len(t.dec)-1])
			if t.e > text || from < ls {
				// The run took in the lines below, or the one above:
				// no other run shares its lines.
				return min(from, ls), max(text, lineEnd(content, t.e, end)), toks, worth
			}
		}
		k = next
	}
	return ls, text, toks, worth
}

// sideBySide reports whether literals side by side from the one that
// opens at p, on the line that starts at ls, join into one string: the
// literal follows " = " (not "==" or a shell's "X="), a key's ": " or an
// opening parenthesis (not a shell's "$("), on its line or, where it
// opens its line, at the end of the line above (at start or below). It
// returns where the run's lines begin (ls, or the start of the line
// above) and where its rewrite begins: p, or the parenthesis that an
// assignment's " = " opens before it, so that the rules read
// KEY = ("…"\n "…") as KEY = "…".
func sideBySide(content []byte, start, ls, p int) (from, open int, ok bool) {
	// A literal's prefix (b"...", @"...") after white space or an
	// operator.
	k := blankBefore(content, ls, p-1-prefixBefore(content, ls, p))
	if k >= ls {
		if !opensJoin(content, ls, k) {
			return ls, p, false
		}
		return ls, assignedParen(content, ls, k, p), true
	}
	if ls-1 <= start {
		return ls, p, false
	}
	above := max(lineStartBefore(content, ls-1, 0), start)
	k = blankBefore(content, above, ls-2) // before the line break
	if k < above || content[k] != '(' || !opensJoin(content, above, k) {
		return ls, p, false
	}
	return above, assignedParen(content, above, k, p), true
}

// assignedParen returns k if content[k] is a parenthesis that follows an
// assignment's "=" on the line that starts at ls, else p.
func assignedParen(content []byte, ls, k, p int) int {
	if content[k] != '(' {
		return p
	}
	if j := blankBefore(content, ls, k-1); j >= ls && content[j] == '=' {
		return k
	}
	return p
}

// blankBefore returns the offset of the last byte at or before k, on the
// line that starts at ls, that is no space or tab; ls-1 if none.
func blankBefore(content []byte, ls, k int) int {
	for k >= ls && (content[k] == ' ' || content[k] == '\t') {
		k--
	}
	return k
}

// prefixBefore returns the length of the literal's prefix that ends
// before the quote at p, on the line that starts at ls: 0 if none, or if
// what comes before is part of a word.
func prefixBefore(content []byte, ls, p int) int {
	n := 0
	for n < 2 && p-n-1 >= ls && (isLiteralPrefix(content[p-n-1]) || content[p-n-1] == '8' && n == 0) {
		n++
	}
	if n == 0 || p-n-1 >= ls && (isAlnum(content[p-n-1]) || content[p-n-1] == '_') {
		return 0
	}
	return n
}

// opensJoin reports whether content[k], on the line that starts at ls, is
// what literals side by side may follow (see sideBySide).
func opensJoin(content []byte, ls, k int) bool {
	switch content[k] {
	case '=':
		// " = ", not "==", "!=", "<=" or "X=".
		return k > ls && (content[k-1] == ' ' || content[k-1] == '\t')
	case ':':
		// A dict's or an object's value: "key": "…"\n "…".
		return k+1 < len(content) && (content[k+1] == ' ' || content[k+1] == '\t')
	case '(':
		// Not a shell's "$(" or "X=(" (an array); "X = (" opens a tuple.
		return k == ls || content[k-1] != '$' && (content[k-1] != '=' || opensJoin(content, ls, k-1))
	}
	return false
}

// joinedValue reports whether the string that literals joined make could
// be a secret: printable ASCII of minDecoded bytes or more, spaces too (a
// Google app password's four groups, a Fly.io token's "FlyV1 " prefix).
func joinedValue(dec []byte) bool {
	if len(dec) < minDecoded {
		return false
	}
	for _, c := range dec {
		if c < ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// concatenation reads the run of literals joined (see nextPiece) whose
// first opens at p, on the line that ends at text (see concatenations),
// and returns it, with its dec nil unless it joins two or more plain
// literals, and the offset where reading goes on: after the run, or after
// the first literal. The run is read once to judge it and again to write
// it: most literals are joined to nothing.
func concatenation(content []byte, p, text, end int, adjacent bool) (rewrite, int) {
	pieces, e, plain := walkRun(content, p, text, end, adjacent, nil)
	if pieces < 2 || !plain || e-p > maxToken {
		if pieces == 0 {
			if e > p {
				return rewrite{}, e // a triple-quoted string
			}
			return rewrite{}, text
		}
		return rewrite{}, min(e, text)
	}
	t := rewrite{s: p, e: e, dec: make([]byte, 1, e-p), offs: make([]int, 1, e-p+1), wrapped: true, how: "concatenation"}
	t.dec[0], t.offs[0] = '"', p
	walkRun(content, p, text, end, adjacent, func(at, c int) {
		for i := at + 1; i < c; i++ {
			t.dec, t.offs = append(t.dec, content[i]), append(t.offs, i)
		}
	})
	t.dec, t.offs = append(t.dec, '"'), append(t.offs, e-1, e)
	return t, e
}

// walkRun reads the run of joined literals whose first opens at p (see
// concatenation), calling piece, if not nil, with the offsets of each
// literal's quotes, and returns the literals read, the offset after the
// last (for none, after a triple quote that opens at p, or p), and
// whether all are plain: no backslash, double quote or template's ${.
func walkRun(content []byte, p, text, end int, adjacent bool, piece func(at, c int)) (pieces, e int, plain bool) {
	at, lines := p, 0
	e, plain = p, true
	for {
		q := content[at]
		if at+2 < text && content[at+1] == q && content[at+2] == q {
			// A triple-quoted string (Python's """…""") is one piece of
			// its own, not three.
			if pieces == 0 {
				e = at + 3
			}
			return pieces, e, plain
		}
		c := closingQuote(content, at+1, text, q)
		if c >= text {
			return pieces, e, plain
		}
		for i := at + 1; i < c && plain; i++ {
			b := content[i]
			if b == '\\' || b == '"' || q == '`' && b == '$' && i+1 < c && content[i+1] == '{' {
				plain = false
			}
		}
		if piece != nil {
			piece(at, c)
		}
		pieces++
		e = c + 1
		var next int
		if next, text = nextPiece(content, c+1, text, end, adjacent, &lines); next < 0 {
			return pieces, e, plain
		}
		at = next
	}
}

// nextPiece returns the offset of the quote that opens the literal joined
// to the one that closes before c, on the line that ends at text, and the
// end of the line that holds it; -1 if none. A join is white space, an
// operator (one "+", not "++" or "+="; "." or ".." or "&" with white space
// on both sides or neither, not ".=" or "&&") or, where adjacent allows
// it, none; then white space, or the line's end (after a backslash that
// continues it, or not) and the next line's indent, up to end; then an
// opening quote, after a literal's prefix or not (see literalPrefix).
func nextPiece(content []byte, c, text, end int, adjacent bool, lines *int) (int, int) {
	j := skipBlanks(content[:text], c, false)
	spaced := j > c
	op := 0
	if j < text {
		switch content[j] {
		case '+':
			op = 1
			if j+1 < text && (content[j+1] == '+' || content[j+1] == '=') {
				return -1, text
			}
		case '.', '&':
			op = 1
			if content[j] == '.' && j+1 < text && content[j+1] == '.' {
				op = 2
			}
			after := j + op
			if after < text && (content[after] == '=' || content[after] == content[j]) {
				return -1, text // ".=", "...", "&&", "&="
			}
			if spaced != (after < text && (content[after] == ' ' || content[after] == '\t')) {
				return -1, text // a full stop, or a reference (&x)
			}
		}
	}
	if op == 0 && !adjacent {
		return -1, text
	}
	j = skipBlanks(content[:text], j+op, false)
	if j+1 == text && content[j] == '\\' {
		j = text // a line continued
	}
	if j == text && text < end && *lines < maxConcatLines {
		j = skipBlanks(content[:end], text+1, false)
		text = lineEnd(content, j, end)
		*lines++
	} else if op == 0 && !spaced {
		return -1, text // "…""…" is a quote escaped by doubling it
	}
	j = literalPrefix(content, j, text)
	if j >= text || content[j] != '"' && content[j] != '\'' && content[j] != '`' {
		return -1, text
	}
	if op == 0 {
		// A literal that a key's operator follows is the next entry's
		// key (HCL's map, one entry a line: "a" = "…"\n "b" = "…").
		c := closingQuote(content, j+1, text, content[j])
		if k := skipBlanks(content[:text], min(c+1, text), false); k < text && (content[k] == '=' || content[k] == ':') {
			return -1, text
		}
	}
	return j, text
}

// literalPrefix returns the offset of the quote that a string literal's
// prefix at j opens: C#'s verbatim @, Python's r, b and u (rb, br), C's L,
// u, U and u8; j if none. An f-string's f is no plain literal's.
func literalPrefix(content []byte, j, text int) int {
	k := j
	for k < text && k-j < 2 && isLiteralPrefix(content[k]) {
		k++
	}
	if k == j+1 && k < text && content[j] == 'u' && content[k] == '8' {
		k++
	}
	if k > j && k < text && (content[k] == '"' || content[k] == '\'') {
		return k
	}
	return j
}

// isLiteralPrefix reports whether c may be part of a string literal's
// prefix (see literalPrefix).
func isLiteralPrefix(c byte) bool {
	switch c {
	case '@', 'r', 'R', 'b', 'B', 'u', 'U', 'L':
		return true
	}
	return false
}

// lineEnd returns the offset of the line break that ends the line holding
// i, or end if none comes before it.
func lineEnd(content []byte, i, end int) int {
	if e := bytes.IndexByte(content[i:end], '\n'); e >= 0 {
		return i + e
	}
	return end
}
