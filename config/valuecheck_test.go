package config

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
)

// In every regex assignRegex writes for a quoted value (quote =
// "required"), each group that holds the secret is followed by a
// character literalClose takes: ValueCheck's regex then matches wherever
// the rule's does, at the secret and the character after it.
func TestQuotedValueIsFollowedByLiteralClose(t *testing.T) {
	closer := regexp.MustCompile(`^` + literalClose + `$`)
	value := `[a-z]{4} [a-z]{4}`
	for _, tt := range []struct {
		words []string
		alone bool
	}{
		{nil, false},
		{[]string{"passw(?:or)?d", "pass"}, false},
		{[]string{"passw(?:or)?d", "pass"}, true},
		{DefaultSecretWords, true},
	} {
		expr := assignRegex([]string{"acme", "ex(?:am)?ple"}, tt.words, value, QuoteRequired, tt.alone)
		re, err := syntax.Parse(expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		groups := 0
		var walk func(re *syntax.Regexp)
		walk = func(re *syntax.Regexp) {
			if re.Op == syntax.OpCapture && strings.HasPrefix(re.Name, "secret") {
				t.Errorf("words %q alone %v: group %s is not in a sequence that closes it", tt.words, tt.alone, re.Name)
			}
			if re.Op == syntax.OpConcat {
				for i, sub := range re.Sub {
					if sub.Op != syntax.OpCapture || !strings.HasPrefix(sub.Name, "secret") {
						walk(sub)
						continue
					}
					groups++
					next, nullable := firstChars(re.Sub[i+1:])
					if nullable || len(next) == 0 {
						t.Errorf("words %q alone %v: group %s may end its sequence", tt.words, tt.alone, sub.Name)
					}
					for _, c := range next {
						if !closer.MatchString(string(c)) {
							t.Errorf("words %q alone %v: group %s may be followed by %q", tt.words, tt.alone, sub.Name, c)
						}
					}
				}
				return
			}
			for _, sub := range re.Sub {
				walk(sub)
			}
		}
		walk(re)
		if groups < 10 {
			t.Errorf("words %q alone %v: %d secret groups", tt.words, tt.alone, groups)
		}
	}
}

// firstChars returns the characters a match of the sequence seq can begin
// with (for a small set of ops; it fails the caller's check on others by
// returning nothing) and whether it can match the empty text.
func firstChars(seq []*syntax.Regexp) (chars []rune, nullable bool) {
	for _, re := range seq {
		c, n := first(re)
		chars = append(chars, c...)
		if !n {
			return chars, false
		}
	}
	return chars, true
}

func first(re *syntax.Regexp) ([]rune, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return []rune{re.Rune[0], 'x'}, false // a letter fails the check
		}
		return re.Rune[:1], false
	case syntax.OpCharClass:
		var out []rune
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for c := re.Rune[i]; c <= re.Rune[i+1] && len(out) < 300; c++ {
				out = append(out, c)
			}
		}
		return out, false
	case syntax.OpCapture:
		return first(re.Sub[0])
	case syntax.OpConcat:
		return firstChars(re.Sub)
	case syntax.OpAlternate:
		var out []rune
		nullable := false
		for _, sub := range re.Sub {
			c, n := first(sub)
			out = append(out, c...)
			nullable = nullable || n
		}
		return out, nullable
	case syntax.OpQuest, syntax.OpStar:
		c, _ := first(re.Sub[0])
		return c, true
	case syntax.OpPlus:
		return first(re.Sub[0])
	case syntax.OpRepeat:
		c, n := first(re.Sub[0])
		return c, n || re.Min == 0
	case syntax.OpEmptyMatch:
		return nil, true
	}
	return []rune{0}, false // not understood: fails the check
}

// ValueCheck takes the value alone unless it is quoted, and a quoted value
// only before its closing quote.
func TestValueCheck(t *testing.T) {
	value := `[a-z]{4} [a-z]{4}`
	for _, tt := range []struct {
		quote, text string
		want        bool
	}{
		{QuoteAny, "make sure this", true},
		{QuoteNone, "make sure this", true},
		{QuoteRequired, "make sure this", false},
		{QuoteRequired, "we make sure", false},
		{QuoteRequired, `pass = "make sure"`, true},
		{QuoteRequired, `pass = 'make sure'`, true},
		{QuoteRequired, "pass = `make sure`", true},
		{QuoteRequired, `"pass = \"make sure\""`, true},
	} {
		re := regexp.MustCompile(ValueCheck(value, tt.quote))
		if got := re.MatchString(tt.text); got != tt.want {
			t.Errorf("quote %q %q: %v, want %v", tt.quote, tt.text, got, tt.want)
		}
	}
}
