package gitwalk

import (
	"bytes"
	"compress/zlib"
	"errors"
	"hash/adler32"
	"io"
	"math/rand/v2"
	"testing"
)

// TestAdler32Update holds adler32Update, sixteen bytes at a step, to
// hash/adler32 on random bytes, runs of 0xff (the largest sums), lengths
// around a word and a block, and checksums carried over from one call to
// the next.
func TestAdler32Update(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, adlerBlock - 1, adlerBlock, adlerBlock + 1, 3*adlerBlock + 13, 1 << 16, 1<<20 + 3} {
		random := make([]byte, n)
		for i := range random {
			random[i] = byte(rng.Uint32())
		}
		for _, p := range [][]byte{random, bytes.Repeat([]byte{0xff}, n)} {
			if got, want := adler32Update(1, p), adler32.Checksum(p); got != want {
				t.Errorf("%d bytes (%x...): %#x, want %#x", n, p[:min(n, 4)], got, want)
			}
			// In two calls, cut anywhere.
			cut := rng.IntN(n + 1)
			if got, want := adler32Update(adler32Update(1, p[:cut]), p[cut:]), adler32.Checksum(p); got != want {
				t.Errorf("%d bytes cut at %d: %#x, want %#x", n, cut, got, want)
			}
		}
	}
}

// TestZlibReader: a stream reads back whole, one after another through the
// same reader; a corrupt checksum, a bad header and a truncated stream are
// errors.
func TestZlibReader(t *testing.T) {
	t.Parallel()
	compress := func(b []byte) []byte {
		var buf bytes.Buffer
		w := zlib.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	var z zlibReader
	read := func(stream []byte) ([]byte, error) {
		if err := z.reset(bytes.NewReader(stream)); err != nil {
			return nil, err
		}
		return io.ReadAll(&z)
	}
	for _, text := range []string{"", "x", "blob content\n", string(bytes.Repeat([]byte("0123456789abcdef"), 5000))} {
		got, err := read(compress([]byte(text)))
		if err != nil || string(got) != text {
			t.Errorf("%.20q: read %.20q, %v", text, got, err)
		}
	}
	stream := compress([]byte("some content"))
	bad := bytes.Clone(stream)
	bad[len(bad)-1] ^= 1
	if _, err := read(bad); !errors.Is(err, zlib.ErrChecksum) {
		t.Errorf("corrupt checksum: %v, want %v", err, zlib.ErrChecksum)
	}
	bad = bytes.Clone(stream)
	bad[0] = 0x79
	if _, err := read(bad); !errors.Is(err, zlib.ErrHeader) {
		t.Errorf("bad header: %v, want %v", err, zlib.ErrHeader)
	}
	if _, err := read(stream[:len(stream)-2]); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: %v, want %v", err, io.ErrUnexpectedEOF)
	}
}

func BenchmarkAdler32Update(b *testing.B) {
	p := make([]byte, 64<<10)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		adler32Update(1, p)
	}
}

func BenchmarkAdler32Stdlib(b *testing.B) {
	p := make([]byte, 64<<10)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		adler32.Checksum(p)
	}
}
