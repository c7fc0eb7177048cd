package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/testtool"
)

// TestPreCommitFramework installs leakhound's hooks through the pre-commit
// framework, from this repository's .pre-commit-hooks.yaml at its HEAD
// commit, and checks that they block a commit and a push.
func TestPreCommitFramework(t *testing.T) {
	testtool.Need(t, "git", "git")
	testtool.Need(t, "pre-commit", "pre-commit")
	src, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	env := gitEnv(t)
	// The framework installs hooks from a git repository at a revision:
	// commit this source tree, as it is, into a scratch one.
	root := t.TempDir()
	copyTree(t, src, root)
	mustGit(t, env, root, "init", "-q")
	mustGit(t, env, root, "add", "-A")
	mustGit(t, env, root, "commit", "-q", "--no-verify", "-m", "leakhound under test")
	rev := strings.TrimSpace(mustGit(t, env, root, "rev-parse", "HEAD"))
	gomodcache, _ := exec.Command("go", "env", "GOMODCACHE").Output()
	gocache, _ := exec.Command("go", "env", "GOCACHE").Output()
	env = append(env,
		"PRE_COMMIT_HOME="+t.TempDir(),
		"GOMODCACHE="+strings.TrimSpace(string(gomodcache)),
		"GOCACHE="+strings.TrimSpace(string(gocache)),
		"GOFLAGS=-buildvcs=false",
	)
	for _, k := range []string{"GOPROXY", "GONOSUMDB", "GOSUMDB", "GOTOOLCHAIN"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}

	remote := filepath.Join(t.TempDir(), "remote.git")
	mustGit(t, env, "", "init", "-q", "--bare", remote)
	dir := t.TempDir()
	mustGit(t, env, dir, "init", "-q", "-b", "main")
	config := "repos:\n- repo: " + root + "\n  rev: " + rev + "\n  hooks:\n  - id: leakhound\n  - id: leakhound-pre-push\n"
	os.WriteFile(filepath.Join(dir, ".pre-commit-config.yaml"), []byte(config), 0o644)
	os.WriteFile(filepath.Join(dir, "app.py"), []byte("print('hi')\n"), 0o644)
	mustGit(t, env, dir, "add", ".")
	mustGit(t, env, dir, "commit", "-q", "-m", "initial")
	mustGit(t, env, dir, "remote", "add", "origin", "file://"+remote)
	mustGit(t, env, dir, "push", "-q", "origin", "main")

	install := exec.Command("pre-commit", "install", "--hook-type", "pre-commit", "--hook-type", "pre-push")
	install.Dir, install.Env = dir, env
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("pre-commit install: %v\n%s", err, out)
	}

	// A staged secret: the framework builds leakhound and blocks the commit.
	os.WriteFile(filepath.Join(dir, "settings.py"), []byte("SECRET_KEY = '"+djangoKey+"'\n"), 0o644)
	mustGit(t, env, dir, "add", "settings.py")
	out, err := runGit(t, env, dir, "commit", "-m", "settings")
	if err == nil || !strings.Contains(out, "commit blocked") || !strings.Contains(out, "django-secret-key") {
		t.Fatalf("pre-commit stage did not block: err=%v\n%s", err, out)
	}
	// Committed anyway: the pre-push stage blocks the push.
	mustGit(t, env, dir, "commit", "-q", "--no-verify", "-m", "settings")
	out, err = runGit(t, env, dir, "push", "origin", "main")
	if err == nil || !strings.Contains(out, "push blocked") {
		t.Fatalf("pre-push stage did not block: err=%v\n%s", err, out)
	}
	// A clean change passes both.
	mustGit(t, env, dir, "reset", "-q", "--hard", "origin/main")
	os.WriteFile(filepath.Join(dir, "app.py"), []byte("print('hello')\n"), 0o644)
	mustGit(t, env, dir, "commit", "-q", "-am", "clean")
	if out, err := runGit(t, env, dir, "push", "origin", "main"); err != nil {
		t.Fatalf("clean push blocked: %v\n%s", err, out)
	}
}

// copyTree copies the regular files under src (leaving out .git) to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.Name() == ".git" {
			// A directory, or in a linked worktree a file naming one: copying
			// the file would make the scratch repository commit into ours.
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
