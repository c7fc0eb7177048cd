package scan_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// A fake token, assembled at run time so that the source holds none.
var token = "ghp_" + "Xq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiOp"

// Scan a repository's whole history as `leakhound scan` does, and write
// the JSON report with the secrets masked (reporters mask them unless
// told to show them).
func ExampleRun() {
	path := "." // a work tree, a bare repository or a linked worktree
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
	if err := (report.JSON{}).Write(os.Stdout, rep); err != nil {
		log.Fatal(err)
	}
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
		"ci/deploy.env":  "GITHUB_TOKEN=" + token + "\n",
		"app/settings":   "DEBUG=false\n",
		"assets/logo.db": "\x00\x01binary",
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
