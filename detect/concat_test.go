package detect

import (
	"slices"
	"testing"
)

// joinedRuns returns the strings concatenations makes of text, line by
// line as rewriteLines gives it lines, and the span of the first run.
func joinedRuns(text string) []string {
	content := []byte(text)
	var out []string
	for ls := 0; ls < len(content); {
		le := lineEnd(content, ls, len(content))
		from, to, toks, _ := concatenations(content, 0, len(content), ls, le, nil)
		for _, t := range toks {
			out = append(out, string(t.dec)+"@"+text[t.s:t.e][:1]+"|"+text[from:from+1])
		}
		ls = max(le, to) + 1
	}
	return out
}

// TestJoinedLiterals: which joins make one string, in which languages'
// syntax, and where a rewrite begins.
func TestJoinedLiterals(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []string // the joined string, the first byte of what it rewrites, the first of its lines
	}{
		{"plus", `k = "ab" + 'cd'`, []string{`"abcd"@"|k`}},
		{"plus over lines", "k = \"ab\" +\n    \"cd\";", []string{`"abcd"@"|k`}},
		{"php dot", `$k = 'ab' . 'cd';`, []string{`"abcd"@'|$`}},
		{"php dot unspaced", `$k = 'ab'.'cd';`, []string{`"abcd"@'|$`}},
		{"lua", `local k = "ab" .. "cd"`, []string{`"abcd"@"|l`}},
		{"visual basic", `Dim k As String = "ab" & "cd"`, []string{`"abcd"@"|D`}},
		{"python side by side", `k = "ab" 'cd'`, []string{`"abcd"@"|k`}},
		{"call side by side", `f("ab" "cd")`, []string{`"abcd"@"|f`}},
		{"dict value side by side", "d = {\"k\": \"ab\"\n     \"cd\"}", []string{`"abcd"@"|d`}},
		// The run begins at the parenthesis an assignment opens, and
		// takes in the line above that holds it.
		{"parenthesised over lines", "K = (\n    \"ab\"\n    \"cd\"\n)", []string{`"abcd"@(|K`}},
		{"call over lines", "f(\n    \"ab\"\n    \"cd\"\n)", []string{`"abcd"@"|f`}},
		{"continued line", "k = \"ab\" \\\n    \"cd\"", []string{`"abcd"@"|k`}},
		{"prefixes", `k = b"ab" rb'cd' + @"ef" + u8"gh"`, []string{`"abcdefgh"@"|k`}},
		{"f-string", `k = "ab" f"{cd}"`, nil},
		{"full stop", `He said "ab". "Cd" was next.`, nil},
		{"references and logic", `if ("ab"&&"cd") x = &"cd";`, nil},
		{"doubled quote", `k = "ab""cd"`, nil},
		{"triple quotes", `k = """abcd"""`, nil},
		{"shell words", `echo "ab" "cd"`, nil},
		{"shell substitution", `X=$(printf "ab" "cd")`, nil},
		{"shell assignment", `X="ab" "cd"`, nil},
		{"shell array", "ARGS=(\n  \"ab\"\n  \"cd\"\n)", nil},
		{"hcl map", "tags = {\n  \"k\" = \"ab\"\n  \"Name\" = \"cd\"\n}", nil},
		{"csv", "\"ab\",\"cd\"\n\"ef\",\"gh\"", nil},
	} {
		if got := joinedRuns(c.text); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q: got %q, want %q", c.name, c.text, got, c.want)
		}
	}
}

// TestJoinedValuesWithSpaces: a value that holds spaces (a Google app
// password's four groups) is read whole when split in joined literals.
func TestJoinedValuesWithSpaces(t *testing.T) {
	d := defaultDetector(t)
	app := "qwhv" + " ptjr kdzn uxbc"
	text := "const smtpPassword = \"" + app[:9] + "\" + \"" + app[9:] + "\";\n"
	var secrets []string
	for _, f := range findingsOf(t, d, "mailer.js", text) {
		secrets = append(secrets, f.Secret)
	}
	if !slices.Contains(secrets, app) {
		t.Errorf("%q: found %q, want %q", text, secrets, app)
	}
}
