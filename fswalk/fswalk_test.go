package fswalk

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/leak"
)

// tree writes files (path → content) under a new directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestWalk checks what a walk yields and skips: regular files by relative,
// slash-separated path; binary, oversized and LFS pointer files, symbolic
// links (never followed) and .git directories counted, not read.
func TestWalk(t *testing.T) {
	t.Parallel()
	dir := tree(t, map[string]string{
		"a.txt":            "alpha\n",
		"sub/b.py":         "beta\n",
		"sub/deep/c.env":   "gamma\n",
		"logo.png":         "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"big.txt":          strings.Repeat("x", 100),
		"model.bin":        "version https://git-lfs.github.com/spec/v1\noid sha256:1\nsize 2\n",
		"utf16.txt":        "\xff\xfea\x00",
		".git/config":      "[core]\n",
		"sub/.git/objects": "not a repository of ours",
	})
	outside := tree(t, map[string]string{"secret.txt": "outside\n"})
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[string]string{}
	res, err := Walk(context.Background(), dir, Options{Workers: 3, MaxFileSize: 90}, func(f *leak.Fragment) error {
		mu.Lock()
		defer mu.Unlock()
		if len(f.Sources) != 1 || f.BlobID != "" {
			t.Errorf("fragment %+v", f.Sources)
		}
		got[f.Sources[0].Path] = string(f.Content)
		return nil
	}, func(p string, err error) error {
		t.Errorf("error %s: %v", p, err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for p := range got {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	if strings.Join(paths, ",") != "a.txt,sub/b.py,sub/deep/c.env,utf16.txt" || got["sub/deep/c.env"] != "gamma\n" {
		t.Errorf("files %v", paths)
	}
	want := map[leak.SkipReason]int{leak.SkipBinary: 1, leak.SkipTooLarge: 1, leak.SkipLFSPointer: 1, leak.SkipSymlink: 2}
	if res.Files != 4 || !mapsEqual(res.Skipped, want) {
		t.Errorf("files %d, skipped %v, want %v", res.Files, res.Skipped, want)
	}
	if res.Bytes != int64(len("alpha\nbeta\ngamma\n\xff\xfea\x00")) {
		t.Errorf("bytes %d", res.Bytes)
	}
}

func mapsEqual(a, b map[leak.SkipReason]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestWalkErrors checks that an unreadable file goes to onErr and the walk
// goes on, that an error from onErr or fn stops it, and that a cancelled
// context does.
func TestWalkErrors(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Log("running as root: unreadable files are readable; checking errors from fn and the context only")
	}
	dir := tree(t, map[string]string{"a.txt": "a\n", "b.txt": "b\n"})
	locked := filepath.Join(dir, "locked.txt")
	os.WriteFile(locked, []byte("x\n"), 0o000)
	var errs []string
	_, err := Walk(context.Background(), dir, Options{Workers: 1}, func(*leak.Fragment) error { return nil },
		func(p string, err error) error { errs = append(errs, p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 && (len(errs) != 1 || errs[0] != "locked.txt") {
		t.Errorf("errors %v", errs)
	}
	stop := errors.New("stop")
	_, err = Walk(context.Background(), dir, Options{Workers: 2}, func(*leak.Fragment) error { return stop }, func(string, error) error { return nil })
	if !errors.Is(err, stop) {
		t.Errorf("fn's error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Walk(ctx, dir, Options{}, func(*leak.Fragment) error { return nil }, func(string, error) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestReadFileAndStdin(t *testing.T) {
	t.Parallel()
	dir := tree(t, map[string]string{"a.txt": "alpha\n", "bin": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"})
	if b, r, err := ReadFile(filepath.Join(dir, "a.txt"), 0); err != nil || r != "" || string(b) != "alpha\n" {
		t.Errorf("a.txt: %q %q %v", b, r, err)
	}
	if _, r, err := ReadFile(filepath.Join(dir, "bin"), 0); err != nil || r != leak.SkipBinary {
		t.Errorf("bin: %q %v", r, err)
	}
	if _, r, err := ReadFile(filepath.Join(dir, "a.txt"), 3); err != nil || r != leak.SkipTooLarge {
		t.Errorf("too large: %q %v", r, err)
	}
	os.Symlink(filepath.Join(dir, "a.txt"), filepath.Join(dir, "link"))
	if _, _, err := ReadFile(filepath.Join(dir, "link"), 0); err == nil {
		t.Error("a symbolic link was followed")
	}
	if _, r, err := ReadFile(dir, 0); err != nil || r != leak.SkipSpecialFile {
		t.Errorf("a directory: %q %v", r, err)
	}

	f, err := ReadStdin(strings.NewReader("x\x00y"), 10)
	if err != nil || string(f.Content) != "x\x00y" || f.Sources[0].Path != "-" {
		t.Errorf("stdin: %+v %v", f, err)
	}
	if _, err := ReadStdin(strings.NewReader("0123456789x"), 10); err == nil {
		t.Error("stdin over the limit was read")
	}
}

// TestWalkKeepsUTF16Text checks that text saved as UTF-16, which is full of
// NUL bytes, is walked as text, and that binary content is skipped only
// when it is opaque (an image); other binary content is read as its strings.
func TestWalkKeepsUTF16Text(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"notes.txt":  []byte("plain text\n"),
		"out.txt":    {0xFF, 0xFE, 'k', 0, '=', 0, 'v', 0, '\r', 0, '\n', 0},
		"nobom.txt":  {'t', 0, 'o', 0, 'k', 0, 'e', 0, 'n', 0, '=', 0, 'x', 0},
		"image.png":  []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"random.bin": {0x00, 0x9f, 0x13, 0x00, 0xff, 0x01},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var got []string
	res, err := Walk(context.Background(), dir, Options{}, func(f *leak.Fragment) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, f.Sources[0].Path)
		return nil
	}, func(string, error) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"nobom.txt", "notes.txt", "out.txt", "random.bin"}; !slices.Equal(got, want) || res.Skipped[leak.SkipBinary] != 1 {
		t.Errorf("walked %q, skipped %v; want %q and 1 binary", got, res.Skipped, want)
	}
}

// TestWalkRootLink: a root that is a link to a directory (named on the
// command line) is scanned; links inside it are still not followed.
func TestWalkRootLink(t *testing.T) {
	t.Parallel()
	dir := tree(t, map[string]string{"a.txt": "alpha\n", "sub/b.txt": "beta\n"})
	outside := tree(t, map[string]string{"secret.txt": "outside\n"})
	if err := os.Symlink(outside, filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "project")
	if err := os.Symlink(dir, root); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	res, err := Walk(context.Background(), root, Options{Workers: 2}, func(f *leak.Fragment) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, f.Sources[0].Path)
		return nil
	}, func(string, error) error { return nil })
	slices.Sort(got)
	if err != nil || !slices.Equal(got, []string{"a.txt", "sub/b.txt"}) || res.Skipped[leak.SkipSymlink] != 1 {
		t.Errorf("%v: files %v, skipped %v", err, got, res.Skipped)
	}
}
