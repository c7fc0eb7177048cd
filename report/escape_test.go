package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/leak"
)

// hostileReport holds control characters in every field a repository or
// a CI environment controls, and one finding's secret inside another's
// match, the other's file name and commit message.
func hostileReport() *Report {
	esc := "\x1b]0;owned\x07\x1b[2J"
	f1 := finding("github-pat", "GitHub token", "high", ghToken, "TOKEN="+ghToken,
		leak.Location{File: "a\nssh-ed25519 AAAA" + esc + ".sh", Line: 1, Column: 7, Commit: c1, Author: "Eve" + esc, Email: "e@x\r\n", Date: t1,
			Message: "msg" + esc + "\n::add-mask::x\n"})
	f1.Refs = []string{"refs/heads/main" + esc}
	f2 := finding("generic-password", "password", "medium", dbPass, "password = '"+dbPass+"' # "+ghToken,
		leak.Location{File: "conf/" + ghToken + ".ini", Line: 2, Column: 12, Commit: c2, Author: "Dev", Email: "d@x", Date: t2,
			Message: "uses " + ghToken + " and \u009b31m"})
	return &Report{Findings: []leak.Finding{f1, f2}, Summary: Summary{
		Source: "repo" + esc, Mode: "git", Range: "a..b" + esc, Commits: 2, Findings: 2,
		Warnings: []string{"cap on " + ghToken + esc}, Skipped: map[leak.SkipReason]int{},
	}}
}

// TestReportsEscapeControlCharacters: no format writes a control
// character (an escape sequence, a newline inside a field) that a
// repository put in a file name, commit message, author or ref; formats
// for people show it as \xNN, JSON formats as the encoder's \u escapes.
func TestReportsEscapeControlCharacters(t *testing.T) {
	for _, format := range append(Formats(), "hook") {
		rep, err := New(format, Options{})
		if format == "hook" {
			rep, err = Blocked{Action: "push"}, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := rep.Write(&b, hostileReport()); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		out := b.String()
		for _, bad := range []string{"\x1b", "\x07", "\r", "\u009b"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: writes a raw %q", format, bad)
			}
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "ssh-ed25519") || strings.HasPrefix(strings.TrimSpace(line), "::add-mask::") {
				t.Errorf("%s: a field's newline starts a line: %q", format, line)
			}
		}
		if format == "json" {
			var v struct{ Findings []leak.Finding }
			if err := json.Unmarshal(b.Bytes(), &v); err != nil || v.Findings[0].File != hostileReport().Findings[0].File {
				t.Errorf("json: the file name does not survive a round trip: %v", err)
			}
		}
	}
}

// TestMaskedCoversEveryField: masking hides every secret of the report
// wherever it occurs, in every format, not only in its own finding.
func TestMaskedCoversEveryField(t *testing.T) {
	for _, format := range Formats() {
		rep, _ := New(format, Options{})
		var b bytes.Buffer
		if err := rep.Write(&b, hostileReport()); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		for _, s := range []string{ghToken, dbPass} {
			if strings.Contains(b.String(), s) {
				t.Errorf("%s: holds the whole secret %.6s…", format, s)
			}
		}
		if !strings.Contains(b.String(), "conf/ghp_") {
			t.Errorf("%s: the file name that holds a secret is gone, not masked", format)
		}
	}
	m := Masked(hostileReport())
	if got := m.Findings[1].Match; strings.Contains(got, ghToken) || !strings.Contains(got, leak.Mask(dbPass)) {
		t.Errorf("Masked: match %q", got)
	}
	if got := m.Summary.Warnings[0]; strings.Contains(got, ghToken) {
		t.Errorf("Masked: warning %q", got)
	}
}

// TestEscapeStyles holds the two styles of escapeAs: values in reports as
// Go quotes them, messages with each offending byte as \xNN; clean text,
// tabs and U+FFFD included, as it is in both.
func TestEscapeStyles(t *testing.T) {
	for _, tc := range []struct {
		name, in, quoted, bytes string
	}{
		{"clean", "scripts/deploy.sh", "scripts/deploy.sh", "scripts/deploy.sh"},
		{"clean unicode", "café/日本.txt", "café/日本.txt", "café/日本.txt"},
		{"clean quotes and backslashes", `say "hi" in C:\dir`, `say "hi" in C:\dir`, `say "hi" in C:\dir`},
		{"tab alone", "a\tb", "a\tb", "a\tb"},
		{"replacement character", "a\ufffdb", "a\ufffdb", "a\ufffdb"},
		{"empty", "", "", ""},
		{"newline", "a\nb", `a\nb`, `a\x0ab`},
		{"carriage return", "a\rb", `a\rb`, `a\x0db`},
		{"escape sequence", "x\x1b]0;owned\x07", `x\x1b]0;owned\a`, `x\x1b]0;owned\x07`},
		{"NUL", "a\x00b", `a\x00b`, `a\x00b`},
		{"DEL", "a\x7fb", `a\x7fb`, `a\x7fb`},
		{"C1 CSI", "a\u009b31m", `a\u009b31m`, `a\xc2\x9b31m`},
		{"invalid UTF-8", "caf\xe9", `caf\xe9`, `caf\xe9`},
		{"bidi override", "invoice\u202etxt.exe", `invoice\u202etxt.exe`, `invoice\xe2\x80\xaetxt.exe`},
		{"bidi isolate", "a\u2066b\u2069", `a\u2066b\u2069`, `a\xe2\x81\xa6b\xe2\x81\xa9`},
		{"tab beside a control", "a\tb\n", `a\tb\n`, "a\tb\\x0a"},
		{"quotes beside a control", `"C:\x"` + "\x1b", `\"C:\\x\"\x1b`, `"C:\x"\x1b`},
	} {
		for _, c := range []struct {
			style escapeStyle
			want  string
		}{{quoteStyle, tc.quoted}, {byteStyle, tc.bytes}} {
			got := escapeAs(tc.in, c.style)
			if got != c.want {
				t.Errorf("%s: escapeAs(%q, %d) = %s, want %s", tc.name, tc.in, c.style, got, c.want)
			}
			if needsEscape(got) || escapeAs(got, c.style) != got {
				t.Errorf("%s: escapeAs(%q, %d) = %q, which still needs escaping", tc.name, tc.in, c.style, got)
			}
		}
	}
	if escape("a\n") != escapeAs("a\n", quoteStyle) || TermSafe("a\n") != escapeAs("a\n", byteStyle) {
		t.Error("escape or TermSafe is not its style of escapeAs")
	}
}

// TestMaskedCutMessage: a commit's message cut for reports in the middle
// of a secret ends with the secret's start; masking hides it too.
func TestMaskedCutMessage(t *testing.T) {
	shown := "rotate the old token " + ghToken[:20] + "…"
	r := &Report{Findings: []leak.Finding{{RuleID: "github-pat", Secret: ghToken, Location: leak.Location{File: leak.MessagePath, Source: leak.CommitMessage, Message: shown},
		Locations: []leak.Location{{File: "a.txt", Message: shown}}}}}
	m := Masked(r)
	for _, msg := range []string{m.Findings[0].Message, m.Findings[0].Locations[0].Message} {
		if strings.Contains(msg, ghToken[4:20]) || msg != "rotate the old token "+leak.Mask(ghToken) {
			t.Errorf("masked message %q", msg)
		}
	}
	if got := Masked(&Report{Findings: []leak.Finding{{Secret: ghToken, Location: leak.Location{Message: "cut here…"}}}}).Findings[0].Message; got != "cut here…" {
		t.Errorf("a message cut elsewhere: %q", got)
	}
}
