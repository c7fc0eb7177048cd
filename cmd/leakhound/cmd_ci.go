package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
)

// ciOptions are the flags of `leakhound ci`.
type ciOptions struct {
	reports     reportSpecs
	base, head  string
	config      string
	baseline    string
	maxFileSize string
	threads     int
	noProgress  bool
	noColor     bool
}

// defaultBaseline is the baseline file leakhound ci reads from the base
// commit when --baseline is not given.
const defaultBaseline = ".secretsbaseline.json"

// maxBaselineSize bounds a baseline read from a commit (gitwalk.FileAt).
const maxBaselineSize = 256 << 20

func newCICommand(io stdio) *cobra.Command {
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

EXIT STATUS
  0  no new leaks in the range
  1  new leaks found
  2  error, or a range that could not be scanned whole (shallow clone,
     unreadable objects)
  130  interrupted`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCI(cmd.Context(), opts, args, io, os.Getenv)
		},
	}
	fs := cmd.Flags()
	fs.VarP(formatFlag{&opts.reports}, "format", "f", "report format: "+strings.Join(formats, ", ")+"; repeat it to write several reports")
	fs.VarP(outputFlag{&opts.reports}, "output", "o", "write the report of the --format before it to this file (mode 0600) instead of standard output")
	fs.StringVar(&opts.base, "base", "", "scan commits not reachable from this revision (default: from the CI environment)")
	fs.StringVar(&opts.head, "head", "", "scan commits reachable from this revision (default: from the CI environment, else HEAD)")
	fs.StringVarP(&opts.config, "config", "c", "", "rules file (default: .secretsrules.toml in the base commit, else the built-in rules)")
	fs.StringVar(&opts.baseline, "baseline", "", "baseline of accepted findings (default: "+defaultBaseline+" in the base commit)")
	fs.StringVar(&opts.maxFileSize, "max-file-size", "10MiB", "skip files larger than this (bytes, or with KiB, MiB, GiB)")
	fs.IntVar(&opts.threads, "threads", runtime.GOMAXPROCS(0), "parallel readers and detectors")
	fs.BoolVar(&opts.noProgress, "no-progress", false, "no progress bar (it only shows when stderr is a terminal)")
	fs.BoolVar(&opts.noColor, "no-color", false, "no colours in text output (also: NO_COLOR)")
	return cmd
}

// ciEnvVars are the environment variables leakhound ci reads.
var ciEnvVars = []string{
	"GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_SHA", "GITHUB_REF_NAME", "GITHUB_STEP_SUMMARY",
	"GITLAB_CI", "CI_PIPELINE_SOURCE", "CI_COMMIT_SHA", "CI_COMMIT_BEFORE_SHA", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG",
	"CI_DEFAULT_BRANCH", "CI_MERGE_REQUEST_IID", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA",
}

// Platforms leakhound ci knows.
const (
	github = "github"
	gitlab = "gitlab"
	local  = "local"
)

// zeroSHA is what CI systems give as the previous commit of a new branch.
const zeroSHA = "0000000000000000000000000000000000000000"

// ciRange is the range leakhound ci chose from its environment and flags,
// before it looks at the repository.
type ciRange struct {
	platform string
	// head is the revision whose commits are scanned.
	head string
	// bases are revisions whose history is left out; the first is the base
	// proper, the others (a merged results pipeline's target) optional.
	bases []string
	// newBranch: there is no base; scan what is not on defaultBranch.
	newBranch     bool
	defaultBranch string
	// branch is the branch being built, when known.
	branch string
	// push: the base is a push's previous tip, so a base missing from a
	// full clone was force-pushed away.
	push bool
	// nothing: there is nothing to scan (a deleted branch).
	nothing bool
	// why says where the range came from.
	why string
	// pullRequest is a GitHub pull request's number, for advice.
	pullRequest int
	// event is the GitHub event or GitLab pipeline source.
	event string
}

// detectRange works out the range from the CI environment and the flags.
func detectRange(getenv func(string) string, base, head string) (ciRange, error) {
	var r ciRange
	var err error
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		r, err = githubRange(getenv)
	case getenv("GITLAB_CI") == "true":
		r, err = gitlabRange(getenv)
	default:
		r = ciRange{platform: local}
	}
	// Explicit flags win.
	if base != "" {
		r.bases, r.newBranch, r.nothing, r.push, err = []string{base}, false, false, false, nil
		r.why = "--base " + base
	}
	if head != "" {
		r.head = head
		if base != "" {
			r.why = "--base and --head"
		} else {
			r.why += "; --head " + head
		}
	}
	if err != nil {
		return r, err
	}
	if r.head == "" {
		r.head = "HEAD"
	}
	if r.platform == local && base == "" {
		return r, errors.New("not running in GitHub Actions or GitLab CI, so there is no range to take from the environment: give --base REF (and --head REF, default HEAD)")
	}
	return r, nil
}

// githubEvent holds the fields of a GitHub Actions event that leakhound
// reads.
type githubEvent struct {
	// pull_request, pull_request_target
	Number      int `json:"number"`
	PullRequest *struct {
		Base struct {
			SHA string `json:"sha"`
			Ref string `json:"ref"`
		} `json:"base"`
		Head struct {
			SHA string `json:"sha"`
			Ref string `json:"ref"`
		} `json:"head"`
	} `json:"pull_request"`
	// push
	Before  string `json:"before"`
	After   string `json:"after"`
	Ref     string `json:"ref"`
	Created bool   `json:"created"`
	Deleted bool   `json:"deleted"`
	Forced  bool   `json:"forced"`
	// merge_group
	MergeGroup *struct {
		BaseSHA string `json:"base_sha"`
		HeadSHA string `json:"head_sha"`
		BaseRef string `json:"base_ref"`
	} `json:"merge_group"`
	Repository struct {
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
}

func githubRange(getenv func(string) string) (ciRange, error) {
	event := getenv("GITHUB_EVENT_NAME")
	r := ciRange{platform: github, event: event, head: getenv("GITHUB_SHA"), branch: getenv("GITHUB_REF_NAME")}
	path := getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return r, errors.New("GitHub Actions: GITHUB_EVENT_PATH is not set, so the event's range is unknown: give --base REF")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return r, fmt.Errorf("GitHub Actions: read the event file: %w", err)
	}
	var ev githubEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return r, fmt.Errorf("GitHub Actions: event file %s: %w", path, err)
	}
	r.defaultBranch = ev.Repository.DefaultBranch
	switch event {
	case "pull_request", "pull_request_target":
		pr := ev.PullRequest
		if pr == nil || pr.Base.SHA == "" || pr.Head.SHA == "" {
			return r, fmt.Errorf("GitHub Actions: %s event without the pull request's base and head commits", event)
		}
		r.head, r.bases, r.pullRequest = pr.Head.SHA, []string{pr.Base.SHA}, ev.Number
		r.why = fmt.Sprintf("GitHub %s #%d: the pull request's commits (%s into %s)", event, ev.Number, pr.Head.Ref, pr.Base.Ref)
	case "merge_group":
		mg := ev.MergeGroup
		if mg == nil || mg.BaseSHA == "" || mg.HeadSHA == "" {
			return r, errors.New("GitHub Actions: merge_group event without base_sha and head_sha")
		}
		r.head, r.bases = mg.HeadSHA, []string{mg.BaseSHA}
		r.why = "GitHub merge_group: the merge queue's commits"
	case "push":
		r.branch = strings.TrimPrefix(ev.Ref, "refs/heads/")
		if ev.After != "" {
			r.head = ev.After
		}
		switch {
		case ev.Deleted || r.head == zeroSHA:
			r.nothing = true
			r.why = fmt.Sprintf("GitHub push deleting %s", ev.Ref)
		case ev.Created || ev.Before == "" || ev.Before == zeroSHA:
			r.newBranch = true
			r.why = fmt.Sprintf("GitHub push of the new branch %s: the commits not on the default branch", r.branch)
		default:
			r.bases, r.push = []string{ev.Before}, true
			r.why = fmt.Sprintf("GitHub push to %s: the pushed commits (before..after)", r.branch)
			if ev.Forced {
				r.why = fmt.Sprintf("GitHub force-push to %s: the commits not in the previous tip (before..after)", r.branch)
			}
		}
	default:
		// workflow_dispatch, schedule and the like name a commit, not a
		// range: take what the default branch does not have.
		r.newBranch = true
		r.why = fmt.Sprintf("GitHub %s event on %s: the commits not on the default branch", event, r.branch)
	}
	return r, nil
}

func gitlabRange(getenv func(string) string) (ciRange, error) {
	r := ciRange{
		platform:      gitlab,
		event:         getenv("CI_PIPELINE_SOURCE"),
		head:          getenv("CI_COMMIT_SHA"),
		defaultBranch: getenv("CI_DEFAULT_BRANCH"),
		branch:        getenv("CI_COMMIT_BRANCH"),
	}
	if r.head == "" {
		return r, errors.New("GitLab CI: CI_COMMIT_SHA is not set: give --head REF")
	}
	if diffBase := getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"); diffBase != "" {
		r.bases = []string{diffBase}
		r.why = fmt.Sprintf("GitLab merge request !%s: the merge request's commits (from its diff base)", getenv("CI_MERGE_REQUEST_IID"))
		// A merged results pipeline builds a merge of the merge request
		// into the target's tip: the target's own new commits are not the
		// merge request's.
		if target := getenv("CI_MERGE_REQUEST_TARGET_BRANCH_SHA"); target != "" {
			r.bases = append(r.bases, target)
			r.why += ", merged results: not the target branch's commits"
		}
		return r, nil
	}
	before := getenv("CI_COMMIT_BEFORE_SHA")
	switch {
	case before == "" || before == zeroSHA:
		r.newBranch = true
		what := "branch " + r.branch
		if r.branch == "" {
			what = "ref " + getenv("CI_COMMIT_TAG")
		}
		r.why = fmt.Sprintf("GitLab %s pipeline for %s, no previous commit (a new branch): the commits not on the default branch", r.event, what)
	default:
		r.bases, r.push = []string{before}, true
		r.why = fmt.Sprintf("GitLab pipeline for branch %s: the pushed commits (CI_COMMIT_BEFORE_SHA..CI_COMMIT_SHA)", r.branch)
	}
	return r, nil
}

// resolvedRange is a range found in the repository.
type resolvedRange struct {
	head    gitwalk.ID
	exclude []gitwalk.ID
	// base is where rules and the baseline are read from; zero when the
	// range has no base (all of head's history).
	base  gitwalk.ID
	label string
	why   string
}

// resolveRange finds the range's commits in the repository, and says
// precisely what to fetch when they are not there.
func resolveRange(repo *gitwalk.Repo, r ciRange) (resolvedRange, error) {
	cut, err := repo.Shallow()
	if err != nil {
		return resolvedRange{}, fmt.Errorf("read shallow file: %w", err)
	}
	shallow := len(cut) > 0
	out := resolvedRange{why: r.why}
	out.head, err = repo.ResolveCommit(r.head)
	if err != nil {
		return out, missingCommit("head", r.head, err, shallow, r)
	}
	if !r.newBranch {
		for i, b := range r.bases {
			h, err := repo.ResolveCommit(b)
			switch {
			case err == nil:
				out.exclude = append(out.exclude, h)
				continue
			case i > 0 && errors.Is(err, gitwalk.ErrObjectNotFound):
				continue // an optional base that a full range does not need
			case r.push && !shallow && errors.Is(err, gitwalk.ErrObjectNotFound):
				// The previous tip is gone from a full clone: it was
				// force-pushed away.
				r.newBranch = true
				out.why += fmt.Sprintf("; but the previous tip %s is not in the repository (force-pushed away), so: the commits not on the default branch", report.ShortID(b))
			default:
				return out, missingCommit("base", b, err, shallow, r)
			}
			break // a force-push: the bases no longer matter
		}
	}
	if r.newBranch {
		out.exclude = nil
		if r.branch != "" && r.branch == r.defaultBranch {
			// The default branch itself is new: all of it is new.
			out.label = report.ShortID(out.head.String()) + " and its history"
			out.why += "; this is the default branch: all of its history"
			return out, nil
		}
		tip, name, err := defaultBranchTip(repo, r.defaultBranch)
		if err != nil {
			return out, missingDefaultBranch(r, err, shallow)
		}
		out.exclude = []gitwalk.ID{tip}
		out.base = tip
		out.label = name + ".." + report.ShortID(out.head.String())
		return out, nil
	}
	out.base = out.exclude[0]
	out.label = report.ShortID(out.base.String()) + ".." + report.ShortID(out.head.String())
	return out, nil
}

// defaultBranchTip finds the default branch: the remote-tracking branch
// (what CI clones have), else a local branch; with no name known,
// origin/HEAD.
func defaultBranchTip(repo *gitwalk.Repo, name string) (gitwalk.ID, string, error) {
	var candidates []string
	if name != "" {
		candidates = []string{"refs/remotes/origin/" + name, "refs/heads/" + name}
	} else {
		candidates = []string{"refs/remotes/origin/HEAD"}
	}
	var firstErr error
	for _, c := range candidates {
		h, err := repo.ResolveCommit(c)
		if err == nil {
			return h, strings.TrimPrefix(strings.TrimPrefix(c, "refs/remotes/"), "refs/heads/"), nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if name == "" {
		return gitwalk.ID{}, "", errors.New("the default branch is not known (no origin/HEAD)")
	}
	return gitwalk.ID{}, "", fmt.Errorf("the default branch %s is not in the repository: %w", name, firstErr)
}

// shallowFix says how to fetch a whole history on a platform.
func shallowFix(platform string) string {
	switch platform {
	case github:
		return `fix: give actions/checkout "fetch-depth: 0" (with: fetch-depth: 0) so that the clone has the whole history, or run "git fetch --unshallow" before leakhound ci`
	case gitlab:
		return `fix: set the job variable "GIT_DEPTH: 0" (variables: GIT_DEPTH: 0) so that the clone has the whole history, or run "git fetch --unshallow" before leakhound ci`
	}
	return `fix: run "git fetch --unshallow" (or "git fetch --deepen=N" to fetch N more commits) before leakhound ci`
}

// missingCommit explains a head or base that is not in the repository.
func missingCommit(which, rev string, err error, shallow bool, r ciRange) error {
	if !errors.Is(err, gitwalk.ErrObjectNotFound) {
		return &exitError{code: exitFailure, err: fmt.Errorf("%s %s: %w", which, rev, err)}
	}
	if shallow {
		return &exitError{code: exitFailure, err: fmt.Errorf("the %s commit %s is not in this clone, which is shallow: the range cannot be scanned; %s", which, report.ShortID(rev), shallowFix(r.platform))}
	}
	fix := fmt.Sprintf(`fix: fetch it first ("git fetch origin %s")`, rev)
	if r.platform == github && r.event == "pull_request_target" && which == "head" {
		fix = fmt.Sprintf(`fix: pull_request_target checks out the base branch only; fetch the pull request's commits without checking them out ("git fetch origin pull/%d/head"), as the leakhound action does`, r.pullRequest)
	} else if r.platform == github {
		fix += `, or give actions/checkout "fetch-depth: 0"`
	}
	return &exitError{code: exitFailure, err: fmt.Errorf("the %s commit %s is not in the repository; %s", which, report.ShortID(rev), fix)}
}

// missingDefaultBranch explains a new branch whose default branch is not
// in the clone, so that "not on the default branch" cannot be told.
func missingDefaultBranch(r ciRange, err error, shallow bool) error {
	var fix string
	switch {
	case r.platform == github:
		fix = `fix: give actions/checkout "fetch-depth: 0", which fetches every branch`
	case r.platform == gitlab:
		fix = fmt.Sprintf(`fix: set the job variable "GIT_DEPTH: 0" and fetch the default branch before leakhound ci ("git fetch origin %s"), as the leakhound GitLab template does`, r.defaultBranch)
	default:
		fix = `fix: give --base REF`
	}
	if shallow {
		fix += "; the clone is also shallow: " + strings.TrimPrefix(shallowFix(r.platform), "fix: ")
	}
	return &exitError{code: exitFailure, err: fmt.Errorf("%s: a new branch is scanned for the commits not on the default branch, but %v; %s", r.why, err, fix)}
}

// runCI runs `leakhound ci`. getenv reads the environment.
func runCI(ctx context.Context, opts ciOptions, args []string, io stdio, getenv func(string) string) error {
	start := time.Now()
	path, specs, maxSize, err := scanArgs(args, opts.reports, opts.maxFileSize, opts.threads)
	if err != nil {
		return err
	}
	r, err := detectRange(getenv, opts.base, opts.head)
	if err != nil {
		return usageError(err)
	}
	env := &reportEnv{redactAll: true, noColor: opts.noColor}
	if r.nothing {
		fmt.Fprintf(io.err, "leakhound: nothing to scan: %s\n", r.why)
		if r.platform == github {
			specs = withAnnotations(specs, io)
		}
		rep := &report.Report{Summary: report.Summary{Source: path, Mode: "git", Range: "nothing (" + r.why + ")", Skipped: map[leak.SkipReason]int{}}}
		return finishCI(ctx, rep, nil, specs, env, getenv, io)
	}

	repo, err := gitwalk.Open(path)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	defer repo.Close()
	rr, err := resolveRange(repo, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.err, "leakhound: scanning %s: %s\n", rr.label, rr.why)
	if r.platform == github {
		specs = withAnnotations(specs, io)
	}

	// Rules and baseline come from the base commit: the work tree is the
	// merge request's, and a merge request must not vet itself.
	from := rr.base
	fromWhat := "base"
	if from.IsZero() {
		from, fromWhat = rr.head, "head (the range has no base)"
	}
	cfg, rulesNote, err := ciRules(repo, opts.config, from, fromWhat)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	fmt.Fprintf(io.err, "leakhound: rules: %s\n", rulesNote)
	filter, baselineNote, err := ciBaseline(repo, opts.baseline, rr.base)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	if baselineNote != "" {
		fmt.Fprintf(io.err, "leakhound: baseline: %s\n", baselineNote)
	}

	eo := engineOptions{
		threads:     opts.threads,
		maxFileSize: maxSize,
		progress:    !opts.noProgress && progressTerminal(io.err),
		rules:       cfg,
		// Not the work tree's baseline, which is the merge request's:
		// the base commit's, applied below.
		noBaseline: true,
	}
	t := gitTarget{
		path:          path,
		includeIDs:    []gitwalk.ID{rr.head},
		excludeIDs:    rr.exclude,
		rangeLabel:    rr.label,
		completeRange: true,
	}
	result, scanErr := scanGit(ctx, eo, t, io.err)
	var sre *shallowRangeError
	if errors.As(scanErr, &sre) {
		return &exitError{code: exitFailure, err: fmt.Errorf("%v; the range cannot be scanned whole; %s", sre, shallowFix(r.platform))}
	}
	if result == nil {
		return &exitError{code: exitFailure, err: scanErr}
	}
	var dropped int
	result.Findings, dropped = newFindings(result.Findings, filter)
	result.Summary.Findings = len(result.Findings)
	result.Summary.InHead = countInHead(result.Findings)
	if filter != nil {
		result.Summary.Baseline, result.Summary.Baselined = baselineNote, dropped
	}
	if dropped > 0 {
		fmt.Fprintf(io.err, "leakhound: %d finding(s) already in the baseline, not reported\n", dropped)
	}
	result.Summary.Duration = time.Since(start)
	return finishCI(ctx, result, scanErr, specs, env, getenv, io)
}

// finishCI writes the reports, and on GitHub the job summary, and turns the
// outcome into an exit status.
func finishCI(ctx context.Context, result *report.Report, scanErr error, specs []reportSpec, env *reportEnv, getenv func(string) string, io stdio) error {
	var summaryErr error
	if p := getenv("GITHUB_STEP_SUMMARY"); p != "" && getenv("GITHUB_ACTIONS") == "true" {
		summaryErr = appendStepSummary(p, result)
	}
	if err := finish(ctx, result, scanErr, exitLeaks, specs, env, io); err != nil {
		return err
	}
	if summaryErr != nil {
		return &exitError{code: exitFailure, err: summaryErr}
	}
	return nil
}

// withAnnotations adds GitHub annotations on standard output, unless a
// report in another format than text already goes there (annotations would
// corrupt it).
func withAnnotations(specs []reportSpec, io stdio) []reportSpec {
	for _, s := range specs {
		if s.format == "github" {
			return specs
		}
		if s.stdout() && s.format != "text" {
			fmt.Fprintf(io.err, "leakhound: no GitHub annotations: the %s report goes to standard output\n", s.format)
			return specs
		}
	}
	return append(specs, reportSpec{format: "github"})
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

// ciRules loads the rules: --config from disk, else the rules file in the
// tree of commit at (the base), else the built-in rules. It returns a note
// saying which.
func ciRules(repo *gitwalk.Repo, configPath string, at gitwalk.ID, atWhat string) (*config.Config, string, error) {
	if configPath != "" {
		cfg, err := config.Load(configPath)
		return cfg, configPath + " (--config)", err
	}
	data, ok, err := repo.FileAt(at, rulesFileName, 0)
	if err != nil {
		return nil, "", fmt.Errorf("read %s at %s: %w", rulesFileName, report.ShortID(at.String()), err)
	}
	if !ok {
		cfg, err := config.Default()
		return cfg, fmt.Sprintf("built-in (no %s in the %s commit %s)", rulesFileName, atWhat, report.ShortID(at.String())), err
	}
	name := report.ShortID(at.String()) + ":" + rulesFileName
	cfg, err := config.Parse(name, data)
	return cfg, fmt.Sprintf("%s from the %s commit %s", rulesFileName, atWhat, report.ShortID(at.String())), err
}

// ciBaseline loads the baseline: a file inside the repository is read from
// the base commit's tree, one outside it from disk. With no --baseline, a
// .secretsbaseline.json in the base commit is used if there is one. It
// returns nil when there is no baseline, and a note for the log.
func ciBaseline(repo *gitwalk.Repo, flag string, base gitwalk.ID) (findingFilter, string, error) {
	name, rel, inside := flag, defaultBaseline, true
	if flag != "" {
		rel, inside = insideWorkTree(repo, flag)
	}
	var data []byte
	var where string
	switch {
	case inside && !base.IsZero():
		content, ok, err := repo.FileAt(base, rel, maxBaselineSize)
		if err != nil {
			return nil, "", fmt.Errorf("read baseline %s at %s: %w", rel, report.ShortID(base.String()), err)
		}
		if !ok {
			if flag == "" {
				return nil, "", nil
			}
			return nil, fmt.Sprintf("%s is not in the base commit %s, so every finding counts as new (a baseline added by the merge request itself is not trusted)", rel, report.ShortID(base.String())), nil
		}
		data, where = content, report.ShortID(base.String())+":"+rel
	case flag == "":
		return nil, "", nil // no base to read the default baseline from
	default:
		content, err := os.ReadFile(name)
		if err != nil {
			return nil, "", fmt.Errorf("read baseline: %w", err)
		}
		data, where = content, name
	}
	filter, err := parseBaseline(where, data)
	if err != nil {
		return nil, "", err
	}
	return filter, where, nil
}

// insideWorkTree reports whether name lies inside the repository's work
// tree, and its slash-separated path there.
func insideWorkTree(repo *gitwalk.Repo, name string) (string, bool) {
	top := repo.WorkTree()
	if top == "" {
		if filepath.IsAbs(name) {
			return "", false
		}
		return filepath.ToSlash(filepath.Clean(name)), true
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", false
	}
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	if d, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(d, filepath.Base(abs))
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
