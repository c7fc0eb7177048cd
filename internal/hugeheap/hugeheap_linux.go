//go:build linux

package hugeheap

import (
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
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_AS, &rl) != nil || rl.Cur != ^uint64(0) {
		return 0, 0 // under a limit, every byte of address space counts
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
