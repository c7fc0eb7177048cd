package config

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// A rule can state what it finds instead of spelling out a regex:
//
//	[[rules]]
//	id = "acme-api-key"
//	names = ["acme"]              # the service, as it appears in a name
//	value = '''[a-f0-9]{32}'''     # the secret's documented format
//
// finds the value assigned to any name that holds one of the names and a
// secret word (key, token, secret, password, auth, ...), in every syntax
// the engine knows (see assignSyntax), quoted or not:
//
//	ACME_API_KEY=...            acme_token: ...          "acmeSecret": "..."
//	var acmeToken string = "..."    acmeToken := `...`   $acme_key .= "..."
//	ACME_TOKEN ?= ...  ::=  :::=    define('ACME_KEY', '...')
//	System.setProperty("ACME_TOKEN", "...")   os.environ["ACME_KEY"] = "..."
//	ENV ACME_TOKEN ...   docker run -e ACME_TOKEN=...   --acme-token ...
//	<acmeToken>...</acmeToken>, with the value on the next line too
//	<add key="AcmeToken" value="..."/>   "acme_token" => "..."
//	X-Acme-Token: ...    {\"acme_key\": \"...\"}   "ACME_KEY=...\nNEXT=..."
//	[acme] / acme: up to two lines above, then token = ... (INI sections, YAML maps)
//	Acme token - ...   (prose and lists)
//
// A service name given as a plain word is matched where a name part starts
// and ends (acme in ACME_KEY, myAcmeKey, acme.token, not in macmeter or
// acmecorp); a name given as a regex is matched anywhere.
//
// A rule with value and without names finds a self-identifying token (a
// fixed prefix, a checksum): the value wherever it stands, as long as it is
// not part of a longer run of letters and digits.
//
// secretWords replaces the words a name must hold besides one of the names;
// an empty list means the names alone say secret, as does a name that ends
// in a secret word itself (zipcodeapi). The secret is the value:
// such a rule has no regex and no secretGroup of its own. Keywords default
// to the names when they are plain words, and to the value's literal prefix
// when it has one of three characters or more.

// defaultSecretWords are the words that make a name a secret's name.
var defaultSecretWords = []string{
	"key", "token", "secret", "passw(?:or)?d", "pass", "pwd", "auth", "cred",
	"api", "access", "priv", "sig", "session", "bearer", "jwt", "pat",
	"licen[cs]e", "dsn", "webhook", "cookie", "salt",
}

// endsInWord matches a name that ends in one of defaultSecretWords.
var endsInWord = regexp.MustCompile(`(?i)(?:` + strings.Join(defaultSecretWords, "|") + `)$`)

// Pieces of the assignment syntax. Names are matched case-insensitively,
// values as written.
const (
	// ident is the rest of an identifier around a name or secret word:
	// ACME_API_KEY_PROD, acme.api-key, x-acme-token.
	ident = `[\w.-]*?`
	// nameContext is what may stand between a service name and the secret
	// word's identifier: the same identifier, the same line, or up to two
	// lines (an INI section, a YAML parent key, a JSON object's name).
	nameContext = `[^\n]*?(?:\n[^\n]*?){0,2}?`
	// keyClose ends a name: closing quotes (escaped too, in JSON inside a
	// string), a subscript's bracket.
	keyClose = `[\x60'"\\\]]{0,4}`
	// operator joins a name and its value.
	operator = `(?:` +
		// = := ::= :::= ?= ??= += .= ||= => -> : , || ?? (Make, PHP, Go,
		// Ruby, JS, YAML, JSON, HTTP headers, setProperty("X", "v"))
		`[ \t]*(?:=|:=|::=|:::=|\?=|\?\?=|\+=|\.=|\|\|=|=>|->|:|,|\|\||\?\?)[ \t]*` +
		// a type between name and =: "acmeKey: str =", "var acmeKey string ="
		`|[ \t]*:[ \t]*[\w.\[\]|<>?]{1,30}[ \t]*=[ \t]*` +
		`|[ \t]+[\w.\[\]*]{1,20}[ \t]*=[ \t]*` +
		// XML element text, on the same line or the next
		`|>[ \t]*(?:\r?\n[ \t]*)?` +
		// another attribute after the name's: key="AcmeKey" value="..."
		`|[ \t]+[\w:-]{1,20}[ \t]*=[ \t]*` +
		// a dash in prose and lists: "acme token - value"
		`|[ \t]+-[ \t]+` +
		// white space alone: ENV NAME value, --acme-token value
		`|[ \t]+` +
		`)`
	// valueOpen is an optional string prefix and opening quote.
	valueOpen = `(?:[rRbBuU@]{0,2}\\{0,2}[\x60'"])?`
	// valueClose ends a value: a quote, white space (\r too), punctuation
	// that ends a statement or an element, an escape (\n in a JSON string),
	// or the end of the content.
	valueClose = `(?:[\x60'"\s;,<>)\]}&|#\\]|$)`
	// tokenBefore and tokenAfter keep a self-identifying token from being
	// part of a longer run of letters and digits.
	tokenBefore = `(?:^|[^0-9A-Za-z_+-])`
	tokenAfter  = `(?:[^0-9A-Za-z_+=-]|$)`
)

// assignRegex returns the regex of a rule stated by names and value. The
// secret is its first capture group.
func assignRegex(names, words []string, value string) string {
	v := `(` + value + `)`
	if len(names) == 0 {
		return tokenBefore + v + tokenAfter
	}
	var name string
	if len(words) == 0 {
		alts := make([]string, len(names))
		for i, n := range names {
			alts[i] = nameStart(n)
		}
		name = `(?:` + strings.Join(alts, "|") + `)` + ident
	} else {
		w := `(?i:` + strings.Join(words, "|") + `)`
		// A name that ends in a secret word itself (zipcodeapi, vpnapi)
		// needs no other.
		sw, err := endsInWord, error(nil)
		if !slices.Equal(words, defaultSecretWords) {
			sw, err = regexp.Compile(`(?i)(?:` + strings.Join(words, "|") + `)$`)
		}
		var alts []string
		for _, n := range names {
			start := nameStart(n)
			if err == nil && plainWord(n) && sw.MatchString(n) {
				alts = append(alts, start+ident)
			}
			alts = append(alts,
				// the service, then its secret word: ACME_TOKEN,
				// acmeApiKey, acmetoken; [acme] and a line or two
				// below, token = ...
				start+`(?:`+w+`|`+nameEnd(n)+nameContext+w+`)`+ident,
				// the secret word first: API_KEY_ACME
				w+ident+start+ident)
		}
		name = `(?:` + strings.Join(alts, "|") + `)`
	}
	return name + keyClose + operator + valueOpen + v + valueClose
}

// nameStart matches service name n where a name part starts: after a
// character that is not a letter or digit, or as a camelCase part. A name
// given as a regex rather than a plain word is matched as it is, anywhere.
func nameStart(n string) string {
	if !plainWord(n) {
		return `(?i:` + n + `)`
	}
	first, rest := n[:1], n[1:]
	return `(?:(?:^|[^A-Za-z0-9])(?i:` + n + `)|[a-z0-9]` + strings.ToUpper(first) + `(?i:` + rest + `))`
}

// nameEnd matches the character after service name n when the name part
// ends there: not a lower-case letter, so that "parseur" is not read in
// "parseUrl" (a secret word straight after the name is matched apart). A
// name given as a regex ends anywhere.
func nameEnd(n string) string {
	if !plainWord(n) {
		return ``
	}
	return `[^a-z]`
}

// checkAssign validates a rule's names, secretWords and value and sets its
// Regex, SecretGroup and, when it has none, Keywords.
func (c *checker) checkAssign(at string, r *Rule, hasWords bool) {
	if r.Regex != "" {
		c.errorf(at+".value", r.ID, "a rule has a regex or a value, not both")
		return
	}
	if r.SecretGroup != 0 {
		c.errorf(at+".secretGroup", r.ID, "a rule stated by value has no secretGroup: the value is the secret")
	}
	bad := false
	check := func(key, re string) {
		if _, err := c.checkRegex(re); err != nil {
			c.errorf(at+"."+key, r.ID, "bad regex in %s: %v", key, err)
			bad = true
		}
	}
	check("value", r.Value)
	for _, n := range r.Names {
		check("names", n)
	}
	words := defaultSecretWords
	if hasWords {
		words = r.SecretWords
		for _, w := range words {
			check("secretWords", w)
		}
	}
	if bad {
		return
	}
	r.Regex = assignRegex(r.Names, words, r.Value)
	r.SecretGroup = 1
	if len(r.Keywords) > 0 {
		return
	}
	if len(r.Names) > 0 {
		for _, n := range r.Names {
			if !plainWord(n) {
				c.errorf(at+".keywords", r.ID, "names that are not plain words need keywords")
				return
			}
			r.Keywords = append(r.Keywords, strings.ToLower(n))
		}
		return
	}
	if p := literalPrefix(r.Value); len(p) >= 3 {
		r.Keywords = []string{strings.ToLower(p)}
		return
	}
	c.errorf(at+".keywords", r.ID, "a value without a literal prefix of 3 characters or more needs keywords")
}

// plainWord reports whether s is letters and digits only.
func plainWord(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// literalPrefix returns the literal text every match of re starts with.
func literalPrefix(re string) string {
	r, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return ""
	}
	r = r.Simplify()
	var b strings.Builder
	var walk func(r *syntax.Regexp) bool
	walk = func(r *syntax.Regexp) bool {
		switch r.Op {
		case syntax.OpLiteral:
			if r.Flags&syntax.FoldCase != 0 {
				return false
			}
			b.WriteString(string(r.Rune))
			return true
		case syntax.OpCapture:
			return walk(r.Sub[0])
		case syntax.OpConcat:
			for _, s := range r.Sub {
				if !walk(s) {
					return false
				}
			}
			return true
		}
		return false
	}
	walk(r)
	return b.String()
}
