package detect

import (
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
		"env":              "ACME_API_KEY=" + s,
		"env export":       "export ACME_API_KEY=" + s,
		"env quoted":       `ACME_API_KEY="` + s + `"`,
		"ini spaced":       "acmeToken = " + s,
		"ini section":      "[acme]\ntoken = " + s,
		"yaml":             "acme_token: " + s,
		"yaml nested":      "acme:\n  api_key: '" + s + "'",
		"json":             "{\n    \"acme_token\": \"" + s + "\"\n}",
		"json escaped":     `{\"acme_token\": \"` + s + `\"}`,
		"json escaped nl":  `{"config.ini": "ACME_TOKEN=` + s + `\nBACKUP_ENABLED=true"}`,
		"xml element":      "<acmeToken>" + s + "</acmeToken>",
		"xml multiline":    "<acmeToken>\n    " + s + "\n</acmeToken>",
		"xml attributes":   `<add key="AcmeToken" value="` + s + `" />`,
		"csharp":           `string acmeToken = "` + s + `";`,
		"go var":           `var acmeToken string = "` + s + `"`,
		"go short":         `acmeToken := "` + s + `"`,
		"go backticks":     "acmeToken := `" + s + "`",
		"java":             `String acmeToken = "` + s + `";`,
		"kotlin typed":     `val acmeToken: String = "` + s + `"`,
		"php concat":       `$acmeToken .= "` + s + `";`,
		"php define":       `define('ACME_API_KEY', '` + s + `');`,
		"php array":        `'acme_key' => '` + s + `',`,
		"python":           `acme_token = '` + s + `'`,
		"python annotated": `acme_token: str = "` + s + `"`,
		"python environ":   `os.environ["ACME_TOKEN"] = "` + s + `"`,
		"setProperty":      `System.setProperty("ACME_TOKEN", "` + s + `")`,
		"logstash":         `  "acmeToken" => "` + s + `"`,
		"make":             `ACME_TOKEN = "` + s + `"`,
		"make simple":      `ACME_TOKEN := "` + s + `"`,
		"make shell":       `ACME_TOKEN ::= "` + s + `"`,
		"make evaluated":   `ACME_TOKEN :::= "` + s + `"`,
		"make conditional": `ACME_TOKEN ?= "` + s + `"`,
		"make append":      `ACME_TOKEN += ` + s,
		"dockerfile env":   "ENV ACME_TOKEN " + s,
		"dockerfile arg":   "ARG ACME_TOKEN=" + s,
		"docker run":       "docker run -e ACME_TOKEN=" + s + " acme/app",
		"flag":             "acme-cli --acme-token " + s + " deploy",
		"flag equals":      "acme-cli --acme-token=" + s,
		"header":           `curl -H "X-Acme-Token: ` + s + `" https://api.acme.example`,
		"hcl":              `acme_api_key = "` + s + `"`,
		"js default":       `const acmeKey = process.env.ACME_KEY || "` + s + `";`,
		"ruby hash":        `:acme_api_key => "` + s + `",`,
		"powershell":       `$env:ACME_TOKEN = "` + s + `"`,
		"key first":        "API_KEY_ACME=" + s,
		"camelCase part":   `const prodAcmeToken = "` + s + `";`,
		"query string":     "https://api.acme.example/v1?acme_token=" + s + "&page=2",
		"prose":            "Acme API key: " + s,
		"crlf":             "ACME_API_KEY=" + s + "\r\nOTHER=1\r\n",
		"csv":              "acme_token," + s + ",prod",
	}
	for name, text := range syntaxes {
		got := findings(t, d, "example.txt", text)
		if len(got) != 1 || got[0] != "acme-api-key="+s+" ()" {
			t.Errorf("%s: %q: got %q", name, text, got)
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
	} {
		if got := findings(t, d, "example.txt", text); len(got) > 0 {
			t.Errorf("%q: got %q", text, got)
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
	} {
		_, err := config.Parse("r.toml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.want)
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

// TestAssignmentMatchText checks that the match of a rule stated by names
// is the assignment, not the lines between the service's name and it.
func TestAssignmentMatchText(t *testing.T) {
	d := assignDetector(t)
	s := "k3v9q2x7m4p8r1t6w5z0b2n7c4f9h1j6"
	for text, want := range map[string]string{
		"[acme]\nregion = eu\napi_key = " + s + "\n": "api_key = " + s + "\n",
		"<acmeToken>\n    " + s + "\n</acmeToken>":   "<acmeToken>\n    " + s + "\n",
		"ACME_KEY=" + s: "ACME_KEY=" + s,
	} {
		res, err := d.Detect(&leak.Fragment{Content: []byte(text), Sources: []leak.Source{{Path: "a.ini"}}})
		if err != nil || len(res.Matches) != 1 || res.Matches[0].Text != want {
			t.Errorf("%q: got %+v, %v; want match %q", text, res.Matches, err, want)
		}
	}
}
