package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/hook/prereceive"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/testtool"
)

// serverSetup is a work repository pushing, over git's local transport, to
// a bare repository with leakhound's pre-receive hook installed: every
// push runs the hook with git's quarantine, as a server does.
type serverSetup struct {
	g      *gittest.Repo
	env    []string
	remote string
}

func newServerSetup(t *testing.T, extraEnv ...string) *serverSetup {
	t.Helper()
	testtool.Need(t, "git", "git")
	env := append(gitEnv(t), extraEnv...)
	remote := filepath.Join(t.TempDir(), "remote.git")
	mustGit(t, env, "", "init", "-q", "--bare", "--initial-branch=main", remote)
	g := gittest.New(t)
	g.Write("app.py", "print('hello')\n").Commit("initial")
	mustGit(t, env, g.Dir, "remote", "add", "origin", "file://"+remote)
	mustGit(t, env, g.Dir, "push", "-q", "origin", "main")
	cmd := exec.Command(leakhoundBinary(t), "hook", "install", "--pre-receive")
	cmd.Dir = remote
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hook install --pre-receive: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(remote, "hooks", "pre-receive")); err != nil {
		t.Fatalf("no pre-receive hook installed: %v", err)
	}
	return &serverSetup{g: g, env: env, remote: remote}
}

// push runs git push with args and returns its output and whether it
// succeeded.
func (s *serverSetup) push(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	out, err := runGit(t, s.env, s.g.Dir, append([]string{"push"}, args...)...)
	return out, err == nil
}

// accepted pushes with args and fails the test unless the push went
// through. It returns git's output.
func (s *serverSetup) accepted(t *testing.T, what string, args ...string) string {
	t.Helper()
	out, ok := s.push(t, args...)
	if !ok {
		t.Fatalf("%s: push rejected:\n%s", what, out)
	}
	return out
}

// rejected pushes with args and fails the test unless the push failed,
// the hook saying it rejected it, and git's output holds each of wants.
// It returns the output.
func (s *serverSetup) rejected(t *testing.T, what string, args []string, wants ...string) string {
	t.Helper()
	out, ok := s.push(t, args...)
	if ok {
		t.Fatalf("%s: push accepted:\n%s", what, out)
	}
	wantAll(t, what, out, append([]string{"remote: leakhound: push rejected"}, wants...)...)
	return out
}

// remoteRef returns what ref points to in the bare repository, "" if
// nothing.
func (s *serverSetup) remoteRef(t *testing.T, ref string) string {
	t.Helper()
	out, err := runGit(t, s.env, s.remote, "rev-parse", "-q", "--verify", ref)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

func wantAll(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s: output lacks %q:\n%s", what, w, out)
		}
	}
}

func TestPreReceiveHookWithRealGit(t *testing.T) {
	s := newServerSetup(t)
	g := s.g

	// A clean push passes.
	g.Write("app.py", "print('hello, world')\n").Commit("clean")
	s.accepted(t, "clean push", "origin", "main")

	// A secret in the middle commit of three, removed by the last: the
	// push is rejected, with the commit, file, line, rule and the masked
	// secret, as git shows a hook's output; --no-verify changes nothing.
	before := s.remoteRef(t, "refs/heads/main")
	g.Write("a.txt", "one\n").Commit("first")
	middle := g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("add deploy script")
	g.Remove("deploy.sh").Commit("remove it again")
	for _, args := range [][]string{{"origin", "main"}, {"--no-verify", "origin", "main"}} {
		out := s.rejected(t, "a secret in a middle commit", args, "remote: leakhound: push rejected: 1 secret in the pushed commits",
			"remote:   commit "+middle[:10], "deploy.sh:1", "github-pat", ghToken[:4]+"…",
			"git rebase -i "+middle[:10]+"~1", "Rotate the credential", "does not skip this check")
		if strings.Contains(out, ghToken) {
			t.Fatal("the rejection shows the whole secret")
		}
	}
	if got := s.remoteRef(t, "refs/heads/main"); got != before {
		t.Fatalf("rejected push moved main from %s to %s", before, got)
	}

	// A clean rewrite, force-pushed, passes; a force-push whose new tip
	// holds a secret does not, and names the ref to amend.
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main")
	g.Write("a.txt", "two\n").Commit("clean rewrite")
	s.accepted(t, "clean force-push", "--force", "origin", "main")
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "HEAD~1")
	bad := g.Write("settings.py", "STRIPE = '"+stripeKey+"'\n").Commit("stripe")
	s.rejected(t, "force-push with a secret", []string{"--force", "origin", "main"},
		bad[:10]+" is the tip of refs/heads/main", "git commit --amend", "settings.py:1")
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main")

	// A new branch: only its own commits count. With a secret it is
	// rejected; without, it passes though it shares main's history.
	g.Branch("feature")
	g.Write("hooks.py", "URL = '"+slackHook+"'\n").Commit("slack")
	s.rejected(t, "new branch with a secret", []string{"origin", "feature"}, "slack-webhook")
	g.Checkout("main")
	g.Branch("topic")
	g.Write("notes.txt", "nothing here\n").Commit("notes")
	s.accepted(t, "clean new branch", "origin", "topic")

	// An annotated tag on a commit no branch of the server has.
	g.Checkout("main")
	g.Branch("release")
	tagged := g.Write("release.env", "AWS_ACCESS_KEY_ID="+awsID+"\n").Commit("release config")
	g.Checkout("main")
	mustGit(t, s.env, g.Dir, "tag", "-a", "v1.0", "-m", "release", tagged)
	s.rejected(t, "tag with a secret", []string{"origin", "v1.0"}, "aws-access-key-id", tagged[:10])
	if s.remoteRef(t, "refs/tags/v1.0") != "" {
		t.Fatal("rejected tag is on the server")
	}
	// A lightweight tag on a commit the server has adds nothing.
	mustGit(t, s.env, g.Dir, "tag", "v0.9", "origin/main")
	s.accepted(t, "tag on a known commit", "origin", "v0.9")

	// Deleting a branch passes.
	s.accepted(t, "deletion", "origin", "--delete", "topic")
	if s.remoteRef(t, "refs/heads/topic") != "" {
		t.Fatal("the deleted branch is still on the server")
	}

	// Several refs in one push: the clean one alone would pass, and
	// nothing of the push gets in.
	g.Branch("two")
	g.Write("two.txt", "fine\n").Commit("two")
	s.rejected(t, "several refs", []string{"--atomic", "origin", "two", "feature"}, "slack-webhook")
	if s.remoteRef(t, "refs/heads/two") != "" {
		t.Fatal("a ref of a rejected push is on the server")
	}
	s.accepted(t, "several clean refs", "origin", "two", "v0.9")

	// A branch from an older commit of main, and a force-push back to one:
	// what the server has from main is not scanned again, what is new is.
	g.Checkout("main")
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main~1")
	g.Branch("from-older")
	g.Write("old.txt", "fine\n").Commit("on an older commit")
	s.accepted(t, "branch from an older commit", "origin", "from-older")
	g.Write("old.sh", "export STRIPE="+stripeKey+"\n").Commit("secret on an older commit")
	s.rejected(t, "secret on a branch from an older commit", []string{"origin", "from-older"}, "stripe", "old.sh:1")
}

// TestPreReceiveRulesComeFromTheServer: a push that brings a rules file
// allowlisting its own secret, or a baseline listing it, is still
// rejected; the rules on the server's default branch apply.
func TestPreReceiveRulesComeFromTheServer(t *testing.T) {
	s := newServerSetup(t)
	g := s.g
	g.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n\n[[allowlists]]\npaths = ['''deploy\\.sh''']\n")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("allowlist my own token")
	s.rejected(t, "a push allowlisting its own secret", []string{"origin", "main"}, "github-pat", "deploy.sh:1", "a push cannot allowlist its own findings")

	// The same rules, once on the server's main, do apply.
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main")
	g.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n\n[[allowlists]]\npaths = ['''deploy\\.sh''']\n").Commit("rules")
	s.accepted(t, "rules", "origin", "main")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("token in an allowlisted file")
	s.accepted(t, "a secret the server's rules allowlist", "origin", "main")

	// A rules file on main that no longer parses locks no one out: the
	// built-in rules apply, with a warning.
	g.Write(".secretsrules.toml", "[[rules]\nid = broken\n").Commit("break the rules file")
	s.accepted(t, "a broken rules file", "origin", "main")
	g.Write("clean.txt", "nothing\n").Commit("clean")
	wantAll(t, "clean push under a broken rules file", s.accepted(t, "clean push under a broken rules file", "origin", "main"), "warning:", ".secretsrules.toml")
	g.Write("other.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("token under the built-in rules")
	s.rejected(t, "secret under a broken rules file", []string{"origin", "main"}, "github-pat")
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main")
	g.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n\n[[allowlists]]\npaths = ['''deploy\\.sh''']\n").Commit("rules again")
	s.accepted(t, "rules again", "origin", "main")

	// A server-wide rules file replaces the repository's: the allowlist
	// on main no longer applies.
	rules := filepath.Join(t.TempDir(), "server-rules.toml")
	if err := os.WriteFile(rules, []byte("[extend]\nuseDefault = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.env = append(s.env, prereceive.EnvRules+"="+rules)
	g.Write("deploy.sh", "export STRIPE="+stripeKey+"\n").Commit("stripe in the allowlisted file")
	s.rejected(t, "the server-wide rules replace the repository's", []string{"origin", "main"}, "stripe")
}

// TestPreReceiveEscapeHatch: git push -o leakhound.allow="reason" is
// refused unless the server enables it; enabled, it lets the push through
// and records who, what and why in the log.
func TestPreReceiveEscapeHatch(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "leakhound.log")
	s := newServerSetup(t, "GL_USERNAME=alice", prereceive.EnvLog+"="+logFile)
	mustGit(t, s.env, s.remote, "config", "receive.advertisePushOptions", "true")
	g := s.g
	c := g.Write("fixture.py", "TOKEN = '"+ghToken+"'\n").Commit("a test fixture")

	// Disabled (the default): the option is refused, and the push too.
	s.rejected(t, "escape hatch while disabled", []string{"-o", "leakhound.allow=test fixture", "origin", "main"}, "leakhound.allow is not enabled on this server")

	// Enabled: no option, rejected (and the rejection says how to pass);
	// the option without a reason, rejected; with one, accepted.
	s.env = append(s.env, prereceive.EnvAllowPushOption+"=true")
	s.rejected(t, "enabled, no option", []string{"origin", "main"}, `git push -o leakhound.allow="reason"`)
	s.rejected(t, "option without a reason", []string{"-o", "leakhound.allow", "origin", "main"}, "needs a reason")
	out := s.accepted(t, "escape hatch", "-o", "leakhound.allow=test fixture, not a real token", "origin", "main")
	wantAll(t, "allowed", out, "push allowed by leakhound.allow", "alice", "github-pat")
	if s.remoteRef(t, "refs/heads/main") != c {
		t.Fatal("allowed push did not land")
	}

	// The secret is on the server now: a new branch built on it adds
	// nothing new, and passes without the option.
	g.Branch("next")
	g.Write("notes.txt", "clean\n").Commit("clean work on top")
	s.accepted(t, "a secret the server already has, not reported again", "origin", "next")

	fi, err := os.Stat(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v, want 0600", fi.Mode().Perm())
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), ghToken) {
		t.Fatal("the log holds the whole secret")
	}
	var recs []prereceive.Record
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		var r prereceive.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	// disabled, no option, no reason, allowed.
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4:\n%s", len(recs), data)
	}
	last := recs[3]
	if last.Decision != prereceive.Allowed || last.Reason != "test fixture, not a real token" ||
		last.Pusher.Name != "alice" || last.Pusher.From != "GL_USERNAME" ||
		len(last.Refs) != 1 || last.Refs[0].Ref != "refs/heads/main" || last.Refs[0].New != c ||
		len(last.Commits) != 1 || last.Commits[0] != c ||
		len(last.Findings) != 1 || last.Findings[0].RuleID != "github-pat" || last.Findings[0].Fingerprint == "" {
		t.Errorf("allowed record: %+v", last)
	}
	if recs[1].Decision != prereceive.Rejected || len(recs[1].Findings) != 1 {
		t.Errorf("rejected record: %+v", recs[1])
	}
}

// TestPreReceiveCorruptRepository: an object of the server's repository
// that cannot be read rejects the push, with a message that says so.
func TestPreReceiveCorruptRepository(t *testing.T) {
	s := newServerSetup(t)
	g := s.g
	g.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n").Commit("rules")
	s.accepted(t, "rules", "origin", "main")
	// Damage the rules file's blob in the server's store (a loose object
	// after a push this small).
	blob := strings.TrimSpace(mustGit(t, s.env, s.remote, "rev-parse", "main:.secretsrules.toml"))
	obj := filepath.Join(s.remote, "objects", blob[:2], blob[2:])
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatalf("the blob is not loose: %v", err)
	}
	if err := os.WriteFile(obj, []byte("not a zlib stream"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.Write("b.txt", "clean\n").Commit("clean change")
	s.rejected(t, "push into a damaged repository", []string{"origin", "main"},
		"remote: leakhound: push rejected:", "could not be read, so the push cannot be checked", ".secretsrules.toml")

	// A pushed tip that is not there at all (input from a broken host).
	res := runHookDirect(t, s.remote, strings.Repeat("0", 40)+" "+strings.Repeat("ab", 20)+" refs/heads/x\n")
	if res.code != 2 || !strings.Contains(res.err, "push rejected") {
		t.Errorf("missing pushed tip: exit %d\n%s", res.code, res.err)
	}
	// Malformed input.
	res = runHookDirect(t, s.remote, "not git's input\n")
	if res.code != 2 || !strings.Contains(res.err, "pre-receive input line 1") {
		t.Errorf("malformed input: exit %d\n%s", res.code, res.err)
	}
}

// runHookDirect runs leakhound hook pre-receive in the bare repository
// dir, with input, as a broken host might.
func runHookDirect(t *testing.T, dir, input string) result {
	t.Helper()
	return runBinary(t, dir, strings.NewReader(input), "hook", "pre-receive")
}

// TestPreReceiveTimeout: out of time, the push is rejected by default and
// accepted with a warning, and recorded, with --on-timeout warn.
func TestPreReceiveTimeout(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "leakhound.log")
	s := newServerSetup(t, prereceive.EnvTimeout+"=1ms", prereceive.EnvLog+"="+logFile)
	g := s.g
	for i := range 5 {
		g.Write("f.txt", strings.Repeat("line\n", i+1)).Commit("change")
	}
	s.rejected(t, "past the time limit", []string{"origin", "main"}, "could not be checked for secrets within 1ms")
	s.env = append(s.env, prereceive.EnvOnTimeout+"=warn")
	out := s.accepted(t, "past the time limit with --on-timeout warn", "origin", "main")
	wantAll(t, "timeout warn", out, "warning: the push was not checked for secrets whole")
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"decision":"accepted-with-warning"`) || !strings.Contains(string(data), `"timed_out":true`) {
		t.Errorf("log:\n%s", data)
	}
}

// TestPreReceiveUninstall: the hook comes out as it went in, restoring a
// hook it chained to.
func TestPreReceiveUninstall(t *testing.T) {
	s := newServerSetup(t)
	hooks := filepath.Join(s.remote, "hooks")
	// Reinstall over a hook of the server's own: it is kept and chained.
	if err := os.WriteFile(filepath.Join(hooks, "pre-receive"), []byte("#!/bin/sh\ncat >/dev/null\necho server policy >&2\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, s.remote, nil, "hook", "install", "--pre-receive"); r.code != 0 {
		t.Fatalf("install: %d %s", r.code, r.err)
	}
	s.g.Write("x.txt", "x\n").Commit("x")
	wantAll(t, "chained hook", s.accepted(t, "chained hook", "origin", "main"), "server policy")
	if r := runBinary(t, s.remote, nil, "hook", "uninstall", "--pre-receive"); r.code != 0 || !strings.Contains(r.out, "restored") {
		t.Fatalf("uninstall: %d %s %s", r.code, r.out, r.err)
	}
	data, err := os.ReadFile(filepath.Join(hooks, "pre-receive"))
	if err != nil || !strings.Contains(string(data), "server policy") {
		t.Fatalf("the server's hook was not restored: %v %q", err, data)
	}
}

// TestPreReceiveCorruptTree: a tree of the server's history that the push
// builds on is damaged; the hook cannot tell what the push adds, and says
// so (git, whose own check reads the same tree, rejects the push too).
func TestPreReceiveCorruptTree(t *testing.T) {
	s := newServerSetup(t)
	g := s.g
	g.Write("d/a.txt", "a\n").Commit("a directory")
	s.accepted(t, "a directory", "origin", "main")
	tree := strings.TrimSpace(mustGit(t, s.env, s.remote, "rev-parse", "main:d"))
	obj := filepath.Join(s.remote, "objects", tree[:2], tree[2:])
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatalf("the tree is not loose: %v", err)
	}
	if err := os.WriteFile(obj, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.Write("d/b.txt", "b\n").Commit("another file in it")
	s.rejected(t, "push onto a damaged tree", []string{"--no-thin", "origin", "main"},
		"remote: leakhound: push rejected: 1 object(s) or ref(s) of the repository could not be read", "tree "+tree, "corrupt object")
}

// TestPreReceiveBrokenRef: a ref of the server's repository that cannot
// be read leaves what the repository has unknown: the push is rejected,
// naming the ref.
func TestPreReceiveBrokenRef(t *testing.T) {
	s := newServerSetup(t)
	if err := os.WriteFile(filepath.Join(s.remote, "refs", "heads", "broken"), []byte("not an object id\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.g.Write("c.txt", "clean\n").Commit("clean change")
	s.rejected(t, "push into a repository with a broken ref", []string{"origin", "main"},
		"could not be read, so the push cannot be checked", "refs/heads/broken", "malformed ref")
}
