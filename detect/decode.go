package detect

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"path"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/leakhound/leakhound/leak"
)

// Decoding finds secrets that are stored encoded: a Kubernetes Secret's
// base64 data, a docker config's base64 "user:password", an HTTP Basic
// authorization header, a hex or percent-encoded connection string, a
// config file or a notebook cell inside a JSON string.
//
// After the rules have run over the regions of a fragment, the decoder looks
// in the same regions (so lines skipped as seen before cost nothing) for
// candidate tokens:
//
//   - base64 or base64url: a run of at least minBase64 characters of one
//     alphabet, with optional "=" padding;
//   - hex: an even run of at least minHex hex digits;
//   - percent: a run holding at least minPercent %XX escapes and no "://"
//     (a URL whose password alone is escaped is the rules' business, with
//     secretDecode = "percent");
//   - escaped: the text of a line between two unescaped double quotes (or
//     a line's end) that holds backslash escapes, as JSON, JavaScript,
//     Python and shell strings write them (\" \\ \/ \n \r \t \uXXXX \xXX
//     \'), and an assignment or a URL (one of = : @ >, or "-----"): a
//     config file, a notebook cell, a JSON document or a key in a JSON
//     string, an https:\/\/ URL; or a string assigned to a name
//     ("password": "a\u0026b"), whose escapes would cut the value short;
//   - shell words: single-quoted strings joined around a quoted single
//     quote (the quote written \' or "'" between them), the one way a
//     shell's single quotes hold one; the word is read as one
//     double-quoted string.
//
// A base64, hex or percent token is decoded only if the result is printable
// ASCII (text, tabs and line breaks) of at least minDecoded bytes: random
// bytes almost never are, so identifiers, hashes and binary blobs are
// dropped after decoding their first few bytes. The line holding the token,
// with the token replaced by what it decodes to, is then scanned with every
// rule, and decoded again, up to maxDecodeDepth encodings deep.
//
// The escaped tokens of a line are unescaped together, and the line is
// scanned once with all of them in place: a JSON document on one line
// costs one more scan, not one per string.
//
// A match in the decoded text of a base64, hex or percent token is reported
// at the token's place, with Decoded naming the encodings, Secret the
// decoded secret and Text the token as written. Unescaping moves every
// character by a known amount, so a match in unescaped text is reported at
// its own place in the line as written: Decoded is "escape" and Text the
// secret as written when the secret held an escape, and a match that held
// none is an ordinary match (the escapes were around it: \"password\": ...).
//
// One piece of file context travels with the decoded line: in a Kubernetes
// Secret manifest (a YAML or JSON file that says "kind: Secret"), the
// decoded line is preceded by a line "kind: Secret", so that a rule can
// report every value of a Secret's data whatever its key is called.
//
// A token that decodes to text is judged by that text: matches of generic
// rules on the encoded form are dropped (the base64 of "changeme" looks
// random but is a placeholder), and so are matches of a rule that also
// matched the decoded text.
const (
	minBase64      = 12
	minHex         = 16
	minPercent     = 3
	minPercentB64  = 20
	minDecoded     = 6
	maxToken       = 64 << 10
	maxDecodeDepth = 3
	// decodeBudget caps the tokens decoded to text per fragment, nested
	// ones included, so that a file of a million base64 strings costs a
	// bounded time. Past it the fragment is reported as capped.
	decodeBudget = 4096
	// escapeBudget caps the bytes of lines unescaped and scanned again per
	// fragment: a generated JSON document (a search index of a megabyte on
	// one line) is scanned as written, and unescaped only this far.
	escapeBudget = 256 << 10
)

// kubeContext is the line that stands for a Kubernetes Secret manifest in
// decoded text.
const kubeContext = "kind: Secret\n"

// dockerAuthVar is GitLab's variable that holds a docker config.
const dockerAuthVar = "DOCKER_AUTH_CONFIG"

// dockerAuthContext is the line that stands, in decoded text, for the
// YAML block scalar of dockerAuthVar that holds the token's line (a docker
// config written over several lines, in a CI file or a runner's
// configuration): the docker rules read the config as a credential store
// there, as they do where the variable's name shares the auth's line.
const dockerAuthContext = dockerAuthVar + "\n"

// maxBlockLookback bounds the lines that inBlockOf reads above a token.
const maxBlockLookback = 64

// Character classes of candidate tokens.
const (
	cAlnum = 1 << iota
	cStd   // + or /, base64 only
	cURL   // - or _, base64url only
	cHex   // 0-9a-fA-F
)

var charClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = cAlnum | cHex
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = cAlnum
		t[c-'a'+'A'] = cAlnum
	}
	for _, c := range "abcdefABCDEF" {
		t[c] |= cHex
	}
	t['+'], t['/'] = cStd, cStd
	t['-'], t['_'] = cURL, cURL
	return t
}()

// budget is what a fragment may still decode (see decodeBudget and
// escapeBudget).
type budget struct{ tokens, escaped int }

// decoded is a token that decoded to text, and what scanning that text
// found.
type decoded struct {
	start, end int
	rules      map[*rule]bool
	// kept marks a string's run whose escapes keep their characters
	// (\" \' \\ \/; see unescape): written so, it is the text itself
	// (unescaped, a quote would end the literal), so that a generic match
	// on the run as written stands unless the unescaped text gave one
	// (see superseded).
	kept bool
}

// decodeRegions decodes the candidate tokens in content's regions, scans
// what they decode to, and merges the matches into res: decoded matches are
// added, matches on the encoded form that the decoded text supersedes are
// dropped. depth is the number of encodings already peeled off content.
func (d *Detector) decodeRegions(content []byte, sc *scratch, regions [][2]int, srcs []leak.Source, depth int, budget *budget, res *Result) {
	var found []decoded
	var matches []Match
	kube := -1 // unknown
	// dockerAuth is 1 when content names dockerAuthVar, so that only such
	// content pays for looking up a token's block; -1 until a token is
	// tried, so that content with none is not read for it.
	dockerAuth := -1
	// try scans the decoded text dec of the token content[s:e].
	try := func(s, e int, dec []byte, enc string) bool {
		if budget.tokens <= 0 {
			return false
		}
		budget.tokens--
		dec = echoTrimmed(dec)
		if dockerAuth < 0 {
			dockerAuth = 0
			if bytes.Contains(content, []byte(dockerAuthVar)) {
				dockerAuth = 1
			}
		}
		if kube < 0 {
			kube = 0
			if depth == 0 && isKubeSecret(content) && (manifestPath(srcs) || !codePath(srcs) && bytes.Contains(content, []byte("apiVersion"))) {
				kube = 1
			}
		}
		ls := lineStartBefore(content, s, 0)
		le := lineEndAfter(content, max(s, e-1), 0)
		rest := bytes.TrimRight(content[e:max(e, le)], "\r\n")
		synth := make([]byte, 0, len(kubeContext)+len(dockerAuthContext)+(s-ls)+len(dec)+len(rest)+1+maxSequenceKey)
		keyed := false
		if dockerAuth == 1 && inBlockOf(content, ls, dockerAuthVar) {
			synth = append(synth, dockerAuthContext...)
		}
		if kube == 1 {
			synth = append(synth, kubeContext...)
			if key := blockScalarKey(content, ls, s); key != nil {
				// The value of a block scalar (".dockercfg: |" and the
				// value on the lines below): decoded as if written on
				// its key's line, so that the key names it.
				synth = append(synth, key...)
				ls = s
				keyed = true
			}
		}
		if !keyed && ls > 0 && bareLine(content[ls:s]) {
			// The token's line holds no name before it (a Java
			// declaration's "= \"...\"" below its name, an XML element's
			// text or <string> below its key, a heredoc's body): the line
			// above, which names it, is scanned with it.
			ls = lineStartBefore(content, ls-1, 0)
		}
		if key := sequenceKey(content, ls, s); key != nil {
			// A list item under a key ("Authorization:" and "- Basic
			// ..." on the line below, as recorded HTTP exchanges write
			// headers): the key travels with the item, as a Secret's
			// kind does, so that the rules that want the key see it.
			synth = append(synth, key...)
		}
		synth = append(synth, content[ls:s]...)
		p := len(synth)
		synth = append(synth, dec...)
		q := len(synth)
		synth = append(synth, rest...)
		synth = append(synth, '\n')

		ms := d.scanDecoded(synth, [][2]int{{p, q}}, srcs, sc.only, depth+1, budget, res)
		tok := decoded{start: s, end: e}
		for _, m := range ms {
			if m.Start < p || m.End > q {
				// Found in the line around the token, or in more than the
				// token: a random password holding a run of base64 that
				// decodes to text by chance is not a new secret.
				continue
			}
			if tok.rules == nil {
				tok.rules = make(map[*rule]bool)
			}
			tok.rules[m.rule] = true
			m.Start, m.End, m.token, m.span = s, e, true, [2]int{s, e}
			m.Line, m.Column = sc.position(s)
			m.EndLine, m.EndColumn = sc.position(e - 1)
			if m.inner == "" {
				m.inner = m.Text
			}
			m.Text = string(content[s:e])
			if m.Decoded != "" {
				m.Decoded = enc + "+" + m.Decoded
			} else {
				m.Decoded = enc
			}
			matches = append(matches, m)
		}
		found = append(found, tok)
		return true
	}
	capped := false
	for _, reg := range regions {
		if !eachToken(content, reg[0], reg[1], try) {
			capped = true
			break
		}
	}
	if !capped {
		for _, reg := range regions {
			ms, toks, ok := d.unescapeLines(content, sc, reg[0], reg[1], srcs, depth, budget, res)
			matches, found = append(matches, ms...), append(found, toks...)
			if !ok {
				capped = true
				break
			}
		}
	}
	if capped {
		res.Capped = append(res.Capped, CappedDecoding)
	}
	if len(found) == 0 {
		return
	}
	// Drop matches on encoded forms that the decoded text supersedes.
	out := res.Matches[:0]
	for _, m := range res.Matches {
		if !superseded(&m, found) {
			out = append(out, m)
		}
	}
	res.Matches = append(out, matches...)
}

func superseded(m *Match, found []decoded) bool {
	if m.Decoded != "" {
		return false
	}
	for i := range found {
		t := &found[i]
		if m.Start >= t.start && m.End <= t.end && (m.rule.generic && (!t.kept || len(t.rules) > 0) || t.rules[m.rule]) {
			return true
		}
	}
	return false
}

// scanDecoded scans synthetic content, decoded text in its line, with
// the fragment's rules (every rule, or those only picks), and decodes what lies in the decoded regions
// further while depth allows. It returns the matches in synth's offsets.
func (d *Detector) scanDecoded(synth []byte, decoded [][2]int, srcs []leak.Source, only ruleChoice, depth int, budget *budget, parent *Result) []Match {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	// The fragment's choice of rules, not the one a pooled scratch kept
	// from the fragment it last served.
	sc.only = only
	sc.splitLines(synth)
	sc.regions = append(sc.regions[:0], [2]int{0, len(synth)})
	sc.allowed = sc.allowed[:0]
	var res Result
	if err := d.scanRegions(synth, sc, &res, srcs); err != nil {
		// A rule that does not compile failed on the fragment itself
		// already, where the error is reported.
		return nil
	}
	if depth < maxDecodeDepth {
		d.decodeRegions(synth, sc, decoded, srcs, depth, budget, &res)
	}
	res.Matches = d.dedupe(res.Matches)
	parent.Capped = append(parent.Capped, res.Capped...)
	return res.Matches
}

// manifestPath reports whether one of srcs is a YAML or JSON file (or
// there are none): where a Kubernetes manifest can be. Elsewhere, content
// with an apiVersion key counts as a manifest too (a Helm template, a
// shell script's heredoc piped to kubectl, notes), unless it is a
// program's source (see codePath), where a manifest is a test's string.
func manifestPath(srcs []leak.Source) bool {
	if len(srcs) == 0 {
		return true
	}
	for _, s := range srcs {
		switch strings.ToLower(path.Ext(s.Path)) {
		case ".yaml", ".yml", ".json":
			return true
		}
	}
	return false
}

// codeExts are the extensions of programs' source files.
var codeExts = map[string]bool{
	".go": true, ".py": true, ".js": true, ".mjs": true, ".cjs": true, ".jsx": true, ".ts": true,
	".tsx": true, ".java": true, ".kt": true, ".scala": true, ".rb": true, ".php": true, ".cs": true,
	".rs": true, ".c": true, ".cc": true, ".cpp": true, ".h": true, ".hpp": true, ".swift": true,
}

// codePath reports whether every one of srcs, and at least one, is a
// program's source file.
func codePath(srcs []leak.Source) bool {
	for _, s := range srcs {
		if !codeExts[strings.ToLower(path.Ext(s.Path))] {
			return false
		}
	}
	return len(srcs) > 0
}

// bareLine reports whether what precedes a token on its line names
// nothing: white space, quotes, operators and XML tags alone.
func bareLine(prefix []byte) bool {
	tag := false
	for _, c := range prefix {
		switch {
		case c == '<':
			tag = true
		case c == '>':
			tag = false
		case !tag && (isAlnum(c) || c == '_' || c >= 0x80):
			return false
		}
	}
	return !tag
}

// blockScalarKey returns the key of the YAML block scalar whose first
// line of content the token at s begins, "  .dockercfg: ", or nil: the
// token's line, which starts at ls, holds only indentation before it, and
// the line above is a key, quoted or not, whose value is a block scalar's
// indicator (| or >, with a chomping or indentation indicator), indented
// less than the token.
func blockScalarKey(content []byte, ls, s int) []byte {
	indent := content[ls:s]
	if ls == 0 || len(indent) == 0 || len(bytes.Trim(indent, " \t")) != 0 {
		return nil
	}
	key := blockKey(content[lineStartBefore(content, ls-1, 0) : ls-1])
	if key == nil {
		return nil
	}
	name := bytes.TrimLeft(key, " \t")
	if len(key)-len(name) >= len(indent) {
		return nil
	}
	if !plainKey(name) {
		return nil
	}
	out := make([]byte, 0, len(key)+2)
	return append(append(out, key...), ": "...)
}

// blockKey returns the key of line, with its indentation, when line is a
// key (quoted or not) whose value is a block scalar's indicator (| or >,
// with a chomping or indentation indicator); otherwise nil.
func blockKey(line []byte) []byte {
	line = bytes.TrimRight(line, " \t\r")
	colon := bytes.LastIndexByte(line, ':')
	if colon < 0 {
		return nil
	}
	ind := bytes.TrimLeft(bytes.TrimRight(line[colon+1:], "-+0123456789"), " \t")
	if len(ind) != 1 || (ind[0] != '|' && ind[0] != '>') {
		return nil
	}
	return line[:colon]
}

// inBlockOf reports whether the line that starts at ls lies in the body
// of a YAML block scalar whose key is name (quoted or not): above it, no
// more than maxBlockLookback lines up, a line that ends in the key, its
// colon and a block indicator (| or >, with a chomping or indentation
// indicator), indented less than every line between it and ls. A line
// indented less than the lines below it that is no such key belongs to
// the body (JSON nests), unless it starts at the margin: a top-level
// line ends the search.
func inBlockOf(content []byte, ls int, name string) bool {
	indent := func(line []byte) int { return len(line) - len(bytes.TrimLeft(line, " \t")) }
	least := indent(content[ls:lineEndAfter(content, ls, 0)])
	for i, n := ls, 0; i > 0 && n < maxBlockLookback; n++ {
		ps := lineStartBefore(content, i-1, 0)
		line := content[ps : i-1]
		i = ps
		ind := indent(line)
		if ind >= least || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if key := blockKey(line); key != nil {
			return string(bytes.Trim(bytes.TrimLeft(key, " \t"), `"'`)) == name
		}
		if ind == 0 {
			return false
		}
		least = ind
	}
	return false
}

// maxSequenceKey bounds the key line that sequenceKey returns.
const maxSequenceKey = 256

// sequenceKey returns the line above the token at s, with its line break,
// when the token's line, which starts at ls, is an item of a YAML block
// sequence ("- " after indentation, then anything before the token) and
// the line above is the key the sequence is the value of, quoted or not,
// with nothing after its colon and indented no more than the item's dash
// (YAML lets a sequence stand at its key's indentation). Otherwise nil.
func sequenceKey(content []byte, ls, s int) []byte {
	if ls == 0 {
		return nil
	}
	item := bytes.TrimLeft(content[ls:s], " \t")
	if len(item) < 2 || item[0] != '-' || (item[1] != ' ' && item[1] != '\t') {
		return nil
	}
	dash := s - ls - len(item)
	ps := lineStartWithin(content, ls-1, 0, maxSequenceKey)
	if ps > 0 && content[ps-1] != '\n' {
		return nil // a longer line than a key's
	}
	prev := bytes.TrimRight(content[ps:ls-1], " \t\r")
	if len(prev) < 2 || prev[len(prev)-1] != ':' {
		return nil
	}
	name := bytes.TrimLeft(prev, " \t")
	if len(prev)-len(name) > dash {
		return nil
	}
	if !plainKey(name[:len(name)-1]) {
		return nil
	}
	return content[ps:ls]
}

// plainKey reports whether name, quoted or not, is a YAML key of letters,
// digits, "_", "." and "-": a configuration's key, not a line of prose or
// code that happens to end with a colon.
func plainKey(name []byte) bool {
	name = bytes.Trim(name, `"'`)
	return len(name) > 0 && len(bytes.TrimLeft(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")) == 0
}

// isKubeSecret reports whether content looks like a Kubernetes Secret
// manifest, in YAML or JSON: a kind key, quoted or not, whose value is
// Secret, quoted or not. Hand-written manifests in docs and tests also
// write it "secret"; SecretStore and other kinds that start with Secret
// are not Secrets.
func isKubeSecret(content []byte) bool {
	for i := 0; ; {
		k := bytes.Index(content[i:], []byte("kind"))
		if k < 0 {
			return false
		}
		start := i + k
		i = start + len("kind")
		if (start == 0 || !identChar(content[start-1])) && kindSecretAt(content, i) {
			return true
		}
	}
}

// kindSecretAt reports whether content, right after a "kind" key at i,
// goes on `: Secret` (in YAML or JSON quoting) and the value ends there.
func kindSecretAt(content []byte, i int) bool {
	skip := func(set string) {
		for i < len(content) && strings.IndexByte(set, content[i]) >= 0 {
			i++
		}
	}
	skip(`"'`)
	skip(" \t")
	if i >= len(content) || content[i] != ':' {
		return false
	}
	i++
	skip(" \t")
	skip(`"'`)
	if i+6 > len(content) || (string(content[i:i+6]) != "Secret" && string(content[i:i+6]) != "secret") {
		return false
	}
	i += 6
	return i == len(content) || strings.IndexByte("\"' \t\r\n,}", content[i]) >= 0
}

// eachToken calls try for each candidate token in content[start:end] that
// decodes to text, with what it decodes to and the encoding's name. It
// stops, returning false, when try does.
func eachToken(content []byte, start, end int, try func(s, e int, dec []byte, enc string) bool) bool {
	i := start
	for i < end {
		c := content[i]
		if c == '%' {
			if s, e, ok := percentToken(content, i, start, end); ok {
				if dec := decodePercent(content[s:e]); dec != nil {
					if !try(s, e, dec, "percent") {
						return false
					}
				}
				i = e
				continue
			}
			i++
			continue
		}
		if charClass[c] == 0 {
			i++
			continue
		}
		s := i
		var flags uint8
		for i < end && charClass[content[i]] != 0 {
			flags |= charClass[content[i]]
			i++
		}
		body := i
		for i < end && i-body < 2 && content[i] == '=' {
			i++
		}
		if i < end && content[i] == '%' {
			continue // part of a percent-encoded run: handled there
		}
		if dec, enc := decodeToken(content[s:body], i-body, flags); dec != nil {
			if !try(s, i, dec, enc) {
				return false
			}
		}
	}
	return true
}

// decodeToken decodes a base64, base64url or hex token (its body, without
// padding, and the number of padding characters that followed), if it
// decodes to text.
func decodeToken(body []byte, pad int, flags uint8) ([]byte, string) {
	n := len(body)
	if n+pad < minBase64 || n > maxToken {
		return nil, ""
	}
	if pad == 0 && n >= minHex && n%2 == 0 && flags&^(cAlnum|cHex) == 0 && allHex(body) {
		if dec := decodeHex(body); dec != nil {
			return dec, "hex"
		}
	}
	if flags&cStd != 0 && flags&cURL != 0 || n%4 == 1 {
		return nil, ""
	}
	enc, name := base64.RawStdEncoding, "base64"
	if flags&cURL != 0 {
		enc, name = base64.RawURLEncoding, "base64url"
	}
	// Most tokens are identifiers or random: reject them on their first
	// bytes before decoding the rest.
	var head [6]byte
	if _, err := enc.Decode(head[:], body[:8]); err != nil || !printable(head[:]) {
		return nil, ""
	}
	dec := make([]byte, enc.DecodedLen(n))
	if _, err := enc.Decode(dec, body); err != nil || !printable(dec) || len(dec) < minDecoded {
		return nil, ""
	}
	return dec, name
}

// echoTrimmed drops the line break that ends a one-line decoded value:
// `echo user:pw | base64` encodes echo's newline with the value, and the
// value's closing quote or the rest of its line then follows it. Text of
// several lines (a PEM block, a config file) keeps its last line break.
func echoTrimmed(dec []byte) []byte {
	t := bytes.TrimSuffix(dec, []byte("\n"))
	if len(t) == len(dec) {
		return dec
	}
	t = bytes.TrimSuffix(t, []byte("\r"))
	if bytes.IndexAny(t, "\r\n") >= 0 {
		return dec
	}
	return t
}

func allHex(b []byte) bool {
	for _, c := range b {
		if charClass[c]&cHex == 0 {
			return false
		}
	}
	return true
}

func decodeHex(body []byte) []byte {
	var head [4]byte
	if _, err := hex.Decode(head[:], body[:8]); err != nil || !printable(head[:]) {
		return nil
	}
	dec := make([]byte, len(body)/2)
	if _, err := hex.Decode(dec, body); err != nil || !printable(dec) || len(dec) < minDecoded {
		return nil
	}
	return dec
}

// printable reports whether b is printable ASCII text.
func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c > 0x7e {
			return false
		}
	}
	return true
}

// percentDelim ends a percent-encoded token.
func percentDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>', '(', ')', '[', ']', '{', '}', ',', ';':
		return true
	}
	return c < 0x20 || c > 0x7e
}

func isHexDigit(c byte) bool { return charClass[c]&cHex != 0 }

// percentToken returns the token around the '%' at i, if it holds no
// "://" and at least minPercent escapes, or is a URL-encoded base64 token:
// minPercentB64 characters at least whose escapes, one or more, all stand
// for base64's '+', '/' or '=' (an Atlassian token's "%3D", a signature's
// "%2B"), which a URL's query string or a form encodes; a query string
// itself ("?" or "&" in it) is left as written, where a rule reads its
// parameters (an Azure SAS token's sig=).
func percentToken(content []byte, i, start, end int) (s, e int, ok bool) {
	s = i
	for s > start && !percentDelim(content[s-1]) {
		s--
	}
	e = i
	escapes, b64 := 0, true
	for e < end && !percentDelim(content[e]) {
		if content[e] == '%' && e+2 < end && isHexDigit(content[e+1]) && isHexDigit(content[e+2]) {
			escapes++
			b64 = b64 && base64Escape(content[e+1], content[e+2])
			e += 3
			continue
		}
		e++
	}
	encoded := escapes >= minPercent ||
		escapes > 0 && b64 && e-s >= minPercentB64 && bytes.IndexAny(content[s:e], "?&") < 0
	return s, e, encoded && e-s <= maxToken && !bytes.Contains(content[s:e], []byte("://"))
}

// base64Escape reports whether the escape %hl stands for '+', '/' or '='.
func base64Escape(h, l byte) bool {
	switch h {
	case '2':
		return l == 'B' || l == 'b' || l == 'F' || l == 'f'
	case '3':
		return l == 'D' || l == 'd'
	}
	return false
}

// decodePercent decodes %XX escapes; it returns nil unless the result is
// text.
func decodePercent(tok []byte) []byte {
	dec := percentDecode(tok)
	if !printable(dec) || len(dec) < minDecoded {
		return nil
	}
	return dec
}

func percentDecode(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '%' && i+2 < len(b) && isHexDigit(b[i+1]) && isHexDigit(b[i+2]) {
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
			continue
		}
		out = append(out, b[i])
	}
	return out
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// rewrite is a run of a line, content[s:e], and the text it stands for,
// dec, with the offset in content each byte of dec comes from (offs, one
// more for its end): a string with its escapes decoded, or a shell word
// written as one string (see unescapeLines). kept is as decoded's.
// wrapped marks a dec that is the run's text in double quotes, with its
// own double quotes and backslashes escaped (see shellWord): a secret found
// in it is reported without those escapes.
type rewrite struct {
	s, e    int // in content
	p, q    int // in the line's synthetic text
	dec     []byte
	offs    []int
	kept    bool
	wrapped bool
	// how names the rewrite in a finding's Decoded ("concatenation"), for
	// a run that is no escaped text; "escape" if empty.
	how string
}

// lineRewrites returns the runs to rewrite of the line content[ls:text]
// of content[start:end], appended to toks, the span of lines that holds
// them (the line, or lines around it that a run takes in: an array written
// over several lines), without its last line break, and whether the span is
// worth a scan with them.
type lineRewrites func(content []byte, start, end, ls, text int, toks []rewrite) (from, to int, _ []rewrite, worth bool)

// unescapeLines scans, once each, the lines of content[start:end] whose
// text is not what they say as written: strings that hold escaped tokens
// (see Decoding and escapedStrings), shell words that join single-quoted
// strings around a quoted single quote (see shellWords), and commands
// written as arrays of strings, which may take in the lines around (see
// argvRuns), text that HTML or XML escaped (see htmlEntities), and string
// literals joined by "+" (see concatenations). Each such line is scanned with every such run replaced by its
// text. A match whose secret
// lies in a run is placed where it is written (see rewrite's offsets);
// other matches in the line were found as written already. It returns the
// matches and the runs, and false when the decoding budget ran out.
func (d *Detector) unescapeLines(content []byte, sc *scratch, start, end int, srcs []leak.Source, depth int, budget *budget, res *Result) ([]Match, []decoded, bool) {
	ms, found, ok := d.rewriteLines(content, sc, start, end, findBackslash, escapedStrings, srcs, depth, budget, res)
	if !ok {
		return ms, found, false
	}
	for _, find := range findShellQuotes {
		more, toks, ok := d.rewriteLines(content, sc, start, end, find, shellWords, srcs, depth, budget, res)
		ms, found = append(ms, more...), append(found, toks...)
		if !ok {
			return ms, found, false
		}
	}
	more, toks, ok := d.rewriteLines(content, sc, start, end, findArgv, argvRuns(), srcs, depth, budget, res)
	ms, found = append(ms, more...), append(found, toks...)
	if !ok {
		return ms, found, false
	}
	more, toks, ok = d.rewriteLines(content, sc, start, end, findEntity, htmlEntities, srcs, depth, budget, res)
	ms, found = append(ms, more...), append(found, toks...)
	if !ok {
		return ms, found, false
	}
	more, toks, ok = d.rewriteLines(content, sc, start, end, concatIndex, concatenations, srcs, depth, budget, res)
	return append(ms, more...), append(found, toks...), ok
}

// rewriteLines scans each line of content[start:end] where find finds a
// mark (its offset in the bytes it is given, or -1) and that runs finds
// worth a scan, with the line's runs replaced by their text (see
// unescapeLines).
func (d *Detector) rewriteLines(content []byte, sc *scratch, start, end int, find func([]byte) int, runs lineRewrites, srcs []leak.Source, depth int, budget *budget, res *Result) ([]Match, []decoded, bool) {
	var matches []Match
	var found []decoded
	var toks []rewrite
	for i := start; i < end; {
		j := find(content[i:end])
		if j < 0 {
			break
		}
		ls := max(lineStartBefore(content, i+j, 0), start)
		le := min(lineEndAfter(content, i+j, 0), end)
		i = le
		text := le // the line without its line break
		if text > ls && content[text-1] == '\n' {
			text--
		}
		var worth bool
		if ls, text, toks, worth = runs(content, start, end, ls, text, toks[:0]); !worth {
			continue
		}
		i = max(i, min(text+1, end))
		if budget.tokens <= 0 || budget.escaped < text-ls {
			return matches, found, false
		}
		budget.tokens--
		budget.escaped -= text - ls
		// The line with its runs rewritten, and where each of its bytes
		// (and its end) comes from.
		synth := make([]byte, 0, text-ls+1)
		offs := make([]int, 0, text-ls+1)
		at := ls
		regions := make([][2]int, 0, len(toks))
		for n := range toks {
			t := &toks[n]
			for ; at < t.s; at++ {
				synth, offs = append(synth, content[at]), append(offs, at)
			}
			t.p = len(synth)
			synth, offs = append(synth, t.dec...), append(offs, t.offs[:len(t.dec)]...)
			t.q = len(synth)
			regions = append(regions, [2]int{t.p, t.q})
			at = t.e
		}
		for ; at < text; at++ {
			synth, offs = append(synth, content[at]), append(offs, at)
		}
		offs = append(offs, text)
		synth = append(synth, '\n')

		ms := d.scanDecoded(synth, regions, srcs, sc.only, depth+1, budget, res)
		rules := make([]map[*rule]bool, len(toks))
		for _, m := range ms {
			touched := -1
			for n := range toks {
				if m.Start >= toks[n].p && m.End <= toks[n].q {
					touched = n
					break
				}
			}
			if touched < 0 || m.End >= len(offs) {
				// Found as written already, or a secret that runs from one
				// string into the code around it: "-----BEGIN ...\n" +
				// strings.Repeat(...) is no key.
				continue
			}
			if rules[touched] == nil {
				rules[touched] = make(map[*rule]bool)
			}
			rules[touched][m.rule] = true
			s, e := offs[m.Start], offs[m.End]
			written := content[s:e]
			how := cmp.Or(toks[touched].how, "escape")
			m.Start, m.End = s, e
			m.Line, m.Column = sc.position(s)
			m.EndLine, m.EndColumn = sc.position(e - 1)
			switch {
			case m.Decoded != "":
				m.Decoded = "escape+" + m.Decoded
				m.Text = string(written)
			case string(written) != m.Secret:
				m.Decoded = how
				m.Text = string(written)
			}
			if toks[touched].wrapped && m.Decoded == how {
				m.Secret = unquote(m.Secret, '"')
			}
			// Allowlists saw the rewritten text; they see what is written
			// too (a documented example listed as it is written).
			m.lineText = string(content[ls:text])
			if m.Decoded != "" && d.allowedByContent(&m) {
				continue
			}
			matches = append(matches, m)
		}
		for n, t := range toks {
			found = append(found, decoded{start: t.s, end: t.e, rules: rules[n], kept: t.kept})
		}
	}
	return matches, found, true
}

// escapedStrings returns the runs of a line between unescaped double
// quotes (or the line's ends) that hold backslash escapes, unescaped (see
// unescape); the line is worth a scan if one of them can hold what an
// escape hid from the rules (see worthScanning), or is a string assigned
// to a name that could be a secret (see assignedString).
func escapedStrings(content []byte, _, _, ls, text int, toks []rewrite) (int, int, []rewrite, bool) {
	worth := false
	seg := ls
	for k := ls; k <= text; k++ {
		if k < text && content[k] == '\\' {
			if k+1 < text {
				k++ // the escaped character
			}
			continue
		}
		if k < text && content[k] != '"' {
			continue
		}
		if dec, offs, kept := unescape(content, seg, k); dec != nil {
			toks = append(toks, rewrite{s: seg, e: k, dec: dec, offs: offs, kept: kept})
			worth = worth || worthScanning(dec) || assignedString(content, ls, seg) && asciiValue(dec)
		}
		seg = k + 1
	}
	return ls, text, toks, worth
}

// markIndex returns the finder of mark for rewriteLines.
func markIndex(mark []byte) func([]byte) int {
	return func(b []byte) int { return bytes.Index(b, mark) }
}

// The finders of the marks of escapes, argv arrays and entities.
var (
	findBackslash = markIndex([]byte{'\\'})
	findArgv      = markIndex(argvMark)
	findEntity    = markIndex(entityMark)
	// findShellQuotes are shellQuoteMarks' finders.
	findShellQuotes = []func([]byte) int{markIndex(shellQuoteMarks[0]), markIndex(shellQuoteMarks[1])}
)

// shellQuoteMarks are what a shell word that holds a single quote holds
// (see shellWords): the line finder of its rewrites looks for them.
var shellQuoteMarks = [][]byte{[]byte(`'\''`), []byte(`'"'"'`)}

// shellWords returns the shell words of a line that join single-quoted
// strings around a quoted single quote, the one way a shell's single
// quotes hold one: 'Xk9#mQ2' then \' then 'vL7pR4tZ' (bash's ${v@Q}), or
// 'Xk9#mQ2'"'"'vL7pR4tZ' (Python's shlex.quote). Each stands for one
// double-quoted string, "Xk9#mQ2'vL7pR4tZ" (a double quote or backslash in
// it escaped), which the rules read as they read any quoted value. The
// line is worth a scan if one of them could be a secret (see asciiValue).
// A word's runs are not kept (see decoded): a generic match on one of its
// pieces as written is a piece of a value, never the value.
func shellWords(content []byte, _, _, ls, text int, toks []rewrite) (int, int, []rewrite, bool) {
	worth := false
	for k := ls; k < text; {
		switch content[k] {
		case '\\':
			k += 2
		case '"':
			k = closingQuote(content, k+1, text, '"') + 1
		case '\'':
			t, next := shellWord(content, k, text)
			if t.dec != nil {
				toks = append(toks, t)
				worth = worth || asciiValue(t.dec)
			}
			k = next
		default:
			k++
		}
	}
	return ls, text, toks, worth
}

// shellWord reads the shell word whose single-quoted string opens at p (see
// shellWords) and returns it, with its dec nil unless it joins strings
// around a quoted single quote, and the offset where reading goes on.
func shellWord(content []byte, p, text int) (rewrite, int) {
	c := closingQuote(content, p+1, text, '\'')
	if c >= text {
		return rewrite{}, text
	}
	t := rewrite{s: p, dec: []byte{'"'}, offs: []int{p}, wrapped: true}
	put := func(from int, b byte) {
		if b == '"' || b == '\\' {
			t.dec, t.offs = append(t.dec, '\\'), append(t.offs, from)
		}
		t.dec, t.offs = append(t.dec, b), append(t.offs, from)
	}
	for i := p + 1; i < c; i++ {
		put(i, content[i])
	}
	at, joined := c+1, false
	for at < text {
		rest := content[at:text]
		if bytes.HasPrefix(rest, []byte(`\'`)) {
			put(at, '\'')
			at, joined = at+2, true
		} else if bytes.HasPrefix(rest, []byte(`"'"`)) {
			put(at+1, '\'')
			at, joined = at+3, true
		} else if rest[0] == '\'' && joined {
			next := closingQuote(content, at+1, text, '\'')
			if next >= text {
				break // an unclosed string: the word ends before it
			}
			for i := at + 1; i < next; i++ {
				put(i, content[i])
			}
			at = next + 1
		} else {
			break
		}
	}
	if !joined {
		return rewrite{}, c + 1
	}
	t.dec, t.offs = append(t.dec, '"'), append(t.offs, at-1, at)
	t.e = at
	return t, at
}

// unquoteMatches reports a value that escapes its own literal's quote as
// the value the literal means: "Zr4n\"B8cW" holds the password Zr4n"B8cW,
// and 'Hx5t\'Q9wL' or (YAML, SQL) 'Hx5t' then 'Q9wL' doubled the password
// Hx5t'Q9wL, so that it is fingerprinted as the same password written
// unquoted elsewhere. The unescaped line cannot find such a value
// (unescaped, its quote ends the string), so the match found as written
// stands (see decoded's kept) and is unquoted here: Decoded says
// "escape", Text holds the value as written. A raw literal (r"...",
// @"...") escapes nothing, and is left as written.
func unquoteMatches(content []byte, ms []Match) {
	for i := range ms {
		m := &ms[i]
		if m.Decoded != "" || m.Start < 1 || m.End >= len(content) {
			continue
		}
		q := content[m.Start-1]
		if q != '"' && q != '\'' || content[m.End] != q || m.Start >= 2 && strings.IndexByte("rR@", content[m.Start-2]) >= 0 {
			continue
		}
		if escapesQuote(m.Secret, q) {
			m.Text, m.Secret, m.Decoded = m.Secret, unquote(m.Secret, q), "escape"
		}
	}
}

// escapesQuote reports whether s, the value of a literal in quotes q,
// escapes q: a backslash before it, or in single quotes q doubled.
func escapesQuote(s string, q byte) bool {
	return strings.Contains(s, "\\"+string(q)) || q == '\'' && strings.Contains(s, "''")
}

// unquote returns s, the value of a literal in quotes q, with its escapes
// of q undone (see escapesQuote), and in double quotes its escaped
// backslashes.
func unquote(s string, q byte) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == q || q == '"' && s[i+1] == '\\'):
			i++
			c = s[i]
		case c == '\'' && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		}
		b.WriteByte(c)
	}
	return b.String()
}

// closingQuote returns the offset of the quote q that closes a string
// opened just before from, or text if the line ends first; in a
// double-quoted string a backslash escapes the character after it.
func closingQuote(content []byte, from, text int, q byte) int {
	for k := from; k < text; k++ {
		switch content[k] {
		case q:
			return k
		case '\\':
			if q == '"' {
				k++
			}
		}
	}
	return text
}

// unescape returns the text of content[s:e] with its backslash escapes
// decoded, and for each byte of it (and its end) the offset in content it
// comes from; nil if it holds no escape. An escaped CRLF or CR becomes
// "\n", as textenc makes line ends. kept reports that no escape stands for
// another character (\n, \r, \t, \u, \x) and no backslash ends the text:
// the escapes of a generated password's punctuation in a string literal
// ("Zr4n\"B8cW\\q"), not text written in code points (\u043f) or line
// breaks.
func unescape(content []byte, s, e int) (dec []byte, offs []int, kept bool) {
	if bytes.IndexByte(content[s:e], '\\') < 0 || e-s > maxToken {
		return nil, nil, false
	}
	dec = make([]byte, 0, e-s)
	offs = make([]int, 0, e-s+1)
	escaped, kept := false, true
	put := func(from int, b ...byte) {
		for _, c := range b {
			dec = append(dec, c)
			offs = append(offs, from)
		}
	}
	for i := s; i < e; {
		c := content[i]
		if c != '\\' || i+1 == e {
			if c == '\\' {
				kept = false // a backslash that ends the text
			}
			put(i, c)
			i++
			continue
		}
		n := content[i+1]
		kept = kept && n != 'n' && n != 'r' && n != 't' && n != 'u' && n != 'x'
		switch n {
		case '\'':
			if i > s && content[i-1] == '\'' && i+2 < e && content[i+2] == '\'' {
				// A shell word's quoted quote, between single-quoted
				// strings: shellWords reads the word.
				put(i, c, n)
				i += 2
				continue
			}
			put(i, n)
		case '"', '\\', '/', '`':
			put(i, n)
		case 'n':
			put(i, '\n')
		case 'r':
			if i+3 < e && content[i+2] == '\\' && content[i+3] == 'n' {
				put(i, '\n')
				i += 4
				escaped = true
				continue
			}
			put(i, '\n')
		case 't':
			put(i, '\t')
		case 'u', 'x':
			r, size := hexRune(content[i:e])
			if size == 0 {
				put(i, c, n)
				break
			}
			put(i, utf8.AppendRune(nil, r)...)
			i += size
			escaped = true
			continue
		default:
			put(i, c, n)
			i += 2
			continue
		}
		i += 2
		escaped = true
	}
	if !escaped {
		return nil, nil, false
	}
	offs = append(offs, e)
	return dec, offs, kept
}

// hexRune decodes the \uXXXX (a UTF-16 surrogate pair as two of them) or
// \xXX escape that b starts with, and its length; 0 if it is not one.
func hexRune(b []byte) (rune, int) {
	digits := 4
	if b[1] == 'x' {
		digits = 2
	}
	if len(b) < 2+digits {
		return 0, 0
	}
	var r rune
	for _, c := range b[2 : 2+digits] {
		if !isHexDigit(c) {
			return 0, 0
		}
		r = r<<4 | rune(unhex(c))
	}
	if utf16.IsSurrogate(r) {
		if len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
			if lo, n := hexRune(b[6:]); n == 6 {
				if p := utf16.DecodeRune(r, lo); p != utf8.RuneError {
					return p, 12
				}
			}
		}
		return utf8.RuneError, 6
	}
	if r == '\r' {
		r = '\n'
	}
	return r, 2 + digits
}

// worthScanning reports whether unescaped text can hold what an escape
// hid from the rules: an assignment, a URL's credentials, a key block.
func worthScanning(dec []byte) bool {
	return len(dec) >= minDecoded && (bytes.ContainsAny(dec, "=:@>") || bytes.Contains(dec, []byte("-----")))
}

// assignedString reports whether the run of a line that starts at s (the
// line starts at ls) is a string assigned to a name: it follows an opening
// quote and, before that, an operator ("password": "…", PASSWORD="…",
// "k" => "…", setProperty("X", "…")). Such a string is a value whose escapes
// (Go's JSON writes & as \u0026, others / as \/) would cut it short for
// the rules.
func assignedString(content []byte, ls, s int) bool {
	i := s - 1 // the opening quote
	if i <= ls || content[i] != '"' {
		return false
	}
	for i--; i >= ls && (content[i] == ' ' || content[i] == '\t'); i-- {
	}
	return i >= ls && bytes.IndexByte([]byte(":=>,"), content[i]) >= 0
}

// asciiValue reports whether an unescaped string could be a secret that its
// escapes cut short: at least minDecoded printable ASCII characters and no
// white space. Escapes that stand for letters beyond ASCII are text in
// other languages (Python's json writes "Contrase\u00f1a"), not a secret.
func asciiValue(dec []byte) bool {
	if len(dec) < minDecoded {
		return false
	}
	for _, c := range dec {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// decodeSecret returns the form of a secret that is fingerprinted, per a
// rule's secretDecode.
func decodeSecret(how, secret string) string {
	switch how {
	case "percent":
		return string(percentDecode([]byte(secret)))
	}
	return secret
}
