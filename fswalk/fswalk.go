// Package fswalk yields the files of a directory tree, or of standard
// input, as fragments to scan, for scans outside git history (--no-git).
//
// It never follows a symbolic link: a link is counted as skipped, so a scan
// cannot be led out of the tree it was given. It knows files; it knows
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
	"github.com/leakhound/leakhound/textenc"
)

// Options tune Walk.
type Options struct {
	// Workers is the number of goroutines calling fn; zero means GOMAXPROCS.
	Workers int
	// MaxFileSize skips larger files; zero means 10 MiB.
	MaxFileSize int64
}

// Result counts what Walk saw.
type Result struct {
	Files   int
	Bytes   int64
	Skipped map[string]int
}

// Walk calls fn for every regular file under root, with paths relative to
// root and slash-separated. fn is called concurrently from opts.Workers
// goroutines and must not keep the Fragment after it returns. Binary files,
// files over the size limit, symbolic links and .git directories are
// skipped and counted. An unreadable file goes to onErr; returning nil from
// onErr continues.
func Walk(ctx context.Context, root string, opts Options, fn func(*leak.Fragment) error, onErr func(path string, err error) error) (Result, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	maxSize := opts.MaxFileSize
	if maxSize <= 0 {
		maxSize = 10 << 20
	}
	res := Result{Skipped: map[string]int{}}
	var mu sync.Mutex
	skip := func(reason string) {
		mu.Lock()
		res.Skipped[reason]++
		mu.Unlock()
	}
	var files atomic.Int64
	var nbytes atomic.Int64
	paths := make(chan string, 64)
	g, gctx := errgroup.WithContext(ctx)
	safego.Go(g, func() error {
		defer close(paths)
		return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
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
				skip("symlink")
				return nil
			case !d.Type().IsRegular():
				skip("special-file")
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
				rel, err := filepath.Rel(root, p)
				if err != nil {
					rel = p
				}
				rel = filepath.ToSlash(rel)
				content, reason, err := readFile(p, maxSize)
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
					skip(reason)
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

// readFile reads a regular file without following a symlink put in its
// place since the walk saw it.
func readFile(p string, maxSize int64) ([]byte, string, error) {
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
		return nil, "special-file", nil
	}
	if fi.Size() > maxSize {
		return nil, "too-large", nil
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(b)) > maxSize {
		return nil, "too-large", nil
	}
	if textenc.Binary(b) {
		return nil, "binary", nil
	}
	return b, "", nil
}

// ReadStdin reads standard input as one fragment named "-", up to maxSize
// bytes.
func ReadStdin(r io.Reader, maxSize int64) (*leak.Fragment, error) {
	if maxSize <= 0 {
		maxSize = 10 << 20
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
