package convert

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
)

// A gitleaks configuration in the old style ([allowlist], a rule's
// [rules.allowlist], [extend] path) and the new ([[allowlists]]), with
// keys in viper's any case, and settings leakhound has no equal for.
const base = `
title = "team base"
[[rules]]
id = "acme-token"
description = "ACME token"
regex = '''acme_[a-z0-9]{12}'''
keywords = ["ACME_"]
`

const top = `
title = "our rules"
minVersion = "v8.0.0"

[extend]
useDefault = true
path = "base.toml"
disabledRules = ["generic-api-key"]

[[rules]]
id = "zork-key"
description = "Zork key"
regex = '''zork_([a-f0-9]{16})'''
secretGroup = 1
entropy = 3
keywords = ["zork_"]
path = '''\.env$'''
tags = ["zork"]
skipReport = true
  [rules.allowlist]
  regexes = ['''zork_0{16}''']
  [[rules.allowlists]]
  condition = "and"
  stopwords = ["example"]
  paths = ['''docs/''']

[[rules]]
id = "bad-one"
regex = '''(?<=x)y'''

[[rules]]
id = "composite"
regex = '''user=\w+'''
  [[rules.required]]
  id = "zork-key"

[allowlist]
description = "old global"
Paths = ['''(^|/)vendor/''']

[[allowlists]]
targetRules = ["zork-key"]
regexTarget = "line"
regexes = ['''EXAMPLE''']
`

func TestFromGitleaks(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte(base), 0o600)
	name := filepath.Join(dir, ".gitleaks.toml")
	res, err := FromGitleaks(name, []byte(top), os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("out.toml", res.TOML)
	if err != nil {
		t.Fatalf("converted file does not parse: %v\n%s", err, res.TOML)
	}
	ids := map[string]config.Rule{}
	for _, r := range cfg.Rules {
		ids[r.ID] = r
	}
	z, ok := ids["zork-key"]
	if !ok || ids["acme-token"].ID == "" || ids["composite"].ID == "" || ids["django-secret-key"].ID == "" {
		t.Fatalf("rules: want zork-key, acme-token (extended), composite and the built-in ones:\n%s", res.TOML)
	}
	if _, ok := ids["bad-one"]; ok {
		t.Errorf("bad-one, whose regex RE2 refuses, was kept")
	}
	if z.SecretGroup != 1 || z.Entropy != 3 || z.Path != `\.env$` || len(z.Allowlists) != 2 || z.Allowlists[1].Condition != "AND" || z.Keywords[0] != "zork_" {
		t.Errorf("zork-key: %+v", z)
	}
	if ids["acme-token"].Keywords[0] != "acme_" {
		t.Errorf("acme-token keywords %q", ids["acme-token"].Keywords)
	}
	if rules, n := res.Rules, 3; rules != n {
		t.Errorf("%d rules converted, want %d", rules, n)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, want := range []string{`rules[0] (zork-key): "skipreport" not converted`, `"required" not converted`,
		`disabledRules ["generic-api-key"] not converted`, `rule "bad-one": left out`, "leakhound's built-in rules, not gitleaks'"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	for _, want := range []string{"description = \"old global\"", "targetRules = [\"zork-key\"]", "regexTarget = \"line\""} {
		if !strings.Contains(string(res.TOML), want) {
			t.Errorf("output lacks %s:\n%s", want, res.TOML)
		}
	}

	// [extend] path that cannot be read is an error; nil read notes it.
	if _, err := FromGitleaks(filepath.Join(t.TempDir(), "x.toml"), []byte(top), os.ReadFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing extend path: %v", err)
	}
	if _, err := FromGitleaks("x.toml", []byte("not [toml"), nil); err == nil || !strings.Contains(err.Error(), "not a TOML file") {
		t.Errorf("bad TOML: %v", err)
	}
}
