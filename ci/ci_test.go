package ci

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/internal/gittest"
)

// env returns a getenv over vars; an event, when given, is written to a
// file that GITHUB_EVENT_PATH names.
func env(t *testing.T, vars map[string]string, event any) func(string) string {
	t.Helper()
	if event != nil {
		data, err := json.Marshal(event)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "event.json")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		vars["GITHUB_EVENT_PATH"] = p
	}
	return func(k string) string { return vars[k] }
}

var (
	shaA = strings.Repeat("a", 40)
	shaB = strings.Repeat("b", 40)
	zero = strings.Repeat("0", 40)
)

// TestDetect pins the range of each kind of CI job, without a repository.
func TestDetect(t *testing.T) {
	t.Parallel()
	gh := func(event string) map[string]string {
		return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event, "GITHUB_SHA": shaB, "GITHUB_REF_NAME": "feature"}
	}
	for _, tc := range []struct {
		name       string
		vars       map[string]string
		event      any
		base, head string
		want       Range
	}{
		{"github pull request", gh("pull_request"), map[string]any{"number": 7, "pull_request": map[string]any{"base": map[string]any{"sha": shaA, "ref": "main"}, "head": map[string]any{"sha": shaB, "ref": "feature"}}},
			"", "", Range{Platform: GitHub, Head: shaB, Bases: []string{shaA}, PullRequest: 7}},
		{"github push", gh("push"), map[string]any{"ref": "refs/heads/feature", "before": shaA, "after": shaB},
			"", "", Range{Platform: GitHub, Head: shaB, Bases: []string{shaA}, Push: true}},
		{"github new branch", gh("push"), map[string]any{"ref": "refs/heads/feature", "before": zero, "after": shaB, "created": true, "repository": map[string]any{"default_branch": "main"}},
			"", "", Range{Platform: GitHub, Head: shaB, NewBranch: true, DefaultBranch: "main"}},
		{"github deleted branch", gh("push"), map[string]any{"ref": "refs/heads/feature", "before": shaA, "after": zero, "deleted": true},
			"", "", Range{Platform: GitHub, Head: zero, Nothing: true}},
		{"github merge queue", gh("merge_group"), map[string]any{"merge_group": map[string]any{"base_sha": shaA, "head_sha": shaB}},
			"", "", Range{Platform: GitHub, Head: shaB, Bases: []string{shaA}}},
		{"github schedule", gh("schedule"), map[string]any{},
			"", "", Range{Platform: GitHub, Head: shaB, NewBranch: true}},
		{"gitlab merged results", map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": shaB, "CI_MERGE_REQUEST_IID": "3", "CI_MERGE_REQUEST_DIFF_BASE_SHA": shaA, "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": zero[:39] + "1"}, nil,
			"", "", Range{Platform: GitLab, Head: shaB, Bases: []string{shaA, zero[:39] + "1"}}},
		{"gitlab branch", map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": shaB, "CI_COMMIT_BEFORE_SHA": shaA, "CI_COMMIT_BRANCH": "x"}, nil,
			"", "", Range{Platform: GitLab, Head: shaB, Bases: []string{shaA}, Push: true, Branch: "x"}},
		{"gitlab new branch", map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": shaB, "CI_COMMIT_BEFORE_SHA": zero, "CI_DEFAULT_BRANCH": "main"}, nil,
			"", "", Range{Platform: GitLab, Head: shaB, NewBranch: true, DefaultBranch: "main"}},
		{"flags win", gh("push"), map[string]any{"before": zero, "after": shaB, "created": true},
			"main", "topic", Range{Platform: GitHub, Head: "topic", Bases: []string{"main"}}},
		{"elsewhere", map[string]string{}, nil,
			"main", "", Range{Platform: Local, Head: "HEAD", Bases: []string{"main"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Detect(env(t, tc.vars, tc.event), tc.base, tc.head)
			if err != nil {
				t.Fatal(err)
			}
			if got.Why == "" {
				t.Error("no reason given")
			}
			// Compare what decides the range; the wording is the command's.
			got.Why, got.Event = "", ""
			if got.Platform != tc.want.Platform || got.Head != tc.want.Head || strings.Join(got.Bases, ",") != strings.Join(tc.want.Bases, ",") ||
				got.NewBranch != tc.want.NewBranch || got.Push != tc.want.Push || got.Nothing != tc.want.Nothing || got.PullRequest != tc.want.PullRequest ||
				(tc.want.DefaultBranch != "" && got.DefaultBranch != tc.want.DefaultBranch) || (tc.want.Branch != "" && got.Branch != tc.want.Branch) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	if _, err := Detect(env(t, map[string]string{}, nil), "", ""); err == nil {
		t.Error("no CI and no --base: want an error")
	}
	if _, err := Detect(env(t, gh("pull_request"), map[string]any{"pull_request": nil}), "", ""); err == nil {
		t.Error("a pull request event without commits: want an error")
	}
}

// TestDetectWhyReadsWellWithVariablesMissing: the range line names what
// the job's variables say, and leaves out what they do not, never
// "merge request !:" or "push to :".
func TestDetectWhyReadsWellWithVariablesMissing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		vars  map[string]string
		event map[string]any
		want  string
	}{
		{map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": shaB, "CI_MERGE_REQUEST_DIFF_BASE_SHA": shaA}, nil,
			"GitLab merge request: the merge request's commits"},
		{map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": shaB, "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_DIFF_BASE_SHA": shaA}, nil,
			"GitLab merge request !7: the merge request's commits"},
		{map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": shaB, "CI_COMMIT_BEFORE_SHA": shaA}, nil,
			"GitLab pipeline: the pushed commits"},
		{map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": shaB}, nil,
			"GitLab pipeline, no previous commit"},
		{map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": shaB, "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_TAG": "v1"}, nil,
			"GitLab push pipeline for tag v1, no previous commit"},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_SHA": shaB},
			map[string]any{"pull_request": map[string]any{"base": map[string]any{"sha": shaA}, "head": map[string]any{"sha": shaB}}},
			"GitHub pull_request: the pull request's commits"},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_SHA": shaB},
			map[string]any{"before": shaA, "after": shaB},
			"GitHub push: the pushed commits"},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_SHA": shaB}, map[string]any{},
			"GitHub event: the commits not on the default branch"},
	} {
		r, err := Detect(env(t, tc.vars, tc.event), "", "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(r.Why, tc.want) {
			t.Errorf("range line %q, want it to start %q", r.Why, tc.want)
		}
		for _, bad := range []string{"!:", " :", "  ", "#0", "()", "for ref", "to :"} {
			if strings.Contains(r.Why, bad) {
				t.Errorf("range line %q holds %q", r.Why, bad)
			}
		}
	}
}

// TestResolve finds ranges in a repository: a merge request's, a new
// branch's, a force-push's; and says what to fetch when a commit is
// missing.
func TestResolve(t *testing.T) {
	t.Parallel()
	g := gittest.New(t)
	c0 := g.Write("a", "0\n").Commit("start")
	g.SetRef("refs/remotes/origin/main", c0)
	g.Branch("feature")
	f1 := g.Write("b", "1\n").Commit("feature")
	repo, err := gitwalk.Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	ids := func(ids []gitwalk.ID) (s []string) {
		for _, id := range ids {
			s = append(s, id.String())
		}
		return s
	}

	r, err := Resolve(repo, Range{Platform: GitHub, Head: f1, Bases: []string{c0}})
	if err != nil || r.Head.String() != f1 || strings.Join(ids(r.Exclude), ",") != c0 || r.Base.String() != c0 || r.Label != c0[:10]+".."+f1[:10] {
		t.Errorf("merge request: %v %+v", err, r)
	}
	r, err = Resolve(repo, Range{Platform: GitLab, Head: f1, NewBranch: true, DefaultBranch: "main", Branch: "feature"})
	if err != nil || r.Base.String() != c0 || r.Label != "origin/main.."+f1[:10] {
		t.Errorf("new branch: %v %+v", err, r)
	}
	r, err = Resolve(repo, Range{Platform: GitHub, Head: f1, Bases: []string{shaA}, Push: true, DefaultBranch: "main"})
	if err != nil || r.Base.String() != c0 || !strings.Contains(r.Why, "force-pushed away") {
		t.Errorf("force-push: %v %+v", err, r)
	}
	r, err = Resolve(repo, Range{Platform: GitHub, Head: f1, NewBranch: true, DefaultBranch: "feature", Branch: "feature"})
	if err != nil || !r.Base.IsZero() || len(r.Exclude) != 0 {
		t.Errorf("new default branch: %v %+v", err, r)
	}
	_, err = Resolve(repo, Range{Platform: GitHub, Event: "pull_request_target", Head: shaB, Bases: []string{c0}, PullRequest: 4})
	if err == nil || !strings.Contains(err.Error(), "git fetch origin pull/4/head") {
		t.Errorf("missing head: %v", err)
	}
	g.MakeShallow(f1)
	_, err = Resolve(repo, Range{Platform: GitLab, Head: f1, Bases: []string{shaA}})
	if err == nil || !strings.Contains(err.Error(), "which is shallow") || !strings.Contains(err.Error(), "GIT_DEPTH: 0") {
		t.Errorf("shallow clone without the base: %v", err)
	}
}

// FuzzGitHubEvent feeds arbitrary event files to the GitHub Actions range
// detection, for every kind of event it knows: an error or a range, never a
// panic.
func FuzzGitHubEvent(f *testing.F) {
	f.Add([]byte(`{"number": 7, "pull_request": {"base": {"sha": "` + strings.Repeat("a", 40) + `", "ref": "main"}, "head": {"sha": "` + strings.Repeat("b", 40) + `", "ref": "x"}}}`))
	f.Add([]byte(`{"before": "` + strings.Repeat("0", 40) + `", "after": "` + strings.Repeat("b", 40) + `", "ref": "refs/heads/x", "created": true}`))
	f.Add([]byte(`{"merge_group": {"base_sha": "a", "head_sha": "b"}}`))
	f.Add([]byte(`{"pull_request": null}`))
	f.Add([]byte(`[]`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "event.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, event := range []string{"pull_request", "pull_request_target", "push", "merge_group", "schedule"} {
			env := map[string]string{"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": path, "GITHUB_SHA": strings.Repeat("c", 40)}
			githubRange(func(k string) string { return env[k] })
		}
	})
}
