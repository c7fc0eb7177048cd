package gitwalk

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/testtool"
	"github.com/leakhound/leakhound/leak"
)

func runGit(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	git := testtool.Need(t, "git", "git")
	cmd := exec.Command(git, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.com")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestSharedClone is the alternates half of issue 13's "decide and
// document": a clone made with git clone --shared has no objects of its
// own, only objects/info/alternates naming the source's; its history is
// read as git reads it.
func TestSharedClone(t *testing.T) {
	src := gittest.New(t)
	src.Write("a.txt", "first\n").Commit("one")
	src.Write("b.txt", "second\n").Commit("two")
	src.Repack(false)
	dst := filepath.Join(t.TempDir(), "clone")
	runGit(t, "/", nil, "clone", "-q", "--shared", src.Dir, dst)
	runGit(t, dst, nil, "commit", "-q", "--allow-empty", "-m", "own commit")

	s := scanRepo(t, dst, Options{})
	if len(s.errs) > 0 {
		t.Fatalf("errors: %v", s.errs)
	}
	if len(s.plan.Commits) != 3 || s.introduced("first\n") == nil || s.introduced("second\n") == nil {
		t.Errorf("commits %d, content %v", len(s.plan.Commits), s.content)
	}
}

// TestAlternatesAsGitReadsThem: relative paths (from the objects directory
// that lists them), chains of alternates, loops and repeats, comments, and
// entries that are not directories.
func TestAlternatesAsGitReadsThem(t *testing.T) {
	root := t.TempDir()
	mk := func(name string) string {
		d := filepath.Join(root, name, "objects")
		must(t, os.MkdirAll(filepath.Join(d, "info"), 0o755))
		return d
	}
	a, b, c, deep := mk("a"), mk("b"), mk("c"), mk("deep")
	must(t, os.WriteFile(filepath.Join(root, "file"), nil, 0o644))
	alternates := func(dir string, lines ...string) {
		must(t, os.WriteFile(filepath.Join(dir, "info", "alternates"), []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	}
	alternates(a, "# a comment", "../../b/objects", "", c, filepath.Join(root, "file"), filepath.Join(root, "missing"), `"../../c/objects"`)
	alternates(b, a, "../../deep/objects") // a loop back to a
	alternates(c, b)
	dirs, err := objectDirs(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{a, b, deep, c}; !slices.Equal(dirs, want) {
		t.Errorf("dirs %q, want %q", dirs, want)
	}

	// Chains deeper than git's five levels are cut there.
	var chain []string
	for i := range 9 {
		chain = append(chain, mk("chain"+string(rune('0'+i))))
	}
	for i := range 8 {
		alternates(chain[i], chain[i+1])
	}
	dirs, err = objectDirs(chain[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 1+maxAlternateDepth {
		t.Errorf("a chain of 9 gave %d directories, want %d", len(dirs), 1+maxAlternateDepth)
	}

	// An explicit directory must exist.
	if _, err := objectDirs(a, []string{filepath.Join(root, "missing")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing explicit alternate: %v", err)
	}
	// A symbolic link to /dev/zero as the alternates file is not read.
	if os.Symlink("/dev/zero", filepath.Join(deep, "info", "alternates")) == nil {
		if _, err := objectDirs(deep, nil); err != nil {
			t.Errorf("/dev/zero alternates: %v", err)
		}
	}
}

func TestOpenOptionsFromEnv(t *testing.T) {
	env := map[string]string{
		"GIT_OBJECT_DIRECTORY":             "/repo/objects/incoming-x",
		"GIT_ALTERNATE_OBJECT_DIRECTORIES": `/repo/objects:"/with:colon\t/objects"::/other`,
	}
	got := OpenOptionsFromEnv(func(k string) string { return env[k] })
	if got.ObjectDir != "/repo/objects/incoming-x" || !slices.Equal(got.AlternateObjectDirs, []string{"/repo/objects", "/with:colon\t/objects", "/other"}) {
		t.Errorf("%+v", got)
	}
	if got := OpenOptionsFromEnv(func(string) string { return "" }); got.ObjectDir != "" || len(got.AlternateObjectDirs) != 0 {
		t.Errorf("empty environment: %+v", got)
	}
}

// TestQuarantine opens a repository as a pre-receive hook sees it: a real
// git push whose hook copies its quarantine directory and environment
// aside. The pushed commit is only in the quarantine; with the hook's
// OpenOptions it is read, with the repository's alternates for the rest.
func TestQuarantine(t *testing.T) {
	testtool.Need(t, "git", "git")
	tmp := t.TempDir()
	bare := filepath.Join(tmp, "server.git")
	runGit(t, tmp, nil, "init", "-q", "--bare", "-b", "main", bare)
	keep := filepath.Join(tmp, "kept")
	hook := `#!/bin/sh
read old new ref
mkdir -p "` + keep + `"
cp -r "$GIT_OBJECT_DIRECTORY" "` + keep + `/quarantine"
printf '%s\n' "$GIT_OBJECT_DIRECTORY" > "` + keep + `/objdir"
printf '%s\n' "$GIT_ALTERNATE_OBJECT_DIRECTORIES" > "` + keep + `/alternates"
printf '%s %s\n' "$old" "$new" > "` + keep + `/range"
exit 1
`
	must(t, os.WriteFile(filepath.Join(bare, "hooks", "pre-receive"), []byte(hook), 0o755))

	work := gittest.New(t)
	work.Write("app.py", "x = 1\n").Commit("base")
	// The base is accepted (no hook yet), then the hook rejects the next push.
	must(t, os.Rename(filepath.Join(bare, "hooks", "pre-receive"), filepath.Join(bare, "hooks", "off")))
	runGit(t, work.Dir, nil, "push", "-q", bare, "main")
	must(t, os.Rename(filepath.Join(bare, "hooks", "off"), filepath.Join(bare, "hooks", "pre-receive")))
	work.Write("app.py", "x = 1\ntoken = 'pushed secret'\n").Commit("pushed")
	git := testtool.Need(t, "git", "git")
	if out, err := exec.Command(git, "-C", work.Dir, "push", "-q", bare, "main").CombinedOutput(); err == nil {
		t.Fatalf("the hook accepted the push: %s", out)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(keep, name))
		must(t, err)
		return strings.TrimSpace(string(b))
	}
	oldNew := strings.Fields(read("range"))
	alts := strings.Split(read("alternates"), ":")
	if len(alts) == 0 || !strings.HasSuffix(filepath.ToSlash(alts[0]), "objects") {
		t.Fatalf("hook saw alternates %q", alts)
	}
	env := map[string]string{
		"GIT_OBJECT_DIRECTORY":             filepath.Join(keep, "quarantine"),
		"GIT_QUARANTINE_PATH":              filepath.Join(keep, "quarantine"),
		"GIT_ALTERNATE_OBJECT_DIRECTORIES": read("alternates"),
	}
	if !OpenOptionsFromEnv(func(k string) string { return env[k] }).Quarantine {
		t.Error("GIT_QUARANTINE_PATH names the object directory, yet OpenOptionsFromEnv did not set Quarantine")
	}

	// Without the hook's environment the pushed commit is not there.
	plain, err := Open(bare)
	must(t, err)
	defer plain.Close()
	if _, err := plain.ResolveCommit(oldNew[1]); !errors.Is(err, ErrObjectNotFound) {
		t.Fatalf("pushed commit without the quarantine: %v", err)
	}

	r, err := OpenWith(bare, OpenOptionsFromEnv(func(k string) string { return env[k] }))
	must(t, err)
	defer r.Close()
	p, err := r.Plan(context.Background(), Options{IncludeIDs: []ID{mustID(t, oldNew[1])}, ExcludeIDs: []ID{mustID(t, oldNew[0])}}, nil,
		func(item string, err error) error { return errors.New(item + ": " + err.Error()) })
	must(t, err)
	var got []string
	must(t, r.Scan(context.Background(), p, ScanOptions{}, nil, func(f *leak.Fragment) error {
		got = append(got, string(f.Content))
		return nil
	}, func(item string, err error) error { return errors.New(item + ": " + err.Error()) }))
	if len(p.Commits) != 1 || !slices.Equal(got, []string{"x = 1\ntoken = 'pushed secret'\n"}) {
		t.Errorf("commits %d, scanned %q", len(p.Commits), got)
	}
	// What the push adds to the repository's refs: the same commit.
	p, err = r.Plan(context.Background(), Options{IncludeIDs: []ID{mustID(t, oldNew[1])}, ExcludeRefs: true}, nil,
		func(item string, err error) error { return errors.New(item + ": " + err.Error()) })
	must(t, err)
	if len(p.Commits) != 1 || p.Commits[0].Hash != oldNew[1] {
		t.Errorf("ExcludeRefs: %d commits", len(p.Commits))
	}
	// An object directory must exist.
	if _, err := OpenWith(bare, OpenOptions{ObjectDir: filepath.Join(tmp, "nope")}); err == nil {
		t.Error("a missing object directory was accepted")
	}
}
