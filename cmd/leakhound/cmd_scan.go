package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/internal/hugeheap"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

// scanOptions are the flags of `leakhound scan`.
type scanOptions struct {
	outputOptions
	rulesOptions
	readOptions
	triageOptions
	branches           []string
	rangeSpec          string
	since              string
	noGit              bool
	staged             bool
	ignoreInlineAllows bool
	baseline           string
	noBaseline         bool
	stdinName          string
	verbose            bool
	org                orgOptions
	gitleaks           gitleaksOptions
}

// AddFlags adds the scan flags to fs.
func (o *scanOptions) AddFlags(fs *pflag.FlagSet) {
	o.outputOptions.AddFlags(fs)
	o.rulesOptions.AddFlags(fs, configFromRepo)
	fs.StringArrayVar(&o.branches, "branch", nil, "scan only the history of this ref (repeatable; default: all refs)")
	fs.StringVar(&o.rangeSpec, "range", "", "scan commits reachable from B and not from A, given as A..B")
	fs.StringVar(&o.since, "since", "", "scan only commits committed since then: a date (2024-01-31, 2024/01/31), a time, or an age (30d, 2w, \"2 weeks ago\", yesterday)")
	o.readOptions.AddFlags(fs)
	o.triageOptions.AddFlags(fs)
	fs.BoolVar(&o.noGit, "no-git", false, "scan each PATH (files and directories) as it is on disk, not git history")
	fs.StringVar(&o.stdinName, "stdin-name", "", "with -: judge standard input as the file NAME (rules for .env files, say, need a path)")
	fs.BoolVar(&o.verbose, "verbose", false, "name every skipped file in the summary, not just the first few")
	fs.BoolVar(&o.staged, "staged", false, "scan the staged changes (the index against HEAD), as the pre-commit hook does")
	fs.BoolVar(&o.ignoreInlineAllows, "ignore-inline-allows", false, "report secrets on lines with leakhound:allow, gitleaks:allow or pragma: allowlist secret")
	fs.StringVar(&o.baseline, "baseline", "", "report only secrets this baseline file does not list (default: the repository's "+baseline.FileName+" when it has one)")
	fs.BoolVar(&o.noBaseline, "no-baseline", false, "report every secret, baselined or not")
	o.org.AddFlags(fs)
}

func newScanCommand(std stdio) *cobra.Command {
	var opts scanOptions
	cmd := &cobra.Command{
		Use:   "scan [PATH... | -]",
		Short: "Scan a repository's history, a directory or standard input",
		Long: `Scan the git repository at PATH (default ".") for secrets: every commit
reachable from every ref (branches, tags, remote-tracking refs), each blob
read once, each secret reported once at the commit that introduced it.

With --no-git, each PATH (files and directories, several at once) is
scanned as it is on disk; a PATH that is a file is scanned so without
--no-git too. Findings name files by the path given joined with their path
below it (cloud/.s3cfg), so that they can be opened from where the command
runs. With "-", standard input is scanned, judged by its content alone
unless --stdin-name says which file it is.

Files inside archives (zip, jar, war, whl, tar, tar.gz, tar.xz...) are
scanned too, and named by the archive's path, a "!" and their path inside
(dist/release.zip!config/.env); --max-archive-depth says how deep nested
archives are opened, 0 not at all.

The summary names the files not scanned (too large, binary...) and why:
the first few, all of them with --verbose or in -f json.

Rules come from --config, else from .secretsrules.toml at the repository's
root, else the built-in rules.

Findings come most urgent first: each is judged for its context
(production code, tests, fixtures, examples, docs, vendored code, publicly
known values) and given a severity and a confidence; --min-severity and
--min-confidence leave out the findings below them. In git history, each
says where the secret still lives: the branches and tags whose tips hold
it, or history only.

Secrets the baseline lists are not reported: the baseline is --baseline
FILE, else .secretsbaseline.json at the repository's root when there is one
(see 'leakhound baseline --help'); --no-baseline reports everything.` + orgHelp + reportsHelp + exitStatusHelp,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.gitleaks.apply(&opts, cmd.Flags()); err != nil {
				return err
			}
			return runScan(cmd.Context(), opts, args, std)
		},
	}
	opts.AddFlags(cmd.Flags())
	opts.gitleaks.AddFlags(cmd.Flags(), &opts)
	return cmd
}

// scanArgs checks what scan and ci share: the path argument (default "."),
// the reports asked for, the size limit and the thread count.
func scanArgs(args []string, reports reportSpecs, ro readOptions) (string, []report.Output, int64, error) {
	specs, err := reports.resolve("text")
	if err != nil {
		return "", nil, 0, err
	}
	maxSize, err := ro.check()
	return pathArg(args), specs, maxSize, err
}

func runScan(ctx context.Context, opts scanOptions, args []string, std stdio) error {
	if err := opts.outputOptions.check(); err != nil {
		return err
	}
	if !opts.noGit && !slices.Contains(args, "-") && allFiles(args) {
		// A file is scanned as it is on disk: what a user who names one
		// means (git history is scanned by the repository's path).
		opts.noGit = true
	}
	if opts.stdinName != "" && !slices.Equal(args, []string{"-"}) {
		return errors.New("--stdin-name names standard input: give it with - as the only path")
	}
	if opts.noGit && (len(args) > 1 || len(args) == 1 && args[0] != "-") {
		return runScanPaths(ctx, opts, args, std)
	}
	if opts.org.multi(args) {
		return runOrgScan(ctx, opts, args, std)
	}
	path, specs, maxSize, err := scanArgs(args, opts.reports, opts.readOptions)
	if err != nil {
		return err
	}
	if err := opts.checkFilters(); err != nil {
		return err
	}
	policy := scan.Policy{RulesFile: opts.config, BaselineFile: opts.baseline, NoBaseline: opts.noBaseline}
	eo := scan.Options{Workers: opts.threads, MaxFileSize: maxSize, MaxArchiveDepth: opts.maxArchiveDepth(), IgnoreInlineAllows: opts.ignoreInlineAllows, NoMessages: opts.noMessages, IncludeKnown: opts.includeKnown}
	history := len(opts.branches) > 0 || opts.rangeSpec != "" || opts.since != ""
	var src scan.Source
	switch {
	case (opts.noGit || path == "-") && history:
		return errors.New("--branch, --range and --since need git history; drop --no-git")
	case path == "-":
		if isTerminal(std.in) {
			fmt.Fprintln(std.err, "leakhound: reading standard input: type or paste the text, then press Ctrl-D on a line of its own (Ctrl-Z, Enter on Windows); Ctrl-C to cancel")
		}
		src = scan.Stdin{R: std.in, Name: opts.stdinName}
	case opts.staged && history:
		return errors.New("--staged scans the index: drop --branch, --range and --since")
	default:
		// A repository's history or a directory: the heap grows to tens
		// of megabytes, each page of which costs a fault (see hugeheap).
		// Not for a hook's few files, which would pay its milliseconds.
		if !opts.staged {
			hugeheap.Reserve()
		}
		h, err := opts.history(path)
		if err != nil {
			return err
		}
		t, err := openTarget(path, opts.noGit, "--no-git to scan a plain directory")
		if err != nil {
			return err
		}
		defer t.Close()
		policy = t.Policy(policy)
		switch {
		case opts.noGit:
			src = t.All()
		case opts.staged:
			src, eo.Short = &scan.Staged{Repo: t.Repo, Name: path}, true
		default:
			h.Repo = t.Repo
			src = h
		}
	}
	if eo.Settings, err = scan.LoadSettings(ctx, policy); err != nil {
		return err
	}
	result, scanErr := runEngine(ctx, src, eo, !opts.noProgress, std)
	if result == nil {
		return scanErr
	}
	opts.filter(result)
	env := &reportEnv{redactAll: opts.redact, showSecrets: opts.showSecrets, noColor: opts.noColor, verbose: opts.verbose}
	return finish(result, scanErr, opts.exitCode, specs, env, std)
}

// allFiles reports whether every path in args exists and is not a
// directory.
func allFiles(args []string) bool {
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil || fi.IsDir() {
			return false
		}
	}
	return len(args) > 0
}

// smallFiles reports whether paths are regular files of shortScanBytes or
// less in all: a scan of them reads so little that the keyword prefilter
// that is built at once beats the automaton, which a one-file scan would
// wait for (see detect.Options.Short; both find the same keywords).
func smallFiles(paths []string) bool {
	var n int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			return false
		}
		n += fi.Size()
	}
	return len(paths) > 0 && n <= shortScanBytes
}

// shortScanBytes is the most content smallFiles takes: the prefix table
// scans it in less CPU than building the default pack's automaton takes
// (some 43 M instructions; the table takes some 200 a byte of source code,
// the automaton 14).
const shortScanBytes = 128 << 10

// runScanPaths scans files and directories as they are on disk (--no-git,
// or files named). Rules and baseline come from the directory when one
// directory is given, as they always have; otherwise from the repository
// the command runs in (or the current directory outside one).
func runScanPaths(ctx context.Context, opts scanOptions, args []string, std stdio) error {
	_, specs, maxSize, err := scanArgs(nil, opts.reports, opts.readOptions)
	if err != nil {
		return err
	}
	if err := opts.checkFilters(); err != nil {
		return err
	}
	if len(opts.branches) > 0 || opts.rangeSpec != "" || opts.since != "" || opts.staged {
		return errors.New("--branch, --range, --since and --staged need git history: they do not apply to files scanned as they are on disk (--no-git, or a file named)")
	}
	if slices.Contains(args, "-") {
		return errors.New(`"-" (standard input) cannot be scanned with other paths`)
	}
	if err := scan.CheckPaths(args); err != nil {
		return err
	}
	policy := scan.Policy{RulesFile: opts.config, BaselineFile: opts.baseline, NoBaseline: opts.noBaseline}
	if fi, err := os.Stat(args[0]); err == nil && fi.IsDir() && len(args) == 1 {
		policy.Dir = args[0]
	} else if t, err := scan.OpenTarget(".", false); err == nil {
		defer t.Close()
		policy = t.Policy(policy)
	} else {
		policy.Dir = "."
	}
	eo := scan.Options{Workers: opts.threads, MaxFileSize: maxSize, MaxArchiveDepth: opts.maxArchiveDepth(), IgnoreInlineAllows: opts.ignoreInlineAllows, Short: smallFiles(args), IncludeKnown: opts.includeKnown}
	if eo.Settings, err = scan.LoadSettings(ctx, policy); err != nil {
		return err
	}
	result, scanErr := runEngine(ctx, scan.Paths{Paths: args}, eo, !opts.noProgress, std)
	if result == nil {
		return scanErr
	}
	opts.filter(result)
	env := &reportEnv{redactAll: opts.redact, showSecrets: opts.showSecrets, noColor: opts.noColor, verbose: opts.verbose}
	return finish(result, scanErr, opts.exitCode, specs, env, std)
}

// history returns the history that --branch, --range and --since select,
// of a repository yet to be opened.
func (o *scanOptions) history(path string) (*scan.History, error) {
	var since time.Time
	if o.since != "" {
		var err error
		if since, err = parseSince(o.since, time.Now()); err != nil {
			return nil, err
		}
	}
	if len(o.branches) > 0 && o.rangeSpec != "" {
		return nil, errors.New("--branch and --range cannot be used together: --range A..B already says which history to scan (the commits reachable from B and not from A); drop one of them")
	}
	h := &scan.History{Name: path}
	if err := h.Select(o.branches, o.rangeSpec, since); err != nil {
		return nil, fmt.Errorf("--%w", err)
	}
	return h, nil
}

// openTarget opens the repository (or, with noGit, the directory) at path;
// when there is no repository there, the error says to use hint instead.
func openTarget(path string, noGit bool, hint string) (*scan.Target, error) {
	t, err := scan.OpenTarget(path, noGit)
	if errors.Is(err, gitwalk.ErrNotRepository) {
		return nil, fmt.Errorf("%w (use %s)", err, hint)
	}
	return t, err
}

// finish writes the reports and turns the outcome into the command's
// error: leaksFound with exitCode when leaks are found.
func finish(result *report.Report, scanErr error, exitCode int, specs []report.Output, env *reportEnv, std stdio) error {
	if err := writeReports(result, specs, env, std.out, std.err); err != nil {
		return err
	}
	switch {
	case errors.Is(scanErr, scan.ErrInterrupted):
		return fmt.Errorf("%w: the report holds what was found so far and is marked incomplete", scanErr)
	case result.Summary.Incomplete:
		return fmt.Errorf("scan incomplete: %d object(s) could not be read; the report holds everything found", result.Summary.Errors)
	case len(result.Findings) > 0:
		return leaksFound{exitCode}
	}
	return nil
}

// checkFilters rejects triage and baseline flags that contradict each
// other, for every kind of scan.
func (o scanOptions) checkFilters() error {
	if err := o.triageOptions.check(); err != nil {
		return err
	}
	if o.baseline != "" && o.noBaseline {
		return errors.New("--baseline and --no-baseline contradict each other")
	}
	return nil
}
