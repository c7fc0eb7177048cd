package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/hex"
	"hash/crc32"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/archivetest"
)

// file is an entry of an archive a test builds.
type file = archivetest.File

var (
	zipOf  = archivetest.Zip
	tarOf  = archivetest.Tar
	gzipOf = archivetest.Gzip
	xzOf   = archivetest.Xz
	zstdOf = archivetest.Zstd
)

// walked is what a Walk gave: each file as "path=data", each skip as
// "path: reason xN".
func walked(name string, data []byte, lim Limits) (files, skips []string) {
	Walk(name, data, lim, func(e Entry) {
		files = append(files, strings.Join(e.Path, "!")+"="+string(e.Data))
	}, func(s Skipped) {
		skips = append(skips, strings.Join(s.Path, "!")+": "+string(s.Reason)+" x"+string(rune('0'+s.Count)))
	})
	return files, skips
}

func TestDetect(t *testing.T) {
	t.Parallel()
	bz, _ := hex.DecodeString(bzip2Hello)
	for _, c := range []struct {
		name string
		data []byte
		want Format
	}{
		{"zip", zipOf(t, file{Name: "a", Data: "b"}), Zip},
		{"tar", tarOf(t, file{Name: "a", Data: "b"}), Tar},
		{"gzip", gzipOf(t, []byte("x")), Gzip},
		{"bzip2", bz, Bzip2},
		{"xz", xzOf(t, []byte("x")), Xz},
		{"zstd", zstdOf(t, []byte("x")), Zstd},
		{"text", []byte("PK is not a zip\n"), None},
		{"BZh text", []byte("BZh9 and some more text\n"), None},
		{"short", []byte("PK"), None},
		{"empty", nil, None},
	} {
		if got := Detect(c.data); got != c.want {
			t.Errorf("Detect(%s) = %q, want %q", c.name, got, c.want)
		}
	}
}

// bzip2Hello is bzip2 of "API_TOKEN=placeholder\n" (the standard library
// reads bzip2 but cannot write it).
const bzip2Hello = "425a6839314159265359d738b5900000014f80001000022229c400ae44d0002000314c269a034c429a3469ea6807a85a4c05ae1dfb94d6f8492bf177245385090d738b5900"

func TestWalkFormats(t *testing.T) {
	t.Parallel()
	bz, _ := hex.DecodeString(bzip2Hello)
	for _, c := range []struct {
		name       string
		data       []byte
		files      []string
		skips      []string
		archiveNam string
	}{
		{name: "zip", data: zipOf(t, file{Name: "config/.env", Data: "A=1\n"}, file{Name: "docs/", Data: ""}, file{Name: "b.txt", Data: "b"}),
			files: []string{"config/.env=A=1\n", "b.txt=b"}},
		{name: "tar", data: tarOf(t, file{Name: "./config/.env", Data: "A=1\n"}, file{Name: "link", Data: "->/etc/passwd"}),
			files: []string{"config/.env=A=1\n"}, skips: []string{"link: link x1"}},
		{name: "tar.gz", data: gzipOf(t, tarOf(t, file{Name: "config/.env", Data: "A=1\n"})), files: []string{"config/.env=A=1\n"}},
		{name: "gzip of a file", archiveNam: "dir/app.env.gz", data: gzipOf(t, []byte("A=1\n")), files: []string{"app.env=A=1\n"}},
		{name: "tgz of a file", archiveNam: "x.tgz", data: gzipOf(t, []byte("A=1\n")), files: []string{"x.tar=A=1\n"}},
		{name: "bzip2 of a file", archiveNam: "app.env.bz2", data: bz, files: []string{"app.env=API_TOKEN=placeholder\n"}},
		{name: "tar.xz", data: xzOf(t, tarOf(t, file{Name: "config/.env", Data: "A=1\n"})), files: []string{"config/.env=A=1\n"}},
		{name: "xz of a file", archiveNam: "app.env.xz", data: xzOf(t, []byte("A=1\n")), files: []string{"app.env=A=1\n"}},
		{name: "txz of a file", archiveNam: "x.txz", data: xzOf(t, []byte("A=1\n")), files: []string{"x.tar=A=1\n"}},
		{name: "xz, stream padding", archiveNam: "app.env.xz", data: append(xzOf(t, []byte("A=1\n")), 0, 0, 0, 0), files: []string{"app.env=A=1\n"}},
		{name: "tar.zst", data: zstdOf(t, tarOf(t, file{Name: "config/.env", Data: "A=1\n"})), files: []string{"config/.env=A=1\n"}},
		{name: "zstd of a file", archiveNam: "app.env.zst", data: zstdOf(t, []byte("A=1\n")), files: []string{"app.env=A=1\n"}},
		{name: "truncated xz", data: xzOf(t, []byte("A=1\n"))[:30], skips: []string{": corrupt x1"}},
		{name: "truncated zstd", data: zstdOf(t, []byte(strings.Repeat("A=1\n", 100)))[:12], skips: []string{": corrupt x1"}},
		{name: "corrupt zip", data: append([]byte("PK\x03\x04"), make([]byte, 64)...), skips: []string{": corrupt x1"}},
		{name: "truncated tar.gz", data: gzipOf(t, tarOf(t, file{Name: "a", Data: "b"}))[:20], skips: []string{": corrupt x1"}},
		{name: "not an archive", data: []byte("hello\n")},
	} {
		files, skips := walked(c.archiveNam, c.data, Limits{})
		if !slices.Equal(files, c.files) || !slices.Equal(skips, c.skips) {
			t.Errorf("%s: files %q skips %q, want %q %q", c.name, files, skips, c.files, c.skips)
		}
	}
}

func TestWalkDepth(t *testing.T) {
	t.Parallel()
	inner := zipOf(t, file{Name: "c.properties", Data: "key=v\n"})
	mid := zipOf(t, file{Name: "lib/b.jar", Data: string(inner)})
	outer := zipOf(t, file{Name: "a/mid.zip", Data: string(mid)}, file{Name: "top.txt", Data: "t"})
	for _, c := range []struct {
		depth        int
		files, skips []string
	}{
		{1, []string{"top.txt=t"}, []string{"a/mid.zip: too-deep x1"}},
		{2, []string{"top.txt=t"}, []string{"a/mid.zip!lib/b.jar: too-deep x1"}},
		{3, []string{"a/mid.zip!lib/b.jar!c.properties=key=v\n", "top.txt=t"}, nil},
	} {
		files, skips := walked("outer.zip", outer, Limits{MaxDepth: c.depth})
		if !slices.Equal(files, c.files) || !slices.Equal(skips, c.skips) {
			t.Errorf("depth %d: files %q skips %q, want %q %q", c.depth, files, skips, c.files, c.skips)
		}
	}
}

func TestWalkLimits(t *testing.T) {
	t.Parallel()
	var many []file
	for i := range 5 {
		many = append(many, file{Name: string(rune('a'+i)) + ".txt", Data: "x"})
	}
	files, skips := walked("", zipOf(t, many...), Limits{MaxEntries: 3})
	if len(files) != 3 || !slices.Equal(skips, []string{": too-many-entries x2"}) {
		t.Errorf("entry limit: files %q skips %q", files, skips)
	}
	big := strings.Repeat("y", 100)
	files, skips = walked("", zipOf(t, file{Name: "big", Data: big}, file{Name: "small", Data: "s"}), Limits{MaxEntrySize: 10, MaxTotal: 1 << 20})
	if !slices.Equal(files, []string{"small=s"}) || !slices.Equal(skips, []string{"big: too-large x1"}) {
		t.Errorf("size limit (zip): files %q skips %q", files, skips)
	}
	files, skips = walked("", gzipOf(t, tarOf(t, file{Name: "big", Data: big}, file{Name: "small", Data: "s"})), Limits{MaxEntrySize: 10, MaxTotal: 1 << 20})
	if !slices.Equal(files, []string{"small=s"}) || !slices.Equal(skips, []string{"big: too-large x1"}) {
		t.Errorf("size limit (tar.gz): files %q skips %q", files, skips)
	}
	// A single gzip'd file has no size in a header: it is read up to the
	// limit and one byte more.
	files, skips = walked("big.gz", gzipOf(t, []byte(big)), Limits{MaxEntrySize: 10, MaxTotal: 1 << 20})
	if len(files) != 0 || !slices.Equal(skips, []string{"big: too-large x1"}) {
		t.Errorf("size limit (gzip): files %q skips %q", files, skips)
	}
}

// deflated returns n zero bytes compressed, and their CRC-32.
func deflated(t *testing.T, n int) ([]byte, uint32) {
	t.Helper()
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	crc := crc32.NewIEEE()
	for left := n; left > 0; left -= len(zeros) {
		chunk := zeros[:min(left, len(zeros))]
		fw.Write(chunk)
		crc.Write(chunk)
	}
	fw.Close()
	return b.Bytes(), crc.Sum32()
}

// bombZip returns a zip of entries entries, each claiming claimed bytes
// and inflating to size zero bytes: each entry's compressed stream is
// written once and repeated raw, as zip bombs are built.
func bombZip(t *testing.T, entries, size int, claimed uint64) []byte {
	t.Helper()
	raw, crc := deflated(t, size)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range entries {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "z" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + ".txt", Method: zip.Deflate,
			CRC32: crc, CompressedSize64: uint64(len(raw)), UncompressedSize64: claimed})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBombsBounded walks archives that inflate to far more than the
// limits let through, and checks what was decompressed and allocated.
func TestBombsBounded(t *testing.T) {
	const entrySize, total = 1 << 20, 4 << 20
	lim := Limits{MaxEntrySize: entrySize, MaxTotal: total}
	// 200 entries of 8 MiB of zeros each (1.6 GB), honestly declared.
	honest := bombZip(t, 200, 8<<20, 8<<20)
	// The same entries, each declared 100 bytes: the header lies.
	lying := bombZip(t, 200, 8<<20, 100)
	// 200 entries of 512 KiB each, under the entry limit: the budget stops it.
	under := bombZip(t, 200, 512<<10, 512<<10)
	// Zip in zip: the outer holds the last one twice.
	nested := zipOf(t, file{Name: "a.zip", Data: string(under)}, file{Name: "b.zip", Data: string(under)})
	// A tar.gz whose one entry claims 1 GiB, of which 8 MiB of zeros are
	// there: skipping it must not inflate more than the budget.
	var tb bytes.Buffer
	gz := gzip.NewWriter(&tb)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: 1 << 30, Typeflag: tar.TypeReg})
	tw.Write(make([]byte, 8<<20))
	tw.Flush()
	gz.Close()
	tgz := tb.Bytes()
	// The same tar, in zstd; and 8 MiB of zeros in xz, one file.
	var tz bytes.Buffer
	tw = tar.NewWriter(&tz)
	tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: 1 << 30, Typeflag: tar.TypeReg})
	tw.Write(make([]byte, 8<<20))
	tw.Flush()
	tzst := zstdOf(t, tz.Bytes())
	xzZeros := xzOf(t, make([]byte, 8<<20))

	for _, c := range []struct {
		name string
		data []byte
		want Reason
	}{
		{"declared sizes", honest, TooLarge},
		{"lying sizes", lying, Corrupt},
		{"budget", under, OverBudget},
		{"zip in zip", nested, OverBudget},
		{"tar.gz", tgz, OverBudget},
		{"tar.zst", tzst, OverBudget},
		{"xz", xzZeros, TooLarge},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var got int64
		reasons := map[Reason]int{}
		Walk("bomb", c.data, lim, func(e Entry) {
			got += int64(len(e.Data))
		}, func(s Skipped) {
			reasons[s.Reason] += s.Count
		})
		runtime.ReadMemStats(&after)
		if got > total {
			t.Errorf("%s: %d bytes handed on, more than the budget %d", c.name, got, total)
		}
		if reasons[c.want] == 0 {
			t.Errorf("%s: skipped %v, want some %s", c.name, reasons, c.want)
		}
		// Allocated while walking: the entries read (at most the budget)
		// and the readers' buffers, not what the archive inflates to.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 6*total {
			t.Errorf("%s: allocated %d bytes walking, want at most %d", c.name, alloc, 6*total)
		}
	}
}

// TestWindowsBounded checks that an xz or zstd stream whose header asks
// for a window larger than MaxWindow is skipped as too large before its
// decompressor allocates it, and that one within it is read.
func TestWindowsBounded(t *testing.T) {
	tgz := tarOf(t, file{Name: "config/.env", Data: "A=1\n"})
	hugeXz := archivetest.XzDeclaring(t, tgz, 36) // 1 GiB
	// A zstd frame written as a stream declares its window in the byte
	// after the frame header's descriptor: 0xa0 is 2^30 bytes.
	hugeZstd := zstdOf(t, tgz)
	if hugeZstd[4]&0x20 != 0 {
		t.Fatal("zstd frame is a single segment: no window descriptor")
	}
	hugeZstd[5] = 0xa0
	for _, c := range []struct {
		name string
		data []byte
		size int64
	}{
		{"xz", hugeXz, 1 << 30},
		{"zstd", hugeZstd, 0},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var skips []Skipped
		var files int
		Walk("release.tar."+c.name, c.data, Limits{}, func(Entry) { files++ }, func(s Skipped) { skips = append(skips, s) })
		runtime.ReadMemStats(&after)
		if files != 0 || len(skips) != 1 || skips[0].Reason != TooLarge || skips[0].Size != c.size {
			t.Errorf("%s: %d files, skipped %+v; want one too-large of size %d", c.name, files, skips, c.size)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
			t.Errorf("%s: allocated %d bytes, want at most 16 MiB", c.name, alloc)
		}
	}
	// The largest window allowed is read.
	ok := archivetest.XzDeclaring(t, tgz, 28) // 64 MiB
	if files, skips := walked("release.tar.xz", ok, Limits{}); !slices.Equal(files, []string{"config/.env=A=1\n"}) || skips != nil {
		t.Errorf("xz of a 64 MiB dictionary: files %q skips %q", files, skips)
	}
}

// BenchmarkDetectText is what Detect costs on content that is no archive,
// which is all a scan of text pays for archives.
func BenchmarkDetectText(b *testing.B) {
	text := []byte(strings.Repeat("import os\nSECRET = os.environ['SECRET']\n", 100))
	for b.Loop() {
		if Detect(text) != None {
			b.Fatal("text detected as an archive")
		}
	}
}

// TestFindStopsAtTheFirstFile checks that Find reports a file its
// predicate accepts and decompresses no file after it, and that it looks
// at every file, nested ones too, when none is accepted.
func TestFindStopsAtTheFirstFile(t *testing.T) {
	t.Parallel()
	inner := zipOf(t, file{Name: "deep/.env", Data: "K=v\n"})
	data := zipOf(t, file{Name: "a.txt", Data: "a"}, file{Name: "hit.env", Data: "SECRET=x\n"},
		file{Name: "lib/inner.jar", Data: string(inner)}, file{Name: "z.txt", Data: "z"})
	var seen []string
	pred := func(want string) func(Entry) bool {
		return func(e Entry) bool {
			seen = append(seen, strings.Join(e.Path, "!"))
			return strings.Contains(string(e.Data), want)
		}
	}
	if !Find("r.zip", data, Limits{}, pred("SECRET")) {
		t.Fatal("Find: the file that holds it not found")
	}
	if want := []string{"a.txt", "hit.env"}; !slices.Equal(seen, want) {
		t.Errorf("Find read %q, want it to stop after %q", seen, want)
	}
	seen = nil
	if Find("r.zip", data, Limits{}, pred("nowhere")) {
		t.Fatal("Find accepted a file its predicate turned down")
	}
	if want := []string{"a.txt", "hit.env", "lib/inner.jar!deep/.env", "z.txt"}; !slices.Equal(seen, want) {
		t.Errorf("Find read %q, want every file %q", seen, want)
	}
}

// TestCompiledClassesLeftPacked: a jar's .class files, in a zip or a tar,
// are skipped as Compiled, not handed on (they are binary); in a zip they
// are not even decompressed, so they cost no budget. The text files
// beside them are handed on.
func TestCompiledClassesLeftPacked(t *testing.T) {
	t.Parallel()
	class := "\xca\xfe\xba\xbe\x00\x00\x00\x34" + strings.Repeat("\x01", 64)
	for name, data := range map[string][]byte{
		"app.jar": zipOf(t, file{Name: "com/acme/App.class", Data: class}, file{Name: "application.properties", Data: "k=v\n"}),
		"app.tar": tarOf(t, file{Name: "com/acme/App.class", Data: class}, file{Name: "application.properties", Data: "k=v\n"}),
	} {
		files, skips := walked(name, data, Limits{})
		if !slices.Equal(files, []string{"application.properties=k=v\n"}) || !slices.Equal(skips, []string{"com/acme/App.class: compiled x1"}) {
			t.Errorf("%s: files %q, skips %q", name, files, skips)
		}
	}
	// Not read at all: a budget too small for the class still reaches
	// the text file after it.
	data := zipOf(t, file{Name: "Big.class", Data: strings.Repeat("\x00", 4096)}, file{Name: "a.env", Data: "K=v\n"})
	if files, _ := walked("small.jar", data, Limits{MaxEntrySize: 8192, MaxTotal: 100}); !slices.Equal(files, []string{"a.env=K=v\n"}) {
		t.Errorf("budget spent on a class: files %q", files)
	}
}
