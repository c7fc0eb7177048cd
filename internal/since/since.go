// Package since reads the point in time a --since flag names, in the forms
// people type: a date (2024-01-31, 2024/01/31), a time (RFC 3339), an age
// (30d, 2w, 720h, "2 weeks ago", "6 months"), or a word (today,
// yesterday, "last week").
//
// It knows nothing of git, scans or the command line.
package since

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Forms says, for an error or a help text, what Parse accepts.
const Forms = "a date (2024-01-31 or 2024/01/31), a time (2024-01-31T12:00:00Z), an age (30d, 2w, 6mo, 1y, 720h, \"2 weeks ago\") or yesterday"

// layouts are the dates and times Parse reads, in the local time zone
// unless they carry their own.
var layouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	time.DateOnly,
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"2006/01/02",
	"2006.01.02",
}

// age is "30d", "2 weeks ago", "6 months", "2.weeks.ago" (git's spelling).
var age = regexp.MustCompile(`^(\d+)[ .]*([a-z]+?)s?(?:[ .]+ago)?$`)

// back returns the time n units (by a name or abbreviation of the unit)
// before t, or false for an unknown unit.
func back(t time.Time, n int, unit string) (time.Time, bool) {
	switch unit {
	case "second", "sec":
		return t.Add(-time.Duration(n) * time.Second), true
	case "minute", "min":
		return t.Add(-time.Duration(n) * time.Minute), true
	case "hour", "hr":
		return t.Add(-time.Duration(n) * time.Hour), true
	case "d", "day":
		return t.AddDate(0, 0, -n), true
	case "w", "wk", "week":
		return t.AddDate(0, 0, -7*n), true
	case "mo", "mon", "month":
		return t.AddDate(0, -n, 0), true
	case "y", "yr", "year":
		return t.AddDate(-n, 0, 0), true
	}
	return time.Time{}, false
}

// ErrBad is wrapped by the error of a value Parse cannot read.
var ErrBad = errors.New("not a date or an age")

// Parse returns the time s names, ages counted back from now, dates in
// now's location.
func Parse(s string, now time.Time) (time.Time, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	upper := strings.ToUpper(v) // RFC 3339's T and Z
	for _, layout := range layouts {
		for _, x := range []string{v, upper} {
			if t, err := time.ParseInLocation(layout, x, now.Location()); err == nil {
				return t, nil
			}
		}
	}
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch v {
	case "now":
		return now, nil
	case "today":
		return midnight, nil
	case "yesterday":
		return midnight.AddDate(0, 0, -1), nil
	case "last week":
		return now.AddDate(0, 0, -7), nil
	case "last month":
		return now.AddDate(0, -1, 0), nil
	case "last year":
		return now.AddDate(-1, 0, 0), nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if m := age.FindStringSubmatch(v); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			if t, ok := back(now, n, m[2]); ok {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%q: %w: want %s", s, ErrBad, Forms)
}
