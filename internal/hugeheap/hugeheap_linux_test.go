//go:build linux

package hugeheap

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// The range Reserve reports is marked for huge pages in the process's own
// memory map (smaps' "hg" flag) wherever the system offers them, and the
// heap's next allocations land in it.
func TestReserveMarksTheHeapsNextGrowth(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	offered := err == nil && !strings.Contains(string(mode), "[never]")
	start, end := Reserve()
	if !offered {
		if start != end {
			t.Fatalf("no transparent huge pages here (%q), yet Reserve reports %#x-%#x", mode, start, end)
		}
		t.Logf("no transparent huge pages here (%q): Reserve did nothing, as it should", mode)
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
