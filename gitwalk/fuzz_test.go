package gitwalk

import (
	"bytes"
	"testing"

	"github.com/leakhound/leakhound/internal/gitcraft"
)

// FuzzPatchDelta applies arbitrary deltas to arbitrary bases: a corrupt pack
// must give an error, never a panic or a result of the wrong size.
func FuzzPatchDelta(f *testing.F) {
	f.Add([]byte("hello world"), []byte{11, 16, 0x90, 5, 5, ',', ' ', 'y', 'o', 'u', '!', 0x91, 6, 5})
	f.Add([]byte("abc"), []byte{3, 3, 0x91, 0, 3})
	f.Add([]byte("abc"), []byte{3, 200, 1, 0x80})
	f.Add([]byte{}, []byte{0, 0})
	// One copy of 70,000 bytes: valid, as git writes them (issue 13 item 24).
	f.Add(bytes.Repeat([]byte("a"), 70000), gitcraft.Delta(70000, 70000, gitcraft.Copy(0, 70000)))
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		for _, recycle := range []bool{false, true} {
			out, err := patchDelta(&bufPool{recycle: recycle, max: 1 << 20}, base, delta)
			if err != nil {
				continue
			}
			size, err := deltaTargetSize(delta)
			if err != nil || uint64(len(out)) != size {
				t.Fatalf("result of %d bytes, header says %d (%v)", len(out), size, err)
			}
		}
	})
}

// FuzzParseTree parses arbitrary tree objects: an error or entries that lie
// within the input, never a panic.
func FuzzParseTree(f *testing.F) {
	f.Add([]byte("100644 a.txt\x00" + string(bytes.Repeat([]byte{1}, 20)) + "40000 dir\x00" + string(bytes.Repeat([]byte{2}, 20))))
	f.Add([]byte("100644 \x00"))
	f.Add([]byte("9 x\x00abc"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		es, err := parseTree(raw)
		if err != nil {
			return
		}
		// Entries name something, and their names lie within the input.
		for _, e := range es {
			if len(e.name) == 0 || bytes.IndexByte(e.name, 0) >= 0 || !bytes.Contains(raw, e.name) {
				t.Fatalf("entry name %q", e.name)
			}
		}
	})
}
