package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/hook"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/testtool"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// leakhoundBinary builds the leakhound command once for tests that run it
// as git would: from a hook.
func leakhoundBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "leakhound-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "leakhound")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build leakhound: %v\n%s", buildErr, binPath)
	}
	return binPath
}

// gitEnv is an environment for running the real git in tests: no user or
// system configuration, a fixed identity, and leakhound first on PATH.
func gitEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	bin := filepath.Dir(leakhoundBinary(t))
	env := []string{
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.com",
		"GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.com",
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TMPDIR=") {
			env = append(env, kv)
		}
	}
	return env
}

// runGit runs git in dir and returns its combined output and error.
func runGit(t *testing.T, env []string, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustGit(t *testing.T, env []string, dir string, args ...string) string {
	t.Helper()
	out, err := runGit(t, env, dir, args...)
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return out
}

// pushSetup is a repository with a bare remote and leakhound's hooks.
type pushSetup struct {
	g      *gittest.Repo
	env    []string
	remote string
}

func newPushSetup(t *testing.T) *pushSetup {
	t.Helper()
	testtool.Need(t, "git", "git")
	env := gitEnv(t)
	remote := filepath.Join(t.TempDir(), "remote.git")
	mustGit(t, env, "", "init", "-q", "--bare", remote)
	g := gittest.New(t)
	g.Write("app.py", "print('hello')\n").Commit("initial")
	mustGit(t, env, g.Dir, "remote", "add", "origin", "file://"+remote)
	mustGit(t, env, g.Dir, "push", "-q", "origin", "main")
	cmd := exec.Command(leakhoundBinary(t), "hook", "install")
	cmd.Dir = g.Dir
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hook install: %v\n%s", err, out)
	}
	return &pushSetup{g: g, env: env, remote: remote}
}

func TestPrePushHookWithRealGit(t *testing.T) {
	s := newPushSetup(t)
	g := s.g

	// A clean commit passes.
	g.Write("app.py", "print('hello, world')\n").Commit("clean")
	if out, err := runGit(t, s.env, g.Dir, "push", "origin", "main"); err != nil {
		t.Fatalf("clean push blocked: %v\n%s", err, out)
	}

	// Three commits; the middle one adds a secret, the last removes it.
	g.Write("a.txt", "one\n").Commit("first")
	middle := g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("add deploy script")
	g.Remove("deploy.sh").Commit("remove it again")
	out, err := runGit(t, s.env, g.Dir, "push", "origin", "main")
	if err == nil {
		t.Fatalf("push with a secret in history passed:\n%s", out)
	}
	for _, want := range []string{"push blocked: 1 secret", middle[:10], "deploy.sh:1", "github-pat", "git rebase -i " + middle[:10] + "~1", "--no-verify"} {
		if !strings.Contains(out, want) {
			t.Errorf("hook output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, ghToken) {
		t.Error("hook output shows the whole secret")
	}

	// Rewrite history without the secret and force-push: the new commits
	// are clean, so it passes.
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main")
	g.Write("a.txt", "two\n").Commit("clean rewrite")
	if out, err := runGit(t, s.env, g.Dir, "push", "--force", "origin", "main"); err != nil {
		t.Fatalf("clean force-push blocked: %v\n%s", err, out)
	}

	// A force-push whose new commit holds a secret is blocked.
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "HEAD~1")
	bad := g.Write("settings.py", "STRIPE = '"+stripeKey+"'\n").Commit("stripe")
	out, err = runGit(t, s.env, g.Dir, "push", "--force", "origin", "main")
	if err == nil || !strings.Contains(out, bad[:10]) || !strings.Contains(out, "is the last commit") {
		t.Fatalf("force-push with a secret: err=%v\n%s", err, out)
	}
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main")

	// A new branch with a secret.
	g.Branch("feature")
	g.Write("hooks.py", "URL = '"+slackHook+"'\n").Commit("slack")
	out, err = runGit(t, s.env, g.Dir, "push", "origin", "feature")
	if err == nil || !strings.Contains(out, "slack-webhook") {
		t.Fatalf("new branch with a secret: err=%v\n%s", err, out)
	}
	// A new branch without one passes, though it shares history with main.
	g.Checkout("main")
	g.Branch("topic")
	g.Write("notes.txt", "nothing here\n").Commit("notes")
	if out, err := runGit(t, s.env, g.Dir, "push", "origin", "topic"); err != nil {
		t.Fatalf("clean new branch blocked: %v\n%s", err, out)
	}

	// A tag on a commit with a secret.
	g.Checkout("main")
	g.Branch("release")
	tagged := g.Write("release.env", "AWS_ACCESS_KEY_ID="+awsID+"\n").Commit("release config")
	g.Checkout("main")
	mustGit(t, s.env, g.Dir, "tag", "-a", "v1.0", "-m", "release", tagged)
	out, err = runGit(t, s.env, g.Dir, "push", "origin", "v1.0")
	if err == nil || !strings.Contains(out, "aws-access-key-id") {
		t.Fatalf("tag with a secret: err=%v\n%s", err, out)
	}

	// Deleting a branch scans nothing and passes.
	if out, err := runGit(t, s.env, g.Dir, "push", "origin", "--delete", "topic"); err != nil {
		t.Fatalf("deletion blocked: %v\n%s", err, out)
	}

	// Several refs in one push: the clean one alone would pass.
	g.Checkout("main")
	g.Branch("two")
	g.Write("two.txt", "fine\n").Commit("two")
	out, err = runGit(t, s.env, g.Dir, "push", "origin", "two", "feature")
	if err == nil || !strings.Contains(out, "slack-webhook") {
		t.Fatalf("multi-ref push: err=%v\n%s", err, out)
	}
}

func TestPreCommitHookWithRealGit(t *testing.T) {
	s := newPushSetup(t)
	g := s.g
	// A staged secret blocks the commit.
	os.WriteFile(filepath.Join(g.Dir, "settings.py"), []byte("SECRET_KEY = '"+djangoKey+"'\n"), 0o644)
	mustGit(t, s.env, g.Dir, "add", "settings.py")
	out, err := runGit(t, s.env, g.Dir, "commit", "-m", "settings")
	if err == nil || !strings.Contains(out, "commit blocked") || !strings.Contains(out, "settings.py:1") {
		t.Fatalf("staged secret: err=%v\n%s", err, out)
	}
	// An unstaged secret does not: only the staged content counts.
	os.WriteFile(filepath.Join(g.Dir, "settings.py"), []byte("SECRET_KEY = os.environ['SECRET_KEY']\n"), 0o644)
	mustGit(t, s.env, g.Dir, "add", "settings.py")
	os.WriteFile(filepath.Join(g.Dir, "settings.py"), []byte("SECRET_KEY = os.environ['SECRET_KEY']\nSECRET_KEY = '"+djangoKey+"'\n"), 0o644)
	if out, err := runGit(t, s.env, g.Dir, "commit", "-m", "settings"); err != nil {
		t.Fatalf("unstaged secret blocked the commit: %v\n%s", err, out)
	}
}

func TestHookInstallChainsAndUninstallRestores(t *testing.T) {
	g := gittest.New(t)
	g.Write("a", "x\n").Commit("one")
	hooks := filepath.Join(g.Dir, ".git", "hooks")
	os.MkdirAll(hooks, 0o755)
	mine := "#!/bin/sh\necho my hook ran\n"
	os.WriteFile(filepath.Join(hooks, "pre-push"), []byte(mine), 0o755)

	if r := runLH(t, g.Dir, "hook", "install", "--pre-push"); r.code != 0 {
		t.Fatalf("install: %d %s", r.code, r.err)
	}
	got, _ := os.ReadFile(filepath.Join(hooks, "pre-push"))
	prev, _ := os.ReadFile(filepath.Join(hooks, "pre-push"+hook.PrevSuffix))
	if !strings.Contains(string(got), "# leakhound-hook v1") || string(prev) != mine {
		t.Fatalf("not chained:\n%s\n--\n%s", got, prev)
	}
	if _, err := os.Stat(filepath.Join(hooks, "pre-commit")); err == nil {
		t.Error("--pre-push installed pre-commit too")
	}
	// Installing again is harmless.
	if r := runLH(t, g.Dir, "hook", "install", "--pre-push"); r.code != 0 {
		t.Fatalf("reinstall: %d %s", r.code, r.err)
	}
	if r := runLH(t, g.Dir, "hook", "uninstall"); r.code != 0 {
		t.Fatalf("uninstall: %d %s", r.code, r.err)
	}
	got, _ = os.ReadFile(filepath.Join(hooks, "pre-push"))
	if string(got) != mine {
		t.Errorf("uninstall did not restore the previous hook: %q", got)
	}
	if _, err := os.Stat(filepath.Join(hooks, "pre-push"+hook.PrevSuffix)); err == nil {
		t.Error("the kept copy is still there")
	}

	// A framework's hook is left alone without --force.
	os.WriteFile(filepath.Join(hooks, "pre-commit"), []byte("#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n"), 0o755)
	r := runLH(t, g.Dir, "hook", "install", "--pre-commit")
	if r.code != 2 || !strings.Contains(r.err, "pre-commit framework") || !strings.Contains(r.err, "--force") {
		t.Errorf("framework hook: %d %s", r.code, r.err)
	}
	if r := runLH(t, g.Dir, "hook", "install", "--pre-commit", "--force"); r.code != 0 {
		t.Errorf("--force: %d %s", r.code, r.err)
	}
}

func TestHookInstallHonoursHooksPath(t *testing.T) {
	g := gittest.New(t)
	g.Write("a", "x\n").Commit("one")
	cfg := filepath.Join(g.Dir, ".git", "config")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(b, []byte("[core]\n\thooksPath = tools/hooks\n")...), 0o644)
	if r := runLH(t, g.Dir, "hook", "install"); r.code != 0 {
		t.Fatalf("install: %d %s", r.code, r.err)
	}
	for _, h := range []string{"pre-push", "pre-commit"} {
		if _, err := os.Stat(filepath.Join(g.Dir, "tools", "hooks", h)); err != nil {
			t.Errorf("%s not in core.hooksPath: %v", h, err)
		}
	}
}

// TestPrePushBadInput checks that the hook names a malformed line of
// git's input (hook.ParsePrePush is tested in its package).
func TestPrePushBadInput(t *testing.T) {
	var out, errb bytes.Buffer
	code := runContext(t.Context(), []string{"hook", "pre-push", "origin", "url"}, stdio{in: strings.NewReader("garbage\n"), out: &out, err: &errb})
	if code != 2 || !strings.Contains(errb.String(), "pre-push input line 1") {
		t.Errorf("bad input: exit %d %q", code, errb.String())
	}
}
