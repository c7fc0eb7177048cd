package detect

import (
	"bytes"
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
// content's documentation strings (see docstringSpans). Only the text up
// to the last match's start is looked at.
func markDocstrings(content []byte, ms []Match) {
	limit := 0
	for i := range ms {
		limit = max(limit, ms[i].Start+1)
	}
	spans := docstringSpans(content, min(limit, len(content)))
	if len(spans) == 0 {
		return
	}
	for i := range ms {
		s := ms[i].Start
		j, _ := slices.BinarySearchFunc(spans, s, func(sp [2]int, s int) int {
			switch {
			case sp[1] <= s:
				return -1
			case sp[0] > s:
				return 1
			}
			return 0
		})
		ms[i].docstring = j < len(spans) && spans[j][0] <= s && s < spans[j][1]
	}
}

// tripleQuotes are the quotes that open and close a Python string of
// several lines.
var tripleQuotes = [2][]byte{[]byte(`"""`), []byte(`'''`)}

// docstringSpans returns the spans, in order, of the documentation strings
// that open before limit in content read as Python (see documents). It
// finds each triple quote with bytes.Index and keeps one that opens a
// string: outside a comment (# to the line's end) and outside a one-line
// string (whose quotes hide a triple quote), judged on its own line from
// the last place known to be code (see opensString); it then skips to the
// string's close, escapes read (see closeTriple). Text in other languages
// reads as Python well enough for this: a stray quote opens a string that
// ends with its line. Only the lines of triple quotes are stepped through
// byte by byte: a scanner's matches mostly lie in files with few.
func docstringSpans(content []byte, limit int) [][2]int {
	var spans [][2]int
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
		if documents(content, j) {
			spans = append(spans, [2]int{j, end})
		}
		from, code = end, end
	}
	return spans
}

// opensString reports whether the quote at j stands in code when its line
// is read from start, a place known to be code: no comment has begun
// before it, and every one-line string begun before it has closed.
func opensString(content []byte, start, j int) bool {
	var in byte // the quote of the one-line string being read, or 0
	for k := start; k < j; k++ {
		c := content[k]
		switch {
		case in != 0 && c == '\\':
			k++
		case in != 0:
			if c == in {
				in = 0
			}
		case c == '#':
			return false
		case c == '\'' || c == '"':
			in = c
		}
	}
	return in == 0
}

// closeTriple returns the offset just past the triple quote of c that
// closes a string whose text starts at from, or len(content) if none does.
func closeTriple(content []byte, from int, c byte) int {
	for j := from; j < len(content); j++ {
		switch {
		case content[j] == '\\':
			j++
		case content[j] == c && j+2 < len(content) && content[j+1] == c && content[j+2] == c:
			return j + 3
		}
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
