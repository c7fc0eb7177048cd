package detect

import (
	"strings"
	"testing"
)

// A self-identifying token right after an escape is a token of its own: a
// line break or tab escaped in a string (a JSON value holding a file, echo
// -e), a percent-encoded character in a URL or a form. The escape is not
// part of a longer run of letters: "\n" is a line break, "%3D" an equals
// sign. A token glued to letters, digits or an underscore still is.
func TestTokenAfterAnEscape(t *testing.T) {
	d := defaultDetector(t)
	// Built at run time, so that the self-scan finds none of them.
	pat := "ghp_" + "Kp9Lm2Qx7vR4tW8b" + "Z3nYd5Fh1Jc6Vg0sTa2E"
	slack := "xoxb-" + "2934817465-" + "5739201846273-" + "Rk8sQ2vLm4Tz9xWp3nYc7BdF"
	for _, tok := range []string{pat, slack} {
		for _, tc := range []struct {
			name, path, text string
			found            bool
		}{
			{"line break escaped in JSON", "config.json", `{"env": "HOME=/root\n` + tok + `\nEND"}`, true},
			{"carriage return escaped", "config.json", `{"env": "a\r` + tok + `"}`, true},
			{"tab escaped", "run.sh", `echo -e "token:\t` + tok + `"`, true},
			{"percent-encoded equals sign", "urls.txt", "https://example.com/cb?state=token%3D" + tok + "&x=1", true},
			{"percent-encoded space", "urls.txt", "Authorization:%20token%20" + tok, true},
			{"after a space, as before", "notes.txt", "token " + tok, true},
			{"glued to letters", "notes.txt", "mytoken" + tok, false},
			{"glued to a digit", "notes.txt", "7" + tok, false},
			{"glued to an underscore", "notes.txt", "x_" + tok, false},
			{"a backslash and a letter that is no escape", "notes.txt", `C:\keys\q` + tok, false},
		} {
			got := findingsOf(t, d, tc.path, tc.text)
			found := false
			for _, f := range got {
				if f.Secret == tok {
					found = true
				}
			}
			if found != tc.found {
				t.Errorf("%s (%s): found %v, want %v; findings %v", tc.name, tok[:4], found, tc.found, findings(t, d, tc.path, tc.text))
			}
		}
	}
	// The column is the token's, not the escape's.
	text := `{"env": "a\n` + pat + `"}`
	for _, f := range findingsOf(t, d, "config.json", text) {
		if f.Secret == pat && f.Column != strings.Index(text, pat)+1 {
			t.Errorf("token after an escape reported at column %d, want %d", f.Column, strings.Index(text, pat)+1)
		}
	}
}
