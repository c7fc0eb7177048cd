package prereceive

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseInput(t *testing.T) {
	zero := strings.Repeat("0", 40)
	a, b := strings.Repeat("a", 40), strings.Repeat("b", 40)
	in := zero + " " + a + " refs/heads/new\n\n" + a + " " + b + " refs/heads/main\n" + b + " " + zero + " refs/tags/old\n"
	got, err := ParseInput(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !got[0].Create() || got[0].Delete() || got[1].Create() || got[1].Delete() || !got[2].Delete() || got[1].Ref != "refs/heads/main" {
		t.Errorf("got %+v", got)
	}
	for _, bad := range []string{
		"refs/heads/main " + a + " " + b,                     // pre-push order
		a + " " + b,                                          // no ref
		a + " " + strings.ToUpper(b) + " refs/heads/x",       // not lower-case hex
		a + " " + strings.Repeat("b", 64) + " refs/heads/x",  // mixed hash lengths
		a + " " + b + " main",                                // not a full ref name
		a + " " + b + " refs/heads/x extra",                  // extra field
		strings.Repeat("x", maxInputLine+1) + " " + b + " r", // too long
	} {
		if _, err := ParseInput(strings.NewReader(bad + "\n")); err == nil {
			t.Errorf("accepted %.60q", bad)
		}
	}
}

func TestPushOptionsAndAllow(t *testing.T) {
	e := env(map[string]string{"GIT_PUSH_OPTION_COUNT": "2", "GIT_PUSH_OPTION_0": "ci.skip", "GIT_PUSH_OPTION_1": "leakhound.allow= fixture "})
	reason, asked := allowReason(PushOptions(e))
	if !asked || reason != "fixture" {
		t.Errorf("reason %q asked %v", reason, asked)
	}
	if _, asked := allowReason(PushOptions(env(map[string]string{"GIT_PUSH_OPTION_COUNT": "1", "GIT_PUSH_OPTION_0": "leakhound.allowx=1"}))); asked {
		t.Error("another option taken for leakhound.allow")
	}
	if reason, asked := allowReason([]string{"leakhound.allow"}); !asked || reason != "" {
		t.Errorf("bare option: %q %v", reason, asked)
	}
	if got := PushOptions(env(map[string]string{"GIT_PUSH_OPTION_COUNT": "x"})); got != nil {
		t.Errorf("bad count: %v", got)
	}
}

func TestPusherFromEnv(t *testing.T) {
	for _, c := range []struct {
		env        map[string]string
		name, from string
	}{
		{map[string]string{"GL_USERNAME": "alice", "USER": "git"}, "alice", "GL_USERNAME"},
		{map[string]string{"GITEA_PUSHER_NAME": "bob", "USER": "git"}, "bob", "GITEA_PUSHER_NAME"},
		{map[string]string{"GITHUB_USER_LOGIN": "carol"}, "carol", "GITHUB_USER_LOGIN"},
		{map[string]string{"REMOTE_USER": "dave", "USER": "www-data"}, "dave", "REMOTE_USER"},
		{map[string]string{"USER": "git"}, "git", "USER"},
		{map[string]string{}, "", ""},
	} {
		p := PusherFromEnv(env(c.env))
		if p.Name != c.name || p.From != c.from {
			t.Errorf("%v: got %+v", c.env, p)
		}
	}
	p := PusherFromEnv(env(map[string]string{"SSH_CONNECTION": "192.0.2.7 51234 198.51.100.1 22"}))
	if p.Address != "192.0.2.7" {
		t.Errorf("address %q", p.Address)
	}
}

func TestConfigFromEnv(t *testing.T) {
	c, err := ConfigFromEnv(env(map[string]string{EnvRules: "/etc/r.toml", EnvLog: "/var/log/lh", EnvAllowPushOption: "true", EnvTimeout: "10s", EnvOnTimeout: "warn"}))
	if err != nil || c.RulesFile != "/etc/r.toml" || c.LogFile != "/var/log/lh" || !c.AllowPushOption || c.Timeout != 10*time.Second || c.OnTimeout != Warn {
		t.Errorf("%+v %v", c, err)
	}
	c, err = ConfigFromEnv(env(nil))
	if err != nil || c.AllowPushOption || c.timeout() != DefaultTimeout || c.OnTimeout != "" {
		t.Errorf("defaults: %+v %v", c, err)
	}
	for _, bad := range []map[string]string{{EnvAllowPushOption: "yes please"}, {EnvTimeout: "soon"}, {EnvTimeout: "0s"}, {EnvOnTimeout: "accept"}} {
		if _, err := ConfigFromEnv(env(bad)); err == nil {
			t.Errorf("accepted %v", bad)
		}
	}
}
