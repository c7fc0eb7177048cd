package triage

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/leak"
)

// signJWT returns a token of header and claims signed with HMAC by key.
func signJWT(t *testing.T, header, claims, key string, fn func() hash.Hash) string {
	t.Helper()
	enc := base64.RawURLEncoding
	signed := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims))
	mac := hmac.New(fn, []byte(key))
	mac.Write([]byte(signed))
	return signed + "." + enc.EncodeToString(mac.Sum(nil))
}

// TestExampleSignedJWT checks that a token signed with a secret published
// for examples is publicly known (low, with where it is published), with
// any HMAC algorithm, and that the same token signed otherwise is not.
func TestExampleSignedJWT(t *testing.T) {
	tr := defaultTriage(t)
	claims := `{"sub":"1234567890","name":"John Doe","admin":true,"iat":1516239022}`
	// The published secrets, assembled so that this file holds none.
	current := strings.Join([]string{"a", "string", "secret", "at", "least", "256", "bits", "long"}, "-")
	earlier := strings.Join([]string{"your", "256", "bit", "secret"}, "-")
	for _, tt := range []struct {
		name, token string
		known       bool
	}{
		{"HS256, jwt.io's secret", signJWT(t, `{"alg":"HS256","typ":"JWT"}`, claims, current, sha256.New), true},
		{"HS384", signJWT(t, `{"alg":"HS384"}`, claims, current, sha512.New384), true},
		{"HS512", signJWT(t, `{"alg":"HS512"}`, claims, current, sha512.New), true},
		{"jwt.io's earlier secret", signJWT(t, `{"alg":"HS256","typ":"JWT"}`, claims, earlier, sha256.New), true},
		{"another secret", signJWT(t, `{"alg":"HS256","typ":"JWT"}`, claims, current+"!", sha256.New), false},
		{"the algorithm the header does not name", signJWT(t, `{"alg":"HS512"}`, claims, current, sha256.New), false},
		{"not HMAC", signJWT(t, `{"alg":"RS256"}`, claims, current, sha256.New), false},
	} {
		f := &leak.Finding{RuleID: "jwt", Secret: tt.token, Match: tt.token}
		known, sev, ok := tr.Known(f)
		if ok != tt.known || ok && (sev != "low" || !strings.Contains(known, "jwt.io")) {
			t.Errorf("%s: Known = %q, %q, %v; want known %v, low, from jwt.io", tt.name, known, sev, ok, tt.known)
		}
		// A token inside a longer secret (an Authorization header's).
		if tt.known {
			f.Secret = "Bearer " + tt.token
			if _, _, ok := tr.Known(f); !ok {
				t.Errorf("%s: after Bearer: not known", tt.name)
			}
		}
	}
}
