package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
)

// TestTriageFlags checks that every finding of the seed repository has a
// severity, a confidence and a context in JSON; that --min-severity and
// --min-confidence leave findings out and count them; and that bad values
// are errors.
func TestTriageFlags(t *testing.T) {
	g := seedRepo(t)
	all := runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
	rep := parseJSON(t, all.out)
	if len(rep.Findings) == 0 {
		t.Fatalf("no findings: %s", all.err)
	}
	for _, f := range rep.Findings {
		if f.Severity == "" || f.Confidence == "" || f.Context.Label == "" || f.Context.Path == "" {
			t.Errorf("%s: severity %q confidence %q context %+v", f.RuleID, f.Severity, f.Confidence, f.Context)
		}
	}
	high := runLH(t, "", "scan", "--no-progress", "-f", "json", "--min-severity", "high", "--min-confidence", "high", g.Dir)
	hr := parseJSON(t, high.out)
	for _, f := range hr.Findings {
		if f.Severity != "high" && f.Severity != "critical" || f.Confidence != "high" {
			t.Errorf("kept %s %s/%s", f.RuleID, f.Severity, f.Confidence)
		}
	}
	if len(hr.Findings) >= len(rep.Findings) || !strings.Contains(high.out, `"filtered": `) {
		t.Errorf("--min-severity high kept %d of %d:\n%s", len(hr.Findings), len(rep.Findings), high.out)
	}
	for _, args := range [][]string{{"--min-severity", "severe"}, {"--min-confidence", "sure"}} {
		if r := runLH(t, "", append([]string{"scan", "--no-progress"}, append(args, g.Dir)...)...); r.code != 2 || !strings.Contains(r.err, args[0]) {
			t.Errorf("%q: exit %d %q", args, r.code, r.err)
		}
	}
}

// TestCIFailOn checks that ci fails only on findings at or above
// --fail-on: a password in a test is reported and passes by default,
// and fails with --fail-on info.
func TestCIFailOn(t *testing.T) {
	g := gittest.New(t)
	g.Write("app.py", "print('hi')\n")
	base := g.Commit("base")
	pw := "Xq7#mZ2p" + "L9vR"
	g.Write("tests/test_db.py", "conn = connect(host='db', password='"+pw+"')\n").Commit("test")
	r, rep := ciRun(t, "--base", base, g.Dir)
	if r.code != 0 || len(rep.Findings) != 1 || !strings.Contains(r.err, "none at or above --fail-on medium") {
		t.Errorf("default --fail-on: exit %d, %d findings\n%s", r.code, len(rep.Findings), r.err)
	}
	if r, _ := ciRun(t, "--base", base, "--fail-on", "info", g.Dir); r.code != 1 {
		t.Errorf("--fail-on info: exit %d\n%s", r.code, r.err)
	}
	if r, _ := ciRun(t, "--base", base, "--fail-on", "bad", g.Dir); r.code != 2 {
		t.Errorf("--fail-on bad: exit %d", r.code)
	}
}

// TestPreCommitFailOn checks that the pre-commit hook lets through a
// staged finding below --fail-on, saying so, and blocks it at or above.
func TestPreCommitFailOn(t *testing.T) {
	g := gittest.New(t)
	g.Write("app.py", "print('hi')\n").Commit("base")
	pw := "Xq7#mZ2p" + "L9vR"
	g.Write("tests/test_db.py", "conn = connect(host='db', password='"+pw+"')\n")
	if r := runLH(t, g.Dir, "hook", "pre-commit"); r.code != 0 || !strings.Contains(r.err, "below --fail-on medium, not blocking the commit") {
		t.Errorf("default: exit %d\n%s", r.code, r.err)
	}
	if r := runLH(t, g.Dir, "hook", "pre-commit", "--fail-on", "info"); r.code != 1 {
		t.Errorf("--fail-on info: exit %d\n%s", r.code, r.err)
	}
}

// TestNamePartsAndPlaceholders drives a scan over names that only contain
// a secret word (AUTHOR is not AUTH, MONKEY is not KEY) and over markup
// placeholders (<<CLIENT_SECRET>>, [PASSWORD], <user:password>): none of
// them is a finding, while a real key assigned to API_KEY beside them is.
func TestNamePartsAndPlaceholders(t *testing.T) {
	g := gittest.New(t)
	g.Write("app.py", strings.Join([]string{
		"import os",
		`os.environ["GIT_AUTHOR_EMAIL"] = "release-bot@example.org"`,
		`os.environ.setdefault("GIT_AUTHOR_NAME", "Release Bot Qx7")`,
		`MONKEY = "Xq7vB2pLm9RtK4wZ"`,
		`monkey_patch_value = "Hj3kL9mN2pQ8rT5v"`,
		`keyboardLayout = "Zr8tY2wQ6nM4pL7x"`,
		"",
	}, "\n"))
	g.Write("docs/setup.md", strings.Join([]string{
		"client_secret: <<CLIENT_SECRET>>",
		"password = [PASSWORD]",
		`url = "https://<user:password>@db.example.com/app"`,
		"DB_PASSWORD=<user:password>",
		"",
	}, "\n"))
	g.Write("settings.py", "API_KEY = \""+"Xq7vB2pLm9"+"RtK4wZ8sYc\"\n")
	g.Commit("names and placeholders")
	r := runLH(t, "", "scan", "--no-progress", "-f", "json", g.Dir)
	rep := parseJSON(t, r.out)
	if r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].File != "settings.py" {
		for _, f := range rep.Findings {
			t.Errorf("finding %s at %s:%d (%s)", f.RuleID, f.File, f.Line, f.Match)
		}
		t.Fatalf("exit %d, %d findings, want 1 in settings.py\n%s", r.code, len(rep.Findings), r.err)
	}
}

// TestIncludeKnown checks the command line end to end: AWS's documented
// example key alone in a settings file gives exit 0 and a summary line
// that says it was not reported; --include-known reports it (low,
// publicly known) and exits 1; the pre-commit hook, which takes the same
// flag, does not block a commit of it.
func TestIncludeKnown(t *testing.T) {
	dir := t.TempDir()
	// Assembled, so that leakhound's own source does not hold it whole.
	example := "AKIAIOSFODNN7" + "EXAMPLE"
	if err := os.WriteFile(filepath.Join(dir, "settings.py"), []byte("AWS_ACCESS_KEY_ID = '"+example+"'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runLH(t, "", "scan", "--no-progress", "--no-git", dir)
	if r.code != 0 || !strings.Contains(r.out+r.err, "not reported: 1 publicly known example value that opens no account (--include-known reports them)") {
		t.Errorf("default: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = runLH(t, "", "scan", "--no-progress", "--no-git", "-f", "json", "--include-known", dir)
	rep := parseJSON(t, r.out)
	if r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].Severity != "low" || rep.Findings[0].Context.Known == "" {
		t.Errorf("--include-known: exit %d %+v", r.code, rep.Findings)
	}

	g := gittest.New(t)
	g.Write("settings.py", "AWS_ACCESS_KEY_ID = '"+example+"'\n")
	if r := runLH(t, g.Dir, "hook", "pre-commit", "--fail-on", "info"); r.code != 0 {
		t.Errorf("pre-commit --fail-on info: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if r := runLH(t, g.Dir, "hook", "pre-commit", "--fail-on", "info", "--include-known"); r.code != 1 {
		t.Errorf("pre-commit --fail-on info --include-known: exit %d\n%s%s", r.code, r.out, r.err)
	}
}
