package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/leakhound/leakhound/internal/safefile"
)

// TestNestingIsBoundedBeforeDecoding is issue 13 item 15: nested inline
// tables (and arrays of them, and keys of many dotted parts) cost the TOML
// decoder time and memory that grow with the square of the depth: a 48 KB
// rules file in a scanned repository took 28 s and 2.9 GB. Such files are
// refused, with the line, before they are decoded, having cost next to
// nothing.
func TestNestingIsBoundedBeforeDecoding(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"inline tables", "title = \"x\"\na = " + strings.Repeat("{b = ", 4000) + "1" + strings.Repeat("}", 4000) + "\n", ":2: inline tables and arrays nested more than 32 deep"},
		{"arrays of tables", "a = " + strings.Repeat("[{b = ", 4000) + "1" + strings.Repeat("}]", 4000) + "\n", ":1: inline tables and arrays nested"},
		{"dotted key", "\n\na" + strings.Repeat(".b", 16000) + " = 1\n", ":3: a key of more than 32 dotted parts"},
		{"dotted key in an inline table", "a = {b" + strings.Repeat(".c", 16000) + " = 1}\n", ":1: a key of more than 32"},
		{"table header", "[a" + strings.Repeat(".b", 16000) + "]\nx = 1\n", ":1: a key of more than 32"},
		{"array of tables header", "[[a" + strings.Repeat(".b", 100) + "]]\n", ":1: a key of more than 32"},
		{"size", "title = '" + strings.Repeat("x", MaxFileSize) + "'\n", "a rules file may have at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse("r.toml", []byte(tc.doc))
			runtime.ReadMemStats(&after)
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("refusing it allocated %d bytes", n)
			}
		})
	}
}

// TestLimitsLeaveValidFilesAlone: nesting and dots inside strings,
// comments and values do not count, and real rules files pass.
func TestLimitsLeaveValidFilesAlone(t *testing.T) {
	deep := strings.Repeat("{", 40) + strings.Repeat("[", 40) + strings.Repeat(".", 40)
	for _, doc := range []string{
		"title = \"" + deep + "\" # " + deep + "\n",
		"title = '" + deep + "'\n",
		"title = '''\n" + deep + "\n'''\n",
		"title = \"\"\"\n" + deep + "\\\"\"\"\n\"\"\"\n",
		"x = 1." + strings.Repeat("5", 40) + "\nd = 1979-05-27T07:32:00.999999Z\n",
		"a = [\n  1.5,\n  2.5,\n]\n" + strings.Repeat("[[rules]]\nid = 'x'\n", 3),
		"\"a.b.c\" = 1\n'x.y' = {'p.q.r' = 1}\n",
		"a = " + strings.Repeat("{b = ", 30) + "1" + strings.Repeat("}", 30) + "\n",
		"a" + strings.Repeat(".b", 31) + " = 1\n",
	} {
		if err := checkLimits("ok.toml", []byte(doc)); err != nil {
			t.Errorf("%.40q…: %v", doc, err)
		}
	}
	if _, err := Default(); err != nil {
		t.Errorf("the default rules: %v", err)
	}
}

// FuzzCheckLimits: the pre-decoding check never panics, and whatever it
// lets through the decoder handles.
func FuzzCheckLimits(f *testing.F) {
	f.Add([]byte("a = {b = {c = 1}}\n[x.y]\nz = [1, [2]]\n"))
	f.Add([]byte("s = \"\"\"\n\\\"\"\"\"\"\"\nt = '''x'''''\n"))
	f.Add([]byte("\"unterminated\n[[a.b]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLimits("f.toml", data)
	})
}

// TestLoadRefusesSpecialFiles: a rules file named by the user is read
// regular-files-only: /dev/zero and a FIFO are refused at once.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("FIFOs")
	}
	fifo := filepath.Join(t.TempDir(), "rules.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/dev/zero", fifo} {
		if _, err := Load(p); !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("%s: %v", p, err)
		}
	}
	big := filepath.Join(t.TempDir(), "big.toml")
	os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644)
	if _, err := Load(big); !errors.Is(err, safefile.ErrTooLarge) {
		t.Errorf("big: %v", err)
	}
}

// TestRegexesTheEngineCannotCompileFailTheLoad: what the regex engine
// would refuse or choke on only when content first triggers a rule (a
// regex of a million instructions, secretWords that are no regex) is an
// error when the rules file is read, with its line and rule.
func TestRegexesTheEngineCannotCompileFailTheLoad(t *testing.T) {
	_, err := Parse("r.toml", []byte(`[[rules]]
id = "huge"
regex = '''\pL{1000}'''
keywords = ["x"]

[[rules]]
id = "words"
regex = '''(?P<name>\w+) = "(?P<secret>\w{20})"'''
keywords = ["x"]
secretWords = ["("]

[[rules]]
id = "fine"
regex = '''[a-z0-9]{1000}|.{1000}'''
`))
	want := []string{
		`r.toml:3: rule "huge": bad regex: too large for the regex engine`,
		`r.toml:10: rule "words": bad regex in secretWords: missing closing )`,
	}
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("got\n%v\nwant %q", err, w)
		}
	}
	if strings.Contains(err.Error(), `"fine"`) {
		t.Errorf("a regex of bounded size refused:\n%v", err)
	}
}
