//go:build !unix

package gitwalk

import (
	"io"
	"os"
)

func mmap(f *os.File, size int) ([]byte, func() error, error) {
	data := make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, err
	}
	return data, func() error { return nil }, nil
}

// canMapPacks says whether pack files are mapped into memory (see
// packIndexes.mapped): here mmap reads the whole file.
const canMapPacks = false
