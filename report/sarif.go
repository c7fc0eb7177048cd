package report

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/leakhound/leakhound/leak"
)

// SARIF writes a report as a SARIF 2.1.0 log, the format GitHub code
// scanning (github/codeql-action/upload-sarif) and other code-review tools
// read. The log has one run:
//
//   - tool.driver.rules: one rule per rule id that has a finding, sorted by
//     id, with the rule's description, help text on what to do about a
//     leaked secret (text and Markdown), tags, and the numeric
//     "security-severity" property GitHub uses to rank alerts;
//   - results: one per finding, in the report's order, with level error
//     (critical, high, medium) or warning (low, info); the location where
//     the secret was first introduced (artifactLocation.uri is the path
//     relative to the repository root, uriBaseId %SRCROOT%; the region's
//     columns count bytes, as leakhound's do, which equals characters on
//     ASCII lines; endColumn is one past the secret's last byte, as SARIF
//     wants); the other places it was introduced as relatedLocations;
//     partialFingerprints {"leakhound/v1": fingerprint} so that an alert
//     keeps its identity when the secret moves; and properties commit,
//     author, date, fingerprint, blob, decoded, in_head (whether the
//     secret is still in the default branch's tip: see JSON), refs (the
//     refs whose tips still hold it), staged, and the triage's verdict:
//     severity and confidence (the finding's own, which may be lower than
//     the rule's), context (the label: production, test, fixture,
//     example, docs, vendored, publicly known, or what makes the value
//     look unlike a secret), context_path, context_value and
//     publicly_known (where a known value is published);
//   - invocations[0].executionSuccessful: false when the scan was
//     incomplete.
//
// The secret appears in each result's message masked, unless ShowSecrets
// is set.
type SARIF struct {
	// Version is leakhound's version, for tool.driver.version.
	Version string
	// ShowSecrets prints secrets whole; by default they are masked (see
	// Masked).
	ShowSecrets bool
}

var _ Reporter = (*SARIF)(nil)

// informationURI is leakhound's home page.
const informationURI = "https://github.com/leakhound/leakhound"

// fingerprintKey names leakhound's fingerprint among a result's
// partialFingerprints.
const fingerprintKey = "leakhound/v1"

// Write writes r as SARIF.
func (s *SARIF) Write(w io.Writer, r *Report) error {
	r = view(r, s.ShowSecrets, false)
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("leakhound", informationURI)
	if s.Version != "" {
		run.Tool.Driver.WithVersion(s.Version)
	}

	// One rule per rule id, sorted.
	ruleIndex := map[string]int{}
	var ids []string
	first := map[string]*leak.Finding{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if _, ok := first[f.RuleID]; !ok {
			first[f.RuleID] = f
			ids = append(ids, f.RuleID)
		}
	}
	slices.Sort(ids)
	for i, id := range ids {
		f := first[id]
		ruleIndex[id] = i
		sev := severity(f)
		props := sarif.NewPropertyBag().
			Add("severity", sev).
			Add("security-severity", securitySeverity[sev])
		props.AddTag("security").AddTag("secret")
		for _, t := range f.Tags {
			if t != "security" && t != "secret" {
				props.AddTag(t)
			}
		}
		rule := sarif.NewReportingDescriptor().
			WithID(id).
			WithName(ruleName(id)).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(f.Description)).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(f.Description)).
			WithHelp(sarif.NewMultiformatMessageString().
				WithText(plainHelp(id, f.Description)).
				WithMarkdown(ruleHelp(id, f.Description))).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(sev))).
			WithProperties(props)
		run.Tool.Driver.AddRule(rule)
	}

	for i := range r.Findings {
		f := &r.Findings[i]
		res := sarif.NewRuleResult(f.RuleID).
			WithRuleIndex(ruleIndex[f.RuleID]).
			WithLevel(level(severity(f))).
			WithRank(sarifRank(f)).
			WithMessage(sarif.NewTextMessage(message(f))).
			AddLocation(sarif.NewLocationWithPhysicalLocation(physicalAt(f.Location, f.EndLine, f.EndColumn+1)))
		res.WithPartialFingerprints(map[string]string{fingerprintKey: f.Fingerprint})
		for k, l := range f.Locations {
			loc := sarif.NewLocationWithPhysicalLocation(physicalAt(l, 0, 0)).
				WithID(k + 1).
				WithMessage(sarif.NewTextMessage(alsoHere(l)))
			res.AddRelatedLocation(loc)
		}
		props := sarif.NewPropertyBag()
		if f.Repository != "" {
			// A path is relative to its repository: in a report of several,
			// the repository says which.
			props.Add("repository", f.Repository)
		}
		props.Add("fingerprint", f.Fingerprint).
			Add("severity", severity(f)).
			Add("confidence", confidence(f)).
			Add("context", contextLabel(f)).
			Add("context_path", f.Context.Path)
		if len(f.Context.Value) > 0 {
			props.Add("context_value", strings.Join(f.Context.Value, ","))
		}
		if f.Context.Checksum != "" {
			props.Add("checksum", f.Context.Checksum)
		}
		if f.Context.Known != "" {
			props.Add("publicly_known", f.Context.Known)
		}
		props.Add("refs", append([]string{}, f.Refs...))
		if f.Staged {
			props.Add("staged", true)
		}
		if f.Commit != "" {
			props.Add("commit", f.Commit).Add("author", f.Author).Add("date", f.Date.UTC().Format("2006-01-02T15:04:05Z"))
		}
		if f.BlobID != "" {
			props.Add("blob", f.BlobID)
		}
		if f.Decoded != "" {
			props.Add("decoded", f.Decoded)
		}
		if f.Source != "" {
			// Not a file: the location's path names the message.
			props.Add("source", f.Source)
		}
		props.Add("in_head", f.InHead)
		res.WithProperties(props)
		run.Results = append(run.Results, res)
	}

	inv := sarif.NewInvocation().WithExecutionSuccessful(!r.Summary.Incomplete)
	if r.Summary.Incomplete {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(incompleteNote(&r.Summary))))
	}
	for _, warn := range r.Summary.Warnings {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarif.NewNotification().WithLevel("warning").WithMessage(sarif.NewTextMessage(warn)))
	}
	run.AddInvocation(inv)
	if r.Summary.Range != "" || r.Summary.Commits > 0 {
		run.WithProperties(sarif.NewPropertyBag().
			Add("range", r.Summary.Range).
			Add("commits", r.Summary.Commits))
	}
	log.AddRun(run)
	var raw bytes.Buffer
	if err := log.Write(&raw); err != nil {
		return err
	}
	var doc any
	dec := json.NewDecoder(&raw)
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	out, err := json.MarshalIndent(pruneSARIF(doc, ""), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(escapeJSONControls(append(out, '\n')))
	return err
}

// sarifDefaults are properties the SARIF library writes with the value the
// specification gives them when absent: left out, as are -1 (SARIF's "no
// value" for indexes, offsets and ranks) and empty arrays and objects.
var sarifDefaults = map[string]string{
	"language":         `"en-US"`,
	"newlineSequences": `["\r\n","\n"]`,
	"contents":         `["localizedData","nonLocalizedData"]`,
	"isComprehensive":  `false`,
	"enabled":          `true`,
	"kind":             `"fail"`,
}

// pruneSARIF drops from v, the decoded log, the placeholders the SARIF
// library writes for properties leakhound does not set (see
// sarifDefaults). A property bag ("properties") is leakhound's own and is
// kept as it is, and so is "results", whose empty array says the scan ran
// and found nothing (absent, it would say results are unknown).
func pruneSARIF(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		if key == "properties" {
			return x
		}
		for k, c := range x {
			c = pruneSARIF(c, k)
			if dropSARIF(k, c) {
				delete(x, k)
				continue
			}
			x[k] = c
		}
		return x
	case []any:
		for i, c := range x {
			x[i] = pruneSARIF(c, "")
		}
		return x
	}
	return v
}

// dropSARIF reports whether property k with value v (pruned) is a
// placeholder to leave out. An empty property bag is one too.
func dropSARIF(k string, v any) bool {
	if k == "results" {
		return false
	}
	switch x := v.(type) {
	case json.Number:
		if x == "-1" {
			return true
		}
	case []any:
		if len(x) == 0 {
			return true
		}
	case map[string]any:
		if len(x) == 0 {
			return true
		}
	}
	if def, ok := sarifDefaults[k]; ok {
		b, err := json.Marshal(v)
		return err == nil && string(b) == def
	}
	return false
}

// securitySeverity maps a severity to the CVSS-like score GitHub reads from
// a rule's "security-severity" property: over 9.0 is critical, 7.0 to 8.9
// high, 4.0 to 6.9 medium, under 4.0 low.
var securitySeverity = map[string]string{
	"critical": "9.5",
	"high":     "8.0",
	"medium":   "5.5",
	"low":      "3.0",
	"info":     "1.0",
}

// level is the SARIF level of a severity.
func level(sev string) string {
	if blocking(sev) {
		return "error"
	}
	if sev == "info" {
		return "note"
	}
	return "warning"
}

// ruleName turns "aws-access-key-id" into "AwsAccessKeyId", the
// PascalCase SARIF recommends for rule names.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' }) {
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(part[1:])
	}
	return b.String()
}

// physicalAt returns l as a location in a file (see physical). A file
// inside an archive is no file a code scanning service can open: its
// location is the archive, at its first line, and the result's message
// names the file inside it and the line there.
func physicalAt(l leak.Location, endLine, endCol int) *sarif.PhysicalLocation {
	if l.Archive != "" {
		return physical(l.Archive, 1, 1, 0, 0)
	}
	return physical(l.File, l.Line, l.Column, endLine, endCol)
}

// physical returns a location in a file; endColumn is exclusive, zero for
// none.
func physical(file string, line, col, endLine, endCol int) *sarif.PhysicalLocation {
	region := sarif.NewRegion().WithStartLine(max(line, 1)).WithStartColumn(max(col, 1))
	if endLine >= line && endCol > 0 {
		region.WithEndLine(endLine).WithEndColumn(endCol)
	}
	return sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewArtifactLocation().WithURI(fileURI(file)).WithURIBaseID("%SRCROOT%")).
		WithRegion(region)
}

// fileURI makes a relative URI reference of a slash-separated path: special
// characters are percent-encoded, and a first segment with a colon is
// prefixed with "./" so that it does not read as a scheme.
func fileURI(path string) string {
	return (&url.URL{Path: path}).String()
}

func alsoHere(l leak.Location) string {
	in := ""
	if l.Repository != "" {
		in = " in repository " + l.Repository
	}
	switch {
	case l.Source == leak.CommitMessage:
		return "also in the message of commit " + ShortID(l.Commit) + in
	case l.Source == leak.TagMessage:
		return "also in the message of an annotated tag" + in
	case l.Commit != "":
		return "also introduced here" + in + ", in commit " + ShortID(l.Commit)
	}
	return "also here" + in
}

func incompleteNote(s *Summary) string {
	return "the scan is incomplete: " + s.IncompleteReason()
}

// sarifRank is a result's rank, 0 to 100 (SARIF's result.rank: higher is
// more important), from its severity and confidence.
func sarifRank(f *leak.Finding) float64 {
	sev := map[string]float64{"critical": 100, "high": 80, "medium": 55, "low": 30, "info": 10}[severity(f)]
	switch confidence(f) {
	case "medium":
		sev -= 5
	case "low":
		sev -= 10
	}
	return sev
}
