package detect

import "strings"

// A name that says secret may hold a list of them: api_keys: ["…", "…"]
// (JSON, YAML flow, Python, JavaScript), or a YAML block sequence under
// it (tokens:, then "- …" lines). The rules read the name and its first
// item; listItems finds the items after it, so that each is judged as the
// first was, under the same name.

// maxListItems bounds the items after the first that listItems returns.
const maxListItems = 64

// maxListReach bounds how far past the first item listItems reads.
const maxListReach = 8 << 10

// listItems returns the spans in text of the items that follow the list
// item [s0, s1), or nil when the value at s0 does not begin a list: an
// opening bracket, or a YAML sequence's "- " at the start of its line,
// must stand right before it (a quote between them aside). Items are
// quoted as the first is, or bare; a list that holds anything else (a
// nested list, an expression) ends there.
func listItems(text []byte, s0, s1 int) [][2]int {
	q := byte(0)
	i := s0 - 1
	if i >= 0 && (text[i] == '"' || text[i] == '\'') {
		q = text[i]
		i--
	}
	for i >= 0 && (text[i] == ' ' || text[i] == '\t') {
		i--
	}
	j := i // a flow list's bracket may stand on a line above
	for j >= 0 && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n') {
		j--
	}
	if i < 0 || j < 0 {
		return nil
	}
	end := min(len(text), s1+maxListReach)
	if text[j] == '[' {
		return flowItems(text[:end], s1, q)
	}
	switch text[i] {
	case '-':
		ls := i
		for ls > 0 && (text[ls-1] == ' ' || text[ls-1] == '\t') {
			ls--
		}
		if ls > 0 && text[ls-1] != '\n' || i+1 >= len(text) || text[i+1] != ' ' && text[i+1] != '\t' && text[i+1] != q {
			return nil
		}
		return blockItems(text[:end], s1, q, text[ls:i])
	}
	return nil
}

// flowItems reads the items of a bracketed list after the one that ends
// at s1, quoted with q (0: bare).
func flowItems(text []byte, s1 int, q byte) [][2]int {
	var out [][2]int
	p := s1
	for len(out) < maxListItems {
		if q != 0 {
			if p >= len(text) || text[p] != q {
				return out
			}
			p++
		}
		p = skipBlanks(text, p, true)
		if p >= len(text) || text[p] != ',' {
			return out
		}
		p = skipBlanks(text, p+1, true)
		if p >= len(text) {
			return out
		}
		s, e, ok := listItem(text, p, q, ",]")
		if !ok {
			return out
		}
		out = append(out, [2]int{s, e})
		p = e
	}
	return out
}

// blockItems reads the items of a YAML block sequence after the one that
// ends at s1: each on its own line, indented by indent, after "- ".
func blockItems(text []byte, s1 int, q byte, indent []byte) [][2]int {
	var out [][2]int
	p := s1
	if q != 0 {
		if p >= len(text) || text[p] != q {
			return nil
		}
		p++
	}
	for len(out) < maxListItems {
		nl := p
		for nl < len(text) && text[nl] != '\n' {
			nl++
		}
		if nl >= len(text) {
			return out
		}
		p = nl + 1
		rest := text[p:]
		if len(rest) < len(indent)+2 || string(rest[:len(indent)]) != string(indent) || rest[len(indent)] != '-' || rest[len(indent)+1] != ' ' {
			return out
		}
		p = skipBlanks(text, p+len(indent)+2, false)
		s, e, ok := listItem(text, p, q, "#")
		if !ok {
			return out
		}
		out = append(out, [2]int{s, e})
		p = e
		if q != 0 {
			p++
		}
	}
	return out
}

// listItem returns the span of the item at p, quoted with q (0: bare,
// which ends at a blank or one of stops).
func listItem(text []byte, p int, q byte, stops string) (s, e int, ok bool) {
	if q != 0 {
		if p >= len(text) || text[p] != q {
			return 0, 0, false
		}
		s = p + 1
		for e = s; e < len(text) && text[e] != q; e++ {
			if text[e] == '\n' || text[e] == '\\' {
				return 0, 0, false
			}
		}
		return s, e, e < len(text) && e > s
	}
	s = p
	for e = s; e < len(text); e++ {
		c := text[e]
		if c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\'' || c == '[' || c == '{' {
			break
		}
		if strings.IndexByte(stops, c) >= 0 {
			break
		}
	}
	return s, e, e > s
}

// skipBlanks returns the offset of the first byte at or after p that is
// not a space or a tab (nor a newline, when lines is set).
func skipBlanks(text []byte, p int, lines bool) int {
	for p < len(text) && (text[p] == ' ' || text[p] == '\t' || lines && text[p] == '\n') {
		p++
	}
	return p
}
