package textenc

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16 in enc's byte order, with a byte order
// mark when bom is set.
func utf16Bytes(s string, enc Encoding, bom bool) []byte {
	var order binary.ByteOrder = binary.LittleEndian
	if enc == UTF16BE {
		order = binary.BigEndian
	}
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	b := make([]byte, 2*len(units))
	for i, u := range units {
		order.PutUint16(b[2*i:], u)
	}
	return b
}

func TestNormalize(t *testing.T) {
	const text = "user = app\nmotto = " + "Xq7#mZ2pL9vR — «prod»\n\nend"
	crlf := bytes.ReplaceAll([]byte(text), []byte("\n"), []byte("\r\n"))
	cr := bytes.ReplaceAll([]byte(text), []byte("\n"), []byte("\r"))
	latin1 := []byte("user = app\r\nmotto = " + "Xq7#mZ2pL9vR \x97 \xabprod\xbb\r\n\r\nend")
	for _, tc := range []struct {
		name string
		in   []byte
		enc  Encoding
	}{
		{"lf", []byte(text), UTF8},
		{"crlf", crlf, UTF8},
		{"cr", cr, UTF8},
		{"bom", append(append([]byte{}, bom8...), crlf...), UTF8BOM},
		{"utf-16le bom", utf16Bytes(string(crlf), UTF16LE, true), UTF16LE},
		{"utf-16be bom", utf16Bytes(string(crlf), UTF16BE, true), UTF16BE},
		{"utf-16le", utf16Bytes(string(crlf), UTF16LE, false), UTF16LE},
		{"utf-16be", utf16Bytes(text, UTF16BE, false), UTF16BE},
		{"windows-1252", latin1, Latin1},
	} {
		got, enc, _ := Normalize(nil, tc.in)
		if string(got) != text || enc != tc.enc {
			t.Errorf("%s: got %q (%v), want %q (%v)", tc.name, got, enc, text, tc.enc)
		}
		if Detect(tc.in) != tc.enc {
			t.Errorf("%s: Detect = %v, want %v", tc.name, Detect(tc.in), tc.enc)
		}
		if Binary(tc.in) {
			t.Errorf("%s: binary", tc.name)
		}
		if !Contains(tc.in, []byte("Xq7#mZ2pL9vR — «prod»\n\nend")) {
			t.Errorf("%s: Contains misses the text", tc.name)
		}
	}
}

func TestNormalizeKeepsText(t *testing.T) {
	in := []byte("a = 1\nb = ü\n")
	got, enc, copied := Normalize(make([]byte, 0, 64), in)
	if &got[0] != &in[0] || enc != UTF8 || copied {
		t.Errorf("UTF-8 text with LF line ends was copied or changed: %q %v", got, enc)
	}
}

func TestNormalizeLineBreaks(t *testing.T) {
	for in, want := range map[string]string{
		"a\r\r\nb": "a\n\nb",
		"a\n\rb":   "a\n\nb",
		"\r":       "\n",
		"a\r":      "a\n",
		"\r\n\r\n": "\n\n",
		"a\xffb\r": "a\u00ffb\n",
		"\x80\x81": "€\u0081",
	} {
		if got, _, _ := Normalize(nil, []byte(in)); string(got) != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
	// UTF-16 surrogate pairs, an unpaired surrogate and an odd last byte.
	in := utf16Bytes("k=😀\r\n", UTF16LE, true)
	if got, _, _ := Normalize(nil, in); string(got) != "k=😀\n" {
		t.Errorf("surrogate pair: %q", got)
	}
	in = append(utf16Bytes("k=", UTF16LE, true), 0x00, 0xD8, 'x', 0, 7)
	if got, _, _ := Normalize(nil, in); string(got) != "k=\uFFFDx\uFFFD" {
		t.Errorf("unpaired surrogate: %q", got)
	}
}

func TestBinary(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	random := make([]byte, 4096)
	r.Read(random)
	ints := make([]byte, 400)
	for i := range 200 {
		binary.LittleEndian.PutUint16(ints[2*i:], uint16(i%50))
	}
	for name, b := range map[string][]byte{
		"random":       random,
		"nul":          []byte("text\x00more text"),
		"small ints":   ints,
		"utf-32 bom":   {0xFF, 0xFE, 0, 0, 'a', 0, 0, 0},
		"png":          []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"odd utf-16":   append(utf16Bytes("password=x", UTF16LE, false), 'y'),
		"utf-16 + nul": utf16Bytes("password\x00x", UTF16LE, false),
	} {
		if !Binary(b) {
			t.Errorf("%s: not binary", name)
		}
	}
	for name, b := range map[string][]byte{
		"empty":    nil,
		"text":     []byte("plain text\n"),
		"utf-16le": utf16Bytes("$env:API_TOKEN = 'x'\r\n", UTF16LE, false),
		"cyrillic": utf16Bytes("пароль: "+"Xq7#mZ2pL9vR, user: admin, host: db.example.com\r\n", UTF16LE, false),
	} {
		if Binary(b) {
			t.Errorf("%s: binary", name)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add([]byte("a\r\nb"))
	f.Add(utf16Bytes("a=b\r\n", UTF16LE, true))
	f.Add([]byte("\xff\xfe\x00\xd8"))
	f.Fuzz(func(t *testing.T, b []byte) {
		text, _, copied := Normalize(nil, b)
		if !copied && len(text) > 0 && &text[len(text)-1] != &b[len(b)-1] {
			t.Errorf("%q: text not copied, but not content itself", b)
		}
		if bytes.IndexByte(text, '\r') >= 0 {
			t.Errorf("%q: a CR is left in %q", b, text)
		}
		if !Contains(b, text) {
			t.Errorf("%q: its text %q is not found in it", b, text)
		}
	})
}

// TestLeaf holds the package to the standard library: every source of
// content calls it, and it must not know what they know.
func TestLeaf(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	if deps := strings.Fields(string(out)); len(deps) != 1 {
		t.Errorf("textenc imports more than the standard library: %q", deps)
	}
}

// TestNormalizeThenBlank: a captured log's colours and no-break spaces
// (U+00A0, U+202F, or a Latin-1 0xA0 byte once decoded) become spaces,
// byte for byte, and typographic double quotes ASCII ones padded with
// spaces, in a copy of the normalized text, so columns stay those of the
// file; the caller's content is not changed. Every case holds an ESC, a
// no-break space or such a quote, so is Blankable; text without one (other
// punctuation of the same block: dashes, single quotes) is not.
func TestNormalizeThenBlank(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"key: \x1b[94msq0csp-abc\x1b[0m;\n", "key:      sq0csp-abc    ;\n"},
		{"\x1b[1;31mred\x1b[m", "       red   "},
		{"\x1b[38;5;208mx", "           x"},
		{"lone \x1b here", "lone \x1b here"},
		{"not a sequence \x1b[\x01", "not a sequence \x1b[\x01"},
		{"cut short \x1b[31", "cut short \x1b[31"},
		{"crlf\x1b[0m\r\nnext", "crlf    \nnext"},
		{"DB_PASSWORD\u00a0=\u00a0v", "DB_PASSWORD  =  v"},
		{"token:\u202fv", "token:   v"},
		{"key: \x1b[1mv\x1b[0m\u00a0", "key:     v      "},
		{"latin-1 a=\xa0v", "latin-1 a=  v"},
		{"password: \u201cv w\u201d.", "password:   \"v w\"  ."},
		{"\u201dlast\u201c", "\"  last  \""},
		{"quote \u2014 \u201cv\u201d", "quote \u2014   \"v\"  "},
	} {
		in := []byte(c.in)
		text, _, copied := Normalize(nil, in)
		if !copied {
			text = append([]byte(nil), text...)
		}
		if !Blankable(text) {
			t.Errorf("Blankable(Normalize(%q)) = false", c.in)
		}
		if got := Blank(text); string(got) != c.want {
			t.Errorf("Blank(Normalize(%q)) = %q, want %q", c.in, got, c.want)
		}
		if string(in) != c.in {
			t.Errorf("Normalize(%q) changed its input to %q", c.in, in)
		}
	}
	if Blankable([]byte("plain text, «quoted», \u2018single\u2019 and — dashed\u2026\n")) {
		t.Error("text without an escape, a no-break space or a double quote is Blankable")
	}
}

// TestStrings checks how binary content is read: runs of at least
// MinString printable characters, ASCII or UTF-16LE, one per line in the
// order they occur; shorter runs, line breaks and other bytes between them
// are dropped.
func TestStrings(t *testing.T) {
	pw := "Vt8k" + "#Q2xR7mZ" // assembled: the source holds no secret
	b := []byte("\x7fELF\x02\x01\x00\x00short\x00DB_PASSWORD=" + pw + "\x00\x01\x02")
	b = append(b, utf16Bytes("Server=db;Password="+pw, UTF16LE, false)...)
	b = append(b, "\x00\x00\ttab\tkept!\r\nsecond line\n\xff\xfe-----BEGIN KEY-----\x00"...)
	want := "DB_PASSWORD=" + pw + "\nServer=db;Password=" + pw + "\n\ttab\tkept!\nsecond line\n-----BEGIN KEY-----\n"
	if got := string(AppendStrings(nil, b)); got != want {
		t.Errorf("AppendStrings = %q, want %q", got, want)
	}
	text, enc, copied := Normalize(nil, b)
	if string(text) != want || enc != Strings || !copied || enc.String() != "strings" {
		t.Errorf("Normalize = %q, %v, %v", text, enc, copied)
	}
	if got := AppendStrings(nil, []byte("\x00abc\x00defghij\x00")); len(got) != 0 {
		t.Errorf("runs shorter than %d kept: %q", MinString, got)
	}
}

// TestStringsLengthPrefixed checks that a string written as a length byte
// and its bytes (pickle, marshal, a Java class's constants) is also listed
// without what the length byte, or the next value's type code, glues onto
// it, while the run as found is kept.
func TestStringsLengthPrefixed(t *testing.T) {
	tok := "ya29." + strings.Repeat("Kq7mZ2pL9v", 3) // 35 characters: '#' as a length byte
	pickle := "\x80\x04\x95\x00}\x94(\x8c\x05token\x94\x8c" + string(rune(len(tok))) + tok + "\x94u."
	key := "AKIA" + "Q3EGZK7RVX5WLMNT" // 20 characters: a length byte below ' '
	marshal := "\xe3\x00\x00\x00)\x02\xda" + string(rune(len(key))) + key + "TN)\x04\xda\x0aSECRET_KEY"
	for name, tc := range map[string]struct{ in, want string }{
		"pickle, a printable length byte":                {pickle, "#" + tok + "\n" + tok + "\n"},
		"marshal, type codes after it":                   {marshal, key + "TN)\n" + key + "\nSECRET_KEY\n"},
		"text lines are not cut":                         {"\x00\n\tpassword: Vt8k\n  indented line\x00", "\tpassword: Vt8k\n  indented line\n"},
		"a length ending deep in a run is a coincidence": {"\x10the quick brown fox jumps\x00", "the quick brown fox jumps\n"},
	} {
		if got := string(AppendStrings(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("%s: AppendStrings = %q, want %q", name, got, tc.want)
		}
	}
}
