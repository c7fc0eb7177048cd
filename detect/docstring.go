package detect

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// A secret in a documentation string of code is documentation, as it is
// in a README: a Python module's, class's or function's docstring (its
// usage examples, an RFC's example token quoted in a signature helper), or
// a triple-quoted string assigned to a name that says documentation
// (Ansible modules' DOCUMENTATION, EXAMPLES and RETURN, a CLI's USAGE and
// EPILOG). The detector marks such matches (Match.docstring, carried to
// leak.Location.InDocstring) and triage judges them as it judges a
// documentation file's. A triple-quoted string assigned to any other name
// (PRIVATE_KEY = """-----BEGIN ...""", a SQL template) stays code.

// markDocstrings sets docstring on each of ms that starts inside one of
// content's documentation strings (see tripleSpans). Only the text up to the
// last match's start is looked at, unless the content's strings were
// found already (sc.stringsOf).
//
// It also sets inString on each match of a rule whose allowlists exempt
// strings (rule.inStrings) that lies wholly inside a string literal (see
// stringSpans.holds); it never clears one (a match found in decoded text
// was judged there).
func markDocstrings(sc *scratch, content []byte, ms []Match) {
	// unjudged: a match whose place in a string matters, not judged yet.
	unjudged := func(m *Match) bool { return m.rule.inStrings && !m.inString && m.Decoded == "" }
	limit := 0
	read := sc.strs != nil
	for i := range ms {
		limit = max(limit, ms[i].Start+1)
		read = read || unjudged(&ms[i])
	}
	var triple []tripleSpan
	if read {
		strs := sc.stringsOf(content)
		for i := range ms {
			if m := &ms[i]; unjudged(m) {
				m.inString = strs.holds(content, m.span[0], m.End)
			}
		}
		triple = strs.triple
	} else {
		triple = tripleSpans(content, min(limit, len(content)))
	}
	for i := range ms {
		s := ms[i].Start
		j := spanAfter(triple, s)
		ms[i].docstring = j < len(triple) && triple[j].span[0] <= s && triple[j].doc
	}
}

// spanAfter returns the index of the first of spans, ordered, that ends
// after offset s: the one that holds s, if any does, or the next.
func spanAfter(spans []tripleSpan, s int) int {
	i, _ := slices.BinarySearchFunc(spans, s, func(t tripleSpan, s int) int {
		return cmp.Compare(t.span[1], s+1)
	})
	return i
}

// tripleQuotes are the quotes that open and close a Python string of
// several lines.
var tripleQuotes = [2][]byte{[]byte(`"""`), []byte(`'''`)}

// tripleSpan is the span of a triple-quoted string, and whether it is
// documentation (see documents).
type tripleSpan struct {
	span [2]int
	doc  bool
	// data is set, by newStringSpans, for a string of encoded data rather
	// than text (see isData).
	data bool
}

// tripleSpans returns the triple-quoted strings that open before limit in
// content read as Python, in order, each marked if it is documentation
// (see documents). It finds each triple quote with bytes.Index and keeps
// one that opens a string: outside a comment (# to the line's end) and
// outside a one-line string (whose quotes hide a triple quote), judged on
// its own line from the last place known to be code (see opensString); it
// then skips to the string's close, escapes read (see closeTriple). Text
// in other languages reads as Python well enough for this: a stray quote
// opens a string that ends with its line. Only the lines of triple quotes
// are stepped through byte by byte: a scanner's matches mostly lie in
// files with few.
func tripleSpans(content []byte, limit int) []tripleSpan {
	var spans []tripleSpan
	code := 0              // a place known to be code, not inside a string
	next := [2]int{-1, -1} // the next """ and ''' at or after from, found lazily
	for from := 0; from < limit; {
		j := -1
		var q byte
		for k, t := range tripleQuotes {
			if next[k] < from {
				next[k] = limit
				if i := bytes.Index(content[from:limit], t); i >= 0 {
					next[k] = from + i
				}
			}
			if next[k] < limit && (j < 0 || next[k] < j) {
				j, q = next[k], t[0]
			}
		}
		if j < 0 {
			break
		}
		if !opensString(content, max(code, lineStartWithin(content, j, 0, j)), j) {
			from = j + 1
			continue
		}
		end := closeTriple(content, j+3, q)
		spans = append(spans, tripleSpan{span: [2]int{j, end}, doc: documents(content, j)})
		from, code = end, end
	}
	return spans
}

// stringSpans are the triple-quoted strings of a content read as Python,
// for the rules kept out of code but not out of its strings (see
// config.Allowlist.ExceptInString).
type stringSpans struct {
	triple []tripleSpan
}

// newStringSpans finds content's triple-quoted strings, and marks those
// that hold encoded data (see isData), whose text is not read.
func newStringSpans(content []byte) *stringSpans {
	ss := &stringSpans{triple: tripleSpans(content, len(content))}
	for i, t := range ss.triple {
		ss.triple[i].data = !t.doc && t.span[1]-t.span[0] >= 6 && isData(content[t.span[0]+3:t.span[1]-3])
	}
	return ss
}

// isData reports whether the text of a string is encoded data: at least
// 1 KiB in lines of 60 characters or more on average, without a space or
// a tab (a base64 or base85 archive that a script carries, as pip's
// get-pip.py does), where a configuration's lines are short or spaced.
func isData(text []byte) bool {
	return len(text) >= 1<<10 && len(text)/(1+bytes.Count(text, []byte("\n"))) >= 60 && bytes.IndexAny(text, " \t") < 0
}

// holds reports whether content[s:e] lies inside one string literal
// whose text is read (see opening). s may fall before the name a match
// starts with (a quote or space its regex read as a boundary): the string
// must hold the match from its first letter, digit or _ on. And the name
// must begin an item of the string's text, only punctuation ({", --, $)
// between it and the string's start, a white space or a \n, \r or \t
// escape: a configuration's line, not a run of encoded data (a script that
// carries a base85 archive, where "pw" occurs at random).
func (ss *stringSpans) holds(content []byte, s, e int) bool {
	for s < e && !identChar(content[s]) {
		s++
	}
	open, _ := ss.opening(content, s, e)
	if open < 0 {
		return false
	}
	// The name's regex may have begun inside it (PASSWORD of DB_PASSWORD).
	for s > open && (identChar(content[s-1]) || content[s-1] == '.' || content[s-1] == '-') {
		s--
	}
	return beginsItem(content, open, s)
}

// namesItem reports whether the keyword at h may be in the name of an
// item of the text of a string literal that holds it: the name it is part
// of is followed by "=" or ":" (a quote between them only in a
// triple-quoted string, whose text may be JSON). A dict's key ("password":
// …) or a word of a message is not, and costs no regex run.
func (ss *stringSpans) namesItem(content []byte, h int) bool {
	open, triple := ss.opening(content, h, h+1)
	if open < 0 {
		return false
	}
	k := h
	for k < len(content) && (identChar(content[k]) || content[k] == '.' || content[k] == '-') {
		k++
	}
	if triple && k < len(content) && (content[k] == '"' || content[k] == '\'') {
		k++ // a triple-quoted string's JSON: "password": …
	}
	for k < len(content) && (content[k] == ' ' || content[k] == '\t') {
		k++
	}
	return k < len(content) && (content[k] == '=' || content[k] == ':')
}

// opening returns where the text of the string literal that holds
// content[s:e] starts, and whether the string is triple-quoted; or -1 if
// no string whose text is read holds it. Such a string is a triple-quoted
// one that is neither documentation nor data, or a one-line string ('…'
// or "…") on s's line, the line read as code from its start (or from the
// end of a triple-quoted string on it): a quote opened before s, not
// closed before e, and no # comment begun before it.
func (ss *stringSpans) opening(content []byte, s, e int) (int, bool) {
	i := spanAfter(ss.triple, s)
	if i < len(ss.triple) && ss.triple[i].span[0] <= s {
		// Inside a triple-quoted string: past its opening quotes, up to
		// its closing ones.
		t := ss.triple[i]
		if t.doc || t.data || s < t.span[0]+3 || e > t.span[1]-3 {
			return -1, false
		}
		return t.span[0] + 3, true
	}
	from := bytes.LastIndexByte(content[:s], '\n') + 1
	if i > 0 {
		from = max(from, ss.triple[i-1].span[1])
	}
	in, open := readLine(content, from, s)
	if in == 0 || in == '#' {
		return -1, false
	}
	for k := s; k < e; k++ {
		switch content[k] {
		case '\\':
			k++
		case in, '\n':
			return -1, false
		}
	}
	return open, false
}

// beginsItem reports whether the name at s begins an item of a string
// whose text starts at open (see holds).
func beginsItem(content []byte, open, s int) bool {
	for k := s - 1; k >= open; k-- {
		c := content[k]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return true
		case (c == 'n' || c == 'r' || c == 't') && k > open && content[k-1] == '\\':
			return true
		case identChar(c):
			return false
		}
	}
	return true
}

// opensString reports whether the quote at j stands in code when its line
// is read from start, a place known to be code: no comment has begun
// before it, and every one-line string begun before it has closed.
func opensString(content []byte, start, j int) bool {
	in, _ := readLine(content, start, j)
	return in == 0
}

// readLine reads content[start:end], a piece of a line that starts in
// code, as Python: it returns the quote of the one-line string open at
// end and where that string's text starts, or '#' if a comment has begun
// (-1 then), or 0 if end is in code.
func readLine(content []byte, start, end int) (in byte, open int) {
	open = -1
	for k := start; k < end; k++ {
		c := content[k]
		switch {
		case in != 0 && c == '\\':
			k++
		case in != 0:
			if c == in {
				in = 0
			}
		case c == '#':
			return '#', -1
		case c == '\'' || c == '"':
			in, open = c, k+1
		}
	}
	return in, open
}

// closeTriple returns the offset just past the triple quote of c that
// closes a string whose text starts at from, or len(content) if none does.
// It looks for the triple quote with bytes.Index, not byte by byte (a
// docstring may be long), and skips one preceded by an odd number of
// backslashes, whose first quote is escaped.
func closeTriple(content []byte, from int, c byte) int {
	t := tripleQuotes[0]
	if c == '\'' {
		t = tripleQuotes[1]
	}
	for j := from; j < len(content); {
		i := bytes.Index(content[j:], t)
		if i < 0 {
			break
		}
		i += j
		n := 0
		for k := i - 1; k >= from && content[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i + 3
		}
		j = i + 1
	}
	return len(content)
}

// documents reports whether the triple-quoted string opening at open is
// documentation: a docstring (the first statement of the module, or of a
// block whose header line ends with ":", as def and class lines do), or a
// string assigned to a name that says documentation (see docNames).
func documents(content []byte, open int) bool {
	p := open
	for p > 0 && strings.IndexByte("rRuUbBfF", content[p-1]) >= 0 && open-p < 2 {
		p--
	}
	ls := bytes.LastIndexByte(content[:p], '\n') + 1
	before := bytes.TrimRight(content[ls:p], " \t")
	if len(bytes.TrimSpace(before)) == 0 {
		// The string begins its statement: a docstring if nothing but
		// comments comes before it, or a block's header does.
		prev := previousStatement(content, ls)
		return prev == nil || bytes.HasSuffix(prev, []byte(":"))
	}
	if !bytes.HasSuffix(before, []byte("=")) || bytes.HasSuffix(before, []byte("==")) {
		return false
	}
	name := bytes.TrimRight(before[:len(before)-1], " \t")
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		name = bytes.TrimRight(name[:k], " \t") // EXAMPLES: str = """
	}
	e := len(name)
	s := e
	for s > 0 && identChar(name[s-1]) {
		s--
	}
	return s < e && docName(string(name[s:e]))
}

// previousStatement returns the last line before offset end (a line's
// start) that holds code, trimmed: not blank, not a comment; or nil if
// there is none.
func previousStatement(content []byte, end int) []byte {
	for end > 0 {
		ls := bytes.LastIndexByte(content[:end-1], '\n') + 1
		line := bytes.TrimSpace(content[ls : end-1])
		if len(line) > 0 && line[0] != '#' {
			return line
		}
		end = ls
	}
	return nil
}

// docNames are the parts of a name that says its string documents code.
var docNames = wordSet("doc docs documentation docstring example examples usage help description epilog return returns sample samples")

// docName reports whether a part of name, split on "_", is one of
// docNames: EXAMPLES, RETURN, __doc__, cli_usage.
func docName(name string) bool {
	for _, p := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' }) {
		if docNames[p] {
			return true
		}
	}
	return false
}

// keepInside keeps of ms[n:], the matches one run of a rule added, those
// that lie wholly inside a string literal (see holds), marked inString.
func (ss *stringSpans) keepInside(content []byte, ms []Match, n int) []Match {
	out := ms[:n]
	for _, m := range ms[n:] {
		if ss.holds(content, m.span[0], m.End) {
			m.inString = true
			out = append(out, m)
		}
	}
	return out
}
