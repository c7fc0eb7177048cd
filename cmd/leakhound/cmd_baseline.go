package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

const baselineHelp = `A baseline lists the secrets a team already knows about, so that scans,
hooks and CI fail only on new ones. It is a JSON file, .secretsbaseline.json
at the repository's root by default, which 'leakhound scan' (and the hook
and CI paths) apply on their own when it is there.

Each entry holds a secret's fingerprint (a hash of its rule and the secret),
its rule, where it was first introduced (file, line, commit), a review
status (unreviewed, accepted, false_positive, revoked), an optional note,
who reviewed it and when, and a hint: the first four characters and the
length of a secret of 16 characters or more, only the length of a shorter
one. Never the secret. Moving a secret to another line or file, or
committing it again, keeps it known; a different secret is new.

Entries are sorted and written one per line, so that a change to the
baseline reads well in a merge request. Commit the file.

A baseline records every finding, whatever its severity and confidence, as
gitleaks' and TruffleHog's do: a secret left out because it looked like a
test password would fail the next scan as new, and triage's verdict can
change with the rules. So the baseline commands take no --min-severity or
--min-confidence; 'leakhound scan', 'ci' and the hooks take them and apply
them after the baseline, to what they show.

  leakhound baseline create           write .secretsbaseline.json from a full scan
  leakhound baseline update           add new findings, drop secrets gone from history
  leakhound baseline audit            review unreviewed entries on a terminal
  leakhound baseline audit --stats    counts per rule and status
  leakhound baseline import --from gitleaks report.json
  leakhound baseline import --from detect-secrets .secrets.baseline`

func newBaselineCommand(std stdio) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Record known secrets so that only new ones fail a scan",
		Long:  baselineHelp,
	}
	cmd.AddCommand(newBaselineCreateCommand(std))
	cmd.AddCommand(newBaselineUpdateCommand(std))
	cmd.AddCommand(newBaselineAuditCommand(std))
	cmd.AddCommand(newBaselineImportCommand(std))
	return cmd
}

// baselineScanOptions are the flags of the baseline commands that scan the
// whole history.
type baselineScanOptions struct {
	rulesOptions
	readOptions
	noGit bool
}

// AddFlags adds the scan flags to fs.
func (o *baselineScanOptions) AddFlags(fs *pflag.FlagSet) {
	o.rulesOptions.AddFlags(fs, configFromRepo)
	o.readOptions.AddFlags(fs)
	fs.BoolVar(&o.noGit, "no-git", false, "scan PATH as a plain directory tree, not git history")
}

// open opens the repository (or, with --no-git, the directory) at path,
// and returns it with the baseline file: file when given, else the one at
// the top of its work tree.
func (o *baselineScanOptions) open(path, file string) (*scan.Target, string, error) {
	t, err := openTarget(path, o.noGit, "--no-git for a plain directory")
	if err != nil {
		return nil, "", err
	}
	if file == "" {
		if file, err = t.BaselineFile(); err != nil {
			t.Close()
			return nil, "", err
		}
	}
	return t, file, nil
}

// scan scans every commit of every ref of t (or the directory) and reports
// every finding, whatever any baseline says.
func (o *baselineScanOptions) scan(ctx context.Context, t *scan.Target, std stdio) (*report.Report, error) {
	maxSize, err := o.check()
	if err != nil {
		return nil, err
	}
	settings, err := scan.LoadSettings(ctx, t.Policy(scan.Policy{RulesFile: o.config, NoBaseline: true}))
	if err != nil {
		return nil, err
	}
	return runEngine(ctx, t.All(), scan.Options{Settings: settings, Workers: o.threads, MaxFileSize: maxSize, MaxArchiveDepth: o.maxArchiveDepth(), NoMessages: o.noMessages}, !o.noProgress, std)
}

// loadOrNew loads the baseline at path, or returns a new, empty one when
// there is no file there.
func loadOrNew(path string) (*baseline.Baseline, error) {
	b, err := baseline.Load(path)
	if errors.Is(err, os.ErrNotExist) {
		return baseline.New(), nil
	}
	return b, err
}

// saveBaseline writes b to path, mode 0600, atomically.
func saveBaseline(path string, b *baseline.Baseline) error {
	return report.AtomicWrite(path, b.Encode)
}

// scanOutcome turns a finished scan's state into the error to return after
// the baseline is written: nil, or an error for an incomplete scan.
func scanOutcome(rep *report.Report, what string) error {
	if rep.Summary.Incomplete {
		return fmt.Errorf("scan incomplete: %d object(s) could not be read; %s", rep.Summary.Errors, what)
	}
	return nil
}

// interrupted returns the error of a baseline command whose scan was
// interrupted (what says what became of the baseline), or err.
func interrupted(err error, what string) error {
	if errors.Is(err, scan.ErrInterrupted) {
		return fmt.Errorf("%w: %s", err, what)
	}
	return err
}

type baselineCreateOptions struct {
	baselineScanOptions
	output string
	force  bool
}

func newBaselineCreateCommand(std stdio) *cobra.Command {
	var opts baselineCreateOptions
	var filtersTaken func() error
	cmd := &cobra.Command{
		Use:   "create [PATH]",
		Short: "Write a baseline of every secret in the repository's history",
		Long: `Scan every commit of every ref of the repository at PATH (default ".") and
write a baseline listing every secret found, each unreviewed, to
.secretsbaseline.json at the repository's root (or -o FILE). An existing
baseline is not overwritten without --force: 'leakhound baseline update'
keeps its reviews. Every finding is recorded: --min-severity and
--min-confidence are not taken here (see 'leakhound baseline --help').` + baselineExitHelp,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := filtersTaken(); err != nil {
				return err
			}
			return runBaselineCreate(cmd.Context(), opts, args, std)
		},
	}
	opts.AddFlags(cmd.Flags())
	filtersTaken = noTriageFilters(cmd.Flags())
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "baseline file to write (default: "+baseline.FileName+" at the repository's root)")
	cmd.Flags().BoolVar(&opts.force, "force", false, "overwrite an existing baseline, losing its reviews")
	return cmd
}

const baselineExitHelp = `

EXIT STATUS
  0  done
  2  error, or a scan that could not read everything (the baseline is
     written with what was found, and update drops nothing)
  130  interrupted; nothing is written`

func runBaselineCreate(ctx context.Context, opts baselineCreateOptions, args []string, std stdio) error {
	t, out, err := opts.open(pathArg(args), opts.output)
	if err != nil {
		return err
	}
	defer t.Close()
	if _, err := os.Stat(out); err == nil && !opts.force {
		return fmt.Errorf("%s exists: 'leakhound baseline update' adds new findings and keeps its reviews; --force overwrites it", out)
	}
	rep, err := opts.scan(ctx, t, std)
	if err != nil {
		return interrupted(err, "no baseline written")
	}
	b := baseline.FromFindings(rep.Findings)
	if err := saveBaseline(out, b); err != nil {
		return err
	}
	n := len(b.Entries)
	fmt.Fprintf(std.out, "wrote %s: %d secret%s, unreviewed\n", out, n, report.Plural(n))
	if def, err := t.BaselineFile(); err == nil && sameFile(def, out) {
		if n > 0 {
			fmt.Fprintln(std.out, "review them with 'leakhound baseline audit'; scans now report only secrets not listed there")
		}
	} else {
		// Scans pick up only the baseline at the top of the work tree.
		q := shellWord(out)
		fmt.Fprintf(std.out, "scans and hooks read only %s at the repository's root on their own: use this one with\n", baseline.FileName)
		fmt.Fprintf(std.out, "  leakhound scan --baseline %s    (likewise ci --baseline %s)\n", q, q)
		fmt.Fprintf(std.out, "  leakhound baseline audit --baseline %s\n", q)
	}
	return scanOutcome(rep, "the baseline lists what was found")
}

type baselineUpdateOptions struct {
	baselineScanOptions
	file   string
	staged bool
}

func newBaselineUpdateCommand(std stdio) *cobra.Command {
	var opts baselineUpdateOptions
	var filtersTaken func() error
	cmd := &cobra.Command{
		Use:   "update [PATH]",
		Short: "Add new findings to the baseline and drop secrets gone from history",
		Long: `Scan every commit of every ref of the repository at PATH (default ".") and
bring its baseline up to date: secrets it does not list are added,
unreviewed; entries whose secret no longer occurs anywhere in history (after
a history rewrite) are dropped and counted; every other entry keeps its
review. Entries from an older fingerprint version are migrated: each is
matched to the finding with the same rule, file, line and commit. Every
finding is recorded: --min-severity and --min-confidence are not taken
here (see 'leakhound baseline --help').

With --staged, only the staged changes are scanned (what the pre-commit
hook scans), and the secrets found there are added, unreviewed, to the
baseline (created if there is none); nothing is dropped. This is how to let
a false positive through the pre-commit hook: run it, git add the baseline,
and commit again.` + baselineExitHelp,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := filtersTaken(); err != nil {
				return err
			}
			if opts.staged {
				return runBaselineUpdateStaged(cmd.Context(), opts, args, std)
			}
			return runBaselineUpdate(cmd.Context(), opts, args, std)
		},
	}
	opts.AddFlags(cmd.Flags())
	filtersTaken = noTriageFilters(cmd.Flags())
	cmd.Flags().StringVarP(&opts.file, "baseline", "b", "", "baseline file (default: "+baseline.FileName+" at the repository's root)")
	cmd.Flags().BoolVar(&opts.staged, "staged", false, "add the secrets in the staged changes (what the pre-commit hook blocks), and drop nothing")
	return cmd
}

// runBaselineUpdateStaged adds the secrets of the staged changes to the
// baseline, creating it when there is none, and drops nothing.
func runBaselineUpdateStaged(ctx context.Context, opts baselineUpdateOptions, args []string, std stdio) error {
	if opts.noGit {
		return errors.New("--staged scans a repository's index: drop --no-git")
	}
	t, file, err := opts.open(pathArg(args), opts.file)
	if err != nil {
		return err
	}
	defer t.Close()
	b, err := loadOrNew(file)
	if err != nil {
		return err
	}
	settings, err := scan.LoadSettings(ctx, t.Policy(scan.Policy{RulesFile: opts.config, NoBaseline: true}))
	if err != nil {
		return err
	}
	rep, err := runEngine(ctx, &scan.Staged{Repo: t.Repo, Name: t.Path}, scan.Options{Settings: settings, Short: true}, false, std)
	if err != nil {
		return interrupted(err, "the baseline is unchanged")
	}
	before := len(b.Entries)
	for i := range rep.Findings {
		b.Add(&rep.Findings[i])
	}
	added := slices.Clone(b.Entries[before:])
	if len(added) == 0 {
		fmt.Fprintf(std.out, "%s: nothing to add: the staged changes hold no secret it does not list\n", file)
		return scanOutcome(rep, "")
	}
	b.Sort()
	if err := saveBaseline(file, b); err != nil {
		return err
	}
	n := len(added)
	fmt.Fprintf(std.out, "added %d staged secret%s to %s (unreviewed)\n", n, report.Plural(n), file)
	for _, e := range added {
		fmt.Fprintf(std.out, "  added    %s  %s:%d  %s\n", e.RuleID, report.TermSafe(e.File), e.Line, e.Hint)
	}
	fmt.Fprintf(std.out, "now: git add %s, and commit again; review later with 'leakhound baseline audit'\n", shellWord(relToCwd(file)))
	return scanOutcome(rep, "the baseline lists what was found")
}

// relToCwd returns path relative to the working directory when it is
// below it, else path.
func relToCwd(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

func runBaselineUpdate(ctx context.Context, opts baselineUpdateOptions, args []string, std stdio) error {
	t, file, err := opts.open(pathArg(args), opts.file)
	if err != nil {
		return err
	}
	defer t.Close()
	b, err := baseline.Load(file)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: create one with 'leakhound baseline create'", err)
	}
	if err != nil {
		return err
	}
	rep, err := opts.scan(ctx, t, std)
	if err != nil {
		return interrupted(err, "the baseline is unchanged")
	}
	complete := !rep.Summary.Incomplete
	res := b.Update(rep.Findings, complete)
	if err := saveBaseline(file, b); err != nil {
		return err
	}
	fmt.Fprintf(std.out, "updated %s: %d added (unreviewed), %d dropped (no longer anywhere in history), %d kept with their reviews\n",
		file, len(res.Added), len(res.Dropped), res.Kept)
	for _, e := range res.Added {
		fmt.Fprintf(std.out, "  added    %s  %s:%d\n", e.RuleID, report.TermSafe(e.File), e.Line)
	}
	for _, e := range res.Dropped {
		fmt.Fprintf(std.out, "  dropped  %s  %s:%d  (%s)\n", e.RuleID, report.TermSafe(e.File), e.Line, e.Status)
	}
	if res.Migrated > 0 {
		fmt.Fprintf(std.out, "migrated %d entr%s to fingerprint version %s\n", res.Migrated, report.PluralY(res.Migrated), leak.FingerprintVersion)
	}
	if n := len(res.Unmigrated); n > 0 {
		fmt.Fprintf(std.out, "%d entr%s of an older fingerprint version matched no finding (same rule, file, line and commit):\n", n, report.PluralY(n))
		for _, e := range res.Unmigrated {
			fmt.Fprintf(std.out, "  %s  %s:%d  (%s)\n", e.RuleID, report.TermSafe(e.File), e.Line, e.Status)
		}
	}
	return scanOutcome(rep, "nothing was dropped from the baseline")
}

type baselineAuditOptions struct {
	rulesOptions
	file     string
	stats    bool
	all      bool
	context  int
	reviewer string
	noColor  bool
	// terminal makes the audit run as if standard input and output were a
	// terminal (tests).
	terminal bool
}

func newBaselineAuditCommand(std stdio) *cobra.Command {
	var opts baselineAuditOptions
	var filtersTaken func() error
	cmd := &cobra.Command{
		Use:   "audit [PATH]",
		Short: "Review the baseline's unreviewed entries on a terminal",
		Long: `Show each unreviewed entry of the baseline of the repository at PATH
(default ".") with the lines around it, the secret included (on your
terminal only: audit refuses to run when standard input or output is not a
terminal), and ask: accept, false positive, revoked, skip or quit. Type the
letter, optionally followed by a note ("f test fixture"), then Enter. The
baseline is saved after each answer.

--stats prints the number of entries per rule and status instead; it needs
no terminal.

Every entry is reviewed, whatever the severity of its finding: audit takes
no --min-severity or --min-confidence (a baseline holds no severity, only
fingerprints and where each secret was introduced; see 'leakhound baseline
--help').` + `

EXIT STATUS
  0  done (or quit)
  2  error`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := filtersTaken(); err != nil {
				return err
			}
			return runBaselineAudit(cmd.Context(), opts, args, std)
		},
	}
	fs := cmd.Flags()
	filtersTaken = noTriageFilters(fs)
	fs.StringVarP(&opts.file, "baseline", "b", "", "baseline file (default: "+baseline.FileName+" at the repository's root)")
	opts.rulesOptions.AddFlags(fs, configFromRepo)
	fs.BoolVar(&opts.stats, "stats", false, "print counts per rule and status, and nothing else")
	fs.BoolVar(&opts.all, "all", false, "review every entry, not only unreviewed ones")
	fs.IntVarP(&opts.context, "context", "C", 3, "lines of context around each secret")
	fs.StringVar(&opts.reviewer, "reviewer", "", "who is reviewing (default: git's user.name <user.email>)")
	fs.BoolVar(&opts.noColor, "no-color", false, "no colours (also: NO_COLOR)")
	return cmd
}

// sameFile reports whether paths a and b name the same file, which need
// not exist yet.
func sameFile(a, b string) bool {
	if fa, err := os.Stat(a); err == nil {
		if fb, err := os.Stat(b); err == nil {
			return os.SameFile(fa, fb)
		}
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// shellWord quotes s for a POSIX shell when it needs quoting.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
