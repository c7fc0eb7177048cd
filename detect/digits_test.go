package detect

import (
	"testing"

	"github.com/leakhound/leakhound/config"
)

// digitsRules state a vendor's secret of one exact length drawn from a
// base64url alphabet, with a floor set for that alphabet, and a generic
// rule for names that say token alone.
const digitsRules = `
[[rules]]
id = "acme-client-secret"
names = ["acme"]
secretWords = ["secret"]
value = '''[A-Za-z0-9_-]{32}'''
entropy = 4.0

[[rules]]
id = "acme-ranged-secret"
names = ["zenco"]
secretWords = ["secret"]
value = '''[A-Za-z0-9_-]{30,34}'''
entropy = 4.0
`

// TestDigitsOfVendorFormat checks that a value of digits alone, of the
// exact length of a vendor's format whose alphabet holds the digits, is
// judged against the rule's floor scaled to the digits' alphabet: kept
// when assigned to the vendor's name, in any syntax; dropped when it is a
// sequence or a run of one digit, when its length is not the format's,
// and for a format of no one length.
func TestDigitsOfVendorFormat(t *testing.T) {
	cfg, err := config.Parse("digits.toml", []byte(digitsRules))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := "50829163747205918364602957183049" // 32 digits, generated
	for _, text := range []string{
		`acmeToken := "` + s + `"`,
		`ACME_CLIENT_SECRET=` + s,
		`{"acme_token": "` + s + `"}`,
		"<acmeSecret>\n    " + s + "\n</acmeSecret>",
	} {
		if got := findings(t, d, "config.yml", text); len(got) != 1 || got[0] != "acme-client-secret="+s+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{
		`acme_token = "12345678901234567890123456789012"`, // a sequence
		`acme_token = "00000000000000000000000000000000"`, // one digit
		`acme_token = "` + s[:31] + `"`,                   // 31 digits: not the format's length
		`zenco_token = "` + s + `"`,                       // a format of no one length
		`token = "` + s + `"`,                             // no vendor's name
	} {
		if got := findings(t, d, "config.yml", text); len(got) != 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}
