package detect

import (
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
)

// nearDetector returns a detector over a small rule pack: a vendor stated
// by names and a fixed hex value, one with a range of lengths, one whose
// names include secret words alone, one stated by a prefixed value alone,
// and the default generic assignment rules.
func nearDetector(t *testing.T) *Detector {
	t.Helper()
	def, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	var generic []config.Rule
	for _, r := range def.Rules {
		if r.ID == "generic-secret-env-file" || r.ID == "generic-secret-assignment" {
			generic = append(generic, r)
		}
	}
	cfg, err := config.Parse("near.toml", []byte(`
[[rules]]
id = "zqvendor-token"
description = "Zqvendor token: 40 hex digits"
names = ["zqvendor"]
value = '''[a-f0-9]{40}'''
tags = ["zqvendor"]

[[rules]]
id = "zqrange-token"
description = "Zqrange token: 40 to 64 letters and digits"
names = ["zqrange"]
value = '''[A-Za-z0-9]{40,64}'''
tags = ["zqrange"]

[[rules]]
id = "zqpre-token"
description = "Zqpre token: zqpre_ and 32 hex digits"
value = '''zqpre_[a-f0-9]{32}'''
tags = ["zqpre"]

[[rules]]
id = "zqwg-key"
description = "Zqwg key: 43 base64 characters and =, under its name or a name of secret words"
names = ["zqwg", "privatekey"]
value = '''[A-Za-z0-9+/]{43}='''
tags = ["zqwg"]

[[rules]]
id = "zqalone-key"
description = "Zqalone key: zq_ and 48 hex digits"
value = '''zq_[a-f0-9]{48}'''
tags = ["zqalone"]

[[rules]]
id = "zqregex-token"
description = "Zqregex token: digits, a colon and 24 letters and digits"
regex = '''\b([0-9]{6}:[A-Za-z0-9]{24})\b'''
keywords = [":"]
secretGroup = 1
tags = ["zqregex"]
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Rules = append(cfg.Rules, generic...)
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestNearMissDropped pins which values the generic rules leave to a
// named vendor's rule as near misses of its format, and which they still
// report.
func TestNearMissDropped(t *testing.T) {
	d := nearDetector(t)
	hex40 := "9c41d07be2a85f3361c0e8d4b7a29f5e0c6d18ab"
	b62 := "Kp9Lm2Qx7vR4tW8bHq8ZkX3mP9vL2nR7Jd5sWc1Y"
	for _, c := range []struct {
		text string
		want bool // the generic rules report it
	}{
		// One hex digit too few or too many under the vendor's name.
		{"ZQVENDOR_TOKEN=" + hex40[:39], false},
		{"zqvendor_token = " + hex40 + "7", false},
		// A character of no token alphabet typed into it.
		{"ZQVENDOR_TOKEN=" + hex40[:12] + "@" + hex40[13:], false},
		{`zqvendorKey := "` + hex40[:12] + "%" + hex40[13:30] + "^" + hex40[31:] + `"`, false},
		// A letter beyond f in a format of hex digits.
		{"ZQVENDOR_TOKEN=" + hex40[:20] + "g" + hex40[21:], false},
		// One or two hex letters in the case the format leaves out.
		{"zqvendor-api-key: " + hex40[:7] + "E" + hex40[8:], false},
		{"ZQVENDOR_TOKEN=" + hex40[:7] + "E" + hex40[8:38] + "Ab", false},
		// The vendor named two lines above the value, not in its name.
		{"calling the zqvendor API\n[INFO] start\n[DEBUG] Using API_KEY=" + hex40[:39] + "\n", false},
		// A value that names its vendor by its prefix.
		{"API_TOKEN=zqpre_" + hex40[:31], false},
		{"API_TOKEN=zqpre_" + hex40[:20] + "!" + hex40[21:32], false},

		// The vendor's hex digits, but another count of them: another
		// digest, not the vendor's key.
		{"ZQVENDOR_TOKEN=" + hex40[:32], false},
		{"zqvendor_key: " + hex40 + hex40[:24], false},
		{"API_TOKEN=zqpre_" + hex40, false},

		// A rule stated by a value alone is named by its first tag.
		{"zqalone_key = zq_" + hex40[:32], false},
		{"ZQALONE_KEY=zq_" + hex40 + hex40[:7] + "!", false},

		// A rule stated by a regex: the format of its secret's group.
		{"zqregex_token = '123456:" + b62[:12] + "?" + b62[13:24] + "'", false},

		// Far from the format: another alphabet (an older format, an
		// id): the generic rule's safety net.
		{"ZQVENDOR_TOKEN=" + b62, true},
		{"ZQVENDOR_TOKEN=" + b62[:32], true},
		// Too few hex digits to say a digest.
		{"ZQVENDOR_TOKEN=" + hex40[:14], true},
		// Three slips are no longer a slip, when only the words above
		// name the vendor.
		{"# zqvendor\nAPI_TOKEN=" + hex40[:5] + "@" + hex40[6:10] + "%" + hex40[11:20] + "!" + hex40[21:], true},
		// Upper-case hex: the same digits in another case, not a slip.
		{"ZQVENDOR_TOKEN=" + strings.ToUpper(hex40[:39]) + "A", true},
		// Three hex letters in the other case are no longer a slip.
		{"ZQVENDOR_TOKEN=" + hex40[:7] + "E" + hex40[8:38] + "AB", true},
		// One character outside a range of lengths: the vendor's lengths
		// vary, so that is no slip.
		{"ZQRANGE_TOKEN=" + b62[:39], true},
		// A separator of token alphabets (_ - . + / =) is no slip either.
		{"ZQVENDOR_TOKEN=" + hex40[:20] + "-" + hex40[21:], true},
		// Up to three characters of no token alphabet anywhere, under a
		// name that names the vendor, in a value its format's letters
		// and digits make up otherwise.
		{`zqvendorToken := "` + hex40[:30] + `%c^"`, false},
		{`zqvendorToken := "` + hex40[:30] + `%^$!"`, true},                // four: a person's
		{`zqvendorToken := "` + b62[:15] + `%c^` + b62[15:30] + `"`, true}, // not its alphabet
		// Named only by the words around it: one or two slips only.
		{"zqvendor:\n  secret: " + hex40[:15] + "%c^" + hex40[15:30] + "\n", true},
		// A password under the vendor's name is a person's choice.
		{"ZQVENDOR_PASSWORD=" + hex40[:12] + "@" + hex40[13:], true},
		// A digest on the line above whose last letters spell the
		// vendor's name names no vendor: it is a value, not words.
		{"CHECKSUM=" + hex40[:31] + "0zqvendor\nAPI_TOKEN=" + hex40[:39] + "\n", true},
		{"CHECKSUM=" + hex40[:31] + "0zqvendor\nAPI_TOKEN=" + hex40[:12] + "@" + hex40[13:] + "\n", true},
		// One character short of a format, under its vendor's name, and
		// under a name of secret words alone that the vendor's rule
		// lists: privateKey names no vendor.
		{"ZQWG_PRIVATE_KEY=" + b62 + "Zk3", false},
		{`const privateKey = "` + b62 + `Zk3";`, true},
		// No vendor named: a value with a stray symbol is still reported.
		{"API_TOKEN=" + hex40[:12] + "@" + hex40[13:], true},
	} {
		res, err := d.Detect(&leak.Fragment{Content: []byte(c.text), Sources: []leak.Source{{Path: "app.env"}}})
		if err != nil {
			t.Fatal(err)
		}
		got := len(res.Matches) > 0
		if got != c.want {
			t.Errorf("%q: reported %v, want %v", c.text, got, c.want)
		}
	}
}

// TestNearMatch pins the approximate match of a value against a format.
func TestNearMatch(t *testing.T) {
	f, ok := newNearFormat(`ab_[a-f0-9]{8}`, []string{"acme"}, false)
	if !ok {
		t.Fatal("format did not compile")
	}
	for _, c := range []struct {
		value       string
		exact, near bool
	}{
		{"ab_0123abcd", true, false},
		{"ab_0123abc", false, true},     // one too few
		{"ab_0123abcd9", false, true},   // one too many
		{"ab_0123abc!", false, true},    // a symbol for a digit
		{"ab_0123abc!d", false, true},   // a symbol added
		{"ab_01z3abcd", false, true},    // a letter beyond f
		{"ab_01$3a%cd", false, true},    // two symbols
		{"ab_01$3a%c^", false, false},   // three
		{"ab_0123ab", false, false},     // two too few
		{"ab_0123abc!d9", false, false}, // a symbol and one too many
		{"ab_0123-bcd", false, false},   // a separator
		{"ab_0123ABCD", false, false},   // another case
		{"xb_0123abcd", false, false},   // the literal prefix is no class
	} {
		exact, near := f.nearMatch([]byte(c.value))
		if exact != c.exact || near != c.near {
			t.Errorf("%s: exact %v near %v, want %v %v", c.value, exact, near, c.exact, c.near)
		}
	}
}

// TestNearMatchCase pins when a hex letter in the case a format leaves
// out is a slip: in a run of hex digits, one or two of them among letters
// in the format's case; in a UUID's groups, never (either case is a UUID).
func TestNearMatchCase(t *testing.T) {
	for _, c := range []struct {
		format, value string
		exact, near   bool
	}{
		{`ab_[a-f0-9]{16}`, "ab_0123abcd4567ef89", true, false},
		{`ab_[a-f0-9]{16}`, "ab_0123abCd4567ef89", false, true},
		{`ab_[a-f0-9]{16}`, "ab_0123aBCd4567ef89", false, true},
		{`ab_[a-f0-9]{16}`, "ab_0123ABCd4567ef89", false, false}, // three
		{`ab_[a-f0-9]{16}`, "ab_0123ABCD4567EF89", false, false}, // the other case throughout
		{`[A-F0-9]{16}`, "0123AbCD4567EF89", false, true},
		{`[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}`, "0123abcd-4567-ef89", true, false},
		{`[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}`, "0123aBcd-4567-ef89", false, false},
	} {
		f, _ := newNearFormat(c.format, []string{"acme"}, false)
		exact, near := f.nearMatch([]byte(c.value))
		if exact != c.exact || near != c.near {
			t.Errorf("%s %s: exact %v near %v, want %v %v", c.format, c.value, exact, near, c.exact, c.near)
		}
	}
}

// TestOtherHexLength pins which formats count hex digits (see
// hexFormat) and what another count of them is.
func TestOtherHexLength(t *testing.T) {
	for _, c := range []struct {
		format, value string
		want          bool
	}{
		{`[a-f0-9]{40}`, "0123456789abcdef0123456789abcdef", true},
		{`[a-f0-9]{40}`, "0123456789abcdef0123456789abcdef01234567", false}, // its own count
		{`[a-f0-9]{40}`, "0123456789ABCDEF0123456789ABCDEF", false},         // another class
		{`[a-f0-9]{40}`, "0123456789abcdeg0123456789abcdef", false},
		{`key_[0-9a-f]{64}`, "key_0123456789abcdef0123456789abcdef", true},
		{`key_[0-9a-f]{64}`, "tok_0123456789abcdef0123456789abcdef", false},
		{`[a-f0-9]{32,40}`, "0123456789abcdef0123456789abcdef0123456789", false}, // a range
		{`[A-Za-z0-9]{40}`, "0123456789abcdef0123456789abcdef", false},           // not hex
		{`[a-f0-9]{8}-[a-f0-9]{4}`, "0123456789abcdef0123", false},
	} {
		f, _ := newNearFormat(c.format, []string{"acme"}, false)
		if !f.compile() {
			t.Fatalf("%s did not compile", c.format)
		}
		if got := f.otherHexLength([]byte(c.value)); got != c.want {
			t.Errorf("%s %s: %v, want %v", c.format, c.value, got, c.want)
		}
	}
}

// TestForeignCount pins which characters are of no token alphabet.
func TestForeignCount(t *testing.T) {
	for _, c := range []struct {
		value string
		want  int
	}{
		{"Kp9Lm2Qx+/=_.~:-", 0},
		{"Kp9L@m2Q%x^", 3},
		{"Kp9Lm2Qx%2FvR4%3D", 0}, // URL encoding
		{"Kp9Lm2Qx%zz", 1},
		{"Kp9 Lm2Qx", 1},
	} {
		if got := foreignCount([]byte(c.value)); got != c.want {
			t.Errorf("%q: %d, want %d", c.value, got, c.want)
		}
	}
}

// TestForeignASCII checks foreignRune's table against its definition:
// letters, digits and + / = _ . ~ : - are of a token alphabet, every other
// character is not (non-ASCII ones, and invalid runes, too).
func TestForeignASCII(t *testing.T) {
	for c := rune(-1); c < 0x100; c++ {
		want := !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("+/=_.~:-", c))
		if got := foreignRune(c); got != want {
			t.Errorf("foreignRune(%q) = %v, want %v", c, got, want)
		}
		if 0 <= c && c < 0x80 && foreignASCII[c] != want {
			t.Errorf("foreignASCII[%q] = %v, want %v", c, foreignASCII[c], want)
		}
	}
}

// TestNearFormatsBuild checks that the default pack's near-miss formats
// build, that they index the vendors by name, and how long that takes:
// it is paid once, on a scan's first generic finding.
func TestNearFormatsBuild(t *testing.T) {
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ix := d.nearFormats()
	t.Logf("%d formats (%d by prefix, %d unindexed) in %v", len(ix.formats), len(ix.prefixed), len(ix.any), time.Since(start))
	if len(ix.formats) < 500 {
		t.Errorf("%d near-miss formats, want the default pack's vendors (500 or more)", len(ix.formats))
	}
	named := map[int]bool{}
	ix.vendorsIn("BITLY_ACCESS_TOKEN", named)
	if len(named) == 0 {
		t.Error("BITLY_ACCESS_TOKEN names no vendor")
	}
}

// TestNearMissConcurrent judges near misses from several goroutines on a
// fresh detector, so that the index and the formats are built while
// others read them (run with -race).
func TestNearMissConcurrent(t *testing.T) {
	d := nearDetector(t)
	hex40 := "9c41d07be2a85f3361c0e8d4b7a29f5e0c6d18ab"
	texts := []string{"ZQVENDOR_TOKEN=" + hex40[:39], "API_TOKEN=zqpre_" + hex40[:31], "zqalone_key = zq_" + hex40[:32]}
	done := make(chan int)
	for g := range 4 {
		go func() {
			n := 0
			for i := range 20 {
				text := texts[(g+i)%len(texts)]
				res, err := d.Detect(&leak.Fragment{Content: []byte(text), Sources: []leak.Source{{Path: "app.env"}}})
				if err == nil {
					n += len(res.Matches)
				}
			}
			done <- n
		}()
	}
	for range 4 {
		if n := <-done; n != 0 {
			t.Errorf("%d near misses reported", n)
		}
	}
}

// A near-miss format takes a foreign character exactly when one of its
// instructions matches a foreign ASCII character (or any character), as
// MatchRune says of each: compile reads a class's ranges instead. Every
// format of the default rules, and classes of each kind of instruction.
func TestNearFormatTakesForeignAsMatchRuneSays(t *testing.T) {
	d := defaultDetector(t)
	formats := slices.Clone(d.nearFormats().formats)
	for _, v := range []string{`[a-z0-9]{20}`, `[a-z0-9 ]{20}`, `(?i)x[a-f0-9]{20}`, `(?i)[a-f0-9@]{20}`, `[a-z0-9]{16}\.[a-z0-9]{16}`, `a[^b]{20}`, `[a-z]{8}:[a-z]{8}#`, `(?i)acme-[a-z]{16}`} {
		f, _ := newNearFormat(v, []string{"acme"}, false)
		formats = append(formats, f)
	}
	checked, foreign := 0, 0
	for _, f := range formats {
		if !f.compile() {
			continue
		}
		want := false
		for i := range f.prog.Inst {
			in := &f.prog.Inst[i]
			switch in.Op {
			case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
				want = true
			case syntax.InstRune, syntax.InstRune1:
				for c := rune(0); c < 128; c++ {
					if foreignRune(c) && in.MatchRune(c) {
						want = true
					}
				}
			}
		}
		if f.takesForeign != want {
			t.Errorf("%s: takesForeign %v, want %v", f.value, f.takesForeign, want)
		}
		checked++
		if want {
			foreign++
		}
	}
	if checked < 50 || foreign < 3 {
		t.Fatalf("%d formats checked, %d take a foreign character", checked, foreign)
	}
}
