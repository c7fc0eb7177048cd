package detect

import (
	"bytes"
	"slices"
	"strconv"
)

// Text that HTML or XML escaped: a draw.io diagram's labels, an XML
// attribute that holds markup (value="&lt;div&gt;password is …"), a
// page's text (Password: &quot;…&quot;), a password in an XML file
// (<password>a&amp;b</password>: XML writes its & so). Written so, the
// quotes and tags that bound a value are entities, and the rules read one
// run of text where the author wrote a quoted value, or a value that is
// not the secret. htmlEntities rewrites such a
// line with its character references decoded, once (&amp;lt; becomes
// &lt;, as one level of escaping says), for the rules to read as
// unescapeLines reads any rewritten line.

// entityMark is what a line to rewrite holds (see htmlEntities).
var entityMark = []byte{'&'}

// htmlEntities returns the line content[ls:text] as one run with its
// character references decoded, if it holds one that hides a quote or a
// tag (&quot; &apos; &#39; &lt; &gt; and their numeric forms), or, in a
// line of markup, a value's ampersand (&amp;); the line
// is worth a scan if the decoded text could hold an assignment (see
// worthScanning) or a quoted value.
func htmlEntities(content []byte, _, _, ls, text int, toks []rewrite) (int, int, []rewrite, bool) {
	line := content[ls:text]
	hides := bytes.Contains(line, ampersand) && bytes.IndexByte(line, '<') >= 0 ||
		slices.ContainsFunc(hidingEntities, func(e []byte) bool { return bytes.Contains(line, e) })
	if !hides {
		return ls, text, toks, false
	}
	dec := make([]byte, 0, len(line))
	offs := make([]int, 0, len(line)+1)
	for i := 0; i < len(line); {
		if line[i] == '&' {
			if c, n := entity(line[i:]); n > 0 {
				dec, offs = append(dec, c), append(offs, ls+i)
				i += n
				continue
			}
		}
		dec, offs = append(dec, line[i]), append(offs, ls+i)
		i++
	}
	offs = append(offs, text)
	toks = append(toks, rewrite{s: ls, e: text, dec: dec, offs: offs})
	return ls, text, toks, worthScanning(dec) || bytes.ContainsAny(dec, `"'`) && len(dec) >= minDecoded
}

// hidingEntities are the references that hide a quote or a tag, escaped
// once or twice (&amp;quot;, as markup in an attribute writes it).
var hidingEntities = [][]byte{[]byte("&quot;"), []byte("&apos;"), []byte("&lt;"), []byte("&gt;"), []byte("&#3"), []byte("&#6"), []byte("&#x2"), []byte("&#x3"), []byte("&amp;quot;"), []byte("&amp;lt;"), []byte("&amp;#")}

// ampersand is the reference XML writes a value's & as; it hides the
// value's own & in a line of markup, one that holds a tag's "<" (in a
// Python, JSON or YAML string, &amp; is the value as written).
var ampersand = []byte("&amp;")

// entity returns the ASCII character the character reference at the start
// of b stands for, and its length; 0 if b starts with none (or one for a
// character beyond ASCII, which is kept as written).
func entity(b []byte) (byte, int) {
	end := bytes.IndexByte(b[:min(len(b), 10)], ';')
	if end < 2 {
		return 0, 0
	}
	name := b[1:end]
	switch string(name) {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	case "apos":
		return '\'', end + 1
	case "nbsp":
		return ' ', end + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	// bitSize 7: a reference beyond ASCII is kept as written.
	v, err := strconv.ParseUint(string(digits), base, 7)
	if err != nil {
		return 0, 0
	}
	if v < ' ' && v != '\t' {
		return 0, 0
	}
	return byte(v), end + 1
}
