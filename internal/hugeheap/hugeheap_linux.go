//go:build linux

package hugeheap

import (
	"bytes"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on the platforms Go
// supports on Linux with 4 KiB pages (amd64, arm64).
const hugePage = 2 << 20

// madvHugepage is MADV_HUGEPAGE (linux/mman.h); the syscall package does
// not name it on every architecture.
const madvHugepage = 14

func reserve(n int) (start, end uintptr) {
	if !worthIt() {
		return 0, 0
	}
	// A new, large allocation is memory fresh from the system, mapped but
	// not touched (the runtime does not clear it). Marked, then dropped
	// and collected, it is where the heap's next allocations land: the
	// runtime's page allocator takes the lowest free addresses first.
	b := make([]byte, n)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	start = (p + hugePage - 1) &^ (hugePage - 1)
	end = (p + uintptr(n)) &^ (hugePage - 1)
	if end <= start {
		return 0, 0
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvHugepage); errno != 0 {
		start, end = 0, 0 // no transparent huge pages here (EINVAL)
	}
	runtime.KeepAlive(b)
	b = nil
	runtime.GC()
	return start, end
}

// worthIt says whether reserve may mark memory, safely and to some end:
// on a 64-bit system (a 32-bit one may have no room for the reservation,
// and its failure would end the process), without an address-space limit
// (under one, every byte of address space counts), without strict
// overcommit (where the reservation would count against what the system
// commits), and where transparent huge pages are given to memory that asks
// ("madvise"; "always" gives them to the heap already, "never" to none).
func worthIt() bool {
	if unsafe.Sizeof(uintptr(0)) < 8 {
		return false
	}
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_AS, &rl) != nil || rl.Cur != ^uint64(0) {
		return false
	}
	if b, err := os.ReadFile("/proc/sys/vm/overcommit_memory"); err != nil || bytes.HasPrefix(bytes.TrimSpace(b), []byte("2")) {
		return false
	}
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && bytes.Contains(mode, []byte("[madvise]"))
}
