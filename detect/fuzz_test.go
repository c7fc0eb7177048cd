package detect

import (
	"testing"

	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/leak"
	"github.com/leakhound/leakhound/textenc"
)

// FuzzDetect runs the default rules over arbitrary content, twice through a
// LineSet (the second pass sees every line again): no panic, and every
// match lies inside the content with a sane position.
func FuzzDetect(f *testing.F) {
	cfg, err := config.DefaultWithExamples()
	if err != nil {
		f.Fatal(err)
	}
	// Under -race, a seed corpus of every fourth rule's examples.
	step := 1
	if raceEnabled {
		step = 4
	}
	for i, r := range cfg.Rules {
		if i%step != 0 {
			continue
		}
		for _, ex := range r.Examples {
			f.Add([]byte(ex.Text))
		}
	}
	f.Add([]byte("\x00\xff\xfe\n\r\n-----BEGIN PRIVATE KEY-----\n\n"))
	f.Add([]byte("password = '\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8'"))
	f.Add([]byte("{\"a\": \"token=x\\\"yz\\u00e9\\\nq\\\ndocker run \\\n  -e PASSWORD=Xq7m" + "Z2pL9v \\"))
	f.Add([]byte("\xff\xfep\x00w\x00=\x00\\\x00\"\x00\r\x00\n\x00"))
	// Literals joined by "+", ".", "..", "&" or side by side: on one line,
	// over lines, cut short.
	f.Add([]byte("key = \"Xq7m\" + 'Z2pL9v' +\n  `kT4w` +\n\n\"a\" + \"b"))
	f.Add([]byte("K = (\n  \"Xq7m\"\n  'Z2pL9v' \\\n\"\"\"a\" . 'b'..\"c\" & \"d\"\n(\n\"e"))
	// Commands written as arrays: on one line, over several, a YAML block
	// sequence, and cut short.
	f.Add([]byte("CMD [\"mysql\", \"-u\", \"root\", \"-pXq7m" + "Z2pL9v\", \"app\"]\n"))
	f.Add([]byte("run([\n  'sshpass', # c\n  '-p', 'Xq7m" + "Z2pL9v',\n  'ssh',\n]\n"))
	f.Add([]byte("args:\n  - redis-server\n  - --requirepass\n  - !Xq7m" + "Z2pL9v\r\n  - \"a b\"\n"))
	f.Add([]byte("x = [\"-p\", \"a\", \"b\n- - -\n[\"--x\",'"))
	d, err := New(cfg, Options{Lines: NewLineSet()})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		text, _, _ := textenc.Normalize(nil, content)
		for pass := 0; pass < 2; pass++ {
			path := [...]string{"f.py", "f.txt"}[pass]
			res, err := d.Detect(&leak.Fragment{Content: content, Sources: []leak.Source{{Path: path}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range res.Matches {
				if m.Start < 0 || m.End > len(text) || m.Start >= m.End {
					t.Fatalf("match [%d,%d) outside content of %d bytes", m.Start, m.End, len(text))
				}
				if m.Decoded == "" && string(text[m.Start:m.End]) != m.Secret {
					t.Fatalf("match [%d,%d) is %q, not its secret %q", m.Start, m.End, text[m.Start:m.End], m.Secret)
				}
				if m.Line < 1 || m.Column < 1 || m.EndLine < m.Line {
					t.Fatalf("bad position %d:%d-%d:%d", m.Line, m.Column, m.EndLine, m.EndColumn)
				}
				if _, ok := d.Finding(&m, "", leak.Source{Path: path}); ok && m.Secret == "" {
					t.Fatal("finding with an empty secret")
				}
			}
		}
	})
}
