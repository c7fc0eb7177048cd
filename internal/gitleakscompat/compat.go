// Package gitleakscompat reads the values of gitleaks' command-line flags
// that leakhound accepts with the same meaning, so that a gitleaks user's
// commands keep working: --redact=N and --log-opts.
//
// It knows nothing of scans, rules or the command line's parser.
package gitleakscompat

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseRedact reads --redact's value: true or false, or gitleaks' N, the
// percentage of each secret to redact (0 to 100). leakhound masks a secret
// whole or not at all, so any N above 0 masks it.
func ParseRedact(s string) (bool, error) {
	if b, err := strconv.ParseBool(s); err == nil {
		return b, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100 {
		return false, fmt.Errorf("want true, false or a percentage from 0 to 100 (gitleaks' --redact=N), not %q", s)
	}
	return n > 0, nil
}

// LogOpts is what leakhound can honour of gitleaks' --log-opts, the
// options gitleaks passes to git log.
type LogOpts struct {
	// Range is "A..B" (commits in B and not in A); Refs are refs whose
	// history is scanned. Neither: every ref (--all).
	Range string
	Refs  []string
	// Since is the value of --since or --after.
	Since string
}

// ParseLogOpts reads --log-opts: --all, a range A..B, refs (main,
// origin/main, a commit), --since=DATE and --after=DATE (or with the date
// as the next word), --no-merges and --first-parent are not honoured;
// anything else is an error that says what is.
func ParseLogOpts(s string) (LogOpts, error) {
	var o LogOpts
	words := strings.Fields(s)
	for i := 0; i < len(words); i++ {
		w := words[i]
		name, val, hasVal := strings.Cut(w, "=")
		switch {
		case w == "--all" || w == "--branches" && !hasVal:
		case name == "--since" || name == "--after" || name == "--since-as-filter":
			if !hasVal {
				if i+1 == len(words) {
					return LogOpts{}, fmt.Errorf("--log-opts: %s needs a date", w)
				}
				i++
				val = words[i]
			}
			o.Since = strings.Trim(val, `"'`)
		case strings.HasPrefix(w, "-"):
			return LogOpts{}, fmt.Errorf("--log-opts: leakhound cannot honour %q; it takes --all, a range A..B, refs, and --since=DATE (see 'leakhound scan --help' for --branch, --range and --since)", w)
		case strings.Contains(w, ".."):
			if strings.Contains(w, "...") {
				return LogOpts{}, fmt.Errorf("--log-opts: %q: a symmetric difference (A...B) is not supported; use A..B", w)
			}
			if o.Range != "" {
				return LogOpts{}, fmt.Errorf("--log-opts: two ranges, %q and %q", o.Range, w)
			}
			o.Range = w
		default:
			o.Refs = append(o.Refs, w)
		}
	}
	if o.Range != "" && len(o.Refs) > 0 {
		return LogOpts{}, fmt.Errorf("--log-opts: a range (%s) and refs (%s) together are not supported", o.Range, strings.Join(o.Refs, " "))
	}
	return o, nil
}
