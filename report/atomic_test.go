package report

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestAtomicWriteReplacesRegularFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	os.WriteFile(p, []byte("old"), 0o644)
	if err := AtomicWrite(p, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(b) != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("content %q mode %v", b, fi.Mode())
	}
	// A failed write leaves the old file and no temporary behind.
	err := AtomicWrite(p, func(w io.Writer) error { io.WriteString(w, "half"); return os.ErrClosed })
	if err == nil {
		t.Fatal("no error")
	}
	b, _ = os.ReadFile(p)
	entries, _ := os.ReadDir(dir)
	if string(b) != "new" || len(entries) != 1 {
		t.Errorf("after a failed write: %q, %d entries", b, len(entries))
	}
	// A symlink at the end of the path is refused: its target, which may
	// be anywhere (a merge request's link to ~/.ssh/authorized_keys), is
	// left alone, and so is the link.
	link := filepath.Join(dir, "link.json")
	os.Symlink(p, link)
	err = AtomicWrite(link, func(w io.Writer) error { _, err := io.WriteString(w, "via link"); return err })
	if !errors.Is(err, ErrOutputSymlink) {
		t.Errorf("through a link: %v", err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("the link's target was written: %q", b)
	}
	if err := CheckOutput(link); !errors.Is(err, ErrOutputSymlink) {
		t.Errorf("CheckOutput through a link: %v", err)
	}
}

// TestOutputErrors: a named pipe with no reader is an error at once, not a
// wait; errors name the report, never a temporary file; CheckOutput
// finds a bad path before any scan.
func TestOutputErrors(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- AtomicWrite(fifo, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err })
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "no reader") {
			t.Errorf("pipe with no reader: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("writing to a named pipe with no reader hangs")
	}
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	if os.Geteuid() != 0 {
		err := AtomicWrite(filepath.Join(ro, "r.json"), func(io.Writer) error { return nil })
		if err == nil || strings.Contains(err.Error(), ".tmp") || !strings.Contains(err.Error(), "r.json: permission denied") {
			t.Errorf("read-only directory: %v", err)
		}
		if err := CheckOutput(filepath.Join(ro, "r.json")); err == nil || strings.Contains(err.Error(), ".tmp") {
			t.Errorf("CheckOutput, read-only directory: %v", err)
		}
	}
	for _, bad := range []string{filepath.Join(dir, "missing", "r.json"), dir} {
		if err := CheckOutput(bad); err == nil {
			t.Errorf("CheckOutput(%s): no error", bad)
		}
	}
	for _, good := range []string{filepath.Join(dir, "new.json"), fifo, os.DevNull, "/dev/stdout"} {
		if err := CheckOutput(good); err != nil {
			t.Errorf("CheckOutput(%s): %v", good, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("CheckOutput left files behind: %v", entries)
	}
}

// TestAtomicWriteKeepsSpecialFiles writes to a named pipe, as -o /dev/null
// or -o /dev/stdout would: the pipe must still be a pipe afterwards.
func TestAtomicWriteKeepsSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := AtomicWrite(fifo, func(w io.Writer) error { _, err := io.WriteString(w, "report"); return err }); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "report" {
		t.Errorf("read %q", s)
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
	if err := AtomicWrite(t.TempDir(), func(io.Writer) error { return nil }); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
}
