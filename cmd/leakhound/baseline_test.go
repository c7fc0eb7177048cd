package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// planted are the secrets the seed repository plants (seedRepo).
var planted = []string{djangoKey, dbPass, ghToken, slackHook}

func loadBL(t *testing.T, path string) *baseline.Baseline {
	t.Helper()
	b, err := baseline.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fingerprints(fs []leak.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Fingerprint)
	}
	slices.Sort(out)
	return out
}

func entryFPs(b *baseline.Baseline) []string {
	var out []string
	for _, e := range b.Entries {
		out = append(out, e.Fingerprint)
	}
	slices.Sort(out)
	return out
}

// assertNoSecrets fails if the file holds a planted secret, or the part of
// one its hint does not show.
func assertNoSecrets(t *testing.T, path string, secrets ...string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(data, []byte(s)) || bytes.Contains(data, []byte(s[4:])) {
			t.Errorf("%s holds a secret (%.4s…)", path, s)
		}
	}
}

func TestBaselineOnlyNewLeaksFail(t *testing.T) {
	g := seedRepo(t)
	c := g.Commits
	r := runLH(t, "", "baseline", "create", "--no-progress", g.Dir)
	if r.code != 0 || !strings.Contains(r.out, "4 secrets, unreviewed") {
		t.Fatalf("create: exit %d\n%s%s", r.code, r.out, r.err)
	}
	file := filepath.Join(g.Dir, baseline.FileName)
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("baseline file: %v %v", fi, err)
	}
	assertNoSecrets(t, file, planted...)
	b := loadBL(t, file)
	if len(b.Entries) != 4 {
		t.Fatalf("%d entries", len(b.Entries))
	}
	for _, e := range b.Entries {
		if e.Status != baseline.Unreviewed || e.Commit == "" || e.File == "" || e.Line == 0 || e.RuleID == "" {
			t.Errorf("entry %+v", e)
		}
	}

	// Re-scanning with the baseline (the repository's own, picked up
	// without a flag) finds nothing new.
	scan := func() (result, jsonReport) {
		t.Helper()
		r := runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
		return r, parseJSON(t, r.out)
	}
	r, rep := scan()
	if r.code != 0 || len(rep.Findings) != 0 {
		t.Fatalf("scan with the baseline: exit %d, %+v\n%s", r.code, rep.Findings, r.err)
	}
	if tr := runLH(t, "", "scan", "--no-progress", g.Dir); tr.code != 0 || !strings.Contains(tr.out, "4 known secrets not reported") || !strings.Contains(tr.out, "no new leaks found") {
		t.Errorf("text summary:\n%s", tr.out)
	}

	// The baseline is committed, as teams do: it is no secret itself.
	data, _ := os.ReadFile(file)
	g.Write(baseline.FileName, string(data))
	g.Commit("baseline")

	// Moving a baselined secret to another file, committing one again
	// elsewhere, or moving it down a file: nothing new.
	g.Move("mysite/settings/base.py", "config/settings.py")
	g.Commit("move settings")
	g.Write("deploy/ci.yml", "env:\n  TOKEN: "+ghToken+"\n")
	g.Commit("ci token again")
	g.Write("app/hooks.py", "import os\n\n\nSLACK = '"+slackHook+"'\n")
	g.Commit("shift hooks")
	if r, rep := scan(); r.code != 0 || len(rep.Findings) != 0 {
		t.Fatalf("after moves: exit %d, %+v", r.code, rep.Findings)
	}

	// A new secret in a new commit: exactly one finding, exit 1.
	g.Write("billing.py", "STRIPE = '"+stripeKey+"'\n")
	g.Commit("billing")
	r, rep = scan()
	if r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].Secret != stripeKey {
		t.Fatalf("new secret: exit %d, %+v", r.code, rep.Findings)
	}

	// A different secret where a known one was is new too.
	other := strings.Replace(djangoKey, "q7#t", "Zp3w", 1)
	g.Write("config/settings.py", "DEBUG = False\nSECRET_KEY = '"+other+"'\n")
	g.Commit("new key")
	if r, rep := scan(); r.code != 1 || len(rep.Findings) != 2 {
		t.Errorf("changed secret: exit %d, %d findings", r.code, len(rep.Findings))
	}

	// --no-baseline reports everything; --baseline names another file.
	if r := runLH(t, "", "scan", "--no-progress", "-f", "json", "--no-baseline", g.Dir); r.code != 1 || len(parseJSON(t, r.out).Findings) != 6 {
		t.Errorf("--no-baseline: exit %d, %d findings", r.code, len(parseJSON(t, r.out).Findings))
	}
	elsewhere := filepath.Join(t.TempDir(), "known.json")
	os.Rename(file, elsewhere)
	if r, rep := scan(); r.code != 1 || len(rep.Findings) != 6 {
		t.Errorf("no baseline file: exit %d, %d findings", r.code, len(rep.Findings))
	}
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--baseline", elsewhere, g.Dir)
	if rep := parseJSON(t, r.out); r.code != 1 || len(rep.Findings) != 2 {
		t.Errorf("--baseline FILE: exit %d, %d findings", r.code, len(rep.Findings))
	}
	var sum struct {
		Summary struct {
			Baseline  string `json:"baseline"`
			Baselined int    `json:"baselined"`
		} `json:"summary"`
	}
	json.Unmarshal([]byte(r.out), &sum)
	if sum.Summary.Baseline != elsewhere || sum.Summary.Baselined != 4 {
		t.Errorf("summary: %+v", sum.Summary)
	}

	// The same filter applies to a range scan (the hook and CI paths).
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--baseline", elsewhere, "--range", c["decoys"]+"..experiment", g.Dir)
	if rep := parseJSON(t, r.out); r.code != 0 || len(rep.Findings) != 0 {
		t.Errorf("range scan with a baseline: exit %d, %+v", r.code, rep.Findings)
	}
}

func TestBaselineUpdateKeepsReviews(t *testing.T) {
	g := seedRepo(t)
	if r := runLH(t, "", "baseline", "create", "--no-progress", g.Dir); r.code != 0 {
		t.Fatalf("create: %s", r.err)
	}
	file := filepath.Join(g.Dir, baseline.FileName)
	if r := runLH(t, "", "baseline", "create", "--no-progress", g.Dir); r.code != 2 || !strings.Contains(r.err, "baseline update") {
		t.Errorf("create over an existing baseline: exit %d %q", r.code, r.err)
	}
	b := loadBL(t, file)
	slack := leak.Fingerprint("slack-webhook", slackHook)
	if err := b.Review(slack, baseline.Accepted, "internal channel", "QA", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := saveBaseline(file, b); err != nil {
		t.Fatal(err)
	}

	// A new secret, and a secret gone from history: the only branch that
	// had the GitHub token is deleted.
	g.Write("billing.py", "STRIPE = '"+stripeKey+"'\n")
	g.Commit("billing")
	g.DeleteRef("refs/heads/experiment")
	r := runLH(t, "", "baseline", "update", "--no-progress", g.Dir)
	if r.code != 0 || !strings.Contains(r.out, "1 added (unreviewed), 1 dropped (no longer anywhere in history), 3 kept with their reviews") {
		t.Fatalf("update: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if !strings.Contains(r.out, "dropped  github-pat  scripts/deploy.sh:1  (unreviewed)") || !strings.Contains(r.out, "added    stripe-secret-key  billing.py:1") {
		t.Errorf("update lists:\n%s", r.out)
	}
	b = loadBL(t, file)
	if e := b.Lookup(slack); e == nil || e.Status != baseline.Accepted || e.Note != "internal channel" || e.ReviewedBy != "QA" {
		t.Errorf("review lost: %+v", e)
	}
	if b.Lookup(leak.Fingerprint("github-pat", ghToken)) != nil {
		t.Error("the token gone from history is still listed")
	}
	if e := b.Lookup(leak.Fingerprint("stripe-secret-key", stripeKey)); e == nil || e.Status != baseline.Unreviewed {
		t.Errorf("new secret: %+v", e)
	}
	assertNoSecrets(t, file, append(planted, stripeKey)...)
	if r := runLH(t, "", "scan", "--no-progress", g.Dir); r.code != 0 {
		t.Errorf("scan after update: exit %d\n%s", r.code, r.out)
	}

	// Update without a baseline says how to make one.
	os.Remove(file)
	if r := runLH(t, "", "baseline", "update", "--no-progress", g.Dir); r.code != 2 || !strings.Contains(r.err, "baseline create") {
		t.Errorf("update without a baseline: exit %d %q", r.code, r.err)
	}
}

func TestBaselineFingerprintVersionMigration(t *testing.T) {
	g := seedRepo(t)
	runLH(t, "", "baseline", "create", "--no-progress", g.Dir)
	file := filepath.Join(g.Dir, baseline.FileName)
	b := loadBL(t, file)
	env := leak.Fingerprint("generic-secret-env-file", dbPass)
	b.Review(env, baseline.FalsePositive, "local only", "QA", time.Now())
	saveBaseline(file, b)
	cur, _ := os.ReadFile(file)

	// An older fingerprint scheme: other hashes, prefixed v0.
	old := string(cur)
	for _, e := range b.Entries {
		h := sha1.Sum([]byte(e.Fingerprint))
		old = strings.Replace(old, e.Fingerprint, "v0:"+hex.EncodeToString(h[:16]), 1)
	}
	os.WriteFile(file, []byte(old), 0o600)
	r := runLH(t, "", "scan", "--no-progress", g.Dir)
	if r.code != 2 || !strings.Contains(r.err, "4 entries use fingerprint version v0, but this leakhound computes v1; run 'leakhound baseline update'") {
		t.Fatalf("stale baseline: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "baseline", "audit", "--stats", g.Dir); r.code != 0 || !strings.Contains(r.out, "4 entries of an older fingerprint version") {
		t.Errorf("stats of a stale baseline: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = runLH(t, "", "baseline", "update", "--no-progress", g.Dir)
	if r.code != 0 || !strings.Contains(r.out, "migrated 4 entries to fingerprint version v1") || !strings.Contains(r.out, "0 added") {
		t.Fatalf("update: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if e := loadBL(t, file).Lookup(env); e == nil || e.Status != baseline.FalsePositive || e.Note != "local only" {
		t.Errorf("migrated entry lost its review: %+v", e)
	}
	if r := runLH(t, "", "scan", "--no-progress", g.Dir); r.code != 0 {
		t.Errorf("scan after migration: exit %d\n%s%s", r.code, r.out, r.err)
	}

	// A newer scheme is refused.
	os.WriteFile(file, bytes.Replace(cur, []byte(`"v1:`), []byte(`"v2:`), 1), 0o600)
	if r := runLH(t, "", "scan", "--no-progress", g.Dir); r.code != 2 || !strings.Contains(r.err, "fingerprint version v2 is newer than this leakhound computes (v1); upgrade leakhound") {
		t.Errorf("newer fingerprint: exit %d %q", r.code, r.err)
	}
}

func TestBaselineBadInput(t *testing.T) {
	g := seedRepo(t)
	missing := filepath.Join(t.TempDir(), "nope.json")
	if r := runLH(t, "", "scan", "--no-progress", "--baseline", missing, g.Dir); r.code != 2 || !strings.Contains(r.err, "open baseline "+missing+": no such file") {
		t.Errorf("missing baseline: exit %d %q", r.code, r.err)
	}
	bad := filepath.Join(g.Dir, baseline.FileName)
	os.WriteFile(bad, []byte("{\n  \"version\": 1,\n  \"entries\": [\n    {\"fingerprint\": \"v1:00\"\n"), 0o600)
	if r := runLH(t, "", "scan", "--no-progress", g.Dir); r.code != 2 || !strings.Contains(r.err, bad+":") || strings.Contains(r.err, "goroutine") {
		t.Errorf("broken baseline: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "scan", "--no-progress", "--baseline", bad, "--no-baseline", g.Dir); r.code != 2 || !strings.Contains(r.err, "contradict") {
		t.Errorf("both flags: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "baseline", "audit", g.Dir); r.code != 2 || !strings.Contains(r.err, bad) {
		t.Errorf("audit of a broken baseline: exit %d %q", r.code, r.err)
	}
	os.Remove(bad)
	runLH(t, "", "baseline", "create", "--no-progress", g.Dir)
	// In tests standard input is not a terminal.
	if r := runLH(t, "", "baseline", "audit", g.Dir); r.code != 2 || !strings.Contains(r.err, "terminal") || strings.Contains(r.out, djangoKey) {
		t.Errorf("audit off a terminal: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "baseline", "import", "--from", "trufflehog", bad, g.Dir); r.code != 2 || !strings.Contains(r.err, "want gitleaks, gitleaksignore or detect-secrets") {
		t.Errorf("bad --from: exit %d %q", r.code, r.err)
	}
}

func TestBaselineAuditStats(t *testing.T) {
	g := seedRepo(t)
	runLH(t, "", "baseline", "create", "--no-progress", g.Dir)
	file := filepath.Join(g.Dir, baseline.FileName)
	b := loadBL(t, file)
	b.Review(leak.Fingerprint("github-pat", ghToken), baseline.Revoked, "", "QA", time.Now())
	saveBaseline(file, b)
	r := runLH(t, "", "baseline", "audit", "--stats", g.Dir)
	want := []string{
		"RULE                     UNREVIEWED  ACCEPTED  FALSE_POSITIVE  REVOKED  TOTAL",
		"django-secret-key                 1         0               0        0      1",
		"github-pat                        0         0               0        1      1",
		"total                             3         0               0        1      4",
		"3 unreviewed in " + file,
	}
	for _, w := range want {
		if !strings.Contains(r.out, w) {
			t.Errorf("stats lack %q:\n%s", w, r.out)
		}
	}
}

func TestBaselineAuditAnswers(t *testing.T) {
	g := seedRepo(t)
	c := g.Commits
	runLH(t, "", "baseline", "create", "--no-progress", g.Dir)
	file := filepath.Join(g.Dir, baseline.FileName)
	audit := func(answers string, all bool) string {
		t.Helper()
		var out, errb bytes.Buffer
		opts := baselineAuditOptions{terminal: true, reviewer: "QA <qa@example.com>", noColor: true, context: 2, all: all}
		err := runBaselineAudit(context.Background(), opts, []string{g.Dir}, stdio{in: strings.NewReader(answers), out: &out, err: &errb})
		if err != nil {
			t.Fatalf("audit: %v\n%s", err, out.String())
		}
		return out.String()
	}
	// Entries come in file order: .env, app/hooks.py, mysite/settings.py,
	// scripts/deploy.sh.
	out := audit("a rotated in 2023\nbogus\nf  fixture for tests\ns\nq\n", false)
	for _, want := range []string{
		"[1/4] generic-secret-env-file",
		".env:1  commit " + c["env"][:10],
		"→ 1 │ DB_PASSWORD=" + dbPass, // the secret, on the terminal
		"answer a, f, r, s or q",
		"[2/4] slack-webhook",
		"[3/4] django-secret-key",
		"→ 2 │ SECRET_KEY = " + quote(djangoKey),
		"[4/4] github-pat",
		"reviewed 2 (1 accepted, 1 false positive, 0 revoked), skipped 1; 2 unreviewed left",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("audit output lacks %q:\n%s", want, out)
		}
	}
	// Without colour the secret is underlined.
	if !strings.Contains(out, "│             "+strings.Repeat("^", len(dbPass))) {
		t.Errorf("no caret line under the secret:\n%s", out)
	}
	b := loadBL(t, file)
	status := func(rule, secret string) *baseline.Entry { return b.Lookup(leak.Fingerprint(rule, secret)) }
	if e := status("generic-secret-env-file", dbPass); e.Status != baseline.Accepted || e.Note != "rotated in 2023" || e.ReviewedBy != "QA <qa@example.com>" || e.ReviewedAt.IsZero() {
		t.Errorf(".env: %+v", e)
	}
	if e := status("slack-webhook", slackHook); e.Status != baseline.FalsePositive || e.Note != "fixture for tests" {
		t.Errorf("hooks: %+v", e)
	}
	if e := status("django-secret-key", djangoKey); e.Status != baseline.Unreviewed || !e.ReviewedAt.IsZero() {
		t.Errorf("skipped: %+v", e)
	}
	assertNoSecrets(t, file, planted...)

	// A second audit shows only what is left; the end of input quits.
	out = audit("r\n", false)
	if !strings.Contains(out, "[1/2] django-secret-key") || !strings.Contains(out, "reviewed 1 (0 accepted, 0 false positive, 1 revoked), skipped 0; 1 unreviewed left") {
		t.Errorf("second audit:\n%s", out)
	}
	if out := audit("", true); !strings.Contains(out, "[1/4]") {
		t.Errorf("--all:\n%s", out)
	}
	runLH(t, "", "baseline", "audit", "--stats", g.Dir)
	b = loadBL(t, file)
	b.Review(leak.Fingerprint("github-pat", ghToken), baseline.Accepted, "", "QA", time.Now())
	saveBaseline(file, b)
	if out := audit("", false); !strings.Contains(out, "nothing to review") {
		t.Errorf("nothing left:\n%s", out)
	}
	// An interrupt while waiting for an answer ends the audit; the answers
	// given are saved.
	b.Review(leak.Fingerprint("github-pat", ghToken), baseline.Unreviewed, "", "", time.Now())
	saveBaseline(file, b)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	defer pw.Close()
	seen := make(chan struct{})
	outb := &promptWriter{want: 2, seen: seen}
	go func() {
		pw.Write([]byte("f\n"))
		// Interrupt while the audit waits for the second answer.
		<-seen
		cancel()
	}()
	err := runBaselineAudit(ctx, baselineAuditOptions{terminal: true, reviewer: "QA", noColor: true, all: true}, []string{g.Dir}, stdio{in: pr, out: outb, err: io.Discard})
	if code, _ := exitCode(ctx, err); code != exitFailure || !strings.Contains(outb.String(), "reviewed 1 (0 accepted, 1 false positive") {
		t.Errorf("interrupted audit: %v\n%s", err, outb.String())
	}
	if e := loadBL(t, file).Lookup(leak.Fingerprint("generic-secret-env-file", dbPass)); e.Status != baseline.FalsePositive {
		t.Errorf("answer before the interrupt lost: %+v", e)
	}
}

func TestInHead(t *testing.T) {
	g := seedRepo(t)
	c := g.Commits
	scan := func() jsonReport {
		t.Helper()
		return parseJSON(t, runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir).out)
	}
	inHead := func(rep jsonReport) map[string]bool {
		m := map[string]bool{}
		for _, f := range rep.Findings {
			m[f.RuleID] = f.InHead
		}
		return m
	}
	want := map[string]bool{
		"django-secret-key":       true,  // moved, still in main
		"slack-webhook":           true,  // in main
		"generic-secret-env-file": false, // the file was removed
		"github-pat":              false, // only on an unmerged branch
	}
	if got := inHead(scan()); !mapsEqual(got, want) {
		t.Errorf("in_head %v, want %v", got, want)
	}
	var sum struct {
		Summary struct {
			HeadRef    string `json:"head_ref"`
			HeadCommit string `json:"head_commit"`
			InHead     int    `json:"in_head"`
		} `json:"summary"`
	}
	json.Unmarshal([]byte(runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir).out), &sum)
	if sum.Summary.HeadRef != "refs/heads/main" || sum.Summary.HeadCommit != c["move"] || sum.Summary.InHead != 2 {
		t.Errorf("summary %+v", sum.Summary)
	}

	// Text groups findings by it, says what to do for each, and gives the
	// advice once.
	out := runLH(t, "", "scan", "--no-progress", g.Dir).out
	// A secret at the tip of an unmerged branch is still there, named.
	still := strings.Index(out, "── Still in main: rotate, then remove (2)")
	other := strings.Index(out, "── Still in other branches, not in main: rotate, then remove there (1)")
	hist := strings.Index(out, "── In history only: rotate (1)")
	if still < 0 || other < still || hist < other {
		t.Fatalf("groups:\n%s", out)
	}
	for _, s := range []string{"mysite/settings.py:2", "app/hooks.py:1"} {
		if i := strings.Index(out, s); i < still || i > other {
			t.Errorf("%s not under 'still in main'", s)
		}
	}
	if i := strings.Index(out, "scripts/deploy.sh:1"); i < other || i > hist {
		t.Errorf("the unmerged branch's token is not under 'still in other branches'")
	}
	if i := strings.Index(out, ".env:1"); i < hist {
		t.Errorf(".env not under 'history only'")
	}
	if n := strings.Count(out, "git filter-repo --replace-text"); n != 1 {
		t.Errorf("filter-repo advice printed %d times", n)
	}
	if n := strings.Count(out, "  fix      rotate it first"); n != 4 {
		t.Errorf("%d fix lines, want 4", n)
	}
	if !strings.Contains(out, "4 leaks found (2 still in main, 1 still in other branches or tags, 1 in history only)") {
		t.Errorf("summary line:\n%s", out)
	}

	// The secret leaves the file that still exists: history only.
	g.Write("app/hooks.py", "SLACK = os.environ['SLACK_HOOK']\n")
	g.Commit("env hook")
	if got := inHead(scan()); got["slack-webhook"] {
		t.Error("slack hook still in HEAD after its removal")
	}
	// A detached HEAD (what CI checks out) is its own tip.
	os.WriteFile(filepath.Join(g.Dir, ".git", "HEAD"), []byte(c["branch"]+"\n"), 0o644)
	want = map[string]bool{"django-secret-key": true, "slack-webhook": false, "generic-secret-env-file": false, "github-pat": true}
	if got := inHead(scan()); !mapsEqual(got, want) {
		t.Errorf("detached at the experiment branch: %v, want %v", got, want)
	}
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestInlineAllowsEndToEnd(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.py", "TOKEN = '"+ghToken+"'  # leakhound:allow\n")
	g.Write("b.js", "const key = \""+stripeKey+"\"; // gitleaks:allow\n")
	g.Write("c.yml", "# pragma: allowlist nextline secret\naws: "+awsID+"\n")
	g.Write("d.sh", "export SLACK="+slackHook+" # pragma: allowlist secret\n")
	// An allow comment covers its own line only.
	other := "ghp_" + "Lm3nB8vC2xZ7kJ4hG9fD1sA6qW5eR04gDglA"
	g.Write("e.html", "<!-- leakhound:allow -->\n<p>"+other+"</p>\n")
	g.Commit("allowed")
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
	if rep := parseJSON(t, r.out); r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].File != "e.html" {
		t.Errorf("inline allows: exit %d %+v", r.code, rep.Findings)
	}
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--ignore-inline-allows", g.Dir)
	if rep := parseJSON(t, r.out); r.code != 1 || len(rep.Findings) != 5 {
		t.Errorf("--ignore-inline-allows: exit %d, %d findings", r.code, len(rep.Findings))
	}
	// Dropping a next-line allow in a later commit reveals the secret there.
	g.Write("c.yml", "aws: "+awsID+"\n")
	head := g.Commit("drop the pragma")
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
	rep := parseJSON(t, r.out)
	if f := find(rep, "aws-access-key-id"); f == nil || f.Commit != head || f.File != "c.yml" {
		t.Errorf("dropped allow: %+v", rep.Findings)
	}
}

func TestBaselineOfADirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "settings.py"), []byte("SECRET_KEY = '"+djangoKey+"'\n"), 0o600)
	if r := runLH(t, "", "baseline", "create", "--no-git", dir); r.code != 0 {
		t.Fatalf("create --no-git: exit %d %s", r.code, r.err)
	}
	if r := runLH(t, "", "scan", "--no-progress", "--no-git", dir); r.code != 0 || !strings.Contains(r.out, "1 known secret not reported") {
		t.Errorf("scan --no-git: exit %d\n%s", r.code, r.out)
	}
	os.WriteFile(filepath.Join(dir, "more.py"), []byte("TOKEN = '"+ghToken+"'\n"), 0o600)
	r := runLH(t, "", "scan", "--no-progress", "--no-git", "-f", "json", dir)
	if rep := parseJSON(t, r.out); r.code != 1 || len(rep.Findings) != 1 || !rep.Findings[0].InHead {
		t.Errorf("new file: exit %d %+v", r.code, rep.Findings)
	}
}

func sha1hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestImportFromGitleaksAndDetectSecrets(t *testing.T) {
	g := gittest.New(t)
	g.Write("mysite/settings.py", "DEBUG = True\nSECRET_KEY = '"+djangoKey+"'\n")
	g.Write("deploy.sh", "#!/bin/sh\nexport GITHUB_TOKEN="+ghToken+"\n")
	c1 := g.Commit("one")
	g.Write("app/hooks.py", "import os\n\nSLACK = '"+slackHook+"'\n")
	c2 := g.Commit("two")
	// In history only, and in neither tool's file.
	g.Write(".env", "DB_PASSWORD="+dbPass+"\n")
	g.Commit("env")
	g.Remove(".env")
	g.Commit("no env")
	g.Write("README.md", "docs\n")
	c5 := g.Commit("readme")
	dir := t.TempDir()

	// A gitleaks JSON report, in gitleaks' format: a record with the
	// secret, a redacted one, one whose secret spans more than leakhound's,
	// one matching nothing.
	gl := func(rule, file string, line int, commit, secret, match string) map[string]any {
		return map[string]any{
			"RuleID": rule, "Description": rule, "StartLine": line, "EndLine": line,
			"StartColumn": 1, "EndColumn": 10, "Match": match, "Secret": secret,
			"File": file, "SymlinkFile": "", "Commit": commit, "Entropy": 4.5,
			"Author": "Dev Eloper", "Email": "dev@example.com", "Date": "2024-01-01T12:00:00Z",
			"Message": "m", "Tags": []string{}, "Fingerprint": commit + ":" + file + ":" + rule + ":" + itoa(line),
		}
	}
	report := []map[string]any{
		gl("github-pat", "deploy.sh", 2, c1, ghToken, "GITHUB_TOKEN="+ghToken),
		gl("django-insecure-secret-key", "mysite/settings.py", 2, c1, "REDACTED", "SECRET_KEY = 'REDACTED'"),
		gl("slack-webhook-url", "app/hooks.py", 3, c2, "SLACK = '"+slackHook+"'", "SLACK = '"+slackHook+"'"),
		gl("generic-api-key", "README.md", 1, c5, "docs-not-a-secret", "docs"),
	}
	glPath := filepath.Join(dir, "gitleaks-report.json")
	data, _ := json.MarshalIndent(report, "", " ")
	os.WriteFile(glPath, data, 0o600)

	// A detect-secrets baseline of the same repository's files: hashed
	// secrets, audited or not; one hash of a different span than
	// leakhound's (found by its line), one matching nothing.
	yes, no := true, false
	type ds struct {
		Type         string `json:"type"`
		Filename     string `json:"filename"`
		HashedSecret string `json:"hashed_secret"`
		IsVerified   bool   `json:"is_verified"`
		LineNumber   int    `json:"line_number"`
		IsSecret     *bool  `json:"is_secret,omitempty"`
	}
	dsb := map[string]any{
		"version":      "1.5.0",
		"plugins_used": []map[string]any{{"name": "KeywordDetector", "keyword_exclude": ""}, {"name": "SlackDetector"}},
		"filters_used": []map[string]any{{"path": "detect_secrets.filters.allowlist.is_line_allowlisted"}},
		"results": map[string][]ds{
			"app/hooks.py":       {{"Slack Webhook", "app/hooks.py", sha1hex(slackHook), false, 3, nil}},
			"deploy.sh":          {{"GitHub Token", "deploy.sh", sha1hex(ghToken), false, 2, &yes}},
			"mysite/settings.py": {{"Secret Keyword", "mysite/settings.py", sha1hex("'" + djangoKey + "'x"), false, 2, &no}},
			"README.md":          {{"Hex High Entropy String", "README.md", sha1hex("deadbeefdeadbeef"), false, 1, nil}},
		},
		"generated_at": "2024-01-01T12:00:00Z",
	}
	dsPath := filepath.Join(dir, ".secrets.baseline")
	data, _ = json.MarshalIndent(dsb, "", "  ")
	os.WriteFile(dsPath, data, 0o600)

	glOut, dsOut := filepath.Join(dir, "from-gitleaks.json"), filepath.Join(dir, "from-ds.json")
	for _, tc := range []struct{ from, in, out string }{{"gitleaks", glPath, glOut}, {"detect-secrets", dsPath, dsOut}} {
		r := runLH(t, "", "baseline", "import", "--no-progress", "--from", tc.from, tc.in, g.Dir, "-o", tc.out)
		if r.code != 0 || !strings.Contains(r.out, "imported 3 of 4 "+tc.from+" records") || !strings.Contains(r.out, "1 record matched no leakhound finding") || !strings.Contains(r.out, "README.md:1") {
			t.Errorf("import --from %s: exit %d\n%s%s", tc.from, r.code, r.out, r.err)
		}
		if !strings.Contains(r.out, "1 secret leakhound finds is not in the baseline") {
			t.Errorf("import --from %s does not say what stays new:\n%s", tc.from, r.out)
		}
		assertNoSecrets(t, tc.out, planted...)
	}
	fromGL, fromDS := loadBL(t, glOut), loadBL(t, dsOut)
	if a, b := entryFPs(fromGL), entryFPs(fromDS); len(a) != 3 || !slices.Equal(a, b) {
		t.Fatalf("the imports differ:\n%v\n%v", a, b)
	}
	for _, tc := range []struct {
		b            *baseline.Baseline
		rule, secret string
		status       baseline.Status
		noteHas      string
	}{
		{fromGL, "github-pat", ghToken, baseline.Unreviewed, "gitleaks, rule github-pat"},
		{fromDS, "github-pat", ghToken, baseline.Accepted, "detect-secrets, GitHub Token"},
		{fromDS, "django-secret-key", djangoKey, baseline.FalsePositive, "Secret Keyword"},
		{fromDS, "slack-webhook", slackHook, baseline.Unreviewed, "Slack Webhook"},
	} {
		if e := tc.b.Lookup(leak.Fingerprint(tc.rule, tc.secret)); e == nil || e.Status != tc.status || !strings.Contains(e.Note, tc.noteHas) {
			t.Errorf("%s: %+v, want %s", tc.rule, e, tc.status)
		}
	}
	// Both suppress the same findings: what is left is the secret neither
	// listed.
	var left [][]string
	for _, bl := range []string{glOut, dsOut} {
		r := runLH(t, "", "scan", "--no-progress", "-f", "json", "--baseline", bl, g.Dir)
		rep := parseJSON(t, r.out)
		if r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].Secret != dbPass {
			t.Errorf("scan with %s: exit %d %+v", filepath.Base(bl), r.code, rep.Findings)
		}
		left = append(left, fingerprints(rep.Findings))
	}
	if !slices.Equal(left[0], left[1]) {
		t.Errorf("the imported baselines suppress different findings: %v", left)
	}

	// Importing into an existing baseline keeps its entries and applies
	// audited statuses to unreviewed ones.
	r := runLH(t, "", "baseline", "import", "--no-progress", "--from", "detect-secrets", dsPath, g.Dir, "-o", glOut)
	if r.code != 0 || !strings.Contains(r.out, "0 new entries, 2 updated") {
		t.Errorf("import into a baseline: exit %d\n%s", r.code, r.out)
	}
	if e := loadBL(t, glOut).Lookup(leak.Fingerprint("django-secret-key", djangoKey)); e == nil || e.Status != baseline.FalsePositive {
		t.Errorf("merged entry: %+v", e)
	}

	// The wrong format says which one it is.
	if r := runLH(t, "", "baseline", "import", "--from", "gitleaks", dsPath, g.Dir, "-o", glOut); r.code != 2 || !strings.Contains(r.err, "--from detect-secrets") {
		t.Errorf("detect-secrets file as gitleaks: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "baseline", "import", "--from", "detect-secrets", glPath, g.Dir, "-o", glOut); r.code != 2 || !strings.Contains(r.err, "--from gitleaks") {
		t.Errorf("gitleaks report as detect-secrets: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "scan", "--no-progress", "--baseline", glPath, g.Dir); r.code != 2 || !strings.Contains(r.err, "baseline import --from gitleaks") {
		t.Errorf("gitleaks report as a baseline: exit %d %q", r.code, r.err)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestBaselineAuditShowsKeysAndFiles(t *testing.T) {
	g := gittest.New(t)
	rules := filepath.Join(t.TempDir(), "rules.toml")
	os.WriteFile(rules, []byte("[extend]\nuseDefault = true\ndisabledRules = [\"pkcs12-file\"]\n\n[[rules]]\nid = \"p12\"\ndescription = \"PKCS#12 key store\"\npath = '''\\.p12$'''\n"), 0o600)
	key := "-----BEGIN " + "OPENSSH PRIVATE KEY-----\n" +
		"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n" +
		"QyNTUxOQAAACBHk8mZq3XvP9nL2rT7wB4yC6j0dF5gS1aQeRtUiOpAsDAAAAJgkT3pGJE96\n" +
		"-----END " + "OPENSSH PRIVATE KEY-----"
	g.Write("keys/id_ed25519", "# deploy key\n"+key+"\n")
	g.WriteBytes("certs/store.p12", []byte{0x30, 0x82, 0, 1, 2, 3})
	g.Commit("keys")
	if r := runLH(t, "", "baseline", "create", "--no-progress", "--config", rules, g.Dir); r.code != 0 || !strings.Contains(r.out, "2 secrets") {
		t.Fatalf("create: exit %d\n%s%s", r.code, r.out, r.err)
	}
	var out bytes.Buffer
	opts := baselineAuditOptions{terminal: true, reviewer: "QA", noColor: true, rulesOptions: rulesOptions{config: rules}, context: 1}
	if err := runBaselineAudit(context.Background(), opts, []string{g.Dir}, stdio{in: strings.NewReader("a\na\n"), out: &out, err: io.Discard}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"[1/2] p12 PKCS#12 key store",
		"the file itself is the finding: rule p12 matches its path",
		"[2/2] private-key (critical)",
		"    1 │ # deploy key",
		"  → 2 │ -----BEGIN OPENSSH PRIVATE KEY-----",
		"  → 5 │ -----END OPENSSH PRIVATE KEY-----",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("audit lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBaselineInABareRepository(t *testing.T) {
	g := seedRepo(t)
	runLH(t, "", "baseline", "create", "--no-progress", g.Dir)
	data, _ := os.ReadFile(filepath.Join(g.Dir, baseline.FileName))
	g.Write(baseline.FileName, string(data))
	g.Commit("baseline")
	bare := filepath.Join(t.TempDir(), "mirror.git")
	if err := os.CopyFS(bare, os.DirFS(filepath.Join(g.Dir, ".git"))); err != nil {
		t.Fatal(err)
	}
	// The baseline in the default branch's tree applies.
	r := runLH(t, "", "scan", "--no-progress", bare)
	if r.code != 0 || !strings.Contains(r.out, "baseline .secretsbaseline.json (in HEAD): 4 known secrets not reported") {
		t.Errorf("bare scan: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if r := runLH(t, "", "baseline", "create", "--no-progress", bare); r.code != 2 || !strings.Contains(r.err, "bare repository") {
		t.Errorf("create in a bare repository without -o: exit %d %q", r.code, r.err)
	}
	out := filepath.Join(t.TempDir(), "b.json")
	if r := runLH(t, "", "baseline", "create", "--no-progress", "-o", out, bare); r.code != 0 || len(loadBL(t, out).Entries) != 4 {
		t.Errorf("create -o in a bare repository: exit %d %q", r.code, r.err)
	}
}

// TestHooksHonourTheBaseline pushes and commits with the real git and
// leakhound's hooks: a baselined secret does not block, a new one does.
func TestHooksHonourTheBaseline(t *testing.T) {
	s := newPushSetup(t)
	g := s.g
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n").Commit("deploy script")
	if r := runLH(t, "", "baseline", "create", "--no-progress", g.Dir); r.code != 0 {
		t.Fatalf("create: %s", r.err)
	}
	mustGit(t, s.env, g.Dir, "add", baseline.FileName)
	mustGit(t, s.env, g.Dir, "commit", "-q", "-m", "baseline")
	if out, err := runGit(t, s.env, g.Dir, "push", "origin", "main"); err != nil {
		t.Fatalf("push of a baselined secret blocked: %v\n%s", err, out)
	}
	// The same secret committed again elsewhere is still known.
	os.WriteFile(filepath.Join(g.Dir, "ci.yml"), []byte("token: "+ghToken+"\n"), 0o644)
	mustGit(t, s.env, g.Dir, "add", "ci.yml")
	if out, err := runGit(t, s.env, g.Dir, "commit", "-q", "-m", "ci"); err != nil {
		t.Fatalf("commit of a baselined secret blocked: %v\n%s", err, out)
	}
	// A new one blocks both.
	os.WriteFile(filepath.Join(g.Dir, "billing.py"), []byte("STRIPE = '"+stripeKey+"'\n"), 0o644)
	mustGit(t, s.env, g.Dir, "add", "billing.py")
	if out, err := runGit(t, s.env, g.Dir, "commit", "-q", "-m", "billing"); err == nil || !strings.Contains(out, "stripe-secret-key") {
		t.Fatalf("commit of a new secret: err=%v\n%s", err, out)
	}
	mustGit(t, s.env, g.Dir, "commit", "-q", "--no-verify", "-m", "billing")
	if out, err := runGit(t, s.env, g.Dir, "push", "origin", "main"); err == nil || !strings.Contains(out, "stripe-secret-key") || strings.Contains(out, "github-pat") {
		t.Fatalf("push of a new secret: err=%v\n%s", err, out)
	}
}

// quote puts s in single quotes, as Python source would.
func quote(s string) string { return "'" + s + "'" }

// promptWriter collects an audit's output and closes seen once it has shown
// want answer prompts.
type promptWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want int
	seen chan struct{}
}

func (w *promptWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.seen != nil && strings.Count(w.buf.String(), "[q]uit") >= w.want {
		close(w.seen)
		w.seen = nil
	}
	return len(p), nil
}

func (w *promptWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestBaselineRecordsEveryFinding checks that the baseline commands refuse
// --min-severity and --min-confidence, saying why and writing nothing,
// that their help says so, and that a baseline records a low-severity
// finding (a password in a test) beside a production one.
func TestBaselineRecordsEveryFinding(t *testing.T) {
	g := gittest.New(t)
	pw := "Xq7#mZ2p" + "L9vR"
	g.Write("tests/test_db.py", "conn = connect(host='db', password='"+pw+"')\n")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+gittest.Secrets()["github-token"]+"\n")
	g.Commit("start")
	file := filepath.Join(g.Dir, ".secretsbaseline.json")
	for _, args := range [][]string{
		{"baseline", "create", "--min-severity", "high", g.Dir},
		{"baseline", "update", "--min-confidence", "high", g.Dir},
		{"baseline", "audit", "--stats", "--min-severity", "low", g.Dir},
	} {
		r := runLH(t, "", args...)
		if r.code != 2 || !strings.Contains(r.err, "records every finding") || !strings.Contains(r.err, args[len(args)-3]) {
			t.Errorf("%q: exit %d\n%s", args, r.code, r.err)
		}
		if _, err := os.Stat(file); err == nil {
			t.Fatalf("%q wrote a baseline", args)
		}
	}
	for _, sub := range []string{"create", "update", "audit"} {
		if r := runLH(t, "", "baseline", sub, "--help"); !strings.Contains(r.out, "--min-severity") {
			t.Errorf("baseline %s --help does not say why it takes no --min-severity:\n%s", sub, r.out)
		}
	}
	if r := runLH(t, "", "baseline", "create", g.Dir); r.code != 0 {
		t.Fatalf("create: exit %d\n%s", r.code, r.err)
	}
	b, err := baseline.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, e := range b.Entries {
		files[e.File] = true
	}
	if !files["tests/test_db.py"] || !files["deploy.sh"] {
		t.Errorf("baseline holds %v, want the test password and the token", files)
	}
	// scan applies the baseline, then the filter, to what it shows.
	if r := runLH(t, "", "scan", "--no-progress", "--min-severity", "high", g.Dir); r.code != 0 {
		t.Errorf("scan with the baseline: exit %d\n%s%s", r.code, r.out, r.err)
	}
}
