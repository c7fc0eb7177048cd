//go:build unix

package gitwalk

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/safefile"
)

// TestRepositoryFilesAreReadSafely: the files git reads whole (a .git file,
// commondir, shallow) are read regular-files-only and capped, so that one
// made a FIFO or a huge file fails at once instead of hanging or exhausting
// memory; a bad line of shallow is reported, the rest read.
func TestRepositoryFilesAreReadSafely(t *testing.T) {
	g := gittest.New(t)
	g.Write("a", "one\n").Commit("one")
	c2 := g.Write("a", "two\n").Commit("two")
	shallow := filepath.Join(g.Dir, ".git", "shallow")
	must(t, os.WriteFile(shallow, []byte("garbage\n"+c2+"\n"), 0o644))
	s := scanRepo(t, g.Dir, Options{})
	if len(s.errs) != 1 || !strings.Contains(s.errs[0], "shallow: line 1: not an object id") || !s.plan.Shallow {
		t.Errorf("errors %q, shallow %v", s.errs, s.plan.Shallow)
	}
	must(t, os.Remove(shallow))
	must(t, syscall.Mkfifo(shallow, 0o644))
	r, err := Open(g.Dir)
	must(t, err)
	defer r.Close()
	if _, err := r.Plan(context.Background(), Options{}, nil, func(string, error) error { return nil }); !errors.Is(err, safefile.ErrNotRegular) {
		t.Errorf("shallow as a FIFO: %v", err)
	}

	// A .git file of a megabyte is not read whole.
	wt := t.TempDir()
	must(t, os.WriteFile(filepath.Join(wt, ".git"), make([]byte, 1<<20), 0o644))
	if _, err := Open(wt); !errors.Is(err, safefile.ErrTooLarge) {
		t.Errorf("a .git file of 1 MiB: %v", err)
	}
}
