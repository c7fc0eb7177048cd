// Package archive reads the entries of an archive held in memory (zip and
// the formats built on it: jar, war, whl, apk, nupkg, egg; tar; gzip,
// bzip2, xz and zstd, around a tar or a single file), so that a scanner can
// look at the files packed inside a blob it would otherwise skip as binary.
//
// Walk is bounded whatever the archive holds: how deep archives nest, how
// many entries each has, how large each entry is once decompressed (read
// through a limit, never trusting the size a header claims), and how many
// bytes one walk decompresses in all (a zip bomb, overlapping entries, a
// gzip of zeros), and the memory a decompressor may hold (an xz or zstd
// stream that asks for a larger window than MaxWindow is not opened).
// Entries it does not read, and archives it cannot read, are reported to a
// callback with the reason, never dropped silently; a damaged archive is
// never an error for the caller.
//
// The package knows bytes and archive formats; it knows nothing of git,
// files on disk, rules or reports.
package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Format is a kind of archive, as Detect tells it by its first bytes.
type Format string

// The formats Walk opens.
const (
	None  Format = ""
	Zip   Format = "zip"
	Tar   Format = "tar"
	Gzip  Format = "gzip"
	Bzip2 Format = "bzip2"
	Xz    Format = "xz"
	Zstd  Format = "zstd"
)

var (
	zipMagic   = []byte("PK\x03\x04")
	gzipMagic  = []byte{0x1f, 0x8b, 0x08}
	bzip2Magic = []byte("BZh")
	// bzip2Block starts a bzip2 stream's first block (the digits of pi),
	// or, for an empty stream, its end (the square root of pi).
	bzip2Block = []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}
	bzip2End   = []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90}
	xzMagic    = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	zstdMagic  = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// tarMagicOffset is where a POSIX ("ustar\x00") or GNU ("ustar  ") tar
// header holds its magic.
const tarMagicOffset = 257

// Detect returns the format of the archive b starts, by its magic bytes,
// or None. It looks at no more than the first 263 bytes, and costs a few
// comparisons for content that is no archive.
func Detect(b []byte) Format {
	if len(b) < 4 {
		return None
	}
	switch b[0] {
	case 'P':
		if bytes.HasPrefix(b, zipMagic) {
			return Zip
		}
	case 0x1f:
		if bytes.HasPrefix(b, gzipMagic) {
			return Gzip
		}
	case 'B':
		if bytes.HasPrefix(b, bzip2Magic) && b[3] >= '1' && b[3] <= '9' && len(b) >= 10 &&
			(bytes.Equal(b[4:10], bzip2Block) || bytes.Equal(b[4:10], bzip2End)) {
			return Bzip2
		}
	case 0xfd:
		if bytes.HasPrefix(b, xzMagic) {
			return Xz
		}
	case 0x28:
		if bytes.HasPrefix(b, zstdMagic) {
			return Zstd
		}
	}
	if isTar(b) {
		return Tar
	}
	return None
}

// isTar reports whether b starts with a ustar header.
func isTar(b []byte) bool {
	return len(b) >= tarMagicOffset+5 && string(b[tarMagicOffset:tarMagicOffset+5]) == "ustar"
}

// Limits bound a Walk. The zero value of a field takes its default.
type Limits struct {
	// MaxDepth is how many levels of archives are opened: 1 opens the
	// archive given and no archive inside it, 2 (the default) those inside
	// it too. An archive one level deeper is skipped (TooDeep).
	MaxDepth int
	// MaxEntries bounds the entries read of each archive (DefaultMaxEntries);
	// the rest are skipped (TooMany).
	MaxEntries int
	// MaxEntrySize bounds each entry once decompressed
	// (DefaultMaxEntrySize); a larger entry is skipped (TooLarge) after
	// reading at most this many bytes and one more of it.
	MaxEntrySize int64
	// MaxTotal bounds the bytes one Walk decompresses, at every level,
	// entries skipped included (default: 8 times MaxEntrySize). Once it is
	// spent, what is left is skipped (OverBudget).
	MaxTotal int64
}

// MaxWindow bounds the window of an xz or zstd stream Walk opens: the
// dictionary an xz block declares, the window a zstd frame declares. A
// decompressor holds that much memory whatever the stream's size, so a
// crafted header could otherwise claim gigabytes. 64 MiB is what xz -9
// uses; zstd's levels up to 19 use 8 MiB (only --ultra and --long use more).
const MaxWindow = 64 << 20

// Defaults of Limits.
const (
	DefaultMaxDepth     = 2
	DefaultMaxEntries   = 10000
	DefaultMaxEntrySize = 10 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxEntrySize <= 0 {
		l.MaxEntrySize = DefaultMaxEntrySize
	}
	if l.MaxTotal <= 0 {
		l.MaxTotal = 8 * l.MaxEntrySize
	}
	return l
}

// Reason says why an entry, or an archive, was not read.
type Reason string

// The reasons Walk skips input.
const (
	// TooLarge is an entry larger than MaxEntrySize, or an xz or zstd
	// stream whose window (the history its decompressor holds) is larger
	// than MaxWindow.
	TooLarge Reason = "too-large"
	// TooDeep is an archive nested deeper than MaxDepth.
	TooDeep Reason = "too-deep"
	// TooMany is the entries of an archive beyond MaxEntries.
	TooMany Reason = "too-many-entries"
	// OverBudget is what is left of a walk once MaxTotal is spent.
	OverBudget Reason = "over-budget"
	// Encrypted is an encrypted zip entry.
	Encrypted Reason = "encrypted"
	// Link is a symbolic or hard link in a tar or zip archive.
	Link Reason = "link"
	// Special is a tar entry that is no file (a device, a pipe).
	Special Reason = "special"
	// Compiled is a compiled Java class (a jar's .class files): binary,
	// never text, so it is not read out (in a zip, not even decompressed)
	// only to be skipped as binary.
	Compiled Reason = "compiled"
	// Corrupt is an archive, or an entry, that cannot be read: damaged,
	// truncated, or compressed by a method Walk does not know.
	Corrupt Reason = "corrupt"
)

// Entry is a file read from an archive.
type Entry struct {
	// Path names the entry from the archive given inwards: the entry's
	// name in it, then, for an entry of a nested archive, its name in
	// that archive ("lib/app.jar", "config/app.properties").
	Path []string
	// Data is the entry's content, decompressed. It is valid only during
	// the call that receives it.
	Data []byte
}

// Skipped is input Walk did not read.
type Skipped struct {
	// Path names the entry as Entry.Path does; for an archive that could
	// not be read, or whose remaining entries were skipped, the archive's
	// own path (empty for the archive given).
	Path   []string
	Reason Reason
	// Count is how many entries this stands for: 1, or for TooMany and
	// OverBudget the entries left (at least 1; a tar's are not counted).
	Count int
	// Size is the entry's size when known (as its header claims it), or 0.
	Size int64
	// Err is what went wrong, for Corrupt.
	Err error
}

// Walk opens the archive data, whose format Detect tells, and calls fn with
// each file it holds, in the archive's order, and skip with each entry or
// archive it does not read; nested archives are opened in turn, up to
// lim.MaxDepth. name is the archive's own name, used to name the content of
// a gzip or bzip2 stream that holds a single file (config.env.gz holds
// config.env). Directories are neither files nor skipped. Walk calls fn and
// skip from the calling goroutine; content that is no archive yields
// nothing.
func Walk(name string, data []byte, lim Limits, fn func(Entry), skip func(Skipped)) {
	w := &walker{lim: lim.withDefaults(), fn: fn, skip: skip}
	w.left = w.lim.MaxTotal
	w.open(nil, path.Base(name), data, 1)
}

// Find walks the archive data as Walk does, within the same limits, and
// reports whether pred accepts one of its files. It stops at the first
// that pred accepts: the files after it are not decompressed. What the
// walk skips is not reported.
func Find(name string, data []byte, lim Limits, pred func(Entry) bool) bool {
	w := &walker{lim: lim.withDefaults(), find: pred, skip: func(Skipped) {}}
	w.left = w.lim.MaxTotal
	w.open(nil, path.Base(name), data, 1)
	return w.found
}

// errBudget is returned by a budget reader once the walk's budget is spent.
var errBudget = errors.New("decompression budget spent")

type walker struct {
	lim  Limits
	fn   func(Entry)
	skip func(Skipped)
	left int64 // bytes the walk may still decompress
	// find, for Find, takes fn's place; found is set, and the walk
	// stops, once it accepts a file.
	find  func(Entry) bool
	found bool
}

// goesOn reports whether the walk may read another entry: the budget is
// not spent and Find has not found its file.
func (w *walker) goesOn() bool { return w.left > 0 && !w.found }

// budgetReader counts what it reads against the walk's budget.
type budgetReader struct {
	r io.Reader
	w *walker
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.w.left <= 0 {
		return 0, errBudget
	}
	if int64(len(p)) > b.w.left {
		p = p[:b.w.left]
	}
	n, err := b.r.Read(p)
	b.w.left -= int64(n)
	return n, err
}

// child returns the path of an entry of the archive at prefix.
func child(prefix []string, name string) []string {
	out := make([]string, len(prefix), len(prefix)+1)
	copy(out, prefix)
	return append(out, cleanName(name))
}

// cleanName drops what leads an entry's name to no file: "./" and "/"
// (tar cf x.tar . writes ./config/.env).
func cleanName(name string) string {
	for {
		switch {
		case strings.HasPrefix(name, "./"):
			name = name[2:]
		case strings.HasPrefix(name, "/"):
			name = name[1:]
		default:
			return name
		}
	}
}

// open walks the archive data at prefix (name is its base name), at level
// depth; content of no known format is handed to fn as a file.
func (w *walker) open(prefix []string, name string, data []byte, depth int) {
	switch Detect(data) {
	case Zip:
		w.zip(prefix, data, depth)
	case Tar:
		w.tar(prefix, &budgetReader{bytes.NewReader(data), w}, depth)
	case Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			w.skip(Skipped{Path: prefix, Reason: Corrupt, Count: 1, Err: err})
			return
		}
		w.stream(prefix, name, &budgetReader{zr, w}, depth, ".gz", ".tgz")
	case Bzip2:
		w.stream(prefix, name, &budgetReader{bzip2.NewReader(bytes.NewReader(data)), w}, depth, ".bz2", ".tbz2", ".tbz")
	case Xz:
		dict, n, err := xzDictionary(data)
		if err != nil {
			w.fail(prefix, err)
			return
		}
		if dict > MaxWindow {
			w.skip(Skipped{Path: prefix, Reason: TooLarge, Count: 1, Size: dict})
			return
		}
		// The reader holds the larger of DictCap and what a block
		// declares: give it what the blocks declare, no more.
		xr, err := xz.ReaderConfig{DictCap: int(max(dict, minXzDictionary)), SingleStream: true}.NewReader(bytes.NewReader(data[:n]))
		if err != nil {
			w.fail(prefix, err)
			return
		}
		w.stream(prefix, name, &budgetReader{xr, w}, depth, ".xz", ".txz")
	case Zstd:
		zr, err := zstd.NewReader(bytes.NewReader(data),
			zstd.WithDecoderConcurrency(1), // decode in this goroutine
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(MaxWindow))
		if err != nil {
			w.fail(prefix, err)
			return
		}
		defer zr.Close()
		w.stream(prefix, name, &budgetReader{zr, w}, depth, ".zst", ".tzst")
	}
}

// stream walks a compressed stream: a tar, or a single file, named after
// the archive without its suffix.
func (w *walker) stream(prefix []string, name string, r io.Reader, depth int, suffixes ...string) {
	br := bufio.NewReaderSize(r, 4096)
	head, err := br.Peek(tarMagicOffset + 5)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		w.fail(prefix, err)
		return
	}
	if isTar(head) {
		w.tar(prefix, br, depth)
		return
	}
	inner := name
	for _, s := range suffixes {
		if strings.HasSuffix(strings.ToLower(name), s) && len(name) > len(s) {
			inner = name[:len(name)-len(s)]
			if s == ".tgz" || s == ".tbz2" || s == ".tbz" || s == ".txz" || s == ".tzst" {
				inner += ".tar"
			}
			break
		}
	}
	if inner == name {
		inner = name + "~" // not named by a known suffix: say it is its content
	}
	w.entry(child(prefix, inner), br, -1, depth)
}

// fail reports an archive at prefix that could not be read on: corrupt,
// over the budget, or asking for too large a window.
func (w *walker) fail(prefix []string, err error) {
	switch {
	case errors.Is(err, errBudget):
		w.skip(Skipped{Path: prefix, Reason: OverBudget, Count: 1})
	case errors.Is(err, zstd.ErrWindowSizeExceeded):
		// A zstd frame asks for a window over MaxWindow: the decoder
		// reads each frame's header as it reaches it.
		w.skip(Skipped{Path: prefix, Reason: TooLarge, Count: 1})
	default:
		w.skip(Skipped{Path: prefix, Reason: Corrupt, Count: 1, Err: err})
	}
}

// entry reads one file at p from r (size as claimed, or -1) and hands it
// on: to fn, or opened as an archive one level deeper. It reports whether
// the walk of the archive it is in may go on (see goesOn).
func (w *walker) entry(p []string, r io.Reader, size int64, depth int) bool {
	if size > w.lim.MaxEntrySize {
		w.skip(Skipped{Path: p, Reason: TooLarge, Count: 1, Size: size})
		return true
	}
	data, err := io.ReadAll(io.LimitReader(r, w.lim.MaxEntrySize+1))
	switch {
	case errors.Is(err, errBudget):
		w.skip(Skipped{Path: p, Reason: OverBudget, Count: 1, Size: max(size, 0)})
		return false
	case errors.Is(err, zstd.ErrWindowSizeExceeded):
		w.skip(Skipped{Path: p, Reason: TooLarge, Count: 1, Size: max(size, 0)})
		return true
	case err != nil:
		w.skip(Skipped{Path: p, Reason: Corrupt, Count: 1, Size: max(size, 0), Err: err})
		return true
	case int64(len(data)) > w.lim.MaxEntrySize:
		w.skip(Skipped{Path: p, Reason: TooLarge, Count: 1, Size: max(size, int64(len(data)))})
		return true
	}
	if Detect(data) != None {
		if depth >= w.lim.MaxDepth {
			w.skip(Skipped{Path: p, Reason: TooDeep, Count: 1, Size: int64(len(data))})
			return true
		}
		w.open(p, p[len(p)-1], data, depth+1)
		return w.goesOn()
	}
	if w.find != nil {
		w.found = w.find(Entry{Path: p, Data: data})
		return !w.found
	}
	w.fn(Entry{Path: p, Data: data})
	return true
}

// zip walks the zip archive data at prefix.
func (w *walker) zip(prefix []string, data []byte, depth int) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// An insecure name (../x, /etc/x) is reported with a reader all
		// the same: its content is read like any other's.
		w.fail(prefix, err)
		return
	}
	n := 0
	for i, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if n == w.lim.MaxEntries {
			w.skip(Skipped{Path: prefix, Reason: TooMany, Count: countFiles(zr.File[i:])})
			return
		}
		n++
		p := child(prefix, f.Name)
		switch {
		case f.Flags&0x1 != 0:
			w.skip(Skipped{Path: p, Reason: Encrypted, Count: 1, Size: clampSize(f.UncompressedSize64)})
			continue
		case f.Mode()&fs.ModeSymlink != 0:
			w.skip(Skipped{Path: p, Reason: Link, Count: 1})
			continue
		case f.UncompressedSize64 > uint64(w.lim.MaxEntrySize):
			w.skip(Skipped{Path: p, Reason: TooLarge, Count: 1, Size: clampSize(f.UncompressedSize64)})
			continue
		case compiled(f.Name):
			w.skip(Skipped{Path: p, Reason: Compiled, Count: 1, Size: clampSize(f.UncompressedSize64)})
			continue
		}
		if w.left <= 0 {
			w.skip(Skipped{Path: prefix, Reason: OverBudget, Count: countFiles(zr.File[i:])})
			return
		}
		rc, err := f.Open()
		if err != nil {
			w.skip(Skipped{Path: p, Reason: Corrupt, Count: 1, Err: err})
			continue
		}
		ok := w.entry(p, &budgetReader{rc, w}, clampSize(f.UncompressedSize64), depth)
		rc.Close()
		if !ok {
			if rest := countFiles(zr.File[i+1:]); rest > 0 && !w.found {
				w.skip(Skipped{Path: prefix, Reason: OverBudget, Count: rest})
			}
			return
		}
	}
}

// compiled reports whether an entry's name is a compiled Java class's
// (see Compiled).
func compiled(name string) bool {
	return strings.HasSuffix(name, ".class")
}

func countFiles(fs []*zip.File) int {
	n := 0
	for _, f := range fs {
		if !f.FileInfo().IsDir() {
			n++
		}
	}
	return n
}

func clampSize(n uint64) int64 {
	if n > 1<<62 {
		return 1 << 62
	}
	return int64(n)
}

// tar walks the tar archive r at prefix.
func (w *walker) tar(prefix []string, r io.Reader, depth int) {
	tr := tar.NewReader(r)
	n := 0
	for {
		h, err := tr.Next()
		switch {
		case errors.Is(err, io.EOF):
			return
		case err != nil:
			w.fail(prefix, fmt.Errorf("tar: %w", err))
			return
		}
		p := child(prefix, h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			continue
		case tar.TypeReg, tar.TypeGNUSparse:
		case tar.TypeSymlink, tar.TypeLink:
			w.skip(Skipped{Path: p, Reason: Link, Count: 1})
			continue
		default:
			w.skip(Skipped{Path: p, Reason: Special, Count: 1})
			continue
		}
		if n == w.lim.MaxEntries {
			w.skip(Skipped{Path: prefix, Reason: TooMany, Count: 1})
			return
		}
		n++
		if compiled(h.Name) {
			// A tar has no index: the next header is read past this
			// entry's bytes (and a compressed tar decompresses them), but
			// they are neither held nor handed on.
			w.skip(Skipped{Path: p, Reason: Compiled, Count: 1, Size: h.Size})
			continue
		}
		if !w.entry(p, tr, h.Size, depth) {
			return
		}
	}
}
