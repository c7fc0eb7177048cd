package prereceive

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// OnTimeout is what a run does when it runs out of time.
type OnTimeout string

// The choices of OnTimeout.
const (
	// Reject rejects the push: nothing unscanned gets in (the default).
	Reject OnTimeout = "reject"
	// Warn accepts the push with a warning to the pusher and a record in
	// the log, unless what was scanned already holds a secret.
	Warn OnTimeout = "warn"
)

// DefaultTimeout bounds a run unless Config says otherwise: under the five
// seconds GitHub Enterprise Server gives a pre-receive hook, so that the
// pusher reads leakhound's message rather than the server's.
const DefaultTimeout = 4 * time.Second

// Config is the server's configuration of the hook. ConfigFromEnv reads it
// from the environment; the command's flags override it.
type Config struct {
	// RulesFile is a server-wide rules file. When set, it replaces the
	// repositories' own .secretsrules.toml (their baselines still apply).
	RulesFile string
	// LogFile, when set, is where a JSON record of every push that is
	// rejected, let through by the escape hatch or accepted with a warning
	// is appended (see Record): one line per push, the file created 0600.
	LogFile string
	// AllowPushOption enables the escape hatch: a push with the push option
	// leakhound.allow="reason" goes through despite its findings (or a
	// timeout), and is recorded in LogFile, which it needs. Git passes push
	// options to the hook only when the repository (or the server's git
	// config) sets receive.advertisePushOptions.
	AllowPushOption bool
	// Timeout bounds the run; zero means DefaultTimeout.
	Timeout time.Duration
	// OnTimeout says what to do when the time is up; "" means Reject.
	OnTimeout OnTimeout
	// IgnoreInlineAllows reports secrets on lines marked leakhound:allow
	// (by default, as everywhere in leakhound, such lines are not
	// reported).
	IgnoreInlineAllows bool
}

// Environment variables ConfigFromEnv reads.
const (
	EnvRules           = "LEAKHOUND_RULES"
	EnvLog             = "LEAKHOUND_LOG"
	EnvAllowPushOption = "LEAKHOUND_ALLOW_PUSH_OPTION"
	EnvTimeout         = "LEAKHOUND_TIMEOUT"
	EnvOnTimeout       = "LEAKHOUND_ON_TIMEOUT"
	EnvIgnoreAllows    = "LEAKHOUND_IGNORE_INLINE_ALLOWS"
)

// ConfigFromEnv reads the configuration from the environment, with getenv:
// LEAKHOUND_RULES (a rules file), LEAKHOUND_LOG (the log file),
// LEAKHOUND_ALLOW_PUSH_OPTION (true or false), LEAKHOUND_TIMEOUT (a
// duration: 4s, 1m), LEAKHOUND_ON_TIMEOUT (reject or warn) and
// LEAKHOUND_IGNORE_INLINE_ALLOWS (true or false). A malformed value is an
// error naming the variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{RulesFile: getenv(EnvRules), LogFile: getenv(EnvLog)}
	var err error
	if c.AllowPushOption, err = envBool(getenv, EnvAllowPushOption); err != nil {
		return c, err
	}
	if c.IgnoreInlineAllows, err = envBool(getenv, EnvIgnoreAllows); err != nil {
		return c, err
	}
	if s := getenv(EnvTimeout); s != "" {
		if c.Timeout, err = ParseTimeout(s); err != nil {
			return c, fmt.Errorf("%s: %w", EnvTimeout, err)
		}
	}
	if s := getenv(EnvOnTimeout); s != "" {
		if c.OnTimeout, err = ParseOnTimeout(s); err != nil {
			return c, fmt.Errorf("%s: %w", EnvOnTimeout, err)
		}
	}
	return c, nil
}

func envBool(getenv func(string) string, name string) (bool, error) {
	s := getenv(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want true or false", name, s)
	}
	return b, nil
}

// ParseTimeout parses a time limit: a Go duration ("4s", "1m30s"), of at
// least 1ms.
func ParseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < time.Millisecond {
		return 0, fmt.Errorf("bad time limit %q: want a duration of at least 1ms, such as 4s or 1m", s)
	}
	return d, nil
}

// ParseOnTimeout parses "reject" or "warn".
func ParseOnTimeout(s string) (OnTimeout, error) {
	switch o := OnTimeout(strings.ToLower(strings.TrimSpace(s))); o {
	case Reject, Warn:
		return o, nil
	}
	return "", fmt.Errorf("bad choice %q: want reject or warn", s)
}

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}
