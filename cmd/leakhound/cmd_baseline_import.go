package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/baseline/importer"
	"github.com/leakhound/leakhound/report"
)

type baselineImportOptions struct {
	baselineScanOptions
	from   string
	output string
}

func newBaselineImportCommand(std stdio) *cobra.Command {
	var opts baselineImportOptions
	cmd := &cobra.Command{
		Use:   "import --from gitleaks|gitleaksignore|detect-secrets FILE [PATH]",
		Short: "Convert a gitleaks report or a detect-secrets baseline into leakhound's baseline",
		Long: `Turn what another tool's baseline lists into entries of leakhound's baseline
for the repository at PATH (default "."), so that a team can switch tools
without reviewing everything again.

  --from gitleaks FILE        a gitleaks JSON report (gitleaks git|dir
                              --report-format json), as used with
                              --baseline-path; redacted reports work too
  --from gitleaksignore FILE  a .gitleaksignore file: gitleaks fingerprints
                              (commit:file:rule-id:line), one a line
  --from detect-secrets FILE  a detect-secrets baseline (.secrets.baseline)

Neither file holds leakhound's fingerprints, so the repository is scanned
and each record is matched to leakhound's findings: by its secret (gitleaks'
"Secret", or detect-secrets' SHA-1 "hashed_secret"), else by the secret
leakhound finds on the record's line (gitleaks' "File", "StartLine" and
"Commit"; detect-secrets' file and "line_number" in the work tree). Records
that match nothing are listed.

Statuses: detect-secrets' audited "is_secret": false becomes
false_positive, true becomes accepted, unaudited becomes unreviewed;
gitleaks records carry no review, so they become unreviewed. Entries are
added to the baseline at -o (default .secretsbaseline.json at the
repository's root), created if need be; an entry already there keeps its
review unless it is unreviewed.` + baselineExitHelp,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBaselineImport(cmd.Context(), opts, args, std)
		},
	}
	opts.AddFlags(cmd.Flags())
	cmd.Flags().StringVar(&opts.from, "from", "", "format of FILE: gitleaks (a JSON report), gitleaksignore (a .gitleaksignore file) or detect-secrets")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "baseline file to add to (default: "+baseline.FileName+" at the repository's root)")
	return cmd
}

func runBaselineImport(ctx context.Context, opts baselineImportOptions, args []string, std stdio) error {
	src := args[0]
	path := "."
	if len(args) == 2 {
		path = args[1]
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	recs, err := importer.Parse(opts.from, src, data)
	if err != nil {
		return err
	}
	t, out, err := opts.open(path, opts.output)
	if err != nil {
		return err
	}
	defer t.Close()
	b, err := loadOrNew(out)
	if err != nil {
		return err
	}
	if err := b.Check(out); err != nil {
		return err
	}

	rep, err := opts.scan(ctx, t, std)
	if err != nil {
		return interrupted(err, "nothing imported")
	}
	res := importer.Import(b, recs, rep.Findings, t.Repo, t.Dir)
	if err := saveBaseline(out, b); err != nil {
		return err
	}
	matched := res.Records - len(res.Unmatched)
	fmt.Fprintf(std.out, "imported %d of %d %s record%s into %s: %d new entr%s, %d updated, %d secret%s\n",
		matched, res.Records, opts.from, report.Plural(res.Records), out, res.Added, report.PluralY(res.Added), res.Updated, res.Secrets, report.Plural(res.Secrets))
	if n := len(res.Unmatched); n > 0 {
		fmt.Fprintf(std.out, "%d record%s matched no leakhound finding (not imported):\n", n, report.Plural(n))
		for _, r := range res.Unmatched {
			where := fmt.Sprintf("%s:%d", report.TermSafe(r.File), r.Line)
			if r.Commit != "" {
				where += " @ " + report.ShortID(r.Commit)
			}
			fmt.Fprintf(std.out, "  %s  (%s)\n", where, report.TermSafe(r.Label))
		}
	}
	switch n := res.Unlisted; {
	case n == 1:
		fmt.Fprintln(std.out, "1 secret leakhound finds is not in the baseline, so scans report it: 'leakhound baseline update' adds it")
	case n > 1:
		fmt.Fprintf(std.out, "%d secrets leakhound finds are not in the baseline, so scans report them: 'leakhound baseline update' adds them\n", n)
	}
	return scanOutcome(rep, "records whose secret was in what could not be read may be unmatched")
}
