package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/report"
)

// mergeOptions are the flags of `leakhound merge`.
type mergeOptions struct {
	outputOptions
}

// AddFlags adds the merge flags to fs.
func (o *mergeOptions) AddFlags(fs *pflag.FlagSet) { o.outputOptions.AddFlags(fs) }

func newMergeCommand(std stdio) *cobra.Command {
	var opts mergeOptions
	cmd := &cobra.Command{
		Use:   "merge REPORT...",
		Short: "Combine the JSON reports of shards into one report",
		Long: `Combine JSON reports of leakhound scan (each shard's, with --shard K/N and
-f json) into one report, as if one run had scanned every repository: a
secret (a fingerprint) found in several repositories is one finding with
locations in each, the summaries are added up with a line per repository,
and every repository a shard could not scan is kept, with its error.

The exit status is that of one scan of every repository: 2 when a
repository could not be scanned or a report was incomplete.` + reportsHelp + exitStatusHelp,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd.Context(), opts, args, std)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runMerge(_ context.Context, opts mergeOptions, args []string, std stdio) error {
	if err := opts.outputOptions.check(); err != nil {
		return err
	}
	specs, err := opts.reports.resolve("text")
	if err != nil {
		return err
	}
	comb := report.NewCombiner()
	for _, path := range args {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("read report: %w", err)
		}
		rep, err := report.ReadJSON(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("read report %s: %w", path, err)
		}
		if !rep.Summary.Combined() {
			// A report of one repository, from a scan of one PATH.
			comb.Add(rep.Summary.Source, rep)
		} else {
			comb.AddCombined(rep)
		}
	}
	env := &reportEnv{redactAll: opts.redact, showSecrets: opts.showSecrets, noColor: opts.noColor}
	return finishOrg(comb.Report(), nil, opts.exitCode, specs, env, std)
}
