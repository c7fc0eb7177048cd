package detect

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// A lazy Detector compiles an allowlist's regexes when a match first
// reaches it, not at New nor with its rule's regex, and a rule's path regex
// when a fragment first asks it: a hook whose content holds a keyword but
// no value worth judging compiles no allowlist.
func TestLazyAllowlistsWaitForAMatch(t *testing.T) {
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{Lazy: true, Short: true})
	if err != nil {
		t.Fatal(err)
	}
	compiledRegexes := func() (n int) {
		for _, r := range d.rules {
			for _, a := range r.allow {
				if a.regexes != nil {
					n++
				}
			}
		}
		for _, a := range d.global {
			if a.regexes != nil {
				n++
			}
		}
		return n
	}
	if n := compiledRegexes(); n != 0 {
		t.Fatalf("New compiled %d allowlists' regexes", n)
	}
	paths, stores := 0, 0
	for _, r := range d.rules {
		if r.path.re != nil {
			paths++
		}
		if r.store.re != nil {
			stores++
		}
	}
	if paths != 0 || stores != 0 {
		t.Fatalf("New compiled %d rules' path regexes and %d storePath regexes (these cost a hook a fifth of its instructions)", paths, stores)
	}
	frag := func(text string) *leak.Fragment {
		return &leak.Fragment{Content: []byte(text), Sources: []leak.Source{{Path: "app/settings.py"}}}
	}
	// Keywords (password, secret) whose rules compile and run, and no
	// value that gets as far as the allowlists.
	res, err := d.Detect(frag("import os\npassword = os.environ[\"PW\"]\nSECRET_KEY = get_secret()\n"))
	if err != nil || len(res.Matches) != 0 {
		t.Fatalf("%v, %d matches", err, len(res.Matches))
	}
	if n := compiledRegexes(); n != 0 {
		t.Fatalf("a scan without a value to judge compiled %d allowlists' regexes", n)
	}
	// A value that every other judgement keeps reaches them (assembled
	// here, so that the self-scan does not see it).
	res, err = d.Detect(frag("password = \"" + "Xk8vQ2" + "mLp9zR4tW7" + "\"\n"))
	if err != nil || len(res.Matches) == 0 {
		t.Fatalf("%v, %d matches", err, len(res.Matches))
	}
	if compiledRegexes() == 0 {
		t.Fatal("a value judged by the allowlists compiled none of them")
	}
	// A weak password in a credential store is still reported, the
	// store's path compiled when the weak value asks.
	store := &leak.Fragment{Content: []byte("[global]\nindex-url = https://ci:" + "welcome1" + "@pypi.example.com/simple\n"), Sources: []leak.Source{{Path: "pip.conf"}}}
	res, err = d.Detect(store)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i := range res.Matches {
		if f, ok := d.Finding(&res.Matches[i], "", store.Sources[0]); ok && f.Severity == "low" {
			found = true
		}
	}
	if !found {
		t.Fatal("a weak password in pip.conf, a credential store, was not reported low by a lazy detector")
	}
}

// An allowlist or path regex the engine refuses when a lazy Detector first
// needs it (config's checks at load let few through) makes Detect return
// an error naming the file and line; the rule with a bad path matches
// nowhere.
func TestLazyAllowlistErrorFromDetect(t *testing.T) {
	cfg := &config.Config{
		Rules: []config.Rule{{ID: "acme-token", Description: "Acme token", Regex: `acme_[a-z0-9]{20}`, Keywords: []string{"acme_"}, SecretGroup: 0}},
		Allowlists: []config.Allowlist{{
			Pos:     config.Pos{File: "rules.toml", Line: 7},
			Regexes: []string{`(unclosed`},
		}},
	}
	d, err := New(cfg, Options{Lazy: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = d.Detect(&leak.Fragment{Content: []byte("token = acme_" + "k3j9x0q2m7" + "v5b8n1c4z6\n")})
	if err == nil || !strings.Contains(err.Error(), "rules.toml:7") {
		t.Fatalf("Detect: %v, want an error at rules.toml:7", err)
	}
	if _, err := New(cfg, Options{}); err == nil {
		t.Fatal("an eager New compiled the bad regex without an error")
	}

	cfg = &config.Config{Rules: []config.Rule{{Pos: config.Pos{File: "rules.toml", Line: 3}, ID: "acme-token", Description: "Acme token", Regex: `acme_[a-z0-9]{20}`, Keywords: []string{"acme_"}, Path: `(unclosed`}}}
	d, err = New(cfg, Options{Lazy: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	res, err := d.Detect(&leak.Fragment{Content: []byte("token = acme_" + "k3j9x0q2m7" + "v5b8n1c4z6\n"), Sources: []leak.Source{{Path: "app.env"}}})
	if err == nil || !strings.Contains(err.Error(), "rules.toml:3") || len(res.Matches) != 0 {
		t.Fatalf("Detect: %v, %d matches, want an error at rules.toml:3 and none", err, len(res.Matches))
	}
	if _, err := New(cfg, Options{}); err == nil {
		t.Fatal("an eager New compiled the bad path regex without an error")
	}

	// A bad storePath: an error from New, or from Detect when a weak value
	// first asks a lazy detector.
	cfg = &config.Config{Rules: []config.Rule{{Pos: config.Pos{File: "rules.toml", Line: 5}, ID: "acme-store", Description: "Acme store", Regex: `acme_pass=(\S+)`, SecretGroup: 1, Keywords: []string{"acme_pass"}, StorePath: `(unclosed`}}}
	if _, err := New(cfg, Options{}); err == nil || !strings.Contains(err.Error(), "rules.toml:5") {
		t.Fatalf("an eager New with a bad storePath: %v, want an error at rules.toml:5", err)
	}
	if _, err := New(cfg, Options{Lazy: true}); err != nil {
		t.Fatalf("a lazy New compiled the storePath: %v", err)
	}

	// A bad storeMatch: the same; a lazy detector compiles it when a
	// weak value's Finding first asks, and the next Detect says so.
	cfg = &config.Config{Rules: []config.Rule{{Pos: config.Pos{File: "rules.toml", Line: 7}, ID: "acme-url", Description: "Acme URL", Regex: `acme://u:(\w+)@`, SecretGroup: 1, Entropy: 3, Keywords: []string{"acme://"}, StoreMatch: `(unclosed`}}}
	if _, err := New(cfg, Options{}); err == nil || !strings.Contains(err.Error(), "rules.toml:7") {
		t.Fatalf("an eager New with a bad storeMatch: %v, want an error at rules.toml:7", err)
	}
	d, err = New(cfg, Options{Lazy: true})
	if err != nil {
		t.Fatalf("a lazy New compiled the storeMatch: %v", err)
	}
	res, err = d.Detect(&leak.Fragment{Content: []byte("acme://u:aaaa@\n"), Sources: []leak.Source{{Path: "app.env"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Matches) != 1 {
		t.Fatalf("%d matches of a weak value, want 1", len(res.Matches))
	}
	if _, ok := d.Finding(&res.Matches[0], "", leak.Source{Path: "app.env"}); ok {
		t.Error("a weak value reported where the storeMatch does not compile")
	}
	if _, err := d.Detect(&leak.Fragment{Content: []byte("nothing\n")}); err == nil || !strings.Contains(err.Error(), "rules.toml:7") {
		t.Fatalf("Detect after a weak value's Finding: %v, want an error at rules.toml:7", err)
	}
}
