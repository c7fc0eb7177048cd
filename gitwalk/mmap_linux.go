//go:build linux

package gitwalk

import "syscall"

// dropPages gives back the pages of data, a shared mapping of a file, that
// the process has read: they no longer count in its resident memory, and
// reading them again maps them from the page cache.
func dropPages(data []byte) {
	syscall.Madvise(data, syscall.MADV_DONTNEED)
}
