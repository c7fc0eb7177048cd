// Package keystore judges the content of a file whose name says it is a
// key store: whether it is one at all, and whether it opens with a password
// that everyone knows. A rule on paths alone (a .p12 file, say) asks it
// once the file is read, so that a file that only bears the name is no
// finding and one that anybody can open is told apart from one that needs
// its owner's password.
//
// It reads untrusted input: every length is checked, the work a file can
// ask for (a key derivation's iterations) is bounded by MaxIterations, and
// the work of all the files a Checker judges by its budget.
package keystore

import (
	"bytes"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"math/big"
	"slices"
	"sync/atomic"
	"unicode/utf16"
)

// Formats returns the formats Check knows, the values a rule's format key
// takes.
func Formats() []string { return []string{"pkcs12", "jks", "der"} }

// EmptyIsStore reports whether an empty file under a name of format's
// still says that the project keeps key stores there (the next version
// may hold one): .p12 and .jks files are key stores by name, while the
// names of der (.der, .key) are as often a certificate's, a licence's or
// nothing's, so an empty one says nothing.
func EmptyIsStore(format string) bool { return format != "der" }

// Verdict is what Check makes of a file's content.
type Verdict struct {
	// NotKeyStore says that the content is not in the format at all
	// (random bytes, text, a file cut short), so that the file holds no
	// key, whatever its name.
	NotKeyStore bool
	// Opens says that the key store opens with Password, a password
	// that is public knowledge (empty, a vendor's default).
	Opens    bool
	Password string
}

// KnownPasswords are the passwords Check tries: the empty one, Google's
// for every service-account .p12 key, the JDK's for its key stores,
// Android's for its debug key store, and the defaults that tutorials and
// tools suggest.
var KnownPasswords = []string{"", "notasecret", "changeit", "android", "changeme", "password", "secret", "123456"}

// MaxIterations bounds the iterations of a key derivation Check runs for
// each password it tries. Tools write 2,048 (OpenSSL), 2,000 (Windows) or
// 10,000 (the JDK); a file that asks for more is judged a key store whose
// password is not tried.
const MaxIterations = 100000

// Checker judges content as Check does, within a budget of hash
// compressions (a key derivation's iterations, a digest's blocks) that all
// its calls share: once it is spent, a key store's password is no longer
// tried, so that a repository of many files that each ask for the most
// work cannot make a scan slow. It is safe for concurrent use.
type Checker struct {
	left atomic.Int64
}

// DefaultBudget is the budget of a Checker a scan uses: some seconds of
// work, enough for thousands of key stores as tools write them (2,048
// iterations for each password tried).
const DefaultBudget = 50_000_000

// NewChecker returns a Checker whose calls spend at most budget hash
// compressions in all.
func NewChecker(budget int64) *Checker {
	c := new(Checker)
	c.left.Store(budget)
	return c
}

// spend takes n from c's budget and reports whether it held that much; a
// nil Checker has no bound.
func (c *Checker) spend(n int) bool {
	return c == nil || c.left.Add(-int64(n)) >= 0
}

// Check returns the verdict on content in format (one of Formats), as the
// package's Check does, spending c's budget.
func (c *Checker) Check(format string, content []byte) Verdict {
	if len(content) == 0 {
		return Verdict{}
	}
	switch format {
	case "der":
		return derKey(content)
	case "pkcs12":
		return c.pkcs12(content)
	case "jks":
		return c.jks(content)
	}
	return Verdict{}
}

// Check returns the verdict on content in format (one of Formats) with no
// bound on the work of all calls (see Checker); an unknown format, or an
// empty content, gets the zero Verdict.
//
// pkcs12 is PKCS #12 (.p12, .pfx). jks is what Java keeps keys in (.jks,
// .keystore, .bks): the JDK's JKS and JCEKS, whose integrity digest is
// tried with the known passwords, and PKCS #12 (the JDK's default since
// 9), judged as pkcs12. Other content under those names (Bouncy Castle's
// BKS, Elasticsearch's secure settings in elasticsearch.keystore) is a key
// store whose password is not tried: a name shared by so many formats says
// nothing when the content is none of these.
func Check(format string, content []byte) Verdict {
	var c *Checker
	return c.Check(format, content)
}

// derKey judges a private key in DER form, the binary of a PEM block's
// base64 (Java's PKCS8EncodedKeySpec reads it from a .der file): PKCS #8
// (RFC 5958 OneAsymmetricKey: RSA, EC, Ed25519, X25519 and the rest), PKCS
// #1 RSA (RFC 8017), SEC1 EC (RFC 5915), or an encrypted PKCS #8 key
// (EncryptedPrivateKeyInfo under a PBES2, PBES1 or PKCS #12 PBE
// algorithm), whose password is not tried. Anything else (a certificate, a
// public key, text, a PKCS #12 store) is no key.
//
// Only the structure is read (encoding/asn1, in time linear in the
// content): crypto/x509's parsers also validate an RSA key, modular
// arithmetic that takes milliseconds for a large one, a cost a hostile
// repository of many such files could multiply; and a structure with a
// private key's fields holds one whether or not its numbers agree.
func derKey(data []byte) Verdict {
	if data[0] != 0x30 {
		return Verdict{NotKeyStore: true}
	}
	whole := func(v any) bool {
		rest, err := asn1.Unmarshal(data, v)
		return err == nil && len(rest) == 0
	}
	var p8 struct {
		Version    int
		Algorithm  algorithmIdentifier
		PrivateKey []byte
		Attributes asn1.RawValue `asn1:"optional,tag:0"`
		PublicKey  asn1.RawValue `asn1:"optional,tag:1"`
	}
	if whole(&p8) && (p8.Version == 0 || p8.Version == 1) && len(p8.PrivateKey) > 0 {
		return Verdict{}
	}
	var p1 struct {
		Version                     int
		N, E, D, P, Q, Dp, Dq, Qinv *big.Int
		OtherPrimes                 asn1.RawValue `asn1:"optional"`
	}
	if whole(&p1) && (p1.Version == 0 || p1.Version == 1) && p1.N.Sign() > 0 && p1.D.Sign() > 0 {
		return Verdict{}
	}
	var sec1 struct {
		Version    int
		PrivateKey []byte
		Parameters asn1.RawValue `asn1:"optional,explicit,tag:0"`
		PublicKey  asn1.RawValue `asn1:"optional,explicit,tag:1"`
	}
	if whole(&sec1) && sec1.Version == 1 && len(sec1.PrivateKey) > 0 {
		return Verdict{}
	}
	var epki struct {
		Algorithm algorithmIdentifier
		Data      []byte
	}
	if whole(&epki) && len(epki.Data) > 0 && passwordBased(epki.Algorithm.Algorithm) {
		return Verdict{}
	}
	return Verdict{NotKeyStore: true}
}

// passwordBased reports whether oid names a password-based encryption
// scheme a private key is encrypted with: PKCS #5's PBES2 and PBES1
// (1.2.840.113549.1.5.13; .1, .3, .4, .6, .10, .11) or PKCS #12's
// (1.2.840.113549.1.12.1.*).
func passwordBased(oid asn1.ObjectIdentifier) bool {
	n := len(oid) - 1
	switch {
	case n < 0:
		return false
	case oidPKCS5.Equal(oid[:n]):
		return slices.Contains([]int{1, 3, 4, 6, 10, 11, 13}, oid[n])
	}
	return oidPKCS12PBE.Equal(oid[:n])
}

// jks judges a Java key store (see Check).
func (c *Checker) jks(data []byte) Verdict {
	if data[0] == 0x30 {
		return c.pkcs12(data)
	}
	if len(data) < 12+sha1.Size {
		return Verdict{}
	}
	switch binary.BigEndian.Uint32(data) {
	case 0xfeedfeed, 0xcececece: // JKS, JCEKS
		body, digest := data[:len(data)-sha1.Size], data[len(data)-sha1.Size:]
		for _, pw := range KnownPasswords {
			if !c.spend(len(body)/64 + 1) {
				break
			}
			// The digest is SHA-1 of the password's UTF-16 code units,
			// big-endian, the words "Mighty Aphrodite" and what precedes it.
			h := sha1.New()
			h.Write(utf16BE(pw))
			h.Write([]byte("Mighty Aphrodite"))
			h.Write(body)
			if hmac.Equal(h.Sum(nil), digest) {
				return Verdict{Opens: true, Password: pw}
			}
		}
	}
	return Verdict{}
}

// utf16BE returns pw's UTF-16 code units, big-endian.
func utf16BE(pw string) []byte {
	u := utf16.Encode([]rune(pw))
	b := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return b
}

// pfx is PKCS #12's outer structure (RFC 7292, section 4).
type pfx struct {
	Version  int
	AuthSafe contentInfo
	MacData  macData `asn1:"optional"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type macData struct {
	Mac        digestInfo
	MacSalt    []byte
	Iterations int `asn1:"optional,default:1"`
}

type digestInfo struct {
	Algorithm algorithmIdentifier
	Digest    []byte
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

// pbmac1Params are RFC 9579's parameters of a PBMAC1 MAC.
type pbmac1Params struct {
	KDF    algorithmIdentifier
	MacAlg algorithmIdentifier
}

// pbkdf2Params are PKCS #5's (RFC 8018, appendix A.2).
type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                 `asn1:"optional"`
	PRF        algorithmIdentifier `asn1:"optional"`
}

var (
	oidPKCS5      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5}     // PBES1, PBES2, PBKDF2, PBMAC1 are its arcs
	oidPKCS12PBE  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1} // pkcs-12PbeIds
	oidPBMAC1     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
)

var (
	oidData   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

// pkcs12 judges a PKCS #12 file, or its base64 text (what a CI variable
// holds, written to a file). Only what is sure says NotKeyStore: a first
// byte that does not open a SEQUENCE, or a definite length longer than the
// file. A structure encoding/asn1 cannot read (BER's indefinite
// lengths, which some tools write) is a key store whose password is not
// tried, as is one without a MAC, with a MAC of a kind it does not know,
// or one that asks for more than MaxIterations.
func (c *Checker) pkcs12(data []byte) Verdict {
	if data[0] != 0x30 {
		if b := base64Text(data); b != nil {
			return c.pkcs12(b)
		}
		return Verdict{NotKeyStore: true}
	}
	if cut(data) {
		return Verdict{NotKeyStore: true}
	}
	var p pfx
	if _, err := asn1.Unmarshal(data, &p); err != nil {
		return Verdict{}
	}
	if !p.AuthSafe.ContentType.Equal(oidData) || p.MacData.Mac.Digest == nil {
		return Verdict{}
	}
	var content []byte
	if _, err := asn1.Unmarshal(p.AuthSafe.Content.Bytes, &content); err != nil {
		return Verdict{}
	}
	m := p.MacData
	if m.Mac.Algorithm.Algorithm.Equal(oidPBMAC1) {
		return c.pbmac1(m, content)
	}
	if m.Iterations < 1 || m.Iterations > MaxIterations || len(m.MacSalt) > 1024 {
		return Verdict{}
	}
	h, v := macHash(m.Mac.Algorithm.Algorithm)
	if h == nil || len(m.Mac.Digest) != h().Size() {
		return Verdict{}
	}
	for _, pw := range KnownPasswords {
		for _, enc := range encodings(pw) {
			if !c.spend(m.Iterations + len(content)/64) {
				return Verdict{}
			}
			key := deriveMACKey(h, v, m.MacSalt, enc, m.Iterations)
			if macEqual(h, key, content, m.Mac.Digest) {
				return Verdict{Opens: true, Password: pw}
			}
		}
	}
	return Verdict{}
}

// pbmac1 tries the known passwords on a MAC of RFC 9579's kind: HMAC with
// a key PBKDF2 derives from the password in UTF-8. A key shorter than 20
// bytes is refused, as the RFC recommends (with a short one, many a
// password would seem to open the file), as is one longer than 64.
func (c *Checker) pbmac1(m macData, content []byte) Verdict {
	var params pbmac1Params
	if _, err := asn1.Unmarshal(m.Mac.Algorithm.Parameters.FullBytes, &params); err != nil || !params.KDF.Algorithm.Equal(oidPBKDF2) {
		return Verdict{}
	}
	var kdf pbkdf2Params
	if _, err := asn1.Unmarshal(params.KDF.Parameters.FullBytes, &kdf); err != nil {
		return Verdict{}
	}
	if kdf.Iterations < 1 || kdf.Iterations > MaxIterations || kdf.KeyLength < 20 || kdf.KeyLength > 64 || len(kdf.Salt) > 1024 {
		return Verdict{}
	}
	prf := sha1.New // the default PRF
	if kdf.PRF.Algorithm != nil {
		prf = hmacHash(kdf.PRF.Algorithm)
	}
	h := hmacHash(params.MacAlg.Algorithm)
	if prf == nil || h == nil || len(m.Mac.Digest) != h().Size() {
		return Verdict{}
	}
	for _, pw := range KnownPasswords {
		if !c.spend(2*kdf.Iterations + len(content)/64) { // HMAC: two compressions
			return Verdict{}
		}
		key, err := pbkdf2.Key(prf, pw, kdf.Salt, kdf.Iterations, kdf.KeyLength)
		if err == nil && macEqual(h, key, content, m.Mac.Digest) {
			return Verdict{Opens: true, Password: pw}
		}
	}
	return Verdict{}
}

// macEqual reports whether the HMAC with h and key of content is want.
func macEqual(h func() hash.Hash, key, content, want []byte) bool {
	mac := hmac.New(h, key)
	mac.Write(content)
	return hmac.Equal(mac.Sum(nil), want)
}

// hmacHash returns the hash of an HMAC algorithm PKCS #5 names, or nil.
func hmacHash(oid asn1.ObjectIdentifier) func() hash.Hash {
	switch {
	case oid.Equal(oidHMACSHA1):
		return sha1.New
	case oid.Equal(oidHMACSHA256):
		return sha256.New
	case oid.Equal(oidHMACSHA384):
		return sha512.New384
	case oid.Equal(oidHMACSHA512):
		return sha512.New
	}
	return nil
}

// base64Text returns the DER that data, base64 text of a SEQUENCE with a
// long length ("MII..."), wrapped or not, decodes to, or nil.
func base64Text(data []byte) []byte {
	t := bytes.TrimSpace(data)
	if !bytes.HasPrefix(t, []byte("MII")) {
		return nil
	}
	t = bytes.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, t)
	b := make([]byte, base64.StdEncoding.DecodedLen(len(t)))
	n, err := base64.StdEncoding.Decode(b, t)
	if err != nil || n == 0 || b[0] != 0x30 {
		return nil
	}
	return b[:n]
}

// cut reports whether the DER header at data's start declares a definite
// length longer than data: a file cut short.
func cut(data []byte) bool {
	if len(data) < 2 {
		return true
	}
	l := int(data[1])
	if l < 0x80 {
		return 2+l > len(data)
	}
	n := l & 0x7f
	if n == 0 {
		return false // indefinite length (BER)
	}
	if n > 4 || 2+n > len(data) {
		return true
	}
	size := 0
	for _, b := range data[2 : 2+n] {
		size = size<<8 | int(b)
	}
	return 2+n+size > len(data)
}

// macHash returns the hash a MAC's algorithm names and its block size in
// bytes, or nil.
func macHash(oid asn1.ObjectIdentifier) (func() hash.Hash, int) {
	switch {
	case oid.Equal(oidSHA1):
		return sha1.New, 64
	case oid.Equal(oidSHA256):
		return sha256.New, 64
	case oid.Equal(oidSHA384):
		return sha512.New384, 128
	case oid.Equal(oidSHA512):
		return sha512.New, 128
	}
	return nil, 0
}

// encodings returns the ways a password enters PKCS #12's key derivation:
// a BMPString with two zero bytes at its end; for the empty password, also
// no bytes at all, which some tools write.
func encodings(pw string) [][]byte {
	b := append(utf16BE(pw), 0, 0)
	if pw == "" {
		return [][]byte{b, nil}
	}
	return [][]byte{b}
}

// deriveMACKey is PKCS #12's key derivation (RFC 7292, appendix B.2) with
// ID 3, for a MAC key as long as h's output: D is v bytes of the ID, I the
// salt and the password each repeated to a multiple of v bytes, and the
// key the first block of H^iterations(D || I).
func deriveMACKey(h func() hash.Hash, v int, salt, password []byte, iterations int) []byte {
	d := bytes.Repeat([]byte{3}, v)
	i := append(fill(salt, v), fill(password, v)...)
	hh := h()
	hh.Write(d)
	hh.Write(i)
	a := hh.Sum(nil)
	for n := 1; n < iterations; n++ {
		hh.Reset()
		hh.Write(a)
		a = hh.Sum(a[:0])
	}
	return a
}

// fill repeats b to the least multiple of v bytes that holds it.
func fill(b []byte, v int) []byte {
	if len(b) == 0 {
		return nil
	}
	n := v * ((len(b) + v - 1) / v)
	out := make([]byte, n)
	for k := 0; k < n; k += len(b) {
		copy(out[k:], b)
	}
	return out
}
