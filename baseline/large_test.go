package baseline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/leak"
)

// largeBaseline returns a baseline file of n entries, one per line after
// the first two, the last with a bad status when bad is set.
func largeBaseline(n int, bad bool) []byte {
	var b strings.Builder
	b.WriteString("{\n\"version\": 1,\n\"entries\": [\n")
	for i := range n {
		status := "accepted"
		if bad && i == n-1 {
			status = "acepted"
		}
		sep := ","
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  {\"fingerprint\": %q, \"rule_id\": \"r\", \"file\": \"f%d.py\", \"line\": 3, \"status\": %q}%s\n", leak.Fingerprint("r", fmt.Sprint(i)), i, status, sep)
	}
	b.WriteString("]}\n")
	return []byte(b.String())
}

// TestParseLargeBaselineLines: in a large baseline an entry's error names
// its own line (lines are counted from entry to entry, not from the top
// for each; BenchmarkParseBaseline holds the time).
func TestParseLargeBaselineLines(t *testing.T) {
	const n = 20000
	b, err := Parse("b.json", largeBaseline(n, false))
	if err != nil || len(b.Entries) != n {
		t.Fatalf("%v, %d entries", err, len(b.Entries))
	}
	_, err = Parse("b.json", largeBaseline(n, true))
	if want := fmt.Sprintf("b.json:%d: unknown status", n+3); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%v, want %q", err, want)
	}
}

// BenchmarkParseBaseline parses a baseline of 160,000 entries (about
// 22 MB); parsing was quadratic in the number of entries (15 s), and is
// linear.
func BenchmarkParseBaseline(b *testing.B) {
	data := largeBaseline(160000, false)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("b.json", data); err != nil {
			b.Fatal(err)
		}
	}
}
