package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/scan"
)

func newRulesCommand(std stdio) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List or test rules",
	}
	var opts rulesOptions
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
			for _, r := range cfg.Rules {
				sev := r.Severity
				if sev == "" {
					sev = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, sev, r.Description)
			}
			return tw.Flush()
		},
	}
	test := &cobra.Command{
		Use:   "test",
		Short: "Run every rule's examples and report those that fail",
		Long: `Run each rule's [[rules.examples]]: an example with a secret must make its rule
find that secret; an example without one must make its rule find nothing.

The rules are those of --config, else those a scan here would use: the
repository's (or the directory's) .secretsrules.toml, else the built-in
rules.

EXIT STATUS
  0  every example passes
  1  an example failed
  2  error (a bad rules file)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRulesTest(cmd.Context(), opts.config, std)
		},
	}
	for _, c := range []*cobra.Command{list, test} {
		opts.AddFlags(c.Flags(), configFromRepo)
		cmd.AddCommand(c)
	}
	return cmd
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
func runRulesTest(ctx context.Context, configPath string, std stdio) error {
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
	}
	fmt.Fprintf(std.out, "%d rules, %d examples, %d failed\n", len(cfg.Rules), n, len(fails))
	if len(without) > 0 {
		fmt.Fprintf(std.out, "rules without examples: %s\n", strings.Join(without, ", "))
	}
	if len(fails) > 0 {
		return leaksFound{exitLeaks}
	}
	return nil
}
