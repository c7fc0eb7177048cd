package detect

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/internal/corpus"
	"github.com/leakhound/leakhound/leak"
)

// TestDetectorPathsAgree is a differential test in the manner of
// ripgrep's SearcherTester: the same content goes through every path the
// detector can take (the LineSet that skips lines already scanned, on and
// off; the short-scan prefilter, on and off; lazy compilation, on and
// off), and every path must find exactly what the plain one finds, match
// for match, fragment for fragment.
//
// The content is a history: every version of every file of a generated
// corpus, in commit order (planted secrets, decoys, edits that keep a
// secret, files that come back), then every rule's examples; so that the
// LineSet sees lines again, flagged and clean, as in a real scan.
func TestDetectorPathsAgree(t *testing.T) {
	cfg, err := config.DefaultWithExamples()
	if err != nil {
		t.Fatal(err)
	}
	frags := historyFragments(cfg)
	plain, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := make([][]string, len(frags))
	for i, f := range frags {
		want[i] = matchKeys(t, plain, f)
	}
	for _, lines := range []bool{false, true} {
		for _, short := range []bool{false, true} {
			for _, lazy := range []bool{false, true} {
				if !lines && !short && !lazy {
					continue // the plain path itself
				}
				name := fmt.Sprintf("lines=%v,short=%v,lazy=%v", lines, short, lazy)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					opts := Options{Short: short, Lazy: lazy}
					if lines {
						opts.Lines = NewLineSet()
					}
					d, err := New(cfg, opts)
					if err != nil {
						t.Fatal(err)
					}
					bad := 0
					for i, f := range frags {
						got := matchKeys(t, d, f)
						if !slices.Equal(got, want[i]) && bad < 5 {
							bad++
							t.Errorf("fragment %d (%s): got %v, want %v", i, f.Sources[0].Path, got, want[i])
						}
					}
				})
			}
		}
	}
}

// historyFragments returns the fragments of a generated history, then of
// every rule example.
func historyFragments(cfg *config.Config) []*leak.Fragment {
	var out []*leak.Fragment
	projects := 8
	if raceEnabled {
		projects = 1 // the regex engine runs some fifty times slower
	}
	c := corpus.Generate(corpus.Options{Seed: 3, Projects: projects})
	for _, commit := range c.Commits {
		paths := make([]string, 0, len(commit.Files))
		for p := range commit.Files {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			if content := commit.Files[p]; content != "" {
				out = append(out, &leak.Fragment{Content: []byte(content), Sources: []leak.Source{{Path: p}}})
			}
		}
	}
	for i, r := range cfg.Rules {
		if raceEnabled && i%8 != 0 {
			continue // every eighth rule's examples under the slow race detector
		}
		for _, ex := range r.Examples {
			path := ex.Path
			if path == "" {
				path = "example.txt"
			}
			// Each example alone, and again inside other text, as an
			// edited file would hold it.
			out = append(out, &leak.Fragment{Content: []byte(ex.Text), Sources: []leak.Source{{Path: path}}})
			if !raceEnabled {
				out = append(out, &leak.Fragment{Content: []byte("# header\n" + ex.Text + "\n# footer\n"), Sources: []leak.Source{{Path: path}}})
			}
		}
	}
	return out
}

// matchKeys returns what d finds in f, one string per match.
func matchKeys(t *testing.T, d *Detector, f *leak.Fragment) []string {
	t.Helper()
	res, err := d.Detect(f)
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, len(res.Matches))
	for i, m := range res.Matches {
		keys[i] = strings.Join([]string{m.RuleID(), m.Secret, m.Decoded,
			fmt.Sprint(m.Start, m.End, m.Line, m.Column, m.EndLine, m.EndColumn)}, "|")
	}
	slices.Sort(keys)
	return keys
}

// TestGeneratedFilesAndDrawings checks that the generic rules do not read
// build tools' caches and drawings (minified code that names things token,
// streams that decode as text by chance), while a vendor's format is
// still found there, and both are found in a configuration file.
func TestGeneratedFilesAndDrawings(t *testing.T) {
	d := defaultDetector(t)
	generic := "Vt8kQ2xR" + "7mZp4Lw9Hq"
	vendor := "xoxb-" + "1234567890123-1234567890123-" + "Kp9Lm2Qx7vR4tW8bZ3nYq5Jd"
	text := `{"api_token": "` + generic + `"}` + "\n" + `{"bot": "` + vendor + `"}` + "\n"
	for _, tt := range []struct {
		path          string
		generic, vend bool
	}{
		{"src/config.json", true, true},
		{"frontend/.angular/cache/13.2.6/babel-webpack/a86416.json", false, true},
		{"web/.next/cache/webpack/client.json", false, true},
		{"ext/requests-logo.ai", false, true},
		{"print/flyer.eps", false, true},
	} {
		got := map[string]bool{}
		for _, f := range findingsOf(t, d, tt.path, text) {
			got[f.Secret] = true
		}
		if got[generic] != tt.generic || got[vendor] != tt.vend {
			t.Errorf("%s: generic value found %v, vendor token %v; want %v, %v", tt.path, got[generic], got[vendor], tt.generic, tt.vend)
		}
	}
}

// TestBuiltBundlePaths: a bundler's output named by a content hash is
// generated (Vite's and Rollup's assets/[name]-[hash].js, eight characters
// of base64url with a capital or a digit; Vue CLI's chunk-vendors.js), and
// a source file under assets/ whose name ends in a word is not.
func TestBuiltBundlePaths(t *testing.T) {
	d := defaultDetector(t)
	key := "Hq8ZkX3mP9vL2nR7" + "tW4bY6cJ0dF5gS1aQeRtUiO"
	text := `var c={apiKey:"` + key + `"};` + "\n"
	for path, want := range map[string]bool{
		"web/static/assets/main-CNHK5kQT.js":  false,
		"dist/assets/index-B9ZmBwa_.js":       false,
		"dist/assets/vendor-d4e5f6a7.css":     false,
		"public/assets/js/app-x-1Dq4soQc.mjs": false,
		"static/vue/js/chunk-vendors.js":      false,
		"web/assets/js/jquery-validate.js":    true,
		"src/assets/app-settings.js":          true,
		"src/assets/main.js":                  true,
		"src/components/index-B9ZmBwa_.js":    true,
		"web/assets/js/plugin-abcdefghi1.js":  true,
	} {
		got := false
		for _, f := range findingsOf(t, d, path, text) {
			got = got || f.Secret == key
		}
		if got != want {
			t.Errorf("%s: key found %v, want %v", path, got, want)
		}
	}
}

// TestMinifiedLines: on a line of minified JavaScript (2,000 bytes or
// more, with functions and returns), whatever the file's name, a generic
// rule reads no value but one with a token's shape, and a vendor's format
// is still found; a long line of data is read.
func TestMinifiedLines(t *testing.T) {
	d := defaultDetector(t)
	generic := "Vt8k#Q2xR" + "7mZp!4Lw9Hq"
	token := "6fe4476ee5a1" + "832882e326b506d14126"
	vendor := "xoxb-" + "1234567890123-1234567890123-" + "Kp9Lm2Qx7vR4tW8bZ3nYq5Jd"
	code := strings.Repeat("function a(b){return b.c?b.d:e(b)};", 60)
	data := strings.Repeat(`{"id":12,"name":"widget","tags":["a","b"]},`, 60)
	for _, tt := range []struct {
		name, line    string
		generic, vend bool
	}{
		{"minified", code + `var c={api_token:"` + generic + `",bot:"` + vendor + `"};` + code, false, true},
		{"short code", `function a(b){return b}var c={api_token:"` + generic + `",bot:"` + vendor + `"};`, true, true},
		{"long data", `[` + data + `{"api_token": "` + generic + `", "bot": "` + vendor + `"}]`, true, true},
	} {
		if tt.name == "minified" {
			// a token's shape is still read there
			found := false
			for _, f := range findingsOf(t, d, "static/js/_all.js", code+`var c={appId:"OFCNCOG2CU",apiKey:"`+token+`"};`+code+"\n") {
				found = found || f.Secret == token
			}
			if !found {
				t.Errorf("minified: a token-shaped value under apiKey is not found")
			}
		}
		got := map[string]bool{}
		for _, f := range findingsOf(t, d, "static/js/_all.js", tt.line+"\n") {
			got[f.Secret] = true
		}
		if got[generic] != tt.generic || got[vendor] != tt.vend {
			t.Errorf("%s: generic value found %v, vendor token %v; want %v, %v", tt.name, got[generic], got[vendor], tt.generic, tt.vend)
		}
	}
}
