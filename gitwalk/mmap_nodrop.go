//go:build !linux

package gitwalk

// dropPages does nothing here: pages of a mapped pack stay resident until
// the pack is unmapped (see packIndexes.dropMapped).
func dropPages(data []byte) {}
