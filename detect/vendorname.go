package detect

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/config"
)

// A value that a generic rule finds is the vendor's to judge when three
// things say it is a vendor's value cut short: the name it is assigned to
// names the vendor (SUPABASE_KEY, elevenlabs_key), the value begins with a
// prefix of that vendor's format (sb_secret_, sk_), and the format fixes
// one length that the value falls short of. Tests and docs write such
// values next to the real format to show what is not a key. Any one sign
// alone is not enough: a vendor's name holds other values (an old format,
// a password), vendors share prefixes (sk-, key_), and a format with a
// range of lengths is the safety net for vendors that change lengths.

// vendorFormat is a format of a vendor rule's secret that fixes its
// length: the vendor's name (the rule's first tag), a distinctive literal
// prefix its values begin with, and the length of every value.
type vendorFormat struct {
	vendor string
	prefix string
	length int
}

// vendorFormats returns the formats of one length of the secrets of d's
// rules not tagged generic that begin with a distinctive prefix (see
// distinctivePrefix) in one case only (see vendorShapes).
func (d *Detector) vendorFormats() []vendorFormat {
	d.shapeOnce.Do(d.vendorShapes)
	return d.formats
}

// cutShort reports whether the value secret, found by the generic rule r
// in a match loc (a submatch index slice into text), is a vendor's value
// cut short (see vendorFormat): it begins with the prefix of a format of
// one length, is shorter than that, is assigned to a name that holds the
// vendor's name, and no other format with a prefix it begins with allows
// its length.
func (d *Detector) cutShort(r *rule, text []byte, loc []int, secret []byte) bool {
	if r.names == nil {
		return false
	}
	formats := d.vendorFormats()
	named := false
	for _, f := range formats {
		if len(secret) < len(f.prefix) || string(secret[:len(f.prefix)]) != f.prefix {
			continue
		}
		if len(secret) >= f.length {
			return false
		}
		if !named {
			named = d.namesVendor(r, text, loc, f.vendor)
		}
	}
	return named
}

// namesVendor reports whether a name group of the match loc holds vendor
// as the start of one of its parts (elevenlabsKey, DATABRICKS_TOKEN).
func (d *Detector) namesVendor(r *rule, text []byte, loc []int, vendor string) bool {
	for _, g := range r.names.name {
		if 2*g+1 >= len(loc) || loc[2*g] < 0 {
			continue
		}
		n := identifier(text, loc[2*g], loc[2*g+1])
		for _, p := range nameParts(n) {
			if strings.HasPrefix(strings.ToLower(n[p.start:p.end]), vendor) {
				return true
			}
		}
	}
	return false
}

// lengthRange returns the fewest and the most characters a match of re
// holds, and false when there is no most (*, +, {n,}).
func lengthRange(re *syntax.Regexp, depth int) (lo, hi int, ok bool) {
	// Simplify writes x{2,5} as xx(?:x(?:x(?:x)?)?)?: a bounded repeat
	// nests as deep as RE2's largest count, 1000.
	if depth > 2048 {
		return 0, 0, false
	}
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune), len(re.Rune), true
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1, 1, true
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, 0, true
	case syntax.OpCapture:
		return lengthRange(re.Sub[0], depth+1)
	case syntax.OpQuest:
		_, h, ok := lengthRange(re.Sub[0], depth+1)
		return 0, h, ok
	case syntax.OpRepeat:
		l, h, ok := lengthRange(re.Sub[0], depth+1)
		if re.Max < 0 {
			return l * re.Min, 0, false
		}
		return l * re.Min, h * re.Max, ok
	case syntax.OpConcat:
		for _, s := range re.Sub {
			l, h, sok := lengthRange(s, depth+1)
			if !sok {
				return 0, 0, false
			}
			lo, hi = lo+l, hi+h
		}
		return lo, hi, true
	case syntax.OpAlternate:
		for i, s := range re.Sub {
			l, h, sok := lengthRange(s, depth+1)
			if !sok {
				return 0, 0, false
			}
			if i == 0 || l < lo {
				lo = l
			}
			hi = max(hi, h)
		}
		return lo, hi, true
	}
	return 0, 0, false
}

// A generic rule may find a value written after a service's name alone,
// whatever the value's format, where nothing but the service's name can
// be meant: an item of a list of credentials ("loggly '…' '…'", "- acme
// '…'") or a note's "acme: … / user@example.com". Its regex names the
// service's name in the group config.AloneGroup, and the name must then
// be one of the pack's services (see serviceNames) rather than one of the
// rule's own names: the vendor's rule finds the value of the vendor's
// format there (see config's aloneName), the generic rule the others,
// since vendors change formats. Its keywords, unless it lists its own,
// are the services' names, so that its regex runs only near one.

// serviceRule reports whether r, a generic rule, is judged by the pack's
// service names: its regex names the service's name alone and it has no
// names of its own.
func serviceRule(r *config.Rule) bool {
	return len(r.Names) == 0 && strings.Contains(r.Regex, "(?P<"+config.AloneGroup)
}

// serviceNames returns the names of the services of rules, lower case, as
// a set, and the rule's keywords (see maxServiceKeyword): each name of a rule not tagged generic that
// is a plain word (letters and digits) of minAlone characters or more
// once the separators it may hold are taken out (kanbantool for
// kanban[_.-]?tool).
func serviceNames(rules []config.Rule) (map[string]bool, []string) {
	set := map[string]bool{}
	add := func(w string) {
		w = strings.ToLower(w)
		if len(w) >= minAlone && plainName(w) {
			set[w] = true
		}
	}
	for i := range rules {
		r := &rules[i]
		if len(r.Names) == 0 || slices.Contains(r.Tags, "generic") {
			continue
		}
		for _, n := range r.Names {
			// A regex compiled per name here cost a hook 4 ms: the
			// separators are taken out as written instead, where the
			// name has any.
			if strings.IndexByte(n, '[') >= 0 {
				n = optionalSeparator.ReplaceAllString(n, "")
			}
			add(n)
		}
	}
	// The keywords are cut at 12 characters, as the pack's are: a prefix
	// triggers wherever the whole name would, and the pack's rules have
	// most of them already.
	list := make([]string, 0, len(set))
	for w := range set {
		list = append(list, w[:min(len(w), maxServiceKeyword)])
	}
	slices.Sort(list)
	return set, slices.Compact(list)
}

// maxServiceKeyword is the most characters of a service's name that the
// keywords of the rule of values after it hold (see serviceNames).
const maxServiceKeyword = 12

// optionalSeparator is a class of separators in a name's regex, optional
// or not: [_.-]?, [_-].
var optionalSeparator = regexp.MustCompile(`\[[_.\\-]+\]\??`)
