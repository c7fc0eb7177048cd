package scan_test

import (
	"context"
	"os"
	"testing"

	"github.com/leakhound/leakhound/gitwalk"
	"github.com/leakhound/leakhound/scan"
)

// BenchmarkRun scans the history of the repository named by
// LEAKHOUND_BENCH_REPO, for profiling with -cpuprofile and -memprofile.
// bench/compare.sh measures the command against git log -p instead.
func BenchmarkRun(b *testing.B) {
	path := os.Getenv("LEAKHOUND_BENCH_REPO")
	if path == "" {
		b.Skip("set LEAKHOUND_BENCH_REPO to a repository path")
	}
	for b.Loop() {
		repo, err := gitwalk.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := scan.Run(context.Background(), &scan.History{Repo: repo, Name: path}, scan.Options{Workers: 2})
		repo.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Summary.Bytes)/1e6, "MB")
	}
}
