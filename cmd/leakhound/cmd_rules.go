package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/detect"
)

func newRulesCommand(io stdio) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List or test rules",
	}
	var configPath string
	list := &cobra.Command{
		Use:   "list",
		Short: "Print each rule's id, severity and description",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := rulesConfig(configPath)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
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
find that secret; an example without one must make its rule find nothing.` + exitStatusHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRulesTest(cmd.Context(), configPath, io)
		},
	}
	for _, c := range []*cobra.Command{list, test} {
		c.Flags().StringVarP(&configPath, "config", "c", "", "rules file (default: the built-in rules)")
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

func runRulesTest(_ context.Context, configPath string, io stdio) error {
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
		fmt.Fprintln(io.out, "FAIL", f.Error())
	}
	fmt.Fprintf(io.out, "%d rules, %d examples, %d failed\n", len(cfg.Rules), n, len(fails))
	if len(without) > 0 {
		fmt.Fprintf(io.out, "rules without examples: %s\n", strings.Join(without, ", "))
	}
	if len(fails) > 0 {
		return &exitError{code: exitLeaks}
	}
	return nil
}
