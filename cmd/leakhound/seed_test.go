package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// testdata is the module's shared test data: seed repositories' recipes,
// report schemas and golden files.
var testdata = filepath.Join("..", "..", "testdata")

// TestReportsMatchTheSchemas validates the command's SARIF and GitLab
// reports of the seed repository against the official schemas the report
// package's golden files are checked against.
func TestReportsMatchTheSchemas(t *testing.T) {
	r := seedRepo(t)
	dir := t.TempDir()
	sarif, gitlab := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "gl.json")
	if res := runLH(t, "", "scan", "--no-progress", "-f", "sarif", "-o", sarif, "-f", "gitlab", "-o", gitlab, r.Dir); res.code != 1 {
		t.Fatalf("exit %d\n%s", res.code, res.err)
	}
	for report, schema := range map[string]string{sarif: "sarif-schema-2.1.0.json", gitlab: "secret-detection-report-format-15.2.1.json"} {
		validateSchema(t, report, schema)
	}
}

// validateSchema checks the report file report against the schema of
// testdata/report named schema.
func validateSchema(t *testing.T, report, schema string) {
	t.Helper()
	f, err := os.Open(filepath.Join(testdata, "report", schema))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("file:///"+schema, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("file:///" + schema)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s: invalid against %s: %v", filepath.Base(report), schema, err)
	}
}
