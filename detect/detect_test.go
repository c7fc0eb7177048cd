package detect

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

func mustDetector(t *testing.T, toml string, opts Options) *Detector {
	t.Helper()
	cfg, err := config.Parse("test.toml", []byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func detect(t *testing.T, d *Detector, path, content string) []Match {
	t.Helper()
	res, err := d.Detect(&leak.Fragment{Content: []byte(content), Sources: []leak.Source{{Path: path}}})
	if err != nil {
		t.Fatal(err)
	}
	var out []Match
	for _, m := range res.Matches {
		if _, ok := d.Finding(&m, "", leak.Source{Path: path}); ok {
			out = append(out, m)
		}
	}
	return out
}

func secrets(ms []Match) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.RuleID()+"="+m.Secret)
	}
	return s
}

func TestDefaultRuleExamples(t *testing.T) {
	cfg, err := config.DefaultWithExamples()
	if err != nil {
		t.Fatal(err)
	}
	// The rules as shipped, read from their prepared form, with the
	// TOML's examples.
	shipped, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	// Under -race the regex engine is some fifty times slower: every
	// fourth rule's examples then (rules test and the run without the race
	// detector check them all).
	step := 1
	if raceEnabled {
		step = 4
		t.Logf("race detector on: checking the examples of every %dth rule", step)
	}
	for i := range shipped.Rules {
		if i%step == 0 {
			shipped.Rules[i].Examples = cfg.Rules[i].Examples
		} else {
			shipped.Rules[i].Examples = nil
		}
	}
	d, err := New(shipped, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fails, err := CheckExamples(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fails {
		t.Error(f)
	}
	n := 0
	for _, r := range cfg.Rules {
		if len(r.Examples) == 0 {
			t.Errorf("rule %q has no examples", r.ID)
		}
		n += len(r.Examples)
	}
	if n < len(cfg.Rules) {
		t.Errorf("%d examples for %d rules", n, len(cfg.Rules))
	}
}

const testRules = `
[[rules]]
id = "acme"
description = "ACME token"
regex = '''acme_([a-z0-9]{16})'''
secretGroup = 1
keywords = ["acme_"]

[[rules]]
id = "pem"
regex = '''(-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----)'''
keywords = ["private key"]

[[rules]]
id = "hexy"
regex = '''hex=([0-9a-f]{16})'''
secretGroup = 1
entropy = 3.0
keywords = ["hex="]

[[rules]]
id = "py-only"
regex = '''pyval=([a-z]{8})'''
secretGroup = 1
path = '''\.py$'''
keywords = ["pyval="]
  [[rules.allowlists]]
  stopwords = ["skipme"]

[[rules]]
id = "p12"
path = '''\.p12$'''

[[allowlists]]
paths = ['''^vendor/''']

[[allowlists]]
regexes = ['''^acme_0+$''']
regexTarget = "match"
`

func TestDetectBasics(t *testing.T) {
	d := mustDetector(t, testRules, Options{})
	tok := "acme_" + "k3j4h5g6f7d8s9a0"
	tests := []struct {
		name, path, content string
		want                []string
	}{
		{"token", "a.txt", "x = " + tok + "\n", []string{"acme=k3j4h5g6f7d8s9a0"}},
		{"keyword is case-insensitive, regex is not", "a.txt", "ACME_K3J4H5G6F7D8S9A0", nil},
		{"allowlisted match", "a.txt", "acme_0000000000000000", nil},
		{"global path allowlist", "vendor/x", tok, nil},
		{"inline allow", "a.txt", "x = " + tok + " # leakhound:allow\n", nil},
		{"gitleaks inline allow", "a.txt", "x = " + tok + " // gitleaks:allow\n", nil},
		// A generated file's long line: the comment at its start, the
		// match further on than a rule's window reaches.
		{"inline allow far back on a long line", "gen.go", "/* leakhound:allow */ {" + strings.Repeat("\"w\", ", 2000) + "\"" + tok + "\"}\n", nil},
		{"inline allow on the line before a long line's match", "gen.go", "// leakhound:allow\n{" + strings.Repeat("\"w\", ", 2000) + "\"" + tok + "\"}\n", []string{"acme=k3j4h5g6f7d8s9a0"}},
		{"detect-secrets pragma", "a.txt", "x = '" + tok + "'  # pragma: allowlist secret\n", nil},
		{"next-line pragma", "a.txt", "# pragma: allowlist nextline secret\nx = " + tok + "\n", nil},
		{"next-line pragma covers one line only", "a.txt", "# pragma: allowlist nextline secret\n\nx = " + tok + "\n", []string{"acme=k3j4h5g6f7d8s9a0"}},
		{"low entropy", "a.txt", "hex=0000000000000000", nil},
		{"high entropy", "a.txt", "hex=0123456789abcdef", []string{"hexy=0123456789abcdef"}},
		{"rule path matches", "x.py", "pyval=abcdefgh", []string{"py-only=abcdefgh"}},
		{"rule path does not match", "x.txt", "pyval=abcdefgh", nil},
		{"rule stopword", "x.py", "pyval=skipmeab", nil},
		{"multi-line match far from its keywords' lines", "k.pem", "-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n", 40) + "-----END PRIVATE KEY-----\n", []string{"pem=-----BEGIN PRIVATE KEY-----"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := secrets(detect(t, d, tt.path, tt.content))
			for i := range got {
				if strings.HasPrefix(got[i], "pem=") {
					got[i] = got[i][:len("pem=-----BEGIN PRIVATE KEY-----")]
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDetectPosition(t *testing.T) {
	d := mustDetector(t, testRules, Options{})
	content := "line one\n  second acme_k3j4h5g6f7d8s9a0\r\nthird\n"
	ms := detect(t, d, "a.txt", content)
	if len(ms) != 1 {
		t.Fatalf("got %d matches", len(ms))
	}
	m := ms[0]
	if m.Line != 2 || m.Column != 15 || m.EndLine != 2 || m.EndColumn != 30 {
		t.Errorf("position %d:%d-%d:%d, want 2:15-2:30", m.Line, m.Column, m.EndLine, m.EndColumn)
	}
	if m.Text != "acme_k3j4h5g6f7d8s9a0" {
		t.Errorf("match %q", m.Text)
	}
}

func TestPathFindings(t *testing.T) {
	d := mustDetector(t, testRules, Options{})
	src := leak.Source{Path: "certs/client.p12"}
	fs := d.PathFindings("abc123", nil, src)
	if len(fs) != 1 || fs[0].RuleID != "p12" || fs[0].File != "certs/client.p12" {
		t.Fatalf("got %+v", fs)
	}
	if got := d.PathFindings("abc123", nil, leak.Source{Path: "vendor/x.p12"}); len(got) != 0 {
		t.Fatalf("allowlisted path: got %+v", got)
	}
	if fs[0].Severity == "low" || slices.Contains(fs[0].Tags, "empty") {
		t.Fatalf("a key store with content: %+v", fs[0])
	}
	// An empty key store holds no key: it is a low, low-confidence
	// finding tagged empty, in SHA-1 and SHA-256 repositories alike.
	for _, id := range EmptyBlobIDs {
		got := d.PathFindings(id, nil, src)
		if len(got) != 1 || got[0].Severity != "low" || got[0].Confidence != "low" || !slices.Contains(got[0].Tags, "empty") || !strings.HasPrefix(got[0].Description, emptyDescription) {
			t.Fatalf("empty blob %s: got %+v", id, got)
		}
	}
}

// TestLineSetRescansFlaggedLines checks the novelty filter: a line seen
// before and clean is skipped, but a line that held a secret is found again
// in every later fragment.
func TestLineSetRescansFlaggedLines(t *testing.T) {
	ls := NewLineSet()
	d := mustDetector(t, testRules, Options{Lines: ls})
	tok := "acme_k3j4h5g6f7d8s9a0"
	v1 := "a = 1\nb = 2\ntoken = " + tok + "\n"
	v2 := "a = 1\nb = 2\ntoken = " + tok + "\nc = 3\n"
	if got := secrets(detect(t, d, "a.txt", v1)); len(got) != 1 {
		t.Fatalf("v1: %q", got)
	}
	if got := secrets(detect(t, d, "b.txt", v2)); len(got) != 1 {
		t.Fatalf("v2 must report the secret again: %q", got)
	}
	// A fragment of only clean, seen lines scans nothing.
	res, err := d.Detect(&leak.Fragment{Content: []byte("a = 1\nb = 2\n"), Sources: []leak.Source{{Path: "c.txt"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Scanned != 0 {
		t.Errorf("scanned %d bytes of seen content", res.Scanned)
	}
	// A path-allowlisted fragment must not mark its lines seen.
	v3 := "fresh = 1\nacme_abcdefabcdefabcd\n"
	if got := secrets(detect(t, d, "vendor/lib.txt", v3)); len(got) != 0 {
		t.Fatalf("vendor: %q", got)
	}
	if got := secrets(detect(t, d, "app.txt", v3)); len(got) != 1 {
		t.Fatalf("same lines outside vendor: %q", got)
	}
}

func TestLineSetRescansLinesAnInlineAllowHid(t *testing.T) {
	d := mustDetector(t, testRules, Options{Lines: NewLineSet()})
	// A next-line allow hides the secret; when a later version drops the
	// allow, the line holding the secret is unchanged but must be scanned
	// again.
	v1 := "a = 1\n# pragma: allowlist nextline secret\nkey = acme_k3j4h5g6f7d8s9a0\nb = 2\n"
	if got := secrets(detect(t, d, "a.txt", v1)); len(got) != 0 {
		t.Fatalf("v1 is allowed: %q", got)
	}
	v2 := "a = 1\nkey = acme_k3j4h5g6f7d8s9a0\nb = 2\n"
	if got := secrets(detect(t, d, "a.txt", v2)); len(got) != 1 {
		t.Fatalf("v2 dropped the allow, must report the secret: %q", got)
	}
	// The same for an allow on the line itself, moved to the line before.
	v3 := "c = 3\nother = acme_z9y8x7w6v5u4t3s2 # gitleaks:allow\n"
	if got := secrets(detect(t, d, "b.txt", v3)); len(got) != 0 {
		t.Fatalf("v3 is allowed: %q", got)
	}
	v4 := "c = 3\nother = acme_z9y8x7w6v5u4t3s2\n"
	if got := secrets(detect(t, d, "b.txt", v4)); len(got) != 1 {
		t.Fatalf("v4 must report the secret: %q", got)
	}
}

// TestLineSetBlankLines: a line of white space alone (space, tab, carriage
// return, line feed) is blank, whatever its length, and not remembered; any
// other byte, wherever it stands, makes a line to remember.
func TestLineSetBlankLines(t *testing.T) {
	ls := NewLineSet()
	for _, l := range []string{"", "\n", " \t\r\n", "    ", "\t\t\n", "\n\n"} {
		if h := ls.hashLine([]byte(l)); h != 0 {
			t.Errorf("%q: hash %#x, want 0 (blank)", l, h)
		}
	}
	for _, l := range []string{"x", "x\n", "  x  \n", "x    \r\n", "\v\n", "\x00", " \xa0\n", "!\t"} {
		if ls.hashLine([]byte(l)) == 0 {
			t.Errorf("%q: blank, want a line to remember", l)
		}
	}
}

func TestLineSetGrowsConcurrently(t *testing.T) {
	ls := NewLineSet()
	d := mustDetector(t, testRules, Options{Lines: ls})
	done := make(chan bool)
	for w := 0; w < 4; w++ {
		go func(w int) {
			var b strings.Builder
			for i := 0; i < 50000; i++ {
				b.WriteString("line ")
				b.WriteString(strings.Repeat("x", i%7))
				b.WriteString(string(rune('a' + w)))
				b.WriteString(strconv.Itoa(i))
				b.WriteByte('\n')
			}
			b.WriteString("acme_k3j4h5g6f7d8s9a0\n")
			res, err := d.Detect(&leak.Fragment{Content: []byte(b.String()), Sources: []leak.Source{{Path: "f"}}})
			done <- err == nil && len(res.Matches) == 1
		}(w)
	}
	for w := 0; w < 4; w++ {
		if !<-done {
			t.Error("a concurrent fragment lost its match")
		}
	}
	if ls.Len() < 4*50000 {
		t.Errorf("LineSet holds %d lines, want >= %d", ls.Len(), 4*50000)
	}
}

func TestOverlappingMatchesKeepTheSpecificRule(t *testing.T) {
	d := mustDetector(t, `
[[rules]]
id = "generic"
regex = '''token = "([^"]+)"'''
secretGroup = 1
keywords = ["token"]
tags = ["generic"]
severity = "medium"

[[rules]]
id = "acme"
regex = '''(acme_[a-z0-9]{16})'''
keywords = ["acme_"]
severity = "high"
`, Options{})
	got := secrets(detect(t, d, "a.txt", "token = \""+"acme_k3j4h5g6f7d8s9a0\"\ntoken = \"plainvaluehere\"\n"))
	want := []string{"acme=acme_k3j4h5g6f7d8s9a0", "generic=plainvaluehere"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNonUTF8TextIsScannedAsBytes(t *testing.T) {
	d := mustDetector(t, testRules, Options{})
	content := "caf\xe9 \xff\xfe = 1\nx = acme_k3j4h5g6f7d8s9a0 \xe9\xe9\n"
	got := secrets(detect(t, d, "latin1.txt", content))
	if strings.Join(got, ",") != "acme=k3j4h5g6f7d8s9a0" {
		t.Errorf("got %q", got)
	}
}

// TestRuleMatchingEverywhereIsCapped checks that a rule matching every byte
// is cut off at the cap, with the fragment reported capped.
func TestRuleMatchingEverywhereIsCapped(t *testing.T) {
	d := mustDetector(t, "[[rules]]\nid = \"dot\"\nregex = '''.'''\n", Options{MaxMatchesPerRule: 50})
	content := strings.Repeat("abcdefgh\n", 300000) // 2.7 MB: several chunks
	res, err := d.Detect(&leak.Fragment{Content: []byte(content), Sources: []leak.Source{{Path: "big.txt"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Matches) != 50 || len(res.Capped) != 1 || res.Capped[0] != "dot" {
		t.Errorf("%d matches, capped %v", len(res.Matches), res.Capped)
	}
}

func TestChunksOverlap(t *testing.T) {
	cs := chunks([][2]int{{0, 100}, {10, 10 + 2*maxChunk + 5}})
	if cs[0] != [2]int{0, 100} || cs[len(cs)-1][1] != 10+2*maxChunk+5 {
		t.Fatalf("chunks %v", cs)
	}
	for i := 2; i < len(cs); i++ {
		if cs[i][0] != cs[i-1][1]-windowReach {
			t.Errorf("chunk %d does not overlap the previous: %v", i, cs)
		}
		if cs[i][1]-cs[i][0] > maxChunk {
			t.Errorf("chunk %d too long", i)
		}
	}
}

func TestCheckExamplesOfPathOnlyRules(t *testing.T) {
	d := mustDetector(t, `
[[rules]]
id = "p12"
path = '''\.p12$'''
  [[rules.examples]]
  path = "a.p12"
  text = "binary"
  secret = "a.p12"
  [[rules.examples]]
  path = "b.crt"
  text = "binary"
  [[rules.examples]]
  path = "c.crt"
  text = "binary"
  secret = "c.crt"
  [[rules.examples]]
  path = "d.p12"
  text = "binary"
`, Options{})
	fails, err := CheckExamples(d)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fails {
		got = append(got, f.Example.Path)
	}
	if want := []string{"c.crt", "d.p12"}; !slices.Equal(got, want) {
		t.Errorf("failing examples %q, want %q", got, want)
	}
}

// TestAllowlistConditions checks OR (any condition) against AND (every
// present condition) allowlists.
func TestAllowlistConditions(t *testing.T) {
	rules := func(cond string) string {
		return `
[[rules]]
id = "acme"
regex = '''acme_([a-z0-9]{16})'''
secretGroup = 1
keywords = ["acme_"]
  [[rules.allowlists]]
  condition = "` + cond + `"
  paths = ['''^fixtures/''']
  stopwords = ["fixture"]
`
	}
	tok, fixtureTok := "acme_k3j4h5g6f7d8s9a0", "acme_fixtureabcdefghi"
	for _, tt := range []struct {
		cond, path, token string
		found             bool
	}{
		{"OR", "app.txt", tok, true},
		{"OR", "fixtures/a.txt", tok, false},
		{"OR", "app.txt", fixtureTok, false},
		{"AND", "app.txt", tok, true},
		{"AND", "fixtures/a.txt", tok, true},
		{"AND", "app.txt", fixtureTok, true},
		{"AND", "fixtures/a.txt", fixtureTok, false},
	} {
		d := mustDetector(t, rules(tt.cond), Options{})
		got := len(detect(t, d, tt.path, "x = "+tt.token+"\n")) == 1
		if got != tt.found {
			t.Errorf("%s allowlist, %s at %s: found %v, want %v", tt.cond, tt.token, tt.path, got, tt.found)
		}
	}
}

// TestCredentialStoreWeakValues checks the weak allowlists: they ignore
// what they match, except in the credential stores of a rule with a
// storePath or a storeMatch, where it is a low "weak password" finding; an allowlist
// without weak (a template reference, a path) ignores matches everywhere.
func TestCredentialStoreWeakValues(t *testing.T) {
	const rules = `
testPaths = ['''^tests/''']

[[rules]]
id = "store"
description = "Password in a store"
regex = '''pass=(\S+)'''
keywords = ["pass="]
entropy = 2.5
severity = "high"
storePath = '''\.cfg$'''
  [[rules.allowlists]]
  weak = true
  regexes = ['''^(?:admin|root)$''']

[[rules]]
id = "url"
description = "Password in a URL"
regex = '''://\w+:(\w+)@[\w.]+'''
keywords = ["://"]
entropy = 2.5
severity = "high"
storeMatch = '''@[\w.]+\.db\.example\.net$'''
  [[rules.allowlists]]
  weak = true
  regexes = ['''^(?:admin|root)$''']

[[rules]]
id = "code"
description = "Password in code"
regex = '''pwd=(\S+)'''
keywords = ["pwd="]
entropy = 2.5
severity = "high"
  [[rules.allowlists]]
  weak = true
  regexes = ['''^(?:admin|root)$''']

[[allowlists]]
description = "placeholder words"
weak = true
regexes = ['''(?i)^changeme$''']

[[allowlists]]
description = "references"
regexes = ['''^\$\{\w+\}$''']

[[allowlists]]
description = "weak under a path"
weak = true
condition = "AND"
paths = ['''^docs/''']
regexes = ['''^Doc''']

[[allowlists]]
paths = ['''^vendor/''']
`
	d := mustDetector(t, rules, Options{})
	for _, tt := range []struct {
		path, text string
		want       string // "" for nothing, else "severity description [tags]"
	}{
		{"app.cfg", "pass=Xq7mZ2pL9v", "high Password in a store []"},
		{"app.cfg", "pass=changeme", "low weak password in a credential store [weak]"},
		{"app.cfg", "pass=admin", "low weak password in a credential store [weak]"},
		{"app.cfg", "pass=aaaaaaaa", "low weak password in a credential store [weak]"}, // below the entropy floor
		{"README.md", "pass=Xq7mZ2pL9v", "high Password in a store []"},
		{"README.md", "pass=admin", ""}, // not a store: a placeholder in docs
		{"README.md", "pass=aaaaaaaa", ""},
		// Detection keeps a weak password's low at a test path; triage lowers it.
		{"tests/app.cfg", "pass=admin", "low weak password in a credential store [weak]"},
		{"app.cfg", "pass=${DB_PASS}", ""},
		{"vendor/app.cfg", "pass=admin", ""},
		{"docs/app.cfg", "pass=DocPw7", "low weak password in a credential store [weak]"},
		{"app.cfg", "pass=DocPw7", "high Password in a store []"},
		{"app.cfg", "pwd=Xq7mZ2pL9v", "high Password in code []"},
		{"app.cfg", "pwd=changeme", ""},
		{"app.cfg", "pwd=admin", ""},
		{"app.cfg", "pwd=aaaaaaaa", ""},
		{"docs/app.cfg", "pwd=DocPw7", ""},
		{"docs/app.md", "pass=DocPw7", ""},
		// A match that storeMatch matches is a store at any path.
		{"README.md", "x://u:admin@prod.db.example.net", "low weak password in a credential store [weak]"},
		{"README.md", "x://u:changeme@prod.db.example.net", "low weak password in a credential store [weak]"},
		{"README.md", "x://u:admin@localhost", ""},
		{"README.md", "x://u:admin@prod.db.example.net.example.org", ""},
		{"README.md", "x://u:Xq7mZ2pL9v@localhost", "high Password in a URL []"},
		{"vendor/app.md", "x://u:admin@prod.db.example.net", ""},
	} {
		src := leak.Source{Path: tt.path}
		res, err := d.Detect(&leak.Fragment{Content: []byte(tt.text + "\n"), Sources: []leak.Source{src}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := range res.Matches {
			if f, ok := d.Finding(&res.Matches[i], "", src); ok {
				got = append(got, fmt.Sprintf("%s %s %v", f.Severity, f.Description, f.Tags))
			}
		}
		switch {
		case tt.want == "" && len(got) > 0:
			t.Errorf("%s: %q: got %q, want nothing", tt.path, tt.text, got)
		case tt.want != "" && (len(got) != 1 || got[0] != tt.want):
			t.Errorf("%s: %q: got %q, want %q", tt.path, tt.text, got, tt.want)
		}
	}
}

// TestAlwaysPathsRemembered: rules without keywords that name a path run
// on content at those paths alone, and each path's answer is asked of the
// regex once.
func TestAlwaysPathsRemembered(t *testing.T) {
	d := mustDetector(t, `
[[rules]]
id = "netrc"
regex = '''password ([a-z0-9]{12})'''
secretGroup = 1
path = '''(?:^|/)\.netrc$'''

[[rules]]
id = "pgpass"
regex = '''(?m)^[^:\n]*:[0-9]*:[^:\n]*:[^:\n]*:([a-z0-9]{12})$'''
secretGroup = 1
path = '''(?:^|/)\.pgpass$'''
`, Options{})
	content := "machine x login y password " + "k3j4h5" + "g6f7d8\n"
	for range 2 {
		if got := secrets(detect(t, d, "home/.netrc", content)); len(got) != 1 {
			t.Errorf(".netrc: %q, want the password", got)
		}
		if got := secrets(detect(t, d, "notes.txt", content)); len(got) != 0 {
			t.Errorf("notes.txt: %q, want nothing", got)
		}
	}
	n := 0
	for q := range d.paths.answers.m {
		if q.re == d.anyAlwaysPath {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d paths remembered, want 2", n)
	}
}

// TestSkipPathRemembers checks that SkipPath answers as the global
// allowlists on paths do, and that their path regexes' answers are
// remembered once per path, up to maxPathMemo answers.
func TestSkipPathRemembers(t *testing.T) {
	d := mustDetector(t, testRules, Options{})
	memo := &d.skipPaths[0].patterns.answers
	before := len(memo.m)
	for range 2 {
		for path, want := range map[string]bool{"vendor/x.go": true, "src/x.go": false, "a/vendor/x.go": false} {
			if got := d.SkipPath(path); got != want {
				t.Errorf("SkipPath(%q) = %v, want %v", path, got, want)
			}
		}
	}
	if n := len(memo.m) - before; n != 3 {
		t.Errorf("%d answers remembered, want 3", n)
	}
	// Fill the memo to its bound: answers stay right and are not kept.
	for i := len(memo.m); i < maxPathMemo; i++ {
		memo.m[pathQuestion{path: strconv.Itoa(i)}] = false
	}
	if !d.SkipPath("vendor/y.go") || d.SkipPath("src/y.go") {
		t.Error("SkipPath answers wrongly past its memo's bound")
	}
	for q := range memo.m {
		if q.path == "vendor/y.go" || q.path == "src/y.go" {
			t.Errorf("%q, past the memo's bound, was remembered", q.path)
		}
	}
}
