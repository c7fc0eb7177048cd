package config

import (
	"fmt"
	"regexp"
	"strings"
)

// A rule stated by a pair finds a cloud access key's secret written next
// to its id: an id that has a format of its own (AKIA…, LTAI…, AKID…) and
// a secret that has none but its alphabet and length. The id vouches for
// the value wherever the two stand together, whatever names they are
// assigned to:
//
//   - the secret right after the id, past a quote and a comma, colon or
//     bar (a credentials CSV, an SDK client's arguments, `id:secret`);
//   - the secret assigned to a name that holds one of the pair's words,
//     on the id's line or one of the two lines below it, as far as the
//     id's keyword window reaches (a block of configuration: access_key
//     = …, then secret_key = …);
//   - the same assignment on the id's line or the line above it, the id
//     after the secret (a log's "Using Key=…" then "Using ID=…").
//
// A pair is written as a table of the rule:
//
//	[rules.pair]
//	id = '''LTAI[A-Za-z0-9]{12,20}'''
//	secret = '''[A-Za-z0-9]{30}'''
//	words = ["secret", "key"]
//
// and the rule's regex is built from it (see pairRegex); its first group
// that matched holds the secret.

// pairSecretRE is the form a pair's secret must take: one character class
// and a count, so that the characters that may not follow it are known.
var pairSecretRE = regexp.MustCompile(`^\[([^\]\[]+)\]\{\d+(?:,\d*)?\}$`)

// pairRegex returns the regex of a rule stated by a pair: the id's regex,
// the secret's format (one character class and a count) and the words
// the name of a secret assigned beside the id must hold. The secret must
// end where its class does; a class of base64 (one that takes + or /)
// may not be followed by = either, the padding of a longer value.
func pairRegex(id, secret string, words []string) (string, error) {
	m := pairSecretRE.FindStringSubmatch(secret)
	if m == nil {
		return "", fmt.Errorf("secret must be one character class and a count, such as [A-Za-z0-9]{30}, not %q", secret)
	}
	if len(words) == 0 {
		return "", fmt.Errorf("words must name at least one word of the secret's name, such as \"secret\"")
	}
	class := m[1]
	if strings.ContainsAny(class, "+/") {
		class += "="
	}
	name := `(?i:` + strings.Join(words, "|") + `)[\w.-]*["']?[ \t]*(?::=|=>|=|:)[ \t]*["']?`
	return `\b` + id + `["']?(?:\s*[,:|]\s*["']?|[^\n]*?(?:\n[^\n]*?){0,3}?` + name + `)(` + secret + `)(?:[^` + class + `]|$)` +
		`|` + name + `(` + secret + `)(?:[^` + class + `\n][^\n]*?)?(?:\n[^\n]*?)?\b` + id + `\b`, nil
}
