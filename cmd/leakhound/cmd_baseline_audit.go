package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/baseline/audit"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/scan"
)

// runBaselineAudit runs `leakhound baseline audit`.
func runBaselineAudit(ctx context.Context, opts baselineAuditOptions, args []string, std stdio) error {
	path := pathArg(args)
	repo, err := gitwalk.Open(path)
	root := path
	switch {
	case errors.Is(err, gitwalk.ErrNotRepository):
		repo = nil // a baseline of a plain directory (--no-git)
	case err != nil:
		return err
	default:
		defer repo.Close()
		root = repo.WorkTree()
	}
	file := opts.file
	if file == "" {
		if root == "" {
			return fmt.Errorf("%s is a bare repository: name the baseline file with --baseline", path)
		}
		file = filepath.Join(root, baseline.FileName)
	}
	b, err := baseline.Load(file)
	if err != nil {
		return err
	}
	if opts.stats {
		return audit.WriteStats(std.out, file, b)
	}
	if !opts.terminal && !(isTerminal(std.in) && isTerminal(std.out)) {
		return errors.New("baseline audit shows the secrets, so it runs only with standard input and output on a terminal; --stats prints counts anywhere")
	}
	if err := b.Check(file); err != nil {
		return err
	}
	// The rules find each entry's secret again, to highlight it.
	settings, err := scan.LoadSettings(ctx, scan.Policy{RulesFile: opts.config, Dir: root, Repo: repo, NoBaseline: true})
	if err == nil && len(settings.Problems) > 0 {
		err = settings.Problems[0].Err
	}
	if err != nil {
		return err
	}
	d, err := detect.New(settings.Rules, detect.Options{IgnoreInlineAllows: true})
	if err != nil {
		return err
	}
	reviewer := opts.reviewer
	if reviewer == "" {
		reviewer = audit.DefaultReviewer(repo, os.Getenv)
	}
	err = audit.Run(ctx, b, audit.Options{
		In: std.in, Out: std.out, File: file, Repo: repo, Root: root, Detector: d,
		All: opts.all, Context: opts.context, Reviewer: reviewer,
		Color: !opts.noColor && os.Getenv("NO_COLOR") == "",
	})
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w: the answers given are saved", scan.ErrInterrupted)
	}
	return err
}
