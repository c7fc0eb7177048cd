package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/testtool"
	"github.com/leakhound/leakhound/report"
)

// TestBaselineElsewhereSaysHowToUseIt follows what `baseline create -o`
// prints: a scan with the --baseline it names reports nothing.
func TestBaselineElsewhereSaysHowToUseIt(t *testing.T) {
	t.Parallel()
	g := seedRepo(t)
	other := filepath.Join(t.TempDir(), "elsewhere.json")
	r := runLH(t, "", "baseline", "create", "--no-progress", "-o", other, g.Dir)
	if r.code != 0 || !strings.Contains(r.out, "leakhound scan --baseline "+other) {
		t.Fatalf("create -o: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if strings.Contains(r.out, "scans now report only") {
		t.Errorf("says scans will use a baseline they will not read:\n%s", r.out)
	}
	if r := runLH(t, "", "scan", "--no-progress", g.Dir); r.code != 1 {
		t.Errorf("scan without --baseline: exit %d, want 1 (the baseline is elsewhere)", r.code)
	}
	if r := runLH(t, "", "scan", "--no-progress", "--baseline", other, g.Dir); r.code != 0 {
		t.Errorf("following the advice: exit %d\n%s", r.code, r.out)
	}
	// The default place keeps the old message.
	r = runLH(t, "", "baseline", "create", "--no-progress", g.Dir)
	if r.code != 0 || strings.Contains(r.out, "--baseline") || !strings.Contains(r.out, "scans now report only") {
		t.Errorf("create: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// TestRulesCommandsUseTheRepositoryRules: rules list and rules test, run
// in a repository (or a subdirectory of one), use its .secretsrules.toml
// as scan does.
func TestRulesCommandsUseTheRepositoryRules(t *testing.T) {
	g := gittest.New(t)
	g.Write(".secretsrules.toml", `[extend]
useDefault = true

[[rules]]
id = "acme-token"
description = "ACME token"
regex = '''\b(acme_[a-z0-9]{12})\b'''
keywords = ["acme_"]
  [[rules.examples]]
  text = "token: acme_zz9q`+`k3x8w2m7"
  secret = "acme_zz9q`+`k3x8w2m7"
  [[rules.examples]]
  text = "token: acme_short"
`)
	g.Write("sub/a.txt", "x\n")
	g.Commit("one")
	for _, dir := range []string{g.Dir, filepath.Join(g.Dir, "sub")} {
		r := runLH(t, dir, "rules", "list")
		if r.code != 0 || !strings.Contains(r.out, "acme-token") || !strings.Contains(r.out, "django-secret-key") {
			t.Errorf("rules list in %s: exit %d\n%s%s", dir, r.code, r.out, r.err)
		}
		r = runLH(t, dir, "rules", "test")
		if r.code != 0 || !strings.Contains(r.out, ".secretsrules.toml") || !strings.Contains(r.out, "2 examples, 0 failed") {
			t.Errorf("rules test in %s: exit %d\n%s%s", dir, r.code, r.out, r.err)
		}
	}
	// A directory outside git: its own file, else the built-in rules.
	dir := t.TempDir()
	if r := runLH(t, dir, "rules", "list"); r.code != 0 || strings.Contains(r.out, "acme-token") || !strings.Contains(r.err, "built-in") {
		t.Errorf("rules list outside a repository: exit %d\n%s%s", r.code, r.out, r.err)
	}
	os.WriteFile(filepath.Join(dir, ".secretsrules.toml"), []byte("[[rules]]\nid = \"only-me\"\nregex = 'zzz'\n"), 0o600)
	if r := runLH(t, dir, "rules", "list"); r.code != 0 || !strings.Contains(r.out, "only-me") || strings.Contains(r.out, "django-secret-key") {
		t.Errorf("rules list in a directory with a rules file: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// TestVersion: `version` and `--version` print the same line, from the
// build information.
func TestVersion(t *testing.T) {
	t.Parallel()
	a := runLH(t, "", "version")
	b := runLH(t, "", "--version")
	if a.code != 0 || b.code != 0 || a.out != b.out || !strings.HasPrefix(a.out, "leakhound ") || strings.Contains(a.out, "dev\n") || !strings.Contains(a.out, "go1.") {
		t.Errorf("version: %q (exit %d), --version: %q (exit %d)", a.out, a.code, b.out, b.code)
	}
}

// TestPreCommitAdviceWorks follows the pre-commit hook's advice for a false
// positive, both ways, with the real git: each lets the commit through.
func TestPreCommitAdviceWorks(t *testing.T) {
	t.Parallel()
	s := newPushSetup(t)
	g := s.g
	commit := func(msg string) (string, error) {
		t.Helper()
		return runGit(t, s.env, g.Dir, "commit", "-m", msg)
	}
	// 1. The baseline: leakhound baseline update --staged.
	os.WriteFile(filepath.Join(g.Dir, "settings.py"), []byte("SECRET_KEY = '"+djangoKey+"'\n"), 0o644)
	mustGit(t, s.env, g.Dir, "add", "settings.py")
	out, err := commit("settings")
	const record = "leakhound baseline update --staged"
	if err == nil || !strings.Contains(out, record) || !strings.Contains(out, "git add .secretsbaseline.json") {
		t.Fatalf("blocked commit's advice: err=%v\n%s", err, out)
	}
	cmd := exec.Command(leakhoundBinary(t), strings.Fields(record)[1:]...)
	cmd.Dir, cmd.Env = g.Dir, s.env
	got, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(got), "added 1 staged secret") || !strings.Contains(string(got), "git add .secretsbaseline.json") {
		t.Fatalf("%s: %v\n%s", record, err, got)
	}
	assertNoSecrets(t, filepath.Join(g.Dir, ".secretsbaseline.json"), djangoKey)
	mustGit(t, s.env, g.Dir, "add", ".secretsbaseline.json")
	if out, err := commit("settings"); err != nil {
		t.Fatalf("commit after %s: %v\n%s", record, err, out)
	}
	// Run again with nothing new staged: nothing to add.
	cmd = exec.Command(leakhoundBinary(t), strings.Fields(record)[1:]...)
	cmd.Dir, cmd.Env = g.Dir, s.env
	if got, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(got), "nothing to add") {
		t.Errorf("%s with nothing staged: %v\n%s", record, err, got)
	}

	// 2. The inline allow: a comment holding leakhound:allow on the line.
	os.WriteFile(filepath.Join(g.Dir, "deploy.py"), []byte("TOKEN = '"+ghToken+"'\n"), 0o644)
	mustGit(t, s.env, g.Dir, "add", "deploy.py")
	out, err = commit("deploy")
	if err == nil || !strings.Contains(out, "# leakhound:allow") {
		t.Fatalf("blocked commit's advice: err=%v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(g.Dir, "deploy.py"), []byte("TOKEN = '"+ghToken+"'  # leakhound:allow\n"), 0o644)
	mustGit(t, s.env, g.Dir, "add", "deploy.py")
	if out, err := commit("deploy"); err != nil {
		t.Fatalf("commit after the inline allow: %v\n%s", err, out)
	}
}

// TestCIAdviceForAPullRequest: ci's advice for a secret only in a pull
// request's commits is to rewrite them, as the pre-push hook says; doing
// what it says (with the real git) passes the next run. A push to a branch
// gets the advice for history.
func TestCIAdviceForAPullRequest(t *testing.T) {
	testtool.Need(t, "git", "git")
	g, c := mrHistory(t)
	githubEnv(t, "pull_request", prEvent(7, c["m1"], c["f2"]), c["f2"])
	r, _ := ciRun(t, g.Dir)
	f1 := report.ShortID(c["f1"])
	rebase := "git rebase -i " + f1 + "~1"
	if r.code != 1 || !strings.Contains(r.out, "only in the commits of pull request #7") || !strings.Contains(r.out, rebase) ||
		!strings.Contains(r.out, "--force-with-lease") || strings.Contains(r.out, "filter-repo") {
		t.Fatalf("exit %d, advice:\n%s", r.code, r.out)
	}
	// Follow it: mark f1 "edit", fix the file, amend, continue.
	env := append(gitEnv(t), "GIT_SEQUENCE_EDITOR=sed -i -e 1s/^pick/edit/", "GIT_EDITOR=true")
	mustGit(t, env, g.Dir, strings.Fields(rebase)[1:]...)
	os.WriteFile(filepath.Join(g.Dir, "deploy.sh"), []byte("export GITHUB_TOKEN=\"$DEPLOY_TOKEN\"\n"), 0o644)
	mustGit(t, env, g.Dir, "add", "deploy.sh")
	mustGit(t, env, g.Dir, "commit", "-q", "--amend", "--no-edit")
	mustGit(t, env, g.Dir, "rebase", "--continue")
	head := strings.TrimSpace(mustGit(t, env, g.Dir, "rev-parse", "HEAD"))
	githubEnv(t, "pull_request", prEvent(7, c["m1"], head), head)
	if r, rep := ciRun(t, g.Dir); r.code != 0 {
		t.Errorf("after following the advice: exit %d, findings %v\n%s%s", r.code, rules(rep), r.out, r.err)
	}

	// The secret in the last commit: amend it.
	g2, c2 := mrHistory(t)
	g2.Write("notify.py", "HOOK = '"+slackHook+"'\n")
	tip := g2.Commit("notify")
	githubEnv(t, "pull_request", prEvent(8, c2["m1"], tip), tip)
	if r, _ := ciRun(t, g2.Dir); r.code != 1 || !strings.Contains(r.out, report.ShortID(tip)+" is the last commit: fix the file, git add it, then git commit --amend") {
		t.Errorf("exit %d, advice:\n%s", r.code, r.out)
	}

	// A push to a branch: its commits are on the branch already.
	githubEnv(t, "push", pushEvent(c["c0"], c["f2"], false, false), c["f2"])
	if r, _ := ciRun(t, g.Dir); r.code != 1 || strings.Contains(r.out, "--force-with-lease") || !strings.Contains(r.out, "filter-repo") {
		t.Errorf("push: exit %d, advice:\n%s", r.code, r.out)
	}
}

// TestHelpIsEachCommandsOwn walks every command's help.
func TestHelpIsEachCommandsOwn(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		r := runLH(t, "", append(path, "--help")...)
		if r.code != 0 {
			t.Errorf("%s --help: exit %d", c.CommandPath(), r.code)
		}
		if strings.Contains(r.out, "[=true|false]") {
			t.Errorf("%s --help shows [=true|false]:\n%s", c.CommandPath(), r.out)
		}
		// The scan's exit status table only where --exit-code is.
		if strings.Contains(r.out, "--exit-code changes it") && c.Flags().Lookup("exit-code") == nil && c.HasParent() {
			t.Errorf("%s --help has the scan's exit status table, without --exit-code:\n%s", c.CommandPath(), r.out)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCommand(stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard}))
	for _, c := range [][]string{{"hook", "pre-commit"}, {"hook", "pre-push"}, {"hook", "install"}, {"rules", "test"}} {
		if r := runLH(t, "", append(c, "--help")...); !strings.Contains(r.out, "EXIT STATUS") || strings.Contains(r.out, "--exit-code") {
			t.Errorf("%v --help: exit status table:\n%s", c, r.out)
		}
	}
}

// TestCIHelpListsOnlyFlagsCITakes runs ci with every flag its help lists.
func TestCIHelpListsOnlyFlagsCITakes(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "hello\n")
	g.Commit("one")
	ciEnv(t, nil)
	bl := filepath.Join(t.TempDir(), "bl.json")
	os.WriteFile(bl, []byte(`{"version": 1, "entries": []}`), 0o600)
	values := map[string]string{"base": "HEAD", "head": "HEAD", "baseline": bl,
		"config": "", "fail-on": "high", "format": "json", "max-file-size": "1MiB", "min-confidence": "low",
		"min-severity": "low", "output": filepath.Join(t.TempDir(), "r.json"), "threads": "1", "max-archive-depth": "1"}
	help := runLH(t, "", "ci", "--help").out
	_, flags, _ := strings.Cut(help, "\nFlags:\n")
	n := 0
	for _, line := range strings.Split(flags, "\n") {
		i := strings.Index(line, "--")
		if i < 0 {
			continue
		}
		name := strings.Fields(line[i+2:])[0]
		if name == "help" {
			continue
		}
		args := []string{"ci", "--base", "HEAD", "--no-progress", "--" + name}
		if v, ok := values[name]; ok {
			if v == "" {
				cfg := filepath.Join(t.TempDir(), "r.toml")
				os.WriteFile(cfg, []byte("[extend]\nuseDefault = true\n"), 0o600)
				v = cfg
			}
			args = append(args, v)
		}
		n++
		if r := runLH(t, "", append(args, g.Dir)...); r.code != 0 {
			t.Errorf("ci --%s, which ci --help lists: exit %d\n%s", name, r.code, r.err)
		}
	}
	if n < 10 {
		t.Fatalf("read %d flags from ci --help:\n%s", n, help)
	}
}

// TestUnknownFlagSuggestsTheNearest and --since's forms.
func TestFlagMistakesAndSince(t *testing.T) {
	t.Parallel()
	r := runLH(t, "", "scan", "--show-secret", ".")
	if r.code != 2 || !strings.Contains(r.err, "did you mean --show-secrets?") {
		t.Errorf("scan --show-secret: exit %d\n%s", r.code, r.err)
	}
	if r := runLH(t, "", "ci", "--fail-no", "high"); !strings.Contains(r.err, "did you mean --fail-on?") {
		t.Errorf("ci --fail-no: %s", r.err)
	}
	if r := runLH(t, "", "scan", "--frobnicate"); strings.Contains(r.err, "did you mean") {
		t.Errorf("scan --frobnicate suggests: %s", r.err)
	}
	g := seedRepo(t)
	// Every form is in package since's tests; two here, through the command.
	for _, s := range []string{"2 weeks ago", "2000/01/31"} {
		if r := runLH(t, "", "scan", "--no-progress", "--since", s, g.Dir); r.code == 2 {
			t.Errorf("--since %q: exit 2\n%s", s, r.err)
		}
	}
	r = runLH(t, "", "scan", "--no-progress", "--since", "soon", g.Dir)
	if r.code != 2 || strings.Contains(r.err, "2006") || !strings.Contains(r.err, "2 weeks ago") {
		t.Errorf("--since soon: exit %d\n%s", r.code, r.err)
	}
}

// TestReadmeRulesExamplePasses: the README's example rules file passes
// `leakhound rules test` as written.
func TestReadmeRulesExamplePasses(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(data), "rules or builds on them:\n\n```toml\n")
	if !ok {
		t.Fatal("README: the example rules file is not where it was")
	}
	toml, _, _ := strings.Cut(after, "```\n")
	file := filepath.Join(t.TempDir(), "mine.toml")
	os.WriteFile(file, []byte(toml), 0o600)
	r := runLH(t, "", "rules", "test", "--config", file)
	if r.code != 0 || !strings.Contains(r.out, "2 examples, 0 failed") {
		t.Errorf("rules test of the README's example: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// TestRulesTestSaysWhichStageDropped: a failing example names the step
// that dropped each match.
func TestRulesTestSaysWhichStageDropped(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "r.toml")
	// The value is put in at run time: the source holds none to find.
	rulesFile := strings.NewReplacer("ACME_VALUE", "acme_"+"q7k2x9m4p8w3", "ACME_TYPED", "acme_"+"abc123def456", "ACME_RUNS", "acme_"+"q7k2q7k2q7k2").Replace(`[[rules]]
id = "by-path"
regex = '''\b(acme_[a-z0-9]{12})\b'''
path = '''\.py$'''
  [[rules.examples]]
  text = "ACME_VALUE"
  secret = "ACME_VALUE"

[[rules]]
id = "by-entropy"
regex = '''\b(acme_[a-z0-9]{12})\b'''
entropy = 4.5
  [[rules.examples]]
  text = "ACME_TYPED"
  secret = "ACME_TYPED"
  [[rules.examples]]
  text = "ACME_RUNS"
  secret = "ACME_RUNS"

[[rules]]
id = "by-allowlist"
regex = '''\b(acme_[a-z0-9]{12})\b'''
  [[rules.allowlists]]
  description = "our fixtures"
  paths = ['''(^|/)fixtures/''']
  [[rules.examples]]
  text = "ACME_VALUE"
  secret = "ACME_VALUE"
  path = "fixtures/a.txt"

[[rules]]
id = "by-keyword"
regex = '''\b(acme_[a-z0-9]{12})\b'''
keywords = ["zork"]
  [[rules.examples]]
  text = "ACME_VALUE"
  secret = "ACME_VALUE"
`)
	os.WriteFile(file, []byte(rulesFile), 0o600)
	r := runLH(t, "", "rules", "test", "--config", file)
	for _, want := range []string{
		`dropped by path: the rule's path regex \.py$ does not match example.txt`,
		`(an example is scanned as example.txt unless it has a path`,
		`dropped by entropy: `,
		`under the rule's floor 4.50`,
		`under the floor 3.45 (the rule's 4.50, lowered for a value of this length and alphabet)`,
		`dropped by allowlist: allowlist of the rule at ` + file + `:23 (our fixtures) ignores it`,
		`keywords: none of ["zork"] occurs: the regex does not run`,
		"5 examples, 5 failed",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("rules test output lacks %q:\n%s", want, r.out)
		}
	}
	r = runLH(t, "", "rules", "test", "--explain", "--config", file)
	if !strings.Contains(r.out, "pass keywords") || !strings.Contains(r.out, "DROP path") || !strings.Contains(r.out, "pass regex") {
		t.Errorf("--explain:\n%s", r.out)
	}
}

// TestImportGitleaksIgnore: a .gitleaksignore's fingerprints become
// baseline entries; a scan then reports only what it did not list.
func TestImportGitleaksIgnore(t *testing.T) {
	t.Parallel()
	g := gittest.New(t)
	g.Write("mysite/settings.py", "DEBUG = True\nSECRET_KEY = '"+djangoKey+"'\n")
	g.Write("deploy.sh", "#!/bin/sh\nexport GITHUB_TOKEN="+ghToken+"\n")
	c1 := g.Commit("one")
	g.Write("app/hooks.py", "import os\n\nSLACK = '"+slackHook+"'\n")
	g.Commit("two")
	ignore := "# accepted\n" + c1 + ":deploy.sh:github-pat:2\n" + c1 + ":mysite/settings.py:django-insecure-secret-key:2\n" +
		"README.md:generic-api-key:9\n"
	file := filepath.Join(t.TempDir(), ".gitleaksignore")
	os.WriteFile(file, []byte(ignore), 0o600)
	r := runLH(t, "", "baseline", "import", "--no-progress", "--from", "gitleaksignore", file, g.Dir)
	if r.code != 0 || !strings.Contains(r.out, "imported 2 of 3 gitleaksignore records") || !strings.Contains(r.out, "README.md:9") {
		t.Fatalf("import: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
	rep := parseJSON(t, r.out)
	if r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].File != "app/hooks.py" {
		t.Errorf("scan after the import: exit %d, findings %v", r.code, rules(rep))
	}
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("not a fingerprint\n"), 0o600)
	if r := runLH(t, "", "baseline", "import", "--from", "gitleaksignore", bad, g.Dir); r.code != 2 || !strings.Contains(r.err, "bad:1: not a gitleaks fingerprint") {
		t.Errorf("bad file: exit %d\n%s", r.code, r.err)
	}
}

// TestGitleaksCommandsAndFlags: gitleaks' commands and flags, as a gitleaks
// user types them.
func TestGitleaksCommandsAndFlags(t *testing.T) {
	t.Parallel()
	g := seedRepo(t)
	out := filepath.Join(t.TempDir(), "r.json")
	r := runLH(t, "", "git", "--no-progress", "--no-banner", "--report-format", "json", "--report-path", out, "--redact=100", "--log-opts=--all", g.Dir)
	data, err := os.ReadFile(out)
	if r.code != 1 || err != nil {
		t.Fatalf("git: exit %d, %v\n%s", r.code, err, r.err)
	}
	rep := parseJSON(t, string(data))
	if len(rep.Findings) != 4 {
		t.Errorf("git: %d findings, want 4", len(rep.Findings))
	}
	for _, s := range planted {
		if strings.Contains(string(data), s) {
			t.Errorf("--redact=100 left a secret (%.4s…) in the report", s)
		}
	}
	// --log-opts with a range and a since: the same as --range.
	rng := g.Commits["decoys"] + "..experiment"
	a := runLH(t, "", "git", "--no-progress", "-f", "json", "--log-opts", rng, g.Dir)
	b := runLH(t, "", "scan", "--no-progress", "-f", "json", "--range", rng, g.Dir)
	if a.code != 1 || a.code != b.code || len(parseJSON(t, a.out).Findings) != 1 || len(parseJSON(t, b.out).Findings) != 1 {
		t.Errorf("--log-opts A..B: exit %d, --range: exit %d", a.code, b.code)
	}
	if r := runLH(t, "", "git", "--log-opts", "--author=me", g.Dir); r.code != 2 || !strings.Contains(r.err, `cannot honour "--author=me"`) {
		t.Errorf("--log-opts --author: exit %d\n%s", r.code, r.err)
	}
	if r := runLH(t, "", "git", "--max-target-megabytes", "1", "--max-file-size", "1MiB", g.Dir); r.code != 2 {
		t.Errorf("--max-target-megabytes with --max-file-size: exit %d", r.code)
	}
	// --baseline-path: a leakhound baseline is used; a gitleaks report
	// says how to import it.
	bl := filepath.Join(t.TempDir(), "bl.json")
	runLH(t, "", "baseline", "create", "--no-progress", "-o", bl, g.Dir)
	if r := runLH(t, "", "git", "--no-progress", "--baseline-path", bl, g.Dir); r.code != 0 {
		t.Errorf("--baseline-path with a leakhound baseline: exit %d\n%s", r.code, r.err)
	}
	glr := filepath.Join(t.TempDir(), "gitleaks.json")
	os.WriteFile(glr, []byte(`[{"RuleID":"x","File":"a.py","StartLine":1,"Commit":"","Secret":"REDACTED"}]`), 0o600)
	if r := runLH(t, "", "git", "--baseline-path", glr, g.Dir); r.code != 2 || !strings.Contains(r.err, "baseline import --from gitleaks") {
		t.Errorf("--baseline-path with a gitleaks report: exit %d\n%s", r.code, r.err)
	}
	// --ignore-gitleaks-allow reports what gitleaks:allow hides.
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, "deploy.sh"), []byte("export GITHUB_TOKEN="+ghToken+"  # gitleaks:allow\n"), 0o600)
	if r := runLH(t, "", "dir", "--no-progress", d); r.code != 0 {
		t.Errorf("dir with gitleaks:allow: exit %d", r.code)
	}
	if r := runLH(t, "", "dir", "--no-progress", "--ignore-gitleaks-allow", d); r.code != 1 {
		t.Errorf("dir --ignore-gitleaks-allow: exit %d", r.code)
	}
	// stdin.
	var o strings.Builder
	code := runContext(t.Context(), []string{"stdin", "-f", "json"}, stdio{in: strings.NewReader("export GITHUB_TOKEN=" + ghToken + "\n"), out: &o, err: io.Discard})
	if code != 1 || len(parseJSON(t, o.String()).Findings) != 1 {
		t.Errorf("stdin: exit %d\n%s", code, o.String())
	}
}

// TestRulesImportFromGitleaks: a gitleaks user's .gitleaks.toml, old keys
// and all, becomes the repository's .secretsrules.toml, which scan then
// uses.
func TestRulesImportFromGitleaks(t *testing.T) {
	g := gittest.New(t)
	g.Write(".gitleaks.toml", `title = "ours"
[extend]
useDefault = true
disabledRules = ["generic-api-key"]
[[rules]]
id = "acme-token"
description = "ACME token"
regex = '''acme_[a-z0-9]{12}'''
keywords = ["ACME_"]
[rules.allowlist]
paths = ['''fixtures/''']
[allowlist]
description = "vendored"
paths = ['''(^|/)vendor/''']
`)
	g.Write("app.cfg", "token = acme_"+"q7k2x9m4p8w3\n")
	g.Write("fixtures/a.cfg", "token = acme_"+"z9x8c7v6b5n4\n")
	g.Write("vendor/b.cfg", "token = acme_"+"m1n2b3v4c5x6\n")
	g.Commit("one")
	r := runLH(t, g.Dir, "rules", "import", "--from", "gitleaks", ".gitleaks.toml")
	if r.code != 0 || !strings.Contains(r.out, "wrote .secretsrules.toml: 1 rule") || !strings.Contains(r.out, `disabledRules ["generic-api-key"] not converted`) {
		t.Fatalf("rules import: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = runLH(t, "", "scan", "--no-progress", "--no-git", "-f", "json", g.Dir)
	rep := parseJSON(t, r.out)
	n := 0
	for _, f := range rep.Findings {
		if f.RuleID == "acme-token" {
			n++
		}
	}
	if f := find(rep, "acme-token"); f == nil || n != 1 || f.File != filepath.Join(g.Dir, "app.cfg") {
		t.Errorf("scan with the converted rules: exit %d, findings %v\n%s", r.code, rules(rep), r.err)
	}
	if r := runLH(t, g.Dir, "rules", "import", "--from", "gitleaks", ".gitleaks.toml"); r.code != 2 || !strings.Contains(r.err, "--force") {
		t.Errorf("second import: exit %d\n%s", r.code, r.err)
	}
}
