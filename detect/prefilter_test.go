package detect

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	ac "github.com/petar-dambovaliev/aho-corasick"

	"github.com/leakhound/leakhound/config"
)

// TestPrefixTableFindsWhatTheAutomatonFinds holds the keyword prefilters
// (the table, the DFA) to the occurrences a generic Aho-Corasick automaton
// finds (the DFA may find more where a keyword holds bytes beyond ASCII,
// see foldKw): every keyword of the default pack,
// at every offset, in any ASCII case, over the pack's own examples and
// text built to trip a table (keywords at the very end, overlapping
// keywords, one-byte keywords, bytes outside ASCII).
func TestPrefixTableFindsWhatTheAutomatonFinds(t *testing.T) {
	cfg, err := config.DefaultWithExamples()
	if err != nil {
		t.Fatal(err)
	}
	kws := append([]string{"x", "é", "ab", "abc"}, packKeywords(cfg)...)
	var texts []string
	for _, r := range cfg.Rules {
		for _, ex := range r.Examples {
			texts = append(texts, ex.Text, strings.ToUpper(ex.Text))
		}
	}
	texts = append(texts, "", "a", "x", "ab", "xabcABCaBx", "\xc3\xa9\xc3\x89 é", strings.ToUpper(strings.Join(kws, "")), strings.Join(kws, " "))
	builder := ac.NewAhoCorasickBuilder(ac.Opts{AsciiCaseInsensitive: true, MatchKind: ac.StandardMatch})
	auto := builder.Build(kws)
	table := newPrefixTable(kws)
	dfa := newKwDFA(kws)
	type hit struct{ kw, off int }
	for _, text := range texts {
		var want, got, gotDFA []hit
		it := auto.IterOverlappingByte([]byte(text))
		for m := it.Next(); m != nil; m = it.Next() {
			want = append(want, hit{m.Pattern(), m.Start()})
		}
		table.each([]byte(text), func(kw, off int) { got = append(got, hit{kw, off}) })
		dfa.each([]byte(text), func(kw, off int) { gotDFA = append(gotDFA, hit{kw, off}) })
		cmp := func(a, b hit) int {
			if a.off != b.off {
				return a.off - b.off
			}
			return a.kw - b.kw
		}
		slices.SortFunc(want, cmp)
		slices.SortFunc(got, cmp)
		slices.SortFunc(gotDFA, cmp)
		// The DFA finds every occurrence, and beyond them only text of a
		// keyword's shape where the keyword holds bytes beyond ASCII (see
		// foldKw): é for É, 密 for another character of its block.
		extra := 0
		for _, h := range gotDFA {
			if _, ok := slices.BinarySearchFunc(want, h, cmp); ok {
				continue
			}
			kw := kws[h.kw]
			if !shapeOf(kw, text[h.off:h.off+len(kw)]) || !strings.ContainsFunc(kw, func(r rune) bool { return r >= 0x80 }) {
				t.Fatalf("in %.80q: the DFA finds %q at %d, where it is not", text, kw, h.off)
			}
			extra++
		}
		if len(gotDFA)-extra != len(want) {
			t.Fatalf("in %.80q: the DFA finds %d occurrences, the automaton %d", text, len(gotDFA)-extra, len(want))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("in %.80q: the table finds %d occurrences, the automaton %d", text, len(got), len(want))
		}
	}
}

// shapeOf reports whether text has kw's shape for the automaton: the same
// bytes folded by foldKw.
func shapeOf(kw, text string) bool {
	for i := range len(kw) {
		if foldKw(kw[i]) != foldKw(text[i]) {
			return false
		}
	}
	return true
}

// packKeywords returns the keywords of cfg's rules, each once, in the
// order of their first use.
func packKeywords(cfg *config.Config) []string {
	seen := map[string]bool{}
	var kws []string
	for _, r := range cfg.Rules {
		for _, kw := range r.Keywords {
			if !seen[kw] {
				seen[kw] = true
				kws = append(kws, kw)
			}
		}
	}
	return kws
}

// BenchmarkPrefilter measures the keyword prefilters per byte, with the
// default pack's keywords, over ordinary code (the Go standard library's
// net/http) and over code full of the words rules look for (this
// package's source): a generic Aho-Corasick automaton, the DFA a history
// scan builds, and the table of a short scan.
func BenchmarkPrefilter(b *testing.B) {
	cfg, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	kws := packKeywords(cfg)
	for _, dir := range []string{filepath.Join(runtime.GOROOT(), "src", "net", "http"), "."} {
		var text []byte
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			text = append(text, data...)
		}
		if len(text) == 0 {
			b.Fatalf("no Go files in %s", dir)
		}
		b.Run(filepath.Base(dir), func(b *testing.B) { benchmarkPrefilters(b, kws, text) })
	}
}

func benchmarkPrefilters(b *testing.B, kws []string, text []byte) {
	b.Run("automaton", func(b *testing.B) {
		builder := ac.NewAhoCorasickBuilder(ac.Opts{AsciiCaseInsensitive: true, MatchKind: ac.StandardMatch})
		auto := builder.Build(kws)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			it := auto.IterOverlappingByte(text)
			for m := it.Next(); m != nil; m = it.Next() {
			}
		}
	})
	b.Run("dfa", func(b *testing.B) {
		dfa := newKwDFA(kws)
		b.SetBytes(int64(len(text)))
		n := 0
		for b.Loop() {
			dfa.each(text, func(kw, off int) { n++ })
		}
	})
	b.Run("table", func(b *testing.B) {
		table := newPrefixTable(kws)
		b.SetBytes(int64(len(text)))
		n := 0
		for b.Loop() {
			table.each(text, func(kw, off int) { n++ })
		}
	})
}

// BenchmarkPrefilterBuild measures building each keyword prefilter of the
// default pack, which every process that scans pays once.
func BenchmarkPrefilterBuild(b *testing.B) {
	cfg, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	kws := packKeywords(cfg)
	b.Run("dfa", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			newKwDFA(kws)
		}
	})
	b.Run("table", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			newPrefixTable(kws)
		}
	})
}
