//go:build !unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// openBeneath opens name below root after checking with Lstat that no
// component is a symbolic link, then checks that what it opened is what it
// checked. (A race with a rename between the checks is possible here, not
// on unix systems, which open each component with O_NOFOLLOW.)
func openBeneath(root, name string) (*os.File, error) {
	p := root
	var last os.FileInfo
	for _, part := range strings.Split(filepath.Clean(name), string(filepath.Separator)) {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return nil, ErrSymlink
		}
		last = fi
	}
	if !last.Mode().IsRegular() {
		return nil, ErrNotRegular
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !os.SameFile(fi, last) {
		f.Close()
		return nil, errors.New("file changed while it was opened")
	}
	return f, nil
}

func openFollow(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &os.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	return os.Open(path)
}
