package detect

import (
	"fmt"
	"slices"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// ExampleFailure is a rule self-test that did not hold.
type ExampleFailure struct {
	Rule    string
	Example config.Example
	// Got lists the secrets the rule found in the example's text.
	Got []string
}

func (f ExampleFailure) Error() string {
	if f.Example.Secret == "" {
		return fmt.Sprintf("%s: rule %q: example must not match, but found %q", f.Example.Pos, f.Rule, f.Got)
	}
	return fmt.Sprintf("%s: rule %q: example must yield %q, but found %q", f.Example.Pos, f.Rule, f.Example.Secret, f.Got)
}

// CheckExamples runs every rule's examples through d, with every rule
// active as in a real scan, and returns the examples that failed: one with
// a secret must make its rule find exactly that secret (other secrets may
// come along), one without must make its rule find nothing. The example is
// scanned as a file at its path, or at "example.txt".
//
// A path-only rule (one without a regex) finds files by path whatever
// their content; its example's secret is the path it must find.
func CheckExamples(d *Detector) ([]ExampleFailure, error) {
	var fails []ExampleFailure
	for _, r := range d.rules {
		for _, ex := range r.Examples {
			src := leak.Source{Path: examplePath(ex)}
			var got []string
			if r.Regex == "" {
				for _, f := range d.PathFindings("", nil, src) {
					if f.RuleID == r.ID {
						got = append(got, f.Match)
					}
				}
			} else {
				res, err := d.Detect(&leak.Fragment{Content: []byte(ex.Text), Sources: []leak.Source{src}})
				if err != nil {
					return nil, err
				}
				for i := range res.Matches {
					m := &res.Matches[i]
					if m.rule != r {
						continue
					}
					if _, ok := d.Finding(m, "", src); ok {
						got = append(got, m.Secret)
					}
				}
			}
			ok := len(got) == 0
			if ex.Secret != "" {
				ok = slices.Contains(got, ex.Secret)
			}
			if !ok {
				fails = append(fails, ExampleFailure{Rule: r.ID, Example: ex, Got: got})
			}
		}
	}
	return fails, nil
}

// examplePath is the path an example is scanned at: its own, or
// "example.txt".
func examplePath(ex config.Example) string {
	if ex.Path == "" {
		return "example.txt"
	}
	return ex.Path
}
