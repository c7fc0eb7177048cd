package main

import (
	"errors"

	"github.com/leakhound/leakhound/leak"
)

// This file is the seam where baselines (issue 4) plug into leakhound ci.
// It is the only place the ci command knows about baselines: ci reads the
// baseline file's bytes (from the base commit, see cmd_ci.go), hands them
// to parseBaseline, and keeps the findings the filter calls new.

// findingFilter decides which findings are new, that is, not accepted by a
// baseline.
type findingFilter interface {
	// IsNew reports whether f must be reported: its fingerprint is not in
	// the baseline.
	IsNew(f *leak.Finding) bool
}

// errNoBaselineSupport is parseBaseline's answer until baselines are wired
// in.
var errNoBaselineSupport = errors.New("this build of leakhound does not read baselines yet")

// parseBaseline reads the content of a baseline file; name says where it
// came from, for messages ("abc1234:.secretsbaseline.json").
//
// SEAM: replace this body with the baseline package's parser, adapted to
// findingFilter. Until then it returns errNoBaselineSupport, and leakhound
// ci warns and reports every finding: it fails closed, never hiding a
// finding it cannot check against a baseline.
func parseBaseline(name string, data []byte) (findingFilter, error) {
	return nil, errNoBaselineSupport
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
