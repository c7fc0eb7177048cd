package detect

import (
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// assignRules states one vendor rule and one token rule by value, as rules
// files do, for the syntax tests below.
const assignRules = `
[[rules]]
id = "acme-api-key"
names = ["acme"]
value = '''[a-z0-9]{32}'''
entropy = 3

[[rules]]
id = "zipcodeapi-key"
names = ["zipcodeapi"]
value = '''[A-Za-z0-9]{64}'''

[[rules]]
id = "acme-token"
value = '''acmt_[A-Za-z0-9]{30}'''
`

func assignDetector(t *testing.T) *Detector {
	t.Helper()
	cfg, err := config.Parse("assign.toml", []byte(assignRules))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAssignmentSyntaxes holds the syntaxes a value is assigned in: one rule
// stated by names and value must find the same secret in each.
func TestAssignmentSyntaxes(t *testing.T) {
	d := assignDetector(t)
	s := "k3v9q2x7m4p8r1t6w5z0b2n7c4f9h1j6" // 32 characters, built to the rule's format
	syntaxes := map[string]string{
		"env":               "ACME_API_KEY=" + s,
		"env export":        "export ACME_API_KEY=" + s,
		"env quoted":        `ACME_API_KEY="` + s + `"`,
		"ini spaced":        "acmeToken = " + s,
		"ini section":       "[acme]\ntoken = " + s,
		"yaml":              "acme_token: " + s,
		"yaml nested":       "acme:\n  api_key: '" + s + "'",
		"json":              "{\n    \"acme_token\": \"" + s + "\"\n}",
		"json escaped":      `{\"acme_token\": \"` + s + `\"}`,
		"json escaped nl":   `{"config.ini": "ACME_TOKEN=` + s + `\nBACKUP_ENABLED=true"}`,
		"xml element":       "<acmeToken>" + s + "</acmeToken>",
		"xml multiline":     "<acmeToken>\n    " + s + "\n</acmeToken>",
		"xml attributes":    `<add key="AcmeToken" value="` + s + `" />`,
		"xml value first":   `<add value="` + s + `" key="AcmeToken" />`,
		"xml option":        `<option name="acmeToken" value="` + s + `"/>`,
		"xml value first 2": `<option value="` + s + `" type="string" name="acme.token"/>`,
		"csharp":            `string acmeToken = "` + s + `";`,
		"go var":            `var acmeToken string = "` + s + `"`,
		"go short":          `acmeToken := "` + s + `"`,
		"go backticks":      "acmeToken := `" + s + "`",
		"java":              `String acmeToken = "` + s + `";`,
		"kotlin typed":      `val acmeToken: String = "` + s + `"`,
		"php concat":        `$acmeToken .= "` + s + `";`,
		"php define":        `define('ACME_API_KEY', '` + s + `');`,
		"php array":         `'acme_key' => '` + s + `',`,
		"python":            `acme_token = '` + s + `'`,
		"python annotated":  `acme_token: str = "` + s + `"`,
		"python environ":    `os.environ["ACME_TOKEN"] = "` + s + `"`,
		"setProperty":       `System.setProperty("ACME_TOKEN", "` + s + `")`,
		"logstash":          `  "acmeToken" => "` + s + `"`,
		"make":              `ACME_TOKEN = "` + s + `"`,
		"make simple":       `ACME_TOKEN := "` + s + `"`,
		"make shell":        `ACME_TOKEN ::= "` + s + `"`,
		"make evaluated":    `ACME_TOKEN :::= "` + s + `"`,
		"make conditional":  `ACME_TOKEN ?= "` + s + `"`,
		"make append":       `ACME_TOKEN += ` + s,
		"dockerfile env":    "ENV ACME_TOKEN " + s,
		"dockerfile arg":    "ARG ACME_TOKEN=" + s,
		"docker run":        "docker run -e ACME_TOKEN=" + s + " acme/app",
		"flag":              "acme-cli --acme-token " + s + " deploy",
		"flag equals":       "acme-cli --acme-token=" + s,
		"header":            `curl -H "X-Acme-Token: ` + s + `" https://api.acme.example`,
		"hcl":               `acme_api_key = "` + s + `"`,
		"js default":        `const acmeKey = process.env.ACME_KEY || "` + s + `";`,
		"ruby hash":         `:acme_api_key => "` + s + `",`,
		"powershell":        `$env:ACME_TOKEN = "` + s + `"`,
		"key first":         "API_KEY_ACME=" + s,
		"camelCase part":    `const prodAcmeToken = "` + s + `";`,
		"query string":      "https://api.acme.example/v1?acme_token=" + s + "&page=2",
		"prose":             "Acme API key: " + s,
		"crlf":              "ACME_API_KEY=" + s + "\r\nOTHER=1\r\n",
		"csv":               "acme_token," + s + ",prod",
		"cr":                "ACME_API_KEY=" + s + "\rOTHER=1\r",
		"utf-16 line ends":  "ACME_TOKEN := " + s + "\r\n",
		"compound":          "ACMEKEY=" + s,
		"plural":            "acme_tokens: " + s,
		"camel":             "acmeApiKey = '" + s + "'",
		"ruby symbol":       "config[:acme_token] = '" + s + "'",
		"spring value":      `@Value("${acme.token:` + s + `}")`,
		"bearer header":     "X-Acme-Auth: Bearer " + s,
		"properties":        "acme.api.key=" + s,
		"toml table":        "[acme]\napi_key = \"" + s + "\"",
		"kotlin const":      `const val ACME_TOKEN = "` + s + `"`,
		"shell env":         "env ACME_TOKEN=" + s + " ./deploy.sh",
		"docker --env":      "docker run --env ACME_TOKEN=" + s + " acme/app",
		"yaml next line":    "acmeApiKey:\n  '" + s + "',\n",
		"js next line":      "const acmeApiKey =\n  \"" + s + "\";",
		"terraform default": "variable \"acme_api_token\" {\n  default = \"" + s + "\"\n}",
		"terraform inline":  "variable \"acme_api_token\" { default = \"" + s + "\" }",
		"comparison":        `if (acmeToken === "` + s + `") {`,
		"java wrapped":      "public static final String ACME_API_KEY\n        = \"" + s + "\";",
		"js fallback":       "const key =\n  process.env.ACME_API_KEY ||\n  \"" + s + "\";",
		"cpp brace":         "static const std::string AcmeApiKey{\n    \"" + s + "\"};",
		"c# property":       `public string AcmeToken { get; set; } = "` + s + `";`,
		"c# init property":  `public string AcmeToken { get; init; } = "` + s + `";`,
		"setx":              "setx ACME_TOKEN " + s,
		"fish set":          "set -gx ACME_TOKEN " + s,
		"rust const":        `const ACME_API_KEY: &str = "` + s + `";`,
		"rust static":       `static ACME_API_KEY: &'static str = "` + s + `";`,
		"perl %ENV":         `$ENV{'ACME_TOKEN'} = '` + s + `';`,
		"perl hash":         `$config{acme_token} = "` + s + `";`,
		"markdown table":    "| Name | Value |\n|---|---|\n| ACME_API_KEY | " + s + " |",
		"table code spans":  "| `acme_token` | `" + s + "` |",
	}
	for name, text := range syntaxes {
		got := findings(t, d, "example.txt", text)
		if len(got) != 1 || got[0] != "acme-api-key="+s+" ()" {
			t.Errorf("%s: %q: got %q", name, text, got)
		}
	}
}

// TestTableRowShortValue: a Markdown table's row names a value too short
// to be found by mention (a vendor's 10 hex digits) by the row's first
// cell, as an assignment does; a row without its leading bar (columns a
// tool printed) or whose cell is not the value alone names nothing.
func TestTableRowShortValue(t *testing.T) {
	cfg, err := config.Parse("table.toml", []byte(`
[[rules]]
id = "acme-client-secret"
names = ["acme"]
secretWords = ["client[_.-]?secret", "secret"]
value = '''[a-f0-9]{10}'''
`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := "4c7e1a9f" + "02" // 10 hex digits, assembled so the self-scan sees none
	for _, text := range []string{
		"| Name | Value |\n|---|---|\n| ACME_CLIENT_SECRET | " + s + " |\n",
		"| `acme_secret` | `" + s + "` |\n",
		"  |acmeClientSecret|" + s + "|\n",
	} {
		if got := findings(t, d, "README.md", text); len(got) != 1 || got[0] != "acme-client-secret="+s+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{
		"ACME_CLIENT_SECRET | " + s + " | prod\n",
		"| ACME_CLIENT_SECRET | a secret such as " + s + " |\n",
		"| ACME_CLIENT_ID | " + s + " |\n",
	} {
		if got := findings(t, d, "README.md", text); len(got) != 0 {
			t.Errorf("%q: got %q, want nothing", text, got)
		}
	}
}

// TestAssignmentNearMisses holds names and values a vendor rule must not
// take: a name without the vendor or without a secret word, a value of the
// wrong shape or one that runs on.
func TestAssignmentNearMisses(t *testing.T) {
	d := assignDetector(t)
	s := "k3v9q2x7m4p8r1t6w5z0b2n7c4f9h1j6"
	for _, text := range []string{
		"OTHER_API_KEY=" + s,                      // no vendor name
		"MACME_API_KEY=" + s,                      // the name inside another word
		"acmecorp_api_key = " + s,                 // a longer name
		"ACME_ACCOUNT=" + s,                       // no secret word
		"ACME_API_KEY=" + s + "abc",               // longer than the format
		"ACME_API_KEY=" + s[:31],                  // shorter
		"ACME_API_KEY=" + strings.ToUpper(s),      // wrong alphabet
		"ACME_API_KEY=" + strings.Repeat("a", 32), // no entropy
		"ACME_AUTHOR=" + s,                        // AUTHOR is not AUTH
		"ACME_PATH=" + s,                          // PATH is not PAT
		"ACME_TOKEN_URL=" + s,                     // about the token
		"INVALID_ACME_TOKEN=" + s,                 // says it is not one
		"ACME_PUBLIC_KEY=" + s,                    // public
		"MYACME_TOKEN=" + s,                       // the vendor is not a part
		"acme_token.html'>" + s,                   // a file name
		"acme_token:\n  " + s,                     // unquoted on the next line: a nested key, not a value
		// The value attribute first (see TestDefaultPackXMLOptions):
		`<option value="` + s + `" name="acmeTokenUrl"/>`,       // the value first, under a name about the token
		`<option value="` + s + `" name="acmeAccount"/>`,        // no secret word
		`<option value="` + s + `"/><option name="acmeToken"/>`, // another element's name
	} {
		if got := findings(t, d, "example.txt", text); len(got) > 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}

// aloneRules states a vendor rule with the default secret words and one
// that asks for one kind of name (secret, not id), for the tests of a
// value assigned to the service's name alone.
const aloneRules = `
[[rules]]
id = "acme-api-key"
names = ["acme", "acme[_.-]?cloud"]
value = '''[a-z0-9]{32}'''
entropy = 3
keywords = ["acme"]

[[rules]]
id = "tk-client-secret"
names = ["tkcloud"]
secretWords = ["secret"]
value = '''[a-z0-9]{32}'''
`

// TestVendorNameAlone checks that a value of a vendor rule's format is
// found assigned to the service's name alone, joined by an operator or, in
// a list (the name begins its line or follows the item before it), by
// white space, and that a name that holds more than the service's name,
// white space alone in prose, a value that is no key (a URL, a channel, a version, a word) and a rule
// that asks for one kind of name are not.
func TestVendorNameAlone(t *testing.T) {
	cfg, err := config.Parse("alone.toml", []byte(aloneRules))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := "k3v9q2x7m4p8r1t6w5z0b2n7c4f9h1j6" // 32 characters, built to the rule's format
	for _, text := range []string{
		`acme: "` + s + `"`,
		`acme: ` + s,
		`{"acme": "` + s + `"}`,
		`ACME=` + s,
		`Acme = '` + s + `'`,
		`export ACME="` + s + `"`,
		`<add key="Acme" value="` + s + `" />`,
		`<acme>` + s + `</acme>`,
		`'acme' => '` + s + `',`,
		`acme_cloud: "` + s + `"`, // a name given as a regex, whole
		`AcmeCloud = "` + s + `"`,
		`acme ` + s,                             // a list: the name begins its line
		"\t\tacme '" + s + "'\n",                // indented, quoted
		`- acme ` + s,                           // a bullet
		`# acme ` + s,                           // a comment
		`acme 'x', acme '` + s + `'`,            // after the item before it
		"notes\nacme \"" + s + "\"\nmore notes", // a line of its own
		"acme other\nacme " + s + " ok",         // a log line's start
		`acme2: "` + s + `"`,                    // one of several accounts
		`ACME_1=` + s,
		`acme_b = '` + s + `'`,
		`- acme_b ` + s,
		// Not a list item, but the name starts a mention of the value
		// below it, which the list form must not hide.
		"<id>{acme q8w2e4r6t1y3u5i7o9p0a2s4d6f8g1h3}</id>\n<secret>{AQAAABAAA " + s + "}</secret>",
	} {
		if got := findings(t, d, "config.yml", text); len(got) != 1 || got[0] != "acme-api-key="+s+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{
		`acme: "https://acme.example/` + s + `"`,   // a URL
		`acme: "#alerts"`,                          // a channel
		`{"dependencies": {"acme": "^12.0.0"}}`,    // a version
		`acme: "octocat"`,                          // a user name
		`acme: "qwhzkfmbnrtxvplsdjcgyeaoiuqwhzkf"`, // letters alone: a word, not a generated key
		`acme: "38104729561038472956103847295610"`, // digits alone
		`my_acme = "` + s + `"`,                    // more than the service's name
		`acme.com = "` + s + `"`,                   // a host
		`acme_ab = "` + s + `"`,                    // a word after the name, not an account's letter
		`acme_123 = "` + s + `"`,                   // a number of three digits: a version, a port
		`acme_id = "` + s + `"`,                    // an id
		`Your acme ` + s,                           // white space alone in prose
		`use the acme ` + s + ` key`,               // in prose
		`my_acme ` + s,                             // more than the service's name, in a list
		`acme value ` + s,                          // a word between
		`acme, "` + s + `"`,                        // an argument list
		`acme: "` + s[:31] + `"`,                   // shorter than the format
		`acme: "k3v9q2x7m4p8r1t6w5z0b2n7c4hfake1"`, // marked as a stand-in (ACME_API_KEY takes it)
		`tkcloud = "` + s + `"`,                    // the rule asks for a secret's name
		"acme:\n  " + s,                            // unquoted on the next line
	} {
		if got := findings(t, d, "config.yml", text); len(got) > 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{`tkcloud_secret = "` + s + `"`, `ACME_API_KEY = "k3v9q2x7m4p8r1t6w5z0b2n7c4hfake1"`} {
		if got := findings(t, d, "config.yml", text); len(got) != 1 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}

// TestVendorNameAloneWithAddedWords checks that a vendor rule whose
// secretWords hold every default word and add one (a webhook's "hmac") also
// finds its value assigned to the service's name alone, while one whose
// words leave a default word out does not (it opts out: its format does not
// name the service by itself), though both still find a secret's name.
func TestVendorNameAloneWithAddedWords(t *testing.T) {
	quoted := func(words []string) string {
		q := make([]string, len(words))
		for i, w := range words {
			q[i] = "'''" + w + "'''"
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	adds := append(slices.Clone(config.DefaultSecretWords), "hmac")
	leaves := append(slices.Clone(config.DefaultSecretWords[1:]), "hmac") // no "key"
	rule := func(id, name string, words []string) string {
		return "[[rules]]\nid = \"" + id + "\"\nnames = [\"" + name + "\"]\nsecretWords = " + quoted(words) +
			"\nvalue = '''[a-f0-9]{64}'''\nentropy = 3\n"
	}
	rules := rule("zqpay-hmac-key", "zqpay", adds) + "\n" + rule("zqship-hmac-key", "zqship", leaves)
	cfg, err := config.Parse("added.toml", []byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Repeat("3f9a7c1e5b8d2f60", 4) // 64 hex, built to the rules' format
	for text, want := range map[string]string{
		`zqpay: "` + s + `"`:          "zqpay-hmac-key",
		`- zqpay '` + s + `'`:         "zqpay-hmac-key",
		`ZQPAY_HMAC="` + s + `"`:      "zqpay-hmac-key",
		`ZQSHIP_HMAC_SIG="` + s + `"`: "zqship-hmac-key",
		`zqship: "` + s + `"`:         "",
		`- zqship '` + s + `'`:        "",
	} {
		got := findings(t, d, "config.yml", text)
		switch {
		case want == "" && len(got) > 0:
			t.Errorf("%q: got %q, want nothing", text, got)
		case want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], want+"=")):
			t.Errorf("%q: got %q, want %s", text, got, want)
		}
	}
}

// TestTokenRuleBoundaries checks a token rule stated by value alone: found
// wherever it stands, not inside a longer token.
func TestTokenRuleBoundaries(t *testing.T) {
	d := assignDetector(t)
	tok := "acmt_Q7w2E9r4T1y8U3i6O0p5A2s7D4f9g1"
	for _, text := range []string{tok, `"` + tok + `"`, "x=" + tok + "\n", "https://h.example/" + tok + "/run", "token:" + tok} {
		if got := findings(t, d, "a.txt", text); len(got) != 1 || got[0] != "acme-token="+tok+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{"x" + tok, tok + "Z", "b" + tok[1:]} {
		if got := findings(t, d, "a.txt", text); len(got) > 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}

func TestAssignRuleErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"[[rules]]\nid = \"a\"\nnames = [\"acme\"]\n", "names need a value"},
		{"[[rules]]\nid = \"a\"\nvalue = '''[a-z]{8}'''\nregex = \"x\"\n", "a regex or a value, not both"},
		{"[[rules]]\nid = \"a\"\nvalue = '''[a-z]{8}'''\n", "needs keywords"},
		{"[[rules]]\nid = \"a\"\nnames = [\"ac(me\"]\nvalue = '''[a-z]{8}'''\n", "bad regex in names"},
		{"[[rules]]\nid = \"a\"\nnames = [\"ac.?me\"]\nvalue = '''[a-z]{8}'''\n", "need keywords"},
		{"[[rules]]\nid = \"a\"\nsecretWords = [\"key\"]\nregex = \"x\"\n", "secretWords need names"},
		{"[[rules]]\nid = \"a\"\nquote = \"none\"\nregex = \"x\"\n", "quote is for a rule stated by names"},
		{"[[rules]]\nid = \"a\"\nnames = [\"acme\"]\nquote = \"double\"\nvalue = '''[a-z]{8}'''\n", "quote must be"},
		{"[[rules]]\nid = \"a\"\nnameField = true\nregex = \"x\"\n", "nameField is for a rule stated by names"},
		{"[[rules]]\nid = \"a\"\nnameField = \"yes\"\nnames = [\"acme\"]\nvalue = '''[a-z]{8}'''\n", "nameField"},
	} {
		_, err := config.Parse("r.toml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.want)
		}
	}
}

// genericRules states rules by names alone, quoted and not, as the
// default generic rules are.
const genericRules = `
[[rules]]
id = "quoted"
names = ["passw(?:or)?d", "tokens?", "api[_.-]?key"]
secretWords = []
quote = "required"
keywords = ["passw", "token", "key"]
value = '''[^'"\n\\]{6,}'''
entropy = 3

[[rules]]
id = "unquoted"
names = ["passw(?:or)?d", "tokens?", "api[_.-]?key"]
secretWords = []
quote = "none"
keywords = ["passw", "token", "key"]
value = '''[^\s'"\\<>;,()\[\]{}&|=][^\s'"\\<>;,()\[\]{}&|]{5,}'''
entropy = 3
`

// TestQuoteModes checks rules stated by names alone with quoted and with
// unquoted values: each takes its own, white space alone joins a name and
// a value only after a flag or ENV, and a comma only a quoted value.
func TestQuoteModes(t *testing.T) {
	cfg, err := config.Parse("generic.toml", []byte(genericRules))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := "Kp9Lm2Qx7vR4tW8b"
	for text, want := range map[string]string{
		`DB_PASSWORD="` + s + `"`:                      "quoted",
		`DB_PASSWORD=` + s:                             "unquoted",
		`System.setProperty("api.token", "` + s + `")`: "quoted",
		`--api-key "` + s + `"`:                        "quoted",
		`--api-key ` + s:                               "unquoted",
		`ENV DB_PASSWORD ` + s:                         "unquoted",
		`<password>` + s + `</password>`:               "unquoted",
		`var dbPassword string = "` + s + `"`:          "quoted",
		`pass the token "` + s + `" along`:             "",
		`the password ` + s + ` protects`:              "",
		`getenv("API_TOKEN", ` + s + `)`:               "",
		`<input id="token" class="` + s + `">`:         "",
		`if password == "` + s + `":`:                  "quoted",
		`if ("` + s + `" !== dbPassword) {`:            "quoted",
		`if password == ` + s + `:`:                    "",
		`if "` + s + `" == passwordHint {`:             "",
		`if got.Password != "` + s + `" {`:             "",
		`if "` + s + `" != res.token {`:                "",
	} {
		got := findings(t, d, "example.txt", text)
		switch {
		case want == "" && len(got) > 0:
			t.Errorf("%q: got %q", text, got)
		case want != "" && (len(got) != 1 || got[0] != want+"="+s+" ()"):
			t.Errorf("%q: got %q, want %s", text, got, want)
		}
	}
}

// TestNameHoldingASecretWord checks that a service whose name ends in a secret
// word (zipcodeapi) needs no other in the name.
func TestNameHoldingASecretWord(t *testing.T) {
	d := assignDetector(t)
	s := strings.Repeat("Kq3v9X2m", 8)
	for _, text := range []string{"ZIPCODEAPI=" + s, "zipcodeapi_key: " + s} {
		if got := findings(t, d, "a.txt", text); len(got) != 1 || got[0] != "zipcodeapi-key="+s+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
}

// TestNamedTwoLinesAboveInHistory checks that a new secret whose service is
// named two lines above, on lines an earlier version had, is still found
// when the LineSet skips the lines it has seen.
func TestNamedTwoLinesAboveInHistory(t *testing.T) {
	cfg, err := config.Parse("assign.toml", []byte(assignRules))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{Lines: NewLineSet()})
	if err != nil {
		t.Fatal(err)
	}
	old, cur := "k3v9q2x7m4p8r1t6w5z0b2n7c4f9h1j6", "p8r1t6w5z0b2n7c4f9h1j6k3v9q2x7m4"
	for _, s := range []string{old, cur} {
		text := "[acme]\nregion = eu\napi_key = " + s + "\n"
		if got := findings(t, d, "app.ini", text); len(got) != 1 || got[0] != "acme-api-key="+s+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
}

// TestNamedByTheBlockAbove checks where a service named on a line above
// names a secret: when its name opens the block (a section, a parent key)
// or stands in a comment, on the line above or two above past a line of the
// same block; not a line of prose or a log message that names the service
// somewhere. The values are short, of no key's shape, so that the mention
// form (see TestMentionedValues) does not find them either.
func TestNamedByTheBlockAbove(t *testing.T) {
	cfg, err := config.Parse("short.toml", []byte(`
[[rules]]
id = "acme-short-key"
names = ["acme"]
value = '''[A-Z0-9]{12}'''
entropy = 2
`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := "K3V9Q2X7M4P8"
	for _, text := range []string{
		"[acme]\ntoken = " + s + "\n",
		"[accounts.acme]\nregion = eu\napi_key = " + s + "\n",
		"acme:\n  prod:\n    api_key: " + s + "\n",
		"acme:\n  url: https://acme.example.net/v2\n  token: " + s + "\n",
		"\"acme\": {\n  \"region\": \"eu\",\n  \"token\": \"" + s + "\"\n",
		"const client = new Acme({\n  token: '" + s + "',\n",
		"# Acme credentials\napi_key = " + s + "\n",
		"  // acme, production\n  region: 'eu',\n  token: '" + s + "',\n",
	} {
		if got := findings(t, d, "settings.txt", text); len(got) != 1 || got[0] != "acme-short-key="+s+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{
		"acme keyword is far from the key in this text\n key = '" + s + "'\n",
		"[INFO] Sending request to the acme API\n[DEBUG] Using Key=" + s + "\n",
		"# acme\nSee the wiki for the rest.\napi_key = " + s + "\n",
		"acme worker started\n[INFO] loading settings\napi_key: " + s + "\n",
		"[DEBUG] acme api processing\n[INFO] Sending request to the API\n[DEBUG] Using Key=" + s,
	} {
		if got := findings(t, d, "settings.txt", text); len(got) > 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}

// TestAssignmentMatchText checks that the match of a rule stated by names
// is the assignment, not the lines between the service's name and it.
func TestAssignmentMatchText(t *testing.T) {
	d := assignDetector(t)
	s := "k3v9q2x7m4p8r1t6w5z0b2n7c4f9h1j6"
	for text, want := range map[string]string{
		"[acme]\nregion = eu\napi_key = " + s + "\n": "api_key = " + s + "\n",
		"<acmeToken>\n    " + s + "\n</acmeToken>":   "acmeToken>\n    " + s + "\n",
		"const myAcmeToken = '" + s + "'":            "myAcmeToken = '" + s + "'",
		"ACME_KEY=" + s:                              "ACME_KEY=" + s,
	} {
		res, err := d.Detect(&leak.Fragment{Content: []byte(text), Sources: []leak.Source{{Path: "a.ini"}}})
		if err != nil || len(res.Matches) != 1 || res.Matches[0].Text != want {
			t.Errorf("%q: got %+v, %v; want match %q", text, res.Matches, err, want)
		}
	}
}

// TestRunTogetherVendorNames holds names written without separators that
// begin with the service and end with a secret word, and near misses.
func TestRunTogetherVendorNames(t *testing.T) {
	d := assignDetector(t)
	s := "k3v9q2x7m4p8r1t6w5z0b2n7c4f9h1j6"
	for _, text := range []string{
		"acmestorageaccountkey: " + s,
		"ACMEPRODAPIKEY=" + s,
		"acmeconsumersecret = '" + s + "'",
	} {
		if got := findings(t, d, "example.txt", text); len(got) != 1 || got[0] != "acme-api-key="+s+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{
		"acmecompat = " + s,   // pat run together by chance
		"acmebypass = " + s,   // pass likewise
		"acme_monkeys = " + s, // a part of its own: monkeys is not keys
		"macmestorekey = " + s,
	} {
		if got := findings(t, d, "example.txt", text); len(got) > 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}

// TestMentionedValues holds values a vendor rule finds without an
// assignment's syntax, next to the words that say what they are (see
// config.MentionGroup), and the near misses of that form.
func TestMentionedValues(t *testing.T) {
	d := assignDetector(t)
	s := "k3v9q2x7m4p8r1t6w5z0b2n7c4f9h1j6"
	for name, text := range map[string]string{
		"log line":       "[DEBUG] calling acme with KEY=" + s + " now",
		"log two below":  "[INFO] Sending request to the Acme API\n[DEBUG] Using Key=" + s + "\n",
		"prose":          "Your ACME key is " + s + ", keep it safe.",
		"wrapped store":  "<id>{acme}</id>\n<secret>{AQAAABAAA " + s + "}</secret>",
		"cli":            "acme apikey save default " + s,
		"full stop":      "The acme token is " + s + ".",
		"wrapped, named": "<id>{acme q8w2e6r4t1y9u3i7o5p0a2s4d6f8g1h3}</id>\n<secret>{acme AQAAABAAA " + s + "}</secret>",
		"dash joined":    "acme-secret-" + s,
		"run together":   "AcmeTOKEN-" + s,
		"dash after":     "acme SECRET access_token-" + s,
		"dot joined":     "acme.PRIVATE." + s,
	} {
		got := findings(t, d, "notes.txt", text)
		if len(got) != 1 || got[0] != "acme-api-key="+s+" ()" {
			t.Errorf("%s: %q: got %q", name, text, got)
		}
	}
	for name, text := range map[string]string{
		"assigned to an id":    "acme key rotated; id = " + s,
		"json id":              `{"acme": "key", "user_id": "` + s + `"}`,
		"in a url":             "acme key docs: https://acme.example/keys/" + s,
		"in a path":            "acme key at ./keys/" + s + ".pem",
		"no secret word":       "acme build " + s,
		"secret word above":    "acme key:\nbuild " + s,
		"vendor three above":   "acme\n\n\nkey " + s,
		"longer token":         "acme key " + s + "abc",
		"no vendor":            "[DEBUG] Using Key=" + s,
		"word inside a word":   "acme keyword " + s,
		"not the secret":       "the acme public key is " + s,
		"far from the words":   "acme key (see the notes in the wiki, page two) " + s,
		"about the secret":     "acme key id is " + s,
		"dotted continuation":  "acme token " + s + ".example.com",
		"vendor inside a word": "macme key " + s,
		"dashed id":            "acme key-id-" + s,
		"dashed url path":      "acme key docs: https://acme.example/key-" + s,
		"dashed file name":     "acme key in C:\\keys\\acme-key-" + s,
		"dashed longer token":  "acme-token-" + s + "-abc",
		"dashed word inside":   "acme-keyword-" + s,
		"dotted url path":      "acme key docs: https://acme.example/api.key." + s,
		"vendor two above":     "[DEBUG] acme api processing\n[INFO] Sending request to the API\n[DEBUG] Using Key=" + s,
		"vendor two above, =":  "acme client starting\nloading settings now\napi_key = " + s,
	} {
		if got := findings(t, d, "notes.txt", text); len(got) > 0 {
			t.Errorf("%s: %q: got %q", name, text, got)
		}
	}
}

// TestMentionUnderNamesAlone checks that a rule whose service's name alone
// says secret (secretWords = []) finds its value by mention too, with a
// default secret word on the value's line: prose, a comment under a line
// that names the service; and that it keeps finding the value assigned to
// any name that holds the service's.
func TestMentionUnderNamesAlone(t *testing.T) {
	cfg, err := config.Parse("alone.toml", []byte(`
[[rules]]
id = "beeline-api-key"
names = ["bee[_. -]?line"]
secretWords = []
value = '''[A-Z0-9]{40}'''
keywords = ["beeline", "bee_line", "bee-line", "bee line"]
`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := "Q7K2M9X4T1B8V5N3R6P0W2Z7C4H9J1L6F3D8G5Y0" // 40 characters, built to the rule's format
	for name, text := range map[string]string{
		"prose":            "Your BeeLine API key: " + s,
		"spaced name":      "BeeLine API KEY = " + s,
		"comment below":    "func connectToBeeLine() {\n// API KEY = " + s + "\n}",
		"name alone":       "bee_line = '" + s + "'",
		"any vendor name":  "beeline_client = '" + s + "'",
		"vendor and token": "BEELINE_TOKEN=" + s,
	} {
		if got := findings(t, d, "notes.txt", text); len(got) != 1 || got[0] != "beeline-api-key="+s+" ()" {
			t.Errorf("%s: %q: got %q", name, text, got)
		}
	}
	for name, text := range map[string]string{
		"no secret word":     "BeeLine build " + s,
		"word inside a word": "BeeLine keyboard " + s,
		"no vendor":          "// API KEY = " + s,
		"about the secret":   "BeeLine key id is " + s,
	} {
		if got := findings(t, d, "notes.txt", text); len(got) > 0 {
			t.Errorf("%s: %q: got %q", name, text, got)
		}
	}
}

// TestSecretWordsTakeToken checks that a rule asking for a secret's name
// (secretWords = ["secret"]) also takes a token's, as people name what a
// service calls its secret, but not an id's or a bare key's, and that a
// rule asking for other words is left as it is.
func TestSecretWordsTakeToken(t *testing.T) {
	cfg, err := config.Parse("token.toml", []byte(`
[[rules]]
id = "acme-client-secret"
names = ["acme"]
secretWords = ["secret"]
value = '''[a-z0-9]{32}'''

[[rules]]
id = "zeta-password"
names = ["zeta"]
secretWords = ["passw(?:or)?d"]
value = '''[a-z0-9]{32}'''
`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := "k3v9q2x7m4p8r1t6w5z0b2n7c4f9h1j6" // 32 characters, built to the rules' format
	for _, text := range []string{`ACME_SECRET=` + s, `ACME_TOKEN=` + s, `acme token - '` + s + `'`, `"acmeToken": "` + s + `"`} {
		if got := findings(t, d, "config.yml", text); len(got) != 1 || got[0] != "acme-client-secret="+s+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{`ACME_ID=` + s, `acme_key: ` + s, `acme_client_id = "` + s + `"`, `ZETA_TOKEN=` + s} {
		if got := findings(t, d, "config.yml", text); len(got) > 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}

// TestNameField checks a rule that opts into nameField: its value is
// found where its name is an object's name field and the value its value
// field's, in the forms cookie exports write, however many fields stand
// between on however many lines; not across objects or YAML list items,
// and not for a rule that does not opt in.
func TestNameField(t *testing.T) {
	const rules = `
[[rules]]
id = "acme-session"
names = ["acme_sid"]
keywords = ["acme_sid"]
secretWords = []
value = '''AQ[A-Za-z0-9_-]{40}'''
nameField = true

[[rules]]
id = "other-session"
names = ["other_sid"]
keywords = ["other_sid"]
secretWords = []
value = '''AQ[A-Za-z0-9_-]{40}'''
`
	d := mustDetector(t, rules, Options{})
	v := "AQ" + strings.Repeat("x7Kp2_Qm9-", 4)
	flags := "  \"domain\": \".acme.example\",\n  \"hostOnly\": false,\n  \"httpOnly\": true,\n"
	for _, text := range []string{
		`[{"name": "acme_sid", "value": "` + v + `"}]`,
		`{"domain": ".acme.example", "name": "acme_sid", "path": "/", "secure": true, "value": "` + v + `", "id": 1}`,
		"[\n {\n" + flags + "  \"name\": \"acme_sid\",\n  \"path\": \"/\",\n  \"sameSite\": \"lax\",\n  \"secure\": true,\n  \"session\": false,\n  \"storeId\": \"0\",\n  \"value\": \"" + v + "\"\n }\n]",
		"driver.add_cookie({'name': 'acme_sid', 'value': '" + v + "', 'path': '/'})",
		"await page.setCookie({\n  name: 'acme_sid',\n  value: '" + v + "',\n});",
		"cookies:\n  - name: acme_sid\n    domain: .acme.example\n    value: " + v + "\n",
	} {
		if got := findings(t, d, "cookies.json", text); len(got) != 1 || got[0] != "acme-session="+v+" ()" {
			t.Errorf("%q: got %q", text, got)
		}
	}
	for _, text := range []string{
		`[{"name": "acme_sid", "value": ""}, {"name": "x", "value": "` + v + `"}]`,
		"- name: acme_sid\n  value: ''\n- name: x\n  value: " + v + "\n",
		`{"name": "acme_sidecar", "value": "` + v + `"}`,
		`{"cookie_name": "acme_sid", "value": "` + v + `"}`,
		`{"name": "other_sid", "path": "/", "value": "` + v + `"}`,
	} {
		if got := findings(t, d, "cookies.json", text); len(got) > 0 {
			t.Errorf("%q: got %q", text, got)
		}
	}
}
