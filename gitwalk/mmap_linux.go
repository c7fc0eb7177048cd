//go:build linux

package gitwalk

import "syscall"

// canMapPacks says whether pack files are mapped into memory (see
// packIndexes.mapped): only where dropPages can give their pages back.
const canMapPacks = true

// dropPages gives back the pages of data, a shared mapping of a file, that
// the process has read: they no longer count in its resident memory, and
// reading them again maps them from the page cache.
func dropPages(data []byte) {
	syscall.Madvise(data, syscall.MADV_DONTNEED)
}
