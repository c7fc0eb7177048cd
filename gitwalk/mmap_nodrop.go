//go:build !linux

package gitwalk

// canMapPacks says whether pack files are mapped into memory (see
// packIndexes.mapped): not here, where the pages read would stay resident
// until the pack is unmapped.
const canMapPacks = false

func dropPages(data []byte) {}
