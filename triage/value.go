package triage

import (
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/entropy"
)

// Value flags: what makes a value look unlike a live secret.
const (
	FlagPlaceholder = "placeholder"
	FlagDictionary  = "dictionary-words"
	FlagLowEntropy  = "low-entropy"
	FlagRepetitive  = "repetitive"
	FlagSequential  = "sequential"
	// FlagBadChecksum marks a secret whose format's checksum fails (see
	// Judge); ValueFlags does not give it.
	FlagBadChecksum = "bad-checksum"
)

// placeholderWords mark a value written to stand for a secret.
var placeholderWords = []string{
	"example", "sample", "dummy", "fake", "placeholder", "changeme", "change_me", "change-me",
	"replace", "redacted", "your_", "your-", "yoursecret", "yourkey", "yourtoken", "yourpassword",
	"insert", "xxxx", "todo", "notreal", "not_real", "not-real", "mock", "foobar", "testing",
}

// dictionaryWords are words that made-up secrets are made of: a value
// covered mostly by them (supersecretpassword, my-dev-key-123) is a
// developer's stand-in, not a generated credential.
var dictionaryWords = []string{
	"secret", "password", "passwd", "pass", "token", "key", "api", "auth", "access", "private",
	"public", "super", "very", "my", "our", "the", "dev", "development", "prod", "production",
	"staging", "local", "localhost", "test", "tests", "default", "admin", "root", "user", "guest",
	"demo", "hello", "world", "foo", "bar", "baz", "qux", "abc", "xyz", "letmein", "welcome",
	"qwerty", "monkey", "dragon", "master", "login", "django", "flask", "rails", "insecure",
	"unsafe", "not", "real", "value", "string", "random", "long", "hard", "guess", "app",
	"application", "server", "client", "session", "cookie", "signing", "encryption", "database",
	"db", "mysql", "postgres", "redis", "mongo", "service", "account", "example", "sample", "fake",
	"dummy", "change", "this", "that", "me", "it", "some", "here", "there", "keep", "safe",
	"top", "jwt", "hmac", "salt", "pepper", "shared", "bearer", "oauth", "web", "site", "project",
	"company", "acme", "local", "temp", "tmp", "one", "two", "three", "new", "old", "good", "bad",
	"you", "your", "will", "never", "nobody", "knows", "what", "is", "for", "and", "with",
	"do", "use", "only", "just", "please", "why", "ci", "travis", "generate", "generating",
	"irrelevant", "unused", "ignored", "whatever", "secure",
}

var dictionary = func() map[string]bool {
	m := make(map[string]bool, len(dictionaryWords))
	for _, w := range dictionaryWords {
		m[w] = true
	}
	return m
}()

// ValueFlags returns what makes secret look unlike a live secret, in the
// order of the Flag constants: a placeholder word or markup; letters made
// mostly of dictionary words; an entropy below 3 bits per byte (or, for a
// value under 16 bytes, below three quarters of the most its length
// allows); a character repeated five times running or a short unit
// repeated throughout; a run of five ascending or descending letters or
// digits (abcde, 54321).
//
// A URL with credentials (postgres://app:pass@db/app) is judged by its
// password, which is the secret in it, not by its scheme's, host's and
// database's words: a password that is one dictionary word, or the user's
// name again, is a stand-in; a placeholder anywhere in the URL
// (db.example.com) still counts.
func ValueFlags(secret string) []string {
	m := urlCredentials.FindStringSubmatch(secret)
	if m == nil || m[2] == "" {
		return valueFlags(secret)
	}
	user, pass := m[1], m[2]
	has := map[string]bool{}
	for _, f := range valueFlags(pass) {
		has[f] = true
	}
	if low := strings.ToLower(pass); dictionary[low] || strings.EqualFold(pass, user) && len(pass) > 0 {
		has[FlagDictionary] = true
	}
	if placeholder(secret) {
		has[FlagPlaceholder] = true
	}
	var flags []string
	for _, f := range []string{FlagPlaceholder, FlagDictionary, FlagLowEntropy, FlagRepetitive, FlagSequential} {
		if has[f] {
			flags = append(flags, f)
		}
	}
	return flags
}

// urlCredentials matches a URL with a user and a password: the user, the
// password (up to the last @ before the host).
var urlCredentials = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://([^:@/\s]*):([^/\s]*)@[^@/\s]*(?:[/?#].*)?$`)

// placeholder reports whether secret holds a placeholder word or markup.
func placeholder(secret string) bool {
	low := strings.ToLower(secret)
	return slices.ContainsFunc(placeholderWords, func(w string) bool { return strings.Contains(low, w) }) || markup.MatchString(secret)
}

// valueFlags is ValueFlags of a value judged whole.
func valueFlags(secret string) []string {
	var flags []string
	low := strings.ToLower(secret)
	if placeholder(secret) {
		flags = append(flags, FlagPlaceholder)
	}
	if dictionaryCovered(low) {
		flags = append(flags, FlagDictionary)
	}
	if n := len(secret); n > 0 {
		limit := 3.0
		if n < 16 {
			limit = 0.75 * math.Log2(float64(n))
		}
		if entropy.Shannon([]byte(secret)) < limit {
			flags = append(flags, FlagLowEntropy)
		}
	}
	if repetitive(low) {
		flags = append(flags, FlagRepetitive)
	}
	if sequential(low) {
		flags = append(flags, FlagSequential)
	}
	return flags
}

// markup is a reference that a template or a document puts where the
// secret goes: a name in angle brackets (<your-api-key>, <user:password>,
// <<API_TOKEN>>, &lt;token&gt;), a Jinja or Go template's {{ … }}, a
// shell's ${NAME}, Python's %(name)s. The same characters among a
// generated key's symbols (C<^6j?.kEIW!>, a Django key's …)%(##&…) are not
// one.
var markup = regexp.MustCompile(`(?:<|&lt;)[\w .:/@-]*[A-Za-z][\w .:/@-]*(?:>|&gt;)|\{\{[^{}]*\}\}|\$\{[A-Za-z_][^{}]*\}|%\([A-Za-z_]\w*\)[sdr]`)

// dictionaryCovered reports whether at least 60% of s's bytes, and at
// least 6, are letters of dictionary words (split greedily, longest word
// first, within each run of letters).
func dictionaryCovered(s string) bool {
	covered := 0
	for _, run := range strings.FieldsFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) {
		for i := 0; i < len(run); {
			best := 0
			for l := min(len(run)-i, 12); l >= 2; l-- {
				if dictionary[run[i:i+l]] {
					best = l
					break
				}
			}
			if best == 0 {
				i++
				continue
			}
			covered += best
			i += best
		}
	}
	return covered >= 6 && covered*10 >= len(s)*6
}

// repetitive reports a letter or digit repeated five times running, or s
// made of one unit of at most four bytes repeated (at least three times).
// A field of digits alone between '$' signs is a parameter of a password
// hash (PBKDF2's 600000 iterations, crypt's rounds), not part of its
// random text, and is not looked at for runs.
func repetitive(s string) bool {
	fields := strings.Count(s, "$") >= 2
	for field := range strings.SplitSeq(s, "$") {
		if fields && strings.Trim(field, "0123456789") == "" {
			continue
		}
		run := 1
		for i := 1; i < len(field); i++ {
			if field[i] == field[i-1] && isAlnum(field[i]) {
				run++
				if run >= 5 {
					return true
				}
			} else {
				run = 1
			}
		}
	}
	for u := 1; u <= 4 && u*3 <= len(s); u++ {
		if len(s)%u == 0 && strings.Repeat(s[:u], len(s)/u) == s {
			return true
		}
	}
	return false
}

// sequential reports a run of five letters or digits each one more (or
// each one less) than the one before.
func sequential(s string) bool {
	up, down := 1, 1
	for i := 1; i < len(s); i++ {
		a, b := s[i-1], s[i]
		alnum := isAlnum(a) && isAlnum(b)
		if alnum && b == a+1 {
			up++
		} else {
			up = 1
		}
		if alnum && b+1 == a {
			down++
		} else {
			down = 1
		}
		if up >= 5 || down >= 5 {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' }

func shannon(s string) float64 { return entropy.Shannon([]byte(s)) }
