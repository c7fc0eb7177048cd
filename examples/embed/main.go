// Command embed scans a git repository with leakhound's library, as
// another Go program would, and prints the report as `leakhound scan -f
// json` prints it on the same repository and range: the same findings,
// byte for byte.
//
//	go run ./examples/embed REPO [RANGE]
//
// RANGE is A..B, as leakhound scan's --range takes it; without one, the
// whole history of every ref is scanned. The repository's own
// .secretsrules.toml and .secretsbaseline.json apply, as they do for the
// command. The exit status is 0 when nothing is found, 1 when leaks are
// found, 2 on an error or an incomplete scan.
//
// What it shows: open the repository (gitwalk.Open), decide the rules and
// baseline as the command does (scan.LoadSettings), pick the history
// (scan.History), run the engine (scan.Run), write a report
// (report.JSON). Reporters mask secrets unless told to show them; the
// command's JSON shows them, so this program does too.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run scans and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) < 1 || len(args) > 2 {
		fmt.Fprintln(stderr, "usage: embed REPO [RANGE]")
		return 2
	}
	rep, err := scanRepo(ctx, args[0], args[1:], stderr)
	if rep != nil {
		if werr := (report.JSON{ShowSecrets: true}).Write(stdout, rep); werr != nil && err == nil {
			err = werr
		}
	}
	switch {
	case err != nil:
		fmt.Fprintln(stderr, "embed:", err)
		return 2
	case rep.Summary.Incomplete:
		return 2
	case len(rep.Findings) > 0:
		return 1
	}
	return 0
}

// scanRepo scans the history of the repository at path, or the range
// given, and returns the report.
func scanRepo(ctx context.Context, path string, rng []string, stderr io.Writer) (*report.Report, error) {
	repo, err := gitwalk.Open(path)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	settings, err := scan.LoadSettings(ctx, scan.Policy{Repo: repo, Dir: repo.WorkTree()})
	if err != nil {
		return nil, err
	}
	// Every ref, or the range, as leakhound scan [--range RANGE] selects it.
	src := &scan.History{Repo: repo, Name: path}
	if err := src.Select(nil, strings.Join(rng, ""), time.Time{}); err != nil {
		return nil, err
	}
	// On an interrupt, Run returns what was found so far, marked
	// incomplete, with scan.ErrInterrupted.
	return scan.Run(ctx, src, scan.Options{
		Settings: settings,
		// Called one at a time: no lock needed.
		OnError: func(item string, err error) error {
			fmt.Fprintf(stderr, "embed: error: %s: %v\n", item, err)
			return nil
		},
	})
}
