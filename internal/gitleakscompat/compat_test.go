package gitleakscompat

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseRedact(t *testing.T) {
	for in, want := range map[string]bool{"true": true, "false": false, "100": true, "20": true, "0": false} {
		if got, err := ParseRedact(in); err != nil || got != want {
			t.Errorf("ParseRedact(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"101", "-1", "half"} {
		if _, err := ParseRedact(bad); err == nil {
			t.Errorf("ParseRedact(%q): no error", bad)
		}
	}
}

func TestParseLogOpts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want LogOpts
	}{
		{"--all", LogOpts{}},
		{"main..feature", LogOpts{Range: "main..feature"}},
		{"--since=2024-01-01 main", LogOpts{Refs: []string{"main"}, Since: "2024-01-01"}},
		{"--after 2w origin/main release", LogOpts{Refs: []string{"origin/main", "release"}, Since: "2w"}},
	} {
		got, err := ParseLogOpts(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseLogOpts(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for in, want := range map[string]string{
		"-p":          `cannot honour "-p"`,
		"--author=me": `cannot honour "--author=me"`,
		"a...b":       "symmetric difference",
		"a..b c":      "a range (a..b) and refs (c)",
		"--since":     "--since needs a date",
	} {
		if _, err := ParseLogOpts(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseLogOpts(%q): err %v, want %q", in, err, want)
		}
	}
}
