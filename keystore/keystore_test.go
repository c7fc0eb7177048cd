package keystore

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"math/big"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/leakhound/leakhound/internal/keystoretest"
)

// TestPKCS12 checks the verdicts on key stores another library writes: the
// MAC kinds and iteration counts of its legacy and modern encoders, known
// and unknown passwords, and the files that are not key stores.
func TestPKCS12(t *testing.T) {
	encode := func(enc *gopkcs12.Encoder, pw string) []byte { return keystoretest.PKCS12(t, enc, pw) }
	strong := rand.Text()
	modern := encode(gopkcs12.Modern2023, "notasecret")
	cases := []struct {
		name string
		data []byte
		want Verdict
	}{
		{"legacy SHA-1 MAC, Google's password", encode(gopkcs12.LegacyDES, "notasecret"), Verdict{Opens: true, Password: "notasecret"}},
		{"modern SHA-256 MAC, Google's password", modern, Verdict{Opens: true, Password: "notasecret"}},
		{"modern, the JDK's password", encode(gopkcs12.Modern2023, "changeit"), Verdict{Opens: true, Password: "changeit"}},
		{"modern, empty password", encode(gopkcs12.Modern2023, ""), Verdict{Opens: true, Password: ""}},
		{"legacy, a strong password", encode(gopkcs12.LegacyDES, strong), Verdict{}},
		{"modern, a strong password", encode(gopkcs12.Modern2023, strong), Verdict{}},
		{"iterations above the bound are not run", encode(gopkcs12.Modern2023.WithIterations(MaxIterations+1), "notasecret"), Verdict{}},
		{"PBMAC1 (RFC 9579), Google's password", encode(gopkcs12.Modern2026, "notasecret"), Verdict{Opens: true, Password: "notasecret"}},
		{"PBMAC1, empty password", encode(gopkcs12.Modern2026, ""), Verdict{Opens: true, Password: ""}},
		{"PBMAC1, a strong password", encode(gopkcs12.Modern2026, strong), Verdict{}},
		{"PBMAC1, iterations above the bound", encode(gopkcs12.Modern2026.WithIterations(MaxIterations+1), "notasecret"), Verdict{}},
		{"base64 text", []byte(base64.StdEncoding.EncodeToString(modern) + "\n"), Verdict{Opens: true, Password: "notasecret"}},
		{"base64 text, wrapped", wrap(base64.StdEncoding.EncodeToString(modern)), Verdict{Opens: true, Password: "notasecret"}},
		{"base64 text of another structure", []byte("MIIBAAAA\n"), Verdict{NotKeyStore: true}},
		{"cut short", modern[:200], Verdict{NotKeyStore: true}},
		{"one byte", modern[:1], Verdict{NotKeyStore: true}},
		{"random bytes", []byte{0x07, 0x26, 0x45, 0x64, 0x83, 0xa2, 0xc1, 0xe0}, Verdict{NotKeyStore: true}},
		{"text", []byte("-----BEGIN CERTIFICATE-----\n"), Verdict{NotKeyStore: true}},
		{"BER's indefinite length", append([]byte{0x30, 0x80}, modern[4:]...), Verdict{}},
		{"a SEQUENCE that is not a PFX", []byte{0x30, 0x03, 0x02, 0x01, 0x03}, Verdict{}},
	}
	for _, c := range cases {
		if got := Check("pkcs12", c.data); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
	if got := Check("kdbx", modern); got != (Verdict{}) {
		t.Errorf("unknown format: got %+v, want the zero verdict", got)
	}
	if got := Check("pkcs12", nil); got != (Verdict{}) {
		t.Errorf("empty content: got %+v, want the zero verdict", got)
	}
}

// wrap breaks s into lines of 64 characters with CRLF, as PEM tools and
// Windows editors write base64.
func wrap(s string) []byte {
	var b []byte
	for len(s) > 64 {
		b = append(append(b, s[:64]...), "\r\n"...)
		s = s[64:]
	}
	return append(b, s...)
}

// TestJKS checks the verdicts on Java key stores: JKS written by another
// library, with known and unknown passwords, PKCS #12 under a Java name,
// and other content, which stays a key store.
func TestJKS(t *testing.T) {
	strong := rand.Text()
	android := keystoretest.JKS(t, "android")
	jceks := append([]byte{0xce, 0xce, 0xce, 0xce}, android[4:]...) // digest no longer matches
	cases := []struct {
		name string
		data []byte
		want Verdict
	}{
		{"JKS, Android's debug password", android, Verdict{Opens: true, Password: "android"}},
		{"JKS, the JDK's password", keystoretest.JKS(t, "changeit"), Verdict{Opens: true, Password: "changeit"}},
		{"JKS, empty password", keystoretest.JKS(t, ""), Verdict{Opens: true, Password: ""}},
		{"JKS, a strong password", keystoretest.JKS(t, strong), Verdict{}},
		{"JCEKS whose digest does not match", jceks, Verdict{}},
		{"PKCS #12 named .jks", keystoretest.PKCS12(t, gopkcs12.Modern2023, "changeit"), Verdict{Opens: true, Password: "changeit"}},
		{"PKCS #12 named .jks, cut short", keystoretest.PKCS12(t, gopkcs12.Modern2023, "changeit")[:300], Verdict{NotKeyStore: true}},
		{"BKS version 2", append([]byte{0, 0, 0, 2}, make([]byte, 40)...), Verdict{}},
		{"JKS cut to its magic", android[:8], Verdict{}},
		{"text", []byte("keystore.password=changeit\nkeystore.path=release.jks\n"), Verdict{}},
	}
	for _, c := range cases {
		if got := Check("jks", c.data); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

// TestDER checks the verdicts on private keys in DER form as crypto/x509
// writes them, encrypted PKCS #8 keys, and what is no private key: a
// certificate, a public key, text, a key cut short.
func TestDER(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	xKey, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	ecSEC1, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	encrypted := func(oid asn1.ObjectIdentifier) []byte {
		der, err := asn1.Marshal(struct {
			Algorithm pkix.AlgorithmIdentifier
			Data      []byte
		}{pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue}, []byte(rand.Text())})
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &ecKey.PublicKey, ecKey)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	rsa8 := pkcs8(rsaKey)
	none := Verdict{NotKeyStore: true}
	cases := []struct {
		name string
		data []byte
		want Verdict
	}{
		{"PKCS #8 RSA", rsa8, Verdict{}},
		{"PKCS #8 ECDSA", pkcs8(ecKey), Verdict{}},
		{"PKCS #8 Ed25519", pkcs8(edKey), Verdict{}},
		{"PKCS #8 X25519", pkcs8(xKey), Verdict{}},
		{"PKCS #1 RSA", x509.MarshalPKCS1PrivateKey(rsaKey), Verdict{}},
		{"SEC1 EC", ecSEC1, Verdict{}},
		{"encrypted PKCS #8, PBES2", encrypted(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}), Verdict{}},
		{"encrypted PKCS #8, PKCS #12 PBE", encrypted(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}), Verdict{}},
		{"another algorithm and an octet string", encrypted(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}), none},
		{"a certificate", cert, none},
		{"a public key", pub, none},
		{"PEM text", []byte("-----BEGIN PRIVATE KEY-----\n"), none},
		{"cut short", rsa8[:len(rsa8)/2], none},
	}
	for _, c := range cases {
		if got := Check("der", c.data); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
	for i := range rsa8 {
		c := append([]byte(nil), rsa8...)
		c[i] ^= 0xff
		Check("der", c) // no mangled byte panics
	}
	if EmptyIsStore("der") || !EmptyIsStore("pkcs12") || !EmptyIsStore("jks") {
		t.Error("EmptyIsStore: want false for der only")
	}
}

// TestCheckerBudget checks that a Checker's budget, shared by its calls,
// stops the passwords being tried once spent, and that what is no key
// store is still told apart.
func TestCheckerBudget(t *testing.T) {
	google := keystoretest.PKCS12(t, gopkcs12.Modern2023, "notasecret") // 2,048 iterations
	opens := Verdict{Opens: true, Password: "notasecret"}
	c := NewChecker(3 * 3000) // the empty password twice, then notasecret
	if got := c.Check("pkcs12", google); got != opens {
		t.Fatalf("first call: got %+v, want %+v", got, opens)
	}
	if got := c.Check("pkcs12", google); got != (Verdict{}) {
		t.Errorf("budget spent: got %+v, want the zero verdict", got)
	}
	if got := c.Check("pkcs12", google[:100]); !got.NotKeyStore {
		t.Errorf("budget spent, a file cut short: got %+v, want NotKeyStore", got)
	}
	if got := NewChecker(1000).Check("jks", keystoretest.JKS(t, "changeit")); got != (Verdict{Opens: true, Password: "changeit"}) {
		t.Errorf("JKS within budget: got %+v", got)
	}
	if got := NewChecker(0).Check("jks", keystoretest.JKS(t, "changeit")); got != (Verdict{}) {
		t.Errorf("JKS, no budget: got %+v, want the zero verdict", got)
	}
}

// TestPKCS12Mangled checks that no mangled byte or cut of a key store
// panics. The legacy encoder's single MAC iteration keeps it quick.
func TestPKCS12Mangled(t *testing.T) {
	b := keystoretest.PKCS12(t, gopkcs12.LegacyDES, "notasecret")
	for i := range b {
		for _, x := range []byte{0x00, 0x80, 0xff} {
			c := append([]byte(nil), b...)
			c[i] ^= x | 1
			Check("pkcs12", c)
			Check("pkcs12", c[:i])
		}
	}
}

// FuzzPKCS12 checks that no content panics, in any format.
func FuzzPKCS12(f *testing.F) {
	f.Add([]byte{0x30, 0x82, 0x01, 0x00})
	f.Add([]byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range Formats() {
			Check(format, data)
		}
	})
}
