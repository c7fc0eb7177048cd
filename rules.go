// Package leakhound holds leakhound's default rules, the project-root
// .secretsrules.toml, embedded so that the binary carries them.
//
// The code lives in the packages below: config (rules files), detect (the
// detectors), gitwalk (git history), report (output formats), and the
// leakhound command in cmd/leakhound that wires them together.
package leakhound

import _ "embed"

// DefaultRules is the text of the default rules file, .secretsrules.toml.
//
//go:embed .secretsrules.toml
var DefaultRules []byte

// DefaultRulesName is the name under which errors in DefaultRules are
// reported.
const DefaultRulesName = "default .secretsrules.toml"
