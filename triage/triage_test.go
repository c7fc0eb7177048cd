package triage

import (
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/checksum"
	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

func defaultTriage(t *testing.T) *Triage {
	t.Helper()
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestPathContext(t *testing.T) {
	tr := defaultTriage(t)
	for _, tt := range []struct{ path, want string }{
		{"app/settings.py", Code},
		{"tox.ini", Code},
		{".travis.yml", Code},
		{"celery/app/base.py", Code},
		{"app/contest.py", Code},
		{"app/latest/config.py", Code},
		{"src/attestation/keys.py", Code},
		{"requirements.txt", Code},
		{"t/unit/security/__init__.py", Test},
		{"tests/test_login.py", Test},
		{"test/config.js", Test},
		{"funtests/stress/stress/templates.py", Test},
		{"testproj/settings.py", Test},
		{"flask/testsuite/basic.py", Test},
		{"spec/models/user_spec.rb", Test},
		{"app/__tests__/api.js", Test},
		{"app/conftest.py", Test},
		{"pkg/db_test.go", Test},
		{"src/App.test.tsx", Test},
		{"src/main/java/FooTest.java", Test},
		{"integration-tests/run.sh", Test},
		{"charts/kiam/ci/tls-values.yaml", Test},
		{"charts/kiam/values.yaml", Code},
		{"babybuddy/settings/ci.py", Test},
		{"app/settings/travis.py", Test},
		{"proj/settings_ci.py", Test},
		{"proj/ci_settings.py", Test},
		{"app/settings/production.py", Code},
		{"app/settings/circle.py", Code},
		{"requirements/celery-3.0.19.tar.gz!celery-3.0.19/celery/tests/security/__init__.py", Vendored},
		{"docs/licenses/jwcrypto-1.0.tar.gz!jwcrypto-1.0/jwcrypto/tests-cookbook.py", Vendored},
		{"lib/commons-io-2.4.jar!META-INF/maven/pom.properties", Vendored},
		{"deploy/bundle.tar.gz!app/settings.py", Code},
		{"nautobot/project-static/bootstrap-5.0.2/site/assets/js/search.js", Vendored},
		{"static/monaco-editor-0.52.2/vs/editor/editor.main.js", Vendored},
		{"src/python-3.12/settings.py", Code},
		// the path a scan judges a file inside an archive by
		{"requirements/pkg-1.0.tar.gz/pkg-1.0/tests/conf.py", Vendored},
		{"deploy/bundle.tar.gz/app/tests/conf.py", Test},
		{"ci/deploy.yaml", Code},
		{"testdata/keys.json", Fixture},
		{"app/fixtures/users.json", Fixture},
		{"src/__fixtures__/token.txt", Fixture},
		{"tests/fixtures/key.pem", Fixture},
		{"src/initial_data.json", Fixture},
		{"examples/django/proj/settings.py", Example},
		{"sample/app.py", Example},
		{".env.example", Example},
		{"config/settings.sample.yml", Example},
		{"config.yml.dist", Example},
		{"docs/userguide/configuration.rst", Docs},
		{"README.md", Docs},
		{"guide/setup.adoc", Docs},
		{"doc/index.html", Docs},
		{"src/pip/_vendor/urllib3/util.py", Vendored},
		{"htmlcov/rest_framework_authentication.html", Vendored},
		{"mkdocs/search_index.json", Docs},
		{"docs/_build/html/api.html", Docs},
		{"build/_build/html/index.html", Docs},
		{"site/_static/searchtools.js", Docs},
		{"public/_sources/auth.rst.txt", Docs},
		{"api-guide/authentication/index.html", Code},
		{"vendor/github.com/x/y/y_test.go", Vendored},
		{"third_party/lib/config.py", Vendored},
		{"refs/tags/v1:tests/key.pem", Test},
		{"refs/tags/v1", Code},
	} {
		if got := tr.PathContext(tt.path); got != tt.want {
			t.Errorf("PathContext(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// TestBuiltSite checks that the pages of a built documentation site are
// documentation once a marker of the site was seen (SetSites), wherever
// the site lives (a gh-pages branch's root, site/, public/), and that
// templates and pages outside the site stay code.
func TestBuiltSite(t *testing.T) {
	for _, tt := range []struct {
		path, root string
		ok         bool
	}{
		{"search/search_index.json", "", true},
		{"mkdocs/search_index.json", "", true},
		{"site/search/search_index.json", "site", true},
		{"docs/_build/html/searchindex.js", "docs/_build/html", true},
		{"public/objects.inv", "public", true},
		{"src/search/index.json", "", false},
		{"app/searchindex.jsx", "", false},
	} {
		root, ok := SiteRoot(tt.path)
		if root != tt.root || ok != tt.ok {
			t.Errorf("SiteRoot(%q) = %q, %v; want %q, %v", tt.path, root, ok, tt.root, tt.ok)
		}
	}

	tr := defaultTriage(t)
	if got := tr.PathContext("api-guide/authentication/index.html"); got != Code {
		t.Fatalf("before SetSites: %q", got)
	}
	tr.SetSites([]string{"", "public", ""})
	for _, tt := range []struct{ path, want string }{
		{"api-guide/authentication/index.html", Docs},
		{"api-guide/authentication.html", Docs},
		{"public/index.HTM", Docs},
		{"app/templates/base.html", Code},
		{"templates/base.html", Code},
		{"app/settings.py", Code},
		{"tests/page.html", Test},
	} {
		if got := tr.PathContext(tt.path); got != tt.want {
			t.Errorf("PathContext(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
	tr.SetSites([]string{"public"})
	for _, tt := range []struct{ path, want string }{
		{"public/guide/index.html", Docs},
		{"publicity/index.html", Code},
		{"index.html", Code},
	} {
		if got := tr.PathContext(tt.path); got != tt.want {
			t.Errorf("site public/: PathContext(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// TestPathContextsOverride checks that a rules file's [[pathContexts]]
// come before the built-in layouts, both to mark more paths and to say
// that a path the layouts take for a test is production code.
func TestPathContextsOverride(t *testing.T) {
	cfg, err := config.Parse("r.toml", []byte(`
[extend]
useDefault = true

[[pathContexts]]
context = "code"
paths = ['''^testproj/''']

[[pathContexts]]
context = "fixture"
paths = ['''^qa/data/''']
`))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"testproj/settings.py": Code, "qa/data/x.json": Fixture, "tests/x.py": Test} {
		if got := tr.PathContext(path); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}

// TestPathContextsErrors checks that mistakes in [[pathContexts]] and
// [[knownSecrets]] name the file and line.
func TestPathContextsErrors(t *testing.T) {
	_, err := config.Parse("r.toml", []byte(`[extend]
useDefault = true

[[pathContexts]]
context = "tests"
paths = ['''(''']

[[knownSecrets]]
description = "x"
regexes = ['''abc''']
severity = "huge"
`))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`r.toml:5: pathContexts: context must be one of code, test, fixture, example, docs, vendored, not "tests"`,
		`r.toml:6: bad regex in paths[0]: missing closing )`,
		`r.toml:8: knownSecrets: published is required`,
		`r.toml:11: knownSecrets: severity must be one of`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}

// credURL assembles a URL with credentials at run time, so that the
// test's source holds none for a scan of this repository to report.
func credURL(scheme, user, pass, rest string) string {
	return scheme + "://" + user + ":" + pass + "@" + rest
}

func TestValueFlags(t *testing.T) {
	for _, tt := range []struct {
		secret string
		want   []string
	}{
		{"Xq7#mZ2pL9vR", nil},
		{"ghp_" + "R8nQ2vX7kL4mP9tW3yB6cJ1dF5gH0sA2eU8i", nil},
		{"wJ9p" + "Qe2Lx7Rz4Kv8Nc3Bm6Ty1Hs5Gd0Fa", nil},
		{"your-api-key-here", []string{FlagPlaceholder, FlagDictionary}},
		{"sample-token-0001", []string{FlagPlaceholder, FlagDictionary}},
		{"todo-fill-in", []string{FlagPlaceholder}},
		{"supersecretpassword", []string{FlagDictionary}},
		{"my-dev-secret-key", []string{FlagDictionary}},
		{"aaaaaaaaaaaaaaaaaaaa", []string{FlagLowEntropy, FlagRepetitive}},
		{"abab1212abab1212", []string{FlagLowEntropy}},
		{"k3yk3yk3yk3y", []string{FlagLowEntropy, FlagRepetitive}},
		{"Zq0abcdefRt9Lm2Wx7", []string{FlagSequential}},
		{"Tn4q987654Lx2Vc8", []string{FlagSequential}},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + "IBAAKCAQEAx9Lq3", nil},
		// a password hash's iteration count is no run in its random text
		{"pbkdf2_sha256$600000$Xq7mZ2pL9vR4$" + "PMfVTWFgDW0iLVCIEZJa5g/IQDbPUUJ6qWyKy3Ah2HQ=", nil},
		{"pbkdf2_sha256$600000$Xq7mZ2pL9vR4$" + "PMfVTWFgDW0000000Ja5g/IQDbPUUJ6qWyKy3Ah2HQ=", []string{FlagRepetitive}},
		{"000000000000$1", []string{FlagLowEntropy, FlagRepetitive}},
		// a name in angle brackets stands for the value; brackets among a
		// generated key's symbols do not
		{"<api-token>", []string{FlagPlaceholder, FlagDictionary}},
		{"<HOOK_URL>", []string{FlagPlaceholder}},
		{"&lt;user:password&gt;", []string{FlagPlaceholder}},
		{"sk-<<OPENAI_KEY>>", []string{FlagPlaceholder}},
		{"cwygEE6mm.7&C<^4q?.mPWZ!>^+y+;Rk&?:}w", nil},
		{"{{ vault_api_token }}", []string{FlagPlaceholder}},
		{"${DEPLOY_KEY}", []string{FlagPlaceholder}},
		{"%(db_password)s", []string{FlagPlaceholder, FlagDictionary}},
		// a Django key's alphabet holds "%" and "(", "$" and "{" appear in others
		{"django-insecure-078(hlyosboh!agk)6(t)%(##(%y@z)(&uwevs$kh6e@grug%s", nil},
		{"Lq8${Zx4m{{Tr2", nil},
		{"Wq4<Zr8Lm2Tx6", nil},
		// stand-ins written in words, in capitals or run together
		{"INSECURE, DO NOT USE", []string{FlagDictionary}},
		{"CISECRETKEYIGUESS", []string{FlagDictionary}},
		{"irrelevant", []string{FlagDictionary}},
		// a URL is judged by its password: a word or the user's name again
		// is a stand-in whatever the host and database are called; a random
		// one is not made a stand-in by them
		{"postgresql://datastore_default:pass@localhost/datastore_default", []string{FlagDictionary}},
		{"postgres://kuma:kuma@localhost/kuma", []string{FlagDictionary}},
		{credURL("postgres", "postgres", "k3Jx9wQ", "localhost/postgres"), nil},
		{credURL("postgres", "app", "Xq7mZ2pL9vR4", "db.example.com/app"), []string{FlagPlaceholder}},
		{credURL("redis", "", "sk9Lm2Qx7vR4tW8b", "cache:6379/0"), nil},
		{"just-for-generating-client", []string{FlagDictionary}},
	} {
		got := ValueFlags(tt.secret)
		if !slices.Equal(got, tt.want) {
			t.Errorf("ValueFlags(%q) = %q, want %q", tt.secret, got, tt.want)
		}
	}
}

func TestKindConfidence(t *testing.T) {
	for _, tt := range []struct {
		r    config.Rule
		want string
	}{
		{config.Rule{ID: "gh", Value: `ghp_[A-Za-z0-9]{36}`}, "high"},
		{config.Rule{ID: "aws", Regex: `\b((?:AKIA|ASIA)[A-Z2-7]{16})\b`}, "medium"},
		{config.Rule{ID: "aws2", Regex: `\b(AKIA[A-Z2-7]{16})\b`}, "high"},
		{config.Rule{ID: "pem", Regex: `-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]*?-----END`}, "high"},
		{config.Rule{ID: "named", Names: []string{"acme"}, Value: `[a-f0-9]{32}`}, "medium"},
		{config.Rule{ID: "p12", Path: `\.p12$`}, "high"},
		{config.Rule{ID: "ctx", Regex: `token\s*=\s*"(sk_live_[a-z0-9]{24})"`, SecretGroup: 1}, "high"},
	} {
		if got := KindConfidence(&tt.r); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.r.ID, got, tt.want)
		}
	}
	for secret, want := range map[string]string{
		"Xq7#mZ2pL9vRt4":      "medium",
		"hunter2":             "low",
		"supersecretpassword": "low",
		"aB3$aB3$aB3$aB3$":    "low",
	} {
		if got := GenericConfidence(secret); got != want {
			t.Errorf("GenericConfidence(%q) = %q, want %q", secret, got, want)
		}
	}
}

// TestPrefixed: a secret that begins with literal text in every
// alternative of its format (a class of a few characters counting as one,
// an optional part as none) names its kind; one after a flag, one of a
// structure alone, a short prefix, do not.
func TestPrefixed(t *testing.T) {
	for _, tt := range []struct {
		r    config.Rule
		want bool
	}{
		{config.Rule{ID: "gh", Value: `ghp_[A-Za-z0-9]{36}`}, true},
		{config.Rule{ID: "aws", Regex: `\b((?:AKIA|ASIA|A3T[A-Z0-9])[A-Z2-7]{16})\b`}, true},
		{config.Rule{ID: "stripe", Value: `(?:sk|rk)_live_[A-Za-z0-9]{24,99}`}, true},
		{config.Rule{ID: "vercel", Value: `vc[pikar]_[A-Za-z0-9_-]{56}`}, true},
		{config.Rule{ID: "hook", Value: `(?:https?://)?hooks\.example\.com/(?:a|b)/[A-Za-z0-9]{20,}`}, true},
		{config.Rule{ID: "pem", Regex: `-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]*?-----END`}, true},
		{config.Rule{ID: "flag", Regex: `Connect-Thing\s+-Password\s+(\S+)`, SecretGroup: 1}, false},
		{config.Rule{ID: "short", Value: `SK[0-9a-f]{32}`}, false},
		{config.Rule{ID: "struct", Value: `[0-9]{8,10}:[A-Za-z0-9_-]{35}`}, false},
		{config.Rule{ID: "opt", Value: `(?:ghp_)?[A-Za-z0-9]{36}`}, false},
		{config.Rule{ID: "p12", Path: `\.p12$`}, false},
	} {
		if got := Prefixed(&tt.r); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.r.ID, got, tt.want)
		}
	}
}

// TestKnownVendorSamples checks the vendors' published sample keys of the
// default rules: each is publicly known, at its entry's severity in code,
// with where it is published; a key of the same shape that no vendor
// published is not.
func TestKnownVendorSamples(t *testing.T) {
	tr := defaultTriage(t)
	// jwt.io's example verify secret, assembled so that this file holds
	// none.
	jwtio := strings.Join([]string{"a", "string", "secret", "at", "least", "256", "bits", "long"}, "-")
	for _, tt := range []struct {
		rule, secret, sev, published string
		known                        bool
	}{
		{"stripe-test-secret-key", "sk_test_" + "BQokikJOvBiI2HlWgH4olfQ2", "low", "docs.stripe.com/api/authentication", true},
		{"stripe-test-secret-key", "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc", "low", "docs.stripe.com/api/authentication", true},
		{"stripe-test-secret-key", "sk_test_" + "BQokikJOvBiI2HlWgH4olfQ3", "", "", false},
		{"gcp-api-key", "AIzaSyAnLA7NfeLquW1tJFpx_" + "eQCxoX-oo6YyIs", "low", "github.com/firebase/firebase-android-sdk", true},
		{"gcp-api-key", "AIzayDNSXIbFmlXbIE6mCzDLQ" + "AqITYefhixbX4A", "low", "github.com/firebase/firebase-android-sdk", true},
		{"gcp-api-key", "AIzaSyAnLA7NfeLquW1tJFpx_" + "eQCxoX-oo6YyIt", "", "", false},
		{"generic-secret-assignment", "1x" + strings.Repeat("0", 31) + "AA", "medium", "developers.cloudflare.com/turnstile", true},
		{"generic-secret-assignment", "3x" + strings.Repeat("0", 31) + "AA", "medium", "developers.cloudflare.com/turnstile", true},
		{"generic-secret-assignment", "1x" + strings.Repeat("0", 30) + "AA", "", "", false},
		{"generic-secret-assignment", "41x" + strings.Repeat("0", 31) + "AA", "", "", false},
		{"python-hardcoded-password", "6LeIxAcTAAAAAGG-" + "vFI1TnRWxMZNFuojJ4WifJWe", "medium", "developers.google.com/recaptcha", true},
		{"gcp-api-key", "AIzaSyB41DRUbKWJHPxaFjM" + "AwdrzWzbVKartNGg", "low", "developers.google.com/maps", true},
		{"python-hardcoded-password", "zuf" + "+tfteSlswRu7BJ86wekitnifILbZam1KYY3TG", "low", "min.io", true},
		{"python-hardcoded-password", "zuf" + "+tfteSlswRu7BJ86wekitnifILbZam1KYY3TH", "", "", false},
		{"django-secret-key-config", "SW2" + "YcwTIb9zpOOhoPsMm", "high", "grafana.com", true},
		{"django-secret-key", `\2\1thisismy` + `scretkey\1\2\e\y\y\h`, "high", "superset.apache.org", true},
		{"kubernetes-secret-data", "1f2d1e2e" + "67df", "high", "kubernetes.io", true},
		{"generic-secret-assignment", "Your" + "Strong@Passw0rd", "high", "learn.microsoft.com", true},
		{"generic-secret-assignment", "Your" + "Strong@Passw0rd2024", "", "", false},
		{"generic-secret-assignment", "keyboard " + "cat", "high", "expressjs/session", true},
		{"generic-secret-assignment", jwtio, "high", "jwt.io", true},
		{"generic-secret-assignment", jwtio + "!", "", "", false},
		{"generic-secret-assignment", "keyboard " + "cats are great", "", "", false},
		// RFC 7520's HS256 key, whole; RFC 7517's RSA d, its first line as the RFC wraps it
		{"jwk-private-key", strings.Join([]string{"hJtXIZ2uSN5kbQfbtTNWbpdm", "hkV8FJG-Onbc6mxCcYg"}, ""), "high", "rfc7520", true},
		{"jwk-private-key", strings.Join([]string{"X4cTteJY_gn4FYPsXB8rdXix5vwsg1", "FLN5E3EaG6RJoVH-HLLKD9"}, ""), "high", "rfc7520", true},
		{"jwk-private-key", strings.Join([]string{"hJtXIZ2uSN5kbQfbtTNWbpdm", "hkV8FJG-Onbc6mxCcYh"}, ""), "", "", false},
	} {
		f := &leak.Finding{RuleID: tt.rule, Secret: tt.secret, Match: "KEY = '" + tt.secret + "'"}
		known, sev, ok := tr.Known(f)
		if ok != tt.known || ok && (sev != tt.sev || !strings.Contains(known, tt.published)) {
			t.Errorf("Known(%s…) = %q, %q, %v; want %q from %s", tt.secret[:10], known, sev, ok, tt.sev, tt.published)
		}
	}
}

// TestJudge checks severity x context with the default rules: the table of
// the package documentation, a publicly known value in each context, and
// that every finding gets a severity, a confidence and a label.
func TestJudge(t *testing.T) {
	tr := defaultTriage(t)
	strong := "Xq7#mZ2p" + "L9vRt4Wc"
	flaskKey := "192b9bdd22ab9ed4d12e236c78afcb9a" + "393ec15f71bbf5dc987d54727823bcbf"
	azurite := "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq" + "/K1SZFPTOtr/KBHBeksoGMGw=="
	for _, tt := range []struct {
		rule, sev, file, secret string
		wantSev, wantConf       string
		wantLabel               string
	}{
		{"private-key", "critical", "deploy/key.pem", "-----BEGIN PRIVATE KEY-----\nMIIE" + "vQIBADAN", "critical", "high", "production"},
		{"private-key", "critical", "t/unit/security/__init__.py", "-----BEGIN PRIVATE KEY-----\nMIIE" + "vQIBADAN", "medium", "medium", "test"},
		{"private-key", "critical", "docs/ssl.rst", "-----BEGIN PRIVATE KEY-----\nMIIE" + "vQIBADAN", "low", "medium", "docs"},
		{"python-hardcoded-password", "medium", "app/db.py", strong, "medium", "medium", "production"},
		{"python-hardcoded-password", "medium", "tests/test_db.py", strong, "info", "low", "test"},
		{"python-hardcoded-password", "medium", "app/db.py", "changeme-please", "info", "low", "placeholder"},
		{"django-secret-key", "high", "flask.py", "development key", "low", "low", "dictionary-words"},
		{"django-secret-key", "high", "app/settings.py", flaskKey, "high", "high", "publicly known"},
		{"django-secret-key", "high", "tests/settings.py", flaskKey, "low", "high", "publicly known"},
		{"django-secret-key", "high", "docs/config.rst", flaskKey, "info", "high", "publicly known"},
		{"django-secret-key", "high", "examples/app.py", flaskKey, "info", "high", "publicly known"},
		{"azure-storage-account-key", "critical", ".travis.yml", azurite, "low", "high", "publicly known"},
		{"codecov-token", "medium", "tox.ini", "bb6ecc30-6d40-4f57-942e-" + "406f5f579198", "medium", "medium", "production"},
	} {
		f := leak.Finding{RuleID: tt.rule, Severity: tt.sev, Location: leak.Location{File: tt.file}, Secret: tt.secret, Match: tt.secret}
		tr.Judge(&f)
		if f.Severity != tt.wantSev || f.Confidence != tt.wantConf || f.Context.Label != tt.wantLabel {
			t.Errorf("%s in %s: %s/%s/%q (%+v), want %s/%s/%q", tt.rule, tt.file, f.Severity, f.Confidence, f.Context.Label, f.Context, tt.wantSev, tt.wantConf, tt.wantLabel)
		}
		if tt.wantLabel == LabelKnown && !strings.Contains(f.Context.Known, "published at https://") {
			t.Errorf("%s: known %q names no publication", tt.file, f.Context.Known)
		}
	}
}

// TestJudgeDocstrings checks that a secret in a documentation string of
// code is judged as documentation, whatever its file, and that a finding
// also in production code outside one is judged by that place.
func TestJudgeDocstrings(t *testing.T) {
	tr := defaultTriage(t)
	strong := "Xq7#mZ2p" + "L9vRt4Wc"
	flaskKey := "192b9bdd22ab9ed4d12e236c78afcb9a" + "393ec15f71bbf5dc987d54727823bcbf"
	doc := func(file string) leak.Location { return leak.Location{File: file, InDocstring: true} }
	for _, tt := range []struct {
		rule, sev, secret  string
		loc                leak.Location
		others             []leak.Location
		wantSev, wantLabel string
	}{
		{"python-hardcoded-password", "medium", strong, doc("app/db.py"), nil, "info", "docs"},
		{"django-secret-key", "high", flaskKey, doc("app/settings.py"), nil, "info", LabelKnown},
		{"python-hardcoded-password", "medium", strong, doc("tests/test_db.py"), nil, "info", "test"},
		{"python-hardcoded-password", "medium", strong, doc("app/db.py"), []leak.Location{{File: "app/config.py"}}, "medium", "production"},
	} {
		f := leak.Finding{RuleID: tt.rule, Severity: tt.sev, Location: tt.loc, Locations: tt.others, Secret: tt.secret, Match: tt.secret}
		tr.Judge(&f)
		if f.Severity != tt.wantSev || f.Context.Label != tt.wantLabel {
			t.Errorf("%s in %s (and %v): %s/%q, want %s/%q", tt.rule, tt.loc.File, tt.others, f.Severity, f.Context.Label, tt.wantSev, tt.wantLabel)
		}
	}
}

// TestSortRealBeforeFixtures checks the order Sort gives a history like
// celery's: the real CI token in production configuration first, above
// private keys in tests, a publicly known emulator key and doc examples.
func TestSortRealBeforeFixtures(t *testing.T) {
	tr := defaultTriage(t)
	mk := func(rule, sev, file, secret string) leak.Finding {
		f := leak.Finding{RuleID: rule, Severity: sev, Location: leak.Location{File: file}, Secret: secret, Match: secret}
		tr.Judge(&f)
		return f
	}
	key := "-----BEGIN RSA PRIVATE KEY-----\nMIIE" + "owIBAAKCAQEA"
	fs := []leak.Finding{
		mk("private-key", "critical", "t/unit/security/__init__.py", key),
		mk("django-secret-key", "high", "examples/django/proj/settings.py", "x%7&hq"+"0pz!4kd@8wl#3ma^6rb"),
		mk("azure-storage-account-key", "critical", ".travis.yml", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq"+"/K1SZFPTOtr/KBHBeksoGMGw=="),
		mk("private-key", "critical", "examples/security/ssl/worker.key", key),
		mk("generic-secret-assignment", "medium", "docs/userguide/configuration.rst", "Hq8ZkX3m"+"P9vL2nR7"),
		mk("codecov-token", "medium", "tox.ini", "bb6ecc30-6d40-4f57-942e-"+"406f5f579198"),
	}
	Sort(fs)
	if fs[0].File != "tox.ini" {
		var order []string
		for _, f := range fs {
			order = append(order, f.File+" "+f.Severity)
		}
		t.Errorf("the real token is not first: %q", order)
	}
	for i := 1; i < len(fs); i++ {
		if Rank(&fs[i-1]) > Rank(&fs[i]) {
			t.Errorf("not sorted at %d", i)
		}
	}
}

func TestKeep(t *testing.T) {
	f := leak.Finding{Severity: "medium", Confidence: "low"}
	for _, tt := range []struct {
		sev, conf string
		want      bool
	}{
		{"", "", true}, {"medium", "", true}, {"high", "", false}, {"info", "low", true}, {"", "medium", false},
	} {
		if got := Keep(&f, tt.sev, tt.conf); got != tt.want {
			t.Errorf("Keep(%q, %q) = %v", tt.sev, tt.conf, got)
		}
	}
}

// New compiles a rules file's own path contexts and known secrets, so that
// their errors stop the scan before it starts, and leaves the built-in
// ones (which TestBuiltInRegexesCompile compiles) to their first use: a
// scan without findings compiles none of them.
func TestNewDefersBuiltInRegexes(t *testing.T) {
	cfg, err := config.Parse("r.toml", []byte(`
[extend]
useDefault = true

[[pathContexts]]
context = "fixture"
paths = ['''^qa/data/''']

[[knownSecrets]]
description = "a tutorial's key"
published = "https://example.com/tutorial"
regexes = ['''EXAMPLEKEY[0-9]{4}''']
`))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	own, deferred := 0, 0
	for _, l := range append(pathRegexps(tr), knownRegexps(tr)...) {
		switch {
		case l.expr == `^qa/data/` || l.expr == `EXAMPLEKEY[0-9]{4}`:
			own++
			if l.re == nil {
				t.Errorf("%s: not compiled by New", l.expr)
			}
		case l.re != nil:
			t.Errorf("%s: built in, compiled by New", l.expr)
		default:
			deferred++
		}
	}
	if own != 2 || deferred < 6 {
		t.Fatalf("%d own regexes, %d deferred", own, deferred)
	}
	if got := tr.PathContext("docs/index.md"); got != Docs {
		t.Errorf("docs/index.md: %q", got)
	}
	f := &leak.Finding{Secret: "EXAMPLEKEY1234", Match: "key = EXAMPLEKEY1234"}
	if _, _, ok := tr.Known(f); !ok {
		t.Error("the rules file's known secret is not known")
	}
}

func pathRegexps(tr *Triage) (out []*lazyRegexp) {
	for _, p := range tr.paths {
		out = append(out, p.re)
	}
	return out
}

func knownRegexps(tr *Triage) (out []*lazyRegexp) {
	for _, k := range tr.known {
		out = append(out, k.re)
	}
	return out
}

// Every regex New leaves to its first use compiles: a failure then would
// match nothing, with no error to report.
func TestBuiltInRegexesCompile(t *testing.T) {
	if len(builtIn()) < 6 {
		t.Fatalf("%d built-in regexes", len(builtIn()))
	}
	for expr := range builtIn() {
		l := &lazyRegexp{expr: expr}
		if l.compiled() == nil {
			t.Errorf("%s does not compile", expr)
		}
	}
}

// TestJudgeChecksums checks the verdicts of a format's checksum: a GitHub
// token whose checksum holds is high confidence even when its letters
// happen to spell a word (the checksum outweighs the look of the value);
// one whose checksum fails is judged a made-up value; a token of a length
// the checksum does not cover is judged as before.
func TestJudgeChecksums(t *testing.T) {
	tr := defaultTriage(t)
	issued := func(body string) string { return "ghp_" + body + checksum.Base62CRC(body) }
	random := "Rk3vQ9tLm2Xp8Zw4Nc7Hb1Jd6Fs5Ga"
	wordy := "ExampleTokenForTheDocsAbcdefgh" // placeholder-like, but issued
	madeUp := "ghp_" + random + "Q1w2E3"
	for _, tt := range []struct {
		file, secret               string
		wantSev, wantConf, wantSum string
		wantLabel                  string
	}{
		{"deploy/ci.sh", issued(random), "critical", "high", leak.ChecksumValid, LabelProduction},
		{"deploy/ci.sh", issued(wordy), "critical", "high", leak.ChecksumValid, LabelProduction},
		{"tests/test_api.py", issued(random), "medium", "medium", leak.ChecksumValid, Test},
		{"deploy/ci.sh", madeUp, "medium", "low", leak.ChecksumInvalid, FlagBadChecksum},
		{"tests/test_api.py", madeUp, "info", "low", leak.ChecksumInvalid, Test},
	} {
		f := leak.Finding{RuleID: "github-pat", Severity: "critical", Location: leak.Location{File: tt.file}, Secret: tt.secret, Match: tt.secret}
		tr.Judge(&f)
		if f.Severity != tt.wantSev || f.Confidence != tt.wantConf || f.Context.Checksum != tt.wantSum || f.Context.Label != tt.wantLabel {
			t.Errorf("%s in %s: %s/%s/%q/%q, want %s/%s/%q/%q", tt.secret, tt.file, f.Severity, f.Confidence, f.Context.Checksum, f.Context.Label, tt.wantSev, tt.wantConf, tt.wantSum, tt.wantLabel)
		}
		if tt.wantSum == leak.ChecksumValid && len(f.Context.Value) > 0 {
			t.Errorf("%s: value flags %v on an issued token", tt.secret, f.Context.Value)
		}
		if tt.wantSum == leak.ChecksumInvalid && !slices.Contains(f.Context.Value, FlagBadChecksum) {
			t.Errorf("%s: value flags %v lack %s", tt.secret, f.Context.Value, FlagBadChecksum)
		}
	}
	// A longer token of a later format: the checksum says nothing.
	f := leak.Finding{RuleID: "github-oauth-token", Severity: "critical", Location: leak.Location{File: "deploy/ci.sh"}, Secret: "gho_" + random + random}
	tr.Judge(&f)
	if f.Context.Checksum != "" || f.Confidence != "high" {
		t.Errorf("60-character gho_: checksum %q, confidence %s", f.Context.Checksum, f.Confidence)
	}
}
