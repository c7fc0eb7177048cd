package safego

import (
	"strings"
	"testing"

	"golang.org/x/sync/errgroup"
)

func TestPanicsBecomeErrorsWithoutTheirData(t *testing.T) {
	var g errgroup.Group
	Go(&g, func() error { panic("holds ghp_secret") })
	err := g.Wait()
	if err == nil || strings.Contains(err.Error(), "ghp_secret") || !strings.Contains(err.Error(), "string") {
		t.Fatalf("got %v", err)
	}
	var g2 errgroup.Group
	Go(&g2, func() error {
		var s []int
		_ = s[3]
		return nil
	})
	if err := g2.Wait(); err == nil || !strings.Contains(err.Error(), "index out of range") {
		t.Fatalf("runtime error: %v", err)
	}
}
