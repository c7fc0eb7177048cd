package checksum

import (
	"strings"
	"testing"
)

// The expected checksums in these tests were computed with another
// implementation (Python's zlib.crc32), not with this package.

func TestBase62CRC(t *testing.T) {
	for body, want := range map[string]string{
		strings.Repeat("0", 30):          "2C8GjS",
		"Rk3vQ9tLm2Xp8Zw4Nc7Hb1Jd6Fs5Ga": "1RJTLe",
	} {
		if got := Base62CRC(body); got != want {
			t.Errorf("Base62CRC(%d zeros) = %q, want %q", len(body), got, want)
		}
	}
}

func TestGitHub(t *testing.T) {
	body := "Rk3vQ9tLm2Xp8Zw4Nc7Hb1Jd6Fs5Ga0Ye"[:30]
	good := "ghp_" + body + Base62CRC(body)
	bad := "ghp_" + body[:29] + "x" + Base62CRC(body)
	for _, c := range []struct {
		token string
		want  Verdict
	}{
		{good, Valid},
		{"npm_" + body + Base62CRC(body), Valid},
		{bad, Invalid},
		{"ghp_" + body + "AAAAAA", Invalid},
		{good + "A", NotApplicable},                                 // a longer format
		{"ghs_" + strings.Repeat("a", 40), NotApplicable},           // another length
		{"ghp" + body, NotApplicable},                               // no underscore
		{"ghp_" + body[:29] + "-" + Base62CRC(body), NotApplicable}, // not letters and digits
	} {
		if got := Check("github", c.token); got != c.want {
			t.Errorf("github %q: %v, want %v", c.token, got, c.want)
		}
	}
}

// Tokens are assembled from parts, so that scanning this file finds
// nothing.
func TestAtlassian(t *testing.T) {
	body := "ATBB" + "Tq8Rw2Lp5Zx9Vn3Kb7Mc1Hd4"
	for token, want := range map[string]Verdict{
		body + "F93918C8": Valid,
		body + "f93918c8": Valid,
		"ATBB" + "Tq8Rw2Lp5Zx9Vn3Kb7Mc1Hd5F93918C8": Invalid, // one letter changed
		body + "F93918CZ": Invalid, // not hex
	} {
		if got := Check("atlassian", token); got != want {
			t.Errorf("%s: %v, want %v", token, got, want)
		}
	}
	if got := Check("atlassian", "ATBB"); got != NotApplicable {
		t.Errorf("too short: %v", got)
	}
}

func TestGrafana(t *testing.T) {
	token := "glsa_" + "Wm4Kp9Rt2Lx7Vq3Nb8Zc5Hd1Jf6Gs0Ya" + "_" + "d5622242"
	if got := Check("grafana", token); got != Valid {
		t.Errorf("%s: %v, want valid", token, got)
	}
	if got := Check("grafana", strings.ToUpper(token[:5])+token[5:]); got != Invalid {
		t.Errorf("prefix changed: %v", got)
	}
	if got := Check("grafana", token[:len(token)-1]); got != NotApplicable {
		t.Errorf("7 digits: %v", got)
	}
}

// TestBech32 runs BIP 173's test vectors and one of age's own test keys.
func TestBech32(t *testing.T) {
	valid := []string{
		"A12UEL5L",
		"a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl",
		"AGE-SECRET-KEY-1" + "705XN76M8EYQ8M9PY4E2G3KA8DN7NSCGT3V4HMN20H3GCX4AS6HSSTG8D3",
	}
	for _, s := range valid {
		if got := Check("bech32", s); got != Valid {
			t.Errorf("%q: %v, want valid", s, got)
		}
	}
	invalid := []string{
		"x1b4n0q5v", // a character outside the alphabet
		"A1G7SGD8",  // checksum computed with the upper-case part
		"a12UEL5L",  // mixed case
		"AGE-SECRET-KEY-1" + "705XN76M8EYQ8M9PY4E2G3KA8DN7NSCGT3V4HMN20H3GCX4AS6HSSTG8D2",
	}
	for _, s := range invalid {
		if got := Check("bech32", s); got != Invalid {
			t.Errorf("%q: %v, want invalid", s, got)
		}
	}
	for _, s := range []string{"pzry9x0s0muk", "1pzry9x0s0muk", "li1dgmt"} {
		if got := Check("bech32", s); got != NotApplicable {
			t.Errorf("%q: %v, want n/a", s, got)
		}
	}
}

// TestUnknownKind checks that a kind no table holds is unknown and says
// nothing of any token.
func TestUnknownKind(t *testing.T) {
	if Known("luhn") || Check("luhn", "4111111111111111") != NotApplicable {
		t.Error("an unknown kind says something")
	}
	for _, n := range Names() {
		if !Known(n) || Check(n, "") == Valid {
			t.Errorf("%s: listed but unknown, or an empty token is valid", n)
		}
	}
}
