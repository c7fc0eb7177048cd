package detect

import (
	"strings"
	"testing"
)

func TestJSONObjectStart(t *testing.T) {
	for _, c := range []struct {
		v    string
		want bool
	}{
		{`{"auths":{"r.example.net":{}}}`, true},
		{`{ "api_token" : "x"}`, true},
		{`{\"auths\":{}}`, true},
		{`{Kp9"Lm2Qx7vR4"}`, false},
		{`{{ .Values.token }}`, false},
		{`{"":1}`, false},
		{`{"unclosed`, false},
		{`Kp9Lm2Qx7vR4`, false},
	} {
		if got := jsonObjectStart([]byte(c.v)); got != c.want {
			t.Errorf("jsonObjectStart(%q) = %v, want %v", c.v, got, c.want)
		}
	}
}

// TestJSONObjectMembersRead: a JSON object in a string is not one secret,
// and the member named for a secret inside it is found.
func TestJSONObjectMembersRead(t *testing.T) {
	d := defaultDetector(t)
	secret := strings.ToUpper("r") + "k7vQ2mX9pL4wZ8nB3cT6yH1"
	text := "export APP_SECRETS='{\"region\": \"eu\", \"api_token\": \"" + secret + "\"}'\n"
	got := secrets(detect(t, d, "deploy/env.sh", text))
	if len(got) != 1 || got[0] != "generic-secret-assignment="+secret {
		t.Fatalf("secrets = %q, want only the member's %q", got, secret)
	}
}
