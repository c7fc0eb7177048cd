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

// TestDocstringSpansAnyText checks that docstringSpans holds on any text:
// spans in order, within the content, not overlapping.
func TestDocstringSpansAnyText(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	const alphabet = "'\"#\\\n :=rbEXAMPLES_ab"
	for range 20000 {
		b := make([]byte, rnd.IntN(40))
		for i := range b {
			b[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		prev := 0
		for _, sp := range docstringSpans(b, len(b)) {
			if sp[0] < prev || sp[1] <= sp[0] || sp[1] > len(b) {
				t.Fatalf("%q: span %v after %d", b, sp, prev)
			}
			prev = sp[1]
		}
	}
}
