package gitcraft

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
)

// Pack object types, as a pack writes them.
const (
	CommitType   = 1
	TreeType     = 2
	BlobType     = 3
	TagType      = 4
	OFSDeltaType = 6
	REFDeltaType = 7
)

var typeNames = map[int]string{CommitType: "commit", TreeType: "tree", BlobType: "blob", TagType: "tag"}

// PackObject is one object of a crafted pack.
type PackObject struct {
	Type int
	// Data is the content, or for a delta the delta instructions (see
	// Delta).
	Data []byte
	// Size is the size the entry's header declares; zero means len(Data).
	// Set it (or Lie) to declare something else.
	Size int64
	Lie  bool
	// Base is the index in the pack of an offset delta's base, which must
	// come earlier; BaseID names a reference delta's base.
	Base   int
	BaseID ID
	// ID is the id the index lists the object under. For a whole object it
	// defaults to the hash of Type and Data; a delta must set it.
	ID ID
}

// WritePack writes objs as a version 2 pack and its version 2 index into
// packDir (objects/pack) and returns the pack's path.
func WritePack(packDir string, objs []PackObject) (string, error) {
	var pack bytes.Buffer
	pack.WriteString("PACK")
	binary.Write(&pack, binary.BigEndian, uint32(2))
	binary.Write(&pack, binary.BigEndian, uint32(len(objs)))
	zw := zlib.NewWriter(&pack) // one writer, reset for each object: a new one costs a megabyte
	offsets := make([]int64, len(objs))
	crcs := make([]uint32, len(objs))
	ids := make([]ID, len(objs))
	for i, o := range objs {
		offsets[i] = int64(pack.Len())
		start := pack.Len()
		size := int64(len(o.Data))
		if o.Size != 0 || o.Lie {
			size = o.Size
		}
		pack.Write(objHeader(o.Type, size))
		switch o.Type {
		case OFSDeltaType:
			if o.Base >= i {
				return "", fmt.Errorf("object %d: base %d is not earlier", i, o.Base)
			}
			pack.Write(ofsOffset(offsets[i] - offsets[o.Base]))
		case REFDeltaType:
			pack.Write(o.BaseID[:])
		}
		zw.Reset(&pack)
		zw.Write(o.Data)
		zw.Close()
		crcs[i] = crc32.ChecksumIEEE(pack.Bytes()[start:])
		ids[i] = o.ID
		if name, ok := typeNames[o.Type]; ok && o.ID == (ID{}) {
			ids[i] = Hash(name, o.Data)
		}
		if ids[i] == (ID{}) {
			return "", fmt.Errorf("object %d: a delta needs an ID", i)
		}
	}
	sum := sha1.Sum(pack.Bytes())
	pack.Write(sum[:])
	name := "pack-" + ID(sum).String()
	if err := os.MkdirAll(packDir, 0o755); err != nil {
		return "", err
	}
	packPath := filepath.Join(packDir, name+".pack")
	if err := os.WriteFile(packPath, pack.Bytes(), 0o644); err != nil {
		return "", err
	}
	return packPath, os.WriteFile(filepath.Join(packDir, name+".idx"), Index(ids, offsets, crcs, sum), 0o644)
}

// Index encodes a version 2 pack index of objects with these ids, offsets
// and CRCs, for the pack whose checksum is packSum.
func Index(ids []ID, offsets []int64, crcs []uint32, packSum [20]byte) []byte {
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return bytes.Compare(ids[order[a]][:], ids[order[b]][:]) < 0 })
	var b bytes.Buffer
	b.Write([]byte{0xff, 't', 'O', 'c'})
	binary.Write(&b, binary.BigEndian, uint32(2))
	var fan [256]uint32
	for _, id := range ids {
		for k := int(id[0]); k < 256; k++ {
			fan[k]++
		}
	}
	binary.Write(&b, binary.BigEndian, fan)
	for _, i := range order {
		b.Write(ids[i][:])
	}
	for _, i := range order {
		binary.Write(&b, binary.BigEndian, crcs[i])
	}
	var big []int64
	for _, i := range order {
		if offsets[i] < 1<<31 {
			binary.Write(&b, binary.BigEndian, uint32(offsets[i]))
		} else {
			binary.Write(&b, binary.BigEndian, uint32(1<<31|len(big)))
			big = append(big, offsets[i])
		}
	}
	for _, o := range big {
		binary.Write(&b, binary.BigEndian, uint64(o))
	}
	b.Write(packSum[:])
	sum := sha1.Sum(b.Bytes())
	b.Write(sum[:])
	return b.Bytes()
}

func objHeader(typ int, size int64) []byte {
	c := byte(typ<<4) | byte(size&0x0f)
	size >>= 4
	var out []byte
	for size != 0 {
		out = append(out, c|0x80)
		c = byte(size & 0x7f)
		size >>= 7
	}
	return append(out, c)
}

func ofsOffset(n int64) []byte {
	var buf [16]byte
	pos := len(buf) - 1
	buf[pos] = byte(n & 0x7f)
	for n >>= 7; n != 0; n >>= 7 {
		n--
		pos--
		buf[pos] = 0x80 | byte(n&0x7f)
	}
	return buf[pos:]
}

// Delta encodes a delta from a base of baseSize bytes to a result of
// targetSize bytes made by ops (see Copy and Insert).
func Delta(baseSize, targetSize int, ops ...[]byte) []byte {
	out := binary.AppendUvarint(nil, uint64(baseSize))
	out = binary.AppendUvarint(out, uint64(targetSize))
	for _, op := range ops {
		out = append(out, op...)
	}
	return out
}

// Copy is a delta instruction copying size bytes of the base from off.
// Sizes up to 0xffffff are encoded in the instruction, as git writes
// copies over 64 KiB.
func Copy(off, size int) []byte {
	cmd := byte(0x80)
	var args []byte
	for i := 0; i < 4; i++ {
		if b := byte(off >> (8 * i)); b != 0 {
			cmd |= 1 << i
			args = append(args, b)
		}
	}
	if size != 0x10000 {
		for i := 0; i < 3; i++ {
			if b := byte(size >> (8 * i)); b != 0 {
				cmd |= 0x10 << i
				args = append(args, b)
			}
		}
	}
	return append([]byte{cmd}, args...)
}

// Insert is delta instructions inserting data (in pieces of 127 bytes).
func Insert(data []byte) []byte {
	var out []byte
	for len(data) > 0 {
		n := min(len(data), 127)
		out = append(out, byte(n))
		out = append(out, data[:n]...)
		data = data[n:]
	}
	return out
}
