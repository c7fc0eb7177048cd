package triage

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"strings"
)

// exampleJWTSecrets are the HMAC secrets that documentation publishes to
// sign its example JSON Web Tokens with. A token one of them verifies was
// made from the page: anyone can make it, so it grants nothing by itself.
// (The secrets themselves, found as values, are knownSecrets of the
// default rules: code that verifies tokens with them is a finding of its
// own.)
var exampleJWTSecrets = []struct{ secret, published string }{
	{"a-string-secret-at-least-256-bits-long", "https://jwt.io/ (the debugger's default verify secret)"},
	{"your-256-bit-secret", "https://jwt.io/ (the debugger's earlier verify secret)"},
}

// maxExampleJWT bounds the tokens checked against exampleJWTSecrets.
const maxExampleJWT = 8 << 10

// exampleSigned returns where the secret that signed the JSON Web Token
// in s is published, when s holds a token signed with HMAC (alg HS256,
// HS384 or HS512) that one of exampleJWTSecrets verifies.
func exampleSigned(s string) (string, bool) {
	i := strings.Index(s, "eyJ")
	if i < 0 || len(s)-i > maxExampleJWT {
		return "", false
	}
	parts := strings.SplitN(s[i:], ".", 3)
	if len(parts) != 3 {
		return "", false
	}
	sig := parts[2]
	if j := strings.IndexFunc(sig, func(c rune) bool { return !isBase64URL(c) }); j >= 0 {
		sig = sig[:j]
	}
	want, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return "", false
	}
	head, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(head, &h) != nil {
		return "", false
	}
	var fn func() hash.Hash
	switch h.Alg {
	case "HS256":
		fn = sha256.New
	case "HS384":
		fn = sha512.New384
	case "HS512":
		fn = sha512.New
	default:
		return "", false
	}
	signed := []byte(parts[0] + "." + parts[1])
	for _, e := range exampleJWTSecrets {
		mac := hmac.New(fn, []byte(e.secret))
		mac.Write(signed)
		if hmac.Equal(mac.Sum(nil), want) {
			return e.published, true
		}
	}
	return "", false
}

// isBase64URL reports whether c is of the base64url alphabet.
func isBase64URL(c rune) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
