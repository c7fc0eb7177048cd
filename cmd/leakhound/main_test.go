package main

import (
	"os"
	"testing"

	"github.com/leakhound/leakhound/internal/testtool"
	"github.com/leakhound/leakhound/mirror"
)

// TestMain sets up what main does before running a command.
func TestMain(m *testing.M) {
	mirror.UseInProcessFileTransport()
	os.Exit(testtool.Main(m))
}
