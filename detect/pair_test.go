package detect

import (
	"testing"

	"github.com/leakhound/leakhound/config"
)

// TestPairRule: a rule stated by a pair (an access key's id and its
// secret's format) finds the secret right after the id, assigned to a
// name of its words up to two lines below the id, or on the line above
// it; not further, not under another name, not the start of a longer
// base64 value.
func TestPairRule(t *testing.T) {
	cfg, err := config.Parse("pair.toml", []byte(`
[[rules]]
id = "zq-secret-after-id"
keywords = ["zqid"]
entropy = 3.0
  [rules.pair]
  id = '''ZQID[A-Z0-9]{16}'''
  secret = '''[A-Za-z0-9/+]{24}'''
  words = ["secret"]
`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, secret := "ZQID"+"7K2M9P4R6T8V3X5Z", "Hq7Wx3Tn9Kv2"+"Lm/Pz8Rb+Yc4"
	for _, c := range []struct {
		text string
		want bool
	}{
		{"user,access key id,secret access key\nci," + id + "," + secret + "\n", true},
		{"access_id = " + id + "\nregion = eu-1\nsecret_key = " + secret + "\n", true},
		{"[DEBUG] Using Secret=" + secret + "\n[DEBUG] Using ID=" + id + "\n", true},
		{"access_id = " + id + "\na = 1\nb = 2\nc = 3\nsecret_key = " + secret + "\n", false},
		{"access_id = " + id + "\ntoken = " + secret + "\n", false},
		{id + "," + secret + "=\n", false},
	} {
		ms := detect(t, d, "creds.txt", c.text)
		if got := len(ms) == 1 && ms[0].Secret == secret; got != c.want || !c.want && len(ms) > 0 {
			t.Errorf("%q: found %q, want the secret: %v", c.text, secrets(ms), c.want)
		}
	}
}
