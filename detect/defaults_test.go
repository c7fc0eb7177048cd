package detect

import (
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// defaultDetector returns a detector of the default rules, built once for
// the tests that share it (a Detector is safe for concurrent use): compiling
// some 350 regexes takes seconds under -race.
func defaultDetector(t *testing.T) *Detector {
	t.Helper()
	defaults.once.Do(func() {
		cfg, err := config.Default()
		if err != nil {
			defaults.err = err
			return
		}
		defaults.d, defaults.err = New(cfg, Options{})
	})
	if defaults.err != nil {
		t.Fatal(defaults.err)
	}
	return defaults.d
}

var defaults struct {
	once sync.Once
	d    *Detector
	err  error
}

// findings returns the findings of the default rules for content at path,
// as "rule=secret (severity)".
func findings(t *testing.T, d *Detector, path, content string) []string {
	t.Helper()
	var out []string
	for _, f := range findingsOf(t, d, path, content) {
		out = append(out, f.RuleID+"="+f.Secret+" ("+f.Severity+")")
	}
	return out
}

// findingsOf returns d's findings for content at path.
func findingsOf(t *testing.T, d *Detector, path, content string) []leak.Finding {
	t.Helper()
	src := leak.Source{Path: path}
	res, err := d.Detect(&leak.Fragment{Content: []byte(content), Sources: []leak.Source{src}})
	if err != nil {
		t.Fatal(err)
	}
	var out []leak.Finding
	for i := range res.Matches {
		if f, ok := d.Finding(&res.Matches[i], "", src); ok {
			out = append(out, f)
		}
	}
	return out
}

// TestDefaultRulesDecoysStaySilent holds the decoys of a Django or Flask
// history that the default rules must not report: lookups, code that names
// a secret, templates, identifiers, hashes, public material, placeholders,
// documented examples and weak test passwords.
func TestDefaultRulesDecoysStaySilent(t *testing.T) {
	d := defaultDetector(t)
	hex40 := strings.Repeat("3f9a2c7e1b", 4)
	hex64 := strings.Repeat("9c0e2b7d", 8)
	decoys := []struct{ path, text string }{
		{"mysite/settings.py", `SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]`},
		{"mysite/settings.py", `SECRET_KEY = config("SECRET_KEY")`},
		{"mysite/settings.py", `SECRET_KEY = env("SECRET_KEY")`},
		{"mysite/settings.py", `SECRET_KEY = get_random_secret_key()`},
		{"mysite/settings.py", `DATABASES = {"default": env.db("DATABASE_URL")}`},
		{"mysite/settings.py", `"PASSWORD": os.environ.get("DB_PASSWORD", ""),`},
		{"app/db.py", `conn = psycopg2.connect(host=host, user=user, password=password)`},
		{"app/signing.py", `signer = Signer(settings.SECRET_KEY)`},
		{"app/models.py", `session.query(User).options(key=attributes.PASSIVE_OFF)`},
		{"app/views.py", `token = request.headers["Authorization"]`},
		{"app/views.py", `token=request.headers.get("X-Token"), password=request.POST["password"]`},
		{"k8s/deployment.yaml", "        - name: SECRET_KEY\n          valueFrom:\n            secretKeyRef:\n              name: web\n              key: secret-key\n"},
		{"helm/values.yaml", `password: "{{ .Values.db.password }}"`},
		{"templates/settings.py.j2", `SECRET_KEY = "{{ django_secret_key }}"`},
		{".env", "DB_PASSWORD=${POSTGRES_PASSWORD}"},
		{"config.ini", "password = %(db_password)s"},
		{"app/ids.py", `REQUEST_ID = "123e4567-e89b-12d3-a456-426614174000"`},
		{"app/ids.py", `COMMIT_SHA = "` + hex40 + `"`},
		{"app/ids.py", `EXPECTED_SHA256 = "` + hex64 + `"`},
		{"requirements.txt", "Django==5.0.6 \\\n    --hash=sha256:" + hex64},
		{"poetry.lock", `files = [{file = "Django-5.0.6.whl", hash = "sha256:` + hex64 + `"}]`},
		{"certs/server.pem", "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTES\n-----END CERTIFICATE-----\n"},
		{"keys/jwt.pub", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0t\n-----END PUBLIC KEY-----\n"},
		{"settings/payments.py", `STRIPE_PUBLISHABLE_KEY = "pk_live_` + "51Hq8ZkX3mP9vL2nR7tW4bY6cJ0dF5gS1a" + `"`},
		{"settings/oauth.py", `GOOGLE_CLIENT_ID = "123456789012-abc123def456ghi789jkl012mno345pq.apps.googleusercontent.com"`},
		{".env.example", "SECRET_KEY=changeme\nAPI_KEY=your-api-key-here\nDB_PASSWORD=<password>\nTOKEN=xxxxxxxxxxxx\nSMTP_PASSWORD=********\n"},
		// an identifier at the end of a sentence keeps the sentence's full stop
		{"docs/setup.txt", "Pass the token: SomethingLikeThis.\nUse secret: MyApplicationName. Then restart.\n"},
		// Documented example keys (AWS's, FastAPI's) are findings: package
		// triage reports them as publicly known (see its tests).
		{"docs/db.md", `engine = create_engine("postgresql://scott:tiger@localhost/test")`},
		{"tests/test_login.py", `client.login(username="bob", password="testpass")`},
		{"tests/test_login.py", `User.objects.create_user("bob", password="password123")`},
		{"app/forms.py", `password_field = forms.CharField(widget=forms.PasswordInput)`},
		{"app/auth.py", `token_type = "bearer"`},
		{"app/auth.py", `TOKEN_URL = "https://login.example.com/oauth2/token"`},
		{"app/constants.py", `PASSWORD_RESET_TIMEOUT = 259200`},
		{"app/signing.py", `value = signing.dumps(obj, salt="newsletter.unsubscribe")`},
		{"static/js/app.min.js", `var c={apiKey:"Hq8ZkX3mP9vL2nR7` + `tW4bY6cJ0dF5gS1aQeRtUiO"};`},
		// a bundler's output, named by a hash of its content
		{"client/dist/vendor.a2c68ce8758d20825a9e.js", `var c={apiKey:"Hq8ZkX3mP9vL2nR7` + `tW4bY6cJ0dF5gS1aQeRtUiO"};`},
		// Vite's output (assets/[name]-[hash].js), Vue CLI's vendor chunk,
		// Bun's text lockfile
		{"web/static/vue3/assets/main-CNHK5kQT.js", `var c={apiKey:"Hq8ZkX3mP9vL2nR7` + `tW4bY6cJ0dF5gS1aQeRtUiO"};`},
		{"web/static/vue/js/chunk-vendors.js", `var c={apiKey:"Hq8ZkX3mP9vL2nR7` + `tW4bY6cJ0dF5gS1aQeRtUiO"};`},
		{"bun.lock", `    "path-key": ["path-key@3.1.1", "", {}, "sha512-ojmeN0qd+y0jszEtoY48r0Peq5dwMEkIlCOu6Q5f41lfkswXuKtYrhgoHpLnyIIHm24Uhqz+5YqF/O/3dZ8p+bYELDbZUwHtrL6FR01TChAffgVr4HXyKWGb25GpScipmdxCZwz"],` + "\n"},
		// A rate limit (DRF's throttle, django-allauth's), a template's
		// expression cut short by a quote, a method's call.
		{"recipes/settings.py", `DRF_THROTTLE_RECIPE_URL_IMPORT = os.getenv('DRF_THROTTLE_RECIPE_URL_IMPORT', '60/hour')` + "\n"},
		{"recipes/settings.py", "ACCOUNT_RATE_LIMITS = {\n    \"change_password\": \"1/m/user\",\n    \"reset_password\": \"1/m/ip,1/m/key\",\n}\n"},
		{"templates/input-recaptcha.html", `<div data-site-key="{{ request.registry.settings["recaptcha.site_key"] }}"></div>` + "\n"},
		{"src/components/ListView.vue", `<actions :quick-action-keys="quickActionKeys.slice(0, 3)" />` + "\n"},
		{"configs/sphinx/sphinx.conf", "config = template.format(sql_host = MYSQL_HOST,sql_user = MYSQL_USER,\n    sql_pass = MYSQL_PASS,sql_db=MYSQL_NAME,age_unit=AGE_DIVISOR)\n"},
		// names beside a service's name: a class and the class it derives from
		{"social/backends/linkedin.py", "class LinkedinOAuth(BaseLinkedinAuth, BaseOAuth1):\n"},
		// a translation's text beyond ASCII, an IDE's history, a key binding
		{"src/locales/nb_NO.json", `  "Access_Token": "TIlgangsnøkkel",` + "\n"},
		{".idea/workspace.xml", `<option name="SearchEverywhereHistoryKey" value="base&#9;FILE&#9;file://C:/Users/dev/app/base.html" />` + "\n"},
		{"static/js/ace/ext-language_tools.js", `    bindKey: "Ctrl-Space|Ctrl-Shift-Space|Alt-Space",` + "\n"},
		{"social/backends/evernote.py", "    ID_KEY = 'edam_userId'\n"},
		// A sed script, a LESS variable, an SVG drawing's data, an array
		// spread, an LDAP entry's name, a path under a variable, a BEM class,
		// an endpoint named for its resource.
		{"media/js/libs/select2/release.sh", `tokens="s/@@ver@@/$ver/g;s/\@@timestamp@@/$timestamp/g"` + "\n"},
		{"ui/client/features/output/_index.less", "@at-jobz-bottom-search-key: @at-space-3x;\n"},
		{".infragenie/infrastructure_main_model.svg", `<image href="data:image/png;base64,x"/><desc>api_key: Vt8kQ2xR7mZp4Lw9Hq3TnB6cY</desc>` + "\n"},
		{"src/components/Lookup/CredentialsLookup.jsx", "      credentials: [...stateToUpdate, item],\n"},
		{"screens/Setting/shared/data.ldapSettings.json", `  "AUTH_LDAP_1_DENY_GROUP": "CN=Disabled1",` + "\n"},
		{"etc/nginx/ssl/generate_dev_cert.sh", `SSL_KEY="$SSL_DIR/$BASENAME.key"` + "\n"},
		{"network_ui/widgets/link.html", `<g ng-class="link.pass ? 'NetworkUI__link--link-pass' : 'NetworkUI__link--link-fail'">` + "\n"},
		{"awxkit/api/resources.py", "    _tokens = 'tokens/'\n    _credentials = 'credentials/'\n"},
		{"awx/main/credential_plugins/dsv.py", "    if secret_decoding == 'Decode Base64':\n"},
		{"tools/scripts/get_next_release.py", "CREDS_LOCATIONS = ('.github_creds', '.config/gh')\n"},
		// Code and templates, not values: a template tag, a lookup by key.
		{"cookbooks/app/templates/default/settings.py.erb", "        'PASSWORD': '<%= node['app']['db']['password'] %>',\n"},
		{"app/dynamo.py", `    client = boto3.client("dynamodb", aws_session_token=response["Credentials"]["SessionToken"])` + "\n"},
		{"k8s/secret.yaml", "kind: Secret\ndata:\n  username: " + base64.StdEncoding.EncodeToString([]byte("appuser")) + "\n"},
		{"docs/api.md", "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("user:password"))},
		// Names that merely hold a secret word, or say the value is not
		// the secret (issue 10 item 5, issue 12 item 7).
		{"ci/release.py", `os.environ["GIT_AUTHOR_EMAIL"] = "release-bot@example.org"`},
		{"src/AuthTest.java", `String nonMatchingToken = "Kp9Lm2Qx7vR4tW8b";`},
		{"src/zoo.js", `const monkey = "Kp9Lm2Qx7vR4tW8b"; var author = "Kp9Lm2Qx7vR4tW8b";`},
		{"conf/app.yaml", "password_file: /run/secrets/db-password-v2\ntoken_url: https://auth.example.com/oauth/token\n"},
		// Markup placeholders and documentation references.
		{"docs/setup.md", "api_key: <<ACME_API_KEY>>\npassword: [PASSWORD]\nsecret: <user:password>\ntoken: <xsd:string>\n"},
		{"docs/api.md", `  "token": "<<API_TOKEN>>",`},
		// Go code: a struct field's pointer type, a function under a name
		// that puts a key after a preposition, an enumeration's constant
		// named for its field.
		{"openpgp/keys.go", "type Entity struct {\n\tPrimaryKey    *packet.PublicKey\n\tPrivateKey    *packet.PrivateKey\n}\n"},
		{"functions.go", `	"signWithKey":             signCertificateWithPEMKey,` + "\n"},
		{"otr/otr.go", "\t\tc.authState = authStateAwaitingDHKey\n"},
		// A man page's placeholders, set in italics by troff's font escapes.
		{"man/apt.conf.5", `Acquire::http::Proxy "http://\fIuser\fR:\fIpassword\fR@proxy:3128/";` + "\n"},
		{"man/tool.1", `\fB\-\-password\fR=\fIsecret\-value\fR` + "\n"},
		// Punctuation alone, no letter or digit: not a key.
		{"src/parse.c", `password = ",.:-@*?!";`},
		{"conf/app.yaml", "secret: '----====----'\n"},
		{"docs/api.md", "[UNAUTHENTICATED_TOKEN]: settings.md#unauthenticated_token\n"},
		// Prose, code and markup near a secret word.
		{"docs/serializers.md", "To allow deletion, pass `allow_delete=True` to the serializer, or pass `many=True`.\n"},
		{"docs/config.rst", `   SECRET_KEY = os.environ.get("SECRET_KEY", default=None)`},
		{"templates/token.html", `<label for="token" class="col-sm-2 control-label">Token</label>`},
		{"site/nav.html", `<a href="tokens/" class="md-nav__link">Tokens</a>`},
		{"htmlcov/index.html", `<td class="name left"><a href='z_authtoken_views_py.html'>rest_framework/authtoken/views</a></td>`},
		{"docs/types.rst", `    Column("password", String, length=None), Column("passphrase", Text, length=1000)`},
		{"doc/tutorial.txt", "users.select(users.c.password==email_addresses_table.c.email_address)\n"},
		{"doc/mapping.myt", "update(users, password=:save_password, name=:name)\n"},
		{"doc/glossary.rst", `    "postgresql://user:pass:host/dbname"`},
		{"src/index.json", `{"docs": [{"text": "csrf_token', csrfHeaderName: 'X-CSRFToken'"}]}`},
		{"src/client.ts", "headers: { Authorization: token, apiKey: config.apiKey, password: this.password },\n"},
		{"src/main.go", "\tPassword: os.Getenv(\"DB_PASSWORD\"),\n\ttoken := req.Header.Get(\"X-Token\")\n"},
		{"Makefile", "TOKEN ?= $(shell cat .token)\nPASSWORD := ${DB_PASSWORD}\n"},
		{".github/workflows/ci.yml", "        token: ${{ secrets.GITHUB_TOKEN }}\n        password: ${{ secrets.DB_PASSWORD }}\n"},
		{"templates/login.html", `<input type="password" name="password" id="inputPassword3" class="form-control" placeholder="Password">`},
	}
	for _, dc := range decoys {
		if got := findings(t, d, dc.path, dc.text); len(got) > 0 {
			t.Errorf("%s: %q reports %q", dc.path, dc.text, got)
		}
	}
}

// TestDefaultRulesCredentialStores holds what the default rules make of the
// same values in a credential store and elsewhere: a weak password in a
// store is a low "weak" finding, in docs and code it is not a finding; a
// strong one is found in both; a reference is never a finding.
func TestDefaultRulesCredentialStores(t *testing.T) {
	d := defaultDetector(t)
	strong := "Vt8k!Q2xR7m" + "Z" // split so that this file holds no literal secret
	for _, tt := range []struct {
		path, text string
		want       []string
	}{
		{".netrc", "machine ci.example.com login deploy password " + strong, []string{"netrc-password=" + strong + " (high)"}},
		{".netrc", "machine ci.example.com login deploy password qwerty", []string{"netrc-password=qwerty (low)"}},
		{".netrc", "machine ci.example.com login deploy password !@#$%^&*()", []string{"netrc-password=!@#$%^&*() (low)"}},
		{"docs/netrc.md", "machine ci.example.com login deploy password qwerty", nil},
		{"docs/netrc.md", "machine ci.example.com login deploy password " + strong, []string{"netrc-password=" + strong + " (high)"}},
		{".pgpass", "localhost:5432:*:postgres:postgres", []string{"pgpass-password=postgres (low)"}},
		{".git-credentials", "https://jdoe:hunter2@git.example.com", []string{"git-credentials-password=hunter2 (low)"}},
		{"README.md", "https://jdoe:hunter2@git.example.com", nil},
		{".docker/config.json", `{"auths": {"localhost:5000": {"auth": "` + base64.StdEncoding.EncodeToString([]byte("ci:changeme")) + `"}}}`, []string{"docker-config-auth=changeme (low)"}},
		{".npmrc", "_authToken=${NPM_TOKEN}", nil},
		{".aws/credentials", "[localstack]\naws_access_key_id = test\naws_secret_access_key = test", []string{"aws-cli-credentials=test (low)"}},
		{"docs/aws.md", "aws_secret_access_key = test", nil},
		{"ci/deploy.sh", "sshpass -p '" + strong + "' ssh deploy@host", []string{"sshpass-password=" + strong + " (medium)"}},
		{"ci/deploy.sh", `sshpass -p "$SSH_PASS" ssh deploy@host`, nil},
		{".github/workflows/ci.yml", "run: mysql -uroot -p${{ secrets.DB_PASSWORD }} -e 'select 1'", nil},
		{"deploy.bat", `net use Z: \\fs01\share %SHARE_PASSWORD% /user:CORP\svc`, nil},
		{"docs/mysql.md", "mysql -u root -p<password> shop", nil},
		// Jenkins credential entries, judged by content in any file: the secret field
		// in the clear or as hudson.util.Secret writes it ({AQAAABAAA...})
		{"backup/notes.txt", jenkinsEntry("StringCredentialsImpl", "secret", strong), []string{"jenkins-stored-credential=" + strong + " (high)"}},
		{"credentials.xml", jenkinsEntry("UsernamePasswordCredentialsImpl", "password", "{"+jenkinsSecret+"}"), []string{"jenkins-stored-credential=" + jenkinsSecret + " (high)"}},
		{"jobs/app/config.xml", "<scm><password>{" + jenkinsSecret + "}</password></scm>", []string{"jenkins-stored-credential=" + jenkinsSecret + " (high)"}},
		{"credentials.xml", jenkinsEntry("StringCredentialsImpl", "secret", "${DEPLOY_TOKEN}"), nil},
		{"jenkins_home/credentials.xml", jenkinsEntry("UsernamePasswordCredentialsImpl", "password", "changeme"), []string{"jenkins-stored-credential=changeme (low)"}},
		{"docs/jenkins.md", jenkinsEntry("UsernamePasswordCredentialsImpl", "password", "changeme"), nil},
		// service credential files: a weak password there still logs in
		{"etc/ppp/chap-secrets", "vpnuser * changeme *", []string{"ppp-secret=changeme (low)"}},
		{"etc/ppp/chap-secrets", "vpnuser * " + strong + " *", []string{"ppp-secret=" + strong + " (high)"}},
		{"etc/postfix/sasl_passwd", "[smtp.example.com]:587 alerts@example.com:qwerty", []string{"postfix-sasl-password=qwerty (low)"}},
		{"pgbouncer/userlist.txt", `"app" "changeme"`, []string{"pgbouncer-auth-file=changeme (low)"}},
		{"etc/ipsec.secrets", `: PSK "changeme"`, []string{"ipsec-secret=changeme (low)"}},
		{"docs/vpn.md", `: PSK "changeme"`, nil},
		{"docs/vpn.md", `: PSK "` + strong + `"`, []string{"ipsec-secret=" + strong + " (high)"}},
		{"haproxy.cfg", "listen stats\n  stats auth admin:admin", nil},
		{"haproxy.cfg", "listen stats\n  stats auth admin:" + strong, []string{"haproxy-password=" + strong + " (high)"}},
		// service configurations that are credential stores: a weak or
		// default password left in place is still one
		{"etc/zabbix/zabbix_server.conf", "DBUser=zabbix\nDBPassword=zabbix", []string{"zabbix-db-password=zabbix (low)"}},
		{"docs/zabbix.md", "DBPassword=zabbix", nil},
		{"etc/rabbitmq/rabbitmq.conf", "default_user = admin\ndefault_pass = guest", []string{"rabbitmq-default-pass=guest (low)"}},
		{"etc/rabbitmq/rabbitmq.config", `[{rabbit, [{default_pass, <<"` + strong + `">>}]}].`, []string{"rabbitmq-default-pass=" + strong + " (high)"}},
		{"raddb/clients.conf", "client localhost {\n\tsecret = testing123\n}", []string{"freeradius-secret=testing123 (low)"}},
		{"raddb/mods-available/sql", "sql {\n\tpassword = \"" + strong + "\"\n}", []string{"freeradius-secret=" + strong + " (high)"}},
		{"conf/context.xml", `<Resource name="jdbc/app" username="app" password="tomcat"/>`, []string{"tomcat-resource-password=tomcat (low)"}},
		{"docs/jndi.xml", `<Resource name="jdbc/app" username="app" password="tomcat"/>`, nil},
		{"forum/config.php", "$dbpasswd = 'pass123';", []string{"phpbb-config-password=pass123 (low)"}},
		{"config/mongoid.yml", "production:\n  clients:\n    default:\n      uri: mongodb://app:testpass@db.example.com/app", []string{"connection-url-password=testpass (low)"}},
		{"client/auth.txt", "vpnuser\nwelcome1\n", []string{"two-line-credentials-file=welcome1 (low)"}},
		{"client/auth.txt", "{{ vpn_user }}\n{{ vpn_password }}\n", nil},
	} {
		got := findings(t, d, tt.path, tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q: got %q, want %q", tt.path, tt.text, got, tt.want)
		}
	}
}

// jenkinsSecret is a value of hudson.util.Secret's shape (version 1, a 16-byte
// IV, 48 bytes of data), made of random bytes.
var jenkinsSecret = "AQAAABAAAAAw" + "yKH7iF/i6sOGQg9jjgEdDNE3KhgwASGkfdtnVosKTOvnnzjnBEDm2jSNx0XGzd8RZQRR+OLoN4cMSCydQ4AfOw=="

// jenkinsEntry returns a Jenkins credentials.xml entry of class kind whose
// secret field is field.
func jenkinsEntry(kind, field, value string) string {
	return "<com.cloudbees.plugins.credentials.impl." + kind + ">\n  <scope>GLOBAL</scope>\n  <id>deploy</id>\n" +
		"  <description>FAKE</description>\n  <" + field + ">" + value + "</" + field + ">\n</com.cloudbees.plugins.credentials.impl." + kind + ">\n"
}

// TestMatchHasNoBoundaryWhiteSpace: the match a finding reports starts and
// ends with text, not with the newline or space a rule matched as its
// boundary (a leading newline splits a CSV row).
func TestMatchHasNoBoundaryWhiteSpace(t *testing.T) {
	d := defaultDetector(t)
	tok := "ghp_" + "Xq7mZ2pL9vR4tW8bY6cJ0dF5gS1aQeRtUiOp"
	pass := strings.Join([]string{"Xk9#mQ2v", "L7pR4tZw"}, "")
	for _, c := range []struct{ path, content string }{
		{"notes.txt", "x = 1\n token: " + tok + "\n"},
		{"notes.txt", "first line\n" + tok + "\nlast line\n"},
		{".env", "A=1\nDATABASE_PASSWORD=" + pass + "\nB=2\n"},
	} {
		src := leak.Source{Path: c.path}
		res, err := d.Detect(&leak.Fragment{Content: []byte(c.content), Sources: []leak.Source{src}})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for i := range res.Matches {
			f, ok := d.Finding(&res.Matches[i], "", src)
			if !ok {
				continue
			}
			n++
			if f.Match != strings.TrimSpace(f.Match) || !strings.Contains(f.Match, f.Secret) {
				t.Errorf("%s: %s match %q", c.path, f.RuleID, f.Match)
			}
		}
		if n == 0 {
			t.Errorf("%s: no finding in %q", c.path, c.content)
		}
	}
}

// TestTypedRunsUnderAVendorsName: a run typed by hand (abcdef0123456789...)
// is a documentation stand-in for generic rules and self-identifying
// tokens, but a vendor rule stated by names and a format without a literal
// prefix reports it where it is assigned to the vendor's name (the global
// allowlist's exceptNamed).
func TestTypedRunsUnderAVendorsName(t *testing.T) {
	d := defaultDetector(t)
	typed := "abcdef" + "0123456789" + "abcdef" + "0123456789" // 32 characters, split so that this file holds no finding
	for _, tt := range []struct {
		path, text string
		want       []string
	}{
		{"config/app.env", "COUNTRYLAYER_" + "ACCESS_KEY=" + typed, []string{"countrylayer-access-key=" + typed + " (medium)"}},
		{"config/app.env", "API_" + "KEY=" + typed, nil},
		{"config/app.env", "STRIPE_KEY=sk_" + "live_" + "abcdefghijklmnopqrstuvwx" + "123456", nil},
	} {
		got := findings(t, d, tt.path, tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q: got %q, want %q", tt.path, tt.text, got, tt.want)
		}
	}
}

// TestVendorKeyNamedInProse: a vendor rule whose keywords join its name and
// a word with "_" (nimble_key) runs where prose and headers write them
// apart ("Nimble API key: ...").
func TestVendorKeyNamedInProse(t *testing.T) {
	d := defaultDetector(t)
	key := strings.Join([]string{"Qm7Zt2Kx9Lp4", "Wv8Rn3Yd6Hs1Fj5T"}, "Gc") // 30 letters and digits
	for _, tt := range []struct {
		path, text string
		want       []string
	}{
		{"docs/setup.md", "Nimble API key: " + key, []string{"nimble-api-key=" + key + " (medium)"}},
		{"config/crm.env", "NIMBLE_API_KEY=" + key, []string{"nimble-api-key=" + key + " (medium)"}},
	} {
		got := findings(t, d, tt.path, tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q: got %q, want %q", tt.path, tt.text, got, tt.want)
		}
	}
}

// TestLongTokenAssigned: a generic rule reports a long token in a URL-safe
// alphabet (a JWT-like or dotted bearer token of several hundred
// characters), not a long value in standard base64, which is encoded data,
// nor a value of 1000 characters or more.
func TestLongTokenAssigned(t *testing.T) {
	d := defaultDetector(t)
	// deterministic pseudo-random runs, built at run time so that this file
	// holds no literal secret
	run := func(alphabet string, n int) string {
		var b strings.Builder
		x := uint32(2463534242)
		for b.Len() < n {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b.WriteByte(alphabet[x%uint32(len(alphabet))])
		}
		return b.String()
	}
	const urlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	token := run(urlSafe, 180) + "." + run(urlSafe, 150)
	blob := run(urlSafe[:62]+"+/", 340)
	huge := run(urlSafe, 1200)
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"acme token = '" + token + "'", []string{"generic-secret-assignment=" + token + " (medium)"}},
		{"ACME_TOKEN=" + token, []string{"generic-secret-env-file=" + token + " (medium)"}},
		{"acme token = '" + blob + "'", nil},
		{"acme token = '" + huge + "'", nil},
	} {
		if got := findings(t, d, "config/app.txt", tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%.40q...: got %.120q, want %.120q", tt.text, got, tt.want)
		}
	}
}

// TestHereIsAnOrdinaryWord: "here" names HERE's credentials only with the
// rest of their names (HERE_API_KEY, here.access.key.secret). Under a name
// that merely ends in "here" (SECRET_KEY_HERE), a value one character off
// the access key secret's 86 is the generic rule's, not a near miss of
// HERE's format.
func TestHereIsAnOrdinaryWord(t *testing.T) {
	d := defaultDetector(t)
	run := func(n int) string { // letters and digits, built at run time
		const al = "Kq7Zt2Xp9Lm4Wv8Rn3Yd6Hs1Fj5TbGc0"
		b := make([]byte, n)
		for i := range b {
			b[i] = al[(i*7+i/5)%len(al)]
		}
		return string(b)
	}
	for _, tt := range []struct {
		path, text string
		want       []string
	}{
		{"config/app.env", "SECRET_KEY_HERE=" + run(87), []string{"generic-secret-env-file=" + run(87) + " (medium)"}},
		{"config/app.env", "HERE_ACCESS_KEY_SECRET=" + run(86), []string{"here-access-key-secret=" + run(86) + " (high)"}},
		{"config/app.env", "HERE_API_KEY=" + run(43), []string{"here-api-key=" + run(43) + " (medium)"}},
	} {
		got := findings(t, d, tt.path, tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q: got %q, want %q", tt.path, tt.text, got, tt.want)
		}
	}
}

// TestSentenceFullStop: a generic rule judges an unquoted value that ends
// a sentence without the sentence's full stop, so an identifier there is
// no finding (see sentenceStem), while a random value there still is, and
// keeps its secret as found.
func TestSentenceFullStop(t *testing.T) {
	d := defaultDetector(t)
	if got := findings(t, d, "docs/setup.txt", "Pass the token: SomethingLikeThis.\n"); len(got) > 0 {
		t.Errorf("identifier at a sentence's end: %q", got)
	}
	random := "Xq7mZ2pL" + "9vR4tW8bY6cJ"
	got := findingsOf(t, d, "docs/setup.txt", "Pass the token: "+random+".\n")
	if len(got) != 1 || got[0].Secret != random+"." {
		t.Errorf("random value at a sentence's end: %+v", got)
	}
}

// TestDedupePrefersFormat: where a rule that reads a name and a rule that
// knows a vendor's format (its literal prefix) find the same secret at the
// same severity, the vendor's rule names it, whichever comes first in the
// rules file.
func TestDedupePrefersFormat(t *testing.T) {
	d := defaultDetector(t)
	key := "sk_test_" + "49261090f25a598b130ba6284752d8fca421b92c"
	var got []string
	for _, f := range findingsOf(t, d, "payments/client.py", "paystack.SECRET_KEY = '"+key+"'\n") {
		if f.Secret == key {
			got = append(got, f.RuleID)
		}
	}
	if !slices.Equal(got, []string{"paystack-secret-key"}) {
		t.Errorf("rules reporting the key: %q, want paystack-secret-key alone", got)
	}
}
