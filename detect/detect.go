// Package detect finds secrets in content with a rule set.
//
// A Detector compiles the rules of a config.Config: each rule's regex is
// compiled with RE2 (github.com/wasilibs/go-re2), which runs in linear time
// whatever the pattern, so a user's rule cannot hang a scan. A keyword
// prefilter, one case-insensitive Aho-Corasick pass over the content for the
// keywords of every rule (see kwDFA), decides which regexes run at all, and each runs
// only on a window of lines around its keywords' occurrences.
//
// Detection works in two steps, because the same content can occur at many
// paths and commits: Detect scans a Fragment's content once and returns
// Matches, which depend on content only; Finding then turns a Match into a
// leak.Finding for one Source, applying what depends on the path or commit
// (a rule's path, path and commit allowlists).
//
// Content is decoded before it is scanned: whatever the encoding of the
// file (UTF-8 with or without a byte order mark, UTF-16, Latin-1) and its
// line ends (LF, CRLF, CR), the rules see UTF-8 text with "\n" line ends
// (see textenc), so no rule has to allow for a "\r" before a line's end,
// and matches are placed at the lines and columns of that text.
//
// Detect also decodes: base64, base64url, hex and percent-encoded tokens in
// the lines it scans are decoded when they decode to text, and the lines are
// scanned again with the decoded text in place (see decodeRegions), so that
// a Kubernetes Secret or a docker config reveals what it holds; strings
// with backslash escapes (JSON, notebooks, JavaScript) are unescaped the
// same way, and their matches placed where they are written. A table's
// cell is scanned as assigned to its column's header (a CSV file's first
// line, a Markdown or Confluence table's header row; see tableRows), and
// its matches placed at the cell.
//
// A rule whose regex names "name" or "vendor" groups (every rule stated by
// names and a value does) has the names it matched judged by their parts,
// once, here (see nameCheck): GIT_AUTHOR_EMAIL is not an auth name,
// PASSWORD_FILE not a password's, MACME_KEY not acme's. Finding reports a
// weak
// value (one a weak allowlist matches, or below its rule's entropy floor)
// of a rule with a storePath as a low "weak password in a credential store"
// in the files at that path, and drops it elsewhere (see config); and
// fingerprints a secret decoded per its rule's secretDecode.
//
// The package knows rules and entropy; it knows nothing of git or of output.
package detect

import (
	"bytes"
	"fmt"
	"math"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	re2 "github.com/wasilibs/go-re2"

	"github.com/leakhound/leakhound/internal/resyntax"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/keystore"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/textenc"
)

// Options tune a Detector.
type Options struct {
	// Lazy compiles each rule's regex the first time its keywords occur,
	// instead of all of them in New. A short scan (a hook) then pays only for
	// the rules it needs. Errors in a regex then surface from Detect.
	Lazy bool
	// IgnoreInlineAllows reports matches on lines that carry an inline allow
	// comment (leakhound:allow, gitleaks:allow, pragma: allowlist secret).
	IgnoreInlineAllows bool
	// Lines, if set, skips lines that earlier Detect calls scanned already
	// (see LineSet). Use it when scanning many versions of the same files.
	Lines *LineSet
	// MaxMatchesPerRule caps the matches of one rule in one fragment; a rule
	// that matches everywhere is cut off there and the fragment reported as
	// capped. Zero means 1000.
	MaxMatchesPerRule int
	// Everywhere, if set, picks the rules for which the global allowlists
	// that ignore files by their path alone (dependencies, lockfiles,
	// minified assets, rules files) are lifted: their matches are reported
	// wherever they are, while other rules still skip those files. Meant
	// for tokens of a fixed, documented format (a vendor prefix, a
	// checksum) in a scan of commits under review, whose paths the author
	// chose. It is called at most once per rule, when a match or content
	// on such a path first asks, from any goroutine that calls Detect.
	Everywhere func(*config.Rule) bool
	// InMessages, if set, picks the rules that run on commit and tag
	// messages (fragments whose sources are all of a leak.Source.Kind):
	// prose, where rules that judge a value by the words around it find
	// what a message says about secrets ("fix the password reset token")
	// rather than secrets. The same rules run on binary content, read as
	// the strings in it: a name and its value are strings of their own
	// there, so rules that judge a value by its name or the words around
	// it have nothing sound to judge. Nil runs every rule there. It is
	// called at most once per rule, when a message or binary content
	// first asks.
	InMessages func(*config.Rule) bool
	// Short says the scan reads little content (a hook, a few commits):
	// the keyword prefilter is then a table of the keywords' first bytes
	// (see prefixTable), built in under a millisecond, instead of the
	// Aho-Corasick DFA (see kwDFA), which takes some 5 ms of CPU to build
	// and is ten times faster per byte. Both find the same keywords.
	Short bool
}

// Detector finds secrets. It is safe for concurrent use.
type Detector struct {
	*compiled
	// lines is Options.Lines (see WithLines).
	lines *LineSet
}

// compiled is what Detectors that differ only in their LineSet share: the
// rules, compiled (lazily, once for all of them), and the prefilter.
type compiled struct {
	opts     Options
	rules    []*rule
	byID     map[string]*rule
	keywords *kwDFA
	// keys judges the content of files whose format a rule on paths alone
	// names, within a budget that the scan's detectors share.
	keys *keystore.Checker
	// table is the prefilter of a Short detector (or of one whose keywords
	// would make too large a DFA), in place of keywords.
	table *prefixTable
	// keywordsReady is closed once keywords or table is built.
	keywordsReady chan struct{}
	// kwRules maps a keyword's index in the automaton to the rules it
	// triggers.
	kwRules [][]int
	// itemOnly marks, by rule index, the rules whose keywords count only
	// where they begin an item of a list (see serviceRule): a slice of
	// its own, so that the keyword loop does not load each rule to ask.
	itemOnly []bool
	// always are the rules with a regex and no keywords: they run on all
	// content.
	always []int
	// pathOnly are the rules without a regex.
	pathOnly []int
	global   []*allowlist
	// lazyErrs holds the first error of an allowlist a lazy Detector
	// compiled on first use (see allowlist.load).
	lazyErrs lazyErrors
	// skipPaths are the global allowlists whose path alone ignores a file.
	skipPaths []*allowlist
	// testPaths matches the paths of tests and fixtures, where findings
	// are one severity lower.
	testPaths *re2.Regexp
	// anyPathOnly matches the paths that some path-only rule matches.
	anyPathOnly *re2.Regexp
	// anyAlwaysPath matches the paths that some rule of always with a path
	// matches (a credential file's lines read by content, without
	// keywords): a fragment at none of them costs one call for all.
	anyAlwaysPath *re2.Regexp
	// paths compiled the path regexes, and remembers their answers.
	paths *patterns

	// prefixes are the literal prefixes of vendor formats (see
	// vendorPrefixes) and formats the vendor formats of one length with a
	// distinctive literal prefix (see vendorFormats), both built once on
	// first use (see vendorShapes).
	shapeOnce sync.Once
	prefixes  []string
	formats   []vendorFormat
	// starts says, by a rule's index, how the rule's secrets begin (see
	// outranks), built with them.
	starts []startKind
	// near holds the formats near misses are judged against (see
	// nearFormats), built once on first use.
	nearOnce sync.Once
	near     *nearIndex
}

type rule struct {
	config.Rule
	index int
	// generic is set for rules tagged generic: they match by context (a
	// name that says password), not by a secret's own format.
	generic bool
	// rank orders rules when matches overlap (see dedupe): lower is more
	// specific. It is set once, in New. weakRank is the rank of the rule's
	// weak values (see Match.weak).
	rank, weakRank int

	once sync.Once
	re   *re2.Regexp
	err  error
	// bounds are the counted repeats re runs unbounded (see relaxBounds);
	// exact is the regex as written, compiled on first use by
	// exactRegexp for a window where a match exceeds one of them.
	bounds    []relaxedBound
	exactOnce sync.Once
	exact     *re2.Regexp
	// value is the rule's Value alone (followed by a closing quote for a
	// quoted one: config.ValueCheck), for a rule stated by names and a
	// value whose format is narrow (see narrowValue); nil otherwise. Its
	// regex holds the value as written, so a window the value does not
	// occur in holds no match: scanRegions skips it without the costly
	// regex, which it compiles only once the value occurs. valueOnce
	// compiles it.
	valueOnce sync.Once
	value     *re2.Regexp
	// secretGroup is the capture group holding the secret: the rule's
	// SecretGroup, or else its regex's group named "secret", or else 0
	// (the first group that matched, a name group excepted).
	secretGroup int
	// secretGroups are the groups named "secret", "secret2"...: the one
	// that took part in a match holds its secret.
	secretGroups []int
	// names judges the names a value is assigned to, for a regex with name
	// or vendor groups (see nameCheck); nil otherwise.
	names *nameCheck
	// mention is the group that holds a value found by mention rather than
	// assigned (see config.MentionGroup), or 0.
	mention int
	// pack are the names of the pack's services (see serviceNames), for
	// every generic rule: one whose regex names the service's name alone
	// (see serviceRule) takes a value after one of them, and every one
	// reads a service's name run together with a key as the name of a
	// secret (see nameCheck.serviceKey); nil for the others.
	pack map[string]bool

	// path and store are the rule's path regex (Path) and the paths of
	// the credential stores it reads (StorePath), storeMatch the matches
	// that are stores themselves (StoreMatch), compiled with
	// pathPatterns: at New, or in a lazy Detector when a fragment first
	// asks (a hook's few files ask few rules); an error of that goes to
	// errs.
	path, store, storeMatch lazyPath
	pathPatterns            *patterns
	errs                    *lazyErrors
	allow                   []*allowlist
	// everywhere: global allowlists on paths do not apply (see
	// Options.Everywhere), decided once, when first needed (Everywhere may
	// cost a regex compile per rule: not at start-up).
	everywhereOnce sync.Once
	everywhere     bool
	// inMessages: the rule runs on messages (see Options.InMessages),
	// decided once, when first needed.
	inMessagesOnce sync.Once
	inMessages     bool
	// pathAllow is set when an allowlist can ignore the rule's matches by
	// path alone (see Detector.active).
	pathAllow bool
	// inStrings is set when an allowlist that ignores the rule's matches
	// by path alone exempts those inside string literals (see
	// Detector.activeInStrings).
	inStrings bool
	// named caches namedFormat, decided when a match first needs it.
	namedOnce sync.Once
	named     bool
	// formatOnce decides alphabet, classDigits and exactLen (see
	// valueFormat) when a value first falls under the rule's floor.
	formatOnce  sync.Once
	alphabet    int
	classDigits int
	exactLen    int
}

// spacedKeywords returns r's keywords and, for a vendor rule stated by
// names, each keyword that joins one of its names to a word with "_"
// (nimble_key) also written with a space (nimble key): prose, headers and
// documentation name a vendor's key that way ("Nimble API key: ..."),
// which the rule's regex takes (the service's name, then the secret word
// on the same line). The names are the vendor's, of four letters or more:
// a generic rule's words (api_key) or a short name (dd_api, in "add api")
// would make the prefilter run on every such phrase in prose.
func spacedKeywords(r *rule) []string {
	if len(r.Names) == 0 || r.generic {
		return r.Keywords
	}
	out := r.Keywords
	for _, kw := range r.Keywords {
		name, word, ok := strings.Cut(kw, "_")
		if !ok || len(name) < 4 || word == "" || strings.ContainsAny(word, "_ ") || !slices.ContainsFunc(r.Names, func(n string) bool { return strings.EqualFold(n, name) }) {
			continue
		}
		out = append(slices.Clip(out), name+" "+word)
	}
	return out
}

// namedFormat reports whether r is a vendor rule stated by names and a
// value whose format has no literal prefix: it finds a value only where it
// is assigned to the vendor's name (see config.Allowlist.ExceptNamed).
// Parsing the value costs, so it is decided on first use, not in New.
func (r *rule) namedFormat() bool {
	r.namedOnce.Do(func() {
		if len(r.Names) == 0 || r.generic || r.Value == "" {
			return
		}
		re, err := syntax.Parse(r.Value, syntax.Perl)
		r.named = err == nil && len(literalStarts(re.Simplify(), 0)) == 0
	})
	return r.named
}

// minGenericRandomLen is the shortest value of a generic rule that a
// short value's lower entropy floor (entropy.RandomFloor) applies to: a
// value of 8 to 11 characters under a bare secret word is as often a weak
// password or a word with digits (hello123) as a random token, and a
// generic rule has no vendor's format to tell them apart.
const minGenericRandomLen = 12

// drawnMix reports whether a value of 8 to 11 characters, too short for
// minGenericRandomLen, still reads as drawn at random rather than typed:
// it holds capitals, small letters and digits, and may hold ASCII
// punctuation, which a password manager draws too (nCzx8A8#!); its
// characters change class (capital, small letter, digit, punctuation)
// four times or more (n84ASM54y4, kR7mQ2xW), where a word with digits
// changes twice (Summer2024, Admin123); and it holds no word's run (see
// wordRun), as it is written or read as leetspeak (P@ssw0rd!, ch@ngeMe1
// hold one). Such a value under a secret word is held to the floor
// random values of its length reach, as a longer one is: a short
// password generated by a password manager repeats a character or two,
// which a floor set for long values counts against it.
func drawnMix(s []byte) bool {
	if len(s) < 8 || len(s) >= minGenericRandomLen {
		return false
	}
	var seen [5]bool
	changes, prev := 0, -1
	for _, c := range s {
		k := letterClass(c)
		if k == 0 {
			if c <= ' ' || c >= 0x7f {
				return false
			}
			k = len(seen) - 1 // punctuation
		}
		seen[k] = true
		if prev >= 0 && k != prev {
			changes++
		}
		prev = k
	}
	if !seen[smallLetter] || !seen[capitalLetter] || !seen[digitChar] || changes < 4 || wordRun(s) {
		return false
	}
	var plain [minGenericRandomLen]byte
	for i, c := range s {
		plain[i] = c
		if j := strings.IndexByte(leetChars, c); j >= 0 {
			plain[i] = leetLetters[j]
		}
	}
	return !wordRun(plain[:len(s)])
}

// leetChars are the characters leetspeak writes for the small letters of
// leetLetters, at the same index (P@ssw0rd, S3cr3t!, ch@ngeMe). Only the
// commonest: with 1, 4, 5 and 7 too, one drawn value in a few reads as
// holding a word (n84ASM54y4 as "naaASMsaya").
const leetChars, leetLetters = "@$!03", "asioe"

// wordRun reports whether s holds a word's run of small letters: four of
// them, or three after a capital (Base64Key, md5Hash1) or three that
// begin it (utf8Encode), as an identifier or a word does.
func wordRun(s []byte) bool {
	small := 0
	for i, c := range s {
		if letterClass(c) != smallLetter {
			small = 0
			continue
		}
		if small++; small >= 4 || small == 3 && (i == 2 || letterClass(s[i-3]) == capitalLetter) {
			return true
		}
	}
	return false
}

// valueFormat decides, once, what r's value format states when it is one
// run of one character class ([A-Za-z0-9_-]{32}, [a-f0-9]{20,40}): the
// number of characters the class holds (alphabet), how many of them are
// digits (classDigits), and the run's one fixed length, if it has one
// (exactLen). All stay 0 for a generic rule, or a format with a prefix or
// of several parts. Parsing the value costs, so it is decided on first
// use.
func (r *rule) valueFormat() {
	r.formatOnce.Do(func() {
		if r.generic || r.Value == "" {
			return
		}
		re, err := syntax.Parse(r.Value, syntax.Perl)
		if err != nil {
			return
		}
		exact := 0
		if re.Op == syntax.OpRepeat && re.Min == re.Max && re.Sub[0].Op == syntax.OpCharClass {
			exact = re.Min
		}
		for re.Op == syntax.OpRepeat || re.Op == syntax.OpPlus || re.Op == syntax.OpStar {
			re = re.Sub[0]
		}
		if re.Op != syntax.OpCharClass {
			return
		}
		r.alphabet, r.exactLen = resyntax.ClassSize(re), exact
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if lo, hi := max(re.Rune[i], '0'), min(re.Rune[i+1], '9'); lo <= hi {
				r.classDigits += int(hi-lo) + 1
			}
		}
	})
}

// digitsFloor returns the entropy floor for a value of digits alone of
// length n, for a vendor rule stated by names and a value of one exact
// length drawn from one alphabet that holds the digits and more
// ([A-Za-z0-9_-]{32}): the rule's floor scaled from that alphabet to the
// digits' (log2 10 of log2 64 bits per byte), since a value of digits
// alone cannot reach a floor set for the larger alphabet however random
// it is. The vendor's name and the format's exact length say what the
// value is; a sequence or a run of one digit still falls under the scaled
// floor. Any other rule, or a value of another length, keeps the rule's
// floor.
func (r *rule) digitsFloor(n int) float64 {
	r.valueFormat()
	if len(r.Names) == 0 || n == 0 || n != r.exactLen || r.classDigits != 10 || r.alphabet <= 10 {
		return r.Entropy
	}
	return r.Entropy * math.Log2(10) / math.Log2(float64(r.alphabet))
}

// formatAlphabet returns the number of characters the alphabet of r's
// value format holds, when the format is one run of one character class,
// or 0 (see valueFormat).
func (r *rule) formatAlphabet() int {
	r.valueFormat()
	return r.alphabet
}

// New compiles cfg. Errors name the rules file, line and rule.
//
// The keyword automaton of a large rule set takes a while to build (some
// 5 ms for the default pack; see Options.Short for a prefilter that does
// not): New starts building it in a goroutine of its
// own and returns at once, so that the caller gets on with other work
// (walking history) meanwhile; the first Detect waits for it. That
// goroutine ends when the automaton is built; it holds nothing else.
func New(cfg *config.Config, opts Options) (*Detector, error) {
	if opts.MaxMatchesPerRule == 0 {
		opts.MaxMatchesPerRule = 1000
	}
	d := &Detector{compiled: &compiled{opts: opts, byID: make(map[string]*rule, len(cfg.Rules)), rules: make([]*rule, 0, len(cfg.Rules)), keys: keystore.NewChecker(keystore.DefaultBudget)}, lines: opts.Lines}
	d.opts.Lines = nil // each Detector's own: see lines
	pc := newPatterns()
	d.paths = pc
	var errs config.ErrorList
	fail := func(pos config.Pos, id string, err error) {
		errs = append(errs, config.Error{Pos: pos, Rule: id, Msg: err.Error()})
	}
	// Sized for the default pack's two or three keywords a rule, to spare
	// a hook the growing.
	kwIndex := make(map[string]int, 3*len(cfg.Rules))
	kws := make([]string, 0, 3*len(cfg.Rules))
	d.kwRules = make([][]int, 0, 3*len(cfg.Rules))
	slab := make([]rule, len(cfg.Rules)) // one allocation, not a thousand
	var services map[string]bool
	var serviceKeywords []string
	for i := range cfg.Rules {
		r := &slab[i]
		r.Rule, r.index, r.generic = cfg.Rules[i], i, slices.Contains(cfg.Rules[i].Tags, "generic")
		if r.generic {
			if services == nil {
				services, serviceKeywords = serviceNames(cfg.Rules)
			}
			r.pack = services
			if serviceRule(&r.Rule) {
				if len(r.Keywords) == 0 {
					r.Keywords = serviceKeywords
				}
				if d.itemOnly == nil {
					d.itemOnly = make([]bool, len(cfg.Rules))
				}
				d.itemOnly[i] = true
			}
		}
		r.rank = rankOf(r, r.Severity)
		r.weakRank = rankOf(r, weakSeverity(r.Severity))
		d.rules = append(d.rules, r)
		d.byID[r.ID] = r
		if r.Path != "" || r.readsStores() {
			r.pathPatterns = pc
			if !opts.Lazy {
				if r.pathRegexp(); r.path.err != nil {
					fail(r.Pos, r.ID, r.path.err)
				}
				if r.storeRegexp(); r.store.err != nil {
					fail(r.Pos, r.ID, r.store.err)
				}
				if r.storeMatchRegexp(); r.storeMatch.err != nil {
					fail(r.Pos, r.ID, r.storeMatch.err)
				}
			} else {
				r.errs = &d.lazyErrs
			}
		}
		for _, a := range r.Allowlists {
			al, err := d.allowlist(a, pc, r.ID)
			if err != nil {
				fail(a.Pos, r.ID, err)
				continue
			}
			r.allow = append(r.allow, al)
			r.pathAllow = r.pathAllow || al.byPath()
			r.inStrings = r.inStrings || al.byPath() && al.exceptInString
		}
		switch {
		case r.Regex == "":
			d.pathOnly = append(d.pathOnly, i)
			continue
		case len(r.Keywords) == 0:
			d.always = append(d.always, i)
		}
		r.Keywords = spacedKeywords(r) // Explain and keywordIn see them too
		for _, kw := range r.Keywords {
			k, ok := kwIndex[kw]
			if !ok {
				k = len(kws)
				kwIndex[kw] = k
				kws = append(kws, kw)
				d.kwRules = append(d.kwRules, nil)
			}
			d.kwRules[k] = appendUnique(d.kwRules[k], i)
		}
		if !opts.Lazy {
			if err := r.compile(); err != nil {
				fail(r.Pos, r.ID, err)
			}
		}
	}
	for _, a := range cfg.Allowlists {
		al, err := d.allowlist(a, pc, "")
		if err != nil {
			fail(a.Pos, "", err)
			continue
		}
		d.global = append(d.global, al)
		if len(al.rules) > 0 && al.byPath() {
			for id := range al.rules {
				if r := d.byID[id]; r != nil {
					r.pathAllow = true
					r.inStrings = r.inStrings || al.exceptInString
				}
			}
		}
		if !al.and && len(al.pathSrc) > 0 && len(al.rules) == 0 && !al.weak && !al.exceptInString {
			al.skipsFiles = true
			d.skipPaths = append(d.skipPaths, al)
		}
	}
	if len(cfg.TestPaths) > 0 {
		re, err := pc.compile(anyOf(cfg.TestPaths))
		if err != nil {
			fail(config.Pos{File: cfg.Files[len(cfg.Files)-1]}, "", fmt.Errorf("bad regex in testPaths: %w", err))
		}
		d.testPaths = re
	}
	var pathOnly []string
	for _, i := range d.pathOnly {
		pathOnly = append(pathOnly, d.rules[i].Path)
	}
	if len(pathOnly) > 1 {
		// One regex for all path-only rules, so that the common path that
		// none of them wants costs one call.
		if re, err := pc.compile(anyOf(pathOnly)); err == nil {
			d.anyPathOnly = re
		}
	}
	var alwaysPaths []string
	for _, i := range d.always {
		if p := d.rules[i].Path; p != "" {
			alwaysPaths = append(alwaysPaths, p)
		}
	}
	if len(alwaysPaths) > 1 {
		if re, err := pc.compile(anyOf(alwaysPaths)); err == nil {
			d.anyAlwaysPath = re
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	d.keywordsReady = make(chan struct{})
	if opts.Short {
		d.table = newPrefixTable(kws)
		close(d.keywordsReady)
		return d, nil
	}
	// The keyword automaton takes a while to build for a large rule set;
	// build it while the caller gets on with other work (walking the
	// history), and wait for it on first use.
	go func() {
		if d.keywords = newKwDFA(kws); d.keywords == nil {
			d.table = newPrefixTable(kws)
		}
		close(d.keywordsReady)
	}()
	return d, nil
}

// allowlist returns a as compiled with pc: at once, or in a lazy Detector
// on first use (see allowlist.load), since a hook needs the allowlists of
// few rules, or none when no match gets as far as them, and compiling
// those of a thousand rules and the global ones costs it more than the
// rules' regexes. ruleID names the rule a belongs to ("" for a global
// allowlist).
func (d *Detector) allowlist(a config.Allowlist, pc *patterns, ruleID string) (*allowlist, error) {
	if !d.opts.Lazy {
		return compileAllowlist(a, pc)
	}
	return newAllowlist(a, pc, &d.lazyErrs, ruleID), nil
}

func appendUnique(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func (r *rule) compile() error {
	r.once.Do(func() {
		expr, bounds := relaxBounds(r.Regex)
		re, err := re2.Compile(expr)
		if err != nil {
			r.err = fmt.Errorf("bad regex: %w", err)
			return
		}
		r.bounds = bounds
		if len(bounds) == 0 {
			r.exactOnce.Do(func() { r.exact = re })
		}
		r.secretGroup = r.SecretGroup
		if r.secretGroup == 0 {
			for i, g := range re.SubexpNames() {
				if groupIs(g, "secret") {
					r.secretGroups = append(r.secretGroups, i)
				}
				if g == config.MentionGroup {
					r.mention = i
				}
			}
			if len(r.secretGroups) > 0 {
				r.secretGroup = r.secretGroups[0]
			}
		}
		if r.names, err = newNameCheck(&r.Rule, re.SubexpNames()); err != nil {
			r.err = fmt.Errorf("bad names or secretWords: %w", err)
			return
		}
		if r.names != nil {
			r.names.pack = r.pack
		}
		r.re = re
	})
	return r.err
}

// lazyPath is a rule's regex over paths, compiled once, when first asked
// (see rule.path).
type lazyPath struct {
	once sync.Once
	re   *re2.Regexp
	err  error
}

// get compiles src for rule r, once, and returns it: nil for an empty
// src, or one that does not compile (err says why, naming the rule's key
// what; in a lazy Detector, Detect returns it).
func (l *lazyPath) get(r *rule, src, what string) *re2.Regexp {
	l.once.Do(func() {
		if src == "" {
			return
		}
		re, err := r.pathPatterns.compile(src)
		if err != nil {
			l.err = fmt.Errorf("bad %s regex: %w", what, err)
			r.errs.add(config.Error{Pos: r.Pos, Rule: r.ID, Msg: l.err.Error()})
			return
		}
		l.re = re
	})
	return l.re
}

// pathRegexp returns the rule's path regex (see lazyPath.get).
func (r *rule) pathRegexp() *re2.Regexp { return r.path.get(r, r.Path, "path") }

// storeRegexp returns the rule's storePath regex (see lazyPath.get).
func (r *rule) storeRegexp() *re2.Regexp { return r.store.get(r, r.StorePath, "storePath") }

// storeMatchRegexp returns the rule's storeMatch regex (see
// lazyPath.get).
func (r *rule) storeMatchRegexp() *re2.Regexp {
	return r.storeMatch.get(r, r.StoreMatch, "storeMatch")
}

// readsStores reports whether the rule reads credential stores
// (StorePath, StoreMatch): a weak value is then a finding there, reported
// low.
func (r *rule) readsStores() bool { return r.StorePath != "" || r.StoreMatch != "" }

// inStore reports whether m, a match of r, lies in one of r's credential
// stores: a file at path that StorePath matches, or a match that
// StoreMatch matches, wherever it is (as written, or for a match in
// decoded text as the rule found it there).
func (r *rule) inStore(m *Match, path string) bool {
	if re := r.storeRegexp(); re != nil && r.pathPatterns.matchPath(re, path) {
		return true
	}
	re := r.storeMatchRegexp()
	return re != nil && (re.MatchString(m.Text) || m.inner != "" && re.MatchString(m.inner))
}

// matchPath reports whether the rule's path regex matches path; one that
// does not compile matches none.
func (r *rule) matchPath(path string) bool {
	re := r.pathRegexp()
	return re != nil && r.pathPatterns.matchPath(re, path)
}

// exactRegexp returns the rule's regex as written (see relaxBounds), once
// compile has succeeded: r.re unless it runs a repeat unbounded. The regex
// as written compiles if its relaxed form does (relaxBounds keeps counts
// RE2 would refuse); should it not, the relaxed one is returned.
func (r *rule) exactRegexp() *re2.Regexp {
	r.exactOnce.Do(func() {
		re, err := re2.Compile(r.Regex)
		if err != nil {
			re = r.re
		}
		r.exact = re
	})
	return r.exact
}

// valueRegexp returns r.value, compiled on first use: nil for a rule
// without a narrow value (or one RE2 cannot compile: compile reports it).
func (r *rule) valueRegexp() *re2.Regexp {
	r.valueOnce.Do(func() {
		if len(r.Names) > 0 && narrowValue(r.Value) {
			r.value, _ = re2.Compile(config.ValueCheck(r.Value, r.Quote))
		}
	})
	return r.value
}

// Rules returns the number of rules.
func (d *Detector) Rules() int { return len(d.rules) }

// Rule returns the rule with the given id, or nil.
func (d *Detector) Rule(id string) *config.Rule {
	if r := d.byID[id]; r != nil {
		return &r.Rule
	}
	return nil
}

// SkipPath reports whether a global allowlist ignores every match in the
// file at path, so that content found only there need not be scanned.
func (d *Detector) SkipPath(path string) bool {
	for _, a := range d.skipPaths {
		if a.matchPath(path) {
			return true
		}
	}
	return false
}

// pathMemo remembers whether path regexes (a rule's path, an allowlist's
// paths, the regex of all path-only rules) match a path, for up to
// maxPathMemo answers: a history's fragments come back to the same few
// thousand paths, and each answer costs a call into the regex engine. It
// is safe for concurrent use.
type pathMemo struct {
	mu sync.RWMutex
	m  map[pathQuestion]bool
}

// pathQuestion is a question a pathMemo remembers the answer to: whether
// re matches path.
type pathQuestion struct {
	re   *re2.Regexp
	path string
}

// answer returns whether re matches path: the answer remembered, or else
// re's, which it remembers while the memo holds fewer than maxPathMemo
// answers.
func (p *pathMemo) answer(re *re2.Regexp, path string) bool {
	q := pathQuestion{re, path}
	p.mu.RLock()
	v, ok := p.m[q]
	p.mu.RUnlock()
	if ok {
		return v
	}
	v = re.MatchString(path)
	p.mu.Lock()
	if p.m == nil {
		p.m = make(map[pathQuestion]bool)
	}
	if len(p.m) < maxPathMemo {
		p.m[q] = v
	}
	p.mu.Unlock()
	return v
}

// maxPathMemo bounds the answers a pathMemo remembers (17 MB at most
// with 40-byte paths, the paths included): beyond, a long-lived Detector (an
// organisation's scan) asks the regexes again.
const maxPathMemo = 1 << 17

// Match is a rule's match in content, before it is placed at a Source.
type Match struct {
	rule *rule
	// Secret is the secret the rule extracted; Text the whole match.
	Secret, Text string
	// Start and End are the byte offsets of the secret in the content as
	// decoded (see textenc.Normalize): the fragment's content itself when
	// it is UTF-8 text with "\n" line ends.
	Start, End int
	// Line and Column (1-based) locate the start of the secret; EndLine and
	// EndColumn its last byte. Lines are counted as editors count them: a
	// CRLF or a lone CR ends a line as an LF does. A column counts bytes of
	// the line's text in UTF-8 (a byte order mark not included): the byte
	// column in a UTF-8 file, and the column the line would have saved as
	// UTF-8 in a UTF-16 or Latin-1 file, so that the same text gives the
	// same positions whichever way it was saved.
	Line, Column, EndLine, EndColumn int
	Entropy                          float64
	// Decoded names the encodings the secret was found under, if any.
	Decoded string
	// alone is set when the secret is assigned to the service's name
	// alone (see config.AloneGroup): no global allowlist exempts it as a
	// vendor's named format (see config.Allowlist.ExceptNamed).
	alone bool
	// token is set when the match is placed at the whole encoded token
	// that holds it (base64, hex, percent), not at the secret itself.
	token bool
	// inner is, for a match in decoded text, the whole match as the rule
	// found it there (Text is then the encoded token): the rule's
	// StoreMatch reads it too, so that a credential store decoded from
	// another (a docker config in a Kubernetes Secret) is one.
	inner string
	// lineText is the text of the secret's first line, for "line" allowlists.
	lineText string
	// docstring is set when the secret lies in a documentation string of
	// code (see markDocstrings).
	docstring bool
	// inString is set, for a rule with an allowlist that exempts strings
	// (allowlist.exceptInString), when the match lies wholly inside a
	// string literal (see stringSpans).
	inString bool
	// span is where the whole match lies in the content: the LineSet must
	// scan all of its lines again wherever they recur, not only the
	// secret's (a key file's header lines, say).
	span [2]int
	// weak is set for a match of a rule with a storePath whose value an
	// allowlist marked weak = true matches, or whose entropy is below the
	// rule's floor: Finding reports it as a weak password in the rule's
	// credential stores and ignores it elsewhere.
	weak bool
}

// weakDescription is the description of a finding of a weak password.
const weakDescription = "weak password in a credential store"

// weakSeverity is the severity of a weak value of a rule of severity sev:
// low, or sev if that is lower still.
func weakSeverity(sev string) string {
	if slices.Index(config.Severities(), sev) > slices.Index(config.Severities(), "low") {
		return sev
	}
	return "low"
}

// strongerSeverity is the severity one step above sev, or sev when it is
// the highest.
func strongerSeverity(sev string) string {
	sevs := config.Severities() // most severe first
	if i := slices.Index(sevs, sev); i > 0 {
		return sevs[i-1]
	}
	return sev
}

// RuleID returns the id of the rule that matched.
func (m *Match) RuleID() string { return m.rule.ID }

// plainSecret is the secret as allowlists judge it and as it is
// fingerprinted: decoded per its rule's secretDecode (a URL's password
// percent-decoded: %7BENCODED_PASSWORD%7D is the placeholder
// {ENCODED_PASSWORD}, %25%21%2A%28%29 punctuation).
func (m *Match) plainSecret() string { return decodeSecret(m.rule.SecretDecode, m.Secret) }

// Written returns the secret as it is written in the content: the secret
// itself, or for a decoded secret the encoded text that holds it. To tell
// whether other content holds the same secret, look for this.
func (m *Match) Written() string {
	if m.Decoded != "" {
		return m.Text
	}
	return m.Secret
}

// WithLines returns a Detector that shares d's rules, compiled once for
// both (a lazy Detector compiles a rule the first time either needs it),
// and skips the lines ls has seen (see Options.Lines; nil: none): scans of
// several repositories under the same rules each have their own LineSet,
// and build the keyword automaton and compile the rules once.
func (d *Detector) WithLines(ls *LineSet) *Detector {
	return &Detector{compiled: d.compiled, lines: ls}
}

// Span returns where the whole match (Text, before Finding trims it) lies
// in the content as decoded (see Start and End): in the fragment's content
// itself when it is UTF-8 text with "\n" line ends and the secret was
// found as written.
func (m *Match) Span() (start, end int) { return m.span[0], m.span[1] }

// WrittenIn reports whether content, another version of the file m was
// found in, holds m's secret as written (see Written), whichever way each
// version was saved: in UTF-16, with CRLF line ends, with a byte order
// mark. Use it to tell whether an earlier version held the secret already.
func (m *Match) WrittenIn(content []byte) bool {
	return textenc.Contains(content, []byte(m.Written()))
}

// Finding returns the Finding for m at src, and false if a rule path or an
// allowlist excludes src.
func (d *Detector) Finding(m *Match, blobID string, src leak.Source) (leak.Finding, bool) {
	commit := ""
	if src.Commit != nil {
		commit = src.Commit.Hash
	}
	weak, ok := d.sourceVerdict(m, src.Path, commit, nil)
	if !ok {
		return leak.Finding{}, false
	}
	r := m.rule
	sev, desc, tags := r.Severity, r.Description, r.Tags
	if weak {
		sev, desc, tags = weakSeverity(sev), weakDescription, append(slices.Clip(tags), "weak")
	}
	f := leak.Finding{
		RuleID:      r.ID,
		Description: desc,
		Severity:    sev,
		Confidence:  r.Confidence,
		Tags:        tags,
		Location:    location(src, m.Line, m.Column, m.docstring),
		EndLine:     m.EndLine,
		EndColumn:   m.EndColumn,
		Secret:      m.Secret,
		Match:       trimBoundary(m.Text),
		Entropy:     m.Entropy,
		Decoded:     m.Decoded,
		Fingerprint: leak.Fingerprint(r.ID, m.plainSecret()),
		BlobID:      blobID,
	}
	return f, true
}

// sourceVerdict is the rest of the verdict on m (see verdict), at a
// source: the rule's path, the allowlists that look at the path or the
// commit, and for a weak value the rule's credential stores. It reports
// whether m is kept at path and commit, and whether as a weak value. rec,
// when not nil, records each stage for Explain.
func (d *Detector) sourceVerdict(m *Match, path, commit string, rec *Explanation) (weak, ok bool) {
	r := m.rule
	if r.Path != "" {
		ok := r.matchPath(path)
		if rec != nil {
			rec.step("path", ok, fmt.Sprintf("the rule's path regex %s %s %s", r.Path, either(ok, "matches", "does not match"), path))
		}
		if !ok {
			return false, false
		}
	}
	weak = m.weak
	switch d.judgeAll(m, true, path, commit, rec) {
	case drop:
		return false, false
	case weakVal:
		weak = true
	}
	if weak {
		// A weak value outside the rule's credential stores: a
		// placeholder in code or documentation.
		ok := r.inStore(m, path)
		if rec != nil {
			rec.step("weak value", ok, either(ok,
				fmt.Sprintf("%s is one of the rule's credential stores, or the match is one itself", path),
				fmt.Sprintf("%s is not one of the rule's credential stores, nor is the match one", path)))
		}
		if !ok {
			return false, false
		}
	}
	return weak, true
}

// trimBoundary returns a match's text without the white space a rule's
// regex matched around it as a boundary (a line's end, the space before a
// value): a leading newline would split a CSV row or a GitLab extract.
func trimBoundary(text string) string {
	return strings.TrimFunc(text, unicode.IsSpace)
}

// IsTestPath reports whether path is a test or fixture path, per the rules'
// testPaths. Finding does not lower a severity there: package triage judges
// every finding's context, the testPaths included, once detection is done.
func (d *Detector) IsTestPath(path string) bool {
	return d.testPaths != nil && d.testPaths.MatchString(path)
}

func location(src leak.Source, line, col int, docstring bool) leak.Location {
	loc := leak.Location{File: src.Path, Archive: src.Archive, Line: line, Column: col, InDocstring: docstring, Source: src.Kind}
	if src.Display != "" {
		loc.File = src.Display
	}
	if c := src.Commit; c != nil {
		loc.Commit, loc.Author, loc.Email, loc.Date, loc.Message = c.Hash, c.Author, c.Email, c.Date, c.Message
	}
	return loc
}

// EmptyBlobIDs are git's ids of the empty blob, in SHA-1 and SHA-256
// repositories.
var EmptyBlobIDs = [...]string{
	"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
	"473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813",
}

// PathRulesAt reports whether a path-only rule may match the file at path:
// when it does not, PathFindings finds nothing there, and a caller need
// not compute an id for the file.
func (d *Detector) PathRulesAt(path string) bool {
	return len(d.pathOnly) > 0 && (d.anyPathOnly == nil || d.paths.matchPath(d.anyPathOnly, path))
}

// PathRules reports, with one match of path against the path-only rules,
// whether one may match the file there (PathRulesAt) and whether one that
// judges a file's content (its format) does: a caller that can read the
// file, binary though it is, then passes its content to PathFindings.
// Where none may match, PathFindings would find nothing.
func (d *Detector) PathRules(path string) (match, readsContent bool) {
	if !d.PathRulesAt(path) {
		return false, false
	}
	for _, i := range d.pathOnly {
		if r := d.rules[i]; r.Format != "" && r.Path != "" && r.matchPath(path) {
			return true, true
		}
	}
	return true, false
}

// PathFindings returns the findings of path-only rules (rules without a
// regex) for a file at src: a private key store such as a .p12 file is a
// finding wherever it is committed. The secret of such a finding is the
// blob id, so that the same file is one finding. An empty blob
// (EmptyBlobIDs; outside history the caller passes EmptyBlobIDs[0] for an
// empty file) holds no key now, but its name says that the project keeps
// key stores in the repository, where the next version may hold one: it is
// reported as a low, low-confidence "empty" finding, a warning where
// --fail-on keeps its default (for a rule whose format's names other files
// share, .der and .key, an empty file is no finding: see
// keystore.EmptyIsStore).
//
// content is the file's content, or nil if it was not read (too large, or
// not asked for: see PathRules). A rule with a format judges it
// (package keystore): a file not in the format (random bytes named .p12, a
// file cut short) is no finding, and one that opens with a password that
// everyone knows is a high-confidence finding tagged known-password whose
// description names the password, one step more severe than the rule
// says: the keys are as good as written out (a key in the clear is
// critical).
func (d *Detector) PathFindings(blobID string, content []byte, src leak.Source) []leak.Finding {
	var out []leak.Finding
	if d.anyPathOnly != nil && !d.paths.matchPath(d.anyPathOnly, src.Path) {
		return nil
	}
	empty := blobID == EmptyBlobIDs[0] || blobID == EmptyBlobIDs[1]
	for _, i := range d.pathOnly {
		r := d.rules[i]
		if r.Path == "" || !r.matchPath(src.Path) {
			continue
		}
		if empty && r.Format != "" && !keystore.EmptyIsStore(r.Format) {
			continue // a name other files share says nothing when empty
		}
		var v keystore.Verdict
		if r.Format != "" && !empty {
			if v = d.keys.Check(r.Format, content); v.NotKeyStore {
				continue
			}
		}
		m := &Match{rule: r, Secret: blobID, Line: 1, Column: 1, EndLine: 1, EndColumn: 1}
		if f, ok := d.Finding(m, blobID, src); ok {
			f.Secret, f.Match = "", src.Path
			switch {
			case empty:
				f.Severity, f.Confidence = weakSeverity(f.Severity), "low"
				f.Description = emptyDescription + ": " + f.Description
				f.Tags = append(slices.Clip(f.Tags), "empty")
			case v.Opens:
				f.Severity, f.Confidence = strongerSeverity(f.Severity), "high"
				f.Description = opensDescription(v.Password) + ": " + f.Description
				f.Tags = append(slices.Clip(f.Tags), "known-password")
			}
			out = append(out, f)
		}
	}
	return out
}

// emptyDescription begins the description of a path-only rule's finding
// on an empty file.
const emptyDescription = "empty file, no key in this version"

// opensDescription begins the description of a path-only rule's finding
// on a key store that opens with pw, a password everyone knows (see
// keystore.KnownPasswords): naming it tells no secret.
func opensDescription(pw string) string {
	if pw == "" {
		return "opens with an empty password"
	}
	return strconv.Quote(pw) + " opens it, a password everyone knows"
}

// inlineAllow are the comments that, on the line of a match, allow it.
var inlineAllow = []string{"leakhound:allow", "gitleaks:allow", "pragma: allowlist secret"}

// inlineAllowNext, on the line before a match, allows it.
const inlineAllowNext = "pragma: allowlist nextline secret"

func hasInlineAllow(line []byte) bool {
	for _, a := range inlineAllow {
		if bytes.Contains(line, []byte(a)) {
			return true
		}
	}
	return false
}
