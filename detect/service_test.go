package detect

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// TestServiceCredential pins the generic rule that takes a value written
// after a service's name alone (see serviceRule): the name must be a
// service of the pack, and the value an item of a list or a note's secret
// before its login; a value of another format after an operator stays the
// vendor rule's to judge.
func TestServiceCredential(t *testing.T) {
	def, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	var generic []config.Rule
	for _, r := range def.Rules {
		if r.ID == "generic-service-credential" {
			generic = append(generic, r)
		}
	}
	if len(generic) != 1 {
		t.Fatal("the default pack has no generic-service-credential rule")
	}
	cfg, err := config.Parse("svc.toml", []byte(`
[[rules]]
id = "zqvendor-token"
description = "Zqvendor token: 40 hex digits"
names = ["zqvendor"]
value = '''[a-f0-9]{40}'''
tags = ["zqvendor"]

[[rules]]
id = "zqtool-token"
description = "Zqtool token: 12 upper-case letters and digits"
names = ['''zq[_.-]?tool''']
value = '''[A-Z0-9]{12}'''
keywords = ["zqtool", "zq_tool"]
tags = ["zqtool"]
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Rules = append(cfg.Rules, generic...)
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const v = "Jd5sWc1YKp9Lm2Qx7vR4tW8b" // not zqvendor's format
	for _, c := range []struct {
		text   string
		secret string // "" for no finding of the rule
	}{
		{"zqvendor '" + v + "' 'eu.zqvendor.example'\n", v},
		{"- zqvendor \"" + v + "\"\n", v},
		{"# zqvendor '" + v + "'\n", v},
		// The second item of a list on one line; the first is short.
		{"zqtool 'AB12CD34EF56' zqtool '" + v + "'\n", v},
		{"zqvendor: Hq8ZkX3mP9v / someone@example.com\n", "Hq8ZkX3mP9v"},
		// Unquoted: an id and a secret jotted on one line.
		{"zqvendor " + v + " Kp9Lm2Qx7vR4tW8b\n", v},
		// Not a service of the pack, or not the name alone.
		{"zqother '" + v + "'\n", ""},
		{"my_zqvendor '" + v + "'\n", ""},
		{"Copy your zqvendor '" + v + "'\n", ""},
		// An operator: a list item is not an assignment.
		{"zqvendor = '" + v + "'\n", ""},
		// Where the service is, not its key.
		{"zqvendor 'api.eu.zqvendor.example.com'\n", ""},
		{"zqvendor 'owner/some-repository-name'\n", ""},
		// One unquoted value alone: as often a command's argument.
		{"zqvendor " + v + "\n", ""},
		// A version, an identifier.
		{"zqvendor '2.14.0-beta.1234567'\n", ""},
		{"zqvendor 'RADIUS_DEFAULT_VALUE_X'\n", ""},
		// A note without a login after the secret.
		{"zqvendor: Hq8ZkX3mP9v\n", ""},
	} {
		res, err := d.Detect(&leak.Fragment{Content: []byte(c.text), Sources: []leak.Source{{Path: "notes.txt"}}})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, m := range res.Matches {
			if m.RuleID() == "generic-service-credential" {
				got = m.Secret
			}
		}
		if got != c.secret {
			t.Errorf("%q: found %q, want %q", c.text, got, c.secret)
		}
	}
}

// TestItemStart pins where a service's name may begin an item of a list,
// the only places its keyword hits count for the rule of values after it
// (the last "acme" of each text is asked about).
func TestItemStart(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"acme 'x'", true},
		{"  - acme 'x'", true},
		{"x\n// acme 'x'", true},
		{"acme 'x' acme 'y'", true},
		{"localacme 'x'", false},
		{"the acme API", false},
		{"https://acme.example", false},
		{"x='acme'", false},
	} {
		off := strings.LastIndex(c.text, "acme")
		if got := itemStart([]byte(c.text), off); got != c.want {
			t.Errorf("itemStart(%q, %d) = %v, want %v", c.text, off, got, c.want)
		}
	}
}
