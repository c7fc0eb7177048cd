// Package keystoretest writes key stores for tests: a fresh key and its
// self-signed certificate in a PKCS #12 file or a Java key store, written
// by other libraries than the one under test.
package keystoretest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"
)

// keyAndCert makes a fresh key and a self-signed certificate for it.
func keyAndCert(t testing.TB) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "leakhound test"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

// PKCS12 returns a PKCS #12 key store, written by enc, that opens with
// password.
func PKCS12(t testing.TB, enc *gopkcs12.Encoder, password string) []byte {
	t.Helper()
	key, cert := keyAndCert(t)
	b, err := enc.Encode(key, cert, nil, password)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// JKS returns a JDK key store (JKS) that opens with password.
func JKS(t testing.TB, password string) []byte {
	t.Helper()
	key, cert := keyAndCert(t)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	ks := jks.New(jks.WithMinPasswordLen(0))
	entry := jks.PrivateKeyEntry{CreationTime: time.Now(), PrivateKey: der, CertificateChain: []jks.Certificate{{Type: "X509", Content: cert.Raw}}}
	if err := ks.SetPrivateKeyEntry("test", entry, []byte(password)); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ks.Store(&b, []byte(password)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
