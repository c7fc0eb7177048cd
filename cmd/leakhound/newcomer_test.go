package main

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
)

// TestConflictingOptionsAreErrors: options that contradict each other are
// refused with exit 2 and a reason, before anything is scanned, rather
// than one of them silently winning.
func TestConflictingOptionsAreErrors(t *testing.T) {
	g := gittest.New(t)
	g.Write("app.py", "TOKEN = '"+ghToken+"'\n").Commit("token")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--no-progress", "--branch", "HEAD", "--range", "HEAD~0..HEAD", g.Dir}, "--branch and --range cannot be used together"},
		{[]string{"scan", "--no-progress", "--redact", "--show-secrets", g.Dir}, "--redact and --show-secrets cannot be used together"},
	} {
		r := runLH(t, "", tc.args...)
		if r.code != 2 || !strings.Contains(r.err, tc.want) || r.out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 saying %q", tc.args, r.code, r.out, r.err, tc.want)
		}
	}
}
