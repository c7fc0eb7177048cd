package detect

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/textenc"
)

// Stage is one step of a rule's verdict on a match, for Explain: the
// keyword prefilter, the regex, the name check, the secret group, the
// entropy floor, the built-asset, words, stand-in, cut-short and glued-on
// filters, an inline allow, the allowlists, the path filter, the credential
// stores, and for a generic rule a token that decodes to text.
type Stage struct {
	// Name names the step: "keywords", "regex", "names", "secret",
	// "entropy", "asset name", "words", "stand-in", "cut short", "glued on",
	// "inline allow", "allowlist", "path", "weak value", "decoded",
	// "binary".
	Name string
	// Passed is false when this step dropped the match.
	Passed bool
	// Detail says what the step saw: "3.1 bits per byte, floor 3.5",
	// "global allowlist at rules.toml:80 (hand-typed runs)".
	Detail string
}

// Explanation is a rule's verdict on one of its regex's matches, step by
// step; Kept is true when no step dropped it.
type Explanation struct {
	Match, Secret string
	Stages        []Stage
	Kept          bool
	// match is the Match the verdict on content kept, for Finding's
	// stages at the path (see Explain).
	match *Match
}

// Dropped returns the first stage that dropped the match, or nil.
func (e *Explanation) Dropped() *Stage {
	for i := range e.Stages {
		if !e.Stages[i].Passed {
			return &e.Stages[i]
		}
	}
	return nil
}

// maxExplained bounds the matches Explain looks at.
const maxExplained = 16

// Explain runs the rule ruleID alone over content, as a file at path, and
// says for each match of its regex which step of detection kept or
// dropped it. It is for people asking why a rule finds nothing (`leakhound
// rules test`), not for scanning. It takes Detect's own steps for that one
// rule (the keyword prefilter, the windows around the keywords, the
// verdict on each match, then Finding's at path), recording them up to the
// one that drops a match. It does not decode encoded tokens, nor weigh the
// rule's matches against other rules', and it explains at most 16
// matches. A rule that finds files by path alone has nothing to explain.
// With no match at all, the one Explanation returned holds the keyword and
// regex stages.
func (d *Detector) Explain(ruleID string, content []byte, path string) ([]Explanation, error) {
	r := d.byID[ruleID]
	if r == nil {
		return nil, fmt.Errorf("no rule %q", ruleID)
	}
	if r.Regex == "" {
		return nil, nil
	}
	if err := r.compile(); err != nil {
		return nil, err
	}
	content, enc, copied := textenc.Normalize(nil, content)
	if !d.runs(allRules.forEncoding(enc), r) {
		return []Explanation{{Stages: []Stage{{Name: "binary", Detail: "binary content is read as its strings, where only the rules that run on commit messages (fixed formats) run"}}}}, nil
	}
	if textenc.Blankable(content) {
		if !copied {
			content = bytes.Clone(content)
		}
		content = textenc.Blank(content)
	}
	var hits []int
	d.eachKeyword(content, 0, len(content), func(kw, off int) {
		if slices.Contains(d.kwRules[kw], r.index) {
			hits = append(hits, off)
		}
	})
	slices.Sort(hits)
	hits = slices.Compact(hits)
	kw := Stage{Name: "keywords", Passed: len(r.Keywords) == 0 || len(hits) > 0}
	wins := [][2]int{{0, len(content)}}
	switch {
	case len(r.Keywords) == 0:
		kw.Detail = "the rule has none: its regex runs everywhere"
	case kw.Passed:
		kw.Detail = fmt.Sprintf("one of %q occurs", r.Keywords)
		wins = windows(content, hits, r.linesAfter())
	default:
		kw.Detail = fmt.Sprintf("none of %q occurs: the regex does not run", r.Keywords)
	}
	if !kw.Passed {
		return []Explanation{{Stages: []Stage{kw, regexStage(r, content, false)}}}, nil
	}
	sc := &scratch{explain: &explanations{
		head: []Stage{kw, {Name: "regex", Passed: true, Detail: "matches"}},
		list: make([]Explanation, 0, maxExplained),
	}}
	sc.splitLines(content)
	d.runRule(r, content, sc, wins, &Result{})
	exps := sc.explain.list
	if len(exps) == 0 {
		return []Explanation{{Stages: []Stage{kw, regexStage(r, content, true)}}}, nil
	}
	sc.content = content
	for i := range exps {
		e := &exps[i]
		if e.match != nil {
			// As Detect marks it: in a docstring, in a string.
			ms := []Match{*e.match}
			markDocstrings(sc, content, ms)
			*e.match = ms[0]
			_, e.Kept = d.sourceVerdict(e.match, path, "", e)
			if e.Kept {
				if enc, ok := supersedingToken(content, e.match); ok {
					e.step("decoded", false, fmt.Sprintf("the secret lies in a %s token that decodes to text, which is judged instead", enc))
					e.Kept = false
				}
			}
			e.match = nil
		}
	}
	return exps, nil
}

// supersedingToken reports whether a base64, hex or percent token of m's
// line that decodes to text supersedes m as Detect judges it (see
// superseded: a generic rule's match on the token as written), and the
// token's encoding. Explain does not scan the decoded text, so a rule that
// matches there too is not known here.
func supersedingToken(content []byte, m *Match) (enc string, ok bool) {
	ls := lineStartBefore(content, m.Start, 0)
	le := lineEndAfter(content, max(m.Start, m.End-1), 0)
	eachToken(content, ls, le, func(s, e int, _ []byte, name string) bool {
		if superseded(m, []decoded{{start: s, end: e}}) {
			enc, ok = name, true
			return false
		}
		return true
	})
	return enc, ok
}

// regexStage is the regex stage of an Explanation without matches: the
// regex ran (around the keywords) and found nothing there, or it did not
// run; either way it says how often it matches in the whole content.
func regexStage(r *rule, content []byte, ran bool) Stage {
	n := len(r.exactRegexp().FindAllIndex(content, maxExplained))
	switch {
	case !ran:
		return Stage{Name: "regex", Passed: n > 0, Detail: fmt.Sprintf("%d match(es)", n)}
	case n == 0:
		return Stage{Name: "regex", Detail: "no match"}
	}
	return Stage{Name: "regex", Detail: fmt.Sprintf("no match near a keyword; %d elsewhere", n)}
}

// explanations collects Explain's record of one rule's verdicts.
type explanations struct {
	// head are the stages every match has passed: keywords and regex.
	head []Stage
	list []Explanation
}

// next starts the explanation of a match, and returns nil (record
// nothing) past maxExplained or when x is nil, as it is in Detect.
func (x *explanations) next(match []byte) *Explanation {
	if x == nil || len(x.list) == maxExplained {
		return nil
	}
	x.list = append(x.list, Explanation{Match: string(match), Stages: slices.Clone(x.head)})
	return &x.list[len(x.list)-1]
}

// step records a stage of a verdict in e; a nil e records nothing.
func (e *Explanation) step(name string, passed bool, detail string) {
	if e != nil {
		e.Stages = append(e.Stages, Stage{Name: name, Passed: passed, Detail: detail})
	}
}

// entropyStep records the entropy stage: ent bits per byte against floor,
// the rule's own (ruleFloor) or the lower one a short or all-digit value
// is held to; weak is set for a value under the floor that the rule's
// credential stores report.
func (e *Explanation) entropyStep(ent, floor, ruleFloor float64, weak bool) {
	which := fmt.Sprintf("the rule's floor %.2f", floor)
	if floor < ruleFloor {
		which = fmt.Sprintf("the floor %.2f (the rule's %.2f, lowered for a value of this length and alphabet)", floor, ruleFloor)
	}
	switch {
	case ent >= floor:
		e.step("entropy", true, fmt.Sprintf("%.2f bits per byte, at or over %s", ent, which))
	case weak:
		e.step("entropy", true, fmt.Sprintf("%.2f bits per byte, under %s: a weak value (reported only in the rule's credential stores)", ent, which))
	default:
		e.step("entropy", false, fmt.Sprintf("%.2f bits per byte, under %s", ent, which))
	}
}

// allowStep records that allowlist a (a global one if global) ignores a
// match or, for v weakVal, marks its value weak.
func (e *Explanation) allowStep(a *allowlist, global bool, v verdict) {
	if e == nil {
		return
	}
	what := "allowlist of the rule"
	if global {
		what = "global allowlist"
	}
	if a.pos.File != "" {
		what += " at " + a.pos.String()
	}
	if a.desc != "" {
		what += " (" + a.desc + ")"
	}
	if v == weakVal {
		e.step("allowlist", true, what+": a weak value (reported only in the rule's credential stores)")
		return
	}
	e.step("allowlist", false, what+" ignores it")
}

// exemptStep records that global allowlist a matched a match but does not
// apply to its rule, a vendor's named format (see allowlist.exempts).
func (e *Explanation) exemptStep(a *allowlist) {
	if e == nil {
		return
	}
	e.step("allowlist", true, fmt.Sprintf("global allowlist at %s (%s) matches, but not for a vendor rule stated by names and a format without a literal prefix (exceptNamed)", a.pos, a.desc))
}

// either returns yes if ok, else no.
func either(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

// String writes the explanation on one line per stage.
func (e *Explanation) String() string {
	var b strings.Builder
	if e.Match != "" {
		fmt.Fprintf(&b, "match %q, secret %q\n", e.Match, e.Secret)
	}
	for _, s := range e.Stages {
		v := "pass"
		if !s.Passed {
			v = "DROP"
		}
		fmt.Fprintf(&b, "  %-4s %-12s %s\n", v, s.Name, s.Detail)
	}
	return b.String()
}
