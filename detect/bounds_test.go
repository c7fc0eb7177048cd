package detect

import (
	"slices"
	"strings"
	"testing"

	re2 "github.com/wasilibs/go-re2"
)

// TestRelaxBounds checks which counted repeats run unbounded: those that
// make up a capture group or end it, with a bound of minRelaxedMax or more,
// outside any repeat, that take a byte or more each time.
func TestRelaxBounds(t *testing.T) {
	for _, tc := range []struct {
		expr, want string
		bounds     []relaxedBound
	}{
		{`pw='([^'\n]{6,200})'`, `pw='([^'\n]{6,})'`, []relaxedBound{{1, 200, 200}}},
		{`"""([^\n]{6,200}?)"""`, `"""([^\n]{6,}?)"""`, []relaxedBound{{1, 200, 200}}},
		{`(?i)://([^\s:@]{1,128}):((?:[^"\\]|\\[^"]){3,256}?)@`, `(?i)://([^\s:@]{1,}):((?:[^"\\]|\\[^"]){3,}?)@`, []relaxedBound{{1, 128, 128}, {2, 256, 256}}},
		{`(?P<secret>[\])}(]{1,100})x(a)(?P<b>[a-z]{2,150})`, `(?P<secret>[\])}(]{1,})x(a)(?P<b>[a-z]{2,})`, []relaxedBound{{1, 100, 100}, {3, 150, 150}}},
		{`\(([a-z]{1,100})\)`, `\(([a-z]{1,})\)`, []relaxedBound{{1, 100, 100}}},
		{`([a-z]{1,64})`, `([a-z]{1,64})`, nil},                                                                  // a small bound
		{`[a-z]{1,200}`, `[a-z]{1,200}`, nil},                                                                    // no group of its own
		{`(k[a-z]{1,200})`, `(k[a-z]{1,})`, []relaxedBound{{1, 200, 201}}},                                       // the end of a group
		{`(?P<secret>EAA[A-Za-z0-9]{90,400})`, `(?P<secret>EAA[A-Za-z0-9]{90,})`, []relaxedBound{{1, 400, 403}}}, // after a literal
		{`<Value>([^<\s][^<]{0,255})</Value>`, `<Value>([^<\s][^<]{0,})</Value>`, []relaxedBound{{1, 255, 256}}},
		{`(a?b+[a-z]{1,200}?)`, `(a?b+[a-z]{1,}?)`, []relaxedBound{{1, 200, 201}}}, // after what has a least length
		{`([a-z]{1,200}k)`, `([a-z]{1,200}k)`, nil},                                // more after the repeat
		{`(?:([a-z]{1,200});)+`, `(?:([a-z]{1,200});)+`, nil},                      // a group inside a repeat
		{`((?:a?b?){1,200})`, `((?:a?b?){1,200})`, nil},                            // repeats of nothing
		{`([a-z]{1,200}`, `([a-z]{1,200}`, nil},                                    // not a regex
		{`([a-z]{1,200})\Q)\E`, `([a-z]{1,200})\Q)\E`, nil},                        // quoted text
		{`x{2}y{3,}(z{1,5000})`, `x{2}y{3,}(z{1,5000})`, nil},                      // RE2 refuses the count
	} {
		got, bounds := relaxBounds(tc.expr)
		if got != tc.want || !slices.Equal(bounds, tc.bounds) {
			t.Errorf("%s: %s %v, want %s %v", tc.expr, got, bounds, tc.want, tc.bounds)
		}
	}
}

// TestRelaxedBoundsMatchAsWritten checks that a rule whose regex runs a
// repeat unbounded finds what the regex as written finds: a value longer
// than the bound is not taken, and the search goes on past it as the
// bounded regex's does, to a later value on the same line or one inside
// the long one.
func TestRelaxedBoundsMatchAsWritten(t *testing.T) {
	// The repeat makes up the group, or ends it after a character class.
	for _, regex := range []string{`(?:pw|key)='([^'\n]{6,120})'`, `(?:pw|key)='([A-Z][^'\n]{6,120})'`} {
		d := mustDetector(t, "[[rules]]\nid = \"pw\"\nregex = '''"+regex+"'''\nsecretGroup = 1\nkeywords = [\"pw=\", \"key=\"]\n", Options{})
		if r := d.rules[0]; r.compile() != nil || len(r.bounds) != 1 {
			t.Fatalf("%s: the rule's repeat runs bounded: %v", regex, r.bounds)
		}
		long := strings.Repeat("Kp9Lm2Qx7vR4tW8b", 9) // 144 characters
		exact := re2.MustCompile(regex)
		for _, text := range []string{
			"pw='" + long + "' pw='EXAMPLEhq8Zk'\n",
			"pw='" + long[:60] + "key='EXAMPLEwr7kP'" + long[:60] + "'\n",
			"pw='" + long[:120] + "'\n",
			"pw='" + long[:121] + "'\n",
			"pw='" + long[:122] + "'\n",
			"key='EXAMPLEwr7kP' pw='" + long + "'\n",
		} {
			var want []string
			for _, m := range exact.FindAllStringSubmatch(text, -1) {
				want = append(want, "pw="+m[1])
			}
			if got := secrets(detect(t, d, "a.txt", text)); !slices.Equal(got, want) {
				t.Errorf("%s on %q:\n got  %q\n want %q", regex, text, got, want)
			}
		}
	}
}
