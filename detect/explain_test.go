package detect

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// examplesDetector returns a Detector of the default rules loaded with
// their examples and near misses, as `leakhound rules test` loads them.
func examplesDetector(tb testing.TB) *Detector {
	tb.Helper()
	cfg, err := config.DefaultWithExamples()
	if err != nil {
		tb.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// TestExplainAgreesWithDetect holds Explain to Detect on every example and
// near miss of the default rules, loaded and scanned as `leakhound rules
// test` does (config.DefaultWithExamples, CheckExamples): Explain keeps a
// match of a rule exactly when Detect and Finding report that rule there,
// and keeps the secrets they report. Both take the same verdict (see
// verdict and sourceVerdict); this catches a stage that one of them skips.
//
// Two things Detect does that Explain does not are allowed for: decoding
// (Explain does not decode base64 or escapes: it misses a secret found
// only in decoded text, and keeps a match on an encoded form that Detect
// drops for what it decodes to, see superseded), and a match that a more
// specific rule's match at the same place outranks (see dedupe), which
// Explain, running one rule, does not see.
func TestExplainAgreesWithDetect(t *testing.T) {
	d := examplesDetector(t)
	// Under -race the regex engine is some fifty times slower: every
	// fourth rule's examples then.
	step := 1
	if raceEnabled {
		step = 4
	}
	n, decodedOnly := 0, 0
	for i, r := range d.rules {
		if r.Regex == "" || i%step != 0 {
			continue
		}
		for _, ex := range r.Examples {
			n++
			path := examplePath(ex)
			src := leak.Source{Path: path}
			res, err := d.Detect(&leak.Fragment{Content: []byte(ex.Text), Sources: []leak.Source{src}})
			if err != nil {
				t.Fatal(err)
			}
			// written: the secrets Detect reports for r as written;
			// others: those of other rules; decoded: r reports one in
			// decoded text.
			var written, others []string
			decoded := false
			for i := range res.Matches {
				m := &res.Matches[i]
				if _, ok := d.Finding(m, "", src); !ok {
					continue
				}
				switch {
				case m.rule != r:
					others = append(others, m.Secret)
				case m.Decoded == "":
					written = append(written, m.Secret)
				default:
					decoded = true
				}
			}
			exps, err := d.Explain(r.ID, []byte(ex.Text), path)
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for i := range exps {
				e := &exps[i]
				if e.Kept != (e.Dropped() == nil) {
					t.Errorf("%s: rule %q: Kept is %v, but the stages say otherwise:\n%s", ex.Pos, r.ID, e.Kept, e)
				}
				if e.Kept {
					kept = append(kept, e.Secret)
				}
			}
			if decoded && len(written) == 0 && len(kept) == 0 {
				decodedOnly++
				continue
			}
			for _, s := range kept {
				if !slices.Contains(written, s) && !slices.Contains(others, s) && !decoded {
					t.Errorf("%s: rule %q: Explain keeps %q, Detect does not report it:\n%s", ex.Pos, r.ID, s, explained(exps))
				}
			}
			for _, s := range written {
				if !slices.Contains(kept, s) {
					t.Errorf("%s: rule %q: Detect reports %q, Explain does not keep it:\n%s", ex.Pos, r.ID, s, explained(exps))
				}
			}
		}
	}
	t.Logf("%d examples, %d found in decoded text only", n, decodedOnly)
	if n < 1000 {
		t.Errorf("only %d examples", n)
	}
}

func explained(exps []Explanation) string {
	var s string
	for i := range exps {
		s += exps[i].String()
	}
	return s
}

// TestExplainTakesDetectsWindows: a match too far from its rule's keyword
// is outside every window Detect runs the regex in; Explain says so
// rather than judging it, and a match near the keyword it does judge.
func TestExplainTakesDetectsWindows(t *testing.T) {
	d := mustDetector(t, `
[[rules]]
id = "acme"
regex = '''\b(acme_[a-z0-9]{12})\b'''
keywords = ["zork"]
`, Options{})
	value := "acme_" + "q7k2x9m4p8w3"
	far := "zork\n" + strings.Repeat("filler\n", 10) + value + "\n"
	if ms := detect(t, d, "a.txt", far); len(ms) != 0 {
		t.Fatalf("Detect reports a match outside its windows: %v", ms)
	}
	exps, err := d.Explain("acme", []byte(far), "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(exps) != 1 || exps[0].Kept || exps[0].Dropped().Detail != "no match near a keyword; 1 elsewhere" {
		t.Errorf("far from the keyword:\n%s", explained(exps))
	}
	near := "zork = " + value + "\n"
	exps, err = d.Explain("acme", []byte(near), "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(exps) != 1 || !exps[0].Kept || exps[0].Secret != value || len(detect(t, d, "a.txt", near)) != 1 {
		t.Errorf("near the keyword:\n%s", explained(exps))
	}
}

// TestExplainExemptAllowlist: Explain says when a global allowlist matched
// but does not apply to a vendor's named format (exceptNamed), and keeps
// the match, as Detect does.
func TestExplainExemptAllowlist(t *testing.T) {
	d := defaultDetector(t)
	typed := "abcdef" + "0123456789" + "abcdef" + "0123456789"
	ex, err := d.Explain("countrylayer-access-key", []byte("COUNTRYLAYER_"+"ACCESS_KEY="+typed), "config/app.env")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 1 || !ex[0].Kept {
		t.Fatalf("explanations %v: want one kept match", ex)
	}
	if s := ex[0].String(); !strings.Contains(s, "exceptNamed") {
		t.Errorf("explanation does not say the allowlist is exempted:\n%s", s)
	}
}

// TestExplainDecodedToken checks that Explain drops, as Detect does, a
// generic rule's match on a base64 token that decodes to text (the decoded
// text is judged instead), and keeps one on a value that does not decode.
func TestExplainDecodedToken(t *testing.T) {
	d := defaultDetector(t)
	auth := func(v string) []byte {
		return []byte(`{"auths": {"registry.example.com": {"auth": "` + v + `"}}}`)
	}
	// base64 of "deploy:" and a password
	userPass := base64.StdEncoding.EncodeToString([]byte("deploy:" + "Zq9w#Lm3xP0tR7vK"))
	ex, err := d.Explain("docker-config-auth-opaque", auth(userPass), ".docker/config.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 1 || ex[0].Kept || ex[0].Dropped() == nil || ex[0].Dropped().Name != "decoded" {
		t.Fatalf("explanations %v: want one match dropped at the decoded stage", ex)
	}
	ex, err = d.Explain("docker-config-auth-opaque", auth("Rk4vQ9mZ2xT7"+"pW3nLc8bJ5hY"), ".docker/config.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 1 || !ex[0].Kept {
		t.Fatalf("explanations %v: want one kept match", ex)
	}
}

// TestExplainBinary: on binary content, read as its strings, a rule that
// does not run on messages is explained as not running, as Detect skips
// it; one that does is explained as on text.
func TestExplainBinary(t *testing.T) {
	d := mustDetector(t, `
[[rules]]
id = "tok"
regex = '''tok_[a-z0-9]{16}'''
keywords = ["tok_"]
[[rules]]
id = "kv"
regex = '''password=(\S{8,})'''
keywords = ["password="]
tags = ["generic"]
`, Options{InMessages: func(r *config.Rule) bool { return r.ID == "tok" }})
	content := []byte("\x00\x01password=" + "Vt8k#Q2xR7mZ" + "\x00\x02tok_" + "k3x9q2mz7w4v8r1t\x00")
	res, err := d.Detect(&leak.Fragment{Content: content, Sources: []leak.Source{{Path: "app.bin"}}})
	if err != nil || len(res.Matches) != 1 || res.Matches[0].rule.ID != "tok" || res.Matches[0].Line != 2 {
		t.Fatalf("Detect: %+v, %v", res.Matches, err)
	}
	exps, err := d.Explain("kv", content, "app.bin")
	if err != nil || len(exps) != 1 || exps[0].Dropped() == nil || exps[0].Dropped().Name != "binary" {
		t.Errorf("kv: %+v, %v", exps, err)
	}
	exps, err = d.Explain("tok", content, "app.bin")
	if err != nil || len(exps) != 1 || !exps[0].Kept {
		t.Errorf("tok: %+v, %v", exps, err)
	}
}
