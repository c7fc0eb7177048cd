package scan

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
	res, err := fswalk.Walk(ctx, d.Path, fswalk.Options{Workers: s.Workers(), MaxFileSize: s.MaxFileSize()},
		func(frag *leak.Fragment) error {
			s.Fragment(frag)
			return nil
		}, s.Error)
	for reason, n := range res.Skipped {
		s.Skip(reason, n)
	}
	sc := Scanned{Name: d.Path, Mode: "directory", Blobs: res.Files, Bytes: res.Bytes}
	return sc, readError(ctx, s, err)
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
	content, reason, err := fswalk.ReadFile(f.Path, s.MaxFileSize())
	switch {
	case err != nil:
		return sc, err
	case reason != "":
		s.Skip(reason, 1)
		return sc, nil
	}
	s.Fragment(&leak.Fragment{Content: content, Sources: []leak.Source{{Path: filepath.ToSlash(f.Path)}}})
	sc.Blobs, sc.Bytes = 1, int64(len(content))
	return sc, nil
}

// Stdin is content read from a reader (standard input), up to the size
// limit, reported under the name "-".
type Stdin struct {
	R io.Reader
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
		s.Fragment(r.frag)
		sc.Blobs, sc.Bytes = 1, int64(len(r.frag.Content))
		return sc, nil
	case <-ctx.Done():
		return sc, ctx.Err()
	}
}
