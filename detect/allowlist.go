package detect

import (
	"fmt"
	"strings"

	re2 "github.com/wasilibs/go-re2"

	"github.com/leakhound/leakhound/config"
)

type allowlist struct {
	and bool
	// weak: what the allowlist matches is a weak value, reported in a
	// credential store instead of ignored.
	weak      bool
	target    string
	regexes   []*re2.Regexp
	paths     []*re2.Regexp
	stopwords []string
	commits   map[string]bool
	rules     map[string]bool
}

func compileAllowlist(a config.Allowlist) (*allowlist, error) {
	al := &allowlist{and: a.Condition == "AND", weak: a.Weak, target: a.RegexTarget, stopwords: a.Stopwords}
	for _, s := range a.Regexes {
		re, err := re2.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("allowlist: bad regex %q: %w", s, err)
		}
		al.regexes = append(al.regexes, re)
	}
	for _, s := range a.Paths {
		re, err := re2.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("allowlist: bad path regex %q: %w", s, err)
		}
		al.paths = append(al.paths, re)
	}
	// Any one of several regexes is one regex: one call into the regex
	// engine per path or secret instead of one per pattern.
	var err error
	if al.regexes, err = combine(al.regexes, a.Regexes); err != nil {
		return nil, fmt.Errorf("allowlist: %w", err)
	}
	if al.paths, err = combine(al.paths, a.Paths); err != nil {
		return nil, fmt.Errorf("allowlist: %w", err)
	}
	if len(a.Commits) > 0 {
		al.commits = make(map[string]bool, len(a.Commits))
		for _, c := range a.Commits {
			al.commits[strings.ToLower(c)] = true
		}
	}
	if len(a.TargetRules) > 0 {
		al.rules = make(map[string]bool, len(a.TargetRules))
		for _, id := range a.TargetRules {
			al.rules[id] = true
		}
	}
	return al, nil
}

// combine returns res, compiled from patterns, as one regex that matches
// where any of them does, when there are several.
func combine(res []*re2.Regexp, patterns []string) ([]*re2.Regexp, error) {
	if len(res) < 2 {
		return res, nil
	}
	re, err := re2.Compile(anyOf(patterns))
	if err != nil {
		return nil, err
	}
	return []*re2.Regexp{re}, nil
}

// anyOf returns a regex that matches where any of patterns does.
func anyOf(patterns []string) string {
	return "(?:" + strings.Join(patterns, ")|(?:") + ")"
}

func (a *allowlist) appliesTo(ruleID string) bool {
	return len(a.rules) == 0 || a.rules[ruleID]
}

// sourceDependent reports whether the allowlist looks at paths or commits,
// so that it can only be decided per Source, not on content alone.
func (a *allowlist) sourceDependent() bool {
	return len(a.paths) > 0 || len(a.commits) > 0
}

// byPath reports whether a matching path alone makes the allowlist ignore
// a match: an OR allowlist with paths, or an AND allowlist of paths only.
func (a *allowlist) byPath() bool {
	if len(a.paths) == 0 {
		return false
	}
	return !a.and || len(a.regexes)+len(a.stopwords)+len(a.commits) == 0
}

func (a *allowlist) matchPath(path string) bool {
	for _, re := range a.paths {
		if re.MatchString(path) {
			return true
		}
	}
	return false
}

// allows reports whether the allowlist ignores m at path and commit. An
// empty path and commit are content-only checks: path and commit conditions
// then count as not met.
func (a *allowlist) allows(m *Match, path, commit string) bool {
	present := 0
	// The conditions, cheapest first; each is looked at only if present.
	for c := range 4 {
		var has, met bool
		switch c {
		case 0:
			if has = len(a.stopwords) > 0; has {
				met = a.matchStopword(m.Secret)
			}
		case 1:
			if has = len(a.commits) > 0; has {
				met = commit != "" && a.commits[strings.ToLower(commit)]
			}
		case 2:
			if has = len(a.paths) > 0; has {
				met = path != "" && a.matchPath(path)
			}
		case 3:
			if has = len(a.regexes) > 0; has {
				met = a.matchRegex(m)
			}
		}
		if !has {
			continue
		}
		present++
		if met != a.and {
			return met // OR: one met condition decides; AND: one unmet one
		}
	}
	return a.and && present > 0
}

func (a *allowlist) matchRegex(m *Match) bool {
	target := m.Secret
	switch a.target {
	case "match":
		target = m.Text
	case "line":
		target = m.lineText
	}
	for _, re := range a.regexes {
		if re.MatchString(target) {
			return true
		}
	}
	return false
}

func (a *allowlist) matchStopword(secret string) bool {
	low := strings.ToLower(secret)
	for _, w := range a.stopwords {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// verdict is what the allowlists make of a match.
type verdict int

const (
	keep    verdict = iota
	weakVal         // a weak value: a weak password in a credential store
	drop
)

// judge returns what allowlist a makes of m at path and commit (empty for
// content-only checks): drop, or weakVal for a weak allowlist and a rule
// that reads credential stores.
func (a *allowlist) judge(m *Match, path, commit string) verdict {
	if !a.allows(m, path, commit) {
		return keep
	}
	if a.weak && m.rule.store != nil {
		return weakVal
	}
	return drop
}

// allowedByContent reports whether an allowlist that looks at content only
// ignores m.
func (d *Detector) allowedByContent(m *Match) bool {
	return d.judgeAll(m, false, "", "") == drop
}

// judgeAll applies m's rule's allowlists and the global ones aimed at it,
// those that look at the source (sourceDependent) or those that look at
// content only: drop if one ignores m, weakVal if none does and one finds
// its value weak (for a rule that reads credential stores), keep otherwise.
func (d *Detector) judgeAll(m *Match, sourceDependent bool, path, commit string) verdict {
	v := keep
	for _, a := range m.rule.allow {
		if a.sourceDependent() == sourceDependent {
			if j := a.judge(m, path, commit); j == drop {
				return drop
			} else if j == weakVal {
				v = weakVal
			}
		}
	}
	for _, a := range d.global {
		if a.appliesTo(m.rule.ID) && a.sourceDependent() == sourceDependent {
			if j := a.judge(m, path, commit); j == drop {
				return drop
			} else if j == weakVal {
				v = weakVal
			}
		}
	}
	return v
}
