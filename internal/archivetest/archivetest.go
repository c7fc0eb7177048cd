// Package archivetest builds archives in memory for tests: a zip, a tar,
// a gzip, xz or zstd stream and a tar.gz of files given by name and
// content.
package archivetest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// File is a file of an archive a test builds. In a tar, Data of the form
// "->target" makes it a symbolic link to target.
type File struct {
	Name, Data string
}

// Zip returns a zip archive of files, deflated.
func Zip(t testing.TB, files ...File) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.Data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Tar returns a tar archive of files.
func Tar(t testing.TB, files ...File) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range files {
		h := &tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), Typeflag: tar.TypeReg}
		if target, ok := strings.CutPrefix(f.Data, "->"); ok {
			h = &tar.Header{Name: f.Name, Typeflag: tar.TypeSymlink, Linkname: target}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(f.Data))
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Gzip returns data compressed as a gzip stream.
func Gzip(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TarGz returns a tar.gz archive of files.
func TarGz(t testing.TB, files ...File) []byte {
	t.Helper()
	return Gzip(t, Tar(t, files...))
}

// Xz returns data compressed as an xz stream (LZMA2, with the writer's
// default dictionary of 8 MiB).
func Xz(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	xw, err := xz.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	xw.Write(data)
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// XzDeclaring returns data compressed as an xz stream whose block header
// declares an LZMA2 dictionary of code prop (the xz format's encoding:
// 28 is 64 MiB, 36 is 1 GiB), whatever the writer used: the header's byte
// after the filter's id (0x21) and its properties' size (1) is rewritten,
// and the header's CRC32 with it. The stream still decodes, with any
// dictionary at least as large as the writer's.
func XzDeclaring(t testing.TB, data []byte, prop byte) []byte {
	t.Helper()
	x := Xz(t, data)
	h := x[12 : 12+(int(x[12])+1)*4] // the first block's header, after the stream's
	i := bytes.Index(h, []byte{0x21, 0x01})
	if i < 0 {
		t.Fatal("archivetest: no LZMA2 filter in the xz block header")
	}
	h[i+2] = prop
	binary.LittleEndian.PutUint32(h[len(h)-4:], crc32.ChecksumIEEE(h[:len(h)-4]))
	return x
}

// Zstd returns data compressed as a zstd stream, written as a stream (its
// frame declares a window, not a single segment).
func Zstd(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := zstd.NewWriter(&b, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20), zstd.WithSingleSegment(false))
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
