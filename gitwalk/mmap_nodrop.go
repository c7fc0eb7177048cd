//go:build !linux

package gitwalk

// canMapPacks says whether pack files are mapped into memory (see
// packIndexes.mapped): not here, where the pages read would stay resident
// until the pack is unmapped.
const canMapPacks = false

func dropPages(data []byte) {}

// mapAllowed says whether a pack may be mapped into memory now: never
// here (see canMapPacks).
func mapAllowed() bool { return false }
