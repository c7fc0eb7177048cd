package main

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/leak"
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
}

// AddFlags adds --max-file-size, --threads and --no-progress to fs.
func (o *readOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.maxFileSize, "max-file-size", sizeString(leak.DefaultMaxFileSize), "skip files larger than this (bytes, or with KiB, MiB, GiB)")
	fs.IntVar(&o.threads, "threads", runtime.GOMAXPROCS(0), "parallel readers and detectors")
	fs.BoolVar(&o.noProgress, "no-progress", false, "no progress bar (it only shows when stderr is a terminal)")
}

// check validates the flags and returns the size limit in bytes.
func (o *readOptions) check() (int64, error) {
	maxSize, err := parseSize(o.maxFileSize)
	if err != nil {
		return 0, fmt.Errorf("--max-file-size: %w", err)
	}
	if o.threads < 1 {
		return 0, errors.New("--threads must be at least 1")
	}
	return maxSize, nil
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
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(n * float64(mult)), nil
}

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

// parseSince parses a date, an RFC 3339 time or a duration before now.
func parseSince(s string, now time.Time) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want a date (2006-01-02), an RFC 3339 time or a duration (720h)", s)
}

func pathArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}
