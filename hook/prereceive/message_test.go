package prereceive

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// TestRejectionEscapesControlCharacters: what a push controls (file
// names, ref names, commit messages) reaches the pusher's terminal with
// its control characters escaped, so that it cannot drive the terminal.
func TestRejectionEscapesControlCharacters(t *testing.T) {
	masked := &report.Report{Findings: []leak.Finding{{
		RuleID: "github-pat", Secret: "ghp_… (40 chars)",
		Location: leak.Location{File: "deploy\x1b[2J.sh", Line: 3,
			Commit: strings.Repeat("a", 40), Message: "fix\x1b]0;owned\x07 it\nbody"},
	}}}
	tips := map[string][]string{strings.Repeat("a", 40): {"refs/heads/ma\x1bin"}}
	for _, write := range []func(*strings.Builder){
		func(b *strings.Builder) { writeRejection(b, masked, tips, Config{}, false) },
		func(b *strings.Builder) { writeFindings(b, masked) },
	} {
		var b strings.Builder
		write(&b)
		out := b.String()
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("raw control characters reach the pusher:\n%q", out)
		}
		if !strings.Contains(out, `deploy\x1b[2J.sh:3`) {
			t.Errorf("the file name is not shown escaped:\n%s", out)
		}
	}
}
