//go:build unix

package scan_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakhound/leakhound/baseline"
	"github.com/leakhound/leakhound/config"
	"github.com/leakhound/leakhound/internal/gittest"
	"github.com/leakhound/leakhound/internal/safefile"
	"github.com/leakhound/leakhound/scan"
)

// TestSettingsReadOnlyRegularFilesInTheTree holds LoadSettings to reading
// a work tree's rules and baseline as files the repository controls: a
// symbolic link (to a file outside the tree, whose content must not leak
// into the error), a FIFO (which must not hang the scan), a link that
// stays inside the tree and a file over the size limit are refused, and
// the error names the file. A file named on the command line may be
// a link.
func TestSettingsReadOnlyRegularFilesInTheTree(t *testing.T) {
	t.Parallel()
	outside := filepath.Join(t.TempDir(), "outside.toml")
	const private = "private-content-of-a-file-outside"
	if err := os.WriteFile(outside, []byte("[[rules]]\nid = \""+private+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		make func(dir string) error
		want error
	}{
		{"rules: a link outside", func(dir string) error {
			return os.Symlink(outside, filepath.Join(dir, scan.RulesFileName))
		}, safefile.ErrSymlink},
		{"rules: a FIFO", func(dir string) error {
			return syscall.Mkfifo(filepath.Join(dir, scan.RulesFileName), 0o600)
		}, safefile.ErrNotRegular},
		{"baseline: a link outside", func(dir string) error {
			return os.Symlink(outside, filepath.Join(dir, baseline.FileName))
		}, safefile.ErrSymlink},
		{"baseline: a FIFO", func(dir string) error {
			return syscall.Mkfifo(filepath.Join(dir, baseline.FileName), 0o600)
		}, safefile.ErrNotRegular},
		{"rules: over the size limit", func(dir string) error {
			return sparse(filepath.Join(dir, scan.RulesFileName), config.MaxFileSize+1)
		}, safefile.ErrTooLarge},
		{"baseline: over the size limit", func(dir string) error {
			return sparse(filepath.Join(dir, baseline.FileName), baseline.MaxFileSize+1)
		}, safefile.ErrTooLarge},
		{"rules: a link inside the tree", func(dir string) error {
			if err := os.WriteFile(filepath.Join(dir, "rules.toml"), []byte(ownRules("linked")), 0o600); err != nil {
				return err
			}
			return os.Symlink("rules.toml", filepath.Join(dir, scan.RulesFileName))
		}, safefile.ErrSymlink},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := gittest.New(t)
			g.Write("README", "hi\n").Commit("one")
			if err := tc.make(g.Dir); err != nil {
				t.Fatal(err)
			}
			repo := open(t, g.Dir)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := scan.LoadSettings(ctx, scan.Policy{Repo: repo, Dir: g.Dir})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if msg := err.Error(); strings.Contains(msg, private) || !strings.Contains(msg, ".secrets") {
				t.Errorf("error %q: it must name the file and show none of the content", msg)
			}
		})
	}
	// Named on the command line, a link is the user's choice.
	g := gittest.New(t)
	g.Write("README", "hi\n").Commit("one")
	named := filepath.Join(t.TempDir(), "rules.toml")
	if err := os.WriteFile(outside+".ok", []byte(ownRules("named")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside+".ok", named); err != nil {
		t.Fatal(err)
	}
	s, err := scan.LoadSettings(context.Background(), scan.Policy{Repo: open(t, g.Dir), Dir: g.Dir, RulesFile: named, NoBaseline: true})
	if err != nil || ruleIDs(s) != "named" {
		t.Errorf("--config through a link: %v %s", err, ruleIDs(s))
	}
}

// sparse makes a file of size bytes that takes no room on disk.
func sparse(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
