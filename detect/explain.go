package detect

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/entropy"
)

// Stage is one step of a rule's verdict on a match, for Explain: the
// keyword prefilter, the regex, the name check, the entropy floor, the
// stand-in filter, an inline allow, each allowlist, the path filter.
type Stage struct {
	// Name names the step: "keywords", "regex", "names", "entropy",
	// "stand-in", "inline allow", "allowlist", "path", "weak value".
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
// rules test`), not for scanning: it looks at the whole content, with no
// keyword windows, and at most 16 matches. A rule that finds files by
// path alone has nothing to explain. With no match at all, the one
// Explanation returned holds the keyword and regex stages.
func (d *Detector) Explain(ruleID string, content []byte, path string) ([]Explanation, error) {
	var r *rule
	for _, x := range d.rules {
		if x.ID == ruleID {
			r = x
		}
	}
	if r == nil {
		return nil, fmt.Errorf("no rule %q", ruleID)
	}
	if r.Regex == "" {
		return nil, nil
	}
	if err := r.compile(); err != nil {
		return nil, err
	}
	kw := Stage{Name: "keywords", Passed: r.keywordIn(content)}
	switch {
	case len(r.Keywords) == 0:
		kw.Detail = "the rule has none: its regex runs everywhere"
	case kw.Passed:
		kw.Detail = fmt.Sprintf("one of %q occurs", r.Keywords)
	default:
		kw.Detail = fmt.Sprintf("none of %q occurs: the regex does not run", r.Keywords)
	}
	locs := r.re.FindAllSubmatchIndex(content, maxExplained)
	if len(locs) == 0 || !kw.Passed {
		re := Stage{Name: "regex", Passed: len(locs) > 0, Detail: "no match"}
		if len(locs) > 0 {
			re.Detail = fmt.Sprintf("%d match(es)", len(locs))
		}
		return []Explanation{{Stages: []Stage{kw, re}}}, nil
	}
	var out []Explanation
	for _, loc := range locs {
		out = append(out, d.explainMatch(r, content, path, loc, kw))
	}
	return out, nil
}

// explainMatch judges one match of r's regex at loc, as record and
// Finding do, without stopping at the first step that drops it.
func (d *Detector) explainMatch(r *rule, content []byte, path string, loc []int, kw Stage) Explanation {
	e := Explanation{Match: string(content[loc[0]:loc[1]]), Stages: []Stage{kw, {Name: "regex", Passed: true, Detail: "matches"}}}
	add := func(name string, passed bool, format string, args ...any) {
		e.Stages = append(e.Stages, Stage{Name: name, Passed: passed, Detail: fmt.Sprintf(format, args...)})
	}
	var skip uint64
	if r.names != nil {
		ok := r.names.accepts(content, loc)
		add("names", ok, "%s", map[bool]string{true: "the name says a secret", false: "the name the value is assigned to does not say a secret"}[ok])
		skip = r.names.skip
	}
	s0, s1 := secretSpan(loc, r.secretGroup, skip)
	for _, g := range r.secretGroups {
		if s0 >= 0 {
			break
		}
		s0, s1 = secretSpan(loc, g, skip)
	}
	if s0 < 0 || s1 <= s0 {
		add("secret", false, "the secret group captured nothing")
		return e
	}
	secret := content[s0:s1]
	e.Secret = string(secret)
	ent := entropy.Shannon(secret)
	weak := false
	if r.Entropy > 0 {
		ok := ent >= r.Entropy
		switch {
		case ok:
			add("entropy", true, "%.2f bits per byte, floor %.2f", ent, r.Entropy)
		case r.store != nil:
			weak = true
			add("entropy", true, "%.2f bits per byte, under the floor %.2f: a weak value (reported only in the rule's credential stores)", ent, r.Entropy)
		default:
			add("entropy", false, "%.2f bits per byte, under the rule's floor %.2f", ent, r.Entropy)
		}
	}
	if r.generic && r.store == nil {
		ok := !d.standIn(secret)
		add("stand-in", ok, "%s", map[bool]string{true: "not a near miss or a marked stand-in", false: "a near miss of a vendor's format or a value marked as a stand-in (short, invalid, example...)"}[ok])
	}
	if !d.opts.IgnoreInlineAllows {
		ok := !d.inlineAllowed(content, loc[0], loc[1])
		add("inline allow", ok, "%s", map[bool]string{true: "none on the line", false: "the line carries an allow comment"}[ok])
	}
	lo := lineStartBefore(content, s0, 0)
	hi := lineEndAfter(content, s0, 0)
	m := Match{rule: r, Secret: e.Secret, Text: e.Match, lineText: string(bytes.TrimRight(content[lo:hi], "\r\n")), weak: weak}
	judge := func(a *allowlist, global bool) {
		if !a.allows(&m, path, "") {
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
		if a.weak && r.store != nil {
			weak = true
			add("allowlist", true, "%s: a weak value (reported only in the rule's credential stores)", what)
			return
		}
		add("allowlist", false, "%s ignores it", what)
	}
	before := len(e.Stages)
	for _, a := range r.allow {
		judge(a, false)
	}
	for _, a := range d.global {
		if a.appliesTo(r.ID) {
			judge(a, true)
		}
	}
	if len(e.Stages) == before {
		add("allowlist", true, "none ignores it")
	}
	if r.path != nil {
		ok := r.path.MatchString(path)
		add("path", ok, "the rule's path regex %s %s %s", r.path.String(), map[bool]string{true: "matches", false: "does not match"}[ok], path)
	}
	if weak && r.store != nil {
		ok := r.store.MatchString(path)
		add("weak value", ok, "%s is %sone of the rule's credential stores", path, map[bool]string{true: "", false: "not "}[ok])
	}
	e.Kept = e.Dropped() == nil
	return e
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
