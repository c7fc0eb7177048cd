package detect

import "regexp/syntax"

// narrowValue reports whether the value regex of a rule stated by names
// and a value is worth running alone before the rule's regex (see
// rule.value): it matches nothing shorter than minNarrowValue bytes and
// takes no character but from small classes (hex digits, letters and
// digits; not ".", nor a negated class such as [^'"\s], which most text
// passes). Such a value is rare in text, and its regex runs far faster
// than the assignment template around it.
func narrowValue(value string) bool {
	re, err := syntax.Parse(value, syntax.Perl)
	if err != nil {
		return false
	}
	re = re.Simplify()
	return minLen(re) >= minNarrowValue && narrowClasses(re)
}

// minNarrowValue is the shortest value narrowValue accepts.
const minNarrowValue = 12

// maxNarrowClass is the most characters a class of a narrow value may
// hold: letters, digits and a few symbols.
const maxNarrowClass = 80

// narrowClasses reports whether every character re takes is from a class
// of at most maxNarrowClass characters.
func narrowClasses(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return false
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
		}
		if n > maxNarrowClass {
			return false
		}
	}
	for _, sub := range re.Sub {
		if !narrowClasses(sub) {
			return false
		}
	}
	return true
}

// minLen returns the length of the shortest text re matches, in bytes
// (counting each character as one: a lower bound).
func minLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n += minLen(sub)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, sub := range re.Sub {
			if m := minLen(sub); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0 // empty-width, star, quest, no match
}
