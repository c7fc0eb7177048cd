package scan_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// A fake token, assembled at run time so that the source holds none.
var token = "ghp_" + "Xq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiOp"

// Scan a repository's whole history as `leakhound scan` does: a secret
// committed and then removed is still found, once, at the commit that
// introduced it, and marked as no longer in HEAD.
func ExampleRun() {
	path := exampleRepo() // a work tree, a bare repository or a linked worktree
	defer os.RemoveAll(path)

	repo, err := gitwalk.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer repo.Close()
	// The repository's own .secretsrules.toml and .secretsbaseline.json,
	// as the command would pick them.
	settings, err := scan.LoadSettings(context.Background(), scan.Policy{Repo: repo, Dir: repo.WorkTree()})
	if err != nil {
		log.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), &scan.History{Repo: repo, Name: path, Label: "all refs"}, scan.Options{
		Settings: settings,
		OnError:  func(item string, err error) error { log.Printf("%s: %v", item, err); return nil },
	})
	if err != nil {
		log.Fatal(err)
	}
	// Reporters (report.JSON{}, report.SARIF{}, ...) mask secrets unless
	// told to show them; report.Masked masks them for printing by hand.
	for _, f := range report.Masked(rep).Findings {
		fmt.Printf("%s %s:%d %s in HEAD: %v\n", f.RuleID, f.File, f.Line, f.Secret, f.InHead)
	}
	fmt.Printf("%d commits scanned\n", rep.Summary.Commits)
	// Output:
	// github-pat deploy.sh:2 ghp_… (40 chars) in HEAD: false
	// 3 commits scanned
}

// exampleRepo makes a repository with the git command: a script, a token
// added to it, the token moved out of the repository.
func exampleRepo() string {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			log.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	commit := func(content, msg string) {
		if err := os.WriteFile(filepath.Join(dir, "deploy.sh"), []byte(content), 0o600); err != nil {
			log.Fatal(err)
		}
		git("add", "deploy.sh")
		git("commit", "-q", "-m", msg)
	}
	git("init", "-q", "-b", "main")
	commit("#!/bin/sh\n", "a deploy script")
	commit("#!/bin/sh\nexport GITHUB_TOKEN="+token+"\n", "deploy with a token")
	commit("#!/bin/sh\n. ./env.sh\n", "read the token from a file git ignores")
	return dir
}

// Scan a directory, as `leakhound scan --no-git` does.
func ExampleDir() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "deploy.sh"), []byte("#!/bin/sh\nexport GITHUB_TOKEN="+token+"\n"), 0o600)

	rep, err := scan.Run(context.Background(), scan.Dir{Path: dir}, scan.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range report.Masked(rep).Findings {
		fmt.Printf("%s %s:%d %s\n", f.RuleID, f.File, f.Line, f.Secret)
	}
	// Output:
	// github-pat deploy.sh:2 ghp_… (40 chars)
}

// memory is a Source of a program's own: configuration values held in
// memory (from a database, a key-value store, an API), each scanned as a
// file of its own name.
type memory map[string]string

// Scan passes each value to the sink. A Source may call the sink from
// several goroutines; this one uses one.
func (m memory) Scan(ctx context.Context, s *scan.Sink) (scan.Scanned, error) {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	sc := scan.Scanned{Name: "config store", Mode: "memory"}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return sc, err
		}
		content := []byte(m[name])
		if r := leak.SkipContent(content); r != "" {
			s.Skip(r, 1) // counted in the summary, never dropped silently
			continue
		}
		s.Fragment(&leak.Fragment{Content: content, Sources: []leak.Source{{Path: name}}})
		sc.Blobs++
		sc.Bytes += int64(len(content))
	}
	return sc, nil
}

// Scan a Source of your own: anything that can hand content to the sink.
func ExampleSource() {
	store := memory{
		"ci/deploy.env":   "GITHUB_TOKEN=" + token + "\n",
		"app/settings":    "DEBUG=false\n",
		"assets/logo.png": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
	}
	rep, err := scan.Run(context.Background(), store, scan.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range report.Masked(rep).Findings {
		fmt.Printf("%s %s:%d %s\n", f.RuleID, f.File, f.Line, f.Secret)
	}
	fmt.Printf("%d values scanned, %d skipped as binary\n", rep.Summary.Blobs, rep.Summary.Skipped[leak.SkipBinary])
	// Output:
	// github-pat ci/deploy.env:1 ghp_… (40 chars)
	// 2 values scanned, 1 skipped as binary
}
