package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// messageRepo is a history whose secrets lie in messages: a token in a
// commit's subject and again in a later commit's body, an AWS key id in a
// body, a Stripe key in a file and in a later commit's message, a Slack
// webhook in an annotated tag's message, and a generic assignment and a
// command's password flag in a message (prose, not secrets, for the
// message rules). Its files hold
// only the Stripe key.
type messageRepo struct {
	g                     *gittest.Repo
	subject, body, second string
	stripeFile, stripeMsg string
	tagged                string
}

func newMessageRepo(t *testing.T) *messageRepo {
	t.Helper()
	m := &messageRepo{g: gittest.New(t)}
	g := m.g
	m.subject = g.Write("app.py", "print('hello')\n").Commit("rotate key, the old one was " + ghToken)
	m.body = g.Write("app.py", "print('hello, world')\n").Commit("update app\n\nthe CI user's key id is\n" + awsID + "\n")
	m.second = g.Write("b.txt", "b\n").Commit("more\n\nstill " + ghToken + " in here")
	m.stripeFile = g.Write("settings.py", "STRIPE = '"+stripeKey+"'\n").Commit("billing")
	m.stripeMsg = g.Write("settings.py", "STRIPE = os.environ['STRIPE']\n").Commit("billing: no more " + stripeKey)
	// Prose: a generic assignment and a command's flag, assembled so
	// that this file holds neither.
	g.Write("c.txt", "c\n").Commit(fmt.Sprintf("fix login\n\npass%s = Winter2024Rotated99 was the old admin password\nConnect-VIServer -Pass%s literals.\n", "word", "word"))
	m.tagged = g.Head()
	g.TagMessage("v1.0", m.tagged, "release 1.0\n\nwebhook: "+slackHook+"\n")
	return m
}

func scanJSON(t *testing.T, dir string, args ...string) jsonReport {
	t.Helper()
	r := runLH(t, "", append(append([]string{"scan", "--no-progress"}, args...), "-f", "json", dir)...)
	if r.code != 0 && r.code != 1 {
		t.Fatalf("scan: exit %d: %s", r.code, r.err)
	}
	return parseJSON(t, r.out)
}

// TestCommitAndTagMessagesAreScanned: a secret in a commit's subject, in
// its body, in an annotated tag's message is found, at its line and column
// within the message, with the commit (the tagger for a tag); the same
// secret in two messages is one finding with two places, as is a secret
// in a file and a message; a generic rule's match in prose is not
// reported; --no-messages scans none.
func TestCommitAndTagMessagesAreScanned(t *testing.T) {
	m := newMessageRepo(t)
	rep := scanJSON(t, m.g.Dir, "--no-cache")

	gh := find(rep, "github-pat")
	if gh == nil {
		t.Fatalf("the token in a subject is not found: %+v", rep.Findings)
	}
	if gh.Source != leak.CommitMessage || gh.File != leak.MessagePath || gh.Commit != m.subject || gh.Line != 1 || gh.Column != 29 {
		t.Errorf("token at %+v, want the message of %s at 1:29", gh.Location, m.subject)
	}
	if gh.Author == "" || gh.Secret != ghToken || gh.InHead || len(gh.Refs) > 0 {
		t.Errorf("token finding %+v", gh)
	}
	if len(gh.Locations) != 1 || gh.Locations[0].Commit != m.second || gh.Locations[0].Source != leak.CommitMessage || gh.Locations[0].Line != 3 {
		t.Errorf("the token's other message: %+v", gh.Locations)
	}

	aws := find(rep, "aws-access-key-id")
	if aws == nil || aws.Source != leak.CommitMessage || aws.Commit != m.body || aws.Line != 4 || aws.Column != 1 {
		t.Errorf("the key id in a body: %+v", aws)
	}

	st := find(rep, "stripe-secret-key")
	if st == nil || st.File != "settings.py" || st.Commit != m.stripeFile || st.Source != "" {
		t.Fatalf("stripe key: %+v", st)
	}
	if len(st.Locations) != 1 || st.Locations[0].Source != leak.CommitMessage || st.Locations[0].Commit != m.stripeMsg {
		t.Errorf("the stripe key's message: %+v", st.Locations)
	}

	sl := find(rep, "slack-webhook")
	if sl == nil || sl.Source != leak.TagMessage || sl.File != leak.TagMessagePath || sl.Line != 3 || sl.Column != 10 || sl.Commit != m.tagged || sl.Author != "Tagger" {
		t.Errorf("the webhook in a tag's message: %+v", sl)
	}
	if len(rep.Findings) != 4 {
		for _, f := range rep.Findings {
			t.Logf("%s %s:%d %q", f.RuleID, f.File, f.Line, f.Secret)
		}
		t.Errorf("%d findings, want 4 (none for the prose about a password)", len(rep.Findings))
	}

	off := scanJSON(t, m.g.Dir, "--no-cache", "--no-messages")
	if len(off.Findings) != 1 || off.Findings[0].RuleID != "stripe-secret-key" || len(off.Findings[0].Locations) != 0 {
		t.Errorf("--no-messages: %+v", off.Findings)
	}
}

// TestMessageSecretOutput: a secret in a message is masked everywhere by
// --redact, the message shown with the commit included; a baseline of it
// keeps it from being reported again; SARIF and GitLab reports with it
// stay valid against their schemas.
func TestMessageSecretOutput(t *testing.T) {
	m := newMessageRepo(t)
	dir := m.g.Dir
	r := runLH(t, "", "scan", "--no-progress", "--no-cache", "--redact", "-f", "json", dir)
	for _, s := range []string{ghToken, awsID, stripeKey, slackHook} {
		if strings.Contains(r.out, s) {
			t.Errorf("--redact shows %s…", s[:6])
		}
	}
	rep := parseJSON(t, r.out)
	if gh := find(rep, "github-pat"); gh == nil || !strings.Contains(gh.Message, "rotate key, the old one was ghp_…") {
		t.Errorf("redacted message: %+v", gh)
	}
	for _, f := range []string{"text", "markdown", "junit", "github", "csv", "sarif", "gitlab"} {
		r := runLH(t, "", "scan", "--no-progress", "--no-cache", "--redact", "-f", f, dir)
		if r.code != 1 || strings.Contains(r.out, ghToken) || !strings.Contains(r.out, "message") {
			t.Errorf("-f %s --redact: exit %d, shows the token or names no message:\n%s", f, r.code, r.out)
		}
	}
	validateReports(t, dir)

	if r := runLH(t, dir, "baseline", "create", "--no-progress"); r.code != 0 {
		t.Fatalf("baseline create: exit %d: %s", r.code, r.err)
	}
	if after := scanJSON(t, dir, "--no-cache"); len(after.Findings) != 0 {
		t.Errorf("baselined message secrets reported again: %+v", after.Findings)
	}
}

// TestMessageOverTheCap: a message is scanned up to its first 64 KiB; a
// secret beyond is not read, and the message is counted as cut.
func TestMessageOverTheCap(t *testing.T) {
	g := gittest.New(t)
	filler := strings.Repeat("a line of a very long changelog\n", (64<<10)/32)
	g.Write("a.txt", "a\n").Commit("long\n\n" + awsID + "\n" + filler + ghToken + "\n")
	rep := scanJSON(t, g.Dir, "--no-cache")
	if find(rep, "aws-access-key-id") == nil || find(rep, "github-pat") != nil || len(rep.Findings) != 1 {
		t.Errorf("findings %+v, want the key id before the cap only", rep.Findings)
	}
	if rep.Summary.Skipped[string(leak.SkipMessageCut)] != 1 {
		t.Errorf("skipped %v, want 1 message-cut", rep.Summary.Skipped)
	}
}

// TestMessagesRescanFromCache: a re-scan that reuses the cache's walk
// (its commits not read again) reports exactly what a full scan does, the
// secrets of old commits' messages included, as the history grows; the
// cache holds none of them.
func TestMessagesRescanFromCache(t *testing.T) {
	m := newMessageRepo(t)
	cache := filepath.Join(t.TempDir(), "cache")
	list := filepath.Join(t.TempDir(), "repos.txt")
	if err := os.WriteFile(list, []byte(m.g.Dir+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A scan of repositories by a list keeps a cache of each.
	orgScan := func(args ...string) jsonReport {
		t.Helper()
		r := runLH(t, "", append([]string{"scan", "--no-progress", "-f", "json", "--repos", list}, args...)...)
		if r.code != 1 {
			t.Fatalf("scan: exit %d: %s", r.code, r.err)
		}
		return parseJSON(t, r.out)
	}
	same := func(step string) {
		t.Helper()
		full := orgScan("--no-cache")
		cached := orgScan("--cache-dir", cache)
		a, _ := json.Marshal(full.Findings)
		b, _ := json.Marshal(cached.Findings)
		if string(a) != string(b) {
			t.Errorf("%s: a cached scan differs from a full one:\n%s\n%s", step, b, a)
		}
	}
	same("first scan")
	same("unchanged")
	m.g.Write("d.txt", "d\n").Commit("new commit, key " + stripeKey + " again")
	same("grown")
	if cached := orgScan("--cache-dir", cache); cached.Summary.Skipped["cached"] == 0 {
		t.Errorf("the re-scan read every blob again: %v", cached.Summary.Skipped)
	}
	m.g.Write("e.txt", "e\n").Commit("clean")
	same("grown, clean")
	err := filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		for _, s := range []string{ghToken, awsID, stripeKey, slackHook, "rotate key"} {
			if strings.Contains(string(b), s) {
				t.Errorf("the cache file %s holds %q", p, s[:6])
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPrePushScansNewMessagesOnly: a push is blocked by a secret in the
// message of a commit it adds, and not by one in the message of a commit
// the remote already has.
func TestPrePushScansNewMessagesOnly(t *testing.T) {
	s := newPushSetup(t)
	g := s.g
	bad := g.Write("a.txt", "a\n").Commit("deploy with " + ghToken)
	out, err := runGit(t, s.env, g.Dir, "push", "origin", "main")
	if err == nil || !strings.Contains(out, "github-pat") || !strings.Contains(out, bad[:10]) {
		t.Fatalf("push of a commit with a secret in its message: err=%v\n%s", err, out)
	}
	mustGit(t, s.env, g.Dir, "push", "-q", "--no-verify", "origin", "main")
	g.Write("b.txt", "b\n").Commit("clean")
	if out, err := runGit(t, s.env, g.Dir, "push", "origin", "main"); err != nil {
		t.Fatalf("a clean commit on top of a pushed message secret is blocked: %v\n%s", err, out)
	}
}

// TestPrePushNoMessages: with --no-messages (as the pre-commit framework
// passes a hook's args), the pre-push hook lets through a commit whose
// message alone holds a secret, and still blocks one whose files do.
func TestPrePushNoMessages(t *testing.T) {
	s := newPushSetup(t)
	g := s.g
	remoteTip := strings.TrimSpace(mustGit(t, s.env, g.Dir, "rev-parse", "origin/main"))
	g.Write("a.txt", "a\n").Commit("deploy with " + ghToken)
	hookRun := func(args ...string) int {
		t.Helper()
		head := strings.TrimSpace(mustGit(t, s.env, g.Dir, "rev-parse", "HEAD"))
		cmd := exec.Command(leakhoundBinary(t), append([]string{"hook", "pre-push", "origin", "file://" + s.remote}, args...)...)
		cmd.Dir, cmd.Env = g.Dir, s.env
		cmd.Stdin = strings.NewReader("refs/heads/main " + head + " refs/heads/main " + remoteTip + "\n")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &exit):
			return exit.ExitCode()
		}
		t.Fatalf("hook pre-push %v: %v\n%s", args, err, out)
		return -1
	}
	if code := hookRun(); code != 1 {
		t.Fatalf("a secret in a pushed commit's message: exit %d, want 1", code)
	}
	if code := hookRun("--no-messages"); code != 0 {
		t.Fatalf("--no-messages and a secret only in a message: exit %d, want 0", code)
	}
	g.Write("b.txt", "token = "+ghToken+"\n").Commit("clean message")
	if code := hookRun("--no-messages"); code != 1 {
		t.Fatalf("--no-messages and a secret in a pushed file: exit %d, want 1", code)
	}
}

// validateReports checks the SARIF and GitLab reports of a scan of dir
// against the official schemas.
func validateReports(t *testing.T, dir string) {
	t.Helper()
	out := t.TempDir()
	sarif, gitlab := filepath.Join(out, "r.sarif"), filepath.Join(out, "gl.json")
	if res := runLH(t, "", "scan", "--no-progress", "--no-cache", "-f", "sarif", "-o", sarif, "-f", "gitlab", "-o", gitlab, dir); res.code != 1 {
		t.Fatalf("exit %d\n%s", res.code, res.err)
	}
	for report, schema := range map[string]string{sarif: "sarif-schema-2.1.0.json", gitlab: "secret-detection-report-format-15.2.1.json"} {
		validateSchema(t, report, schema)
	}
	b, _ := os.ReadFile(sarif)
	if !slices.ContainsFunc(strings.Split(string(b), "\n"), func(l string) bool { return strings.Contains(l, `"source": "commit-message"`) }) {
		t.Errorf("the SARIF report does not say a result is in a commit message:\n%s", b)
	}
}
