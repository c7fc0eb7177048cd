package config

import "fmt"

// Limits on a rules file, checked before it is decoded. A rules file can
// come from the repository under scan, and the TOML decoder's time and
// memory grow with the square of the nesting of inline tables and arrays,
// and of the number of parts of a dotted key (a 48 KB file of nested
// inline tables took 28 s and 2.9 GB); real rules files nest three deep
// and name keys of two or three parts.
const (
	// MaxFileSize bounds a rules file; the default rules are 300 KB.
	MaxFileSize = 4 << 20
	// MaxNesting bounds the nesting of inline tables and arrays.
	MaxNesting = 32
	// MaxKeyParts bounds the dotted parts of a key or a table header.
	MaxKeyParts = 32
)

// checkLimits checks data against the limits above, with a tokenizer that
// knows TOML's strings and comments, and its keys well enough to count
// their parts. It judges nothing else: syntax errors are the decoder's.
func checkLimits(name string, data []byte) error {
	if len(data) > MaxFileSize {
		return ErrorList{{Pos: Pos{File: name}, Msg: fmt.Sprintf("%d bytes: a rules file may have at most %d", len(data), MaxFileSize)}}
	}
	tooDeep := func(line int) error {
		return ErrorList{{Pos: Pos{File: name, Line: line}, Msg: fmt.Sprintf("inline tables and arrays nested more than %d deep", MaxNesting)}}
	}
	tooLong := func(line int) error {
		return ErrorList{{Pos: Pos{File: name, Line: line}, Msg: fmt.Sprintf("a key of more than %d dotted parts", MaxKeyParts)}}
	}
	line := 1
	var stack []byte // open '{' and '[' of values
	key := true      // where a key may be: the start of a line, after '{' or an inline table's ','
	header := false  // inside a table header, [a.b] or [[a.b]]
	parts := 1
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
			if len(stack) == 0 {
				key, header, parts = true, false, 1
			}
		case '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			end, lines := skipString(data, i)
			i, line = end, line+lines
		case '[':
			if len(stack) == 0 && key && !header {
				header, parts = true, 1
				if i+1 < len(data) && data[i+1] == '[' {
					i++
				}
				continue
			}
			fallthrough
		case '{':
			if stack = append(stack, c); len(stack) > MaxNesting {
				return tooDeep(line)
			}
			key, parts = c == '{', 1
		case ']', '}':
			if header && len(stack) == 0 {
				header = false
			} else if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			key = false
		case ',':
			if len(stack) > 0 && stack[len(stack)-1] == '{' {
				key, parts = true, 1
			}
		case '=':
			key = false
		case '.':
			if key || header {
				if parts++; parts > MaxKeyParts {
					return tooLong(line)
				}
			}
		}
	}
	return nil
}

// skipString returns the index of the last byte of the string (basic or
// literal, single- or multi-line) that starts at data[i], and the newlines
// it holds. An unterminated string runs to the end of its line (a
// single-line one) or of the data.
func skipString(data []byte, i int) (end, lines int) {
	q := data[i]
	multi := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	j := i + 1
	if multi {
		j = i + 3
	}
	for ; j < len(data); j++ {
		switch c := data[j]; {
		case c == '\\' && q == '"':
			if j+1 < len(data) && data[j+1] == '\n' {
				lines++
			}
			j++
		case c == '\n':
			if !multi {
				return j - 1, lines
			}
			lines++
		case c == q && !multi:
			return j, lines
		case c == q && j+2 < len(data) && data[j+1] == q && data[j+2] == q:
			// A multi-line string may end with up to two more quotes.
			j += 2
			for j+1 < len(data) && data[j+1] == q {
				j++
			}
			return j, lines
		}
	}
	return len(data) - 1, lines
}
