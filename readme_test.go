package leakhound_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
)

func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestReadmeRulesReference holds the README's rules file reference to the
// keys the parser accepts, both ways: every key documented, none that is
// not a key.
func TestReadmeRulesReference(t *testing.T) {
	s := readme(t)
	_, sec, ok := strings.Cut(s, "\n### Rules file reference\n")
	if !ok {
		t.Fatal("README has no \"### Rules file reference\" section")
	}
	sec, _, _ = strings.Cut(sec, "\n### ")
	heading := regexp.MustCompile("^\\*\\*(.+?)\\*\\*")
	row := regexp.MustCompile("^\\| `([A-Za-z]+)` \\|[^|]*\\| (.*) \\|$")
	tables := map[string]string{
		"Top level": "", "`[extend]`": "extend", "`[[rules]]`": "rules", "`[[rules.examples]]`": "rules.examples",
		"`[[pathContexts]]`": "pathContexts", "`[[knownSecrets]]`": "knownSecrets", "`[rules.pair]`": "rules.pair",
	}
	got := map[string][]string{}
	var current []string
	for _, line := range strings.Split(sec, "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			switch h := m[1]; h {
			case "`[[allowlists]]` and `[[rules.allowlists]]`":
				current = []string{"allowlists", "rules.allowlists"}
			default:
				name, ok := tables[h]
				if !ok {
					t.Errorf("README rules reference: heading %q names no table", h)
				}
				current = []string{name}
			}
			continue
		}
		m := row.FindStringSubmatch(line)
		if m == nil || current == nil {
			continue
		}
		for _, table := range current {
			if table == "rules.allowlists" && strings.HasPrefix(m[2], "`[[allowlists]]` only") {
				continue
			}
			got[table] = append(got[table], m[1])
		}
	}
	want := config.Keys()
	for table, keys := range want {
		for _, k := range keys {
			if !slices.Contains(got[table], k) {
				t.Errorf("README rules reference: key %q of [%s] is not documented", k, table)
			}
		}
	}
	for table, keys := range got {
		for _, k := range keys {
			if !slices.Contains(want[table], k) {
				t.Errorf("README rules reference: %q is documented in [%s], but the parser takes no such key there", k, table)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("README rules reference documents tables %v, the parser has %v", got, want)
	}
}

// TestReadmeSpeaksToUsers: no internal wording, no paths of the machine
// the figures were measured on.
func TestReadmeSpeaksToUsers(t *testing.T) {
	s := readme(t)
	bad := regexp.MustCompile(`(?i)\bthe brief\b|/work/|/tmp/|/home/[a-z]|\bissue \d+|\bnewcomer\b|\bthe lead\b`)
	for i, line := range strings.Split(s, "\n") {
		if m := bad.FindString(line); m != "" {
			t.Errorf("README.md:%d: %q: internal wording or a machine path", i+1, m)
		}
	}
}
