package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/report"
)

// crossHistory plants secrets where only the report's other fields hold
// them: the GitHub token is found in deploy.sh, and is also the name of a
// file and part of a commit message; the Slack webhook is found in
// hooks.py and is also in a commit message and inside the line of
// another finding.
func crossHistory(t *testing.T) *gittest.Repo {
	t.Helper()
	g := gittest.New(t)
	g.Write("README.md", "hello\n")
	g.Commit("start")
	g.Branch("feature")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n")
	g.Write("hooks.py", "SLACK = '"+slackHook+"'\n")
	g.Write("notes/"+ghToken+".txt", "see the webhook\n")
	g.Commit("deploy with " + ghToken + " and " + slackHook)
	g.Write("settings.py", "SECRET_KEY = '"+djangoKey+"'  # was "+slackHook+"\n")
	g.Commit("settings\n\nold hook: " + slackHook)
	return g
}

// TestRedactMasksEverySecretEverywhere writes every report format with
// --redact, and `leakhound ci`'s reports and GitHub job summary, for a
// history whose secrets also sit in file names, commit messages and other
// findings' lines, and looks for each whole secret in every byte written.
func TestRedactMasksEverySecretEverywhere(t *testing.T) {
	g := crossHistory(t)
	dir := t.TempDir()
	args := []string{"scan", "--no-progress", "--redact", "--no-baseline"}
	var files []string
	for _, f := range report.Formats() {
		p := filepath.Join(dir, "r-"+f)
		files = append(files, p)
		args = append(args, "-f", f, "-o", p)
	}
	r := runLH(t, "", append(args, g.Dir)...)
	if r.code != 1 {
		t.Fatalf("scan: exit %d, want 1\n%s", r.code, r.err)
	}
	all := r.out + r.err
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "deploy.sh") {
			t.Errorf("%s: no finding in deploy.sh:\n%s", filepath.Base(p), data)
		}
		noSecrets(t, "scan --redact -f "+strings.TrimPrefix(filepath.Base(p), "r-"), string(data))
		all += string(data)
	}
	noSecrets(t, "scan --redact's stdout and stderr", r.out+r.err)

	// ci masks always: its text, JSON, annotations and job summary.
	summary := githubEnv(t, "pull_request", prEvent(3, g.Resolve("main").String(), g.Head()), g.Head())
	out := filepath.Join(dir, "ci.json")
	r = runLH(t, "", "ci", "--no-progress", "-f", "json", "-o", out, "-f", "text", g.Dir)
	if r.code != 1 {
		t.Fatalf("ci: exit %d, want 1\n%s", r.code, r.err)
	}
	js, _ := os.ReadFile(out)
	md, _ := os.ReadFile(summary)
	if !strings.Contains(string(md), "deploy.sh") || !strings.Contains(r.out, "::error file=deploy.sh") {
		t.Errorf("ci: no finding in the job summary or annotations:\n%s\n%s", md, r.out)
	}
	noSecrets(t, "ci's JSON report", string(js))
	noSecrets(t, "ci's stdout and stderr", r.out+r.err)
	noSecrets(t, "ci's job summary", string(md))
}

// TestCIWorkflowCommandsInert: on GitHub Actions, nothing leakhound ci
// prints from the repository (a commit message, a file name) is read by
// the runner as a workflow command; its own annotations still are.
func TestCIWorkflowCommandsInert(t *testing.T) {
	g := gittest.New(t)
	g.Write("README.md", "hello\n")
	base := g.Commit("start")
	g.Branch("feature")
	g.Write("deploy.sh", "export GITHUB_TOKEN="+ghToken+"\n")
	g.Write("##[add-mask]x/app.env", "STRIPE="+stripeKey+"\n")
	head := g.Commit("::add-mask::deploy\n\n::stop-commands::abc")
	githubEnv(t, "pull_request", prEvent(3, base, head), head)
	r := runLH(t, "", "ci", "--no-progress", "--base", "no-such-ref::add-mask::x", g.Dir)
	if r.code != 2 {
		t.Fatalf("bad --base: exit %d\n%s", r.code, r.err)
	}
	log := r.out + r.err
	r = runLH(t, "", "ci", "--no-progress", g.Dir)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	log += r.out + r.err
	annotations := 0
	for _, line := range strings.Split(log, "\n") {
		// The runner's two syntaxes: "::cmd ...::" at the start of a line
		// after white space, and, when that is not one, "##[cmd]" anywhere.
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "::error file=") || strings.HasPrefix(trimmed, "::warning file="):
			annotations++
		case strings.HasPrefix(trimmed, "::") || strings.Contains(line, "##["):
			t.Errorf("a line the runner reads as a command: %q", line)
		}
	}
	if annotations != 2 {
		t.Errorf("%d annotations, want 2:\n%s", annotations, log)
	}
}

// TestErrorsEscapeControlCharacters: an error that names a ref or path
// from the command line or a repository shows its control characters
// escaped, so that it cannot drive the terminal.
func TestErrorsEscapeControlCharacters(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.py", "x = 1\n").Commit("one")
	r := runLH(t, "", "scan", "--no-progress", "--branch", "x\x1b]0;owned\x07\x1b[2J", g.Dir)
	if r.code != 2 || strings.ContainsAny(r.err, "\x1b\x07") || !strings.Contains(r.err, `\x1b`) {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

// TestFlagValuesValidated: sizes that are not a number of bytes and exit
// statuses a process cannot have are errors, not a silent default.
func TestFlagValuesValidated(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.py", "x = 1\n").Commit("one")
	for _, tc := range []struct{ flag, value, want string }{
		{"--max-file-size", "NaN", "bad size"},
		{"--max-file-size", "1e30", "more than 1024GiB"},
		{"--max-file-size", "0.5", "less than one byte"},
		{"--max-file-size", "Inf", "bad size"},
		{"--exit-code", "256", "0 to 255"},
		{"--exit-code", "-1", "0 to 255"},
	} {
		r := runLH(t, "", "scan", "--no-progress", tc.flag, tc.value, g.Dir)
		if r.code != 2 || !strings.Contains(r.err, tc.want) {
			t.Errorf("%s %s: exit %d, stderr %q, want %q", tc.flag, tc.value, r.code, r.err, tc.want)
		}
	}
	if r := runLH(t, "", "scan", "--no-progress", "--max-file-size", "1.5MiB", "--exit-code", "0", g.Dir); r.code != 0 {
		t.Errorf("valid values: exit %d\n%s", r.code, r.err)
	}
}
