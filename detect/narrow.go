package detect

import "github.com/leakhound/leakhound/config"

// narrowValue reports whether the value regex of a rule stated by names
// and a value is worth running alone before the rule's regex (see
// rule.value): it matches nothing shorter than minNarrowValue bytes and
// takes no character but from small classes (hex digits, letters and
// digits; not ".", nor a negated class such as [^'"\s], which most text
// passes). Such a value is rare in text, and its regex runs far faster
// than the assignment template around it.
func narrowValue(value string) bool {
	return config.NarrowValue(value, minNarrowValue, maxNarrowClass)
}

// minNarrowValue is the shortest value narrowValue accepts.
const minNarrowValue = 12

// maxNarrowClass is the most characters a class of a narrow value may
// hold: letters, digits and a few symbols.
const maxNarrowClass = 80
