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
	if out, ok := s.push(t, "origin", "main"); !ok {
		t.Fatalf("clean push rejected:\n%s", out)
	}

	// A secret in the middle commit of three, removed by the last: the
	// push is rejected, with the commit, file, line, rule and the masked
	// secret, as git shows a hook's output; --no-verify changes nothing.
	before := s.remoteRef(t, "refs/heads/main")
	g.Write("a.txt", "one\n").Commit("first")
	middle := g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("add deploy script")
	g.Remove("deploy.sh").Commit("remove it again")
	for _, args := range [][]string{{"origin", "main"}, {"--no-verify", "origin", "main"}} {
		out, ok := s.push(t, args...)
		if ok {
			t.Fatalf("push %v with a secret in a middle commit accepted:\n%s", args, out)
		}
		wantAll(t, "middle commit", out, "remote: leakhound: push rejected: 1 secret in the pushed commits",
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
	if out, ok := s.push(t, "--force", "origin", "main"); !ok {
		t.Fatalf("clean force-push rejected:\n%s", out)
	}
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "HEAD~1")
	bad := g.Write("settings.py", "STRIPE = '"+stripeKey+"'\n").Commit("stripe")
	out, ok := s.push(t, "--force", "origin", "main")
	if ok {
		t.Fatalf("force-push with a secret accepted:\n%s", out)
	}
	wantAll(t, "force-push", out, bad[:10]+" is the tip of refs/heads/main", "git commit --amend", "settings.py:1")
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main")

	// A new branch: only its own commits count. With a secret it is
	// rejected; without, it passes though it shares main's history.
	g.Branch("feature")
	g.Write("hooks.py", "URL = '"+slackHook+"'\n").Commit("slack")
	if out, ok := s.push(t, "origin", "feature"); ok || !strings.Contains(out, "slack-webhook") {
		t.Fatalf("new branch with a secret: accepted=%v\n%s", ok, out)
	}
	g.Checkout("main")
	g.Branch("topic")
	g.Write("notes.txt", "nothing here\n").Commit("notes")
	if out, ok := s.push(t, "origin", "topic"); !ok {
		t.Fatalf("clean new branch rejected:\n%s", out)
	}

	// An annotated tag on a commit no branch of the server has.
	g.Checkout("main")
	g.Branch("release")
	tagged := g.Write("release.env", "AWS_ACCESS_KEY_ID="+awsID+"\n").Commit("release config")
	g.Checkout("main")
	mustGit(t, s.env, g.Dir, "tag", "-a", "v1.0", "-m", "release", tagged)
	if out, ok := s.push(t, "origin", "v1.0"); ok || !strings.Contains(out, "aws-access-key-id") || !strings.Contains(out, tagged[:10]) {
		t.Fatalf("tag with a secret: accepted=%v\n%s", ok, out)
	}
	if s.remoteRef(t, "refs/tags/v1.0") != "" {
		t.Fatal("rejected tag is on the server")
	}
	// A lightweight tag on a commit the server has adds nothing.
	mustGit(t, s.env, g.Dir, "tag", "v0.9", "origin/main")
	if out, ok := s.push(t, "origin", "v0.9"); !ok {
		t.Fatalf("tag on a known commit rejected:\n%s", out)
	}

	// Deleting a branch passes.
	if out, ok := s.push(t, "origin", "--delete", "topic"); !ok || s.remoteRef(t, "refs/heads/topic") != "" {
		t.Fatalf("deletion: accepted=%v\n%s", ok, out)
	}

	// Several refs in one push: the clean one alone would pass, and
	// nothing of the push gets in.
	g.Branch("two")
	g.Write("two.txt", "fine\n").Commit("two")
	if out, ok := s.push(t, "--atomic", "origin", "two", "feature"); ok || !strings.Contains(out, "slack-webhook") {
		t.Fatalf("several refs: accepted=%v\n%s", ok, out)
	}
	if out, ok := s.push(t, "origin", "two", "v0.9"); !ok {
		t.Fatalf("several clean refs rejected:\n%s", out)
	}
}

// TestPreReceiveRulesComeFromTheServer: a push that brings a rules file
// allowlisting its own secret, or a baseline listing it, is still
// rejected; the rules on the server's default branch apply.
func TestPreReceiveRulesComeFromTheServer(t *testing.T) {
	s := newServerSetup(t)
	g := s.g
	g.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n\n[[allowlists]]\npaths = ['''deploy\\.sh''']\n")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("allowlist my own token")
	out, ok := s.push(t, "origin", "main")
	if ok {
		t.Fatalf("a push allowlisting its own secret was accepted:\n%s", out)
	}
	wantAll(t, "self-allowlist", out, "github-pat", "deploy.sh:1", "a push cannot allowlist its own findings")

	// The same rules, once on the server's main, do apply.
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main")
	g.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n\n[[allowlists]]\npaths = ['''deploy\\.sh''']\n").Commit("rules")
	if out, ok := s.push(t, "origin", "main"); !ok {
		t.Fatalf("rules push rejected:\n%s", out)
	}
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("token in an allowlisted file")
	if out, ok := s.push(t, "origin", "main"); !ok {
		t.Fatalf("a secret the server's rules allowlist was rejected:\n%s", out)
	}

	// A rules file on main that no longer parses locks no one out: the
	// built-in rules apply, with a warning.
	g.Write(".secretsrules.toml", "[[rules]\nid = broken\n").Commit("break the rules file")
	if out, ok := s.push(t, "origin", "main"); !ok {
		t.Fatalf("push rejected:\n%s", out)
	}
	g.Write("clean.txt", "nothing\n").Commit("clean")
	out, ok = s.push(t, "origin", "main")
	if !ok || !strings.Contains(out, "warning:") || !strings.Contains(out, ".secretsrules.toml") {
		t.Fatalf("clean push under a broken rules file: accepted=%v\n%s", ok, out)
	}
	g.Write("other.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("token under the built-in rules")
	if out, ok := s.push(t, "origin", "main"); ok || !strings.Contains(out, "github-pat") {
		t.Fatalf("secret under a broken rules file: accepted=%v\n%s", ok, out)
	}
	mustGit(t, s.env, g.Dir, "reset", "-q", "--hard", "origin/main")
	g.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n\n[[allowlists]]\npaths = ['''deploy\\.sh''']\n").Commit("rules again")
	if out, ok := s.push(t, "origin", "main"); !ok {
		t.Fatalf("push rejected:\n%s", out)
	}

	// A server-wide rules file replaces the repository's: the allowlist
	// on main no longer applies.
	rules := filepath.Join(t.TempDir(), "server-rules.toml")
	if err := os.WriteFile(rules, []byte("[extend]\nuseDefault = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.env = append(s.env, prereceive.EnvRules+"="+rules)
	g.Write("deploy.sh", "export STRIPE="+stripeKey+"\n").Commit("stripe in the allowlisted file")
	out, ok = s.push(t, "origin", "main")
	if ok || !strings.Contains(out, "stripe") {
		t.Fatalf("the server-wide rules did not replace the repository's: accepted=%v\n%s", ok, out)
	}
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
	out, ok := s.push(t, "-o", "leakhound.allow=test fixture", "origin", "main")
	if ok {
		t.Fatalf("escape hatch worked while disabled:\n%s", out)
	}
	wantAll(t, "disabled", out, "leakhound.allow is not enabled on this server")

	// Enabled: no option, rejected (and the rejection says how to pass);
	// the option without a reason, rejected; with one, accepted.
	s.env = append(s.env, prereceive.EnvAllowPushOption+"=true")
	out, ok = s.push(t, "origin", "main")
	if ok {
		t.Fatalf("push with a secret accepted:\n%s", out)
	}
	wantAll(t, "enabled, no option", out, `git push -o leakhound.allow="reason"`)
	if out, ok := s.push(t, "-o", "leakhound.allow", "origin", "main"); ok || !strings.Contains(out, "needs a reason") {
		t.Fatalf("option without a reason: accepted=%v\n%s", ok, out)
	}
	out, ok = s.push(t, "-o", "leakhound.allow=test fixture, not a real token", "origin", "main")
	if !ok {
		t.Fatalf("escape hatch refused:\n%s", out)
	}
	wantAll(t, "allowed", out, "push allowed by leakhound.allow", "alice", "github-pat")
	if s.remoteRef(t, "refs/heads/main") != c {
		t.Fatal("allowed push did not land")
	}

	// The secret is on the server now: a new branch built on it adds
	// nothing new, and passes without the option.
	g.Branch("next")
	g.Write("notes.txt", "clean\n").Commit("clean work on top")
	if out, ok := s.push(t, "origin", "next"); !ok {
		t.Fatalf("a secret the server already has was reported again:\n%s", out)
	}

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
	if out, ok := s.push(t, "origin", "main"); !ok {
		t.Fatalf("push rejected:\n%s", out)
	}
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
	out, ok := s.push(t, "origin", "main")
	if ok {
		t.Fatalf("push into a damaged repository accepted:\n%s", out)
	}
	wantAll(t, "corrupt", out, "remote: leakhound: push rejected:", "could not be read, so the push cannot be checked", ".secretsrules.toml")

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
	out, ok := s.push(t, "origin", "main")
	if ok {
		t.Fatalf("push accepted past the time limit:\n%s", out)
	}
	wantAll(t, "timeout reject", out, "could not be checked for secrets within 1ms")
	s.env = append(s.env, prereceive.EnvOnTimeout+"=warn")
	out, ok = s.push(t, "origin", "main")
	if !ok {
		t.Fatalf("push rejected with --on-timeout warn:\n%s", out)
	}
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
	if out, ok := s.push(t, "origin", "main"); !ok || !strings.Contains(out, "server policy") {
		t.Fatalf("chained hook: accepted=%v\n%s", ok, out)
	}
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
	if out, ok := s.push(t, "origin", "main"); !ok {
		t.Fatalf("push rejected:\n%s", out)
	}
	tree := strings.TrimSpace(mustGit(t, s.env, s.remote, "rev-parse", "main:d"))
	obj := filepath.Join(s.remote, "objects", tree[:2], tree[2:])
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatalf("the tree is not loose: %v", err)
	}
	if err := os.WriteFile(obj, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.Write("d/b.txt", "b\n").Commit("another file in it")
	out, ok := s.push(t, "--no-thin", "origin", "main")
	if ok {
		t.Fatalf("push onto a damaged tree accepted:\n%s", out)
	}
	wantAll(t, "corrupt tree", out, "remote: leakhound: push rejected: 1 object(s) of the repository could not be read", "tree "+tree, "corrupt object")
}
