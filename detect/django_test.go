package detect

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/leak"
)

// djangoChars are the characters of Django's get_random_secret_key.
const djangoChars = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"

// TestDjangoSecretKeysWhateverTheyHold plants thousands of random Django
// keys, with and without django-insecure-, in every way a settings module,
// an env file, a compose file, a Dockerfile or a notebook writes them, and
// requires the default rules to find every one, exactly.
func TestDjangoSecretKeysWhateverTheyHold(t *testing.T) {
	d := defaultDetector(t)
	forms := []struct{ path, text string }{
		{"mysite/settings.py", "SECRET_KEY = '@K@'\n"},
		{"mysite/settings/production.py", "SECRET_KEY = \"@K@\"\n"},
		{"conf.py", "SECRET_KEY = r'@K@'  # noqa: S105\n"},
		{"core/config.py", "SECRET_KEY = b\"@K@\"\n"},
		{"local_settings.py", "SECRET_KEY='@K@'\n"},
		{"settings_dev.py", "SECRET_KEY: str = '@K@'\n"},
		{"settings_dev.py", "SECRET_KEY: Final[str] = u\"@K@\"\n"},
		{"settings.py", "SECRET_KEY = '''@K@'''\n"},
		{"settings.py", "SECRET_KEY = \"\"\"@K@\"\"\"\n"},
		{"settings.py", "DJANGO_SECRET_KEY = '@K@'\n"},
		{"manage.py", "settings.configure(DEBUG=True, SECRET_KEY=\"@K@\", ROOT_URLCONF=__name__)\n"},
		{"tests/conftest.py", "    settings.SECRET_KEY = '@K@'\n"},
		{"app/config.py", "CONFIG = {\n    \"SECRET_KEY\": \"@K@\",\n}\n"},
		{"app/config.py", "override_settings(SECRET_KEY='@K@')\n"},
		{"config.json", "{\"SECRET_KEY\": \"@K@\", \"DEBUG\": false}\n"},
		{"config/app.yaml", "SECRET_KEY: \"@K@\"\n"},
		{"config/app.yaml", "SECRET_KEY: '@K@'\n"},
		{"config/app.yaml", "  SECRET_KEY: @K@\n"},
		{".env", "SECRET_KEY=@K@\n"},
		{".env.production", "DJANGO_SECRET_KEY=\"@K@\"\n"},
		{".envrc", "export DJANGO_SECRET_KEY='@K@'\n"},
		{"deploy/app.env", "SECRET_KEY=@K@ # rotated yearly\n"},
		{"docker-compose.yml", "    environment:\n      - SECRET_KEY=@K@\n"},
		{"docker-compose.yml", "    environment:\n      DJANGO_SECRET_KEY: @K@\n"},
		{"Dockerfile", "ENV SECRET_KEY=@K@\n"},
		{"Dockerfile", "ENV SECRET_KEY @K@\n"},
		{"notebooks/setup.ipynb", "    \"SECRET_KEY = \\\"@K@\\\"\\n\",\n"},
		{"README.md", "    SECRET_KEY = '@K@'\n"},
		{"settings.py", "SECRET_KEY = config('SECRET_KEY', default='@K@')\n"},
		{"settings.py", "SECRET_KEY = os.environ.get(\"SECRET_KEY\", \"@K@\")\n"},
		{"settings.py", "os.environ.setdefault('DJANGO_SECRET_KEY', '@K@')\n"},
		{"settings.py", "SECRET_KEY = env(\"SECRET_KEY\", default=\"@K@\")\n"},
	}
	r := rand.New(rand.NewSource(1))
	missed := 0
	n := 4000
	if raceEnabled {
		n = 10 * len(forms)
	}
	for i := 0; i < n; i++ {
		b := make([]byte, 50)
		for j := range b {
			b[j] = djangoChars[r.Intn(len(djangoChars))]
		}
		key := string(b)
		if i%2 == 0 {
			key = "django-insecure-" + key
		}
		f := forms[i%len(forms)]
		if strings.Contains(f.text, " @K@") && key[0] == '=' {
			// "ENV SECRET_KEY =x" reads as SECRET_KEY=x too.
			key = "x" + key[1:]
		}
		text := "DEBUG = False\n" + strings.Replace(f.text, "@K@", key, 1) + "ALLOWED_HOSTS = []\n"
		src := leak.Source{Path: f.path}
		res, err := d.Detect(&leak.Fragment{Content: []byte(text), Sources: []leak.Source{src}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for k := range res.Matches {
			m := &res.Matches[k]
			if _, ok := d.Finding(m, "", src); ok && m.Secret == key {
				found = true
			}
		}
		if !found {
			missed++
			if missed <= 10 {
				t.Errorf("%s: key not found in %q; matches %q", f.path, text, secrets(res.Matches))
			}
		}
	}
	if missed > 0 {
		t.Errorf("%d of %d keys missed", missed, n)
	}
}

// TestDjangoKeyLikeDN: a Django key that begins as an LDAP name's part
// does (l=, c=, o=) is a key: a distinguished name's parts hold words.
func TestDjangoKeyLikeDN(t *testing.T) {
	d := defaultDetector(t)
	for _, key := range []string{"l=iv9oc^p_dlh3ywk3taa#6&" + "@lk_qs*^yp-ap&p!u68^a1gab(", "c=q7#mz2!pl9vr4tw8by6" + "cj0df5gs1aqertuiopasdf"} {
		found := false
		for _, f := range findingsOf(t, d, "mysite/settings.py", "SECRET_KEY = '"+key+"'\n") {
			found = found || f.Secret == key
		}
		if !found {
			t.Errorf("SECRET_KEY %q not found", key)
		}
	}
}
