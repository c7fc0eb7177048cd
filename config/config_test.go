package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound"
)

func TestParseValid(t *testing.T) {
	cfg, err := Parse("r.toml", []byte(`
title = "t"
[[rules]]
id = "a"
description = "A"
regex = '''a([0-9]+)'''
secretGroup = 1
entropy = 2
keywords = ["A-"]
tags = ["x"]
severity = "high"
  [[rules.allowlists]]
  stopwords = ["Foo"]
  [[rules.examples]]
  text = "a123"
  secret = "123"
[[allowlists]]
paths = ['''^vendor/''']
condition = "and"
`))
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Rule("a")
	if r == nil || r.SecretGroup != 1 || r.Entropy != 2 || r.Keywords[0] != "a-" || r.Severity != "high" {
		t.Fatalf("rule: %+v", r)
	}
	if r.Pos.Line != 3 || r.Allowlists[0].Stopwords[0] != "foo" || r.Examples[0].Secret != "123" {
		t.Fatalf("rule details: %+v", r)
	}
	if cfg.Allowlists[0].Condition != "AND" || cfg.Allowlists[0].RegexTarget != "secret" {
		t.Fatalf("allowlist: %+v", cfg.Allowlists[0])
	}
}

// TestParseReportsEveryError checks that one pass reports all mistakes, each
// with the file, line and rule id.
func TestParseReportsEveryError(t *testing.T) {
	src := `[[rules]]
id = "good"
regex = "x"

[[rules]]
id = "bad-regex"
regex = '''(unclosed'''

[[rules]]
id = "typo"
regex = "y"
keyword = ["y"]

[[rules]]
id = "wrong-type"
regex = "z"
entropy = "high"

[[rules]]
id = "good"
regex = "w"

[[rules]]
id = "group"
regex = "(a)"
secretGroup = 2
  [[rules.allowlists]]
  regexes = ['''[z''']
`
	_, err := Parse("rules.toml", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("want an ErrorList, got %v", err)
	}
	want := []string{
		`rules.toml:7: rule "bad-regex": bad regex: missing closing ): ` + "`(unclosed`",
		`rules.toml:12: rule "typo": unknown key "keyword"`,
		`rules.toml:17: rule "wrong-type": entropy must be a number, not a string`,
		`rules.toml:20: rule "good": duplicate rule id (first defined on line 1)`,
		`rules.toml:26: rule "group": secretGroup 2, but the regex has 1 capture groups`,
		`rules.toml:28: rule "group": bad regex in regexes[0]: missing closing ]: ` + "`[z`",
	}
	if len(list) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(list), len(want), err)
	}
	for i, w := range want {
		if list[i].Error() != w {
			t.Errorf("error %d:\n got %s\nwant %s", i, list[i].Error(), w)
		}
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, err := Parse("r.toml", []byte("[[rules]]\nid = \"a\"\nregex = 'x\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "r.toml:3: TOML syntax") {
		t.Fatalf("got %v", err)
	}
}

func TestParseNoRules(t *testing.T) {
	_, err := Parse("r.toml", []byte("[[allowlists]]\npaths = ['x']\n"))
	if err == nil || !strings.Contains(err.Error(), "useDefault") {
		t.Fatalf("got %v", err)
	}
}

func TestExtendDefault(t *testing.T) {
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Rules) < 20 {
		t.Fatalf("default has %d rules", len(def.Rules))
	}
	victim := def.Rules[0].ID
	replaced := def.Rules[1].ID
	cfg, err := Parse("mine.toml", []byte(`
[extend]
useDefault = true
disabledRules = ["`+victim+`"]

[[rules]]
id = "`+replaced+`"
regex = "mine"

[[rules]]
id = "extra"
regex = "extra"

[[allowlists]]
paths = ['''^fixtures/''']
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Rule(victim) != nil {
		t.Errorf("disabled rule %q still present", victim)
	}
	if r := cfg.Rule(replaced); r == nil || r.Regex != "mine" {
		t.Errorf("rule %q not replaced: %+v", replaced, r)
	}
	if cfg.Rule("extra") == nil {
		t.Error("own rule missing")
	}
	if len(cfg.Rules) != len(def.Rules) {
		t.Errorf("got %d rules, want %d", len(cfg.Rules), len(def.Rules))
	}
	if len(cfg.Allowlists) != len(def.Allowlists)+1 {
		t.Errorf("allowlists not merged")
	}

	_, err = Parse("mine.toml", []byte("[extend]\nuseDefault = true\ndisabledRules = [\"no-such-rule\"]\n"))
	if err == nil || !strings.Contains(err.Error(), `mine.toml:3: disabledRules: no default rule "no-such-rule"`) {
		t.Errorf("unknown disabled rule: %v", err)
	}
}

func TestLoad(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.toml")
	if err := os.WriteFile(p, []byte("[[rules]]\nid='a'\nregex='a'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p + ".missing"); err == nil || !strings.Contains(err.Error(), "r.toml.missing") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestSeverityConfidenceDecodeAndTestPaths(t *testing.T) {
	cfg, err := Parse("r.toml", []byte(`
testPaths = ['''(^|/)tests/''']
[[rules]]
id = "url"
regex = '''://[^:]+:([^@]+)@'''
secretGroup = 1
severity = "high"
confidence = "medium"
secretDecode = "percent"
`))
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Rule("url")
	if r.Confidence != "medium" || r.SecretDecode != "percent" {
		t.Errorf("rule: %+v", r)
	}
	if len(cfg.TestPaths) != 1 || cfg.TestPaths[0] != "(^|/)tests/" {
		t.Errorf("testPaths: %q", cfg.TestPaths)
	}

	_, err = Parse("r.toml", []byte(`testPaths = ['''(''']
[[rules]]
id = "a"
regex = "a"
confidence = "sure"
secretDecode = "rot13"
`))
	want := []string{
		"r.toml:1: bad regex in testPaths[0]: missing closing ): `(`",
		`r.toml:5: rule "a": confidence must be one of high, medium, low`,
		`r.toml:6: rule "a": secretDecode must be one of percent`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("got\n%v\nwant\n%s", err, strings.Join(want, "\n"))
	}

	_, err = Parse("r.toml", []byte(`[[rules]]
id = "store"
path = '''\.kdbx$'''
format = "kdbx"

[[rules]]
id = "token"
regex = "tok_[a-z]{8}"
format = "pkcs12"
`))
	want = []string{
		`r.toml:4: rule "store": format must be one of pkcs12, jks, der`,
		`r.toml:9: rule "token": format is for a rule on paths alone: it needs a path and no regex or value`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("format: got\n%v\nwant\n%s", err, strings.Join(want, "\n"))
	}
	_, err = Parse("r.toml", []byte("[[rules]]\nid = \"card\"\nvalue = '''[0-9]{16}'''\nkeywords = [\"card\"]\nchecksum = \"luhn\"\n"))
	if want := `r.toml:5: rule "card": checksum must be one of atlassian, bech32, github, grafana`; err == nil || err.Error() != want {
		t.Errorf("checksum: got\n%v\nwant\n%s", err, want)
	}
	cfg, err = Parse("r.toml", []byte("[[rules]]\nid = \"gh\"\nvalue = '''ghp_[A-Za-z0-9]{36}'''\nchecksum = \"github\"\n"))
	if err != nil || cfg.Rule("gh").Checksum != "github" {
		t.Errorf("checksum: %v, %+v", err, cfg.Rule("gh"))
	}
	cfg, err = Parse("r.toml", []byte("[[rules]]\nid = \"p12\"\npath = '''\\.p12$'''\nformat = \"pkcs12\"\n"))
	if err != nil || cfg.Rule("p12").Format != "pkcs12" {
		t.Errorf("format: %v, %+v", err, cfg.Rule("p12"))
	}

	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	ext, err := Parse("mine.toml", []byte("testPaths = ['''^qa/''']\n[extend]\nuseDefault = true\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ext.TestPaths) != len(def.TestPaths)+1 || ext.TestPaths[len(ext.TestPaths)-1] != "^qa/" {
		t.Errorf("extended testPaths %q, default %q", ext.TestPaths, def.TestPaths)
	}
}

// TestPositionsAfterArrayOfRegexes checks that a multi-line array whose
// regexes hold "=" and quotes does not confuse the line numbers of what
// follows.
func TestPositionsAfterArrayOfRegexes(t *testing.T) {
	src := "[[rules]]\nid = \"a\"\nregex = \"a\"\n  [[rules.allowlists]]\n  regexes = [\n    '''[:=!<P]|x''',\n    '''y''',\n  ]\n\n[[rules]]\nid = \"b\"\nregex = \"b\"\nseverity = \"bad\"\n"
	_, err := Parse("r.toml", []byte(src))
	if err == nil || err.Error() != `r.toml:13: rule "b": severity must be one of critical, high, medium, low, info` {
		t.Errorf("got %v", err)
	}
}

// TestDefaultRulesAreValid checks the embedded rules as a user's file is
// checked, regex syntax included, which Default skips for speed.
func TestDefaultRulesAreValid(t *testing.T) {
	if _, err := Parse("defaults-as-a-user-file.toml", leakhound.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	full, _ := Parse("again.toml", leakhound.DefaultRules())
	if len(def.Rules) != len(full.Rules) || len(def.Allowlists) != len(full.Allowlists) || len(def.TestPaths) != len(full.TestPaths) {
		t.Fatalf("Default has %d rules, a full parse %d", len(def.Rules), len(full.Rules))
	}
}

// TestCredentialStoreAndWeak checks a rule's storePath and storeMatch and
// an allowlist's weak, and that a weak allowlist must judge values.
func TestCredentialStoreAndWeak(t *testing.T) {
	cfg, err := Parse("r.toml", []byte(`
[[rules]]
id = "store"
regex = '''pass=(\S+)'''
storePath = '''(^|/)\.storerc$'''
storeMatch = '''@db\.example\.net'''
  [[rules.allowlists]]
  weak = true
  regexes = ['''^admin$''']
[[allowlists]]
weak = true
stopwords = ["changeme"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if r := cfg.Rule("store"); r.StorePath == "" || r.StoreMatch != `@db\.example\.net` || !r.Allowlists[0].Weak || !cfg.Allowlists[0].Weak {
		t.Errorf("rule %+v, global allowlists %+v", r, cfg.Allowlists)
	}
	_, err = Parse("r.toml", []byte(`
[[rules]]
id = "a"
regex = "a"
storePath = '''('''
storeMatch = '''['''
[[allowlists]]
weak = true
paths = ['''^docs/''']
`))
	want := []string{
		"r.toml:5: rule \"a\": bad storePath regex: missing closing ): `(`",
		"r.toml:6: rule \"a\": bad storeMatch regex: missing closing ]: `[`",
		`r.toml:8: weak judges values: the allowlist needs regexes or stopwords`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("got\n%v\nwant\n%s", err, strings.Join(want, "\n"))
	}
}

// TestExceptNamed checks that exceptNamed is read for a global allowlist
// and refused in a rule's, where it means nothing.
func TestExceptNamed(t *testing.T) {
	cfg, err := Parse("r.toml", []byte(`
[[rules]]
id = "a"
regex = "a"
[[allowlists]]
exceptNamed = true
regexes = ["abcdefghijk"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Allowlists[0].ExceptNamed {
		t.Errorf("global allowlist %+v: exceptNamed not read", cfg.Allowlists[0])
	}
	_, err = Parse("r.toml", []byte(`
[[rules]]
id = "a"
regex = "a"
  [[rules.allowlists]]
  exceptNamed = true
  regexes = ["abcdefghijk"]
`))
	want := `r.toml:6: rule "a": exceptNamed belongs in a global [[allowlists]], not a rule's`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestDefaultRulesGenerated checks that the prepared default rules that
// Default reads (default_rules.go) are those of .secretsrules.toml.
func TestDefaultRulesGenerated(t *testing.T) {
	full, err := DefaultWithExamples()
	if err != nil {
		t.Fatal(err)
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Rules) != len(full.Rules) || def.Rules[0].Examples != nil || len(full.Rules[0].Examples) == 0 {
		t.Fatalf("Default has %d rules, the TOML %d: run `go generate ./config`", len(def.Rules), len(full.Rules))
	}
	// The generated source writes an empty list as none: the prepared
	// rules must not depend on the difference.
	want := WithoutExamples(full)
	for i, r := range want.Rules {
		if !reflect.DeepEqual(normalizeEmpty(r), normalizeEmpty(def.Rules[i])) {
			t.Errorf("rule %s differs read from the prepared form: run `go generate ./config`", r.ID)
		}
	}
	want.Rules, def.Rules = nil, nil
	if !reflect.DeepEqual(want, def) {
		t.Errorf("the allowlists, test paths, path contexts or known secrets differ in the prepared form: run `go generate ./config`")
	}
	// Each call's result is its own.
	def.Rules = append(def.Rules, Rule{ID: "x"})
	if again, _ := Default(); len(again.Rules) != len(full.Rules) {
		t.Errorf("a change to Default's result shows in the next call's")
	}
}

// normalizeEmpty returns r with its empty lists made nil, as gob decodes
// them.
func normalizeEmpty(r Rule) Rule {
	for _, l := range []*[]string{&r.Names, &r.SecretWords, &r.NameWords, &r.Keywords, &r.Tags} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	if len(r.Allowlists) == 0 {
		r.Allowlists = nil
	}
	return r
}

// TestMentionOnlyForKeyShapedValues checks which rules stated by names and
// a value also find the value by mention (see mention): those whose value
// is a key's alphabet and at least mentionMinLen long, with their secret
// words or, when the names alone say secret, the default ones (see
// mentionWords).
func TestMentionOnlyForKeyShapedValues(t *testing.T) {
	for _, tc := range []struct {
		value string
		words []string
		want  bool
	}{
		{`[a-z0-9]{32}`, DefaultSecretWords, true},
		{`[A-Za-z0-9+/]{86}==`, DefaultSecretWords, true},
		{`ak_[A-Za-z0-9_-]{20,40}`, DefaultSecretWords, true},
		{`[a-z0-9]{12}`, DefaultSecretWords, false},                    // too short to stand alone
		{`[A-Za-z0-9!=@#$%()_^*+.-]{8,50}`, DefaultSecretWords, false}, // a password's alphabet
		{`[^\s'"]{16,}`, DefaultSecretWords, false},                    // any character
		{`[a-z0-9]{32}`, nil, true},                                    // the names alone say secret: the default words
		{`[a-z0-9]{12}`, nil, false},
	} {
		re := assignRegex([]string{"acme"}, tc.words, tc.value, QuoteAny, false)
		if got := strings.Contains(re, "(?P<"+MentionGroup+">"); got != tc.want {
			t.Errorf("value %s, words %v: mention %v, want %v", tc.value, tc.words, got, tc.want)
		}
	}
}

// TestCArraySharesTheName checks that the regex of a rule without secret
// words writes its name once for the assignment and the C array forms (a
// fifth of a generic rule's time, see cArrayTail), and that it finds what
// the forms written apart find: the same spans, the same groups (the
// array's name in "name" instead of "name51").
func TestCArraySharesTheName(t *testing.T) {
	names := []string{"passw(?:or)?d", "secrets?", "tokens?", "(?:api|access)[_.-]?key", "keys?"}
	value := "[^'\"`\\n\\\\]{6,}"
	re := assignRegex(names, nil, value, QuoteRequired, false)
	if strings.Contains(re, "(?P<name51>") || !strings.Contains(re, "(?P<secret51>") {
		t.Fatalf("the C array form has a name of its own: %s", re)
	}
	shared := regexp.MustCompile(re)
	// The forms written apart, as for a rule with secret words.
	n := `(?:` + strings.Join(names, "|") + `)`
	name, name2 := `(?i:(?P<name>`+n+ident+`))`, `(?i:(?P<name2>`+n+ident+`))`
	if got := quotedForms(name, name2, quotedJoin, value, true); got != re {
		t.Fatalf("the test builds the name and joins unlike assignRegex:\n%s\n%s", got, re)
	}
	apart := regexp.MustCompile(quotedForms(name, name2, quotedJoin, value, false))
	groups := func(re *regexp.Regexp, text string) []string {
		var out []string
		for _, loc := range re.FindAllStringSubmatchIndex(text, -1) {
			m := fmt.Sprintf("%d-%d", loc[0], loc[1])
			for g, gn := range re.SubexpNames() {
				if g > 0 && loc[2*g] >= 0 {
					m += fmt.Sprintf(" %s=%q", strings.TrimSuffix(gn, "51"), text[loc[2*g]:loc[2*g+1]])
				}
			}
			out = append(out, m)
		}
		return out
	}
	arrays := 0
	for _, text := range []string{
		`char password[] = "Xq7EXAMPLEmZ2p";`,
		`static const char API_KEY[41] = "f3a9c2e7b1d8FAKE4f6a9c0e2b";`,
		`wchar_t secretKey[] = L"Kp9LmFAKE2Qx7vR4";`,
		`password[0] = "EXAMPLEabc"; token = "EXAMPLEqwerty"`,
		"password[] = \"EXAMPLEabc\"\npassword = \"EXAMPLEzzz\"",
		`password->x[0] = "EXAMPLEabc"`,
		`-password[] = "EXAMPLEabc"`,
		`ENV password[] "EXAMPLEabc"`,
		`if ("EXAMPLEabc" == password[0]) {`,
		`#define PASSWORD[] "EXAMPLEabc"`,
		"  token[] = \"EXAMPLEabcd\"",
		"token \"EXAMPLEabcd\"\ntoken[] = \"EXAMPLEabcd\"",
		`setToken("EXAMPLEabcd"); token[x] = "EXAMPLEabcd"`,
		`<add value="EXAMPLEabcd" key="token[]"/>`,
		`db_password: "Vt8kEXAMPLE2x"`,
		`password.="EXAMPLEabc"; key-[1] = "EXAMPLEdef"`,
	} {
		want, got := groups(apart, text), groups(shared, text)
		if !slices.Equal(got, want) {
			t.Errorf("%q:\n shared %q\n apart  %q", text, got, want)
		}
		for _, loc := range apart.FindAllStringSubmatchIndex(text, -1) {
			if g := apart.SubexpIndex("secret51"); loc[2*g] >= 0 {
				arrays++
			}
		}
	}
	if arrays < 5 {
		t.Errorf("%d C arrays found: the table tests too little", arrays)
	}
}

// TestQuotedValues checks the value patterns of a quoted value per kind of
// quote: each lets the other kinds in, its own only escaped, no backslash
// at either end, and in double quotes another kind of quote at an end too
// (the rule's allowlist judges pieces of a literal: ' + pw + '); inside
// escaped quotes no escape; in backticks (a Go raw string, a template
// literal) a backslash as it is, and no quote; the least length stays;
// any other value is left as it is.
func TestQuotedValues(t *testing.T) {
	dq, sq, plain, bt := quotedValues("[^'\"`\\n\\\\]{6,}")
	for _, tt := range []struct {
		name, re, s string
		want        bool
	}{
		{"dq", dq, "Xk2#w`q'z", true},
		{"dq", dq, `Xk2"qz9`, false},
		{"dq", dq, "'Xk2qz9", true},
		{"dq", dq, "Xk2qz9`", true},
		{"dq", dq, "`-08iOR~zZik6ko^", true},
		{"dq", dq, "Xk2'q", false},
		// escapes, each one character: "\"" and "\\" inside, not at an end
		{"dq", dq, `Xk2\"qz9`, true},
		{"dq", dq, `Xk2\\qz9`, true},
		{"dq", dq, `W;5\5]EBr`, true},
		{"dq", dq, `p\u00e8ncil`, false},
		{"dq", dq, `hello\nworld`, false},
		{"dq", dq, `X\"q`, false},
		{"dq", dq, `Xk2qz9\`, false},
		{"dq", dq, `\"Xk2qz9`, false},
		{"sq", sq, `Tr0"b4d`, true},
		{"sq", sq, "Tr0'b4d", false},
		{"sq", sq, `"Tr0b4d`, false},
		{"sq", sq, "Tr0b4d\"", false},
		{"sq", sq, `Tr0\'b4d`, true},
		{"sq", sq, "Tr0''b4d", true},
		// inside escaped quotes, no escape: the next one ends the value
		{"plain", plain, `Xk2\"qz9`, false},
		{"plain", plain, "Xk2#w`q'z", true},
		// in backticks a backslash is a character of the value, not at
		// an end; no kind of quote
		{"bt", bt, `Xk2\qz9`, true},
		{"bt", bt, `Xk2\\qz9`, true},
		{"bt", bt, `Xk2\q"z9`, false},
		{"bt", bt, `Xk2q'z9`, false},
		{"bt", bt, "Xk2`qz9", false},
		{"bt", bt, `\d{6}x`, false},
		{"bt", bt, `Xk2qz9\`, false},
		{"bt", bt, `"Xk2qz9`, false},
		{"bt", bt, `Xk2q`, false},
	} {
		if got := regexp.MustCompile(`^(?:` + tt.re + `)$`).MatchString(tt.s); got != tt.want {
			t.Errorf("%s %s on %q: %v, want %v", tt.name, tt.re, tt.s, got, tt.want)
		}
	}
	for _, v := range []string{`[a-f0-9]{32}`, `[^'"\n]{6,}`, `[^'"` + "`" + `\n]{8}`} {
		if dq, sq, plain, bt := quotedValues(v); dq != v || sq != v || plain != v || bt != v {
			t.Errorf("quotedValues(%q) = %q, %q, %q, %q, want it as it is", v, dq, sq, plain, bt)
		}
	}
}

// TestExceptInString checks that exceptInString is read, and that an
// allowlist without paths, which names no files whose strings it could
// exempt, is an error naming the line.
func TestExceptInString(t *testing.T) {
	cfg, err := Parse("r.toml", []byte(`
[[rules]]
id = "a"
regex = "a"
  [[rules.allowlists]]
  paths = ['\.py$']
  exceptInString = true
`))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Rules[0].Allowlists[0].ExceptInString {
		t.Errorf("allowlist %+v: exceptInString not read", cfg.Rules[0].Allowlists[0])
	}
	_, err = Parse("r.toml", []byte(`
[[rules]]
id = "a"
regex = "a"
  [[rules.allowlists]]
  regexes = ["abc"]
  exceptInString = true
`))
	want := `r.toml:7: rule "a": exceptInString exempts strings of the files the allowlist's paths name: the allowlist needs paths`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}
