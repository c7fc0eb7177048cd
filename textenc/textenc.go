// Package textenc turns the bytes of a file into the text that rules are
// written for: UTF-8, without a byte order mark, with "\n" line ends.
//
// People save text in other ways: Windows editors end lines with "\r\n",
// old Mac files with a lone "\r", Notepad may put a UTF-8 byte order mark
// first, Windows PowerShell's ">" and many Windows tools write UTF-16, and
// older files are Latin-1 or Windows-1252. A rule anchored at a line's end,
// or a character class that must not cross a line, fails on such text
// unless it is decoded first; a UTF-16 file even looks binary (every other
// byte is NUL). Normalize decodes all of them the same way, so that a
// secret is found alike whichever way its file was saved:
//
//   - a UTF-8 byte order mark is dropped;
//   - UTF-16 with a byte order mark (little- or big-endian), and UTF-16
//     without one whose first bytes are unmistakably mostly-ASCII text (see
//     Detect), is decoded to UTF-8;
//   - content that is not valid UTF-8 is read as Windows-1252 (a superset
//     of Latin-1's printable characters) where it is not: each byte that
//     does not start a valid UTF-8 sequence becomes the character it stands
//     for in Windows-1252, and valid UTF-8 around it is kept;
//   - "\r\n" and a lone "\r" become "\n";
//   - binary content (see Binary) becomes the runs of printable text in
//     it, one per line (see AppendStrings).
//
// Blank then turns a terminal's control sequences (ESC [ ... m, the
// colours of a captured log) into spaces, one per byte, so a token printed
// in colour is found as the one printed plain; a no-break space (U+00A0
// or U+202F, what a word processor or a wiki page puts around "=" and after
// ":", and a copy and paste keeps) into plain spaces, one per byte, so
// "DB_PASSWORD = value" pasted from a document is read as typed; and a
// typographic double quote (U+201C, U+201D, what a word processor makes of
// '"') into an ASCII one padded with spaces, so password: “value” is read
// as quoted. A caller asks for it where Blankable finds one of them (the
// detector looks only in the lines it scans, so most content is never
// searched).
//
// Every line break of the file (LF, CRLF or CR) becomes exactly one "\n",
// so a line number in the normalized text is the line number an editor
// shows for the file. A column in the normalized text counts bytes of the
// line's UTF-8 text, which is the byte column for a UTF-8 file and, for a
// UTF-16 or Latin-1 file, the column its line would have saved as UTF-8
// (for ASCII text: the character column in every encoding).
//
// Binary decides what is not text at all (a NUL byte early on) in a way
// that keeps UTF-16 text, which is full of NUL bytes, as text. It is the one
// binary check of every source of content. Normalize reads binary content
// as the strings in it; its line numbers are then those of the strings'
// list, since a binary file has no lines of its own.
//
// The package is a leaf: it knows bytes and text encodings, nothing of
// rules, git, files or reports.
package textenc

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// SniffLen is how many leading bytes Binary and Detect look at, as git
// does to tell binary files from text.
const SniffLen = 8000

// Encoding is how text was saved.
type Encoding uint8

// The encodings Detect tells apart.
const (
	// UTF8 is UTF-8 (ASCII included) without a byte order mark.
	UTF8 Encoding = iota
	// UTF8BOM is UTF-8 that starts with a byte order mark.
	UTF8BOM
	// UTF16LE is little-endian UTF-16, with a byte order mark or without.
	UTF16LE
	// UTF16BE is big-endian UTF-16, with a byte order mark or without.
	UTF16BE
	// Latin1 is content that is not valid UTF-8: its invalid bytes are
	// read as Windows-1252.
	Latin1
	// Strings is binary content (see Binary), read as the strings in it,
	// one per line (see AppendStrings).
	Strings
)

var encodingNames = [...]string{"utf-8", "utf-8-bom", "utf-16le", "utf-16be", "latin-1", "strings"}

func (e Encoding) String() string {
	if int(e) < len(encodingNames) {
		return encodingNames[e]
	}
	return "unknown"
}

// Binary reports whether content is binary rather than text: it has a NUL
// byte among its first SniffLen bytes, as git decides, unless those bytes
// are UTF-16 text (see Detect).
func Binary(content []byte) bool {
	if !nulInHead(content) {
		return false
	}
	enc, _ := utf16Of(content)
	return enc != UTF16LE && enc != UTF16BE
}

// nulInHead reports whether a NUL byte occurs among content's first
// SniffLen bytes: binary, unless it is UTF-16 text (see utf16Of).
func nulInHead(content []byte) bool {
	return bytes.IndexByte(content[:min(len(content), SniffLen)], 0) >= 0
}

// Detect returns the encoding content was saved in. UTF-16 is recognised by
// its byte order mark, or without one when its first SniffLen bytes (an
// even number of them, four at least) are text in which at least 70% of
// the code units are ASCII with the other byte zero, with no NUL character
// and no control character other than tab, line feed, vertical tab, form
// feed, carriage return and escape: random or binary data is never all of
// that. Content that is neither UTF-16 nor valid UTF-8 is Latin1.
func Detect(content []byte) Encoding {
	if enc, _ := utf16Of(content); enc != UTF8 {
		return enc
	}
	if bytes.HasPrefix(content, bom8) {
		return UTF8BOM
	}
	if !utf8.Valid(content) {
		return Latin1
	}
	return UTF8
}

var bom8 = []byte{0xEF, 0xBB, 0xBF}

// utf16Of returns UTF16LE or UTF16BE and the length of the byte order mark
// if content is UTF-16 text, and UTF8 otherwise.
func utf16Of(content []byte) (Encoding, int) {
	if len(content) >= 2 {
		var enc Encoding
		switch {
		case content[0] == 0xFF && content[1] == 0xFE:
			enc = UTF16LE
		case content[0] == 0xFE && content[1] == 0xFF:
			enc = UTF16BE
		}
		if enc != UTF8 {
			// A mark is trusted unless what follows holds a NUL
			// character, which no UTF-16 text does (and which UTF-32's
			// mark, FF FE 00 00, starts with).
			if nulUnit(content[2:min(len(content), SniffLen)]) {
				return UTF8, 0
			}
			return enc, 2
		}
	}
	head := content[:min(len(content), SniffLen)]
	if len(head) < 4 || len(content)%2 != 0 || bytes.IndexByte(head, 0) < 0 {
		return UTF8, 0
	}
	head = head[:len(head)&^1]
	for _, enc := range [...]Encoding{UTF16LE, UTF16BE} {
		if textUTF16(head, enc) {
			return enc, 0
		}
	}
	return UTF8, 0
}

// nulUnit reports whether b, read as UTF-16 code units, holds U+0000.
func nulUnit(b []byte) bool {
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] == 0 {
			return true
		}
	}
	return false
}

// textUTF16 reports whether b, read as UTF-16 in enc's byte order, is
// mostly-ASCII text (see Detect). A surrogate pair cut at the end of b is
// allowed: b may be a prefix.
func textUTF16(b []byte, enc Encoding) bool {
	units := len(b) / 2
	ascii := 0
	for i := 0; i < units; i++ {
		u := unit(b, i, enc)
		switch {
		case u == 0:
			return false
		case u < 0x20:
			if !textControl(u) {
				return false
			}
			ascii++
		case u < 0x80:
			ascii++
		case u >= 0xD800 && u < 0xDC00: // high surrogate: a low one follows
			if i+1 == units {
				break
			}
			if v := unit(b, i+1, enc); v < 0xDC00 || v >= 0xE000 {
				return false
			}
			i++
		case u >= 0xDC00 && u < 0xE000:
			return false
		}
	}
	return ascii*10 >= units*7
}

func textControl(u uint16) bool {
	switch u {
	case '\t', '\n', '\v', '\f', '\r', 0x1B:
		return true
	}
	return false
}

func unit(b []byte, i int, enc Encoding) uint16 {
	if enc == UTF16BE {
		return uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return uint16(b[2*i]) | uint16(b[2*i+1])<<8
}

// Esc starts a terminal's escape sequence.
const Esc = 0x1b

// BlankEscapes overwrites with spaces, in place, each terminal control
// sequence of b (ESC [ parameters, intermediates and a final byte: the
// colours and cursor moves a CI log or a captured terminal keeps, as in
// "\x1b[94msq0csp-…\x1b[0m"), so that a token printed in colour is
// bounded by a space as on the screen, and columns stay those of the
// file. A lone ESC, or one that starts no such sequence, is kept.
func BlankEscapes(b []byte) []byte {
	for i := 0; i < len(b); i++ {
		if b[i] != Esc {
			// Most content a caller blanks holds no escape at all (a
			// no-break space, a quote brought it here): skip to the
			// next ESC as memchr does.
			j := bytes.IndexByte(b[i:], Esc)
			if j < 0 {
				break
			}
			i += j
		}
		if i+1 >= len(b) || b[i+1] != '[' {
			continue
		}
		j := i + 2
		for j < len(b) && b[j] >= 0x30 && b[j] <= 0x3f { // parameters
			j++
		}
		for j < len(b) && b[j] >= 0x20 && b[j] <= 0x2f { // intermediates
			j++
		}
		if j >= len(b) || b[j] < 0x40 || b[j] > 0x7e || j-i > maxEscape {
			continue // not a control sequence's final byte
		}
		for k := i; k <= j; k++ {
			b[k] = ' '
		}
		i = j
	}
	return b
}

// maxEscape bounds the length of a control sequence BlankEscapes blanks.
const maxEscape = 32

// noBreak is U+00A0 NO-BREAK SPACE in UTF-8 (a Latin-1 0xA0 byte is
// decoded to it).
var noBreak = []byte("\u00a0")

// generalPunct is the first two bytes, in UTF-8, of U+2000 to U+203F:
// among them U+202F NARROW NO-BREAK SPACE and the typographic double
// quotes U+201C and U+201D, which Blank rewrites by their third byte.
var generalPunct = []byte("\xe2\x80")

// Third bytes after generalPunct that Blank rewrites.
const (
	narrowNoBreak = 0xaf // U+202F
	leftQuote     = 0x9c // U+201C “
	rightQuote    = 0x9d // U+201D ”
)

// Blankable reports whether b holds what Blank rewrites: an ESC byte, a
// no-break space or a typographic double quote.
func Blankable(b []byte) bool {
	if bytes.IndexByte(b, Esc) >= 0 || bytes.Contains(b, noBreak) {
		return true
	}
	for rest := b; ; {
		i := bytes.Index(rest, generalPunct)
		if i < 0 || i+2 >= len(rest) {
			return false
		}
		switch rest[i+2] {
		case narrowNoBreak, leftQuote, rightQuote:
			return true
		}
		rest = rest[i+2:]
	}
}

// Blank overwrites, in place, b's terminal control sequences (see
// BlankEscapes) and its no-break spaces with spaces, each byte of one a
// space, and each typographic double quote with an ASCII one and two
// spaces outside it (“ becomes two spaces and ", ” becomes " and two
// spaces), so that a value a word processor quoted (password:
// “...”) is read as quoted, and columns stay those of the file.
func Blank(b []byte) []byte {
	BlankEscapes(b)
	for rest := b; ; {
		i := bytes.Index(rest, noBreak)
		if i < 0 {
			break
		}
		copy(rest[i:], "  ")
		rest = rest[i+2:]
	}
	for rest := b; ; {
		i := bytes.Index(rest, generalPunct)
		if i < 0 || i+2 >= len(rest) {
			break
		}
		switch rest[i+2] {
		case narrowNoBreak:
			copy(rest[i:], "   ")
		case leftQuote:
			copy(rest[i:], "  \"")
		case rightQuote:
			copy(rest[i:], "\"  ")
		}
		rest = rest[i+2:]
	}
	return b
}

// Normalize returns content as UTF-8 text with "\n" line ends (see the
// package documentation), and the encoding it was saved in. When content
// is such text already, text is content itself (without its byte order
// mark, if it has one) and copied is false; otherwise the text is appended
// to dst[:0], which may be nil, and copied is true.
func Normalize(dst, content []byte) (text []byte, enc Encoding, copied bool) {
	if enc, skip := utf16Of(content); enc != UTF8 {
		return decodeUTF16(dst[:0], content[skip:], enc), enc, true
	}
	if nulInHead(content) { // Binary, utf16Of having ruled UTF-16 out
		return AppendStrings(dst[:0], content), Strings, true
	}
	enc = UTF8
	if bytes.HasPrefix(content, bom8) {
		content, enc = content[len(bom8):], UTF8BOM
	}
	valid := utf8.Valid(content)
	if !valid {
		enc = Latin1
	}
	if valid && bytes.IndexByte(content, '\r') < 0 {
		return content, enc, false
	}
	out := dst[:0]
	if valid {
		for {
			i := bytes.IndexByte(content, '\r')
			if i < 0 {
				return append(out, content...), enc, true
			}
			out = append(append(out, content[:i]...), '\n')
			content = content[i+1:]
			if len(content) > 0 && content[0] == '\n' {
				content = content[1:]
			}
		}
	}
	for i := 0; i < len(content); {
		c := content[i]
		switch {
		case c == '\r':
			out = append(out, '\n')
			i++
			if i < len(content) && content[i] == '\n' {
				i++
			}
			continue
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(content[i:])
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, windows1252(c))
		} else {
			out = append(out, content[i:i+n]...)
		}
		i += n
	}
	return out, enc, true
}

// MinString is the shortest run of printable characters AppendStrings
// keeps: shorter runs in compiled code or a database file are mostly
// bytes of numbers and offsets that happen to be printable.
const MinString = 8

// AppendStrings appends to out the text in binary content b: each run of
// at least MinString printable ASCII characters (space to tilde, and tab),
// and each run of as many such characters in UTF-16LE (how Windows
// programs and .NET assemblies store their strings), in the order they
// occur, each followed by "\n", and after a run the string a length byte
// announces in it, if any (see appendPrefixed). What a compiled program, a
// Python bytecode file, a SQLite database or a serialized object holds as
// text (a token, a connection string, a key in PEM form) is found there.
func AppendStrings(out, b []byte) []byte {
	for i := 0; i < len(b); {
		if !printableByte(b[i]) {
			i++
			continue
		}
		k := i
		for k+1 < len(b) && printableByte(b[k]) && b[k+1] == 0 {
			k += 2
		}
		if (k-i)/2 >= MinString {
			for j := i; j < k; j += 2 {
				out = append(out, b[j])
			}
			out = append(out, '\n')
			i = k
			continue
		}
		j := i + 1
		for j < len(b) && printableByte(b[j]) {
			j++
		}
		if j-i >= MinString {
			out = append(append(out, b[i:j]...), '\n')
			out = appendPrefixed(out, b, i, j)
		}
		i = j
	}
	return out
}

// appendPrefixed appends, each on a line of its own, the strings a length
// byte announces at the start of the run b[i:j]: most binary formats write
// a string as its length and its bytes (Python's pickle and marshal, a
// Java class's constants, protocol buffers), so a length byte that is
// printable glues onto the string's start (pickle's "\x8cnya29.…": a
// token of 110 characters), and the next value's printable type code onto
// its end (a .pyc's "AKIA…TN)": True, None, a tuple). The byte before the
// run, or the run's first, read as a length of MinString or more that ends
// the string at most maxGlued bytes before the run's end, cuts it out; the
// run itself is kept, so this only adds lines. A length that would end a
// string further inside the run is taken for a coincidence: the run is
// text, and cutting it would only list a piece of it.
func appendPrefixed(out, b []byte, i, j int) []byte {
	if i > 0 {
		if n := int(b[i-1]); lengthByte(b[i-1]) && n >= MinString && i+n < j && j-(i+n) <= maxGlued {
			out = append(append(out, b[i:i+n]...), '\n')
		}
	}
	if n := int(b[i]); lengthByte(b[i]) && n >= MinString && i+1+n <= j && j-(i+1+n) <= maxGlued {
		out = append(append(out, b[i+1:i+1+n]...), '\n')
	}
	return out
}

// maxGlued is how many printable bytes after a length-prefixed string
// appendPrefixed takes for the type codes of the values that follow it.
const maxGlued = 3

// lengthByte reports whether c, the byte before a run of text, may be the
// run's length: not a line break or a tab, which end text's lines. (A NUL
// is no length of MinString or more, which appendPrefixed also asks.)
func lengthByte(c byte) bool { return c != '\n' && c != '\r' && c != '\t' }

func printableByte(c byte) bool {
	return c >= ' ' && c <= '~' || c == '\t'
}

// decodeUTF16 appends the UTF-8 text of b, UTF-16 in enc's byte order, to
// out, with line ends normalized. An unpaired surrogate or a trailing odd
// byte becomes U+FFFD.
func decodeUTF16(out, b []byte, enc Encoding) []byte {
	out = growBytes(out, len(b)/2+len(b)/8)
	units := len(b) / 2
	for i := 0; i < units; i++ {
		u := unit(b, i, enc)
		switch {
		case u == '\r':
			out = append(out, '\n')
			if i+1 < units && unit(b, i+1, enc) == '\n' {
				i++
			}
		case u < utf8.RuneSelf:
			out = append(out, byte(u))
		case utf16.IsSurrogate(rune(u)):
			r := utf8.RuneError
			if i+1 < units {
				if d := utf16.DecodeRune(rune(u), rune(unit(b, i+1, enc))); d != utf8.RuneError {
					r = d
					i++
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			out = utf8.AppendRune(out, rune(u))
		}
	}
	if len(b)%2 != 0 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out
}

func growBytes(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), len(b)+n)
		copy(nb, b)
		return nb
	}
	return b
}

// cp1252 maps the bytes 0x80 to 0x9F, where Windows-1252 has printable
// characters and Latin-1 control codes; the five bytes Windows-1252 leaves
// undefined keep their Latin-1 meaning.
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

// windows1252 returns the character byte c (0x80 or more) stands for in
// Windows-1252.
func windows1252(c byte) rune {
	if c >= 0x80 && c < 0xA0 {
		return cp1252[c-0x80]
	}
	return rune(c)
}

// Contains reports whether the text of content, normalized, holds needle:
// whether a file holds a secret found in another version of it, whichever
// way each version was saved.
func Contains(content, needle []byte) bool {
	if bytes.Contains(content, needle) {
		return true
	}
	text, _, copied := Normalize(nil, content)
	return copied && bytes.Contains(text, needle)
}
