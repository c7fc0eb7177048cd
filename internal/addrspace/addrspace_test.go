//go:build linux

package addrspace

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// childEnv makes the test binary, run again, start the regex engine under
// the address-space limit it names, in bytes, and print the outcome.
const childEnv = "ADDRSPACE_TEST_LIMIT"

func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		var n uint64
		fmt.Sscan(v, &n)
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			fmt.Println("setrlimit:", err)
			os.Exit(3)
		}
		err := StartRegexEngine()
		fmt.Printf("limit=%d ok=%v tooLow=%v err=%v\n", Limit(), err == nil, errors.Is(err, ErrTooLow), err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestStartUnderALimit is issue 13 item 27: under `ulimit -v 4000000` every
// scan failed at once with "internal error (please report it)": go-re2
// panicked reserving 4 GiB. Under a limit too low for it, starting the
// engine is an error that names the limit, not a panic. (A release build,
// whose go-re2 reserves an eighth of the limit, starts.)
func TestStartUnderALimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("RLIMIT_AS as Linux counts it")
	}
	for _, n := range []uint64{2_000_000_000, 4_000_000_000} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", childEnv, n))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("limit %d: %v\n%s", n, err, out)
		}
		s := string(out)
		switch {
		case strings.Contains(s, "ok=true"):
			t.Logf("limit %d: the engine started (a go-re2 that fits its reservation to the limit)", n)
		case !strings.Contains(s, "tooLow=true") || !strings.Contains(s, fmt.Sprintf("ulimit -v %d", n/1024)):
			t.Errorf("limit %d: %s", n, s)
		}
	}
}

func TestStartWithoutALimit(t *testing.T) {
	if err := StartRegexEngine(); err != nil && Limit() == 0 {
		t.Fatal(err)
	}
}
