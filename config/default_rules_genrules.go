//go:build genrules

package config

// defaultConfig is empty in the build of internal/genrules (tag genrules),
// which writes default_rules.go: the generator must build whatever state
// that file is in.
var defaultConfig Config
