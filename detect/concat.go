package detect

import "bytes"

// String literals joined by "+": a value split in pieces in code, as a
// long key is wrapped (API_KEY = "…" + "…", on one line or with each
// piece on a line of its own after a line that ends in "+"), or as a
// token is split to slip past a push's secret scanning (token = "ghp_" +
// "…"). Each piece alone is no value, or
// not the whole one; concatenations rewrites such a run of literals as the
// one double-quoted string it makes, for the rules to read as
// unescapeLines reads any rewritten line. A secret found there is
// reported at the pieces as written, its secret the joined value, its
// encoding "concatenation".

// concatMark is what a line to rewrite holds (see concatenations).
var concatMark = []byte{'+'}

// maxConcatLines bounds the lines a run of joined literals may take.
const maxConcatLines = 16

// concatenations returns the runs of the line content[ls:text] that join
// two or more string literals (double, single or back quotes) with "+"
// and nothing else, each as the double-quoted string it makes, and the
// span of lines they take (a run may go on over the lines below, up to
// end); the line is worth a scan if one of those strings could be a
// secret (see asciiValue). A piece that holds a backslash, a double quote
// or a template's ${ is left alone: its text is not what it says as
// written. The runs are not kept (see decoded): a generic match on a
// piece as written is a piece of a value, never the value.
func concatenations(content []byte, _, end, ls, text int, toks []rewrite) (int, int, []rewrite, bool) {
	worth := false
	to := text
	for k := ls; k < text; {
		q := content[k]
		if q != '"' && q != '\'' && q != '`' {
			k++
			continue
		}
		t, next := concatenation(content, k, text, end)
		if t.dec != nil {
			toks = append(toks, t)
			worth = worth || asciiValue(t.dec[1:len(t.dec)-1])
			if t.e > text {
				to = lineEnd(content, t.e, end)
				return ls, to, toks, worth // the run took in the lines below
			}
		}
		k = next
	}
	return ls, to, toks, worth
}

// concatenation reads the run of literals joined by "+" whose first opens
// at p, on the line that ends at text (see concatenations), and returns
// it, with its dec nil unless it joins two or more plain literals, and the
// offset where reading goes on: after the run, or after the first literal.
func concatenation(content []byte, p, text, end int) (rewrite, int) {
	t := rewrite{s: p, dec: []byte{'"'}, offs: []int{p}, wrapped: true, how: "concatenation"}
	pieces, at, plain, lines := 0, p, true, 0
	for {
		q := content[at]
		c := closingQuote(content, at+1, text, q)
		if c >= text {
			if pieces == 0 {
				return rewrite{}, text
			}
			break
		}
		for i := at + 1; i < c; i++ {
			b := content[i]
			if b == '\\' || b == '"' || q == '`' && b == '$' && i+1 < c && content[i+1] == '{' {
				plain = false
			}
			t.dec, t.offs = append(t.dec, b), append(t.offs, i)
		}
		pieces++
		t.e = c + 1
		// The next piece: white space, one "+" (not "++" or "+="), white
		// space or the line's end and the next line's indent, an opening
		// quote.
		j := skipBlanks(content[:text], c+1, false)
		if j >= text || content[j] != '+' || j+1 < text && (content[j+1] == '+' || content[j+1] == '=') {
			break
		}
		j = skipBlanks(content[:text], j+1, false)
		if j == text && text < end && lines < maxConcatLines {
			j = skipBlanks(content[:end], text+1, false)
			text = lineEnd(content, j, end)
			lines++
		}
		if j >= text || content[j] != '"' && content[j] != '\'' && content[j] != '`' {
			break
		}
		at = j
	}
	if pieces < 2 || !plain || t.e-p > maxToken {
		return rewrite{}, min(t.e, text)
	}
	t.dec, t.offs = append(t.dec, '"'), append(t.offs, t.e-1, t.e)
	return t, t.e
}

// lineEnd returns the offset of the line break that ends the line holding
// i, or end if none comes before it.
func lineEnd(content []byte, i, end int) int {
	if e := bytes.IndexByte(content[i:end], '\n'); e >= 0 {
		return i + e
	}
	return end
}
