package detect

import (
	"slices"
	"strings"
	"testing"

	ac "github.com/petar-dambovaliev/aho-corasick"

	"github.com/leakhound/leakhound/config"
)

// TestPrefixTableFindsWhatTheAutomatonFinds holds the two keyword
// prefilters to the same occurrences: every keyword of the default pack,
// at every offset, in any ASCII case, over the pack's own examples and
// text built to trip a table (keywords at the very end, overlapping
// keywords, one-byte keywords, bytes outside ASCII).
func TestPrefixTableFindsWhatTheAutomatonFinds(t *testing.T) {
	cfg, err := config.DefaultWithExamples()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	kws := []string{"x", "é", "ab", "abc"}
	var texts []string
	for _, r := range cfg.Rules {
		for _, kw := range r.Keywords {
			if !seen[kw] {
				seen[kw] = true
				kws = append(kws, kw)
			}
		}
		for _, ex := range r.Examples {
			texts = append(texts, ex.Text, strings.ToUpper(ex.Text))
		}
	}
	texts = append(texts, "", "a", "x", "ab", "xabcABCaBx", "\xc3\xa9\xc3\x89 é", strings.ToUpper(strings.Join(kws, "")), strings.Join(kws, " "))
	builder := ac.NewAhoCorasickBuilder(ac.Opts{AsciiCaseInsensitive: true, MatchKind: ac.StandardMatch})
	auto := builder.Build(kws)
	table := newPrefixTable(kws)
	type hit struct{ kw, off int }
	for _, text := range texts {
		var want, got []hit
		it := auto.IterOverlappingByte([]byte(text))
		for m := it.Next(); m != nil; m = it.Next() {
			want = append(want, hit{m.Pattern(), m.Start()})
		}
		table.each([]byte(text), func(kw, off int) { got = append(got, hit{kw, off}) })
		cmp := func(a, b hit) int {
			if a.off != b.off {
				return a.off - b.off
			}
			return a.kw - b.kw
		}
		slices.SortFunc(want, cmp)
		slices.SortFunc(got, cmp)
		if !slices.Equal(got, want) {
			t.Fatalf("in %.80q: the table finds %d occurrences, the automaton %d", text, len(got), len(want))
		}
	}
}
