package gitwalk

import (
	"compress/zlib"
	"encoding/binary"
	"io"

	"github.com/klauspost/compress/flate"
)

// zlibReader reads one zlib stream (RFC 1950) at a time: a two-byte
// header, a deflate stream, inflated by github.com/klauspost/compress,
// and the Adler-32 checksum of what it inflated, which must match.
//
// It is github.com/klauspost/compress/zlib's reader with the checksum
// computed by adler32Update, sixteen bytes at a step, instead of through
// hash/adler32, a byte at a step behind an interface: the checksum was a
// tenth of the cost of inflating. The errors are that package's (and
// compress/zlib's): ErrHeader, ErrDictionary, ErrChecksum.
type zlibReader struct {
	r       flate.Reader
	inflate io.ReadCloser // a flate.Resetter, once made
	adler   uint32
	err     error
	scratch [4]byte
}

// reset starts reading the zlib stream at r's current position.
func (z *zlibReader) reset(r flate.Reader) error {
	*z = zlibReader{r: r, inflate: z.inflate, adler: 1}
	if _, z.err = io.ReadFull(r, z.scratch[:2]); z.err != nil {
		z.err = noEOF(z.err)
		return z.err
	}
	h := binary.BigEndian.Uint16(z.scratch[:2])
	if z.scratch[0]&0x0f != 8 || z.scratch[0]>>4 > 7 || h%31 != 0 {
		z.err = zlib.ErrHeader
		return z.err
	}
	if z.scratch[1]&0x20 != 0 {
		// A preset dictionary: git writes none, and none is given here,
		// so its checksum must be that of no bytes.
		if _, z.err = io.ReadFull(r, z.scratch[:4]); z.err != nil {
			z.err = noEOF(z.err)
			return z.err
		}
		if binary.BigEndian.Uint32(z.scratch[:4]) != 1 {
			z.err = zlib.ErrDictionary
			return z.err
		}
	}
	if z.inflate == nil {
		z.inflate = flate.NewReader(r)
	} else if err := z.inflate.(flate.Resetter).Reset(r, nil); err != nil {
		z.err = err
		return err
	}
	return nil
}

// Read inflates into p; at the end of the stream, it checks the checksum
// and returns io.EOF, or zlib.ErrChecksum.
func (z *zlibReader) Read(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	var n int
	n, z.err = z.inflate.Read(p)
	z.adler = adler32Update(z.adler, p[:n])
	if z.err != io.EOF {
		return n, z.err
	}
	if _, err := io.ReadFull(z.r, z.scratch[:4]); err != nil {
		z.err = noEOF(err)
		return n, z.err
	}
	if binary.BigEndian.Uint32(z.scratch[:4]) != z.adler {
		z.err = zlib.ErrChecksum
		return n, z.err
	}
	return n, io.EOF
}

const (
	adlerMod = 65521
	// adlerBlock is the most bytes summed before the sums are reduced
	// modulo adlerMod, so that they cannot overflow 32 bits: zlib's NMAX,
	// 5552, a multiple of 16.
	adlerBlock = 5552
)

// adler32Update returns the Adler-32 checksum d (RFC 1950: s2<<16 | s1)
// updated with p.
//
// Each sixteen bytes b0..b15 of p add b0+...+b15 to s1, and 16·s1 (before)
// plus 16·b0+15·b1+...+1·b15 to s2. The sums come from multiplications in
// 16-bit lanes: the even bytes of a word and the odd ones, each in the low
// half of a lane, multiplied by a word of weights, add up in the top lane.
// No lane carries into the next: the largest sum, of all the weights times
// 255, is under 2¹⁶.
func adler32Update(d uint32, p []byte) uint32 {
	const (
		lanes = 0x00ff00ff00ff00ff
		ones  = 0x0001000100010001
		// The weights of the bytes of the first word (16 to 9) and of the
		// second (8 to 1), the even ones and the odd ones, the first byte's
		// in the top lane.
		even0 = 0x0010000e000c000a // 16·b0 + 14·b2 + 12·b4 + 10·b6
		odd0  = 0x000f000d000b0009 // 15·b1 + 13·b3 + 11·b5 + 9·b7
		even1 = 0x0008000600040002 // 8·b8 + 6·b10 + 4·b12 + 2·b14
		odd1  = 0x0007000500030001 // 7·b9 + 5·b11 + 3·b13 + 1·b15
		top   = 48
	)
	s1, s2 := d&0xffff, d>>16
	for len(p) > 0 {
		block := p[:min(len(p), adlerBlock)]
		p = p[len(block):]
		for len(block) >= 16 {
			w0 := binary.LittleEndian.Uint64(block)
			w1 := binary.LittleEndian.Uint64(block[8:])
			e0, o0 := w0&lanes, w0>>8&lanes
			e1, o1 := w1&lanes, w1>>8&lanes
			s2 += s1<<4 + uint32((e0*even0+o0*odd0+e1*even1+o1*odd1)>>top)
			s1 += uint32(((e0 + o0 + e1 + o1) * ones) >> top)
			block = block[16:]
		}
		for _, c := range block {
			s1 += uint32(c)
			s2 += s1
		}
		s1 %= adlerMod
		s2 %= adlerMod
	}
	return s2<<16 | s1
}
