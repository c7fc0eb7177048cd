package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/report"
)

// scanOptions are the flags of `leakhound scan`.
type scanOptions struct {
	outputOptions
	config             string
	branches           []string
	rangeSpec          string
	since              string
	maxFileSize        string
	threads            int
	noGit              bool
	staged             bool
	noProgress         bool
	ignoreInlineAllows bool
	baseline           string
	noBaseline         bool
}

// outputOptions are the flags that shape reports; other commands share them.
type outputOptions struct {
	reports     reportSpecs
	redact      bool
	showSecrets bool
	exitCode    int
	noColor     bool
}

// AddReportFlags adds --format and --output to fs.
func (o *outputOptions) AddReportFlags(fs *pflag.FlagSet) {
	fs.VarP(formatFlag{&o.reports}, "format", "f", "report format: "+strings.Join(formats, ", ")+"; repeat it to write several reports")
	fs.VarP(outputFlag{&o.reports}, "output", "o", "write the report of the --format before it to this file (mode 0600) instead of standard output")
}

// AddFlags adds the output flags to fs.
func (o *outputOptions) AddFlags(fs *pflag.FlagSet) {
	o.AddReportFlags(fs)
	fs.BoolVar(&o.redact, "redact", false, "mask secrets in every output")
	fs.BoolVar(&o.showSecrets, "show-secrets", false, "print secrets whole in text, github and markdown output (they are partly masked by default)")
	fs.IntVar(&o.exitCode, "exit-code", exitLeaks, "exit code when leaks are found")
	fs.BoolVar(&o.noColor, "no-color", false, "no colours in text output (also: NO_COLOR)")
}

// AddFlags adds the scan flags to fs.
func (o *scanOptions) AddFlags(fs *pflag.FlagSet) {
	o.outputOptions.AddFlags(fs)
	fs.StringVarP(&o.config, "config", "c", "", "rules file (default: the repository's .secretsrules.toml, else the built-in rules)")
	fs.StringArrayVar(&o.branches, "branch", nil, "scan only the history of this ref (repeatable; default: all refs)")
	fs.StringVar(&o.rangeSpec, "range", "", "scan commits reachable from B and not from A, given as A..B")
	fs.StringVar(&o.since, "since", "", "scan only commits committed since this date (2006-01-02, RFC 3339, or a duration such as 720h)")
	fs.StringVar(&o.maxFileSize, "max-file-size", "10MiB", "skip files larger than this (bytes, or with KiB, MiB, GiB)")
	fs.IntVar(&o.threads, "threads", runtime.GOMAXPROCS(0), "parallel readers and detectors")
	fs.BoolVar(&o.noGit, "no-git", false, "scan PATH as a plain directory tree, not git history")
	fs.BoolVar(&o.staged, "staged", false, "scan the staged changes (the index against HEAD), as the pre-commit hook does")
	fs.BoolVar(&o.noProgress, "no-progress", false, "no progress bar (it only shows when stderr is a terminal)")
	fs.BoolVar(&o.ignoreInlineAllows, "ignore-inline-allows", false, "report secrets on lines with leakhound:allow, gitleaks:allow or pragma: allowlist secret")
	fs.StringVar(&o.baseline, "baseline", "", "report only secrets this baseline file does not list (default: the repository's "+baseline.FileName+" when it has one)")
	fs.BoolVar(&o.noBaseline, "no-baseline", false, "report every secret, baselined or not")
}

func newScanCommand(io stdio) *cobra.Command {
	var opts scanOptions
	cmd := &cobra.Command{
		Use:   "scan [PATH | -]",
		Short: "Scan a repository's history, a directory or standard input",
		Long: `Scan the git repository at PATH (default ".") for secrets: every commit
reachable from every ref (branches, tags, remote-tracking refs), each blob
read once, each secret reported once at the commit that introduced it.

With --no-git, PATH is scanned as a plain directory tree. With "-", standard
input is scanned.

Rules come from --config, else from .secretsrules.toml at the repository's
root, else the built-in rules.

Secrets the baseline lists are not reported: the baseline is --baseline
FILE, else .secretsbaseline.json at the repository's root when there is one
(see 'leakhound baseline --help'); --no-baseline reports everything.` + reportsHelp + exitStatusHelp,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd.Context(), opts, args, io)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// scanArgs checks what scan and ci share: the path argument (default "."),
// the reports asked for, the size limit and the thread count.
func scanArgs(args []string, reports reportSpecs, maxFileSize string, threads int) (string, []reportSpec, int64, error) {
	path := "."
	if len(args) == 1 {
		path = args[0]
	}
	specs, err := reports.resolve("text")
	if err != nil {
		return "", nil, 0, usageError(err)
	}
	maxSize, err := parseSize(maxFileSize)
	if err != nil {
		return "", nil, 0, usageError(fmt.Errorf("--max-file-size: %w", err))
	}
	if threads < 1 {
		return "", nil, 0, usageError(errors.New("--threads must be at least 1"))
	}
	return path, specs, maxSize, nil
}

func runScan(ctx context.Context, opts scanOptions, args []string, io stdio) error {
	path, specs, maxSize, err := scanArgs(args, opts.reports, opts.maxFileSize, opts.threads)
	if err != nil {
		return err
	}
	eo := engineOptions{
		configPath:         opts.config,
		threads:            opts.threads,
		maxFileSize:        maxSize,
		ignoreInlineAllows: opts.ignoreInlineAllows,
		progress:           !opts.noProgress && progressTerminal(io.err),
		baselinePath:       opts.baseline,
		noBaseline:         opts.noBaseline,
	}
	if opts.baseline != "" && opts.noBaseline {
		return usageError(errors.New("--baseline and --no-baseline contradict each other"))
	}
	var result *report.Report
	var scanErr error
	if opts.noGit || path == "-" {
		if len(opts.branches) > 0 || opts.rangeSpec != "" || opts.since != "" {
			return usageError(errors.New("--branch, --range and --since need git history; drop --no-git"))
		}
		result, scanErr = scanFiles(ctx, eo, path, io.in, io.err)
	} else if opts.staged {
		if len(opts.branches) > 0 || opts.rangeSpec != "" || opts.since != "" {
			return usageError(errors.New("--staged scans the index: drop --branch, --range and --since"))
		}
		result, scanErr = scanGit(ctx, eo, gitTarget{path: path, staged: true, rangeLabel: "staged changes"}, io.err)
	} else {
		t := gitTarget{path: path, rangeLabel: "all refs"}
		if len(opts.branches) > 0 {
			t.include = opts.branches
			t.rangeLabel = strings.Join(opts.branches, ", ")
		}
		if opts.rangeSpec != "" {
			from, to, err := splitRange(opts.rangeSpec)
			if err != nil {
				return usageError(err)
			}
			if from != "" {
				t.exclude = []string{from}
			}
			t.include = append(t.include, to)
			t.rangeLabel = opts.rangeSpec
		}
		if opts.since != "" {
			since, err := parseSince(opts.since, time.Now())
			if err != nil {
				return usageError(err)
			}
			t.since = since
			t.rangeLabel += " since " + since.Format(time.RFC3339)
		}
		result, scanErr = scanGit(ctx, eo, t, io.err)
		if errors.Is(scanErr, gitwalk.ErrNotRepository) {
			return &exitError{code: exitFailure, err: fmt.Errorf("%w (use --no-git to scan a plain directory)", scanErr)}
		}
	}
	if result == nil {
		return scanErr
	}
	env := &reportEnv{redactAll: opts.redact, showSecrets: opts.showSecrets, noColor: opts.noColor}
	return finish(ctx, result, scanErr, opts.exitCode, specs, env, io)
}

// finish writes the reports and turns the outcome into an exit status.
func finish(ctx context.Context, result *report.Report, scanErr error, exitCode int, specs []reportSpec, env *reportEnv, io stdio) error {
	if err := writeReports(result, specs, env, io.out, io.err); err != nil {
		return err
	}
	switch {
	case errors.Is(scanErr, errInterrupted):
		return &exitError{code: interruptedCode(ctx), err: errors.New("interrupted: the report holds what was found so far and is marked incomplete")}
	case result.Summary.Incomplete:
		return &exitError{code: exitFailure, err: fmt.Errorf("scan incomplete: %d object(s) could not be read; the report holds everything found", result.Summary.Errors)}
	case len(result.Findings) > 0:
		return &exitError{code: exitCode}
	}
	return nil
}

func usageError(err error) error { return &exitError{code: exitFailure, err: err} }

// progressTerminal reports whether w is a terminal wide enough for a
// progress bar (a pseudo-terminal without a size reports width 0).
func progressTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false
	}
	width, _, err := term.GetSize(int(f.Fd()))
	return err == nil && width >= 40
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func isBrokenPipe(err error) bool {
	return err != nil && strings.Contains(err.Error(), "broken pipe")
}

// parseSize parses "10MiB", "512KiB", "1GiB", "100MB" or a byte count.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(n * float64(mult)), nil
}

// parseSince parses a date, an RFC 3339 time or a duration before now.
func parseSince(s string, now time.Time) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want a date (2006-01-02), an RFC 3339 time or a duration (720h)", s)
}
