package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/ci"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// ciOptions are the flags of `leakhound ci`.
type ciOptions struct {
	outputOptions
	rulesOptions
	readOptions
	triageOptions
	base, head string
	baseline   string
}

func newCICommand(std stdio) *cobra.Command {
	var opts ciOptions
	cmd := &cobra.Command{
		Use:   "ci [PATH]",
		Short: "Scan the commits a merge request or push adds, in CI",
		Long: `Scan only the commits that a merge request (or a push) adds to the
repository at PATH (default "."), and fail on new leaks.

leakhound ci finds the range itself:
  GitHub Actions  pull_request and pull_request_target events: the pull
                  request's base..head, from the event file ($GITHUB_EVENT_PATH);
                  merge_group: the queue's base..head; push: before..after, and
                  for a new branch (or a force-push whose old tip is gone) the
                  commits not on the default branch.
  GitLab CI       merge request pipelines: $CI_MERGE_REQUEST_DIFF_BASE_SHA..
                  $CI_COMMIT_SHA (and not the target branch's tip, in merged
                  results pipelines); branch pipelines: $CI_COMMIT_BEFORE_SHA..
                  $CI_COMMIT_SHA, and for a new branch (before is all zeros)
                  the commits not on $CI_DEFAULT_BRANCH.
  Elsewhere       --base REF [--head REF, default HEAD].
--base and --head always win over what the environment says. The first line
of output says which range is scanned and why.

The history must reach the base: in a shallow clone that lacks it,
leakhound ci fails (exit 2) and says how to fetch more (fetch-depth: 0 on
GitHub, GIT_DEPTH: 0 on GitLab, git fetch --unshallow elsewhere). It never
passes a range it could not read whole.

Rules come from the BASE commit's .secretsrules.toml (else the built-in
rules), never from the work tree, which holds the merge request's version: a
merge request must not be able to allowlist its own secret. --config names a
rules file to use instead. The baseline likewise: --baseline FILE (default
.secretsbaseline.json) is read from the base commit when FILE is inside the
repository, and from disk when it is outside.

Secrets are always masked, in every report. In GitHub Actions, findings are
also written as annotations (unless another format than text goes to
standard output) and a summary is appended to $GITHUB_STEP_SUMMARY.` + reportsHelp + `

Only findings at or above --fail-on (default ` + defaultFailOn + `) fail the job;
lower ones (a password in a test, a documentation example) are reported
and the job passes.

EXIT STATUS
  0  no new leaks in the range at or above --fail-on
  1  new leaks found at or above --fail-on
  2  error, or a range that could not be scanned whole (shallow clone,
     unreadable objects)
  130  interrupted`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCI(cmd.Context(), opts, args, std, os.Getenv)
		},
	}
	fs := cmd.Flags()
	opts.AddReportFlags(fs)
	opts.AddColorFlag(fs)
	opts.rulesOptions.AddFlags(fs, configFromBase)
	opts.readOptions.AddFlags(fs)
	opts.triageOptions.AddFlags(fs)
	opts.triageOptions.AddFailOnFlag(fs)
	fs.StringVar(&opts.base, "base", "", "scan commits not reachable from this revision (default: from the CI environment)")
	fs.StringVar(&opts.head, "head", "", "scan commits reachable from this revision (default: from the CI environment, else HEAD)")
	fs.StringVar(&opts.baseline, "baseline", "", "baseline of accepted findings (default: "+baseline.FileName+" in the base commit)")
	return cmd
}

// runCI runs `leakhound ci`. getenv reads the environment. On GitHub
// Actions, everything it prints is made inert to the runner's workflow
// commands (see ghGuard), except the annotations it issues.
func runCI(ctx context.Context, opts ciOptions, args []string, std stdio, getenv func(string) string) (err error) {
	if getenv("GITHUB_ACTIONS") == "true" {
		out, errw := &ghGuard{w: std.out}, &ghGuard{w: std.err}
		std.out, std.err = out, errw
		defer func() {
			out.Flush()
			errw.Flush()
			if err != nil {
				err = ghSafeError{err}
			}
		}()
	}
	return runCIGuarded(ctx, opts, args, std, getenv)
}

func runCIGuarded(ctx context.Context, opts ciOptions, args []string, std stdio, getenv func(string) string) error {
	path, specs, maxSize, err := scanArgs(args, opts.reports, opts.readOptions)
	if err != nil {
		return err
	}
	if err := opts.triageOptions.check(); err != nil {
		return err
	}
	r, err := ci.Detect(getenv, opts.base, opts.head)
	if err != nil {
		return err
	}
	env := &reportEnv{redactAll: true, noColor: opts.noColor}
	if r.Nothing {
		fmt.Fprintf(std.err, "leakhound: nothing to scan: %s\n", report.TermSafe(r.Why))
		if r.Platform == ci.GitHub {
			specs = withAnnotations(specs, std)
		}
		rep := &report.Report{Summary: report.Summary{Source: path, Mode: "git", Range: "nothing (" + r.Why + ")", Skipped: map[leak.SkipReason]int{}}}
		return finishCI(rep, nil, specs, env, getenv, std, opts.triageOptions)
	}

	repo, err := gitwalk.Open(path)
	if err != nil {
		return err
	}
	defer repo.Close()
	rr, err := ci.Resolve(repo, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(std.err, "leakhound: scanning %s: %s\n", rr.Label, report.TermSafe(rr.Why))
	if rr.BaseWhy != "" {
		fmt.Fprintf(std.err, "leakhound: rules and baseline from %s\n", report.TermSafe(rr.BaseWhy))
	}
	if r.Platform == ci.GitHub {
		specs = withAnnotations(specs, std)
	}
	if r.Unmerged() {
		env.review = &report.Review{Head: rr.Head.String(), What: reviewName(r)}
	}

	// Rules and baseline come from the base commit: the work tree is the
	// merge request's, and a merge request must not vet itself.
	settings, err := scan.LoadSettings(ctx, scan.Policy{
		RulesFile: opts.config, BaselineFile: opts.baseline,
		Repo: repo, Reviewed: &scan.Reviewed{Base: rr.Base, Head: rr.Head},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(std.err, "leakhound: rules: %s\n", report.TermSafe(settings.RulesFrom))
	if settings.BaselineNote != "" {
		fmt.Fprintf(std.err, "leakhound: baseline: %s\n", report.TermSafe(settings.BaselineNote))
	}
	src := &scan.History{Repo: repo, Name: path, Label: rr.Label, IncludeIDs: []gitwalk.ID{rr.Head}, ExcludeIDs: rr.Exclude, Complete: true}
	// A merge request picks its paths: a token of a fixed format is
	// reported even under node_modules/ or in a lockfile.
	eo := scan.Options{Settings: settings, Workers: opts.threads, MaxFileSize: maxSize, MaxArchiveDepth: opts.maxArchiveDepth(), HighConfidenceEverywhere: true, NoMessages: opts.noMessages, IncludeKnown: opts.includeKnown}
	result, scanErr := runEngine(ctx, src, eo, !opts.noProgress, std)
	var sre *scan.ShallowRangeError
	if errors.As(scanErr, &sre) {
		return fmt.Errorf("%v; the range cannot be scanned whole; %s", sre, ci.ShallowFix(r.Platform))
	}
	if result == nil {
		return scanErr
	}
	opts.filter(result)
	if n := result.Summary.Baselined; n > 0 {
		fmt.Fprintf(std.err, "leakhound: %d finding(s) already in the baseline, not reported\n", n)
	}
	return finishCI(result, scanErr, specs, env, getenv, std, opts.triageOptions)
}

// finishCI writes the reports, and on GitHub the job summary, and turns the
// outcome into an exit status.
func finishCI(result *report.Report, scanErr error, specs []report.Output, env *reportEnv, getenv func(string) string, std stdio, to triageOptions) error {
	var summaryErr error
	if p := getenv("GITHUB_STEP_SUMMARY"); p != "" && getenv("GITHUB_ACTIONS") == "true" {
		summaryErr = appendStepSummary(p, result)
	}
	// Annotations are workflow commands meant as such: past the guard of
	// standard output (see runCI), after the other reports.
	var annotate bool
	if g, ok := std.out.(*ghGuard); ok {
		specs = slices.DeleteFunc(slices.Clone(specs), func(o report.Output) bool {
			annotate = annotate || o.Stdout() && o.Format == "github"
			return o.Stdout() && o.Format == "github"
		})
		defer func() {
			if annotate {
				g.Flush()
				report.GitHubAnnotations{}.Write(g.Raw(), result)
			}
		}()
	}
	err := finish(result, scanErr, exitLeaks, specs, env, std)
	var leaks leaksFound
	if errors.As(err, &leaks) {
		if n := to.failing(result); n == 0 {
			fmt.Fprintf(std.err, "leakhound: %d finding(s), none at or above --fail-on %s: not failing\n", len(result.Findings), to.failOn)
			err = nil
		}
	}
	if err != nil {
		return err
	}
	if summaryErr != nil {
		return summaryErr
	}
	return nil
}

// withAnnotations adds GitHub annotations on standard output, unless a
// report in another format than text already goes there (annotations would
// corrupt it).
func withAnnotations(specs []report.Output, std stdio) []report.Output {
	for _, s := range specs {
		if s.Format == "github" {
			return specs
		}
		if s.Stdout() && s.Format != "text" {
			fmt.Fprintf(std.err, "leakhound: no GitHub annotations: the %s report goes to standard output\n", s.Format)
			return specs
		}
	}
	return append(specs, report.Output{Format: "github"})
}

// appendStepSummary appends the Markdown summary of a masked copy of the
// report to GitHub's job summary file.
func appendStepSummary(path string, result *report.Report) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("GitHub job summary: %w", err)
	}
	werr := report.Markdown{}.Write(f, result)
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("GitHub job summary %s: %w", path, werr)
	}
	return nil
}

// reviewName names the commits of an unmerged range for people.
func reviewName(r ci.Range) string {
	switch {
	case r.PullRequest > 0:
		return fmt.Sprintf("pull request #%d", r.PullRequest)
	case r.Platform == ci.GitHub && r.Event == "merge_group":
		return "the merge queue"
	case r.Platform == ci.GitLab && r.Event == "merge_request_event":
		return "this merge request"
	}
	return "this branch"
}
