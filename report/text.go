package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leakhound/leakhound/leak"
)

// Text writes a report for people: one block per finding, then what to do
// about them, then a summary. Findings from git history are grouped by
// whether they are still in the default branch's tip ("still in HEAD:
// rotate, then remove") or in history only ("rotate"); each says in one
// line what to do, and the advice behind that line is printed once.
type Text struct {
	// Color adds ANSI colours.
	Color bool
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
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
	r = view(r, t.ShowSecrets)
	var b strings.Builder
	s := &r.Summary
	switch {
	case len(r.Findings) == 0:
	case s.Mode != "git":
		for i := range r.Findings {
			t.finding(&b, &r.Findings[i], fixFile)
		}
	case s.HeadRef == "" && len(s.Repositories) == 0:
		for i := range r.Findings {
			t.finding(&b, &r.Findings[i], fixUnknown)
		}
	default:
		var inHead, history []*leak.Finding
		for i := range r.Findings {
			if r.Findings[i].InHead {
				inHead = append(inHead, &r.Findings[i])
			} else {
				history = append(history, &r.Findings[i])
			}
		}
		head := headLabel(s)
		if len(inHead) > 0 {
			t.heading(&b, fmt.Sprintf("Still in %s: rotate, then remove (%d)", head, len(inHead)))
			for _, f := range inHead {
				t.finding(&b, f, fixInHead)
			}
		}
		if len(history) > 0 {
			t.heading(&b, fmt.Sprintf("In history only, not in %s: rotate (%d)", head, len(history)))
			for _, f := range history {
				t.finding(&b, f, fixHistory)
			}
		}
	}
	if len(r.Findings) > 0 {
		t.advice(&b, s.Mode == "git")
	}
	t.summary(&b, s)
	_, err := io.WriteString(w, b.String())
	return err
}

// headLabel names the tip in_head was checked against: "main (3f2a9c1b7e)".
func headLabel(s *Summary) string {
	name := headName(s)
	if s.HeadCommit != "" {
		name += " (" + ShortID(s.HeadCommit) + ")"
	}
	return name
}

// headName is the short name of the default branch: "main".
func headName(s *Summary) string {
	if s.HeadRef == "" && len(s.Repositories) > 0 {
		return "the default branch"
	}
	name := s.HeadRef
	for _, p := range []string{"refs/heads/", "refs/remotes/"} {
		name = strings.TrimPrefix(name, p)
	}
	return escape(name)
}

func (t Text) heading(b *strings.Builder, s string) {
	fmt.Fprintf(b, "%s\n\n", t.paint(bold, "── "+s))
}

// The one-line remediation of a finding, by where the secret is; the
// advice it points to is printed once, after the findings.
const (
	fixInHead  = "rotate it first; then remove it from the code and purge it from history (see What to do)"
	fixHistory = "rotate it first; purging it from history alone does not revoke it (see What to do)"
	fixUnknown = "rotate it first; then remove it from the code and history (see What to do)"
	fixFile    = "rotate it first; then remove it from the file (see What to do)"
)

// advice is printed once after the findings.
func (t Text) advice(b *strings.Builder, git bool) {
	fmt.Fprintln(b, t.paint(bold, "What to do"))
	fmt.Fprint(b, `  1. Rotate each secret first: revoke it where it was issued and issue a new
     one. Deleting it is not enough: every clone, fork, CI cache and log that
     has seen it keeps it.
`)
	if !git {
		fmt.Fprint(b, `  2. Remove it from the file: read it from the environment or a secret store.
  3. Not a secret, or a risk you accept? Record it in a baseline:
     leakhound baseline create --no-git, then leakhound baseline audit.

`)
		return
	}
	fmt.Fprint(b, `  2. Still in HEAD: replace it in the code with a lookup (an environment
     variable, a secret store) and commit.
  3. Then purge it from history: put each secret on a line of a file
     (SECRET==>REMOVED) and run  git filter-repo --replace-text FILE
     then force-push every branch and tag and have everyone clone afresh.
  4. Not a secret, or a risk you accept? Record it in a baseline:
     leakhound baseline create (or update), then leakhound baseline audit.

`)
}

func (t Text) finding(b *strings.Builder, f *leak.Finding, fix string) {
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
	if f.Repository != "" {
		fmt.Fprintf(b, "  repo     %s\n", escape(f.Repository))
	}
	fmt.Fprintf(b, "  file     %s:%d:%d\n", escape(f.File), f.Line, f.Column)
	if f.Commit != "" {
		fmt.Fprintf(b, "  commit   %s  %s  %s <%s>\n", ShortID(f.Commit), f.Date.UTC().Format(time.DateOnly), escape(f.Author), escape(f.Email))
		if msg, _, _ := strings.Cut(f.Message, "\n"); msg != "" {
			fmt.Fprintf(b, "           %s\n", escape(msg))
		}
	}
	if n := len(f.Locations); n > 0 {
		fmt.Fprintf(b, "  also in  %d other place%s:\n", n, Plural(n))
		for _, l := range f.Locations[:min(n, 5)] {
			if l.Repository != f.Repository {
				fmt.Fprintf(b, "           %s: %s:%d (%s)\n", escape(l.Repository), escape(l.File), l.Line, ShortID(l.Commit))
				continue
			}
			if l.Commit != "" {
				fmt.Fprintf(b, "           %s:%d (%s)\n", escape(l.File), l.Line, ShortID(l.Commit))
			} else {
				fmt.Fprintf(b, "           %s:%d\n", escape(l.File), l.Line)
			}
		}
		if n > 5 {
			fmt.Fprintf(b, "           … and %d more\n", n-5)
		}
	}
	fmt.Fprintf(b, "  fix      %s\n", fix)
	fmt.Fprintf(b, "  id       %s\n\n", f.Fingerprint)
}

func (t Text) summary(b *strings.Builder, s *Summary) {
	for _, r := range s.Repositories {
		if r.Error != "" {
			fmt.Fprintf(b, "%s %s: %s\n", t.paint(bold+red, "FAILED"), escape(r.Repository), escape(r.Error))
			continue
		}
		line := fmt.Sprintf("%s: %d commit%s, %d file%s", escape(r.Repository), r.Commits, Plural(r.Commits), r.Blobs, Plural(r.Blobs))
		if r.Cached > 0 {
			line += fmt.Sprintf(" (%d cached)", r.Cached)
		}
		line += fmt.Sprintf(", %d leak%s (%d still in HEAD)", r.Findings, Plural(r.Findings), r.InHead)
		if r.Incomplete {
			line += fmt.Sprintf(", INCOMPLETE: %d object%s unreadable", r.Errors, Plural(r.Errors))
		}
		fmt.Fprintln(b, line)
	}
	var parts []string
	switch s.Mode {
	case "git":
		parts = append(parts, fmt.Sprintf("%d commit%s", s.Commits, Plural(s.Commits)))
	}
	parts = append(parts, fmt.Sprintf("%d file%s (%s)", s.Blobs, Plural(s.Blobs), HumanBytes(s.Bytes)))
	line := "scanned " + strings.Join(parts, ", ")
	if s.Range != "" {
		line += " of " + s.Range
	}
	line += fmt.Sprintf(" in %s", s.Duration.Round(time.Millisecond))
	fmt.Fprintln(b, line)
	if len(s.Skipped) > 0 {
		keys := make([]leak.SkipReason, 0, len(s.Skipped))
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
		fmt.Fprintf(b, "%s: %d object%s could not be read; secrets there may have been missed\n", t.paint(bold+red, "INCOMPLETE"), s.Errors, Plural(s.Errors))
	}
	if s.Baseline != "" {
		fmt.Fprintf(b, "baseline %s: %d known secret%s not reported\n", escape(s.Baseline), s.Baselined, Plural(s.Baselined))
	}
	switch {
	case s.Findings == 0 && s.Baseline != "":
		fmt.Fprintln(b, "no new leaks found")
	case s.Findings == 0:
		fmt.Fprintln(b, "no leaks found")
	default:
		what := "leak"
		if s.Baseline != "" {
			what = "new leak"
		}
		line := t.paint(bold+red, fmt.Sprintf("%d %s%s found", s.Findings, what, Plural(s.Findings)))
		if s.Mode == "git" && s.HeadRef != "" {
			line += fmt.Sprintf(" (%d still in %s, %d in history only)", s.InHead, headName(s), s.Findings-s.InHead)
		}
		fmt.Fprintln(b, line)
	}
}

// ShortID abbreviates a commit or blob id to its first 10 characters.
func ShortID(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// PluralY returns "y" when n is 1, else "ies": "entr"+PluralY(n).
func PluralY(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

// Plural returns "s" unless n is 1.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// HumanBytes writes a byte count for people: "3.9 GiB".
func HumanBytes(n int64) string {
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

// TermSafe makes text from a repository safe to print on a terminal:
// control characters (escape sequences) and invalid UTF-8 are shown as
// \xNN; tabs stay.
func TermSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1,
			r < 0x20 && r != '\t', r == 0x7f, r >= 0x80 && r < 0xa0:
			for _, c := range []byte(s[i : i+size]) {
				fmt.Fprintf(&b, "\\x%02x", c)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
