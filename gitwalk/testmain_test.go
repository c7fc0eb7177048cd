package gitwalk

import (
	"os"
	"testing"

	"github.com/leakhound/leakhound/internal/testtool"
)

// TestMain says, after the tests, which ones were skipped for want of a
// tool, and why.
func TestMain(m *testing.M) { os.Exit(testtool.Main(m)) }
