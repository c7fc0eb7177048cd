package gitwalk

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/leak"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestPackEntriesThatLie feeds packFile entries whose headers do not match
// their data: each must fail with an error, inflating no more than one
// byte past the declared size, and an honest entry after them must still
// read.
func TestPackEntriesThatLie(t *testing.T) {
	z := func(s string) []byte {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	// hdr is a pack entry header: type, size.
	hdr := func(typ plumbing.ObjectType, size int) []byte {
		c := byte(typ)<<4 | byte(size&0x0f)
		size >>= 4
		var out []byte
		for size > 0 {
			out = append(out, c|0x80)
			c = byte(size & 0x7f)
			size >>= 7
		}
		return append(out, c)
	}
	big := strings.Repeat("A", 1<<20)
	cases := []struct {
		name  string
		entry []byte
		err   string
	}{
		{"under-declared", append(hdr(plumbing.BlobObject, 5), z(big)...), "inflates to more than the 5 bytes its header declares"},
		{"over-declared", append(hdr(plumbing.BlobObject, 1000), z("short")...), "inflates to 5 bytes, its header declares 1000"},
		{"not zlib", append(hdr(plumbing.BlobObject, 5), "hello"...), "zlib"},
		{"truncated stream", append(hdr(plumbing.BlobObject, len(big)), z(big)[:100]...), "flate"},
		{"endless size", append([]byte{0xb0}, bytes.Repeat([]byte{0xff}, 12)...), "size too long"},
		{"delta base before the pack", append(hdr(plumbing.OFSDeltaObject, 5), 0x7f), "invalid delta base offset"},
	}
	good := append(hdr(plumbing.BlobObject, 5), z("hello")...)
	for _, tc := range cases {
		for _, mapped := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/mapped=%v", tc.name, mapped), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "p.pack")
				data := append(append([]byte("PACK"), tc.entry...), good...)
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				var inMemory []byte
				if mapped {
					inMemory = data
				}
				p := newPackFile(f, inMemory, new(atomic.Int64))
				h, err := p.header(4)
				if err == nil {
					var b []byte
					b, err = p.inflate(nil, h.length, -1)
					if len(b) > int(h.length)+1 {
						t.Errorf("inflated %d bytes of an entry that declares %d", len(b), h.length)
					}
				}
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error with %q", err, tc.err)
				}
				if strings.Contains(tc.err, "declare") && !errors.Is(err, errCorrupt) {
					t.Errorf("%v is not errCorrupt", err)
				}
				h, err = p.header(int64(4 + len(tc.entry)))
				if err != nil {
					t.Fatal(err)
				}
				b, err := p.inflate(nil, h.length, -1)
				if err != nil || string(b) != "hello" {
					t.Fatalf("the next entry reads %q, %v", b, err)
				}
				// A head of it reads no more than asked.
				h, _ = p.header(int64(4 + len(tc.entry)))
				if b, err := p.inflate(nil, h.length, 2); err != nil || string(b) != "he" {
					t.Fatalf("its head reads %q, %v", b, err)
				}
			})
		}
	}
}

// A pack truncated while it is mapped into memory makes the objects past
// its new end errors, as a pack read with pread does, not a crash.
func TestTruncatedMappedPack(t *testing.T) {
	if !canMapPacks {
		t.Skip("packs are not mapped on this system")
	}
	g := gittest.New(t)
	// Content that does not compress: a pack of many pages.
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 12 {
		b := make([]byte, 32<<10)
		for k := range b {
			b[k] = "0123456789abcdef"[rnd.IntN(16)]
		}
		g.Write(fmt.Sprintf("f%d.txt", i), string(b))
		g.Commit(fmt.Sprintf("commit %d", i))
	}
	g.Repack(false)
	packs, err := filepath.Glob(filepath.Join(g.Dir, ".git", "objects", "pack", "*.pack"))
	if err != nil || len(packs) != 1 {
		t.Fatalf("packs %v, %v", packs, err)
	}
	r, err := Open(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var errs []string
	onErr := func(item string, err error) error {
		errs = append(errs, item+": "+err.Error())
		return nil
	}
	p, err := r.Plan(context.Background(), Options{}, nil, onErr)
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	fi, err := os.Stat(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	// The scan maps the pack as it starts; once it has read a blob, the
	// pack loses three quarters of its length.
	read := 0
	err = r.Scan(context.Background(), p, ScanOptions{Workers: 1}, nil, func(*leak.Fragment) error {
		if read++; read == 1 {
			if r.packIndexes().maps[0].data == nil {
				return errors.New("the pack is not mapped")
			}
			return os.Truncate(packs[0], fi.Size()/4)
		}
		return nil
	}, onErr)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "cannot be read where its index points") {
		t.Fatalf("read %d blobs, errors %q", read, errs)
	}
}
