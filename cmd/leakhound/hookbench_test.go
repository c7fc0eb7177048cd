package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"
)

// BenchmarkHookPrePush runs the pre-push hook in-process, for profiling its
// start-up cost: LEAKHOUND_HOOK_REPO names a work tree and
// LEAKHOUND_HOOK_INPUT a file holding git's pre-push input for it (see
// bench/hook-latency.sh for whole-process figures).
func BenchmarkHookPrePush(b *testing.B) {
	dir := os.Getenv("LEAKHOUND_HOOK_REPO")
	if dir == "" {
		b.Skip("set LEAKHOUND_HOOK_REPO and LEAKHOUND_HOOK_INPUT")
	}
	input, err := os.ReadFile(os.Getenv("LEAKHOUND_HOOK_INPUT"))
	if err != nil {
		b.Fatal(err)
	}
	b.Chdir(dir)
	for b.Loop() {
		err := runHookPrePush(context.Background(), hookOptions{}, []string{"origin", "url"}, stdio{in: bytes.NewReader(input), out: io.Discard, err: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
	}
}
