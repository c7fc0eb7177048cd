package detect

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDocstrings checks which findings lie in a documentation string of
// code: a module's, a function's or a class's docstring and a
// triple-quoted string assigned to a name that says documentation are;
// other triple-quoted strings, strings that only hold a triple quote and
// comments are not.
func TestDocstrings(t *testing.T) {
	d := defaultDetector(t)
	// Values assembled at run time, so that the source holds none.
	v := func(i int) string { return "Kd82hQ" + string(rune('a'+i)) + "L1mZx9wRt" }
	src := strings.Join([]string{
		`#!/usr/bin/env python`,
		`# -*- coding: utf-8 -*-`,
		`"""Module docs: password = "` + v(0) + `" """`,
		``,
		`EXAMPLES = r'''`,
		`- name: log in`,
		`  vendor_login:`,
		`    username: admin`,
		`    password: "` + v(1) + `"`,
		`'''`,
		``,
		`PRIVATE = """`,
		`api_token = "` + v(2) + `"`,
		`"""`,
		``,
		`NOTE = "not a docstring: ''' "`,
		`api_key = "` + v(3) + `"`,
		`# a comment's ''' opens nothing`,
		`db_password = "` + v(4) + `"`,
		``,
		`class Client:`,
		`    '''Client of the API.`,
		``,
		`    >>> Client(api_secret="` + v(5) + `")`,
		`    '''`,
		``,
		`    def sign(self,`,
		`             params):`,
		`        """Sign. oauth_token="` + v(6) + `" """`,
		`        api_secret = "` + v(7) + `"`,
		`        if api_secret == """x""":`,
		`            pass`,
		`        auth_token = "` + v(8) + `"`,
	}, "\n") + "\n"
	want := map[string]bool{v(0): true, v(1): true, v(2): false, v(3): false, v(4): false, v(5): true, v(6): true, v(7): false, v(8): false}
	got := map[string]bool{}
	for _, f := range findingsOf(t, d, "lib/client.py", src) {
		got[f.Secret] = f.InDocstring
	}
	for secret, doc := range want {
		g, ok := got[secret]
		switch {
		case !ok:
			t.Errorf("%s not found", secret)
		case g != doc:
			t.Errorf("%s: in a docstring %v, want %v", secret, g, doc)
		}
	}
}

// TestDocstringNames checks the names whose strings document.
func TestDocstringNames(t *testing.T) {
	for name, want := range map[string]bool{
		"EXAMPLES": true, "RETURN": true, "DOCUMENTATION": true, "__doc__": true, "cli_usage": true,
		"PRIVATE_KEY": false, "SQL": false, "query": false, "template": false,
	} {
		if got := docName(name); got != want {
			t.Errorf("docName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestTripleSpansAnyText checks that tripleSpans holds on any text: spans
// in order, within the content, not overlapping.
func TestTripleSpansAnyText(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	const alphabet = "'\"#\\\n :=rbEXAMPLES_ab"
	for range 20000 {
		b := make([]byte, rnd.IntN(40))
		for i := range b {
			b[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		prev := 0
		for _, ts := range tripleSpans(b, len(b)) {
			sp := ts.span
			if sp[0] < prev || sp[1] <= sp[0] || sp[1] > len(b) {
				t.Fatalf("%q: span %v after %d", b, sp, prev)
			}
			prev = sp[1]
		}
	}
}

// TestStringsOfPythonCode checks that the generic rules, kept out of
// Python code by path (the Python rule reads it), still read the
// configuration text that code holds in strings: a triple-quoted string
// that is not documentation, and a one-line string, each holding the whole
// match; not a docstring, a comment, code, a dict whose key alone is a
// string, encoded data in a string, or a notebook, whose code cells are
// all JSON strings.
func TestStringsOfPythonCode(t *testing.T) {
	d := defaultDetector(t)
	v := func(i int) string { return "Qw7" + string(rune('a'+i)) + "Zk2Lm9Xr4Tn" }
	src := strings.Join([]string{
		`CNF = """`,
		`[client]`,
		`password = ` + v(0),
		`"""`,
		``,
		`def connect():`,
		`    """Connect.`,
		``,
		`    password = ` + v(1),
		`    """`,
		`    password = ` + v(2),
		`    # api_token = ` + v(3),
		`    return {"api_token": ` + v(4) + `}`,
		``,
		`ENV = "DB_PASSWORD=` + v(5) + `\nDEBUG=1"`,
		`YAML = '''`,
		`api_key: "` + v(6) + `"`,
		`'''`,
	}, "\n") + "\n"
	want := map[string]string{v(0): "generic-secret-env-file", v(5): "generic-secret-env-file", v(6): "generic-secret-assignment"}
	got := map[string]string{}
	for _, f := range findingsOf(t, d, "scripts/write_config.py", src) {
		got[f.Secret] = f.RuleID
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for secret, id := range want {
		// YAML's api_key: "..." is also a name, a colon and a literal in
		// Python's syntax, which python-hardcoded-password reads: either
		// rule reports it, once.
		if got[secret] != id && !(secret == v(6) && got[secret] == "python-hardcoded-password") {
			t.Errorf("%s: %q, want %q (all: %v)", secret, got[secret], id, got)
		}
	}
	// Encoded data in a string (a script's base85 archive): lines of 79
	// characters without a space, some of which begin with "pw".
	rng := rand.New(rand.NewPCG(1, 2))
	const b85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"
	var data []string
	for i := range 40 {
		line := []byte("Pw" + string(rune('a'+i%26)) + "=")
		for len(line) < 79 {
			line = append(line, b85[rng.IntN(len(b85))])
		}
		data = append(data, string(line))
	}
	if fs := findingsOf(t, d, "contrib/get-tool.py", "DATA = b\"\"\"\n"+strings.Join(data, "\n")+"\n\"\"\"\n"); len(fs) != 0 {
		t.Errorf("encoded data: %d findings, first %+v", len(fs), fs[0])
	}
	// The same text as a notebook's: every line lies in a JSON string.
	nb := `{"cells": [{"source": ["password = ` + v(2) + `\n", "ENV = 1\n"]}]}` + "\n"
	if fs := findingsOf(t, d, "analysis.ipynb", nb); len(fs) != 0 {
		t.Errorf("notebook: %+v", fs)
	}
}

// TestCloseTriple checks the close of a triple-quoted string, found with
// bytes.Index, against reading the text byte by byte with escapes skipped,
// on random text of quotes, backslashes and letters.
func TestCloseTriple(t *testing.T) {
	slow := func(content []byte, from int, c byte) int {
		for j := from; j < len(content); j++ {
			switch {
			case content[j] == '\\':
				j++
			case content[j] == c && j+2 < len(content) && content[j+1] == c && content[j+2] == c:
				return j + 3
			}
		}
		return len(content)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = `"'\ab`[rng.IntN(5)]
		}
		for _, c := range []byte{'"', '\''} {
			if got, want := closeTriple(b, 0, c), slow(b, 0, c); got != want {
				t.Fatalf("closeTriple(%q, %q) = %d, want %d", b, c, got, want)
			}
		}
	}
}
