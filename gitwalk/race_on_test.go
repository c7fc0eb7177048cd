//go:build race

package gitwalk

// raceEnabled: the race detector allocates for itself, so tests that
// count allocations only check them without it.
const raceEnabled = true
