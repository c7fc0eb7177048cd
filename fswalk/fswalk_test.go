package fswalk

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/leak"
)

// TestWalkKeepsUTF16Text checks that text saved as UTF-16, which is full of
// NUL bytes, is walked as text, and that binary content is skipped.
func TestWalkKeepsUTF16Text(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"notes.txt":  []byte("plain text\n"),
		"out.txt":    {0xFF, 0xFE, 'k', 0, '=', 0, 'v', 0, '\r', 0, '\n', 0},
		"nobom.txt":  {'t', 0, 'o', 0, 'k', 0, 'e', 0, 'n', 0, '=', 0, 'x', 0},
		"image.png":  []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"random.bin": {0x00, 0x9f, 0x13, 0x00, 0xff, 0x01},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var got []string
	res, err := Walk(context.Background(), dir, Options{}, func(f *leak.Fragment) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, f.Sources[0].Path)
		return nil
	}, func(string, error) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"nobom.txt", "notes.txt", "out.txt"}; !slices.Equal(got, want) || res.Skipped["binary"] != 2 {
		t.Errorf("walked %q, skipped %v; want %q and 2 binary", got, res.Skipped, want)
	}
}
