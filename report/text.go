package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/leakhound/leakhound/leak"
)

// Text writes a report for people: one block per finding, then a summary.
type Text struct {
	// Color adds ANSI colours.
	Color bool
}

var _ Reporter = Text{}

const (
	bold   = "\x1b[1m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	dim    = "\x1b[2m"
	reset  = "\x1b[0m"
)

func (t Text) paint(code, s string) string {
	if !t.Color {
		return s
	}
	return code + s + reset
}

// Write writes r as text.
func (t Text) Write(w io.Writer, r *Report) error {
	var b strings.Builder
	for i := range r.Findings {
		t.finding(&b, &r.Findings[i])
	}
	t.summary(&b, &r.Summary)
	_, err := io.WriteString(w, b.String())
	return err
}

func (t Text) finding(b *strings.Builder, f *leak.Finding) {
	sev := f.Severity
	if sev == "" {
		sev = "medium"
	}
	color := yellow
	if sev == "critical" || sev == "high" {
		color = red
	}
	fmt.Fprintf(b, "%s %s %s\n", t.paint(bold+color, "●"), t.paint(bold, f.RuleID), t.paint(dim, "("+sev+") "+f.Description))
	secret := f.Secret
	if secret == "" {
		secret = "(the file itself)"
	}
	if f.Decoded != "" {
		secret += "  (decoded from " + f.Decoded + ")"
	}
	fmt.Fprintf(b, "  secret   %s\n", escape(secret))
	fmt.Fprintf(b, "  file     %s:%d:%d\n", escape(f.File), f.Line, f.Column)
	if f.Commit != "" {
		fmt.Fprintf(b, "  commit   %s  %s  %s <%s>\n", short(f.Commit), f.Date.UTC().Format(time.DateOnly), escape(f.Author), escape(f.Email))
		if msg, _, _ := strings.Cut(f.Message, "\n"); msg != "" {
			fmt.Fprintf(b, "           %s\n", escape(msg))
		}
	}
	if n := len(f.Locations); n > 0 {
		fmt.Fprintf(b, "  also in  %d other place%s:\n", n, plural(n))
		for _, l := range f.Locations[:min(n, 5)] {
			if l.Commit != "" {
				fmt.Fprintf(b, "           %s:%d (%s)\n", escape(l.File), l.Line, short(l.Commit))
			} else {
				fmt.Fprintf(b, "           %s:%d\n", escape(l.File), l.Line)
			}
		}
		if n > 5 {
			fmt.Fprintf(b, "           … and %d more\n", n-5)
		}
	}
	fmt.Fprintf(b, "  id       %s\n\n", f.Fingerprint)
}

func (t Text) summary(b *strings.Builder, s *Summary) {
	var parts []string
	switch s.Mode {
	case "git":
		parts = append(parts, fmt.Sprintf("%d commit%s", s.Commits, plural(s.Commits)))
	}
	parts = append(parts, fmt.Sprintf("%d file%s (%s)", s.Blobs, plural(s.Blobs), humanBytes(s.Bytes)))
	line := "scanned " + strings.Join(parts, ", ")
	if s.Range != "" {
		line += " of " + s.Range
	}
	line += fmt.Sprintf(" in %s", s.Duration.Round(time.Millisecond))
	fmt.Fprintln(b, line)
	if len(s.Skipped) > 0 {
		keys := make([]string, 0, len(s.Skipped))
		for k, v := range s.Skipped {
			if v > 0 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		var sk []string
		for _, k := range keys {
			sk = append(sk, fmt.Sprintf("%d %s", s.Skipped[k], k))
		}
		if len(sk) > 0 {
			fmt.Fprintf(b, "skipped: %s\n", strings.Join(sk, ", "))
		}
	}
	if s.Shallow {
		fmt.Fprintln(b, "note: the repository is a shallow clone; history before its boundary was not scanned")
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(b, "warning: %s\n", w)
	}
	if s.Incomplete {
		fmt.Fprintf(b, "%s: %d object%s could not be read; secrets there may have been missed\n", t.paint(bold+red, "INCOMPLETE"), s.Errors, plural(s.Errors))
	}
	switch s.Findings {
	case 0:
		fmt.Fprintln(b, "no leaks found")
	default:
		fmt.Fprintln(b, t.paint(bold+red, fmt.Sprintf("%d leak%s found", s.Findings, plural(s.Findings))))
	}
}

func short(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// escape makes s safe to print on a terminal: control characters (a
// newline in a path, an escape sequence in a commit message) and invalid
// UTF-8 are shown quoted.
func escape(s string) string {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfffd || (r >= 0x80 && r < 0xa0) {
			q := fmt.Sprintf("%q", s)
			return q[1 : len(q)-1]
		}
	}
	return s
}
