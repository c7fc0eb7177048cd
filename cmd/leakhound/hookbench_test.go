package main

import (
	"context"
	"io"
	"os"
	"testing"
)

func BenchmarkHookLatency(b *testing.B) {
	dir := os.Getenv("LEAKHOUND_HOOK_REPO")
	if dir == "" {
		b.Skip("set LEAKHOUND_HOOK_REPO")
	}
	input, _ := os.ReadFile(os.Getenv("LEAKHOUND_HOOK_INPUT"))
	wd, _ := os.Getwd()
	os.Chdir(dir)
	defer os.Chdir(wd)
	for b.Loop() {
		r := io.Reader(nil)
		_ = r
		err := runHookPrePush(context.Background(), hookOptions{}, []string{"origin", "url"}, stdio{in: stringsReader(input), out: io.Discard, err: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func stringsReader(b []byte) io.Reader { return &byteReader{b: b} }

type byteReader struct{ b []byte }

func (r *byteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}
