package leak

import (
	"bytes"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/leakhound/leakhound/textenc"
)

// SkipReason says why a piece of input was not scanned. Skipped input is
// counted in a report's summary under its reason, never dropped silently.
type SkipReason string

// The reasons input is skipped. They are decided here (SkipSize,
// SkipContent) and by the walkers, which alone see what a tree entry or a
// directory entry is (a submodule, a symbolic link, a device).
const (
	// SkipBinary is binary content (see IsBinary) whose format holds no
	// text to read: an image, audio, video, a font, compressed data or an
	// archive (archives are opened where a scan does so, see
	// SkipContent). Other binary content is scanned as the strings in it.
	SkipBinary SkipReason = "binary"
	// SkipTooLarge is content over the size limit (see SkipSize).
	SkipTooLarge SkipReason = "too-large"
	// SkipLFSPointer is a Git LFS pointer: the content lives elsewhere.
	SkipLFSPointer SkipReason = "lfs-pointer"
	// SkipSubmodule is a submodule entry in a git tree: a commit of
	// another repository, not content.
	SkipSubmodule SkipReason = "submodule"
	// SkipSymlink is a symbolic link in a directory scan, which never
	// follows one, or a link (symbolic or hard) packed in an archive. (In
	// git history a link's target is scanned as content: a secret can be
	// stored as one.)
	SkipSymlink SkipReason = "symlink"
	// SkipSpecialFile is a file that is neither regular nor a link (a
	// device, a pipe, a socket).
	SkipSpecialFile SkipReason = "special-file"
	// SkipUnmerged is an index entry of an unresolved merge conflict.
	SkipUnmerged SkipReason = "unmerged"
	// SkipAllowlistedPath is content every one of whose paths a global
	// path allowlist ignores (lockfiles, vendored code).
	SkipAllowlistedPath SkipReason = "allowlisted-path"
	// SkipTreeTooLarge is a git tree (a directory) over the walker's tree
	// size limit: the files below it are not scanned.
	SkipTreeTooLarge SkipReason = "tree-too-large"
	// SkipDeltaChain is a git blob stored as a chain of deltas that would
	// cost more to rebuild than the walker allows for its size (crafted
	// packs).
	SkipDeltaChain SkipReason = "delta-chain"
	// SkipCached is a blob an earlier scan with the same rules and the same
	// leakhound read and found nothing in (see the scancache package): not
	// read again.
	SkipCached SkipReason = "cached"
	// SkipArchiveError is an archive, or an entry of one, that could not
	// be read: damaged, truncated, or compressed by an unknown method. A
	// damaged archive is skipped, never an error of the scan.
	SkipArchiveError SkipReason = "archive-error"
	// SkipArchiveDepth is an archive nested in archives deeper than the
	// scan opens (--max-archive-depth).
	SkipArchiveDepth SkipReason = "archive-depth"
	// SkipArchiveLimit is the entries of an archive beyond what a scan
	// reads of one: more entries than its limit, or more decompressed
	// bytes than its budget (a zip bomb).
	SkipArchiveLimit SkipReason = "archive-limit"
	// SkipEncrypted is an encrypted entry of an archive.
	SkipEncrypted SkipReason = "encrypted"
	// SkipMessageCut is a commit's or annotated tag's message longer than
	// the scan reads of one (64 KiB): its start was scanned, the rest not.
	SkipMessageCut SkipReason = "message-cut"
)

// SkippedFile is a file that was not scanned, and why.
type SkippedFile struct {
	// Path is the file's path, as findings name it.
	Path string `json:"path"`
	// Commit is the commit that introduced the content, in git history.
	Commit string `json:"commit,omitempty"`
	// Reason says why it was skipped.
	Reason SkipReason `json:"reason"`
	// Size is the file's size in bytes, when known.
	Size int64 `json:"size,omitempty"`
}

// DefaultMaxFileSize is the size above which content is skipped unless a
// scan says otherwise: 10 MiB.
const DefaultMaxFileSize = 10 << 20

// SkipSize returns SkipTooLarge when size exceeds maxSize (zero or less:
// DefaultMaxFileSize), else "".
func SkipSize(size, maxSize int64) SkipReason {
	if maxSize <= 0 {
		maxSize = DefaultMaxFileSize
	}
	if size > maxSize {
		return SkipTooLarge
	}
	return ""
}

// lfsPointer starts every Git LFS pointer file.
var lfsPointer = []byte("version https://git-lfs.github.com/spec/")

// SkipContent returns why content is not to be scanned (a Git LFS pointer,
// binary content that is opaque, see Opaque), or "" when it is. Binary
// content that is not opaque (a compiled program, Python bytecode, a
// database file, a serialized object) is scanned as the strings in it
// (see textenc.AppendStrings). An archive is opaque: a scan that opens
// archives reads it before this is asked (its walker's Keep).
func SkipContent(content []byte) SkipReason {
	if len(content) < 1024 && bytes.HasPrefix(content, lfsPointer) {
		return SkipLFSPointer
	}
	if IsBinary(content) && Opaque(content) {
		return SkipBinary
	}
	return ""
}

// Opaque reports whether binary content is of a format whose bytes hold
// no text a person wrote, so that its printable runs are noise: an image,
// audio, video or a font (what most binary files in a repository are),
// or compressed data or an archive, whose text is read, if at all, by
// opening it. Formats are told by their signatures
// (github.com/gabriel-vasile/mimetype).
func Opaque(content []byte) bool {
	for m := mimetype.Detect(content); m != nil; m = m.Parent() {
		t, _, _ := strings.Cut(m.String(), ";")
		if kind, _, _ := strings.Cut(t, "/"); kind == "image" || kind == "audio" || kind == "video" || kind == "font" {
			return true
		}
		if packed[t] {
			return true
		}
	}
	return false
}

// packed are the compressed and archive formats Opaque knows (formats
// built on zip, a jar or a .docx, have it as their parent).
var packed = map[string]bool{
	"application/zip": true, "application/gzip": true, "application/x-bzip2": true,
	"application/x-xz": true, "application/zstd": true, "application/x-7z-compressed": true,
	"application/x-rar-compressed": true, "application/x-tar": true, "application/x-lzip": true,
	"application/x-archive": true, "application/x-rpm": true, "application/vnd.debian.binary-package": true,
	"application/vnd.ms-cab-compressed": true, "application/x-compress": true, "application/x-lz4": true,
	"application/x-xar": true, "application/x-unix-archive": true,
	"application/x-font-ttf": true, "application/vnd.ms-fontobject": true, "application/font-woff": true,
	"application/x-shockwave-flash": true, "application/ogg": true, "application/x-chrome-extension": true,
}

// IsBinary reports whether content is binary rather than text: as git
// decides, when a NUL byte occurs in its first 8000 bytes, unless those
// bytes are UTF-16 text (with or without a byte-order mark; see
// textenc.Binary), whose NUL bytes are the high halves of its characters.
func IsBinary(content []byte) bool {
	return textenc.Binary(content)
}
