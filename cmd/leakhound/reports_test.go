package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
)

func TestSeveralReportsInOneRun(t *testing.T) {
	g := seedRepo(t)
	dir := t.TempDir()
	sarifPath, jsonPath, csvPath := filepath.Join(dir, "a.sarif"), filepath.Join(dir, "b.json"), filepath.Join(dir, "c.csv")
	r := runLH(t, "", "scan", "--no-progress",
		"--format", "sarif", "--output", sarifPath,
		"-f", "json", "-o", jsonPath,
		"-f", "text",
		"-f", "csv", "-o", csvPath,
		g.Dir)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, p := range []string{sarifPath, jsonPath, csvPath} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", p, fi.Mode().Perm())
		}
	}
	var log struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	data, _ := os.ReadFile(sarifPath)
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs[0].Results) != 4 {
		t.Errorf("SARIF: %v, %d results", err, len(log.Runs[0].Results))
	}
	// Without --redact, machine formats hold the secret and text masks it.
	data, _ = os.ReadFile(jsonPath)
	if rep := parseJSON(t, string(data)); len(rep.Findings) != 4 || !strings.Contains(string(data), ghToken) {
		t.Errorf("JSON report: %d findings", len(rep.Findings))
	}
	if !strings.Contains(r.out, "4 leaks found") || strings.Contains(r.out, ghToken) || strings.Contains(r.out, `"runs"`) {
		t.Errorf("standard output is not the masked text report:\n%s", r.out)
	}
	data, _ = os.ReadFile(csvPath)
	if rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll(); err != nil || len(rows) != 5 {
		t.Errorf("CSV: %v, %d rows", err, len(rows))
	}

	// --redact masks every report.
	r = runLH(t, "", "scan", "--no-progress", "--redact", "-f", "sarif", "-o", sarifPath, "-f", "csv", "-o", csvPath, "-f", "json", g.Dir)
	for _, p := range []string{sarifPath, csvPath} {
		data, _ := os.ReadFile(p)
		for _, s := range []string{djangoKey, dbPass, ghToken, slackHook} {
			if strings.Contains(string(data)+r.out, s) {
				t.Errorf("%s or stdout holds a secret despite --redact", p)
			}
		}
	}
	// No text report on standard output: the summary goes to stderr.
	if !strings.Contains(r.err, "4 leaks found") {
		t.Errorf("stderr: %s", r.err)
	}
}

func TestReportFlagPairing(t *testing.T) {
	g := gittestClean(t)
	dir := t.TempDir()
	// The single case works either way round, as it always did.
	out := filepath.Join(dir, "r.json")
	if r := runLH(t, "", "scan", "--no-progress", "-o", out, "-f", "json", g); r.code != 0 {
		t.Fatalf("-o before -f: exit %d %s", r.code, r.err)
	}
	if data, err := os.ReadFile(out); err != nil || !json.Valid(data) {
		t.Errorf("-o before -f: %v %s", err, data)
	}
	// -o alone writes text.
	out = filepath.Join(dir, "r.txt")
	if r := runLH(t, "", "scan", "--no-progress", "-o", out, g); r.code != 0 {
		t.Fatalf("-o alone: exit %d %s", r.code, r.err)
	}
	if data, _ := os.ReadFile(out); !strings.Contains(string(data), "no leaks found") {
		t.Errorf("-o alone: %s", data)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-f", "json", "-f", "sarif"}, "more than one report to standard output"},
		{[]string{"-f", "json", "-o", filepath.Join(dir, "a"), "-o", filepath.Join(dir, "b")}, "no --format for it"},
		{[]string{"-f", "json", "-o", filepath.Join(dir, "a"), "-f", "csv", "-o", filepath.Join(dir, "a")}, "the same file as"},
		{[]string{"-f", "xml"}, "want one of text, json, sarif"},
	} {
		r := runLH(t, "", append(append([]string{"scan", "--no-progress"}, tc.args...), g)...)
		if r.code != 2 || !strings.Contains(r.err, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, r.code, r.err, tc.want)
		}
	}
}

// TestOutputPaths: -o picks the format from the file's extension when no
// --format names it; a bad --output (a missing directory, a directory, a
// symbolic link, two names of one file) is an error before the scan, that
// names no temporary file and writes nothing.
func TestOutputPaths(t *testing.T) {
	g := gittestClean(t)
	dir := t.TempDir()
	for name, want := range map[string]string{"leaks.sarif": `"version": "2.1.0"`, "leaks.xml": "<testsuites", "leaks.csv": "rule_id,description", "leaks.out": "no leaks found"} {
		out := filepath.Join(dir, name)
		if r := runLH(t, "", "scan", "--no-progress", "-o", out, g); r.code != 0 {
			t.Fatalf("-o %s: exit %d %s", name, r.code, r.err)
		}
		if data, _ := os.ReadFile(out); !strings.Contains(string(data), want) {
			t.Errorf("-o %s: want %q in\n%s", name, want, data)
		}
	}
	victim := filepath.Join(dir, "authorized_keys")
	os.WriteFile(victim, []byte("ssh-ed25519 AAAA mine\n"), 0o600)
	link := filepath.Join(dir, "leakhound-junit.xml")
	os.Symlink(victim, link)
	hard := filepath.Join(dir, "hard.json")
	os.Link(victim, hard)
	sub := filepath.Join(dir, "sub")
	os.Symlink(dir, sub)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-f", "junit", "-o", link}, "is a symbolic link"},
		{[]string{"-f", "json", "-o", filepath.Join(dir, "missing", "r.json")}, "no such file or directory"},
		{[]string{"-f", "json", "-o", dir}, "is a directory"},
		{[]string{"-f", "json", "-o", filepath.Join(dir, "x.json"), "-f", "csv", "-o", filepath.Join(sub, "x.json")}, "the same file as"},
		{[]string{"-f", "json", "-o", hard, "-f", "csv", "-o", victim}, "the same file as"},
		{[]string{"-f", "json", "-o", os.DevNull, "-f", "csv", "-o", "/dev/./null"}, "the same file as"},
	} {
		r := runLH(t, "", append(append([]string{"scan", "--no-progress"}, tc.args...), g)...)
		if r.code != 2 || !strings.Contains(r.err, tc.want) || strings.Contains(r.err, ".tmp") || strings.Contains(r.err, "scanned") {
			t.Errorf("%v: exit %d, stderr %q, want %q before the scan", tc.args, r.code, r.err, tc.want)
		}
	}
	if data, _ := os.ReadFile(victim); string(data) != "ssh-ed25519 AAAA mine\n" {
		t.Errorf("the link's target was written: %q", data)
	}
}

// gittestClean returns a repository with one clean commit.
func gittestClean(t *testing.T) string {
	t.Helper()
	g := gittest.New(t)
	g.Write("a.py", "print('hi')\n").Commit("one")
	return g.Dir
}
