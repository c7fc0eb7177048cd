package main

import (
	"context"
	"io"
	"os"
	"testing"
)

// BenchmarkScanRepo scans the history of the repository named by
// LEAKHOUND_BENCH_REPO, for profiling with -cpuprofile and -memprofile.
// bench/compare.sh measures the binary against git log -p instead.
func BenchmarkScanRepo(b *testing.B) {
	path := os.Getenv("LEAKHOUND_BENCH_REPO")
	if path == "" {
		b.Skip("set LEAKHOUND_BENCH_REPO to a repository path")
	}
	for b.Loop() {
		rep, err := scanGit(context.Background(), engineOptions{threads: 2}, gitTarget{path: path}, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Summary.Bytes)/1e6, "MB")
	}
}
