package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/report"
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
			cfg, err := rulesConfig(opts.config)
			if err != nil {
				return err
			}
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
find that secret; an example without one must make its rule find nothing.` + exitStatusHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRulesTest(opts.config, std)
		},
	}
	for _, c := range []*cobra.Command{list, test} {
		opts.AddFlags(c.Flags(), configFromDefault)
		cmd.AddCommand(c)
	}
	return cmd
}

func rulesConfig(path string) (*config.Config, error) {
	if path != "" {
		return config.Load(path)
	}
	return config.Default()
}

// runRulesTest runs the examples of the rules file at configPath, or of
// the default rules, which only `rules test` reads with their examples.
func runRulesTest(configPath string, std stdio) error {
	var cfg *config.Config
	var err error
	if configPath != "" {
		cfg, err = config.Load(configPath)
	} else {
		cfg, err = config.DefaultWithExamples()
	}
	if err != nil {
		return err
	}
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
