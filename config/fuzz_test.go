package config

import (
	"errors"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the rules-file parser: it must return a
// Config or an error, never panic, and every error must carry the file name.
func FuzzParse(f *testing.F) {
	f.Add([]byte("[[rules]]\nid = \"a\"\nregex = '''a([0-9]+)'''\nsecretGroup = 1\n"))
	f.Add([]byte("[extend]\nuseDefault = true\ndisabledRules = [\"jwt\"]\n"))
	f.Add([]byte("[[rules]]\nid = \"a\"\nregex = '''(a'''\n  [[rules.allowlists]]\n  regexes = ['''[''']\n"))
	f.Add([]byte("[[rules]\n"))
	f.Add([]byte("title = 1\n[[allowlists]]\npaths = [1]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.toml", data)
		if err == nil && cfg == nil {
			t.Fatal("no config and no error")
		}
		var list ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				if e.Pos.File == "" {
					t.Fatalf("error without a file: %v", e)
				}
			}
		}
	})
}
