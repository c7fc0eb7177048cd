package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jstemmer/go-junit-report/v2/junit"

	"github.com/leakhound/leakhound/leak"
)

// JUnit writes a report as JUnit XML, for the test panes of CI systems
// (GitLab's artifacts:reports:junit, Jenkins, Azure Pipelines...):
//
//	<testsuites name="leakhound" tests="N" failures="F" errors="E">
//	  <testsuite name="leakhound secrets: RANGE" ...>
//	    <testcase classname="FILE" name="RULE-ID at FILE:LINE">
//	      <failure message="DESCRIPTION: SECRET in FILE:LINE, introduced in commit …" type="RULE-ID"><![CDATA[details]]></failure>
//	    </testcase>
//	    ...
//
// There is one failing test case per finding. A scan with no findings has
// one passing test case, so that the pane shows the check ran; an
// incomplete scan adds a test case with an <error>.
type JUnit struct {
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
}

var _ Reporter = JUnit{}

// Write writes r as JUnit XML.
func (j JUnit) Write(w io.Writer, r *Report) error {
	r = view(r, j.ShowSecrets, true)
	suite := junit.Testsuite{
		Name: "leakhound secrets",
		Time: seconds(r),
	}
	if r.Summary.Range != "" {
		suite.Name += ": " + xmlSafe(r.Summary.Range)
	}
	suite.AddProperty("source", xmlSafe(r.Summary.Source))
	suite.AddProperty("commits", strconv.Itoa(r.Summary.Commits))
	suite.AddProperty("files", strconv.Itoa(r.Summary.Blobs))
	for i := range r.Findings {
		f := &r.Findings[i]
		suite.AddTestcase(junit.Testcase{
			Classname: xmlSafe(inRepo(f.Repository, f.File)),
			Name:      xmlSafe(fmt.Sprintf("%s at %s:%d", f.RuleID, inRepo(f.Repository, f.File), f.Line)),
			Failure: &junit.Result{
				Message: xmlSafe(message(f)),
				Type:    xmlSafe(f.RuleID),
				Data:    xmlSafe(junitDetails(f)),
			},
		})
	}
	if r.Summary.Incomplete {
		suite.AddTestcase(junit.Testcase{
			Classname: "leakhound",
			Name:      "scan read every object",
			Error: &junit.Result{
				Message: incompleteNote(&r.Summary),
				Type:    "incomplete",
			},
		})
	}
	if len(r.Findings) == 0 && !r.Summary.Incomplete {
		name := "no leaks found"
		if r.Summary.Range != "" {
			name += " in " + xmlSafe(r.Summary.Range)
		}
		suite.AddTestcase(junit.Testcase{Classname: "leakhound", Name: name})
	}
	suites := junit.Testsuites{Name: "leakhound"}
	suites.AddSuite(suite)
	if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"); err != nil {
		return err
	}
	return suites.WriteXML(w)
}

func junitDetails(f *leak.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule:        %s (%s)\n", f.RuleID, severity(f))
	fmt.Fprintf(&b, "severity:    %s, %s confidence\n", severity(f), confidence(f))
	fmt.Fprintf(&b, "context:     %s\n", contextLabel(f))
	if f.Context.Known != "" {
		fmt.Fprintf(&b, "known:       anyone can use this key: %s\n", f.Context.Known)
	}
	if len(f.Refs) > 0 {
		fmt.Fprintf(&b, "still in:    %s\n", strings.Join(f.Refs, ", "))
	}
	if f.Staged {
		fmt.Fprintf(&b, "staged:      not committed yet\n")
	}
	fmt.Fprintf(&b, "secret:      %s\n", what(f))
	if f.Repository != "" {
		fmt.Fprintf(&b, "repository:  %s\n", f.Repository)
	}
	fmt.Fprintf(&b, "file:        %s:%d:%d\n", f.File, f.Line, f.Column)
	if f.Commit != "" {
		fmt.Fprintf(&b, "commit:      %s %s <%s> %s\n", f.Commit, f.Author, f.Email, f.Date.UTC().Format("2006-01-02"))
	}
	for _, l := range f.Locations {
		if l.Commit != "" {
			fmt.Fprintf(&b, "also in:     %s:%d (commit %s)\n", inRepo(l.Repository, l.File), l.Line, ShortID(l.Commit))
		} else {
			fmt.Fprintf(&b, "also in:     %s:%d\n", inRepo(l.Repository, l.File), l.Line)
		}
	}
	fmt.Fprintf(&b, "fingerprint: %s\n\n", f.Fingerprint)
	b.WriteString(plainHelp(f.RuleID, f.Description))
	b.WriteString("\n")
	return b.String()
}

func seconds(r *Report) string {
	return strconv.FormatFloat(r.Summary.Duration.Seconds(), 'f', 3, 64)
}

// xmlSafe replaces what XML 1.0 cannot hold (control characters other than
// tab, newline and carriage return; invalid UTF-8) with U+FFFD. The XML
// encoder escapes markup in attributes and text but writes CDATA sections
// as they are, and a path or commit message from a scanned repository may
// hold anything.
func xmlSafe(s string) string {
	ok := true
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if xmlChar(r) {
			b.WriteRune(r)
		} else {
			b.WriteRune(utf8.RuneError)
		}
	}
	return b.String()
}

func xmlChar(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return r <= 0x10FFFF
}
