package scan

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/archive"
	"github.com/leakhound/leakhound/leak"
)

// Archives. The engine is the one place that opens an archive (a zip, a
// jar, a tar.gz...): the sources hand it an archive's blob as they hand it
// text (see Sink.Opens), and Sink.Fragment scans each file packed inside
// as a fragment of its own, with the outer blob's id, so that attribution
// (which commit introduced it, what the version before held) works on the
// archive as on any file.
//
// A file inside an archive is named, in reports, by the archive's path, a
// "!" and its path inside ("release.zip!config/.env"; nested:
// "a.zip!lib/b.jar!app.properties"). Rules' path patterns and the triage
// judge it as if the archive were a directory ("release.zip/config/.env"):
// a rule for .env files applies to it, and one packed under tests/ is a
// test's.

// archiveSep separates an archive's path from the path of a file inside
// it, as reports show them.
const archiveSep = "!"

// DefaultMaxArchiveDepth is how deep a scan opens nested archives unless
// Options.MaxArchiveDepth says otherwise.
const DefaultMaxArchiveDepth = archive.DefaultMaxDepth

// archiveDepth is the depth a scan under opts opens archives to (0: none).
func archiveDepth(opts Options) int {
	switch {
	case opts.MaxArchiveDepth < 0:
		return 0
	case opts.MaxArchiveDepth == 0:
		return archive.DefaultMaxDepth
	}
	return opts.MaxArchiveDepth
}

// archiveLimits are the limits of the archives s opens: each file inside
// at most the scan's file size limit, and eight times that decompressed
// from one archive in all.
func (s *Sink) archiveLimits() archive.Limits {
	return archive.Limits{MaxDepth: s.archiveDepth, MaxEntrySize: s.maxFileSize, MaxTotal: 8 * s.maxFileSize}
}

// Opens reports whether Fragment opens content as an archive and scans the
// files inside it: binary content (leak.IsBinary) that starts as a zip,
// tar, gzip or bzip2 archive does. A source that skips binary content
// hands such content on all the same.
//
// Text is never opened, whatever its first bytes: a text file that only
// looks like an archive is scanned as text, so that it cannot hide what
// it holds behind a damaged archive.
func (s *Sink) Opens(content []byte) bool {
	// Detect first: it costs a few comparisons, IsBinary a pass over the
	// first 8000 bytes.
	return s.archiveDepth > 0 && archive.Detect(content) != archive.None && leak.IsBinary(content)
}

// opaque reports whether content holds nothing for the detectors: opaque
// binary content (see leak.SkipContent), not an archive the scan opens. A
// file kept for a rule that checks its format is then read by that rule
// alone.
func (s *Sink) opaque(content []byte) bool {
	return !s.Opens(content) && leak.SkipContent(content) == leak.SkipBinary
}

// opens reports whether frag is an archive to open: content of a file,
// not a message.
func (s *Sink) opens(frag *leak.Fragment) bool {
	return (len(frag.Sources) == 0 || frag.Sources[0].Kind == "") && s.Opens(frag.Content)
}

// archive scans the files inside the archive frag, each as a fragment with
// frag's blob id, and counts what it does not read. It reports whether the
// detectors matched anything. A BlobCache records the archive once, with
// the matches of all its files.
func (s *Sink) archive(frag *leak.Fragment) bool {
	name := ""
	if len(frag.Sources) > 0 {
		name = frag.Sources[0].Path
	}
	recordable, matched := true, false
	var found []BlobMatch
	archive.Walk(name, frag.Content, s.e.archives, func(en archive.Entry) {
		srcs := entrySources(frag.Sources, en.Path)
		s.entryPaths(frag.BlobID, en.Data, srcs)
		if reason := leak.SkipContent(en.Data); reason != "" {
			// Counted, not named: a jar's thousand classes would bury
			// the files that may hide a secret.
			s.Skip(reason, 1)
			return
		}
		ef := leak.Fragment{Content: en.Data, BlobID: frag.BlobID, Sources: srcs}
		res, ok := s.detect(&ef)
		recordable = recordable && ok
		found = blobMatchesOf(found, res.Matches)
		if s.keep(&ef, res.Matches) {
			matched = true
			s.e.archiveMatched.Store(true)
		}
	}, func(sk archive.Skipped) {
		reason := skipReason(sk.Reason)
		s.Skip(reason, sk.Count)
		if sk.Reason == archive.Compiled {
			// Counted, not named, as the binary files inside are.
			return
		}
		f := leak.SkippedFile{Reason: reason, Size: sk.Size}
		if len(frag.Sources) > 0 {
			src := entrySources(frag.Sources[:1], sk.Path)[0]
			f.Path = shownPath(src)
			if c := src.Commit; c != nil {
				f.Commit = c.Hash
			}
		}
		s.SkipFile(f)
	})
	if s.cache != nil && frag.BlobID != "" && recordable {
		s.cache.Record(frag.BlobID, SourcePaths(frag.Sources), found)
	}
	return matched
}

// shownPath is the path reports show for src.
func shownPath(src leak.Source) string {
	if src.Display != "" {
		return src.Display
	}
	return src.Path
}

// entrySources returns the sources of the file at path inside the archive
// found at srcs: the path rules judge is the archive's joined with the
// file's by "/", the one reports show by "!" (see archiveSep); commits and
// prior versions are the archive's. An empty path is the archive itself.
func entrySources(srcs []leak.Source, path []string) []leak.Source {
	out := make([]leak.Source, len(srcs))
	copy(out, srcs)
	if len(path) == 0 {
		return out
	}
	for i := range out {
		shown := shownPath(out[i])
		if out[i].Archive == "" {
			out[i].Archive = shown
		}
		out[i].Path += "/" + strings.Join(path, "/")
		out[i].Display = shown + archiveSep + strings.Join(path, archiveSep)
	}
	return out
}

// entryPaths hands the rules on paths alone (a .p12 key store packed in
// a zip) the file inside an archive: its id, and the secret of such a
// finding, is a hash of its content as git would name it, so that the
// same key store packed twice, or committed as it is too, is one finding;
// the finding's blob is the archive's (blob), so that where it still lives
// is told by the archive.
func (s *Sink) entryPaths(blob string, data []byte, srcs []leak.Source) {
	if len(data) == 0 || !slices.ContainsFunc(srcs, func(src leak.Source) bool { return s.e.d.PathRulesAt(src.Path) }) {
		return
	}
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	id := hex.EncodeToString(h.Sum(nil))
	for _, src := range srcs {
		for _, f := range s.e.d.PathFindings(id, data, src) {
			f.BlobID = blob
			s.e.col.Add(f, order(src))
		}
	}
}

// skipReason is the reason a summary counts what an archive's walk did
// not read under.
func skipReason(r archive.Reason) leak.SkipReason {
	switch r {
	case archive.TooLarge:
		return leak.SkipTooLarge
	case archive.TooDeep:
		return leak.SkipArchiveDepth
	case archive.TooMany, archive.OverBudget:
		return leak.SkipArchiveLimit
	case archive.Encrypted:
		return leak.SkipEncrypted
	case archive.Link:
		return leak.SkipSymlink
	case archive.Special:
		return leak.SkipSpecialFile
	case archive.Compiled:
		return leak.SkipBinary
	}
	return leak.SkipArchiveError
}

// archiveHolds reports whether a file inside the archive content holds
// what written looks for, within lim.
func archiveHolds(content []byte, lim archive.Limits, written func([]byte) bool) bool {
	return archive.Find("", content, lim, func(en archive.Entry) bool { return written(en.Data) })
}

// archiveEntryHolds reports whether the file at entry (its path inside
// the archive content found at name, joined by archiveSep) holds needle,
// within lim.
func archiveEntryHolds(name string, content []byte, entry string, needle []byte, lim archive.Limits) bool {
	return archive.Find(name, content, lim, func(en archive.Entry) bool {
		return strings.Join(en.Path, archiveSep) == entry && bytes.Contains(en.Data, needle)
	})
}

// archivePaths returns the paths of the archives a finding's file may lie
// in, outermost first: the prefixes of file up to each archiveSep
// ("a.zip" and "a.zip!b.jar" for "a.zip!b.jar!c.env"). A file whose own
// name holds the separator is looked up whole first.
func archivePaths(file string) []string {
	var out []string
	for i := 0; i < len(file); i++ {
		if file[i] == archiveSep[0] && i > 0 {
			out = append(out, file[:i])
		}
	}
	return out
}
