package detect

import (
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
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
		// A marker word that ends the value, glued to it.
		{"ACMshort", true},
		{"Kp9Lm2Qx7vR4invalid", true},
		{"9f3c2a7e1b4d8a6f0e5c2b9d7a1f4e8cextra", true},
		// ... or in upper case after a lower-case letter or a digit.
		{"cmVmdGtuOjAxOjAwMDAwMDAwMDA6SHORT", true},
		{"acme_Kp9Lm2Qx7vR4tW8bHq8ZkX3mbbfeEXTRA", true},
		{"Kp9Lm2Qx7vR4tW8b0INVALID", true},
		// An upper-case word after upper case is part of the value.
		{"KP9LM2QX7VR4TW8BSHORT", false},
		{"Kp9Lm2Qx7vR4SHORTtW8b", false},
		// "fake" anywhere, even glued inside the value: random text holds
		// it about once in 40,000 values.
		{"fakeiq999fakeecyfake3ifake", true},
		{"Kp9Lm2QxFAKE7vR4tW8b", true},
		// Sandbox credentials say so.
		{"acme_sandbox_Kp9Lm2Qx7vR4tW8bHq8ZkX3m", true},
		{"sbx_key_Kp9Lm2Qx7vR4tW8bHq8ZkX3m", true},
		{"SBX-Kp9Lm2Qx-7vR4-tW8b", true},
		// Midtrans marks its sandbox keys with SB- alone; its production
		// keys, and the mark anywhere but at the start, are not.
		{"SB-Mid-server-Kp9Lm2Qx7vR4tW8bHq8Z", true},
		{"SB-Mid-client-Kp9Lm2Qx7vR4tW8b", true},
		{"Mid-" + "server-Kp9Lm2Qx7vR4tW8bHq8Z", false}, // assembled: the self-scan must not find it
		{"sb-mid-server-Kp9Lm2Qx7vR4tW8bHq8Z", false},
		{"Kp9SB-Mid-Lm2Qx7vR4tW8bHq8Z", false},
		// A template's groups typed again, each the start of the longest;
		// a random UUID's are drawn apart.
		{"12345678-1234-1234-1234-123456789012", true},
		{"12e45678-12e4-12e4-12e4-12e456789012", true},
		{"Kp9L-Kp9L-Kp9Lm2Qx", true},
		{"9f3c2a7e-1b4d-4a6f-8e5c-2b9d7a1f4e8c", false},
		{"9f3c2a7e-9f3c-4a6f-8e5c-9f3c2a7e1b4d", false},
		// The alphabet and the digits counted up in step, in pairs.
		{"AIK_SECRET_a1B2c3D4e5F6g7H8i9J0k1L2", true},
		{"px-api-a1b2c3d4-e5f6-g7h8-i8j0-k0l3m3n4o0p5", true},
		{"1a2b3C4dKp9Lm2Qx7vR4", true},
		{"Kp9Lm2Qxg7h8i9j0", true},
		// Three such pairs, a pair out of step, or the letters alone in
		// step, are not enough.
		{"a1b2c3Kp9Lm2Qx7vR4tW8b", false},
		{"a1b2c4d5Kp9Lm2Qx7vR4tW", false},
		{"a1b3c5d7Kp9Lm2Qx7vR4tW", false},
		// A character held down.
		{"xoxc-77777777777-Kp9Lm2Qx7vR4tW8b", true},
		{"Kp9Lm2Qxbbbbbbbbbbbb", true},
		// Short values typed as runs of the alphabet and the digits.
		{"ACMabc123", true},
		{"AbCdEF456", true},
		{"9a8b1c2d3e", true},
		// A part that says what the value is not.
		{"acme-live-not-a-uuid-3d844edf-8d35-48ac", true},
		{"Kp9Lm2Qx-notation-7vR4tW8b", false},
		{"'1234567890'", true},
		// Digits alone typed as runs, however long: no generated key is.
		{"123456789012345", true},
		{"960302753406110", false},
		// Runs of A and 0 are zero bytes in base64 and hex: formats hold them.
		{"Kp9Lm2QxAAAAAAAAAAAAAzDO7vR4", false},
		{"Kp9Lm2Qx000000000001tW8b", false},
		// A long value with typed runs is reported: people write real
		// keys' examples that way, and vendors' documented formats too.
		{"12345678-ABCD-ABCD-ABCD-1234567890AB", false},
		// Short random values, words that contain a marker or sandbox.
		{"Kp9Lm2Qx7v", false},
		{"sbxKp9Lm2Qx7v", false},
		{"Kp9Lm2Qxshortcake", false},
		{"Kp9Lm2Qx7vR4tW8bzextra", false},
		{"Kp9Lm2Qx7vR4tW8bxyz123", false},
		// Real-looking values stay: random text, a prefix in its own case,
		// marker words glued inside random text, test-mode keys.
		{"xoxb-Kp9Lm2Qx7vR4tW8bHq8ZkX3m", false},
		{"Kp9Lm2Qx7vR4tW8bHq8ZkX3m", false},
		{"EXO88476250a8660f7c7e37bad0", false},
		{"test_Kp9Lm2Qx7vR4tW8bHq8ZkX3m", false},
		{"Vt8k!Q2xR7mZ", false},
		// A date and time, such as a signed URL's start field, is a moment.
		{"st=2025-03-04T07:24:52Z", true},
		{"2024-11-30T23:59:59.123+01:00", true},
		{"se=2031-07-01 08:00:00", true},
		// A password that holds a date among more is still reported.
		{"Kp9Lm2Qx7vR4tW8b@2025-03-04T07:24", false},
		{"Kp9Lm2Qx-2025-03-04", false},
	} {
		if got := d.standIn([]byte(c.value)); got != c.want {
			t.Errorf("standIn(%q) = %v, want %v", c.value, got, c.want)
		}
	}
}

func TestAssetName(t *testing.T) {
	const h = "7a388b69018576d24b59331fd60aab0c" // a content hash
	for _, c := range []struct {
		line   string
		secret string
		want   bool
	}{
		{"/static/app.ico-" + h + ".png", "ico-" + h, true},
		{"dist/main-" + h + ".js", h, true},
		{"token=ico-" + h + ".", "ico-" + h, false},
		{"ico-" + h + ".jsonp", "ico-" + h, false},
		{"key: " + h + ".js", h, false},
	} {
		s0 := strings.Index(c.line, c.secret)
		if got := assetName([]byte(c.line), s0, s0+len(c.secret)); got != c.want {
			t.Errorf("assetName(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}

// TestDefaultPackStandIns runs the default rules over stand-ins that only a
// generic rule could take, and over the real-looking values next to them,
// which are still found.
func TestDefaultPackStandIns(t *testing.T) {
	d := defaultDetector(t)
	for _, c := range []struct {
		text  string
		found bool
	}{
		{`ACME_API_KEY="ACMshort"`, false},
		{"ACME_ACCESS_KEY: AbCdEF456", false},
		{`acme_api_key = "ACMabc123"`, false},
		{"ACME_API_TOKEN=acme_sandbox_Kp9Lm2Qx7vR4tW8bHq8ZkX3mZr5Nw1Jd", false},
		{`TestAcmeToken = "acme-777777777777-Kp9Lm2Qx7vR4tW8bHq8ZkX3m"`, false},
		{`<img src="/assets/logo.ico-7a388b69018576d24b59331fd60aab0c.png">`, false},
		{"ACME_API_TOKEN=cmVmdGtuOjAxOjAwMDAwMDAwMDA6SHORT", false},
		{"AZURE_SAS_TOKEN=st=2025-03-04T07:24:52Z", false},
		{"MIDTRANS_SERVER_KEY=SB-Mid-server-Kp9Lm2Qx7vR4tW8bHq8Z", false},
		{"MIDTRANS_CLIENT_KEY=SB-Mid-client-Kp9Lm2Qx7vR4tW8b", false},
		{"other_token: 12e45678-12e4-12e4-12e4-12e456789012", false},
		// Near misses that are reported.
		{`ACME_API_KEY="ACMsh0rtKp9Lm2Qx"`, true},                           // leakhound:allow (a test value)
		{"ACME_API_TOKEN=acme_live_Kp9Lm2Qx7vR4tW8bHq8ZkX3mZr5Nw1Jd", true}, // leakhound:allow (a test value)
		{"ACME_ACCESS_KEY: Kp9Lm2Qx7vR4", true},                             // leakhound:allow (a test value)
	} {
		got := detect(t, d, "settings.txt", c.text+"\n")
		if (len(got) > 0) != c.found {
			t.Errorf("%q: found %q, want found=%v", c.text, secrets(got), c.found)
		}
	}
}

// A generic rule leaves a vendor's value cut short to the vendor's rule
// only when the name, the prefix and the format's one length all say so.
func TestDefaultPackCutShort(t *testing.T) {
	d := defaultDetector(t)
	// Assembled at run time: the self-scan must not find them.
	full := "sb_" + "secret_" + "Qm7tZp2Lx9Vr4Kw8Nc3Hj6_Yd5Fb1Gs"
	cut := full[:len(full)-2]
	for _, c := range []struct {
		text string
		want []string // rule ids found
	}{
		{"SUPABASE_API_KEY=" + cut, nil},
		{"SUPABASE_API_KEY=" + full, []string{"supabase-secret-key"}},
		// No vendor's name: the generic rule is the safety net.
		{"API_KEY=" + cut, []string{"generic-secret-env-file"}},
		// The vendor's name and no prefix of its formats: a password.
		{"SUPABASE_API_KEY=Qm7tZp2Lx9Vr4Kw8Nc3Hj6", []string{"generic-secret-env-file"}}, // leakhound:allow (a test value)
	} {
		var ids []string
		for _, f := range detect(t, d, "settings.txt", c.text+"\n") {
			ids = append(ids, f.RuleID())
		}
		if strings.Join(ids, ",") != strings.Join(c.want, ",") {
			t.Errorf("%q: found %v, want %v", c.text, ids, c.want)
		}
	}
}

func TestLengthRange(t *testing.T) {
	for _, c := range []struct {
		re     string
		lo, hi int
		ok     bool
	}{
		{`sb_secret_[A-Za-z0-9_-]{31}`, 41, 41, true},
		{`dapi[a-f0-9]{32}(?:-\d)?`, 36, 38, true},
		{`(?:AKIA|A3T[A-Z0-9])[A-Z2-7]{16}`, 20, 20, true},
		{`whsec_[A-Za-z0-9+/]{32,100}={0,2}`, 38, 108, true},
		{`sk-[A-Za-z0-9]{16,}`, 0, 0, false},
	} {
		re, err := syntax.Parse(c.re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi, ok := lengthRange(re.Simplify(), 0)
		if ok != c.ok || ok && (lo != c.lo || hi != c.hi) {
			t.Errorf("%s: got %d, %d, %v; want %d, %d, %v", c.re, lo, hi, ok, c.lo, c.hi, c.ok)
		}
	}
}

// secretPrefixes returns the literal prefixes that the secret of a rule
// begins with (as vendorShapes reads them): those of its value format when it has one, else those of
// the capture group that holds its secret (group, or the group named
// secret). It returns nil when the secret has no literal start.
func secretPrefixes(value *string, regex string, group int) []prefix {
	target := secretFormat(value, regex, group)
	if target == nil {
		return nil
	}
	return literalStarts(target, 0)
}

// TestSecretPrefixesSimplifyOnlyTheGroup holds secretPrefixes, which
// simplifies only the secret's group, to what simplifying the whole regex
// first gives, for every default rule and for groups Simplify drops; and
// holds both to known prefixes, so that two empty answers cannot pass.
func TestSecretPrefixesSimplifyOnlyTheGroup(t *testing.T) {
	whole := func(value *string, regex string, group int) []prefix {
		t.Helper()
		src := regex
		if *value != "" {
			src = *value
		}
		re, err := syntax.Parse(src, syntax.Perl)
		if err != nil {
			t.Fatalf("%.80q: %v", src, err)
		}
		re = re.Simplify()
		target := re
		if *value == "" {
			target = findGroup(re, group)
		}
		if target == nil {
			return nil
		}
		return literalStarts(target, 0)
	}
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	type rule struct {
		id, value, regex string
		group            int
		want             []prefix // nil: not checked (a default rule not named below)
	}
	rules := []rule{
		// The group named secret is repeated zero times: the next one is it.
		{"", "", `(?:(?P<secret>abcd_[a-z]+)){0}(?P<secret2>wxyz_[0-9]+)`, 0, []prefix{{text: "wxyz_"}}},
		{"", "", `(?:(abcd_[a-z]+)){0,0}x(wxyz_[0-9]+)`, 2, []prefix{{text: "wxyz_"}}},
		{"", "", `(?:(?P<secret>ab(?:cd){2}_[a-z]+)){2,3}`, 0, []prefix{{text: "ab"}}},
		{"", "", `k=(?P<secret>(?:sk|pk)_(?:live|test){1,2}_\w+)?`, 0, []prefix{{text: "sk"}, {text: "pk"}}},
	}
	known := map[string][]prefix{
		"github-pat":          {{text: "ghp_"}},
		"supabase-secret-key": {{text: "sb_secret_"}},
	}
	for _, r := range cfg.Rules {
		if r.Regex != "" {
			rules = append(rules, rule{r.ID, r.Value, r.Regex, r.SecretGroup, known[r.ID]})
			delete(known, r.ID)
		}
	}
	for id := range known {
		t.Errorf("no default rule %s", id)
	}
	withPrefix := 0
	for _, r := range rules {
		got, want := secretPrefixes(&r.value, r.regex, r.group), whole(&r.value, r.regex, r.group)
		if !slices.Equal(got, want) {
			t.Errorf("%.80q group %d: prefixes %v, simplified whole %v", r.regex, r.group, got, want)
		}
		if r.want != nil && !slices.Equal(got, r.want) {
			t.Errorf("%s %.80q group %d: prefixes %v, want %v", r.id, r.regex, r.group, got, r.want)
		}
		if got != nil {
			withPrefix++
		}
	}
	// A third of the default rules' secrets start with a literal prefix;
	// far fewer means the prefixes are lost, not compared.
	if withPrefix < len(cfg.Rules)/5 {
		t.Errorf("%d of %d rules have a literal prefix", withPrefix, len(rules))
	}
}

// TestNamedFormat: a rule is stated by a vendor's names and a format
// without a literal prefix only when all three hold (see
// config.Allowlist.ExceptNamed).
func TestNamedFormat(t *testing.T) {
	for _, tt := range []struct {
		names []string
		value string
		tags  []string
		want  bool
	}{
		{[]string{"acme"}, `[a-f0-9]{32}`, []string{"acme"}, true},
		{[]string{"acme"}, `[A-Z0-9]{8}-[A-Z0-9]{8}`, []string{"acme"}, true},
		{[]string{"acme"}, `acme_[a-f0-9]{32}`, []string{"acme"}, false},
		{[]string{"acme"}, `00[A-Za-z0-9_-]{40}`, []string{"acme"}, false},
		{[]string{"acme"}, `(?:ak|sk)_[a-z0-9]{24}`, []string{"acme"}, false},
		{nil, `[a-f0-9]{32}`, []string{"acme"}, false},
		{[]string{"password"}, `[^\s'"]{6,}`, []string{"generic"}, false},
	} {
		r := &rule{Rule: config.Rule{Names: tt.names, Value: tt.value, Tags: tt.tags}}
		r.generic = slices.Contains(tt.tags, "generic")
		if got := r.namedFormat(); got != tt.want {
			t.Errorf("names %q value %q tags %q: namedFormat %v, want %v", tt.names, tt.value, tt.tags, got, tt.want)
		}
	}
}

// TestSpacedKeywords: only a vendor rule's keywords that join one of its
// names (four letters or more) to a word get a spaced twin.
func TestSpacedKeywords(t *testing.T) {
	for _, tt := range []struct {
		names, keywords, tags, want []string
	}{
		{[]string{"nimble"}, []string{"nimble_api", "nimblekey", "nimble_crm_key"}, nil, []string{"nimble_api", "nimblekey", "nimble_crm_key", "nimble api"}},
		{[]string{"dd"}, []string{"dd_api"}, nil, []string{"dd_api"}},
		{[]string{"password"}, []string{"password_"}, []string{"generic"}, []string{"password_"}},
		{[]string{"passw(?:or)?d"}, []string{"api_key"}, []string{"generic"}, []string{"api_key"}},
		{nil, []string{"acme_"}, nil, []string{"acme_"}},
	} {
		r := &rule{Rule: config.Rule{Names: tt.names, Keywords: tt.keywords, Tags: tt.tags}}
		r.generic = slices.Contains(tt.tags, "generic")
		if got := spacedKeywords(r); !slices.Equal(got, tt.want) {
			t.Errorf("names %q keywords %q: got %q, want %q", tt.names, tt.keywords, got, tt.want)
		}
	}
}

// TestGluedOn pins which values with a character of no token alphabet
// glued onto an end, or stray inside, the generic rules drop (see gluedOn
// and strayInside), and which they still report.
func TestGluedOn(t *testing.T) {
	d := defaultDetector(t)
	b62 := "Kp9Lm2Qx7vR4tW8bHq8ZkX3mP9vL2nR7Jd5sWc1Y"
	uuid := "7d2e4a91-c3b8-4f05-9a6e-" + "1b8c0d3f5e7a"
	for _, c := range []struct {
		path, text string
		want       bool // reported
	}{
		// Glued onto the end or the start, under a name no rule's vendor
		// holds.
		{"client.go", `zqacmeToken := "` + b62[:33] + `%c^"`, false},
		{"client.go", `zqacmeSecret := "%c^` + b62[:30] + `"`, false},
		{"notes.txt", `zqacme secret = '?` + b62[:22] + `='`, false},
		{"app.env", "ZQACME_API_KEY=" + b62[:32] + "^", false},
		{"client.go", `zqacmeKey := "` + b62[:32] + `|"`, false},
		// The same value without them: reported.
		{"client.go", `zqacmeToken := "` + b62[:33] + `"`, true},
		// Inside a value of a token's length, the characters no generator
		// of keys draws from (? ^ ( ) ...): dropped as at an end.
		{"client.go", `zqacmeToken := "` + b62[:16] + `?` + b62[16:33] + `"`, false},
		{"app.env", "ZQACME_API_KEY=" + b62[:10] + "^" + b62[10:30], false},
		{"client.go", `zqacmeKey := "` + b62[:8] + `(` + b62[8:20] + `)"`, false},
		// Inside a shorter value, or with a character that people put in
		// a password (& and ! @ # $ *), that joins a vendor's parts (|)
		// or that begins URL encoding (%): reported.
		{"client.go", `zqacmeToken := "` + b62[:7] + `?` + b62[7:14] + `"`, true},
		{"client.go", `zqacmeToken := "` + b62[:16] + `%c^` + b62[16:33] + `"`, true},
		{"client.go", `zqacmeToken := "` + b62[:16] + `&` + b62[16:33] + `"`, true},
		{"client.go", `zqacmeToken := "` + b62[:16] + `?` + b62[16:24] + `!` + b62[24:33] + `"`, true},
		{"client.go", `zqacmeAccessToken := "100020003000|` + b62[:27] + `"`, true},
		// A backslash begins an escape in the literal that holds the
		// value (\R, \c): the value's own, as % is.
		{"client.go", `zqacmeToken := "` + b62[:16] + `\R` + b62[16:24] + `\c` + b62[24:33] + `"`, true},
		{"config.yml", `zqacme_token: '` + b62[:10] + `\R` + b62[10:30] + `'`, true},
		// What people end a password with, under any name: reported.
		{"app.env", "JWT_SECRET=" + b62[:20] + "!", true},
		{"client.go", `zqacmeSecret := "` + b62[:20] + `$"`, true},
		{"client.go", `zqacmeSecret := "#7` + b62[:20] + `"`, true},
		// A name that says password: a person's choice.
		{"app.env", "ZQACME_PASSWORD=" + b62[:20] + "^", true},
		// More than three characters of no token alphabet: a person's.
		{"client.go", `zqacmeSecret := "` + b62[:12] + `&(` + b62[12:24] + `%^"`, true},
		// A UUID one digit short, behind a prefix: a near miss.
		{"app.env", "ZQACME_SECRET_KEY=sk_" + uuid[:35], false},
		{"app.env", "ZQACME_SECRET_KEY=sk_" + uuid, true},
		// URL encoding at the start is a token's own character.
		{"app.env", "ZQACME_TOKEN=%2F" + b62[:30], true},
	} {
		res, err := d.Detect(&leak.Fragment{Content: []byte(c.text + "\n"), Sources: []leak.Source{{Path: c.path}}})
		if err != nil {
			t.Fatal(err)
		}
		got := len(res.Matches) > 0
		if got != c.want {
			t.Errorf("%s: %q: reported %v, want %v", c.path, c.text, got, c.want)
		}
	}
}

// TestAddressValue pins which host names and e-mail addresses the generic
// rules drop (see addressValue), and which dotted values they still report.
func TestAddressValue(t *testing.T) {
	d := defaultDetector(t)
	b62 := "Kp9Lm2Qx7vR4tW8bHq8ZkX3mP9vL2nR7Jd5sWc1Y"
	for _, c := range []struct {
		text string
		want bool // reported
	}{
		// A mailbox or a host under a token's name: dropped.
		{"zqacme token - '" + b62[:6] + "." + b62[6:18] + "@" + b62[18:30] + ".com'", false},
		{"ZQACME_API_KEY=" + b62[:7] + ".zqacme.io", false},
		{`zqacmeToken := "ops-bot@` + b62[:12] + `.mail.example.dev"`, false},
		// The same value without its domain: reported.
		{"zqacme token - '" + b62[:6] + "." + b62[6:18] + "'", true},
		// Dotted tokens end in random characters: reported.
		{"ZQACME_TOKEN=pat." + b62[:22] + "." + b62[22:36], true},
		{"ZQACME_TOKEN=" + b62[:20] + "." + b62[20:26] + "Q", true},
		// A name that says password: a person may choose an address.
		{"ZQACME_PASSWORD=" + b62[:12] + "@" + b62[12:20] + ".com", true},
	} {
		res, err := d.Detect(&leak.Fragment{Content: []byte(c.text + "\n"), Sources: []leak.Source{{Path: "app.env"}}})
		if err != nil {
			t.Fatal(err)
		}
		got := len(res.Matches) > 0
		if got != c.want {
			t.Errorf("%q: reported %v, want %v", c.text, got, c.want)
		}
	}
}

func TestUUIDSlip(t *testing.T) {
	for _, c := range []struct {
		value string
		want  bool
	}{
		{"sk_7d2e4a91-c3b8-4f05-9a6e-1b8c0d3f5e7", true}, // 8-4-4-4-11
		{"7d2e4a91-c3b8-4f05-9a6e-1b8c0d3f5e7a2", true},  // 8-4-4-4-13
		{"7d2e4a9-c3b8-4f05-9a6e-1b8c0d3f5e7a", true},    // 7-4-4-4-12
		{"zq:7d2e4a91-c3b-4f05-9a6e-1b8c0d3f5e7a", true}, // 8-3-4-4-12
		// Whole UUIDs, and values further from one.
		{"7d2e4a91-c3b8-4f05-9a6e-1b8c0d3f5e7a", false},
		{"sk_7d2e4a91-c3b8-4f05-9a6e-1b8c0d3f5e7a", false},
		{"7d2e4a91-c3b-4f0-9a6e-1b8c0d3f5e7a", false},    // two groups off
		{"7d2e4a91-c3b8-4f05-9a6e-1b8c0d3f5", false},     // three digits short
		{"Kp7d2e4a91-c3b8-4f05-9a6e-1b8c0d3f5e7", false}, // joined to letters
		{"c3b8-4f05-9a6e-1b8c0d3f5e7", false},
		{"7d2e4a91-c3b8-4f05-9a6e-1b8c0d3f5e7g", false},
	} {
		if got := uuidSlip([]byte(c.value)); got != c.want {
			t.Errorf("uuidSlip(%q) = %v, want %v", c.value, got, c.want)
		}
	}
}

// markedByWord, markedAtEnd and sandboxMarked skip their regex for values that cannot
// match it; they answer as the regexes do on values built around every
// one of their words, in each case, at each end and inside, and on others.
func TestStandInPrefilters(t *testing.T) {
	words := append([]string{"sandbox", "sdbx", "sbx", "Fa\u212Ae", "\u017Fhort"}, markerWords...)
	heads := []string{"", "A", "9", "a", "_", "0123456789abcdef", "0123456789abcdeF", "x-", "é", "K"}
	tails := []string{"", "1", "_", "X", "é", "s"}
	var values []string
	for _, w := range words {
		for _, form := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:]} {
			for _, h := range heads {
				for _, tl := range tails {
					values = append(values, h+form+tl)
				}
			}
		}
	}
	values = append(values, "", "x", "X", "t", "AKIAEXAMPLEinvalid", "abcSHORT", "q7Vn2LmZ8xR4tKw9", "sbx", "SBX-key", "sandboxed", "SB-Mid-client-k", "sb-mid-client-k", "xSB-Mid-", "SB-Mid", "not_a_key", "NOT-A-KEY", "notakey", strings.Repeat("k", 90)+"_short", strings.Repeat("k", 100)+"_short")
	for _, v := range values {
		if got, want := markedAtEnd([]byte(v)), markerSuffix.MatchString(v); got != want {
			t.Errorf("markedAtEnd(%q) = %v, markerSuffix says %v", v, got, want)
		}
		if got, want := markedByWord([]byte(v)), markerWord.MatchString(v); got != want {
			t.Errorf("markedByWord(%q) = %v, markerWord says %v", v, got, want)
		}
		if got, want := sandboxMarked([]byte(v)), sandboxWord.MatchString(v); got != want {
			t.Errorf("sandboxMarked(%q) = %v, sandboxWord says %v", v, got, want)
		}
	}
}
