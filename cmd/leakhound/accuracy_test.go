package main

import (
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/internal/corpus"
)

// TestAccuracyOnGeneratedCorpus is a small run of the accuracy benchmark
// (go run ./bench/accuracy): a generated history of Django, Flask and
// FastAPI projects with planted secrets and hard negatives, scanned end to
// end. It fails when recall or precision on unique secrets drops under the
// benchmark's targets, or a found secret is not attributed to the commit
// that introduced it.
func TestAccuracyOnGeneratedCorpus(t *testing.T) {
	c := corpus.Generate(corpus.Options{Seed: 7, Projects: 24})
	dir := filepath.Join(t.TempDir(), "corpus.git")
	if err := c.WriteRepo(dir); err != nil {
		t.Fatal(err)
	}
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", dir)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	rep := parseJSON(t, r.out)
	var got []corpus.Reported
	for _, f := range rep.Findings {
		got = append(got, corpus.Reported{Rule: f.RuleID, Secret: f.Secret, File: f.File, Commit: f.Commit, Family: corpus.RuleFamily(f.RuleID, f.Tags)})
		for _, l := range f.Locations {
			got = append(got, corpus.Reported{Rule: f.RuleID, Secret: f.Secret, File: l.File, Commit: l.Commit, Family: corpus.RuleFamily(f.RuleID, f.Tags)})
		}
	}
	res := c.Score(got)
	if res.Total.Planted < 100 {
		t.Fatalf("corpus too small: %d secrets", res.Total.Planted)
	}
	if res.Total.Recall() < 0.98 || res.Total.Precision() < 0.98 || res.Misattributed > 0 {
		var b testWriter
		res.Write(&b, 30)
		t.Errorf("recall %.3f, precision %.3f (targets 0.98), %d misattributed:\n%s", res.Total.Recall(), res.Total.Precision(), res.Misattributed, b.String())
	}
}

type testWriter struct{ b []byte }

func (w *testWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
func (w *testWriter) String() string              { return string(w.b) }
