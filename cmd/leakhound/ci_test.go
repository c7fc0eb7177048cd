package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/ci"
	"github.com/leakhound/leakhound/report"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// ciEnv clears every variable leakhound ci reads, so that the machine's
// own environment (a CI runner's) cannot leak into a test, then sets vars.
func ciEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, v := range ci.EnvVars() {
		t.Setenv(v, "")
	}
	for k, v := range vars {
		t.Setenv(k, v)
	}
}

// githubEnv simulates a GitHub Actions job for an event: the event file,
// GITHUB_* variables and a job summary file, whose path it returns.
func githubEnv(t *testing.T, name string, event any, sha string) string {
	t.Helper()
	dir := t.TempDir()
	data, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	eventPath := filepath.Join(dir, "event.json")
	if err := os.WriteFile(eventPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(dir, "summary.md")
	ciEnv(t, map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_EVENT_NAME":   name,
		"GITHUB_EVENT_PATH":   eventPath,
		"GITHUB_SHA":          sha,
		"GITHUB_REF_NAME":     "feature",
		"GITHUB_STEP_SUMMARY": summary,
	})
	return summary
}

// gitlabEnv simulates a GitLab CI job.
func gitlabEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	all := map[string]string{"GITLAB_CI": "true", "CI_DEFAULT_BRANCH": "main"}
	for k, v := range vars {
		all[k] = v
	}
	ciEnv(t, all)
}

// prEvent is a pull_request event's payload.
func prEvent(number int, base, head string) map[string]any {
	return map[string]any{
		"number": number,
		"pull_request": map[string]any{
			"base": map[string]any{"sha": base, "ref": "main"},
			"head": map[string]any{"sha": head, "ref": "feature"},
		},
		"repository": map[string]any{"default_branch": "main"},
	}
}

// pushEvent is a push event's payload.
func pushEvent(before, after string, created, forced bool) map[string]any {
	return map[string]any{
		"ref": "refs/heads/feature", "before": before, "after": after,
		"created": created, "forced": forced, "deleted": false,
		"repository": map[string]any{"default_branch": "main"},
	}
}

// mrHistory builds what a CI clone of a merge request holds:
//
//	c0 (main: settings.py with a Django key, already on the base branch)
//	├── f1 (feature: deploy.sh with a GitHub token, new)
//	│   └── f2 (feature: edits settings.py, the old key stays)
//	└── m1 (main moves on: hooks.py with a Slack webhook)
//
// with origin/main at m1, as a CI checkout has it.
func mrHistory(t *testing.T) (*gittest.Repo, map[string]string) {
	t.Helper()
	g := gittest.New(t)
	c := map[string]string{}
	g.Write("mysite/settings.py", "DEBUG = False\nSECRET_KEY = '"+djangoKey+"'\n")
	g.Write("README.md", "hello\n")
	c["c0"] = g.Commit("start")
	g.Branch("feature")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n")
	c["f1"] = g.Commit("deploy script")
	g.Write("mysite/settings.py", "DEBUG = False\nSECRET_KEY = '"+djangoKey+"'\nALLOWED_HOSTS = ['*']\n")
	c["f2"] = g.Commit("hosts")
	g.Checkout("main")
	g.Write("hooks.py", "SLACK = '"+slackHook+"'\n")
	c["m1"] = g.Commit("slack")
	g.SetRef("refs/remotes/origin/main", c["m1"])
	g.Checkout("feature")
	return g, c
}

// ciRun runs leakhound ci in-process and parses its JSON report.
func ciRun(t *testing.T, args ...string) (result, jsonReport) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.json")
	r := runLH(t, "", append([]string{"ci", "--no-progress", "-f", "json", "-o", out, "-f", "text"}, args...)...)
	var rep jsonReport
	if data, err := os.ReadFile(out); err == nil {
		rep = parseJSON(t, string(data))
	}
	return r, rep
}

func rules(rep jsonReport) []string {
	var ids []string
	for _, f := range rep.Findings {
		ids = append(ids, f.RuleID)
	}
	return ids
}

// noSecrets fails if any planted secret is in s: CI output is always
// masked.
func noSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range []string{djangoKey, ghToken, slackHook, awsID, stripeKey} {
		if strings.Contains(s, sec) {
			t.Errorf("%s holds a secret (%.6s…): CI output must be masked", what, sec)
		}
	}
}

func TestCIGitHubPullRequest(t *testing.T) {
	g, c := mrHistory(t)
	summary := githubEnv(t, "pull_request", prEvent(7, c["m1"], c["f2"]), "1111111111111111111111111111111111111111")
	r, rep := ciRun(t, g.Dir)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.err)
	}
	// The token the pull request adds is caught; the key already on the
	// base branch, and the webhook only on the base branch, are not.
	if got := strings.Join(rules(rep), " "); got != "github-pat" {
		t.Errorf("findings %q, want github-pat", got)
	}
	if f := find(rep, "github-pat"); f == nil || f.Commit != c["f1"] || f.File != "deploy.sh" || !strings.Contains(f.Secret, "…") {
		t.Errorf("finding %+v", f)
	}
	wantLine := "leakhound: scanning " + report.ShortID(c["m1"]) + ".." + report.ShortID(c["f2"]) + ": GitHub pull_request #7"
	if first := strings.SplitN(r.err, "\n", 2)[0]; !strings.HasPrefix(first, wantLine) {
		t.Errorf("first line %q, want %q…", first, wantLine)
	}
	if rep.Summary.Commits != 2 {
		t.Errorf("%d commits scanned, want 2", rep.Summary.Commits)
	}
	if !strings.Contains(r.out, "::error file=deploy.sh,line=1,col=") {
		t.Errorf("no annotation on stdout:\n%s", r.out)
	}
	data, err := os.ReadFile(summary)
	if err != nil || !strings.Contains(string(data), "## leakhound: 1 leak found") || !strings.Contains(string(data), "`deploy.sh:1`") {
		t.Errorf("job summary: %v\n%s", err, data)
	}
	noSecrets(t, "stdout, stderr and the job summary", r.out+r.err+string(data))
}

func TestCIGitHubPush(t *testing.T) {
	g, c := mrHistory(t)
	// before..after: only what the push adds. f2 edits a file that holds
	// an old secret: nothing new.
	githubEnv(t, "push", pushEvent(c["f1"], c["f2"], false, false), c["f2"])
	r, rep := ciRun(t, g.Dir)
	if r.code != 0 || len(rep.Findings) != 0 || rep.Summary.Commits != 1 {
		t.Errorf("push f1..f2: exit %d, %d commits, findings %v\n%s", r.code, rep.Summary.Commits, rules(rep), r.err)
	}
	if !strings.Contains(r.err, "scanning "+report.ShortID(c["f1"])+".."+report.ShortID(c["f2"])+": GitHub push to feature: the pushed commits") {
		t.Errorf("range line:\n%s", r.err)
	}
	githubEnv(t, "push", pushEvent(c["c0"], c["f2"], false, false), c["f2"])
	if r, rep := ciRun(t, g.Dir); r.code != 1 || strings.Join(rules(rep), " ") != "github-pat" {
		t.Errorf("push c0..f2: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
}

func TestCIGitHubNewBranch(t *testing.T) {
	g, c := mrHistory(t)
	githubEnv(t, "push", pushEvent(zeroSHA, c["f2"], true, false), c["f2"])
	r, rep := ciRun(t, g.Dir)
	if r.code != 1 || strings.Join(rules(rep), " ") != "github-pat" || rep.Summary.Commits != 2 {
		t.Errorf("new branch: exit %d, %d commits, findings %v\n%s", r.code, rep.Summary.Commits, rules(rep), r.err)
	}
	if !strings.Contains(r.err, "scanning origin/main.."+report.ShortID(c["f2"])+": GitHub push of the new branch feature: the commits not on the default branch") {
		t.Errorf("range line:\n%s", r.err)
	}
	// Without the default branch in the clone, "new" cannot be told: exit
	// 2 and say what to fetch.
	g.DeleteRef("refs/remotes/origin/main")
	g.DeleteRef("refs/heads/main")
	r, _ = ciRun(t, g.Dir)
	if r.code != 2 || !strings.Contains(r.err, "default branch main is not in the repository") || !strings.Contains(r.err, "fetch-depth: 0") {
		t.Errorf("no default branch: exit %d\n%s", r.code, r.err)
	}
}

func TestCIGitHubForcePush(t *testing.T) {
	g, c := mrHistory(t)
	// The branch is rewritten from c0: g1 adds a different token.
	g.SetRef("refs/heads/rewrite", c["c0"])
	g.Checkout("rewrite")
	token2 := "ghp_" + "Zq1mX2pL9vR4tW8bY6cJ0dF5gS1aQe4LMRC6"
	g.Write("deploy.sh", "export GITHUB_TOKEN="+token2+"\n")
	g1 := g.Commit("deploy script, again")

	// The old tip is still in the clone: before..after is what the new
	// tip has that the old one had not.
	githubEnv(t, "push", pushEvent(c["f2"], g1, false, true), g1)
	r, rep := ciRun(t, g.Dir)
	if r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].Commit != g1 || rep.Summary.Commits != 1 {
		t.Errorf("force-push, old tip present: exit %d, %d commits, %+v\n%s", r.code, rep.Summary.Commits, rep.Findings, r.err)
	}
	if !strings.Contains(r.err, "GitHub force-push to feature") {
		t.Errorf("range line:\n%s", r.err)
	}
	// The old tip is gone (the usual case: a CI clone never fetched it):
	// the commits not on the default branch.
	gone := strings.Repeat("ab", 20)
	githubEnv(t, "push", pushEvent(gone, g1, false, true), g1)
	r, rep = ciRun(t, g.Dir)
	if r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].Commit != g1 {
		t.Errorf("force-push, old tip gone: exit %d, %+v\n%s", r.code, rep.Findings, r.err)
	}
	if !strings.Contains(r.err, "but the previous tip "+report.ShortID(gone)+" is not in the repository (force-pushed away), so: the commits not on the default branch") ||
		!strings.Contains(r.err, "scanning origin/main..") {
		t.Errorf("range line:\n%s", r.err)
	}
}

func TestCIGitHubDeletedBranchScansNothing(t *testing.T) {
	g, c := mrHistory(t)
	ev := pushEvent(c["f2"], zeroSHA, false, false)
	ev["deleted"] = true
	githubEnv(t, "push", ev, zeroSHA)
	r, rep := ciRun(t, g.Dir)
	if r.code != 0 || !strings.Contains(r.err, "nothing to scan") || len(rep.Findings) != 0 {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
}

func TestCIGitLabMergeRequest(t *testing.T) {
	g, c := mrHistory(t)
	gitlabEnv(t, map[string]string{
		"CI_PIPELINE_SOURCE":             "merge_request_event",
		"CI_MERGE_REQUEST_IID":           "5",
		"CI_MERGE_REQUEST_DIFF_BASE_SHA": c["c0"],
		"CI_COMMIT_SHA":                  c["f2"],
	})
	r, rep := ciRun(t, g.Dir)
	if r.code != 1 || strings.Join(rules(rep), " ") != "github-pat" {
		t.Errorf("exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	if !strings.Contains(r.err, "scanning "+report.ShortID(c["c0"])+".."+report.ShortID(c["f2"])+": GitLab merge request !5") {
		t.Errorf("range line:\n%s", r.err)
	}
	noSecrets(t, "output", r.out+r.err)
}

func TestCIGitLabMergedResults(t *testing.T) {
	g, c := mrHistory(t)
	// A merged results pipeline builds the merge of the MR into the
	// target's tip m1.
	g.SetRef("refs/heads/merged", c["m1"])
	g.Checkout("merged")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n")
	g.Write("mysite/settings.py", "DEBUG = False\nSECRET_KEY = '"+djangoKey+"'\nALLOWED_HOSTS = ['*']\n")
	merge := g.Merge("merge feature into main", c["f2"])
	vars := map[string]string{
		"CI_PIPELINE_SOURCE":                 "merge_request_event",
		"CI_MERGE_REQUEST_IID":               "5",
		"CI_MERGE_REQUEST_DIFF_BASE_SHA":     c["c0"],
		"CI_MERGE_REQUEST_TARGET_BRANCH_SHA": c["m1"],
		"CI_COMMIT_SHA":                      merge,
	}
	gitlabEnv(t, vars)
	r, rep := ciRun(t, g.Dir)
	if r.code != 1 || strings.Join(rules(rep), " ") != "github-pat" {
		t.Errorf("merged results: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	// Without the target's tip, the target's own webhook would count: the
	// test can tell the difference.
	delete(vars, "CI_MERGE_REQUEST_TARGET_BRANCH_SHA")
	gitlabEnv(t, vars)
	if _, rep := ciRun(t, g.Dir); find(rep, "slack-webhook") == nil {
		t.Errorf("without the target sha: findings %v", rules(rep))
	}
}

func TestCIGitLabBranchPipeline(t *testing.T) {
	g, c := mrHistory(t)
	gitlabEnv(t, map[string]string{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature", "CI_COMMIT_BEFORE_SHA": c["f1"], "CI_COMMIT_SHA": c["f2"]})
	if r, rep := ciRun(t, g.Dir); r.code != 0 || len(rep.Findings) != 0 || !strings.Contains(r.err, "GitLab pipeline for branch feature") {
		t.Errorf("before..after: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	// All zeros: a new branch.
	gitlabEnv(t, map[string]string{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature", "CI_COMMIT_BEFORE_SHA": zeroSHA, "CI_COMMIT_SHA": c["f2"]})
	r, rep := ciRun(t, g.Dir)
	if r.code != 1 || strings.Join(rules(rep), " ") != "github-pat" || !strings.Contains(r.err, "scanning origin/main..") || !strings.Contains(r.err, "a new branch") {
		t.Errorf("new branch: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	// A GitLab clone fetches only the branch it builds: without the
	// default branch, say how to fetch it.
	g.DeleteRef("refs/remotes/origin/main")
	g.DeleteRef("refs/heads/main")
	r, _ = ciRun(t, g.Dir)
	if r.code != 2 || !strings.Contains(r.err, "git fetch origin main") {
		t.Errorf("no default branch: exit %d\n%s", r.code, r.err)
	}
}

func TestCIShallowCloneWithoutTheBase(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  func(t *testing.T, c map[string]string)
		args []string
		fix  string
	}{
		{"github", func(t *testing.T, c map[string]string) {
			githubEnv(t, "pull_request", prEvent(7, c["c0"], c["f2"]), c["f2"])
		}, nil, "fetch-depth: 0"},
		{"gitlab", func(t *testing.T, c map[string]string) {
			gitlabEnv(t, map[string]string{"CI_MERGE_REQUEST_DIFF_BASE_SHA": c["c0"], "CI_COMMIT_SHA": c["f2"]})
		}, nil, "GIT_DEPTH: 0"},
		{"local", func(t *testing.T, c map[string]string) { ciEnv(t, nil) }, []string{"--base", "c0"}, "git fetch --unshallow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, c := mrHistory(t)
			// A depth-2 clone of feature: f1 and f2, not c0.
			g.MakeShallow(c["f1"])
			tc.env(t, c)
			args := tc.args
			if len(args) == 2 {
				args = []string{"--base", c[args[1]], "--head", c["f2"]}
			}
			r, rep := ciRun(t, append(args, g.Dir)...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\n%s", r.code, r.err)
			}
			if !strings.Contains(r.err, "the base commit "+report.ShortID(c["c0"])+" is not in this clone, which is shallow") || !strings.Contains(r.err, tc.fix) {
				t.Errorf("stderr lacks the fix %q:\n%s", tc.fix, r.err)
			}
			if len(rep.Findings) != 0 {
				t.Errorf("a report was written: %v", rules(rep))
			}
		})
	}
}

func TestCIShallowCloneThatStopsInsideTheRange(t *testing.T) {
	g, c := mrHistory(t)
	// The base c0 is there, but the clone is cut at f2: f1 is missing,
	// and f2 would be diffed against nothing.
	g.MakeShallow(c["f2"])
	githubEnv(t, "pull_request", prEvent(7, c["c0"], c["f2"]), c["f2"])
	r, _ := ciRun(t, g.Dir)
	if r.code != 2 || !strings.Contains(r.err, "boundary of this shallow clone") || !strings.Contains(r.err, "fetch-depth: 0") {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
}

func TestCIPullRequestTargetWithoutTheHead(t *testing.T) {
	g, c := mrHistory(t)
	// pull_request_target checks out the base: the head is not fetched.
	missing := strings.Repeat("cd", 20)
	githubEnv(t, "pull_request_target", prEvent(9, c["m1"], missing), c["m1"])
	r, _ := ciRun(t, g.Dir)
	if r.code != 2 || !strings.Contains(r.err, "the head commit "+report.ShortID(missing)+" is not in the repository") || !strings.Contains(r.err, "git fetch origin pull/9/head") {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
}

func TestCIIncompleteScanIsExit2(t *testing.T) {
	g, c := mrHistory(t)
	g.RemoveObject(g.BlobID(c["f1"], "deploy.sh"))
	githubEnv(t, "pull_request", prEvent(7, c["m1"], c["f2"]), c["f2"])
	r, rep := ciRun(t, g.Dir)
	if r.code != 2 || !rep.Summary.Incomplete || !strings.Contains(r.err, "incomplete") {
		t.Errorf("exit %d, incomplete %v\n%s", r.code, rep.Summary.Incomplete, r.err)
	}
}

func TestCIRulesComeFromTheBase(t *testing.T) {
	g, c := mrHistory(t)
	// The merge request tries to allowlist its own token.
	g.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n\n[[allowlists]]\npaths = ['''deploy\\.sh''']\n")
	head := g.Commit("ignore deploy.sh")
	githubEnv(t, "pull_request", prEvent(7, c["m1"], head), head)
	r, rep := ciRun(t, g.Dir)
	if r.code != 1 || find(rep, "github-pat") == nil {
		t.Errorf("the merge request's rules file was used: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	if !strings.Contains(r.err, "leakhound: rules: built-in (no .secretsrules.toml in the base commit "+report.ShortID(c["m1"])+")") {
		t.Errorf("rules line:\n%s", r.err)
	}
	// leakhound scan, on the work tree, does use it: the difference is real.
	if s := runLH(t, "", "scan", "--no-progress", "-f", "json", "--range", c["m1"]+".."+head, g.Dir); s.code != 0 {
		t.Errorf("scan with the work tree's rules: exit %d", s.code)
	}

	// Rules the base does have apply.
	g2 := gittest.New(t)
	g2.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"acme\"\nregex = '''acme_[a-z0-9]{12}'''\nkeywords = [\"acme_\"]\n")
	base := g2.Commit("rules")
	g2.Write("a.txt", "key: acme_"+"q7m2x9k4p8w3\n") // not sequential: a value like abcdef is judged a stand-in, below --fail-on
	head = g2.Commit("acme")
	ciEnv(t, nil)
	r, rep = ciRun(t, "--base", base, "--head", head, g2.Dir)
	if r.code != 1 || find(rep, "acme") == nil || !strings.Contains(r.err, "rules: .secretsrules.toml from the base commit "+report.ShortID(base)) {
		t.Errorf("base rules: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
}

func TestCIFlagsWin(t *testing.T) {
	g, c := mrHistory(t)
	// The event says the pull request is m1..f2; the flags say f1..f2.
	githubEnv(t, "pull_request", prEvent(7, c["m1"], c["f2"]), c["f2"])
	r, rep := ciRun(t, "--base", c["f1"], "--head", c["f2"], g.Dir)
	if r.code != 0 || rep.Summary.Commits != 1 || !strings.Contains(r.err, ": --base and --head") {
		t.Errorf("exit %d, %d commits\n%s", r.code, rep.Summary.Commits, r.err)
	}
	// Outside CI, --base is required; --head defaults to HEAD.
	ciEnv(t, nil)
	if r := runLH(t, "", "ci", g.Dir); r.code != 2 || !strings.Contains(r.err, "give --base REF") {
		t.Errorf("no CI, no --base: exit %d %s", r.code, r.err)
	}
	r, rep = ciRun(t, "--base", "main", g.Dir) // HEAD is feature
	if r.code != 1 || strings.Join(rules(rep), " ") != "github-pat" {
		t.Errorf("--base main: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	// A broken event file is an error, unless --base makes it moot.
	ciEnv(t, map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": filepath.Join(t.TempDir(), "missing.json")})
	if r := runLH(t, "", "ci", g.Dir); r.code != 2 || !strings.Contains(r.err, "event file") {
		t.Errorf("missing event file: exit %d %s", r.code, r.err)
	}
	if r, _ := ciRun(t, "--base", c["f1"], "--head", c["f2"], g.Dir); r.code != 0 {
		t.Errorf("missing event file with flags: exit %d %s", r.code, r.err)
	}
}

func TestCIReportsAreMasked(t *testing.T) {
	g, c := mrHistory(t)
	githubEnv(t, "pull_request", prEvent(7, c["m1"], c["f2"]), c["f2"])
	dir := t.TempDir()
	files := map[string]string{"sarif": "r.sarif", "gitlab": "gl-secret-detection-report.json", "junit": "r.xml", "csv": "r.csv", "json": "r.json"}
	args := []string{"ci", "--no-progress"}
	for f, name := range files {
		args = append(args, "-f", f, "-o", filepath.Join(dir, name))
	}
	r := runLH(t, "", append(args, g.Dir)...)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	all := r.out + r.err
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "ghp_…") {
			t.Errorf("%s lacks the masked token", name)
		}
		all += string(data)
	}
	noSecrets(t, "the reports", all)
	// No text report on stdout: the annotations are there, the summary on
	// stderr.
	if !strings.HasPrefix(r.out, "::error ") || !strings.Contains(r.err, "1 leak found") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", r.out, r.err)
	}
	// A machine report on stdout gets no annotations mixed in.
	r = runLH(t, "", "ci", "--no-progress", "-f", "json", g.Dir)
	if rep := parseJSON(t, r.out); len(rep.Findings) != 1 || !strings.Contains(r.err, "no GitHub annotations") {
		t.Errorf("json on stdout: %d findings\n%s", len(rep.Findings), r.err)
	}
	if !strings.HasPrefix(r.err, "leakhound: scanning ") {
		t.Errorf("the range is not the first line:\n%s", r.err)
	}
}

func TestCIBaselineComesFromTheBase(t *testing.T) {
	g, c := mrHistory(t)
	// A baseline that knows the GitHub token the merge request adds.
	known := baseline.FromFindings([]leak.Finding{{
		RuleID: "github-pat", Location: leak.Location{File: "old/deploy.sh", Line: 1},
		Secret: ghToken, Fingerprint: leak.Fingerprint("github-pat", ghToken),
	}})
	var buf bytes.Buffer
	known.Encode(&buf)

	// Only the merge request has it, in the work tree: not trusted.
	g.Write(".secretsbaseline.json", buf.String())
	mine := g.Commit("my own baseline")
	githubEnv(t, "pull_request", prEvent(7, c["m1"], mine), mine)
	r, rep := ciRun(t, g.Dir)
	if r.code != 1 || find(rep, "github-pat") == nil {
		t.Errorf("the merge request's own baseline was used: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	r = runLH(t, g.Dir, "ci", "--no-progress", "--baseline", ".secretsbaseline.json")
	if r.code != 1 || !strings.Contains(r.err, ".secretsbaseline.json is not in the base commit") {
		t.Errorf("merge request's baseline named: exit %d\n%s", r.code, r.err)
	}

	// In the base commit, it applies.
	g.Checkout("main")
	g.Write(".secretsbaseline.json", buf.String())
	base := g.Commit("baseline")
	g.SetRef("refs/remotes/origin/main", base)
	g.Checkout("feature")
	githubEnv(t, "pull_request", prEvent(7, base, c["f2"]), c["f2"])
	r, rep = ciRun(t, g.Dir)
	if r.code != 0 || len(rep.Findings) != 0 {
		t.Errorf("baselined token: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	for _, want := range []string{"leakhound: baseline: " + report.ShortID(base) + ":.secretsbaseline.json", "1 finding(s) already in the baseline"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}

	// A baseline outside the repository is read from disk.
	outside := filepath.Join(t.TempDir(), "b.json")
	os.WriteFile(outside, []byte("{\"version\": 1, \"entries\": []}"), 0o600)
	r = runLH(t, g.Dir, "ci", "--no-progress", "--baseline", outside)
	if r.code != 1 || !strings.Contains(r.err, "baseline: "+outside) {
		t.Errorf("outside baseline: exit %d\n%s", r.code, r.err)
	}
	if r = runLH(t, g.Dir, "ci", "--no-progress", "--baseline", outside+".missing"); r.code != 2 {
		t.Errorf("missing outside baseline: exit %d", r.code)
	}
	// A broken one fails the run, saying where.
	os.WriteFile(outside, []byte("{}"), 0o600)
	if r = runLH(t, g.Dir, "ci", "--no-progress", "--baseline", outside); r.code != 2 || !strings.Contains(r.err, outside+": not a leakhound baseline") {
		t.Errorf("broken baseline: exit %d\n%s", r.code, r.err)
	}
}

// zeroSHA is what CI systems give as the previous commit of a new branch.
const zeroSHA = "0000000000000000000000000000000000000000"

// permissiveRules is a rules file that finds nothing: a merge request's
// way to silence the scan of its own secret.
const permissiveRules = "[extend]\nuseDefault = true\ndisabledRules = [\"github-pat\"]\n"

// TestCIConfigInTreeFromBase: `ci --config FILE` with FILE inside the
// repository reads FILE from the base commit, not the merge request's
// copy in the work tree; a FILE the base lacks gives the built-in rules.
func TestCIConfigInTreeFromBase(t *testing.T) {
	for _, atBase := range []bool{true, false} {
		g := gittest.New(t)
		g.Write("README.md", "hello\n")
		if atBase {
			g.Write("ci/rules.toml", "[extend]\nuseDefault = true\n")
		}
		base := g.Commit("start")
		g.SetRef("refs/remotes/origin/main", base)
		g.Branch("feature")
		g.Write("ci/rules.toml", permissiveRules)
		g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n")
		head := g.Commit("silence the scan, add a token")
		githubEnv(t, "pull_request", prEvent(9, base, head), head)
		r, rep := ciRun(t, "--config", filepath.Join(g.Dir, "ci", "rules.toml"), g.Dir)
		if r.code != 1 || find(rep, "github-pat") == nil {
			t.Errorf("rules file at base %v: exit %d, findings %v: the merge request's rules applied\n%s", atBase, r.code, rules(rep), r.err)
		}
		want := "ci/rules.toml (--config) from the base commit " + report.ShortID(base)
		if !atBase {
			want = "built-in: ci/rules.toml (--config) is not in the base commit"
		}
		if !strings.Contains(r.err, "leakhound: rules: "+want) {
			t.Errorf("rules file at base %v: want %q in\n%s", atBase, want, r.err)
		}
	}
	// Outside the repository, --config is read from disk.
	g, c := mrHistory(t)
	outside := filepath.Join(t.TempDir(), "rules.toml")
	os.WriteFile(outside, []byte(permissiveRules), 0o600)
	githubEnv(t, "pull_request", prEvent(7, c["m1"], c["f2"]), c["f2"])
	if r, rep := ciRun(t, "--config", outside, g.Dir); find(rep, "github-pat") != nil || !strings.Contains(r.err, "leakhound: rules: "+outside+" (--config)") {
		t.Errorf("--config outside the repository: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
}

// TestCIPushRulesFromDefaultBranch: a push pipeline reads rules and
// baseline from the default branch, not from the push's previous tip,
// which the pusher wrote: a first push of permissive rules does not let a
// second push's secret through.
func TestCIPushRulesFromDefaultBranch(t *testing.T) {
	g := gittest.New(t)
	g.Write("README.md", "hello\n")
	main := g.Commit("start")
	g.SetRef("refs/remotes/origin/main", main)
	g.Branch("feature")
	g.Write(".secretsrules.toml", permissiveRules)
	first := g.Commit("first push: rules that find nothing")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n")
	second := g.Commit("second push: the token")

	githubEnv(t, "push", pushEvent(first, second, false, false), second)
	r, rep := ciRun(t, g.Dir)
	if r.code != 1 || find(rep, "github-pat") == nil {
		t.Errorf("GitHub push: exit %d, findings %v: the push's own rules applied\n%s", r.code, rules(rep), r.err)
	}
	if !strings.Contains(r.err, "rules and baseline from the default branch origin/main ("+report.ShortID(main)+"), not the push's previous tip") {
		t.Errorf("GitHub push: where the rules come from is not said:\n%s", r.err)
	}
	gitlabEnv(t, map[string]string{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature", "CI_COMMIT_BEFORE_SHA": first, "CI_COMMIT_SHA": second})
	if r, rep := ciRun(t, g.Dir); r.code != 1 || find(rep, "github-pat") == nil {
		t.Errorf("GitLab push: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	// Without the default branch in the clone, the push cannot be judged.
	g.DeleteRef("refs/remotes/origin/main")
	g.DeleteRef("refs/heads/main")
	gitlabEnv(t, map[string]string{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature", "CI_COMMIT_BEFORE_SHA": first, "CI_COMMIT_SHA": second})
	if r, _ := ciRun(t, g.Dir); r.code != 2 || !strings.Contains(r.err, "read from the default branch") || !strings.Contains(r.err, "git fetch origin main") {
		t.Errorf("GitLab push, no default branch: exit %d\n%s", r.code, r.err)
	}
}

// TestCIReportsHighConfidenceTokensUnderAllowlistedPaths: in ci, a token of
// a fixed format (a rule of high confidence) is reported even where a
// global allowlist skips files by path (node_modules/, lockfiles,
// minified assets), which a merge request can choose; weaker rules still
// skip them, and scan still skips them whole.
func TestCIReportsHighConfidenceTokensUnderAllowlistedPaths(t *testing.T) {
	g := gittest.New(t)
	g.Write("README.md", "hello\n")
	base := g.Commit("start")
	g.SetRef("refs/remotes/origin/main", base)
	g.Branch("feature")
	g.Write("node_modules/left-pad/index.js", "const token = '"+ghToken+"';\nconst password = '"+dbPass+"';\n")
	g.Write("package-lock.json", "{\"x\": \""+ghToken+"\"}\n")
	g.Write("static/app.min.js", "var a=\""+stripeKey+"\";\n")
	head := g.Commit("vendor a dependency")
	githubEnv(t, "pull_request", prEvent(4, base, head), head)
	r, rep := ciRun(t, g.Dir)
	got := strings.Join(rules(rep), " ")
	// A Stripe key's rule has no fixed prefix of its own (sk_ or rk_,
	// live or prod): medium confidence, so it still skips minified code.
	if f := find(rep, "github-pat"); f == nil || len(f.Locations) != 1 {
		t.Errorf("ci: the token not reported in node_modules/ and package-lock.json: exit %d, findings %q %+v\n%s", r.code, got, f, r.err)
	}
	if strings.Contains(got, "password") || strings.Contains(got, "generic") || strings.Contains(got, "stripe") {
		t.Errorf("ci: a rule of lower confidence ignores the allowlist: %q", got)
	}
	s := runLH(t, "", "scan", "--no-progress", "-f", "json", "--no-baseline", g.Dir)
	if s.code != 0 {
		t.Errorf("scan: exit %d, want 0 (allowlisted paths skipped)\n%s", s.code, s.out)
	}
}
