package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// naturalWords reports whether a value is written in words of a natural
// language in a script beyond ASCII: a translated label ("Contraseña",
// "Clé secrète", "Пароль", "密码", "パスワード") from an i18n JSON, PO or
// YAML file, where the name says password but the value is the word for
// it. Such a value holds letters (Unicode categories L and M), spaces and
// light punctuation only, at least two letters and one of them outside
// ASCII, no digit, no symbol and none of the punctuation code and
// passwords use (#%&*@/\_[]{}); each word is cased as words are (lower,
// Capitalized or UPPER; scripts without case pass), and punctuation is
// scarcer than letters. A password chosen with digits or symbols
// (Пароль2024!, Zürich#Straße-9) is not one. Values in ASCII alone are
// left to the rules' own word filters.
//
// It is judged once here for every rule: no issued credential is made of
// words in Cyrillic or accented Latin, and a rule that reads credential
// stores reports such a value there as a weak password (see verdict).
func naturalWords(s []byte) bool {
	if !utf8.Valid(s) {
		return false
	}
	letters, punct, nonASCII := 0, 0, false
	// upper and lower count the cased letters of the current word; first
	// records whether its first letter is upper case.
	upper, lower, first := 0, 0, false
	wordOK := func() bool {
		// lower, Capitalized, UPPER, or a script without case
		return upper == 0 || lower == 0 || upper == 1 && first
	}
	inWord := false
	for _, r := range string(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r) && inWord:
			if r >= utf8.RuneSelf {
				nonASCII = true
			}
			if unicode.IsMark(r) {
				continue
			}
			letters++
			if !inWord {
				inWord, upper, lower, first = true, 0, 0, unicode.IsUpper(r)
			}
			if unicode.IsUpper(r) {
				upper++
			} else if unicode.IsLower(r) {
				lower++
			}
		case r == ' ' || r == '\u00a0' || r == '\u3000' || lightPunct(r):
			if r != ' ' && r != '\u00a0' && r != '\u3000' {
				punct++
			}
			if inWord && !wordOK() {
				return false
			}
			inWord = false
		default:
			return false
		}
	}
	if inWord && !wordOK() {
		return false
	}
	return nonASCII && letters >= 2 && punct*2 <= letters
}

// lightPunct reports whether r is punctuation that labels and sentences
// use (quotes, dashes, brackets, stops in any script), not the ASCII
// punctuation that code, paths and chosen passwords are made of.
func lightPunct(r rune) bool {
	if r < utf8.RuneSelf {
		return strings.ContainsRune(`'-.,:;!?"()`, r)
	}
	return unicode.In(r, unicode.Pd, unicode.Ps, unicode.Pe, unicode.Pi, unicode.Pf, unicode.Po)
}

// camelName reports whether s is a name in CamelCase or camelCase: two
// words or more of ASCII letters, each a capital (but maybe the first) and
// two small letters or more (BaseLinkedinAuth, getAccessToken). A value
// found by mention, beside words that say secret rather than assigned to
// them, is such a name where code mentions a service (class
// LinkedinOAuth(BaseLinkedinAuth, ...)): a class's, a function's or a
// variable's. Letters drawn at random fall into this shape almost never.
func camelName(s []byte) bool {
	words, small := 0, 0
	for i, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			if i > 0 && small < 2 {
				return false
			}
			words, small = words+1, 0
		case c >= 'a' && c <= 'z':
			if i == 0 {
				words = 1
			}
			small++
		default:
			return false
		}
	}
	return words >= 2 && small >= 2
}
