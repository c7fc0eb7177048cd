package baseline

import (
	"bytes"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the baseline reader: an error or a
// baseline that encodes and parses back to the same entries, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version": 1, "entries": []}`))
	f.Add([]byte(`{"version": 1, "entries": [{"fingerprint": "v1:0123456789abcdef0123456789abcdef", "rule_id": "r", "file": "a.py", "line": 3, "status": "accepted"}]}`))
	f.Add([]byte(`{"version": 1, "entries": [{"fingerprint": "v0:zz", "status": "nope"}]}`))
	f.Add([]byte(`{"version": 99}`))
	f.Add([]byte("\x00{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse("fuzz.json", data)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := b.Encode(&buf); err != nil {
			t.Fatalf("encode: %v", err)
		}
		again, err := Parse("again.json", buf.Bytes())
		if err != nil {
			t.Fatalf("a baseline it wrote does not parse: %v\n%s", err, buf.Bytes())
		}
		if len(again.Entries) != len(b.Entries) {
			t.Fatalf("%d entries, then %d", len(b.Entries), len(again.Entries))
		}
	})
}
