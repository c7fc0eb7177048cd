package gitwalk

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/flate"
)

// packFile reads the entries of one pack file: an entry's header at an
// offset the pack index gave, then its zlib stream, inflated with
// github.com/klauspost/compress (some twice as fast as compress/zlib; see
// zlibReader).
//
// go-git's packfile.Scanner does the same, but it is built to read a whole
// pack once, as a fetch receives it: it passes every compressed byte through
// a CRC-32 and a collision-detecting SHA-1 of the whole pack (a third of the
// cost of inflating, and of no use to a reader that seeks), and refills its
// buffer at every seek. Here the buffer is kept across seeks that land
// inside it, as reading in pack order mostly does.
//
// A pack mapped into memory (see packIndexes.mapped) is read in place
// instead, through a bytes.Reader: no system call, no copy into a buffer,
// and the inflater's byte reads are inlined. A fault while reading it (the
// file truncated under the mapping, an I/O error) is an error, not a crash.
type packFile struct {
	r  fileReader
	br *bufio.Reader
	zr zlibReader
	// data is the pack mapped into memory, or nil; md reads it.
	data []byte
	md   bytes.Reader
	// touched, for a mapped pack, counts the bytes of it that readers may
	// have made resident since its pages were last given back (see
	// packIndexes.dropMapped); lastWin is the fault window this reader
	// touched last, which is counted already.
	touched *atomic.Int64
	lastWin int64
}

// faultWindowShift gives the size of the window of a mapped file that the
// kernel maps in at a read fault (fault-around: 64 KiB by default), the
// unit in which readers count what they touch.
const faultWindowShift = 16

// note counts the fault windows of a mapped pack from from to to, bytes
// this reader just read, in touched: all but the one it counted last. It
// is an upper bound on what the read made resident, as long as the kernel
// maps in no more than a window per fault.
func (p *packFile) note(from, to int64) {
	if p.touched == nil {
		return
	}
	w0, w1 := from>>faultWindowShift, to>>faultWindowShift
	if w0 == p.lastWin {
		w0++
	}
	if w1 >= w0 {
		p.touched.Add((w1 - w0 + 1) << faultWindowShift)
	}
	p.lastWin = w1
}

// at is the offset the reader of a mapped pack is at.
func (p *packFile) at() int64 { return p.md.Size() - int64(p.md.Len()) }

// packBufSize is the read buffer of a packFile: about the compressed size
// of a few dozen typical entries.
const packBufSize = 32 << 10

// newPackFile reads f, or data, f mapped into memory, if not nil; reads
// of data are counted in touched (see note).
func newPackFile(f *os.File, data []byte, touched *atomic.Int64) *packFile {
	p := &packFile{r: fileReader{f: f}, data: data, lastWin: -1}
	if data != nil {
		p.touched = touched
	} else {
		p.br = bufio.NewReaderSize(&p.r, packBufSize)
	}
	return p
}

// source is what header and inflate read from: the mapped pack or the
// buffer.
func (p *packFile) source() flate.Reader {
	if p.data != nil {
		return &p.md
	}
	return p.br
}

// guardFault turns a fault while reading the mapped pack into *err; call
// it deferred, after debug.SetPanicOnFault(true), with the setting it
// returned.
func (p *packFile) guardFault(old bool, err *error) {
	debug.SetPanicOnFault(old)
	if r := recover(); r != nil {
		if _, ok := r.(interface{ Addr() uintptr }); !ok {
			panic(r)
		}
		*err = fmt.Errorf("%w: the pack cannot be read where its index points (%v)", errCorrupt, r)
	}
}

// fileReader reads a file from off on, by ReadAt.
type fileReader struct {
	f   *os.File
	off int64
	// limit, when not zero, bounds the next read; each read doubles it,
	// until it reaches packBufSize (then zero: no bound).
	// A seek sets it to firstRead, so that reading a small entry (most
	// trees) after a seek does not copy a whole buffer's worth.
	limit int
}

// firstRead is the most a packFile reads first after a seek: about the
// compressed size of a tree or a small blob. Larger entries read on in
// reads twice as large each time, up to the buffer's size.
const firstRead = 4 << 10

func (r *fileReader) Read(b []byte) (int, error) {
	if r.limit > 0 {
		if len(b) > r.limit {
			b = b[:r.limit]
		}
		if r.limit *= 2; r.limit > packBufSize {
			r.limit = 0
		}
	}
	n, err := r.f.ReadAt(b, r.off)
	r.off += int64(n)
	if n > 0 && errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}

// seek places the reader at off: within the buffer if it holds off.
func (p *packFile) seek(off int64) {
	if p.data != nil {
		p.md.Reset(p.data)
		p.md.Seek(off, io.SeekStart)
		return
	}
	buffered := int64(p.br.Buffered())
	if at := p.r.off - buffered; off >= at && off-at <= buffered {
		p.br.Discard(int(off - at))
		return
	}
	p.r.off, p.r.limit = off, firstRead
	p.br.Reset(&p.r)
}

// entryHeader is the header of a pack entry: its type, the size of its
// data when inflated (of a delta: of the delta, not of its result), and
// for a delta its base.
type entryHeader struct {
	typ    plumbing.ObjectType
	length int64
	// baseOff is the offset of an offset delta's base, ref the id of a
	// reference delta's.
	baseOff int64
	ref     plumbing.Hash
}

var errMalformedEntry = errors.New("malformed pack entry header")

// header reads the header of the entry at off, and leaves the reader at
// the start of its zlib stream.
func (p *packFile) header(off int64) (h entryHeader, err error) {
	if p.data != nil {
		defer p.guardFault(debug.SetPanicOnFault(true), &err)
		defer func() { p.note(off, p.at()) }()
	}
	p.seek(off)
	src := p.source()
	c, err := src.ReadByte()
	if err != nil {
		return h, noEOF(err)
	}
	// Type in bits 4-6 of the first byte, size in its low 4 bits and 7 bits
	// of each following byte while the high bit is set.
	h.typ = plumbing.ObjectType((c >> 4) & 7)
	h.length = int64(c & 0x0f)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if shift > 64-7 {
			return h, fmt.Errorf("%w: size too long", errMalformedEntry)
		}
		if c, err = src.ReadByte(); err != nil {
			return h, noEOF(err)
		}
		h.length += int64(c&0x7f) << shift
	}
	if h.length < 0 {
		return h, fmt.Errorf("%w: negative size", errMalformedEntry)
	}
	switch h.typ {
	case plumbing.OFSDeltaObject:
		// The distance back to the base, big-endian base-128, each
		// continuation adding one (so that no two encodings are equal).
		if c, err = src.ReadByte(); err != nil {
			return h, noEOF(err)
		}
		dist := int64(c & 0x7f)
		for c&0x80 != 0 {
			if dist >= 1<<(63-7) {
				return h, fmt.Errorf("%w: delta base offset too long", errMalformedEntry)
			}
			if c, err = src.ReadByte(); err != nil {
				return h, noEOF(err)
			}
			dist = (dist+1)<<7 | int64(c&0x7f)
		}
		if dist <= 0 || dist > off {
			return h, fmt.Errorf("%w: invalid delta base offset", errMalformedEntry)
		}
		h.baseOff = off - dist
	case plumbing.REFDeltaObject:
		if _, err := io.ReadFull(src, h.ref[:]); err != nil {
			return h, noEOF(err)
		}
	}
	return h, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// inflate inflates the data of the entry whose header was just read,
// declared n bytes, appending it to buf. With head >= 0 it stops after head
// bytes, if n is more, and does not check the rest. Otherwise the data must
// be exactly n bytes, and is never inflated past n+1: a hostile entry can
// declare a small size and compress gigabytes.
func (p *packFile) inflate(buf []byte, n int64, head int64) (out []byte, err error) {
	if p.data != nil {
		defer p.guardFault(debug.SetPanicOnFault(true), &err)
		from := p.at()
		defer func() { p.note(from, p.at()) }()
	}
	if err := p.zr.reset(p.source()); err != nil {
		return buf, err
	}
	want := n
	if head >= 0 && head < n {
		want = head
	}
	start := len(buf)
	for int64(len(buf)-start) < want && err == nil {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := min(int64(cap(buf)-len(buf)), want-int64(len(buf)-start))
		var k int
		k, err = p.zr.Read(buf[len(buf) : len(buf)+int(room)])
		buf = buf[:len(buf)+k]
	}
	if err == nil && want == n {
		// The stream must end here; reading its end checks its checksum.
		var one [1]byte
		for err == nil {
			var k int
			if k, err = p.zr.Read(one[:]); k > 0 {
				return buf, fmt.Errorf("%w: inflates to more than the %d bytes its header declares", errCorrupt, n)
			}
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return buf, err
	}
	if got := int64(len(buf) - start); got != want {
		return buf, fmt.Errorf("%w: inflates to %d bytes, its header declares %d", errCorrupt, got, n)
	}
	return buf, nil
}
