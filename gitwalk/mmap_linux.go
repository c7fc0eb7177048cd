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

// mapAllowed says whether a pack may be mapped into memory now: not under
// an address-space limit (the soft RLIMIT_AS, which ulimit -v sets and git
// servers and CI containers often do). Such a limit rations what the
// process may map, and a pack of up to maxMappedPack would take its share
// from the heap and the regex engine's reservation; packs are read with
// pread there, as where mapping fails.
func mapAllowed() bool {
	var rl syscall.Rlimit
	return syscall.Getrlimit(syscall.RLIMIT_AS, &rl) == nil && rl.Cur == ^uint64(0)
}
