package gitwalk

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

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

// FuzzPackedRefs parses arbitrary packed-refs files: every ref it returns
// has a valid name, and a bad line is an error, never a panic or an abort
// of the rest (issue 13 item 18).
func FuzzPackedRefs(f *testing.F) {
	id := "0123456789abcdef0123456789abcdef01234567"
	f.Add([]byte("# pack-refs with: peeled fully-peeled sorted \n" + id + " refs/heads/main\n^" + id + "\n"))
	f.Add([]byte(id + " refs/heads/main\nnot a ref at all\n" + id + " refs/tags/v1\n"))
	f.Add([]byte(id + " refs/../../config\n" + id + " refs/heads/main\n" + id + " refs/heads/main\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, _, _ := parsePackedRefs(bytes.NewReader(data))
		for _, r := range refs {
			if !validRefName(r.Name().String()) {
				t.Fatalf("ref %q", r.Name())
			}
		}
	})
}

// FuzzParseCommit parses arbitrary commit heads: a commit or an error,
// never a panic, and a message within MaxMessage bytes (issue 13 item 11).
func FuzzParseCommit(f *testing.F) {
	id := "0123456789abcdef0123456789abcdef01234567"
	f.Add([]byte("tree " + id + "\nparent " + id + "\nauthor A <a@b> 1700000000 +0100\ncommitter A <a@b> 1700000000 +0100\n\nmsg\n"))
	f.Add([]byte("tree " + id + "\ngpgsig -----BEGIN\n continued\n\n" + strings.Repeat("é", 2000)))
	f.Add([]byte("author nobody\n\nno tree\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseCommit(plumbing.ZeroHash, data)
		if err == nil && len(c.message) > MaxMessage {
			t.Fatalf("message of %d bytes", len(c.message))
		}
	})
}
