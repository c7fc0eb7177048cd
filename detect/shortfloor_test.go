package detect

import (
	"slices"
	"testing"

	"github.com/leakhound/leakhound/entropy"
)

// pseudoRandom returns the first value of n characters of alphabet, drawn
// by a fixed xorshift generator, whose Shannon entropy lies in [lo, hi)
// and that holds no typed run: built at run time, so that this file holds
// no literal secret.
func pseudoRandom(t *testing.T, alphabet string, n int, lo, hi float64) string {
	t.Helper()
	x := uint32(2463534242)
	b := make([]byte, n)
	for try := 0; try < 100000; try++ {
		for i := range b {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b[i] = alphabet[x%uint32(len(alphabet))]
		}
		if h := entropy.Shannon(b); h >= lo && h < hi && !typedSequence(b) {
			return string(b)
		}
	}
	t.Fatalf("no value of %d characters of %q with entropy in [%.2f, %.2f)", n, alphabet, lo, hi)
	return ""
}

// TestShortRandomValueUnderTheFloor: a short random value falls under a
// floor set for long ones now and then (16 hex characters score 3.2 bits
// per byte on average, under 3 one time in eight); the floor is lowered to
// the entropy 99 in 100 random values of the value's length and alphabet
// reach. A hex digest under a rule whose format states base64 keeps the
// rule's floor, and so do a value typed in runs and a generic rule's value
// shorter than minGenericRandomLen.
func TestShortRandomValueUnderTheFloor(t *testing.T) {
	d := defaultDetector(t)
	hex16 := pseudoRandom(t, "0123456789abcdef", 16, 2.7, 2.95)
	digest := pseudoRandom(t, "0123456789abcdef", 40, 3.5, 3.9)
	typed := "1234" + "abcd" + "123abc12" // 16 hex characters in runs, 2.91 bits per byte
	short := pseudoRandom(t, "0123456789abcdefghijklmnopqrstuvwxyz", 9, 2.4, 2.95)
	for _, tt := range []struct {
		path, text string
		want       []string
	}{
		{"deploy/run.sh", `curl -X POST https://api.example.com/v1/tasks -H "Token: ` + hex16 + `"`, []string{"command-line-auth-header=" + hex16 + " (medium)"}},
		{"config/app.env", "AWS_SECRET_" + "ACCESS_KEY=" + digest, []string{"generic-secret-env-file=" + digest + " (medium)"}},
		{"config/app.env", "API_" + "TOKEN=" + typed, nil},
		{"config/app.env", "API_" + "TOKEN=" + short, nil}, // a generic rule's short value keeps the floor
	} {
		got := findings(t, d, tt.path, tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q: got %q, want %q", tt.path, tt.text, got, tt.want)
		}
	}
}

// TestShortDrawnPasswords: a generic rule holds a value of 8 to 11
// characters to the floor random values of its length reach when it reads
// as drawn (capitals, small letters and digits, and punctuation if any,
// changing class four times or more, see drawnMix), so that a short
// generated password that repeats a character is found as a longer one
// is; a word with digits, a word in leetspeak, an identifier's words and a
// typed run keep the rule's floor. A name that runs "pass" into a word and
// aligns its operator is read too (Moodle's $CFG->dbpass).
func TestShortDrawnPasswords(t *testing.T) {
	d := defaultDetector(t)
	drawn := "n84" + "ASM54y4" // three 4s: 2.85 bits per byte, under the generic floor of 3
	punct := "nCz" + "x8A8#!"  // two 8s: 2.95 bits per byte
	for _, tt := range []struct {
		path, text string
		want       []string
	}{
		{".env", "DB_PASSWORD=" + drawn, []string{"generic-secret-env-file=" + drawn + " (medium)"}},
		{"docker-compose.yml", "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=" + drawn + "\n", []string{"generic-secret-env-file=" + drawn + " (medium)"}},
		{"config.js", "module.exports = { password: \"" + drawn + "\" };\n", []string{"generic-secret-assignment=" + drawn + " (medium)"}},
		{"config.php", "<?php\n$CFG->dbpass    = '" + drawn + "';\n", []string{"generic-secret-assignment=" + drawn + " (medium)"}},
		{".env", "DB_PASSWORD=" + punct, []string{"generic-secret-config-line=" + punct + " (medium)"}}, // "#" ends a value in code
		{"config.yml", "db:\n  password: \"" + punct + "\"\n", []string{"generic-secret-assignment=" + punct + " (medium)"}},
		{".env", "DB_PASSWORD=P@ssw0rd!", nil},
		{".env", "DB_PASSWORD=ch@ngeMe1", nil},
		{".env", "DB_PASSWORD=Summer2024", nil},
		{".env", "DB_PASSWORD=Admin1234", nil},
		{"config.js", "const apiKey = \"Base64Key\";\n", nil},
		{"config.js", "const token = \"aB1cD2eF3\";\n", nil},
	} {
		got := findings(t, d, tt.path, tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q: got %q, want %q", tt.path, tt.text, got, tt.want)
		}
	}
}
