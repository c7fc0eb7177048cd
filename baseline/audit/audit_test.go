package audit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/leak"
)

// TestRun reviews a directory's baseline from a reader: no terminal, no
// command line. The answer is saved with the reviewer and the note; the
// secret is shown highlighted in its context.
func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	token := "ghp_" + "Xq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiOp"
	os.WriteFile(filepath.Join(dir, "deploy.sh"), []byte("#!/bin/sh\nexport GITHUB_TOKEN="+token+"\necho done\n"), 0o600)
	b := baseline.FromFindings([]leak.Finding{{RuleID: "github-pat", Secret: token, Fingerprint: leak.Fingerprint("github-pat", token), Location: leak.Location{File: "deploy.sh", Line: 2}}})
	file := filepath.Join(dir, baseline.FileName)
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := detect.New(cfg, detect.Options{IgnoreInlineAllows: true})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err = Run(context.Background(), b, Options{In: strings.NewReader("x\nf test fixture\n"), Out: &out, File: file, Root: dir, Detector: d, Context: 1, Reviewer: "QA"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[1/1] github-pat", "deploy.sh:2", "answer a, f, r, s or q", "false positive, saved", "reviewed 1 (0 accepted, 1 false positive, 0 revoked), skipped 0; 0 unreviewed left"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(out.String(), "^^^^") {
		t.Errorf("the secret is not marked:\n%s", out.String())
	}
	saved, err := baseline.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if e := saved.Entries[0]; e.Status != baseline.FalsePositive || e.Note != "test fixture" || e.ReviewedBy != "QA" {
		t.Errorf("saved %+v", e)
	}
	var stats strings.Builder
	if err := WriteStats(&stats, file, saved); err != nil || !strings.Contains(stats.String(), "github-pat") {
		t.Errorf("stats: %v\n%s", err, stats.String())
	}
}

func TestParseAnswer(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{"a": "review accepted", "F  a note ": "review false_positive a note", "revoked": "review revoked", "s": "skip", "q": "quit", "x": ""} {
		status, note, verb := parseAnswer(line)
		if got := strings.TrimSpace(strings.Join([]string{verb, string(status), note}, " ")); got != want {
			t.Errorf("%q: %q, want %q", line, got, want)
		}
	}
}
