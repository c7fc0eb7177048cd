package report

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
)

// Formats returns the names of the formats New makes, in the order help
// lists them.
func Formats() []string {
	return []string{"text", "json", "sarif", "junit", "gitlab", "csv", "github", "markdown"}
}

// Options are what New needs besides the format.
type Options struct {
	// Version is leakhound's version, for the formats that carry it.
	Version string
	// Color colours text reports.
	Color bool
	// ShowSecrets prints secrets whole; by default they are masked.
	ShowSecrets bool
	// Verbose lists every skipped file in text reports (see Text).
	Verbose bool
	// Review, when not nil, says the commits scanned are under review
	// (a merge request's), for the text report's advice.
	Review *Review
}

// New returns the Reporter of format, one of Formats. A GitLab report's
// scan ends when it is written, and starts the scan's duration before.
func New(format string, o Options) (Reporter, error) {
	switch format {
	case "text":
		return Text{Color: o.Color, ShowSecrets: o.ShowSecrets, Verbose: o.Verbose, Review: o.Review}, nil
	case "json":
		return JSON{ShowSecrets: o.ShowSecrets}, nil
	case "sarif":
		return &SARIF{Version: o.Version, ShowSecrets: o.ShowSecrets}, nil
	case "junit":
		return JUnit{ShowSecrets: o.ShowSecrets}, nil
	case "gitlab":
		return &GitLab{Version: o.Version, ShowSecrets: o.ShowSecrets}, nil
	case "csv":
		return CSV{ShowSecrets: o.ShowSecrets}, nil
	case "github":
		return GitHubAnnotations{ShowSecrets: o.ShowSecrets}, nil
	case "markdown":
		return Markdown{ShowSecrets: o.ShowSecrets}, nil
	}
	return nil, fmt.Errorf("unknown report format %q: want one of %s", format, strings.Join(Formats(), ", "))
}

// Output is one report to write: its format (see Formats) and its file;
// "" or "-" is standard output.
type Output struct {
	Format string
	File   string
}

// Stdout reports whether o is written to standard output.
func (o Output) Stdout() bool { return o.File == "" || o.File == "-" }

// WriteAll writes r once per output: to its file with WriteFile (mode
// 0600, atomically), or to stdout. options returns each output's reporter
// options. An output that cannot be written does not stop the others; the
// first error is returned. A reader of stdout that went away (a closed
// pipe, as with `leakhound scan | head`) is not an error.
func WriteAll(r *Report, outs []Output, stdout io.Writer, options func(Output) Options) error {
	var first error
	for _, o := range outs {
		rep, err := New(o.Format, options(o))
		switch {
		case err != nil:
		case o.Stdout():
			if err = rep.Write(stdout, r); errors.Is(err, syscall.EPIPE) {
				err = nil
			} else if err != nil {
				err = fmt.Errorf("write %s report: %w", o.Format, err)
			}
		default:
			err = WriteFile(o.File, rep, r)
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}
