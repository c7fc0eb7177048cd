package detect

import (
	"testing"

	"github.com/leakhound/leakhound/config"
)

func TestStandIn(t *testing.T) {
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		value string
		want  bool
	}{
		{"acme_live_Kp9Lm2Qx7vR4tW8b_extra", true},
		{"AcmeKey:short", true},
		{"zk-Kp9Lm2Qx7vR4invalid", true},
		{"eyJhbGciOiJub25lIn0.e30.signature", true},
		{"XOXB-Kp9Lm2Qx7vR4tW8bHq8ZkX3m", true}, // slack's prefix is lower case only
		{"GHP_Kp9Lm2Qx7vR4tW8bHq8ZkX3mP9vL2nR7", true},
		// Real-looking values stay: random text, a prefix in its own case,
		// marker words glued inside random text, test-mode keys.
		{"xoxb-Kp9Lm2Qx7vR4tW8bHq8ZkX3m", false},
		{"Kp9Lm2Qx7vR4tW8bHq8ZkX3m", false},
		{"EXO88476250a8660f7c7e37bad0", false},
		{"test_Kp9Lm2Qx7vR4tW8bHq8ZkX3m", false},
		{"Vt8k!Q2xR7mZ", false},
	} {
		if got := d.standIn([]byte(c.value)); got != c.want {
			t.Errorf("standIn(%q) = %v, want %v", c.value, got, c.want)
		}
	}
}
