package detect

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/leakhound/leakhound/config"
)

// A value that a generic rule finds under a vendor's name is a near miss
// of that vendor's format, written to show what is not the vendor's key,
// when the vendor documents a narrow format (a small alphabet, a length or
// a short range of lengths) and the value is that format with a slip that
// no issued key has:
//
//   - one or two characters that no token alphabet holds (@ % ^ $ ! ? #
//     | & * ( ) [ ] { } < > ; , space...) typed where the format has a
//     letter or digit: Qh6DP6Zf7vHtm@DDsbS… under "accuweather";
//   - one or two letters beyond f in a format of hex digits only:
//     dapi…defg5 for a Databricks token; or, in a format that is a run
//     of hex digits (not a UUID's groups), one or two hex letters in the
//     case the format does not take, among letters in the case it does:
//     acdeFf05… under "meraki" (Meraki: 40 lower-case hex digits);
//   - one character too few or too many for a format of one length: 39
//     hex digits under BITLY_TOKEN (Bitly: 40);
//   - hex digits of another count than a format of a fixed count of them
//     (32 under GITEA_TOKEN; Gitea: 40): another digest, not the key (see
//     otherHexLength);
//   - under a name that holds the vendor's name itself (not only the
//     words around it), one to three characters of no token alphabet
//     anywhere in a value whose other characters the vendor's format
//     takes, when none of the vendor's formats takes such a character:
//     bitlyToken := "2xN7…gSD%c^". Every format the name points to
//     contradicts the value.
//
// Tests and docs write such values next to the vendor's name to show what
// the vendor's rule turns down, and the generic rule must not report what
// the vendor's rule turned down on purpose. Each sign is narrow on its
// own: a generated key never holds % or @, a random value of 32 letters
// and digits holds about 24 letters beyond f, not one or two, a key
// issued in lower-case hex holds no upper-case letter (and the same key
// written in upper case holds a dozen, not one or two), and a value
// one character off a fixed length is what a hand-edited example looks
// like. Anything further from the format (letters and digits of another
// length, another alphabet: an older format, an id, another credential
// of the vendor) is still the generic rule's: vendors change their
// formats, and the generic rule is the safety net for that (see
// vendorshape.go). So are values with more than three such characters (a
// person's choice), and a name that says password: a password is chosen
// by a person, not issued in the vendor's format, and may hold any
// character.
//
// Such a value is dropped, not reported at a lower severity: it is not a
// credential of any kind, and a finding of any severity asks someone to
// rotate something (issue 12: near misses are not findings).
//
// The vendor is named when a name the value is assigned to holds one of
// the names of the vendor's rule as its parts (BITLY_TOKEN, apiMaticKey,
// lokalisetoken; for a rule stated by a value alone or by a regex, its
// first tag: elevenlabs_key, telegrambottoken), when the value begins with a literal prefix that only
// that vendor's format has (see prefixedFormat), or when the words before
// the value on its line or on one of the two lines above do ("Sending
// request to accuweather API" two lines above "Using API_KEY=…"): the
// places the vendor rules' own mention form looks (see config's mention).

// nearFormat is the documented value format of a vendor rule, which near
// misses are judged against. Only what finds the vendor is set when the
// index is built; the rest is compiled on the format's first use (see
// compile): the pack's formats cost some 50 ms to compile together, and a
// scan judges only the few that a generic finding's context names.
type nearFormat struct {
	value string
	// regex and group are, for a rule stated by a regex, the regex and
	// the group of its secret, whose format is the value (see compile).
	regex string
	group int
	names []string
	// prefixes are the literal prefixes that name the vendor of a rule
	// stated by a value alone (see prefixedFormat).
	prefixes []string

	once sync.Once
	ok   bool
	// vendor matches, anchored, the vendor rule's names at the start of a
	// name part (case-insensitive); nil for a rule stated by a value
	// alone.
	vendor *regexp.Regexp
	prog   *syntax.Prog
	// hex marks the instructions of prog that take hex digits only.
	hex []bool
	// alphabet marks the ASCII characters the format's classes take
	// (not its literals: the _ of ghs_ is no character of its body).
	alphabet [128]bool
	// hexDigits is the count of hex digits of a format that is a literal
	// prefix (hexPrefix) and then that many digits of the class hexClass,
	// or 0.
	hexPrefix string
	hexDigits int
	hexClass  []rune // pairs of first and last character
	// fixed is set when every value of the format has one length: only
	// then is a value one character off it a slip (a format with a range
	// says its vendor's lengths vary).
	fixed bool
	// literal marks the ASCII characters the format's literals take.
	literal [128]bool
	// takesForeign is set when the format takes a character of no token
	// alphabet (see foreignRune) anywhere.
	takesForeign bool
}

// nearIndex holds the near-miss formats of a detector's rules, indexed by
// the first two letters (lower case) of the names they start with; any
// holds those whose names start with no literal.
type nearIndex struct {
	formats  []*nearFormat
	byStart  map[string][]int
	any      []int
	prefixed []prefixedFormat
	// memo maps a word to the formats whose vendor it names (see
	// vendorsIn); memoLen counts its entries.
	memo    sync.Map
	memoLen atomic.Int64
}

// prefixedFormat is a format of a vendor rule stated by a value alone
// whose values begin with a literal prefix that names the vendor by
// itself (dapi, cfut_, glpat-: see distinctivePrefix, and four characters
// or more, since vendors share shorter ones such as sk- and pk_).
type prefixedFormat struct {
	prefix string
	format int
}

// vendorNames returns those of a vendor rule's names that name the vendor:
// a name made of secret words alone (WireGuard's PrivateKey, New Relic's
// license_key) says what a value is, not whose, and code writes it for
// every kind of key (const privateKey = "…" holding an Ed25519 seed), so a
// generic finding under it is no near miss of that vendor's format.
func vendorNames(names []string) []string {
	out := names[:0:0]
	for _, n := range names {
		if !secretWordsOnly(n) {
			out = append(out, n)
		}
	}
	return out
}

// secretWordsOnly reports whether name is a run of config's default secret
// words, joined or not by _ . - or a space (privatekey, license_key).
// Compiled on first use (the near-miss index's build), not at start-up.
func secretWordsOnly(name string) bool {
	return secretWordsRE().MatchString(name)
}

var secretWordsRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(?:[_. -]?(?:` + strings.Join(config.DefaultSecretWords, "|") + `))+$`)
})

// nearFormats returns the formats of d's vendor rules whose secret's
// format is narrow (see config.NarrowValue): the value of a rule stated by
// one, the secret's group of a rule stated by a regex. Built once on first
// use.
func (d *Detector) nearFormats() *nearIndex {
	d.nearOnce.Do(func() { d.near = buildNearIndex(d.rules) })
	return d.near
}

// buildNearIndex builds the near-miss index of rules (see nearFormats).
func buildNearIndex(rules []*rule) *nearIndex {
	ix := &nearIndex{byStart: map[string][]int{}}
	for _, r := range rules {
		if r.generic || r.readsStores() {
			continue
		}
		value := r.Value
		if value == "" {
			// A rule stated by a regex: the format of its secret's
			// group, found and judged narrow on first use (parsing the
			// pack's regexes costs a hook some 20 ms). Its vendor is its
			// first tag.
			if r.Regex == "" || len(r.Tags) == 0 || len(r.Tags[0]) < minTagName || !plainName(r.Tags[0]) {
				continue
			}
			f := &nearFormat{regex: r.Regex, group: r.SecretGroup, names: []string{r.Tags[0]}}
			s := strings.ToLower(r.Tags[0][:2])
			ix.byStart[s] = append(ix.byStart[s], len(ix.formats))
			ix.formats = append(ix.formats, f)
			continue
		}
		if !config.NarrowValue(value, minNearValue, maxNearClass) {
			continue
		}
		names := vendorNames(r.Names)
		if len(names) == 0 && len(r.Tags) > 0 && len(r.Tags[0]) >= minTagName && plainName(r.Tags[0]) {
			// A rule stated by a value alone: its vendor is its
			// first tag (elevenlabs for sk_…), as for cutShort.
			names = []string{r.Tags[0]}
		}
		f, ok := newNearFormat(value, names, len(r.Names) == 0)
		if !ok {
			continue
		}
		i := len(ix.formats)
		ix.formats = append(ix.formats, f)
		for _, p := range f.prefixes {
			ix.prefixed = append(ix.prefixed, prefixedFormat{p, i})
		}
		if len(names) == 0 {
			continue
		}
		starts := nameStarts(names)
		if starts == nil {
			ix.any = append(ix.any, i)
			continue
		}
		for _, s := range starts {
			ix.byStart[s] = append(ix.byStart[s], i)
		}
	}
	return ix
}

// minNearValue and maxNearClass bound the formats judged for near misses:
// a format of fewer characters, or with a class of more characters (a
// password's format), says too little about what is not its value.
const (
	minNearValue = 16
	maxNearClass = 66
)

// newNearFormat returns the near-miss format of a vendor rule's value and
// names, and false when nothing names its vendor: no names, and for a
// rule stated by a value alone (valueAlone) no prefix that names it.
func newNearFormat(value string, names []string, valueAlone bool) (*nearFormat, bool) {
	f := &nearFormat{value: value, names: names}
	if !valueAlone {
		return f, len(names) > 0
	}
	re, err := syntax.Parse(value, syntax.Perl)
	if err != nil {
		return nil, false
	}
	for _, p := range literalStarts(re, 0) {
		if !p.fold && len(p.text) >= 4 && distinctivePrefix(strings.ToLower(p.text)) {
			f.prefixes = append(f.prefixes, p.text)
		}
	}
	return f, len(f.prefixes) > 0 || len(names) > 0
}

// minTagName is the fewest characters of a tag that names the vendor of
// a rule stated by a value alone.
const minTagName = 4

// compile compiles f on its first use and reports whether it compiled.
// It is safe for concurrent use.
func (f *nearFormat) compile() bool {
	f.once.Do(func() {
		if f.value == "" {
			// (The group is printed as parsed: printing a simplified
			// regex, whose counted repeats are spelled out, is slow.)
			re, err := syntax.Parse(f.regex, syntax.Perl)
			if err != nil {
				return
			}
			g := findGroup(re, f.group)
			if g == nil {
				return
			}
			if f.value = g.String(); !config.NarrowValue(f.value, minNearValue, maxNearClass) {
				return
			}
		}
		re, err := syntax.Parse(f.value, syntax.Perl)
		if err != nil {
			return
		}
		f.hexPrefix, f.hexDigits, f.hexClass = hexFormat(re)
		re = re.Simplify()
		prog, err := syntax.Compile(re)
		if err != nil {
			return
		}
		if len(f.names) > 0 {
			if f.vendor, err = regexp.Compile(`(?i)^(?:` + strings.Join(f.names, "|") + `)`); err != nil {
				return
			}
		}
		f.prog, f.hex = prog, make([]bool, len(prog.Inst))
		if lo, hi, ok := lengthRange(re, 0); ok && lo == hi {
			f.fixed = true
		}
		for i := range prog.Inst {
			in := &prog.Inst[i]
			f.hex[i] = hexOnly(in)
			switch in.Op {
			case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
				f.takesForeign = true
			case syntax.InstRune, syntax.InstRune1:
				if in.Op == syntax.InstRune1 && in.Rune[0] < 128 {
					f.literal[in.Rune[0]] = true
				}
				if in.Op == syntax.InstRune1 || len(in.Rune) < 2 {
					// A rune, and its other cases where MatchRune
					// folds them.
					for c := rune(0); c < 128 && !f.takesForeign; c++ {
						if foreignRune(c) && in.MatchRune(c) {
							f.takesForeign = true
						}
					}
				}
			}
			if in.Op != syntax.InstRune || len(in.Rune) < 2 {
				continue
			}
			// A class, as sorted ranges: MatchRune takes a character
			// in one of them, so the class takes a foreign ASCII
			// character if one of its ranges holds one. (Asking
			// MatchRune of every ASCII character for each instruction
			// cost a flask scan 1% of its instructions.)
			for j := 0; j+1 < len(in.Rune); j += 2 {
				for c := in.Rune[j]; c <= in.Rune[j+1] && c < 128; c++ {
					f.alphabet[c] = true
					if foreignASCII[c] {
						f.takesForeign = true
					}
				}
			}
		}
		f.ok = true
	})
	return f.ok
}

// nameStarts returns the first two letters, in lower case, that the
// matches of the names regexes start with, or nil when one of them starts
// with no literal of two letters.
func nameStarts(names []string) []string {
	var out []string
	for _, n := range names {
		if len(n) >= 2 && plainName(n) {
			out = append(out, strings.ToLower(n[:2]))
			continue
		}
		re, err := syntax.Parse(`(?i)(?:`+n+`)`, syntax.Perl)
		if err != nil {
			return nil
		}
		starts := literalStarts(re.Simplify(), 0)
		if starts == nil {
			return nil
		}
		for _, p := range starts {
			if len(p.text) < 2 {
				return nil
			}
			out = append(out, strings.ToLower(p.text[:2]))
		}
	}
	return out
}

// plainName reports whether a name regex is a plain word of letters and
// digits, which starts with itself.
func plainName(n string) bool {
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// hexOnly reports whether the instruction is a class of hex digits only
// ([a-f0-9], [0-9A-F]); a literal character is not a class.
func hexOnly(in *syntax.Inst) bool {
	if in.Op != syntax.InstRune || len(in.Rune) < 2 {
		return false
	}
	size := 0
	for i := 0; i+1 < len(in.Rune); i += 2 {
		for c := in.Rune[i]; c <= in.Rune[i+1]; c++ {
			if !isHexRune(c) {
				return false
			}
			size++
		}
	}
	return size > 1
}

// isHexRune and isLetterRune are isHexDigit and isLetter for a rune.
func isHexRune(c rune) bool { return c < 0x80 && isHexDigit(byte(c)) }

func isLetterRune(c rune) bool { return c < 0x80 && isLetter(byte(c)) }

// foreignCount returns how many characters of b are of no token alphabet
// (see foreignRune), a percent sign before two hex digits aside (URL
// encoding: Twitter's tokens are written so).
func foreignCount(b []byte) int {
	n := 0
	for i, c := range string(b) {
		if c == '%' && i+2 < len(b) && isHexDigit(b[i+1]) && isHexDigit(b[i+2]) {
			continue
		}
		if foreignRune(c) {
			n++
		}
	}
	return n
}

// maxForeign is the most characters of no token alphabet in a value that
// a named vendor's format contradicts (see nearMiss): more are what a
// person types, a password, whatever the name says.
const maxForeign = 3

// takesRest reports whether every character of secret but those of no
// token alphabet is one the format takes somewhere.
func (f *nearFormat) takesRest(secret []byte) bool {
	for _, c := range string(secret) {
		if foreignRune(c) {
			continue
		}
		if c >= 128 || !f.alphabet[c] && !f.literal[c] {
			return false
		}
	}
	return true
}

// foreignRune reports whether c is in no token alphabet: not a letter or
// digit, nor a character that base64, base64url, base32, hex, UUIDs or
// vendors' separators use (+ / = _ . ~ : -).
func foreignRune(c rune) bool {
	return uint32(c) >= 0x80 || foreignASCII[c]
}

// foreignASCII holds foreignRune for ASCII characters: a near-miss
// format's first use asks it of every ASCII character for each of its
// instructions, which cost a flask scan 1% of its time with the test
// spelled out.
var foreignASCII = func() (t [0x80]bool) {
	for c := range rune(0x80) {
		t[c] = !isLetterRune(c) && !('0' <= c && c <= '9') && !strings.ContainsRune("+/=_.~:-", c)
	}
	return t
}()

// Near-miss budget (see nearMiss): at most maxNearSlips characters of the
// wrong alphabet, and at most one character too many or too few.
const maxNearSlips = 2

// maxNearValue is the longest value judged for near misses: a bound on
// the simulation's cost.
const maxNearValue = 256

// nearMatch reports how secret relates to the format f: exact when the
// format takes it as it is, near when it takes it after at most
// maxNearSlips substitutions of a character of the wrong alphabet (see
// the comment at the top of this file) and at most one character added or
// removed, at least one of these.
func (f *nearFormat) nearMatch(secret []byte) (exact, near bool) {
	if !f.compile() {
		return false, false
	}
	// The states of a Thompson simulation of f.prog, one set per count of
	// slips (0..maxNearSlips) and of characters added or removed (0..1).
	const layers = (maxNearSlips + 1) * 2
	n := len(f.prog.Inst)
	cur, next := make([]bool, layers*n), make([]bool, layers*n)
	var add func(set []bool, pc uint32, slips, indel int)
	add = func(set []bool, pc uint32, slips, indel int) {
		k := (slips*2+indel)*n + int(pc)
		if set[k] {
			return
		}
		set[k] = true
		in := &f.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			add(set, in.Out, slips, indel)
			add(set, in.Arg, slips, indel)
		case syntax.InstCapture, syntax.InstNop, syntax.InstEmptyWidth:
			add(set, in.Out, slips, indel)
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			if indel == 0 && f.fixed {
				// A character of the format missing from the value.
				add(set, in.Out, slips, 1)
			}
		}
	}
	add(cur, uint32(f.prog.Start), 0, 0)
	for _, c := range string(secret) {
		clear(next)
		for k, on := range cur {
			if !on {
				continue
			}
			slips, indel, pc := k/n/2, k/n%2, k%n
			in := &f.prog.Inst[pc]
			if indel == 0 && f.fixed && (foreignRune(c) || c < 128 && f.alphabet[c]) {
				// A character of the value the format has no room for:
				// one of its alphabet (one too many) or of none.
				add(next, uint32(pc), slips, 1)
			}
			switch in.Op {
			case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			default:
				continue
			}
			if in.MatchRune(c) {
				add(next, in.Out, slips, indel)
			} else if slips < maxNearSlips && (foreignRune(c) || f.hex[pc] && isLetterRune(c) && (!isHexRune(c) || f.hexDigits > 0)) {
				// A letter a class of hex digits does not take: beyond
				// f, or, in a format that is a run of hex digits (see
				// hexFormat), a hex letter in the case the class leaves
				// out. (A UUID is not judged by case: RFC 9562 reads
				// its digits in either case, and people write them so.)
				add(next, in.Out, slips+1, indel)
			}
		}
		cur, next = next, cur
	}
	for k, on := range cur {
		if on && f.prog.Inst[k%n].Op == syntax.InstMatch {
			if k/n == 0 {
				return true, false
			}
			near = true
		}
	}
	return false, near
}

// nearMiss reports whether the value secret, found by the generic rule r
// in the match loc of the window text (which starts at offset w0 of
// content), is a near miss of the format of a vendor named by the name it
// is assigned to or by the words before it (see the comment at the top of
// this file).
func (d *Detector) nearMiss(r *rule, content []byte, w0 int, text []byte, loc []int, s0 int, secret []byte) bool {
	ix := d.nearFormats()
	if len(ix.formats) == 0 || len(secret) > maxNearValue {
		return false
	}
	named := map[int]bool{}
	if r.names != nil {
		for _, g := range r.names.name {
			if 2*g+1 >= len(loc) || loc[2*g] < 0 {
				continue
			}
			n := identifier(text, loc[2*g], loc[2*g+1])
			if passwordName(n) {
				return false
			}
			ix.vendorsIn(n, named)
		}
	}
	if n := foreignCount(secret); n > 0 && n <= maxForeign && len(named) > 0 {
		all, fits := true, false
		for i := range named {
			f := ix.formats[i]
			if !f.compile() {
				continue // not a narrow format: as if not indexed
			}
			if f.takesForeign {
				all = false
				break
			}
			fits = fits || f.takesRest(secret)
		}
		if all && fits {
			return true
		}
	}
	for _, p := range ix.prefixed {
		if len(secret) > len(p.prefix) && string(secret[:len(p.prefix)]) == p.prefix {
			named[p.format] = true
		}
	}
	// The words before the value on its line and the two lines above.
	at := w0 + s0
	ctx := content[lineStartBefore(content, at, 2):at]
	for i := 0; i < len(ctx); {
		if !identChar(ctx[i]) {
			i++
			continue
		}
		j := i
		for j < len(ctx) && identChar(ctx[j]) {
			j++
		}
		if !valueWord(ctx[i:j]) {
			ix.vendorsIn(string(ctx[i:j]), named)
		}
		i = j
	}
	near := false
	for i := range named {
		f := ix.formats[i]
		exact, n := f.nearMatch(secret)
		if exact {
			return false
		}
		near = near || n || f.otherHexLength(secret)
	}
	return near
}

// valueWord reports whether a word of the text around a value is itself
// a value (a digest, a key, an id: letters and digits in turn, two digit
// runs or more between letters), not words that name a vendor: the parts
// of d83cee9b...f99dd would name any vendor whose name is dd or fce.
func valueWord(w []byte) bool {
	turns := 0
	for k := 1; k < len(w); k++ {
		a, b := w[k-1], w[k]
		if isLetter(a) && '0' <= b && b <= '9' || '0' <= a && a <= '9' && isLetter(b) {
			turns++
		}
	}
	return turns >= 4
}

// otherHexLength reports whether secret is f's literal prefix and then
// hex digits of f's class, minHexBody or more, but not as many as f asks
// for. A vendor's hex format encodes a fixed number of random bytes or a
// digest of a fixed size: another count of the same digits is another
// thing (an MD5 sample under a name whose vendor issues 40 digits, a
// UUID's digits), not a vendor's key of another length. (Letters and
// digits of another length are not judged so: an id, an older format
// or another credential of the vendor is written that way too.)
func (f *nearFormat) otherHexLength(secret []byte) bool {
	if f.hexDigits == 0 || len(secret) < len(f.hexPrefix)+minHexBody || string(secret[:len(f.hexPrefix)]) != f.hexPrefix {
		return false
	}
	body := secret[len(f.hexPrefix):]
	if len(body) == f.hexDigits {
		return false
	}
	for _, c := range string(body) {
		in := false
		for i := 0; i+1 < len(f.hexClass); i += 2 {
			in = in || f.hexClass[i] <= c && c <= f.hexClass[i+1]
		}
		if !in {
			return false
		}
	}
	return true
}

// minHexBody is the fewest hex digits otherHexLength judges.
const minHexBody = 16

// hexFormat returns, for a parsed format that is a literal prefix (or
// none) and then one class of hex digits repeated a fixed number of
// times, the prefix, the count and the class; else a count of 0.
func hexFormat(re *syntax.Regexp) (prefix string, digits int, class []rune) {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	body := re
	if re.Op == syntax.OpConcat && len(re.Sub) == 2 && re.Sub[0].Op == syntax.OpLiteral && re.Sub[0].Flags&syntax.FoldCase == 0 {
		prefix, body = string(re.Sub[0].Rune), re.Sub[1]
	}
	if body.Op != syntax.OpRepeat || body.Min != body.Max || body.Min < minHexBody || body.Sub[0].Op != syntax.OpCharClass {
		return "", 0, nil
	}
	c := body.Sub[0]
	size := 0
	for i := 0; i+1 < len(c.Rune); i += 2 {
		for r := c.Rune[i]; r <= c.Rune[i+1]; r++ {
			if !isHexRune(r) {
				return "", 0, nil
			}
			size++
		}
	}
	if size < 16 {
		return "", 0, nil
	}
	return prefix, body.Min, c.Rune
}

// vendorsIn adds to named the formats whose vendor names name holds: a
// vendor's name that starts at the start of a part of name (see
// nameParts) and ends at the end of one, or, for a name of four
// characters or more, inside a part (lokalisetoken, pagerdutyapikey).
//
// The words around values repeat (SECRET_KEY, config, app), so what a word
// names is remembered, for up to maxNearMemo words.
func (ix *nearIndex) vendorsIn(name string, named map[int]bool) {
	if v, ok := ix.memo.Load(name); ok {
		for _, i := range v.([]int) {
			named[i] = true
		}
		return
	}
	found := map[int]bool{}
	ix.lookUp(name, found)
	list := make([]int, 0, len(found))
	for i := range found {
		list = append(list, i)
		named[i] = true
	}
	if ix.memoLen.Add(1) <= maxNearMemo {
		ix.memo.Store(name, list)
	}
}

// maxNearMemo bounds the words whose vendors a near-miss index remembers
// (see vendorsIn): a few megabytes at most.
const maxNearMemo = 1 << 16

// lookUp adds to named the formats whose vendor name names (see
// vendorsIn).
func (ix *nearIndex) lookUp(name string, named map[int]bool) {
	parts := nameParts(name)
	ends := map[int]bool{}
	for _, p := range parts {
		ends[p.end] = true
	}
	for _, p := range parts {
		if p.end-p.start < 2 {
			continue
		}
		rest := name[p.start:]
		cands := ix.byStart[strings.ToLower(rest[:2])]
		for _, list := range [][]int{cands, ix.any} {
			for _, i := range list {
				if named[i] {
					continue
				}
				f := ix.formats[i]
				if !f.compile() || f.vendor == nil {
					continue
				}
				m := f.vendor.FindStringIndex(rest)
				if m == nil || m[1] == 0 {
					continue
				}
				if ends[p.start+m[1]] || m[1] >= 4 {
					named[i] = true
				}
			}
		}
	}
}

// passwordName reports whether a part of name says password: the value
// is then chosen by a person, not issued in a vendor's format.
func passwordName(name string) bool {
	for _, p := range nameParts(name) {
		switch strings.ToLower(name[p.start:p.end]) {
		case "password", "passwd", "pass", "pwd", "pw", "passphrase", "passcode":
			return true
		}
	}
	return false
}
