package config

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound"
)

// TestPositionsPastTripleQuotes checks that a literal string holding three
// double quotes (a regex that reads Python's docstrings), a one-line string
// holding them and a comment holding three single quotes do not make the
// rest of the file look like the inside of a string: the rule after them,
// and the error in that rule, are placed on their own lines.
func TestPositionsPastTripleQuotes(t *testing.T) {
	src := "[[rules]]\n" + // 1
		"id = \"docstring\"\n" + // 2
		"regex = '''\"\"\"([A-Za-z0-9]{20})'''\n" + // 3
		"keywords = ['\"\"\"doc'] # a comment's '''\n" + // 4
		"  [[rules.examples]]\n" + // 5
		"  text = '''doc: Qx7mZ2pL9vR4tW8bY6cJ'''\n" + // 6
		"\n" +
		"[[rules]]\n" + // 8
		"id = \"after\"\n" + // 9
		"regex = '''tok_[a-z]{8}'''\n" + // 10
		"keywords = [\"tok_\"]\n" + // 11
		"  [[rules.examples]]\n" + // 12
		"  text = '''tok_abcdefgh'''\n" + // 13
		"\n" +
		"[[rules]]\n" + // 15
		"id = \"broken\"\n" + // 16
		"regex = '''(unclosed'''\n" // 17
	_, err := Parse("r.toml", []byte(src))
	if err == nil || !strings.HasPrefix(err.Error(), `r.toml:17: rule "broken": bad regex`) {
		t.Fatalf("error %v, want one at r.toml:17", err)
	}
	cfg, err := Parse("r.toml", []byte(src[:strings.Index(src, "[[rules]]\nid = \"broken\"")]))
	if err != nil {
		t.Fatal(err)
	}
	if r := cfg.Rule("after"); r.Pos.Line != 8 || r.Examples[0].Pos.Line != 12 {
		t.Errorf("rule after at line %d, its example at %d; want 8 and 12", r.Pos.Line, r.Examples[0].Pos.Line)
	}
}

// TestDefaultRulesPositions checks that every default rule and example is
// placed on its own header line, which rules test and load errors print.
func TestDefaultRulesPositions(t *testing.T) {
	data := leakhound.DefaultRules()
	cfg, err := Parse(".secretsrules.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	at := func(l int) string {
		if l < 1 || l > len(lines) {
			return ""
		}
		return strings.TrimSpace(lines[l-1])
	}
	wrong := 0
	for _, r := range cfg.Rules {
		if at(r.Pos.Line) != "[[rules]]" || at(r.Pos.Line+1) != `id = "`+r.ID+`"` {
			wrong++
			if wrong <= 3 {
				t.Errorf("rule %s placed at line %d: %q", r.ID, r.Pos.Line, at(r.Pos.Line))
			}
		}
		for _, e := range r.Examples {
			if at(e.Pos.Line) != "[[rules.examples]]" {
				wrong++
				if wrong <= 3 {
					t.Errorf("an example of %s placed at line %d: %q", r.ID, e.Pos.Line, at(e.Pos.Line))
				}
			}
		}
	}
	if wrong > 0 {
		t.Errorf("%d rules and examples placed on other lines", wrong)
	}
}
