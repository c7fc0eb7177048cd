package detect

import (
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// BenchmarkCompileDefaultRules measures compiling every default rule's
// regex up front, the cost lazy compilation avoids.
func BenchmarkCompileDefaultRules(b *testing.B) {
	cfg, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := New(cfg, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew measures what every process pays before its first Detect:
// building a lazy Detector of the default rules, keyword automaton
// included (New builds it in the background; this waits for it). A hook
// that scans a few kilobytes pays about this much.
func BenchmarkNew(b *testing.B) {
	cfg, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d, err := New(cfg, Options{Lazy: true})
		if err != nil {
			b.Fatal(err)
		}
		<-d.keywordsReady
	}
}

// BenchmarkDefaultRules measures loading the default rules, which every
// process does before it builds a Detector.
func BenchmarkDefaultRules(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := config.Default(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewShort is BenchmarkNew for a short scan (a hook), whose
// keyword prefilter is a table built in microseconds.
func BenchmarkNewShort(b *testing.B) {
	cfg, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d, err := New(cfg, Options{Lazy: true, Short: true})
		if err != nil {
			b.Fatal(err)
		}
		<-d.keywordsReady
	}
}

// BenchmarkDetectExamples measures Detect and Finding over every example
// and near miss of the default rules, each a fragment at its path: content
// dense with matches, so that it is the verdict on each match (names,
// entropy, stand-ins, allowlists, path) that costs, not the prefilter.
func BenchmarkDetectExamples(b *testing.B) {
	d := examplesDetector(b)
	var frags []leak.Fragment
	size := 0
	for _, r := range d.rules {
		for _, ex := range r.Examples {
			frags = append(frags, leak.Fragment{Content: []byte(ex.Text), Sources: []leak.Source{{Path: examplePath(ex)}}})
			size += len(ex.Text)
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for i := range frags {
			f := &frags[i]
			res, err := d.Detect(f)
			if err != nil {
				b.Fatal(err)
			}
			for j := range res.Matches {
				d.Finding(&res.Matches[j], "", f.Sources[0])
			}
		}
	}
}

// BenchmarkStartup measures what a hook pays in-process for one small
// commit, after loading the rules: a Short, lazy Detector of the default
// rules, and one Detect of a few lines. In "plain" no keyword occurs, so
// no regex is compiled; in "keyword" a password assignment triggers the
// rules that read names, whose regexes are compiled then (the process's
// one-time start of the regex engine is not counted: see
// bench/hook-latency.sh for whole processes).
func BenchmarkStartup(b *testing.B) {
	cfg, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	src := []leak.Source{{Path: "app/settings.py"}}
	for _, tc := range []struct{ name, text string }{
		{"plain", "import os\n\n# a small change\nDEBUG = False\n"},
		{"keyword", "import os\n\n# a small change\nDB_PASSWORD = \"correct-horse-battery\"\n"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d, err := New(cfg, Options{Lazy: true, Short: true})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := d.Detect(&leak.Fragment{Content: []byte(tc.text), Sources: src}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
