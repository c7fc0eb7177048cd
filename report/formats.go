package report

import (
	"fmt"
	"strings"
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
}

// New returns the Reporter of format, one of Formats. A GitLab report's
// scan ends when it is written, and starts the scan's duration before.
func New(format string, o Options) (Reporter, error) {
	switch format {
	case "text":
		return Text{Color: o.Color, ShowSecrets: o.ShowSecrets}, nil
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
