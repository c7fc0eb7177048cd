// Package fswalk yields the files of a directory tree, a single file, or
// standard input as fragments to scan, for scans outside git history
// (--no-git).
//
// It never follows a symbolic link inside the tree: a link is counted as
// skipped, so a scan cannot be led out of the tree it was given. The root
// itself, which the caller named, is followed when it is a link. It knows files; it knows
// nothing of git, rules or reports.
package fswalk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/leakhound/leakhound/internal/safego"

	"github.com/leakhound/leakhound/leak"
)

// Options tune Walk.
type Options struct {
	// Workers is the number of goroutines calling fn; zero means GOMAXPROCS.
	Workers int
	// MaxFileSize skips larger files; zero means leak.DefaultMaxFileSize.
	MaxFileSize int64
	// Keep, when set, passes on the opaque binary files (see
	// leak.SkipContent: images, archives and the like) for which it returns
	// true (archives, which the caller opens; key stores, whose format a
	// rule checks) instead of skipping them. It is called with a file's
	// path, slash-separated and relative to the root as a Source's, from
	// the walking goroutines concurrently.
	Keep func(path string, content []byte) bool
}

// Result counts what Walk saw.
type Result struct {
	Files   int
	Bytes   int64
	Skipped map[leak.SkipReason]int
	// SkippedFiles names each file counted in Skipped, with paths as fn
	// sees them, in no particular order.
	SkippedFiles []leak.SkippedFile
}

// Walk calls fn for every regular file under root (a link to a directory
// is followed there, and only there), with paths relative to root and
// slash-separated. fn is called concurrently from opts.Workers
// goroutines and must not keep the Fragment after it returns. Opaque binary
// files (images, archives; see leak.SkipContent),
// files over the size limit, symbolic links and .git directories are
// skipped and counted (see ReadFile). An unreadable file goes to onErr;
// returning nil from onErr continues. onErr is called from the walking
// goroutines, one call at a time.
func Walk(ctx context.Context, root string, opts Options, fn func(*leak.Fragment) error, onErr func(path string, err error) error) (Result, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// The root was named by the caller (on a command line): a link there
	// is followed, to the directory to scan; links below it are not.
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if real, err := filepath.EvalSymlinks(root); err == nil {
			root = real
		}
	}
	res := Result{Skipped: map[leak.SkipReason]int{}}
	var mu sync.Mutex
	skip := func(p string, reason leak.SkipReason) {
		f := leak.SkippedFile{Path: relPath(root, p), Reason: reason}
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			f.Size = fi.Size()
		}
		mu.Lock()
		res.Skipped[reason]++
		res.SkippedFiles = append(res.SkippedFiles, f)
		mu.Unlock()
	}
	var files atomic.Int64
	var nbytes atomic.Int64
	paths := make(chan string, 64)
	g, gctx := errgroup.WithContext(ctx)
	safego.Go(g, func() error {
		defer close(paths)
		return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			// A cancelled walk stops at once: the select below may still
			// find room in the channel and carry on.
			if err := gctx.Err(); err != nil {
				return err
			}
			if err != nil {
				mu.Lock()
				defer mu.Unlock()
				return onErr(p, err)
			}
			switch {
			case d.IsDir():
				if d.Name() == ".git" && p != root {
					return filepath.SkipDir
				}
				return nil
			case d.Type()&fs.ModeSymlink != 0:
				skip(p, leak.SkipSymlink)
				return nil
			case !d.Type().IsRegular():
				skip(p, leak.SkipSpecialFile)
				return nil
			}
			select {
			case paths <- p:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
	})
	for range workers {
		safego.Go(g, func() error {
			for p := range paths {
				rel := relPath(root, p)
				var keep func([]byte) bool
				if opts.Keep != nil {
					keep = func(b []byte) bool { return opts.Keep(rel, b) }
				}
				content, reason, err := ReadFileKeep(p, opts.MaxFileSize, keep)
				if err != nil {
					mu.Lock()
					err = onErr(rel, err)
					mu.Unlock()
					if err != nil {
						return err
					}
					continue
				}
				if reason != "" {
					skip(p, reason)
					continue
				}
				files.Add(1)
				nbytes.Add(int64(len(content)))
				if err := fn(&leak.Fragment{Content: content, Sources: []leak.Source{{Path: rel}}}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	err := g.Wait()
	res.Files, res.Bytes = int(files.Load()), nbytes.Load()
	return res, err
}

// relPath is p's path relative to root, slash-separated.
func relPath(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		rel = p
	}
	return filepath.ToSlash(rel)
}

// ReadFile reads the regular file at p, without following a symbolic link
// (put in its place since a walk saw it, or named by the caller), and
// returns its content, or why it is not scanned: a file that is not
// regular, larger than maxSize (zero: leak.DefaultMaxFileSize), opaque
// binary (see leak.SkipContent) or a Git LFS pointer.
func ReadFile(p string, maxSize int64) ([]byte, leak.SkipReason, error) {
	return ReadFileKeep(p, maxSize, nil)
}

// ReadFileKeep is ReadFile that returns the content of an opaque binary file for
// which keep (when not nil) returns true, as it returns text.
func ReadFileKeep(p string, maxSize int64, keep func([]byte) bool) ([]byte, leak.SkipReason, error) {
	if maxSize <= 0 {
		maxSize = leak.DefaultMaxFileSize
	}
	f, err := os.OpenFile(p, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if !fi.Mode().IsRegular() {
		return nil, leak.SkipSpecialFile, nil
	}
	if r := leak.SkipSize(fi.Size(), maxSize); r != "" {
		return nil, r, nil
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, "", err
	}
	if r := leak.SkipSize(int64(len(b)), maxSize); r != "" {
		return nil, r, nil
	}
	if r := leak.SkipContent(b); r != "" && !(r == leak.SkipBinary && keep != nil && keep(b)) {
		return nil, r, nil
	}
	return b, "", nil
}

// ReadStdin reads standard input as one fragment named "-", up to maxSize
// bytes (zero: leak.DefaultMaxFileSize). Its content is scanned as it is,
// binary or not: it was given to be scanned.
func ReadStdin(r io.Reader, maxSize int64) (*leak.Fragment, error) {
	if maxSize <= 0 {
		maxSize = leak.DefaultMaxFileSize
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read standard input: %w", err)
	}
	if int64(len(b)) > maxSize {
		return nil, errors.New("standard input is larger than --max-file-size")
	}
	return &leak.Fragment{Content: b, Sources: []leak.Source{{Path: "-"}}}, nil
}
