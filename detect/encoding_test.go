package detect

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// encodings are the ways a file is saved that must not change what is
// found in it, nor where.
var encodings = []struct {
	name   string
	encode func(string) ([]byte, bool)
}{
	{"crlf", func(s string) ([]byte, bool) { return []byte(strings.ReplaceAll(s, "\n", "\r\n")), true }},
	{"cr", func(s string) ([]byte, bool) { return []byte(strings.ReplaceAll(s, "\n", "\r")), true }},
	{"utf-8 bom", func(s string) ([]byte, bool) { return append([]byte("\xEF\xBB\xBF"), s...), true }},
	{"utf-16le bom crlf", func(s string) ([]byte, bool) {
		return utf16Text(strings.ReplaceAll(s, "\n", "\r\n"), binary.LittleEndian, true), true
	}},
	{"utf-16be bom", func(s string) ([]byte, bool) { return utf16Text(s, binary.BigEndian, true), true }},
	{"utf-16le", func(s string) ([]byte, bool) {
		// Without a byte order mark UTF-16 is recognised only in text
		// that is mostly ASCII and has no control characters.
		b := utf16Text(strings.ReplaceAll(s, "\n", "\r\n"), binary.LittleEndian, false)
		return b, len(s) >= 2 && mostlyASCII(s)
	}},
	{"latin-1", func(s string) ([]byte, bool) {
		// Text with characters beyond Latin-1's, or whose Latin-1 bytes
		// happen to be valid UTF-8, cannot be told from UTF-8.
		var b []byte
		for _, r := range s {
			if r > 0xFF {
				return nil, false
			}
			b = append(b, byte(r))
		}
		return b, !utf8.Valid(b)
	}},
}

func utf16Text(s string, order binary.ByteOrder, bom bool) []byte {
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

func mostlyASCII(s string) bool {
	ascii, n := 0, 0
	for _, r := range s {
		n++
		if r < 0x80 {
			ascii++
		}
		if r < 0x20 && !strings.ContainsRune("\t\n\v\f\r\x1b", r) || r == 0 {
			return false
		}
	}
	return ascii*10 >= n*7
}

// located lists what the default rules find in content at path: rule,
// secret, line and column of each finding, sorted.
func located(t *testing.T, d *Detector, path string, content []byte) []string {
	t.Helper()
	src := leak.Source{Path: path}
	res, err := d.Detect(&leak.Fragment{Content: content, Sources: []leak.Source{src}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := range res.Matches {
		m := &res.Matches[i]
		if f, ok := d.Finding(m, "", src); ok {
			out = append(out, fmt.Sprintf("%s %q %d:%d-%d:%d", f.RuleID, f.Secret, f.Line, f.Column, f.EndLine, f.EndColumn))
		}
	}
	slices.Sort(out)
	return out
}

// TestEncodingsGiveTheSameFindings runs every example of the default rules
// saved in each of the encodings and line ends above, and wants what the
// example finds as UTF-8 with LF line ends: the same rules, secrets, lines
// and columns.
func TestEncodingsGiveTheSameFindings(t *testing.T) {
	d := defaultDetector(t)
	cfg, err := config.DefaultWithExamples()
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string]int{}
	// Under -race the regex engine is some fifty times slower: every
	// 32nd example then, which still covers every encoding.
	step := 1
	if raceEnabled {
		step = 32
		t.Logf("race detector on: checking every %dth example", step)
	}
	n := 0
	for _, r := range cfg.Rules {
		if r.Regex == "" {
			continue
		}
		for _, ex := range r.Examples {
			if n++; n%step != 0 {
				continue
			}
			path := ex.Path
			if path == "" {
				path = "example.txt"
			}
			text := strings.ReplaceAll(ex.Text, "\r\n", "\n")
			want := located(t, d, path, []byte(text))
			// A line of text beyond ASCII, so that Latin-1 differs from
			// UTF-8 in every example; it must change nothing either.
			accented := text + "\n# Größe: «für» ¿qué?\n"
			if got := located(t, d, path, []byte(accented)); !slices.Equal(got, want) {
				t.Errorf("%s: rule %s: a line of accented text changes the findings:\n  got  %q\n  want %q", ex.Pos, r.ID, got, want)
				continue
			}
			for _, enc := range encodings {
				b, ok := enc.encode(accented)
				if !ok {
					continue
				}
				runs[enc.name]++
				if got := located(t, d, path, b); !slices.Equal(got, want) {
					t.Errorf("%s: rule %s: %s:\n  got  %q\n  want %q", ex.Pos, r.ID, enc.name, got, want)
				}
			}
		}
	}
	for _, enc := range encodings {
		if runs[enc.name] == 0 {
			t.Errorf("%s: no example could be saved so", enc.name)
		}
	}
	t.Logf("examples run per encoding: %v", runs)
}

// TestEncodedPositions checks the lines and columns of secrets in text
// saved with CRLF, CR, a byte order mark, UTF-16 and Latin-1, with
// characters beyond ASCII before the secret: the column counts bytes of the
// line in UTF-8.
func TestEncodedPositions(t *testing.T) {
	d := mustDetector(t, testRules, Options{})
	secret := strings.Repeat("k3v9q2x7", 2)
	text := "# Schlüssel für die Produktion\n\nnote = «prod» token = acme_" + secret + "\n"
	want := []string{`acme "` + secret + `" 3:30-3:45`}
	for _, enc := range encodings {
		b, ok := enc.encode(text)
		if !ok {
			t.Fatalf("%s: cannot encode the test text", enc.name)
		}
		if got := located(t, d, "a.txt", b); !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", enc.name, got, want)
		}
	}
}

// TestWrittenInOtherEncodings checks that a secret found in one version of
// a file is found, as written, in another version saved differently:
// history attribution asks this of the version a commit replaced.
func TestWrittenInOtherEncodings(t *testing.T) {
	d := mustDetector(t, testRules, Options{})
	text := "# config\r\ntoken = " + "acme_k3v9q2x7k3v9q2x7\r\n"
	res, err := d.Detect(&leak.Fragment{Content: []byte(text)})
	if err != nil || len(res.Matches) != 1 {
		t.Fatalf("%v %v", res.Matches, err)
	}
	m := &res.Matches[0]
	for _, enc := range encodings {
		b, _ := enc.encode("x = 1\n" + strings.ReplaceAll(text, "\r\n", "\n"))
		if !m.WrittenIn(b) {
			t.Errorf("%s: the secret is not found in the other version", enc.name)
		}
	}
	if m.WrittenIn([]byte("token = acme_0000000000000000\n")) {
		t.Error("found in a version without it")
	}
}

// TestPastedTextReadAsTyped: a value pasted from a document, with
// no-break spaces around its operator or typographic double quotes around
// it, is found as the typed one is, on the same line, without the quotes;
// its column counts the no-break spaces' and the quote's bytes, as the
// file does.
func TestPastedTextReadAsTyped(t *testing.T) {
	d := defaultDetector(t)
	value := "Zx8Cv4Bn7" + "Mq2Lw5Ke9Rt" // assembled: the self-scan must not find it
	where := func(path, text string) []string {
		var out []string
		for _, f := range findingsOf(t, d, path, text) {
			out = append(out, fmt.Sprintf("%s=%s %d:%d", f.RuleID, f.Secret, f.Line, f.Column))
		}
		return out
	}
	for _, c := range []struct {
		path, text, rule string
		col              int
	}{
		{".env", "# db\nDB_PASSWORD = " + value + "\n", "generic-secret-env-file", 15},
		{".env", "# db\nDB_PASSWORD\u00a0=\u00a0" + value + "\n", "generic-secret-env-file", 17},
		{".env", "# db\nDB_PASSWORD\u202f=\u202f" + value + "\n", "generic-secret-env-file", 19},
		{".env", "# db\nDB_PASSWORD = \u201c" + value + "\u201d\n", "generic-secret-assignment", 18},
		{"notes.txt", "Staging:\napi_key = \u201c" + value + "\u201d\n", "generic-secret-assignment", 14},
	} {
		want := []string{fmt.Sprintf("%s=%s 2:%d", c.rule, value, c.col)}
		if got := where(c.path, c.text); !slices.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", c.text, got, want)
		}
	}
}
