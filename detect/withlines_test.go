package detect

import (
	"fmt"
	"testing"

	"github.com/leakhound/leakhound/leak"
)

// TestWithLinesFindsWhatItsOwnFinds: Detectors made by WithLines from one
// Detector find what it finds, one after the other. (That a LineSet is
// not shared between scans is held by org's TestSeveralRepositories,
// which compares each repository of an audit with its scan alone.)
func TestWithLinesFindsWhatItsOwnFinds(t *testing.T) {
	t.Parallel()
	base := defaultDetector(t)
	content := []byte(fmt.Sprintf("# settings\nGITHUB_TOKEN=ghp_%s\n", "Bq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiO3"))
	frag := func(blob string) *leak.Fragment {
		return &leak.Fragment{Content: content, BlobID: blob, Sources: []leak.Source{{Path: "app.env"}}}
	}
	a, b := base.WithLines(NewLineSet()), base.WithLines(NewLineSet())
	count := func(d *Detector, blob string) int {
		t.Helper()
		res, err := d.Detect(frag(blob))
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Matches)
	}
	want := count(base, "1")
	if want == 0 {
		t.Fatal("the token is not found")
	}
	if got := count(a, "1"); got != want {
		t.Errorf("first detector: %d matches, want %d", got, want)
	}
	if got := count(b, "1"); got != want {
		t.Errorf("second detector, after the first saw the lines: %d matches, want %d", got, want)
	}
}
