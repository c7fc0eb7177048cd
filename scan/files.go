package scan

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/detect"
	"github.com/leakhound/leakhound/fswalk"
	"github.com/leakhound/leakhound/leak"
)

// Dir is a directory tree, scanned as it is on disk: every regular file
// under it, symbolic links never followed, .git directories left out. Its
// findings have no commit and are all "in HEAD".
//
// Rules on paths alone (a .p12 key store) do not look at the files of a
// directory, as they do at the files of git history: that is how
// leakhound's directory scans have always behaved.
type Dir struct {
	Path string
}

var (
	_ Source = Dir{}
	_ Source = File{}
	_ Source = Stdin{}
)

// NewDir returns the Dir at path, or an error if path is not a directory.
func NewDir(path string) (Dir, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Dir{}, err
	}
	if !fi.IsDir() {
		return Dir{}, fmt.Errorf("%s: not a directory", path)
	}
	return Dir{Path: path}, nil
}

// Scan reads every file under the directory, in parallel.
func (d Dir) Scan(ctx context.Context, s *Sink) (Scanned, error) {
	res, err := fswalk.Walk(ctx, d.Path, fswalk.Options{Workers: s.Workers(), MaxFileSize: s.MaxFileSize(), Keep: s.KeepsFile},
		func(frag *leak.Fragment) error {
			s.file(frag)
			return nil
		}, s.Error)
	for reason, n := range res.Skipped {
		s.Skip(reason, n)
	}
	for _, f := range res.SkippedFiles {
		unread(s, f, "")
		s.SkipFile(f)
	}
	sc := Scanned{Name: d.Path, Mode: "directory", Blobs: res.Files, Bytes: res.Bytes}
	return sc, readError(ctx, s, err)
}

// unread hands s the path of a file the walk did not read because it is
// binary or too large, shown as display when that is not empty: rules on
// paths alone (a .kdbx, a .p12, ~/.vnc/passwd) report such a file as they
// do in history, where every blob's path is handed to them (Sink.Path).
// Links and special files are not files of the tree's content.
func unread(s *Sink, f leak.SkippedFile, display string) {
	if f.Reason == leak.SkipBinary || f.Reason == leak.SkipTooLarge {
		src := leak.Source{Path: f.Path, Display: display}
		s.Path(fileID(src), nil, src)
	}
}

// file hands s a file read from disk: its paths, with its content, to the
// rules on paths alone, and its content to the detectors, unless it is an
// opaque binary file (see leak.SkipContent) read only for a rule that
// checks its format.
func (s *Sink) file(frag *leak.Fragment) {
	reads := false
	for _, src := range frag.Sources {
		reads = s.pathRules(func() string { return contentID(src, frag.Content) }, frag.Content, src, false) || reads
	}
	if reads && s.opaque(frag.Content) {
		return
	}
	s.Fragment(frag)
}

// fileID stands for a blob's id outside history: the file's path as
// shown, so that two files on disk are two findings of a rule on paths
// alone (in history, one content committed twice is one).
func fileID(src leak.Source) string {
	if src.Display != "" {
		return "file:" + src.Display
	}
	return "file:" + src.Path
}

// contentID is the id Sink.Path takes for a file read as content: the
// empty blob's id for an empty file, as in history, else fileID.
func contentID(src leak.Source, content []byte) string {
	if len(content) == 0 {
		return detect.EmptyBlobIDs[0]
	}
	return fileID(src)
}

// readError sorts out the error a source's readers ended with: nil, the
// context's, or the one OnError stopped the scan with are returned as they
// are; any other (a reader failed: an internal error) goes to s.Error, so
// that what was found is kept and the scan is marked incomplete.
func readError(ctx context.Context, s *Sink, err error) error {
	switch {
	case err == nil, ctx.Err() != nil, s.aborted() != nil:
		return err
	}
	return s.Error("scan", err)
}

// File is a single file, scanned as it is on disk. Its path is reported
// slash-separated, as given.
type File struct {
	Path string
}

// Scan reads the file; a file that cannot be read is an error.
func (f File) Scan(_ context.Context, s *Sink) (Scanned, error) {
	sc := Scanned{Name: f.Path, Mode: "file"}
	src := leak.Source{Path: filepath.ToSlash(f.Path)}
	content, reason, err := fswalk.ReadFileKeep(f.Path, s.MaxFileSize(), func(b []byte) bool { return s.KeepsFile(src.Path, b) })
	switch {
	case err != nil:
		return sc, err
	case reason != "":
		s.Skip(reason, 1)
		sf := leak.SkippedFile{Path: filepath.ToSlash(f.Path), Reason: reason, Size: fileSize(f.Path)}
		unread(s, sf, "")
		s.SkipFile(sf)
		return sc, nil
	}
	s.file(&leak.Fragment{Content: content, Sources: []leak.Source{src}})
	sc.Blobs, sc.Bytes = 1, int64(len(content))
	return sc, nil
}

// Paths are files and directories named on a command line, scanned as
// they are on disk (outside git history): each directory as Dir scans it,
// each file as File does. Findings name each file by its path as given
// joined with its path inside the directory given ("cloud/.s3cfg" for a
// file .s3cfg of cloud/), slash-separated, so that it can be opened from
// where the command was run (leak.Source.Display); rules and the triage
// judge the path inside the directory, as for Dir, so that a rules file's
// path patterns and the directories above the one named (an absolute
// path's /home/me/tests/) change nothing. A path that does not exist, or
// is neither a file nor a directory, is an error before anything is read
// (see CheckPaths).
type Paths struct {
	Paths []string
}

var _ Source = Paths{}

// CheckPaths returns an error naming the first path that is neither a
// directory nor a regular file (nor a link to one), or does not exist.
func CheckPaths(paths []string) error {
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if !fi.IsDir() && !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: neither a file nor a directory", p)
		}
	}
	return nil
}

// Scan reads every file of every path; directories in parallel.
func (ps Paths) Scan(ctx context.Context, s *Sink) (Scanned, error) {
	sc := Scanned{Name: strings.Join(ps.Paths, " "), Mode: "directory"}
	if len(ps.Paths) == 1 {
		if fi, err := os.Stat(ps.Paths[0]); err == nil && !fi.IsDir() {
			sc.Mode = "file"
		}
	}
	for _, root := range ps.Paths {
		if err := ctx.Err(); err != nil {
			return sc, err
		}
		fi, err := os.Stat(root)
		if err != nil {
			return sc, err
		}
		prefix := filepath.ToSlash(filepath.Clean(root))
		if !fi.IsDir() {
			fsc, err := File{Path: root}.Scan(ctx, s)
			if err != nil {
				return sc, err
			}
			sc.Blobs, sc.Bytes = sc.Blobs+fsc.Blobs, sc.Bytes+fsc.Bytes
			continue
		}
		// display is how a path under root is shown: under root's own
		// name, or as it is when root is the current directory.
		display := func(rel string) string {
			if prefix == "." {
				return ""
			}
			return path.Join(prefix, rel)
		}
		join := func(rel string) string {
			if d := display(rel); d != "" {
				return d
			}
			return rel
		}
		res, err := fswalk.Walk(ctx, root, fswalk.Options{Workers: s.Workers(), MaxFileSize: s.MaxFileSize(), Keep: s.KeepsFile},
			func(frag *leak.Fragment) error {
				for i := range frag.Sources {
					frag.Sources[i].Display = display(frag.Sources[i].Path)
				}
				s.file(frag)
				return nil
			}, func(p string, err error) error { return s.Error(join(p), err) })
		for reason, n := range res.Skipped {
			s.Skip(reason, n)
		}
		for _, f := range res.SkippedFiles {
			unread(s, f, display(f.Path))
			f.Path = join(f.Path)
			s.SkipFile(f)
		}
		sc.Blobs, sc.Bytes = sc.Blobs+res.Files, sc.Bytes+res.Bytes
		if err := readError(ctx, s, err); err != nil {
			return sc, err
		}
	}
	return sc, nil
}

// fileSize returns the size of the file at p, or 0 if it cannot tell.
func fileSize(p string) int64 {
	fi, err := os.Lstat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// Stdin is content read from a reader (standard input), up to the size
// limit, reported under the name "-", or Name when set.
//
// Without a Name, the content is judged by itself: rules limited to some
// paths (a .env file's, say) do not apply to it. Name says which path the
// content comes from ("config/.env"), and rules and the triage judge it as
// they would a file of that name.
type Stdin struct {
	R    io.Reader
	Name string
}

// Scan reads everything from the reader, then scans it. Reading cannot be
// cancelled: it goes on in the background, so that a cancelled context
// still ends the scan at once.
func (in Stdin) Scan(ctx context.Context, s *Sink) (Scanned, error) {
	sc := Scanned{Name: "-", Mode: "stdin"}
	type read struct {
		frag *leak.Fragment
		err  error
	}
	ch := make(chan read, 1)
	go func() {
		frag, err := fswalk.ReadStdin(in.R, s.MaxFileSize())
		ch <- read{frag, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return sc, r.err
		}
		if in.Name != "" {
			r.frag.Sources[0].Path = filepath.ToSlash(in.Name)
			sc.Name = in.Name
		}
		s.Fragment(r.frag)
		sc.Blobs, sc.Bytes = 1, int64(len(r.frag.Content))
		return sc, nil
	case <-ctx.Done():
		return sc, ctx.Err()
	}
}
