package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/internal/hugeheap"
	"github.com/leakhound/leakhound/mirror"
	"github.com/leakhound/leakhound/org"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
	"github.com/leakhound/leakhound/scancache"
)

// orgOptions are scan's flags for several repositories in one run.
type orgOptions struct {
	repos     string
	shard     string
	mirrorDir string
	cacheDir  string
	noCache   bool
}

// AddFlags adds --repos, --shard, --mirror-dir, --cache-dir and --no-cache
// to fs.
func (o *orgOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.repos, "repos", "", "scan the repositories this file lists, one local path or clone URL a line (- for standard input)")
	fs.StringVar(&o.shard, "shard", "", "scan only shard K/N of the repositories (0 <= K < N), chosen by a hash of each path or URL")
	fs.StringVar(&o.mirrorDir, "mirror-dir", "", "where clone URLs are mirrored (default: leakhound/mirrors in the user cache directory)")
	fs.StringVar(&o.cacheDir, "cache-dir", "", "where the scan cache of each repository is kept (default: leakhound/scans in the user cache directory)")
	fs.BoolVar(&o.noCache, "no-cache", false, "read every blob, ignoring and not updating the scan cache")
}

// orgHelp explains scans of several repositories in scan's help.
const orgHelp = `

SEVERAL REPOSITORIES
  Several PATHs, or --repos FILE (one local path or clone URL a line; "-"
  reads standard input), scan every repository listed into one report.
  Each finding names its repository; a secret found in several is one
  finding with locations in each. A repository that cannot be scanned is
  listed with its error, the others complete, and the exit status is 2.

  Clone URLs (https, ssh, file) are mirrored bare into --mirror-dir and
  fetched again on the next run; nothing is checked out or run. For HTTPS,
  the token in LEAKHOUND_GIT_TOKEN (user name: LEAKHOUND_GIT_USER, default
  x-access-token) is sent; it is never printed.

  Blobs an earlier scan found nothing in, under the same rules and the same
  leakhound, are not read again (--no-cache reads everything).

  --shard K/N scans the repositories whose path or URL hashes to K of N;
  'leakhound merge' combines the shards' JSON reports.`

// multi reports whether the scan is of several repositories.
func (o *orgOptions) multi(args []string) bool {
	return len(args) > 1 || o.repos != "" || o.shard != "" || len(args) == 1 && org.IsURL(args[0])
}

// list returns the repositories to scan: args and --repos, then --shard's.
func (o *orgOptions) list(args []string, stdin io.Reader) ([]string, error) {
	list := args
	if o.repos != "" {
		var r io.Reader = stdin
		if o.repos != "-" {
			f, err := os.Open(o.repos)
			if err != nil {
				return nil, fmt.Errorf("--repos: %w", err)
			}
			defer f.Close()
			r = f
		}
		more, err := org.ReadList(r)
		if err != nil {
			return nil, fmt.Errorf("--repos %s: %w", o.repos, err)
		}
		list = append(list, more...)
	}
	if o.shard != "" {
		sh, err := org.ParseShard(o.shard)
		if err != nil {
			return nil, fmt.Errorf("--%w", err)
		}
		list = sh.Of(list)
	}
	return list, nil
}

// runOrgScan is runScan for several repositories.
func runOrgScan(ctx context.Context, opts scanOptions, args []string, std stdio) error {
	hugeheap.Reserve() // many histories: see runScan
	specs, err := opts.reports.resolve("text")
	if err != nil {
		return err
	}
	maxSize, err := opts.readOptions.check()
	if err != nil {
		return err
	}
	switch {
	case opts.noGit || opts.staged || opts.rangeSpec != "":
		return errors.New("--no-git, --staged and --range scan one repository; drop them to scan several")
	case opts.baseline != "" && opts.noBaseline:
		return errors.New("--baseline and --no-baseline contradict each other")
	}
	for _, a := range args {
		if a == "-" {
			return errors.New(`"-" scans standard input; to read the list of repositories from it, use --repos -`)
		}
	}
	list, err := opts.org.list(args, std.in)
	if err != nil {
		return err
	}
	h, err := opts.history(".")
	if err != nil {
		return err
	}
	oo := org.Options{
		Scan:     scan.Options{MaxFileSize: maxSize, MaxArchiveDepth: opts.maxArchiveDepth(), IgnoreInlineAllows: opts.ignoreInlineAllows, NoMessages: opts.noMessages, IncludeKnown: opts.includeKnown},
		Policy:   scan.Policy{RulesFile: opts.config, BaselineFile: opts.baseline, NoBaseline: opts.noBaseline},
		Threads:  opts.threads,
		Branches: h.Include,
		Since:    h.Since,
		OnError: func(repo, item string, err error) {
			fmt.Fprintf(std.err, "leakhound: error: %s: %s: %s\n", report.TermSafe(repo), report.TermSafe(item), report.TermSafe(err.Error()))
		},
	}
	if err := opts.org.wire(&oo); err != nil {
		return err
	}
	if !opts.noProgress && isTerminal(std.err) {
		oo.Progress = func(done, total int, repo string) {
			fmt.Fprintf(std.err, "\r\033[Krepositories %d/%d  %s", done, total, report.TermSafe(repo))
			if done == total {
				fmt.Fprint(std.err, "\r\033[K")
			}
		}
	}
	result, scanErr := org.Run(ctx, list, oo)
	env := &reportEnv{redactAll: opts.redact, showSecrets: opts.showSecrets, noColor: opts.noColor}
	return finishOrg(result, scanErr, opts.exitCode, specs, env, std)
}

// finishOrg writes the reports of several repositories and turns the
// outcome into the command's error: the repositories that failed first.
func finishOrg(result *report.Report, scanErr error, exitCode int, specs []report.Output, env *reportEnv, std stdio) error {
	if failed := result.Summary.Failed(); len(failed) > 0 {
		if err := writeReports(result, specs, env, std.out, std.err); err != nil {
			return err
		}
		names := make([]string, len(failed))
		for i, r := range failed {
			names[i] = r.Repository
		}
		return fmt.Errorf("%d repositor%s could not be scanned: %s", len(failed), report.PluralY(len(failed)), strings.Join(names, ", "))
	}
	var partial []string
	for _, r := range result.Summary.Repositories {
		if r.Incomplete {
			partial = append(partial, r.Repository)
		}
	}
	if len(partial) > 0 && !errors.Is(scanErr, scan.ErrInterrupted) {
		if err := writeReports(result, specs, env, std.out, std.err); err != nil {
			return err
		}
		return fmt.Errorf("scan incomplete: objects of %d repositor%s could not be read (%s); the report holds everything found", len(partial), report.PluralY(len(partial)), strings.Join(partial, ", "))
	}
	return finish(result, scanErr, exitCode, specs, env, std)
}

// wire sets how oo opens clone URLs and keeps scan caches.
func (o *orgOptions) wire(oo *org.Options) error {
	dir := o.mirrorDir
	if dir == "" {
		var err error
		if dir, err = mirror.DefaultDir(); err != nil {
			return fmt.Errorf("--mirror-dir: %w", err)
		}
	}
	oo.Open = mirror.FromEnv(dir).Sync
	if o.noCache {
		return nil
	}
	cdir := o.cacheDir
	if cdir == "" {
		var err error
		if cdir, err = scancache.DefaultDir(); err != nil {
			return fmt.Errorf("--cache-dir: %w", err)
		}
	}
	store, err := scancache.Open(cdir)
	if err != nil {
		return err
	}
	key := scancache.Key{Build: scancache.BuildID(version), MaxFileSize: oo.Scan.MaxFileSize, IgnoreInlineAllows: oo.Scan.IgnoreInlineAllows, MaxArchiveDepth: oo.Scan.MaxArchiveDepth}
	oo.Cache = func(spec, path string, settings scan.Settings) (scan.BlobCache, func(*report.Report) error, error) {
		name := org.DisplayName(spec)
		if !org.IsURL(spec) {
			if abs, err := filepath.Abs(path); err == nil {
				name = abs
			}
		}
		k := key
		if !settings.BuiltInRules {
			k.Rules = settings.Rules // nil: the built-in rules, whose digest the store keeps
		}
		c, err := store.Load(name, k)
		if err != nil {
			return nil, nil, err
		}
		return c, c.Save, nil
	}
	return nil
}
