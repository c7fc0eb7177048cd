package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leakhound/leakhound/leak"
)

// GitLabSchemaVersion is the version of GitLab's security report schema
// that GitLab reports follow.
const GitLabSchemaVersion = "15.2.1"

// gitlabSchemaURL is where GitLab publishes that schema.
const gitlabSchemaURL = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v" + GitLabSchemaVersion + "/dist/secret-detection-report-format.json"

// GitLab writes a report in GitLab's secret-detection security report
// format (gl-secret-detection-report.json, declared in a job as
// artifacts:reports:secret_detection), which GitLab shows in the merge
// request widget, the pipeline's security tab and the vulnerability report.
// It follows version 15.2.1 of GitLab's schema
// (security-report-schemas, dist/secret-detection-report-format.json):
//
//	{
//	  "version": "15.2.1",
//	  "schema": "https://gitlab.com/…/v15.2.1/dist/secret-detection-report-format.json",
//	  "scan": {
//	    "analyzer": {"id": "leakhound", "name": "leakhound", "version": "…", "vendor": {"name": "leakhound"}, "url": "…"},
//	    "scanner":  {the same},
//	    "type": "secret_detection",
//	    "start_time": "2024-01-02T15:04:05", "end_time": "…",   // UTC, no zone, as the schema wants
//	    "status": "success",                // "failure" when the scan was incomplete
//	    "messages": [{"level": "warn", "value": "…"}]   // warnings; incomplete scans
//	  },
//	  "vulnerabilities": [{
//	    "id": "…",                          // the fingerprint's 128 bits as a UUID: stable across runs
//	    "name": "AWS access key id",        // the rule's description
//	    "description": "…",                 // what was found where, and when
//	    "severity": "High",                 // Critical, High, Medium, Low, Info; Unknown if unset
//	    "solution": "…",                    // rotate, then clean history
//	    "identifiers": [{"type": "leakhound_rule_id", "name": "leakhound rule aws-access-key-id", "value": "aws-access-key-id"}],
//	    "location": {"file": "…", "start_line": 12, "end_line": 12,
//	                 "commit": {"sha": "…", "author": "…", "date": "…", "message": "…"}},
//	    "raw_source_code_extract": "…"      // the match, masked as the secret is
//	  }]
//	}
//
// The schema requires location.commit.sha; outside git history (a
// directory or stdin scan) it is forty zeros, git's own "no commit".
type GitLab struct {
	// Version is leakhound's version.
	Version string
	// Start and End bracket the scan. A zero End is the time of writing;
	// a zero Start is End less the scan's duration.
	Start, End time.Time
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
}

var _ Reporter = (*GitLab)(nil)

// noCommit is the commit sha of findings outside git history.
const noCommit = "0000000000000000000000000000000000000000"

type glReport struct {
	Version         string            `json:"version"`
	Schema          string            `json:"schema"`
	Scan            glScan            `json:"scan"`
	Vulnerabilities []glVulnerability `json:"vulnerabilities"`
}

type glScan struct {
	Analyzer  glTool      `json:"analyzer"`
	Scanner   glTool      `json:"scanner"`
	Type      string      `json:"type"`
	StartTime string      `json:"start_time"`
	EndTime   string      `json:"end_time"`
	Status    string      `json:"status"`
	Messages  []glMessage `json:"messages,omitempty"`
}

type glTool struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Version string   `json:"version"`
	Vendor  glVendor `json:"vendor"`
}

type glVendor struct {
	Name string `json:"name"`
}

type glMessage struct {
	Level string `json:"level"`
	Value string `json:"value"`
}

type glVulnerability struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Severity    string         `json:"severity"`
	Solution    string         `json:"solution"`
	Identifiers []glIdentifier `json:"identifiers"`
	Location    glLocation     `json:"location"`
	RawSource   string         `json:"raw_source_code_extract,omitempty"`
}

type glIdentifier struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

type glLocation struct {
	File      string   `json:"file"`
	StartLine int      `json:"start_line"`
	EndLine   int      `json:"end_line"`
	Commit    glCommit `json:"commit"`
}

type glCommit struct {
	SHA     string `json:"sha"`
	Author  string `json:"author,omitempty"`
	Date    string `json:"date,omitempty"`
	Message string `json:"message,omitempty"`
}

// gitlabTime is the schema's time format: UTC, to the second, no zone.
const gitlabTime = "2006-01-02T15:04:05"

// Write writes r as a GitLab secret-detection report.
func (g *GitLab) Write(w io.Writer, r *Report) error {
	r = view(r, g.ShowSecrets, false)
	end := g.End
	if end.IsZero() {
		end = time.Now()
	}
	start := g.Start
	if start.IsZero() {
		start = end.Add(-r.Summary.Duration)
	}
	version := g.Version
	if version == "" {
		version = "dev"
	}
	tool := glTool{ID: "leakhound", Name: "leakhound", URL: informationURI, Version: version, Vendor: glVendor{Name: "leakhound"}}
	out := glReport{
		Version: GitLabSchemaVersion,
		Schema:  gitlabSchemaURL,
		Scan: glScan{
			Analyzer:  tool,
			Scanner:   tool,
			Type:      "secret_detection",
			StartTime: start.UTC().Format(gitlabTime),
			EndTime:   end.UTC().Format(gitlabTime),
			Status:    "success",
		},
		Vulnerabilities: []glVulnerability{},
	}
	if r.Summary.Incomplete {
		out.Scan.Status = "failure"
		out.Scan.Messages = append(out.Scan.Messages, glMessage{"warn", incompleteNote(&r.Summary)})
	}
	for _, warn := range r.Summary.Warnings {
		out.Scan.Messages = append(out.Scan.Messages, glMessage{"warn", warn})
	}
	for i := range r.Findings {
		out.Vulnerabilities = append(out.Vulnerabilities, glVuln(&r.Findings[i]))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(escapeJSONControls(b.Bytes()))
	return err
}

func glVuln(f *leak.Finding) glVulnerability {
	v := glVulnerability{
		ID:          uuidOf(f.Fingerprint),
		Name:        truncate(f.Description, 255),
		Description: truncate(glDescription(f), 1<<20),
		Severity:    glSeverity(severity(f)),
		Solution:    truncate(plainHelp(f.RuleID, f.Description), 7000),
		Identifiers: []glIdentifier{{
			Type:  "leakhound_rule_id",
			Name:  "leakhound rule " + f.RuleID,
			Value: f.RuleID,
		}},
		Location: glLocation{
			File:      f.File,
			StartLine: f.Line,
			EndLine:   max(f.EndLine, f.Line),
			Commit:    glCommit{SHA: noCommit},
		},
		RawSource: f.Match,
	}
	if v.Name == "" {
		v.Name = f.RuleID
	}
	if f.Archive != "" {
		// A file inside an archive: the location is the archive, which
		// the repository holds; the description names the file inside.
		v.Location.File, v.Location.StartLine, v.Location.EndLine = f.Archive, 1, 1
	}
	if f.Commit != "" {
		v.Location.Commit = glCommit{
			SHA:     f.Commit,
			Author:  f.Author,
			Date:    f.Date.UTC().Format(time.RFC3339),
			Message: strings.TrimSpace(firstLine(f.Message)),
		}
	}
	return v
}

func glDescription(f *leak.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s in `%s` at line %d", f.Description, what(f), f.File, f.Line)
	if f.Repository != "" {
		fmt.Fprintf(&b, " of repository `%s`", f.Repository)
	}
	if f.Commit != "" {
		fmt.Fprintf(&b, ", introduced in commit %s by %s on %s", f.Commit, f.Author, f.Date.UTC().Format(time.DateOnly))
	}
	b.WriteString(".")
	fmt.Fprintf(&b, "\nContext: %s (%s confidence).", contextLabel(f), confidence(f))
	if f.Context.Known != "" {
		fmt.Fprintf(&b, "\nPublicly known, anyone can use this key: %s.", f.Context.Known)
	}
	if len(f.Refs) > 0 {
		fmt.Fprintf(&b, "\nStill in: %s.", strings.Join(f.Refs, ", "))
	}
	for _, l := range f.Locations {
		if l.Commit != "" {
			fmt.Fprintf(&b, "\nAlso introduced in `%s` at line %d, commit %s.", inRepo(l.Repository, l.File), l.Line, ShortID(l.Commit))
		} else {
			fmt.Fprintf(&b, "\nAlso in `%s` at line %d.", inRepo(l.Repository, l.File), l.Line)
		}
	}
	fmt.Fprintf(&b, "\nFingerprint: %s", f.Fingerprint)
	return b.String()
}

// glSeverity maps leakhound's severities to the schema's.
func glSeverity(s string) string {
	switch s {
	case "critical":
		return "Critical"
	case "high":
		return "High"
	case "medium":
		return "Medium"
	case "low":
		return "Low"
	case "info":
		return "Info"
	}
	return "Unknown"
}

// uuidOf formats a "v1:" fingerprint's 128 bits as a UUID, the form the
// schema recommends for vulnerability ids. Anything else is returned as it
// is.
func uuidOf(fp string) string {
	_, hex, _ := strings.Cut(fp, ":")
	if len(hex) != 32 {
		return fp
	}
	return hex[:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:]
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// truncate cuts s to at most n bytes, at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
