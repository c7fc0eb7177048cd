package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// GitHubAnnotations writes a report as GitHub Actions workflow commands,
// one line per finding, which GitHub shows as annotations on the file and
// line in the pull request and the run's summary:
//
//	::error file=PATH,line=N,col=N,endLine=N,endColumn=N,title=leakhound: RULE-ID::MESSAGE
//
// critical, high and medium findings are errors, low and info ones warnings.
// An incomplete scan adds an ::error:: line saying so, and each warning of
// the summary a ::warning:: line.
//
// Every value is escaped as the runner expects (%, CR, LF; and , : in
// properties), so that a path or commit message from the scanned repository
// cannot end the line and issue a command of its own.
type GitHubAnnotations struct {
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
}

var _ Reporter = GitHubAnnotations{}

// Write writes r as workflow commands.
func (g GitHubAnnotations) Write(w io.Writer, r *Report) error {
	r = view(r, g.ShowSecrets, true)
	var b strings.Builder
	for i := range r.Findings {
		f := &r.Findings[i]
		cmd := "error"
		if !blocking(severity(f)) {
			cmd = "warning"
		}
		props := []string{
			"file=" + ghProperty(f.File),
			"line=" + strconv.Itoa(max(f.Line, 1)),
			"col=" + strconv.Itoa(max(f.Column, 1)),
		}
		if f.Archive != "" {
			// A file inside an archive: annotate the archive, which the
			// pull request holds; the text names the file inside.
			props = []string{"file=" + ghProperty(f.Archive)}
		}
		if f.InMessage() {
			// No file to annotate: the annotation stands in the run's
			// summary, its text naming the message.
			props = nil
		}
		if f.EndLine >= f.Line && f.EndColumn > 0 && !f.InMessage() && f.Archive == "" {
			props = append(props, "endLine="+strconv.Itoa(f.EndLine), "endColumn="+strconv.Itoa(f.EndColumn))
		}
		title := "leakhound: " + f.RuleID
		if f.Repository != "" {
			title += " in " + f.Repository
		}
		props = append(props, "title="+ghProperty(title))
		fmt.Fprintf(&b, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData(message(f)))
	}
	if r.Summary.Incomplete {
		fmt.Fprintf(&b, "::error title=leakhound::%s\n", ghData(incompleteNote(&r.Summary)))
	}
	for _, warn := range r.Summary.Warnings {
		fmt.Fprintf(&b, "::warning title=leakhound::%s\n", ghData(warn))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Markdown writes a report as a Markdown summary: a heading saying how many
// leaks were found in which range, a table of findings (severity, rule,
// file and line, commit, secret), what was scanned, and what to do. It is
// what leakhound ci appends to GitHub's job summary ($GITHUB_STEP_SUMMARY).
//
// Text from the scanned repository (paths, secrets, commit ids) is put in
// code spans, so that it cannot add links, images or HTML to the page.
type Markdown struct {
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
}

var _ Reporter = Markdown{}

// Write writes r as Markdown.
func (m Markdown) Write(w io.Writer, r *Report) error {
	r = view(r, m.ShowSecrets, true)
	var b strings.Builder
	s := &r.Summary
	where := ""
	if s.Range != "" {
		where = " in " + mdCode(s.Range)
	}
	switch n := len(r.Findings); n {
	case 0:
		fmt.Fprintf(&b, "## leakhound: no leaks found%s\n\n", where)
	default:
		fmt.Fprintf(&b, "## leakhound: %d leak%s found%s\n\n", n, Plural(n), where)
	}
	if s.Incomplete {
		fmt.Fprintf(&b, "> **Incomplete scan**: %s.\n\n", mdText(incompleteNote(s)))
	}
	if len(r.Findings) > 0 {
		b.WriteString("| Severity | Context | Rule | Where | Commit | Secret |\n")
		b.WriteString("|---|---|---|---|---|---|\n")
		for i := range r.Findings {
			f := &r.Findings[i]
			loc := mdCode(fmt.Sprintf("%s:%d", inRepo(f.Repository, f.File), f.Line))
			if n := len(f.Locations); n > 0 {
				loc += fmt.Sprintf(" (+%d)", n)
			}
			commit := ""
			if f.Commit != "" {
				commit = mdCode(ShortID(f.Commit))
			}
			fmt.Fprintf(&b, "| %s | %s (%s confidence) | %s %s | %s | %s | %s |\n",
				severity(f), mdText(contextLabel(f)), confidence(f), mdCode(f.RuleID), mdText(f.Description), loc, commit, mdCode(what(f)))
		}
		b.WriteString("\n")
	}
	var parts []string
	if s.Mode == "git" {
		parts = append(parts, fmt.Sprintf("%d commit%s", s.Commits, Plural(s.Commits)))
	}
	parts = append(parts, fmt.Sprintf("%d file%s (%s)", s.Blobs, Plural(s.Blobs), HumanBytes(s.Bytes)))
	fmt.Fprintf(&b, "Scanned %s in %s.\n", strings.Join(parts, ", "), s.Duration.Round(time.Millisecond))
	for _, warn := range s.Warnings {
		fmt.Fprintf(&b, "\n> Warning: %s\n", mdText(warn))
	}
	if len(r.Findings) > 0 {
		fmt.Fprintf(&b, "\n<details><summary>What to do</summary>\n\n%s\n\n</details>\n", remediation)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCode puts s in a code span that a table cell can hold: newlines become
// spaces, pipes are escaped, and the fence is longer than any run of
// backticks in s.
func mdCode(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`).Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// mdText escapes s for Markdown text in a table cell.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\r', '\n':
			b.WriteByte(' ')
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#', '!', '&', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
