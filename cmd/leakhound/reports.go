package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/report"
)

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
	fs.VarP(formatFlag{&o.reports}, "format", "f", "report format: "+strings.Join(report.Formats(), ", ")+"; repeat it to write several reports")
	fs.VarP(outputFlag{&o.reports}, "output", "o", "write the report of the --format before it to this file (mode 0600) instead of standard output")
}

// AddFlags adds the output flags to fs.
func (o *outputOptions) AddFlags(fs *pflag.FlagSet) {
	o.AddReportFlags(fs)
	fs.BoolVar(&o.redact, "redact", false, "mask secrets in every output")
	fs.BoolVar(&o.showSecrets, "show-secrets", false, "print secrets whole in text, github and markdown output (they are partly masked by default)")
	o.exitCode = exitLeaks
	fs.Var(exitCodeFlag{&o.exitCode}, "exit-code", "exit code when leaks are found, 0 to 255")
	o.AddColorFlag(fs)
}

// exitCodeFlag is the pflag.Value of --exit-code: an exit status a
// process can have, 0 to 255 (256 would be 0 to the shell).
type exitCodeFlag struct{ p *int }

func (f exitCodeFlag) String() string {
	if f.p == nil {
		return strconv.Itoa(exitLeaks)
	}
	return strconv.Itoa(*f.p)
}

func (f exitCodeFlag) Type() string { return "int" }

func (f exitCodeFlag) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 255 {
		return errors.New("want an exit status from 0 to 255")
	}
	*f.p = n
	return nil
}

// check rejects output flags that contradict each other.
func (o *outputOptions) check() error {
	if o.redact && o.showSecrets {
		return errors.New("--redact and --show-secrets cannot be used together: --redact masks secrets in every report, --show-secrets prints them whole; drop one of them")
	}
	return nil
}

// AddColorFlag adds --no-color to fs.
func (o *outputOptions) AddColorFlag(fs *pflag.FlagSet) {
	fs.BoolVar(&o.noColor, "no-color", false, "no colours in text output (also: NO_COLOR)")
}

// reportsHelp explains --format and --output in a command's help.
const reportsHelp = `

REPORTS
  --format (-f) picks a report format: text (the default), json, sarif,
  junit, gitlab (GitLab's secret-detection report), csv, github (GitHub
  Actions annotations) or markdown. Repeat it to write several reports in
  one run; each --output (-o) names the file of the --format just before it,
  and a format without one goes to standard output (one at most):

    -f sarif -o leaks.sarif -f junit -o leaks.xml -f text

  Files are written with mode 0600, atomically. Secrets are partly masked in
  text, github and markdown reports unless --show-secrets is given, and in
  every report with --redact.`

// maskedByDefault are the formats people read on a screen or a web page:
// their secrets are masked unless --show-secrets is given. The others mask
// them only with --redact.
var maskedByDefault = map[string]bool{"text": true, "github": true, "markdown": true}

// reportSpecs collects --format and --output flags in the order they were
// given: each --output belongs to the --format just before it (or, for a
// single report, just after it, as in "-o r.json -f json"). The two flags
// share one reportSpecs through formatFlag and outputFlag.
type reportSpecs struct {
	specs []report.Output
}

// formatFlag is the pflag.Value of --format.
type formatFlag struct{ r *reportSpecs }

func (f formatFlag) String() string {
	if f.r == nil || len(f.r.specs) == 0 {
		return "text"
	}
	var fs []string
	for _, s := range f.r.specs {
		fs = append(fs, s.Format)
	}
	return strings.Join(fs, ",")
}

func (f formatFlag) Type() string { return "format" }

func (f formatFlag) Set(v string) error {
	if !slices.Contains(report.Formats(), v) {
		return fmt.Errorf("want one of %s", strings.Join(report.Formats(), ", "))
	}
	// An --output given before any --format waits for one.
	if n := len(f.r.specs); n > 0 && f.r.specs[n-1].Format == "" {
		f.r.specs[n-1].Format = v
		return nil
	}
	f.r.specs = append(f.r.specs, report.Output{Format: v})
	return nil
}

// outputFlag is the pflag.Value of --output.
type outputFlag struct{ r *reportSpecs }

func (f outputFlag) String() string { return "" }

func (f outputFlag) Type() string { return "file" }

func (f outputFlag) Set(v string) error {
	if v == "" {
		return errors.New("empty file name (use - for standard output)")
	}
	if n := len(f.r.specs); n > 0 && f.r.specs[n-1].File == "" && f.r.specs[n-1].Format != "" {
		f.r.specs[n-1].File = v
		return nil
	}
	f.r.specs = append(f.r.specs, report.Output{File: v})
	return nil
}

// resolve returns the reports to write: def to standard output when no
// --format was given. An --output without a --format is allowed only when
// it is the only report; its format is the one its extension names (see
// formatOfFile), else def. At most one report may go to standard output,
// and no two to the same file (by name, or by what the names lead to:
// links, hard links, a device). Each file must be writable (see
// report.CheckOutput): a bad --output is an error before the scan.
func (r *reportSpecs) resolve(def string) ([]report.Output, error) {
	specs := slices.Clone(r.specs)
	if len(specs) == 0 {
		return []report.Output{{Format: def}}, nil
	}
	stdout := 0
	files := map[string]string{}
	var existing []os.FileInfo
	var existingName []string
	for i := range specs {
		s := &specs[i]
		if s.Format == "" {
			if len(specs) > 1 {
				return nil, fmt.Errorf("--output %s: no --format for it (with several reports, give each --format before its --output)", s.File)
			}
			s.Format = def
			if f := formatOfFile(s.File); f != "" {
				s.Format = f
			}
		}
		if s.Stdout() {
			stdout++
			if stdout > 1 {
				return nil, errors.New("more than one report to standard output: give each --format but one an --output FILE")
			}
			continue
		}
		abs, err := filepath.Abs(s.File)
		if err != nil {
			return nil, fmt.Errorf("--output %s: %w", s.File, err)
		}
		// The same file under another name: through a linked directory.
		if d, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
			abs = filepath.Join(d, filepath.Base(abs))
		}
		if prev, ok := files[abs]; ok {
			return nil, fmt.Errorf("--output %s: the same file as --output %s", s.File, prev)
		}
		files[abs] = s.File
		if err := report.CheckOutput(s.File); err != nil {
			return nil, fmt.Errorf("--output %s: %w", s.File, err)
		}
		// ... or a hard link, or a device under two names.
		if fi, err := os.Stat(s.File); err == nil {
			for k, o := range existing {
				if os.SameFile(fi, o) {
					return nil, fmt.Errorf("--output %s: the same file as --output %s", s.File, existingName[k])
				}
			}
			existing, existingName = append(existing, fi), append(existingName, s.File)
		}
	}
	return specs, nil
}

// formatOfFile is the report format a file name's extension names, or ""
// for an extension that names none: .sarif, .json, .xml (JUnit), .csv,
// .md and .txt. A report written to leaks.sarif is SARIF, never text.
func formatOfFile(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".sarif":
		return "sarif"
	case ".json":
		return "json"
	case ".xml":
		return "junit"
	case ".csv":
		return "csv"
	case ".md", ".markdown":
		return "markdown"
	case ".txt", ".text":
		return "text"
	}
	return ""
}

// reportEnv is what reporters need to know besides the findings.
type reportEnv struct {
	// redactAll masks secrets in every report (--redact, and always in CI).
	redactAll   bool
	showSecrets bool
	noColor     bool
	// verbose names every skipped file in text reports.
	verbose bool
	// review, when not nil, says the commits scanned are under review.
	review *report.Review
}

// options returns the reporter options of an output.
func (e *reportEnv) options(o report.Output) report.Options {
	color := o.Format == "text" && o.Stdout() && os.Getenv("NO_COLOR") == "" && !e.noColor && isTerminal(os.Stdout)
	return report.Options{Version: version, Color: color, ShowSecrets: !e.masked(o), Verbose: e.verbose, Review: e.review}
}

// masked reports whether an output's secrets are masked.
func (e *reportEnv) masked(o report.Output) bool {
	return e.redactAll || (maskedByDefault[o.Format] && !e.showSecrets)
}

// writeReports writes every report (see report.WriteAll). When none writes
// text to standard output, the text summary goes to errw, for the person
// at the terminal.
func writeReports(result *report.Report, outs []report.Output, env *reportEnv, out, errw io.Writer) error {
	err := report.WriteAll(result, outs, out, env.options)
	if !slices.ContainsFunc(outs, func(o report.Output) bool { return o.Stdout() && o.Format == "text" }) {
		report.Text{Verbose: env.verbose}.Write(errw, &report.Report{Summary: result.Summary})
	}
	return err
}
