package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Files named on the command line that hold little content are scanned
// with the prefilter built at once (scan.Options.Short), not the automaton
// a history scan builds; a directory, a missing file or more content than
// shortScanBytes keep the automaton.
func TestSmallFilesScanShort(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	small, other := write("a.py", 100), write("b.py", shortScanBytes/2)
	big := write("c.bin", shortScanBytes+1)
	for _, tt := range []struct {
		paths []string
		want  bool
	}{
		{[]string{small}, true},
		{[]string{small, other}, true},
		{[]string{small, big}, false},
		{[]string{other, other, other}, false},
		{[]string{dir}, false},
		{[]string{filepath.Join(dir, "missing")}, false},
		{nil, false},
	} {
		if got := smallFiles(tt.paths); got != tt.want {
			t.Errorf("%q: %v, want %v", tt.paths, got, tt.want)
		}
	}
}
