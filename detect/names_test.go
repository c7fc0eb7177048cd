package detect

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
)

func TestNameParts(t *testing.T) {
	for name, want := range map[string]string{
		"ACME_API_KEY":     "ACME API KEY",
		"acmeApiKey":       "acme Api Key",
		"XApiKey":          "X Api Key",
		"APIKey":           "API Key",
		"x-acme-token":     "x acme token",
		"--db.password":    "db password",
		"oauth2token":      "oauth 2 token",
		"GIT_AUTHOR_EMAIL": "GIT AUTHOR EMAIL",
		"nonMatchingToken": "non Matching Token",
		"a":                "a",
		"__":               "",
	} {
		var got []string
		for _, p := range nameParts(name) {
			got = append(got, name[p.start:p.end])
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

// TestSecretNames holds names that say secret and names that merely
// contain a secret word, for the default secret words and for a vendor.
func TestSecretNames(t *testing.T) {
	rule := &config.Rule{Value: "x", Names: []string{"acme", "roadrunner"}}
	nc, err := newNameCheck(rule, []string{"", "vendor", "name"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"AcmeKEYprod", // first: after another name it reads as setProperty's "X", "v"
		"API_KEY", "apiKey", "apikey", "db_password", "DB_PASSWORD_2", "dbpassword", "githubToken", "PASSWD",
		"X-Api-Key", "secret", "SECRET_KEY_BASE", "auth_token", "AUTH", "userCredentials", "tokens", "ACMEKEY",
		"access.key", "PAT", "todo_secret_do_not_commit", "API_TOKEN_NOT_FOR_SHARING",
		"acmePRIVATEkey", "myAPIkey", "SECRETkey",
		"input_token", "access_tokens", "prompt_token_secret",
		"HASH_SECRET", "password_sha_salt",
		"MYSQLPASS", "dbPass", "storepass", "SMTPPWD", "ROOTPW",
	} {
		if !nc.secretName(name) {
			t.Errorf("%s: not a secret's name", name)
		}
	}
	for _, name := range []string{
		"GIT_AUTHOR_EMAIL", "MONKEY", "passenger", "bypass", "COMPASS", "OLDPWD", "pgpass", "tokenizer", "keyboard", "secretary", "PATH",
		"nonMatchingToken", "invalidToken", "NOT_A_SECRET", "non_secret_key", "notSecretToken", "fake_password", "PUBLIC_KEY", "publishableKey",
		"PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME", "API_KEY_ID", "password_reset_timeout", "is_password_set",
		"hasToken", "getPassword", "min_password_length", "secretKeyRef", "author",
		"PUBLICkey", "APIkeyId", "SECRETname", "notSECRETkey", "PASSWORDfile",
		"prompt_tokens", "completionTokens", "cache_read_input_tokens", "OUTPUT_TOKENS",
		"KeyVaultSecretsUser", "SECRETS_READER_ROLE", "token_owner", "PASSWORD_USERNAME",
		// A digest of a secret: detect-secrets' baselines, stored hashes.
		"hashed_secret", "hashedPassword", "HASHED_API_KEY", "token_sha256", "secretSha1", "api_key_fingerprint", "PASSWORD_CHECKSUM",
		// A user interface's text: i18n keys.
		"LABEL_TWO_FACTOR_AUTH_TOKEN", "TITLE_API_KEY", "placeholderPassword", "BUTTON_RESET_PASSWORD", "tooltip_secret",
		// Settings about a secret.
		"os_auth_pam_passwdqc_options", "PASSWORD_OPTIONS", "token_opts",
		// What selects or describes a secret: an LDAP filter, a KMS key's kind.
		"DOVECOT_PASS_FILTER", "tokenFilters", "customer_master_key_spec", "SECRET_SPECS",
		// A secret encrypted: ciphertext, opened only by a key kept elsewhere (a JWE's encrypted_key).
		"encrypted_key", "encryptedPassword", "ENCRYPTED_GITHUB_TOKEN",
	} {
		if nc.secretName(name) {
			t.Errorf("%s: taken for a secret's name", name)
		}
	}
	for name, want := range map[string]bool{"ACME": true, "acme-cli": true, "AcmeCorp": true, "acmetoken": true, "acmecorp": false, "myacme": false, "AcmeToken": true,
		// Run together with a product's name, not with any word.
		"acmechat": true, "ACMEMESSAGE": true, "acmeteams_token": true, "acmeoauth": true, "acmeter": false, "acmechats2x": false,
		// Two of the rule's names run together: a company's and its product's.
		"acmeroadrunner_token": true, "roadrunneracme": true, "acmeroad": false} {
		if got := nc.vendorName(name); got != want {
			t.Errorf("vendor %s: got %v, want %v", name, got, want)
		}
	}
}

// TestBareKeyKinds checks that a word right before a bare key may say it
// is a keyboard's modifier or a GPG key's fingerprint, and only there.
func TestBareKeyKinds(t *testing.T) {
	nc, err := newNameCheck(&config.Rule{Value: "x"}, []string{"", "name"})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"metaKey": false, "ctrlKey": false, "event.altKey": false, "GPG_KEY": false, "JETTY_GPG_KEYS": false, "commons.releaseManagerKey": false,
		"META_API_KEY": true, "GPG_PRIVATE_KEY": true, "gpg_passphrase": true, "SHIFT_SECRET_KEY": true, "RELAY_KEY": true,
		// A protobuf map's key, as Go's generated struct tags name it.
		"protobuf_key": false, "PROTOBUF_API_KEY": true,
		// A project's key names the project (SonarQube, Jira); its API key is a key.
		"sonar.projectKey": false, "PROJECT_KEY": false, "PROJECT_API_KEY": true, "projectSecretKey": true,
		// A spreadsheet's key is its id, in the sheet's URL.
		"test_spreadsheet_key": false, "SHEET_KEY": false, "SHEETS_API_KEY": true,
		// An IDE's search history, an editor's key binding, the key an id
		// is kept under, a CAPTCHA's public site key.
		"SearchEverywhereHistoryKey": false, "bindKey": false, "shortcutKey": false, "ID_KEY": false,
		"RECAPTCHA_SITE_KEY": false, "data-site-key": false,
		"AUTH_LDAP_1_DENY_GROUP": false, "secret_decoding": false, "CREDS_LOCATIONS": false, "TOKEN_GROUP_SECRET": true,
		"HISTORY_API_KEY": true, "RECAPTCHA_SECRET_KEY": true, "SITE_SECRET_KEY": true, "CLIENT_ID_SECRET": true,
	} {
		if got := nc.secretName(name); got != want {
			t.Errorf("%s: secret's name %v, want %v", name, got, want)
		}
	}
}

// TestServiceRunTogetherWithKey checks that a generic rule reads one of the
// pack's services run together with a key as the name of a secret, as it
// reads GITHUB_KEY, and that a short word before a key, a kind of key or
// an id after one does not.
func TestServiceRunTogetherWithKey(t *testing.T) {
	nc, err := newNameCheck(&config.Rule{Value: "x"}, []string{"", "name"})
	if err != nil {
		t.Fatal(err)
	}
	nc.pack = map[string]bool{"github": true, "mailgun": true, "cache": true}
	for name, want := range map[string]bool{
		"GITHUBKEY": true, "mailgunkey": true, "MAILGUNKEYS": true, "GITHUBKEY_PROD": true, "githubkey2": true,
		"MONKEY": false, "hotkey": false, "GITHUBKEY_ID": false, "CACHEKEY": false, "ACMEKEY": false, "GITHUBKEYRING": false,
	} {
		if got := nc.secretName(name); got != want {
			t.Errorf("%s: secret's name %v, want %v", name, got, want)
		}
	}
	nc.pack = nil
	if nc.secretName("GITHUBKEY") {
		t.Error("GITHUBKEY: a secret's name without the pack's services")
	}
	d := defaultDetector(t)
	v := "Zk3q9VbT" + "2mXw7LpR4nYc8HsJ"
	if got := located(t, d, "deploy.env", []byte("GITHUBKEY="+v+"\n")); !holds(got, v) {
		t.Errorf("GITHUBKEY=%s in deploy.env: found %q", v, got)
	}
}

// TestRegexNameGroups checks a rule stated by a regex whose name group is
// judged by parts, with its own secretWords, and that the name group does
// not pass for the secret.
func TestRegexNameGroups(t *testing.T) {
	d := mustDetector(t, `
[[rules]]
id = "env-default"
regex = '''getenv\("(?P<name>\w+)", "([^"]{6,})"\)'''
secretWords = ["secret", "token", "auth"]
keywords = ["getenv"]
`, Options{})
	for text, want := range map[string]string{
		`getenv("AUTH_TOKEN", "Kp9Lm2Qx7vR4")`:          "env-default=Kp9Lm2Qx7vR4", // leakhound:allow (a test value)
		`getenv("GIT_AUTHOR_EMAIL", "bot@example.org")`: "",
		`getenv("SECRETARY", "Kp9Lm2Qx7vR4")`:           "",
	} {
		got := secrets(detect(t, d, "a.txt", text))
		if strings.Join(got, ",") != want {
			t.Errorf("%s: got %q, want %q", text, got, want)
		}
	}
}

// TestWithoutInstance checks what is taken off a name alone to tell one
// account from another, and that a name is judged as it is first (auth0).
func TestWithoutInstance(t *testing.T) {
	for name, want := range map[string]string{
		"acme2": "acme", "ACME_1": "ACME", "acme-12": "acme", "acme_b": "acme", "acme.B": "acme",
		"acme": "acme", "acme_ab": "acme_ab", "acme123": "acme1", "acmeb": "acmeb", "b": "b", "_1": "",
	} {
		if got := config.TrimInstance(name); got != want {
			t.Errorf("TrimInstance(%q) = %q, want %q", name, got, want)
		}
	}
	nc := &nameCheck{vendors: regexp.MustCompile(`(?i)^(?:auth0|acme)$`)}
	for name, want := range map[string]bool{"auth0": true, "AUTH0_2": true, "acme_b": true, "acme_ab": false, "auth": false} {
		if got := nc.onlyVendor(name); got != want {
			t.Errorf("onlyVendor(%q) = %v, want %v", name, got, want)
		}
	}
}

// twoWords asks one regex of two secret words (pairRegexp) where that says
// what asking the words at every split says, and splits otherwise: for
// words with an assertion or of one character. Both give the same answers
// on parts built from the words, from near misses and from other text.
func TestTwoWordsPair(t *testing.T) {
	for _, tc := range []struct {
		words []string
		pair  bool
	}{
		{nil, true}, // the default secret words
		{[]string{"key", "passw(?:or)?d", "licen[cs]e", "pw"}, true},
		{[]string{"key", "k"}, false},
		{[]string{"key", "(?:^|_)token"}, false},
		{[]string{"key", `token\b`}, false},
	} {
		rule := &config.Rule{Value: "x", NameWords: tc.words}
		nc, err := newNameCheck(rule, []string{"", "name"})
		if err != nil {
			t.Fatal(err)
		}
		if got := nc.pairRegexp() != nil; got != tc.pair {
			t.Errorf("%v: pair regex %v, want %v", tc.words, got, tc.pair)
		}
		split := func(p string) bool {
			for k := 2; k <= len(p)-2; k++ {
				if nc.words.MatchString(p[:k]) && nc.words.MatchString(p[k:]) {
					return true
				}
			}
			return false
		}
		pieces := []string{"key", "keys", "token", "tokens", "secret", "password", "passwd", "pass", "pw", "pwd", "api", "apikey", "auth", "k", "s", "x", "ke", "_", "licence", "license", "priv", "é", "tok"}
		var parts []string
		for _, a := range pieces {
			for _, b := range pieces {
				parts = append(parts, a+b, strings.ToUpper(a)+b)
				for _, c := range pieces[:6] {
					parts = append(parts, a+b+c)
				}
			}
		}
		for _, p := range parts {
			if got, want := nc.twoWords(p), split(p); got != want {
				t.Errorf("%v: twoWords(%q) = %v, splits say %v", tc.words, p, got, want)
			}
		}
	}
}

// TestEchoes checks which values repeat the name they are assigned to,
// and that a name whose identifier runs on into the value (a service's
// name and its key joined by a dot) is not one the value repeats.
func TestEchoes(t *testing.T) {
	for _, tt := range []struct {
		value, name string
		want        bool
	}{
		{"oAuth2ClientCredentials", "OAUTH2_CLIENT_CREDENTIALS", true},
		{"base64Credentials", "base64Credentials", true},
		{"_ref2$storeKey", "storeKey", true},
		{"ReactDOMSelect.valueContextKey", "valueContextKey", true},
		{"myapp-k8s-pull-secret", "pullSecret", true},
		{"hl--peer-adminkey", "adminKey", true},
		{"Xk9fQ2mzPullSecret", "pullSecret", true}, // a word starts at the capital
		{"Xk9fQ2mZpullSecret", "pullSecret", false},
		{"Xk9fq2mzpullsecret", "pullSecret", false},
		{"Q8vZkX3mPxL2nR7tW4b", "apiKey", false},
		{"abc-key", "key", false}, // a name of three letters says too little
		{"token", "api_token", false},
	} {
		if got := endsWithName([]byte(tt.value), []byte(tt.name)); got != tt.want {
			t.Errorf("endsWithName(%q, %q) = %v, want %v", tt.value, tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct {
		value, name string
		want        bool
	}{
		{"authStateAwaitingDHKey", "authState", true},
		{"tokenKindRefresh", "token_kind", true},
		{"authstateawaiting", "authState", false}, // no word starts after the name
		{"token-4f9a2c7e1b", "token", false},      // a separator: a prefix, not a field
		{"apikeyQ8vZkX3m", "apiKey", false},       // a random rest, not words
		{"apikeyQvZkXm", "apiKey", false},         // nor letters alone in short runs
		{"authState", "authState", false},         // nothing after: endsWithName's
	} {
		if got := startsWithName([]byte(tt.value), []byte(tt.name)); got != tt.want {
			t.Errorf("startsWithName(%q, %q) = %v, want %v", tt.value, tt.name, got, tt.want)
		}
	}
	nc, err := newNameCheck(&config.Rule{Value: "x"}, []string{"", "name"})
	if err != nil {
		t.Fatal(err)
	}
	text := []byte("acmeTOKEN.9f3a9c2e7b1d84f6a9c0e2b7d5a3f1c8")
	at := bytes.IndexByte(text, '.') + 1
	if nc.echoes(text, []int{0, len(text), 0, 9}, at, text[at:]) {
		t.Errorf("%s: the key after the dot taken for a repeat of the name", text)
	}
	text = []byte("storeKey = _ref$storeKey")
	at = bytes.IndexByte(text, '_')
	if !nc.echoes(text, []int{0, len(text), 0, 8}, at, text[at:]) {
		t.Errorf("%s: not taken for a repeat of the name", text)
	}
	text = []byte(`"PutSkillAuthorization": "a4b:PutSkillAuthorization"`)
	at = bytes.Index(text, []byte("a4b"))
	if !nc.echoes(text, []int{0, len(text), 1, 22}, at, text[at:len(text)-1]) {
		t.Errorf("%s: an action under its own name, after its namespace, not taken for a repeat of the name", text)
	}
	text = []byte("storeKey = _ref$storeKey")
	at = bytes.IndexByte(text, '_')
	if nc.echoes(text, []int{0, len(text), 0, 8}, at, []byte("_ref$store+Key")) {
		t.Errorf("a value with a character of no identifier taken for a repeat of the name")
	}
	// a label of words that ends with the name; not a passphrase that
	// does not, nor words run together with symbols
	for _, tt := range []struct {
		text, value string
		want        bool
	}{
		{`'credential': 'Stub credential'`, "Stub credential", true},
		{`password = "Enter your password"`, "Enter your password", true},
		{`password = "correct horse battery staple"`, "correct horse battery staple", false},
		{`password = "my  password"`, "my  password", false},
		{`password = "s3cret! password"`, "s3cret! password", false},
	} {
		text := []byte(tt.text)
		at := bytes.Index(text, []byte(tt.value))
		name := bytes.IndexAny(text, "=:")
		if got := nc.echoes(text, []int{0, len(text), 0, name}, at, []byte(tt.value)); got != tt.want {
			t.Errorf("echoes(%s) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestSpacedKeyName checks that a key named by two words with a space
// between them, as notes and documents write one ("API key: …"), is a
// secret's name when the two words are one of the rules' qualified keys,
// and that a word of code or a kind of key that opens nothing before a
// key is not taken as its qualifier.
func TestSpacedKeyName(t *testing.T) {
	d := defaultDetector(t)
	s := "Kq7Wz2" + "Tx9Vm4Rn8Lp3Hc6J" // assembled, so the source holds no secret
	for _, text := range []string{
		"API key: " + s,
		"The API Key = " + s,
		"secret key: " + s,
		"Access Key: " + s,
		"License key: " + s,
		"Private key: " + s,
	} {
		if got := findings(t, d, "notes.txt", text+"\n"); len(got) == 0 {
			t.Errorf("%q: no finding", text)
		}
	}
	for _, text := range []string{
		"sort key: " + s,
		"public key: " + s,
		"private key = " + s,
		"const key = " + s,
		"the key: " + s,
		"mykey: " + s,
	} {
		if got := findings(t, d, "notes.txt", text+"\n"); len(got) > 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}
