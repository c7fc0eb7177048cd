package detect

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

func TestNarrowValue(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  bool
	}{
		{`[a-f0-9]{40}`, true},
		{`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-f0-9]{32,40}`, true},
		{`[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}`, true},
		{`[0-9]{15,25}-[A-Za-z0-9]{20,40}`, true},
		{`[A-Za-z0-9_-]{12,}`, true},
		{`[^'"\x60\n\\]{6,}`, false}, // a negated class: most text
		{`.{16,}`, false},
		{`[A-Za-z0-9]{8}`, false},         // too short to be rare
		{`[a-f0-9]{32}|[a-z]{3}`, false},  // one branch too short
		{`(?:[A-Za-z0-9]|\S){20}`, false}, // \S is a large class
		{`[A-Za-z0-9+/]{40}={0,2}`, true},
		{`(`, false},
	} {
		if got := narrowValue(tt.value); got != tt.want {
			t.Errorf("narrowValue(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

// A rule stated by names and a narrow value finds the same secrets with
// the value's prefilter as without it, in windows that hold the value in
// an assignment, only outside one, in another case, or not at all.
func TestNarrowValuePrefilterChangesNoResult(t *testing.T) {
	const rules = `
[[rules]]
id = "acme-key"
description = "Acme key"
names = ["acme"]
value = '''[a-f0-9]{32}'''
`
	cfg, err := config.Parse("acme.toml", []byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	detector := func(prefilter bool) *Detector {
		d, err := New(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.rules[0].valueRegexp() == nil {
			t.Fatal("the rule has no value prefilter")
		}
		if !prefilter {
			d.rules[0].value = nil // for good: valueRegexp has run
		}
		return d
	}
	with, without := detector(true), detector(false)
	key := "0123456789abcdef" + "fedcba9876543210"
	found := 0
	for _, text := range []string{
		"ACME_API_KEY=" + key + "\n",
		"acme = 'x'\nchecksum = " + key + "\n",
		"acme_token: " + strings.ToUpper(key) + "\n",
		"# acme docs\n",
		strings.Repeat("acme filler line\n", 50) + "ACME_SECRET: \"" + key + "\"\n",
	} {
		frag := &leak.Fragment{Content: []byte(text), Sources: []leak.Source{{Path: "app.env"}}}
		a, errA := with.Detect(frag)
		b, errB := without.Detect(frag)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		found += len(b.Matches)
		if len(a.Matches) != len(b.Matches) {
			t.Errorf("%q: %d matches with the prefilter, %d without", text, len(a.Matches), len(b.Matches))
			continue
		}
		for i := range a.Matches {
			if a.Matches[i].Secret != b.Matches[i].Secret || a.Matches[i].Start != b.Matches[i].Start {
				t.Errorf("%q: match %d %+v, want %+v", text, i, a.Matches[i], b.Matches[i])
			}
		}
	}
	if found < 2 {
		t.Errorf("%d matches in all: the texts do not test the rule", found)
	}
}

// Every example and near miss of the default rules that have a value
// prefilter gives the same matches (of any rule) with the prefilters as
// without them.
func TestNarrowValuePrefilterOnDefaultExamples(t *testing.T) {
	with, without := examplesDetector(t), examplesDetector(t)
	narrow := 0
	for i, r := range without.rules {
		if len(r.Names) == 0 || !narrowValue(r.Value) {
			continue
		}
		if r.valueRegexp() != nil {
			narrow++
			r.value = nil // for good: valueRegexp has run
			if with.rules[i].valueRegexp() == nil {
				t.Fatalf("%s: the same rule has no prefilter in the other detector", r.ID)
			}
		}
	}
	if narrow < 20 {
		t.Fatalf("%d rules with a value prefilter", narrow)
	}
	describe := func(res Result) []string {
		var out []string
		for _, m := range res.Matches {
			out = append(out, fmt.Sprintf("%s %q %d-%d", m.rule.ID, m.Secret, m.Start, m.End))
		}
		return out
	}
	for _, r := range with.rules {
		if r.value == nil {
			continue
		}
		for _, ex := range r.Examples {
			frag := &leak.Fragment{Content: []byte(ex.Text), Sources: []leak.Source{{Path: examplePath(ex)}}}
			a, errA := with.Detect(frag)
			b, errB := without.Detect(frag)
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			if got, want := describe(a), describe(b); !slices.Equal(got, want) {
				t.Errorf("%s example %q: %q with the prefilters, %q without", r.ID, ex.Text, got, want)
			}
		}
	}
}

// A rule with a value prefilter compiles its regex only once its value
// occurs near one of its keywords: content that names the service without
// such a value costs the value's small regex alone.
func TestNarrowValueDefersTheRegex(t *testing.T) {
	const rules = `
[[rules]]
id = "acme-key"
description = "Acme key"
names = ["acme"]
value = '''[a-f0-9]{32}'''
`
	cfg, err := config.Parse("acme.toml", []byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	detect := func(text string) int {
		t.Helper()
		res, err := d.Detect(&leak.Fragment{Content: []byte(text), Sources: []leak.Source{{Path: "app.env"}}})
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Matches)
	}
	r := d.rules[0]
	if n := detect("ACME_API_KEY=see the vault\n"); n != 0 || r.re != nil {
		t.Fatalf("%d matches; compiled %v", n, r.re != nil)
	}
	if r.value == nil {
		t.Fatal("the value's regex did not run")
	}
	if n := detect("ACME_API_KEY=" + "0123456789abcdef" + "fedcba9876543210" + "\n"); n != 1 || r.re == nil {
		t.Fatalf("%d matches; compiled %v", n, r.re != nil)
	}
}

// The value check of a rule whose value is quoted (google-app-password:
// four groups of four letters in quotes) wants the closing quote after the
// value: prose near the rule's keywords, four words of four letters in a
// row, does not compile or run the rule's large regex; the value in quotes
// still does, and is found.
func TestQuotedValueCheckSkipsProse(t *testing.T) {
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	r := d.byID["google-app-password"]
	if r == nil || r.Quote != config.QuoteRequired {
		t.Fatal("no google-app-password rule with a quoted value")
	}
	detect := func(text string) []string {
		t.Helper()
		res, err := d.Detect(&leak.Fragment{Content: []byte(text), Sources: []leak.Source{{Path: "notes.md"}}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range res.Matches {
			ids = append(ids, m.rule.ID)
		}
		return ids
	}
	if ids := detect("The smtp module will make sure each mail goes out.\n"); len(ids) != 0 || r.re != nil {
		t.Fatalf("prose: matches %q; regex compiled %v", ids, r.re != nil)
	}
	key := strings.Join([]string{"qwhv", "ptjr", "kdzn", "uxbc"}, " ")
	if ids := detect(`SMTP_PASSWORD = "` + key + `"` + "\n"); !slices.Contains(ids, "google-app-password") {
		t.Fatalf("quoted app password: matches %q", ids)
	}
}
