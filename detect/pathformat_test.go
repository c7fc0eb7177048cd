package detect

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"slices"
	"strings"
	"testing"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/leakhound/leakhound/internal/keystoretest"
	"github.com/leakhound/leakhound/leak"
)

// A rule with a format judges the content it is given: no finding for a
// file not in the format, one step more severe and tagged known-password
// for a key store that opens with a known password, as the rule says for
// any other key store or when the content was not read (nil); a rule
// without a format, and an empty file, are judged by path alone. (A
// confidence left empty is triage's to set.)
func TestPathFindingsFormat(t *testing.T) {
	d := mustDetector(t, `[[rules]]
id = "p12"
path = '''\.p12$'''
format = "pkcs12"
severity = "high"

[[rules]]
id = "any-p12"
path = '''\.p12$'''
severity = "medium"
`, Options{})
	src := leak.Source{Path: "certs/client.p12"}
	if _, reads := d.PathRules(src.Path); !reads {
		t.Errorf("PathRules(%q): want a rule that reads content", src.Path)
	}
	if match, reads := d.PathRules("certs/client.pem"); match || reads {
		t.Errorf("PathRules(certs/client.pem) = %v, %v: want no rule", match, reads)
	}
	google := keystoretest.PKCS12(t, gopkcs12.LegacyDES, "notasecret")
	own := keystoretest.PKCS12(t, gopkcs12.Modern2023, "Qm4-own-Password-7z")
	type got struct{ rule, sev, conf, tag string }
	run := func(id string, content []byte) []got {
		var out []got
		for _, f := range d.PathFindings(id, content, src) {
			tag := ""
			for _, t := range []string{"known-password", "empty"} {
				if slices.Contains(f.Tags, t) {
					tag = t
				}
			}
			if tag == "known-password" && !strings.HasPrefix(f.Description, `"notasecret" opens it`) {
				t.Errorf("description %q does not name the password", f.Description)
			}
			out = append(out, got{f.RuleID, f.Severity, f.Confidence, tag})
		}
		return out
	}
	cases := []struct {
		name    string
		id      string
		content []byte
		want    []got
	}{
		{"opens with notasecret", "1", google, []got{{"p12", "critical", "high", "known-password"}, {"any-p12", "medium", "", ""}}},
		{"its owner's password", "2", own, []got{{"p12", "high", "", ""}, {"any-p12", "medium", "", ""}}},
		{"not read", "3", nil, []got{{"p12", "high", "", ""}, {"any-p12", "medium", "", ""}}},
		{"random bytes", "4", []byte{0x07, 0x00, 0x3c, 0x91}, []got{{"any-p12", "medium", "", ""}}},
		{"cut short", "5", own[:100], []got{{"any-p12", "medium", "", ""}}},
		{"empty", EmptyBlobIDs[0], []byte{}, []got{{"p12", "low", "low", "empty"}, {"any-p12", "low", "low", "empty"}}},
	}
	for _, c := range cases {
		if g := run(c.id, c.content); !slices.Equal(g, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, g, c.want)
		}
	}
}

// A rule whose format's names other files share (der: .der, .key) reports
// a file whose content is a private key, and neither an empty file nor
// one that holds something else (a certificate).
func TestPathFindingsDER(t *testing.T) {
	d := mustDetector(t, `[[rules]]
id = "der"
path = '''\.(?:der|key)$'''
format = "der"
severity = "high"
`, Options{})
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, id string
		content        []byte
		want           int
	}{
		{"a private key", "keys/private_key.der", "1", der, 1},
		{"a public key", "keys/public_key.der", "2", pub, 0},
		{"an empty file", "certs/server.key", EmptyBlobIDs[0], []byte{}, 0},
		{"not read", "keys/huge.key", "3", nil, 1},
	}
	for _, c := range cases {
		if got := d.PathFindings(c.id, c.content, leak.Source{Path: c.path}); len(got) != c.want {
			t.Errorf("%s: %d findings, want %d", c.name, len(got), c.want)
		}
	}
}
