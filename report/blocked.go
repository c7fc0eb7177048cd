package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/leakhound/leakhound/leak"
)

// Blocked writes what a git hook prints when it blocks a commit or a push:
// each secret with its commit, file, line and rule, and what to do, in
// the order given:
//
//	leakhound: push blocked: 1 secret in the commits being pushed
//
//	  commit 2f8789e21d  "deploy"
//	    deploy.py:1  github-pat  ghp_… (40 chars)
//
//	What to do:
//	  1. Rotate the credential: ...
//
// The summary is not written: a hook's report is about what it blocked.
type Blocked struct {
	// Action is what was blocked: "commit" (the staged changes) or "push"
	// (the commits being pushed).
	Action string
	// Tips are the commits at the tips of a push, by id: a secret there
	// is fixed by amending the commit, an older one by a rebase.
	Tips map[string]bool
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
}

var _ Reporter = Blocked{}

// Write writes the findings of r.
func (h Blocked) Write(w io.Writer, r *Report) error {
	fs := r.Findings
	if !h.ShowSecrets {
		fs = Masked(r).Findings
	}
	var b strings.Builder
	n := len(fs)
	where := "the staged changes"
	if h.Action == "push" {
		where = "the commits being pushed"
	}
	fmt.Fprintf(&b, "\nleakhound: %s blocked: %d secret%s in %s\n\n", h.Action, n, Plural(n), where)
	order := WriteByCommit(&b, fs)
	fmt.Fprintln(&b, "\nWhat to do:")
	fmt.Fprintln(&b, "  1. Rotate the credential: treat it as exposed, it may already be copied elsewhere.")
	if h.Action == "push" {
		fmt.Fprintln(&b, "  2. Take it out of the commits before pushing:")
		rewriteSteps(&b, order, func(c string) bool { return h.Tips[c] })
	} else {
		fmt.Fprintln(&b, "  2. Take it out of the file and stage that (git add), or unstage the file: git restore --staged <file>")
		fmt.Fprintln(&b, "     Load it at run time instead, e.g. os.environ[\"NAME\"].")
	}
	if h.Action == "push" {
		fmt.Fprintln(&b, "  3. A false positive? Accept it in the baseline: leakhound baseline update && leakhound baseline audit")
		fmt.Fprintln(&b, "     (then commit .secretsbaseline.json), or mark the line with a leakhound:allow comment.")
	} else {
		// A baseline of history does not cover what is only staged: the
		// advice must work before the commit exists.
		fmt.Fprintln(&b, "  3. A false positive? Either end the line with a comment holding leakhound:allow")
		fmt.Fprintln(&b, "     (# leakhound:allow, // leakhound:allow, ...), git add the file and commit again;")
		fmt.Fprintln(&b, "     or record it in the baseline: leakhound baseline update --staged,")
		fmt.Fprintln(&b, "     then git add .secretsbaseline.json and commit again.")
	}
	fmt.Fprintf(&b, "  To bypass once: git %s --no-verify  (CI will still check).\n\n", h.Action)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteByCommit writes findings as every hook lists them (a local hook's
// Blocked, a server's rejection): grouped by commit in the order given,
// each group under its commit's short id and the first line of its message,
// quoted, cut after at most 60 bytes at a character boundary; then one line per finding:
//
//	commit 2f8789e21d  "deploy"
//	  deploy.py:1  github-pat  ghp_… (40 chars)
//
// What a repository controls (file, rule id, secret, message) is escaped
// here, once, as values in a report are (quoteStyle); findings come in
// unescaped, and masked unless the secrets are to be shown. It returns the
// commits in the order written.
func WriteByCommit(b *strings.Builder, findings []leak.Finding) []string {
	var order []string
	byCommit := map[string][]leak.Finding{}
	for _, f := range findings {
		if _, ok := byCommit[f.Commit]; !ok {
			order = append(order, f.Commit)
		}
		byCommit[f.Commit] = append(byCommit[f.Commit], f)
	}
	for _, c := range order {
		group := byCommit[c]
		if c != "" {
			fmt.Fprintf(b, "  commit %s  %q\n", ShortID(c), truncate(displayMessage(group[0].Message), 60+len("…")))
		}
		for _, f := range group {
			fmt.Fprintf(b, "    %s:%d  %s  %s\n", escape(leak.DisplayPath(f.File)), f.Line, escape(f.RuleID), escape(f.Secret))
		}
	}
	return order
}
