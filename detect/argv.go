package detect

import "bytes"

// Commands written as arrays of strings: an exec-form Dockerfile CMD or
// RUN, a compose command or healthcheck, a Kubernetes container's command
// and args (a flow sequence, or a block sequence of one item a line), a
// subprocess call, a task runner's args. The rules that know a command's
// options (mysql -p, sshpass -p, redis-server --requirepass, curl -u, a
// --db-password flag) are written for command lines, so such an array is
// read as the command line it stands for:
//
//	["mysql", "-u", "root", "-pXk9..."]    is read as    mysql -u root -pXk9...
//
// An array is read so if it holds at least two strings and one of them is
// an option (a dash and a letter, or two dashes and a letter or a digit).
// A string that holds a space or a tab keeps its quotes: it is one word.
// The array is one run of the rewritten text (see rewrite), so a secret in
// it is reported where it is written; a secret that ends the array ends
// where a space after it stands for its closing quote. Arrays are text as
// written, so their runs are kept (see decoded): a generic match on the
// array as written stands unless the command line gave one.

// argvMark is what every line of such an array holds, an option's dash;
// argvRuns reads the lines that hold one of argvMarks: an option, quoted
// or (an item of a YAML block sequence) not. One pass over the dashes
// costs less than one for each mark, as quotes are everywhere in code.
var (
	argvMark  = []byte{'-'}
	argvMarks = [][]byte{[]byte(`"-`), []byte(`'-`), []byte(`- -`)}
)

// maxArgvSpan bounds how far above a line an array that takes it in may
// open, and how long an array or a block sequence may be.
const maxArgvSpan = 4 << 10

// argvRuns returns the rewrites of the commands written as arrays that a
// line holding one of argvMarks is part of (see lineRewrites): the arrays
// on the line itself, else an array that opens on a line above, else the
// YAML block sequence whose item the line is. Each call (one pass over
// the lines of a region, in order) remembers how far it has looked for an
// opening bracket, the last one it found and whether that one was read:
// each byte is looked at once, and each bracket read once, so that a
// region of many marked lines costs what its length does.
func argvRuns() lineRewrites {
	seen, near, tried := -1, -1, false
	block := -1 // the end of the last block sequence read: its lines are not read again
	return func(content []byte, start, end, ls, text int, toks []rewrite) (int, int, []rewrite, bool) {
		marked := false
		for _, m := range argvMarks {
			if bytes.Contains(content[ls:text], m) {
				marked = true
				break
			}
		}
		if !marked {
			return ls, text, toks, false
		}
		worth := false
		for k := ls; k < text; k++ {
			if content[k] != '[' {
				continue
			}
			t, next, ok := argvArray(content, k, text, false)
			if ok {
				toks = append(toks, t)
				worth = true
			}
			k = next - 1
		}
		if worth {
			return ls, text, toks, true
		}
		floor := max(start, ls-maxArgvSpan)
		if from := max(floor, seen); from < ls {
			if q := bytes.LastIndexByte(content[from:ls], '['); q >= 0 {
				near, tried = from+q, false
			}
			seen = ls
		}
		if near >= floor && !tried {
			tried = true
			t, _, ok := argvArray(content, near, min(end, near+maxArgvSpan), true)
			if ok && t.e > ls {
				from := lineStartWithin(content, near, 0, near-start)
				to := lineEndWithin(content, t.e-1, 0, end-t.e+1)
				if to > t.e && content[to-1] == '\n' {
					to--
				}
				return from, to, append(toks, t), true
			}
		}
		if ls < block {
			return ls, text, toks, false
		}
		t, from, to, ok := yamlArgv(content, start, end, ls, text)
		if ok {
			return from, to, append(toks, t), true
		}
		block = to
		return ls, text, toks, false
	}
}

// argvArray reads the array that opens at content[p], up to text, and
// returns its rewrite, the offset where reading goes on, and whether it is
// a command: at least two strings, one of them an option. With lines, the
// array may run over several lines and hold comments (# to the line's
// end) between its strings.
func argvArray(content []byte, p, text int, lines bool) (rewrite, int, bool) {
	t := rewrite{s: p, kept: true}
	option := false
	n, last := 0, 0
	k := p + 1
	skip := func() {
		for k < text {
			switch c := content[k]; {
			case c == ' ' || c == '\t':
				k++
			case lines && (c == '\n' || c == '\r'):
				k++
			case lines && c == '#' && n > 0:
				if e := bytes.IndexByte(content[k:text], '\n'); e >= 0 {
					k += e
				} else {
					k = text
				}
			default:
				return
			}
		}
	}
	for {
		skip()
		if k >= text {
			return rewrite{}, k, false
		}
		q := content[k]
		if q == ']' && n > 0 {
			// The end, after the last string or a trailing comma: the
			// space stands for the last string's closing quote.
			t.dec, t.offs = append(t.dec, ' '), append(t.offs, last)
			break
		}
		if q != '"' && q != '\'' {
			return rewrite{}, k + 1, false
		}
		c := closingQuote(content, k+1, text, q)
		if c >= text || bytes.IndexByte(content[k+1:c], '\n') >= 0 {
			return rewrite{}, text, false
		}
		if n > 0 {
			// The space between two strings stands for the closing quote
			// of the first.
			t.dec, t.offs = append(t.dec, ' '), append(t.offs, last)
		}
		option = argvWord(&t, content, k+1, c, q) || option
		n++
		last = c
		k = c + 1
		skip()
		if k < text && content[k] == ',' {
			k++
		} else if k >= text || content[k] != ']' {
			return rewrite{}, k, false
		}
	}
	t.e = k + 1
	return t, t.e, n >= 2 && option
}

// argvWord appends the word content[s:e] to t's text, in the quote q (at
// s-1 and e; a double quote for a YAML plain scalar, q 0) if it holds a
// space or a tab, and reports whether it is an option.
func argvWord(t *rewrite, content []byte, s, e int, q byte) bool {
	word := content[s:e]
	quoted := len(word) == 0 || bytes.ContainsAny(word, " \t")
	if q == 0 {
		q = '"'
	}
	if quoted {
		t.dec, t.offs = append(t.dec, q), append(t.offs, s-1)
	}
	for i := s; i < e; i++ {
		t.dec, t.offs = append(t.dec, content[i]), append(t.offs, i)
	}
	if quoted {
		t.dec, t.offs = append(t.dec, q), append(t.offs, e)
	}
	return len(word) > 1 && word[0] == '-' && (isLetter(word[1]) || len(word) > 2 && word[1] == '-' && (isLetter(word[2]) || '0' <= word[2] && word[2] <= '9'))
}

// yamlArgv reads the YAML block sequence whose item is the line
// content[ls:text], within content[start:end]: items of scalars, one a
// line, at one indentation ("  - --requirepass"). It returns the sequence's
// rewrite (its run from the first scalar to the end of the last), the
// span of its lines (the end of those it read when it is none), and
// whether it is a command (see argvArray).
func yamlArgv(content []byte, start, end, ls, text int) (rewrite, int, int, bool) {
	indent, _, _, _, ok := yamlItem(content, ls, text)
	if !ok {
		return rewrite{}, ls, text, false
	}
	// The first item: lines above at the same indentation.
	first := ls
	for first > start && ls-first < maxArgvSpan {
		ps := lineStartWithin(content, first-1, 0, min(first-1-start, maxArgvSpan))
		pe := first - 1
		if pe > ps && content[pe-1] == '\r' {
			pe--
		}
		if in, _, _, _, ok := yamlItem(content, ps, pe); !ok || in != indent {
			break
		}
		first = ps
	}
	t := rewrite{kept: true}
	option := false
	n, last, to := 0, 0, text
	for at := first; at < end && at-ls < maxArgvSpan; {
		le := lineEndWithin(content, at, 0, end-at)
		te := le
		if te > at && content[te-1] == '\n' {
			te--
		}
		if te > at && content[te-1] == '\r' {
			te--
		}
		in, s, e, q, ok := yamlItem(content, at, te)
		if !ok || in != indent {
			break
		}
		if n == 0 {
			t.s = s
			if q != 0 {
				t.s--
			}
		} else {
			t.dec, t.offs = append(t.dec, ' '), append(t.offs, last)
		}
		option = argvWord(&t, content, s, e, q) || option
		n++
		last, to = e, te
		t.e = e
		if q != 0 {
			t.e++
		}
		at = le
	}
	if n < 2 || !option {
		return rewrite{}, first, max(to, text), false
	}
	t.dec, t.offs = append(t.dec, ' '), append(t.offs, last)
	return t, first, to, true
}

// yamlItem reads the line content[ls:text] as an item of a YAML block
// sequence that is a scalar: its indentation, the scalar content[s:e] (in
// its quote q, 0 if plain), and whether it is one. A mapping ("- name: x"),
// a nested sequence or an empty item is not.
func yamlItem(content []byte, ls, text int) (indent, s, e int, q byte, ok bool) {
	k := ls
	for k < text && (content[k] == ' ' || content[k] == '\t') {
		k++
	}
	indent = k - ls
	if k+1 >= text || content[k] != '-' || content[k+1] != ' ' && content[k+1] != '\t' {
		return 0, 0, 0, 0, false
	}
	k += 2
	for k < text && (content[k] == ' ' || content[k] == '\t') {
		k++
	}
	if k >= text {
		return 0, 0, 0, 0, false
	}
	switch content[k] {
	case '"', '\'':
		q = content[k]
		c := closingQuote(content, k+1, text, q)
		if c >= text {
			return 0, 0, 0, 0, false
		}
		rest := bytes.TrimLeft(content[c+1:text], " \t")
		if len(rest) > 0 && rest[0] != '#' {
			return 0, 0, 0, 0, false
		}
		return indent, k + 1, c, q, true
	case '[', '{', '|', '>', '&', '*', '#':
		return 0, 0, 0, 0, false
	case '!':
		// A tag (!!str, !<...>, !Ref name); a plain scalar that only
		// begins with "!" is read as written, as the rules read one.
		if k+1 < text && (content[k+1] == '!' || content[k+1] == '<') {
			return 0, 0, 0, 0, false
		}
	}
	e = text
	if c := bytes.Index(content[k:text], []byte(" #")); c >= 0 {
		e = k + c
	}
	for e > k && (content[e-1] == ' ' || content[e-1] == '\t') {
		e--
	}
	if bytes.Contains(content[k:e], []byte(": ")) || content[e-1] == ':' {
		return 0, 0, 0, 0, false
	}
	return indent, k, e, 0, true
}
