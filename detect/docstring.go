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
// content's documentation strings (see docstringSpans). Content without a
// triple quote has none, and is not read further.
func markDocstrings(content []byte, ms []Match) {
	if len(ms) == 0 || !bytes.Contains(content, []byte(`"""`)) && !bytes.Contains(content, []byte(`'''`)) {
		return
	}
	spans := docstringSpans(content)
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

// docstringSpans returns the spans, in order, of the documentation strings
// in content read as Python: it skips comments (# to the line's end) and
// one-line strings (whose quotes hide a triple quote), finds each
// triple-quoted string with its escapes, and keeps those that document
// (see documents). Text in other languages reads as Python well enough
// for this: a stray quote opens a string that ends with its line.
func docstringSpans(content []byte) [][2]int {
	var spans [][2]int
	n := len(content)
	for i := 0; i < n; i++ {
		switch c := content[i]; c {
		case '#':
			e := bytes.IndexByte(content[i:], '\n')
			if e < 0 {
				return spans
			}
			i += e
		case '\'', '"':
			if i+2 < n && content[i+1] == c && content[i+2] == c {
				end := closeTriple(content, i+3, c)
				if documents(content, i) {
					spans = append(spans, [2]int{i, end})
				}
				i = end - 1
				continue
			}
			// A one-line string: to its closing quote or its line's end.
			j := i + 1
			for j < n && content[j] != c && content[j] != '\n' {
				if content[j] == '\\' {
					j++
				}
				j++
			}
			i = j
		}
	}
	return spans
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
