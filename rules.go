// Package leakhound holds leakhound's default rules, the project-root
// .secretsrules.toml, embedded so that the binary carries them.
//
// The code lives in the packages below: config (rules files), detect (the
// detectors), gitwalk (git history), report (output formats), and the
// leakhound command in cmd/leakhound that wires them together.
package leakhound

import (
	"bytes"
	_ "embed"
)

//go:embed .secretsrules.toml
var defaultRules []byte

// DefaultRules returns the text of the default rules file,
// .secretsrules.toml: a copy, which the caller may keep or change.
func DefaultRules() []byte { return bytes.Clone(defaultRules) }

// DefaultRulesName is the name under which errors in DefaultRules are
// reported.
const DefaultRulesName = "default .secretsrules.toml"
