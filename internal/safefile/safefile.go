// Package safefile reads files that somebody else controls: a rules file or
// a baseline committed to a repository under scan, a file a merge request
// may have replaced with a symbolic link to /dev/zero, a FIFO, or a secret
// outside the repository.
//
// ReadFile and Open take a root directory and a name inside it, and refuse,
// before reading a byte:
//
//   - a name that leaves the root ("../x", "/etc/passwd"): ErrOutside;
//   - a symbolic link anywhere below the root, at the last component or in
//     a directory on the way: ErrSymlink (nothing is followed, so nothing
//     outside the root is reached);
//   - anything but a regular file (a FIFO, a device, a socket, a
//     directory): ErrNotRegular. The file is opened non-blocking, so a FIFO
//     with no writer does not hang the open.
//
// ReadFile also refuses a file over its size limit (ErrTooLarge), reads in
// chunks, and stops when its context is cancelled. ReadPath does the same
// (and OpenPath) for a path a user named, following symbolic links since
// the user chose them, but still only to a regular file.
//
// Errors are *fs.PathError values that wrap these sentinels (test them with
// errors.Is) and name the file as it was given; they never hold any of its
// content. A caller that parses the content (TOML, JSON) may echo parts of
// it in its own errors: that content came from a regular file inside the
// root, which the repository's owner can read anyway.
//
// The package knows files only: nothing of git, rules or baselines.
package safefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

var (
	// ErrSymlink is a symbolic link where a regular file was expected, or
	// in a directory on the way to it.
	ErrSymlink = errors.New("is a symbolic link (not followed)")
	// ErrNotRegular is a FIFO, device, socket or directory where a regular
	// file was expected.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge is a file over the caller's size limit.
	ErrTooLarge = errors.New("file too large")
	// ErrOutside is a name that is not inside the root (absolute, or with
	// ".." that climbs out of it).
	ErrOutside = errors.New("not inside the directory")
)

// chunk is how much ReadFile reads between looks at its context.
const chunk = 256 << 10

// Open opens name, a slash- or OS-separated path relative to root, for
// reading, without following a symbolic link at any component, and only if
// it is a regular file (see the package documentation). Root itself may be
// a symbolic link: whoever chose it chose where it leads.
func Open(root, name string) (*os.File, error) {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrOutside}
	}
	f, err := openBeneath(root, filepath.FromSlash(name))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if err := checkRegular(f); err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f, nil
}

// ReadFile returns the content of name below root, opened as Open does, if
// it is at most maxSize bytes. It reads in chunks and returns ctx.Err() if
// ctx is cancelled first.
func ReadFile(ctx context.Context, root, name string, maxSize int64) ([]byte, error) {
	f, err := Open(root, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(ctx, f, name, maxSize)
}

// OpenPath opens the file at path for reading, following symbolic links,
// and only if it is a regular file: without blocking on a FIFO, and
// without reading a device.
func OpenPath(path string) (*os.File, error) {
	f, err := openFollow(path)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(f); err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return f, nil
}

// ReadPath returns the content of the file at path, which a user named: a
// symbolic link is followed, but the file it leads to must be a regular
// file of at most maxSize bytes. It is cancellable as ReadFile is.
func ReadPath(ctx context.Context, path string, maxSize int64) ([]byte, error) {
	f, err := OpenPath(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(ctx, f, path, maxSize)
}

func checkRegular(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w (%s)", ErrNotRegular, kind(fi.Mode()))
	}
	return nil
}

// kind names a file's type for an error message.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

// readAll reads f whole, if it holds at most maxSize bytes.
func readAll(ctx context.Context, f *os.File, name string, maxSize int64) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if maxSize < 0 {
		maxSize = 0
	}
	if fi.Size() > maxSize {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w (%d bytes, the limit is %d)", ErrTooLarge, fi.Size(), maxSize)}
	}
	// The file may grow after Stat: read at most one byte past the limit.
	buf := make([]byte, 0, fi.Size()+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if int64(len(buf)) > maxSize {
			return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w (over %d bytes)", ErrTooLarge, maxSize)}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		want := min(cap(buf)-len(buf), chunk, int(maxSize+1-int64(len(buf))))
		n, err := f.Read(buf[len(buf) : len(buf)+want])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			if int64(len(buf)) > maxSize {
				return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w (over %d bytes)", ErrTooLarge, maxSize)}
			}
			return buf, nil
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: unwrapPath(err)}
		}
	}
}

// unwrapPath drops an *fs.PathError's own path, which names the file the
// way it was opened; the caller's error names it as it was given.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
