package detect

import (
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/resyntax"
)

// Counted repeats are costly in RE2: it spells x{6,200} out as 200 copies
// of x, and its DFA makes a state for each count it has seen, so that a
// rule's regex with a long bound on a value ('([^'\n]{6,200})') cost
// python-hardcoded-password half of its time and three quarters of its
// compilation on flask's history. A rule whose regex has such a repeat as
// the whole of a capture group, or as its end (EAA[A-Za-z0-9]{90,400},
// [^<\s][^<]{0,255}), runs the regex with the repeat unbounded (x{6,}),
// and checks the bound on each match's group: each repeat takes a byte at
// least, and what stands before it in the group at least its shortest
// length, so a group no longer in bytes than the bound plus that length
// holds no more repeats than the bound. Only when a match's group is
// longer is the window searched again with the regex as written (see
// rule.exactRegexp).
//
// That finds the same matches as the regex as written. The unbounded regex
// takes every match the bounded one takes, and tries the ways to match in
// the same order of preference, with those of more repeats than the bound
// inserted among them (first for a greedy repeat, last for a lazy one). A
// search that ends in a way within the bound has therefore turned down
// every way the bounded regex prefers to it: the bounded regex ends the
// same way, at the same leftmost start. Each further match of a window
// starts where the one before ended, so the same holds for all of them.

// relaxedBound is a counted repeat that makes up a capture group, or ends
// it, run unbounded: max is its bound as written, and the group's bytes
// must be at most limit (max plus the shortest length of what comes before
// the repeat in the group) for the match to be one of the regex as
// written.
type relaxedBound struct {
	group, max, limit int
}

// minRelaxedMax is the least upper bound of a repeat that relaxBounds
// lifts: below it, the states RE2 spells out cost little.
const minRelaxedMax = 100

// maxRE2Repeat is the largest count RE2 accepts in a repeat: a regex with
// a larger one must fail to compile, not run unbounded.
const maxRE2Repeat = 1000

// relaxBounds returns expr with the upper bound of each counted repeat
// that makes up a capture group (x{6,200} in (x{6,200}) or (?P<s>x{6,200}?))
// lifted, and those groups and bounds; or expr and nil if it has none. A
// group inside a repeat (its last repeat alone is reported), a bound below
// minRelaxedMax or above RE2's limit, and a repeated expression that can
// match the empty text (its repeats are not bounded by the group's length)
// are left as written.
func relaxBounds(expr string) (string, []relaxedBound) {
	if !strings.Contains(expr, ",") {
		return expr, nil // no counted repeat with an upper bound
	}
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return expr, nil
	}
	var bounds []relaxedBound
	var walk func(re *syntax.Regexp, repeated bool)
	walk = func(re *syntax.Regexp, repeated bool) {
		switch re.Op {
		case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
			repeated = true
		case syntax.OpCapture:
			if s, before := groupRepeat(re); !repeated && s != nil && s.Max >= minRelaxedMax && s.Max <= maxRE2Repeat && resyntax.MinLen(s.Sub[0]) > 0 {
				bounds = append(bounds, relaxedBound{re.Cap, s.Max, s.Max + before})
			}
		}
		for _, s := range re.Sub {
			walk(s, repeated)
		}
	}
	walk(re, false)
	if len(bounds) == 0 {
		return expr, nil
	}
	relaxed, ok := liftBounds(expr, bounds)
	if !ok || !sameButBounds(re, relaxed, bounds) {
		return expr, nil
	}
	return relaxed, bounds
}

// groupRepeat returns the repeat that makes up the capture group re, or
// ends it, and the shortest length of what comes before it in the group;
// or nil.
func groupRepeat(re *syntax.Regexp) (*syntax.Regexp, int) {
	s := re.Sub[0]
	if s.Op == syntax.OpRepeat {
		return s, 0
	}
	if s.Op != syntax.OpConcat || len(s.Sub) < 2 || s.Sub[len(s.Sub)-1].Op != syntax.OpRepeat {
		return nil, 0
	}
	before := 0
	for _, p := range s.Sub[:len(s.Sub)-1] {
		before += resyntax.MinLen(p)
	}
	return s.Sub[len(s.Sub)-1], before
}

// liftBounds rewrites expr's text: in each group of bounds, the repeat's
// ",max}" that ends it becomes ",}". It reports false when the text does
// not read as expected.
func liftBounds(expr string, bounds []relaxedBound) (string, bool) {
	closes := groupCloses(expr)
	var b strings.Builder
	last := 0
	for _, rb := range bounds {
		if rb.group >= len(closes) || closes[rb.group] < 0 {
			return "", false
		}
		end := closes[rb.group] // the group's ")"
		if end > 0 && expr[end-1] == '?' {
			end-- // a lazy repeat
		}
		if end == 0 || expr[end-1] != '}' {
			return "", false
		}
		comma := strings.LastIndexByte(expr[:end], ',')
		if comma < last || expr[comma+1:end-1] != strconv.Itoa(rb.max) {
			return "", false
		}
		b.WriteString(expr[last : comma+1])
		last = end - 1
	}
	b.WriteString(expr[last:])
	return b.String(), true
}

// groupCloses returns the offset of the ")" that closes each capture group
// of expr, by group number (index 0 unused, -1 for a group not closed). It
// reads escapes, character classes and group openings as RE2 does; the
// caller checks what it rewrites with the parser (see sameButBounds).
func groupCloses(expr string) []int {
	closes := []int{-1}
	var open []int // group numbers, 0 for a group that captures nothing
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '\\':
			if strings.HasPrefix(expr[i:], `\Q`) {
				return nil // quoted text: not read here
			}
			i++
		case '[':
			i = classEnd(expr, i)
			if i < 0 {
				return nil
			}
		case '(':
			if strings.HasPrefix(expr[i:], "(?P<") || strings.HasPrefix(expr[i:], "(?<") || !strings.HasPrefix(expr[i:], "(?") {
				open = append(open, len(closes))
				closes = append(closes, -1)
			} else {
				open = append(open, 0)
			}
		case ')':
			if len(open) == 0 {
				return nil
			}
			if g := open[len(open)-1]; g > 0 {
				closes[g] = i
			}
			open = open[:len(open)-1]
		}
	}
	return closes
}

// classEnd returns the offset of the "]" that ends the character class
// opening at expr[i], or -1.
func classEnd(expr string, i int) int {
	j := i + 1
	if j < len(expr) && expr[j] == '^' {
		j++
	}
	if j < len(expr) && expr[j] == ']' {
		j++ // a leading "]" is a literal
	}
	for ; j < len(expr); j++ {
		switch {
		case expr[j] == '\\':
			j++
		case strings.HasPrefix(expr[j:], "[:"):
			if k := strings.Index(expr[j+2:], ":]"); k >= 0 {
				j += k + 3
			}
		case expr[j] == ']':
			return j
		}
	}
	return -1
}

// sameButBounds reports whether relaxed parses as re with the repeats of
// bounds unbounded and nothing else changed.
func sameButBounds(re *syntax.Regexp, relaxed string, bounds []relaxedBound) bool {
	r, err := syntax.Parse(relaxed, syntax.Perl)
	if err != nil {
		return false
	}
	restored := 0
	var walk func(r *syntax.Regexp)
	walk = func(r *syntax.Regexp) {
		if r.Op == syntax.OpCapture {
			if s, _ := groupRepeat(r); s != nil && s.Max == -1 {
				for _, b := range bounds {
					if b.group == r.Cap {
						s.Max = b.max
						restored++
					}
				}
			}
		}
		for _, s := range r.Sub {
			walk(s)
		}
	}
	walk(r)
	return restored == len(bounds) && r.Equal(re)
}

// outOfBounds reports whether a match of locs has a relaxed group longer
// than its bound: the regex as written may match otherwise there.
func outOfBounds(bounds []relaxedBound, locs [][]int) bool {
	for _, loc := range locs {
		for _, b := range bounds {
			if 2*b.group+1 < len(loc) && loc[2*b.group] >= 0 && loc[2*b.group+1]-loc[2*b.group] > b.limit {
				return true
			}
		}
	}
	return false
}
