//go:build linux

package hugeheap

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// The range Reserve reports is marked for huge pages in the process's own
// memory map (smaps' "hg" flag) wherever the system offers them, and the
// heap's next allocations land in it.
func TestReserveMarksTheHeapsNextGrowth(t *testing.T) {
	start, end := Reserve()
	if !worthIt() {
		mode, _ := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
		if start != end {
			t.Fatalf("nothing to gain here (transparent huge pages %q), yet Reserve reports %#x-%#x", mode, start, end)
		}
		t.Logf("nothing to gain here (transparent huge pages %q): Reserve did nothing, as it should", mode)
		return
	}
	if end-start < reserveBytes/2 {
		t.Fatalf("Reserve covers %#x-%#x (%d MiB), want most of %d MiB", start, end, (end-start)>>20, reserveBytes>>20)
	}
	flags := vmFlags(t, start)
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the reserved range's mapping has flags %q, want hg (MADV_HUGEPAGE)", flags)
	}
	// A large allocation made now comes from the reserved range.
	b := make([]byte, 32<<20)
	b[0] = 1
	if p := addr(b); p < start-hugePage || p >= end {
		t.Errorf("a 32 MiB allocation after Reserve is at %#x, outside %#x-%#x", p, start, end)
	}
}

// vmFlags returns the VmFlags line of the mapping that holds address a.
func vmFlags(t *testing.T, a uintptr) string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := strings.Cut(strings.Fields(line + " ")[0], "-"); ok && !strings.HasSuffix(strings.Fields(line)[0], ":") {
			l, err1 := strconv.ParseUint(lo, 16, 64)
			h, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uint64(a) >= l && uint64(a) < h
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	t.Fatalf("no mapping holds %#x", a)
	return ""
}

func addr(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// Under an address-space limit (ulimit -v), however high, Reserve does
// nothing: a child process of the test, limited, reports an empty range.
func TestReserveStandsDownUnderAnAddressSpaceLimit(t *testing.T) {
	if os.Getenv("HUGEHEAP_LIMITED") == "1" {
		lim := syscall.Rlimit{Cur: 64 << 30, Max: 64 << 30}
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
			t.Fatal(err)
		}
		start, end := Reserve()
		fmt.Printf("reserved %#x-%#x\n", start, end)
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReserveStandsDownUnderAnAddressSpaceLimit$", "-test.v")
	cmd.Env = append(os.Environ(), "HUGEHEAP_LIMITED=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "reserved 0x0-0x0") {
		t.Errorf("under a limit of 64 GiB, Reserve still marked memory:\n%s", out)
	}
}
