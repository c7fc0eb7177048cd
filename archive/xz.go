package archive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// minXzDictionary is the smallest dictionary the xz reader accepts.
const minXzDictionary = 4096

// xzFooterMagic ends an xz stream.
var xzFooterMagic = []byte("YZ")

// errXz is an xz stream whose layout xzDictionary cannot vouch for.
var errXz = errors.New("xz: not a single stream of LZMA2 blocks")

// xzDictionary returns the largest LZMA2 dictionary the blocks of the xz
// stream data declare, read from the stream's index and each block's
// header before anything is decompressed: the xz reader allocates what a
// block declares, up to 4 GiB. It reads one stream (what xz writes), with
// the layout the xz file format (version 1.2) defines, and returns its
// length too: the stream padding after it is not the stream's. Anything
// else is an error, and the stream is not opened.
func xzDictionary(data []byte) (dict int64, length int, err error) {
	const headerSize, footerSize = 12, 12
	end := len(data)
	for end >= 4 && end%4 == 0 && bytes.Equal(data[end-4:end], []byte{0, 0, 0, 0}) {
		end -= 4 // stream padding
	}
	if end < headerSize+footerSize || !bytes.HasPrefix(data, xzMagic) {
		return 0, 0, errXz
	}
	footer := data[end-footerSize : end]
	if !bytes.Equal(footer[10:], xzFooterMagic) || crc32.ChecksumIEEE(footer[4:10]) != binary.LittleEndian.Uint32(footer) {
		return 0, 0, errXz
	}
	indexSize := (int64(binary.LittleEndian.Uint32(footer[4:8])) + 1) * 4
	indexStart := int64(end-footerSize) - indexSize
	if indexStart < headerSize {
		return 0, 0, errXz
	}
	index := data[indexStart : end-footerSize]
	if index[0] != 0 {
		return 0, 0, errXz
	}
	r := &varints{b: index[1:]}
	records := r.next()
	at := int64(headerSize)
	for i := uint64(0); i < records && r.err == nil; i++ {
		unpadded := r.next()
		r.next() // uncompressed size: the budget bounds what is read
		if r.err != nil || unpadded > uint64(indexStart) {
			return 0, 0, errXz
		}
		d, err := xzBlockDictionary(data[at:indexStart])
		if err != nil {
			return 0, 0, err
		}
		dict = max(dict, d)
		at += int64(unpadded+3) &^ 3
		if at > indexStart {
			return 0, 0, errXz
		}
	}
	if r.err != nil || at != indexStart {
		return 0, 0, errXz
	}
	return dict, end, nil
}

// xzBlockDictionary returns the dictionary an xz block header at the start
// of b declares for its LZMA2 filter.
func xzBlockDictionary(b []byte) (int64, error) {
	if len(b) == 0 || b[0] == 0 {
		return 0, errXz
	}
	size := (int(b[0]) + 1) * 4
	if size > len(b) {
		return 0, errXz
	}
	h := b[:size]
	if crc32.ChecksumIEEE(h[:size-4]) != binary.LittleEndian.Uint32(h[size-4:]) {
		return 0, errXz
	}
	flags := h[1]
	r := &varints{b: h[2 : size-4]}
	if flags&0x40 != 0 {
		r.next() // compressed size
	}
	if flags&0x80 != 0 {
		r.next() // uncompressed size
	}
	for range int(flags&3) + 1 {
		id, n := r.next(), r.next()
		props := r.take(n)
		if r.err != nil {
			return 0, errXz
		}
		if id != 0x21 { // a filter before LZMA2 (BCJ, delta) holds no dictionary
			continue
		}
		if len(props) != 1 || props[0] > 40 {
			return 0, errXz
		}
		p := props[0]
		if p == 40 {
			return 1<<32 - 1, nil
		}
		return int64(2|p&1) << (p/2 + 11), nil
	}
	return 0, fmt.Errorf("xz: a block without an LZMA2 filter")
}

// varints reads the variable-length integers of xz's headers and index.
type varints struct {
	b   []byte
	err error
}

func (v *varints) next() uint64 {
	var x uint64
	for i := 0; i < 9; i++ {
		if len(v.b) == 0 {
			v.err = errXz
			return 0
		}
		c := v.b[0]
		v.b = v.b[1:]
		x |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return x
		}
	}
	v.err = errXz
	return 0
}

func (v *varints) take(n uint64) []byte {
	if v.err != nil || n > uint64(len(v.b)) {
		v.err = errXz
		return nil
	}
	out := v.b[:n]
	v.b = v.b[n:]
	return out
}
