package safefile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

const secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyz"

// layout makes a root with a regular file, and an outside directory with a
// secret, and returns both.
func layout(t *testing.T) (root, outside string) {
	t.Helper()
	root, outside = t.TempDir(), t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "rules.toml"), []byte("title = \"ok\"\n"), 0o644))
	must(t, os.MkdirAll(filepath.Join(root, "sub", "dir"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "sub", "dir", "f"), []byte("nested\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("token = "+secret+"\n"), 0o644))
	return root, outside
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadsRegularFilesInside(t *testing.T) {
	root, _ := layout(t)
	for name, want := range map[string]string{"rules.toml": "title = \"ok\"\n", "sub/dir/f": "nested\n", "sub/../rules.toml": "title = \"ok\"\n"} {
		got, err := ReadFile(context.Background(), root, name, 1<<20)
		if err != nil || string(got) != want {
			t.Errorf("%s: %q %v", name, got, err)
		}
	}
	// Exactly at the limit is fine, a byte over is not.
	if _, err := ReadFile(context.Background(), root, "rules.toml", 13); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := ReadFile(context.Background(), root, "rules.toml", 12); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := ReadFile(context.Background(), root, "nope", 10); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

// TestRefusesHostileFiles is issue 13 item 1: a rules file committed as a
// symbolic link to /dev/zero, to a FIFO, or to a secret outside the
// repository is refused before a byte is read, and the error holds nothing
// of the target's content.
func TestRefusesHostileFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links and FIFOs")
	}
	root, outside := layout(t)
	must(t, os.Symlink("/dev/zero", filepath.Join(root, "zero")))
	must(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "abs-link")))
	rel, _ := filepath.Rel(root, filepath.Join(outside, "secret.txt"))
	must(t, os.Symlink(rel, filepath.Join(root, "rel-link")))
	must(t, os.Symlink(outside, filepath.Join(root, "dir-link")))
	must(t, os.Symlink("rules.toml", filepath.Join(root, "inside-link")))
	must(t, syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644))
	must(t, os.Symlink("fifo", filepath.Join(root, "fifo-link")))

	for _, tc := range []struct {
		name string
		want error
	}{
		{"zero", ErrSymlink},
		{"abs-link", ErrSymlink},
		{"rel-link", ErrSymlink},
		{"inside-link", ErrSymlink}, // even a link that stays inside: nothing is followed
		{"dir-link/secret.txt", ErrSymlink},
		{"fifo", ErrNotRegular},
		{"fifo-link", ErrSymlink},
		{"sub", ErrNotRegular},
		{"../" + filepath.Base(outside) + "/secret.txt", ErrOutside},
		{filepath.Join(outside, "secret.txt"), ErrOutside},
	} {
		got, err := ReadFile(context.Background(), root, tc.name, 1<<30)
		if !errors.Is(err, tc.want) || got != nil {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, secret) || !strings.Contains(msg, tc.name) {
			t.Errorf("%s: error %q should name the file and hold none of its content", tc.name, msg)
		}
	}
}

func TestReadPath(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links and FIFOs")
	}
	root, outside := layout(t)
	// A user-named path may be a link; it is followed to a regular file.
	link := filepath.Join(root, "link")
	must(t, os.Symlink(filepath.Join(outside, "secret.txt"), link))
	if got, err := ReadPath(context.Background(), link, 1<<20); err != nil || !bytes.Contains(got, []byte(secret)) {
		t.Errorf("link to a regular file: %v", err)
	}
	must(t, syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644))
	for _, p := range []string{"/dev/zero", filepath.Join(root, "fifo"), root} {
		if _, err := ReadPath(context.Background(), p, 1<<20); !errors.Is(err, ErrNotRegular) {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestCancelled(t *testing.T) {
	root, _ := layout(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadFile(ctx, root, "rules.toml", 1<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: %v", err)
	}
}
