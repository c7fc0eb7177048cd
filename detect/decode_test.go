package detect

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

const decodeRules = `
testPaths = ['''(^|/)tests/''', '''(^|/)test_[^/]*\.py$''']

[[rules]]
id = "kv-password"
regex = '''(?i)password\s*[:=]\s*"?([^\s"]{6,})'''
secretGroup = 1
keywords = ["password"]
tags = ["generic"]
severity = "medium"

[[rules]]
id = "docker-auth"
regex = '''"auth"\s*:\s*"([^":\s]+):([^"\s]+)"'''
secretGroup = 2
keywords = ["\"auth\""]
severity = "high"

[[rules]]
id = "basic-auth"
regex = '''(?i)\bbasic\s+([^\s:'"]+):([^\s'"]{3,})'''
secretGroup = 2
keywords = ["basic"]
severity = "high"

[[rules]]
id = "kube-secret"
regex = '''kind: Secret\n[ \t]+"?([\w.-]+)"?[ \t]*:[ \t]*"?([^\s"{\[]{4,})'''
secretGroup = 2
keywords = ["kind: secret"]
severity = "high"

[[rules]]
id = "url"
regex = '''://[^:/@\s]+:([^@/\s]{3,})@[\w.-]+'''
secretGroup = 1
keywords = ["://"]
severity = "high"
secretDecode = "percent"

[[rules]]
id = "pgpass"
regex = '''(?m)^[^:\s#]+:(?:\d+|\*):[^:\s]+:[^:\s]+:(\S+)$'''
secretGroup = 1
path = '''(^|/)\.pgpass$'''

[[allowlists]]
regexes = ['''(?i)change[_ .-]?me''']
`

func b64(s string) string  { return base64.StdEncoding.EncodeToString([]byte(s)) }
func b64u(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodedSecrets(ms []Match) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.RuleID()+"="+m.Secret+"@"+m.Decoded)
	}
	return s
}

func TestDecoding(t *testing.T) {
	d := mustDetector(t, decodeRules, Options{})
	pw := "Vt8k" + "!Q2xR7mZ"
	dockerJSON := `{"auths":{"registry.example.com":{"auth":"` + b64("deploy:"+pw) + `"}}}`
	tests := []struct {
		name, path, content string
		want                []string
	}{
		{"kubernetes secret data", "k8s/secret.yaml",
			"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  DB_PASS: " + b64(pw) + "\n  username: " + b64("app") + "\n",
			[]string{"kube-secret=" + pw + "@base64"}},
		{"a Secret quoted in code is not a manifest", "deploy_test.go",
			"const manifest = `\nkind: Secret\ndata:\n  DB_PASS: " + b64(pw) + "\n`\n", nil},
		{"a manifest with its apiVersion is one in any file", "notes/secret.txt",
			"apiVersion: v1\nkind: 'secret'\ndata:\n  DB_PASS: " + b64(pw) + "\n",
			[]string{"kube-secret=" + pw + "@base64"}},
		{"a manifest in a program's source is a test's string", "deploy_test.go",
			"const manifest = `\napiVersion: v1\nkind: Secret\ndata:\n  DB_PASS: " + b64(pw) + "\n`\n", nil},
		{"a SecretStore is not a Secret", "k8s/store.yaml",
			"apiVersion: v1\nkind: SecretStore\ndata:\n  DB_PASS: " + b64(pw) + "\n", nil},
		{"the same data outside a Secret says nothing", "k8s/configmap.yaml",
			"kind: ConfigMap\ndata:\n  DB_PASS: " + b64(pw) + "\n", nil},
		{"a named password is found decoded, not as base64", "k8s/configmap.yaml",
			"kind: ConfigMap\ndata:\n  password: " + b64(pw) + "\n",
			[]string{"kv-password=" + pw + "@base64"}},
		{"docker config auth", ".docker/config.json", dockerJSON,
			[]string{"docker-auth=" + pw + "@base64"}},
		{"a docker config auth encoded with echo's newline", ".dockercfg",
			`{"auths":{"registry.example.com":{"auth":"` + b64("deploy:"+pw+"\n") + `","email":"ops@example.com"}}}`,
			[]string{"docker-auth=" + pw + "@base64"}},
		{"a header encoded with echo's CRLF", "client.py",
			"headers = {'Authorization': 'Basic " + b64("api:"+pw+"\r\n") + "'}\n",
			[]string{"basic-auth=" + pw + "@base64"}},
		{"docker config inside a Kubernetes Secret: two encodings", "k8s/pull.yaml",
			"kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " + b64(dockerJSON) + "\n",
			[]string{"docker-auth=" + pw + "@base64+base64"}},
		{"basic auth header", "client.py",
			"headers = {'Authorization': 'Basic " + b64("api:"+pw) + "'}\n",
			[]string{"basic-auth=" + pw + "@base64"}},
		{"base64url", "a.txt", "value " + b64u("password="+pw+"??>>") + "\n",
			[]string{"kv-password=" + pw + "??>>@base64url"}},
		{"hex", "a.txt", "blob = " + hex.EncodeToString([]byte("password: "+pw)) + "\n",
			[]string{"kv-password=" + pw + "@hex"}},
		{"percent-encoded URL", "a.env",
			"DATABASE_URL=" + strings.NewReplacer(":", "%3A", "/", "%2F", "@", "%40").Replace("postgres://app:"+pw+"@db/app") + "\n",
			[]string{"url=" + pw + "@percent"}},
		{"a URL-encoded base64 token: escapes of '+', '/' and '=' alone", "a.properties",
			"password: " + pw[:4] + "%2b" + pw[5:] + "%2Fab9Lw%3D\n",
			[]string{"kv-password=" + pw[:4] + "+" + pw[5:] + "/ab9Lw=@percent"}},
		{"a short value with one escape is left as written", "a.properties",
			"password: " + pw[:4] + "%2B" + pw[5:9] + "\n",
			[]string{"kv-password=" + pw[:4] + "%2B" + pw[5:9] + "@"}},
		{"base64 of a placeholder is a placeholder", "a.yaml",
			"password: " + b64("changeme-please") + "\n", nil},
		{"identifiers, hashes and binary decode to nothing", "a.py",
			"value = get_password_from_environment_variable\nsha = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'\nblob = '" + base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 200, 255, 3, 4, 5, 6, 7, 8, 9}) + "'\n",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodedSecrets(detect(t, d, tt.path, tt.content))
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDecodedMatchPlace checks that a decoded match is placed at its token,
// with the token as its text, so that reports point at the encoded value
// and history attribution can look for it.
func TestDecodedMatchPlace(t *testing.T) {
	d := mustDetector(t, decodeRules, Options{})
	pw := "Vt8k" + "!Q2xR7mZ"
	tok := b64(pw)
	content := "kind: Secret\ndata:\n  DB_PASS: " + tok + "\n"
	ms := detect(t, d, "s.yaml", content)
	if len(ms) != 1 {
		t.Fatalf("got %q", decodedSecrets(ms))
	}
	m := ms[0]
	if m.Line != 3 || m.Column != 12 || m.Text != tok || m.Written() != tok || m.Secret != pw {
		t.Errorf("match %d:%d text %q written %q secret %q", m.Line, m.Column, m.Text, m.Written(), m.Secret)
	}
	if content[m.Start:m.End] != tok {
		t.Errorf("span %d-%d is %q", m.Start, m.End, content[m.Start:m.End])
	}
}

// TestDecodingWithLineSet checks that a line holding an encoded secret is
// flagged like any line with a match, so that every blob holding it reports
// it.
func TestDecodingWithLineSet(t *testing.T) {
	d := mustDetector(t, decodeRules, Options{Lines: NewLineSet()})
	pw := "Vt8k" + "!Q2xR7mZ"
	v1 := "kind: Secret\ndata:\n  DB_PASS: " + b64(pw) + "\n"
	v2 := v1 + "  OTHER: " + b64("Zq9w"+"#Lm3xP0t") + "\n"
	if got := decodedSecrets(detect(t, d, "s.yaml", v1)); len(got) != 1 {
		t.Fatalf("v1: %q", got)
	}
	got := decodedSecrets(detect(t, d, "s.yaml", v2))
	want := []string{"kube-secret=" + pw + "@base64", "kube-secret=" + "Zq9w#Lm3xP0t@base64"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("v2: got %q, want %q", got, want)
	}
}

func TestDecodeBudget(t *testing.T) {
	d := mustDetector(t, decodeRules, Options{})
	var b strings.Builder
	for i := 0; i < decodeBudget+10; i++ {
		b.WriteString(b64("some text here") + "\n")
	}
	res, err := d.Detect(&leak.Fragment{Content: []byte(b.String()), Sources: []leak.Source{{Path: "a.txt"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Capped) != 1 || res.Capped[0] != "(decoding)" {
		t.Errorf("capped %q", res.Capped)
	}
}

func TestSecretDecodeFingerprint(t *testing.T) {
	d := mustDetector(t, decodeRules, Options{})
	enc := detect(t, d, "a.py", `URL = "postgres://app:p%40ss`+`%21word@db/app"`)
	if len(enc) != 1 || enc[0].Secret != "p%40ss%21word" {
		t.Fatalf("got %q", decodedSecrets(enc))
	}
	f, _ := d.Finding(&enc[0], "", leak.Source{Path: "a.py"})
	if f.Secret != "p%40ss%21word" || f.Fingerprint != leak.Fingerprint("url", "p@ss!word") {
		t.Errorf("secret %q fingerprint %q, want that of the decoded password", f.Secret, f.Fingerprint)
	}
	// The same password escaped differently is the same finding.
	other := detect(t, d, "b.py", `URL = "postgres://app:p%40ss`+`!word@db/app"`)
	g, _ := d.Finding(&other[0], "", leak.Source{Path: "b.py"})
	if g.Fingerprint != f.Fingerprint {
		t.Errorf("fingerprints differ: %s %s", f.Fingerprint, g.Fingerprint)
	}
}

// TestTestPathsKeepSeverity checks that Finding leaves a rule's severity
// as it is at test paths: package triage lowers it, once, for every
// context.
func TestTestPathsKeepSeverity(t *testing.T) {
	d := mustDetector(t, decodeRules, Options{})
	content := `password = "Vt8k` + `Q2xR7mZ"`
	for _, path := range []string{"app/settings.py", "tests/test_login.py"} {
		ms := detect(t, d, path, content)
		if len(ms) != 1 {
			t.Fatalf("%s: %q", path, decodedSecrets(ms))
		}
		f, _ := d.Finding(&ms[0], "", leak.Source{Path: path})
		if f.Severity != "medium" {
			t.Errorf("%s: severity %q, want the rule's medium", path, f.Severity)
		}
	}
	if !d.IsTestPath("tests/test_login.py") || d.IsTestPath("app/contest.py") {
		t.Error("IsTestPath")
	}
}

// TestPathRuleWithoutKeywords checks that a rule without keywords but with a
// path runs only on content that has a source at a matching path.
func TestPathRuleWithoutKeywords(t *testing.T) {
	d := mustDetector(t, decodeRules, Options{})
	line := "db.internal:5432:app:app:Hq8ZkX3mP9vL\n"
	if got := decodedSecrets(detect(t, d, "home/.pgpass", line)); len(got) != 1 {
		t.Errorf(".pgpass: %q", got)
	}
	res, err := d.Detect(&leak.Fragment{Content: []byte(line), Sources: []leak.Source{{Path: "notes.txt"}}})
	if err != nil || len(res.Matches) != 0 {
		t.Errorf("notes.txt: %v %q", err, decodedSecrets(res.Matches))
	}
}

// TestUnescaping checks escaped text: what the escapes hid is found, and
// placed where it is written.
func TestUnescaping(t *testing.T) {
	d := mustDetector(t, decodeRules, Options{})
	pw := "Vt8k" + "!Q2xR7mZ"
	tests := []struct {
		name, content string
		want          string // rule=secret@decoded line:column written
	}{
		{"a config file in a JSON string", `{"app.ini": "[db]\npassword = ` + pw + `\nuser = app"}`,
			"kv-password=" + pw + "@ 1:31 " + pw},
		{"escaped CRLF and quotes", `{"doc": "[db]\r\npassword: \"` + pw + `\"\r\n"}`,
			"kv-password=" + pw + "@ 1:30 " + pw},
		{"escaped quotes without outer quotes (a log line)", `msg=\"password: ` + pw + `\" user=app`,
			"kv-password=" + pw + "@ 1:17 " + pw},
		{"a \\u escape in a URL's password", `{"url": "postgres://app:p\u0026ss` + pw + `@db.internal/app"}`,
			"url=p&ss" + pw + "@escape 1:25 p\\u0026ss" + pw},
		{"escaped slashes", `{"url": "https:\/\/app:` + pw + `@git.example.com\/x.git"}`,
			"url=" + pw + "@ 1:24 " + pw},
		{"an escape in a string assigned to a name", `password: "` + pw[:4] + `\u0026` + pw[4:] + `"`,
			"kv-password=" + pw[:4] + "&" + pw[4:] + "@escape 1:12 " + pw[:4] + `\u0026` + pw[4:]},
		{"twice escaped", `{"outer": "{\"inner\": \"password=\\\"` + pw + `\\\"\"}"}`,
			"kv-password=" + pw + "@ 1:39 " + pw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range detect(t, d, "a.json", tt.content) {
				got = append(got, fmt.Sprintf("%s=%s@%s %d:%d %s", m.RuleID(), m.Secret, m.Decoded, m.Line, m.Column, tt.content[m.Start:m.End]))
				if m.Written() != tt.content[m.Start:m.End] {
					t.Errorf("written %q, but %q is at %d-%d", m.Written(), tt.content[m.Start:m.End], m.Start, m.End)
				}
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("%s\ngot  %q\nwant %q", tt.content, got, tt.want)
			}
		})
	}
	for _, text := range []string{
		`printf("password=%s\n", pw);`,
		`{"msg": "Invalid password.\nTry again: \u00bfok?"}`,
	} {
		if got := detect(t, d, "a.c", text); len(got) > 0 {
			t.Errorf("%s: got %q", text, decodedSecrets(got))
		}
	}
}

// TestEscapeBudget checks that a long document of escaped strings on one
// line (a generated search index) is unescaped only up to escapeBudget,
// and that the fragment says so.
func TestEscapeBudget(t *testing.T) {
	d := mustDetector(t, decodeRules, Options{})
	var b strings.Builder
	for b.Len() < 2*escapeBudget {
		b.WriteString(`{"text": "password: \"` + "Vt8k" + `!Q2xR7mZ\"\n"}` + "\n")
	}
	res, err := d.Detect(&leak.Fragment{Content: []byte(b.String()), Sources: []leak.Source{{Path: "index.json"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Capped) == 0 || res.Capped[len(res.Capped)-1] != "(decoding)" {
		t.Errorf("capped %q", res.Capped)
	}
	if len(res.Matches) == 0 {
		t.Error("nothing found before the budget ran out")
	}
}

func TestIsKubeSecret(t *testing.T) {
	for _, c := range []struct {
		content string
		want    bool
	}{
		{"kind: Secret\n", true},
		{"kind: 'Secret'\n", true},
		{"  kind: \"secret\"\r\n", true},
		{`{"apiVersion":"v1","kind":"Secret","data":{}}`, true},
		{"kind: Secret", true},
		{"kind: SecretStore\n", false},
		{"kind: ExternalSecret\n", false},
		{"subkind: Secret\n", false},
		{"kind: ConfigMap\nname: Secret\n", false},
	} {
		if got := isKubeSecret([]byte(c.content)); got != c.want {
			t.Errorf("isKubeSecret(%q) = %v, want %v", c.content, got, c.want)
		}
	}
}

// TestKubeSecretBlockScalar checks that a Secret's value written as a YAML
// block scalar (the key, then | or >, then the value indented on the lines
// below) is decoded as if on its key's line: the key names it, so that a
// password is reported and a certificate or user name is not.
func TestKubeSecretBlockScalar(t *testing.T) {
	d := defaultDetector(t)
	plain := "Qm7#vX2k" + "Lp9wRt4Z" // built for the test, at run time
	enc := base64.StdEncoding.EncodeToString([]byte(plain))
	head := "apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n"
	for _, ind := range []string{"|", ">", "|-", ">+", "|2"} {
		text := head + "  db_password: " + ind + "\n    " + enc + "\n"
		got := findings(t, d, "k8s/secret.yaml", text)
		if len(got) != 1 || !strings.HasPrefix(got[0], "kubernetes-secret-data="+plain+" ") {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{
		head + "  username: |\n    " + enc + "\n",                  // a key that names no secret
		head + "  tls.crt: >\n    " + enc + "\n",                   // a certificate
		head + "  db_password: |\n" + enc + "\n",                   // not indented below its key
		head + "  db_password: \"|\"\n  other:\n    " + enc + "\n", // no block scalar's indicator
	} {
		if got := findings(t, d, "k8s/secret.yaml", text); len(got) != 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}

func TestBlockScalarKey(t *testing.T) {
	for _, c := range []struct{ content, want string }{
		{"a:\n  k: |\n    TOKEN", "  k: "},
		{"a:\n  \"k.x\": >-\n    TOKEN", "  \"k.x\": "},
		{"a:\n  k: |\nTOKEN", ""},
		{"a:\n  k: v\n    TOKEN", ""},
		{"a:\n  k: |\n  TOKEN", ""},
		{"  k x: |\n    TOKEN", ""},
	} {
		s := strings.Index(c.content, "TOKEN")
		ls := strings.LastIndexByte(c.content[:s], '\n') + 1
		if got := string(blockScalarKey([]byte(c.content), ls, s)); got != c.want {
			t.Errorf("blockScalarKey(%q) = %q, want %q", c.content, got, c.want)
		}
	}
}

func TestSequenceKey(t *testing.T) {
	for _, c := range []struct{ content, want string }{
		{"h:\n  Authorization:\n  - Basic TOKEN", "  Authorization:\n"},
		{"h:\n  Authorization:\r\n    - TOKEN", "  Authorization:\r\n"},
		{"h:\n  \"Authorization\":\n  - TOKEN", "  \"Authorization\":\n"},
		{"TOKEN", ""},
		{"  Authorization:\n  Basic TOKEN", ""},         // not an item
		{"  Authorization: x\n  - TOKEN", ""},           // the key has a value
		{"    Authorization:\n  - TOKEN", ""},           // indented more than the dash
		{"  - a\n  - TOKEN", ""},                        // an item under an item
		{"  Auth orization:\n  - TOKEN", ""},            // not a key
		{strings.Repeat("x", 300) + " k:\n- TOKEN", ""}, // a line longer than a key's
	} {
		s := strings.Index(c.content, "TOKEN")
		ls := strings.LastIndexByte(c.content[:s], '\n') + 1
		if got := string(sequenceKey([]byte(c.content), ls, s)); got != c.want {
			t.Errorf("sequenceKey(%q) = %q, want %q", c.content, got, c.want)
		}
	}
}

// A recorded HTTP exchange writes a header's values as a YAML list under its
// name: the Basic credentials decoded from the item are read with the name
// above them, and found where they are written.
func TestDecodedSequenceItem(t *testing.T) {
	d := defaultDetector(t)
	pw := "Vt8k" + "!Q2xR7mZ"
	tok := base64.StdEncoding.EncodeToString([]byte("api:" + pw))
	for _, nl := range []string{"\n", "\r\n"} {
		content := strings.ReplaceAll("interactions:\n- request:\n    headers:\n      Host:\n      - api.example.com\n      Authorization:\n      - Basic "+tok+"\n", "\n", nl)
		res, err := d.Detect(&leak.Fragment{Content: []byte(content), Sources: []leak.Source{{Path: "spec/cassettes/send.yml"}}})
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, m := range res.Matches {
			if m.Secret == pw {
				found = true
				if m.Line != 7 || m.Text != tok {
					t.Errorf("found at line %d as %q, want line 7 as the token", m.Line, m.Text)
				}
			}
		}
		if !found {
			t.Errorf("%q: the decoded password is not found: %+v", nl, res.Matches)
		}
	}
}

// A decoded value is scanned with the rules of the fragment it came from.
// The scratch that scans it comes from a pool, and one that last served a
// fragment on a path the global allowlists skip (where only the rules
// Options.Everywhere picks run, here none) must not carry that choice
// over: the secret in a base64 token of an ordinary file is found however
// many skipped fragments the pool served before.
func TestDecodedScanRunsTheFragmentsRules(t *testing.T) {
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{Everywhere: func(*config.Rule) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	pw := "Vt8k" + "!Q2xR7mZ"
	encoded := "value " + b64u("password="+pw) + "\n"
	if !d.SkipPath("node_modules/acme/notes.txt") {
		t.Fatal("node_modules/ is no longer a path the global allowlists skip: pick another")
	}
	for round := range 20 {
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = d.Detect(&leak.Fragment{Content: []byte(encoded), Sources: []leak.Source{{Path: "node_modules/acme/notes.txt"}}})
			}()
		}
		wg.Wait()
		if got := decodedSecrets(detect(t, d, "notes.txt", encoded)); !slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, "="+pw+"@base64") }) {
			t.Fatalf("round %d: got %q, want the password decoded from base64", round, got)
		}
	}
}

// TestDecodedTokenBelowItsName: a percent-encoded value on a line of its
// own below its name (a Java declaration wrapped before its "=", a
// property list's <string> below its <key>) is decoded with its name's
// line, as the rules read such a value as written.
func TestDecodedTokenBelowItsName(t *testing.T) {
	d := defaultDetector(t)
	sig := "45NJCy7xkPbMPifFfI0HSPoq" + "o15KYeCXCkXqmIgSSDr"
	for _, c := range []struct{ path, text string }{
		{"Storage.java", "private static final String AZURE_SAS_TOKEN\n        = \"" + sig + "%3D\";\n"},
		{"Info.plist", "<key>AzureSasToken</key>\n<string>" + sig + "%3D</string>\n"},
	} {
		var secrets []string
		for _, f := range findingsOf(t, d, c.path, c.text) {
			secrets = append(secrets, f.Secret)
		}
		if !slices.Contains(secrets, sig+"=") {
			t.Errorf("%s: found %q, want %q decoded", c.path, secrets, sig+"=")
		}
	}
}

// TestInBlockOf checks which lines lie in the body of a YAML block scalar
// of a given key: every line of a docker config written below
// DOCKER_AUTH_CONFIG: |, however deep its JSON nests, and none under
// another key (one that only begins with the name too), after the block
// has ended, or in a mapping that merely holds the key.
func TestInBlockOf(t *testing.T) {
	const doc = "variables:\n" +
		"  DOCKER_AUTH_CONFIG: |-\n" +
		"    {\n" +
		"      \"auths\": {\n" +
		"        \"registry.example.com\": {\n" +
		"          \"auth\": \"TOKEN1\"\n" +
		"        }\n" +
		"      }\n" +
		"    }\n" +
		"  OTHER: plain\n" +
		"  NOTES: >\n" +
		"    \"auth\": \"TOKEN2\"\n" +
		"  DOCKER_AUTH_CONFIG_FILE: |\n" +
		"    \"auth\": \"TOKEN4\"\n" +
		"  nested:\n" +
		"    \"auth\": \"TOKEN3\"\n"
	for _, tt := range []struct {
		token string
		want  bool
	}{
		{"TOKEN1", true},
		{"TOKEN2", false},
		{"TOKEN3", false},
		{"TOKEN4", false},
		{"OTHER", false},
	} {
		s := strings.Index(doc, tt.token)
		ls := strings.LastIndexByte(doc[:s], '\n') + 1
		if got := inBlockOf([]byte(doc), ls, "DOCKER_AUTH_CONFIG"); got != tt.want {
			t.Errorf("%s: inBlockOf = %v, want %v", tt.token, got, tt.want)
		}
	}
}
