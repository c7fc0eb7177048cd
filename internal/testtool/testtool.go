// Package testtool lets tests demand the system tools they drive (git,
// tmux, the pre-commit framework).
//
// A missing tool fails the test under CI (LEAKHOUND_CI=1, which .ci/run
// sets after installing the tools), and skips it, loudly, elsewhere: the
// README's `go test ./...` must work on a fresh machine, while CI must never
// pass a test it did not run.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of the named program, or fails (under CI) or skips
// (elsewhere) the test with a message saying how to get it.
func Need(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := name + " is not installed (Debian package " + pkg + "; .ci/run installs it)"
	if os.Getenv("LEAKHOUND_CI") != "" {
		t.Fatal(msg)
	}
	t.Skip("SKIP: " + msg)
	return ""
}
