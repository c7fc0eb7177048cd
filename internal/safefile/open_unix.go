//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// openBeneath opens name (local, OS-separated) below root one component at a
// time with O_NOFOLLOW, so that no symbolic link is followed, and the last
// one non-blocking, so that a FIFO does not hang the open.
func openBeneath(root, name string) (*os.File, error) {
	dirfd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(filepath.Clean(name), string(filepath.Separator))
	for i, part := range parts {
		last := i == len(parts)-1
		flags := unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if last {
			flags |= unix.O_NONBLOCK | unix.O_NOCTTY
		} else {
			flags |= unix.O_DIRECTORY
		}
		fd, err := openat(dirfd, part, flags)
		if err != nil {
			// O_NOFOLLOW fails with ELOOP on a link (and O_DIRECTORY with
			// ENOTDIR on a link to a directory, on some systems): say which.
			var st unix.Stat_t
			if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.EMLINK) {
				if unix.Fstatat(dirfd, part, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
					err = ErrSymlink
				}
			}
			unix.Close(dirfd)
			return nil, err
		}
		unix.Close(dirfd)
		if last {
			return os.NewFile(uintptr(fd), name), nil
		}
		dirfd = fd
	}
	unix.Close(dirfd)
	return nil, unix.EINVAL // unreachable: Split returns at least one part
}

func openat(dirfd int, name string, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// openFollow opens path, following symbolic links, without blocking on a
// FIFO.
func openFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
}
