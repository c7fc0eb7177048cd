// Package config reads leakhound rules files (.secretsrules.toml) into a
// validated Config.
//
// A rules file is TOML:
//
//	title = "my rules"                  # optional
//	testPaths = ['''(^|/)tests?/''']   # optional: paths of tests and fixtures
//
//	[extend]                            # optional
//	useDefault = true                   # start from the embedded default rules
//	disabledRules = ["generic-password"]
//
//	[[rules]]
//	id = "acme-token"                   # unique, required
//	description = "ACME API token"
//	regex = '''acme_([a-z0-9]{32})'''   # RE2 syntax; a regex, a value or a path is required
//	secretGroup = 1                     # capture group holding the secret
//	entropy = 3.5                       # minimum Shannon entropy of the secret, bits per byte
//	keywords = ["acme_"]                # the regex runs only where one occurs (case-insensitive)
//	path = '''\.py$'''                  # only files whose path matches
//	tags = ["acme"]
//	severity = "high"                   # critical, high, medium, low or info
//	confidence = "high"                 # high, medium or low: how sure a match is a secret
//	secretDecode = "percent"            # decode the secret before fingerprinting it
//	storePath = '''(^|/)\.acmerc$'''      # the credential stores it reads (see below)
//	storeMatch = '''@[\w.-]+\.acme\.io''' # matches that log in wherever they are (see below)
//	format = "pkcs12"                   # a rule on paths alone: the file's format, checked once read
//	checksum = "github"                 # the format's checksum, weighed by triage
//
//	[[rules]]                           # a rule stated by what it finds (see assign.go):
//	id = "acme-api-key"
//	names = ["acme"]                    # the value assigned to a name holding "acme" and a
//	value = '''[a-f0-9]{32}'''          # secret word, in any syntax; without names, a token
//	secretWords = ["key", "token"]      # optional: the words the name must also hold
//	quote = "required"                  # optional: only quoted values ("none": only unquoted)
//	nameField = true                    # optional: also {"name": "acme", ..., "value": "..."}
//
//	  [[rules.allowlists]]              # matches to ignore for this rule
//	  regexes = ['''acme_0{32}''']
//
//	  [[rules.examples]]                # self-tests run by `leakhound rules test`
//	  text = '''token = "acme_..."'''
//	  secret = "acme_..."               # omit for text that must not match
//	  path = "config/app.py"            # the path the text is scanned at
//
//	[[allowlists]]                      # global allowlists, for every rule
//	paths = ['''(^|/)vendor/''']
//
//	[[pathContexts]]                    # what kind of content lives at some paths
//	context = "fixture"                 # code, test, fixture, example, docs or vendored
//	paths = ['''^qa/data/''']
//
//	[[knownSecrets]]                    # publicly known values, reported as such
//	description = "Acme SDK docs' example key"
//	published = "https://docs.acme.example/quickstart"
//	regexes = ['''acme_0f1e2d3c4b5a''']
//
//	[[allowlists]]
//	regexes = ['''(?i)^changeme$''']
//	weak = true                         # a weak value, not a non-value (see below)
//
// An allowlist ignores a match when any of its conditions holds (condition =
// "OR", the default) or when all of its non-empty conditions hold
// (condition = "AND"). Its conditions are regexes (on the secret, the whole
// match or the line, per regexTarget), paths (regexes on the file path),
// stopwords (case-insensitive substrings of the secret) and commits (commit
// ids). A global allowlist may name targetRules to apply to only those, and
// may set exceptNamed = true not to apply to vendor rules stated by names
// and a value whose format has no literal prefix (ACME_API_KEY = <32 hex>):
// such a rule finds a value only where it is assigned to the vendor's name,
// in the vendor's format, which vouches for a value that the allowlist
// would take for a stand-in elsewhere (a run typed by hand). Generic rules
// and self-identifying tokens (acme_..., found wherever they stand) are
// still judged by it.
//
// A rule's storePath matches the paths of the credential stores it reads,
// files whose purpose is to hold credentials: a .netrc, a FileZilla site
// manager, a docker config, an htpasswd file. There a weak, dictionary or
// placeholder-looking password is still a password that someone can log in
// with, so the filters meant for code and documentation do not silence it:
// a match that an allowlist marked weak = true would ignore (global or the
// rule's own), or whose secret falls below the rule's entropy floor, is
// reported all the same, with severity "low", the description "weak
// password in a credential store" and the tag "weak". Elsewhere (a README
// that shows a .netrc) such a match is ignored as usual. Allowlists without
// weak (template references such as ${VAR}, masks such as ****, paths,
// commits) ignore matches in a store as anywhere else. For a rule without a
// storePath, weak changes nothing: the allowlist ignores what it matches.
// weak judges values, so a weak allowlist needs regexes or stopwords.
// A rule's storeMatch matches the whole match of a secret that logs in
// wherever it is written: a connection URL whose host is a managed
// database's (db.abc123.eu-west-1.rds.amazonaws.com) is no placeholder
// in a tutorial, so a weak password in it is reported as in a credential
// store, in any file.
//
// An example of a rule without a regex (a rule on paths alone) names, as
// its secret, the example's path, which the rule must report; without a
// secret, the rule must not report the path.
//
// Severity says how bad a leak of the rule's secret is; confidence how
// likely a match is a real secret rather than something shaped like one
// (a provider token with a fixed prefix is high, a generic "password = ..."
// assignment medium); a rule that sets neither gets defaults from its kind
// (see package triage). A file whose path matches one of the testPaths
// regexes is a test to the triage, which lowers the severity of its
// findings (see package triage): a password in a test fixture is worth
// knowing about, but it is rarely a production credential. A rules file
// that extends the defaults adds its testPaths to theirs.
//
// PathContexts and KnownSecrets feed the triage of findings (package
// triage): the first says which paths hold tests, fixtures, examples,
// documentation or vendored code, ahead of the built-in layouts and the
// testPaths (which count as test); the second lists values published in
// documentation, whose findings are reported as "publicly known" rather
// than dropped. Their mistakes are reported with file and line as a
// rule's are.
//
// SecretDecode names how a secret is written, so that it is decoded before
// it is fingerprinted and the same secret written two ways is one finding.
// The only value is "percent": URL percent-encoding, as in a URL whose
// password is written "p%40ss": it is fingerprinted as "p@ss". The finding
// still shows the secret as written, which is what a reader can find in
// the file.
//
// A rules file may come from the repository under scan, so its size, the
// nesting of its inline tables and arrays, and the parts of its keys are
// bounded before it is decoded (see MaxFileSize, MaxNesting, MaxKeyParts).
//
// Every mistake in a file is reported, not only the first: unknown keys,
// wrong types, bad regexes and duplicate ids come back together in an
// ErrorList, each with its file, line and rule id. This package checks
// regexes with Go's RE2-syntax parser; it does not compile them for
// matching, which is the detector's business.
package config

import (
	"context"
	_ "embed"
	"fmt"
	"github.com/leakhound/leakhound/checksum"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/leakhound/leakhound"
	"github.com/leakhound/leakhound/internal/safefile"
	"github.com/leakhound/leakhound/keystore"
)

// Config is a validated rule set.
type Config struct {
	// Title is the file's title, if it has one.
	Title string
	// Rules are the rules in file order; with extend.useDefault the default
	// rules come first.
	Rules []Rule
	// Allowlists apply to every rule (or to their TargetRules).
	Allowlists []Allowlist
	// Files lists the files the rules came from, the default first when it
	// was extended.
	Files []string
	// TestPaths are regexes on file paths of tests and fixtures: findings
	// there have their severity lowered one step.
	TestPaths []string
	// PathContexts say which paths hold tests, fixtures, examples,
	// documentation or vendored code, before the built-in layouts (see
	// package triage); a rules file that extends the defaults puts its own
	// first.
	PathContexts []PathContext
	// KnownSecrets are publicly known values: a finding of one is reported
	// as publicly known (see package triage).
	KnownSecrets []KnownSecret
}

// Rule is one detector.
type Rule struct {
	ID          string
	Description string
	// Regex finds the secret; empty for a rule that matches paths only. For
	// a rule stated by Value (and Names) it is the regex built from them.
	Regex string
	// Value is the format of the secret, for a rule stated without a regex:
	// a token found wherever it stands, or, with Names, the value assigned
	// to a name that holds one of Names and one of SecretWords.
	Value string
	// Names are regexes (matched case-insensitively) for the service a
	// name must mention, for a rule stated by Value.
	Names []string
	// SecretWords are regexes for the words a name must hold besides one of
	// Names; nil means the default words (key, token, secret, password,
	// ...), empty means none. For a rule stated by a regex, they are the
	// words the regex's "name" groups must hold (see the detect package).
	SecretWords []string
	// NameWords are the words, regexes, that the names a rule's regex
	// captures in groups named "name" must hold (see the detect package),
	// as the rule's SecretWords, Names and the defaults resolve them: its
	// SecretWords, or DefaultSecretWords; for a rule stated by names alone,
	// its Names; for one stated by names and words, also the names that
	// end in a word themselves (zipcodeapi). Set when the rules are read.
	NameWords []string
	// Quote says how the value of a rule stated by names and a value is
	// quoted: QuoteAny, QuoteRequired or QuoteNone.
	Quote string
	// NameField says that a rule stated by names and a value also finds
	// its value where the name is the value of an object's name field
	// and the secret its value field's, the other fields between: the
	// cookies that browser extensions, Selenium, Playwright and HAR files
	// export ({"name": "li_at", "domain": ..., "value": "..."}), see
	// nameField.
	NameField bool
	// SecretGroup is the capture group that holds the secret. Zero means the
	// first group that matched, or the whole match if the regex has no
	// groups.
	SecretGroup int
	// Entropy is the minimum Shannon entropy of the secret in bits per byte;
	// zero disables the check.
	Entropy float64
	// Keywords are lower-case strings, one of which must occur (in any case)
	// near a match. A rule without keywords runs on all content.
	Keywords []string
	// Path restricts the rule to files whose path matches this regex.
	Path     string
	Tags     []string
	Severity string
	// Confidence is how sure a match is a secret: high, medium or low.
	Confidence string
	// SecretDecode is how the secret is encoded, decoded before it is
	// fingerprinted: "" (as written) or "percent".
	SecretDecode string
	// StorePath matches the paths of the credential stores the rule reads,
	// where a weak value it finds is reported as a weak password rather
	// than ignored (see the package documentation).
	StorePath string
	// StoreMatch matches the whole match of a secret that logs in
	// wherever it is written: a connection URL whose host is a managed
	// database's (….rds.amazonaws.com). A weak value whose match it
	// matches is reported as in a credential store (see StorePath),
	// whatever the file's path.
	StoreMatch string
	// Format is the format of the file a rule on paths alone finds, one of
	// Formats: once the file is read, one not in the format (random bytes
	// named .p12) is no finding, and one that opens with a password that
	// everyone knows says so (see package keystore).
	Format string
	// Checksum names the checksum the secret's format carries, one of
	// Checksums: triage lowers a secret whose checksum fails (a made-up
	// token) and trusts one whose checksum holds (see package triage).
	Checksum string
	// Allowlists ignore some of this rule's matches.
	Allowlists []Allowlist
	// Examples are the rule's self-tests.
	Examples []Example
	// Pos is where the rule is defined.
	Pos Pos
}

// Allowlist describes matches to ignore. See the package documentation.
type Allowlist struct {
	Description string
	// Condition is "OR" or "AND".
	Condition string
	// RegexTarget is "secret", "match" or "line".
	RegexTarget string
	Regexes     []string
	Paths       []string
	Stopwords   []string
	Commits     []string
	// TargetRules limits a global allowlist to these rule ids.
	TargetRules []string
	// ExceptNamed exempts from a global allowlist the vendor rules stated
	// by names whose value has no literal prefix (see the package
	// documentation).
	ExceptNamed bool
	// ExceptInString exempts a match that lies wholly inside a string
	// literal of the file read as Python (a one-line string, or a
	// triple-quoted one that is not documentation) from the allowlist: a
	// rule kept out of code by its paths still reads the configuration
	// files that code holds in strings (a test's .env, a script that
	// writes a my.cnf).
	ExceptInString bool
	// Weak says the values the allowlist matches are weak (placeholders,
	// dictionary words, published examples) rather than not values at all:
	// in a rule's credential stores (StorePath) they are reported as weak
	// passwords.
	Weak bool
	Pos  Pos
}

// Example is a rule self-test: Text must yield Secret, or, when Secret is
// empty, nothing.
type Example struct {
	Text   string
	Secret string
	// Path is the file path the text is scanned as; empty for any.
	Path string
	Pos  Pos
}

// Pos is a position in a rules file.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Severities returns the valid severity values, most severe first.
func Severities() []string { return []string{"critical", "high", "medium", "low", "info"} }

// Confidences returns the valid confidence values, most confident first.
func Confidences() []string { return []string{"high", "medium", "low"} }

// Formats returns the valid format values.
func Formats() []string { return keystore.Formats() }

// Checksums returns the valid checksum values.
func Checksums() []string { return checksum.Names() }

// SecretDecodings returns the valid secretDecode values.
func SecretDecodings() []string { return []string{"percent"} }

// Default returns the embedded default rules, without their examples.
//
// They are prepared ahead of time as Go source (default_rules.go, written
// by `go generate ./config` from .secretsrules.toml, and checked against it
// by TestDefaultRulesGenerated), which the toolchain lays out in the
// binary's data: decoding the TOML of a thousand rules costs far more than a
// git hook may spend, and even a gob of them some 40 ms in a fresh process.
// DefaultWithExamples reads the TOML itself.
//
// Each call returns a Config of its own, but the lists inside its rules and
// allowlists (keywords, tags, regexes...) are shared by every call's
// result: replace them, never modify them in place.
func Default() (*Config, error) {
	cfg := defaultConfig
	cfg.Rules = slices.Clone(cfg.Rules)
	cfg.Allowlists = slices.Clone(cfg.Allowlists)
	cfg.Files = slices.Clone(cfg.Files)
	cfg.TestPaths = slices.Clone(cfg.TestPaths)
	cfg.PathContexts = slices.Clone(cfg.PathContexts)
	cfg.KnownSecrets = slices.Clone(cfg.KnownSecrets)
	return &cfg, nil
}

// DefaultWithExamples returns the embedded default rules with their
// examples, for `leakhound rules test`, decoded from the TOML.
//
// Their regexes are not syntax-checked here: the tests check them
// (TestDefaultRulesAreValid), and the detector compiles each before use.
func DefaultWithExamples() (*Config, error) {
	f, err := parseFile(leakhound.DefaultRulesName, leakhound.DefaultRules(), true)
	if err != nil {
		return nil, err
	}
	return f.cfg, nil
}

//go:generate go run -tags genrules ../internal/genrules -o default_rules.go

// Load reads and validates the rules file at path, which a user named: a
// symbolic link is followed, but only to a regular file of at most
// MaxFileSize bytes (not a FIFO, nor /dev/zero).
func Load(path string) (*Config, error) {
	data, err := safefile.ReadPath(context.Background(), path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read rules file: %w", err)
	}
	return Parse(path, data)
}

// Parse validates the rules file data, named name in errors. A file that
// extends the defaults is merged with them: its rules replace default rules
// of the same id, and its allowlists add to theirs.
func Parse(name string, data []byte) (*Config, error) {
	f, err := parseFile(name, data, false)
	if err != nil {
		return nil, err
	}
	if !f.useDefault {
		if len(f.cfg.Rules) == 0 {
			return nil, ErrorList{{Pos: Pos{File: name}, Msg: "no rules: add [[rules]], or [extend] useDefault = true to build on the default rules"}}
		}
		if len(f.disabled) > 0 {
			return nil, ErrorList{{Pos: f.disabledPos, Msg: "disabledRules needs [extend] useDefault = true"}}
		}
		return f.cfg, nil
	}
	if name == leakhound.DefaultRulesName {
		return nil, ErrorList{{Pos: Pos{File: name}, Msg: "the default rules cannot extend themselves"}}
	}
	def, err := Default()
	if err != nil {
		return nil, err
	}
	return merge(def, f)
}

func merge(def *Config, f *file) (*Config, error) {
	var errs ErrorList
	known := make(map[string]bool, len(def.Rules))
	for _, r := range def.Rules {
		known[r.ID] = true
	}
	disabled := make(map[string]bool, len(f.disabled))
	for _, id := range f.disabled {
		if !known[id] {
			errs = append(errs, Error{Pos: f.disabledPos, Msg: fmt.Sprintf("disabledRules: no default rule %q", id)})
		}
		disabled[id] = true
	}
	if len(errs) > 0 {
		return nil, errs
	}
	own := make(map[string]bool, len(f.cfg.Rules))
	for _, r := range f.cfg.Rules {
		own[r.ID] = true
	}
	out := &Config{Title: f.cfg.Title, Files: append(slices.Clone(def.Files), f.cfg.Files...)}
	for _, r := range def.Rules {
		if !disabled[r.ID] && !own[r.ID] {
			out.Rules = append(out.Rules, r)
		}
	}
	out.Rules = append(out.Rules, f.cfg.Rules...)
	out.Allowlists = append(slices.Clone(def.Allowlists), f.cfg.Allowlists...)
	out.TestPaths = append(slices.Clone(def.TestPaths), f.cfg.TestPaths...)
	// A project's own path contexts override the defaults': first match wins.
	out.PathContexts = append(slices.Clone(f.cfg.PathContexts), def.PathContexts...)
	out.KnownSecrets = append(slices.Clone(def.KnownSecrets), f.cfg.KnownSecrets...)
	return out, nil
}

// Rule returns the rule with the given id, or nil.
func (c *Config) Rule(id string) *Rule {
	for i := range c.Rules {
		if c.Rules[i].ID == id {
			return &c.Rules[i]
		}
	}
	return nil
}

// checkRegex reports whether re is valid RE2 syntax that the regex engine
// compiles at a bounded cost, and how many capture groups it has. Rules
// are compiled lazily, when content first holds their keywords; this
// check, done when a rules file is read, is what lets a bad regex fail
// the load instead of a scan half-way through. Go's parser accepts the
// syntax RE2 accepts; what it does not bound is size: RE2 compiles a
// character class to UTF-8 byte ranges, once per repetition, so that
// \pL{1000} becomes a program of a million instructions that takes RE2
// ten seconds to compile and runs out of DFA memory when it matches. A
// regex whose estimated program (see re2Cost) exceeds MaxRegexCost is
// refused.
func checkRegex(re string) (groups int, err error) {
	r, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		// syntax errors read "error parsing regexp: missing closing ): `(a`".
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "error parsing regexp: ")
		return 0, fmt.Errorf("%s", msg)
	}
	if cost := re2Cost(r.Simplify()); cost > MaxRegexCost {
		return 0, fmt.Errorf("too large for the regex engine (about %d instructions compiled, at most %d): repeat smaller pieces, or a narrower character class", cost, MaxRegexCost)
	}
	return r.MaxCap(), nil
}

// MaxRegexCost bounds the estimated size of a rule's compiled regex (see
// checkRegex): some seven times the largest of the built-in rules.
const MaxRegexCost = 100_000

// re2Cost estimates the number of instructions RE2 compiles re to: a
// character class costs a byte range per UTF-8 length of each of its
// ranges, a literal its bytes, a counted repetition its body times the
// count. It saturates instead of overflowing.
func re2Cost(re *syntax.Regexp) int {
	const huge = 1 << 40
	sat := func(n int) int { return min(n, huge) }
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			n += utf8.RuneLen(max(r, 0))
		}
		if re.Flags&syntax.FoldCase != 0 {
			n *= 2
		}
		return max(n, 1)
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			// A range spanning several UTF-8 lengths splits at each.
			n += utf8.RuneLen(max(re.Rune[i+1], 0)) - utf8.RuneLen(max(re.Rune[i], 0)) + utf8.RuneLen(max(re.Rune[i+1], 0))
		}
		return max(n, 1)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 10
	case syntax.OpConcat, syntax.OpAlternate:
		n := len(re.Sub)
		for _, s := range re.Sub {
			n = sat(n + re2Cost(s))
		}
		return n
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		return sat(re2Cost(re.Sub[0]) + 1)
	case syntax.OpRepeat:
		count := max(re.Min, re.Max, 1)
		return sat(re2Cost(re.Sub[0])*count + count)
	case syntax.OpCapture:
		return sat(re2Cost(re.Sub[0]) + 2)
	}
	return 1
}

// decodeTOML is toml.Decode into a generic map.
func decodeTOML(data []byte) (map[string]any, error) {
	var m map[string]any
	_, err := toml.Decode(string(data), &m)
	return m, err
}

// WithoutExamples returns a copy of cfg whose rules have no examples.
func WithoutExamples(cfg *Config) *Config {
	out := *cfg
	out.Rules = slices.Clone(cfg.Rules)
	for i := range out.Rules {
		out.Rules[i].Examples = nil
	}
	return &out
}
