package hook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/internal/gittest"
)

func TestParsePrePush(t *testing.T) {
	t.Parallel()
	zero := strings.Repeat("0", 40)
	a, b := strings.Repeat("a", 40), strings.Repeat("b", 40)
	ups, err := ParsePrePush(strings.NewReader("refs/heads/main " + a + " refs/heads/main " + b + "\n\nrefs/heads/x " + zero + " refs/heads/x " + a + "\n"))
	if err != nil || len(ups) != 2 || ups[0].LocalSHA != a || ups[1].RemoteSHA != a {
		t.Fatalf("parse: %v %+v", err, ups)
	}
	for _, bad := range []string{"refs/heads/main " + a + " refs/heads/main\n", "a b c d\n", "refs/heads/main " + a + " refs/heads/main " + strings.ToUpper(b) + "\n"} {
		if _, err := ParsePrePush(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if _, err := ParsePrePush(strings.NewReader("garbage\n")); err == nil || !strings.Contains(err.Error(), "pre-push input line 1") {
		t.Errorf("garbage: %v", err)
	}
}

// FuzzPrePushInput feeds arbitrary standard input to the pre-push parser:
// every accepted update has well-formed object ids.
func FuzzPrePushInput(f *testing.F) {
	a, b := strings.Repeat("a", 40), strings.Repeat("0", 40)
	f.Add("refs/heads/main " + a + " refs/heads/main " + b + "\n")
	f.Add("refs/tags/v1 " + a + " refs/tags/v1 " + b + "\n(delete) " + b + " refs/heads/x " + a + "\n")
	f.Add("garbage\n")
	f.Add("\x00\xff \n\n")
	f.Fuzz(func(t *testing.T, input string) {
		ups, err := ParsePrePush(strings.NewReader(input))
		if err != nil {
			return
		}
		for _, u := range ups {
			if !IsObjectID(u.LocalSHA) || !IsObjectID(u.RemoteSHA) {
				t.Fatalf("accepted bad ids %q %q", u.LocalSHA, u.RemoteSHA)
			}
		}
	})
}

func TestFromPreCommitEnv(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if ups, remote := FromPreCommitEnv(env(nil)); ups != nil || remote != "" {
		t.Errorf("no framework: %v %q", ups, remote)
	}
	ups, remote := FromPreCommitEnv(env(map[string]string{"PRE_COMMIT_TO_REF": "HEAD", "PRE_COMMIT_REMOTE_NAME": "up", "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/x"}))
	if len(ups) != 1 || ups[0].LocalSHA != "HEAD" || ups[0].RemoteSHA != zeroSHA || ups[0].LocalRef != "refs/heads/x" || remote != "up" {
		t.Errorf("framework: %+v %q", ups, remote)
	}
}

// TestPushRange checks what a push adds: an update excludes the remote's
// old tip, a new branch what the remote-tracking refs have, a deletion
// nothing; revisions that are not ids are resolved.
func TestPushRange(t *testing.T) {
	t.Parallel()
	g := gittest.New(t)
	c1 := g.Write("a", "1\n").Commit("one")
	c2 := g.Write("a", "2\n").Commit("two")
	g.SetRef("refs/remotes/origin/main", c1)
	c3 := g.Write("a", "3\n").Commit("three")
	repo, err := gitwalk.Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	ids := func(ids []gitwalk.ID) (out []string) {
		for _, id := range ids {
			out = append(out, id.String())
		}
		return out
	}
	p, err := PushRange(repo, "origin", []Update{{"refs/heads/main", c3, "refs/heads/main", c2}})
	if err != nil || strings.Join(ids(p.Include), ",") != c3 || strings.Join(ids(p.Exclude), ",") != c2+","+c1 || !p.Tips[c3] {
		t.Errorf("update: %v %v %v %v", err, ids(p.Include), ids(p.Exclude), p.Tips)
	}
	// A remote never fetched: every remote-tracking ref counts.
	p, err = PushRange(repo, "elsewhere", []Update{{"refs/heads/x", "HEAD", "refs/heads/x", zeroSHA}})
	if err != nil || strings.Join(ids(p.Include), ",") != c3 || strings.Join(ids(p.Exclude), ",") != c1 {
		t.Errorf("new branch: %v %v %v", err, ids(p.Include), ids(p.Exclude))
	}
	p, err = PushRange(repo, "origin", []Update{{"(delete)", zeroSHA, "refs/heads/x", c2}})
	if err != nil || len(p.Include) != 0 {
		t.Errorf("deletion: %v %+v", err, p)
	}
	if _, err := PushRange(repo, "origin", []Update{{"x", "nope", "x", zeroSHA}}); err == nil {
		t.Error("an unknown revision was accepted")
	}
	// What the remote-tracking ref once held (its reflog, which the walk
	// reads: a commit force-pushed away) is not what the remote has.
	logs := filepath.Join(g.Dir, ".git", "logs", "refs", "remotes", "origin")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	log := zeroSHA + " " + c2 + " a <a@example.com> 1700000000 +0000\tfetch\n" +
		c2 + " " + c1 + " a <a@example.com> 1700000001 +0000\tfetch: forced-update\n"
	if err := os.WriteFile(filepath.Join(logs, "main"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	repo2, err := gitwalk.Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo2.Close()
	p, err = PushRange(repo2, "origin", []Update{{"refs/heads/x", "HEAD", "refs/heads/x", zeroSHA}})
	if err != nil || strings.Join(ids(p.Exclude), ",") != c1 {
		t.Errorf("new branch beside a reflog: %v %v", err, ids(p.Exclude))
	}
}

func TestInstallChainsAndUninstallRestores(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "hooks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mine := "#!/bin/sh\necho mine\n"
	os.WriteFile(filepath.Join(dir, PrePush), []byte(mine), 0o755)
	res, err := Install(dir, PrePush, "/opt/leak'hound", false)
	if err != nil || res.Kept != filepath.Join(dir, PrePush+PrevSuffix) {
		t.Fatalf("install: %v %+v", err, res)
	}
	script, _ := os.ReadFile(res.Path)
	if string(script) != Script(PrePush, "/opt/leak'hound") || !strings.Contains(string(script), `'/opt/leak'\''hound'`) {
		t.Errorf("script:\n%s", script)
	}
	if _, err := Install(dir, PrePush, "", false); err != nil {
		t.Errorf("reinstall: %v", err)
	}
	un, err := Uninstall(dir, PrePush)
	if err != nil || !un.Removed || !un.Restored {
		t.Errorf("uninstall: %v %+v", err, un)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, PrePush)); string(b) != mine {
		t.Errorf("not restored: %q", b)
	}
	if un, err := Uninstall(dir, PrePush); err != nil || !un.NotOurs {
		t.Errorf("uninstall of a foreign hook: %v %+v", err, un)
	}
	if un, err := Uninstall(dir, PreCommit); err != nil || un.Removed || un.NotOurs {
		t.Errorf("uninstall of nothing: %v %+v", err, un)
	}
	os.WriteFile(filepath.Join(dir, PreCommit), []byte("#!/bin/sh\n# husky\n"), 0o755)
	if _, err := Install(dir, PreCommit, "", false); err == nil || !strings.Contains(err.Error(), "husky") {
		t.Errorf("a husky hook was replaced: %v", err)
	}
	if _, err := Install(dir, PreCommit, "", true); err != nil {
		t.Errorf("--force: %v", err)
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a longer line", 6, "a long…"},
		{"héllo", 2, "h…"}, // é is two bytes: not cut in half
		{"日本語", 4, "日…"},
		{"日本語", 0, "…"},
	} {
		if got := Truncate(tc.in, tc.n); got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
