package detect

import (
	"fmt"
	"strings"
	"sync"

	re2 "github.com/wasilibs/go-re2"

	"github.com/leakhound/leakhound/config"
)

type allowlist struct {
	// pos and desc say where the allowlist is and what it is for, for
	// Explain.
	pos  config.Pos
	desc string
	and  bool
	// weak: what the allowlist matches is a weak value, reported in a
	// credential store instead of ignored.
	weak   bool
	target string
	// regexes and paths match where any of the allowlist's regexes or
	// paths does, compiled by load from regexSrc and pathSrc: at New, or,
	// in a lazy Detector, when a match or path first reaches the
	// allowlist (most of a hook's runs never get that far, and the
	// allowlists of the rules a hook's few keywords trigger cost more to
	// compile than the rules' regexes). regexSrc and pathSrc say whether
	// it has any before then. errs takes an error of that compilation,
	// ruleID naming the rule whose allowlist it is (empty for a global
	// one).
	regexes, paths    []*re2.Regexp
	regexSrc, pathSrc []string
	patterns          *patterns
	loadOnce          sync.Once
	loadErr           error
	errs              *lazyErrors
	ruleID            string
	stopwords         []string
	commits           map[string]bool
	rules             map[string]bool
	// exceptNamed: the allowlist does not apply to a rule whose
	// namedFormat holds (see config.Allowlist.ExceptNamed).
	exceptNamed bool
	// exceptInString: the allowlist does not apply to a match that lies
	// inside a string literal (Match.inString; see
	// config.Allowlist.ExceptInString).
	exceptInString bool
	// skipsFiles: a global allowlist that ignores a file by its path
	// alone (see Detector.SkipPath).
	skipsFiles bool
}

// patterns compiles each distinct regex once: the default rules' allowlists
// repeat the same few patterns (identifier shapes, placeholders, weak
// words) in dozens of rules, and every compilation costs start-up time,
// which a git hook pays on every run. It is safe for concurrent use: a
// lazy Detector compiles rules' allowlists with it from Detect.
type patterns struct {
	mu sync.Mutex
	m  map[string]*re2.Regexp
	// answers remembers path regexes' answers (see matchPath).
	answers pathMemo
}

func newPatterns() *patterns { return &patterns{m: make(map[string]*re2.Regexp)} }

// matchPath reports whether re, one of p's regexes, matches path. A file's
// path recurs in every commit that changes the file, and each rule or
// allowlist with a path regex asks of each: the answer is remembered (see
// pathMemo), so that a path costs one regex run per regex, not one per
// version of the file.
func (p *patterns) matchPath(re *re2.Regexp, path string) bool {
	return p.answers.answer(re, path)
}

func (p *patterns) compile(s string) (*re2.Regexp, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if re, ok := p.m[s]; ok {
		return re, nil
	}
	re, err := re2.Compile(s)
	if err != nil {
		return nil, err
	}
	p.m[s] = re
	return re, nil
}

// anyOfCompiled compiles the regex that matches where any of list does (one
// call into the regex engine per path or secret instead of one per
// pattern), or nil for an empty list. what names the list in errors, which
// name the pattern at fault.
func (p *patterns) anyOfCompiled(list []string, what string) ([]*re2.Regexp, error) {
	if len(list) == 0 {
		return nil, nil
	}
	re, err := p.compile(anyOf(list))
	if err == nil {
		return []*re2.Regexp{re}, nil
	}
	for _, s := range list {
		if _, err := re2.Compile(s); err != nil {
			return nil, fmt.Errorf("allowlist: bad %s %q: %w", what, s, err)
		}
	}
	return nil, fmt.Errorf("allowlist: %w", err)
}

// compileAllowlist compiles a's regexes and paths with p.
func compileAllowlist(a config.Allowlist, p *patterns) (*allowlist, error) {
	al := newAllowlist(a, p, nil, "")
	if !al.load() {
		return nil, al.loadErr
	}
	return al, nil
}

// newAllowlist returns a as an allowlist whose regexes and paths p
// compiles on first use (see load); a compilation that fails then is
// recorded in errs, ruleID naming the rule whose allowlist it is.
func newAllowlist(a config.Allowlist, p *patterns, errs *lazyErrors, ruleID string) *allowlist {
	al := &allowlist{pos: a.Pos, desc: a.Description, and: a.Condition == "AND", weak: a.Weak, target: a.RegexTarget, stopwords: a.Stopwords, exceptNamed: a.ExceptNamed,
		exceptInString: a.ExceptInString, regexSrc: a.Regexes, pathSrc: a.Paths, patterns: p, errs: errs, ruleID: ruleID}
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
	return al
}

// load compiles the allowlist's regexes and paths, once, and reports
// whether they compiled. Should they not (config's checks at load make
// that unlikely: see config.checkRegex), the allowlist matches by neither,
// and the error goes to the Detector's lazyErrors, for Detect to return.
func (a *allowlist) load() bool {
	a.loadOnce.Do(func() {
		var err error
		if a.regexes, err = a.patterns.anyOfCompiled(a.regexSrc, "regex"); err == nil {
			a.paths, err = a.patterns.anyOfCompiled(a.pathSrc, "path regex")
		}
		if err != nil {
			a.regexes, a.paths, a.loadErr = nil, nil, err
			a.errs.add(config.Error{Pos: a.pos, Rule: a.ruleID, Msg: err.Error()})
		}
	})
	return a.loadErr == nil
}

// lazyErrors keeps the first error of a lazy Detector's allowlists
// compiled on first use. It is safe for concurrent use.
type lazyErrors struct {
	mu    sync.Mutex
	first error
}

func (e *lazyErrors) add(err error) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.first == nil {
		e.first = err
	}
}

func (e *lazyErrors) err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.first
}

// anyOf returns a regex that matches where any of patterns does.
func anyOf(patterns []string) string {
	return "(?:" + strings.Join(patterns, ")|(?:") + ")"
}

func (a *allowlist) appliesTo(ruleID string) bool {
	return len(a.rules) == 0 || a.rules[ruleID]
}

// exempts reports whether a global allowlist that matched a match of r
// does not apply to r (see config.Allowlist.ExceptNamed).
func (a *allowlist) exempts(r *rule) bool {
	return a.exceptNamed && r.namedFormat()
}

// sourceDependent reports whether the allowlist looks at paths or commits,
// so that it can only be decided per Source, not on content alone.
func (a *allowlist) sourceDependent() bool {
	return len(a.pathSrc) > 0 || len(a.commits) > 0
}

// byPath reports whether a matching path alone makes the allowlist ignore
// a match: an OR allowlist with paths, or an AND allowlist of paths only.
func (a *allowlist) byPath() bool {
	if len(a.pathSrc) == 0 {
		return false
	}
	return !a.and || len(a.regexSrc)+len(a.stopwords)+len(a.commits) == 0
}

func (a *allowlist) matchPath(path string) bool {
	a.load()
	for _, re := range a.paths {
		if a.patterns.matchPath(re, path) {
			return true
		}
	}
	return false
}

// allows reports whether the allowlist ignores m at path and commit. An
// empty path and commit are content-only checks: path and commit conditions
// then count as not met. For a rule on paths alone, conditions on the
// value (regexes, stopwords) count as not met.
func (a *allowlist) allows(m *Match, path, commit string) bool {
	if a.exceptInString && m.inString {
		return false
	}
	present := 0
	// A rule on paths alone has no value to judge: its match holds the
	// blob's id (outside history, the file's name), so the conditions on
	// values are never met for it (placeholder.p12 is not a placeholder's
	// value); only paths and commits allow it.
	byValue := m.rule.Regex != ""
	// The conditions, cheapest first; each is looked at only if present.
	for c := range 4 {
		var has, met bool
		switch c {
		case 0:
			if has = len(a.stopwords) > 0; has {
				met = byValue && a.matchStopword(m.plainSecret())
			}
		case 1:
			if has = len(a.commits) > 0; has {
				met = commit != "" && a.commits[strings.ToLower(commit)]
			}
		case 2:
			if has = len(a.pathSrc) > 0; has {
				met = path != "" && a.matchPath(path)
			}
		case 3:
			if has = len(a.regexSrc) > 0; has {
				met = byValue && a.matchRegex(m)
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
	target := m.plainSecret()
	stem := ""
	switch a.target {
	case "match":
		target = m.Text
	case "line":
		target = m.lineText
	default:
		stem = sentenceStem(m, target)
	}
	a.load()
	for _, re := range a.regexes {
		if re.MatchString(target) || stem != "" && re.MatchString(stem) {
			return true
		}
	}
	return false
}

// sentenceStem returns the secret of a generic rule's match (a value
// judged by the name it is assigned to) without the full stop that ends
// it after a letter, or "" for any other: an unquoted value at the end of
// a sentence in prose takes the sentence's full stop ("token:
// SomethingLikeThis."), and the allowlists that know words and
// identifiers judge the value without it. The finding, when there is
// one, keeps the secret as found.
func sentenceStem(m *Match, secret string) string {
	n := len(secret)
	if !m.rule.generic || n < 2 || secret[n-1] != '.' || !isLetter(secret[n-2]) {
		return ""
	}
	return secret[:n-1]
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
	if a.weak && m.rule.readsStores() {
		return weakVal
	}
	return drop
}

// allowedByContent reports whether an allowlist that looks at content only
// ignores m.
func (d *Detector) allowedByContent(m *Match) bool {
	return d.judgeAll(m, false, "", "", nil) == drop
}

// lifted reports whether global allowlist a does not apply to rule r (see
// Options.Everywhere).
func (d *Detector) lifted(a *allowlist, r *rule) bool {
	return a.skipsFiles && d.everywhere(r)
}

// everywhere reports whether Options.Everywhere picks r.
func (d *Detector) everywhere(r *rule) bool {
	if d.opts.Everywhere == nil {
		return false
	}
	r.everywhereOnce.Do(func() { r.everywhere = d.opts.Everywhere(&r.Rule) })
	return r.everywhere
}

// inMessages reports whether r runs on messages (see Options.InMessages).
func (d *Detector) inMessages(r *rule) bool {
	if d.opts.InMessages == nil {
		return true
	}
	r.inMessagesOnce.Do(func() { r.inMessages = d.opts.InMessages(&r.Rule) })
	return r.inMessages
}

// runs reports whether rule r runs on a fragment whose choice of rules
// is only.
func (d *Detector) runs(only ruleChoice, r *rule) bool {
	switch only {
	case everywhereRules:
		return d.everywhere(r)
	case messageRules:
		return d.inMessages(r)
	}
	return true
}

// judgeAll applies m's rule's allowlists and the global ones aimed at it,
// those that look at the source (sourceDependent) or those that look at
// content only: drop if one ignores m, weakVal if none does and one finds
// its value weak (for a rule that reads credential stores), keep otherwise.
// rec, when not nil, records each allowlist that matches (see verdict).
func (d *Detector) judgeAll(m *Match, sourceDependent bool, path, commit string, rec *Explanation) verdict {
	v := keep
	for _, a := range m.rule.allow {
		if a.sourceDependent() == sourceDependent {
			if j := a.judge(m, path, commit); j != keep {
				rec.allowStep(a, false, j)
				if j == drop {
					return drop
				}
				v = weakVal
			}
		}
	}
	for _, a := range d.global {
		if a.appliesTo(m.rule.ID) && a.sourceDependent() == sourceDependent && !d.lifted(a, m.rule) {
			j := a.judge(m, path, commit)
			if j != keep && !m.alone && a.exempts(m.rule) {
				rec.exemptStep(a)
				continue
			}
			if j != keep {
				rec.allowStep(a, true, j)
				if j == drop {
					return drop
				}
				v = weakVal
			}
		}
	}
	if v == keep {
		rec.step("allowlist", true, either(sourceDependent, "none that looks at the path or commit ignores it", "none that looks at the content ignores it"))
	}
	return v
}
