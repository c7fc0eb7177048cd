package prereceive

import (
	"fmt"
	"io"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// writeRejection writes what the pusher reads when the push is rejected
// for its findings (masked already), git prefixing each line with
// "remote: ":
//
//	leakhound: push rejected: 1 secret in the pushed commits
//
//	  commit 2f8789e21d  "deploy"
//	    deploy.py:1  github-pat  ghp_… (40 chars)
//
//	How to fix it:
//	  1. Rotate the credential ...
//	  2. Take it out of the commits, then push again:
//	       2f8789e21d is the tip of refs/heads/main: ... git commit --amend
//	  ...
//
// tipRefs maps each pushed tip to the refs it is pushed to.
func writeRejection(w io.Writer, masked *report.Report, tipRefs map[string][]string, cfg Config, timedOut bool) {
	var b strings.Builder
	n := len(masked.Findings)
	fmt.Fprintf(&b, "\nleakhound: push rejected: %d secret%s in the pushed commits\n", n, report.Plural(n))
	if timedOut {
		fmt.Fprintf(&b, "(the %s time limit was reached first: there may be more)\n", cfg.timeout())
	}
	b.WriteString("\n")
	order := report.WriteByCommit(&b, masked.Findings)
	b.WriteString("\nHow to fix it:\n")
	b.WriteString("  1. Rotate the credential: treat it as exposed, it may already be copied elsewhere.\n")
	b.WriteString("  2. Take it out of the commits, then push again:\n")
	for _, c := range order {
		short := report.ShortID(c)
		if refs := tipRefs[c]; len(refs) > 0 {
			fmt.Fprintf(&b, "       %s is the tip of %s: fix the file, git add it, git commit --amend\n", short, report.TermSafe(strings.Join(refs, ", ")))
		} else {
			fmt.Fprintf(&b, "       %s is older: git rebase -i %s~1  (mark it \"edit\", fix the file, git commit --amend, git rebase --continue)\n", short, short)
		}
	}
	b.WriteString("  3. Load the secret at run time instead (an environment variable, a secrets manager).\n")
	b.WriteString("  A false positive? A maintainer adds it to .secretsbaseline.json on the default branch\n")
	b.WriteString("  (leakhound baseline update); a push cannot allowlist its own findings.\n")
	if cfg.AllowPushOption {
		fmt.Fprintf(&b, "  To push anyway, give a reason, which is recorded with your name: git push -o %s=\"reason\"\n", AllowOption)
	}
	b.WriteString("  git push --no-verify does not skip this check: it runs on the server.\n\n")
	io.WriteString(w, b.String())
}

// writeFindings writes the findings, grouped by commit (see
// report.WriteByCommit).
func writeFindings(w io.Writer, masked *report.Report) {
	var b strings.Builder
	report.WriteByCommit(&b, masked.Findings)
	io.WriteString(w, b.String())
}
