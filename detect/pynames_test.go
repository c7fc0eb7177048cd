package detect

import (
	"slices"
	"testing"
)

// TestPythonNamesJudgedByParts: python-hardcoded-password judges the name
// a literal is assigned to as the generic rules judge theirs, by its parts
// (see nameCheck), so a name that says a secret in any of the ways the
// generic rules read is found in Python too (a password with a number
// after it, a service's key, API and secret run together), and a kind of
// key that is no secret (a sort key, a cache key), a name that says a
// secret inside another word (monkey), names what is about the secret
// (TOKEN_URL) or one of a lettered series (p1key) is not, nor is a glob
// pattern or a camelCase name in a list of names. A method that compares
// its own field with a literal checks a hardcoded credential (Bandit
// B105), in Python as in JavaScript; a test that compares another
// object's field does not.
func TestPythonNamesJudgedByParts(t *testing.T) {
	d := defaultDetector(t)
	v := pseudoRandom(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24, 4.0, 5)
	for _, tt := range []struct {
		text  string
		found bool
	}{
		{`password1 = "` + v + `"`, true},
		{`openai_key = "` + v + `"`, true},
		{`FERNET_KEY = "` + v + `"`, true},
		{`apisecret = "` + v + `"`, true},
		{`GITHUB_TOKEN2 = "` + v + `"`, true},
		{`S3_KEY = "` + v + `"`, true},
		{`settings = {"crypt_key": "` + v + `"}`, true},
		{`        return self.auth_token == "` + v + `"`, true},
		{`sort_key = "` + v + `"`, false},
		{`CACHE_KEY = "` + v + `"`, false},
		{`monkey = "` + v + `"`, false},
		{`TOKEN_URL = "` + v + `"`, false},
		{`pat = "` + v + `"`, false},
		{`p1key = "` + v + `"`, false},
		{`strategy_wildcard_key = "relationship:*"`, false},
		{`__all__ = ["tokenMap", "conditionAsParseAction"]`, false},
		{`    assert resp.auth_token == "` + v + `"`, false},
	} {
		got := findings(t, d, "app/settings.py", tt.text)
		want := []string(nil)
		if tt.found {
			want = []string{"python-hardcoded-password=" + v + " (medium)"}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", tt.text, got, want)
		}
	}
}

// TestOwnFieldCompared: in any language, an object's own field compared
// with a literal is a hardcoded credential check; another object's field
// so compared is what a test expects.
func TestOwnFieldCompared(t *testing.T) {
	d := defaultDetector(t)
	v := pseudoRandom(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24, 4.0, 5)
	if got := findings(t, d, "src/auth.js", `    if (this.password === "`+v+`") {`); len(got) != 1 {
		t.Errorf("this.password === literal: got %q, want one finding", got)
	}
	if got := findings(t, d, "src/auth.test.js", `    expect(got.password === "`+v+`")`); len(got) != 0 {
		t.Errorf("got.password === literal: got %q, want none", got)
	}
}
