package gitwalk

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"

	"github.com/leakhound/leakhound/internal/safefile"
)

// packIndex answers "where in the pack is object h" from a pack index file
// (.idx) mapped into memory, read in place.
//
// go-git's idxfile decoder copies a whole index into memory before the
// first lookup: for sqlalchemy's 277k objects that is 10 ms and 20 MB, which
// a git hook that looks up five objects should not pay. Version 2 indexes
// (what git has written since 2008) are read here directly; a version 1
// index goes through go-git's decoder.
type packIndex struct {
	data  []byte // the mapped file
	unmap func() error
	n     int
	// Offsets of the tables in data.
	names, offs32, offs64 int
	// packSize is the size of the pack file: an object's offset lies
	// between its 12-byte header and its 20-byte checksum.
	packSize int64

	mem *idxfile.MemoryIndex // a version 1 index, decoded by go-git
}

var idxMagic = []byte{0xff, 't', 'O', 'c'}

// openPackIndex maps the index file at path and checks that it is
// consistent with itself and with its pack (path with ".pack" for ".idx"):
// a fanout table that never decreases and ends at the number of objects,
// the pack's object count, and the pack's checksum, which the index
// records. Offsets are checked against the pack's size when they are
// read. Checking every entry (names in order, each object's id against its
// content) would cost a read of the whole index or pack, which a hook that
// looks up five objects should not pay: an index that lies about an
// offset makes that one object corrupt, reported where it is read.
func openPackIndex(path string) (*packIndex, error) {
	p, err := mapPackIndex(path)
	if err != nil {
		return nil, fmt.Errorf("pack index %s: %w", path, err)
	}
	if err := p.checkPack(strings.TrimSuffix(path, ".idx") + ".pack"); err != nil {
		p.close()
		return nil, fmt.Errorf("pack %s: %w", strings.TrimSuffix(path, ".idx")+".pack", err)
	}
	return p, nil
}

func mapPackIndex(path string) (*packIndex, error) {
	data, unmap, err := mapFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) < 8 || !bytes.Equal(data[:4], idxMagic) {
		// Version 1: no header. Rare enough to decode the old way.
		defer unmap()
		mem := idxfile.NewMemoryIndex()
		if err := idxfile.NewDecoder(bytes.NewReader(data)).Decode(mem); err != nil {
			return nil, err
		}
		return &packIndex{mem: mem, unmap: func() error { return nil }}, nil
	}
	if v := binary.BigEndian.Uint32(data[4:]); v != 2 {
		unmap()
		return nil, fmt.Errorf("version %d", v)
	}
	const fanout = 8
	if len(data) < fanout+256*4 {
		unmap()
		return nil, errors.New("truncated")
	}
	prev := uint32(0)
	for i := range 256 {
		v := binary.BigEndian.Uint32(data[fanout+i*4:])
		if v < prev {
			unmap()
			return nil, fmt.Errorf("corrupt fanout table (entry %d decreases)", i)
		}
		prev = v
	}
	n := int(prev)
	p := &packIndex{data: data, unmap: unmap, n: n}
	p.names = fanout + 256*4
	crcs := p.names + n*20
	p.offs32 = crcs + n*4
	p.offs64 = p.offs32 + n*4
	// The 64-bit offsets table may be empty; two 20-byte checksums end the
	// file.
	if n < 0 || p.offs64+40 > len(data) || n > len(data) {
		unmap()
		return nil, fmt.Errorf("truncated (%d objects, %d bytes)", n, len(data))
	}
	return p, nil
}

// checkPack checks the pack's header and checksum against the index, and
// records the pack's size.
func (p *packIndex) checkPack(pack string) error {
	f, err := safefile.OpenPath(pack)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	p.packSize = fi.Size()
	var hdr [12]byte
	var sum [20]byte
	if p.packSize < 12+20 {
		return errors.New("truncated")
	}
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return err
	}
	if _, err := f.ReadAt(sum[:], p.packSize-20); err != nil {
		return err
	}
	if !bytes.Equal(hdr[:4], []byte("PACK")) {
		return errors.New("not a pack file")
	}
	if v := binary.BigEndian.Uint32(hdr[4:]); v != 2 && v != 3 {
		return fmt.Errorf("pack version %d", v)
	}
	count := int64(binary.BigEndian.Uint32(hdr[8:]))
	var recorded []byte
	if p.mem != nil {
		recorded = p.mem.PackfileChecksum[:]
		n, _ := p.mem.Count()
		if count != n {
			return fmt.Errorf("holds %d objects, its index lists %d", count, n)
		}
	} else {
		recorded = p.data[len(p.data)-40 : len(p.data)-20]
		if count != int64(p.n) {
			return fmt.Errorf("holds %d objects, its index lists %d", count, p.n)
		}
	}
	if !bytes.Equal(sum[:], recorded) {
		return fmt.Errorf("checksum %x, its index expects %x (the index belongs to another pack)", sum, recorded)
	}
	return nil
}

// validOffset reports whether an object can start at off in the pack.
func (p *packIndex) validOffset(off int64) bool {
	return off >= 12 && off < p.packSize-20
}

// find returns the pack offset of object h.
func (p *packIndex) find(h plumbing.Hash) (int64, bool) {
	if p.mem != nil {
		off, err := p.mem.FindOffset(h)
		return off, err == nil
	}
	first := int(h[0])
	lo := 0
	if first > 0 {
		lo = int(binary.BigEndian.Uint32(p.data[8+(first-1)*4:]))
	}
	hi := int(binary.BigEndian.Uint32(p.data[8+first*4:]))
	if lo > hi || hi > p.n {
		return 0, false // a corrupt fanout table
	}
	names := p.data[p.names : p.names+p.n*20]
	i := lo + sort.Search(hi-lo, func(i int) bool {
		return bytes.Compare(names[(lo+i)*20:(lo+i)*20+20], h[:]) >= 0
	})
	if i >= hi || !bytes.Equal(names[i*20:i*20+20], h[:]) {
		return 0, false
	}
	off := binary.BigEndian.Uint32(p.data[p.offs32+i*4:])
	if off&(1<<31) == 0 {
		return int64(off), true
	}
	j := p.offs64 + 8*int(off&^(1<<31))
	if j+8 > len(p.data)-40 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(p.data[j:])), true
}

// withPrefix appends to out the ids in the index that start with the
// lower-case hex digits prefix.
func (p *packIndex) withPrefix(prefix string, out []plumbing.Hash) []plumbing.Hash {
	if p.mem != nil {
		iter, err := p.mem.Entries()
		if err != nil {
			return out
		}
		defer iter.Close()
		for {
			e, err := iter.Next()
			if err != nil {
				return out
			}
			if strings.HasPrefix(e.Hash.String(), prefix) {
				out = append(out, e.Hash)
			}
		}
	}
	// The lowest id with the prefix: the prefix padded with zeros.
	low, _ := hex.DecodeString((prefix + strings.Repeat("0", 40))[:40])
	names := p.data[p.names : p.names+p.n*20]
	i := sort.Search(p.n, func(i int) bool { return bytes.Compare(names[i*20:i*20+20], low) >= 0 })
	for ; i < p.n; i++ {
		h := plumbing.Hash(names[i*20 : i*20+20])
		if !strings.HasPrefix(h.String(), prefix) {
			break
		}
		out = append(out, h)
	}
	return out
}

func (p *packIndex) close() error {
	if p.unmap == nil {
		return nil
	}
	err := p.unmap()
	p.unmap = nil
	return err
}

// mapFile maps a file read-only, or reads it where mapping is not available.
func mapFile(path string) ([]byte, func() error, error) {
	f, err := safefile.OpenPath(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if fi.Size() == 0 {
		return nil, func() error { return nil }, nil
	}
	if fi.Size() > 1<<34 {
		return nil, nil, errors.New("pack index larger than 16 GiB")
	}
	return mmap(f, int(fi.Size()))
}
