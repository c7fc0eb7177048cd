package config

import (
	"fmt"
	"strings"
)

// posIndex maps paths such as "rules[3]" or "rules[3].allowlists[0].regexes"
// to the line where that table or key is defined. The TOML decoder does not
// expose positions, so this reads the file's lines itself. It understands
// what rules files use (table headers, arrays of tables, keys, multi-line
// strings) and falls back to the nearest enclosing table for anything else.
type posIndex struct {
	lines map[string]int
}

func indexPositions(data []byte) *posIndex {
	p := &posIndex{lines: make(map[string]int)}
	counts := make(map[string]int) // array-of-tables path -> elements so far
	current := ""                  // path of the current table
	inString := ""                 // closing delimiter of a multi-line string we are inside
	for n, line := range strings.Split(string(data), "\n") {
		lineNo := n + 1
		if inString != "" {
			i := strings.Index(line, inString)
			if i < 0 {
				continue
			}
			// The string ends here; another may open after it.
			inString = openString(line[i+len(inString):])
			continue
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t[0] == '#':
			continue
		case strings.HasPrefix(t, "[["):
			name := tableName(t[2:], "]]")
			parent, last := splitLast(name)
			base := resolve(parent, counts)
			key := join(base, last)
			idx := counts[key]
			counts[key] = idx + 1
			current = fmt.Sprintf("%s[%d]", key, idx)
			p.set(current, lineNo)
			continue
		case t[0] == '[':
			name := tableName(t[1:], "]")
			current = resolve(name, counts)
			p.set(current, lineNo)
			continue
		}
		// A line that starts with a quote is an element of a multi-line
		// array: it has no key, though a regex in it may hold "=".
		rest := t
		if eq := strings.IndexByte(t, '='); eq > 0 && t[0] != '\'' && t[0] != '"' {
			key := strings.Trim(strings.TrimSpace(t[:eq]), `"'`)
			p.set(join(current, key), lineNo)
			rest = t[eq+1:]
		}
		inString = openString(rest)
	}
	return p
}

// openString returns the delimiter of a multi-line string that s opens and
// leaves open, or "". It reads s from the left, past one-line strings and
// up to a comment, so that a literal string holding three double quotes
// (”'..."""...”', as a regex that reads Python's docstrings has) or a
// one-line string holding three quotes is not taken for the start of a
// multi-line one.
func openString(s string) string {
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "'''") || strings.HasPrefix(s[i:], `"""`):
			delim := s[i : i+3]
			k := strings.Index(s[i+3:], delim)
			if k < 0 {
				return delim
			}
			i += 3 + k + 3
		case s[i] == '\'':
			k := strings.IndexByte(s[i+1:], '\'')
			if k < 0 {
				return ""
			}
			i += k + 2
		case s[i] == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			i = j + 1
		case s[i] == '#':
			return ""
		default:
			i++
		}
	}
	return ""
}

// tableName extracts "a.b" from "a.b]] # comment".
func tableName(s, end string) string {
	if i := strings.Index(s, end); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	for i, part := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(part), `"'`)
	}
	return strings.Join(parts, ".")
}

func splitLast(name string) (parent, last string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

// resolve turns a dotted table name into an indexed path: inside
// "rules[2]", the name "rules.allowlists" refers to "rules[2].allowlists".
func resolve(name string, counts map[string]int) string {
	if name == "" {
		return ""
	}
	out := ""
	for _, part := range strings.Split(name, ".") {
		out = join(out, part)
		if n, ok := counts[out]; ok && n > 0 {
			out = fmt.Sprintf("%s[%d]", out, n-1)
		}
	}
	return out
}

func (p *posIndex) set(path string, line int) {
	if _, ok := p.lines[path]; !ok {
		p.lines[path] = line
	}
}

// line returns the line of path, or of its nearest enclosing table, or 0.
func (p *posIndex) line(path string) int {
	for path != "" {
		if l, ok := p.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}
