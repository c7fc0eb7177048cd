package report_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// TestCombinerIsOrderFree adds the same reports in every order: one
// report, the finding of a shared secret at the repository that sorts
// first, with the other repositories' places as locations.
func TestCombinerIsOrderFree(t *testing.T) {
	f := func(file string, line int, fp string) leak.Finding {
		return leak.Finding{RuleID: "r", Fingerprint: fp, Location: leak.Location{File: file, Line: line}}
	}
	reps := map[string]*report.Report{
		"b": {Findings: []leak.Finding{f("b1", 1, "x"), f("b2", 2, "y")}, Summary: report.Summary{Commits: 2}},
		"a": {Findings: []leak.Finding{f("a1", 1, "y")}, Summary: report.Summary{Commits: 3}},
		"c": {Findings: []leak.Finding{f("c1", 5, "x")}, Summary: report.Summary{Commits: 4}},
	}
	var want string
	for _, order := range [][]string{{"a", "b", "c"}, {"c", "b", "a"}, {"b", "c", "a"}} {
		c := report.NewCombiner()
		for _, name := range order {
			c.Add(name, reps[name])
		}
		c.AddFailed("d", errors.New("clone refused"))
		r := c.Report()
		var b bytes.Buffer
		if err := (report.CSV{ShowSecrets: true}).Write(&b, r); err != nil {
			t.Fatal(err)
		}
		got := b.String()
		if want == "" {
			want = got
			rows, err := csv.NewReader(strings.NewReader(got)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// header, y at a (with b's place), x at b (with c's place)
			if len(rows) != 3 || rows[1][3] != "a1" || rows[1][len(rows[1])-1] != "a" || !strings.Contains(rows[1][18], "b:b2:2") ||
				rows[2][3] != "b1" || !strings.Contains(rows[2][18], "c:c1:5") {
				t.Errorf("rows %q", rows)
			}
			if r.Summary.Commits != 9 || len(r.Summary.Repositories) != 4 || len(r.Summary.Failed()) != 1 || !r.Summary.Incomplete {
				t.Errorf("summary %+v", r.Summary)
			}
		} else if got != want {
			t.Errorf("order %v:\n%s\nwant\n%s", order, got, want)
		}
	}
}
