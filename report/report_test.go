package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	junitparser "github.com/joshdk/go-junit"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/leakhound/leakhound/leak"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata/report/")

// testdata holds the golden files and the schemas, which the command's
// tests share.
var testdata = filepath.Join("..", "testdata", "report")

// Fake secrets, assembled at run time so that the source tree holds none.
var (
	ghToken   = "ghp_" + "Xq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiOp"
	djangoKey = "django-insecure-" + "q7#t^w(2z!x9k$v@m4%b&n8*p+c6)r_=h3-j5y1l0e"
	dbPass    = "Vt8k" + "!Q2xR7mZ"
)

var (
	c1 = "3f2a9c1b7e5d4c3b2a1908f7e6d5c4b3a2918f7e"
	c2 = "8b1d0e4f2a3c5e7d9f1b3d5f7a9c1e3b5d7f9a1c"
	t1 = time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	t2 = time.Date(2024, 1, 2, 9, 30, 0, 0, time.UTC)
)

// finding builds a finding for secret in match, fingerprinted as leakhound
// does.
func finding(rule, desc, sev, secret, match string, loc leak.Location) leak.Finding {
	return leak.Finding{
		RuleID: rule, Description: desc, Severity: sev, Tags: []string{"test"},
		Location: loc, EndLine: loc.Line, EndColumn: loc.Column + len(secret) - 1,
		Secret: secret, Match: match, Entropy: 4.25,
		Fingerprint: leak.Fingerprint(rule, secret),
		BlobID:      "5d41402abc4b2a76b9719d911017c592ae1c0d2e",
	}
}

// sample is a report with findings of every shape: several locations, a
// hostile path and commit message, a low severity, a file-only rule,
// a decoded secret. Its secrets are whole: reporters mask them.
func sample() *Report {
	fs := []leak.Finding{
		finding("github-pat", "GitHub personal access token", "high", ghToken, "GITHUB_TOKEN="+ghToken,
			leak.Location{File: "scripts/deploy.sh", Line: 3, Column: 14, Commit: c1, Author: "Dev Eloper", Email: "dev@example.com", Date: t1, Message: "deploy script\n\nwith details"}),
		finding("django-secret-key", "Django SECRET_KEY set to a string literal", "", djangoKey, "SECRET_KEY = '"+djangoKey+"'",
			leak.Location{File: "conf/prod settings,v2.py", Line: 12, Column: 15, Commit: c2, Author: "=HYPERLINK(\"http://x\")", Email: "x@example.com", Date: t2, Message: "fix\n::set-output name=x::y"}),
		finding("generic-password", "Password in a .env file", "low", dbPass, "DB_PASSWORD="+dbPass,
			leak.Location{File: "a|b/`x`.env", Line: 1, Column: 13, Commit: c2, Author: "Dev Eloper", Email: "dev@example.com", Date: t2, Message: "env"}),
		{
			RuleID: "pkcs12-file", Description: "PKCS#12 key store", Severity: "critical",
			Location: leak.Location{File: "certs/server.p12", Line: 1, Column: 1, Commit: c1, Author: "Dev Eloper", Email: "dev@example.com", Date: t1, Message: "certs"},
			EndLine:  1, EndColumn: 1, Match: "certs/server.p12",
			Fingerprint: leak.Fingerprint("pkcs12-file", "0123456789abcdef0123456789abcdef01234567"),
			BlobID:      "0123456789abcdef0123456789abcdef01234567",
		},
	}
	// The triage's verdicts, as the engine sets them.
	fs[0].Confidence, fs[0].Context = "high", leak.Context{Label: "production", Path: "code"}
	fs[0].Refs, fs[0].InHead = []string{"refs/heads/main", "refs/heads/release/2.x", "refs/tags/v2.0"}, true
	fs[1].Confidence, fs[1].Context = "high", leak.Context{Label: "publicly known", Path: "code", Known: "an example key (published at https://docs.example.com/settings)"}
	fs[1].Refs = []string{"refs/heads/experiment"}
	fs[2].Confidence, fs[2].Context = "low", leak.Context{Label: "test", Path: "test", Value: []string{"low-entropy"}}
	fs[3].Confidence, fs[3].Context = "high", leak.Context{Label: "production", Path: "code"}
	fs[0].Locations = []leak.Location{{File: "scripts/deploy-copy.sh", Line: 3, Column: 14, Commit: c2, Author: "Dev Eloper", Email: "dev@example.com", Date: t2}}
	fs[1].Decoded = "base64"
	for i := range fs {
		f := &fs[i]
		if f.Locations == nil {
			f.Locations = []leak.Location{}
		}
	}
	return &Report{Findings: fs, Summary: Summary{
		Source: "/repo", Mode: "git", Range: "1111111..2222222", Commits: 3, Blobs: 9, Bytes: 4096,
		Skipped: map[leak.SkipReason]int{leak.SkipBinary: 1}, Findings: len(fs), Duration: 1500 * time.Millisecond,
		Warnings: []string{"rule x matched more than the cap in blob y; its other matches there were dropped"},
	}}
}

func clean() *Report {
	return &Report{Summary: Summary{Source: "/repo", Mode: "git", Range: "1111111..2222222", Commits: 2, Blobs: 4, Bytes: 100, Duration: 20 * time.Millisecond}}
}

// reporters lists each format with its golden file's extension.
func reporters() map[string]Reporter {
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	return map[string]Reporter{
		"sarif":       &SARIF{Version: "1.2.3"},
		"junit.xml":   JUnit{},
		"gitlab.json": &GitLab{Version: "1.2.3", Start: start, End: start.Add(1500 * time.Millisecond)},
		"csv":         CSV{},
		"github.txt":  GitHubAnnotations{},
		"md":          Markdown{},
		"json":        JSON{},
	}
}

func render(t *testing.T, rep Reporter, r *Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := rep.Write(&b, r); err != nil {
		t.Fatalf("%T: %v", rep, err)
	}
	return b.Bytes()
}

// TestGolden compares every format's output with its golden file in
// ../testdata/report/; go test ./report -update rewrites them.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    func() *Report
	}{{"findings", sample}, {"clean", clean}} {
		for ext, rep := range reporters() {
			t.Run(tc.name+"."+ext, func(t *testing.T) {
				got := render(t, rep, tc.r())
				path := filepath.Join(testdata, tc.name+"."+ext)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./report -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from its golden file; run go test ./report -update and review the diff\ngot:\n%s", path, got)
				}
				for _, s := range []string{ghToken, djangoKey, dbPass} {
					if bytes.Contains(got, []byte(s)) {
						t.Errorf("%s holds an unmasked secret", path)
					}
				}
			})
		}
	}
}

// compileSchema compiles a JSON schema from the shared testdata, asserting
// formats.
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "file:///testdata/" + name
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("invalid against the schema: %v\n%s", err, out)
	}
}

func TestSARIFIsValidAgainstTheOfficialSchema(t *testing.T) {
	s := compileSchema(t, "sarif-schema-2.1.0.json")
	incomplete := sample()
	incomplete.Summary.Incomplete, incomplete.Summary.Errors = true, 2
	for _, r := range []*Report{sample(), clean(), incomplete, {}} {
		validate(t, s, render(t, &SARIF{Version: "dev"}, r))
	}
	// The validator does reject what the schema forbids.
	bad := render(t, &SARIF{}, sample())
	bad = bytes.Replace(bad, []byte(`"version": "2.1.0"`), []byte(`"version": "2.2"`), 1)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if s.Validate(inst) == nil {
		t.Error("a SARIF log with version 2.2 passed the 2.1.0 schema")
	}
}

// TestSARIFHasNoPlaceholders: no -1 for an index or offset never set, no
// empty arrays, objects or spec defaults; a clean scan keeps its empty
// results (absent would mean "not known").
func TestSARIFHasNoPlaceholders(t *testing.T) {
	for _, r := range []*Report{sample(), clean()} {
		out := string(render(t, &SARIF{Version: "1.2.3"}, r))
		// A finding's own properties say "refs": [] for history only.
		out = strings.ReplaceAll(out, `"refs": []`, "")
		for _, bad := range []string{": -1", "[]", "{}", `"newlineSequences"`, `"language"`, `"kind"`} {
			if strings.Contains(strings.ReplaceAll(out, `"results": []`, ""), bad) {
				t.Errorf("SARIF holds %s:\n%s", bad, out)
			}
		}
		if len(r.Findings) == 0 && !strings.Contains(out, `"results": []`) {
			t.Errorf("a clean scan's SARIF has no empty results array:\n%s", out)
		}
	}
}

func TestSARIFContent(t *testing.T) {
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name, Version string
					Rules         []struct {
						ID   string `json:"id"`
						Help struct {
							Text, Markdown string
						} `json:"help"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndLine, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				RelatedLocations    []json.RawMessage `json:"relatedLocations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Properties          map[string]any    `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	r := sample()
	if err := json.Unmarshal(render(t, &SARIF{Version: "1.2.3"}, r), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || run.Tool.Driver.Name != "leakhound" || run.Tool.Driver.Version != "1.2.3" {
		t.Errorf("log %s, driver %s %s", log.Version, run.Tool.Driver.Name, run.Tool.Driver.Version)
	}
	var ids []string
	for _, rule := range run.Tool.Driver.Rules {
		ids = append(ids, rule.ID)
		if !strings.Contains(rule.Help.Text, "Rotate the secret") || !strings.Contains(rule.Help.Markdown, "**Rotate the secret**") {
			t.Errorf("rule %s help: %+v", rule.ID, rule.Help)
		}
		if rule.Properties["security-severity"] == nil {
			t.Errorf("rule %s has no security-severity", rule.ID)
		}
	}
	if strings.Join(ids, " ") != "django-secret-key generic-password github-pat pkcs12-file" {
		t.Errorf("rules %v", ids)
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	for i, res := range run.Results {
		f := r.Findings[i]
		if res.RuleID != f.RuleID || ids[res.RuleIndex] != f.RuleID {
			t.Errorf("result %d: rule %s index %d", i, res.RuleID, res.RuleIndex)
		}
		if res.PartialFingerprints["leakhound/v1"] != f.Fingerprint {
			t.Errorf("result %d: partialFingerprints %v", i, res.PartialFingerprints)
		}
		if res.Properties["commit"] != f.Commit {
			t.Errorf("result %d: commit %v", i, res.Properties["commit"])
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.Region.StartLine != f.Line || loc.Region.StartColumn != f.Column || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: location %+v", i, loc)
		}
	}
	gh := run.Results[0]
	if gh.Level != "error" || gh.Locations[0].PhysicalLocation.Region.EndColumn != 14+len(ghToken) || len(gh.RelatedLocations) != 1 {
		t.Errorf("github-pat result: level %s, region %+v, %d related", gh.Level, gh.Locations[0].PhysicalLocation.Region, len(gh.RelatedLocations))
	}
	if !strings.Contains(gh.Message.Text, "ghp_… (40 chars)") || !strings.Contains(gh.Message.Text, "scripts/deploy.sh:3") {
		t.Errorf("message %q", gh.Message.Text)
	}
	if uri := run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "conf/prod%20settings,v2.py" {
		t.Errorf("uri %q", uri)
	}
	if run.Results[2].Level != "warning" {
		t.Errorf("low severity: level %s", run.Results[2].Level)
	}
}

func TestGitLabReportIsValidAgainstGitLabsSchema(t *testing.T) {
	s := compileSchema(t, "secret-detection-report-format-15.2.1.json")
	incomplete := sample()
	incomplete.Summary.Incomplete, incomplete.Summary.Errors = true, 1
	nogit := sample()
	for i := range nogit.Findings {
		nogit.Findings[i].Location = leak.Location{File: "x.py", Line: 2, Column: 1}
	}
	for _, r := range []*Report{sample(), clean(), incomplete, nogit} {
		validate(t, s, render(t, &GitLab{}, r))
	}
	// The schema copy does reject a report GitLab would refuse.
	bad := bytes.Replace(render(t, &GitLab{}, sample()), []byte(`"secret_detection"`), []byte(`"sast"`), 1)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if s.Validate(inst) == nil {
		t.Error("scan.type sast passed the secret-detection schema")
	}
}

// TestGitLabReportFields checks the report field by field against GitLab's
// documentation of the security report format.
func TestGitLabReportFields(t *testing.T) {
	var doc map[string]any
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	r := sample()
	if err := json.Unmarshal(render(t, &GitLab{Version: "1.2.3", Start: start, End: start.Add(90 * time.Second)}, r), &doc); err != nil {
		t.Fatal(err)
	}
	get := func(v any, path ...string) any {
		for _, p := range path {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[p]
		}
		return v
	}
	want := map[string]any{
		"version":                   "15.2.1",
		"scan.type":                 "secret_detection",
		"scan.status":               "success",
		"scan.start_time":           "2024-03-01T09:00:00", // UTC, no zone
		"scan.end_time":             "2024-03-01T09:01:30",
		"scan.analyzer.id":          "leakhound",
		"scan.analyzer.name":        "leakhound",
		"scan.analyzer.version":     "1.2.3",
		"scan.analyzer.vendor.name": "leakhound",
		"scan.scanner.id":           "leakhound",
		"scan.scanner.version":      "1.2.3",
	}
	for path, w := range want {
		if got := get(doc, strings.Split(path, ".")...); got != w {
			t.Errorf("%s = %v, want %v", path, got, w)
		}
	}
	vulns := doc["vulnerabilities"].([]any)
	if len(vulns) != len(r.Findings) {
		t.Fatalf("%d vulnerabilities for %d findings", len(vulns), len(r.Findings))
	}
	ids := map[any]bool{}
	for i, v := range vulns {
		f := r.Findings[i]
		id := get(v, "id").(string)
		if ids[id] || len(id) != 36 || strings.Count(id, "-") != 4 {
			t.Errorf("vulnerability %d: id %q not a unique UUID", i, id)
		}
		ids[id] = true
		if id != uuidOf(f.Fingerprint) || strings.ReplaceAll(id, "-", "") != strings.TrimPrefix(f.Fingerprint, "v1:") {
			t.Errorf("vulnerability %d: id %q is not the fingerprint %s", i, id, f.Fingerprint)
		}
		checks := map[string]any{
			"name":                   f.Description,
			"location.file":          f.File,
			"location.start_line":    float64(f.Line),
			"location.end_line":      float64(f.EndLine),
			"location.commit.sha":    f.Commit,
			"location.commit.author": f.Author,
			"location.commit.date":   f.Date.Format(time.RFC3339),
		}
		for path, w := range checks {
			if got := get(v, strings.Split(path, ".")...); got != w {
				t.Errorf("vulnerability %d: %s = %v, want %v", i, path, got, w)
			}
		}
		ident := get(v, "identifiers").([]any)[0]
		if get(ident, "type") != "leakhound_rule_id" || get(ident, "value") != f.RuleID || get(ident, "name") != "leakhound rule "+f.RuleID {
			t.Errorf("vulnerability %d: identifier %v", i, ident)
		}
		if d, _ := get(v, "description").(string); !strings.Contains(d, f.File) || !strings.Contains(d, f.Commit) {
			t.Errorf("vulnerability %d: description %q", i, d)
		}
		if s, _ := get(v, "solution").(string); !strings.Contains(s, "Rotate the secret") {
			t.Errorf("vulnerability %d: solution %q", i, s)
		}
	}
	sevs := []string{"High", "Medium", "Low", "Critical"} // "" is medium by default
	for i, w := range sevs {
		if got := get(vulns[i], "severity"); got != w {
			t.Errorf("vulnerability %d: severity %v, want %s", i, got, w)
		}
	}
	// An incomplete scan is a failure with a message.
	inc := sample()
	inc.Summary.Incomplete, inc.Summary.Errors = true, 3
	json.Unmarshal(render(t, &GitLab{}, inc), &doc)
	if get(doc, "scan", "status") != "failure" || !strings.Contains(string(render(t, &GitLab{}, inc)), "3 objects could not be read") {
		t.Errorf("incomplete scan: status %v", get(doc, "scan", "status"))
	}
}

// TestJUnitParsedByAJUnitConsumer reads the JUnit output with
// github.com/joshdk/go-junit, a JUnit XML parser, as a CI test pane would.
func TestJUnitParsedByAJUnitConsumer(t *testing.T) {
	r := sample()
	suites, err := junitparser.Ingest(render(t, JUnit{}, r))
	if err != nil {
		t.Fatal(err)
	}
	if len(suites) != 1 {
		t.Fatalf("%d suites", len(suites))
	}
	s := suites[0]
	if s.Totals.Tests != len(r.Findings) || s.Totals.Failed != len(r.Findings) || s.Totals.Passed != 0 {
		t.Errorf("totals %+v", s.Totals)
	}
	for i, tc := range s.Tests {
		f := r.Findings[i]
		if tc.Status != junitparser.StatusFailed || tc.Classname != f.File || !strings.HasPrefix(tc.Name, f.RuleID+" at ") {
			t.Errorf("test %d: %s %s %s", i, tc.Status, tc.Classname, tc.Name)
		}
		if tc.Error == nil || !strings.Contains(tc.Error.Error(), f.Description) {
			t.Errorf("test %d: failure %v", i, tc.Error)
		}
	}
	if s.Properties["commits"] != "3" {
		t.Errorf("properties %v", s.Properties)
	}

	suites, err = junitparser.Ingest(render(t, JUnit{}, clean()))
	if err != nil {
		t.Fatal(err)
	}
	if tot := suites[0].Totals; tot.Tests != 1 || tot.Passed != 1 || tot.Failed != 0 {
		t.Errorf("clean scan: totals %+v", tot)
	}

	inc := clean()
	inc.Summary.Incomplete, inc.Summary.Errors = true, 1
	suites, err = junitparser.Ingest(render(t, JUnit{}, inc))
	if err != nil {
		t.Fatal(err)
	}
	if tot := suites[0].Totals; tot.Tests != 1 || tot.Error != 1 {
		t.Errorf("incomplete scan: totals %+v", tot)
	}

	// Characters XML cannot hold do not make the report unreadable.
	odd := sample()
	odd.Findings[0].File = "bad\x01name\x1b[31m.py"
	odd.Findings[0].Message = "a ]]> b"
	if _, err := junitparser.Ingest(render(t, JUnit{}, odd)); err != nil {
		t.Errorf("control characters: %v", err)
	}
}

func TestCSV(t *testing.T) {
	r := sample()
	rows, err := csv.NewReader(bytes.NewReader(render(t, CSV{}, r))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(r.Findings) || strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	row := func(i int, col string) string {
		for k, h := range csvHeader {
			if h == col {
				return rows[i+1][k]
			}
		}
		t.Fatalf("no column %s", col)
		return ""
	}
	if row(0, "secret") != "ghp_… (40 chars)" || row(0, "line") != "3" || row(0, "commit") != c1 ||
		row(0, "other_locations") != "scripts/deploy-copy.sh:3@"+c2 || row(0, "severity") != "high" {
		t.Errorf("row 0: %v", rows[1])
	}
	if got := row(1, "author"); got != `'=HYPERLINK("http://x")` {
		t.Errorf("formula not defused: %q", got)
	}
	if row(1, "file") != "conf/prod settings,v2.py" || row(1, "severity") != "medium" {
		t.Errorf("row 1: %v", rows[2])
	}
}

func TestGitHubAnnotationsCannotBeInjected(t *testing.T) {
	out := string(render(t, GitHubAnnotations{}, sample()))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 { // four findings and one warning
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") {
			t.Errorf("line is not a workflow command: %q", l)
		}
	}
	if !strings.HasPrefix(lines[0], "::error file=scripts/deploy.sh,line=3,col=14,endLine=3,endColumn=") ||
		!strings.Contains(lines[0], ",title=leakhound%3A github-pat::GitHub personal access token: ghp_… (40 chars)") {
		t.Errorf("line 0: %s", lines[0])
	}
	if !strings.Contains(lines[1], "file=conf/prod settings%2Cv2.py,") {
		t.Errorf("path not escaped: %s", lines[1])
	}
	if !strings.HasPrefix(lines[2], "::warning ") {
		t.Errorf("low severity: %s", lines[2])
	}
	odd := sample()
	odd.Findings[0].File = "x\n::add-mask::y"
	odd.Findings[0].Author = "a\r\n::stop-commands::z"
	out = string(render(t, GitHubAnnotations{}, odd))
	if strings.Count(out, "\n") != 5 || strings.Contains(out, "\n::add-mask") || strings.Contains(out, "\n::stop") {
		t.Errorf("a newline from the repository reached the log:\n%s", out)
	}
}

func TestMarkdown(t *testing.T) {
	out := string(render(t, Markdown{}, sample()))
	if !strings.HasPrefix(out, "## leakhound: 4 leaks found in `1111111..2222222`\n") {
		t.Errorf("heading:\n%s", out)
	}
	// One table row per finding; a pipe in a path does not add a column.
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| Severity") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows:\n%s", len(rows), out)
	}
	for _, row := range rows {
		if n := strings.Count(strings.ReplaceAll(row, `\|`, ""), "|"); n != 7 {
			t.Errorf("row has %d cell separators: %s", n, row)
		}
	}
	if !strings.Contains(rows[2], "``a\\|b/`x`.env:1``") {
		t.Errorf("backticks in a path: %s", rows[2])
	}
	if out := string(render(t, Markdown{}, clean())); !strings.HasPrefix(out, "## leakhound: no leaks found in") || strings.Contains(out, "| Severity") {
		t.Errorf("clean:\n%s", out)
	}
}

func TestTruncateKeepsRunes(t *testing.T) {
	s := strings.Repeat("é", 10) // 20 bytes
	got := truncate(s, 9)
	if len(got) > 9 || !strings.HasSuffix(got, "…") || !utf8.ValidString(got) {
		t.Errorf("truncate: %q (%d bytes)", got, len(got))
	}
	if truncate("short", 9) != "short" {
		t.Error("a short string was cut")
	}
	long := sample()
	long.Findings[0].Description = strings.Repeat("x", 300)
	var doc struct {
		Vulnerabilities []struct{ Name string } `json:"vulnerabilities"`
	}
	json.Unmarshal(render(t, &GitLab{}, long), &doc)
	if n := len(doc.Vulnerabilities[0].Name); n > 255 {
		t.Errorf("name of %d bytes, the schema allows 255", n)
	}
}

// TestEveryFormatNamesTheRepository renders a report of several
// repositories in every format: each names the repository of every finding
// and of every other location, since a path alone does not say which
// repository holds the secret; SARIF stays valid.
func TestEveryFormatNamesTheRepository(t *testing.T) {
	r := sample()
	repos := []string{"https://git.example.com/org/api", "/srv/git/web.git", "https://git.example.com/org/ops", "file:///srv/mirror/tools"}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Repository = repos[i]
		r.Summary.Repositories = append(r.Summary.Repositories, RepoSummary{Repository: repos[i], Commits: 1})
	}
	const other = "/srv/git/other-repo.git"
	r.Findings[0].Locations[0].Repository = other
	s := compileSchema(t, "sarif-schema-2.1.0.json")
	for ext, rep := range reporters() {
		out := string(render(t, rep, r))
		for i, repo := range repos {
			if !strings.Contains(out, repo) {
				t.Errorf("%s: the repository of finding %d (%s) is not named:\n%s", ext, i, repo, out)
			}
		}
		// Markdown and annotations count the other places, not list them.
		if ext != "md" && ext != "github.txt" && !strings.Contains(out, other) {
			t.Errorf("%s: the repository of another location (%s) is not named:\n%s", ext, other, out)
		}
		if ext == "sarif" {
			validate(t, s, []byte(out))
		}
	}
}

// TestBlockedCutsMessagesAtCharacters: a long commit message in a hook's
// list is cut between characters, not inside one, and shown as written.
func TestBlockedCutsMessagesAtCharacters(t *testing.T) {
	for _, msg := range []string{"x" + strings.Repeat("é", 40), strings.Repeat("日本", 20), strings.Repeat("a", 59) + "€uro"} {
		r := sample()
		r.Findings = r.Findings[:1]
		r.Findings[0].Message = msg + "\nbody"
		var b strings.Builder
		if err := (Blocked{Action: "push"}).Write(&b, r); err != nil {
			t.Fatal(err)
		}
		_, line, _ := strings.Cut(b.String(), "  commit ")
		line, _, _ = strings.Cut(line, "\n")
		_, quoted, _ := strings.Cut(line, "  ")
		got, err := strconv.Unquote(quoted)
		if err != nil || !utf8.ValidString(got) || strings.Contains(quoted, `\x`) {
			t.Errorf("message %q is shown as %s", msg, quoted)
			continue
		}
		kept := strings.TrimSuffix(got, "…")
		if !strings.HasPrefix(msg, kept) || len(kept) > 60 || len(kept) < 57 || kept == got {
			t.Errorf("message %q is cut to %q", msg, got)
		}
	}
}
