package resyntax

import (
	"regexp/syntax"
	"testing"
)

func TestMinLen(t *testing.T) {
	for expr, want := range map[string]int{
		`abc`:               3,
		`[a-z]{8}`:          8,
		`ghp_[A-Za-z0-9]+`:  5,
		`(?:ab|c)d{2,5}`:    3,
		`x*`:                0,
		`^a?$`:              0,
		`(tok|token)_\w{4}`: 8,
		`é`:                 1,
	} {
		re, err := syntax.Parse(expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := MinLen(re); got != want {
			t.Errorf("MinLen(%q) = %d, want %d", expr, got, want)
		}
	}
}

func TestClassSize(t *testing.T) {
	for expr, want := range map[string]int{
		`[a-f0-9]`:            16,
		`[A-Za-z0-9_-]`:       64,
		`[^\x00-\x{10FFFF}a]`: 0,
		`x`:                   0,
		`\d`:                  10,
	} {
		re, err := syntax.Parse(expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := ClassSize(re); got != want {
			t.Errorf("ClassSize(%q) = %d, want %d", expr, got, want)
		}
	}
}
