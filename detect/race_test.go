//go:build race

package detect

// raceEnabled is set when tests run with -race, which slows the regex
// engine down some fifty times: the largest property tests then take fewer
// samples.
const raceEnabled = true
