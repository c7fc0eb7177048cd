package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/leakhound/leakhound/internal/gittest"
)

// testdata is the module's shared test data: seed repositories' recipes,
// report schemas and golden files.
var testdata = filepath.Join("..", "..", "testdata")

// TestSeedRecipe scans the shared seed repository through the command and
// holds it to the recipe's expectations, as the engine's own tests do.
func TestSeedRecipe(t *testing.T) {
	r := gittest.BuildRecipe(t, filepath.Join(testdata, "seeds", "django.recipe"), gittest.Secrets())
	res := runLH(t, "", "scan", "--no-progress", "-f", "json", r.Dir)
	if res.code != 1 {
		t.Fatalf("exit %d\n%s", res.code, res.err)
	}
	r.Check(t, parseJSON(t, res.out).Findings)
}

// TestReportsMatchTheSchemas validates the command's SARIF and GitLab
// reports of the seed repository against the official schemas the report
// package's golden files are checked against.
func TestReportsMatchTheSchemas(t *testing.T) {
	r := gittest.BuildRecipe(t, filepath.Join(testdata, "seeds", "django.recipe"), gittest.Secrets())
	dir := t.TempDir()
	sarif, gitlab := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "gl.json")
	if res := runLH(t, "", "scan", "--no-progress", "-f", "sarif", "-o", sarif, "-f", "gitlab", "-o", gitlab, r.Dir); res.code != 1 {
		t.Fatalf("exit %d\n%s", res.code, res.err)
	}
	for report, schema := range map[string]string{sarif: "sarif-schema-2.1.0.json", gitlab: "secret-detection-report-format-15.2.1.json"} {
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
}
