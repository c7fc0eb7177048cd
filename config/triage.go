package config

import (
	"fmt"
	"slices"
	"strings"
)

// PathContext marks the files whose paths match Paths as being of one
// context (see PathContexts): a rules file's own entries come before the
// built-in layouts, so that a project can say that its testproj/ is
// production code, or that its qa/ folder holds fixtures.
type PathContext struct {
	// Context is one of PathContexts().
	Context string
	// Paths are regexes on slash-separated file paths.
	Paths       []string
	Description string
	Pos         Pos
}

// KnownSecret is a value that is published, in a framework's or vendor's
// documentation, a specification or a tutorial: anyone who read it knows
// the secret. A finding whose secret or match one of Regexes matches is
// reported as publicly known (see package triage), not silently dropped.
type KnownSecret struct {
	Description string
	// Published says where the value is published (a URL or a document).
	Published string
	// Regexes match the finding's secret or its whole match.
	Regexes []string
	// Severity is how bad the value is in production code or
	// configuration: "high" (the default) for a value that works wherever
	// it is configured (a framework's example signing key: anyone can
	// forge that application's sessions); lower for a value that the
	// vendor never accepts for a real account (an emulator's key, an
	// example key the vendor rejects).
	Severity string
	Pos      Pos
}

// PathContexts returns the valid contexts of a [[pathContexts]] entry:
// code is production code and configuration; the others are kinds of
// content whose secrets are rarely live credentials.
func PathContexts() []string {
	return []string{"code", "test", "fixture", "example", "docs", "vendored"}
}

var (
	pathContextKeys = map[string]kind{"context": kString, "paths": kStrings, "description": kString}
	knownSecretKeys = map[string]kind{"description": kString, "published": kString, "regexes": kStrings, "severity": kString}
)

// pathContext checks one [[pathContexts]] table.
func (c *checker) pathContext(at string, m map[string]any) PathContext {
	v := c.table(at, "", m, pathContextKeys)
	p := PathContext{Pos: Pos{File: c.name, Line: c.pos.line(at)}}
	p.Context, _ = v["context"].(string)
	p.Paths, _ = v["paths"].([]string)
	p.Description, _ = v["description"].(string)
	switch {
	case p.Context == "":
		c.errorf(at, "", "pathContexts: context is required (one of %s)", strings.Join(PathContexts(), ", "))
	case !slices.Contains(PathContexts(), p.Context):
		c.errorf(at+".context", "", "pathContexts: context must be one of %s, not %q", strings.Join(PathContexts(), ", "), p.Context)
	}
	if len(p.Paths) == 0 {
		c.errorf(at, "", "pathContexts: paths is required")
	}
	for i, re := range p.Paths {
		if _, err := c.checkRegex(re); err != nil {
			c.errorf(at+".paths", "", "bad regex in paths[%d]: %v", i, err)
		}
	}
	return p
}

// knownSecret checks one [[knownSecrets]] table.
func (c *checker) knownSecret(at string, m map[string]any) KnownSecret {
	v := c.table(at, "", m, knownSecretKeys)
	k := KnownSecret{Pos: Pos{File: c.name, Line: c.pos.line(at)}}
	k.Description, _ = v["description"].(string)
	k.Published, _ = v["published"].(string)
	k.Regexes, _ = v["regexes"].([]string)
	k.Severity, _ = v["severity"].(string)
	if k.Severity != "" && !slices.Contains(Severities(), k.Severity) {
		c.errorf(at+".severity", "", "knownSecrets: severity must be one of %s", strings.Join(Severities(), ", "))
	}
	if k.Description == "" {
		c.errorf(at, "", "knownSecrets: description is required")
	}
	if k.Published == "" {
		c.errorf(at, "", "knownSecrets: published is required (where the value is published)")
	}
	if len(k.Regexes) == 0 {
		c.errorf(at, "", "knownSecrets: regexes is required")
	}
	for i, re := range k.Regexes {
		if _, err := c.checkRegex(re); err != nil {
			c.errorf(at+".regexes", "", "bad regex in regexes[%d]: %v", i, err)
		}
	}
	return k
}

// parseTriage reads the top-level keys of triage into f.
func (c *checker) parseTriage(top map[string]any, f *file) {
	pcs, _ := top["pathContexts"].([]map[string]any)
	for i, m := range pcs {
		f.cfg.PathContexts = append(f.cfg.PathContexts, c.pathContext(fmt.Sprintf("pathContexts[%d]", i), m))
	}
	ks, _ := top["knownSecrets"].([]map[string]any)
	for i, m := range ks {
		f.cfg.KnownSecrets = append(f.cfg.KnownSecrets, c.knownSecret(fmt.Sprintf("knownSecrets[%d]", i), m))
	}
}
