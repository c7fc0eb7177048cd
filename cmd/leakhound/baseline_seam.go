package main

import (
	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/leak"
)

// This file is where baselines plug into leakhound ci, which reads the
// baseline file's bytes itself (from the base commit, see cmd_ci.go: a
// merge request must not vet itself), hands them to parseBaseline, and
// keeps the findings the filter calls new. scan and the hooks apply
// baselines inside scanGit instead (see baseline.go).

// findingFilter decides which findings are new, that is, not accepted by a
// baseline.
type findingFilter interface {
	// IsNew reports whether f must be reported: its fingerprint is not in
	// the baseline.
	IsNew(f *leak.Finding) bool
}

// baselineFilter is a baseline as a findingFilter.
type baselineFilter struct{ b *baseline.Baseline }

func (f baselineFilter) IsNew(x *leak.Finding) bool { return f.b.Lookup(x.Fingerprint) == nil }

// parseBaseline reads the content of a baseline file; name says where it
// came from, for messages ("abc1234:.secretsbaseline.json"). A baseline
// that cannot be used as it is (bad JSON, a newer format, fingerprints of
// an older version) is an error, which fails the run: it never hides a
// finding.
func parseBaseline(name string, data []byte) (findingFilter, error) {
	b, err := baseline.Parse(name, data)
	if err != nil {
		return nil, err
	}
	if err := b.Check(name); err != nil {
		return nil, err
	}
	return baselineFilter{b}, nil
}

// newFindings returns the findings filter calls new, and how many it
// dropped. A nil filter keeps everything.
func newFindings(fs []leak.Finding, filter findingFilter) ([]leak.Finding, int) {
	if filter == nil {
		return fs, 0
	}
	kept := fs[:0:0]
	for i := range fs {
		if filter.IsNew(&fs[i]) {
			kept = append(kept, fs[i])
		}
	}
	return kept, len(fs) - len(kept)
}
