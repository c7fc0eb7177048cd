package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFrom(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "3f2a9c1b7e4512345678901234567890abcdef12"},
		{Key: "vcs.time", Value: "2026-11-30T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	for _, tc := range []struct {
		name     string
		bi       *debug.BuildInfo
		override string
		want     string
	}{
		{"checkout build", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			"", "(devel) (revision 3f2a9c1b7e45, 2026-11-30T10:00:00Z, modified; go1.26.0)"},
		{"go install of a tag", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}},
			"", "v1.2.3 (go1.26.0)"},
		{"ldflags version wins", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}},
			"v1.2.4-rc1", "v1.2.4-rc1 (go1.26.0)"},
		{"dev is no version", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "dev", "v1.2.3"},
		{"no build info", nil, "", "(devel)"},
	} {
		if got := From(tc.bi, tc.override).String(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestRead: a test binary has build information, with the module's path.
func TestRead(t *testing.T) {
	in := Read("")
	if in.Version == "" || in.GoVersion == "" {
		t.Fatalf("Read() = %+v: want a version and a Go version", in)
	}
}
