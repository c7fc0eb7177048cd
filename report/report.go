// Package report writes findings in the formats people and machines read:
// human text, JSON and, through the same Reporter interface, the CI formats.
//
// Reporters only format: they print the findings they are given, in order,
// masked unless told otherwise (each Reporter's ShowSecrets; see Masked),
// with file names that are not valid UTF-8 escaped.
// The package knows findings; it knows nothing of git, rules or detectors.
package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/leakhound/leakhound/leak"
)

// Report is the outcome of one scan.
type Report struct {
	Findings []leak.Finding
	Summary  Summary
}

// Summary describes what a scan covered.
type Summary struct {
	// Source is what was scanned: a repository path, a directory or "-".
	Source string `json:"source"`
	// Mode is "git", "directory" or "stdin".
	Mode string `json:"mode"`
	// Range describes the commits scanned, e.g. "all refs" or "A..B".
	Range   string `json:"range,omitempty"`
	Commits int    `json:"commits"`
	// Blobs is the number of distinct file contents read; Bytes their size.
	Blobs int   `json:"blobs"`
	Bytes int64 `json:"bytes"`
	// Skipped counts what was not scanned, by reason (see
	// leak.SkipReason): binary, too-large, lfs-pointer, submodule, symlink,
	// allowlisted-path...
	Skipped map[leak.SkipReason]int `json:"skipped"`
	// SkippedFiles names the files counted in Skipped (those a source can
	// name: not submodules or paths a rules file ignores), most
	// worrying first (too large before binary), at most
	// scan.MaxSkippedFiles of them.
	SkippedFiles []leak.SkippedFile `json:"skipped_files,omitempty"`
	Shallow      bool               `json:"shallow"`
	Findings     int                `json:"findings"`
	// Errors counts objects that could not be read. A scan with errors is
	// incomplete: it may have missed secrets.
	Errors     int  `json:"errors"`
	Incomplete bool `json:"incomplete"`
	// Interrupted, set when the scan was stopped (Ctrl-C, a signal) before
	// it read everything, says how far it got. Such a scan is incomplete.
	Interrupted *Interruption `json:"interrupted,omitempty"`
	Duration    time.Duration `json:"-"`
	// Seconds is Duration in seconds, for JSON.
	Seconds float64 `json:"duration_seconds"`
	// Warnings are notes for the reader, such as rules capped on a blob.
	Warnings []string `json:"warnings,omitempty"`
	// HeadRef and HeadCommit name the tip of the default branch that each
	// finding's InHead was checked against (git history only; empty when
	// the repository has none). InHead counts the findings still there.
	HeadRef    string `json:"head_ref,omitempty"`
	HeadCommit string `json:"head_commit,omitempty"`
	InHead     int    `json:"in_head"`
	// Baseline is the baseline file applied, if any; Baselined counts the
	// known secrets it kept out of Findings.
	Baseline  string `json:"baseline,omitempty"`
	Baselined int    `json:"baselined"`
	// Repositories has a line per repository in a scan of several (see
	// Combiner); it is empty in a scan of one.
	Repositories []RepoSummary `json:"repositories,omitempty"`
	// Filtered counts findings left out by a minimum severity or
	// confidence (--min-severity, --min-confidence), described by
	// FilteredBelow ("severity medium, confidence high").
	Filtered      int    `json:"filtered,omitempty"`
	FilteredBelow string `json:"filtered_below,omitempty"`
	// KnownLeftOut counts publicly known values that open no account
	// (AWS's documented example key pair, Stripe's documentation test
	// keys...) left out of Findings; --include-known reports them.
	KnownLeftOut int `json:"known_left_out,omitempty"`
}

// Interruption says how far an interrupted scan got.
type Interruption struct {
	// Walking says the scan was stopped while it walked history, before
	// it knew the commits in range: CommitsWalked commit objects were read
	// and no file was scanned.
	Walking       bool `json:"walking,omitempty"`
	CommitsWalked int  `json:"commits_walked,omitempty"`
	// CommitsDone counts the commits in range (of Summary.Commits) all of
	// whose files were read (git history).
	CommitsDone int `json:"commits_done"`
	// Files counts the files the scan was to read, when it knew (git
	// history; Summary.Blobs of them were read); zero otherwise.
	Files int `json:"files,omitempty"`
}

// IncompleteReason says in words why a scan is incomplete (s.Incomplete):
// how far an interrupted scan got, how many objects could not be read.
func (s *Summary) IncompleteReason() string {
	var why []string
	if in := s.Interrupted; in != nil {
		switch {
		case s.Mode == "git" && in.Walking:
			why = append(why, fmt.Sprintf("interrupted while walking history, after %d commit%s: no file was scanned", in.CommitsWalked, Plural(in.CommitsWalked)))
		case s.Mode == "git":
			w := fmt.Sprintf("interrupted after %d of %d commit%s", in.CommitsDone, s.Commits, Plural(s.Commits))
			if in.Files > 0 {
				w += fmt.Sprintf(" (%d of %d file%s read)", s.Blobs, in.Files, Plural(in.Files))
			}
			why = append(why, w+"; secrets in the rest may have been missed")
		default:
			why = append(why, fmt.Sprintf("interrupted after %d file%s; secrets in the rest may have been missed", s.Blobs, Plural(s.Blobs)))
		}
	}
	if s.Errors > 0 || s.Interrupted == nil {
		why = append(why, fmt.Sprintf("%d object%s could not be read; secrets there may have been missed", s.Errors, Plural(s.Errors)))
	}
	return strings.Join(why, "; ")
}

// Reporter writes a report in one format.
type Reporter interface {
	Write(w io.Writer, r *Report) error
}

// WriteFile writes a report to path atomically, readable by its owner only:
// it writes a temporary file in the same directory, then renames it, so an
// interrupted run never leaves a half-written report.
func WriteFile(path string, rep Reporter, r *Report) error {
	return AtomicWrite(path, func(w io.Writer) error { return rep.Write(w, r) })
}

// AtomicWrite writes path with mode 0600 through a temporary file and a
// rename, so that an interrupted run never leaves a half-written report.
//
// A symbolic link at the end of path is refused, not followed: a work tree
// may hold a link named like a report to a file elsewhere (a CI job's
// workspace is the merge request's), and following it would overwrite that
// file. The names of the standard streams (/dev/stdout, /dev/stderr,
// /dev/fd/N, /proc/self/fd/N) are the exception: they are written to as
// they are. A path naming something other than a regular file (/dev/null,
// a named pipe, a terminal) is written to as it is: renaming over it would
// replace a device with a file. A named pipe with no reader is an error,
// not a wait. Errors name path, never the temporary file.
func AtomicWrite(path string, write func(io.Writer) error) (err error) {
	if stdStream(path) {
		return writeSpecial(path, write)
	}
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("write %s: %w", path, ErrOutputSymlink)
	case err == nil && fi.IsDir():
		return fmt.Errorf("write %s: is a directory", path)
	case err == nil && !fi.Mode().IsRegular():
		return writeSpecial(path, write)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	// rename replaces whatever is at path now, a link included: it never
	// follows one.
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	return nil
}

// ErrOutputSymlink is the error of a report path whose last element is a
// symbolic link.
var ErrOutputSymlink = errors.New("is a symbolic link, which leakhound does not write through (remove it, or name the file it points to)")

// PipeReaderWait is how long a report written to a named pipe waits for
// a reader to open it.
const PipeReaderWait = 5 * time.Second

// writeSpecial writes to path as it is: a device, a named pipe or a
// standard stream. It opens without blocking, so that a named pipe with no
// reader is an error after PipeReaderWait instead of a wait for ever.
func writeSpecial(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	for deadline := time.Now().Add(PipeReaderWait); errors.Is(err, syscall.ENXIO) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		f, err = os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	}
	if errors.Is(err, syscall.ENXIO) {
		return fmt.Errorf("write %s: a named pipe with no reader (waited %s)", path, PipeReaderWait)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	return nil
}

// stdStream reports whether path names a standard stream of the process.
func stdStream(path string) bool {
	switch {
	case path == "/dev/stdout", path == "/dev/stderr":
		return true
	case strings.HasPrefix(path, "/dev/fd/"), strings.HasPrefix(path, "/proc/self/fd/"):
		return true
	}
	return false
}

// bare returns the cause of a file error without the file's name, which
// may be a temporary file's: the caller names the report.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// CheckOutput says whether a report can be written to path, before a scan
// spends its time: a regular file (or none yet) in an existing directory
// where a file can be created, a device or named pipe, or a standard
// stream; not a directory, not a symbolic link (see AtomicWrite). It
// creates and removes a temporary file to find out, and never opens a
// named pipe (whose reader would see the end of its input).
func CheckOutput(path string) error {
	if stdStream(path) {
		return nil
	}
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&os.ModeSymlink != 0:
		return ErrOutputSymlink
	case err == nil && fi.IsDir():
		return errors.New("is a directory")
	case err == nil && !fi.Mode().IsRegular():
		return nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return bare(err)
	}
	dir := filepath.Dir(path)
	if di, err := os.Stat(dir); err != nil {
		return fmt.Errorf("directory %s: %w", dir, bare(err))
	} else if !di.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("cannot create a file in %s: %w", dir, bare(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}
