// Package buildinfo says which leakhound is running: the module version
// and the version-control revision the binary was built from, as the Go
// toolchain records them (runtime/debug.ReadBuildInfo).
//
// It knows nothing of scans, rules or the command line.
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Info is what a binary knows of its own build.
type Info struct {
	// Version is the module version ("v1.2.3", a pseudo-version), the
	// version set with -ldflags "-X main.version=...", or "(devel)" for a
	// build from a checkout.
	Version string
	// Revision is the commit the binary was built from, Time its commit
	// time (RFC 3339), and Modified whether the work tree had changes;
	// empty when the build recorded no version control information (go
	// install of a module, go run, go test).
	Revision string
	Time     string
	Modified bool
	// GoVersion is the Go toolchain that built the binary.
	GoVersion string
}

// Read returns the build information of the running binary. override,
// when not empty or "dev", is a version set at link time and wins over the
// module version.
func Read(override string) Info {
	bi, _ := debug.ReadBuildInfo()
	return From(bi, override)
}

// From returns the build information bi records (bi may be nil).
func From(bi *debug.BuildInfo, override string) Info {
	var in Info
	if bi != nil {
		in.Version = bi.Main.Version
		in.GoVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Revision = s.Value
			case "vcs.time":
				in.Time = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if override != "" && override != "dev" {
		in.Version = override
	}
	if in.Version == "" {
		in.Version = "(devel)"
	}
	return in
}

// String is the one line `leakhound version` prints:
// "v1.2.3 (revision 3f2a9c1b7e45, 2026-11-30T10:00:00Z, modified; go1.26.0)".
func (in Info) String() string {
	var parts []string
	if in.Revision != "" {
		rev := in.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		parts = append(parts, "revision "+rev)
		if in.Time != "" {
			parts[0] += ", " + in.Time
		}
		if in.Modified {
			parts[0] += ", modified"
		}
	}
	if in.GoVersion != "" {
		parts = append(parts, in.GoVersion)
	}
	if len(parts) == 0 {
		return in.Version
	}
	return in.Version + " (" + strings.Join(parts, "; ") + ")"
}
