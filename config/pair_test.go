package config

import (
	"errors"
	"testing"
)

// TestPairErrors: a pair names what is wrong with it, at its line: a
// secret that is no single character class and count, a missing id, a
// regex besides, an unknown key, a bad regex.
func TestPairErrors(t *testing.T) {
	src := `[[rules]]
id = "no-class"
  [rules.pair]
  id = '''ZQID[A-Z0-9]{16}'''
  secret = '''[a-z]+x'''
  words = ["secret"]

[[rules]]
id = "no-id"
  [rules.pair]
  secret = '''[a-z]{24}'''
  words = ["secret"]

[[rules]]
id = "both"
regex = "zq"
  [rules.pair]
  id = '''ZQID[A-Z0-9]{16}'''
  secret = '''[a-z]{24}'''
  words = ["secret"]

[[rules]]
id = "typo"
  [rules.pair]
  id = '''ZQID[A-Z0-9]{16}'''
  secret = '''[a-z]{24}'''
  word = ["secret"]

[[rules]]
id = "bad-id"
  [rules.pair]
  id = '''ZQID[A-Z0-9{16}'''
  secret = '''[a-z]{24}'''
  words = ["secret"]
`
	_, err := Parse("pairs.toml", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("want an ErrorList, got %v", err)
	}
	want := []string{
		`pairs.toml:3: rule "no-class": secret must be one character class and a count, such as [A-Za-z0-9]{30}, not "[a-z]+x"`,
		`pairs.toml:10: rule "no-id": a pair needs an id and a secret: the formats of the access key's id and of its secret`,
		`pairs.toml:17: rule "both": a pair states the rule's regex: no regex or value besides`,
		`pairs.toml:24: rule "typo": words must name at least one word of the secret's name, such as "secret"`,
		`pairs.toml:27: rule "typo": unknown key "word"`,
		`pairs.toml:32: rule "bad-id": bad regex: missing closing ]: ` + "`[A-Z0-9{16}`",
	}
	if len(list) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(list), len(want), err)
	}
	for i, w := range want {
		if list[i].Error() != w {
			t.Errorf("error %d:\n got %s\nwant %s", i, list[i].Error(), w)
		}
	}
}
