package detect

// String literals joined by "+": a value split in pieces in code, as a
// long key is wrapped (API_KEY = "sk_live_4eC39HqLyjWDarjtT1" +
// "zdp7dc"), or as a token is split to slip past a push's secret scanning
// (token = "ghp_" + "…"). Each piece alone is no value, or not the whole
// one; concatenations rewrites such a run of literals as the one
// double-quoted string it makes, for the rules to read as unescapeLines
// reads any rewritten line. A secret found there is reported at the
// pieces as written, its secret the joined value, its encoding
// "concatenation".

// concatMark is what a line to rewrite holds (see concatenations).
var concatMark = []byte{'+'}

// concatenations returns the runs of the line content[ls:text] that join
// two or more string literals (double, single or back quotes) with "+"
// and nothing else, each as the double-quoted string it makes; the line
// is worth a scan if one of those strings could be a secret (see
// asciiValue). A piece that holds a backslash, a double quote or a
// template's ${ is left alone: its text is not what it says as written.
// The runs are not kept (see decoded): a generic match on a piece as
// written is a piece of a value, never the value.
func concatenations(content []byte, _, _, ls, text int, toks []rewrite) (int, int, []rewrite, bool) {
	worth := false
	for k := ls; k < text; {
		q := content[k]
		if q != '"' && q != '\'' && q != '`' {
			k++
			continue
		}
		t, next := concatenation(content, k, text)
		if t.dec != nil {
			toks = append(toks, t)
			worth = worth || asciiValue(t.dec[1:len(t.dec)-1])
		}
		k = next
	}
	return ls, text, toks, worth
}

// concatenation reads the run of literals joined by "+" whose first opens
// at p (see concatenations) and returns it, with its dec nil unless it
// joins two or more plain literals, and the offset where reading goes on:
// after the run, or after the first literal.
func concatenation(content []byte, p, text int) (rewrite, int) {
	t := rewrite{s: p, dec: []byte{'"'}, offs: []int{p}, wrapped: true, how: "concatenation"}
	pieces, at, plain := 0, p, true
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
		// space, an opening quote.
		j := skipBlanks(content[:text], c+1, false)
		if j >= text || content[j] != '+' || j+1 < text && (content[j+1] == '+' || content[j+1] == '=') {
			break
		}
		j = skipBlanks(content[:text], j+1, false)
		if j >= text || content[j] != '"' && content[j] != '\'' && content[j] != '`' {
			break
		}
		at = j
	}
	if pieces < 2 || !plain {
		return rewrite{}, t.e
	}
	t.dec, t.offs = append(t.dec, '"'), append(t.offs, t.e-1, t.e)
	return t, t.e
}
