// Package resyntax answers questions about parsed regular expressions
// (regexp/syntax trees) that the rules' compilers and the detector share.
package resyntax

import "regexp/syntax"

// MinLen returns the length of the shortest text re matches, in bytes,
// counting each character as one (a lower bound for classes of multi-byte
// characters), or 0 when re may match the empty text.
func MinLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return MinLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * MinLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n += MinLen(sub)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, sub := range re.Sub {
			if m := MinLen(sub); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0 // empty-width, star, quest, no match
}

// ClassSize returns the number of characters the character class re
// holds (an OpCharClass: the sum of its ranges), or 0 for any other node.
func ClassSize(re *syntax.Regexp) int {
	if re.Op != syntax.OpCharClass {
		return 0
	}
	n := 0
	for i := 0; i+1 < len(re.Rune); i += 2 {
		n += int(re.Rune[i+1]-re.Rune[i]) + 1
	}
	return n
}
