package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/leak"
)

// severity returns a finding's severity, "medium" when the rule set none.
func severity(f *leak.Finding) string {
	if f.Severity == "" {
		return "medium"
	}
	return f.Severity
}

// confidence returns a finding's confidence, "medium" when none was set.
func confidence(f *leak.Finding) string {
	if f.Confidence == "" {
		return "medium"
	}
	return f.Confidence
}

// contextLabel is a finding's triage verdict in a word or two:
// "production", "test", "docs", "publicly known".
func contextLabel(f *leak.Finding) string {
	if f.Context.Label == "" {
		return "unjudged"
	}
	return f.Context.Label
}

// checksumNote says what the checksum of the secret's format says, after
// the confidence: ", checksum holds" or ", checksum fails"; nothing when
// the format has none, or when the label already says it fails.
func checksumNote(f *leak.Finding) string {
	switch {
	case f.Context.Checksum == leak.ChecksumValid:
		return ", checksum holds"
	case f.Context.Checksum == leak.ChecksumInvalid && !slices.Contains(f.Context.Value, f.Context.Label):
		return ", checksum fails"
	}
	return ""
}

// bySeverity counts findings by severity, most severe first: "1 high, 3
// low".
func bySeverity(fs []leak.Finding) string {
	n := map[string]int{}
	for i := range fs {
		n[severity(&fs[i])]++
	}
	var parts []string
	for _, s := range []string{"critical", "high", "medium", "low", "info"} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

// blocking reports whether a severity is reported as an error (critical,
// high, medium) rather than a warning (low, info) where a format has only
// those two levels.
func blocking(sev string) bool {
	return sev != "low" && sev != "info"
}

// remediation is the advice every secret finding carries, in Markdown.
const remediation = `1. **Rotate the secret**: revoke it where it was issued and issue a new one. It is in the repository's history, so anybody who can clone the repository has it, even once the line is deleted.
2. Keep the new secret out of the code: read it from the environment or a secrets manager.
3. Optionally, remove it from history (` + "`git filter-repo --replace-text`" + `) and force-push; this alone is not enough, the secret must be rotated.

If it is not a secret (a test fixture, a documented example), add ` + "`leakhound:allow`" + ` in a comment on its line, or accept it in the baseline.`

// ruleHelp returns the help text of a rule, in Markdown.
func ruleHelp(ruleID, description string) string {
	return fmt.Sprintf("%s (leakhound rule `%s`).\n\n%s", strings.TrimSuffix(description, "."), ruleID, remediation)
}

// plainHelp is remediation without Markdown markup.
func plainHelp(ruleID, description string) string {
	r := strings.NewReplacer("**", "", "`", "")
	return r.Replace(ruleHelp(ruleID, description))
}

// what describes a finding's secret in one line: "AKIA… (20 chars)", or
// the whole file for rules that match paths only.
func what(f *leak.Finding) string {
	s := f.Secret
	if s == "" {
		s = "the file itself"
	}
	if f.Decoded != "" {
		s += " (decoded from " + f.Decoded + ")"
	}
	return s
}

// message is a finding's one-line summary, used where a format has a single
// message field.
func message(f *leak.Finding) string {
	var b strings.Builder
	switch f.Source {
	case leak.CommitMessage:
		fmt.Fprintf(&b, "%s: %s in the message of commit %s, line %d", f.Description, what(f), inRepo(f.Repository, ShortID(f.Commit)), f.Line)
		if f.Author != "" {
			fmt.Fprintf(&b, " by %s", f.Author)
		}
	case leak.TagMessage:
		fmt.Fprintf(&b, "%s: %s in the message of an annotated tag", f.Description, what(f))
		if f.Commit != "" {
			fmt.Fprintf(&b, " on commit %s", inRepo(f.Repository, ShortID(f.Commit)))
		}
		fmt.Fprintf(&b, ", line %d", f.Line)
		if f.Author != "" {
			fmt.Fprintf(&b, " by %s", f.Author)
		}
	default:
		fmt.Fprintf(&b, "%s: %s in %s:%d", f.Description, what(f), inRepo(f.Repository, f.File), f.Line)
	}
	if f.Commit != "" && !f.InMessage() {
		fmt.Fprintf(&b, ", introduced in commit %s", ShortID(f.Commit))
		if f.Author != "" {
			fmt.Fprintf(&b, " by %s", f.Author)
		}
	}
	if n := len(f.Locations); n > 0 {
		fmt.Fprintf(&b, " (and %d other place%s)", n, Plural(n))
	}
	fmt.Fprintf(&b, " [%s, %s confidence, %s]", severity(f), confidence(f), contextLabel(f))
	return b.String()
}

// inRepo names file in repository repo ("repo: file") in a report of
// several repositories, where a path alone is ambiguous; in a scan of one
// (repo empty) it is file.
func inRepo(repo, file string) string {
	if repo == "" {
		return file
	}
	return repo + ": " + file
}
