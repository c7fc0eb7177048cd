// Package testtool lets tests demand the system tools they drive (git,
// tmux, the pre-commit framework).
//
// A missing tool fails the test under CI (LEAKHOUND_CI=1, which .ci/run
// sets after installing the tools), and skips it, loudly, elsewhere: the
// README's `go test ./...` must work on a fresh machine, while CI must never
// pass a test it did not run.
package testtool

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// skipped are the tests Need skipped in this test binary, with why.
var skipped struct {
	sync.Mutex
	list []string
}

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
	skipped.Lock()
	skipped.list = append(skipped.list, t.Name()+": "+msg)
	skipped.Unlock()
	t.Skip("SKIP: " + msg)
	return ""
}

// Main runs a package's tests (call it from TestMain: os.Exit(testtool.Main(m)))
// and then says which tests Need skipped, and why. go test ./... shows a
// passing package's output only with -v, so the summary goes to the
// terminal (/dev/tty) when there is one, and to standard error otherwise.
func Main(m *testing.M) int {
	code := m.Run()
	skipped.Lock()
	list := append([]string(nil), skipped.list...)
	skipped.Unlock()
	if len(list) == 0 {
		return code
	}
	sort.Strings(list)
	var w io.Writer = os.Stderr
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		w = tty
	}
	pkg := "this package"
	if wd, err := os.Getwd(); err == nil {
		pkg = filepath.Base(filepath.Dir(wd)) + "/" + filepath.Base(wd)
	}
	fmt.Fprintf(w, "SKIPPED in %s: %d test%s (LEAKHOUND_CI=1 makes them fail):\n  %s\n", pkg, len(list), map[bool]string{true: "", false: "s"}[len(list) == 1], strings.Join(list, "\n  "))
	return code
}
