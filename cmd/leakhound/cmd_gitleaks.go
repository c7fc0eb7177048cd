package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/baseline/importer"
	"github.com/leakhound/leakhound/internal/gitleakscompat"
)

// gitleaksOptions are gitleaks' flags that scan accepts, hidden, with the
// same meaning, so that a gitleaks user's commands keep working (see the
// README's "Coming from gitleaks").
type gitleaksOptions struct {
	logOpts      string
	maxTargetMB  int
	baselinePath string
	noBanner     bool
}

// AddFlags adds the hidden gitleaks flags to fs, which o's flags are in.
func (g *gitleaksOptions) AddFlags(fs *pflag.FlagSet, o *scanOptions) {
	fs.Var(formatFlag{&o.reports}, "report-format", "gitleaks' name for --format")
	fs.Var(outputFlag{&o.reports}, "report-path", "gitleaks' name for --output")
	fs.StringVar(&g.baselinePath, "baseline-path", "", "gitleaks' name for --baseline")
	fs.IntVar(&g.maxTargetMB, "max-target-megabytes", 0, "gitleaks' --max-file-size in megabytes")
	fs.BoolVar(&o.ignoreInlineAllows, "ignore-gitleaks-allow", false, "gitleaks' name for --ignore-inline-allows")
	fs.StringVar(&g.logOpts, "log-opts", "", "gitleaks' git log options: --all, A..B, refs, --since=DATE")
	fs.BoolVar(&g.noBanner, "no-banner", false, "accepted for gitleaks' sake: leakhound prints no banner")
	for _, name := range []string{"report-format", "report-path", "baseline-path", "max-target-megabytes", "ignore-gitleaks-allow", "log-opts", "no-banner"} {
		_ = fs.MarkHidden(name)
	}
	// --redact=N: gitleaks' percentage; any N above 0 masks.
	if f := fs.Lookup("redact"); f != nil {
		f.Value = redactValue{&o.redact}
	}
}

// redactValue is --redact: a boolean that takes gitleaks' --redact=N too.
type redactValue struct{ b *bool }

func (r redactValue) String() string {
	if r.b == nil {
		return "false"
	}
	return strconv.FormatBool(*r.b)
}
func (r redactValue) Set(s string) error {
	b, err := gitleakscompat.ParseRedact(s)
	if err == nil {
		*r.b = b
	}
	return err
}
func (redactValue) Type() string     { return "bool" }
func (redactValue) IsBoolFlag() bool { return true }

// apply turns the gitleaks flags given into o's own, refusing those that
// contradict o's.
func (g *gitleaksOptions) apply(o *scanOptions, fs *pflag.FlagSet) error {
	if fs.Changed("max-target-megabytes") {
		if fs.Changed("max-file-size") {
			return errors.New("--max-target-megabytes and --max-file-size say the same thing: give one")
		}
		if g.maxTargetMB <= 0 {
			return fmt.Errorf("--max-target-megabytes %d: want a positive number", g.maxTargetMB)
		}
		o.maxFileSize = strconv.Itoa(g.maxTargetMB) + "MB"
	}
	if g.baselinePath != "" {
		if o.baseline != "" {
			return errors.New("--baseline-path and --baseline say the same thing: give one")
		}
		data, err := os.ReadFile(g.baselinePath)
		if err != nil {
			return fmt.Errorf("--baseline-path: %w", err)
		}
		if _, err := baseline.Parse(g.baselinePath, data); err != nil {
			if _, gerr := importer.ParseGitleaks(g.baselinePath, data); gerr == nil {
				return fmt.Errorf("--baseline-path %s is a gitleaks report: import it once with 'leakhound baseline import --from gitleaks %s', which writes %s, then scans use that (or --baseline FILE)", g.baselinePath, g.baselinePath, baseline.FileName)
			}
			return fmt.Errorf("--baseline-path: %w", err)
		}
		o.baseline = g.baselinePath
	}
	if g.logOpts != "" {
		lo, err := gitleakscompat.ParseLogOpts(g.logOpts)
		if err != nil {
			return err
		}
		if len(o.branches) > 0 || o.rangeSpec != "" || (o.since != "" && lo.Since != "") {
			return errors.New("--log-opts and --branch, --range or --since: give one or the other")
		}
		o.rangeSpec, o.branches = lo.Range, lo.Refs
		if lo.Since != "" {
			o.since = lo.Since
		}
	}
	return nil
}

// newGitleaksAliases returns gitleaks' scan commands as aliases of scan:
// git [PATH] (history), dir [PATH] (scan --no-git) and stdin (scan -).
func newGitleaksAliases(std stdio) []*cobra.Command {
	git := newScanCommand(std)
	git.Use, git.Short = "git [PATH]", "Same as 'leakhound scan PATH' (gitleaks' name)"
	dir := newScanCommand(std)
	dir.Use, dir.Short = "dir [PATH]", "Same as 'leakhound scan --no-git PATH' (gitleaks' name)"
	dirRun := dir.RunE
	dir.RunE = func(cmd *cobra.Command, args []string) error {
		if err := cmd.Flags().Set("no-git", "true"); err != nil {
			return err
		}
		return dirRun(cmd, args)
	}
	stdin := newScanCommand(std)
	stdin.Use, stdin.Short, stdin.Args = "stdin", "Same as 'leakhound scan -' (gitleaks' name)", cobra.NoArgs
	stdinRun := stdin.RunE
	stdin.RunE = func(cmd *cobra.Command, args []string) error { return stdinRun(cmd, []string{"-"}) }
	for _, c := range []*cobra.Command{git, dir, stdin} {
		c.Hidden = true
		c.Long = c.Short + ".\n\nSee 'leakhound scan --help'."
	}
	return []*cobra.Command{git, dir, stdin}
}
