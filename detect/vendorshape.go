package detect

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// Values that a generic rule (one that judges a value by the name it is
// assigned to) does not report because they are stand-ins, written to
// look like a secret: near misses of a vendor's format that tests and
// docs write next to the real format (apify_api_…_extra, AstraCS:short,
// sk-…invalid, APIFY_API_ for apify_api_), whose vendor rule rejects them
// on purpose.
//
// A value that merely starts with a vendor's prefix is still reported by
// the generic rule when the vendor's rule rejects it: vendors change
// lengths and alphabets, and the generic rule is the safety net for that.

// vendorPrefixes returns the literal prefixes, as written, that the
// secrets of d's rules not tagged generic begin with when the rule takes
// them in one case only (see vendorShapes). A prefix counts when it is
// distinctive: at least four characters, or three with a separator (sk-,
// pk_), and not a word that starts any value (secret_, api-).
func (d *Detector) vendorPrefixes() []string {
	d.shapeOnce.Do(d.vendorShapes)
	return d.prefixes
}

// vendorShapes fills in d.prefixes (see vendorPrefixes) and d.formats (see
// vendorFormats) in one pass over the rules: both come from the literal
// starts of each rule's secret format, whose parse is what costs (some
// 6 ms for the default pack, which a hook pays once).
func (d *Detector) vendorShapes() {
	seen := map[string]bool{}
	d.starts = make([]startKind, len(d.rules))
	for _, r := range d.rules {
		if r.generic || r.Regex == "" || r.readsStores() {
			continue
		}
		target := secretFormat(&r.Rule.Value, r.Regex, r.SecretGroup)
		if target == nil {
			continue
		}
		starts := literalStarts(target, 0)
		if len(starts) == 0 {
			continue
		}
		if r.index >= 0 && r.index < len(d.starts) {
			d.starts[r.index] = literalStart
		}
		length := 0 // the one length of every value; 0: none
		if len(r.Tags) > 0 && len(r.Tags[0]) >= 3 {
			if lo, hi, ok := lengthRange(target, 0); ok && lo == hi {
				length = lo
			}
		}
		for _, p := range starts {
			if p.fold || !distinctivePrefix(strings.ToLower(p.text)) {
				continue
			}
			if r.index >= 0 && r.index < len(d.starts) {
				d.starts[r.index] = distinctiveStart
			}
			if !seen[p.text] {
				seen[p.text] = true
				d.prefixes = append(d.prefixes, p.text)
			}
			if length > 0 {
				d.formats = append(d.formats, vendorFormat{strings.ToLower(r.Tags[0]), p.text, length})
			}
		}
	}
}

// distinctivePrefix reports whether p is long and particular enough that a
// value beginning with it is written in that format rather than by chance.
func distinctivePrefix(p string) bool {
	if commonPrefixes[strings.TrimRight(p, "_-:.$")] || strings.ContainsAny(p, "/ ") || strings.HasPrefix(p, "-----") {
		return false
	}
	if strings.Trim(p, p[:1]) == "" {
		return false // one character repeated (aaaa)
	}
	n := utf8.RuneCountInString(p)
	if n >= 4 {
		return true
	}
	return n == 3 && strings.ContainsAny(p, "_-:.")
}

// commonPrefixes are prefixes of formats that are also words a person
// writes at the start of any value: secret_..., api-..., key_...
var commonPrefixes = map[string]bool{
	"api": true, "api_key": true, "apikey": true, "key": true, "secret": true, "access": true,
	"access_token": true, "private": true, "token": true, "pat": true, "live": true,
	"test": true, "server": true, "mobile": true, "sdk": true, "db": true, "prd": true,
	"sha1": true, "pass": true, "password": true, "auth": true,
}

// secretFormat returns the parsed, simplified format of a rule's secret:
// its value format when it has one, else the capture group that holds its
// secret (group, or the group named secret); nil when there is none.
func secretFormat(value *string, regex string, group int) *syntax.Regexp {
	src := regex
	if *value != "" {
		src = *value
	}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	var target *syntax.Regexp
	if *value != "" {
		target = re
	} else {
		target = findGroup(re, group)
	}
	if target == nil {
		return nil
	}
	// Only the target is simplified: a rule's regex is large and its
	// secret's group small, and simplifying every rule's whole regex cost
	// a hook some 15 ms. Simplify works bottom up, so a group simplified
	// alone is what it is in the whole regex simplified; findGroup skips
	// the one thing Simplify drops, a repeat of zero times.
	return target.Simplify()
}

// findGroup returns the capture group with index group or, when group is
// zero, the first group named secret (secret, secret2...), of re as
// Simplify would leave it: groups inside x{0} are not counted.
func findGroup(re *syntax.Regexp, group int) *syntax.Regexp {
	if re.Op == syntax.OpRepeat && re.Max == 0 {
		return nil
	}
	if re.Op == syntax.OpCapture {
		if (group > 0 && re.Cap == group) || (group == 0 && groupIs(re.Name, "secret")) {
			return re.Sub[0]
		}
	}
	for _, s := range re.Sub {
		if g := findGroup(s, group); g != nil {
			return g
		}
	}
	return nil
}

// literalStarts returns the literal texts that every match of re starts
// with, one per branch of a leading alternation; nil when a branch has no
// literal start.
func literalStarts(re *syntax.Regexp, depth int) []prefix {
	if depth > 8 {
		return nil
	}
	switch re.Op {
	case syntax.OpLiteral:
		return []prefix{{string(re.Rune), re.Flags&syntax.FoldCase != 0}}
	case syntax.OpCapture:
		return literalStarts(re.Sub[0], depth+1)
	case syntax.OpConcat:
		subs := re.Sub
		for len(subs) > 0 && isEmptyWidth(subs[0]) {
			subs = subs[1:]
		}
		if len(subs) == 0 {
			return nil
		}
		heads := literalStarts(subs[0], depth+1)
		if heads == nil {
			return nil
		}
		// A single literal head continues with the literal after it
		// (a group then a literal: (?:sk)-).
		if len(heads) == 1 && len(subs) > 1 && subs[0].Op != syntax.OpLiteral {
			if next := literalStarts(subs[1], depth+1); len(next) == 1 && subs[1].Op == syntax.OpLiteral {
				heads[0].text += next[0].text
				heads[0].fold = heads[0].fold || next[0].fold
			}
		}
		return heads
	case syntax.OpAlternate:
		var out []prefix
		for _, s := range re.Sub {
			h := literalStarts(s, depth+1)
			if h == nil {
				return nil
			}
			out = append(out, h...)
		}
		return out
	}
	return nil
}

func isEmptyWidth(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
		return true
	}
	return false
}

// prefix is a literal a format starts with; fold is set when the format
// accepts it in any case.
type prefix struct {
	text string
	fold bool
}

// wrongCasePrefix reports whether secret begins with a vendor's literal
// prefix written in another case (APIFY_API_ for apify_api_): the vendor
// issues it in one case only, so this is a near miss, not its secret.
func (d *Detector) wrongCasePrefix(secret []byte) bool {
	for _, p := range d.vendorPrefixes() {
		if len(secret) > len(p) && strings.EqualFold(string(secret[:len(p)]), p) && string(secret[:len(p)]) != p {
			return true
		}
	}
	return false
}

// The words that mark a value as a stand-in: a near miss written for a
// test (_extra, :short, …invalid, .signature) or an example (not-a-uuid),
// as a part of the value between separators or digits (separated, between
// characters other than letters and digits; between, between characters
// other than letters). "fake" and "blah" count anywhere, even inside a
// run of letters (fakeiq999fake…, …c00blahblah): a random value of 40
// letters and digits holds either about once in 40,000, a hex one never.
var (
	markerSeparated = []string{"short", "extra", "wrong", "bad"}
	markerAnywhere  = []string{"fake", "blah"}
	markerBetween   = []string{"invalid", "signature", "truncated", "example", "sample", "dummy", "notreal", "bogus", "not_a", "not-a"}
)

// markerWord matches a value that holds one of the marker words, in any
// case, where the word counts.
var markerWord = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])` + alternation(markerSeparated) + `(?:[^a-z0-9]|$)|` +
	alternation(markerAnywhere) + `|(?:^|[^a-z])` + alternation(markerBetween) + `(?:[^a-z]|$)`)

// markerWords are the words of markerWord, one of which it needs, in any
// case.
var markerWords = slices.Concat(markerSeparated, markerAnywhere, markerBetween)

// alternation returns a regex that matches any of words, as written.
func alternation(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = regexp.QuoteMeta(w)
	}
	return `(?:` + strings.Join(quoted, "|") + `)`
}

// markedByWord is markerWord.Match, asked only of a value that holds one
// of markerWords in ASCII letters of any case, when the value is ASCII
// (a letter of another script may fold to one of the words' letters:
// K, the Kelvin sign, to k) and not too long to lower-case on the stack:
// most values hold none, and the regex, unanchored, tries every position.
func markedByWord(secret []byte) bool {
	var buf [96]byte
	if len(secret) > len(buf) {
		return markerWord.Match(secret)
	}
	low := buf[:len(secret)]
	for i, c := range secret {
		switch {
		case c >= utf8.RuneSelf:
			return markerWord.Match(secret)
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		low[i] = c
	}
	return slices.ContainsFunc(markerWords, func(w string) bool { return bytes.Contains(low, []byte(w)) }) && markerWord.Match(secret)
}

// standIn reports whether a value that a generic rule found is a stand-in
// rather than a secret: a near miss of a vendor's format (its prefix in the
// wrong case), a value marked by a word (short, invalid, extra, example),
// a date and time (see timestamp), one that counts up the alphabet and
// the digits in step (a1b2c3d4: see countsInStep), or a template's groups
// typed again (see repeatedGroups).
// Other typed sequences (abc123, 1234567890) are not judged here: people
// write real keys' examples that way, and a vendor rule still reports them.
func (d *Detector) standIn(secret []byte) bool {
	return markedByWord(secret) || markedAtEnd(secret) || sandboxMarked(secret) ||
		longRun(secret, 8) || (len(secret) <= 12 || allDigits(secret)) && typedSequence(secret) || d.wrongCasePrefix(secret) ||
		timestamp(secret) || countsInStep(secret, 4) || repeatedGroups(secret)
}

// countsInStep reports whether secret holds n or more pairs in a row of a
// letter and a digit (or a digit and a letter), each letter the one after
// the letter before in the alphabet and each digit one more than the digit
// before (9 then 0), whatever the letters' case: a1b2c3d4, 1a2b3C4d,
// g7h8i9j0. Only a hand counts so: a generator draws each character
// apart. In a random value of 40 letters and digits, four such pairs start
// at a given place, in a given order, with odds of (52/62)(10/62) for the
// first pair and (2/62)(1/62) for each next one, 1.9e-11: over its 33
// places and both orders, about one value in 800 million (computed, not
// sampled).
func countsInStep(secret []byte, n int) bool {
	digit := func(c byte) bool { return '0' <= c && c <= '9' }
	for i := 0; i+2*n <= len(secret); i++ {
		letterFirst := digit(secret[i+1])
		pairs := 0
		var prevL, prevD byte
		for j := i; j+1 < len(secret); j += 2 {
			l, d := secret[j], secret[j+1]
			if !letterFirst {
				l, d = d, l
			}
			if !isLetter(l) || !digit(d) {
				break
			}
			l = lower(l)
			if pairs > 0 && (l != prevL+1 || d != prevD+1 && !(prevD == '9' && d == '0')) {
				break
			}
			prevL, prevD = l, d
			if pairs++; pairs >= n {
				return true
			}
		}
	}
	return false
}

// gluedOn reports whether the value secret, found by the generic rule r in
// the match loc of text, is a token with a character of no token alphabet
// glued onto one of its ends (2xN7…gSD%c^, ?6DzV1nrA53SPRijUoX2o=, %c^wz94…):
// a value that begins or ends with % ^ ? | & ~ ( ) and the like, and holds
// no more than maxForeign such characters in all. Tests write such values
// to show what a vendor's key is not (the near miss of nearMiss, for a
// vendor no rule knows), and code holds them as the remnants of a format
// string or a pattern; an issued key, drawn from a token alphabet, never
// begins or ends so. Nor does it hold one inside, when that character is
// none that people or vendors put there (see strayInside: ? ^ ( ) …, not
// & % | or a password's ! @ # $ *), in a value of a token's length
// (7Kq2Vx9m?Lp4Rw…, a test's near miss: the generic rule would otherwise
// report what a vendor's test shows is not its key). Values whose name
// says password are still reported
// (a person chose them), and so are the characters that people put at a
// password's ends (! @ # $ *), under any name: a secret chosen by a person
// (a JWT secret that ends in !) is a secret. Only rules that judge a value by
// the name it is assigned to are judged so: the others (a password in a
// URL, a Basic header's password) hold what a person chose.
func (d *Detector) gluedOn(r *rule, text []byte, loc []int, secret []byte) bool {
	if len(secret) < 2 || !gluedRune(secret, 0) && !gluedRune(secret, len(secret)-1) && !strayInside(secret) {
		return false
	}
	if n := foreignCount(secret); n == 0 || n > maxForeign {
		return false
	}
	if r.names == nil {
		return false // a password rule's, or a URL's: a person chose it
	}
	for _, g := range r.names.name {
		if 2*g+1 < len(loc) && loc[2*g] >= 0 && passwordName(identifier(text, loc[2*g], loc[2*g+1])) {
			return false
		}
	}
	return true
}

// strayInside reports whether secret, a value of a token's length
// (minNearValue or more), may hold characters of no token alphabet inside
// it that gluedOn then judges as it judges them at an end. It may not when
// one of them is a character that people put in a password (! @ # $ & *),
// that joins a vendor's parts (| in a Facebook app token, app id|app
// secret; ! in a Salesforce session id; @ in a URL), that begins URL
// encoding (%: Twitter's tokens are written so, and a token whose encoding
// was cut or mistyped is still the token) or that begins an escape in the
// literal that holds the value (\: a JSON string's \/, or an escape no
// decoder knows, is the writer's, not a sign of code). What is left
// (? ^ ( ) [ ] { } < > ; , quotes, spaces) no generator of keys draws
// from, and a person who chose a secret with them names it a password.
func strayInside(secret []byte) bool {
	return len(secret) >= minNearValue && !bytes.ContainsAny(secret, "!@#$&*|%\\")
}

// gluedRune reports whether the byte of secret at i is of no token
// alphabet (see foreignRune) and not one that people end a password with
// (! @ # $ *), nor a percent sign that URL-encodes the two hex digits
// after it.
func gluedRune(secret []byte, i int) bool {
	c := secret[i]
	if c >= 0x80 || !foreignRune(rune(c)) || strings.IndexByte("!@#$*", c) >= 0 {
		return false
	}
	return c != '%' || i+2 >= len(secret) || !isHexDigit(secret[i+1]) || !isHexDigit(secret[i+2])
}

// uuidSlip reports whether secret ends in a UUID written one hex digit off
// (sk_0b9b5db6-fabc-49d0-b68f-13343bb4f70: 8-4-4-4-11): five groups of hex
// digits joined by dashes, after nothing or after a prefix that ends in _
// . or :, whose lengths miss 8-4-4-4-12 by one digit in one group. UUIDs
// are generated whole; a UUID a digit short or long was edited by hand,
// a test's near miss of a vendor's UUID key, not an issued one.
func uuidSlip(secret []byte) bool {
	want := [5]int{12, 4, 4, 4, 8} // from the end
	end := len(secret)
	off := 0
	for g := 0; g < 5; g++ {
		i := end
		for i > 0 && isHexDigit(secret[i-1]) {
			i--
		}
		n := end - i
		if d := n - want[g]; d != 0 {
			if d != 1 && d != -1 {
				return false
			}
			off++
		}
		if g < 4 {
			if i == 0 || secret[i-1] != '-' {
				return false
			}
			end = i - 1
			continue
		}
		if i > 0 && strings.IndexByte("_.:", secret[i-1]) < 0 {
			return false
		}
	}
	return off == 1
}

// typedSequence reports whether secret was typed by hand rather than
// generated: most of its letters and digits (at least 60%, and 6) sit in
// runs of three or more that count up the alphabet or the digits, read
// apart from each other so that interleaved runs count (abc123, a1b2c3,
// AbCdEf123). Random values almost never have more than a few such
// characters.
func typedSequence(secret []byte) bool {
	var letters, digits []byte
	for _, c := range secret {
		switch {
		case c >= 'a' && c <= 'z':
			letters = append(letters, c)
		case c >= 'A' && c <= 'Z':
			letters = append(letters, c+'a'-'A')
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		}
	}
	total := len(letters) + len(digits)
	inRuns := ascendingRuns(letters) + ascendingRuns(digits)
	return inRuns >= 6 && inRuns*10 >= total*6
}

// ascendingRuns counts the bytes of s that lie in runs of three or more,
// each one more than the one before.
func ascendingRuns(s []byte) int {
	n, run := 0, 1
	for i := 1; i <= len(s); i++ {
		if i < len(s) && s[i] == s[i-1]+1 {
			run++
			continue
		}
		if run >= 3 {
			n += run
		}
		run = 1
	}
	return n
}

// markerSuffix matches a marker word that ends a value in lower case right
// after an upper-case letter or a digit (BSAshort, AKIA…Xinvalid) or after
// a run of hex (…9abcdefextra), or in upper case right after a lower-case
// letter or a digit (…MDA6SHORT, …bbfeEXTRA): the near miss of a test
// written in one word. A random value ends in one of these five-letter
// words about once in a billion.
var markerSuffix = regexp.MustCompile(`(?:[A-Z0-9]|[0-9a-f]{16})` + alternation(markerEndsLower) + `$|[a-z0-9]` + alternation(markerEndsUpper) + `$`)

// markerEndsLower and markerEndsUpper are the words markerSuffix takes at
// a value's end, in lower and in upper case.
var (
	markerEndsLower = []string{"short", "extra", "wrong", "fake", "invalid", "truncated"}
	markerEndsUpper = []string{"SHORT", "EXTRA", "WRONG", "INVALID", "TRUNCATED"}
)

// markerLast holds the last characters of markerSuffix's words.
var markerLast = func() (t [256]bool) {
	for _, w := range slices.Concat(markerEndsLower, markerEndsUpper) {
		t[w[len(w)-1]] = true
	}
	return t
}()

// markedAtEnd is markerSuffix.Match, asked only of a value whose last
// character ends one of its words (see markerLast): most values end
// otherwise, and the regex, unanchored at the start, tries every position.
func markedAtEnd(secret []byte) bool {
	return len(secret) > 0 && markerLast[secret[len(secret)-1]] && markerSuffix.Match(secret)
}

// dateTime matches an ISO 8601 date and time (2025-03-04T07:24:52Z), as
// expiry and start fields of signed URLs and logs write them.
var dateTime = regexp.MustCompile(`(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-5][0-9]`)

// timestamp reports whether a date and time makes at least half of secret
// (st=2025-03-04T07:24:52Z, a signed URL's start field): a moment, not a
// credential, whose digits pass for entropy.
func timestamp(secret []byte) bool {
	if len(secret) < 16 || bytes.IndexByte(secret, ':') < 0 {
		return false
	}
	loc := dateTime.FindIndex(secret)
	if loc == nil {
		return false
	}
	end := loc[1]
	// The seconds, a fraction and a zone that follow belong to it.
	for end < len(secret) && strings.IndexByte("0123456789:.+-Z", secret[end]) >= 0 {
		end++
	}
	return 2*(end-loc[0]) >= len(secret)
}

// sandboxWord matches a value that says it is a sandbox credential: a
// word (sandbox, sdbx, sbx), or a vendor's own mark of its sandbox keys
// where it writes no such word (see sandboxPrefix).
var sandboxWord = regexp.MustCompile(`(?i)(?:^|[^a-z])(?:sandbox|sdbx|sbx)(?:[^a-z]|$)|(?-i:^` + sandboxPrefix + `)`)

// sandboxPrefix begins the keys of Midtrans' sandbox: SB- before the
// Mid-server- and Mid-client- of its production keys (docs.midtrans.com,
// "Retrieving API access keys"). The Midtrans rule reports production
// server keys only; a generic rule reported the sandbox's, under a
// MIDTRANS_SERVER_KEY or MIDTRANS_CLIENT_KEY name, as secrets.
const sandboxPrefix = "SB-Mid-"

// sandboxMarked is sandboxWord.Match, asked only of a value that holds an
// x or an X, as each of its words does (x has no other case), or that
// begins with sandboxPrefix.
func sandboxMarked(secret []byte) bool {
	return bytes.HasPrefix(secret, []byte(sandboxPrefix)) || bytes.IndexAny(secret, "xX") >= 0 && sandboxWord.Match(secret)
}

// repeatedGroups reports whether secret is groups joined by dashes, three
// or more, each of four characters or more and each the start of the
// longest: 12345678-1234-1234-1234-123456789012, abcd-abcd-abcdef. A hand
// fills a UUID's or a key's template so, one run typed again; a generator
// draws each group apart (a random UUID's four-character group is the
// start of its last one time in 65,536).
func repeatedGroups(secret []byte) bool {
	if bytes.Count(secret, []byte{'-'}) < 2 {
		return false
	}
	groups := bytes.Split(secret, []byte{'-'})
	longest := groups[0]
	for _, g := range groups {
		if len(g) < 4 {
			return false
		}
		if len(g) > len(longest) {
			longest = g
		}
	}
	for _, g := range groups {
		if !bytes.HasPrefix(longest, g) {
			return false
		}
	}
	return true
}

// longRun reports a letter or digit repeated n times running, other than
// A and 0: base64 and hex encode runs of zero bytes that way, and some
// vendors' formats hold such runs (Azure DevOps tokens).
func longRun(s []byte, n int) bool {
	run := 1
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == s[i-1] && c != 'A' && c != '0' && (c >= '1' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z') {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

// assetExt matches the extension of a built web asset right after a value.
var assetExt = regexp.MustCompile(`^\.(?:png|jpe?g|gif|svg|ico|webp|css|js|mjs|map|woff2?|ttf|eot)\b`)

// assetName reports whether text[s0:s1] is the content hash or name part
// of a built asset's file name (main-3f2a….js, logo.ico-7a38….png): joined
// to the name before it by a separator and followed by an asset's
// extension. Fingerprinted assets are named that way by bundlers; no
// credential is followed by .png.
func assetName(text []byte, s0, s1 int) bool {
	return s0 > 0 && strings.IndexByte("-._/", text[s0-1]) >= 0 && assetExt.Match(text[s1:])
}

// allDigits reports whether s holds decimal digits only.
func allDigits(s []byte) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(s) > 0
}

// hostOrMailbox matches a host name or an e-mail address: labels of
// letters, digits and inner hyphens joined by dots and ending in a
// top-level domain of two to six lower-case letters, after a mailbox's
// local part and an @ for an address (yF5j0x7.zendesk.com,
// ops.bot@mail.example.io).
var hostOrMailbox = regexp.MustCompile(`^(?:[^\s@:/]+@)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[a-z]{2,6}$`)

// addressValue reports whether the value secret, found by the generic
// rule r in the match loc of text, is a host name or an e-mail address
// (see hostOrMailbox): what a vendor's client is given beside its key
// (the account's domain, the bot's address), which tests and configs
// write under the same words (zendesk token - '...@acme.com'). No token
// alphabet ends a key with a dot and a word of lower-case letters: base64,
// hex and base32 hold no dot, and the dotted tokens (JWTs, hvs., pat.)
// end in random characters. A value under a name that says password is
// still reported: a person may choose an address as a password.
func addressValue(r *rule, text []byte, loc []int, secret []byte) bool {
	if bytes.IndexByte(secret, '.') < 0 || !hostOrMailbox.Match(secret) {
		return false
	}
	if r.names == nil {
		return true
	}
	for _, g := range r.names.name {
		if 2*g+1 < len(loc) && loc[2*g] >= 0 && passwordName(identifier(text, loc[2*g], loc[2*g+1])) {
			return false
		}
	}
	return true
}
