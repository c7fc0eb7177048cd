// Package ci works out what a CI job should scan: the commits a merge
// request or a push adds, from the environment of GitHub Actions or GitLab
// CI (or from --base and --head elsewhere), found in the repository, with
// advice on what to fetch when the clone lacks them.
//
// It knows CI platforms' environments and, through gitwalk, the
// repository; it knows nothing of rules, detectors or reports. The
// directory also holds the GitLab CI template (gitlab/).
package ci

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/report"
)

// EnvVars returns the environment variables Detect reads.
func EnvVars() []string {
	return []string{
		"GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_SHA", "GITHUB_REF_NAME", "GITHUB_STEP_SUMMARY",
		"GITLAB_CI", "CI_PIPELINE_SOURCE", "CI_COMMIT_SHA", "CI_COMMIT_BEFORE_SHA", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG",
		"CI_DEFAULT_BRANCH", "CI_MERGE_REQUEST_IID", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA",
	}
}

// Platform is where a CI job runs.
type Platform string

// The platforms Detect knows.
const (
	GitHub Platform = "github"
	GitLab Platform = "gitlab"
	// Local is anywhere else: the range must be given.
	Local Platform = "local"
)

// zeroSHA is what CI systems give as the previous commit of a new branch.
const zeroSHA = "0000000000000000000000000000000000000000"

// Range is the range a CI job should scan, as its environment and flags
// say, before the repository is looked at.
type Range struct {
	Platform Platform
	// Head is the revision whose commits are scanned.
	Head string
	// Bases are revisions whose history is left out; the first is the
	// base proper, the others (a merged results pipeline's target)
	// optional.
	Bases []string
	// NewBranch: there is no base; scan what is not on DefaultBranch.
	NewBranch     bool
	DefaultBranch string
	// Branch is the branch being built, when known.
	Branch string
	// Push: the base is a push's previous tip, so a base missing from a
	// full clone was force-pushed away.
	Push bool
	// Nothing: there is nothing to scan (a deleted branch).
	Nothing bool
	// Why says where the range came from, for people.
	Why string
	// PullRequest is a GitHub pull request's number, for advice.
	PullRequest int
	// Event is the GitHub event or GitLab pipeline source.
	Event string
}

// Unmerged reports whether the commits scanned are a branch's own, not on
// the base branch yet: a pull or merge request's, a merge queue's, a new
// branch's, or those --base leaves. A secret found there is taken out by
// rewriting those commits (amend, rebase) before they are merged, not by
// purging the repository's history. A push's commits (Push) are already
// on the branch pushed to.
func (r Range) Unmerged() bool { return !r.Push && !r.Nothing }

// Detect works out the range from the CI environment, read with getenv,
// and from base and head (--base and --head, which win when given). It
// reads GitHub's event file (GITHUB_EVENT_PATH).
func Detect(getenv func(string) string, base, head string) (Range, error) {
	var r Range
	var err error
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		r, err = githubRange(getenv)
	case getenv("GITLAB_CI") == "true":
		r, err = gitlabRange(getenv)
	default:
		r = Range{Platform: Local}
	}
	// Explicit flags win.
	if base != "" {
		r.Bases, r.NewBranch, r.Nothing, r.Push, err = []string{base}, false, false, false, nil
		r.Why = "--base " + base
	}
	if head != "" {
		r.Head = head
		if base != "" {
			r.Why = "--base and --head"
		} else {
			r.Why += "; --head " + head
		}
	}
	if err != nil {
		return r, err
	}
	if r.Head == "" {
		r.Head = "HEAD"
	}
	if r.Platform == Local && base == "" {
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

func githubRange(getenv func(string) string) (Range, error) {
	event := getenv("GITHUB_EVENT_NAME")
	r := Range{Platform: GitHub, Event: event, Head: getenv("GITHUB_SHA"), Branch: getenv("GITHUB_REF_NAME")}
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
	r.DefaultBranch = ev.Repository.DefaultBranch
	switch event {
	case "pull_request", "pull_request_target":
		pr := ev.PullRequest
		if pr == nil || pr.Base.SHA == "" || pr.Head.SHA == "" {
			return r, fmt.Errorf("GitHub Actions: %s event without the pull request's base and head commits", event)
		}
		r.Head, r.Bases, r.PullRequest = pr.Head.SHA, []string{pr.Base.SHA}, ev.Number
		r.Why = "GitHub " + event + opt(" #%s", number(ev.Number)) + ": the pull request's commits" + into(pr.Head.Ref, pr.Base.Ref)
	case "merge_group":
		mg := ev.MergeGroup
		if mg == nil || mg.BaseSHA == "" || mg.HeadSHA == "" {
			return r, errors.New("GitHub Actions: merge_group event without base_sha and head_sha")
		}
		r.Head, r.Bases = mg.HeadSHA, []string{mg.BaseSHA}
		r.Why = "GitHub merge_group: the merge queue's commits"
	case "push":
		r.Branch = strings.TrimPrefix(ev.Ref, "refs/heads/")
		if ev.After != "" {
			r.Head = ev.After
		}
		switch {
		case ev.Deleted || r.Head == zeroSHA:
			r.Nothing = true
			r.Why = "GitHub push deleting " + or(ev.Ref, "a ref")
		case ev.Created || ev.Before == "" || ev.Before == zeroSHA:
			r.NewBranch = true
			r.Why = "GitHub push of " + or(opt("the new branch %s", r.Branch), "a new branch") + ": the commits not on the default branch"
		default:
			r.Bases, r.Push = []string{ev.Before}, true
			r.Why = "GitHub push" + opt(" to %s", r.Branch) + ": the pushed commits (before..after)"
			if ev.Forced {
				r.Why = "GitHub force-push" + opt(" to %s", r.Branch) + ": the commits not in the previous tip (before..after)"
			}
		}
	default:
		// workflow_dispatch, schedule and the like name a commit, not a
		// range: take what the default branch does not have.
		r.NewBranch = true
		r.Why = "GitHub " + opt("%s ", event) + "event" + opt(" on %s", r.Branch) + ": the commits not on the default branch"
	}
	return r, nil
}

func gitlabRange(getenv func(string) string) (Range, error) {
	r := Range{
		Platform:      GitLab,
		Event:         getenv("CI_PIPELINE_SOURCE"),
		Head:          getenv("CI_COMMIT_SHA"),
		DefaultBranch: getenv("CI_DEFAULT_BRANCH"),
		Branch:        getenv("CI_COMMIT_BRANCH"),
	}
	if r.Head == "" {
		return r, errors.New("GitLab CI: CI_COMMIT_SHA is not set: give --head REF")
	}
	if diffBase := getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"); diffBase != "" {
		r.Bases = []string{diffBase}
		r.Why = "GitLab merge request" + opt(" !%s", getenv("CI_MERGE_REQUEST_IID")) + ": the merge request's commits (from its diff base)"
		// A merged results pipeline builds a merge of the merge request
		// into the target's tip: the target's own new commits are not the
		// merge request's.
		if target := getenv("CI_MERGE_REQUEST_TARGET_BRANCH_SHA"); target != "" {
			r.Bases = append(r.Bases, target)
			r.Why += ", merged results: not the target branch's commits"
		}
		return r, nil
	}
	before := getenv("CI_COMMIT_BEFORE_SHA")
	switch {
	case before == "" || before == zeroSHA:
		r.NewBranch = true
		what := or(opt(" for branch %s", r.Branch), opt(" for tag %s", getenv("CI_COMMIT_TAG")))
		r.Why = "GitLab " + opt("%s ", r.Event) + "pipeline" + what + ", no previous commit (a new branch): the commits not on the default branch"
	default:
		r.Bases, r.Push = []string{before}, true
		r.Why = "GitLab pipeline" + opt(" for branch %s", r.Branch) + ": the pushed commits (CI_COMMIT_BEFORE_SHA..CI_COMMIT_SHA)"
	}
	return r, nil
}

// opt formats v into format, or returns "" when v is: the range line of a
// job whose variables are missing reads "GitLab merge request: …", not
// "GitLab merge request !: …".
func opt(format, v string) string {
	if v == "" {
		return ""
	}
	return fmt.Sprintf(format, v)
}

// or returns s, or else when s is "".
func or(s, orElse string) string {
	if s == "" {
		return orElse
	}
	return s
}

// number is a pull request's number, "" when the event had none.
func number(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// into says which branch a pull request merges into which, with what is
// known of them.
func into(head, base string) string {
	switch {
	case head != "" && base != "":
		return " (" + head + " into " + base + ")"
	case base != "":
		return " (into " + base + ")"
	case head != "":
		return " (from " + head + ")"
	}
	return ""
}

// Resolved is a Range found in a repository.
type Resolved struct {
	Head    gitwalk.ID
	Exclude []gitwalk.ID
	// Base is where rules and the baseline are read from; zero when the
	// range has no base (all of Head's history). For a push to a branch
	// other than the default branch it is the default branch's tip, not
	// the push's previous tip, which the pusher controls (see Resolve).
	Base gitwalk.ID
	// BaseWhy says where Base is, when it is not the range's base.
	BaseWhy string
	// Label names the range ("3f2a9c1b7e..8b1d0e4f2a"), Why says why it
	// is the range.
	Label string
	Why   string
}

// Resolve finds the range's commits in the repository, and says precisely
// what to fetch when they are not there.
func Resolve(repo *gitwalk.Repo, r Range) (Resolved, error) {
	cut, err := repo.Shallow()
	if err != nil {
		return Resolved{}, fmt.Errorf("read shallow file: %w", err)
	}
	shallow := len(cut) > 0
	out := Resolved{Why: r.Why}
	out.Head, err = repo.ResolveCommit(r.Head)
	if err != nil {
		return out, missingCommit("head", r.Head, err, shallow, r)
	}
	if !r.NewBranch {
		for i, b := range r.Bases {
			h, err := repo.ResolveCommit(b)
			switch {
			case err == nil:
				out.Exclude = append(out.Exclude, h)
				continue
			case i > 0 && errors.Is(err, gitwalk.ErrObjectNotFound):
				continue // an optional base that a full range does not need
			case r.Push && !shallow && errors.Is(err, gitwalk.ErrObjectNotFound):
				// The previous tip is gone from a full clone: it was
				// force-pushed away.
				r.NewBranch = true
				out.Why += fmt.Sprintf("; but the previous tip %s is not in the repository (force-pushed away), so: the commits not on the default branch", report.ShortID(b))
			default:
				return out, missingCommit("base", b, err, shallow, r)
			}
			break // a force-push: the bases no longer matter
		}
	}
	if r.NewBranch {
		out.Exclude = nil
		if r.Branch != "" && r.Branch == r.DefaultBranch {
			// The default branch itself is new: all of it is new.
			out.Label = report.ShortID(out.Head.String()) + " and its history"
			out.Why += "; this is the default branch: all of its history"
			return out, nil
		}
		tip, name, err := defaultBranchTip(repo, r.DefaultBranch)
		if err != nil {
			return out, missingDefaultBranch(r, err, shallow)
		}
		out.Exclude = []gitwalk.ID{tip}
		out.Base = tip
		out.Label = name + ".." + report.ShortID(out.Head.String())
		return out, nil
	}
	out.Base = out.Exclude[0]
	out.Label = report.ShortID(out.Base.String()) + ".." + report.ShortID(out.Head.String())
	if r.Push && (r.Branch == "" || r.Branch != r.DefaultBranch) {
		// A push's previous tip is whatever the pusher pushed before: two
		// pushes (permissive rules, then the secret) would pass. Rules and
		// baseline come from the default branch instead. A push to the
		// default branch itself keeps its previous tip, which is the
		// default branch's.
		tip, name, err := defaultBranchTip(repo, r.DefaultBranch)
		if err != nil {
			return out, fmt.Errorf("%s: the rules and baseline of a push are read from the default branch, but %v; %s", r.Why, err, defaultBranchFix(r, shallow))
		}
		out.Base = tip
		out.BaseWhy = fmt.Sprintf("the default branch %s (%s), not the push's previous tip", name, report.ShortID(tip.String()))
	}
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

// ShallowFix says how to fetch a whole history on a platform.
func ShallowFix(platform Platform) string {
	switch platform {
	case GitHub:
		return `fix: give actions/checkout "fetch-depth: 0" (with: fetch-depth: 0) so that the clone has the whole history, or run "git fetch --unshallow" before leakhound ci`
	case GitLab:
		return `fix: set the job variable "GIT_DEPTH: 0" (variables: GIT_DEPTH: 0) so that the clone has the whole history, or run "git fetch --unshallow" before leakhound ci`
	}
	return `fix: run "git fetch --unshallow" (or "git fetch --deepen=N" to fetch N more commits) before leakhound ci`
}

// missingCommit explains a head or base that is not in the repository.
func missingCommit(which, rev string, err error, shallow bool, r Range) error {
	if !errors.Is(err, gitwalk.ErrObjectNotFound) {
		return fmt.Errorf("%s %s: %w", which, rev, err)
	}
	if shallow {
		return fmt.Errorf("the %s commit %s is not in this clone, which is shallow: the range cannot be scanned; %s", which, report.ShortID(rev), ShallowFix(r.Platform))
	}
	fix := fmt.Sprintf(`fix: fetch it first ("git fetch origin %s")`, rev)
	if r.Platform == GitHub && r.Event == "pull_request_target" && which == "head" {
		fix = fmt.Sprintf(`fix: pull_request_target checks out the base branch only; fetch the pull request's commits without checking them out ("git fetch origin pull/%d/head"), as the leakhound action does`, r.PullRequest)
	} else if r.Platform == GitHub {
		fix += `, or give actions/checkout "fetch-depth: 0"`
	}
	return fmt.Errorf("the %s commit %s is not in the repository; %s", which, report.ShortID(rev), fix)
}

// missingDefaultBranch explains a new branch whose default branch is not
// in the clone, so that "not on the default branch" cannot be told.
func missingDefaultBranch(r Range, err error, shallow bool) error {
	return fmt.Errorf("%s: a new branch is scanned for the commits not on the default branch, but %v; %s", r.Why, err, defaultBranchFix(r, shallow))
}

// defaultBranchFix says how to fetch the default branch.
func defaultBranchFix(r Range, shallow bool) string {
	var fix string
	switch {
	case r.Platform == GitHub:
		fix = `fix: give actions/checkout "fetch-depth: 0", which fetches every branch`
	case r.Platform == GitLab:
		fix = fmt.Sprintf(`fix: set the job variable "GIT_DEPTH: 0" and fetch the default branch before leakhound ci ("git fetch origin %s"), as the leakhound GitLab template does`, r.DefaultBranch)
	default:
		fix = `fix: give --base REF`
	}
	if shallow {
		fix += "; the clone is also shallow: " + strings.TrimPrefix(ShallowFix(r.Platform), "fix: ")
	}
	return fix
}
