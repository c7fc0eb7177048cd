package main

import (
	"os"
	"testing"
)

// TestMain lets the test binary stand in for leakhound itself, for tests
// that run it as a separate process (on a terminal, from a git hook): with
// LEAKHOUND_TEST_MAIN=1 in its environment it runs leakhound with its
// arguments instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("LEAKHOUND_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}
