package detect

import (
	"testing"

	"github.com/leakhound/leakhound/config"
)

// BenchmarkCompileDefaultRules measures compiling every default rule's
// regex up front, the cost lazy compilation avoids.
func BenchmarkCompileDefaultRules(b *testing.B) {
	cfg, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := New(cfg, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
