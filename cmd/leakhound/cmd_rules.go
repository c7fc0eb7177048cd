package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/config/convert"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
)

func newRulesCommand(std stdio) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List or test rules",
	}
	var opts rulesOptions
	var explain bool
	list := &cobra.Command{
		Use:   "list",
		Short: "Print each rule's id, severity and description",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, from, err := rulesConfig(cmd.Context(), opts.config, false)
			if err != nil {
				return err
			}
			fmt.Fprintf(std.err, "leakhound: rules: %s\n", from)
			tw := tabwriter.NewWriter(std.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tDESCRIPTION")
			byPath := 0
			for _, r := range cfg.Rules {
				sev := r.Severity
				if sev == "" {
					sev = "-"
				}
				id := r.ID
				if r.Path != "" {
					id += " *"
					byPath++
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", id, sev, r.Description)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if byPath > 0 {
				fmt.Fprintf(std.out, "\n* %d rule%s only look at files whose path matches the rule's path pattern (a .env\n  file, a .py file...): standard input (scan -) is judged by its content\n  alone, so give it a path with --stdin-name NAME for these.\n", byPath, report.Plural(byPath))
			}
			return nil
		},
	}
	test := &cobra.Command{
		Use:   "test",
		Short: "Run every rule's examples and report those that fail",
		Long: `Run each rule's [[rules.examples]]: an example with a secret must make its rule
find that secret; an example without one must make its rule find nothing.
A failing example says which step dropped or kept each match of the rule's
regex (--explain: every step up to that one).

The rules are those of --config, else those a scan here would use: the
repository's (or the directory's) .secretsrules.toml, else the built-in
rules.

EXIT STATUS
  0  every example passes
  1  an example failed
  2  error (a bad rules file)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRulesTest(cmd.Context(), opts.config, explain, std)
		},
	}
	test.Flags().BoolVar(&explain, "explain", false, "for each failing example, show every step of the rule's verdict up to the one that dropped a match (keywords, regex, names, secret, entropy floor, asset name, stand-in filter, inline allow, allowlists, path, credential stores)")
	for _, c := range []*cobra.Command{list, test} {
		opts.AddFlags(c.Flags(), configFromRepo)
		cmd.AddCommand(c)
	}
	cmd.AddCommand(newRulesImportCommand(std))
	return cmd
}

type rulesImportOptions struct {
	from   string
	output string
	force  bool
}

func newRulesImportCommand(std stdio) *cobra.Command {
	var opts rulesImportOptions
	cmd := &cobra.Command{
		Use:   "import --from gitleaks FILE",
		Short: "Convert a gitleaks configuration into a leakhound rules file",
		Long: `Convert FILE, a gitleaks configuration (.gitleaks.toml), into a leakhound
rules file (.secretsrules.toml in the current directory, or -o FILE): its
rules, their allowlists and the global ones, old keys included
([allowlist], [rules.allowlist]), and the files its [extend] path names,
merged in. [extend] useDefault builds on leakhound's built-in rules instead
of gitleaks'. What cannot be converted is listed: settings leakhound has no
equal for (composite rules' [[rules.required]], skipReport), disabledRules
(gitleaks' rule ids), an [extend] url, and rules whose regex RE2 refuses.
Then run 'leakhound rules test' and scan.

EXIT STATUS
  0  converted (what was not is listed)
  2  error: FILE unreadable or not TOML, an output file already there
     without --force`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRulesImport(opts, args[0], std)
		},
	}
	cmd.Flags().StringVar(&opts.from, "from", "", "format of FILE: gitleaks")
	cmd.Flags().StringVarP(&opts.output, "output", "o", scan.RulesFileName, "rules file to write")
	cmd.Flags().BoolVar(&opts.force, "force", false, "overwrite the output file")
	return cmd
}

func runRulesImport(opts rulesImportOptions, file string, std stdio) error {
	if opts.from != "gitleaks" {
		return fmt.Errorf("--from %q: want gitleaks", opts.from)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if _, err := os.Stat(opts.output); err == nil && !opts.force {
		return fmt.Errorf("%s exists: --force overwrites it, or -o names another file", opts.output)
	}
	res, err := convert.FromGitleaks(file, data, os.ReadFile)
	if err != nil {
		return err
	}
	if err := report.AtomicWrite(opts.output, func(w io.Writer) error { _, err := w.Write(res.TOML); return err }); err != nil {
		return err
	}
	fmt.Fprintf(std.out, "wrote %s: %d rule%s from %s\n", opts.output, res.Rules, report.Plural(res.Rules), file)
	if n := len(res.Notes); n > 0 {
		fmt.Fprintf(std.out, "%d thing%s not converted as is:\n", n, report.Plural(n))
		for _, note := range res.Notes {
			fmt.Fprintf(std.out, "  %s\n", note)
		}
	}
	check := "leakhound rules test"
	if opts.output != scan.RulesFileName {
		check += " --config " + shellWord(opts.output)
	}
	fmt.Fprintf(std.out, "check it: %s\n", check)
	return nil
}

// rulesConfig returns the rules the rules commands work on, and where they
// come from: the file named with --config, else those a scan of the
// current directory would use (the repository's, or the directory's,
// .secretsrules.toml; see scan.LoadSettings), else the built-in rules,
// with their examples when examples is set.
func rulesConfig(ctx context.Context, path string, examples bool) (*config.Config, string, error) {
	if path != "" {
		cfg, err := config.Load(path)
		return cfg, path + " (--config)", err
	}
	t, err := scan.OpenTarget(".", false)
	if errors.Is(err, gitwalk.ErrNotRepository) {
		t, err = scan.OpenTarget(".", true)
	}
	if err != nil {
		return nil, "", err
	}
	defer t.Close()
	s, err := scan.LoadSettings(ctx, t.Policy(scan.Policy{NoBaseline: true}))
	if err != nil {
		return nil, "", err
	}
	if s.BuiltInRules && examples {
		cfg, err := config.DefaultWithExamples()
		return cfg, s.RulesFrom, err
	}
	return s.Rules, s.RulesFrom, nil
}

// runRulesTest runs the examples of the rules file at configPath, else of
// the repository's rules file, else of the default rules, which only
// `rules test` reads with their examples.
func runRulesTest(ctx context.Context, configPath string, explain bool, std stdio) error {
	cfg, from, err := rulesConfig(ctx, configPath, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(std.out, "rules: %s\n", from)
	d, err := detect.New(cfg, detect.Options{})
	if err != nil {
		return err
	}
	fails, err := detect.CheckExamples(d)
	if err != nil {
		return err
	}
	n, without := 0, []string{}
	for _, r := range cfg.Rules {
		n += len(r.Examples)
		if len(r.Examples) == 0 {
			without = append(without, r.ID)
		}
	}
	for _, f := range fails {
		fmt.Fprintln(std.out, "FAIL", f.Error())
		if err := explainFailure(d, f, explain, std); err != nil {
			return err
		}
	}
	fmt.Fprintf(std.out, "%d rules, %d examples, %d failed\n", len(cfg.Rules), n, len(fails))
	switch n := len(without); {
	case n > 10:
		fmt.Fprintf(std.out, "%d rules without examples: %s, ...\n", n, strings.Join(without[:10], ", "))
	case n > 0:
		fmt.Fprintf(std.out, "rules without examples: %s\n", strings.Join(without, ", "))
	}
	if len(fails) > 0 {
		return leaksFound{exitLeaks}
	}
	return nil
}

// explainFailure says why a failing example's rule found what it found:
// for each match of its regex, the step that dropped it (all steps with
// all).
func explainFailure(d *detect.Detector, f detect.ExampleFailure, all bool, std stdio) error {
	path := f.Example.Path
	if path == "" {
		path = "example.txt"
	}
	exps, err := d.Explain(f.Rule, []byte(f.Example.Text), path)
	if err != nil {
		return err
	}
	for i := range exps {
		e := &exps[i]
		switch {
		case all:
			fmt.Fprint(std.out, indent(e.String(), "     "))
		case e.Match == "":
			if s := e.Dropped(); s != nil {
				fmt.Fprintf(std.out, "     %s: %s\n", s.Name, s.Detail)
			}
		case e.Kept:
			fmt.Fprintf(std.out, "     match %q: kept (secret %q)\n", e.Match, e.Secret)
		default:
			s := e.Dropped()
			fmt.Fprintf(std.out, "     match %q: dropped by %s: %s\n", e.Match, s.Name, s.Detail)
		}
	}
	if f.Example.Path == "" && !all {
		for i := range exps {
			if s := exps[i].Dropped(); s != nil && s.Name == "path" {
				fmt.Fprintln(std.out, "     (an example is scanned as example.txt unless it has a path = \"...\")")
				break
			}
		}
	}
	return nil
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}
