package main

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/internal/since"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/scan"
	"github.com/leakhound/leakhound/triage"
)

// The flags several commands share are declared here, once each, in the
// manner of restic's global options: each command's options embed the
// sets it takes and call their AddFlags.

// Where --config's default comes from, per command.
const (
	configFromRepo    = "the repository's .secretsrules.toml, else the built-in rules"
	configFromBase    = ".secretsrules.toml in the base commit, else the built-in rules"
	configFromDefault = "the built-in rules"
)

// rulesOptions is --config.
type rulesOptions struct {
	config string
}

// AddFlags adds --config to fs; def says what applies without it.
func (o *rulesOptions) AddFlags(fs *pflag.FlagSet, def string) {
	fs.StringVarP(&o.config, "config", "c", "", "rules file (default: "+def+")")
}

// readOptions are the flags of the commands that read a whole repository:
// how much, how fast, and whether to show it.
type readOptions struct {
	maxFileSize string
	threads     int
	noProgress  bool
	noMessages  bool
	// archiveDepth is --max-archive-depth.
	archiveDepth int
}

// AddFlags adds --max-file-size, --max-archive-depth, --threads,
// --no-progress and --no-messages to fs.
func (o *readOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.maxFileSize, "max-file-size", sizeString(leak.DefaultMaxFileSize), "skip files larger than this (bytes, or with KiB, MiB, GiB)")
	fs.IntVar(&o.archiveDepth, "max-archive-depth", scan.DefaultMaxArchiveDepth, "scan the files inside archives (zip, jar, war, whl, tar, tar.gz, tar.xz...), opening archives nested up to this deep; 0 skips archives as binary")
	fs.IntVar(&o.threads, "threads", runtime.GOMAXPROCS(0), "parallel readers and detectors")
	fs.BoolVar(&o.noProgress, "no-progress", false, "no progress bar (it only shows when stderr is a terminal)")
	fs.BoolVar(&o.noMessages, "no-messages", false, "do not scan the messages of commits and annotated tags (git history)")
}

// check validates the flags and returns the size limit in bytes.
func (o *readOptions) check() (int64, error) {
	maxSize, err := parseSize(o.maxFileSize)
	if err != nil {
		return 0, fmt.Errorf("--max-file-size: %w", err)
	}
	if o.archiveDepth < 0 {
		return 0, errors.New("--max-archive-depth must be 0 (archives not opened) or more")
	}
	if o.threads < 1 {
		return 0, errors.New("--threads must be at least 1")
	}
	return maxSize, nil
}

// maxArchiveDepth is scan.Options.MaxArchiveDepth for --max-archive-depth.
func (o *readOptions) maxArchiveDepth() int {
	if o.archiveDepth == 0 {
		return -1 // off
	}
	return o.archiveDepth
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
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	size := n * float64(mult)
	switch {
	case size < 1:
		return 0, fmt.Errorf("bad size %q: less than one byte", s)
	case size > maxSizeFlag:
		return 0, fmt.Errorf("bad size %q: more than %s", s, sizeString(maxSizeFlag))
	}
	return int64(size), nil
}

// maxSizeFlag is the largest size a flag takes: 1 TiB, far above what
// any blob is read up to, and far below what overflows a byte count.
const maxSizeFlag = 1 << 40

// sizeString writes n as parseSize reads it: "10MiB".
func sizeString(n int64) string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// parseSince parses --since (see package since).
func parseSince(s string, now time.Time) (time.Time, error) {
	t, err := since.Parse(s, now)
	if err != nil {
		return time.Time{}, fmt.Errorf("--since %w", err)
	}
	return t, nil
}

func pathArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}

// triageOptions are --min-severity, --min-confidence and
// --include-known, which every command that reports findings takes, and
// --fail-on, which ci and the hooks take.
type triageOptions struct {
	minSeverity, minConfidence string
	failOn                     string
	// includeKnown is --include-known (see scan.Options.IncludeKnown).
	includeKnown bool
}

// defaultFailOn is --fail-on's default: see the README (Triage) for why.
const defaultFailOn = "medium"

// AddFlags adds --min-severity and --min-confidence to fs.
func (o *triageOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.minSeverity, "min-severity", "", "report only findings of this severity or higher: "+strings.Join(config.Severities(), ", "))
	fs.StringVar(&o.minConfidence, "min-confidence", "", "report only findings of this confidence or higher: "+strings.Join(config.Confidences(), ", "))
	fs.BoolVar(&o.includeKnown, "include-known", false, "also report publicly known example values that open no account (AWS's documented example key, Stripe's documentation test keys...), which are otherwise counted and left out")
}

// AddFailOnFlag adds --fail-on to fs.
func (o *triageOptions) AddFailOnFlag(fs *pflag.FlagSet) {
	fs.StringVar(&o.failOn, "fail-on", defaultFailOn, "fail (exit 1, or block the hook) only on findings of this severity or higher; lower ones are reported as warnings")
}

// check validates the flags.
func (o *triageOptions) check() error {
	for _, f := range []struct {
		name, v string
		ok      []string
	}{
		{"--min-severity", o.minSeverity, config.Severities()},
		{"--min-confidence", o.minConfidence, config.Confidences()},
		{"--fail-on", o.failOn, config.Severities()},
	} {
		if f.v != "" && !slices.Contains(f.ok, f.v) {
			return fmt.Errorf("%s %q: want one of %s", f.name, f.v, strings.Join(f.ok, ", "))
		}
	}
	return nil
}

// filter leaves out of rep the findings below --min-severity and
// --min-confidence, counting them in the summary.
func (o *triageOptions) filter(rep *report.Report) {
	if rep == nil || o.minSeverity == "" && o.minConfidence == "" {
		return
	}
	kept := rep.Findings[:0]
	dropped := 0
	for i := range rep.Findings {
		if triage.Keep(&rep.Findings[i], o.minSeverity, o.minConfidence) {
			kept = append(kept, rep.Findings[i])
		} else {
			dropped++
		}
	}
	rep.Findings = kept
	var below []string
	if o.minSeverity != "" {
		below = append(below, "severity "+o.minSeverity)
	}
	if o.minConfidence != "" {
		below = append(below, "confidence "+o.minConfidence)
	}
	s := &rep.Summary
	s.Findings, s.Filtered, s.FilteredBelow = len(kept), dropped, strings.Join(below, ", ")
	s.InHead = 0
	for i := range kept {
		if kept[i].InHead {
			s.InHead++
		}
	}
}

// failing returns the findings at or above --fail-on.
func (o *triageOptions) failing(rep *report.Report) int {
	n := 0
	for i := range rep.Findings {
		if triage.Keep(&rep.Findings[i], o.failOn, "") {
			n++
		}
	}
	return n
}

// baselineRecordsAll is why the baseline commands take no --min-severity
// or --min-confidence.
const baselineRecordsAll = `a baseline records every finding, whatever its severity or confidence: filter what is shown with --min-severity and --min-confidence on 'leakhound scan', 'ci' and the hooks, which apply the baseline first`

// noTriageFilters adds --min-severity and --min-confidence to fs, hidden,
// for a command that records every finding (the baseline commands): the
// returned check fails, saying why, when either is set, rather than
// leaving the user with "unknown flag".
func noTriageFilters(fs *pflag.FlagSet) (check func() error) {
	var sev, conf string
	fs.StringVar(&sev, "min-severity", "", "not taken: "+baselineRecordsAll)
	fs.StringVar(&conf, "min-confidence", "", "not taken: "+baselineRecordsAll)
	_ = fs.MarkHidden("min-severity")
	_ = fs.MarkHidden("min-confidence")
	return func() error {
		for _, f := range []struct{ name, v string }{{"--min-severity", sev}, {"--min-confidence", conf}} {
			if fs.Changed(f.name[2:]) {
				return fmt.Errorf("%s %q: not taken: %s", f.name, f.v, baselineRecordsAll)
			}
		}
		return nil
	}
}
