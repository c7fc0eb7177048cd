package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
)

// fake secrets are assembled at run time, so that the source tree holds
// none that leakhound would find in itself. Those the seed repository
// plants are the recipe's (gittest.Secrets); the others are this
// package's own.
var (
	seedSecrets = gittest.Secrets()
	djangoKey   = seedSecrets["django-key"]
	ghToken     = seedSecrets["github-token"]
	dbPass      = seedSecrets["db-password"]
	slackHook   = seedSecrets["slack-webhook"]
	awsID       = "AKIA" + "Z7QK3MXB2VN4LWPD"
	stripeKey   = "sk_live_" + "51Hq8ZkX3mP9vL2nR7tW4bY6cJ0dF5gS1a"
)

// result is a finished in-process run of leakhound.
type result struct {
	code     int
	out, err string
}

func runLH(t *testing.T, dir string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	if dir != "" {
		wd, _ := os.Getwd()
		if err := os.Chdir(dir); err != nil {
			t.Fatal(err)
		}
		defer os.Chdir(wd)
	}
	code := runContext(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	return result{code, out.String(), errb.String()}
}

type jsonReport struct {
	Findings []leak.Finding `json:"findings"`
	Summary  struct {
		Commits    int            `json:"commits"`
		Blobs      int            `json:"blobs"`
		Skipped    map[string]int `json:"skipped"`
		Shallow    bool           `json:"shallow"`
		Errors     int            `json:"errors"`
		Incomplete bool           `json:"incomplete"`
	} `json:"summary"`
}

func parseJSON(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, s)
	}
	return r
}

func find(r jsonReport, rule string) *leak.Finding {
	for i := range r.Findings {
		if r.Findings[i].RuleID == rule {
			return &r.Findings[i]
		}
	}
	return nil
}

// seedRepo builds the shared seed repository (a small Django project's
// history with planted secrets and decoys, testdata/seeds/django.recipe),
// as the engine's and the example program's tests do: its commit ids by
// label, and the findings a scan of it must report.
func seedRepo(t *testing.T) *gittest.Recipe {
	t.Helper()
	return gittest.BuildRecipe(t, filepath.Join(testdata, "seeds", "django.recipe"), seedSecrets)
}

// TestScanFindsPlantedSecretsAtTheirIntroduction scans the seed
// repository through the command: exactly the findings its recipe wants
// (each at the commit that introduced it, with its secret, in HEAD or
// not), with their commits' metadata and fingerprints.
func TestScanFindsPlantedSecretsAtTheirIntroduction(t *testing.T) {
	g := seedRepo(t)
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.err)
	}
	rep := parseJSON(t, r.out)
	g.Check(t, rep.Findings)
	for _, f := range rep.Findings {
		if f.Author != "Dev Eloper" || f.Email != "dev@example.com" || f.Date.IsZero() || f.Message == "" {
			t.Errorf("%s: commit metadata missing: %+v", f.RuleID, f.Location)
		}
		if !strings.HasPrefix(f.Fingerprint, "v1:") || f.Fingerprint != leak.Fingerprint(f.RuleID, f.Secret) {
			t.Errorf("%s: fingerprint %q", f.RuleID, f.Fingerprint)
		}
	}
	if f := find(rep, "django-secret-key"); f != nil {
		if f.Line != 2 || f.Column != 15 {
			t.Errorf("django key at %d:%d, want 2:15", f.Line, f.Column)
		}
		// The move is another place the key sits, not a new finding.
		var locs []string
		for _, l := range f.Locations {
			locs = append(locs, l.File)
		}
		if !slices.Equal(locs, []string{"mysite/settings/base.py"}) {
			t.Errorf("locations %v", locs)
		}
	}
	if rep.Summary.Commits != len(g.Commits) {
		t.Errorf("summary commits %d, want %d", rep.Summary.Commits, len(g.Commits))
	}
}

func TestScanOutputIsDeterministic(t *testing.T) {
	g := seedRepo(t)
	var outs []string
	for _, threads := range []string{"1", "2", "7"} {
		r := runLH(t, "", "scan", "--no-progress", "-f", "json", "--threads", threads, g.Dir)
		rep := parseJSON(t, r.out)
		b, _ := json.Marshal(rep.Findings)
		outs = append(outs, string(b))
	}
	if outs[0] != outs[1] || outs[0] != outs[2] {
		t.Error("findings differ between thread counts")
	}
}

func TestRangeBranchAndSince(t *testing.T) {
	g := seedRepo(t)
	c := g.Commits
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", "--range", c["decoys"]+"..experiment", g.Dir)
	rep := parseJSON(t, r.out)
	if len(rep.Findings) != 1 || rep.Findings[0].RuleID != "github-pat" || rep.Summary.Commits != 1 {
		t.Errorf("range: %d commits, findings %+v", rep.Summary.Commits, rep.Findings)
	}
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--branch", "main", g.Dir)
	rep = parseJSON(t, r.out)
	if find(rep, "github-pat") != nil || find(rep, "slack-webhook") == nil {
		t.Errorf("--branch main: %+v", rep.Findings)
	}
	// A range whose base already holds a secret in a file the range edits
	// does not report it again.
	g.Checkout("main")
	g.Write("mysite/settings/base.py", "DEBUG = False\nSECRET_KEY = '"+djangoKey+"'\nALLOWED_HOSTS = ['*']\n")
	head := g.Commit("hosts")
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--range", c["move"]+".."+head, g.Dir)
	if rep := parseJSON(t, r.out); len(rep.Findings) != 0 || r.code != 0 {
		t.Errorf("edit of a file with an old secret: exit %d, %+v", r.code, rep.Findings)
	}
}

func TestRedactAndReportFile(t *testing.T) {
	g := seedRepo(t)
	out := filepath.Join(t.TempDir(), "report.json")
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", "--redact", "-o", out, g.Dir)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(out)
	all := string(data) + r.out + r.err
	for _, s := range []string{djangoKey, dbPass, ghToken, slackHook} {
		if strings.Contains(all, s) {
			t.Errorf("--redact output contains a secret (%.6s…)", s)
		}
	}
	if rep := parseJSON(t, string(data)); len(rep.Findings) != 4 || !strings.Contains(rep.Findings[0].Secret, "…") {
		t.Errorf("redacted report: %+v", rep.Findings)
	}
	if !strings.Contains(r.err, "4 leaks found") {
		t.Errorf("stderr summary: %q", r.err)
	}
}

func TestTextOutputMasksUnlessAsked(t *testing.T) {
	g := seedRepo(t)
	r := runLH(t, "", "scan", "--no-progress", g.Dir)
	if strings.Contains(r.out, ghToken) || !strings.Contains(r.out, ghToken[:4]+"…") {
		t.Errorf("text output not masked:\n%s", r.out)
	}
	if !strings.Contains(r.out, "scripts/deploy.sh:1:") || !strings.Contains(r.out, "4 leaks found") {
		t.Errorf("text output:\n%s", r.out)
	}
	r = runLH(t, "", "scan", "--no-progress", "--show-secrets", g.Dir)
	if !strings.Contains(r.out, ghToken) {
		t.Error("--show-secrets did not show the secret")
	}
}

func TestExitCodes(t *testing.T) {
	clean := gittest.New(t)
	clean.Write("a.py", "print('hello')\n").Commit("one")
	if r := runLH(t, "", "scan", "--no-progress", clean.Dir); r.code != 0 || !strings.Contains(r.out, "no leaks found") {
		t.Errorf("clean: exit %d\n%s%s", r.code, r.out, r.err)
	}
	g := seedRepo(t)
	if r := runLH(t, "", "scan", "--no-progress", "--exit-code", "42", g.Dir); r.code != 42 {
		t.Errorf("--exit-code 42: exit %d", r.code)
	}
	if r := runLH(t, "", "scan", "--no-progress", "--format", "xml", g.Dir); r.code != 2 || !strings.Contains(r.err, "--format") {
		t.Errorf("bad format: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "scan", "--bogus"); r.code != 2 || !strings.Contains(r.err, "unknown flag") {
		t.Errorf("bad flag: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "scan", "--no-progress", t.TempDir()); r.code != 2 || !strings.Contains(r.err, "not a git repository") || !strings.Contains(r.err, "--no-git") {
		t.Errorf("not a repository: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "scan", "--no-progress", "/no/such/path"); r.code != 2 || strings.Contains(r.err, "goroutine") {
		t.Errorf("missing path: exit %d %q", r.code, r.err)
	}
	if r := runLH(t, "", "scan", "--no-progress", "--range", "nope..alsonope", g.Dir); r.code != 2 || !strings.Contains(r.err, "nope") {
		t.Errorf("bad range: exit %d %q", r.code, r.err)
	}
}

func TestBadRulesFiles(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.py", "x = 1\n").Commit("one")
	bad := filepath.Join(t.TempDir(), "rules.toml")
	os.WriteFile(bad, []byte("[[rules]]\nid = \"r1\"\nregex = '''(open'''\n\n[[rules]]\nid = \"r2\"\nregex = \"x\"\nkeywrds = [\"x\"]\n"), 0o600)
	r := runLH(t, "", "scan", "--no-progress", "--config", bad, g.Dir)
	if r.code != 2 {
		t.Fatalf("exit %d", r.code)
	}
	for _, want := range []string{bad + `:3: rule "r1": bad regex: missing closing )`, bad + `:8: rule "r2": unknown key "keywrds"`} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	os.WriteFile(bad, []byte("[[rules]\nid = 1\n"), 0o600)
	if r := runLH(t, "", "scan", "--no-progress", "--config", bad, g.Dir); r.code != 2 || !strings.Contains(r.err, bad+":2: TOML syntax") {
		t.Errorf("syntax error: exit %d %q", r.code, r.err)
	}
}

func TestRepositoryRulesFileIsUsed(t *testing.T) {
	g := gittest.New(t)
	g.Write(".secretsrules.toml", "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"acme\"\nregex = '''acme_[a-z0-9]{12}'''\nkeywords = [\"acme_\"]\n")
	g.Write("a.txt", "key: acme_"+"abcdef123456\n")
	g.Commit("one")
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
	if rep := parseJSON(t, r.out); find(rep, "acme") == nil {
		t.Errorf("repository rule not applied: %s", r.out)
	}
	// --config wins over the repository's file.
	other := filepath.Join(t.TempDir(), "r.toml")
	os.WriteFile(other, []byte("[[rules]]\nid = \"zzz\"\nregex = 'zzz'\n"), 0o600)
	r = runLH(t, "", "scan", "--no-progress", "-f", "json", "--config", other, g.Dir)
	if rep := parseJSON(t, r.out); len(rep.Findings) != 0 {
		t.Errorf("--config ignored: %s", r.out)
	}
}

func TestMissingObjectIsAnErrorButKeepsFindings(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.py", "GITHUB_TOKEN = '"+ghToken+"'\n").Write("b.txt", "lost\n").Commit("one")
	lost := g.BlobID("HEAD", "b.txt")
	g.RemoveObject(lost)
	out := filepath.Join(t.TempDir(), "r.json")
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", "-o", out, g.Dir)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2", r.code)
	}
	if !strings.Contains(r.err, lost) || !strings.Contains(r.err, "incomplete") {
		t.Errorf("stderr: %s", r.err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rep := parseJSON(t, string(data))
	if find(rep, "github-pat") == nil || !rep.Summary.Incomplete || rep.Summary.Errors != 1 {
		t.Errorf("report: %+v", rep)
	}
}

func TestNoGitAndStdin(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "conf"), 0o755)
	os.WriteFile(filepath.Join(dir, "conf", "settings.py"), []byte("STRIPE = '"+stripeKey+"'\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "clean.txt"), []byte("nothing\n"), 0o600)
	os.Symlink("/etc/passwd", filepath.Join(dir, "escape"))
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", "--no-git", dir)
	rep := parseJSON(t, r.out)
	// Paths as given (absolute here), judged below the directory: not
	// as a test for the test's temporary directory's name.
	if r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].File != filepath.ToSlash(dir)+"/conf/settings.py" || rep.Findings[0].Commit != "" || rep.Findings[0].Context.Path != "code" {
		t.Fatalf("--no-git: exit %d %+v", r.code, rep.Findings)
	}
	if rep.Summary.Skipped["symlink"] != 1 {
		t.Errorf("symlink not counted: %v", rep.Summary.Skipped)
	}

	var out, errb bytes.Buffer
	code := runContext(context.Background(), []string{"scan", "-f", "json", "-"}, stdio{in: strings.NewReader("token: " + ghToken + "\n"), out: &out, err: &errb})
	rep = parseJSON(t, out.String())
	if code != 1 || len(rep.Findings) != 1 || rep.Findings[0].File != "-" || rep.Findings[0].Line != 1 {
		t.Errorf("stdin: exit %d %+v %s", code, rep.Findings, errb.String())
	}
}

func TestShallowCloneIsSaid(t *testing.T) {
	g := gittest.New(t)
	g.Write("a", "1\n").Commit("one")
	c2 := g.Write("a", "2\n").Commit("two")
	g.MakeShallow(c2)
	r := runLH(t, "", "scan", "--no-progress", g.Dir)
	if r.code != 0 || !strings.Contains(r.out, "shallow clone") {
		t.Errorf("exit %d:\n%s%s", r.code, r.out, r.err)
	}
}

func TestRulesCommands(t *testing.T) {
	r := runLH(t, "", "rules", "test")
	if r.code != 0 || !strings.Contains(r.out, "0 failed") {
		t.Errorf("rules test: exit %d\n%s", r.code, r.out)
	}
	r = runLH(t, "", "rules", "list")
	if r.code != 0 || !strings.Contains(r.out, "django-secret-key") {
		t.Errorf("rules list: exit %d\n%s", r.code, r.out)
	}
	bad := filepath.Join(t.TempDir(), "r.toml")
	os.WriteFile(bad, []byte("[[rules]]\nid = \"a\"\nregex = '''a([0-9]+)'''\n  [[rules.examples]]\n  text = \"a12\"\n  secret = \"99\"\n"), 0o600)
	r = runLH(t, "", "rules", "test", "--config", bad)
	if r.code != 1 || !strings.Contains(r.out, `rule "a": example must yield "99"`) {
		t.Errorf("failing example: exit %d\n%s", r.code, r.out)
	}
}
